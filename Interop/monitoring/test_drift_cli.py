"""`vane drift` from the outside: exit statuses, options, JSON layout and bad input."""
import json
import math

from conftest import run_vane


def csv(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows))
    return str(path)


def numbers_only(obj):
    """Every number in a JSON value is finite (json.loads turns bare NaN into float nan)."""
    if isinstance(obj, float):
        assert math.isfinite(obj), obj
    elif isinstance(obj, dict):
        for v in obj.values():
            numbers_only(v)
    elif isinstance(obj, list):
        for v in obj:
            numbers_only(v)


def drift(vane, tmp_path, ref, cur, *extra):
    out = tmp_path / "out.json"
    r = run_vane(vane, "drift", "--reference", ref, "--current", cur, "--json", str(out), *extra)
    report = json.loads(out.read_text()) if out.exists() else None
    return r, report


def test_no_drift_exits_0_and_prints_a_table(vane, tmp_path):
    rows = [(i % 17, "abc"[i % 3]) for i in range(300)]
    ref = csv(tmp_path / "r.csv", "x,c", rows)
    r, report = drift(vane, tmp_path, ref, ref)
    assert r.returncode == 0, r.stderr
    assert "no dataset drift" in r.stdout and "column" in r.stdout.splitlines()[0]
    assert report["schema_version"] == 1
    assert report["dataset"] == {**report["dataset"], "number_of_columns": 2, "drifted_columns": 0, "drift_detected": False}
    by = {c["column"]: c for c in report["columns"]}
    assert by["x"]["method"] == "ks" and by["x"]["score"] == 1.0
    assert by["c"]["method"] == "chisquare" and by["c"]["type"] == "categorical"
    for c in report["columns"]:
        assert {"column", "type", "method", "score", "threshold", "drift_detected", "reference_rows_used",
                "current_rows_used", "reference_missing", "current_missing", "status"} <= c.keys()


def test_drift_exits_1_and_forced_methods_and_thresholds_apply(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x,y", [(i % 50, i % 7) for i in range(500)])
    cur = csv(tmp_path / "c.csv", "x,y", [(i % 50 + 20, i % 7) for i in range(500)])
    r, report = drift(vane, tmp_path, ref, cur, "--numerical", "x,y", "--method", "x=psi", "--threshold", "y=0.5")
    assert r.returncode == 1, r.stderr
    by = {c["column"]: c for c in report["columns"]}
    assert by["x"]["method"] == "psi" and by["x"]["drift_detected"] is True and by["x"]["threshold"] == 0.1
    assert by["y"]["threshold"] == 0.5 and by["y"]["drift_detected"] is False
    assert report["dataset"]["drifted_columns"] == 1 and report["dataset"]["drift_detected"] is True  # 1/2 >= 0.5
    r, report = drift(vane, tmp_path, ref, cur, "--numerical", "x,y", "--drift-share", "0.6")
    assert r.returncode == 0 and report["dataset"]["drift_detected"] is False


def test_json_to_standard_output(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x", [(i,) for i in range(100)])
    r = run_vane(vane, "drift", "--reference", ref, "--current", ref, "--json", "-")
    assert r.returncode == 0
    assert json.loads(r.stdout)["columns"][0]["column"] == "x"


def test_json_lines_input(vane, tmp_path):
    ref = tmp_path / "r.jsonl"
    ref.write_text("".join(json.dumps({"x": i * 0.5, "c": "ab"[i % 2]}) + "\n" for i in range(200)))
    r, report = drift(vane, tmp_path, str(ref), str(ref))
    assert r.returncode == 0, r.stderr
    assert [c["column"] for c in report["columns"]] == ["x", "c"]


def test_all_missing_column_is_not_enough_data(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x,empty", [(i, "") for i in range(50)])
    cur = csv(tmp_path / "c.csv", "x,empty", [(i, "") for i in range(50)])
    r, report = drift(vane, tmp_path, ref, cur, "--numerical", "x,empty")
    assert r.returncode == 0, r.stderr
    col = {c["column"]: c for c in report["columns"]}["empty"]
    assert col["status"] == "not_enough_data" and col["drift_detected"] is False
    assert col["reference_missing"] == 50 and col["reference_rows_used"] == 0
    numbers_only(report)
    assert "not enough data" in r.stdout


def test_single_row_and_constant_columns(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x,k", [(1.5, 3)])
    cur = csv(tmp_path / "c.csv", "x,k", [(2.5, 3)])
    r, report = drift(vane, tmp_path, ref, cur, "--numerical", "x,k")
    assert r.returncode in (0, 1), r.stderr
    numbers_only(report)
    by = {c["column"]: c for c in report["columns"]}
    assert by["k"]["method"] == "z" and by["k"]["score"] == 1.0 and by["k"]["drift_detected"] is False


def test_infinities_are_dropped_and_counted(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x", [("inf" if i % 10 == 0 else i,) for i in range(100)])
    r, report = drift(vane, tmp_path, ref, ref, "--numerical", "x")
    assert r.returncode == 0, r.stderr
    col = report["columns"][0]
    assert col["reference_infinite"] == 10 and col["reference_rows_used"] == 90


def expect_bad_input(r, *fragments):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.startswith("vane drift:") or "Error:" in r.stderr, r.stderr
    for f in fragments:
        assert f in r.stderr, (f, r.stderr)


def test_ragged_csv_names_file_and_line(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x,y", [(1, 2), (3, 4)])
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3\n")
    r, _ = drift(vane, tmp_path, ref, str(bad))
    expect_bad_input(r, "bad.csv:3")


def test_non_numeric_value_in_numerical_column(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x", [(1,), (2,)])
    bad = csv(tmp_path / "c.csv", "x", [(1,), ("oops",)])
    r, _ = drift(vane, tmp_path, ref, bad, "--numerical", "x")
    expect_bad_input(r, "c.csv:3", "'x'")


def test_column_missing_on_one_side(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x,y", [(1, 2)])
    cur = csv(tmp_path / "c.csv", "x", [(1,)])
    r, out = drift(vane, tmp_path, ref, cur)
    expect_bad_input(r, "c.csv", "'y'")
    assert out is None  # nothing written on bad input


def test_empty_file_and_missing_file(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x", [(1,)])
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    expect_bad_input(drift(vane, tmp_path, ref, str(empty))[0], "empty.csv")
    expect_bad_input(drift(vane, tmp_path, ref, str(tmp_path / "nope.csv"))[0], "nope.csv")


def test_bad_options_exit_2(vane, tmp_path):
    ref = csv(tmp_path / "r.csv", "x", [(1,), (2,)])
    for extra in (["--method", "x=nosuch"], ["--threshold", "x=abc"], ["--drift-share", "2"], ["--method", "zz=ks"],
                  ["--numerical", "x", "--categorical", "x"]):
        r, _ = drift(vane, tmp_path, ref, ref, *extra)
        assert r.returncode == 2, (extra, r.returncode, r.stderr)
    r = run_vane(vane, "drift", "--reference", ref)
    assert r.returncode == 2
