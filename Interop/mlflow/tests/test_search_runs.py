"""Run search: the filter grammar, ordering (with MLflow's tie-breaks and NULL/NaN placement), paging,
view types, several experiments, and mlflow.search_runs' DataFrame.

One read-only data set per module: every test only searches it, so order does not matter.
"""

from dataclasses import dataclass, field

import math

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType

from conftest import raises_mlflow, unique

BASE_TIME = 1_700_000_000_000


@dataclass
class R:
    name: str
    status: str
    metrics: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    deleted: bool = False


# start_time = BASE_TIME + index * 1000; end_time = start_time + 500 for finished runs.
RUNS = [
    R("alpha-r0", "FINISHED", {"x": 0.1, "my metric": 1.0, "acc.top1": 0.5}, {"p": "a", "model": "lr", "lr rate": "0.1"}, {"t": "b", "team": "red"}),
    R("beta-r1", "FINISHED", {"x": 0.9, "my metric": 2.0}, {"p": "b", "model": "rf"}, {"t": "c", "team": "blue"}),
    R("alpha-r2", "FAILED", {"x": 0.6, "acc.top1": 0.7}, {"p": "a", "model": "RF-big"}, {"t": "b", "team": "red"}),
    R("Gamma-r3", "RUNNING", {"x": float("nan")}, {"p": "c"}, {"team": "green"}),
    R("beta-r4", "KILLED", {"y": 5.0}, {"p": "a", "lr rate": "0.2"}, {"t": "d"}),
    R("delta-r5", "FINISHED", {"x": 0.6, "my metric": 3.0}, {"p": "b", "model": "lr"}, {"t": "b", "team": "Red"}),
    R("ghost-r6", "FINISHED", {"x": 0.99}, {"p": "a"}, {"t": "b"}, deleted=True),
]
ACTIVE = [r.name for r in RUNS if not r.deleted]


@pytest.fixture(scope="module")
def data(client):
    """Builds the data set once; returns (experiment_id, {name: run_id}, {run_id: name})."""
    eid = client.create_experiment(unique("search"))
    ids = {}
    for i, spec in enumerate(RUNS):
        start = BASE_TIME + i * 1000
        run = client.create_run(eid, start_time=start, run_name=spec.name)
        rid = run.info.run_id
        client.log_batch(
            rid,
            metrics=[Metric(k, v, start, 0) for k, v in spec.metrics.items()],
            params=[Param(k, v) for k, v in spec.params.items()],
            tags=[RunTag(k, v) for k, v in spec.tags.items()],
        )
        if spec.status != "RUNNING":
            client.set_terminated(rid, status=spec.status, end_time=start + 500)
        if spec.deleted:
            client.delete_run(rid)
        ids[spec.name] = rid
    return eid, ids, {v: k for k, v in ids.items()}


def search(client, data, filter_string="", **kwargs):
    """Names of the runs found, in server order."""
    eid, _, names = data
    return [names[r.info.run_id] for r in client.search_runs([eid], filter_string, **kwargs)]


def search_set(client, data, filter_string):
    return set(search(client, data, filter_string))


