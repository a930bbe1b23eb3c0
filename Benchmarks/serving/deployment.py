#!/usr/bin/env python3
"""Deployment overhead: one `vane server`, the XGBoost fixture registered twice, and the same
wrk load alternated between the direct model endpoint and a two-variant sticky deployment with
one shadow (sample 1.0), every request logged.

    Benchmarks/serving/deployment.py --vane PATH [--duration 15] [--warmup 3] [--rounds 2] [--ablation] [--out DIR]

Goals (issue 14): the deployment keeps >= 90 % of the direct endpoint's requests per second at
16 connections and adds <= 0.1 ms to p50 at one connection; the prediction log keeps up at sample
1.0 (vane_prediction_log_dropped_total stays 0). --ablation adds, at 16 connections, the same
deployment without its shadow and a one-variant deployment, to show where the overhead goes, and
reports the server's CPU time per request (from /proc) for every endpoint. Needs wrk. Writes a markdown report and the raw
wrk outputs to --out. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
MODEL = REPO / "Tests/Fixtures/models/xgb_binary_logistic.json"
INPUTS = REPO / "Tests/Fixtures/models/xgb_binary_logistic.inputs.json"

LUA = r"""
-- A user id per request from a fixed pool, so that sticky routing hashes many keys.
local counter = 0
function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  wrk.headers["x-user-id"] = "user-" .. (counter % 1000)
  return wrk.format(nil, nil, nil, nil)
end
function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"rps":%.3f,"errors":%d,"p50":%d,"p99":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None, content_type: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type} if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def post_json(url: str, payload: dict) -> dict:
    status, body = http("POST", url, json.dumps(payload).encode())
    if status != 200:
        raise SystemExit(f"deployment.py: {url} answered {status}: {body[:300]!r}")
    return json.loads(body)


def setup(base: str, ablation: bool = False) -> None:
    """Registers the fixture as `xgb` versions 1 and 2 and applies the deployment `dep`
    (with `--ablation` also `dep-noshadow` and `dep-single`)."""
    api = base + "/api/2.0/mlflow"
    exp = post_json(api + "/experiments/create", {"name": "bench"})["experiment_id"]
    run = post_json(api + "/runs/create", {"experiment_id": exp})["run"]["info"]
    prefix = run["artifact_uri"].split("mlflow-artifacts:/", 1)[1]
    for name, data in [("model/model.json", MODEL.read_bytes()),
                       ("model/MLmodel", b"flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n")]:
        status, body = http("PUT", f"{base}/api/2.0/mlflow-artifacts/artifacts/{prefix}/{name}", data, "application/octet-stream")
        assert status == 200, body
    post_json(api + "/registered-models/create", {"name": "xgb"})
    for _ in range(2):
        post_json(api + "/model-versions/create", {"name": "xgb", "source": f"runs:/{run['run_id']}/model", "run_id": run["run_id"]})
    declaration = {
        "variants": [{"name": "stable", "model": "models:/xgb/1", "weight": 50},
                     {"name": "challenger", "model": "models:/xgb/2", "weight": 50}],
        "shadows": [{"name": "next", "model": "models:/xgb/2", "sample": 1.0}],
        "routing": {"key": "header:x-user-id"},
    }
    status, body = http("PUT", base + "/api/vane/v1/deployments/dep", json.dumps(declaration).encode())
    assert status == 201, body
    if ablation:
        for name, changed in [("dep-noshadow", {"shadows": []}),
                              ("dep-single", {"shadows": [], "routing": None,
                                              "variants": [{"name": "stable", "model": "models:/xgb/1", "weight": 1}]})]:
            variant = {k: v for k, v in {**declaration, **changed}.items() if v is not None}
            status, body = http("PUT", base + f"/api/vane/v1/deployments/{name}", json.dumps(variant).encode())
            assert status == 201, body


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, body: Path, lua: Path, threads: int, conns: int, seconds: int, out: Path | None) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s", "-s", str(lua), url, "--", str(body)]
    text = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    if out:
        out.write_text(text)
    match = re.search(r"^RESULT (\{.*\})$", text, re.M)
    if not match:
        raise SystemExit(f"deployment.py: no RESULT line from wrk:\n{text}")
    return json.loads(match.group(1))


