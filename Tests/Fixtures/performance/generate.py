"""Writes the model-performance fixtures: <case>/{current.csv, reference.csv, expected.json}.

Expected values are computed with scikit-learn exactly as Evidently 0.7's legacy
ClassificationQualityMetric / RegressionQualityMetric call it
(src/evidently/legacy/calculations/classification_performance.py `calculate_metrics`,
src/evidently/legacy/calculations/regression_performance.py `_calculate_quality_metrics`):

- binary: precision/recall/f1 with pos_label; multiclass: average="macro";
- probabilities: roc_auc_score(one-hot target, [p_pos, 1 - p_pos] or per-class columns,
  average="macro") and log_loss on the same arrays; label = positive if p >= 0.5;
- confusion_matrix(target, prediction, labels=sorted(classes));
- regression rows with a missing target or prediction dropped; mean_error = mean(pred - target);
  mae = mean_absolute_error; rmse = root_mean_squared_error; r2 = r2_score;
  mape = 100 * mean(|pred - target| / maximum(target, float64 eps))  (Evidently, not sklearn).

Generated with scikit-learn 1.9.1 and NumPy 2.4.6 (Python 3.11):
    python3 -m venv .venv && .venv/bin/pip install scikit-learn numpy
    .venv/bin/python Tests/Fixtures/performance/generate.py
Values are written with repr() so that they round-trip exactly; an empty field is missing.
"""
import csv
import json
import os

import numpy as np
import sklearn
from sklearn import metrics

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = np.finfo(np.float64).eps


