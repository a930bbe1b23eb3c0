"""`vane anomaly score` and `vane anomaly evaluate` from the outside."""
import math
import random

from conftest import run_vane


def write(path, text):
    path.write_text(text)
    return str(path)


def seasonal_rows(n, spike_at=None):
    rnd = random.Random(11)
    rows = []
    for i in range(n):
        v = 100 + 20 * math.sin(2 * math.pi * i / 288) + rnd.gauss(0, 1)
        if spike_at is not None and i == spike_at:
            v += 60
        rows.append((1_600_000_000 + 300 * i, round(v, 4)))
    return rows


def scored(out):
    lines = out.strip().split("\n")
    return lines[0], [l.split(",") for l in lines[1:]]


def test_same_rows_same_order_with_scores(vane, tmp_path):
    rows = seasonal_rows(3000, spike_at=2500)
    src = write(tmp_path / "s.csv", "timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in rows))
    r = run_vane(vane, "anomaly", "score", "--input", src)
    assert r.returncode == 0, r.stderr
    header, out = scored(r.stdout)
    assert header == "timestamp,value,anomaly_score"
    assert [(int(a), float(b)) for a, b, _ in out] == rows
    scores = [float(s) for _, _, s in out]
    assert all(0 <= s <= 1 for s in scores)
    assert scores[2500] >= 0.5 > max(scores[1000:2400])


def test_no_look_ahead_and_file_output(vane, tmp_path):
    rows = seasonal_rows(2000)
    full = write(tmp_path / "full.csv", "timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in rows))
    part = write(tmp_path / "part.csv", "timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in rows[:1200]))
    for name in ("default", "ensemble", "seasonal-robust"):
        a = run_vane(vane, "anomaly", "score", "--input", full, "--detector", name, "--output", str(tmp_path / "a.csv"))
        b = run_vane(vane, "anomaly", "score", "--input", part, "--detector", name, "--output", str(tmp_path / "b.csv"))
        assert a.returncode == b.returncode == 0 and a.stdout == ""
        fa = (tmp_path / "a.csv").read_text().split("\n")
        fb = (tmp_path / "b.csv").read_text().split("\n")
        assert fa[:1201] == fb[:1201], name


def test_timestamps_and_values_are_written_as_read(vane, tmp_path):
    text = ("timestamp,value\n2014-04-01 00:00:00,1.50\n2014-04-01T00:05:00Z,  2\n\"2014-04-01 00:10:00\",\n"
            "2014-04-01 00:10:00,NaN\n1396311300,inf\n2014-04-01 00:05:00,-1e3\n")
    r = run_vane(vane, "anomaly", "score", "--input", write(tmp_path / "s.csv", text))
    assert r.returncode == 0, r.stderr
    _, out = scored(r.stdout)
    assert [(a, b) for a, b, _ in out] == [("2014-04-01 00:00:00", "1.50"), ("2014-04-01T00:05:00Z", "  2"),
                                           ("2014-04-01 00:10:00", ""), ("2014-04-01 00:10:00", "NaN"),
                                           ("1396311300", "inf"), ("2014-04-01 00:05:00", "-1e3")]
    assert [float(s) for _, _, s in out][2:5] == [0, 0, 0]  # missing and infinite values score 0
    assert "nan" not in r.stdout.split("\n", 1)[1].split(",")[2::3]


def test_flat_line_and_single_row(vane, tmp_path):
    # a million-row flat line: every score 0, no hang; the forecast of it is flat with no interval
    flat = write(tmp_path / "flat.csv", "timestamp,value\n" + "".join(f"{i},5\n" for i in range(1_000_000)))
    r = run_vane(vane, "anomaly", "score", "--input", flat, timeout=300)
    lines = r.stdout.strip().split("\n")
    assert r.returncode == 0 and len(lines) == 1_000_001 and set(l.rsplit(",", 1)[1] for l in lines[1:]) == {"0"}
    js = tmp_path / "flat.json"
    r = run_vane(vane, "forecast", "--input", flat, "--horizon", "600", "--json", str(js), timeout=300)
    assert r.returncode == 0, r.stderr
    import json
    assert {(p["value"], p["lower"], p["upper"]) for p in json.loads(js.read_text())["points"]} == {(5, 5, 5)}
    one = write(tmp_path / "one.csv", "timestamp,value\n2020-01-01 00:00:00,3\n")
    r = run_vane(vane, "anomaly", "score", "--input", one)
    assert r.returncode == 0 and r.stdout == "timestamp,value,anomaly_score\n2020-01-01 00:00:00,3,0\n"


def test_bad_input_names_the_line_and_writes_nothing(vane, tmp_path):
    out = tmp_path / "o.csv"
    for text, fragment in (("timestamp,value\n2020-01-01 00:00:00,1\n2020-13-01 00:00:00,2\n", "bad.csv:3"),
                           ("timestamp,value\n2020-01-01 00:00:00,abc\n", "bad.csv:2"),
                           ("timestamp,value\n1,2,3\n", "bad.csv:2"),
                           ("", "bad.csv")):
        r = run_vane(vane, "anomaly", "score", "--input", write(tmp_path / "bad.csv", text), "--output", str(out))
        assert r.returncode == 2 and fragment in r.stderr, (text, r.stderr)
        assert not out.exists()
    r = run_vane(vane, "anomaly", "score", "--input", str(tmp_path / "bad.csv"), "--detector", "magic")
    assert r.returncode == 2


def test_evaluate_prints_a_scoreboard(vane, tmp_path):
    js = tmp_path / "e.json"
    r = run_vane(vane, "anomaly", "evaluate", "--series", "6", "--detector", "default,windowed-gaussian", "--json", str(js))
    assert r.returncode == 0, r.stderr
    assert "| default |" in r.stdout and "| windowed-gaussian |" in r.stdout
    import json
    entries = json.loads(js.read_text())
    assert [e["detector"] for e in entries] == ["default", "windowed-gaussian"]
    for e in entries:
        assert len(e["result"]["profiles"]) == 3
