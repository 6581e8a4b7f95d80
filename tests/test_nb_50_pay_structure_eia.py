"""Notebook 50 (pay structure impact assessment) runs and publishes its report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets
from research.data.structures import example_structure, read_structure
from research.paystructure.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11"}
run = notebook_run("50_pay_structure_eia", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    structure = read_structure(example_structure(PARAMETERS["dataset"]))
    return build(ds.data, structure, source=ds.source)


def test_the_notebook_publishes_its_report(run, report):
    assert_published(run, report)
