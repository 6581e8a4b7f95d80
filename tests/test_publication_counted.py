"""Declared count tables protected together, across reports and runs (issue 12, item 2).

Hand-made cases where the hidden count can be worked out only by putting two tables, or two
runs, side by side.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from research.core.source import Source
from research.present import counted, ledger
from research.present.disclosure import SUPPRESSED
from research.present.publication import PublicationError

C = SUPPRESSED


def _data() -> pd.DataFrame:
    """15 women and 30 men in grade G1, 12 women and 30 men in G2 (all raw values)."""
    rows = [("G1", "F")] * 3 + [("G1", "M")] * 30 + [("G2", "F")] * 12 + [("G2", "M")] * 30
    return pd.DataFrame(rows, columns=["grade", "sex"]).assign(band="G1-2")


def _by_band(data: pd.DataFrame) -> counted.CountTable:
    table = pd.DataFrame({"band": ["G1-2"], "n_female": [15], "n_male": [60]})
    return counted.CountTable(
        "by_band",
        table,
        {"band": "grade"},
        counts={"n_female": {"sex": "F"}, "n_male": {"sex": "M"}},
        members={"band": counted.members(data["band"], data["grade"])},
    )


def _by_grade() -> counted.CountTable:
    table = pd.DataFrame(
        {"grade": ["G1", "G2"], "n_female": [3, 12], "n_male": [30, 30], "gap": [1.0, 2.0]}
    )
    return counted.CountTable(
        "by_grade",
        table,
        {"grade": "grade"},
        counts={"n_female": {"sex": "F"}, "n_male": {"sex": "M"}},
        statistics={"n_female": ["gap"], "n_male": ["gap"]},
    )


def test_small_count_is_hidden_with_its_statistics():
    data = _data()
    result = counted.protect_tables([_by_grade()], data, min_cell=10)
    table = result["by_grade"]
    assert table.loc[0, "n_female"] == C
    assert table.loc[0, "gap"] == C  # the gap rests on the hidden count
    assert table.loc[1, "n_female"] == 12  # nothing can be worked out: no total published


def test_band_total_and_grade_counts_are_audited_together():
    """15 women in the band and 12 in G2 give away the 3 in G1 unless one more cell is hidden."""
    data = _data()
    result = counted.protect_tables([_by_band(data), _by_grade()], data, min_cell=10)
    assert result.audit.exposed.empty
    assert result.audit.added  # a further count was hidden across tables
    hidden = {
        (name, column)
        for name, frame in result.tables.items()
        for column in ("n_female",)
        if (frame[column].astype(object) == C).any()
    }
    assert ("by_grade", "n_female") in hidden
    women_g2 = result["by_grade"].loc[1, "n_female"]
    band = result["by_band"].loc[0, "n_female"]
    assert women_g2 == C or band == C


def test_a_label_that_pools_values_must_say_what_it_covers():
    data = _data()
    table = _by_band(data)
    undeclared = counted.CountTable(table.name, table.data, table.groups, counts=table.counts)
    with pytest.raises(PublicationError, match="members"):
        counted.protect_tables([undeclared, _by_grade()], data, min_cell=10)


def test_a_share_implying_a_small_count_is_hidden():
    """8.3% women among 12 people is 1 woman: the share is hidden, and what rests on it."""
    data = pd.DataFrame({"unit": ["A"] * 12 + ["B"] * 40, "sex": ["F"] + ["M"] * 11 + ["F"] * 40})
    table = pd.DataFrame({"unit": ["A", "B"], "n": [12, 40], "pct_female": [100 / 12, 100.0]})
    declared = counted.CountTable(
        "units",
        table.assign(ratio=[0.1, 2.0]),
        {"unit": "unit"},
        counts={"n": {"sex": frozenset({"F", "M"})}},
        shares={"pct_female": counted.Share({"sex": "F"}, "n", rest={"sex": "M"})},
        statistics={"pct_female": ["ratio"]},
    )
    result = counted.protect_tables([declared], data, min_cell=10)
    shown = result["units"]
    assert shown.loc[0, "pct_female"] == C and shown.loc[0, "ratio"] == C
    assert shown.loc[1, "pct_female"] == 100.0  # 40 women and 0 men: zeros are shown


def test_a_fixed_table_is_never_hidden_but_constrains_the_others():
    data = _data()
    band = _by_band(data)
    required = counted.CountTable(
        band.name, band.data, band.groups, counts=band.counts, members=band.members, fixed=True
    )
    result = counted.protect_tables([required, _by_grade()], data, min_cell=10)
    assert result["by_band"].loc[0, "n_female"] == 15
    assert result["by_grade"].loc[1, "n_female"] == C  # G2 hidden so that G1 is not 15 - 12


def test_subpopulation_is_named_by_who_is_in_it():
    mask = np.array([True, False, True])
    assert counted.subpopulation(mask) == counted.subpopulation(pd.Series(mask))
    assert counted.subpopulation(mask) != counted.subpopulation(np.array([True, True, False]))
    assert counted.subpopulation(np.ones(3, dtype=bool)) == ()


def _run(tmp_path, monkeypatch, name: str) -> None:
    folder = tmp_path / "reports" / "10_pay_gap" / name
    folder.mkdir(parents=True)
    monkeypatch.setenv("RESEARCH_RUN_DIR", str(folder))


def test_earlier_runs_on_the_same_data_take_part(tmp_path, monkeypatch):
    """Run 1 publishes the band total; run 2 alone would publish G2 and give G1 away."""
    data = _data()
    source = Source("x", data_hash="abc")
    _run(tmp_path, monkeypatch, "run1")
    first = counted.protect_tables(
        [_by_band(data)], data, min_cell=10, source=source, across_runs=True
    )
    assert first["by_band"].loc[0, "n_female"] == 15
    saved = json.loads((tmp_path / "reports/10_pay_gap/run1" / ledger.FILE_NAME).read_text())
    assert saved["data_hash"] == "abc" and len(saved["cells"]) == 2

    _run(tmp_path, monkeypatch, "run2")
    second = counted.protect_tables(
        [_by_grade()], data, min_cell=10, source=source, across_runs=True
    )
    assert second.earlier == 2
    assert second["by_grade"].loc[1, "n_female"] == C
    assert "earlier reports" in second.note()

    _run(tmp_path, monkeypatch, "run3")  # other data: the ledger of run 1 does not apply
    other = counted.protect_tables(
        [_by_grade()], data, min_cell=10, source=Source("y", data_hash="d")
    )
    assert other.earlier == 0
    assert other["by_grade"].loc[1, "n_female"] == 12


def test_earlier_runs_that_disagree_are_an_error(tmp_path, monkeypatch):
    data = _data()
    source = Source("x", data_hash="abc")
    _run(tmp_path, monkeypatch, "run1")
    counted.protect_tables([_by_band(data)], data, min_cell=10, source=source, across_runs=True)
    path = tmp_path / "reports/10_pay_gap/run1" / ledger.FILE_NAME
    other = tmp_path / "reports/10_pay_gap/run0"
    other.mkdir()
    payload = json.loads(path.read_text())
    payload["cells"][0]["value"] += 1
    (other / ledger.FILE_NAME).write_text(json.dumps(payload))
    _run(tmp_path, monkeypatch, "run2")
    with pytest.raises(PublicationError, match="different counts for the same people"):
        counted.protect_tables([_by_grade()], data, min_cell=10, source=source, across_runs=True)


def test_nothing_is_written_outside_a_run(tmp_path, monkeypatch):
    monkeypatch.delenv("RESEARCH_RUN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    data = _data()
    counted.protect_tables([_by_grade()], data, min_cell=10, source=Source("x", data_hash="a"))
    assert not list(tmp_path.rglob(ledger.FILE_NAME))


def test_an_earlier_run_hidden_count_stays_protected(tmp_path, monkeypatch):
    """Run 1 hides G1's 3 women and publishes G2's 12; run 2 publishes the band of G1 and G2.

    Alone, run 2's band total (15) is safe; beside run 1 it gives G1's women away (15 - 12), so
    run 2 must hide it. The ledger keeps run 1's hidden cell without its value.
    """
    data = _data()
    source = Source("x", data_hash="abc")
    _run(tmp_path, monkeypatch, "run1")
    first = counted.protect_tables([_by_grade()], data, min_cell=10, source=source)
    assert first["by_grade"].loc[0, "n_female"] == C
    saved = json.loads((tmp_path / "reports/10_pay_gap/run1" / ledger.FILE_NAME).read_text())
    hidden = [cell for cell in saved["cells"] if cell["value"] is None]
    assert len(hidden) == 1 and ["sex", "F"] in hidden[0]["conditions"]
    assert 3 not in [cell["value"] for cell in saved["cells"]]  # the hidden value is never saved

    _run(tmp_path, monkeypatch, "run2")
    second = counted.protect_tables([_by_band(data)], data, min_cell=10, source=source)
    assert second.earlier_hidden == 1
    assert second["by_band"].loc[0, "n_female"] == C
    assert "3 of them published by earlier reports on the same data" in second.note()
    assert "each of the 1 counts earlier reports hid for describing fewer" in second.note()

    _run(tmp_path, monkeypatch, "run3")  # without the earlier runs it would be published
    alone = counted.protect_tables(
        [_by_band(data)], data, min_cell=10, source=source, across_runs=False
    )
    assert alone["by_band"].loc[0, "n_female"] == 15


def test_a_hidden_share_pinned_at_a_large_count_is_no_disclosure():
    """A hidden share of women implies the count of men too; that count (30) being known from
    another table discloses nothing (the threshold rule would publish it)."""
    data = _data()
    shares = pd.DataFrame({"grade": ["G1"], "n": [33], "pct_female": [C]})
    by_share = counted.CountTable(
        "shares",
        shares,
        {"grade": "grade"},
        counts={"n": {}},
        shares={"pct_female": counted.Share({"sex": "F"}, "n", rest={"sex": "M"})},
        statistics={"n": ["pct_female"]},
    )
    men = pd.DataFrame({"grade": ["G1"], "n_male": [30]})
    by_men = counted.CountTable(
        "men", men, {"grade": "grade"}, counts={"n_male": {"sex": "M"}}, fixed=True
    )
    result = counted.protect_tables([by_share, by_men], data, min_cell=10, across_runs=False)
    # women (33 - 30 = 3) would be given away: the total is hidden instead of failing
    assert result["shares"].loc[0, "n"] == C
    assert not result.audit.exposed_cells


def test_runs_side_by_side_audit_in_turn(tmp_path, monkeypatch):
    """While one run audits and records, another run's lock on the same reports folder waits."""
    import fcntl

    _run(tmp_path, monkeypatch, "run1")
    with ledger.locked():
        lock = tmp_path / "reports" / ledger.LOCK_NAME
        with open(lock, "a+b") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(lock, "a+b") as other:  # released afterwards
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
