#!/usr/bin/env python3
"""A real Prometheus (Debian's) with alerting rules, pointed at `vane server` as its
Alertmanager, and `amtool` against Vane: alerts arrive, are deduplicated across re-sends, grouped,
and notify a local webhook; a rule that stops firing is sent resolved; `amtool alert query` and
`amtool silence add/query/expire` work.

    python3 Interop/alertmanager/prometheus_amtool.py VANE_BINARY

Loopback only; every wait is bounded (the run takes about 30 s).
"""
from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with Hook.lock:
            Hook.received.append({"path": self.path, "user_agent": self.headers.get("User-Agent"), "body": json.loads(body)})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def wait_for(what: str, check, seconds: float):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"prometheus_amtool.py: FAIL: {what} within {seconds:.0f} s")


def main() -> int:
    vane_bin = sys.argv[1]
    prometheus = shutil.which("prometheus")
    amtool = shutil.which("amtool")
    if not prometheus or not amtool:
        print("prometheus_amtool.py: needs Debian's prometheus and prometheus-alertmanager (amtool)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="vane-prom-"))
    hook_port, vane_port, prom_port = free_port(), free_port(), free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (work / "vane.yaml").write_text(f"""alerting:
  route:
    receiver: hook
    group_by: [alertname, service]
    group_wait: 1s
    group_interval: 2s
    repeat_interval: 1h
  receivers:
    - name: hook
      webhook_configs:
        - url: http://127.0.0.1:{hook_port}/hook
""")
    (work / "rules.yml").write_text("""groups:
  - name: interop
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1) > 0
        labels: {severity: warning, service: checkout}
        annotations: {summary: "constant test alert"}
      - alert: BriefFiring
        expr: vector(time()) < %d
        labels: {severity: critical, service: payments}
""" % (int(time.time()) + 8))
    (work / "prometheus.yml").write_text(f"""global:
  evaluation_interval: 1s
rule_files: [{work / 'rules.yml'}]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:{vane_port}']
""")
    vane = subprocess.Popen([vane_bin, "server", "--host", "127.0.0.1", "--port", str(vane_port), "--data-dir", str(work / "data"),
                             "--config", str(work / "vane.yaml")], stdout=open(work / "vane.log", "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    prom = subprocess.Popen([prometheus, f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{prom_port}", "--rules.alert.resend-delay=2s"],
                            stdout=open(work / "prometheus.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{vane_port}/api/v2"
    checks = 0
    try:
        wait_for("vane server to answer", lambda: _ok(base + "/status"), 60)
        # Prometheus posts both alerts (again every resend delay); Vane keeps one alert per rule.
        alerts = wait_for("both alerts at Vane", lambda: (lambda a: a if {x["labels"]["alertname"] for x in a} >= {"AlwaysFiring", "BriefFiring"} else None)(get(base + "/alerts")), 40)
        assert all(a["receivers"] == [{"name": "hook"}] for a in alerts), alerts
        checks += 1
        # Re-sends merge: after a few more resends there are still two alerts, one per rule.
        time.sleep(4)
        names = sorted(a["labels"]["alertname"] for a in get(base + "/alerts?active=true"))
        assert names.count("AlwaysFiring") == 1, names
        checks += 1
        # The webhook got one message per group, grouped by alertname and service.
        first = wait_for("a webhook notification for AlwaysFiring",
                         lambda: next((r for r in list(Hook.received) if r["body"]["groupLabels"].get("alertname") == "AlwaysFiring"), None), 20)
        body = first["body"]
        assert body["version"] == "4" and body["receiver"] == "hook", body
        assert body["groupKey"] == '{}:{alertname="AlwaysFiring", service="checkout"}', body["groupKey"]
        assert body["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z" and body["alerts"][0]["status"] == "firing", body
        assert first["user_agent"].startswith("Vane/"), first["user_agent"]
        checks += 1
        # BriefFiring stops firing: Prometheus sends it resolved, Vane notifies it resolved.
        resolved = wait_for("BriefFiring notified resolved",
                            lambda: next((r for r in list(Hook.received) if r["body"]["groupLabels"].get("alertname") == "BriefFiring"
                                          and r["body"]["status"] == "resolved"), None), 40)
        assert resolved["body"]["alerts"][0]["status"] == "resolved"
        checks += 1
        always = [r for r in list(Hook.received) if r["body"]["groupLabels"].get("alertname") == "AlwaysFiring"]
        assert len(always) == 1, f"AlwaysFiring notified {len(always)} times; repeat_interval is 1h"
        checks += 1

        # amtool against Vane.
        url = f"--alertmanager.url=http://127.0.0.1:{vane_port}"
        def amtool_run(*args):
            out = subprocess.run([amtool, url, *args], capture_output=True, text=True, timeout=30)
            if out.returncode != 0:
                raise SystemExit(f"prometheus_amtool.py: FAIL: amtool {' '.join(args)}: {out.stderr.strip()}")
            return out.stdout
        listing = amtool_run("alert", "query", "-o", "json")
        assert any(a["labels"]["alertname"] == "AlwaysFiring" for a in json.loads(listing)), listing
        checks += 1
        silence_id = amtool_run("silence", "add", "alertname=AlwaysFiring", "--comment=interop", "--duration=1h", "--author=ci").strip()
        assert len(silence_id) == 36, silence_id
        silenced = get(base + "/alerts?active=false")
        assert any(a["labels"]["alertname"] == "AlwaysFiring" and silence_id in a["status"]["silencedBy"] for a in silenced), silenced
        checks += 1
        query = json.loads(amtool_run("silence", "query", "-o", "json"))
        assert [s["id"] for s in query] == [silence_id], query
        assert query[0]["createdBy"] == "ci" and query[0]["comment"] == "interop"
        checks += 1
        amtool_run("silence", "expire", silence_id)
        assert json.loads(amtool_run("silence", "query", "-o", "json")) == []
        assert json.loads(amtool_run("silence", "query", "--expired", "-o", "json"))[0]["id"] == silence_id
        checks += 1
        assert "AlwaysFiring" in amtool_run("alert", "query", "alertname=AlwaysFiring")
        checks += 1

        # Vane's own CLI for the same things.
        server_args = ["--server", f"http://127.0.0.1:{vane_port}"]
        def vane_run(*args, expect=0):
            out = subprocess.run([vane_bin, *args, *server_args], capture_output=True, text=True, timeout=30)
            if out.returncode != expect:
                raise SystemExit(f"prometheus_amtool.py: FAIL: vane {' '.join(args)} exited {out.returncode}: {out.stderr.strip()}")
            return out.stdout
        assert "AlwaysFiring" in vane_run("alerts", "list", "alertname=AlwaysFiring")
        sid = vane_run("silence", "add", "alertname=AlwaysFiring", "--comment=cli", "--duration=30m").strip()
        assert "suppressed" in vane_run("alerts", "list", "alertname=AlwaysFiring")
        assert sid in vane_run("silence", "list")
        vane_run("silence", "expire", sid)
        assert sid not in vane_run("silence", "list")
        assert "bad matcher format" in subprocess.run([vane_bin, "alerts", "list", "oops", *server_args], capture_output=True, text=True, timeout=30).stderr
        assert "ID" in vane_run("incidents", "list")
        checks += 1
    finally:
        for p in (prom, vane):
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print(f"prometheus_amtool.py: {checks} checks passed (Prometheus → Vane → webhook; amtool and vane alert, silence and incident commands)")
    return 0


def _ok(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
