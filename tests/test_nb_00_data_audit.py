"""Notebook 00 (data audit) runs on a small synthetic workforce and publishes its report."""

from __future__ import annotations

import html

import pytest
from notebook_checks import assert_published, notebook_run

from research.data import datasets
from research.data_audit.report import build

pytestmark = pytest.mark.notebook

PARAMETERS = {"dataset": "synthetic:n_employees=600,seed=11"}
run = notebook_run("00_data_audit", PARAMETERS)


@pytest.fixture(scope="module")
def report():
    ds = datasets.load_dataset(PARAMETERS["dataset"])
    return build(ds.data, source=ds.source, ingest=ds.summary, quarantine=ds.quarantine)


def test_the_notebook_publishes_its_report(run, report):
    assert_published(run, report)


def test_the_page_shows_what_the_data_hold_first(run, report):
    page = assert_published(run, report)
    assert "What does the data hold?" in page
    first = page.index("What does the data hold?")
    assert first < page.index("What was read and what was kept?")
    for sentence in report["data_profile"].to_frame()["consequence"]:
        assert html.escape(sentence, quote=False) in page, sentence
