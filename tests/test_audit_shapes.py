"""The equal pay audit follows what the data holds (issue 13): annual-only pay, no grades, blank
grades, pay plans, absent pay elements and factors, job evaluation and the legal framework."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from notebook_checks import all_text, finding

from research.audit.report import build, with_groupings  # noqa: E402
from research.core.checks import InputError  # noqa: E402
from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.present.report import Note  # noqa: E402

GB = Source("synthetic", "Synthetic council", "GBP")
US = Source("county", "A US county", "USD")


@pytest.fixture(scope="module")
def data():
    return synth.generate(1500, seed=4)


@pytest.fixture(scope="module")
def annual(data):
    """Annual salaries only: no hours, FTE, hourly pay, working pattern, start dates or bonus."""
    return data.assign(
        weekly_hours=np.nan,
        fte=np.nan,
        hourly_pay=np.nan,
        working_pattern=pd.NA,
        start_date=pd.NaT,
        bonus_12m=np.nan,
    )


@pytest.fixture(scope="module")
def annual_report(annual):
    return build(annual, source=US)


def with_blank_grades(data, every=7):
    out = data.copy()
    out["grade"] = out["grade"].astype("object")
    out.loc[out.index[::every], ["grade", "grade_rank"]] = [np.nan, pd.NA]
    return out


# --------------------------------------------------------------------------- annual pay only


def test_annual_only_compares_annual_basic_pay_and_says_so(annual_report):
    texts = list(annual_report.findings.texts())
    assert texts[0] == finding(annual_report, "pay_basis").text
    assert texts[0].startswith("Hours and full-time equivalents are not in the data")
    assert "annual basic pay" in texts[0]
    assert "mean annual basic pay" in finding(annual_report, "largest_gap").text
    later = " ".join(texts[1:])
    assert "hourly" not in later and "full-time equivalent" not in later


def test_annual_only_has_no_hourly_columns_or_zeros(annual_report):
    audit = annual_report.results["audit"]
    assert [e.name for e in audit.elements] == ["basic"]
    assert audit.elements[0].label == "annual basic pay (as recorded)"
    gaps = annual_report.table("audit_mean_gaps")
    assert "gap_hourly" not in gaps.data and "gap_bonus" not in gaps.data
    assert [c.label for c in gaps.columns][3] == "Gap: annual basic pay (%)"
    elements = annual_report.table("audit_pay_elements").data.set_index("element")
    assert elements.loc["hourly pay", "description"] == "not in the data (no hours)"
    assert elements.loc["bonus pay", "description"] == "not in the data"
    assert elements.loc["bonus pay", "compared"] == "not compared"
    receipt = annual_report["audit_receipt"]
    assert isinstance(receipt, Note) and "not in the data" in receipt.text
    assert "0 recipients" not in all_text(annual_report)
    assert "recipients" not in " ".join(annual_report.findings.texts())
    coverage = annual_report.table("audit_coverage")
    assert coverage.caption == "Employees covered, by sex (working pattern: not in the data)"
    logib = annual_report.table("audit_logib")
    assert "log annual basic pay" in logib.caption
    assert "full-time" not in logib.caption


def test_annual_only_factors_and_actions_name_only_what_was_computed(annual_report):
    factors = annual_report.table("audit_factors")
    keys = set(factors.data.columns)
    assert {"age_female", "age_male", "position_female", "position_male"} <= keys
    assert not keys & {"service_female", "hours_female", "pct_part_time_female"}
    assert "Part-time work: not in the data (no working pattern)." in factors.notes
    actions = annual_report.results["audit"].action_list(10)
    assert len(actions)
    for check in actions["check"]:
        head, _, tail = check.partition(" Not in the data: ")
        assert tail == "length of service, working pattern and hours."
        for word in ("service", "hours", "part-time"):
            assert word not in head


def test_annual_only_report_is_framed_without_gb_law(annual_report):
    text = all_text(annual_report)
    assert "Equality Act" not in text and "rated as equivalent" not in text
    assert "not declared to be from an employer in Great Britain" in (
        annual_report["audit_grouping"].text
    )


# --------------------------------------------------------------------------- grades


def test_no_grades_groups_by_occupation_by_default_and_says_so(data):
    bare = data.assign(grade=pd.NA, grade_rank=pd.NA)
    report = build(bare, source=GB)
    assert ("Equal work identified by", "the same occupation") in report.title.details
    texts = list(report.findings.texts())
    assert texts[0] == (
        "Grades are not in the data, so the audit compares employees in the same occupation."
    )
    assert "(employees in the same occupation)" in finding(report, "groups").text
    assert set(report.table("audit_groups").data["basis"]) == {"same occupation"}
    assert "This dataset records no grades" in report["audit_grouping"].text
    assert "grade_group" not in all_text(report)
    with pytest.raises(InputError) as error:
        build(bare, group_by="grade")
    assert "grade_group" not in str(error.value) and "records no grades" in str(error.value)


def test_annual_only_without_grades_builds(annual):
    report = build(annual.assign(grade=pd.NA, grade_rank=pd.NA), source=US)
    keys = [f.key for f in report.findings]
    assert keys[:2] == ["pay_basis", "grouping"]
    assert "occupation group" in finding(report, "logib").text


def test_blank_grades_are_listed_as_not_recorded_and_not_compared(data):
    blank = with_blank_grades(data)
    report = build(blank, source=GB)
    audit = report.results["audit"]
    missing = blank["grade"].isna()
    women = int((missing & (blank["sex"] == "F")).sum())
    men = int((missing & (blank["sex"] == "M")).sum())
    assert audit.not_recorded == (women, men)
    assert "grade not recorded" not in set(audit.table["group"])
    groups = report.table("audit_groups").data
    last = groups.iloc[-1]
    assert (last["group"], last["basis"]) == ("grade not recorded", "not compared")
    assert (last["n_female"], last["n_male"]) == (women, men)
    sentence = finding(report, "not_recorded")
    assert sentence.value == women + men
    assert sentence.text.startswith(f"{women + men} women and men have no recorded grade")
    assert any("no recorded grade are left out" in n for n in report.table("audit_logib").notes)
    # the compared employees are exactly those with a grade
    basic = audit.table[(audit.table["element"] == "basic") & (audit.table["stat"] == "mean")]
    assert basic["n_female"].sum() + basic["n_male"].sum() == int(
        (~missing & blank["sex"].isin(["F", "M"])).sum()
    )


def test_blank_grades_with_many_grades_do_not_crash(data):
    report = build(with_blank_grades(data), max_grade_groups=4, run_logib=False)
    labels = list(report.table("audit_groups").data["group"])
    assert labels[-1] == "grade not recorded"
    assert all(label.startswith("ranks ") for label in labels[:-1])


def test_pay_plans_keep_grades_apart(data):
    plans = data.assign(pay_plan=np.where(np.arange(len(data)) % 2, "Police", "Staff"))
    report = build(plans, source=GB, run_logib=False)
    labels = list(report.table("audit_groups").data["group"])
    assert labels and all(label.startswith(("Police: ", "Staff: ")) for label in labels)
    assert "within each pay plan" in finding(report, "groups").text
    audit = report.results["audit"]
    assert audit.n_groups == plans.groupby(["pay_plan", "grade"], observed=True).ngroups
    banded = build(plans, max_grade_groups=3, run_logib=False)
    for label in banded.table("audit_groups").data["group"]:
        assert label.startswith(("Police: ranks ", "Staff: ranks "))


# --------------------------------------------------------------------------- job evaluation


def test_rated_as_equivalent_only_when_job_evaluation_is_declared_in_gb(data):
    plain = build(data, source=GB, run_logib=False)
    assert set(plain.table("audit_groups").data["basis"]) == {"same grade"}
    assert "rated as equivalent" not in " ".join(plain.findings.texts())
    declared = build(data, source=GB, job_evaluation=True, run_logib=False)
    assert set(declared.table("audit_groups").data["basis"]) == {"rated as equivalent"}
    assert "(employees in the same job evaluation grade)" in finding(declared, "groups").text
    assert "Equality Act 2010, s.65(4)" in declared["audit_grouping"].text
    abroad = build(data, source=US, job_evaluation=True, run_logib=False)
    assert set(abroad.table("audit_groups").data["basis"]) == {"same job evaluation grade"}
    assert "rated as equivalent" not in all_text(abroad)


def test_bands_are_never_called_equivalent(data):
    report = build(data, source=GB, job_evaluation=True, max_grade_groups=4, run_logib=False)
    basis = report.table("audit_groups").data.set_index("group")["basis"]
    grades = with_groupings(data, max_grade_groups=4).groupby("grade_group", observed=True)
    n_grades = grades["grade"].nunique()
    assert (n_grades > 1).any()
    for group, n in n_grades.items():
        assert basis[group] == ("rated as equivalent" if n == 1 else "neighbouring grades")


def test_regression_sentences_name_only_the_factors_used(annual_report, data):
    logib = annual_report.results["logib"]
    sentence = finding(annual_report, "logib")
    assert sentence.value == logib.kennedy
    assert sentence.text.startswith("Taking grade and potential experience into account, women")
    assert finding(annual_report, "logib_absent").text == (
        "Not in the data, so not taken into account by the regression: length of service "
        "(no start dates) and hours (annual pay as recorded is compared)."
    )
    banded = build(data, max_grade_groups=4)
    assert finding(banded, "logib").text.startswith(
        "Taking grade band, length of service and potential experience into account"
    )
