import os
import shutil
import subprocess

import pytest

VANE = os.environ.get("VANE_BIN") or os.path.join(os.path.dirname(__file__), "../../.build/debug/vane")


@pytest.fixture(scope="session")
def vane():
    path = os.path.abspath(VANE)
    assert os.access(path, os.X_OK), f"no vane binary at {path} (set VANE_BIN)"
    return path


def run_vane(vane, *args, timeout=120):
    """Runs `vane ARGS…` and returns the CompletedProcess (text)."""
    return subprocess.run([vane, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is needed for the HTML report tests (apt-get install chromium)")
