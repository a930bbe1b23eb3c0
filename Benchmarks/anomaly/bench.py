"""Python side of Benchmarks/anomaly/run.sh: statsmodels and scikit-learn on the same series as
Vane, `vane anomaly score` timed as a process, and the report.

  bench.py detect --csv series-1m.csv [--rounds 1]        STL (robust) residual z-scores; IsolationForest
  bench.py hw-fit --csv fit-10k.csv [--repeat 5]          statsmodels ExponentialSmoothing(add, add, 288).fit()
  bench.py accuracy --csv accuracy.csv [--period 288]     ETSModel(A,A,A) and ExponentialSmoothing on held-out days
  bench.py vane-score --vane BIN --csv series-1m.csv --work DIR [--repeat 3]
  bench.py evaluate-mean FILE.json...                     mean NAB scores over seeds (Markdown)
  bench.py report --dir OUT                               report.md from the JSON files in OUT

Every subcommand prints one JSON object (report and evaluate-mean print Markdown).
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings


def log(msg):
    print(f"bench.py: {msg}", file=sys.stderr, flush=True)


def cpu_wall(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    w1, c1 = time.perf_counter(), time.process_time()
    return out, w1 - w0, (c1 - c0) / (w1 - w0)


def read_series(path):
    import pandas as pd
    df = pd.read_csv(path)
    return df["timestamp"].to_numpy(), df["value"].to_numpy(dtype="float64")


def cmd_detect(a):
    import numpy as np
    from statsmodels.tsa.seasonal import STL
    from sklearn.ensemble import IsolationForest
    _, y = read_series(a.csv)
    n = len(y)
    out = {"points": n, "value_sum": float(y.sum()), "rows": []}

    def zscores(r):
        med = np.median(r)
        mad = np.median(np.abs(r - med)) * 1.4826
        return np.abs(r - med) / mad

    m = min(a.stl_points, n)

    def stl_defaults():
        # statsmodels' defaults (every loess evaluated at every point) cost O(n * 551) per pass:
        # timed on the first `m` points (the cost per point does not depend on n)
        return zscores(STL(y[:m], period=a.period, robust=True).fit().resid)

    def stl_jumps():
        # R's stl() defaults for the jumps: ceil(window / 10) (trend 551 -> 56, low-pass 289 -> 29)
        return zscores(STL(y, period=a.period, robust=True, seasonal_jump=1, trend_jump=56, low_pass_jump=29).fit().resid)

    def iforest_value():
        X = y.reshape(-1, 1)
        m = IsolationForest(random_state=0).fit(X)
        return -m.score_samples(X)

    def iforest_lags():
        # value, first difference and seasonal difference (lag 288); the first 288 rows repeat row 288's lags
        d1 = np.concatenate([[0.0], np.diff(y)])
        ds = np.concatenate([np.zeros(a.period), y[a.period:] - y[:-a.period]])
        X = np.column_stack([y, d1, ds])
        m = IsolationForest(random_state=0).fit(X)
        return -m.score_samples(X)

    cases = [
        (f"statsmodels STL(period=288, robust=True).fit() + residual robust z-scores, first {m:,} points", stl_defaults, m),
        ("statsmodels STL(period=288, robust=True, trend_jump=56, low_pass_jump=29).fit() + robust z-scores (R's jumps)", stl_jumps, n),
        ("scikit-learn IsolationForest(random_state=0).fit + score_samples, value only", iforest_value, n),
        ("scikit-learn IsolationForest(random_state=0).fit + score_samples, value + diff + seasonal diff", iforest_lags, n),
    ]
    for label, fn, count in cases:
        times, cpus = [], []
        for r in range(a.rounds):
            log(f"{label}: round {r + 1}")
            scores, wall, cpu = cpu_wall(fn)
            times.append(wall)
            cpus.append(cpu)
        out["rows"].append({"label": label, "points": count, "seconds_best": min(times), "seconds_all": times,
                            "points_per_s": count / min(times), "cpu_per_wall": statistics.median(cpus),
                            "score_sum": float(np.sum(scores))})
        log(f"{label}: {count / min(times):,.0f} points/s")
    print(json.dumps(out))


def cmd_hw_fit(a):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    _, y = read_series(a.csv)
    times, cpus = [], []
    fit = None
    for r in range(a.repeat):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit, wall, cpu = cpu_wall(lambda: ExponentialSmoothing(
                y, trend="add", seasonal="add", seasonal_periods=a.period).fit())
        times.append(wall * 1000)
        cpus.append(cpu)
        log(f"ExponentialSmoothing fit {r + 1}: {wall * 1000:.0f} ms")
    p = fit.params
    print(json.dumps({"points": len(y), "repeat": a.repeat, "median_ms": statistics.median(times),
                      "min_ms": min(times), "all_ms": times, "cpu_per_wall": statistics.median(cpus),
                      "alpha": p["smoothing_level"], "beta": p["smoothing_trend"],
                      "gamma": p["smoothing_seasonal"], "first_forecast": float(fit.forecast(1)[0])}))


def smape(y, f):
    import numpy as np
    d = np.abs(y) + np.abs(f)
    t = np.where(d > 0, np.abs(y - f) / np.where(d > 0, d, 1), 0.0)
    return float(200 * t.mean())


def cmd_accuracy(a):
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    df = pd.read_csv(a.csv)
    rows = []
    for k, g in df.groupby("series", sort=True):
        train = pd.Series(g.loc[g.heldout == 0, "value"].to_numpy(dtype="float64"))  # ETSModel's summary_frame needs an index
        test = g.loc[g.heldout == 1, "value"].to_numpy(dtype="float64")
        h = len(test)
        row = {"series": int(k), "train": len(train)}
        train_np = train.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            try:
                ets = ETSModel(train, error="add", trend="add", seasonal="add", seasonal_periods=a.period,
                               initialization_method="heuristic").fit(disp=False)
                fr = ets.get_prediction(start=len(train), end=len(train) + h - 1).summary_frame(alpha=0.05)
                mean, lo, hi = (fr[c].to_numpy() for c in ("mean", "pi_lower", "pi_upper"))
                row.update({"ets_smape": smape(test, mean),
                            "ets_coverage": float(np.mean((lo <= test) & (test <= hi))),
                            "ets_width": float(np.mean(hi - lo)), "ets_ms": (time.perf_counter() - t0) * 1000})
            except Exception as e:  # recorded, not fatal
                row["ets_error"] = f"{type(e).__name__}: {e}"
            t0 = time.perf_counter()
            try:
                hw = ExponentialSmoothing(train_np, trend="add", seasonal="add", seasonal_periods=a.period).fit()
                row.update({"hw_smape": smape(test, hw.forecast(h)), "hw_ms": (time.perf_counter() - t0) * 1000})
            except Exception as e:
                row["hw_error"] = f"{type(e).__name__}: {e}"
        log(f"series {k}: " + ", ".join(f"{key} {v:.3g}" for key, v in row.items() if isinstance(v, float)))
        rows.append(row)
    print(json.dumps({"holdout": a.holdout, "period": a.period, "series": rows}))


def cmd_vane_score(a):
    import numpy as np
    import pandas as pd
    out_path = os.path.join(a.work, "scored-1m.csv")
    runs = []
    for r in range(a.repeat):
        t0 = time.perf_counter()
        pid = os.spawnv(os.P_NOWAIT, a.vane, [a.vane, "anomaly", "score", "--input", a.csv, "--output", out_path])
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"vane anomaly score failed: status {status}")
        runs.append({"seconds": wall, "max_rss_kib": ru.ru_maxrss, "user_s": ru.ru_utime, "sys_s": ru.ru_stime})
        log(f"vane anomaly score round {r + 1}: {wall:.2f} s, max RSS {ru.ru_maxrss / 1024:.0f} MiB")
    scored = pd.read_csv(out_path)
    size_in, size_out = os.path.getsize(a.csv), os.path.getsize(out_path)
    best = min(runs, key=lambda x: x["seconds"])
    print(json.dumps({"rows": len(scored), "input_bytes": size_in, "output_bytes": size_out, "runs": runs,
                      "best_seconds": best["seconds"], "median_seconds": statistics.median(x["seconds"] for x in runs),
                      "rows_per_s": len(scored) / best["seconds"], "max_rss_kib": max(x["max_rss_kib"] for x in runs),
                      "score_sum": float(np.sum(scored["anomaly_score"].to_numpy()))}))


PROFILES = [("standard", "standard"), ("reward_low_FP_rate", "reward low FP"), ("reward_low_FN_rate", "reward low FN")]


def evaluate_mean(paths):
    seeds = []
    for p in paths:
        seeds.append({e["detector"]: e["result"] for e in json.load(open(p))})
    names = list(seeds[0])
    lines = ["| detector | standard | reward low FP | reward low FN | recall | precision | median delay (rows) |",
             "|---|---|---|---|---|---|---|"]

    def prof(result, name):
        for p in result["profiles"]:
            if p["profile"]["name"] == name:
                return p
        return None

    for d in names:
        cells = []
        for key, _ in PROFILES:
            vals = [prof(s[d], key)["normalisedScore"] for s in seeds]
            cells.append(f"{statistics.mean(vals):.1f} ({' / '.join(f'{v:.1f}' for v in vals)})")
        std = [prof(s[d], "standard") for s in seeds]
        rec = statistics.mean(p["recall"] for p in std)
        pre = statistics.mean(p["precision"] for p in std)
        delays = [p["medianDelayFromLabel"] for p in std if p.get("medianDelayFromLabel") is not None]
        delay = f"{statistics.mean(delays):.1f}" if delays else "-"
        lines.append(f"| {d} | " + " | ".join(cells) + f" | {rec:.3f} | {pre:.3f} | {delay} |")
    return "\n".join(lines)


def cmd_evaluate_mean(a):
    print(evaluate_mean(a.files))


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def cmd_report(a):
    d = a.dir
    J = lambda name: json.load(open(os.path.join(d, name))) if os.path.exists(os.path.join(d, name)) else None
    meta, det, fleet, fc, acc = J("meta.json"), J("detectors.json"), J("fleet.json"), J("forecast.json"), J("accuracy-vane.json")
    py, hw, pacc, vs, data = J("python-detect.json"), J("python-hw-fit.json"), J("accuracy-statsmodels.json"), J("vane-score.json"), J("data.json")
    L = ["# Anomaly detection and forecasting: Vane vs statsmodels and scikit-learn", ""]
    if meta:
        for k in ("date", "command", "machine", "vane", "libraries", "environment", "load"):
            if k in meta:
                L.append(f"- **{k}**: {meta[k]}")
        L.append("")
    goals = []
    if det:
        L += [f"## Detectors over one {fmt(det['detectors'][0]['points'])}-point seasonal series (in process, one thread)", "",
              "| detector | points/s (best round) | median round | CPU/wall | state bytes |", "|---|---|---|---|---|"]
        for r in det["detectors"]:
            L.append(f"| {r['detector']} | {fmt(r['best_points_per_s'])} | {fmt(r['median_points_per_s'])} | "
                     f"{r['cpu_per_wall']:.2f} | {fmt(r['state_bytes'])} |")
        L.append("")
        dflt = next(r for r in det["detectors"] if r["detector"] == "default")
        goals.append(("default detector ≥ 1 million points/s per core", f"{fmt(dflt['best_points_per_s'])} points/s (1 series, best of {dflt['rounds']})",
                      "yes" if dflt["best_points_per_s"] >= 1e6 else "**no**"))
    if fleet:
        L += [f"## Default detector over {fmt(fleet['series'])} series × {fmt(fleet['points_per_series'])} points, every state alive (one thread)", "",
              "| series × points | seconds | points/s | stateBytes | inline size | RSS growth / series | peak RSS growth / series |",
              "|---|---|---|---|---|---|---|",
              f"| {fmt(fleet['series'])} × {fmt(fleet['points_per_series'])} | {fleet['seconds']:.1f} | {fmt(fleet['points_per_s'])} | "
              f"{fmt(fleet['state_bytes'])} B | {fmt(fleet['inline_bytes'])} B | {fmt(fleet['rss_bytes_per_series'])} B | "
              f"{fmt(fleet['hwm_bytes_per_series'])} B |", "",
              f"RSS {fleet['rss_kb_before'] / 1024:.1f} MiB before the states, {fleet['rss_kb_after_create'] / 1024:.1f} MiB after creating them, "
              f"{fleet['rss_kb_after_scoring'] / 1024:.1f} MiB after scoring; fed time-major (one point of every series per timestamp).", ""]
        worst = max(fleet["state_bytes"], fleet["rss_bytes_per_series"], fleet["hwm_bytes_per_series"])
        goals.append(("≤ 2 KB of state per series", f"stateBytes {fmt(fleet['state_bytes'])} B; RSS growth {fmt(fleet['rss_bytes_per_series'])} B / series",
                      "yes" if worst <= 2048 else ("yes (stateBytes), RSS over" if fleet["state_bytes"] <= 2048 else "**no**")))
    if vs:
        L += [f"## `vane anomaly score` over a {fmt(vs['rows'])}-row CSV (default detector, release binary, process)", "",
              "| rows | input | output | best s | median s | rows/s | max RSS | user s | sys s |", "|---|---|---|---|---|---|---|---|---|"]
        b = min(vs["runs"], key=lambda x: x["seconds"])
        L.append(f"| {fmt(vs['rows'])} | {vs['input_bytes'] / 2**20:.1f} MiB | {vs['output_bytes'] / 2**20:.1f} MiB | {vs['best_seconds']:.2f} | "
                 f"{vs['median_seconds']:.2f} | {fmt(vs['rows_per_s'])} | {vs['max_rss_kib'] / 1024:.0f} MiB | {b['user_s']:.2f} | {b['sys_s']:.2f} |")
        L.append("")
        if det:
            dflt = next(r for r in det["detectors"] if r["detector"] == "default")
            same = abs(dflt["score_sum"] - vs["score_sum"]) <= 1e-6 * max(1, abs(dflt["score_sum"]))
            L += [f"Sum of the CLI's scores {vs['score_sum']:.6f}, in-process default detector {dflt['score_sum']:.6f}: "
                  f"{'the same' if same else 'DIFFERENT'}.", ""]
    if py:
        L += [f"## The same {fmt(py['points'])} points through statsmodels and scikit-learn (one process, OMP/BLAS threads 1)", "",
              "| method | points | seconds | points/s | CPU/wall | Vane default / it |", "|---|---|---|---|---|---|"]
        vd = next((r["best_points_per_s"] for r in det["detectors"] if r["detector"] == "default"), None) if det else None
        for r in py["rows"]:
            ratio = f"{vd / r['points_per_s']:.1f}×" if vd else "-"
            L.append(f"| {r['label']} | {fmt(r['points'])} | {r['seconds_best']:.2f} | {fmt(r['points_per_s'])} | {r['cpu_per_wall']:.2f} | {ratio} |")
        L += ["", "STL is a batch decomposition of the whole series (it looks ahead; it cannot score a point as it arrives); "
              "IsolationForest is fitted on all points, then scores them (not streaming either).", ""]
        if data and abs(py["value_sum"] - data["sum_1m"]) > 1e-6 * abs(data["sum_1m"]):
            L += ["**The Python side read different values than Swift generated.**", ""]
    if fc:
        L += ["## Forecast fit of a 10,000-point seasonal series (5-minute steps, daily period)", "",
              "| implementation | median ms | min ms | model | α | β | γ |", "|---|---|---|---|---|---|---|",
              f"| Vane `Forecaster.forecast` (grid, period detection, fit, 288 steps with intervals) | {fc['median_ms']:.1f} | {fc['min_ms']:.1f} | "
              f"{fc['model']}, period {fc['period']} | {fc['alpha']:.3f} | {fc['beta']:.4f} | {fc['gamma']:.3f} |",
              f"| Vane `HoltWinters.fit` alone | {fc['hw_fit_median_ms']:.1f} | {fc['hw_fit_min_ms']:.1f} | | | | |"]
        if hw:
            L.append(f"| statsmodels `ExponentialSmoothing(trend='add', seasonal='add', seasonal_periods=288).fit()` | {hw['median_ms']:.0f} | {hw['min_ms']:.0f} | "
                     f"Holt-Winters additive, 288 | {hw['alpha']:.3f} | {hw['beta']:.4f} | {hw['gamma']:.3f} |")
        L.append("")
        if hw:
            L += [f"statsmodels / Vane (median): {hw['median_ms'] / fc['median_ms']:.0f}× ({fc['repeat']} Vane calls, {hw['repeat']} statsmodels fits).", ""]
        goals.append(("forecast fit of a 10,000-point seasonal series < 50 ms", f"{fc['median_ms']:.1f} ms median (statsmodels {hw['median_ms']:.0f} ms)" if hw else f"{fc['median_ms']:.1f} ms",
                      "yes" if fc["median_ms"] < 50 else "**no**"))
    if acc:
        L += [f"## Forecast accuracy on held-out days ({len(acc['series'])} series, last {acc['holdout']} points held out)", ""]
        va = acc["series"]
        pa = {r["series"]: r for r in pacc["series"]} if pacc else {}

        def agg(vals):
            vals = [v for v in vals if v is not None]
            return (statistics.mean(vals), statistics.median(vals), len(vals)) if vals else (float("nan"),) * 2 + (0,)
        rows = [("Vane `Forecaster` (Holt-Winters, period detected, 95 % intervals)",
                 [r["smape"] for r in va], [r["coverage"] for r in va], [r["width"] for r in va])]
        if pacc:
            rows.append(("statsmodels `ETSModel(error='add', trend='add', seasonal='add', seasonal_periods=288)`, heuristic init, `get_prediction` 95 %",
                         [pa.get(r["series"], {}).get("ets_smape") for r in va], [pa.get(r["series"], {}).get("ets_coverage") for r in va],
                         [pa.get(r["series"], {}).get("ets_width") for r in va]))
            rows.append(("statsmodels `ExponentialSmoothing(trend='add', seasonal='add', seasonal_periods=288).fit()` (point forecasts only)",
                         [pa.get(r["series"], {}).get("hw_smape") for r in va], [], []))
        L += ["| model | series | sMAPE mean | sMAPE median | 95 % coverage mean | coverage median | mean interval width (mean) |", "|---|---|---|---|---|---|---|"]
        for label, s, c, w in rows:
            sm, smed, ns = agg(s)
            cm, cmed, _ = agg(c) if c else (None, None, 0)
            wm, _, _ = agg(w) if w else (None, None, 0)
            L.append(f"| {label} | {ns} | {sm:.2f} | {smed:.2f} | " + (f"{cm * 100:.1f} % | {cmed * 100:.1f} % | {wm:.2f} |" if c else "- | - | - |"))
        L.append("")
        wins = sum(1 for r in va if pa.get(r["series"], {}).get("ets_smape") is not None and r["smape"] < pa[r["series"]]["ets_smape"])
        both = sum(1 for r in va if pa.get(r["series"], {}).get("ets_smape") is not None)
        if pacc:
            L += [f"Vane's sMAPE is lower than ETSModel's on {wins} of {both} series.", ""]
            errs = [(r["series"], r.get("ets_error"), r.get("hw_error")) for r in pacc["series"] if r.get("ets_error") or r.get("hw_error")]
            if errs:
                L += ["statsmodels failures: " + "; ".join(f"series {k}: {e or h}" for k, e, h in errs), ""]
        L += ["| series | tags | Vane model | Vane sMAPE | ETS sMAPE | HW sMAPE | Vane coverage | ETS coverage | Vane width | ETS width |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        f2 = lambda v, p=2: "-" if v is None else f"{v:.{p}f}"
        pct = lambda v: "-" if v is None else f"{v * 100:.0f} %"
        for r in va:
            p = pa.get(r["series"], {})
            L.append(f"| {r['name']} | {' '.join(t for t in r['tags'] if t != 'noAnomaly')} | {r['model']}{' ' + str(r['period']) if r['period'] else ''} | "
                     f"{r['smape']:.2f} | {f2(p.get('ets_smape'))} | {f2(p.get('hw_smape'))} | {r['coverage'] * 100:.0f} % | "
                     f"{pct(p.get('ets_coverage'))} | {r['width']:.1f} | {f2(p.get('ets_width'), 1)} |")
        L.append("")
    if os.path.exists(os.path.join(d, "evaluate-mean.md")):
        k = len([f for f in os.listdir(d) if f.startswith("evaluate-seed") and f.endswith(".json")])
        L += [f"## `vane anomaly evaluate`: every detector, NAB scores, mean of {k} corpus seeds (each seed in brackets; recall, precision, delay: means)", ""]
        L += [open(os.path.join(d, "evaluate-mean.md")).read().strip(), ""]
        for f in sorted(os.listdir(d)):
            if f.startswith("evaluate-seed") and f.endswith(".md"):
                L += [f"### `{f[:-3]}`", "", open(os.path.join(d, f)).read().strip(), ""]
    if goals:
        L += ["## Goals", "", "| goal | measured | met? |", "|---|---|---|"] + [f"| {g} | {m} | {ok} |" for g, m, ok in goals] + [""]
    if os.path.exists(os.path.join(d, "machine.txt")):
        L += ["## Machine during the run", "", "```", open(os.path.join(d, "machine.txt")).read().strip(), "```", ""]
    print("\n".join(L))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("detect"); s.add_argument("--csv", required=True); s.add_argument("--rounds", type=int, default=1); s.add_argument("--period", type=int, default=288); s.add_argument("--stl-points", type=int, default=50000)
    s = sub.add_parser("hw-fit"); s.add_argument("--csv", required=True); s.add_argument("--repeat", type=int, default=5); s.add_argument("--period", type=int, default=288)
    s = sub.add_parser("accuracy"); s.add_argument("--csv", required=True); s.add_argument("--holdout", type=int, default=288); s.add_argument("--period", type=int, default=288)
    s = sub.add_parser("vane-score"); s.add_argument("--vane", required=True); s.add_argument("--csv", required=True); s.add_argument("--work", required=True); s.add_argument("--repeat", type=int, default=3)
    s = sub.add_parser("evaluate-mean"); s.add_argument("files", nargs="+")
    s = sub.add_parser("report"); s.add_argument("--dir", required=True)
    a = p.parse_args()
    {"detect": cmd_detect, "hw-fit": cmd_hw_fit, "accuracy": cmd_accuracy, "vane-score": cmd_vane_score,
     "evaluate-mean": cmd_evaluate_mean, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
