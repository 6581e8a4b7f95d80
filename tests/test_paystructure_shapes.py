"""The pay structure impact assessment follows what the data holds (issue 13): annual pay only,
no grades, blank grades, and statutory wording only for Great Britain."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from notebook_checks import all_text, finding

from research.core.checks import InputError  # noqa: E402
from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.data.structures import example_structure, read_structure  # noqa: E402
from research.paystructure.eia import ANNUAL_MEASURES  # noqa: E402
from research.paystructure.report import build  # noqa: E402
from research.present.formats import fmt_pct  # noqa: E402

GB = Source("synthetic", "Synthetic council", "GBP")
US = Source("county", "A US county", "USD")


@pytest.fixture(scope="module")
def data():
    return synth.generate(1500, seed=4)


@pytest.fixture(scope="module")
def spec():
    return read_structure(example_structure("synthetic"))


@pytest.fixture(scope="module")
def job_spec(data, spec):
    """The example structure with jobs (occupations) mapped to new grades by their median pay."""
    grades = [g["grade"] for g in spec["grades"]]
    median = data.groupby(data["occupation"].astype(str), observed=True)["annual_basic_pay"]
    share = median.median().rank(pct=True)
    mapping = {job: grades[min(int(p * len(grades)), len(grades) - 1)] for job, p in share.items()}
    out = dict(spec)
    out["assimilation"] = {"rule": "job_map", "column": "occupation", "map": mapping}
    return out


@pytest.fixture(scope="module")
def annual(data):
    return data.assign(weekly_hours=np.nan, fte=np.nan, hourly_pay=np.nan, working_pattern=pd.NA)


@pytest.fixture(scope="module")
def annual_report(annual, spec):
    return build(annual, spec, source=GB)


def mean_gap(frame: pd.DataFrame, pay: str, stat: str = "mean") -> float:
    men = frame.loc[frame["sex"] == "M", pay].agg(stat)
    women = frame.loc[frame["sex"] == "F", pay].agg(stat)
    return 100 * (men - women) / men


# --------------------------------------------------------------------------- annual pay only


def test_annual_only_leads_with_annual_basic_pay(annual_report, annual):
    texts = list(annual_report.findings.texts())
    assert texts[0] == finding(annual_report, "pay_basis").text
    assert texts[0].startswith("Hours and full-time equivalents are not in the data")
    impact = annual_report.results["impact"]
    assert impact.pay_basis == "annual" and impact.uk == {}
    s = impact.statutory.set_index("measure")
    assert list(s.index) == list(ANNUAL_MEASURES)
    assert s.loc[ANNUAL_MEASURES[0], "before"] == pytest.approx(
        mean_gap(annual, "annual_basic_pay")
    )
    assert s.loc[ANNUAL_MEASURES[1], "before"] == pytest.approx(
        mean_gap(annual, "annual_basic_pay", "median")
    )
    after = impact.assimilation.after_protection
    assert s.loc[ANNUAL_MEASURES[0], "after_protection"] == pytest.approx(
        mean_gap(after, "annual_basic_pay")
    )
    sentence = finding(annual_report, "mean_gap_after")
    assert sentence.value == s.loc[ANNUAL_MEASURES[0], "after_protection"]
    assert f"the gap in mean annual basic pay from {fmt_pct(s.iloc[0]['before'])}" in sentence.text


def test_annual_only_makes_no_hourly_or_statutory_claim(annual_report):
    later = " ".join(list(annual_report.findings.texts())[1:])
    assert "hourly" not in later and "statutory" not in later.lower()
    table = annual_report.table("statutory_before_after")
    assert table.caption.startswith("Gaps in mean and median annual basic pay")
    assert list(table.data["measure"]) == list(ANNUAL_MEASURES)
    assert "annual basic pay" in annual_report.table("gap_widening").caption
    assert "hourly" not in annual_report.table("gap_widening").caption
    figure = annual_report["gap_before_after"]
    assert "gap in mean annual basic pay" in figure.alt and "hourly" not in figure.alt
    assert any("not in the data" in n for n in annual_report.table("pay_bill").notes)
    assert any("placed too low" in n for n in annual_report.table("proposed_grades").notes)
    assert "gains_working_pattern" not in {i.name for i in annual_report.items()}
    assert "0 recipients" not in all_text(annual_report)


def test_annual_only_pay_bill_sums_recorded_pay(annual_report, annual):
    bill = annual_report.results["impact"].pay_bill.set_index("moment")
    assert bill.loc["current structure", "pay_bill"] == pytest.approx(
        annual["annual_basic_pay"].sum()
    )


# --------------------------------------------------------------------------- framework


def test_statutory_names_only_in_great_britain(data, spec):
    gb = build(data, spec, source=GB)
    assert "mean gender pay gap in hourly pay" in finding(gb, "mean_gap_after").text
    assert gb.table("statutory_before_after").caption.startswith("Statutory")
    us = build(data, spec, source=US)
    sentence = finding(us, "mean_gap_after").text
    assert "the gap in mean hourly pay from" in sentence and "gender pay gap" not in sentence
    table = us.table("statutory_before_after")
    assert not table.caption.startswith("Statutory")
    measures = list(table.data["measure"])
    assert measures[:2] == ["Gap in mean hourly pay", "Gap in median hourly pay"]
    assert any("not statutory figures" in n for n in table.notes)
    # the same numbers under either name
    assert list(table.data["before"]) == list(gb.table("statutory_before_after").data["before"])


# --------------------------------------------------------------------------- grades


def test_no_grades_builds_with_a_job_map_and_says_grades_are_not_in_the_data(data, job_spec):
    bare = data.assign(grade=pd.NA, grade_rank=pd.NA)
    report = build(bare, job_spec, source=GB)
    impact = report.results["impact"]
    assert impact.audits["before"] is None and impact.n_no_grade == len(bare)
    metrics = report.table("grade_metrics_before_after")
    assert set(metrics.data["before"]) == {"not in the data"}
    assert metrics.data["after_protection"].notna().all()
    assert any("Current grades are not in the data" in n for n in metrics.notes)
    flags = report.table("audit_flags_before_after").data.set_index("moment")
    assert flags.loc["now", "groups"] == "not in the data"
    after = impact.flags.set_index("moment").loc["after_protection"]
    assert finding(report, "flags").text == (
        "Grades with an equal pay flag: not in the data now (no current grades), "
        f"{int(after['flagged_groups'])} of {int(after['groups'])} in the new structure."
    )


def test_annual_only_without_grades_builds(annual, job_spec):
    report = build(annual.assign(grade=pd.NA, grade_rank=pd.NA), job_spec, source=US)
    assert [f.key for f in report.findings][0] == "pay_basis"
    assert report.results["impact"].pay_basis == "annual"


def test_no_grades_with_a_grade_map_is_a_clear_error(data, spec):
    with pytest.raises(InputError, match="records no grade, so the structure's grade_map"):
        build(data.assign(grade=pd.NA, grade_rank=pd.NA), spec)


def test_blank_grades_are_left_out_and_counted(data, spec):
    blank = data.copy()
    blank["grade"] = blank["grade"].astype("object")
    blank.loc[blank.index[::9], ["grade", "grade_rank"]] = [np.nan, pd.NA]
    n_blank = int(blank["grade"].isna().sum())
    report = build(blank, spec, source=GB)
    sentence = finding(report, "left_out")
    assert sentence.value == n_blank
    assert sentence.text.startswith(f"{n_blank} employees have no grade recorded")
    assert len(report.results["impact"].assimilation.employees) == len(blank) - n_blank
