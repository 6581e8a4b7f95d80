"""Notebook 60 (council benchmark) runs and publishes what its report holds.

The notebook runs once, for one council (its test parameters); the all-councils shape walks the
same cells, and tests/test_gpg_report.py checks that every item the notebook shows exists in both
shapes of the report.
"""

import pandas as pd
import pytest
from notebook_checks import assert_published, notebook_run

from research.data.gpg import load
from research.gpg.report import build

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def data():
    return load("gpg")


council_run = notebook_run(
    "60_council_benchmark", {"employer": "Leeds City Council", "year": "latest"}
)


def _report(data, employer):
    return build(
        data.panel, sources=data.sources, extract=data.extract, employer=employer, year="latest"
    )


def test_council_report(council_run, data):
    report = _report(data, "Leeds City Council")
    page = assert_published(council_run, report, extra_tables=report.data_files)
    assert "Open Government Licence v3.0" in page and "no disclosure suppression" in page
    tables = council_run.run_dir / "tables"
    position = pd.read_csv(tables / "position.csv").set_index("measure")
    expected = report.table("position").data.set_index("measure")
    assert position["value"].to_dict() == pytest.approx(expected["value"].to_dict())
    assert not (tables / "largest_gaps.csv").exists()
