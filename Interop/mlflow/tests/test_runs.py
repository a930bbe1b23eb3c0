"""Runs: lifecycle, params, metrics, tags, batches, history, datasets — fluent API and MlflowClient."""

import math
import time

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag

from conftest import is_neg_inf, is_pos_inf, raises_mlflow, unique


# --- lifecycle ------------------------------------------------------------------------------------

def test_start_and_end_run_finished(client, experiment_id):
    name = unique("run")
    with mlflow.start_run(experiment_id=experiment_id, run_name=name) as run:
        rid = run.info.run_id
        assert len(rid) == 32 and all(c in "0123456789abcdef" for c in rid)
        live = client.get_run(rid)
        assert live.info.status == "RUNNING"
        assert live.info.run_name == name
        assert live.data.tags["mlflow.runName"] == name
        assert live.info.end_time is None
    done = client.get_run(rid)
    assert done.info.status == "FINISHED"
    assert done.info.end_time is not None and done.info.end_time >= done.info.start_time
    assert done.info.experiment_id == experiment_id
    assert done.info.lifecycle_stage == "active"
    assert done.info.run_id == rid
    assert done.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{rid}/artifacts"


@pytest.mark.parametrize("status", ["FAILED", "KILLED", "FINISHED"])
def test_end_run_status(client, experiment_id, status):
    run = mlflow.start_run(experiment_id=experiment_id)
    mlflow.end_run(status=status)
    assert client.get_run(run.info.run_id).info.status == status


def test_exception_in_with_block_marks_failed(client, experiment_id):
    with pytest.raises(RuntimeError):
        with mlflow.start_run(experiment_id=experiment_id) as run:
            raise RuntimeError("boom")
    assert client.get_run(run.info.run_id).info.status == "FAILED"


def test_generated_run_name(client, experiment_id):
    run = client.create_run(experiment_id)
    assert run.info.run_name  # the client or server invents one
    assert client.get_run(run.info.run_id).info.run_name == run.info.run_name


def test_nested_runs(client, experiment_id):
    with mlflow.start_run(experiment_id=experiment_id, run_name="parent") as parent:
        # The fluent child goes to the *active* experiment, not the parent's: name it explicitly.
        with mlflow.start_run(experiment_id=experiment_id, run_name="child", nested=True) as child:
            assert mlflow.active_run().info.run_id == child.info.run_id
        assert mlflow.active_run().info.run_id == parent.info.run_id
    fetched = client.get_run(child.info.run_id)
    assert fetched.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert fetched.info.status == "FINISHED"
    kids = client.search_runs(
        [experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
    )
    assert [r.info.run_id for r in kids] == [child.info.run_id]


def test_update_run_name_and_status(client, run_id):
    new_name = unique("renamed")
    client.update_run(run_id, name=new_name)
    run = client.get_run(run_id)
    assert run.info.run_name == new_name
    assert run.data.tags["mlflow.runName"] == new_name

    client.update_run(run_id, status="KILLED")
    assert client.get_run(run_id).info.status == "KILLED"

    end = int(time.time() * 1000)
    client.set_terminated(run_id, status="FINISHED", end_time=end)
    run = client.get_run(run_id)
    assert run.info.status == "FINISHED" and run.info.end_time == end


def test_run_name_tag_renames_run(client, run_id):
    # mlflow.runName and info.run_name are kept in step both ways.
    client.set_tag(run_id, "mlflow.runName", "named-by-tag")
    assert client.get_run(run_id).info.run_name == "named-by-tag"


def test_create_run_with_start_time_and_tags(client, experiment_id):
    run = client.create_run(experiment_id, start_time=1_600_000_000_000, tags={"a": "1"}, run_name="x")
    got = client.get_run(run.info.run_id)
    assert got.info.start_time == 1_600_000_000_000
    assert got.data.tags["a"] == "1"
    assert got.info.run_name == "x"


def test_delete_and_restore_run(client, run_id):
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    # A deleted run rejects writes.
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.log_param(run_id, "p", "1")
    client.restore_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"
    client.log_param(run_id, "p", "1")
    assert client.get_run(run_id).data.params == {"p": "1"}


def test_unknown_run(client):
    missing = "0" * 32
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_run(missing)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.log_metric(missing, "m", 1.0)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.set_tag(missing, "t", "v")
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.delete_run(missing)


def test_create_run_in_unknown_experiment(client):
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.create_run("987654321")


# --- params ---------------------------------------------------------------------------------------

def test_log_param_and_params(client, experiment_id):
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"depth": 5, "optimizer": "adam", "flag": True})
    params = client.get_run(run.info.run_id).data.params
    # Param values always come back as strings.
    assert params == {"lr": "0.01", "depth": "5", "optimizer": "adam", "flag": "True"}


