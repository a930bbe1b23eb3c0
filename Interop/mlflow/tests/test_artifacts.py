"""Artifacts through the server's proxied store (`mlflow-artifacts:` URIs, /api/2.0/mlflow-artifacts)."""

import hashlib
import os

import mlflow
import mlflow.artifacts
import pytest
from mlflow.exceptions import MlflowException


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _listing(client, run_id, path=None):
    return {f.path: (f.is_dir, f.file_size) for f in client.list_artifacts(run_id, path)}


def test_artifact_uri_is_proxied(client, run_id):
    run = client.get_run(run_id)
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")


def test_log_artifact_and_list(client, run_id, work_dir):
    src = work_dir / "notes.txt"
    src.write_text("hello artifacts\n")
    client.log_artifact(run_id, str(src))
    client.log_artifact(run_id, str(src), artifact_path="docs/deeper")

    root = _listing(client, run_id)
    assert root == {"notes.txt": (False, 16), "docs": (True, None)}
    assert _listing(client, run_id, "docs") == {"docs/deeper": (True, None)}
    assert _listing(client, run_id, "docs/deeper") == {"docs/deeper/notes.txt": (False, 16)}


def test_list_missing_directory_is_empty(client, run_id):
    assert client.list_artifacts(run_id) == []
    assert client.list_artifacts(run_id, "no/such/dir") == []


def test_log_artifacts_nested_tree_and_download_dir(client, run_id, work_dir):
    tree = work_dir / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "top.txt").write_text("top")
    (tree / "a" / "mid.json").write_text('{"k": 1}')
    (tree / "a" / "b" / "leaf.csv").write_text("x,y\n1,2\n")
    client.log_artifacts(run_id, str(tree), artifact_path="data")

    assert _listing(client, run_id) == {"data": (True, None)}
    assert _listing(client, run_id, "data") == {"data/top.txt": (False, 3), "data/a": (True, None)}
    assert _listing(client, run_id, "data/a") == {"data/a/mid.json": (False, 8), "data/a/b": (True, None)}
    assert _listing(client, run_id, "data/a/b") == {"data/a/b/leaf.csv": (False, 8)}

    out = work_dir / "out"
    out.mkdir()
    local = client.download_artifacts(run_id, "data", str(out))
    assert os.path.isdir(local)
    assert (out / "data" / "top.txt").read_text() == "top"
    assert (out / "data" / "a" / "mid.json").read_text() == '{"k": 1}'
    assert (out / "data" / "a" / "b" / "leaf.csv").read_text() == "x,y\n1,2\n"


def test_download_single_file(client, run_id, work_dir):
    src = work_dir / "one.txt"
    src.write_text("just one")
    client.log_artifact(run_id, str(src), artifact_path="sub")
    out = work_dir / "dl"
    out.mkdir()
    local = client.download_artifacts(run_id, "sub/one.txt", str(out))
    assert open(local).read() == "just one"
    via_uri = mlflow.artifacts.download_artifacts(
        artifact_uri=f"runs:/{run_id}/sub/one.txt", dst_path=str(work_dir / "dl2")
    )
    assert open(via_uri).read() == "just one"


def test_log_text_and_dict_then_load(client, experiment_id):
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_text("line one\nline two ✓\n", "texts/readme.md")
        mlflow.log_dict({"alpha": 0.5, "layers": [1, 2, 3], "name": "ünï"}, "config/params.json")
        mlflow.log_dict({"k": "v"}, "config/params.yaml")
    rid = run.info.run_id
    base = run.info.artifact_uri
    assert mlflow.artifacts.load_text(f"{base}/texts/readme.md") == "line one\nline two ✓\n"
    assert mlflow.artifacts.load_dict(f"{base}/config/params.json") == {
        "alpha": 0.5, "layers": [1, 2, 3], "name": "ünï",
    }
    assert mlflow.artifacts.load_text(f"runs:/{rid}/texts/readme.md") == "line one\nline two ✓\n"
    assert mlflow.artifacts.load_text(f"runs:/{rid}/config/params.yaml").strip() == "k: v"
    listing = _listing(client, rid, "config")
    assert set(listing) == {"config/params.json", "config/params.yaml"}
    local = mlflow.artifacts.download_artifacts(f"runs:/{rid}/config/params.json")
    assert listing["config/params.json"] == (False, os.path.getsize(local))


def test_binary_file_round_trip(client, run_id, work_dir):
    size = 5 * 1024 * 1024 + 123
    blob = work_dir / "weights.bin"
    blob.write_bytes(os.urandom(size))
    client.log_artifact(run_id, str(blob), artifact_path="bin")
    assert _listing(client, run_id, "bin") == {"bin/weights.bin": (False, size)}

    out = work_dir / "dl"
    out.mkdir()
    local = client.download_artifacts(run_id, "bin/weights.bin", str(out))
    assert os.path.getsize(local) == size
    assert _sha256(local) == _sha256(blob)


def test_empty_file(client, run_id, work_dir):
    empty = work_dir / "empty.txt"
    empty.write_bytes(b"")
    client.log_artifact(run_id, str(empty))
    # The reference omits file_size 0 from the JSON (protobuf default), so the client sees None.
    assert _listing(client, run_id) in ({"empty.txt": (False, 0)}, {"empty.txt": (False, None)})
    out = work_dir / "dl"
    out.mkdir()
    assert open(client.download_artifacts(run_id, "empty.txt", str(out)), "rb").read() == b""


@pytest.mark.parametrize(
    "dirname, filename",
    [("with space", "my file.txt"), ("ünïcødé-目录", "データ ✓.txt"), ("plus+and&amp", "a=b,c;d.txt")],
)
# Not tested: '%', '#' and '?' in names. The client puts the path into the URL unescaped, so the
# reference stores "pct%20x" as "pct x" and truncates "a#b.txt" to "a" -- nothing a server can fix.
def test_awkward_paths(client, run_id, work_dir, dirname, filename):
    src = work_dir / filename
    src.write_text(f"content of {filename}")
    client.log_artifact(run_id, str(src), artifact_path=dirname)
    assert _listing(client, run_id) == {dirname: (True, None)}
    listing = _listing(client, run_id, dirname)
    assert list(listing) == [f"{dirname}/{filename}"]
    out = work_dir / "dl"
    out.mkdir()
    local = client.download_artifacts(run_id, f"{dirname}/{filename}", str(out))
    assert open(local).read() == f"content of {filename}"


def test_overwrite_artifact(client, run_id, work_dir):
    src = work_dir / "v.txt"
    src.write_text("first")
    client.log_artifact(run_id, str(src))
    src.write_text("second, longer")
    client.log_artifact(run_id, str(src))
    assert _listing(client, run_id) == {"v.txt": (False, len("second, longer"))}
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/v.txt") == "second, longer"


def test_download_missing_file(client, run_id, work_dir):
    # Reference: GET of a missing file -> 404 RESOURCE_DOES_NOT_EXIST; the client wraps it in a
    # generic "Failed to download artifacts from path ..." MlflowException.
    with pytest.raises(MlflowException):
        client.download_artifacts(run_id, "missing.txt", str(work_dir))
    with pytest.raises(MlflowException):
        mlflow.artifacts.load_text(f"runs:/{run_id}/missing.txt")


def test_artifacts_are_per_run(client, experiment_id, work_dir):
    a = client.create_run(experiment_id).info.run_id
    b = client.create_run(experiment_id).info.run_id
    src = work_dir / "only-a.txt"
    src.write_text("a")
    client.log_artifact(a, str(src))
    assert list(_listing(client, a)) == ["only-a.txt"]
    assert client.list_artifacts(b) == []
