"""Shared helpers for the MLflow-client interop suite.

The suite talks to one shared server (MLFLOW_TRACKING_URI, set by run.sh), so every test creates
its own uniquely named experiments/models and never depends on another test or on run order.
"""

from __future__ import annotations

import base64
import contextlib
import math
import os
import uuid

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

# The sqlite reference clamps +/-inf to +/-DBL_MAX; a faithful server may keep real infinities.
DBL_MAX = 1.7976931348623157e308


def tracking_uri() -> str:
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    if not uri.startswith("http://127.0.0.1:") and not uri.startswith("http://localhost:"):
        pytest.exit(
            "MLFLOW_TRACKING_URI must point at a loopback server (run the suite via run.sh)",
            returncode=2,
        )
    return uri.rstrip("/")


def auth_headers() -> dict:
    """The credentials the mlflow client sends (run.sh --auth sets them), for plain HTTP calls."""
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("MLFLOW_TRACKING_USERNAME")
    if user:
        pair = f"{user}:{os.environ.get('MLFLOW_TRACKING_PASSWORD', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    return {}


def unique(prefix: str = "interop") -> str:
    """A name no other test (or earlier run against the same server) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def is_pos_inf(value: float) -> bool:
    return value == math.inf or value == DBL_MAX


def is_neg_inf(value: float) -> bool:
    return value == -math.inf or value == -DBL_MAX


@contextlib.contextmanager
def raises_mlflow(error_code: str):
    """Expect an MlflowException (RestException is a subclass) carrying `error_code`."""
    with pytest.raises(MlflowException) as info:
        yield info
    assert info.value.error_code == error_code, (
        f"expected {error_code}, got {info.value.error_code}: {info.value.message}"
    )


@pytest.fixture(scope="session")
def base_url() -> str:
    return tracking_uri()


@pytest.fixture(scope="session")
def client(base_url) -> MlflowClient:
    mlflow.set_tracking_uri(base_url)
    mlflow.set_registry_uri(base_url)
    return MlflowClient(tracking_uri=base_url, registry_uri=base_url)


@pytest.fixture
def experiment_id(client) -> str:
    """A fresh, empty experiment for this test."""
    return client.create_experiment(unique("exp"))


@pytest.fixture
def run_id(client, experiment_id) -> str:
    """A fresh RUNNING run in a fresh experiment."""
    return client.create_run(experiment_id, run_name=unique("run")).info.run_id


@pytest.fixture(autouse=True)
def _no_leaked_fluent_state(client):
    """Each test starts and ends without an active fluent run."""
    while mlflow.active_run() is not None:
        mlflow.end_run()
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run(status="KILLED")


@pytest.fixture
def work_dir(tmp_path):
    """Scratch directory for files the client writes or downloads."""
    return tmp_path
