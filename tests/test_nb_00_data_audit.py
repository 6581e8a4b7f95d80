"""Notebook 00 (data audit) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from research.data import datasets  # noqa: E402
from research.data_audit.report import build  # noqa: E402
from research.run.runner import run_notebook  # noqa: E402

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_data_audit.ipynb"
SMALL = "synthetic:n_employees=600,seed=11"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_notebook(NOTEBOOK, {"dataset": SMALL}, reports=tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(SMALL)
    return build(ds.data, source=ds.source, ingest=ds.summary, quarantine=ds.quarantine)


def test_the_notebook_runs(run):
    assert run.ok, run.error


def test_every_table_of_the_report_is_published_as_csv(run, report):
    published = {p.stem for p in (run.run_dir / "tables").glob("*.csv")}
    assert {t.name for t in report.tables()} <= published
    figures = {p.stem for p in (run.run_dir / "figures").glob("*.png")}
    assert {f.name for f in report.figures()} <= figures


def test_the_page_states_the_key_findings_with_alt_text(run, report):
    page = run.html.read_text()
    for text in report.findings.texts():
        assert html.escape(text, quote=False) in page, text
    assert "No description has been provided" not in page
    assert "labels=" not in page and "formats=" not in page


def test_the_notebook_is_thin():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [
        line
        for cell in nb.cells
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])
        for line in cell.source.splitlines()
        if line.strip()
    ]
    assert len(code) <= 60
    assert not any("labels=" in line or "formats=" in line or 'f"' in line for line in code)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
