"""Notebook 10 (pay gap) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets
from research.paygap.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11", "n_boot": 100}
run = notebook_run("10_pay_gap", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source, n_boot=PARAMETERS["n_boot"])


def test_the_notebook_publishes_its_report(run, report):
    assert_published(run, report)