def test_relog_param_same_value_ok_different_value_rejected(client, run_id):
    client.log_param(run_id, "p", "1")
    client.log_param(run_id, "p", "1")
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.log_param(run_id, "p", "2")
    assert client.get_run(run_id).data.params["p"] == "1"


def test_long_param_value(client, run_id):
    value = "x" * 6000
    client.log_param(run_id, "long", value)
    assert client.get_run(run_id).data.params["long"] == value


def test_unicode_keys_and_values(client, run_id):
    client.log_param(run_id, "größe", "β-版本 ✓ 🚀")
    client.set_tag(run_id, "説明", "日本語のタグ")
    client.log_metric(run_id, "точность", 0.5)
    run = client.get_run(run_id)
    assert run.data.params["größe"] == "β-版本 ✓ 🚀"
    assert run.data.tags["説明"] == "日本語のタグ"
    assert run.data.metrics["точность"] == 0.5
    assert [m.value for m in client.get_metric_history(run_id, "точность")] == [0.5]


@pytest.mark.parametrize(
    "kind, key",
    [
        ("metric", "bad key!*"),   # only alphanumerics (Unicode-aware), _ - . space : /
        ("param", "../escape"),    # keys must not resolve to other names as file paths
        ("param", "k" * 251),      # at most 250 characters
        ("tag", "a//b"),
    ],
)
def test_invalid_keys_rejected(client, run_id, kind, key):
    # Validated by the reference server itself (400 INVALID_PARAMETER_VALUE), not only by the client.
    log = {"metric": lambda: client.log_metric(run_id, key, 1.0),
           "param": lambda: client.log_param(run_id, key, "v"),
           "tag": lambda: client.set_tag(run_id, key, "v")}[kind]
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        log()
    data = client.get_run(run_id).data
    assert key not in data.metrics and key not in data.params and key not in data.tags


# --- metrics --------------------------------------------------------------------------------------

def test_log_metric_with_step_and_timestamp(client, run_id):
    client.log_metric(run_id, "loss", 0.5, timestamp=1_700_000_000_000, step=3)
    (m,) = client.get_metric_history(run_id, "loss")
    assert (m.key, m.value, m.timestamp, m.step) == ("loss", 0.5, 1_700_000_000_000, 3)
    assert client.get_run(run_id).data.metrics == {"loss": 0.5}


def test_log_metric_default_step_zero(client, run_id):
    before = int(time.time() * 1000) - 5_000
    client.log_metric(run_id, "m", 2.0)
    (m,) = client.get_metric_history(run_id, "m")
    assert m.step == 0 and m.timestamp >= before


def test_fluent_log_metrics(client, experiment_id):
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=1)
        mlflow.log_metric("acc", 0.95, step=2)
    metrics = client.get_run(run.info.run_id).data.metrics
    assert metrics == {"acc": 0.95, "f1": 0.8}


def test_metric_history_many_steps(client, run_id):
    values = [1.0 / (i + 1) for i in range(150)]
    for step in range(0, 150, 50):  # three batches of 50, as a training loop with log_batch would
        batch = [Metric("loss", values[i], 1_700_000_000_000 + i, i) for i in range(step, step + 50)]
        client.log_batch(run_id, metrics=batch)
    history = client.get_metric_history(run_id, "loss")
    assert len(history) == 150
    by_step = sorted(history, key=lambda m: m.step)
    assert [m.step for m in by_step] == list(range(150))
    assert [m.value for m in by_step] == values
    assert [m.timestamp for m in by_step] == [1_700_000_000_000 + i for i in range(150)]
    assert client.get_run(run_id).data.metrics["loss"] == values[-1]


def test_latest_metric_is_highest_step(client, run_id):
    # The run's summary value is the value at the max step (then max timestamp), not the last logged.
    client.log_metric(run_id, "m", 10.0, step=5, timestamp=1000)
    client.log_metric(run_id, "m", 20.0, step=1, timestamp=2000)
    assert client.get_run(run_id).data.metrics["m"] == 10.0
    client.log_metric(run_id, "m", 30.0, step=5, timestamp=3000)
    assert client.get_run(run_id).data.metrics["m"] == 30.0
    assert len(client.get_metric_history(run_id, "m")) == 3


