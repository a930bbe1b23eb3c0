#!/usr/bin/env python3
"""Times the libraries' own in-process batch prediction, one thread, the way
batch/Sources/vane-batch-bench/main.swift times Vane's runtimes.

Usage: OMP_NUM_THREADS=1 python batch_native.py --model FILE --inputs FILE.inputs.json
                                               [--rows 10000] [--repeat 50] [--warmup 3]

XGBoost (`.json` / `.ubj`): `Booster.inplace_predict(X)` on a float32 array (the library's fastest
path: no DMatrix), with `booster.set_param({"nthread": 1})`.
LightGBM (`.txt`): `Booster.predict(X, num_threads=1)` on a float64 array.
Same rows as the Swift side (the fixture's rows cycled to `rows`, null = NaN), same warm-up and
repetition counts; prints one JSON line with the median and min milliseconds per call, the first
predictions, a checksum of every output and the process's CPU time over wall time during the timed
loop (≈ 1.0 = one thread busy).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--inputs", required=True)
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    if os.environ.get("OMP_NUM_THREADS") != "1":
        print("batch_native.py: set OMP_NUM_THREADS=1", file=sys.stderr)
        return 2

    with open(a.inputs) as f:
        rows = json.load(f)["rows"]
    table = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=np.float64)
    x64 = np.ascontiguousarray(table[np.arange(a.rows) % len(rows)])

    name = os.path.basename(a.model)
    if name.endswith(".txt"):
        import lightgbm as lgb

        booster = lgb.Booster(model_file=a.model)
        x = x64
        library = f"lightgbm {lgb.__version__}"
        call = "Booster.predict(X float64, num_threads=1)"

        def predict():
            return booster.predict(x, num_threads=1)
    else:
        import xgboost as xgb

        booster = xgb.Booster(model_file=a.model)
        booster.set_param({"nthread": 1})
        x = x64.astype(np.float32)
        library = f"xgboost {xgb.__version__}"
        call = "Booster.inplace_predict(X float32), nthread=1"

        def predict():
            return booster.inplace_predict(x)

    for _ in range(a.warmup):
        predict()
    times = []
    checksum = 0.0
    first = []
    cpu0, wall0 = time.process_time_ns(), time.perf_counter_ns()
    for i in range(a.repeat):
        start = time.perf_counter_ns()
        out = predict()
        end = time.perf_counter_ns()
        times.append((end - start) / 1e6)
        flat = np.asarray(out, dtype=np.float64).ravel()
        if i == 0:
            first = flat[:6].tolist()
        checksum += float(flat.sum())
    cpu_per_wall = (time.process_time_ns() - cpu0) / (time.perf_counter_ns() - wall0)
    print(json.dumps({
        "impl": "native", "library": library, "call": call, "model": name, "rows": a.rows,
        "repeat": a.repeat, "median_ms": statistics.median(times), "min_ms": min(times),
        "first": first, "checksum": checksum / a.repeat, "cpu_per_wall": round(cpu_per_wall, 3),
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