# --- filters --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "flt, expected",
    [
        # metrics: all comparators; a NaN never satisfies a numeric comparison except "!="
        ("metrics.x > 0.5", {"beta-r1", "alpha-r2", "delta-r5"}),
        ("metrics.x >= 0.6", {"beta-r1", "alpha-r2", "delta-r5"}),
        ("metrics.x < 0.6", {"alpha-r0"}),
        ("metrics.x <= 0.6", {"alpha-r0", "alpha-r2", "delta-r5"}),
        ("metrics.x = 0.6", {"alpha-r2", "delta-r5"}),
        ("metrics.x != 0.6", {"alpha-r0", "beta-r1", "Gamma-r3"}),
        ("metric.x > 0.5", {"beta-r1", "alpha-r2", "delta-r5"}),
        ("metrics.y = 5", {"beta-r4"}),
        ("metrics.x > -1e300", {"alpha-r0", "beta-r1", "alpha-r2", "delta-r5"}),
        # backtick-quoted keys with spaces and dots
        ("metrics.`my metric` >= 2", {"beta-r1", "delta-r5"}),
        ("metrics.`acc.top1` > 0.6", {"alpha-r2"}),
        ("params.`lr rate` = '0.2'", {"beta-r4"}),
        # params
        ("params.p = 'a'", {"alpha-r0", "alpha-r2", "beta-r4"}),
        ("param.p = 'a'", {"alpha-r0", "alpha-r2", "beta-r4"}),
        ("params.p != 'a'", {"beta-r1", "Gamma-r3", "delta-r5"}),
        ("params.model LIKE 'r%'", {"beta-r1"}),
        ("params.model ILIKE 'r%'", {"beta-r1", "alpha-r2"}),
        ("params.model LIKE '%F%'", {"alpha-r2"}),
        ("params.model LIKE 'l_'", {"alpha-r0", "delta-r5"}),
        # tags (a run without the tag never matches, not even "!=")
        ("tags.t = 'b'", {"alpha-r0", "alpha-r2", "delta-r5"}),
        ("tag.t = 'b'", {"alpha-r0", "alpha-r2", "delta-r5"}),
        ("tags.t != 'b'", {"beta-r1", "beta-r4"}),
        ("tags.team LIKE 'r%'", {"alpha-r0", "alpha-r2"}),
        ("tags.team ILIKE 'r%'", {"alpha-r0", "alpha-r2", "delta-r5"}),
        ("tags.`mlflow.runName` = 'beta-r1'", {"beta-r1"}),
        ("tags.mlflow.runName = 'beta-r1'", {"beta-r1"}),
        # attributes and their aliases
        ("attributes.status = 'FINISHED'", {"alpha-r0", "beta-r1", "delta-r5"}),
        ("attribute.status = 'FAILED'", {"alpha-r2"}),
        ("status = 'RUNNING'", {"Gamma-r3"}),
        ("attributes.status != 'FINISHED'", {"alpha-r2", "Gamma-r3", "beta-r4"}),
        ("attribute.run_name = 'delta-r5'", {"delta-r5"}),
        ("run_name = 'delta-r5'", {"delta-r5"}),
        ("attributes.run_name LIKE 'alpha%'", {"alpha-r0", "alpha-r2"}),
        ("run_name ILIKE 'gamma%'", {"Gamma-r3"}),
        ("run_name LIKE 'gamma%'", set()),
        ("run_name != 'delta-r5'", {"alpha-r0", "beta-r1", "alpha-r2", "Gamma-r3", "beta-r4"}),
        (f"attributes.start_time >= {BASE_TIME + 2000}", {"alpha-r2", "Gamma-r3", "beta-r4", "delta-r5"}),
        (f"start_time < {BASE_TIME + 1000}", {"alpha-r0"}),
        (f"start_time = {BASE_TIME + 1000}", {"beta-r1"}),
        (f"start_time != {BASE_TIME + 1000}", {"alpha-r0", "alpha-r2", "Gamma-r3", "beta-r4", "delta-r5"}),
        (f"start_time <= {BASE_TIME + 1000}", {"alpha-r0", "beta-r1"}),
        (f"start_time > {BASE_TIME + 4000}", {"delta-r5"}),
        (f"end_time > {BASE_TIME + 4000}", {"beta-r4", "delta-r5"}),
        (f"end_time < {BASE_TIME + 1000}", {"alpha-r0"}),
        # AND of several terms, across kinds
        ("metrics.x > 0.5 AND params.p = 'b'", {"beta-r1", "delta-r5"}),
        ("params.p = 'a' AND tags.t = 'b' AND attributes.status = 'FINISHED'", {"alpha-r0"}),
        ("metrics.x >= 0.1 and metrics.x <= 0.6 and tags.team = 'red'", {"alpha-r0", "alpha-r2"}),
        ("params.p = 'zzz'", set()),
        ("metrics.nope > 0", set()),
    ],
)
def test_filter(client, data, flt, expected):
    assert search_set(client, data, flt) == expected


def test_filter_run_id_in_and_not_in(client, data):
    _, ids, _ = data
    a, b = ids["alpha-r0"], ids["delta-r5"]
    assert search_set(client, data, f"attributes.run_id IN ('{a}', '{b}')") == {"alpha-r0", "delta-r5"}
    assert search_set(client, data, f"run_id IN ('{a}')") == {"alpha-r0"}
    assert search_set(client, data, f"run_id NOT IN ('{a}', '{b}')") == set(ACTIVE) - {"alpha-r0", "delta-r5"}
    assert search_set(client, data, f"attributes.run_id = '{b}'") == {"delta-r5"}
    assert search_set(client, data, f"run_id IN ('{a}', '{b}') AND metrics.x > 0.5") == {"delta-r5"}


