"""Notebook 40 (equal pay audit) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.audit.report import build
from research.data import datasets

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11"}
run = notebook_run("40_equal_pay_audit", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source)


def test_the_notebook_publishes_its_report(run, report):
    assert_published(run, report)
