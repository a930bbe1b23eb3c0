#!/usr/bin/env python3
"""Alert intake side by side: `vane server` and Debian's `prometheus-alertmanager`, same
configuration, same load, one run.

    Benchmarks/alerts/run.py --vane PATH [--duration 10] [--connections 8] [--load 1000000] [--am-load 200000] [--out FILE.md]

1. Batched intake: wrk POSTs batches of 100 and of 1,000 alerts, every alert new (a counter in
   its labels), for --duration seconds; alerts per second.
2. One alert per request, every alert new; requests (= alerts) per second.
3. Memory per active alert: a fresh server of each, --load (Vane) and --am-load (Alertmanager)
   new alerts posted in batches of 1,000, resident memory before and after (from /proc).
4. Reads at that load: GET /api/v2/alerts (everything), time to the first byte and to the last,
   and the same with a filter that matches one alert.
Needs wrk. Loopback only; every wait is bounded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = """route:
  receiver: sink
  group_by: [alertname]
receivers:
  - name: sink
"""

LUA = r"""
local counter = 0
local batch = tonumber(os.getenv("BATCH") or "1")
local prefix = os.getenv("PREFIX") or "x"
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  counter = math.random(1, 1000000000) * 1000000
end
function request()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = '{"labels":{"alertname":"Bench' .. (counter % 50) .. '","instance":"host-' .. counter .. ':9100","job":"node","severity":"warning","service":"svc-' .. (counter % 200) .. '","run":"' .. prefix .. '"},"annotations":{"summary":"benchmark alert"}}'
  end
  wrk.body = "[" .. table.concat(parts, ",") .. "]"
  return wrk.format(nil, nil, nil, nil)
