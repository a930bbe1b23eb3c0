"""Experiments: create/get/search/rename/tags/delete/restore through the public client."""

import time

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import raises_mlflow, unique


def test_create_with_tags_and_get(client):
    name = unique("exp-create")
    eid = client.create_experiment(name, tags={"team": "vision", "owner": "ada"})
    assert isinstance(eid, str) and int(eid) >= 0

    exp = client.get_experiment(eid)
    assert exp.experiment_id == eid
    assert exp.name == name
    assert exp.lifecycle_stage == "active"
    assert exp.tags["team"] == "vision"
    assert exp.tags["owner"] == "ada"
    # Default artifact location: the server's proxied store (`mlflow server` default --serve-artifacts).
    assert exp.artifact_location == f"mlflow-artifacts:/{eid}"
    assert exp.creation_time > 0
    assert exp.last_update_time >= exp.creation_time


def test_get_experiment_by_name(client):
    name = unique("exp-byname")
    eid = client.create_experiment(name)
    exp = client.get_experiment_by_name(name)
    assert exp is not None and exp.experiment_id == eid and exp.name == name
    assert mlflow.get_experiment_by_name(name).experiment_id == eid


def test_get_experiment_by_unknown_name_is_none(client):
    assert client.get_experiment_by_name(unique("no-such-exp")) is None
    assert mlflow.get_experiment_by_name(unique("no-such-exp")) is None


def test_unknown_experiment_id(client):
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_experiment("987654321")


def test_default_experiment_exists(client):
    exp = client.get_experiment("0")
    assert exp.name == "Default"


def test_duplicate_name_rejected(client):
    name = unique("exp-dup")
    client.create_experiment(name)
    with raises_mlflow("RESOURCE_ALREADY_EXISTS"):
        client.create_experiment(name)


def test_set_experiment_creates_then_reuses(client):
    name = unique("exp-set")
    assert client.get_experiment_by_name(name) is None
    exp = mlflow.set_experiment(name)
    try:
        assert exp.name == name
        assert client.get_experiment_by_name(name).experiment_id == exp.experiment_id
        again = mlflow.set_experiment(name)
        assert again.experiment_id == exp.experiment_id
        by_id = mlflow.set_experiment(experiment_id=exp.experiment_id)
        assert by_id.name == name
    finally:
        mlflow.set_experiment("Default")


def test_rename(client):
    old, new = unique("exp-old"), unique("exp-new")
    eid = client.create_experiment(old)
    client.rename_experiment(eid, new)
    assert client.get_experiment(eid).name == new
    assert client.get_experiment_by_name(old) is None
    assert client.get_experiment_by_name(new).experiment_id == eid


def test_set_and_delete_tag(client, experiment_id):
    client.set_experiment_tag(experiment_id, "stage", "draft")
    client.set_experiment_tag(experiment_id, "note", "unicode ✓ ünïcødé")
    assert client.get_experiment(experiment_id).tags["stage"] == "draft"
    client.set_experiment_tag(experiment_id, "stage", "final")  # overwrite is allowed
    tags = client.get_experiment(experiment_id).tags
    assert tags["stage"] == "final"
    assert tags["note"] == "unicode ✓ ünïcødé"

    client.delete_experiment_tag(experiment_id, "stage")
    tags = client.get_experiment(experiment_id).tags
    assert "stage" not in tags and tags["note"] == "unicode ✓ ünïcødé"


def test_delete_unset_experiment_tag(client, experiment_id):
    # Reference: 404 RESOURCE_DOES_NOT_EXIST "No tag with name: ... in experiment with id ..."
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.delete_experiment_tag(experiment_id, "never-set")


def test_delete_and_restore(client):
    name = unique("exp-del")
    eid = client.create_experiment(name)
    client.delete_experiment(eid)
    exp = client.get_experiment(eid)
    assert exp.lifecycle_stage == "deleted"
    # Deleted experiments stay reachable by id and by name.
    assert client.get_experiment_by_name(name).lifecycle_stage == "deleted"
    # No new runs in a deleted experiment.
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.create_run(eid)

    client.restore_experiment(eid)
    assert client.get_experiment(eid).lifecycle_stage == "active"
    assert client.create_run(eid).info.experiment_id == eid


def test_deleting_experiment_deletes_its_runs(client, experiment_id):
    rid = client.create_run(experiment_id).info.run_id
    client.delete_experiment(experiment_id)
    assert client.get_run(rid).info.lifecycle_stage == "deleted"
    assert client.search_runs([experiment_id]) == []
    client.restore_experiment(experiment_id)
    assert client.get_run(rid).info.lifecycle_stage == "active"
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == [rid]


