#!/usr/bin/env python3
"""Differential check of Vane's Alertmanager API v2 against a real Alertmanager (Debian's
prometheus-alertmanager, 0.25): both start on loopback with the same configuration, receive the
same alerts and silences, and every answer (status code and JSON) is compared field for field.

    python3 Interop/alertmanager/differential.py VANE_BINARY [--alertmanager PATH] [--config alertmanager.yml]

Times the two servers set themselves (updatedAt, a default startsAt or endsAt) are compared within
3 seconds; silence ids are mapped between the two (each side makes its own). Exits 1 on the first
difference, printing both answers; 0 with a count of the checks that held. Loopback only; every
wait is bounded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CONFIG = HERE.parents[1] / "Tests/Fixtures/alertmanager/alertmanager.yml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body=None):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    text = raw.decode("utf-8", "replace").strip()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def wait_ready(base: str, path: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if call(base, "GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"differential.py: {base} did not answer {path} within 60 s")


def parse_time(text: str):
    if not isinstance(text, str) or len(text) < 20 or text[4] != "-" or text[10] != "T":
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class Mismatch(Exception):
    pass


class Differ:
    def __init__(self) -> None:
        self.ids: dict[str, str] = {}  # Alertmanager silence id -> Vane's
        self.checks = 0

    def same(self, am, vane, where: str) -> None:
        if isinstance(am, dict) and isinstance(vane, dict):
            if set(am) != set(vane):
                raise Mismatch(f"{where}: keys differ: Alertmanager {sorted(am)} Vane {sorted(vane)}")
            for key in am:
                self.same(am[key], vane[key], f"{where}.{key}")
            return
        if isinstance(am, list) and isinstance(vane, list):
            if len(am) != len(vane):
                raise Mismatch(f"{where}: {len(am)} items from Alertmanager, {len(vane)} from Vane")
            for i, (a, v) in enumerate(zip(am, vane)):
                self.same(a, v, f"{where}[{i}]")
            return
        if isinstance(am, str) and isinstance(vane, str):
            if am in self.ids:
                if self.ids[am] != vane:
                    raise Mismatch(f"{where}: silence {am} maps to {self.ids[am]}, Vane says {vane}")
                return
            ta, tv = parse_time(am), parse_time(vane)
            if ta and tv:
                if abs((ta - tv).total_seconds()) > 3 or ta.utcoffset() != tv.utcoffset():
                    raise Mismatch(f"{where}: times differ: Alertmanager {am} Vane {vane}")
                return
        if am != vane:
            raise Mismatch(f"{where}: Alertmanager {am!r} Vane {vane!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vane")
    parser.add_argument("--alertmanager", default=shutil.which("prometheus-alertmanager") or shutil.which("alertmanager"))
    parser.add_argument("--config", default=str(DEFAULT_CONFIG))
    args = parser.parse_args()
    if not args.alertmanager:
        print("differential.py: prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="vane-am-diff-"))
    config = Path(args.config).read_text()
    (work / "alertmanager.yml").write_text(config)
    (work / "vane.yaml").write_text("alerting:\n" + "".join("  " + line + "\n" for line in config.splitlines()))
    am_port, vane_port = free_port(), free_port()
    am = subprocess.Popen([args.alertmanager, f"--config.file={work / 'alertmanager.yml'}", f"--storage.path={work / 'am-data'}",
                           f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="],
                          stdout=open(work / "am.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    vane = subprocess.Popen([args.vane, "server", "--host", "127.0.0.1", "--port", str(vane_port), "--data-dir", str(work / "vane-data"),
                             "--config", str(work / "vane.yaml")],
                            stdout=open(work / "vane.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    am_base, vane_base = f"http://127.0.0.1:{am_port}/api/v2", f"http://127.0.0.1:{vane_port}/api/v2"
    differ = Differ()
    try:
        wait_ready(am_base, "/status")
        wait_ready(vane_base, "/status")
        run_scenario(am_base, vane_base, differ)
    except Mismatch as e:
        print(f"differential.py: MISMATCH after {differ.checks} checks: {e}", file=sys.stderr)
        return 1
    finally:
        for p in (am, vane):
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
    print(f"differential.py: {differ.checks} checks, Vane answered as Alertmanager 0.25 did")
    return 0


def iso(delta_seconds: float, offset: str = "Z") -> str:
    t = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delta_seconds)
    if offset == "Z":
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    local = t + sign * dt.timedelta(hours=hours, minutes=minutes)
    return local.strftime("%Y-%m-%dT%H:%M:%S.%f") + offset


def run_scenario(am: str, vane: str, d: Differ) -> None:
    def both(method: str, path: str, body=None, what: str = ""):
        a = call(am, method, path, body)
        vane_path = path
        for am_id, vane_id in d.ids.items():
            vane_path = vane_path.replace(am_id, vane_id)
        v = call(vane, method, vane_path, body)
        where = f"{method} {path} {what}".strip()
        if a[0] != v[0]:
            raise Mismatch(f"{where}: status Alertmanager {a[0]} ({a[1]!r}) Vane {v[0]} ({v[1]!r})")
        if a[0] == 400 and isinstance(a[1], str) and "error parsing regexp" in a[1]:
            # Go's regexp package words its syntax errors its own way; the status and the
            # message's start are compared.
            prefix = a[1].split("error parsing regexp")[0]
            if not (isinstance(v[1], str) and v[1].startswith(prefix) and "regular expression" in v[1]):
                raise Mismatch(f"{where}: Alertmanager {a[1]!r} Vane {v[1]!r}")
            d.checks += 1
            return a, v
        d.same(a[1], v[1], where)
        d.checks += 1
        return a, v

    alerts = [
        {"labels": {"alertname": "HighLatency", "service": "checkout", "severity": "critical", "instance": "web-1:9100"},
         "annotations": {"summary": "p99 above 1s"}, "startsAt": iso(-120), "generatorURL": "http://prometheus:9090/graph?g0.expr=x"},
        {"labels": {"alertname": "HighLatency", "service": "checkout", "severity": "warning", "instance": "web-2:9100"}},
        {"labels": {"alertname": "DiskFull", "service": "payments", "severity": "warning", "job": "node"}, "startsAt": iso(-60, "+02:00"),
         "endsAt": iso(600, "+02:00")},
        {"labels": {"alertname": "Noise", "team": "", "env": "prod"}},
        {"labels": {"alertname": "NoSeverity", "service": "payments"}, "endsAt": iso(900)},
        {"labels": {"alertname": "Resolved", "service": "payments"}, "startsAt": iso(-600), "endsAt": iso(-60)},
        {"labels": {"alertname": "NodeDown", "instance": "db-1:9100", "job": "node", "service": "payments", "severity": "critical"}},
        {"labels": {"alertname": "SlowQueries", "instance": "db-1:9100", "job": "node", "service": "payments", "severity": "warning"}},
        {"labels": {"alertname": "Info", "service": "checkout", "severity": "info", "instance": "web-3:9100"}},
        {"labels": {"alertname": "Unicode", "service": "checkout", "note": "caf\u00e9 \"quoted\" \\ back"}},
    ]
    both("POST", "/alerts", alerts, "valid batch")
    both("POST", "/alerts", [{"labels": {"alertname": "Late", "x": "1"}, "startsAt": iso(-30), "endsAt": iso(-300)}], "end before start")
    both("POST", "/alerts", [{"labels": {}}], "no labels")
    both("POST", "/alerts", [{"labels": {"a": ""}}], "only an empty label")
    both("POST", "/alerts", [{"labels": {"bad name": "x"}}], "bad label name")
    both("POST", "/alerts", [{"labels": {"a": "x"}, "annotations": {"1x": "y"}}], "bad annotation name")
    both("POST", "/alerts", [{"labels": {"alertname": "Partial", "service": "checkout"}}, {"labels": {}}], "partly valid")
    both("POST", "/alerts", [{}], "labels missing")
    both("POST", "/alerts", {"labels": {"a": "b"}}, "not an array")
    time.sleep(0.2)
    for query in ["", "?active=false", "?silenced=false", "?inhibited=false", "?filter=service%3D%22checkout%22",
                  "?filter=severity%3D~%22crit.*%22&filter=service!%3D%22payments%22", "?filter=team%3D%22%22",
                  "?receiver=capture", "?receiver=capt", "?filter=bad", "?receiver=%28"]:
        both("GET", "/alerts" + query)
    both("GET", "/alerts/groups")
    both("GET", "/alerts/groups?filter=service%3D%22checkout%22")
    both("GET", "/receivers")

    # A re-send that overlaps merges (earliest start kept); one that does not replaces.
    both("POST", "/alerts", [{"labels": {"alertname": "DiskFull", "service": "payments", "severity": "warning", "job": "node"},
                              "startsAt": iso(-30), "endsAt": iso(1200)}], "re-send")
    both("POST", "/alerts", [{"labels": {"alertname": "NoSeverity", "service": "payments"}, "startsAt": iso(-5), "endsAt": iso(60)}], "shorter re-send")
    time.sleep(0.2)
    both("GET", "/alerts", what="after re-sends")

    # Silences: created, listed, applied, refused, updated, expired.
    silence = {"matchers": [{"name": "service", "value": "check.*", "isRegex": True, "isEqual": True},
                            {"name": "severity", "value": "critical", "isRegex": False, "isEqual": False}],
               "startsAt": iso(0), "endsAt": iso(3600), "createdBy": "differential", "comment": "checkout warnings"}
    a, v = both_ids(am, vane, silence, d)
    pending = dict(silence, startsAt=iso(1800), endsAt=iso(7200), comment="later")
    a2, v2 = both_ids(am, vane, pending, d)
    for bad, what in [(dict(silence, matchers=[]), "no matchers"),
                      (dict(silence, startsAt=iso(3600), endsAt=iso(0)), "end before start"),
                      (dict(silence, startsAt=iso(-7200), endsAt=iso(-3600)), "ended"),
                      (dict(silence, matchers=[{"name": "a", "value": "", "isRegex": False}]), "matches empty"),
                      (dict(silence, matchers=[{"name": "a b", "value": "x", "isRegex": False}]), "bad name"),
                      (dict(silence, matchers=[{"name": "a", "value": "x"}]), "isRegex missing"),
                      ({k: v for k, v in silence.items() if k != "comment"}, "comment missing"),
                      (dict(silence, id="00000000-0000-0000-0000-000000000000"), "unknown id")]:
        both("POST", "/silences", bad, what)
    time.sleep(0.2)
    both("GET", "/silences")
    both("GET", "/silences?filter=service%3D~%22check.%2A%22")
    both("GET", "/silence/" + a)
    both("GET", "/alerts", what="with a silence")
    both("GET", "/alerts?silenced=false", what="with a silence")
    both("GET", "/alerts/groups", what="with a silence")
    both("GET", "/silence/00000000-0000-0000-0000-000000000000")
    both("GET", "/silence/not-a-uuid")
    # Update in place (same matchers, new end) keeps the id.
    updated = dict(silence, id=a, endsAt=iso(5400), comment="longer")
    sa = call(am, "POST", "/silences", updated)
    sv = call(vane, "POST", "/silences", dict(updated, id=v))
    if sa[0] != sv[0]:
        raise Mismatch(f"update: status Alertmanager {sa[0]} {sa[1]!r} Vane {sv[0]} {sv[1]!r}")
    d.same(sa[1], sv[1], "POST /silences update")
    d.checks += 1
    both("DELETE", "/silence/" + a2, what="pending")
    both("DELETE", "/silence/" + a, what="active")
    both("DELETE", "/silence/" + a, what="again")
    time.sleep(0.2)
    both("GET", "/silences", what="after expiry")
    both("GET", "/alerts", what="after expiry")


def both_ids(am: str, vane: str, silence: dict, d: Differ):
    sa = call(am, "POST", "/silences", silence)
    sv = call(vane, "POST", "/silences", silence)
    if sa[0] != 200 or sv[0] != 200:
        raise Mismatch(f"POST /silences: Alertmanager {sa} Vane {sv}")
    d.ids[sa[1]["silenceID"]] = sv[1]["silenceID"]
    d.checks += 1
    return sa[1]["silenceID"], sv[1]["silenceID"]


if __name__ == "__main__":
    sys.exit(main())