@pytest.mark.parametrize(
    "flt",
    [
        # The reference only accepts IN / NOT IN on run_id; on params, tags or run_name it is an error.
        "params.p IN ('a', 'b')",
        "tags.t NOT IN ('b')",
        "run_name IN ('alpha-r0')",
        # Malformed
        "metrics.x >>> 1",
        "metrics.x >",
        "metrics.x > 'abc'",
        "params.p = a",
        "unknown.x = 'a'",
        "attributes.nope = 'x'",
        "metrics.x > 1 OR metrics.x < 0",
    ],
)
def test_rejected_filters(client, data, flt):
    eid, _, _ = data
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_runs([eid], flt)


# --- ordering -------------------------------------------------------------------------------------

def test_default_order_is_start_time_desc(client, data):
    assert search(client, data) == list(reversed(ACTIVE))


def test_order_by_start_time(client, data):
    assert search(client, data, order_by=["attributes.start_time ASC"]) == ACTIVE
    assert search(client, data, order_by=["start_time DESC"]) == list(reversed(ACTIVE))


def test_order_by_metric_desc_nan_then_missing_last(client, data):
    # Ties (x=0.6) break on start_time DESC; NaN after all numbers, runs without the metric last.
    assert search(client, data, order_by=["metrics.x DESC"]) == [
        "beta-r1", "delta-r5", "alpha-r2", "alpha-r0", "Gamma-r3", "beta-r4",
    ]


def test_order_by_metric_asc_nan_then_missing_last(client, data):
    assert search(client, data, order_by=["metrics.x ASC"]) == [
        "alpha-r0", "delta-r5", "alpha-r2", "beta-r1", "Gamma-r3", "beta-r4",
    ]
    # ASC is the default direction.
    assert search(client, data, order_by=["metrics.x"]) == search(client, data, order_by=["metrics.x ASC"])


def test_order_by_param_then_metric(client, data):
    assert search(client, data, order_by=["params.p ASC", "metrics.x DESC"]) == [
        "alpha-r2", "alpha-r0", "beta-r4",  # p = a
        "beta-r1", "delta-r5",              # p = b
        "Gamma-r3",                         # p = c
    ]
    # Ties on params break on start_time DESC.
    assert search(client, data, order_by=["params.p ASC"]) == [
        "beta-r4", "alpha-r2", "alpha-r0", "delta-r5", "beta-r1", "Gamma-r3",
    ]


def test_order_by_tag_missing_last_both_directions(client, data):
    # Gamma-r3 has no tag t: last whichever the direction.
    assert search(client, data, order_by=["tags.t DESC"]) == [
        "beta-r4", "beta-r1", "delta-r5", "alpha-r2", "alpha-r0", "Gamma-r3",
    ]
    assert search(client, data, order_by=["tags.t ASC", "attributes.start_time ASC"]) == [
        "alpha-r0", "alpha-r2", "delta-r5", "beta-r1", "beta-r4", "Gamma-r3",
    ]


def test_order_by_run_name_and_backticked_metric(client, data):
    assert search(client, data, order_by=["attributes.run_name ASC"]) == sorted(ACTIVE)
    assert search(client, data, order_by=["metrics.`my metric` DESC"])[:3] == ["delta-r5", "beta-r1", "alpha-r0"]


def test_equal_start_times_break_on_run_id(client, experiment_id):
    ids = [client.create_run(experiment_id, start_time=BASE_TIME).info.run_id for _ in range(4)]
    found = [r.info.run_id for r in client.search_runs([experiment_id])]
    assert found == sorted(ids)


def test_bad_order_by(client, data):
    eid, _, _ = data
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_runs([eid], order_by=["metrics.x SIDEWAYS"])


# --- paging, view types, several experiments -------------------------------------------------------

@pytest.mark.parametrize("order_by", [["attributes.start_time ASC"], ["metrics.x DESC"], None])
def test_paging(client, data, order_by):
    eid, _, names = data
    everything = search(client, data, order_by=order_by)
    seen, token = [], None
    for _ in range(10):
        page = client.search_runs([eid], order_by=order_by, max_results=2, page_token=token)
        assert len(page) <= 2
        seen.extend(names[r.info.run_id] for r in page)
        token = page.token
        if not token:
            break
    else:
        pytest.fail("paging does not terminate")
    assert seen == everything  # same order, no duplicates, no omissions
    assert len(seen) == len(ACTIVE)


