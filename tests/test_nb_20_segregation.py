"""notebooks/20_segregation.ipynb runs on a small synthetic workforce and shows the report."""

from __future__ import annotations

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets, snapshots
from research.present.report import Note
from research.segregation.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11", "n_boot": 50}
run = notebook_run("20_segregation", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    earlier = snapshots.earlier_snapshot(ds, "auto")
    return build(
        ds.data,
        source=ds.source,
        earlier=earlier.data,
        earlier_label=earlier.label,
        earlier_reason=earlier.reason,
        n_boot=PARAMETERS["n_boot"],
        seed=2025,
    )


def test_the_notebook_publishes_its_report(run, report):
    assert_published(run, report)
    notes = [i.name for i in report.items() if isinstance(i, Note)]
    assert notes == ["disclosure_audit"]