def metric(base: str, name: str) -> float:
    _, body = http("GET", base + "/metrics")
    total = 0.0
    for line in body.decode().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vane", required=True)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ablation", action="store_true", help="also deployments without the shadow and with one variant")
    parser.add_argument("--out", default=str(HERE / "results" / datetime.datetime.utcnow().strftime("deployment-%Y-%m-%dT%H%MZ")))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("deployment.py: wrk is needed (apt-get install wrk)", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vane-deployment-bench-"))
    rows = json.loads(INPUTS.read_text())["rows"]
    body = work / "rows1.json"
    body.write_text(json.dumps({"inputs": [{"name": "input-0", "shape": [1, 8], "datatype": "FP32",
                                            "data": [0.0 if v is None else v for v in rows[0]]}]}))
    lua = work / "sticky.lua"
    lua.write_text(LUA)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.vane, "server", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / "data")],
                              stdout=open(out / "vane.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    serve_port = free_port()
    serve = subprocess.Popen([args.vane, "serve", "--model", str(MODEL), "--name", "xgb", "--host", "127.0.0.1", "--port", str(serve_port)],
                             stdout=open(out / "vane-serve.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for url in [base + "/health", f"http://127.0.0.1:{serve_port}/health"]:
            for _ in range(300):
                try:
                    if http("GET", url)[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.1)
        setup(base, args.ablation)
        endpoints = {"vane serve": f"http://127.0.0.1:{serve_port}/v2/models/xgb/infer",
                     "registry version": base + "/v2/models/xgb/versions/1/infer",
                     "deployment": base + "/v2/models/dep/infer"}
        results: dict[str, dict[str, list[dict]]] = {}
        ablations = {"deployment without shadow": base + "/v2/models/dep-noshadow/infer",
                     "one-variant deployment": base + "/v2/models/dep-single/infer"} if args.ablation else {}
        for scenario, threads, conns in [("1 row, 16 connections", 2, 16), ("1 row, 1 connection", 1, 1)]:
            for round_ in range(args.rounds):
                for name, url in {**endpoints, **(ablations if conns == 16 else {})}.items():
                    wrk(url, body, lua, threads, conns, args.warmup, None)
                    pid = serve.pid if name == "vane serve" else server.pid
                    before = cpu_seconds(pid)
                    r = wrk(url, body, lua, threads, conns, args.duration, out / f"wrk-{name}-c{conns}-{round_}.txt")
                    r["cpu_us"] = (cpu_seconds(pid) - before) / max(r["requests"], 1) * 1e6
                    results.setdefault(scenario, {}).setdefault(name, []).append(r)
                    print(f"deployment.py: {scenario} {name} round {round_ + 1}: {r['rps']:.0f} req/s, p50 {r['p50']} us, p99 {r['p99']} us",
                          file=sys.stderr)
        time.sleep(2.5)  # the log's last batch
        written = metric(base, "vane_prediction_log_written_total")
        dropped = metric(base, "vane_prediction_log_dropped_total")
        mirrored = metric(base, "vane_deployment_shadow_mirrored_total")
        shadow_dropped = metric(base, "vane_deployment_shadow_dropped_total")
        sent = sum(r["requests"] for s in results.values() for name in ["deployment", *ablations] for r in s.get(name, []))
    finally:
        for process in (server, serve):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)

    def best(runs: list[dict], key: str, high: bool) -> float:
        values = [r[key] for r in runs]
        return max(values) if high else min(values)

    c16, c1 = results["1 row, 16 connections"], results["1 row, 1 connection"]
    ratio = best(c16["deployment"], "rps", True) / best(c16["vane serve"], "rps", True)
    added = (best(c1["deployment"], "p50", False) - best(c1["vane serve"], "p50", False)) / 1000
    ratio_registry = best(c16["deployment"], "rps", True) / best(c16["registry version"], "rps", True)
    lines = [
        f"# Deployment overhead, {datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%MZ')}",
        "",
        f"Command: `Benchmarks/serving/deployment.py --vane {args.vane} --duration {args.duration} --warmup {args.warmup} --rounds {args.rounds}{' --ablation' if args.ablation else ''}`",
        "",
        "One `vane server`; the XGBoost fixture registered as `xgb` versions 1 and 2; deployment `dep`: variants",
        "`stable` (xgb/1) and `challenger` (xgb/2) at 50/50, sticky on `x-user-id` (1,000 users, one per",
        "request in turn), one shadow (xgb/2, sample 1.0), every request logged with inputs and outputs.",
        "Direct endpoints: `vane serve` on the fixture, and the registry version `/v2/models/xgb/versions/1/infer`",
        "of the same server. Same wrk script (with the header) for all,",
        f"alternated, {args.warmup} s warm-up and {args.duration} s measured per run, {args.rounds} rounds; best run counts.",
        "",
        "| scenario | endpoint | req/s per round | p50 µs per round | p99 µs per round | server CPU µs/request per round |",
        "|---|---|---|---|---|---|",
    ]
    for scenario, by in results.items():
        for name, runs in by.items():
            rps = ", ".join("%.0f" % r["rps"] for r in runs)
            p50 = ", ".join(str(r["p50"]) for r in runs)
            p99 = ", ".join(str(r["p99"]) for r in runs)
            cpu = ", ".join("%.1f" % r["cpu_us"] for r in runs)
            lines.append(f"| {scenario} | {name} | {rps} | {p50} | {p99} | {cpu} |")
    lines += [
        "",
        f"- 16 connections: deployment ÷ `vane serve` requests per second = **{ratio:.3f}** (goal ≥ 0.90);"
        f" deployment ÷ the registry version endpoint of the same server = {ratio_registry:.3f}.",
        f"- 1 connection: p50 added by the deployment over `vane serve` = **{added:.3f} ms** (goal ≤ 0.1 ms).",
        f"- Prediction log: {written:.0f} records written, {dropped:.0f} dropped (deployment requests sent: {sent});"
        f" shadow: {mirrored:.0f} mirrored, {shadow_dropped:.0f} dropped by its full queue.",
        *([f"- Ablation at 16 connections, best run ÷ the registry version endpoint: "
            + "; ".join(f"{name} {best(c16[name], 'rps', True) / best(c16['registry version'], 'rps', True):.3f}"
                        for name in ["deployment", *ablations])] if ablations else []),
        f"- wrk errors: {sum(r['errors'] for s in results.values() for rs in s.values() for r in rs)}.",
    ]
    report = out / "report.md"
    report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"deployment.py: report {report}", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
