#!/usr/bin/env python3
"""Paired A/B of `vane` builds on the deployment overhead: one server per build, the same setup as
deployment.py (XGBoost fixture as xgb/1 and xgb/2, deployment `dep`: two sticky variants and one
shadow at sample 1.0, every request logged), and rounds that alternate the builds, each round
measuring the registry version endpoint and then the deployment of the same server.

    Benchmarks/serving/deployment_ab.py --rounds 12 --seconds 2 BUILD [BUILD ...]

Per build it prints the median and mean over rounds of deployment ÷ registry for requests per
second and for the server's CPU time per request (utime + stime from /proc/PID/stat). Pairing
each deployment run with a registry run of the same server moments before is what makes the
figures usable on a machine whose speed drifts by tens of percent from minute to minute; the
builds' servers idle while another is measured. Needs wrk; loopback only; every wait bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deployment as d  # noqa: E402  (the same setup, wrk runner and Lua script)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("builds", nargs="+")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("deployment_ab.py: wrk is needed (apt-get install wrk)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="vane-deployment-ab-"))
    rows = json.loads(d.INPUTS.read_text())["rows"]
    body = work / "rows1.json"
    body.write_text(json.dumps({"inputs": [{"name": "input-0", "shape": [1, 8], "datatype": "FP32",
                                            "data": [0.0 if v is None else v for v in rows[0]]}]}))
    lua = work / "sticky.lua"
    lua.write_text(d.LUA)
    servers = []
    try:
        for i, build in enumerate(args.builds):
            port = d.free_port()
            process = subprocess.Popen([build, "server", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / f"data{i}")],
                                       stdout=open(work / f"vane{i}.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
            servers.append((build, process, f"http://127.0.0.1:{port}"))
        for _, _, base in servers:
            for _ in range(300):
                try:
                    if d.http("GET", base + "/health")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            d.setup(base)
        ratios: dict[str, dict[str, list[float]]] = {b: {"rps": [], "cpu": []} for b in args.builds}
        for _ in range(args.rounds):
            for build, process, base in servers:
                measured = {}
                for name, path in [("registry", "/v2/models/xgb/versions/1/infer"), ("deployment", "/v2/models/dep/infer")]:
                    d.wrk(base + path, body, lua, 2, 16, 1, None)
                    before = cpu_ticks(process.pid)
                    r = d.wrk(base + path, body, lua, 2, 16, args.seconds, None)
                    measured[name] = (r["rps"], (cpu_ticks(process.pid) - before) / max(1, r["requests"]))
                ratios[build]["rps"].append(measured["deployment"][0] / measured["registry"][0])
                ratios[build]["cpu"].append(measured["deployment"][1] / measured["registry"][1])
    finally:
        for _, process, _ in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(f"# {args.rounds} rounds of {args.seconds} s, 16 connections; deployment ÷ registry version of the same server")
    print("| build | req/s ratio, median | mean | CPU per request ratio, median | mean |")
    print("|---|---|---|---|---|")
    for build in args.builds:
        r, c = ratios[build]["rps"], ratios[build]["cpu"]
        print(f"| {build} | {statistics.median(r):.3f} | {statistics.mean(r):.3f} | {statistics.median(c):.3f} | {statistics.mean(c):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
