"""Raw HTTP checks for what the Python client cannot reach or hides: /health, the /ajax-api prefix,
UI-only endpoints, the error JSON shape and status codes, request limits, artifact listing shape.

All other test files use only the public mlflow client API.
"""

import math
import uuid

import pytest
import requests

from conftest import auth_headers, unique

TIMEOUT = 30


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        session.headers.update(auth_headers())
        yield session


@pytest.fixture(scope="module")
def api(http, base_url):
    """api(method, path, **requests_kwargs) against /api/2.0/mlflow/<path>."""

    def call(method, path, prefix="/api/2.0/mlflow", **kwargs):
        return http.request(method, f"{base_url}{prefix}/{path.lstrip('/')}", timeout=TIMEOUT, **kwargs)

    return call


@pytest.fixture
def exp_and_run(api):
    eid = api("POST", "experiments/create", json={"name": unique("wire")}).json()["experiment_id"]
    run = api("POST", "runs/create", json={"experiment_id": eid, "start_time": 1_700_000_000_000}).json()
    return eid, run["run"]["info"]["run_id"]


def assert_error(resp, status, error_code):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json"), resp.headers["Content-Type"]
    body = resp.json()
    assert body["error_code"] == error_code, body
    assert isinstance(body["message"], str) and body["message"]


# --- basics ---------------------------------------------------------------------------------------

def test_health(http, base_url):
    resp = http.get(f"{base_url}/health", timeout=TIMEOUT)
    assert resp.status_code == 200
    assert resp.text.strip() == "OK"


def test_ids_are_strings_and_runs_carry_run_uuid(api, exp_and_run):
    eid, rid = exp_and_run
    assert isinstance(eid, str) and int(eid) > 0
    info = api("GET", "runs/get", params={"run_id": rid}).json()["run"]["info"]
    assert info["run_id"] == rid and info["run_uuid"] == rid
    assert info["experiment_id"] == eid
    assert len(rid) == 32 and int(rid, 16) >= 0
    assert info["status"] == "RUNNING"
    assert info["start_time"] == 1_700_000_000_000
    assert info["artifact_uri"] == f"mlflow-artifacts:/{eid}/{rid}/artifacts"


def test_unknown_request_fields_are_ignored(api):
    resp = api("POST", "experiments/create", json={"name": unique("wire-extra"), "not_a_field": [1, {"x": 2}]})
    assert resp.status_code == 200 and resp.json()["experiment_id"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "experiments/get?experiment_id=0"),
        ("GET", "experiments/get-by-name?experiment_name=Default"),
        ("POST", "experiments/search"),
    ],
)
def test_ajax_api_prefix_matches_api(api, method, path):
    kwargs = {"json": {"max_results": 1, "filter": "name = 'Default'"}} if method == "POST" else {}
    plain = api(method, path, **kwargs)
    ajax = api(method, path, prefix="/ajax-api/2.0/mlflow", **kwargs)
    assert plain.status_code == ajax.status_code == 200
    assert plain.json() == ajax.json()


def test_ajax_api_prefix_for_writes(api, exp_and_run):
    _, rid = exp_and_run
    resp = api("POST", "runs/set-tag", prefix="/ajax-api/2.0/mlflow", json={"run_id": rid, "key": "via", "value": "ajax"})
    assert resp.status_code == 200 and resp.json() == {}
    tags = api("GET", "runs/get", params={"run_id": rid}).json()["run"]["data"]["tags"]
    assert {"key": "via", "value": "ajax"} in tags


def test_empty_results_are_empty_objects_or_lists(api, exp_and_run):
    eid, rid = exp_and_run
    search = api("POST", "runs/search", json={"experiment_ids": [eid], "filter": "params.none = 'x'"})
    assert search.status_code == 200 and search.json().get("runs", []) == []
    history = api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "never"})
    assert history.status_code == 200 and history.json().get("metrics", []) == []


# --- metric values on the wire --------------------------------------------------------------------

