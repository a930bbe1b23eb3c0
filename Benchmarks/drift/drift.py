"""Drift benchmark helpers: data generator, the Evidently and scipy workers, the timing harness
and the report. Run by run.sh with the venv's Python; see README.md.

  drift.py generate --out DIR [--sizes small,large]
  drift.py evidently --case DIR --out JSON --phases JSON     (one timed process)
  drift.py scipy     --case DIR --out JSON --phases JSON     (one timed process)
  drift.py bench     --data DIR --raw DIR --meta JSON --report MD [--vane BIN] [--sizes …] [--repeat N] …
"""
import time

T_START = time.perf_counter()  # before the heavy imports: the workers report their import time

import argparse
import json
import math
import os
import statistics
import subprocess
import sys

SEED = 20261202

# Case name -> rows (reference, current). Column lists come from the generator (schema.json).
CASES = {
    "small": {"rows": (100_000, 100_000), "label": "100k × 100k, 20 num + 10 cat"},
    "large": {"rows": (1_000_000, 1_000_000), "label": "1M × 1M, 10 num"},
}


# --------------------------------------------------------------------------------------------
# Data generator
# --------------------------------------------------------------------------------------------

def _with_missing(rng, x, share):
    x = x.astype(float) if x.dtype.kind != "O" else x.copy()
    m = rng.random(len(x)) < share
    if x.dtype.kind == "O":
        x[m] = None
    else:
        x[m] = math.nan
    return x


def _cat(rng, n, levels, probs, prefix):
    import numpy as np
    probs = np.asarray(probs, dtype=float)
    probs = probs / probs.sum()
    names = np.array([f"{prefix}_{i:02d}" for i in range(len(probs))], dtype=object)
    return names[rng.choice(len(probs), size=n, p=probs)]


def _zipf(k, s=1.1):
    import numpy as np
    return 1.0 / np.arange(1, k + 1) ** s


