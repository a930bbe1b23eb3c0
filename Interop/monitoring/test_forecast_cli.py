"""`vane forecast` from the outside: crossing warnings, exit statuses, JSON and bad input."""
import json
import math
import random

from conftest import run_vane


def series(path, rows, header="timestamp,value"):
    path.write_text(header + "\n" + "".join(f"{t},{v}\n" for t, v in rows))
    return str(path)


def test_linear_growth_warns_before_the_limit(vane, tmp_path):
    # 1 unit per hour, hourly, epoch seconds; reaches 600 at hour 590
    rnd = random.Random(5)
    src = series(tmp_path / "disk.csv", [(1_700_000_000 + i * 3600, 10 + i + rnd.gauss(0, 0.2)) for i in range(500)])
    out = tmp_path / "f.json"
    r = run_vane(vane, "forecast", "--input", src, "--horizon", "7d", "--limit", "600", "--json", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "LIMIT CROSSED" in r.stdout
    f = json.loads(out.read_text())
    assert f["schema_version"] == 1 and f["model"] == "holt-linear" and f["step_seconds"] == 3600
    assert len(f["points"]) == 168
    likely = f["crossing"]["likely_epoch"]
    assert abs(likely - (1_700_000_000 + 590 * 3600)) <= 2 * 3600
    assert f["crossing"]["earliest_epoch"] <= likely
    for p in f["points"]:
        assert p["lower"] <= p["value"] <= p["upper"]


def test_no_crossing_exits_0_and_seasonality_is_found(vane, tmp_path):
    rows = [(f"2026-01-{1 + i // 288:02d} {(i % 288) * 5 // 60:02d}:{(i % 288) * 5 % 60:02d}:00",
             50 + 10 * math.sin(2 * math.pi * i / 288)) for i in range(288 * 10)]
    src = series(tmp_path / "s.csv", rows)
    out = tmp_path / "f.json"
    r = run_vane(vane, "forecast", "--input", src, "--horizon", "1d", "--limit", "1000", "--json", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    f = json.loads(out.read_text())
    assert (f["model"], f["period_seconds"]) == ("holt-winters-additive", 86400)
    assert f["crossing"]["likely"] is None
    assert "not within the horizon" in r.stdout


def test_bad_input_names_the_line(vane, tmp_path):
    src = series(tmp_path / "bad.csv", [("2026-01-01 00:00:00", 1), ("soon", 2)])
    r = run_vane(vane, "forecast", "--input", src, "--horizon", "1d")
    assert r.returncode == 2 and "bad.csv:3" in r.stderr
    src = series(tmp_path / "bad2.csv", [("2026-01-01 00:00:00", "lots")])
    r = run_vane(vane, "forecast", "--input", src, "--horizon", "1d")
    assert r.returncode == 2 and "bad2.csv:2" in r.stderr and "lots" in r.stderr
    one = series(tmp_path / "one.csv", [(1, 1)])
    r = run_vane(vane, "forecast", "--input", one, "--horizon", "1d")
    assert r.returncode == 2 and "point" in r.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert run_vane(vane, "forecast", "--input", str(empty), "--horizon", "1d").returncode == 2
    ok = series(tmp_path / "ok.csv", [(i, i) for i in range(10)])
    for args in (["--horizon", "soon"], ["--horizon", "1d", "--level", "1.5"], ["--horizon", "0"]):
        assert run_vane(vane, "forecast", "--input", ok, *args).returncode == 2, args
