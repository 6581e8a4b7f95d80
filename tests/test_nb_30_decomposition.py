"""Notebook 30 (pay gap decomposition) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from research.data import datasets  # noqa: E402
from research.data.truth import synthetic_truth  # noqa: E402
from research.decomposition.report import build  # noqa: E402
from research.run.runner import run_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "30_decomposition.ipynb"
PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11", "n_boot": 30}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_notebook(NOTEBOOK, PARAMETERS, reports=tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source, truth=synthetic_truth(ds), n_boot=PARAMETERS["n_boot"])


def test_the_notebook_runs(run):
    assert run.ok, run.error
    assert run.html.exists()


def test_every_table_is_published_as_csv(run, report):
    published = {p.stem for p in (run.run_dir / "tables").glob("*.csv")}
    missing = [t.name for t in report.tables() if t.name not in published]
    assert not missing
    figures = {p.stem for p in (run.run_dir / "figures").glob("*.png")}
    assert {f.name for f in report.figures()} <= figures


def test_the_page_states_the_key_findings_with_alt_text(run, report):
    page = run.html.read_text(encoding="utf-8")
    for text in report.findings.texts():
        assert html.escape(text, quote=False) in page, text
    assert "No description has been provided" not in page
    assert report.title.heading.split(":")[0] in page