def gen_small(rng, n_ref, n_cur):
    """20 numerical (7 shifted enough to drift, a few slightly shifted, 2 with missing values) and
    10 categorical columns (5-30 string levels; 3 drifted, 1 slightly changed, 2 with missing values).
    Scores are kept away from the 0.1 threshold so that verdicts do not hinge on rounding."""
    import numpy as np
    N = lambda loc, sd, n: rng.normal(loc, sd, n)
    num = {}  # name -> (ref, cur)
    num["num_normal_a"] = (N(0, 1, n_ref), N(0, 1, n_cur))
    num["num_normal_b"] = (N(50, 10, n_ref), N(50, 10, n_cur))
    num["num_normal_c"] = (N(-3, 0.2, n_ref), N(-3, 0.2, n_cur))
    num["num_mean_shift"] = (N(0, 1, n_ref), N(0.5, 1, n_cur))                 # W/sd ≈ 0.5
    num["num_small_shift"] = (N(10, 2, n_ref), N(10.06, 2, n_cur))             # ≈ 0.03
    num["num_var_change"] = (N(0, 1, n_ref), N(0, 1.6, n_cur))                 # ≈ 0.48
    num["num_lognormal"] = (rng.lognormal(0, 0.8, n_ref), rng.lognormal(0, 0.8, n_cur))
    num["num_lognormal_shift"] = (rng.lognormal(0, 0.8, n_ref), rng.lognormal(0.35, 0.8, n_cur))
    num["num_exponential"] = (rng.exponential(3.0, n_ref), rng.exponential(3.0, n_cur))
    num["num_uniform"] = (rng.uniform(0, 1, n_ref), rng.uniform(0, 1, n_cur))
    num["num_uniform_shift"] = (rng.uniform(0, 1, n_ref), rng.uniform(0.15, 1.15, n_cur))  # ≈ 0.52
    num["num_gamma_small_change"] = (rng.gamma(2.0, 2.0, n_ref), rng.gamma(2.1, 2.0, n_cur))  # ≈ 0.07
    num["num_beta"] = (rng.beta(2, 5, n_ref), rng.beta(2, 5, n_cur))
    num["num_student_t"] = (rng.standard_t(3, n_ref), rng.standard_t(3, n_cur))
    bim = lambda w, n: np.where(rng.random(n) < w, N(-2, 0.7, n), N(2, 0.7, n))
    num["num_bimodal_shift"] = (bim(0.5, n_ref), bim(0.25, n_cur))            # ≈ 0.5
    num["num_poisson_counts"] = (rng.poisson(8, n_ref).astype(float), rng.poisson(8, n_cur).astype(float))
    num["num_with_missing"] = (_with_missing(rng, N(5, 1, n_ref), 0.02), _with_missing(rng, N(5, 1, n_cur), 0.03))
    num["num_missing_shift"] = (_with_missing(rng, N(5, 1, n_ref), 0.05), _with_missing(rng, N(5.4, 1, n_cur), 0.08))
    num["num_large_scale"] = (N(2.5e6, 4e5, n_ref), N(2.5e6, 4e5, n_cur))
    num["num_tiny_scale_shift"] = (N(1e-4, 2e-5, n_ref), N(1.5e-4, 2e-5, n_cur))  # ≈ 2.5
    cat = {}
    u5 = np.ones(5)
    cat["cat_stable_5"] = (_cat(rng, n_ref, 5, u5, "colour"), _cat(rng, n_cur, 5, u5, "colour"))
    cat["cat_stable_12"] = (_cat(rng, n_ref, 12, _zipf(12), "city"), _cat(rng, n_cur, 12, _zipf(12), "city"))
    cat["cat_stable_30"] = (_cat(rng, n_ref, 30, _zipf(30, 0.8), "sku"), _cat(rng, n_cur, 30, _zipf(30, 0.8), "sku"))
    p8 = np.array([30, 20, 15, 10, 10, 8, 5, 2.0])
    cat["cat_prop_shift_8"] = (_cat(rng, n_ref, 8, p8, "plan"), _cat(rng, n_cur, 8, p8[::-1], "plan"))
    p10 = np.array([20, 15, 12, 10, 10, 9, 8, 7, 5, 4.0])
    p10b = p10.copy(); p10b[0] -= 1.5; p10b[9] += 1.5
    cat["cat_small_change_10"] = (_cat(rng, n_ref, 10, p10, "region"), _cat(rng, n_cur, 10, p10b, "region"))
    p6 = np.array([25, 25, 20, 15, 15, 0.0]); p6b = np.array([20, 20, 17, 13, 12, 18.0])
    cat["cat_new_level_6"] = (_cat(rng, n_ref, 6, p6, "channel"), _cat(rng, n_cur, 6, p6b, "channel"))
    cat["cat_missing_20"] = (_with_missing(rng, _cat(rng, n_ref, 20, _zipf(20), "store"), 0.03),
                             _with_missing(rng, _cat(rng, n_cur, 20, _zipf(20), "store"), 0.04))
    p15 = _zipf(15, 1.3)
    cat["cat_missing_shift_15"] = (_with_missing(rng, _cat(rng, n_ref, 15, p15, "device"), 0.02),
                                   _with_missing(rng, _cat(rng, n_cur, 15, p15[::-1], "device"), 0.06))
    p30 = _zipf(30, 2.0)  # the tail levels are rare (a few rows), some absent from one window
    cat["cat_rare_levels_30"] = (_cat(rng, n_ref, 30, p30, "code"), _cat(rng, n_cur, 30, p30, "code"))
    p7 = np.array([3, 3, 2, 2, 1, 1, 1.0])
    cat["cat_stable_7"] = (_cat(rng, n_ref, 7, p7, "tier"), _cat(rng, n_cur, 7, p7, "tier"))
    return num, cat