end
function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"rps":%.3f,"errors":%d,"non2xx":%d,"p50":%d,"p99":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Server:
    def __init__(self, kind: str, binary: str, work: Path):
        self.kind, self.port = kind, free_port()
        data = work / f"{kind}-{time.time_ns()}"
        data.mkdir()
        if kind == "vane":
            (data / "vane.yaml").write_text("alerting:\n" + "".join("  " + l + "\n" for l in CONFIG.splitlines()))
            cmd = [binary, "server", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", str(data / "data"), "--config", str(data / "vane.yaml")]
        else:
            (data / "am.yml").write_text(CONFIG)
            cmd = [binary, f"--config.file={data / 'am.yml'}", f"--storage.path={data / 'am-data'}",
                   f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address="]
        self.proc = subprocess.Popen(cmd, stdout=open(data / "log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/api/v2/status")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"run.py: {kind} did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2/alerts"

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def wrk(url: str, lua: Path, batch: int, seconds: int, connections: int, prefix: str) -> dict:
    env = dict(os.environ, BATCH=str(batch), PREFIX=prefix)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(lua), url],
                         capture_output=True, text=True, env=env, timeout=seconds + 120).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise SystemExit(f"run.py: no RESULT from wrk:\n{out}")
    r = json.loads(match.group(1))
    r["alerts_per_s"] = r["rps"] * batch
    return r


def load(server: Server, count: int) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    for base in range(0, count, 1000):
        body = json.dumps([{"labels": {"alertname": f"Load{(base + i) % 50}", "instance": f"host-{base + i}:9100", "job": "node",
                                       "severity": "warning", "service": f"svc-{(base + i) % 200}"},
                            "annotations": {"summary": "benchmark alert"}} for i in range(min(1000, count - base))])
        conn.request("POST", "/api/v2/alerts", body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise SystemExit(f"run.py: {server.kind} answered {r.status} while loading")
    return time.perf_counter() - start


def read(server: Server, query: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    before = rss(server.proc.pid)
    start = time.perf_counter()
    conn.request("GET", "/api/v2/alerts" + query)
    r = conn.getresponse()
    first = r.read(1)
    ttfb = time.perf_counter() - start
    size = len(first)
    peak = before
    while True:
        chunk = r.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        peak = max(peak, rss(server.proc.pid))
    return {"ttfb": ttfb, "total": time.perf_counter() - start, "bytes": size, "rss_growth": max(0, peak - before)}


def steady_state(args, work: Path) -> dict:
    """Vane with --load alerts over time: through the dispatcher's flushes, the minute's snapshots
    and the moment the alerts come to count and join incidents; then a restart."""
    server = Server("vane", args.vane, work)
    try:
        time.sleep(1)
        base = rss(server.proc.pid)
        load(server, args.load)
        samples = []
        deadline = time.time() + args.steady_seconds
        while time.time() < deadline:
            samples.append(rss(server.proc.pid))
            time.sleep(15)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("GET", "/api/vane/v1/ops/summary")
        summary = conn.getresponse().read().decode()
        start = time.perf_counter()
        server.stop()
        stop = time.perf_counter() - start
    except BaseException:
        server.stop()
        raise
    # The same data directory, a new process.
    cmd = list(server.proc.args)
    port = free_port()
    cmd[cmd.index("--port") + 1] = str(port)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/v2/status")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        started = time.perf_counter() - start
        time.sleep(3)
        restarted = rss(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=120)
    print(f"run.py: steady: peak {max(samples) / 2**20:.0f} MiB, restart {started:.1f} s, {restarted / 2**20:.0f} MiB", file=sys.stderr)
    return {"base": base, "phases": [("just loaded", samples[0]), ("lowest while watched", min(samples)), ("highest while watched", max(samples)),
                                     ("at the end", samples[-1]), ("after a restart", restarted)],
            "stop": stop, "start": started, "summary": summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vane", required=True)
    parser.add_argument("--alertmanager", default=shutil.which("prometheus-alertmanager") or "prometheus-alertmanager")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--load", type=int, default=1_000_000)
    parser.add_argument("--am-load", type=int, default=200_000)
    parser.add_argument("--parts", default="speed,memory", help="which measurements: speed, memory, steady (comma-separated)")
    parser.add_argument("--steady-seconds", type=int, default=480,
                        help="steady: how long to watch Vane after loading (alerts come to count after 5 minutes)")
    parser.add_argument("--servers", default="vane,alertmanager", help="which servers to measure (comma-separated)")
    parser.add_argument("--out", default=str(HERE / "results" / dt.datetime.utcnow().strftime("alerts-%Y-%m-%dT%H%MZ.md")))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vane-alerts-bench-"))
    lua = work / "alerts.lua"
    lua.write_text(LUA)
    rows = []
    floors = []
    try:
        servers = set(args.servers.split(","))
        parts = set(args.parts.split(","))
        for name, binary in [("vane", args.vane), ("alertmanager", args.alertmanager)]:
            if name not in servers or "speed" not in parts:
                continue
            # The floor of each HTTP stack on this machine: its health endpoint, the least a
            # request can cost, so the most single-alert posts per second any handler could reach.
            server = Server(name, binary, work)
            try:
                health = "/health" if name == "vane" else "/-/healthy"
                out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", f"http://127.0.0.1:{server.port}{health}"],
                                     capture_output=True, text=True, timeout=args.duration + 120).stdout
                rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
                floors.append((name, health, rps))
                print(f"run.py: {name} GET {health}: {rps:.0f} requests/s", file=sys.stderr)
            finally:
                server.stop()
            for batch in [1000, 100, 1]:
                server = Server(name, binary, work)
                try:
                    wrk(server.url, lua, batch, 2, args.connections, "warm")
                    r = wrk(server.url, lua, batch, args.duration, args.connections, f"b{batch}")
                    rows.append((name, f"batches of {batch}", r))
                    print(f"run.py: {name} batch {batch}: {r['alerts_per_s']:.0f} alerts/s, p99 {r['p99'] / 1000:.1f} ms, non-2xx {r['non2xx']}", file=sys.stderr)
                finally:
                    server.stop()
        memory = []
        for name, binary, count in [("vane", args.vane, args.load), ("alertmanager", args.alertmanager, args.am_load)]:
            if name not in servers or "memory" not in parts:
                continue
            server = Server(name, binary, work)
            try:
                time.sleep(1)
                base = rss(server.proc.pid)
                seconds = load(server, count)
                time.sleep(2)
                after = rss(server.proc.pid)
                everything = read(server, "")
                one = read(server, "?filter=instance%3D%22host-7%3A9100%22")
                memory.append((name, count, seconds, base, after, everything, one))
                print(f"run.py: {name} {count} alerts: {(after - base) / count:.0f} B each; list {everything['total']:.2f} s", file=sys.stderr)
            finally:
                server.stop()
        steady = steady_state(args, work) if "steady" in parts and "vane" in servers else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"# Alert intake, {dt.datetime.utcnow().strftime('%Y-%m-%dT%H:%MZ')}", "",
             f"Command: `Benchmarks/alerts/run.py --vane {args.vane} --duration {args.duration} --connections {args.connections} --load {args.load} --am-load {args.am_load}"
             + (f" --parts {args.parts}" if args.parts != "speed,memory" else "") + (f" --servers {args.servers}" if args.servers != "vane,alertmanager" else "") + "`",
             "", "Both with `route: {receiver: sink, group_by: [alertname]}`, a receiver without integrations; every alert new; wrk, 2 threads."]
    if rows:
        lines += ["", "| server | load | alerts/s | requests/s | p50 ms | p99 ms | non-2xx |", "|---|---|---|---|---|---|---|"]
    for name, label, r in rows:
        lines.append(f"| {name} | {label} | {r['alerts_per_s']:.0f} | {r['rps']:.0f} | {r['p50'] / 1000:.2f} | {r['p99'] / 1000:.2f} | {r['non2xx']} |")
    if floors:
        lines += ["", "The floor of each HTTP stack (wrk on its health endpoint, same connections and duration):", "",
                  "| server | request | requests/s |", "|---|---|---|"]
        for name, health, rps in floors:
            lines.append(f"| {name} | GET {health} | {rps:.0f} |")
    if memory:
        lines += ["", "| server | active alerts | load time s | RSS before MiB | RSS after MiB | bytes per alert | list all: first byte s, total s, MiB, RSS growth MiB | filtered read s |",
                  "|---|---|---|---|---|---|---|---|"]
    for name, count, seconds, base, after, everything, one in memory:
        lines.append(f"| {name} | {count} | {seconds:.1f} | {base / 2**20:.0f} | {after / 2**20:.0f} | {(after - base) / count:.0f} | "
                     f"{everything['ttfb']:.2f}, {everything['total']:.2f}, {everything['bytes'] / 2**20:.0f}, {everything['rss_growth'] / 2**20:.0f} | {one['total']:.2f} |")
    if steady:
        lines += ["", f"Vane at {args.load} alerts, watched {args.steady_seconds} s after loading (resident memory every 15 s), then stopped and started again:", "",
                  "| phase | resident MiB | bytes per alert |", "|---|---|---|"]
        for phase, value in steady["phases"]:
            lines.append(f"| {phase} | {value / 2**20:.0f} | {(value - steady['base']) / args.load:.0f} |")
        lines += ["", f"Stop (graceful, writing the snapshots): {steady['stop']:.1f} s; start until the API answers: {steady['start']:.1f} s; "
                  f"the engine's summary after: `{steady['summary']}`."]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
