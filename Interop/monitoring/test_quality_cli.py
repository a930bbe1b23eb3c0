"""`vane quality` from the outside: verdicts, violations by kind, JSON layout and bad input."""
import json

from conftest import run_vane
from test_drift_cli import csv, numbers_only


def quality(vane, tmp_path, ref, cur, *extra):
    out = tmp_path / "q.json"
    r = run_vane(vane, "quality", "--reference", ref, "--current", cur, "--json", str(out), *extra)
    return r, (json.loads(out.read_text()) if out.exists() else None)


def reference(tmp_path):
    rows = [(i % 50 + 0.5, "abc"[i % 3], i % 7 if i % 10 else "") for i in range(300)]
    return csv(tmp_path / "r.csv", "amount,colour,code", rows)


def test_same_window_passes(vane, tmp_path):
    ref = reference(tmp_path)
    r, report = quality(vane, tmp_path, ref, ref)
    assert r.returncode == 0, r.stdout + r.stderr
    assert report["schema_version"] == 1 and report["passed"] is True and report["violations"] == []
    assert "all checks passed" in r.stdout
    by = {c["name"]: c for c in report["schema"]["columns"]}
    assert by["amount"]["kind"] == "numerical" and by["amount"]["reference"]["minimum"] == 0.5
    assert by["colour"]["allowed_categories"] == ["a", "b", "c"]
    assert abs(by["code"]["reference"]["missing_share"] - 0.1) < 1e-12
    numbers_only(report)


def test_each_violation_is_reported(vane, tmp_path):
    ref = reference(tmp_path)
    rows = [(1000 if i == 0 else i % 50 + 0.5, "abcd"[i % 4], "" if i % 3 == 0 else 1) for i in range(300)]
    cur = csv(tmp_path / "c.csv", "amount,colour,code", rows)
    r, report = quality(vane, tmp_path, ref, cur)
    assert r.returncode == 1, r.stdout + r.stderr
    checks = {(v["column"], v["check"]) for v in report["violations"]}
    assert ("amount", "out_of_range") in checks
    assert ("colour", "new_categories") in checks
    assert ("code", "missing_share") in checks
    assert ("code", "constant_column") in checks
    colour = {c["column"]: c for c in report["columns"]}["colour"]
    assert colour["categories"]["new_category_count"] == 1 and colour["categories"]["new_value_count"] == 75
    # tolerances relax the gate
    r, report = quality(vane, tmp_path, ref, cur, "--max-out-of-range-share", "0.01", "--max-new-category-share", "0.3",
                        "--missing-tolerance", "3")
    assert {v["check"] for v in report["violations"]} == {"constant_column"}


def test_type_violations_and_missing_columns_are_findings_not_errors(vane, tmp_path):
    ref = reference(tmp_path)
    cur = csv(tmp_path / "c.csv", "amount,colour", [("oops" if i == 5 else 1.5, "a") for i in range(10)])
    r, report = quality(vane, tmp_path, ref, cur)
    assert r.returncode == 1, r.stderr
    checks = {(v["column"], v["check"]) for v in report["violations"]}
    assert ("amount", "type_violation") in checks and ("code", "missing_column") in checks
    amount = {c["column"]: c for c in report["columns"]}["amount"]
    assert amount["current"]["type_violation_count"] == 1 and amount["current"]["first_type_violation_row"] == 6


def test_empty_current_and_single_row(vane, tmp_path):
    ref = reference(tmp_path)
    empty = tmp_path / "e.csv"
    empty.write_text("amount,colour,code\n")
    r, report = quality(vane, tmp_path, ref, str(empty))
    assert r.returncode == 1 and [v["check"] for v in report["violations"]] == ["empty_table"]
    numbers_only(report)
    one = csv(tmp_path / "one.csv", "amount,colour,code", [(2.5, "a", 3)])
    r, report = quality(vane, tmp_path, ref, one)
    assert r.returncode == 0, r.stdout
    numbers_only(report)


def test_bad_input_exits_2(vane, tmp_path):
    ref = reference(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r, out = quality(vane, tmp_path, str(empty), ref)
    assert r.returncode == 2 and "empty.csv" in r.stderr and out is None
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3,4,5\n")
    r, _ = quality(vane, tmp_path, ref, str(ragged))
    assert r.returncode == 2 and "ragged.csv:3" in r.stderr
    r, _ = quality(vane, tmp_path, ref, ref, "--max-out-of-range-share", "-1")
    assert r.returncode == 2
