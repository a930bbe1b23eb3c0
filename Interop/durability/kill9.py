#!/usr/bin/env python3
"""Every acknowledged write survives `kill -9`.

Starts `vane server`, acknowledges a stream of writes (runs, params, tags, log-batch metrics,
an artifact upload) from several threads, kills the server with SIGKILL while writes are still
in flight, restarts it on the same data directory and checks that every write that was answered
200 is there. Before the writes, a deployment answers requests with ids of the client's own; the
prediction log writes their lines within its second, while their index entries are still only in
memory when the server is killed: after the restart, feedback for every one of them must join. Loopback only; every loop is bounded in count and time.

usage: kill9.py PATH/TO/vane
prints 'N passed, M failed' as its last line."""
import json, os, random, signal, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

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

# A deployment's predictions: lines on disk, index entries only in memory at the kill.
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
model_json = open(os.path.join(REPO, "Tests/Fixtures/models/xgb_binary_logistic.json"), "rb").read()
_, body = call(base, "POST", "/api/2.0/mlflow/runs/create", {"experiment_id": exp})
model_run = json.loads(body)["run"]["info"]
prefix = model_run["artifact_uri"].split("mlflow-artifacts:/", 1)[1]
call(base, "PUT", f"/api/2.0/mlflow-artifacts/artifacts/{prefix}/model/model.json", raw=model_json)
call(base, "PUT", f"/api/2.0/mlflow-artifacts/artifacts/{prefix}/model/MLmodel",
     raw=b"flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n")
call(base, "POST", "/api/2.0/mlflow/registered-models/create", {"name": "k9"})
call(base, "POST", "/api/2.0/mlflow/model-versions/create",
     {"name": "k9", "source": f"runs:/{model_run['run_id']}/model", "run_id": model_run["run_id"]})
call(base, "PUT", "/api/vane/v1/deployments/kd", {"variants": [{"name": "a", "model": "models:/k9/1", "weight": 1},
                                                              {"name": "b", "model": "models:/k9/1", "weight": 1}]})
predicted = []
for i in range(60):
    status, answer = call(base, "POST", "/v2/models/kd/infer", {"id": f"k9-{i}", "inputs": [
        {"name": "input-0", "shape": [1, 8], "datatype": "FP32", "data": [0.1 * i] * 8}]})
    if status == 200:
        predicted.append((f"k9-{i}", json.loads(answer)["model_version"]))
time.sleep(2.5)                                # the log's writer runs once a second

# Alerts and silences: acknowledged ones survive the kill too (the alert journal is written
# before POST /api/v2/alerts answers; each silence before POST /api/v2/silences does).
alerts_acked = []
alert_lock = threading.Lock()
silence = {"matchers": [{"name": "alertname", "value": "K9-0", "isRegex": False, "isEqual": True}],
           "startsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "endsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600)), "createdBy": "kill9", "comment": "c"}
_, body = call(base, "POST", "/api/v2/silences", silence)
silence_id = json.loads(body)["silenceID"]


def alert_writer():
    for i in range(2000):                      # bounded
        if stop.is_set():
            return
        batch = [{"labels": {"alertname": f"K9-{i}", "n": str(j)}} for j in range(10)]
        try:
            status, _ = call(base, "POST", "/api/v2/alerts", batch)
        except OSError:
            return
        if status == 200:
            with alert_lock:
                alerts_acked.append(i)


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


threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)] + [threading.Thread(target=alert_writer)]
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
    check(len(predicted) == 60, f"the deployment answered 60 requests before the kill (got {len(predicted)})")
    with alert_lock:
        posted = list(alerts_acked)
    check(len(posted) > 0, "some alert batches were acknowledged before the kill")
    _, b = call(base, "GET", "/api/v2/alerts")
    present = {a["labels"]["alertname"] for a in json.loads(b)}
    missing = [i for i in posted if f"K9-{i}" not in present]
    check(not missing, f"{len(posted)} alert batches acknowledged, {len(missing)} missing after the restart")
    _, b = call(base, "GET", f"/api/v2/silence/{silence_id}")
    check(json.loads(b)["status"]["state"] == "active", "the silence acknowledged before the kill is there and active")
    check(any(silence_id in a["status"]["silencedBy"] for a in json.loads(call(base, "GET", "/api/v2/alerts")[1])
              if a["labels"]["alertname"] == "K9-0"), "it still silences its alerts")
    try:
        status, answer = call(base, "POST", "/api/vane/v1/deployments/kd/feedback",
                              [{"request_id": rid, "reward": 1} for rid, _ in predicted])
        arms = {a["name"]: a["n"] for a in json.loads(answer)["experiment"]["variants"] if a["n"] > 0}
    except urllib.error.HTTPError as e:
        status, arms = e.code, {"error": e.read()[:300]}
    check(status == 200, f"feedback for the requests answered before the kill joins after the restart ({status}: {arms})")
    expected = {}
    for _, variant in predicted:
        expected[variant] = expected.get(variant, 0) + 1
    check(arms == expected, f"each request's feedback went to the variant that answered it ({arms} against {expected})")
finally:
    # SIGTERM is a graceful stop: in-flight requests finish, the database is closed, exit 0.
    proc.terminate()
    rc = proc.wait(timeout=20)
check(rc == 0, f"SIGTERM stops the server with exit status 0 (got {rc})")
check("stopped" in open(os.path.join(data, "server.log")).read(), "the server logs its orderly stop")
print(f"acknowledged: {sum(snapshot.values())} batches over {len(snapshot)} runs, {len(blobs)} artifacts, {len(alerts_acked)} alert batches")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
