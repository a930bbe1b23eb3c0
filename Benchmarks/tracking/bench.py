#!/usr/bin/env python3
"""Tracking benchmark: the same MLflow REST 2.0 calls against `vane server` and `mlflow server`.

Normally started by run.sh (which makes the venv, the temporary data dirs and the free ports).
This script starts each server itself (so that it can time process start -> first answered
GET /health and walk the server's process tree for RSS), runs the workloads, stops the server,
and writes a markdown report plus a JSON file of the raw numbers.

Every loop is bounded in count and in time; every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import http.client
import json
import math
import os
import platform
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

API = "/api/2.0/mlflow"
HOST = "127.0.0.1"

# The search workload. Value distributions (see run_data): m1 uniform [0,1) -> 50 %,
# p1 uniform over v0..v9 -> 10 %, t1 uniform over {x, y} -> 50 %: about 2.5 % of runs match.
SEARCH_FILTER = "metrics.m1 > 0.5 AND params.p1 = 'v3' AND tags.t1 = 'x'"
SEARCH_ORDER_BY = ["metrics.m2 DESC"]
SEARCH_MAX_RESULTS = 100

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
MAX_ATTEMPTS = 6


# --------------------------------------------------------------------------------------------
# small helpers


def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


class Progress:
    """One progress line on stderr: rewritten in place on a terminal, else a line every 5 s."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def update(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        every = 0.5 if self.tty else 5.0
        if not force and now - self.last < every:
            return
        self.last = now
        if self.tty:
            sys.stderr.write("\r\033[K" + text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self, text: str) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K")
        log(text)


