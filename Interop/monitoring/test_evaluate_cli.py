"""`vane evaluate` from the outside, on the scikit-learn fixture cases: metrics, the gate,
exit statuses and bad input."""
import json
import math
import os

import pytest

from conftest import run_vane
from test_drift_cli import csv, numbers_only

FIXTURES = os.path.join(os.path.dirname(__file__), "../../Tests/Fixtures/performance")
CASES = sorted(d for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d)))


def evaluate(vane, tmp_path, *args):
    out = tmp_path / "e.json"
    r = run_vane(vane, "evaluate", *args, "--json", str(out))
    return r, (json.loads(out.read_text()) if out.exists() else None)


@pytest.mark.parametrize("case", CASES)
def test_metrics_match_scikit_learn(vane, tmp_path, case):
    d = os.path.join(FIXTURES, case)
    exp = json.load(open(os.path.join(d, "expected.json")))
    r, report = evaluate(vane, tmp_path, "--data", os.path.join(d, "current.csv"), "--reference", os.path.join(d, "reference.csv"),
                         "--target", exp["target"], "--prediction", ",".join(exp["prediction"]), "--no-reference-gate")
    assert r.returncode == 0, r.stderr
    numbers_only(report)
    for window in ("current", "reference"):
        section = report[window]["classification"] or report[window]["regression"]
        for metric, want in exp[window]["metrics"].items():
            got = section[metric]
            if want is None:
                assert got is None, (window, metric, got)
                continue
            assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (window, metric, got, want)


def test_gate_fails_on_worse_not_on_better(vane, tmp_path):
    good = csv(tmp_path / "good.csv", "y,p", [(i % 2, i % 2) for i in range(100)])
    bad = csv(tmp_path / "bad.csv", "y,p", [(i % 2, (i % 2) if i % 3 else 1 - i % 2) for i in range(100)])
    r, report = evaluate(vane, tmp_path, "--data", bad, "--reference", good, "--target", "y", "--prediction", "p")
    assert r.returncode == 1 and report["passed"] is False
    assert {f["metric"] for f in report["findings"]} >= {"accuracy"}
    r, report = evaluate(vane, tmp_path, "--data", good, "--reference", bad, "--target", "y", "--prediction", "p")
    assert r.returncode == 0 and report["findings"] == []
    r, report = evaluate(vane, tmp_path, "--data", bad, "--target", "y", "--prediction", "p", "--min", "accuracy=0.9")
    assert r.returncode == 1 and report["findings"][0]["kind"] == "below_minimum"


def test_regression_task_and_bounds(vane, tmp_path):
    data = csv(tmp_path / "r.csv", "y,p", [(i * 0.5, i * 0.5 + 0.25) for i in range(1, 60)])
    r, report = evaluate(vane, tmp_path, "--data", data, "--target", "y", "--prediction", "p", "--max", "mae=0.2")
    assert report["task"] == "regression" and math.isclose(report["current"]["regression"]["mae"], 0.25)
    assert r.returncode == 1
    r, _ = evaluate(vane, tmp_path, "--data", data, "--target", "y", "--prediction", "p", "--max", "mae=0.3")
    assert r.returncode == 0


def test_bad_input_exits_2(vane, tmp_path):
    data = csv(tmp_path / "d.csv", "y,p", [(1, 0), (0, 1)])
    for args in (["--target", "nope", "--prediction", "p"], ["--target", "y", "--prediction", "p", "--task", "ranking"],
                 ["--target", "y", "--prediction", "p", "--min", "speed=1"]):
        r, out = evaluate(vane, tmp_path, "--data", data, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert out is None
    words = csv(tmp_path / "w.csv", "y,p", [("a", 1.0), ("b", 2.0)])
    r, _ = evaluate(vane, tmp_path, "--data", words, "--target", "y", "--prediction", "p", "--task", "regression")
    assert r.returncode == 2 and "'y'" in r.stderr
