"""Inference interop: tritonclient[http] (its default binary tensors and plain JSON), plain HTTP
MLflow scoring, and a registered model served by `vane server` by name, version and alias.

Vane only (the reference mlflow server has no inference surface): skipped with --against-mlflow.
`vane serve` processes are started on free loopback ports and always stopped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import mlflow
import numpy as np
import pytest
import requests
from mlflow import MlflowClient

from conftest import auth_headers, unique

pytestmark = pytest.mark.skipif(os.environ.get("INTEROP_SERVER_KIND") != "vane", reason="Vane's inference surface")

FIXTURES = Path(os.environ.get("INTEROP_MODEL_FIXTURES", Path(__file__).resolve().parents[3] / "Tests/Fixtures/models"))
VANE = os.environ.get("VANE_BIN", "")

httpclient = pytest.importorskip("tritonclient.http")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`vane serve --model PATH` on a free port, stopped on exit."""

    def __init__(self, model: Path, name: str | None = None):
        self.port = free_port()
        args = [VANE, "serve", "--model", str(model), "--host", "127.0.0.1", "--port", str(self.port)]
        if name:
            args += ["--name", name]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"vane serve exited {self.proc.returncode}: {self.proc.stderr.read()[:500]}")
            try:
                if requests.get(f"{self.url}/v2/health/ready", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError("vane serve did not become ready within 20 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def manifest():
    return json.loads((FIXTURES / "manifest.json").read_text())["models"]


def inputs_of(name: str) -> np.ndarray:
    rows = json.loads((FIXTURES / f"{name}.inputs.json").read_text())["rows"]
    return np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=np.float32)


def expected_of(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text())


def assert_close(actual, expected, tolerance, what: str) -> None:
    a = np.asarray(actual, dtype=np.float64).reshape(len(expected), -1)
    e = np.asarray(expected, dtype=np.float64).reshape(len(expected), -1)
    assert a.shape == e.shape, f"{what}: shape {a.shape} vs {e.shape}"
    bound = tolerance["abs"] + tolerance["rel"] * np.abs(e)
    bad = np.argwhere(~(np.abs(a - e) <= bound))
    assert bad.size == 0, f"{what}: first mismatch at {bad[0].tolist()}: {a[tuple(bad[0])]} vs {e[tuple(bad[0])]}"


@pytest.fixture(scope="module")
def xgb():
    if not VANE:
        pytest.skip("VANE_BIN is not set (run the suite through run.sh)")
    with Served(FIXTURES / "xgb_binary_logistic.json", name="xgb") as served:
        yield served


def test_tritonclient_defaults_use_binary_tensors(xgb):
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{xgb.port}")
    assert client.is_server_live() and client.is_server_ready() and client.is_model_ready("xgb")
    assert "binary_tensor_data" in client.get_server_metadata()["extensions"]
    meta = client.get_model_metadata("xgb")
    assert meta["inputs"][0]["shape"] == [-1, 8] and {o["name"] for o in meta["outputs"]} == {"predict", "margin"}

    x = inputs_of("xgb_binary_logistic")
    inp = httpclient.InferInput("input-0", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)  # binary_data=True is tritonclient's default
    result = client.infer("xgb", [inp], request_id="t1")  # no outputs: binary_data_output=true
    assert result.get_response()["id"] == "t1"
    assert result.get_output("predict")["parameters"]["binary_data_size"] == 4 * len(x)
    expected = expected_of("xgb_binary_logistic")
    assert_close(result.as_numpy("predict"), expected["predict"], {"abs": 1e-6, "rel": 0}, "predict")
    assert_close(result.as_numpy("margin"), expected["margin"], {"abs": 1e-5, "rel": 1e-6}, "margin")


def test_tritonclient_json_tensors_and_requested_output(xgb):
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{xgb.port}")
    x = inputs_of("xgb_binary_logistic")[:5]
    x[0, 3] = np.nan  # sent as the bare token NaN by tritonclient's JSON writer: a missing value
    inp = httpclient.InferInput("input-0", list(x.shape), "FP32")
    inp.set_data_from_numpy(x, binary_data=False)
    out = httpclient.InferRequestedOutput("margin", binary_data=False)
    result = client.infer("xgb", [inp], outputs=[out], request_id="json-1")
    names = [o["name"] for o in result.get_response()["outputs"]]
    assert names == ["margin"]
    assert result.as_numpy("margin").shape == (5,)
    assert np.isfinite(result.as_numpy("margin")).all()


def test_tritonclient_errors_are_oip_errors(xgb):
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{xgb.port}")
    inp = httpclient.InferInput("input-0", [1, 3], "FP32")
    inp.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
    with pytest.raises(Exception) as info:
        client.infer("xgb", [inp])
    assert "expected 8 features" in str(info.value)
    r = requests.post(f"{xgb.url}/v2/models/nope/infer", json={"inputs": []}, timeout=5)
    assert r.status_code == 404 and r.json() == {"error": "Model nope not found"}
    r = requests.post(f"{xgb.url}/v2/models/xgb/infer", data=b'{"inputs": [', timeout=5)
    assert r.status_code == 400 and "error" in r.json()


@pytest.mark.parametrize("entry", manifest(), ids=lambda e: e["name"])
def test_every_fixture_model_through_both_endpoints(entry):
    if not VANE:
        pytest.skip("VANE_BIN is not set")
    name = entry["name"]
    x = inputs_of(name)
    feature_names = json.loads((FIXTURES / f"{name}.inputs.json").read_text())["feature_names"]
    expected = expected_of(name)
    model_file = FIXTURES / sorted(f for f in entry["files"].values())[0]
    with Served(model_file, name="m") as served:
        client = httpclient.InferenceServerClient(url=f"127.0.0.1:{served.port}")
        meta = client.get_model_metadata("m")
        inp = httpclient.InferInput(meta["inputs"][0]["name"], list(x.shape), "FP32")
        inp.set_data_from_numpy(x)
        result = client.infer("m", [inp])
        for compare in entry["compare"]:
            assert_close(result.as_numpy(compare["field"]), expected[compare["field"]], compare["tolerance"], f"{name} OIP {compare['field']}")

        rows = [[None if np.isnan(v) else float(v) for v in r] for r in x.tolist()]
        r = requests.post(f"{served.url}/invocations", json={"dataframe_split": {"columns": feature_names, "data": rows}}, timeout=30)
        assert r.status_code == 200, r.text
        predictions = r.json()["predictions"]
        assert len(predictions) == len(rows)
        for compare in entry["compare"]:
            field = compare["field"]
            if isinstance(predictions[0], dict):
                got = [p[field] for p in predictions]
                got = [list(g.values()) if isinstance(g, dict) else g for g in got]
            elif field == entry["compare"][0]["field"]:
                got = predictions  # tree flavours answer with their first output, as MLflow's do
            else:
                continue
            assert_close(got, expected[field], compare["tolerance"], f"{name} /invocations {field}")


def test_registered_model_served_by_vane_server(base_url, tmp_path):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.json").write_bytes((FIXTURES / "xgb_binary_logistic.json").read_bytes())
    (model_dir / "MLmodel").write_text("flavors:\n  xgboost:\n    data: model.json\n    model_format: json\n")
    name = unique("served")
    mlflow.set_experiment(unique("inference"))
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(model_dir), artifact_path="model")
    version = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    MlflowClient().set_registered_model_alias(name, "champion", version.version)

    host = base_url.split("://", 1)[1]
    client = httpclient.InferenceServerClient(url=host)
    x = inputs_of("xgb_binary_logistic")
    expected = expected_of("xgb_binary_logistic")["predict"]
    for model_version in [str(version.version), "champion", ""]:
        inp = httpclient.InferInput("input-0", list(x.shape), "FP32")
        inp.set_data_from_numpy(x)
        result = client.infer(name, [inp], model_version=model_version, headers=auth_headers())
        assert result.get_response()["model_version"] == str(version.version)
        assert_close(result.as_numpy("predict"), expected, {"abs": 1e-6, "rel": 0}, f"version {model_version!r}")
    assert client.is_model_ready(name, model_version="1", headers=auth_headers())
    assert not client.is_model_ready(name, model_version="9", headers=auth_headers())

    r = requests.post(f"{base_url}/models/{name}/versions/{version.version}/invocations",
                      json={"instances": x[:3].tolist()}, headers=auth_headers(), timeout=10)
    assert r.status_code == 200, r.text
    assert_close(r.json()["predictions"], expected[:3], {"abs": 1e-6, "rel": 0}, "invocations")
    r = requests.post(f"{base_url}/models/{name}/versions/7/invocations", json={"instances": x[:1].tolist()}, headers=auth_headers(), timeout=10)
    assert r.status_code == 404 and r.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"

    metrics = requests.get(f"{base_url}/metrics", headers=auth_headers(), timeout=10).text
    assert f'vane_inference_rows_total{{model="{name}",version="1",protocol="v2"}} 600' in metrics
