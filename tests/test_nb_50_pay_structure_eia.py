"""Notebook 50 (pay structure impact assessment) runs and publishes what its report holds."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from research.data import datasets
from research.data.structures import example_structure, read_structure
from research.paystructure.report import build
from research.run.runner import run_notebook

pytestmark = pytest.mark.notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "50_pay_structure_eia.ipynb"
SMALL = "synthetic:n_employees=600,seed=11"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    return run_notebook(NOTEBOOK, {"dataset": SMALL}, reports=reports, index=False)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(SMALL)
    return build(ds.data, read_structure(example_structure(SMALL)), source=ds.source)


def test_the_notebook_runs(run):
    assert run.ok, run.error
    assert run.html.exists()


def test_every_table_of_the_report_is_published_as_csv(run, report):
    published = {p.stem for p in (run.run_dir / "tables").glob("*.csv")}
    assert {t.name for t in report.tables()} <= published
    figures = {p.stem for p in (run.run_dir / "figures").glob("*.png")}
    assert {f.name for f in report.figures()} <= figures


def test_the_page_holds_the_key_findings_and_alt_text(run, report):
    html = run.html.read_text(encoding="utf-8")  # the exporter re-serialises: ' stays '
    for sentence in report.findings.texts():
        assert escape(sentence, quote=False) in html, sentence
    assert "No description has been provided" not in html
    for figure in report.figures():
        assert escape(figure.alt, quote=False) in html or escape(figure.alt) in html