def gen_large(rng, n_ref, n_cur):
    """10 numerical columns, 4 of them shifted."""
    N = lambda loc, sd, n: rng.normal(loc, sd, n)
    num = {}
    num["x0_normal"] = (N(0, 1, n_ref), N(0, 1, n_cur))
    num["x1_normal_shift"] = (N(0, 1, n_ref), N(0.3, 1, n_cur))                 # ≈ 0.3
    num["x2_lognormal"] = (rng.lognormal(1, 0.5, n_ref), rng.lognormal(1, 0.5, n_cur))
    num["x3_exponential"] = (rng.exponential(2.0, n_ref), rng.exponential(2.0, n_cur))
    num["x4_var_change"] = (N(100, 15, n_ref), N(100, 22, n_cur))               # ≈ 0.37
    num["x5_uniform"] = (rng.uniform(-1, 1, n_ref), rng.uniform(-1, 1, n_cur))
    num["x6_gamma_shift"] = (rng.gamma(2.0, 1.0, n_ref), rng.gamma(2.8, 1.0, n_cur))  # ≈ 0.57
    num["x7_small_shift"] = (N(5, 1, n_ref), N(5.04, 1, n_cur))                 # ≈ 0.04
    num["x8_student_t"] = (rng.standard_t(4, n_ref), rng.standard_t(4, n_cur))
    num["x9_scale_shift"] = (N(1e4, 800, n_ref), N(1e4, 800, n_cur) * 1.15)     # ≈ 1.9
    return num, {}


def cmd_generate(a):
    import numpy as np
    import pandas as pd
    for case in a.sizes.split(","):
        d = os.path.join(a.out, case)
        schema_path = os.path.join(d, "schema.json")
        if os.path.exists(schema_path):
            print(f"drift.py: data for {case} present in {d}, reused", file=sys.stderr)
            continue
        os.makedirs(d, exist_ok=True)
        n_ref, n_cur = CASES[case]["rows"]
        rng = np.random.default_rng([SEED, list(CASES).index(case)])
        t0 = time.perf_counter()
        num, cat = (gen_small if case == "small" else gen_large)(rng, n_ref, n_cur)
        for side, idx, n in (("reference", 0, n_ref), ("current", 1, n_cur)):
            cols = {k: v[idx] for k, v in num.items()}
            cols.update({k: v[idx] for k, v in cat.items()})
            df = pd.DataFrame(cols)
            # %.7g, empty field for missing values (pandas' default na_rep).
            df.to_csv(os.path.join(d, f"{side}.csv.tmp"), index=False, float_format="%.7g")
            os.replace(os.path.join(d, f"{side}.csv.tmp"), os.path.join(d, f"{side}.csv"))
        schema = {"case": case, "seed": [SEED, list(CASES).index(case)], "rows": [n_ref, n_cur],
                  "numerical_columns": list(num), "categorical_columns": list(cat)}
        with open(schema_path, "w") as f:
            json.dump(schema, f, indent=1)
        sizes = [os.path.getsize(os.path.join(d, f"{s}.csv")) / 2**20 for s in ("reference", "current")]
        print(f"drift.py: generated {case} in {time.perf_counter() - t0:.1f} s: "
              f"reference.csv {sizes[0]:.1f} MiB, current.csv {sizes[1]:.1f} MiB", file=sys.stderr)


def load_schema(case_dir):
    with open(os.path.join(case_dir, "schema.json")) as f:
        return json.load(f)


# --------------------------------------------------------------------------------------------
# Workers (each runs in its own, timed, process)
# --------------------------------------------------------------------------------------------

def cmd_evidently(a):
    import pandas as pd
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset
    t_import = time.perf_counter()
    s = load_schema(a.case)
    ref = pd.read_csv(os.path.join(a.case, "reference.csv"))
    cur = pd.read_csv(os.path.join(a.case, "current.csv"))
    t_read = time.perf_counter()
    dd = DataDefinition(numerical_columns=s["numerical_columns"], categorical_columns=s["categorical_columns"])
    snapshot = Report([DataDriftPreset()]).run(
        Dataset.from_pandas(cur, data_definition=dd), Dataset.from_pandas(ref, data_definition=dd))
    t_compute = time.perf_counter()
    with open(a.out, "w") as f:
        json.dump(snapshot.dict(), f, default=str)
    t_write = time.perf_counter()
    _phases(a.phases, T_START, t_import, t_read, t_compute, t_write)


