#!/usr/bin/env python3
"""Every acknowledged write survives `kill -9`.

Starts `vane server`, acknowledges a stream of writes (runs, params, tags, log-batch metrics,
an artifact upload) from several threads, kills the server with SIGKILL while writes are still
in flight, restarts it on the same data directory and checks that every write that was answered
200 is there. Loopback only; every loop is bounded in count and time.

usage: kill9.py PATH/TO/vane
prints 'N passed, M failed' as its last line."""
import json, os, random, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request

VANE = sys.argv[1]
data = tempfile.mkdtemp(prefix="vane-kill9-")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def start():
    port = free_port()
    proc = subprocess.Popen([VANE, "server", "--port", str(port), "--data-dir", data],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(data, "server.log"), "a"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(base + "/health", timeout=1).read() == b"OK":
                return proc, base
        except OSError:
            time.sleep(0.02)
    proc.kill(); sys.exit("server did not become healthy")


def call(base, method, path, body=None, raw=None):
    data_ = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data_, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


proc, base = start()
_, body = call(base, "POST", "/api/2.0/mlflow/experiments/create", {"name": "kill9"})
exp = json.loads(body)["experiment_id"]

acked = {}          # run_id -> number of acknowledged batches
acked_lock = threading.Lock()
artifacts = []
stop = threading.Event()


def writer(n):
    _, b = call(base, "POST", "/api/2.0/mlflow/runs/create", {"experiment_id": exp, "start_time": 1})
    run = json.loads(b)["run"]["info"]["run_id"]
    with acked_lock:
        acked[run] = 0
    step = 0
    for i in range(400):                       # bounded
        if stop.is_set():
            return
        metrics = [{"key": "m", "value": random.random(), "timestamp": 1, "step": step + j} for j in range(100)]
        try:
            status, _ = call(base, "POST", "/api/2.0/mlflow/runs/log-batch",
                             {"run_id": run, "metrics": metrics, "params": [{"key": f"p{i}", "value": str(i)}]})
        except OSError:
            return
        if status == 200:
            step += 100
            with acked_lock:
                acked[run] = i + 1
        if n == 0 and i % 10 == 0:
            path = f"{exp}/{run}/artifacts/blob{i}.bin"
            payload = os.urandom(50_000)
            try:
                s, _ = call(base, "PUT", "/api/2.0/mlflow-artifacts/artifacts/" + path, raw=payload)
                if s == 200:
                    with acked_lock:
                        artifacts.append((path, payload))
            except OSError:
                return


threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
for t in threads:
    t.start()
time.sleep(1.5)                                # let writes flow, then pull the plug mid-stream
os.kill(proc.pid, signal.SIGKILL)
proc.wait()
stop.set()
for t in threads:
    t.join(timeout=20)
with acked_lock:
    snapshot = dict(acked)
    blobs = list(artifacts)
check(sum(snapshot.values()) > 0, "some writes were acknowledged before the kill")

proc, base = start()
try:
    for run, batches in snapshot.items():
        _, b = call(base, "GET", f"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=m")
        steps = len(json.loads(b).get("metrics", []))
        check(steps >= batches * 100, f"run {run}: {batches} batches acknowledged, {steps} metric steps found")
        _, b = call(base, "GET", f"/api/2.0/mlflow/runs/get?run_id={run}")
        params = {p["key"] for p in json.loads(b)["run"]["data"].get("params", [])}
        check(all(f"p{i}" in params for i in range(batches)), f"run {run}: params of acknowledged batches present")
        # A batch is one transaction: never a partial batch.
        check(steps % 100 == 0, f"run {run}: {steps} steps is a whole number of batches")
    for path, payload in blobs:
        _, got = call(base, "GET", "/api/2.0/mlflow-artifacts/artifacts/" + path)
        check(got == payload, f"artifact {path} intact")
finally:
    # SIGTERM is a graceful stop: in-flight requests finish, the database is closed, exit 0.
    proc.terminate()
    rc = proc.wait(timeout=20)
check(rc == 0, f"SIGTERM stops the server with exit status 0 (got {rc})")
check("stopped" in open(os.path.join(data, "server.log")).read(), "the server logs its orderly stop")
print(f"acknowledged: {sum(snapshot.values())} batches over {len(snapshot)} runs, {len(blobs)} artifacts")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
