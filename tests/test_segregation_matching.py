"""Change over time when units were renamed: explained, matched through a crosswalk, never a crash."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.data import synth  # noqa: E402
from research.present.report import Note, Table  # noqa: E402
from research.segregation import matching  # noqa: E402
from research.segregation.change import decompose_change  # noqa: E402
from research.segregation.report import build  # noqa: E402

LABEL = "2024 snapshot"


@pytest.fixture(scope="module")
def years():
    frames = synth.generate_years([2024, 2025], n_employees=1200, seed=3)
    latest = frames["snapshot_date"].max()
    return frames[frames["snapshot_date"] < latest].copy(), frames[
        frames["snapshot_date"] == latest
    ]


def renamed(data: pd.DataFrame, column: str, old: set[str]) -> pd.DataFrame:
    out = data.copy()
    values = out[column].astype(str)
    out[column] = values.where(~values.isin(old), "OLD " + values)
    return out


def change_of(report):
    return report.results["change"]


def test_matched_snapshots_need_no_explanation(years):
    earlier, current = years
    report = build(current, earlier=earlier, earlier_label=LABEL, n_boot=0, seed=1)
    match = report.results["unit_match"]
    assert isinstance(report["change_decomposition"], Table)
    if match.matched:
        assert report.table("change_decomposition").notes == ()


def test_renamed_units_are_explained_and_the_report_runs(years):
    earlier, current = years
    every = set(earlier["department"].astype(str))
    report = build(
        current,
        earlier=renamed(earlier, "department", every),
        earlier_label=LABEL,
        occupation_level="department",
        n_boot=0,
        seed=1,
    )
    note = report["change_decomposition"]
    assert isinstance(note, Note)
    n = current["department"].nunique()
    assert note.text.startswith(
        f"Change over time is not shown: none of the current {n} departments is also in the "
        f"{LABEL}, too few to compare."
    )
    assert f"All {n} departments of the {LABEL} are not in the current snapshot" in note.text
    assert '(for example "OLD ' in note.text
    assert "crosswalk" in note.text
    assert "compare a coarser level: job families" in note.text
    found = {f.key: f for f in report.findings}
    assert found["change"].text.startswith("Change over time is not shown: none of the current")
    assert "Departments may have been renamed" in found["change"].text
    assert "change_decomposition_chart" not in report
    # the rest of the report is there
    assert isinstance(report["indices_occupations"], Table)
    assert isinstance(report["segregation_curves"].alt, str)


def test_a_missing_unit_column_in_the_earlier_snapshot_is_a_note(years):
    earlier, current = years
    report = build(
        current,
        earlier=earlier.drop(columns="department"),
        earlier_label=LABEL,
        occupation_level="department",
        n_boot=0,
        seed=1,
    )
    assert report["change_decomposition"].text == (
        f"Change over time is not shown: the {LABEL} has no department column."
    )


def test_partly_renamed_units_count_and_the_crosswalk_matches_them(years):
    earlier, current = years
    codes = sorted(earlier["occupation"].astype(str).unique())[:4]
    old = renamed(earlier, "occupation", set(codes))
    plain = build(current, earlier=earlier, earlier_label=LABEL, n_boot=0, seed=1)
    broken = build(current, earlier=old, earlier_label=LABEL, n_boot=0, seed=1)
    match = broken.results["unit_match"]
    assert len(match.only_earlier) >= 4 and len(match.only_current) >= 4
    assert match.renamed == 0
    notes = broken.table("change_decomposition").notes
    assert len(notes) == 1
    assert f"of the {LABEL} are not in the current snapshot" in notes[0]
    assert "give a crosswalk of earlier to current names" in notes[0]
    assert abs(change_of(broken).components["removals"]) > 1e-6
    n_unmatched = len(match.only_earlier) + len(match.only_current)
    found = {f.key: f for f in broken.findings}
    assert f"{n_unmatched} occupations found in only one snapshot count as additions" in (
        found["change"].text
    )

    crosswalk = {f"OLD {code}": code for code in codes}
    fixed = build(current, earlier=old, earlier_label=LABEL, crosswalk=crosswalk, n_boot=0, seed=1)
    walked = fixed.results["unit_match"]
    assert walked.renamed == 4
    assert walked.only_earlier == plain.results["unit_match"].only_earlier
    for key, value in change_of(plain).components.items():
        assert change_of(fixed).components[key] == pytest.approx(value, abs=1e-12), key
    assert change_of(fixed).difference == pytest.approx(change_of(plain).difference)
    assert any(
        "4 earlier occupations were matched to their current names through the crosswalk" in n
        for n in fixed.table("change_decomposition").notes
    )


def test_a_crosswalk_may_name_labels_and_titles_may_change(years):
    earlier, current = years
    # same code, new title: the same occupation
    retitled = earlier.copy()
    retitled["occupation_title"] = "Old title of " + retitled["occupation_title"].astype(str)
    report = build(current, earlier=retitled, earlier_label=LABEL, n_boot=0, seed=1)
    plain = build(current, earlier=earlier, earlier_label=LABEL, n_boot=0, seed=1)
    assert report.results["unit_match"].only_earlier == plain.results["unit_match"].only_earlier
    assert change_of(report).difference == pytest.approx(change_of(plain).difference)
    # a crosswalk keyed and valued by the report's labels (code and title)
    code = sorted(earlier["occupation"].astype(str).unique())[0]
    old = renamed(earlier, "occupation", {code})
    before = matching.labels(old, "occupation")
    after = matching.labels(current, "occupation")
    old_label = before[old["occupation"].astype(str) == f"OLD {code}"].iloc[0]
    new_label = after[current["occupation"].astype(str) == code].iloc[0]
    labels, match = matching.earlier_labels(old, current, "occupation", {old_label: new_label})
    assert match.renamed == 1 and old_label not in set(labels)


def test_earlier_labels_count_by_hand():
    earlier = pd.DataFrame({"department": ["A", "A", "B", "C", "D", None]})
    current = pd.DataFrame({"department": ["A", "Beta", "C", "E", "E"]})
    labels, match = matching.earlier_labels(earlier, current, "department", {"B": "Beta"})
    assert labels.tolist() == ["A", "A", "Beta", "C", "D", "(missing)"]
    assert match.renamed == 1
    assert match.only_earlier == ("(missing)", "D")
    assert match.only_current == ("E",)
    assert match.n_common == 3
    text = matching.explain(match, "earlier snapshot")
    assert text.startswith(
        "2 of the 5 departments of the earlier snapshot are not in the current snapshot (for "
        'example "(missing)" and "D"); 1 of the 4 current departments is not in the earlier '
        'snapshot (for example "E"). 1 earlier department was matched to its current name '
        "through the crosswalk."
    )
    assert "with more entries" in text


def test_the_decomposition_on_renamed_units_equals_the_one_on_matched_units(years):
    earlier, current = years
    frame = current[current["sex"].astype(str).isin(["F", "M"])]
    before = earlier[earlier["sex"].astype(str).isin(["F", "M"])]
    direct = decompose_change(before, frame, "sex", "job_family", index="M")
    report = build(
        current,
        earlier=renamed(earlier, "job_family", {"Education"}),
        earlier_label=LABEL,
        crosswalk={"OLD Education": "Education"},
        occupation_level="job_family",
        family_level="none",
        n_boot=0,
        seed=1,
    )
    assert change_of(report).difference == pytest.approx(direct.difference, abs=1e-12)
    assert change_of(report).components["structural"] == pytest.approx(
        direct.components["structural"], abs=1e-12
    )