def test_rename_to_taken_name_rejected(client):
    # Reference (sqlite): 400 BAD_REQUEST whose message leaks the SQL IntegrityError; the sane
    # RESOURCE_ALREADY_EXISTS (what create answers) or INVALID_PARAMETER_VALUE are accepted too.
    taken, other = unique("exp-taken"), unique("exp-other")
    client.create_experiment(taken)
    eid = client.create_experiment(other)
    with pytest.raises(MlflowException) as info:
        client.rename_experiment(eid, taken)
    assert info.value.error_code in ("BAD_REQUEST", "RESOURCE_ALREADY_EXISTS", "INVALID_PARAMETER_VALUE")
    assert client.get_experiment(eid).name == other


def _names(experiments):
    return [e.name for e in experiments]


def test_search_filter_by_name_and_tags(client):
    prefix = unique("exp-search")
    ids = {
        "a": client.create_experiment(f"{prefix}-alpha", tags={"team": "red", "kind": "cv"}),
        "b": client.create_experiment(f"{prefix}-beta", tags={"team": "blue", "kind": "cv"}),
        "c": client.create_experiment(f"{prefix}-gamma", tags={"team": "red", "kind": "nlp"}),
    }

    exact = client.search_experiments(filter_string=f"name = '{prefix}-beta'")
    assert [e.experiment_id for e in exact] == [ids["b"]]

    like = client.search_experiments(filter_string=f"name LIKE '{prefix}-%a'")
    assert sorted(_names(like)) == [f"{prefix}-alpha", f"{prefix}-beta", f"{prefix}-gamma"]

    ilike = client.search_experiments(filter_string=f"name ILIKE '{prefix.upper()}-AL%'")
    assert _names(ilike) == [f"{prefix}-alpha"]

    red = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%' AND tags.team = 'red'"
    )
    assert sorted(_names(red)) == [f"{prefix}-alpha", f"{prefix}-gamma"]

    red_cv = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%' AND tags.team = 'red' AND tags.kind LIKE 'c%'"
    )
    assert _names(red_cv) == [f"{prefix}-alpha"]

    not_red = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%' AND tags.team != 'red'"
    )
    assert _names(not_red) == [f"{prefix}-beta"]

    fluent = mlflow.search_experiments(filter_string=f"name LIKE '{prefix}%'")
    assert len(fluent) == 3


def test_search_order_by(client):
    prefix = unique("exp-order")
    for suffix in ["b", "c", "a"]:
        client.create_experiment(f"{prefix}-{suffix}")
        time.sleep(0.01)  # distinct creation_time, so the default order is fully determined
    flt = f"name LIKE '{prefix}-%'"

    asc = client.search_experiments(filter_string=flt, order_by=["name ASC"])
    assert _names(asc) == [f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"]
    desc = client.search_experiments(filter_string=flt, order_by=["name DESC"])
    assert _names(desc) == [f"{prefix}-c", f"{prefix}-b", f"{prefix}-a"]

    # Default order: newest first (creation_time DESC, then experiment_id).
    default = client.search_experiments(filter_string=flt)
    assert _names(default) == [f"{prefix}-a", f"{prefix}-c", f"{prefix}-b"]
    by_id = client.search_experiments(filter_string=flt, order_by=["experiment_id ASC"])
    assert _names(by_id) == [f"{prefix}-b", f"{prefix}-c", f"{prefix}-a"]


def test_search_paging(client):
    prefix = unique("exp-page")
    created = {client.create_experiment(f"{prefix}-{i:02d}") for i in range(7)}
    flt = f"name LIKE '{prefix}-%'"

    seen, token, pages = [], None, 0
    while True:
        page = client.search_experiments(
            filter_string=flt, max_results=3, page_token=token, order_by=["name ASC"]
        )
        pages += 1
        assert len(page) <= 3
        seen.extend(e.experiment_id for e in page)
        token = page.token
        if not token:
            break
        assert pages < 10, "paging does not terminate"
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == created
    names = [client.get_experiment(i).name for i in seen]
    assert names == sorted(names)


def test_search_view_type(client):
    prefix = unique("exp-view")
    live = client.create_experiment(f"{prefix}-live")
    dead = client.create_experiment(f"{prefix}-dead")
    client.delete_experiment(dead)
    flt = f"name LIKE '{prefix}-%'"

    def ids(view_type):
        return {e.experiment_id for e in client.search_experiments(view_type=view_type, filter_string=flt)}

    assert ids(ViewType.ACTIVE_ONLY) == {live}
    assert ids(ViewType.DELETED_ONLY) == {dead}
    assert ids(ViewType.ALL) == {live, dead}
    # Default is ACTIVE_ONLY.
    assert {e.experiment_id for e in client.search_experiments(filter_string=flt)} == {live}


def test_search_malformed_filter_and_token(client):
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_experiments(filter_string="name === 'x'")
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_experiments(page_token="not-a-token")
