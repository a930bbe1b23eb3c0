"""Model registry through MlflowClient: registered models, versions, tags, stages, aliases, search."""

import time

import pytest

from conftest import raises_mlflow, unique


@pytest.fixture
def source_run(client, experiment_id, work_dir):
    """A finished run with a `model/` artifact directory; returns (run_id, artifact source URI)."""
    run = client.create_run(experiment_id)
    (work_dir / "weights.txt").write_text("pretend weights")
    client.log_artifact(run.info.run_id, str(work_dir / "weights.txt"), artifact_path="model")
    client.set_terminated(run.info.run_id)
    return run.info.run_id, f"{run.info.artifact_uri}/model"


@pytest.fixture
def model_name(client):
    name = unique("model")
    client.create_registered_model(name)
    return name


def _versions(client, name, source, run_id, n):
    return [client.create_model_version(name, source, run_id=run_id).version for _ in range(n)]


# --- registered models ----------------------------------------------------------------------------

def test_create_and_get_registered_model(client):
    name = unique("model")
    created = client.create_registered_model(name, tags={"team": "ml", "ünï": "✓"}, description="first model")
    assert created.name == name
    assert created.description == "first model"
    assert created.tags == {"team": "ml", "ünï": "✓"}
    assert created.creation_timestamp > 0

    got = client.get_registered_model(name)
    assert got.name == name
    assert got.description == "first model"
    assert got.tags == {"team": "ml", "ünï": "✓"}
    assert got.latest_versions == []
    assert got.aliases == {}
    assert got.last_updated_timestamp >= got.creation_timestamp


def test_duplicate_registered_model(client, model_name):
    with raises_mlflow("RESOURCE_ALREADY_EXISTS"):
        client.create_registered_model(model_name)


def test_unknown_registered_model(client):
    missing = unique("no-such-model")
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_registered_model(missing)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.update_registered_model(missing, description="x")
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.delete_registered_model(missing)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_model_version(missing, "1")
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_model_version_by_alias(missing, "champion")


def test_update_description(client, model_name):
    updated = client.update_registered_model(model_name, description="better words")
    assert updated.description == "better words"
    assert client.get_registered_model(model_name).description == "better words"


def test_rename_registered_model(client, model_name, source_run):
    run_id, source = source_run
    client.create_model_version(model_name, source, run_id=run_id)
    new_name = unique("renamed-model")
    client.rename_registered_model(model_name, new_name)
    assert client.get_registered_model(new_name).name == new_name
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_registered_model(model_name)
    # Versions move with the model.
    mv = client.get_model_version(new_name, "1")
    assert mv.name == new_name and mv.run_id == run_id


def test_delete_registered_model(client, model_name, source_run):
    run_id, source = source_run
    client.create_model_version(model_name, source, run_id=run_id)
    client.delete_registered_model(model_name)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_registered_model(model_name)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_model_version(model_name, "1")
    assert client.search_model_versions(f"name = '{model_name}'") == []
    # The name is free again.
    assert client.create_registered_model(model_name).name == model_name


def test_registered_model_tags(client, model_name):
    client.set_registered_model_tag(model_name, "stage", "draft")
    client.set_registered_model_tag(model_name, "owner", "ada")
    client.set_registered_model_tag(model_name, "stage", "final")
    assert client.get_registered_model(model_name).tags == {"stage": "final", "owner": "ada"}
    client.delete_registered_model_tag(model_name, "stage")
    assert client.get_registered_model(model_name).tags == {"owner": "ada"}
    # Reference: deleting a tag that is not set is a silent no-op for registered models.
    client.delete_registered_model_tag(model_name, "never-set")
    assert client.get_registered_model(model_name).tags == {"owner": "ada"}