def pctl(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[k - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class RequestFailed(RuntimeError):
    pass


class Client:
    """Keep-alive HTTP/1.1 client over http.client; one per thread. Same code for both servers."""

    def __init__(self, port: int, timeout: float = 600.0) -> None:
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        last_err = ""
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                self.retries += 1
                time.sleep(min(2.0, 0.05 * (2 ** attempt)))
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:  # dropped keep-alive, reset, ...
                last_err = f"{type(e).__name__}: {e}"
                self.close()
                continue
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            if resp.status in RETRY_STATUSES:
                last_err = f"HTTP {resp.status}: {data[:300]!r}"
                continue
            return resp.status, data
        raise RequestFailed(f"{method} {path}: gave up after {MAX_ATTEMPTS} attempts: {last_err}")

    def call(self, method: str, endpoint: str, payload: dict | None = None, query: str = "") -> dict:
        body = None if payload is None else json.dumps(payload).encode()
        path = f"{API}/{endpoint}" + (f"?{query}" if query else "")
        status, data = self.request(method, path, body)
        if status != 200:
            raise RequestFailed(f"{method} {path}: HTTP {status}: {data[:500]!r}")
        return json.loads(data) if data else {}

    def post_raw(self, endpoint: str, body: bytes) -> None:
        status, data = self.request("POST", f"{API}/{endpoint}", body)
        if status != 200:
            raise RequestFailed(f"POST {endpoint}: HTTP {status}: {data[:500]!r}")


# --------------------------------------------------------------------------------------------
# process tree / machine facts (from /proc; psutil not needed)


def proc_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if os.path.exists(f"/proc/{pid}"):
            out.append(pid)
            todo.extend(children.get(pid, []))
    return out


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _kind(pid: int) -> str:
    """Short label of a process: the program, or the `-m module` it runs."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return "?"
    if not argv:
        return "?"
    if "-m" in argv[:-1]:
        mod = argv[argv.index("-m") + 1]
        return f"python -m {mod}" + (f" {argv[argv.index('-m') + 2]}" if mod.endswith("huey_consumer") and len(argv) > argv.index("-m") + 2 else "")
    if any("spawn_main" in a for a in argv):
        return "python multiprocessing child"
    if any("resource_tracker" in a for a in argv):
        return "python multiprocessing resource tracker"
    prog = os.path.basename(argv[0])
    if prog.startswith("python") and len(argv) > 1:
        prog = os.path.basename(argv[1])
    return prog


def tree_memory(root: int) -> dict:
    pids = proc_tree(root)
    kinds: dict[str, dict] = {}
    total_rss = total_pss = 0
    for p in pids:
        rss, pss = _status_kb(p, "VmRSS"), _pss_kb(p)
        total_rss += rss
        total_pss += pss
        k = kinds.setdefault(_kind(p), {"processes": 0, "rss_kb": 0})
        k["processes"] += 1
        k["rss_kb"] += rss
    return {"rss_kb": total_rss, "pss_kb": total_pss, "processes": len(pids), "by_kind": kinds}


def machine_info() -> dict:
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "mem_total_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def mlflow_version(mlflow_bin: str) -> str:
    try:
        from importlib.metadata import version

        return version("mlflow")
    except Exception:
        pass
    try:
        out = subprocess.run([mlflow_bin, "--version"], capture_output=True, text=True, timeout=60)
        return out.stdout.strip().split()[-1]
    except Exception:
        return "unknown"


def vane_version(vane_bin: str) -> str:
    try:
        out = subprocess.run([vane_bin, "--version"], capture_output=True, text=True, timeout=10)
        text = (out.stdout or out.stderr).strip().splitlines()
        if out.returncode == 0 and text:
            return text[0][:80]
    except Exception:
        pass
    return "unknown"


def repo_commit(repo: str) -> str:
    try:
        out = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "none"
    except Exception:
        return "unknown"


# --------------------------------------------------------------------------------------------
# servers


class Server:
    def __init__(self, name: str, argv_fn, workdir: str, env: dict, pid_dir: str) -> None:
        self.name = name  # "vane" or "mlflow"
        self.argv_fn = argv_fn  # (port, data_dir) -> argv
        self.workdir = workdir
        self.env = env
        self.pid_dir = pid_dir
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.argv: list[str] = []
        self.log_path = ""

    def start(self, port: int, data_dir: str, health_timeout: float = 120.0) -> float:
        """Start the server; return seconds from spawn to the first 200 on GET /health."""
        os.makedirs(data_dir, exist_ok=True)
        self.port = port
        self.argv = self.argv_fn(port, data_dir)
        self.log_path = os.path.join(data_dir, f"{self.name}-server.log")
        logf = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env, cwd=data_dir,
                                     start_new_session=True)
        logf.close()
        with open(os.path.join(self.pid_dir, f"{self.name}.pid"), "w") as f:
            f.write(str(self.proc.pid))
        deadline = t0 + health_timeout
        while True:
            now = time.perf_counter()
            if now > deadline:
                self.stop()
                raise RuntimeError(f"{self.name}: no answer on /health within {health_timeout} s "
                                   f"(log: {self.log_path})")
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before answering "
                                   f"/health; log tail:\n{self.log_tail()}")
            try:
                c = http.client.HTTPConnection(HOST, port, timeout=2.0)
                c.request("GET", "/health")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return time.perf_counter() - t0
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.005)

    def log_tail(self, n: int = 30) -> str:
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def memory(self) -> dict:
        assert self.proc is not None
        return tree_memory(self.proc.pid)

    def stop(self) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the pid we started
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        # Workers may outlive the parent for a moment; make sure the whole group is gone.
        for _ in range(100):
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.unlink(os.path.join(self.pid_dir, f"{self.name}.pid"))
        except OSError:
            pass
        self.proc = None


# --------------------------------------------------------------------------------------------
# workloads


def now_ms() -> int:
    return int(time.time() * 1000)


def create_experiment(c: Client, name: str) -> str:
    return c.call("POST", "experiments/create", {"name": name})["experiment_id"]


def create_run(c: Client, exp_id: str, name: str) -> str:
    r = c.call("POST", "runs/create", {"experiment_id": exp_id, "run_name": name,
                                       "start_time": now_ms(), "user_id": "bench"})
    return r["run"]["info"]["run_id"]


def ingest_body(run_id: str, req_idx: int, ts: int) -> bytes:
    """1,000 metrics: keys k0..k9, 100 new steps each (unique (key, step) per run)."""
    base = req_idx * 100
    parts = [
        f'{{"key":"k{k}","value":{(base + s) * 0.001 + k},"timestamp":{ts + s},"step":{base + s}}}'
        for k in range(10) for s in range(100)
    ]
    return ('{"run_id":"%s","metrics":[%s]}' % (run_id, ",".join(parts))).encode()


def bench_ingest(port: int, exp_id: str, clients: int, duration: float, max_requests: int) -> dict:
    setup = Client(port)
    run_ids = [create_run(setup, exp_id, f"ingest-{clients}c-{i}") for i in range(clients)]
    setup.close()
    counts = [0] * clients
    lat: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    retries = [0] * clients
    barrier = threading.Barrier(clients + 1)
    go = threading.Event()
    state = {"deadline": 0.0}

    def worker(i: int) -> None:
        c = Client(port)
        try:
            ts = now_ms()
            c.post_raw("runs/log-batch", ingest_body(run_ids[i], 0, ts))  # warm-up, not counted
            # Bodies are built before the clock starts, so that the Python client's JSON building
            # does not compete with the server for the machine's 2 cores; past the prepared ones,
            # they are built on the fly.
            prepared = [ingest_body(run_ids[i], r, ts)
                        for r in range(1, min(max_requests, int(duration * 200 / clients) + 50) + 1)]
            req = 1
            barrier.wait(timeout=300)
            go.wait(timeout=300)
            while time.perf_counter() < state["deadline"] and req <= max_requests:
                body = prepared[req - 1] if req <= len(prepared) else ingest_body(run_ids[i], req, ts)
                t = time.perf_counter()
                c.post_raw("runs/log-batch", body)
                lat[i].append(time.perf_counter() - t)
                counts[i] += 1000
                req += 1
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"client {i}: {e}")
            try:
                barrier.abort()
            except Exception:
                pass
        finally:
            retries[i] = c.retries
            c.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    try:
        barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        pass
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    state["deadline"] = t0 + duration
    go.set()
    for t in threads:
        t.join(timeout=duration + 900)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    if errors:
        raise RequestFailed("; ".join(errors))
    total = sum(counts)
    all_lat = [x for l in lat for x in l]
    return {
        "clients": clients,
        "metrics": total,
        "requests": len(all_lat),
        "seconds": round(elapsed, 3),
        "metrics_per_s": total / elapsed if elapsed > 0 else 0.0,
        "request_p50_ms": pctl(all_lat, 50) * 1000,
        "request_p95_ms": pctl(all_lat, 95) * 1000,
        "client_cpu_pct": round(100.0 * cpu / elapsed, 1) if elapsed > 0 else 0.0,
        "retries": sum(retries),
    }


def bench_history(port: int, exp_id: str, steps: int, reps: int, budget: float) -> dict:
    c = Client(port)
    run_id = create_run(c, exp_id, "history")
    ts = now_ms()
    t0 = time.perf_counter()
    prog = Progress()
    for start in range(0, steps, 1000):
        parts = [f'{{"key":"hist","value":{math.sin(s * 0.001)},"timestamp":{ts + s},"step":{s}}}'
                 for s in range(start, min(steps, start + 1000))]
        c.post_raw("runs/log-batch", ('{"run_id":"%s","metrics":[%s]}' % (run_id, ",".join(parts))).encode())
        prog.update(f"  history: logged {min(steps, start + 1000):,}/{steps:,} steps")
    log_s = time.perf_counter() - t0
    prog.done(f"  history: logged {steps:,} steps in {log_s:.1f} s")

    def fetch() -> tuple[float, int, float]:
        """(seconds to receive every page, points, seconds the client spent parsing the JSON)."""
        n, token, pages, fetch_s, parse_s = 0, "", 0, 0.0, 0.0
        while pages < 10_000:  # bounded; the reference answers everything in one page
            q = f"run_id={run_id}&run_uuid={run_id}&metric_key=hist"
            if token:
                q += f"&page_token={token}"
            t = time.perf_counter()
            status, data = c.request("GET", f"{API}/metrics/get-history?{q}")
            fetch_s += time.perf_counter() - t
            if status != 200:
                raise RequestFailed(f"get-history: HTTP {status}: {data[:300]!r}")
            t = time.perf_counter()
            body = json.loads(data)
            parse_s += time.perf_counter() - t
            n += len(body.get("metrics", []))
            pages += 1
            token = body.get("next_page_token", "")
            if not token:
                break
        return fetch_s, n, parse_s

    times, parses = [], []
    first, n, _ = fetch()  # warm-up (reported separately)
    if n != steps:
        raise RequestFailed(f"get-history returned {n} points, expected {steps}")
    deadline = time.perf_counter() + budget
    while len(times) < reps and (time.perf_counter() < deadline or len(times) < 3):
        dt, n, parse_s = fetch()
        if n != steps:
            raise RequestFailed(f"get-history returned {n} points, expected {steps}")
        times.append(dt)
        parses.append(parse_s)
    c.close()
    return {
        "steps": steps,
        "log_seconds": round(log_s, 3),
        "log_metrics_per_s": steps / log_s if log_s > 0 else 0.0,
        "first_ms": first * 1000,
        "reps": len(times),
        "p50_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "client_parse_p50_ms": statistics.median(parses) * 1000,
        "note": "time from sending the request to having read the whole JSON body; the client's json.loads is timed apart",
    }


def run_data(i: int) -> tuple[list[float], list[str], list[str]]:
    """Deterministic params/metrics/tags of search run i (identical on both servers)."""
    r = random.Random(1_000_003 * i + 12345)
    metrics = [r.random() for _ in range(10)]
    params = [f"v{r.randrange(10)}" for _ in range(10)]
    tags = [f"c{r.randrange(5)}" for _ in range(5)]
    tags[1] = "x" if r.random() < 0.5 else "y"
    return metrics, params, tags


def run_name(i: int) -> str:
    return f"r{i:07d}"


def expected_search(n: int) -> tuple[int, list[str]]:
    """(number of runs matching SEARCH_FILTER among runs 0..n-1, expected top-100 run names)."""
    hits = []
    for i in range(n):
        m, p, t = run_data(i)
        if m[1] > 0.5 and p[1] == "v3" and t[1] == "x":
            hits.append((m[2], i))
    hits.sort(reverse=True)
    return len(hits), [run_name(i) for _, i in hits[:SEARCH_MAX_RESULTS]]


def seed_runs(port: int, exp_id: str, start: int, stop: int, clients: int, deadline: float,
              label: str) -> dict:
    """Create runs start..stop-1: runs/create + one runs/log-batch (10 params, 10 metrics, 5 tags)."""
    local = threading.local()
    all_clients: list[Client] = []
    lock = threading.Lock()
    stop_flag = threading.Event()

    def client() -> Client:
        c = getattr(local, "c", None)
        if c is None:
            c = local.c = Client(port)
            with lock:
                all_clients.append(c)
        return c

    def one(i: int) -> bool:
        if stop_flag.is_set() or time.monotonic() > deadline:
            stop_flag.set()
            return False
        c = client()
        ts = now_ms()
        rid = create_run(c, exp_id, run_name(i))
        m, p, t = run_data(i)
        c.call("POST", "runs/log-batch", {
            "run_id": rid,
            "metrics": [{"key": f"m{k}", "value": v, "timestamp": ts, "step": 0} for k, v in enumerate(m)],
            "params": [{"key": f"p{k}", "value": v} for k, v in enumerate(p)],
            "tags": [{"key": f"t{k}", "value": v} for k, v in enumerate(t)],
        })
        return True

    prog = Progress()
    done = 0
    # Runs are submitted in index order and the pool keeps at most `window` in flight,
    # so that a time-out leaves (almost) a prefix 0..k of runs seeded.
    window = clients * 4
    t0 = time.perf_counter()
    failed: list[str] = []
    with ThreadPoolExecutor(max_workers=clients) as pool:
        pending = set()
        nxt = start
        while nxt < stop or pending:
            while nxt < stop and len(pending) < window and not stop_flag.is_set() and not failed:
                pending.add(pool.submit(one, nxt))
                nxt += 1
            if not pending:
                break
            fut = next(as_completed(pending))
            pending.discard(fut)
            try:
                if fut.result():
                    done += 1
            except Exception as e:  # noqa: BLE001
                failed.append(str(e))
                stop_flag.set()
            el = time.perf_counter() - t0
            rate = done / el if el > 0 else 0.0
            eta = (stop - start - done) / rate if rate > 0 else float("inf")
            prog.update(f"  seed {label}: {start + done:,}/{stop:,} runs, {rate:,.0f} runs/s, "
                        f"ETA {eta:,.0f} s")
    elapsed = time.perf_counter() - t0
    for c in all_clients:
        c.close()
    if failed:
        raise RequestFailed(f"seeding failed: {failed[0]}")
    rate = done / elapsed if elapsed > 0 else 0.0
    prog.done(f"  seed {label}: {start + done:,} runs ({done:,} new in {elapsed:.1f} s, {rate:,.1f} runs/s)")
    return {"new_runs": done, "seconds": round(elapsed, 3), "runs_per_s": rate,
            "timed_out": done < stop - start,
            "retries": sum(c.retries for c in all_clients)}


def bench_search(port: int, exp_id: str, n: int, reps: int, budget: float) -> dict:
    c = Client(port)
    body = json.dumps({"experiment_ids": [exp_id], "filter": SEARCH_FILTER,
                       "max_results": SEARCH_MAX_RESULTS, "order_by": SEARCH_ORDER_BY,
                       "run_view_type": "ACTIVE_ONLY"}).encode()

    def once() -> tuple[float, bytes]:
        t = time.perf_counter()
        status, data = c.request("POST", f"{API}/runs/search", body)
        dt = time.perf_counter() - t
        if status != 200:
            raise RequestFailed(f"runs/search: HTTP {status}: {data[:300]!r}")
        return dt, data

    first, data = once()
    got = [r["info"].get("run_name", "") for r in json.loads(data).get("runs", [])]
    matches, want = expected_search(n)
    times = []
    deadline = time.perf_counter() + budget
    prog = Progress()
    while len(times) < reps and (time.perf_counter() < deadline or len(times) < 3):
        dt, _ = once()
        times.append(dt)
        prog.update(f"  search @ {n:,} runs: {len(times)}/{reps} reps, last {dt * 1000:.1f} ms")
    c.close()
    res = {
        "runs": n,
        "matching_runs": matches,
        "returned": len(got),
        "correct": got == want,
        "first_ms": first * 1000,
        "reps": len(times),
        "p50_ms": pctl(times, 50) * 1000,
        "p95_ms": pctl(times, 95) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
    }
    if got != want:
        res["mismatch"] = sum(1 for a, b in zip(got, want) if a != b) + abs(len(got) - len(want))
    prog.done(f"  search @ {n:,} runs: p50 {res['p50_ms']:.1f} ms, p95 {res['p95_ms']:.1f} ms "
              f"({res['reps']} reps, results {'correct' if res['correct'] else 'WRONG'})")
    return res


def bench_roundtrip(port: int, reps: int = 30) -> dict:
    """GET /health round trip: on one keep-alive connection, and with a new connection each time."""
    c = Client(port)
    c.request("GET", "/health")
    keep = []
    for _ in range(reps):
        t = time.perf_counter()
        c.request("GET", "/health")
        keep.append(time.perf_counter() - t)
    c.close()
    fresh = []
    for _ in range(reps):
        t = time.perf_counter()
        c.request("GET", "/health")
        fresh.append(time.perf_counter() - t)
        c.close()
    return {"keepalive_p50_ms": statistics.median(keep) * 1000,
            "new_connection_p50_ms": statistics.median(fresh) * 1000, "reps": reps}


def measure_idle(server: Server, max_wait: float = 30.0) -> dict:
    """Sample the tree's RSS every 0.5 s until it is stable (4 samples within 1 %) or max_wait."""
    samples: list[dict] = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_wait:
        samples.append(server.memory())
        last = samples[-4:]
        if len(last) == 4 and len({s["processes"] for s in last}) == 1:
            lo = min(s["rss_kb"] for s in last)
            hi = max(s["rss_kb"] for s in last)
            if hi <= lo * 1.01 and time.monotonic() - t0 >= 2.0:
                break
        time.sleep(0.5)
    out = dict(samples[-1])
    out["settle_seconds"] = round(time.monotonic() - t0, 1)
    return out


def bench_server(server: Server, args, base_dir: str, main_port: int, search_stages: list[int],
                 results: dict) -> None:
    name = server.name
    res = results.setdefault(name, {})
    res["loadavg_before"] = os.getloadavg()
    # 1. start-up time: a few starts into fresh, empty data dirs (the last one is kept running)
    starts = []
    for k in range(args.startup_reps):
        last = k == args.startup_reps - 1
        port = main_port if last else free_port()
        data = os.path.join(base_dir, "data" if last else f"startup-{k}")
        dt = server.start(port, data)
        starts.append(dt)
        log(f"{name}: /health answered {dt * 1000:.0f} ms after spawn (start {k + 1}/{args.startup_reps})")
        if not last:
            server.stop()
    res["command"] = " ".join(shlex.quote(a) for a in server.argv)
    res["startup"] = {"seconds": starts, "median_s": statistics.median(starts),
                      "fresh_data_dir": True}
    try:
        # 2. idle memory of the whole process tree
        res["idle"] = measure_idle(server)
        log(f"{name}: idle RSS {res['idle']['rss_kb'] / 1024:.1f} MiB over "
            f"{res['idle']['processes']} process(es)")
        res["roundtrip"] = bench_roundtrip(server.port)
        log(f"{name}: GET /health round trip p50 {res['roundtrip']['keepalive_p50_ms']:.1f} ms keep-alive, "
            f"{res['roundtrip']['new_connection_p50_ms']:.1f} ms new connection")
        c = Client(server.port)
        # 3. ingest
        exp = create_experiment(c, "bench-ingest")
        res["ingest"] = []
        for clients in args.ingest_clients:
            r = bench_ingest(server.port, exp, clients, args.ingest_seconds, args.ingest_max_requests)
            res["ingest"].append(r)
            log(f"{name}: ingest {clients} client(s): {r['metrics_per_s']:,.0f} metrics/s "
                f"({r['requests']} requests in {r['seconds']:.1f} s, p50 {r['request_p50_ms']:.1f} ms)")
        # 4. metric history
        exp = create_experiment(c, "bench-history")
        res["history"] = bench_history(server.port, exp, args.history_steps, args.history_reps,
                                       args.history_budget)
        h = res["history"]
        log(f"{name}: get-history of {h['steps']:,} steps: p50 {h['p50_ms']:.1f} ms ({h['reps']} reps)")
        # 5. search, seeded in stages
        exp = create_experiment(c, "bench-search")
        c.close()
        res["seed"] = []
        res["search"] = []
        deadline = time.monotonic() + args.seed_timeout
        have = 0
        for target in search_stages:
            s = seed_runs(server.port, exp, have, target, args.seed_clients, deadline, name)
            s["from"], s["to"] = have, have + s["new_runs"]
            res["seed"].append(s)
            have += s["new_runs"]
            if s["timed_out"]:
                log(f"{name}: seeding hit --seed-timeout at {have:,} runs; searching those")
                res["seed_timed_out_at"] = have
            res["search"].append(bench_search(server.port, exp, have, args.search_reps,
                                              args.search_budget))
            if s["timed_out"]:
                break
        res["after_workload"] = server.memory()
    finally:
        res["loadavg_after"] = os.getloadavg()
        server.stop()


# --------------------------------------------------------------------------------------------
# report


def fmt(v, digits=1) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and math.isnan(v):
        return "—"
    if isinstance(v, (int,)) or abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def ratio(vane, mlflow, higher_is_better: bool) -> str:
    if vane is None or mlflow is None or vane <= 0 or mlflow <= 0:
        return "—"
    r = vane / mlflow if higher_is_better else mlflow / vane
    return f"{r:,.1f}×" if r < 100 else f"{r:,.0f}×"


def search_at(res: dict, n: int):
    for s in res.get("search", []):
        if s["runs"] == n:
            return s
    return None


def write_report(path: str, results: dict, meta: dict, args) -> None:
    V, M = results.get("vane", {}), results.get("mlflow", {})
    L = []
    L.append(f"## Tracking benchmark — Vane vs MLflow ({meta['date']})")
    L.append("")
    L.append("Produced by:")
    L.append("")
    L.append("```")
    L.append(meta["command"])
    L.append("```")
    L.append("")
    mi = meta["machine"]
    L.append(f"- machine: {mi['nproc']} CPUs ({mi['cpu']}), {mi['mem_total_gib']} GiB memory, "
             f"Linux {mi['kernel']}; clients and servers share the machine, loopback only")
    L.append(f"- MLflow {meta['mlflow_version']} (`mlflow server`, sqlite backend, its default workers); "
             f"Vane `{meta['vane_version']}` (repo commit {meta['commit']}); Python {mi['python']} "
             f"client over `http.client` keep-alive, same client code for both")
    if "vane" in results:
        L.append(f"- vane: `{V.get('command', '')}`")
    if "mlflow" in results:
        extra = " ".join(args.mlflow_env)
        L.append(f"- mlflow: `{(extra + ' ') if extra else ''}{M.get('command', '')}` "
                 f"(with MLFLOW_DISABLE_TELEMETRY=true)")
    la = [f"{nm} {R['loadavg_before'][0]:.2f} → {R.get('loadavg_after', [float('nan')])[0]:.2f}"
          for nm, R in (("Vane", V), ("MLflow", M)) if R.get("loadavg_before")]
    if la:
        L.append(f"- 1-min load average at the start → end of each server's turn: {', '.join(la)} "
                 f"(servers run one after the other; the benchmark itself adds about 1–2)")
    busy = [nm for nm, R in (("Vane", V), ("MLflow", M))
            if R.get("loadavg_before") and R["loadavg_before"][0] > mi["nproc"]]
    if busy:
        L.append(f"- **Warning: the machine was already busy (load above {mi['nproc']}) when "
                 f"{' and '.join(busy)} started; other work competed for the CPUs, so these numbers "
                 f"are pessimistic. Re-run on a quiet machine for figures to quote.**")
    L.append(f"- total wall time {meta['wall_seconds'] / 60:.1f} min")
    L.append("")
    for nm, R in (("Vane", V), ("MLflow", M)):
        if R.get("error"):
            L.append(f"**{nm} run FAILED** (numbers below are partial): `{R['error'][:400]}`")
            L.append("")
    L.append("Ratio = how many times better Vane is (throughput Vane/MLflow; latency, memory and "
             "start-up MLflow/Vane). — = not measured.")
    L.append("")

    def g(d, *keys):
        for k in keys:
            if d is None:
                return None
            d = d.get(k) if isinstance(d, dict) else None
        return d

    # ingest
    L.append("### Log-batch ingest (1,000 metrics per `runs/log-batch`)")
    L.append("")
    L.append("| clients | Vane | MLflow | ratio | units |")
    L.append("|---|---|---|---|---|")
    for nc in args.ingest_clients:
        v = next((r for r in V.get("ingest", []) if r["clients"] == nc), None)
        m = next((r for r in M.get("ingest", []) if r["clients"] == nc), None)
        vv, mv = g(v, "metrics_per_s"), g(m, "metrics_per_s")
        L.append(f"| {nc} | {fmt(vv)} | {fmt(mv)} | {ratio(vv, mv, True)} | metrics/s |")
    for nc in args.ingest_clients:
        v = next((r for r in V.get("ingest", []) if r["clients"] == nc), None)
        m = next((r for r in M.get("ingest", []) if r["clients"] == nc), None)
        vv, mv = g(v, "request_p50_ms"), g(m, "request_p50_ms")
        L.append(f"| {nc} (request p50) | {fmt(vv)} | {fmt(mv)} | {ratio(vv, mv, False)} | ms |")
    L.append("")
    L.append(f"Each mode runs {args.ingest_seconds:g} s per server; every client logs to its own run "
             f"(10 keys × 100 new steps per request).")
    L.append("")

    # search
    L.append("### `runs/search` latency")
    L.append("")
    L.append(f"Filter `{SEARCH_FILTER}`, order_by `{SEARCH_ORDER_BY[0]}`, max_results {SEARCH_MAX_RESULTS}; "
             f"every run has 10 params, 10 metrics, 5 tags (about 2.5 % of runs match). "
             f"Up to {args.search_reps} repetitions after one warm-up, at most {args.search_budget:g} s "
             f"per point. Goal for Vane: p95 ≤ 50 ms and ≥ 50× faster than MLflow.")
    L.append("")
    L.append("| runs | stat | Vane | MLflow | ratio | units |")
    L.append("|---|---|---|---|---|---|")
    ns = sorted({s["runs"] for s in V.get("search", [])} | {s["runs"] for s in M.get("search", [])})
    for n in ns:
        v, m = search_at(V, n), search_at(M, n)
        for stat in ("p50_ms", "p95_ms", "first_ms"):
            label = {"p50_ms": "p50", "p95_ms": "p95", "first_ms": "first (cold) query"}[stat]
            vv, mv = g(v, stat), g(m, stat)
            L.append(f"| {n:,} | {label} | {fmt(vv)} | {fmt(mv)} | {ratio(vv, mv, False)} | ms |")
        L.append(f"| {n:,} | repetitions | {fmt(g(v, 'reps'))} | {fmt(g(m, 'reps'))} | | |")
        cv = "—" if v is None else ("yes" if v["correct"] else f"NO ({v.get('mismatch')} of 100 differ)")
        cm = "—" if m is None else ("yes" if m["correct"] else f"NO ({m.get('mismatch')} of 100 differ)")
        L.append(f"| {n:,} | top-100 matches expected | {cv} | {cm} | | |")
    L.append("")
    for n in ns:
        v, m = search_at(V, n), search_at(M, n)
        if v is None:
            continue
        line = f"Goal check at {n:,} runs: Vane p95 {v['p95_ms']:.1f} ms ≤ 50 ms: " \
               f"{'**met**' if v['p95_ms'] <= 50 else '**not met**'}"
        if m is not None:
            r = m["p95_ms"] / v["p95_ms"] if v["p95_ms"] > 0 else float("inf")
            line += f"; p95 ratio {r:,.1f}× ≥ 50×: {'**met**' if r >= 50 else '**not met**'}"
        L.append(line + ".")
        L.append("")
    notes = []
    if "mlflow" in results and "vane" in results:
        mn = {s["runs"] for s in M.get("search", [])}
        vn = {s["runs"] for s in V.get("search", [])}
        if mn != vn:
            notes.append(f"**MLflow was seeded with fewer runs** ({', '.join(f'{x:,}' for x in sorted(mn))}) "
                         f"than Vane ({', '.join(f'{x:,}' for x in sorted(vn))}); MLflow's search numbers are "
                         f"for its smaller N only, and the ratio is only given where both servers hold the "
                         f"same runs.")
    for nm, R in (("Vane", V), ("MLflow", M)):
        if R.get("seed_timed_out_at") is not None:
            notes.append(f"**{nm}'s seeding hit --seed-timeout ({args.seed_timeout:g} s)** after "
                         f"{R['seed_timed_out_at']:,} runs; its search was measured on those runs.")
    if args.mlflow_runs != args.runs and "mlflow" in results:
        notes.append(f"Requested: `--runs {args.runs}` `--mlflow-runs {args.mlflow_runs}`.")
    for n_ in notes:
        L.append(n_)
        L.append("")

    # seeding
    L.append("### Seeding (runs/create + one runs/log-batch per run, "
             f"{args.seed_clients} concurrent clients)")
    L.append("")
    L.append("| runs seeded | Vane | MLflow | ratio | units |")
    L.append("|---|---|---|---|---|")
    rows = sorted({(s["from"], s["to"]) for s in V.get("seed", [])} | {(s["from"], s["to"]) for s in M.get("seed", [])})
    for a, b in rows:
        v = next((s for s in V.get("seed", []) if (s["from"], s["to"]) == (a, b)), None)
        m = next((s for s in M.get("seed", []) if (s["from"], s["to"]) == (a, b)), None)
        vv, mv = g(v, "runs_per_s"), g(m, "runs_per_s")
        L.append(f"| {a:,} → {b:,} | {fmt(vv)} | {fmt(mv)} | {ratio(vv, mv, True)} | runs/s |")
    L.append("")

    # history
    L.append("### Metric history")
    L.append("")
    steps = g(V, "history", "steps") or g(M, "history", "steps") or args.history_steps
    L.append(f"One metric key with {steps:,} steps, logged through `runs/log-batch` 1,000 at a time, "
             f"then `GET metrics/get-history` for the whole series: time from the request to having read the "
             f"whole response; the client's own JSON parsing is timed apart. "
             f"Goal for Vane: ≤ 100 ms.")
    L.append("")
    L.append("| stat | Vane | MLflow | ratio | units |")
    L.append("|---|---|---|---|---|")
    for stat, label in (("p50_ms", "get-history p50"), ("min_ms", "get-history min"),
                        ("first_ms", "get-history first call"),
                        ("client_parse_p50_ms", "then the Python client's json.loads, p50")):
        vv, mv = g(V, "history", stat), g(M, "history", stat)
        r = "" if stat == "client_parse_p50_ms" else ratio(vv, mv, False)  # client-side work, not the server's
        L.append(f"| {label} | {fmt(vv)} | {fmt(mv)} | {r} | ms |")
    L.append(f"| repetitions | {fmt(g(V, 'history', 'reps'))} | {fmt(g(M, 'history', 'reps'))} | | |")
    vv, mv = g(V, "history", "log_metrics_per_s"), g(M, "history", "log_metrics_per_s")
    L.append(f"| logging the series (1 client) | {fmt(vv)} | {fmt(mv)} | {ratio(vv, mv, True)} | metrics/s |")
    L.append("")
    vh = g(V, "history", "p50_ms")
    if vh is not None:
        L.append(f"Goal check: Vane get-history p50 {vh:.1f} ms ≤ 100 ms: "
                 f"{'**met**' if vh <= 100 else '**not met**'}.")
        L.append("")

    # footprint
    L.append("### Footprint")
    L.append("")
    L.append("| measure | Vane | MLflow | ratio | units |")
    L.append("|---|---|---|---|---|")
    vv, mv = g(V, "idle", "rss_kb"), g(M, "idle", "rss_kb")
    L.append(f"| idle RSS after start (whole process tree) | {fmt(vv and vv / 1024)} | "
             f"{fmt(mv and mv / 1024)} | {ratio(vv, mv, False)} | MiB |")
    vv, mv = g(V, "idle", "pss_kb"), g(M, "idle", "pss_kb")
    L.append(f"| idle PSS (shared pages split) | {fmt(vv and vv / 1024)} | {fmt(mv and mv / 1024)} | "
             f"{ratio(vv, mv, False)} | MiB |")
    L.append(f"| processes in the tree | {fmt(g(V, 'idle', 'processes'))} | "
             f"{fmt(g(M, 'idle', 'processes'))} | | |")
    vv, mv = g(V, "after_workload", "rss_kb"), g(M, "after_workload", "rss_kb")
    L.append(f"| RSS after all workloads | {fmt(vv and vv / 1024)} | {fmt(mv and mv / 1024)} | "
             f"{ratio(vv, mv, False)} | MiB |")
    for stat, label in (("keepalive_p50_ms", "`GET /health` round trip, keep-alive connection (p50)"),
                        ("new_connection_p50_ms", "`GET /health` round trip, new connection each time (p50)")):
        vv, mv = g(V, "roundtrip", stat), g(M, "roundtrip", stat)
        L.append(f"| {label} | {fmt(vv, 2)} | {fmt(mv, 2)} | {ratio(vv, mv, False)} | ms |")
    vv, mv = g(V, "startup", "median_s"), g(M, "startup", "median_s")
    L.append(f"| start → first answered `GET /health` (median of {args.startup_reps}, fresh data dir) | "
             f"{fmt(vv and vv * 1000)} | {fmt(mv and mv * 1000)} | {ratio(vv, mv, False)} | ms |")
    L.append("")
    L.append("")
    for nm, R in (("Vane", V), ("MLflow", M)):
        kinds = g(R, "idle", "by_kind")
        if kinds:
            parts = [f"{v['processes']}× `{k}` {v['rss_kb'] / 1024:,.0f} MiB"
                     for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]["rss_kb"])]
            L.append(f"{nm} idle process tree: " + "; ".join(parts) + ".")
            L.append("")
    L.append(f"Raw numbers: `{os.path.basename(meta['json'])}` beside this file.")
    L.append("")
    text = "\n".join(L)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a" if args.append else "w") as f:
        if args.append:
            f.write("\n")
        f.write(text)


