"""The pay structure equality impact assessment seam (notebook 50): findings, tables, escaping."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.data.structures import example_structure, read_structure  # noqa: E402
from research.paystructure import structure_from_dict  # noqa: E402
from research.paystructure.report import PayStructureReport, build  # noqa: E402
from research.present.disclosure import TooFewToPublish  # noqa: E402
from research.present.formats import fmt_money, fmt_pct  # noqa: E402
from research.present.report import Figure  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"
C = "[c]"


@pytest.fixture(scope="module")
def data():
    return synth.generate(1500, seed=4)


@pytest.fixture(scope="module")
def spec():
    return read_structure(example_structure("synthetic"))


@pytest.fixture(scope="module")
def report(data, spec):
    return build(data, spec, source=Source("synthetic", "Synthetic council", "GBP"))


def finding(report, key):
    return next(f for f in report.findings if f.key == key)


def test_report_shape_and_title(report, spec):
    assert isinstance(report, PayStructureReport)
    assert [s.key for s in report.sections] == [
        "structure",
        "gains",
        "protection",
        "cost",
        "statutory",
        "grades",
        "widening",
        "disclosure",
    ]
    assert [i.name for i in report.section("gains")] == [
        "gains_all_employees",
        "gains_occupation",
        "gains_working_pattern",
    ]
    details = dict(report.title.details)
    assert details["Proposed structure"] == (
        "Synthetic council - proposed structure (example) "
        f"(src/research/data/structures/synthetic_example.yaml, SHA-256 {spec['file']['sha256'][:12]})"
    )
    assert report.title.dataset == "Synthetic council"


def test_findings_state_the_numbers_of_the_results(report):
    impact = report.results["impact"]
    s = impact.statutory.set_index("measure")
    mean = s.loc["Mean gender pay gap in hourly pay"]
    sentence = finding(report, "mean_gap_after")
    assert sentence.value == mean["after_protection"]
    verb = "narrow" if abs(mean["after_protection"]) < abs(mean["before"]) else "widen"
    assert sentence.text.startswith(
        f"The proposed structure would {verb} the mean gender pay gap in hourly pay from "
        f"{fmt_pct(mean['before'])} to {fmt_pct(mean['after_protection'])}"
    )
    bill = impact.pay_bill.set_index("moment").loc["on assimilation (with pay protection)"]
    assert finding(report, "pay_bill").value == bill["change"]
    assert fmt_money(bill["change"], "GBP") in finding(report, "pay_bill").text
    p = impact.protected.set_index("sex")
    protected = finding(report, "protected")
    assert protected.value == p["n_protected"].sum()
    assert "under protection for 3 years" in protected.text
    flags = impact.flags.set_index("moment")
    assert finding(report, "flags").text == (
        f"Grades with an equal pay flag: {flags.loc['before', 'flagged_groups']} of "
        f"{flags.loc['before', 'groups']} now, {flags.loc['after_protection', 'flagged_groups']} "
        f"of {flags.loc['after_protection', 'groups']} in the new structure."
    )
    assert not any("**" in text or "*" in text for text in report.findings.texts())


def test_tables_have_captions_labels_and_natural_order(report):
    grades = report.table("proposed_grades")
    assert list(grades.data["grade"]) == list("ABCDEFGHIJ")
    assert grades.caption == (
        "The proposed grades: number of pay points and the salary range (full-time equivalent, "
        "GBP a year)"
    )
    assert grades.notes[-1].startswith(
        "Assimilation: each current grade is mapped to a new grade; each employee moves to the "
        "lowest pay point not below their current full-time salary."
    )
    headcount = report.table("new_grade_headcount")
    assert list(headcount.data["new_grade"]) == [*"ABCDEFGHIJ", "Total"]
    assert [c.label for c in headcount.columns] == ["New grade", "Women", "Men", "Total"]
    statutory = report.table("statutory_before_after")
    assert [c.label for c in statutory.columns] == [
        "Measure",
        "Now",
        "On assimilation",
        "After protection",
        "Change",
    ]
    everyone = report.table("gains_all_employees")
    assert list(everyone.data["sex"]) == ["Women", "Men"] and "group" not in everyone.data
    assert report.table("audit_new_grades").column("group").label == "New grade"
    widening = report.table("gap_widening")
    assert widening.caption.endswith("; gap in mean hourly pay, percent of men's pay")


def test_small_groups_are_suppressed(report):
    occupation = report.table("gains_occupation").data
    small = [n for n in occupation["n"] if n != C and n < 10]
    assert not small
    # a group with fewer than 10 gainers or losers hides both (they add up to the headcount)
    gains = report.results["impact"].gains
    gains = gains[gains["breakdown"] == "Occupation"]
    few = gains[(gains["n_gain"].between(1, 9)) | (gains["n_loss"].between(1, 9))]
    both = occupation[(occupation["n_gain"] == C) & (occupation["n_loss"] == C)]
    assert len(few) and len(both) >= len(few)
    assert report.results["disclosure_audit"].exposed.empty
    headcount = report.table("new_grade_headcount").data
    assert (headcount[["F", "M"]] == C).any().any()


def test_figure_alt_text_and_table(report):
    figure = report.figure("gap_before_after")
    assert isinstance(figure, Figure) and figure.table == "gap_widening"
    gaps = report.results["impact"].gaps.set_index("breakdown").loc["All employees"]
    assert (
        f"For all employees it moves from {fmt_pct(gaps['gap_before'])} to "
        f"{fmt_pct(gaps['gap_after'])}." in figure.alt
    )


def test_structure_object_or_mapping_and_overrides(data, spec):
    one = build(data, spec, protection_years=0, placement="nearest")
    two = build(data, structure_from_dict(spec), protection_years=0, placement="nearest")
    assert one.findings.texts() == two.findings.texts()
    assert one.results["impact"].assimilation.placement == "nearest"
    assert finding(one, "protected").text.startswith("There is no pay protection")
    assert "There is no pay protection" in one.table("proposed_grades").notes[-1]
    default = build(data, spec, placement="from_file", protection_years=-1)
    assert default.results["impact"].assimilation.protection_years == 3


def test_a_threshold_above_the_workforce_refuses_the_report(data, spec):
    with pytest.raises(TooFewToPublish, match="fewer than 5000 women and men"):
        build(data, spec, min_cell=5000)


def test_hostile_labels_are_escaped(data, spec):
    first = data["occupation"].value_counts().index[0]
    hostile = data.assign(occupation=np.where(data["occupation"] == first, HOSTILE, "x"))
    hostile = hostile.drop(columns="occupation_title")
    report = build(hostile, spec)
    assert HOSTILE in report.table("gains_occupation").data["group"].tolist()
    html = report._repr_html_()
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