def test_search_registered_models(client):
    prefix = unique("rm-search")
    for suffix in ["b", "a", "c"]:
        client.create_registered_model(f"{prefix}-{suffix}", tags={"suffix": suffix})
        time.sleep(0.01)

    found = client.search_registered_models(filter_string=f"name LIKE '{prefix}-%'")
    assert [m.name for m in found] == [f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"]  # default: name ASC

    desc = client.search_registered_models(filter_string=f"name LIKE '{prefix}-%'", order_by=["name DESC"])
    assert [m.name for m in desc] == [f"{prefix}-c", f"{prefix}-b", f"{prefix}-a"]

    by_update = client.search_registered_models(
        filter_string=f"name LIKE '{prefix}-%'", order_by=["last_updated_timestamp DESC"]
    )
    assert [m.name for m in by_update] == [f"{prefix}-c", f"{prefix}-a", f"{prefix}-b"]

    exact = client.search_registered_models(filter_string=f"name = '{prefix}-b'")
    assert [m.name for m in exact] == [f"{prefix}-b"]
    assert exact[0].tags == {"suffix": "b"}

    ilike = client.search_registered_models(filter_string=f"name ILIKE '{prefix.upper()}-A'")
    assert [m.name for m in ilike] == [f"{prefix}-a"]

    tagged = client.search_registered_models(filter_string=f"name LIKE '{prefix}-%' AND tags.suffix = 'c'")
    assert [m.name for m in tagged] == [f"{prefix}-c"]


def test_search_registered_models_paging(client):
    prefix = unique("rm-page")
    names = [f"{prefix}-{i:02d}" for i in range(5)]
    for n in names:
        client.create_registered_model(n)
    seen, token = [], None
    for _ in range(10):
        page = client.search_registered_models(
            filter_string=f"name LIKE '{prefix}-%'", max_results=2, page_token=token
        )
        assert len(page) <= 2
        seen.extend(m.name for m in page)
        token = page.token
        if not token:
            break
    assert seen == names


# --- model versions -------------------------------------------------------------------------------

def test_create_and_get_model_version(client, model_name, source_run):
    run_id, source = source_run
    mv = client.create_model_version(
        model_name, source, run_id=run_id, tags={"framework": "none"}, description="v1 desc"
    )
    assert mv.name == model_name
    assert mv.version == "1"
    assert mv.source == source
    assert mv.run_id == run_id
    assert mv.status == "READY"
    assert mv.current_stage == "None"
    assert mv.description == "v1 desc"
    assert mv.tags == {"framework": "none"}

    got = client.get_model_version(model_name, "1")
    assert (got.version, got.source, got.run_id, got.description) == ("1", source, run_id, "v1 desc")
    assert got.tags == {"framework": "none"}
    assert got.creation_timestamp > 0

    # Versions count up per model.
    assert client.create_model_version(model_name, source, run_id=run_id).version == "2"
    latest = {v.version for v in client.get_registered_model(model_name).latest_versions}
    assert latest == {"2"}


def test_create_version_for_unknown_model(client, source_run):
    run_id, source = source_run
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.create_model_version(unique("no-such-model"), source, run_id=run_id)


def test_source_must_belong_to_run(client, experiment_id, model_name, source_run):
    # Reference: a `mlflow-artifacts:` source inside another run's artifact root is refused with
    # 400 INVALID_PARAMETER_VALUE "Invalid model version source: ... The run_id request parameter
    # must identify the resource that contains the source."
    _, source = source_run
    other_run = client.create_run(experiment_id).info.run_id
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.create_model_version(model_name, source, run_id=other_run)
    assert client.search_model_versions(f"name = '{model_name}'") == []


def test_source_validation(client, model_name, source_run):
    run_id, source = source_run
    refused = [
        (source, None),                                    # mlflow-artifacts: source needs its run_id
        (source.replace("/model", "/../x/model"), run_id),  # no '..' in sources
        ("/tmp/some/local/dir", None),                     # local paths only inside the run's root
        (f"runs:/{'0' * 32}/model", run_id),               # runs:/ must name the same run
    ]
    for bad_source, bad_run in refused:
        with raises_mlflow("INVALID_PARAMETER_VALUE"):
            client.create_model_version(model_name, bad_source, run_id=bad_run)
    assert client.search_model_versions(f"name = '{model_name}'") == []

    # A runs:/ source naming the same run is kept as given.
    mv = client.create_model_version(model_name, f"runs:/{run_id}/model", run_id=run_id)
    assert mv.source == f"runs:/{run_id}/model"
    assert client.get_model_version_download_uri(model_name, mv.version) == f"runs:/{run_id}/model"


def test_update_and_delete_model_version(client, model_name, source_run):
    run_id, source = source_run
    _versions(client, model_name, source, run_id, 3)
    updated = client.update_model_version(model_name, "2", description="new words")
    assert updated.description == "new words"
    assert client.get_model_version(model_name, "2").description == "new words"

    client.delete_model_version(model_name, "2")
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.get_model_version(model_name, "2")
    remaining = sorted(int(v.version) for v in client.search_model_versions(f"name = '{model_name}'"))
    assert remaining == [1, 3]
    # Numbers are not reused.
    assert client.create_model_version(model_name, source, run_id=run_id).version == "4"


def test_model_version_tags(client, model_name, source_run):
    run_id, source = source_run
    client.create_model_version(model_name, source, run_id=run_id)
    client.set_model_version_tag(model_name, "1", "validated", "yes")
    client.set_model_version_tag(model_name, "1", "reviewer", "bob")
    assert client.get_model_version(model_name, "1").tags == {"validated": "yes", "reviewer": "bob"}
    client.delete_model_version_tag(model_name, "1", "validated")
    assert client.get_model_version(model_name, "1").tags == {"reviewer": "bob"}
    # Reference: deleting an unset model-version tag is a silent no-op.
    client.delete_model_version_tag(model_name, "1", "never-set")
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.set_model_version_tag(model_name, "99", "k", "v")


def test_search_model_versions(client, experiment_id, model_name, source_run):
    run_id, source = source_run
    other = client.create_run(experiment_id)
    other_run = other.info.run_id
    client.create_model_version(model_name, source, run_id=run_id)
    client.create_model_version(model_name, f"{other.info.artifact_uri}/model", run_id=other_run)
    client.create_model_version(model_name, source, run_id=run_id)

    by_name = client.search_model_versions(f"name = '{model_name}'")
    assert sorted(v.version for v in by_name) == ["1", "2", "3"]
    assert all(v.name == model_name for v in by_name)

    by_run = client.search_model_versions(f"run_id = '{other_run}'")
    assert [(v.name, v.version) for v in by_run] == [(model_name, "2")]

    both = client.search_model_versions(f"name = '{model_name}' AND run_id = '{run_id}'")
    assert sorted(v.version for v in both) == ["1", "3"]

    ordered = client.search_model_versions(f"name = '{model_name}'", order_by=["version_number ASC"])
    assert [v.version for v in ordered] == ["1", "2", "3"]

    paged = client.search_model_versions(
        f"name = '{model_name}'", max_results=2, order_by=["version_number DESC"]
    )
    assert [v.version for v in paged] == ["3", "2"] and paged.token
    rest = client.search_model_versions(
        f"name = '{model_name}'", max_results=2, order_by=["version_number DESC"], page_token=paged.token
    )
    assert [v.version for v in rest] == ["1"] and not rest.token

    assert client.search_model_versions(f"name = '{unique('nothing')}'") == []


def test_download_uri(client, model_name, source_run):
    run_id, source = source_run
    client.create_model_version(model_name, source, run_id=run_id)
    assert client.get_model_version_download_uri(model_name, "1") == source


# --- stages ---------------------------------------------------------------------------------------

def test_transition_stages_and_latest_versions(client, model_name, source_run):
    run_id, source = source_run
    _versions(client, model_name, source, run_id, 3)

    mv = client.transition_model_version_stage(model_name, "1", "Staging")
    assert mv.current_stage == "Staging"
    client.transition_model_version_stage(model_name, "1", "Production")
    client.transition_model_version_stage(model_name, "2", "Staging")
    assert client.get_model_version(model_name, "1").current_stage == "Production"

    prod = client.get_latest_versions(model_name, stages=["Production"])
    assert [v.version for v in prod] == ["1"]
    staging = client.get_latest_versions(model_name, stages=["Staging"])
    assert [v.version for v in staging] == ["2"]
    assert client.get_latest_versions(model_name, stages=["Archived"]) == []
    # No stages: the latest version of every stage, "None" included.
    every = {v.current_stage: v.version for v in client.get_latest_versions(model_name)}
    assert every == {"Production": "1", "Staging": "2", "None": "3"}

    # Promoting v2 with archive_existing_versions archives the previous Production version.
    promoted = client.transition_model_version_stage(
        model_name, "2", "Production", archive_existing_versions=True
    )
    assert promoted.current_stage == "Production"
    assert client.get_model_version(model_name, "1").current_stage == "Archived"
    assert [v.version for v in client.get_latest_versions(model_name, stages=["Production"])] == ["2"]

    # Without archive_existing_versions, two versions can share a stage; latest wins.
    client.transition_model_version_stage(model_name, "3", "Production")
    assert client.get_model_version(model_name, "2").current_stage == "Production"
    assert [v.version for v in client.get_latest_versions(model_name, stages=["Production"])] == ["3"]

    client.transition_model_version_stage(model_name, "3", "Archived")
    assert client.get_model_version(model_name, "3").current_stage == "Archived"

    # Stage names are case-insensitive on input and canonical on output.
    assert client.transition_model_version_stage(model_name, "3", "staging").current_stage == "Staging"


def test_malformed_registry_filters(client):
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_registered_models(filter_string="name === 'x'")
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.search_model_versions("foo = 'x'")


def test_invalid_stage(client, model_name, source_run):
    run_id, source = source_run
    client.create_model_version(model_name, source, run_id=run_id)
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.transition_model_version_stage(model_name, "1", "Heaven")


# --- aliases --------------------------------------------------------------------------------------

def test_aliases(client, model_name, source_run):
    run_id, source = source_run
    _versions(client, model_name, source, run_id, 2)

    client.set_registered_model_alias(model_name, "champion", "1")
    client.set_registered_model_alias(model_name, "challenger", "2")
    assert client.get_model_version_by_alias(model_name, "champion").version == "1"
    assert client.get_registered_model(model_name).aliases == {"champion": "1", "challenger": "2"}
    assert client.get_model_version(model_name, "1").aliases == ["champion"]

    # Moving an alias re-points it.
    client.set_registered_model_alias(model_name, "champion", "2")
    mv = client.get_model_version_by_alias(model_name, "champion")
    assert mv.version == "2" and sorted(mv.aliases) == ["challenger", "champion"]
    assert client.get_model_version(model_name, "1").aliases == []

    client.delete_registered_model_alias(model_name, "challenger")
    assert client.get_registered_model(model_name).aliases == {"champion": "2"}
    # Reference: unknown alias on an existing model -> 400 INVALID_PARAMETER_VALUE (not 404).
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.get_model_version_by_alias(model_name, "challenger")


def test_alias_to_unknown_version(client, model_name, source_run):
    run_id, source = source_run
    client.create_model_version(model_name, source, run_id=run_id)
    with raises_mlflow("RESOURCE_DOES_NOT_EXIST"):
        client.set_registered_model_alias(model_name, "champion", "42")


def test_deleting_version_drops_its_aliases(client, model_name, source_run):
    run_id, source = source_run
    _versions(client, model_name, source, run_id, 2)
    client.set_registered_model_alias(model_name, "champion", "1")
    client.delete_model_version(model_name, "1")
    assert client.get_registered_model(model_name).aliases == {}
    with raises_mlflow("INVALID_PARAMETER_VALUE"):
        client.get_model_version_by_alias(model_name, "champion")