def scipy_scores(ref, cur, numerical, categorical):
    """Evidently's default for a reference of more than 1,000 rows, called column by column:
    numerical -> wasserstein_distance / reference std (ddof 0, floor 0.001); categorical ->
    value counts over both windows -> jensenshannon (natural log). NaN and ±inf dropped per
    column and window."""
    import numpy as np
    from scipy.spatial.distance import jensenshannon
    from scipy.stats import wasserstein_distance
    out = {}
    for c in numerical:
        r = ref[c].to_numpy(dtype=float)
        k = cur[c].to_numpy(dtype=float)
        r = r[np.isfinite(r)]
        k = k[np.isfinite(k)]
        out[c] = {"method": "wasserstein", "score": float(wasserstein_distance(r, k) / max(np.std(r), 0.001))}
    for c in categorical:
        rc = ref[c].value_counts()          # NaN excluded
        cc = cur[c].value_counts()
        keys = rc.index.union(cc.index)
        p = rc.reindex(keys, fill_value=0).to_numpy(dtype=float)
        q = cc.reindex(keys, fill_value=0).to_numpy(dtype=float)
        out[c] = {"method": "jensenshannon", "score": float(jensenshannon(p / p.sum(), q / q.sum()))}
    for v in out.values():
        v["threshold"] = 0.1
        v["drift_detected"] = v["score"] >= 0.1
    return out


def cmd_scipy(a):
    import pandas as pd
    import scipy.spatial.distance  # noqa: F401  (imports counted in the import phase)
    import scipy.stats  # noqa: F401
    t_import = time.perf_counter()
    s = load_schema(a.case)
    ref = pd.read_csv(os.path.join(a.case, "reference.csv"))
    cur = pd.read_csv(os.path.join(a.case, "current.csv"))
    t_read = time.perf_counter()
    out = scipy_scores(ref, cur, s["numerical_columns"], s["categorical_columns"])
    t_compute = time.perf_counter()
    with open(a.out, "w") as f:
        json.dump(out, f)
    t_write = time.perf_counter()
    _phases(a.phases, T_START, t_import, t_read, t_compute, t_write)


def _phases(path, t0, t_import, t_read, t_compute, t_write):
    with open(path, "w") as f:
        json.dump({"import": t_import - t0, "read": t_read - t_import,
                   "compute": t_compute - t_read, "write": t_write - t_compute}, f)


# --------------------------------------------------------------------------------------------
# Harness
# --------------------------------------------------------------------------------------------

def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def busy_cores(seconds=1.0):
    b0, t0 = cpu_ticks()
    time.sleep(seconds)
    b1, t1 = cpu_ticks()
    return (b1 - b0) / max(t1 - t0, 1) * (os.cpu_count() or 1)


def wait_quiet(max_busy, max_wait):
    """Waits (at most max_wait s) until the machine's CPU use, sampled over 1 s, is below
    max_busy cores; returns the last sample."""
    t0 = time.perf_counter()
    while True:
        b = busy_cores()
        if b < max_busy or time.perf_counter() - t0 >= max_wait:
            return b


def timed(argv, stdout_path, ok_codes=(0,)):
    """Runs argv in its own process; wall seconds, peak RSS (MiB) and CPU seconds of that
    process (os.wait4: its own rusage, children of it included once they are reaped)."""
    hz = os.sysconf("SC_CLK_TCK")
    with open(stdout_path, "w") as out:
        s0 = cpu_ticks()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        s1 = cpu_ticks()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in ok_codes:
        with open(stdout_path) as f:
            tail = f.read()[-3000:]
        raise SystemExit(f"drift.py: {argv[0]} … exited {p.returncode}:\n{tail}")
    cpu = ru.ru_utime + ru.ru_stime
    # CPU the rest of the machine used while this process ran, in cores (its own time subtracted).
    others = max(0.0, (s1[0] - s0[0]) / hz - cpu) / wall
    return {"wall": wall, "rss_mib": ru.ru_maxrss / 1024, "cpu": cpu, "others_cores": others,
            "exit": p.returncode}


EV_P_VALUE = {"K-S p_value": "le", "chi-square p_value": "lt", "Z-test p_value": "lt"}
EV_METHOD = {"Wasserstein distance (normed)": "wasserstein", "Jensen-Shannon distance": "jensenshannon",
             "K-S p_value": "ks", "chi-square p_value": "chisquare", "Z-test p_value": "z",
             "PSI": "psi", "Kullback-Leibler divergence": "kl_div", "Hellinger distance": "hellinger"}


