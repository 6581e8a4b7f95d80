"""Notebook 70 (workforce flows) runs and publishes its report, on linked and single snapshots."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data.longitudinal import load_linked
from research.flows.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic_flows:n_employees=800,seed=5", "n_boot": 10}
run = notebook_run("70_workforce_flows", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds, linked = load_linked(PARAMETERS["dataset"])
    return build(
        ds.data,
        moves=linked.moves,
        linkage=linked.linkage.counts,
        source=ds.source,
        n_boot=PARAMETERS["n_boot"],
    )


def test_the_notebook_publishes_its_report(run, report):
    page = assert_published(run, report)
    assert "years" in page and "four-fifths" in page
    assert {"projection", "pipeline", "cohorts"} <= {f.name for f in report.figures()}