def test_nan_and_infinity_as_strings(api, exp_and_run):
    # The client sends NaN/+-inf as the protobuf-JSON strings "NaN", "Infinity", "-Infinity".
    _, rid = exp_and_run
    for key, value in [("nan", "NaN"), ("pinf", "Infinity"), ("ninf", "-Infinity"), ("num", 2.5)]:
        resp = api("POST", "runs/log-metric", json={"run_id": rid, "key": key, "value": value, "timestamp": 5, "step": 1})
        assert resp.status_code == 200, resp.text
    got = {m["key"]: m["value"] for m in api("GET", "runs/get", params={"run_id": rid}).json()["run"]["data"]["metrics"]}
    assert got["num"] == 2.5
    assert got["nan"] == "NaN" or (isinstance(got["nan"], float) and math.isnan(got["nan"]))
    assert got["pinf"] in ("Infinity", 1.7976931348623157e308)
    assert got["ninf"] in ("-Infinity", -1.7976931348623157e308)


def test_get_history_bulk_interval(api, exp_and_run):
    _, rid = exp_and_run
    metrics = [{"key": "loss", "value": 1.0 / (i + 1), "timestamp": 1000 + i, "step": i} for i in range(5)]
    assert api("POST", "runs/log-batch", json={"run_id": rid, "metrics": metrics}).status_code == 200
    for prefix in ("/ajax-api/2.0/mlflow", "/api/2.0/mlflow"):
        resp = api(
            "GET", "metrics/get-history-bulk-interval", prefix=prefix,
            params={"run_ids": rid, "metric_key": "loss", "max_results": 10},
        )
        assert resp.status_code == 200, resp.text
        got = resp.json()["metrics"]
        assert [(m["step"], m["value"], m["timestamp"], m["run_id"], m["key"]) for m in got] == [
            (i, 1.0 / (i + 1), 1000 + i, rid, "loss") for i in range(5)
        ]


# --- error shape and status codes -----------------------------------------------------------------