def evidently_columns(d):
    """Per-column scores from a new-API snapshot dict (ValueDrift metrics), with the verdict
    derived from Evidently's rule for the method, and the DriftedColumnsCount value."""
    cols, count = {}, None
    for m in d["metrics"]:
        cfg = m["config"]
        if cfg["type"].endswith("ValueDrift"):
            disp, thr, v = cfg["method"], cfg["threshold"], float(m["value"])
            rule = EV_P_VALUE.get(disp, "ge")
            flag = v <= thr if rule == "le" else v < thr if rule == "lt" else v >= thr
            cols[cfg["column"]] = {"method": EV_METHOD.get(disp, disp), "score": v, "threshold": thr,
                                   "drift_detected": bool(flag)}
        elif cfg["type"].endswith("DriftedColumnsCount"):
            count = m["value"]
    return cols, count


def vane_columns(d):
    cols = {}
    for c in d["columns"]:
        s = c.get("score")
        s = float(s) if isinstance(s, (int, float)) else float("nan") if s is None else float(s.replace("Infinity", "inf"))
        cols[c["column"]] = {"method": c.get("method"), "score": s, "threshold": c.get("threshold"),
                             "drift_detected": bool(c.get("drift_detected"))}
    return cols, d["dataset"]


def rel(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), 1e-300)


def compare(case, schema, ev, sp, va):
    """Rows of the per-column comparison and a summary; Evidently is the reference."""
    rows, summary = [], {"max_rel_vane": 0.0, "max_rel_scipy": 0.0, "mismatches": []}
    for c in schema["numerical_columns"] + schema["categorical_columns"]:
        e = ev[0].get(c) if ev else None
        s = sp.get(c) if sp else None
        v = va[0].get(c) if va else None
        row = {"column": c, "ev": e, "sp": s, "va": v}
        if e and v:
            r = rel(v["score"], e["score"])
            row["rel_vane"] = r
            summary["max_rel_vane"] = max(summary["max_rel_vane"], r)
            if v["drift_detected"] != e["drift_detected"] or v["method"] != e["method"]:
                summary["mismatches"].append(
                    f"{case} `{c}`: Evidently {e['method']} {e['score']:.10g} drift={e['drift_detected']}, "
                    f"Vane {v['method']} {v['score']:.10g} drift={v['drift_detected']}")
        if e and s:
            r = rel(s["score"], e["score"])
            row["rel_scipy"] = r
            summary["max_rel_scipy"] = max(summary["max_rel_scipy"], r)
            if s["drift_detected"] != e["drift_detected"] or s["method"] != e["method"]:
                summary["mismatches"].append(
                    f"{case} `{c}`: Evidently {e['method']} {e['score']:.10g} drift={e['drift_detected']}, "
                    f"scipy {s['method']} {s['score']:.10g} drift={s['drift_detected']}")
        rows.append(row)
    if ev and va:
        ecount, vds = ev[1], va[1]
        summary["dataset"] = (f"Evidently DriftedColumnsCount {ecount['count']:g} of "
                              f"{len(rows)} (share {ecount['share']:.4g}); Vane drifted_columns "
                              f"{vds['drifted_columns']} of {vds['number_of_columns']} (share {vds['share']:.4g}, "
                              f"drift_detected {str(vds['drift_detected']).lower()})")
        if int(ecount["count"]) != vds["drifted_columns"]:
            summary["mismatches"].append(f"{case}: dataset count Evidently {ecount['count']} vs Vane {vds['drifted_columns']}")
    return rows, summary


