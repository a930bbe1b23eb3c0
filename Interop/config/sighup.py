#!/usr/bin/env python3
"""SIGHUP against a real `vane server --config`: a changed file applies to the next request, a
broken file is logged and changes nothing, and the server keeps serving; without --config a
SIGHUP is logged, not fatal. SIGTERM then stops it cleanly.

    python3 Interop/config/sighup.py .build/debug/vane

Loopback only; every wait is bounded. Exit 0 when every check holds.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

VANE = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/vane"
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def allowed_origin(port: int, origin: str) -> str | None:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/vane/v1/server", headers={"Origin": origin})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.headers.get("Access-Control-Allow-Origin")


def wait_until(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def start(args: list[str], log_path: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen([VANE, "server", "--port", str(port), *args], stdout=log, stderr=subprocess.STDOUT)
    healthy = wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200)
    check(healthy, f"server {' '.join(args)} answers /health")
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = None
    check(code == 0, f"SIGTERM stops the server with status 0 (got {code})")


def log_text(path: str) -> str:
    with open(path) as f:
        return f.read()


with tempfile.TemporaryDirectory(prefix="vane-sighup-") as tmp:
    config = os.path.join(tmp, "vane.yaml")
    log_path = os.path.join(tmp, "server.log")
    with open(config, "w") as f:
        f.write("server:\n  cors_origins: [https://a.example]\n")
    proc, port = start(["--config", config, "--data-dir", os.path.join(tmp, "data")], log_path)
    try:
        check(allowed_origin(port, "https://a.example") == "https://a.example", "the file's origin is allowed at start")
        check(allowed_origin(port, "https://b.example") is None, "another origin is not")

        with open(config, "w") as f:
            f.write("server:\n  cors_origins: [https://b.example]\n")
        proc.send_signal(signal.SIGHUP)
        check(wait_until(lambda: allowed_origin(port, "https://b.example") == "https://b.example"),
              "after SIGHUP the new origin is allowed")
        check(allowed_origin(port, "https://a.example") is None, "and the old one no longer is")

        with open(config, "w") as f:
            f.write("server:\n  cors_origins: [https://c.example]\n  colour: blue\n")
        proc.send_signal(signal.SIGHUP)
        check(wait_until(lambda: "configuration reload failed" in log_text(log_path)), "a broken file is logged as a failed reload")
        check("vane.yaml:3: unknown key 'colour'" in log_text(log_path), "the log names the file and the line")
        check(proc.poll() is None, "the server is still running")
        check(allowed_origin(port, "https://b.example") == "https://b.example", "the running configuration is unchanged")
        check(allowed_origin(port, "https://c.example") is None, "nothing of the broken file applied")
    finally:
        stop(proc)

    # Without --config, SIGHUP (whose default action ends a process) is logged and ignored.
    log2 = os.path.join(tmp, "server2.log")
    proc, port = start(["--data-dir", os.path.join(tmp, "data2")], log2)
    try:
        proc.send_signal(signal.SIGHUP)
        check(wait_until(lambda: "started without --config" in log_text(log2)), "SIGHUP without a file is logged")
        check(proc.poll() is None and urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5).status == 200,
              "and the server keeps serving")
    finally:
        stop(proc)

print(f"\n{'all checks passed' if not failures else f'{len(failures)} check(s) failed'}")
sys.exit(1 if failures else 0)