def test_unknown_run_is_404(api):
    assert_error(api("GET", "runs/get", params={"run_id": uuid.uuid4().hex}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_unknown_experiment_is_404(api):
    assert_error(api("GET", "experiments/get", params={"experiment_id": "987654321"}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(
        api("GET", "experiments/get-by-name", params={"experiment_name": unique("nope")}), 404, "RESOURCE_DOES_NOT_EXIST"
    )


def test_non_integer_experiment_id_is_400(api):
    assert_error(api("GET", "experiments/get", params={"experiment_id": "abc"}), 400, "INVALID_PARAMETER_VALUE")


def test_malformed_json_body_is_400(api):
    resp = api("POST", "experiments/create", data="{not json", headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("body", [{}, {"name": ""}])
def test_missing_required_field_is_400(api, body):
    assert_error(api("POST", "experiments/create", json=body), 400, "INVALID_PARAMETER_VALUE")


def test_missing_query_parameter_is_400(api):
    assert_error(api("GET", "runs/get"), 400, "INVALID_PARAMETER_VALUE")


def test_missing_metric_value_is_400(api, exp_and_run):
    _, rid = exp_and_run
    resp = api("POST", "runs/log-metric", json={"run_id": rid, "key": "k", "timestamp": 1, "step": 0})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize(
    "path, body",
    [
        ("experiments/create", {"name": 5}),
        ("experiments/create", {"name": ["a"]}),
        ("runs/log-metric", {"key": "k", "value": "abc", "timestamp": 1, "step": 0}),
    ],
)
def test_wrong_json_type_is_400(api, exp_and_run, path, body):
    _, rid = exp_and_run
    if path.startswith("runs/"):
        body = {**body, "run_id": rid}
    assert_error(api("POST", path, json=body), 400, "INVALID_PARAMETER_VALUE")


def test_duplicate_experiment_is_400_already_exists(api):
    name = unique("wire-dup")
    assert api("POST", "experiments/create", json={"name": name}).status_code == 200
    assert_error(api("POST", "experiments/create", json={"name": name}), 400, "RESOURCE_ALREADY_EXISTS")


def test_log_batch_limits(api, exp_and_run):
    _, rid = exp_and_run
    metrics = [{"key": "b", "value": float(i), "timestamp": 1, "step": i} for i in range(1001)]
    assert_error(api("POST", "runs/log-batch", json={"run_id": rid, "metrics": metrics}), 400, "INVALID_PARAMETER_VALUE")
    params = [{"key": f"p{i}", "value": "v"} for i in range(101)]
    assert_error(api("POST", "runs/log-batch", json={"run_id": rid, "params": params}), 400, "INVALID_PARAMETER_VALUE")
    # Nothing from a rejected batch is written.
    data = api("GET", "runs/get", params={"run_id": rid}).json()["run"]["data"]
    assert "metrics" not in data or data["metrics"] == []
    assert "params" not in data or data["params"] == []
    # Exactly at the limit is fine.
    assert api("POST", "runs/log-batch", json={"run_id": rid, "metrics": metrics[:1000]}).status_code == 200


def test_search_max_results_limit(api, exp_and_run):
    eid, _ = exp_and_run
    assert_error(api("POST", "runs/search", json={"experiment_ids": [eid], "max_results": 60000}), 400, "INVALID_PARAMETER_VALUE")
    assert api("POST", "runs/search", json={"experiment_ids": [eid], "max_results": 50000}).status_code == 200


def test_malformed_filter_is_400(api, exp_and_run):
    eid, _ = exp_and_run
    resp = api("POST", "runs/search", json={"experiment_ids": [eid], "filter": "metrics.x >>> 1"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_unknown_alias_is_400(api):
    name = unique("wire-model")
    assert api("POST", "registered-models/create", json={"name": name}).status_code == 200
    assert_error(api("GET", "registered-models/alias", params={"name": name, "alias": "nope"}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(
        api("GET", "registered-models/alias", params={"name": unique("no-model"), "alias": "nope"}),
        404, "RESOURCE_DOES_NOT_EXIST",
    )
    # DELETE carries a JSON body.
    assert api("DELETE", "registered-models/delete", json={"name": name}).status_code == 200
    assert_error(api("GET", "registered-models/get", params={"name": name}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_unknown_api_path_is_404(api):
    assert api("GET", "no/such/endpoint").status_code == 404


# --- artifact proxy -------------------------------------------------------------------------------

def test_artifact_put_get_list(http, base_url, exp_and_run):
    eid, rid = exp_and_run
    root = f"{base_url}/api/2.0/mlflow-artifacts/artifacts"
    prefix = f"{eid}/{rid}/artifacts"
    put = http.put(f"{root}/{prefix}/d/x.txt", data=b"hello", timeout=TIMEOUT)
    assert put.status_code == 200

    got = http.get(f"{root}/{prefix}/d/x.txt", timeout=TIMEOUT)
    assert got.status_code == 200 and got.content == b"hello"

    # Listing entries are relative to the listed directory; directories carry no file_size.
    top = http.get(root, params={"path": prefix}, timeout=TIMEOUT).json()
    assert top["files"] == [{"path": "d", "is_dir": True}]
    sub = http.get(root, params={"path": f"{prefix}/d"}, timeout=TIMEOUT).json()
    assert sub["files"] == [{"path": "x.txt", "is_dir": False, "file_size": 5}]

    # A missing directory lists as empty (200); a missing file is a JSON 404.
    empty = http.get(root, params={"path": f"{prefix}/none"}, timeout=TIMEOUT)
    assert empty.status_code == 200 and empty.json().get("files", []) == []
    assert_error(http.get(f"{root}/{prefix}/none.txt", timeout=TIMEOUT), 404, "RESOURCE_DOES_NOT_EXIST")


def test_artifact_path_traversal_refused(http, base_url):
    root = f"{base_url}/api/2.0/mlflow-artifacts/artifacts"
    resp = http.get(root, params={"path": "../"}, timeout=TIMEOUT)
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")
    resp = http.get(root, params={"path": "0/../../.."}, timeout=TIMEOUT)
    assert resp.status_code in (400, 404), resp.text


def test_logged_models_search_answers(api, exp_and_run):
    # Classic runs:/ downloads first call logged-models/search; an empty answer must be 200.
    eid, _ = exp_and_run
    resp = api("POST", "logged-models/search", json={"experiment_ids": [eid], "filter": "name = 'model'"})
    assert resp.status_code == 200 and resp.json().get("models", []) == []
