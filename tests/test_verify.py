"""``research verify``: a fresh run is reproducible; an altered table or input data is caught."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from tiny_notebooks import make_notebook

from research.data import datasets
from research.run import verify
from research.run.cli import main
from research.run.runner import run_notebook
from research.run.verify import compare_tables, verify_run

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path(sys.executable).parent / "research"
SMALL = "synthetic:n_employees=600,seed=11"

BODY = """import os, pathlib
import numpy as np
from research.data import datasets
data = datasets.load(dataset)
rng = np.random.default_rng(seed)
tables = pathlib.Path(os.environ["RESEARCH_RUN_DIR"]) / "tables"
tables.mkdir(exist_ok=True)
counts = data.groupby("sex", observed=True).size()
draw = rng.normal(size=len(counts)).round(6)
lines = ["sex,headcount,draw"] + [f"{s},{n},{d}" for (s, n), d in zip(counts.items(), draw)]
(tables / "headcount.csv").write_text("\\n".join(lines) + "\\n")
(tables / "size.csv").write_text(f"rows\\n{len(data)}\\n")
"""


def seeded_notebook(folder: Path) -> Path:
    return make_notebook(
        folder / "seeded.ipynb",
        "# Seeded table\n\n## Headcount",
        'dataset: str = "synthetic"  # Data [dataset]\nseed: int = 1  # Random seed [min: 0]',
        BODY,
    )


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verify")
    data = folder / "workforce.parquet"
    datasets.load(SMALL).to_parquet(data)
    result = run_notebook(
        seeded_notebook(folder), {"dataset": str(data), "seed": 7}, reports=folder / "reports"
    )
    assert result.ok, result.error
    return result, data


def data_folder(original) -> Path:
    """The fixture's folder: it holds the seeded notebook, the one notebook these runs may use."""
    return original[1].parent


def copy_run(result, tmp_path) -> Path:
    target = tmp_path / "reports" / result.run_dir.parent.name / result.run_dir.name
    shutil.copytree(result.run_dir, target)
    return target


def test_a_fresh_run_is_reproducible(original, tmp_path):
    result, _ = original
    outcome = verify_run(copy_run(result, tmp_path), allowed=data_folder(original))
    assert outcome.status == "reproducible", outcome.describe()
    assert "2 tables identical." in outcome.messages
    assert not (tmp_path / "reports" / "_verify").exists() or not any(
        (tmp_path / "reports" / "_verify").iterdir()
    )


def test_an_altered_table_is_reported_cell_by_cell(original, tmp_path, monkeypatch, capsys):
    result, _ = original
    run_dir = copy_run(result, tmp_path)
    table = run_dir / "tables" / "headcount.csv"
    lines = table.read_text().splitlines()
    sex, count, draw = lines[1].split(",")
    lines[1] = f"{sex},{int(count) + 1},{draw}"
    table.write_text("\n".join(lines) + "\n")
    # in-process, so that the fixture's folder stands in for the project's notebooks/
    monkeypatch.setattr(verify, "project_notebooks", lambda: data_folder(original))
    monkeypatch.setenv("RESEARCH_REPORTS_DIR", str(tmp_path / "reports"))
    with pytest.raises(SystemExit) as exited:
        main(["verify", str(run_dir)])
    done = capsys.readouterr()
    assert exited.value.code == 1, done.err
    assert f"{run_dir}: differs" in done.out
    assert "headcount.csv: 1 cell differ" in done.out
    assert f"row 0, column headcount: '{int(count) + 1}' -> '{count}'" in done.out
    assert "size.csv" not in done.out


def test_changed_input_data_stop_verification_with_a_clear_message(original, tmp_path):
    result, data = original
    run_dir = copy_run(result, tmp_path)
    saved = data.read_bytes()
    try:
        datasets.load(SMALL).head(100).to_parquet(data)
        outcome = verify_run(run_dir, allowed=data_folder(original))
    finally:
        data.write_bytes(saved)
    assert outcome.status == "inputs changed"
    assert any("has changed since the run: recorded sha256" in m for m in outcome.messages)
    assert outcome.rerun_dir is None  # nothing was re-executed


def test_compare_tables_lists_missing_new_and_reshaped_tables(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "same.csv").write_text("x\n1\n")
    (b / "same.csv").write_text("x\n1\n")
    (a / "gone.csv").write_text("x\n1\n")
    (b / "new.csv").write_text("x\n1\n")
    (a / "rows.csv").write_text("x\n1\n2\n")
    (b / "rows.csv").write_text("x\n1\n")
    (a / "cols.csv").write_text("x\n1\n")
    (b / "cols.csv").write_text("y\n1\n")
    found = {d.table: d.problem for d in compare_tables(a, b)}
    assert found == {
        "gone.csv": "missing from the re-run",
        "new.csv": "new in the re-run",
        "rows.csv": "2 rows -> 1 rows",
        "cols.csv": "columns differ: ['x'] -> ['y']",
    }
