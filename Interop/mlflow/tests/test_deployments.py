"""Deployments interop: models registered with the mlflow client, a deployment applied with
`vane deploy apply`, driven with tritonclient[http] and MLflow scoring: the variant that answered
is named, the split follows the weights, a routing header is sticky, bad declarations change
nothing, and `vane deploy list|get|delete` show and remove it.

Vane only: skipped with --against-mlflow.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import mlflow
import numpy as np
import pytest
import requests
from mlflow import MlflowClient

from conftest import auth_headers, unique

pytestmark = pytest.mark.skipif(os.environ.get("INTEROP_SERVER_KIND") != "vane", reason="Vane's deployments")

FIXTURES = Path(os.environ.get("INTEROP_MODEL_FIXTURES", Path(__file__).resolve().parents[3] / "Tests/Fixtures/models"))
VANE = os.environ.get("VANE_BIN", "")

httpclient = pytest.importorskip("tritonclient.http")


def register(name: str, versions: int, tmp_path: Path) -> None:
    """`versions` versions of the XGBoost fixture under registered model `name`, alias champion on 1."""
    model_dir = tmp_path / "model"
    model_dir.mkdir(exist_ok=True)
    (model_dir / "model.json").write_bytes((FIXTURES / "xgb_binary_logistic.json").read_bytes())
    (model_dir / "MLmodel").write_text("flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n")
    mlflow.set_experiment(unique("deployments"))
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(model_dir), artifact_path="model")
    for _ in range(versions):
        mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    MlflowClient().set_registered_model_alias(name, "champion", "1")


def cli_env(base_url: str) -> dict:
    env = dict(os.environ)
    env["VANE_SERVER"] = base_url
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    if token:
        env["VANE_TOKEN"] = token
    return env


def vane_deploy(base_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([VANE, "deploy", *args], input=stdin, capture_output=True, text=True, timeout=60,
                          env=cli_env(base_url))


def inputs() -> np.ndarray:
    rows = json.loads((FIXTURES / "xgb_binary_logistic.inputs.json").read_text())["rows"]
    return np.array([[np.nan if v is None else v for v in r] for r in rows[:1]], dtype=np.float32)


def infer(client, name: str, headers: dict | None = None):
    x = inputs()
    inp = httpclient.InferInput("input-0", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    return client.infer(name, [inp], headers={**auth_headers(), **(headers or {})})


@pytest.mark.skipif(os.environ.get("MLFLOW_TRACKING_USERNAME") is not None,
                    reason="vane deploy authenticates with a token; basic auth is exercised over plain HTTP below")
def test_deployment_through_the_cli_and_tritonclient(base_url, tmp_path):
    model = unique("dmodel")
    register(model, 2, tmp_path)
    name = unique("dep")
    declaration = tmp_path / "deployment.yaml"
    declaration.write_text(f"""
name: {name}
variants:
  - {{name: stable, model: "models:/{model}/1", weight: 75}}
  - {{name: challenger, model: "models:/{model}@champion", weight: 25}}
