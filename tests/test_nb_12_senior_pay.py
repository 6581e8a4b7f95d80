"""Notebook 12 (senior pay and pay by contract type) runs and publishes its report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets
from research.seniorpay.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11,senior_tail=true"}
run = notebook_run("12_senior_pay", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source)


def test_the_notebook_publishes_its_report(run, report):
    page = assert_published(run, report)
    assert "pay multiple" in page.lower()
    assert "Transparency Code 2015" in page


def test_every_count_table_is_written_with_its_hidden_cells(run, report):
    bands = (run.run_dir / "tables" / "pay_bands.csv").read_text(encoding="utf-8")
    assert "[c]" in bands
    for name in ("pay_multiple", "chief_officer_pay", "large_packages", "contract_gaps"):
        assert (run.run_dir / "tables" / f"{name}.csv").exists(), name