def test_max_results_limits(client, data):
    eid, _, _ = data
    assert len(search(client, data, max_results=3)) == 3
    assert len(search(client, data, max_results=50000)) == len(ACTIVE)
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_runs([eid], max_results=0)


def test_bad_page_token(client, data):
    eid, _, _ = data
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_runs([eid], page_token="not-a-token")


def test_run_view_type(client, data):
    assert set(search(client, data, run_view_type=ViewType.ACTIVE_ONLY)) == set(ACTIVE)
    assert search(client, data, run_view_type=ViewType.DELETED_ONLY) == ["ghost-r6"]
    assert set(search(client, data, run_view_type=ViewType.ALL)) == {r.name for r in RUNS}
    assert search(client, data, "params.p = 'a'", run_view_type=ViewType.DELETED_ONLY) == ["ghost-r6"]


def test_several_experiments(client, data):
    eid, ids, _ = data
    other = client.create_experiment(unique("search-other"))
    extra = client.create_run(other, run_name="other-run")
    client.log_param(extra.info.run_id, "p", "a")
    found = client.search_runs([eid, other], "params.p = 'a'")
    assert {r.info.run_id for r in found} == {
        ids["alpha-r0"], ids["alpha-r2"], ids["beta-r4"], extra.info.run_id
    }
    assert {r.info.experiment_id for r in found} == {eid, other}


def test_search_result_entities_are_complete(client, data):
    eid, ids, _ = data
    (run,) = client.search_runs([eid], "run_name = 'alpha-r0'")
    assert run.info.run_id == ids["alpha-r0"]
    assert run.info.experiment_id == eid
    assert run.info.status == "FINISHED"
    assert run.info.start_time == BASE_TIME and run.info.end_time == BASE_TIME + 500
    assert run.info.lifecycle_stage == "active"
    assert run.data.metrics == {"x": 0.1, "my metric": 1.0, "acc.top1": 0.5}
    assert run.data.params == {"p": "a", "model": "lr", "lr rate": "0.1"}
    assert run.data.tags["t"] == "b" and run.data.tags["mlflow.runName"] == "alpha-r0"


# --- fluent mlflow.search_runs ---------------------------------------------------------------------

def test_fluent_search_runs_dataframe(data):
    eid, ids, _ = data
    df = mlflow.search_runs(experiment_ids=[eid], order_by=["attributes.start_time ASC"])
    assert isinstance(df, pd.DataFrame)
    assert list(df["run_id"]) == [ids[n] for n in ACTIVE]
    for column in [
        "run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time",
        "metrics.x", "metrics.my metric", "params.p", "params.lr rate", "tags.t",
        "tags.mlflow.runName",
    ]:
        assert column in df.columns, column
    row = df[df["run_id"] == ids["beta-r1"]].iloc[0]
    assert row["metrics.x"] == 0.9 and row["params.p"] == "b" and row["tags.t"] == "c"
    assert row["status"] == "FINISHED"
    missing = df[df["run_id"] == ids["beta-r4"]].iloc[0]
    assert math.isnan(missing["metrics.x"])  # absent metric -> NaN cell
    assert missing["params.model"] is None or pd.isna(missing["params.model"])


def test_fluent_search_runs_filter_and_list_output(data):
    eid, ids, _ = data
    df = mlflow.search_runs([eid], filter_string="metrics.x > 0.5", order_by=["metrics.x DESC"])
    assert list(df["run_id"]) == [ids["beta-r1"], ids["delta-r5"], ids["alpha-r2"]]
    runs = mlflow.search_runs([eid], filter_string="params.p = 'c'", output_format="list")
    assert [r.info.run_id for r in runs] == [ids["Gamma-r3"]]


def test_fluent_search_runs_by_experiment_name(data, client):
    eid, _, _ = data
    name = client.get_experiment(eid).name
    df = mlflow.search_runs(experiment_names=[name])
    assert len(df) == len(ACTIVE)


def test_fluent_search_runs_empty(experiment_id):
    df = mlflow.search_runs([experiment_id])
    assert isinstance(df, pd.DataFrame) and len(df) == 0
