"""The data profile: what a canonical table holds, measured on small hand-made frames."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from research.core.source import Source
from research.data.profile import DataProfile, PayElement, profile

GBP = Source("council", currency="GBP")


def frame(n: int = 20, **columns) -> pd.DataFrame:
    """A small canonical-looking table: ``n`` rows, full hours and pay, plus ``columns``."""
    base = pd.DataFrame(
        {
            "employee_id": [f"E{i:03d}" for i in range(n)],
            "employer": "Council",
            "snapshot_date": pd.Timestamp("2025-03-31"),
            "sex": ["F", "M"] * (n // 2),
            "occupation": "Clerk",
            "weekly_hours": 37.0,
            "fte": 1.0,
            "working_pattern": "full_time",
            "annual_basic_pay": 30000.0,
            "hourly_pay": 15.5,
        }
    )
    return base.assign(**columns)


def no_values(n: int = 20, dtype: str = "float64") -> pd.Series:
    return pd.Series(np.nan if dtype == "float64" else pd.NA, index=range(n), dtype=dtype)


# ----------------------------------------------------------------------------- hours and FTE


def test_hours_known_for_all_some_or_none():
    assert profile(frame()).hours == "all"
    some = frame(weekly_hours=[37.0] * 15 + [np.nan] * 5)
    held = profile(some)
    assert (held.hours, held.n_hours) == ("some", 15)
    # 5 people without hours: neither their count nor a share that reveals it is stated
    assert "recorded for 15 of 20 employees and missing for fewer than 10" in held.sentence("hours")
    none = profile(frame(weekly_hours=no_values()))
    assert (none.hours, none.n_hours, none.hours_known, none.pay_measure) == (
        "none",
        0,
        False,
        "annual",
    )
    assert none.sentence("hours") == (
        "Working hours are not in the data: pay is compared as annual basic pay."
    )
    assert none.item("hours").consequence == "No hourly pay gap; annual basic pay is compared."
    assert none.item("hours").held == "No" and none.item("hours").detail == "not in the data"


def test_a_missing_column_is_not_in_the_data_never_zero():
    held = profile(frame().drop(columns=["weekly_hours", "fte", "working_pattern"]))
    assert (held.hours, held.fte, held.working_pattern) == ("none", "none", "none")
    assert "not in the data" in held.sentence("fte")
    assert "not in the data" in held.sentence("working_pattern")


def test_fte_known():
    assert profile(frame()).fte == "all"
    held = profile(frame(fte=no_values()))
    assert held.fte == "none"
    assert held.item("fte").consequence == "No full-time-equivalent adjustment of pay."


def test_annual_only_extract():
    annual = frame(
        weekly_hours=no_values(),
        fte=no_values(),
        hourly_pay=no_values(),
        working_pattern=no_values(dtype="string"),
    )
    held = profile(annual, GBP)
    assert (held.hours, held.fte, held.working_pattern) == ("none", "none", "none")
    assert held.pay_measure == "annual"
    assert "full-time and part-time staff cannot be compared" in held.sentence("working_pattern")
    # GB wording, but no statutory figures: they are of hourly pay
    assert held.item("framework").consequence == (
        "GB wording; the statutory figures are of hourly pay, so working hours are needed and "
        "not in the data."
    )
    assert profile(frame(), GBP).item("framework").consequence == (
        "Statutory GB figures and wording."
    )


# ----------------------------------------------------------------------------- working pattern


def test_working_pattern_and_part_time_share():
    data = frame(working_pattern=["part_time"] * 10 + ["full_time"] * 10)
    held = profile(data)
    assert (held.working_pattern, held.n_part_time) == ("all", 10)
    assert held.sentence("working_pattern") == (
        "The working pattern is recorded for every employee; 10 of 20 (50.0%) work part time."
    )
    few = profile(frame(working_pattern=["part_time"] * 3 + ["full_time"] * 17))
    assert "fewer than 10 of 20 work part time" in few.sentence("working_pattern")
    assert "3" not in few.sentence("working_pattern")


# ----------------------------------------------------------------------------- grades


def test_no_grades():
    held = profile(frame())
    assert held.grades == "none" and held.grades_ordered is None and held.n_grade_blank == 0
    assert (
        held.sentence("grades") == "Grades are not in the data: no analysis by grade is possible."
    )


def test_grades_ordered_by_rank():
    data = frame(grade=["A", "B"] * 10, grade_rank=pd.array([1, 2] * 10, dtype="Int64"))
    held = profile(data)
    assert (held.grades, held.n_grades, held.grades_ordered, held.n_rank_ties) == (
        "all",
        2,
        True,
        0,
    )
    assert held.sentence("grades") == (
        "2 grades are recorded for every employee, ordered by grade rank."
    )


def test_grades_without_a_rank_and_ties():
    unordered = profile(frame(grade=["A", "B"] * 10))
    assert unordered.grades_ordered is False
    assert "no grade rank" in unordered.sentence("grades")
    assert "no claim about lower or higher grades" in unordered.item("grades").consequence
    tied = profile(
        frame(grade=["A", "B", "C", "D"] * 5, grade_rank=pd.array([1, 1, 2, 3] * 5, dtype="Int64"))
    )
    assert tied.grades_ordered and tied.n_rank_ties == 2
    assert "2 grades share a rank with another" in tied.item("grades").detail


def test_blank_grades_share_and_count():
    grades = pd.Series(["A"] * 12 + [None] * 6 + ["", " "], dtype="string")  # blank text too
    held = profile(frame(grade=grades))
    assert (held.grades, held.n_graded, held.n_grade_blank) == ("some", 12, 8)
    item = held.item("grades")
    assert item.held == "Some rows"
    assert "blank for fewer than 10 of 20 employees" in item.sentence
    assert '"not recorded"' in item.sentence
    many = profile(frame(40, grade=pd.Series(["A"] * 25 + [None] * 15, dtype="string")))
    assert "blank for 15 of 40 employees (37.5%)" in many.sentence("grades")


# ----------------------------------------------------------------------------- pay plans


def test_pay_plans_absent_blank_or_recorded():
    assert profile(frame()).pay_plans == "none"  # no column at all
    assert profile(frame(pay_plan=no_values(dtype="string"))).pay_plans == "none"
    held = profile(frame(pay_plan=["GS", "Police"] * 10))
    assert (held.pay_plans, held.n_pay_plans, held.n_pay_plan_rows) == ("all", 2, 20)
    assert held.sentence("pay_plans") == (
        "2 pay plans recorded for every employee: grades of different pay plans are kept apart."
    )
    assert "cannot be told apart" in profile(frame()).sentence("pay_plans")


# ----------------------------------------------------------------------------- service, age, diversity


def test_start_dates_age_bands_ethnicity_disability():
    bare = profile(frame())
    for key in ("start_dates", "age_bands", "ethnicity", "disability"):
        assert getattr(bare, key) == "none"
        assert "not in the data" in bare.sentence(key), key
    full = profile(
        frame(
            start_date=pd.Timestamp("2010-01-01"),
            age_band=["25-34", "35-44"] * 10,
            ethnicity="White",
            disability=["Yes"] * 5 + [None] * 15,
        )
    )
    assert (full.start_dates, full.age_bands, full.ethnicity, full.disability) == (
        "all",
        "all",
        "all",
        "some",
    )
    assert full.n_age_band_values == 2 and full.n_disability == 5
    assert "length of service can be taken into account" in full.sentence("start_dates")
    assert full.sentence("age_bands") == "Age bands (2) are recorded for every employee."
    assert full.sentence("disability") == (
        "Disability status is recorded for fewer than 10 of 20 employees."
    )


# ----------------------------------------------------------------------------- pay elements


def test_bonus_not_in_the_data_all_zero_or_paid():
    absent = profile(frame())
    assert absent.element("bonus_12m") == PayElement("bonus_12m", "none")
    assert "not in the data" in absent.sentence("bonus_12m")
    assert "receipt is not known (not zero)" in absent.sentence("bonus_12m")
    blank = profile(frame(bonus_12m=no_values()))
    assert blank.element("bonus_12m").status == "none"
    zero = profile(frame(bonus_12m=0.0))
    assert zero.element("bonus_12m") == PayElement("bonus_12m", "zero", 20, 0)
    assert zero.sentence("bonus_12m") == (
        "Bonus pay is recorded but zero for everyone: none was paid, so there is no gap in bonus "
        "pay to calculate."
    )
    assert zero.item("bonus_12m").held == "Yes, all zero"
    paid = profile(frame(40, bonus_12m=[500.0] * 12 + [0.0] * 28))
    assert paid.element("bonus_12m") == PayElement("bonus_12m", "paid", 40, 12)
    assert paid.sentence("bonus_12m") == "Bonus pay was paid to 12 of 40 employees (30.0%)."


def test_overtime_and_allowances():
    held = profile(frame(overtime_12m=[100.0] * 20, allowances_12m=0.0))
    assert held.element("overtime_12m").status == "paid"
    assert held.element("allowances_12m").status == "zero"
    assert held.sentence("allowances_12m").startswith("Allowances are recorded but zero")
    bare = profile(frame())
    assert bare.sentence("allowances_12m").startswith("Allowances are not in the data")
    assert bare.sentence("overtime_12m").startswith("Overtime pay is not in the data")


# ----------------------------------------------------------------------------- currency, framework


def test_currency_and_framework_come_from_the_source():
    bare = profile(frame())
    assert (bare.currency, bare.jurisdiction, bare.framework) == (None, None, None)
    assert bare.sentence("currency") == "The pay currency is not stated."
    gb = profile(frame(), GBP)
    assert (gb.currency, gb.framework) == ("GBP", "GB")
    assert "the currency GBP implies GB" in gb.sentence("framework")
    assert "Equality Act 2010" in gb.sentence("framework")
    us = profile(frame(), Source("county", currency="USD", jurisdiction="US"))
    assert (us.currency, us.jurisdiction, us.framework) == ("USD", "US", "none")
    assert us.sentence("framework") == (
        "The jurisdiction is US: no GB or EU statutory framework applies, so figures carry "
        "neutral names."
    )
    assert us.item("framework").held == "None applies"
    eu = profile(frame(), Source("ville", currency="EUR", jurisdiction="FR"))
    assert eu.framework == "EU" and "Pay Transparency Directive" in eu.sentence("framework")


# ----------------------------------------------------------------------------- snapshots


def test_one_or_several_snapshots():
    one = profile(frame())
    assert one.snapshots == ("2025-03-31",)
    assert one.sentence("snapshots") == "The data hold one snapshot, 31 March 2025."
    dates = [pd.Timestamp("2016-06-30"), pd.Timestamp("2023-06-30")] * 10
    several = profile(frame(snapshot_date=dates))
    assert several.snapshots == ("2016-06-30", "2023-06-30")
    assert several.sentence("snapshots") == (
        "The data hold 2 snapshots, from 30 June 2016 to 30 June 2023."
    )


# ----------------------------------------------------------------------------- serialisation


def test_to_dict_is_json_and_round_trips():
    data = frame(
        grade=pd.Series(["A"] * 15 + [None] * 5, dtype="string"),
        grade_rank=pd.array([1] * 15 + [None] * 5, dtype="Int64"),
        bonus_12m=[0.0] * 19 + [100.0],
    )
    held = profile(data, GBP)
    values = json.loads(json.dumps(held.to_dict()))
    assert DataProfile.from_dict(values) == held
    assert values["items"][0]["key"] == "hours"
    assert {i["key"] for i in values["items"]} >= {
        "hours",
        "fte",
        "working_pattern",
        "grades",
        "pay_plans",
        "start_dates",
        "age_bands",
        "bonus_12m",
        "overtime_12m",
        "allowances_12m",
        "ethnicity",
        "disability",
        "currency",
        "framework",
        "snapshots",
    }
    table = held.to_frame()
    assert list(table.columns) == ["key", "label", "held", "detail", "sentence", "consequence"]


def test_unknown_item_names_the_items():
    with pytest.raises(KeyError, match="hours"):
        profile(frame()).item("nonsense")


def test_a_lower_threshold_states_small_counts():
    held = profile(frame(working_pattern=["part_time"] * 3 + ["full_time"] * 17))
    assert "3 of 20 (15.0%) work part time" in held.sentence("working_pattern", min_cell=3)


# ----------------------------------------------------------------------------- stored at ingest


def test_ingest_stores_the_profile_in_its_summary(tmp_path):
    from research.data import ingest, synth

    workforce = synth.generate(300, seed=3)
    csv, yml = synth.export_extract(workforce, tmp_path / "extract.csv")
    result = ingest.ingest(csv, yml)
    stored = result.summary["profile"]
    assert json.loads(json.dumps(stored)) == stored  # JSON as written
    held = DataProfile.from_dict(stored)
    assert held == profile(result.data, Source("x", currency=result.summary["currency"]))
    assert held.n_rows == len(result.data) and held.hours == "all" and held.grades == "all"
    paths = ingest.write(result, "profiled", tmp_path / "processed")
    written = json.loads(paths["summary"].read_text(encoding="utf-8"))
    assert DataProfile.from_dict(written["profile"]) == held
