"""Notebook 60 (council benchmark) runs and publishes what its report holds.

The notebook runs once, for one council (its test parameters); the all-councils shape walks the
same cells, and tests/test_gpg_report.py checks that every item the notebook shows exists in both
shapes of the report.
"""

import html
import json
from pathlib import Path

import pandas as pd
import pytest

from research.data.gpg import load
from research.gpg.report import build

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "60_council_benchmark.ipynb"
MAX_CODE_LINES = 60

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def data():
    return load("gpg")


def _run(tmp_path_factory, employer):
    from research.run.runner import run_notebook

    reports = tmp_path_factory.mktemp("reports")
    return run_notebook(NOTEBOOK, {"employer": employer, "year": "latest"}, reports=reports)


@pytest.fixture(scope="module")
def council_run(tmp_path_factory):
    return _run(tmp_path_factory, "Leeds City Council")


def _report(data, employer):
    return build(
        data.panel, sources=data.sources, extract=data.extract, employer=employer, year="latest"
    )


def _check_run(result, report):
    assert result.ok, result.error
    tables = result.run_dir / "tables"
    for table in [*report.tables(), *report.data_files]:
        assert (tables / f"{table.name}.csv").exists(), table.name
    for figure in report.figures():
        assert (result.run_dir / "figures" / f"{figure.name}.png").exists(), figure.name
    page = result.html.read_text(encoding="utf-8")
    for sentence in report.findings.texts():
        assert html.escape(sentence, quote=False) in page, sentence  # the page unescapes quotes
    assert "No description has been provided" not in page
    return page


def test_council_report(council_run, data):
    report = _report(data, "Leeds City Council")
    page = _check_run(council_run, report)
    assert "Open Government Licence v3.0" in page and "no disclosure suppression" in page
    tables = council_run.run_dir / "tables"
    position = pd.read_csv(tables / "position.csv").set_index("measure")
    expected = report.table("position").data.set_index("measure")
    assert position["value"].to_dict() == pytest.approx(expected["value"].to_dict())
    assert not (tables / "largest_gaps.csv").exists()


def test_notebook_is_thin_and_stored_clean():
    nb = json.loads(NOTEBOOK.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "research"
    assert nb["metadata"]["research"]["test_parameters"]["employer"] == "Leeds City Council"
    ids = [cell.get("id") for cell in nb["cells"]]
    assert all(ids) and len(set(ids)) == len(ids)
    assert nb["cells"][0]["cell_type"] == "markdown" and "".join(
        nb["cells"][0]["source"]
    ).startswith("# ")
    assert "".join(nb["cells"][-1]["source"]).startswith("## Method and caveats")
    lines = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [] and cell["execution_count"] is None
        if "parameters" in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        assert "labels=" not in source and "formats=" not in source and 'f"' not in source
        lines += sum(1 for line in source.splitlines() if line.strip())
    assert lines <= MAX_CODE_LINES