def cmd_bench(a):
    tools = a.tools.split(",")
    meta = json.load(open(a.meta))
    results = {}   # case -> tool -> list of runs
    comparisons = {}
    loads = []
    py = sys.executable
    me = os.path.abspath(__file__)
    for case in a.sizes.split(","):
        cdir = os.path.join(a.data, case)
        schema = load_schema(cdir)
        raw = os.path.join(a.raw, case)
        os.makedirs(raw, exist_ok=True)
        for side in ("reference", "current"):   # into the page cache, for every tool alike
            with open(os.path.join(cdir, f"{side}.csv"), "rb") as f:
                while f.read(1 << 24):
                    pass
        results[case] = {t: [] for t in tools}
        loads.append(f"{case}: {loadavg()} before")
        rounds = a.repeat
        for r in range(1, rounds + 1):
            for tool in tools:
                n = a.evidently_large_repeat if (tool == "evidently" and case == "large" and a.evidently_large_repeat) else a.repeat
                if r > n:
                    continue
                base = os.path.join(raw, f"{tool}-r{r}")
                if tool == "vane":
                    argv = [a.vane, "drift", "--reference", os.path.join(cdir, "reference.csv"),
                            "--current", os.path.join(cdir, "current.csv"),
                            "--numerical", ",".join(schema["numerical_columns"])]
                    if schema["categorical_columns"]:
                        argv += ["--categorical", ",".join(schema["categorical_columns"])]
                    argv += ["--json", base + ".json"]
                    ok = (0, 1)
                else:
                    argv = [py, me, tool, "--case", cdir, "--out", base + ".json", "--phases", base + ".phases.json"]
                    ok = (0,)
                busy = wait_quiet(a.max_busy, a.max_wait)
                la = loadavg()
                print(f"drift.py: {case} {tool} round {r}/{n} (load {la}, busy {busy:.2f} cores) …", file=sys.stderr, end="", flush=True)
                m = timed(argv, base + ".log", ok)
                m["load_before"] = la
                m["busy_before"] = busy
                if tool != "vane":
                    m["phases"] = json.load(open(base + ".phases.json"))
                results[case][tool].append(m)
                print(f" {m['wall']:.3f} s, {m['rss_mib']:.0f} MiB, others {m['others_cores']:.2f} cores", file=sys.stderr)
        loads[-1] += f", {loadavg()} after"
        last = lambda t: os.path.join(raw, f"{t}-r1.json")
        ev = evidently_columns(json.load(open(last("evidently")))) if "evidently" in tools else None
        sp = json.load(open(last("scipy"))) if "scipy" in tools else None
        va = vane_columns(json.load(open(last("vane")))) if "vane" in tools else None
        comparisons[case] = compare(case, schema, ev, sp, va)
        if "vane" in tools:
            comparisons[case][1]["vane_exit"] = results[case]["vane"][0]["exit"]
    json.dump({"meta": meta, "results": results, "loads": loads,
               "comparisons": {k: {"rows": v[0], "summary": v[1]} for k, v in comparisons.items()}},
              open(os.path.join(a.raw, "results.json"), "w"), indent=1)
    report = render(meta, results, comparisons, loads, a)
    with open(a.report, "w") as f:
        f.write(report)
    print(report)


def fmt(x, d=2):
    return f"{x:,.{d}f}"


