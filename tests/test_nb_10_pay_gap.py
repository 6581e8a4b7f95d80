"""Notebook 10 (pay gap) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets
from research.paygap.report import build

pytestmark = pytest.mark.notebook

# eu_indicators: the synthetic council is in GB, so the Directive's section is asked for, so
# that every table the report can hold is published by the run
PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11", "n_boot": 100, "eu_indicators": "yes"}
run = notebook_run("10_pay_gap", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(
        ds.data,
        source=ds.source,
        n_boot=PARAMETERS["n_boot"],
        eu_indicators=PARAMETERS["eu_indicators"],
    )


def test_the_notebook_publishes_its_report(run, report):
    page = assert_published(run, report)
    assert "eu_article_9_g_categories" in {t.name for t in report.tables()}
    assert "gov_uk_submission" in {t.name for t in report.tables()}
    assert '<td class="num">not in the data</td>' not in page  # bonus pay is recorded
