"""The data audit report seam: ingest accounting, findings, captions, disclosure, absent inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.data_audit import quality  # noqa: E402
from research.data_audit.report import DataAuditReport, build  # noqa: E402
from research.present import disclosure  # noqa: E402
from research.present.formats import fmt_money, fmt_pct  # noqa: E402
from research.present.report import Note, Table  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"
SOURCE = Source("synthetic", "Synthetic council", "GBP")
INGEST = {
    "counts": {"read": 1212, "accepted": 1200, "quarantined": 12},
    "problems": [
        {
            "column": "sex",
            "problem": "code not in mapping",
            "n_rows": 3,
            "examples": ["Q"],
            "fix": "add the code to the mapping",
        },
        {
            "column": "annual_basic_pay",
            "problem": "not positive",
            "n_rows": 9,
            "examples": ["E0001"],
            "fix": "check pay",
        },
    ],
    "full_time_hours": 37.0,
}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synth.generate(1200, seed=5)


@pytest.fixture(scope="module")
def report(data) -> DataAuditReport:
    return build(data, source=SOURCE, ingest=INGEST)


def finding(report, key):
    return next(f for f in report.findings if f.key == key)


def test_sections_and_title(report):
    assert [s.key for s in report.sections] == [
        "profile",
        "ingest",
        "completeness",
        "workforce",
        "pay",
        "quality",
        "disclosure",
    ]
    assert all(s.title.endswith("?") for s in report.sections)
    assert report.title.heading == "Data audit: Synthetic Borough Council, snapshot 31 March 2025"


def test_ingest_accounting_and_reasons_come_from_the_summary(report):
    rows = report["row_accounting"].to_frame()
    assert rows["rows"].tolist() == [1212, 1200, 12]
    reasons = report["quarantine_reasons"]
    assert isinstance(reasons, Table)
    assert reasons.to_frame()["n_rows"].tolist() == [9, 3]  # most frequent first
    assert "examples" not in reasons.to_frame()  # never published
    assert [c.label for c in reasons.columns] == ["Column", "Problem", "Rows", "How to fix it"]
    read = finding(report, "rows_read")
    assert read.value == 1212 and "1,212 rows: 1,200 were accepted and 12 quarantined" in read.text


def test_findings_state_the_numbers(report, data):
    facts = report.results["overview"]
    women = (data["sex"] == "F").sum()
    assert facts["pct_female"] == pytest.approx(100 * women / data["sex"].isin(["F", "M"]).sum())
    share = finding(report, "pct_female")
    assert share.value == facts["pct_female"] and fmt_pct(facts["pct_female"]) in share.text
    median = finding(report, "median_pay")
    expected = data.loc[data["sex"] == "F", "hourly_pay"].median()
    assert median.value == pytest.approx(expected)
    assert f"Median hourly pay is {fmt_money(expected, 'GBP', 2)} for women" in median.text
    assert "part time" in finding(report, "part_time").text


def test_headcount_tables_are_suppressed_and_labelled(report):
    table = report["headcount_by_grade"]
    assert [c.label for c in table.columns] == ["Grade", "Women", "Men", "Total"]
    frame = table.to_frame()
    assert frame["grade"].tolist()[:-1] == sorted(frame["grade"].tolist()[:-1])
    assert frame["grade"].iloc[-1] == "Total"
    cells = frame[["F", "M", "Total"]].to_numpy().ravel()
    assert any(c == disclosure.SUPPRESSED for c in cells)
    assert all(c == disclosure.SUPPRESSED or c == 0 or c >= 10 for c in cells)
    assert "shown as [c]" in table.caption
    occupations = report["headcount_by_occupation"].to_frame()
    assert occupations.iloc[-1, 0] == "Total" and occupations.iloc[-2, 0] == "All other"
    overall = report["headcount_overall"]
    assert overall.caption == "Headcount of all employees by sex."


def test_share_figure_points_to_its_table(report):
    figure = report["female_share_by_occupation"]
    table = report["share_by_occupation"]
    assert figure.table == "share_by_occupation"
    shares = table.to_frame()
    assert shares["pct_female"].is_monotonic_increasing
    assert fmt_pct(shares["pct_female"].iloc[0]) in figure.alt


def test_completeness_and_quality_tables(report, data):
    complete = report["completeness"]
    assert [c.label for c in complete.columns] == [
        "Column",
        "Required",
        "Rows with a value",
        "% with a value",
    ]
    expected = quality.completeness(data).drop(columns="meaning")
    pd.testing.assert_frame_equal(complete.to_frame(), expected)
    checks = report["quality_warnings"].to_frame()
    expected = quality.quality_checks(data)
    small = (expected["n_rows"] > 0) & (expected["n_rows"] < 10)
    assert small.any(), "the synthetic data should exercise the rule"
    assert (checks.loc[small, ["n_rows", "pct_rows"]] == "[c]").all().all()
    pd.testing.assert_frame_equal(
        checks[~small].astype({"n_rows": "int64", "pct_rows": "float64"}),
        expected[~small],
    )
    pay = report["pay_and_hours_by_sex"].to_frame()
    assert set(pay["sex"]) <= {"Women", "Men", "Another recorded sex", "Not recorded"}


def test_no_ingest_summary_is_said(data):
    report = build(data, source=SOURCE)
    assert isinstance(report["row_accounting"], Note)
    assert finding(report, "no_ingest").value is None
    quarantined = build(data, source=SOURCE, quarantine=pd.DataFrame({"reason": ["x"] * 4}))
    assert quarantined["row_accounting"].to_frame()["rows"].tolist() == [1204, 1200, 4]
    clean = build(data, source=SOURCE, ingest={**INGEST, "problems": []})
    assert isinstance(clean["quarantine_reasons"], Note)


def test_absent_hours_grades_and_patterns_are_said_to_be_absent(data):
    bare = data.assign(
        weekly_hours=np.nan,
        hourly_pay=np.nan,
        fte=np.nan,
        grade=pd.Series(pd.NA, index=data.index, dtype="string"),
        grade_rank=pd.Series(pd.NA, index=data.index, dtype="Int64"),
        working_pattern=pd.Series(pd.NA, index=data.index, dtype="string"),
    )
    report = build(bare, source=SOURCE, ingest=INGEST)
    keys = {f.key for f in report.findings}
    assert {"no_hours", "no_grades"} <= keys and "part_time" not in keys
    median = finding(report, "median_pay")
    assert "annual basic pay" in median.text and "hourly" not in median.text
    for name in ("headcount_by_grade", "headcount_by_working_pattern"):
        assert isinstance(report[name], Note) and "records no" in report[name].text
    pay = report["pay_and_hours_by_sex"]
    assert "Working hours are not in the data" in pay.caption
    assert "annual basic pay as recorded" in pay.caption  # FTE is not in the data either
    assert set(pay.to_frame()["measure"]) == {"Annual basic pay (GBP)"}
    assert "hourly" not in report["pay_and_hours_distributions"].alt
    checks = report["quality_warnings"].to_frame().set_index("check")
    assert pd.isna(checks.loc["Implausible weekly hours", "n_rows"])
    assert "not applicable" in checks.loc["Extreme hourly pay", "detail"]


def test_hostile_labels_are_escaped(data):
    hostile = data.assign(
        occupation=np.where(data["occupation"] == data["occupation"].mode()[0], HOSTILE, "x"),
        occupation_title=pd.NA,
    )
    report = build(hostile, source=SOURCE, ingest=INGEST)
    html = report._repr_html_()
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_small_count_of_other_recorded_sex_is_not_stated(data):
    few = data.assign(sex=data["sex"].where(data.index >= 3, "X"))
    text = finding(build(few, source=SOURCE, ingest=INGEST), "pct_female").text
    assert "fewer than 10 more have another or no recorded sex" in text
    many = data.assign(sex=data["sex"].where(data.index >= 30, "X"))
    text = finding(build(many, source=SOURCE, ingest=INGEST), "pct_female").text
    assert "30 more have another or no recorded sex" in text


# ----------------------------------------------------------------------------- the data profile


def annual_only(data: pd.DataFrame) -> pd.DataFrame:
    """An extract with annual pay only: no hours, FTE, hourly pay or working pattern."""
    return data.assign(
        weekly_hours=np.nan,
        fte=np.nan,
        hourly_pay=np.nan,
        working_pattern=pd.Series(pd.NA, index=data.index, dtype="string"),
    )


def with_blank_grades(data: pd.DataFrame, n_blank: int) -> pd.DataFrame:
    grade = data["grade"].astype("string")
    rank = data["grade_rank"].astype("Int64")
    grade.iloc[:n_blank] = pd.NA
    rank.iloc[:n_blank] = pd.NA
    return data.assign(grade=grade, grade_rank=rank)


def test_the_profile_section_comes_first_and_states_what_the_data_hold(report, data):
    section = report.sections[0]
    assert section.title == "What does the data hold?"
    table = report["data_profile"]
    assert [c.label for c in table.columns] == [
        "Item",
        "In the data",
        "Detail",
        "Consequence for the reports",
    ]
    frame = table.to_frame().set_index("item")
    assert frame.loc["Working hours", "held"] == "Yes"
    assert frame.loc["Pay plans (pay scales)", "held"] == "No"
    assert frame.loc["Pay plans (pay scales)", "detail"] == "not in the data"
    assert frame.loc["Overtime pay", "held"] == "No"
    assert frame.loc["Currency", "held"] == "GBP"
    assert "measured from the data" in table.caption  # INGEST holds no stored profile
    assert "Not in the data: pay plans (pay scales), overtime pay, allowances." in table.caption
    assert report.results["profile"].n_rows == len(data)


def test_a_stored_profile_is_used_and_a_subset_is_measured_again(data):
    from research.data.profile import profile

    stored = profile(data, SOURCE).to_dict()
    stored["n_age_band_values"] = 99  # marks the stored one
    report = build(data, source=SOURCE, ingest={**INGEST, "profile": stored})
    assert report.results["profile"].n_age_band_values == 99
    assert "measured at ingest and stored with the dataset" in report["data_profile"].caption
    subset = data.iloc[:600]
    report = build(subset, source=SOURCE, ingest={**INGEST, "profile": stored})
    assert report.results["profile"].n_rows == 600
    assert report.results["profile"].n_age_band_values != 99
    # The source decides currency and framework, whatever the stored profile says.
    us = Source("county", "A US county", "USD", "US")
    report = build(data, source=us, ingest={**INGEST, "profile": stored})
    frame = report["data_profile"].to_frame().set_index("item")
    assert frame.loc["Currency", "held"] == "USD"
    assert frame.loc["Jurisdiction and statutory framework", "held"] == "None applies"


def test_annual_only_data_lead_with_hours_not_in_the_data(data):
    report = build(annual_only(data), source=SOURCE, ingest=INGEST)
    first = report.findings.items[0]
    assert first.key == "no_hours"
    assert first.text == "Working hours are not in the data: pay is compared as annual basic pay."
    texts = " ".join(report.findings.texts())
    assert "hourly" not in texts.replace("no hourly", "")
    assert "part time" not in texts
    frame = report["data_profile"].to_frame().set_index("item")
    assert frame.loc["Working hours", "held"] == "No"
    assert frame.loc["Working hours", "consequence"] == (
        "No hourly pay gap; annual basic pay is compared."
    )
    assert frame.loc["Full-time equivalence (FTE)", "held"] == "No"
    assert frame.loc["Working pattern (full or part time)", "held"] == "No"
    median = finding(report, "median_pay")
    assert "Median annual basic pay is" in median.text and "full-time" not in median.text
    checks = report["quality_warnings"].to_frame().set_index("check")
    for name in ("Constant or imputed hours", "Working pattern contradicts FTE"):
        assert (
            pd.isna(checks.loc[name, "n_rows"]) and "not applicable" in checks.loc[name, "detail"]
        )


def test_blank_grades_are_not_recorded_counted_and_never_crash(data):
    blank = with_blank_grades(data, 40)
    report = build(blank, source=SOURCE, ingest=INGEST, max_grade_groups=5)  # grades pooled
    grades = report["headcount_by_grade"].to_frame()
    assert grades["grade"].tolist()[-2:] == ["Not recorded", "Total"]
    assert grades.loc[grades["grade"] == "Not recorded", "Total"].item() == 40
    stated = finding(report, "blank_grades")
    assert stated.value == 40 and "blank for 40 of 1,200 employees (3.3%)" in stated.text
    checks = report["quality_warnings"].to_frame().set_index("check")
    assert checks.loc["Blank grades", "n_rows"] == 40
    frame = report["data_profile"].to_frame().set_index("item")
    assert frame.loc["Grades", "held"] == "Some rows"
    few = build(with_blank_grades(data, 4), source=SOURCE, ingest=INGEST)
    stated = finding(few, "blank_grades")
    assert stated.value is None and "fewer than 10 of 1,200" in stated.text
    checks = few["quality_warnings"].to_frame().set_index("check")
    assert checks.loc["Blank grades", "n_rows"] == "[c]"


def test_annual_only_data_with_blank_grades_and_null_tokens(data):
    messy = with_blank_grades(annual_only(data), 25)
    messy["department"] = messy["department"].astype("string")
    messy.loc[messy.index[100:130], "department"] = "NULL"
    report = build(messy, source=Source("county", "A US county", "USD", "US"), ingest=INGEST)
    checks = report["quality_warnings"].to_frame().set_index("check")
    assert checks.loc["Missing-value tokens kept as text", "n_rows"] == 30
    assert "department" in checks.loc["Missing-value tokens kept as text", "detail"]
    assert checks.loc["Blank grades", "n_rows"] == 25
    assert "US federal minimum wage" in checks.loc["Pay below a plausible floor", "detail"]
    html = report._repr_html_()
    assert "Working hours are not in the data: pay is compared as annual basic pay." in html


def test_a_hostile_jurisdiction_is_escaped_in_the_profile(data):
    report = build(data, source=Source("x", "X", "GBP", HOSTILE), ingest=INGEST)
    html = report["data_profile"]._repr_html_()
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
