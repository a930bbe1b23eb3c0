"""MLflow 3 logged models end to end: train -> log_model (+ register) -> load by every URI -> predict."""

import json

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest
from mlflow.entities import LoggedModelStatus
from sklearn.linear_model import LogisticRegression

from conftest import unique


@pytest.fixture(scope="module")
def trained(client):
    """One model, logged and registered once for the module (logging a model takes seconds)."""
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=["f0", "f1", "f2"])
    y = (X["f0"] + 0.5 * X["f1"] > 0).astype(int)
    model = LogisticRegression(max_iter=200).fit(X, y)

    eid = client.create_experiment(unique("logged-models"))
    name = unique("sk-model")
    with mlflow.start_run(experiment_id=eid) as run:
        mlflow.log_param("C", 1.0)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=name,
            input_example=X.head(3),
        )
    client.set_registered_model_alias(name, "champion", "1")
    return {
        "experiment_id": eid,
        "run_id": run.info.run_id,
        "name": name,
        "info": info,
        "model": model,
        "X": X,
        "expected": model.predict(X),
        "expected_proba": model.predict_proba(X),
    }


def _assert_predicts_like_original(loaded, trained):
    got = np.asarray(loaded.predict(trained["X"])).ravel()
    np.testing.assert_array_equal(got, trained["expected"])


def test_model_info(trained):
    info = trained["info"]
    assert info.model_id and info.model_id.startswith("m-")
    assert info.model_uri == f"models:/{info.model_id}"
    assert info.run_id == trained["run_id"]
    assert str(info.registered_model_version) == "1"
    assert "sklearn" in info.flavors and "python_function" in info.flavors


def test_load_registered_version(trained):
    _assert_predicts_like_original(mlflow.pyfunc.load_model(f"models:/{trained['name']}/1"), trained)


def test_load_by_alias(trained):
    _assert_predicts_like_original(mlflow.pyfunc.load_model(f"models:/{trained['name']}@champion"), trained)


def test_load_by_run_uri(trained):
    _assert_predicts_like_original(mlflow.pyfunc.load_model(f"runs:/{trained['run_id']}/model"), trained)


def test_load_by_model_id(trained):
    _assert_predicts_like_original(mlflow.pyfunc.load_model(trained["info"].model_uri), trained)


def test_load_native_sklearn_flavor(trained):
    native = mlflow.sklearn.load_model(f"models:/{trained['name']}/1")
    assert isinstance(native, LogisticRegression)
    np.testing.assert_allclose(native.coef_, trained["model"].coef_)
    np.testing.assert_allclose(native.predict_proba(trained["X"]), trained["expected_proba"])


def test_registered_version_points_at_logged_model(client, trained):
    mv = client.get_model_version(trained["name"], "1")
    assert mv.run_id == trained["run_id"]
    assert mv.status == "READY"
    assert mv.source == f"models:/{trained['info'].model_id}"
    # The download URI resolves to the logged model's artifacts in the proxied store.
    uri = client.get_model_version_download_uri(trained["name"], "1")
    assert uri.startswith("mlflow-artifacts:/") and trained["info"].model_id in uri


def test_get_logged_model(client, trained):
    model_id = trained["info"].model_id
    lm = client.get_logged_model(model_id)
    assert lm.model_id == model_id
    assert lm.name == "model"
    assert lm.experiment_id == trained["experiment_id"]
    assert lm.source_run_id == trained["run_id"]
    assert lm.status == LoggedModelStatus.READY
    assert lm.artifact_location == f"mlflow-artifacts:/{trained['experiment_id']}/models/{model_id}/artifacts"
    assert lm.params.get("C") == "1.0"
    # log_model(registered_model_name=...) records the registration on the logged model.
    versions = json.loads(lm.tags["mlflow.modelVersions"])
    assert {"name": trained["name"], "version": 1} in [
        {"name": v["name"], "version": int(v["version"])} for v in versions
    ]
    assert mlflow.get_logged_model(model_id).model_id == model_id


def test_artifacts_of_logged_model(trained):
    local = mlflow.artifacts.download_artifacts(trained["info"].model_uri)
    mlmodel = open(f"{local}/MLmodel").read()
    assert "sklearn" in mlmodel and "python_function" in mlmodel
    assert trained["info"].model_id in mlmodel


def test_run_outputs_reference_logged_model(client, trained):
    run = client.get_run(trained["run_id"])
    outputs = run.outputs.model_outputs
    assert [o.model_id for o in outputs] == [trained["info"].model_id]


def test_search_logged_models(client, trained):
    eid, model_id = trained["experiment_id"], trained["info"].model_id
    found = mlflow.search_logged_models(experiment_ids=[eid], output_format="list")
    assert [m.model_id for m in found] == [model_id]
    by_name = client.search_logged_models(experiment_ids=[eid], filter_string="name = 'model'")
    assert [m.model_id for m in by_name] == [model_id]
    none = client.search_logged_models(experiment_ids=[eid], filter_string="name = 'no-such-model'")
    assert list(none) == []
    df = mlflow.search_logged_models(experiment_ids=[eid])
    assert isinstance(df, pd.DataFrame) and list(df["model_id"]) == [model_id]


def test_log_metric_for_model(client, trained):
    model_id = trained["info"].model_id
    mlflow.log_metric("eval_acc", 0.875, run_id=trained["run_id"], model_id=model_id)
    lm = client.get_logged_model(model_id)
    metrics = {m.key: m for m in lm.metrics}
    assert metrics["eval_acc"].value == 0.875
    assert metrics["eval_acc"].run_id == trained["run_id"]
    assert metrics["eval_acc"].model_id == model_id
    # It is a run metric as well.
    assert client.get_run(trained["run_id"]).data.metrics["eval_acc"] == 0.875