def test_metric_history_unknown_key_is_empty(client, run_id):
    assert list(client.get_metric_history(run_id, "never-logged")) == []


def test_nan_metric(client, run_id):
    client.log_metric(run_id, "nan", float("nan"))
    assert math.isnan(client.get_run(run_id).data.metrics["nan"])
    (m,) = client.get_metric_history(run_id, "nan")
    assert math.isnan(m.value)


def test_infinite_metrics(client, run_id):
    # The sqlite reference clamps +/-inf to +/-1.7976931348623157e308; either answer is fine.
    client.log_metric(run_id, "pinf", float("inf"))
    client.log_metric(run_id, "ninf", float("-inf"))
    metrics = client.get_run(run_id).data.metrics
    assert is_pos_inf(metrics["pinf"])
    assert is_neg_inf(metrics["ninf"])
    assert is_pos_inf(client.get_metric_history(run_id, "pinf")[0].value)


def test_extreme_finite_metrics(client, run_id):
    for key, value in {"tiny": 5e-324, "big": 1.5e300, "neg": -123456.789, "zero": 0.0}.items():
        client.log_metric(run_id, key, value)
    metrics = client.get_run(run_id).data.metrics
    assert metrics == {"tiny": 5e-324, "big": 1.5e300, "neg": -123456.789, "zero": 0.0}


# --- tags -----------------------------------------------------------------------------------------

def test_set_tags_and_delete_tag(client, experiment_id):
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.set_tag("stage", "dev")
        mlflow.set_tags({"team": "ml", "stage": "prod"})
    rid = run.info.run_id
    tags = client.get_run(rid).data.tags
    assert tags["stage"] == "prod" and tags["team"] == "ml"

    client.delete_tag(rid, "stage")
    tags = client.get_run(rid).data.tags
    assert "stage" not in tags and tags["team"] == "ml"


def test_delete_unset_tag(client, run_id):
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.delete_tag(run_id, "never-set")


# --- batches --------------------------------------------------------------------------------------

def test_log_batch(client, run_id):
    client.log_batch(
        run_id,
        metrics=[Metric("a", 1.0, 1000, 0), Metric("a", 2.0, 1001, 1), Metric("b", -1.0, 1000, 0)],
        params=[Param("p1", "v1"), Param("p2", "v2")],
        tags=[RunTag("t1", "x"), RunTag("t2", "y")],
    )
    run = client.get_run(run_id)
    assert run.data.metrics == {"a": 2.0, "b": -1.0}
    assert run.data.params == {"p1": "v1", "p2": "v2"}
    assert run.data.tags["t1"] == "x" and run.data.tags["t2"] == "y"
    assert [(m.step, m.value) for m in sorted(client.get_metric_history(run_id, "a"), key=lambda m: m.step)] == [
        (0, 1.0),
        (1, 2.0),
    ]


def test_log_batch_large_is_chunked_by_client(client, run_id):
    # 2500 metrics: the client splits them into requests of <= 1000, the server must take each.
    metrics = [Metric("big", float(i), 1_700_000_000_000 + i, i) for i in range(2500)]
    client.log_batch(run_id, metrics=metrics)
    history = client.get_metric_history(run_id, "big")
    assert len(history) == 2500
    assert sorted(m.step for m in history) == list(range(2500))


def test_log_batch_conflicting_param_rejected(client, run_id):
    client.log_param(run_id, "p", "1")
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.log_batch(run_id, params=[Param("p", "2")])
    assert client.get_run(run_id).data.params["p"] == "1"


# --- datasets -------------------------------------------------------------------------------------

def test_log_input_pandas_dataset(client, experiment_id):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(df, name="train-set", targets="y")
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_input(dataset, context="training", tags={"version": "v1"})
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    got = inputs[0]
    assert got.dataset.name == "train-set"
    assert got.dataset.digest == dataset.digest
    assert got.dataset.source_type == dataset.source.to_dict().get("source_type", got.dataset.source_type)
    assert "x" in got.dataset.schema and "y" in got.dataset.schema
    tags = {t.key: t.value for t in got.tags}
    assert tags["mlflow.data.context"] == "training"
    assert tags["version"] == "v1"


def test_run_without_inputs_has_empty_inputs(client, run_id):
    assert list(client.get_run(run_id).inputs.dataset_inputs) == []
