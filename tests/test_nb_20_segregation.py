"""notebooks/20_segregation.ipynb runs on a small synthetic workforce and shows the report."""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import pytest

from research.data import datasets, snapshots
from research.present.report import Note
from research.run.runner import run_notebook
from research.segregation.report import build

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "20_segregation.ipynb"
PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11", "n_boot": 50}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_notebook(NOTEBOOK, PARAMETERS, reports=tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    earlier = snapshots.earlier_snapshot(ds, "auto")
    return build(
        ds.data,
        source=ds.source,
        earlier=earlier.data,
        earlier_label=earlier.label,
        earlier_reason=earlier.reason,
        n_boot=PARAMETERS["n_boot"],
        seed=2025,
    )


def test_the_notebook_runs(run):
    assert run.ok, run.error


def test_every_table_is_saved(run, report):
    saved = {p.stem for p in (run.run_dir / "tables").glob("*.csv")}
    assert {t.name for t in report.tables()} <= saved
    figures = {p.stem for p in (run.run_dir / "figures").glob("*.png")}
    assert {f.name for f in report.figures()} <= figures
    assert not any(isinstance(item, Note) for item in report.items())


def test_html_shows_the_key_findings_and_alt_text(run, report):
    page = run.html.read_text()
    for sentence in report.findings.texts():
        assert html.escape(sentence, quote=True) in page, sentence
    assert "No description has been provided" not in page
    for figure in report.figures():
        assert html.escape(figure.alt, quote=True) in page, figure.name


def test_notebook_is_thin():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [
        line
        for cell in notebook.cells
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])
        for line in cell.source.splitlines()
        if line.strip()
    ]
    assert len(code) <= 60
    assert not any("labels=" in line or "formats=" in line or 'f"' in line for line in code)
    assert json.loads(NOTEBOOK.read_text())["cells"][1]["metadata"]["tags"] == ["parameters"]
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
