"""The HTML reports of `vane drift`, `vane quality` and `vane evaluate` render in headless
Chromium: the screenshot holds the reference and current bar colours, and the rendered DOM has
one chart per column and nothing loaded from elsewhere."""
import json
import os
import re
import subprocess

import pytest

from conftest import run_vane
from png import count_color

REFERENCE_RGB = (0x3B, 0x6F, 0xB6)
CURRENT_RGB = (0xF2, 0x8E, 0x2B)
FAIL_RGB = (0xC0, 0x39, 0x2B)


def write_windows(tmp_path, shift):
    import random
    rnd = random.Random(7)
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    with open(ref, "w") as f:
        f.write("amount,score,colour\n")
        for _ in range(400):
            f.write(f"{rnd.gauss(10, 2):.4f},{rnd.random():.5f},{rnd.choice('rgb')}\n")
    with open(cur, "w") as f:
        f.write("amount,score,colour\n")
        for _ in range(400):
            f.write(f"{rnd.gauss(10 + shift, 2):.4f},{rnd.random():.5f},{rnd.choice('rgb' if shift == 0 else 'rggggb')}\n")
    return ref, cur


def screenshot(chromium, html, png, height=1600):
    url = "file://" + os.path.abspath(html)
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size=1280,{height}", f"--screenshot={png}", url],
                   capture_output=True, timeout=120, check=True)
    assert os.path.getsize(png) > 1000


def rendered_dom(chromium, html):
    url = "file://" + os.path.abspath(html)
    out = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


def assert_self_contained(text):
    assert "<script" not in text.lower()
    # the only URL allowed is the SVG namespace
    urls = set(re.findall(r"https?://[^\s\"')]+", text))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert not re.search(r"<(img|link|iframe)\b", text, re.I)


def test_drift_report_renders_charts_per_column(vane, chromium, tmp_path):
    ref, cur = write_windows(tmp_path, shift=3)
    html, js = tmp_path / "drift.html", tmp_path / "drift.json"
    r = run_vane(vane, "drift", "--reference", str(ref), "--current", str(cur), "--html", str(html), "--json", str(js))
    assert r.returncode == 1, r.stderr  # amount and colour drift: 2 of 3 columns
    text = html.read_text()
    assert_self_contained(text)
    dom = rendered_dom(chromium, html)
    assert dom.count("<svg") == 3
    assert dom.count('class="bar-ref"') == dom.count('class="bar-cur"') > 0
    assert "Dataset drift detected" in dom
    png = tmp_path / "drift.png"
    screenshot(chromium, html, png)
    assert count_color(png, REFERENCE_RGB) > 500
    assert count_color(png, CURRENT_RGB) > 500
    assert count_color(png, FAIL_RGB) > 500  # the red verdict banner


def test_drift_report_without_drift_is_green(vane, chromium, tmp_path):
    ref, cur = write_windows(tmp_path, shift=0)
    html = tmp_path / "same.html"
    r = run_vane(vane, "drift", "--reference", str(ref), "--current", str(ref), "--html", str(html))
    assert r.returncode == 0, r.stderr
    png = tmp_path / "same.png"
    screenshot(chromium, html, png)
    assert count_color(png, (0x2E, 0x8B, 0x57)) > 500  # green banner
    assert count_color(png, FAIL_RGB) == 0


def test_quality_report_renders(vane, chromium, tmp_path):
    ref = tmp_path / "r.csv"
    ref.write_text("amount,colour\n" + "".join(f"{i % 40},{'abc'[i % 3]}\n" for i in range(200)))
    cur = tmp_path / "c.csv"
    cur.write_text("amount,colour\n" + "".join(f"{i % 60},{'abcd'[i % 4]}\n" for i in range(200)))
    html = tmp_path / "q.html"
    r = run_vane(vane, "quality", "--reference", str(ref), "--current", str(cur), "--html", str(html))
    assert r.returncode == 1, r.stderr
    assert_self_contained(html.read_text())
    dom = rendered_dom(chromium, html)
    assert dom.count("<svg") == 2 and "out_of_range" in dom and "new_categories" in dom
    png = tmp_path / "q.png"
    screenshot(chromium, html, png)
    assert count_color(png, REFERENCE_RGB) > 500 and count_color(png, CURRENT_RGB) > 500


def test_evaluate_report_renders(vane, chromium, tmp_path):
    d = os.path.join(os.path.dirname(__file__), "../../Tests/Fixtures/performance/multiclass_labels")
    exp = json.load(open(os.path.join(d, "expected.json")))
    html = tmp_path / "e.html"
    r = run_vane(vane, "evaluate", "--data", os.path.join(d, "current.csv"), "--reference", os.path.join(d, "reference.csv"),
                 "--target", exp["target"], "--prediction", ",".join(exp["prediction"]), "--html", str(html))
    assert r.returncode in (0, 1), r.stderr
    assert_self_contained(html.read_text())
    dom = rendered_dom(chromium, html)
    assert dom.count("<svg") == 1 and "Confusion matrix, current" in dom
    png = tmp_path / "e.png"
    screenshot(chromium, html, png, height=1400)
    assert count_color(png, REFERENCE_RGB) > 500 and count_color(png, CURRENT_RGB) > 500