routing: {{key: "header:x-user-id"}}
""")
    applied = vane_deploy(base_url, "apply", "-f", str(declaration))
    assert applied.returncode == 0, applied.stderr
    assert f"deployment {name} created (generation 1)" in applied.stdout
    again = vane_deploy(base_url, "apply", "-f", str(declaration))
    assert again.returncode == 0 and "unchanged (generation 1)" in again.stdout, again.stdout + again.stderr

    client = httpclient.InferenceServerClient(url=base_url.split("://", 1)[1])
    counts = {"stable": 0, "challenger": 0}
    for _ in range(200):
        result = infer(client, name)
        response = result.get_response()
        assert response["model_name"] == name
        counts[response["model_version"]] += 1
        assert abs(float(result.as_numpy("predict")[0]) - 0.0727064236998558) < 1e-6
    # 25 % of 200: mean 50, sd 6.1; 4.5 sd either side.
    assert 22 <= counts["challenger"] <= 78, counts

    # The same user always reaches the same variant.
    for user in range(40):
        first = infer(client, name, {"x-user-id": f"u{user}"}).get_response()["model_version"]
        for _ in range(2):
            assert infer(client, name, {"x-user-id": f"u{user}"}).get_response()["model_version"] == first

    # MLflow scoring answers with the variant in a header.
    r = requests.post(f"{base_url}/models/{name}/invocations", json={"instances": inputs().tolist()},
                      headers={**auth_headers(), "x-user-id": "u1"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["x-vane-variant"] in ("stable", "challenger")

    listed = vane_deploy(base_url, "list")
    assert listed.returncode == 0 and name in listed.stdout and "stable 75%" in listed.stdout, listed.stdout
    shown = vane_deploy(base_url, "get", name)
    assert shown.returncode == 0, shown.stderr
    assert [v["resolved"]["version"] for v in json.loads(shown.stdout)["variants"]] == ["1", "1"]

    # A declaration naming a model that does not exist changes nothing, and says why.
    bad = vane_deploy(base_url, "apply", "-f", "-", stdin=f"name: {name}\nvariants: [{{name: a, model: 'models:/{model}/9', weight: 1}}]\n")
    assert bad.returncode == 2 and "cannot be resolved" in bad.stderr and "HTTP 400" in bad.stderr, bad.stderr
    local = vane_deploy(base_url, "apply", "-f", "-", stdin="name: x\nvariants: [{name: a, model: '/etc/passwd', weight: 1}]\n")
    assert local.returncode == 2 and "line" in local.stderr and "registry URI" in local.stderr, local.stderr
    assert infer(client, name).get_response()["model_version"] in ("stable", "challenger")

    deleted = vane_deploy(base_url, "delete", name)
    assert deleted.returncode == 0, deleted.stderr
    gone = vane_deploy(base_url, "get", name)
    assert gone.returncode == 2 and "HTTP 404" in gone.stderr


def test_deployment_api_over_http(base_url, tmp_path):
    model = unique("dmodel")
    register(model, 1, tmp_path)
    name = unique("dep")
    url = f"{base_url}/api/vane/v1/deployments/{name}"
    body = {"variants": [{"name": "only", "model": f"models:/{model}/1", "weight": 1}]}
    r = requests.put(url, json=body, headers=auth_headers(), timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["deployment"]["variants"][0]["resolved"]["version"] == "1"
    r = requests.put(url, json={"variants": [{"name": "only", "model": f"models:/{model}/1", "weight": -1}]},
                     headers=auth_headers(), timeout=30)
    assert r.status_code == 400 and "negative" in r.json()["error"]["message"], r.text
    client = httpclient.InferenceServerClient(url=base_url.split("://", 1)[1])
    assert infer(client, name).get_response()["model_version"] == "only"

    # Request ids: tritonclient's request_id, and one Vane makes for MLflow scoring; feedback joins them.
    x = inputs()
    inp = httpclient.InferInput("input-0", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    answered = client.infer(name, [inp], request_id="triton-1", headers=auth_headers())
    assert answered.get_response()["id"] == "triton-1"
    scored = requests.post(f"{base_url}/models/{name}/invocations", json={"instances": x.tolist()}, headers=auth_headers(), timeout=10)
    made = scored.headers["x-request-id"]
    r = requests.post(f"{url}/feedback", json=[{"request_id": "triton-1", "reward": 1}, {"request_id": made, "reward": 0}],
                      headers=auth_headers(), timeout=30)
    assert r.status_code == 200, r.text
    experiment = requests.get(f"{url}/experiment", headers=auth_headers(), timeout=30).json()["experiment"]
    assert experiment["variants"][0]["n"] == 2 and experiment["variants"][0]["mean"] == 0.5
    assert experiment["winner"] is None
    r = requests.post(f"{url}/feedback", json={"request_id": "no-such-request", "reward": 1}, headers=auth_headers(), timeout=30)
    assert r.status_code == 404 and "no-such-request" in r.json()["error"]["message"]
    lines = requests.get(f"{url}/predictions", params={"since": 0}, headers=auth_headers(), timeout=30).text.splitlines()
    assert {json.loads(line)["request_id"] for line in lines} >= {"triton-1", made}

    r = requests.delete(url, headers=auth_headers(), timeout=30)
    assert r.status_code == 204