# --------------------------------------------------------------------------------------------


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=100_000, help="runs seeded for runs/search (default 100000)")
    ap.add_argument("--mlflow-runs", type=int, default=None,
                    help="seed MLflow with only this many runs (Vane is then measured at this N too)")
    ap.add_argument("--only", choices=["vane", "mlflow"], default=None)
    ap.add_argument("--out", default=os.path.join(here, "out", "results.md"))
    ap.add_argument("--append", action="store_true", help="append the section to --out instead of replacing it")
    ap.add_argument("--vane-bin", default=os.environ.get("VANE_BIN", os.path.join(repo, ".build", "release", "vane")))
    ap.add_argument("--mlflow-bin", default="mlflow")
    ap.add_argument("--mlflow-workers", type=int, default=None, help="pass --workers to mlflow server (default: MLflow's own default)")
    ap.add_argument("--mlflow-env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for mlflow server, e.g. MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false "
                         "(repeatable; recorded in the report)")
    ap.add_argument("--vane-port", type=int, default=0)
    ap.add_argument("--mlflow-port", type=int, default=0)
    ap.add_argument("--workdir", required=True, help="temporary directory for both servers' data")
    ap.add_argument("--ingest-clients", default="1,4", help="comma-separated client counts (default 1,4)")
    ap.add_argument("--ingest-seconds", type=float, default=15.0)
    ap.add_argument("--ingest-max-requests", type=int, default=200_000, help="per client per mode")
    ap.add_argument("--seed-clients", type=int, default=8)
    ap.add_argument("--seed-timeout", type=float, default=7200.0,
                    help="seconds of seeding per server before searching whatever is there (default 7200)")
    ap.add_argument("--search-reps", type=int, default=50)
    ap.add_argument("--search-budget", type=float, default=120.0, help="seconds per search point (min 3 reps)")
    ap.add_argument("--history-steps", type=int, default=100_000)
    ap.add_argument("--history-reps", type=int, default=9)
    ap.add_argument("--history-budget", type=float, default=60.0)
    ap.add_argument("--startup-reps", type=int, default=3)
    ap.add_argument("--command", default=None, help="command line to record in the report (run.sh passes its own)")
    args = ap.parse_args()
    if args.mlflow_runs is None:
        args.mlflow_runs = args.runs
    if args.mlflow_runs > args.runs:
        ap.error("--mlflow-runs must not exceed --runs")
    args.ingest_clients = [int(x) for x in args.ingest_clients.split(",") if x.strip()]
    args.startup_reps = max(1, args.startup_reps)

    env = dict(os.environ)
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"  # never phone home; loopback only
    env["DO_NOT_TRACK"] = "true"
    pid_dir = args.workdir
    mlflow_env = dict(env)
    for kv in args.mlflow_env:
        k, sep, v = kv.partition("=")
        if not sep:
            ap.error(f"--mlflow-env wants KEY=VALUE, got {kv!r}")
        mlflow_env[k] = v

    def vane_argv(port, data):
        return [args.vane_bin, "server", "--host", HOST, "--port", str(port), "--data-dir", data]

    def mlflow_argv(port, data):
        argv = [args.mlflow_bin, "server", "--backend-store-uri", f"sqlite:///{data}/mlflow.db",
                "--artifacts-destination", f"{data}/art", "--host", HOST, "--port", str(port)]
        if args.mlflow_workers:
            argv += ["--workers", str(args.mlflow_workers)]
        return argv

    which = ["mlflow", "vane"] if args.only is None else [args.only]
    if "vane" in which and not os.access(args.vane_bin, os.X_OK):
        log(f"vane binary not found or not executable: {args.vane_bin} "
            f"(build with `swift build -c release`, or pass --vane PATH / VANE_BIN, or --only mlflow)")
        return 2

    meta = {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": args.command or " ".join(shlex.quote(a) for a in sys.argv),
        "bench_argv": sys.argv,
        "machine": machine_info(),
        "mlflow_version": mlflow_version(args.mlflow_bin) if "mlflow" in which else "not run",
        "vane_version": vane_version(args.vane_bin) if "vane" in which else "not run",
        "commit": repo_commit(repo),
        "search": {"filter": SEARCH_FILTER, "order_by": SEARCH_ORDER_BY, "max_results": SEARCH_MAX_RESULTS},
        "args": {k: v for k, v in vars(args).items() if k != "command"},
    }
    json_path = os.path.splitext(args.out)[0] + ".json"
    meta["json"] = json_path
    results: dict = {}
    t_start = time.monotonic()
    rc = 0
    # MLflow goes first: if its seeding hits --seed-timeout, Vane is also measured at that N.
    for name in which:
        if name == "mlflow":
            stages = [args.mlflow_runs]
            server = Server("mlflow", mlflow_argv, args.workdir, mlflow_env, pid_dir)
            port = args.mlflow_port or free_port()
        else:
            ml_n = results.get("mlflow", {}).get("seed_timed_out_at", args.mlflow_runs if "mlflow" in which else None)
            stages = sorted({x for x in (ml_n, args.runs) if x})
            server = Server("vane", vane_argv, args.workdir, env, pid_dir)
            port = args.vane_port or free_port()
        base = os.path.join(args.workdir, name)
        log(f"=== {name}: search stages {', '.join(f'{s:,}' for s in stages)} runs")
        try:
            bench_server(server, args, base, port, stages, results)
        except Exception as e:  # noqa: BLE001 - keep the other server's numbers
            log(f"{name}: FAILED: {e}")
            if server.log_path:
                log(f"{name} server log tail:\n{server.log_tail()}")
            results.setdefault(name, {})["error"] = str(e)
            rc = 1
        finally:
            server.stop()
    meta["wall_seconds"] = time.monotonic() - t_start
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=2, default=str)
    write_report(args.out, results, meta, args)
    log(f"wrote {args.out} and {json_path}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