def cell(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_csv(path, columns):
    names = list(columns)
    n = len(columns[names[0]])
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        for i in range(n):
            w.writerow([cell(columns[c][i]) for c in names])


def missing(v):
    return v is None or (isinstance(v, float) and not np.isfinite(v))


def classification_window(t, p, classes, pos, probas=None, prob_columns=None):
    """t, p: lists of labels (None = missing); probas: list of rows of per-column probabilities."""
    keep = [i for i in range(len(t)) if not missing(t[i]) and not missing(p[i])
            and (probas is None or all(np.isfinite(probas[i])))]
    tt = np.array([t[i] for i in keep], dtype=object)
    pp = np.array([p[i] for i in keep], dtype=object)
    out = {"rows": len(t), "rows_used": len(keep), "rows_dropped_missing": len(t) - len(keep)}
    m = {"accuracy": float(metrics.accuracy_score(list(tt), list(pp)))}
    if pos is not None:
        m["precision"] = float(metrics.precision_score(list(tt), list(pp), pos_label=pos))
        m["recall"] = float(metrics.recall_score(list(tt), list(pp), pos_label=pos))
        m["f1"] = float(metrics.f1_score(list(tt), list(pp), pos_label=pos))
    else:
        m["precision"] = float(metrics.precision_score(list(tt), list(pp), average="macro"))
        m["recall"] = float(metrics.recall_score(list(tt), list(pp), average="macro"))
        m["f1"] = float(metrics.f1_score(list(tt), list(pp), average="macro"))
    if probas is not None:
        pr = np.array([probas[i] for i in keep], dtype=float)
        onehot = (np.array([str(x) for x in tt]).reshape(-1, 1) == [str(c) for c in prob_columns]).astype(int)
        m["roc_auc"] = float(metrics.roc_auc_score(onehot, pr, average="macro"))
        m["log_loss"] = float(metrics.log_loss(onehot, pr))
    else:
        m["roc_auc"] = None
        m["log_loss"] = None
    out["metrics"] = m
    out["confusion_matrix"] = metrics.confusion_matrix(list(tt), list(pp), labels=classes).tolist()
    return out


def regression_window(t, p):
    t = np.array(t, dtype=float)
    p = np.array(p, dtype=float)
    keep = np.isfinite(t) & np.isfinite(p)
    tt, pp = t[keep], p[keep]
    err = pp - tt
    m = {
        "mean_error": float(np.mean(err)),
        "mae": float(metrics.mean_absolute_error(tt, pp)),
        "rmse": float(metrics.root_mean_squared_error(tt, pp)),
        "mape": float(100.0 * np.mean(np.abs(err) / np.maximum(tt, EPS))),
        "r2": float(metrics.r2_score(tt, pp)),
    }
    return {"rows": len(t), "rows_used": int(keep.sum()), "rows_dropped_missing": int((~keep).sum()), "metrics": m}


def save(case, expected, current, reference=None):
    d = os.path.join(HERE, case)
    os.makedirs(d, exist_ok=True)
    write_csv(os.path.join(d, "current.csv"), current)
    if reference is not None:
        write_csv(os.path.join(d, "reference.csv"), reference)
    expected["generator"] = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def binary_probabilities(rng):
    windows = {}
    for name, n, shift in (("reference", 600, 1.2), ("current", 500, 0.6)):
        y = rng.integers(0, 2, n)
        score = 1 / (1 + np.exp(-(shift * (2 * y - 1) + rng.normal(0, 1, n))))
        p = [float(round(s, 2)) for s in score]  # two decimals: many tied scores
        p[3] = 1.0
        p[4] = 0.0
        p[5] = 0.5
        t = [int(v) for v in y]
        t[7] = None  # missing target
        p[11] = float("nan")  # missing probability
        windows[name] = (t, p)
    expected = {"task": "classification", "target": "target", "prediction": ["proba"], "prediction_type": "probabilities",
                "classes": ["0", "1"], "positive_label": "1", "averaging": "binary"}
    files = {}
    for name, (t, p) in windows.items():
        labels = [None if missing(x) else int(x >= 0.5) for x in p]
        probas = [[x, 1.0 - x] for x in p]  # Evidently: columns {1: p, 0: 1 - p}
        expected[name] = classification_window(t, labels, [0, 1], 1, probas, [1, 0])
        files[name] = {"target": t, "proba": p}
    save("binary_probabilities", expected, files["current"], files["reference"])


def binary_labels(rng):
    windows = {}
    for name, n, acc in (("reference", 400, 0.9), ("current", 300, 0.7)):
        y = rng.choice(["no", "yes"], n, p=[0.6, 0.4])
        flip = rng.random(n) > acc
        pred = np.where(flip, np.where(y == "yes", "no", "yes"), y)
        t, p = list(y), list(pred)
        t[2] = None
        p[9] = None
        p[10] = None
        windows[name] = (t, p)
    expected = {"task": "classification", "target": "label", "prediction": ["predicted"], "prediction_type": "labels",
                "classes": ["no", "yes"], "positive_label": "yes", "averaging": "binary"}
    files = {}
    for name, (t, p) in windows.items():
        expected[name] = classification_window(t, p, ["no", "yes"], "yes")
        files[name] = {"label": t, "predicted": p, "feature": [float(round(x, 3)) for x in rng.normal(0, 1, len(t))]}
    save("binary_labels", expected, files["current"], files["reference"])


def multiclass_labels(rng):
    classes = ["bird", "cat", "dog", "fish"]
    windows = {}
    for name, n, acc in (("reference", 500, 0.8), ("current", 450, 0.55)):
        y = rng.choice(classes[:3] if name == "current" else classes, n)  # no "fish" target in current
        wrong = rng.choice(["bird", "cat", "dog"], n)  # "fish" is never a wrong guess
        pred = np.where(rng.random(n) < acc, y, wrong)
        t, p = list(y), list(pred)
        t[0] = None
        p[1] = None
        windows[name] = (t, p)
    expected = {"task": "classification", "target": "species", "prediction": ["guess"], "prediction_type": "labels",
                "classes": classes, "positive_label": None, "averaging": "macro"}
    files = {}
    for name, (t, p) in windows.items():
        expected[name] = classification_window(t, p, classes, None)
        files[name] = {"species": t, "guess": p}
    save("multiclass_labels", expected, files["current"], files["reference"])


def multiclass_probabilities(rng):
    classes = ["high", "low", "mid"]
    columns = ["low", "mid", "high"]  # given order of the probability columns
    windows = {}
    for name, n, sharp in (("reference", 450, 2.0), ("current", 400, 1.0)):
        y = rng.choice(classes, n)
        logits = rng.normal(0, 1, (n, 3)) + sharp * (np.array(columns) == y.reshape(-1, 1))
        pr = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        pr = np.round(pr, 3)
        pr[:, 2] = 1.0 - pr[:, 0] - pr[:, 1]  # rows sum to one (up to rounding)
        pr = np.clip(pr, 0.0, 1.0)
        rows = [[float(v) for v in r] for r in pr]
        t = list(y)
        t[5] = None
        rows[6][1] = float("nan")
        windows[name] = (t, rows)
    expected = {"task": "classification", "target": "grade", "prediction": columns, "prediction_type": "probabilities",
                "classes": classes, "positive_label": None, "averaging": "macro"}
    files = {}
    for name, (t, rows) in windows.items():
        labels = [columns[int(np.argmax(r))] if all(np.isfinite(r)) else None for r in rows]
        expected[name] = classification_window(t, labels, classes, None, rows, columns)
        files[name] = {"grade": t, **{c: [r[j] for r in rows] for j, c in enumerate(columns)}}
    save("multiclass_probabilities", expected, files["current"], files["reference"])


def regression(rng):
    windows = {}
    for name, n, noise in (("reference", 800, 1.0), ("current", 700, 1.6)):
        x = rng.normal(0, 1, n)
        y = np.round(20 + 5 * x + rng.normal(0, 2, n), 4)
        pred = np.round(20 + 5 * x + rng.normal(0.3, noise, n), 4)
        t, p = [float(v) for v in y], [float(v) for v in pred]
        t[0] = 0.0  # zero target: Evidently divides by eps
        t[1] = 0.0
        p[1] = 0.0  # exact prediction of a zero target: contributes 0
        t[2] = -3.5  # negative target: Evidently divides by eps too (np.maximum, not abs)
        t[3] = float("nan")
        p[4] = float("nan")
        p[5] = float("nan")
        windows[name] = (t, p)
    expected = {"task": "regression", "target": "price", "prediction": ["predicted_price"], "prediction_type": None,
                "classes": None, "positive_label": None, "averaging": None}
    files = {}
    for name, (t, p) in windows.items():
        expected[name] = regression_window(t, p)
        files[name] = {"price": t, "predicted_price": p}
    save("regression", expected, files["current"], files["reference"])


if __name__ == "__main__":
    rng = np.random.default_rng(20261202)
    binary_probabilities(rng)
    binary_labels(rng)
    multiclass_labels(rng)
    multiclass_probabilities(rng)
    regression(rng)
