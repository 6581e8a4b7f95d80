"""The reports of one dataset, published one after another, give no small count away together
(issue 12, item 2: disclosure control over the whole publication, across runs).

The reports are built in sequence into one ``reports/`` folder, as ``make report`` runs them, on
data shaped unlike the bundled sets (blank grades, other sexes, hostile titles, annual pay only).
Every count they published, and every small count they hid, is then read back from the run
folders' ledgers and audited as one publication.
"""

from __future__ import annotations

import pytest

from research.core.source import Source
from research.data import synth
from research.data.structures import example_structure, read_structure
from research.present import counted, ledger
from research.present.disclosure import DEFAULT_MIN_CELL
from research.present.publication import audit

SHAPE = "annual_only+blank_grades+other_sex+hostile_titles"


def _builders():
    from research.audit.report import build as audit_build
    from research.data_audit.report import build as data_audit_build
    from research.paygap.report import build as paygap_build
    from research.paystructure.report import build as structure_build
    from research.segregation.report import build as segregation_build

    structure = read_structure(example_structure("synthetic"))
    return {
        "00_data_audit": lambda d, s: data_audit_build(d, source=s),
        "10_pay_gap": lambda d, s: paygap_build(d, source=s, n_boot=0),
        "20_segregation": lambda d, s: segregation_build(d, source=s, n_boot=0),
        "40_equal_pay_audit": lambda d, s: audit_build(d, source=s),
        "50_pay_structure_eia": lambda d, s: structure_build(d, structure, source=s),
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    data = synth.generate(900, seed=5, shape=SHAPE)
    source = Source("synthetic", "Synthetic council", "GBP", data_hash="across-reports-test")
    root = tmp_path_factory.mktemp("reports")
    notes = {}
    with pytest.MonkeyPatch.context() as patch:
        for name, build in _builders().items():
            folder = root / name / "run"
            folder.mkdir(parents=True)
            patch.setenv("RESEARCH_RUN_DIR", str(folder))
            notes[name] = build(data, source).results["disclosure_audit"]
        # what a reader can put side by side: every run's ledger, as a later run reads them
        patch.setenv("RESEARCH_RUN_DIR", str(root / "reader" / "run"))
        cells = ledger.earlier_cells(source.data_hash)
    return data, cells, notes


def test_every_report_recorded_its_counts_and_hidden_cells(published):
    _, cells, _ = published
    reports = {c.table.split("/")[0] for c in cells}
    assert reports == set(_builders())
    assert any(c.suppressed for c in cells) and any(not c.suppressed for c in cells)


def test_later_reports_protected_what_earlier_ones_hid(published):
    _, _, audits = published
    assert sum(len(a.added) for a in audits.values()) > 0
    assert all(a.exposed.empty for a in audits.values())


def test_the_whole_publication_gives_no_small_count_away(published):
    """Audited as one publication, no hidden small count can be narrowed below the threshold."""
    data, cells, _ = published
    result = audit(cells, DEFAULT_MIN_CELL, domains=counted._domains(data, cells))
    assert result.cells_checked == len(cells) > 300
    hidden = result.intervals[result.intervals["sensitive"]]
    assert len(hidden) > 20
    assert result.exposed.empty, result.exposed.head().to_dict("records")
    # read back, every published number is a whole count of at least 0
    assert all(c.value >= 0 for c in cells if c.value is not None)
