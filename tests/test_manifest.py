"""The typed run manifest (research.run.manifest): one writer, a schema version, old manifests read."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from research.run import manifest as mf
from research.run.runner import code_hashes, make_run_id, package_hash

ROOT = Path(__file__).resolve().parents[1]


def make(**values) -> mf.Manifest:
    return mf.Manifest(
        run_id="20260102T030405-abcdef12",
        notebook="notebooks/00_data_audit.ipynb",
        notebook_stem="00_data_audit",
        title="Data audit",
        parameters={"dataset": "synthetic", "min_cell": 10},
        started="2026-01-02T03:04:05+00:00",
    ).update(**values)


def test_a_new_manifest_is_running_with_the_current_schema_and_round_trips(tmp_path):
    manifest = make(inputs=[{"path": "a.csv", "sha256": "0" * 64, "bytes": 3}])
    assert manifest.status == "running" and manifest.schema == mf.SCHEMA == 1
    path = manifest.write(tmp_path)
    data = json.loads(path.read_text())
    assert list(data)[0] == "schema" and data["schema"] == 1
    assert data["status"] == "running" and data["error"] is None
    assert "plan" not in data  # only batch runs have a plan
    assert mf.read(tmp_path) == manifest and mf.read(path) == manifest
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


def test_extra_fields_and_plans_are_kept(tmp_path):
    manifest = make(plan={"name": "p", "key": "k"}, note="kept")
    manifest.write(tmp_path)
    data = json.loads((tmp_path / mf.FILE_NAME).read_text())
    assert data["plan"] == {"name": "p", "key": "k"} and data["note"] == "kept"
    again = mf.read(tmp_path)
    assert again.plan["key"] == "k" and again.extra == {"note": "kept"}
    assert again.to_dict() == data


def test_older_manifests_without_schema_are_read(tmp_path):
    old = {
        "run_id": "20251101T101010-00000000",
        "notebook": "notebooks/10_pay_gap.ipynb",
        "parameters": {"dataset": "cincinnati"},
        "inputs": [],
        "status": "succeeded",
        "error": None,
        "started": "2025-11-01T10:10:10+00:00",
    }
    (tmp_path / mf.FILE_NAME).write_text(json.dumps(old))
    manifest = mf.read(tmp_path)
    assert manifest.schema == 0 and manifest.ok
    assert manifest.notebook_stem == "10_pay_gap" and manifest.parameters == {
        "dataset": "cincinnati"
    }


def test_unreadable_manifests_raise_or_are_reported(tmp_path):
    with pytest.raises(mf.ManifestError):
        mf.read(tmp_path)
    (tmp_path / mf.FILE_NAME).write_text("{not json")
    with pytest.raises(mf.ManifestError, match="invalid JSON"):
        mf.read(tmp_path)
    assert mf.read_lenient(tmp_path)[1].startswith("invalid JSON")
    (tmp_path / mf.FILE_NAME).write_text('{"run_id": "x"}')
    assert mf.read_lenient(tmp_path) == ({"run_id": "x"}, "missing status")


def test_a_run_that_fails_outside_its_kernel_gets_a_failed_manifest(tmp_path):
    from research.run.execute import execute_run

    notebook = ROOT / "notebooks" / "00_data_audit.ipynb"
    outcome = execute_run(
        str(notebook),
        {"min_cell": 0},
        str(tmp_path),
        "plan-0123456789",
        None,
        {"plan": {"key": "k"}},
    )
    assert outcome["status"] == "failed" and outcome["error"]["ename"] == "ParameterError"
    manifest = mf.read(tmp_path / "00_data_audit" / "plan-0123456789")
    assert manifest.status == "failed" and manifest.schema == 1
    assert manifest.plan == {"key": "k"} and manifest.error["ename"] == "ParameterError"


def test_run_hashes_are_those_of_hashlib(tmp_path):
    notebook = ROOT / "notebooks" / "00_data_audit.ipynb"
    assert code_hashes(notebook)["notebook"] == hashlib.sha256(notebook.read_bytes()).hexdigest()
    params = {"min_cell": 10, "dataset": "synthetic"}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    assert make_run_id(params, datetime(2026, 1, 2, tzinfo=UTC)).endswith(digest[:8])
    package = ROOT / "src" / "research"
    from research.run.runner import CODE_SUFFIXES

    expected = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            expected.update(path.relative_to(package).as_posix().encode())
            expected.update(hashlib.sha256(path.read_bytes()).digest())
    assert package_hash() == expected.hexdigest()
