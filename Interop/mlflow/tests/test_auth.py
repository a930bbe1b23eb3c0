"""Authentication from the mlflow client's side: run only when run.sh started the server with
--auth (INTEROP_AUTH=token or basic). The rest of the suite then runs with the client's own
credentials (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD),
so every test there proves that a writer can do what it does; these tests prove the refusals."""

from __future__ import annotations

import os

import pytest
import requests
from mlflow import MlflowClient

from conftest import auth_headers, raises_mlflow, unique

AUTH = os.environ.get("INTEROP_AUTH", "")
pytestmark = pytest.mark.skipif(not AUTH, reason="the server runs without authentication (run.sh --auth token|basic)")

CREDENTIAL_VARIABLES = ["MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"]


@pytest.fixture
def as_token(monkeypatch):
    """Switch the mlflow client in this test to a bearer token (or to none)."""

    def use(token: str | None):
        for name in CREDENTIAL_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        if token is not None:
            monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)

    return use


def test_client_credentials_are_the_kind_asked_for(base_url):
    r = requests.get(f"{base_url}/api/vane/v1/whoami", headers=auth_headers(), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "interop", "role": "writer", "method": "token" if AUTH == "token" else "password"}


def test_no_credentials_is_unauthenticated(as_token, base_url):
    as_token(None)
    with raises_mlflow("UNAUTHENTICATED"):
        MlflowClient().search_experiments()
    r = requests.post(f"{base_url}/api/2.0/mlflow/experiments/create", json={"name": unique("anon")}, timeout=10)
    assert r.status_code == 401
    assert "Basic" in r.headers["WWW-Authenticate"] and "Bearer" in r.headers["WWW-Authenticate"]
    assert requests.get(f"{base_url}/health", timeout=10).status_code == 200


def test_wrong_credentials_are_unauthenticated(as_token, monkeypatch):
    as_token("vane_" + "A" * 43)
    with raises_mlflow("UNAUTHENTICATED"):
        MlflowClient().search_experiments()
    as_token(None)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "interop")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "not the password")
    with raises_mlflow("UNAUTHENTICATED"):
        MlflowClient().search_experiments()


def test_reader_reads_but_does_not_write(as_token):
    name = unique("reader")
    MlflowClient().create_experiment(name)  # as the writer
    as_token(os.environ["INTEROP_READER_TOKEN"])
    client = MlflowClient()
    assert client.get_experiment_by_name(name).name == name
    assert any(e.name == name for e in client.search_experiments(filter_string=f"name = '{name}'"))
    client.search_runs([client.get_experiment_by_name(name).experiment_id])
    with raises_mlflow("PERMISSION_DENIED"):
        client.create_experiment(unique("reader-write"))
    with raises_mlflow("PERMISSION_DENIED"):
        client.create_registered_model(unique("reader-model"))


def test_writer_cannot_manage_tokens(base_url):
    r = requests.get(f"{base_url}/api/vane/v1/tokens", headers=auth_headers(), timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"


def test_revoked_token_stops_working_at_once(as_token, base_url):
    admin = {"Authorization": f"Bearer {os.environ['INTEROP_ADMIN_TOKEN']}"}
    r = requests.post(f"{base_url}/api/vane/v1/tokens", json={"name": "short-lived", "role": "writer"}, headers=admin, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()
    as_token(created["secret"])
    MlflowClient().create_experiment(unique("short-lived"))
    r = requests.delete(f"{base_url}/api/vane/v1/tokens/{created['token']['id']}", headers=admin, timeout=10)
    assert r.status_code == 204, r.text
    with raises_mlflow("UNAUTHENTICATED"):
        MlflowClient().search_experiments()
