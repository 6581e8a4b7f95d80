"""Notebook 10 (pay gap) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from notebook_checks import assert_published  # noqa: E402

from research.data import datasets  # noqa: E402
from research.paygap.report import build  # noqa: E402
from research.run.runner import run_notebook  # noqa: E402

pytestmark = pytest.mark.notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "10_pay_gap.ipynb"
PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11", "n_boot": 100}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    return run_notebook(NOTEBOOK, PARAMETERS, reports=reports, index=False)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source, n_boot=PARAMETERS["n_boot"])


def test_the_notebook_publishes_its_report(run, report):
    assert_published(run, report)