def render(meta, results, comparisons, loads, a):
    L = []
    L.append(f"# Drift benchmark, {meta['date']}\n")
    L.append(f"Command: `{meta['command']}`\n")
    for k in ("machine", "vane", "python", "data"):
        if k in meta:
            L.append(f"- **{k}**: {meta[k]}")
    L.append(f"- **load average** (1, 5, 15 min): " + "; ".join(loads))
    L.append("- **timing**: each run is its own process, end to end (interpreter start and imports, "
             "reading both CSV files, computing, writing the JSON), wall clock from the harness; "
             "peak RSS = the process's `ru_maxrss` (os.wait4); runs alternate the tools round by round; "
             f"before each run the harness waits (at most {a.max_wait:g} s) until the machine uses less than {a.max_busy:g} cores; "
             "\"other processes' CPU\" is the machine's busy time during the run (/proc/stat) minus the run's own CPU time, over its wall time.\n")
    L.append("| case | tool | runs | best s | median s | peak RSS MiB | CPU s (median) | other processes' CPU during the runs (cores) | Evidently / Vane (best, median) | scipy / Vane (best, median) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for case, by_tool in results.items():
        vb = vm = None
        if by_tool.get("vane"):
            w = [m["wall"] for m in by_tool["vane"]]
            vb, vm = min(w), statistics.median(w)
        for tool, runs in by_tool.items():
            if not runs:
                continue
            w = [m["wall"] for m in runs]
            b, md = min(w), statistics.median(w)
            rss = max(m["rss_mib"] for m in runs)
            cpu = statistics.median(m["cpu"] for m in runs)
            ev = sc = ""
            if vb and tool == "evidently":
                ev = f"{b / vb:.1f}×, {md / vm:.1f}×"
            if vb and tool == "scipy":
                sc = f"{b / vb:.2f}×, {md / vm:.2f}×"
            name = {"evidently": "Evidently DataDriftPreset", "scipy": "pandas + scipy column by column",
                    "vane": "`vane drift`"}[tool]
            la = [m["others_cores"] for m in runs]
            la = f"{min(la):.2f}–{max(la):.2f}" if len(la) > 1 else f"{la[0]:.2f}"
            L.append(f"| {CASES[case]['label']} | {name} | {len(runs)} | {fmt(b, 3)} | {fmt(md, 3)} | {fmt(rss, 0)} | {fmt(cpu, 2)} | {la} | {ev} | {sc} |")
    L.append("")
    L.append("Phases inside the Python processes (median s: import / read_csv both files / compute / write JSON):\n")
    L.append("| case | tool | import | read | compute | write | compute alone / Vane end to end |")
    L.append("|---|---|---|---|---|---|---|")
    for case, by_tool in results.items():
        for tool in ("evidently", "scipy"):
            runs = by_tool.get(tool)
            if not runs:
                continue
            ph = {k: statistics.median(m["phases"][k] for m in runs) for k in ("import", "read", "compute", "write")}
            vr = by_tool.get("vane")
            ratio = f"{ph['compute'] / statistics.median(m['wall'] for m in vr):.2f}×" if vr else ""
            L.append(f"| {CASES[case]['label']} | {tool} | {ph['import']:.3f} | {ph['read']:.3f} | {ph['compute']:.3f} | {ph['write']:.3f} | {ratio} |")
    L.append("")
    for case, (rows, summ) in comparisons.items():
        L.append(f"## Verdicts, {CASES[case]['label']}\n")
        if "dataset" in summ:
            L.append(f"- dataset: {summ['dataset']}; `vane drift` exit code {summ.get('vane_exit')}")
        if any(r["ev"] for r in rows):
            L.append(f"- max relative score difference to Evidently: Vane {summ['max_rel_vane']:.3g}, "
                     f"scipy column by column {summ['max_rel_scipy']:.3g}")
        L.append("- verdict or method mismatches: " + ("none" if not summ["mismatches"] else ""))
        for m in summ["mismatches"]:
            L.append(f"  - {m}")
        L.append("")
        L.append("| column | method (Evidently) | Evidently score | Vane score | scipy score | rel. diff Vane | rel. diff scipy | drift E / V / S |")
        L.append("|---|---|---|---|---|---|---|---|")
        f = lambda x: "–" if x is None else f"{x['score']:.8g}"
        fl = lambda x: "–" if x is None else ("yes" if x["drift_detected"] else "no")
        for r in rows:
            e, v, s = r["ev"], r["va"], r["sp"]
            L.append(f"| `{r['column']}` | {e['method'] if e else '–'} | {f(e)} | {f(v)} | {f(s)} | "
                     f"{r.get('rel_vane', float('nan')):.2g} | {r.get('rel_scipy', float('nan')):.2g} | {fl(e)} / {fl(v)} / {fl(s)} |")
        L.append("")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate"); g.add_argument("--out", required=True); g.add_argument("--sizes", default="small,large")
    for name in ("evidently", "scipy"):
        w = sub.add_parser(name)
        w.add_argument("--case", required=True); w.add_argument("--out", required=True); w.add_argument("--phases", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--data", required=True); b.add_argument("--raw", required=True)
    b.add_argument("--meta", required=True); b.add_argument("--report", required=True)
    b.add_argument("--vane"); b.add_argument("--sizes", default="small,large")
    b.add_argument("--repeat", type=int, default=3); b.add_argument("--evidently-large-repeat", type=int, default=1)
    b.add_argument("--tools", default="evidently,scipy,vane")
    b.add_argument("--max-busy", type=float, default=0.3); b.add_argument("--max-wait", type=float, default=60)
    a = ap.parse_args()
    {"generate": cmd_generate, "evidently": cmd_evidently, "scipy": cmd_scipy, "bench": cmd_bench}[a.cmd](a)


if __name__ == "__main__":
    main()
