"""Notebook 11 (ethnicity and disability pay gaps) runs on a small synthetic workforce and
publishes its report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets
from research.diversity.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11"}
run = notebook_run("11_ethnicity_disability_pay_gap", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source)


def test_the_notebook_publishes_its_report(run, report):
    page = assert_published(run, report)
    names = {t.name for t in report.tables()}
    assert {"ethnicity_pay_gaps", "ethnicity_pay_quarters", "disability_pay_gaps"} <= names
    assert "How are small numbers protected?" in page
    assert "Method and caveats" in page
