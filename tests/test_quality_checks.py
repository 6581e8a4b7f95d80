"""Data quality checks that catch bad extracts, each on a small hand-made frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.data.schema import WEEKS_PER_YEAR
from research.data_audit import quality
from research.data_audit.quality import national_living_wage, national_living_wage_on


def frame(n: int = 40, **columns) -> pd.DataFrame:
    """``n`` plausible rows (hours 20-40, pay 25k-35k, full pay), plus ``columns``."""
    hours = np.linspace(20.0, 40.0, n).round(1)
    fte = hours / 37.0
    base = pd.DataFrame(
        {
            "employee_id": [f"E{i:03d}" for i in range(n)],
            "employer": "Council",
            "snapshot_date": pd.Timestamp("2025-03-31"),
            "sex": ["F", "M"] * (n // 2),
            "occupation": "Clerk",
            "grade": pd.Series(["G1", "G2"] * (n // 2), dtype="string"),
            "weekly_hours": hours,
            "fte": fte,
            "working_pattern": np.where(fte < 1, "part_time", "full_time"),
            "annual_basic_pay": np.linspace(25000.0, 35000.0, n),
            "full_pay": True,
        }
    )
    base["hourly_pay"] = base["annual_basic_pay"] * base["fte"] / WEEKS_PER_YEAR / hours
    return base.assign(**columns)


def annual_only(n: int = 40, **columns) -> pd.DataFrame:
    data = frame(n).assign(
        weekly_hours=np.nan,
        fte=np.nan,
        hourly_pay=np.nan,
        working_pattern=pd.Series(pd.NA, index=range(n), dtype="string"),
    )
    return data.assign(**columns)


def check(data: pd.DataFrame, name: str, **options) -> pd.Series:
    table = quality.quality_checks(data, **options).set_index("check")
    return table.loc[name]


def test_a_clean_frame_flags_nothing_new():
    table = quality.quality_checks(frame(), today="2026-01-01").set_index("check")
    for name in (
        "Constant or imputed hours",
        "Working pattern contradicts FTE",
        "Pay below a plausible floor",
        "Low-end pay outliers",
        "Snapshot date in the future",
        "Missing-value tokens kept as text",
        "Blank grades",
    ):
        assert table.loc[name, "n_rows"] == 0, name


# ----------------------------------------------------------------------------- constant hours


def test_one_value_of_hours_for_more_than_95_percent_of_rows():
    hours = np.r_[np.full(39, 37.0), 20.0]  # 97.5% on one value
    row = check(frame(weekly_hours=hours, fte=hours / 37), "Constant or imputed hours")
    assert row["n_rows"] == 39
    assert "weekly hours is 37 for 97.5%" in row["detail"]
    assert "fte is 1 for 97.5%" in row["detail"]
    hours = np.r_[np.full(38, 35.0), 20.0, 20.0]  # exactly 95%: not more than 95%
    row = check(frame(weekly_hours=hours, fte=hours / 37), "Constant or imputed hours")
    assert row["n_rows"] == 0 and "holds more than 95% of rows" in row["detail"]


def test_everyone_on_the_full_time_week():
    row = check(frame(n=4, weekly_hours=36.0, fte=1.0), "Constant or imputed hours")
    assert row["n_rows"] == 4
    row = check(
        frame(n=4, weekly_hours=36.0, fte=1.0), "Constant or imputed hours", full_time_hours=36.0
    )
    assert row["n_rows"] == 4 and "weekly hours is 36 for 100.0%" in row["detail"]


def test_fte_given_as_one_for_everyone_without_hours():
    data = annual_only(fte=1.0)  # the mapping's fte: {value: 1}
    row = check(data, "Constant or imputed hours")
    assert row["n_rows"] == 40 and "fte is 1 for 100.0%" in row["detail"]


def test_constant_hours_not_applicable_without_hours_or_fte():
    row = check(annual_only(), "Constant or imputed hours")
    assert pd.isna(row["n_rows"]) and row["detail"].startswith("not applicable")


# ----------------------------------------------------------------------------- pattern vs FTE


def test_working_pattern_contradicting_fte():
    data = frame(n=6, weekly_hours=37.0)
    data["fte"] = [1.0, 1.0, 0.5, 0.5, 1.2, 0.999]
    data["working_pattern"] = ["part_time", "full_time", "full_time", "part_time", "part_time", "x"]
    row = check(data, "Working pattern contradicts FTE")
    # part time at 1.0 and 1.2, full time at 0.5; the unknown pattern is not judged
    assert row["n_rows"] == 3
    assert row["detail"] == "part time with an FTE of 1 or more, or full time with an FTE below 1"


def test_pattern_check_not_applicable_without_a_pattern():
    row = check(annual_only(fte=1.0), "Working pattern contradicts FTE")
    assert pd.isna(row["n_rows"]) and "working pattern" in row["detail"]


# ----------------------------------------------------------------------------- pay floor


def test_national_living_wage_by_date():
    assert national_living_wage("2025-03-31") == 11.44
    assert national_living_wage("2025-04-01") == 12.21
    assert national_living_wage("2015-01-01") is None
    dates = pd.Series(pd.to_datetime(["2015-01-01", "2020-06-30", "2025-04-01", None]))
    rates = national_living_wage_on(dates)
    assert np.isnan(rates[0]) and np.isnan(rates[3])
    assert rates[1:3].tolist() == [8.72, 12.21]


def test_gbp_floor_with_hours_is_nlw_times_hours():
    data = frame(n=4, weekly_hours=[37.0, 20.0, 20.0, 37.0], fte=[1.0, 20 / 37, 20 / 37, 1.0])
    floor_ft = 11.44 * 37 * WEEKS_PER_YEAR  # about 22,070
    # FTE pay: row 0 just below the floor, row 1 just above, row 2 below (part time at FTE rate),
    # row 3 below but on reduced pay (not full pay): not counted
    data["annual_basic_pay"] = [floor_ft - 10, floor_ft + 10, floor_ft - 10, 1000.0]
    data["full_pay"] = [True, True, True, False]
    row = check(data, "Pay below a plausible floor")
    assert row["n_rows"] == 2
    assert "National Living Wage (£11.44 an hour on 31 March 2025" in row["detail"]


def test_gbp_annual_floor_without_hours():
    floor = 11.44 * 37 * WEEKS_PER_YEAR
    data = annual_only(n=4, annual_basic_pay=[floor - 1, floor + 1, 3000.0, 50000.0])
    row = check(data, "Pay below a plausible floor")
    assert row["n_rows"] == 2
    assert f"£{floor:,.0f}" in row["detail"] and "part-time staff" in row["detail"]


def test_known_part_timers_without_hours_are_not_judged():
    data = annual_only(n=4, annual_basic_pay=3000.0)
    data["working_pattern"] = ["part_time", "part_time", "full_time", pd.NA]
    row = check(data, "Pay below a plausible floor")
    assert row["n_rows"] == 2  # the full-timer and the unknown pattern


def test_usd_floor_is_the_federal_minimum_wage():
    data = annual_only(n=4, annual_basic_pay=[15079.0, 15081.0, 9000.0, 60000.0])
    row = check(data, "Pay below a plausible floor", currency="USD")
    assert row["n_rows"] == 2
    assert "US federal minimum wage ($7.25 an hour)" in row["detail"]
    assert "$15,080" in row["detail"]
    hours = frame(n=2, weekly_hours=20.0, fte=0.5, annual_basic_pay=[15000.0, 14000.0])
    # actual pay 7,500 and 7,000 against 7.25 x 20 x 52 = 7,540
    assert check(hours, "Pay below a plausible floor", currency="USD")["n_rows"] == 2


def test_other_currencies_have_no_floor():
    row = check(frame(), "Pay below a plausible floor", currency="EUR")
    assert pd.isna(row["n_rows"]) and "no pay floor is known for EUR" in row["detail"]


def test_before_the_national_living_wage():
    data = frame(snapshot_date=pd.Timestamp("2015-03-31"))
    row = check(data, "Pay below a plausible floor")
    assert pd.isna(row["n_rows"]) and "before April 2016" in row["detail"]


# ----------------------------------------------------------------------------- low-end outliers


def test_low_outliers_within_the_grade():
    data = frame(n=8, grade=pd.Series(["G1"] * 4 + ["G2"] * 4, dtype="string"))
    data["annual_basic_pay"] = [20000.0, 20000.0, 20000.0, 4999.0, 80000.0, 80000.0, 80000.0, 19000]
    row = check(data, "Low-end pay outliers")
    # 4,999 < 20,000 / 4 and 19,000 < 80,000 / 4 (though 19,000 is ordinary for G1)
    assert row["n_rows"] == 2 and "same grade" in row["detail"]


def test_low_outliers_fall_back_to_occupation_without_grades():
    data = frame(n=6, occupation=["A"] * 3 + ["B"] * 3).drop(columns="grade")
    data["annual_basic_pay"] = [30000.0, 30000.0, 2500.0, 9000.0, 9000.0, 9000.0]
    row = check(data, "Low-end pay outliers")
    assert row["n_rows"] == 1 and "same occupation" in row["detail"]


def test_low_outliers_keep_pay_plans_apart():
    data = frame(n=8, grade=pd.Series(["1"] * 8, dtype="string"))
    data["pay_plan"] = ["Exec"] * 4 + ["Clerical"] * 4
    data["annual_basic_pay"] = [100000.0] * 4 + [20000.0] * 4
    row = check(data, "Low-end pay outliers")
    assert row["n_rows"] == 0 and "within its pay plan" in row["detail"]
    assert check(data.drop(columns="pay_plan"), "Low-end pay outliers")["n_rows"] == 0


# ----------------------------------------------------------------------------- future snapshots


def test_snapshot_dates_in_the_future():
    data = frame(n=4, snapshot_date=pd.to_datetime(["2025-03-31"] * 3 + ["2030-03-31"]))
    assert check(data, "Snapshot date in the future", today="2026-11-30")["n_rows"] == 1
    assert check(data, "Snapshot date in the future", today="2031-01-01")["n_rows"] == 0
    assert check(frame(), "Snapshot date in the future")["n_rows"] == 0  # today by default


# ----------------------------------------------------------------------------- NULL tokens


@pytest.mark.parametrize("token", quality.NULL_TOKENS)
def test_each_missing_value_token_is_caught(token):
    data = frame(n=4)
    data["department"] = pd.Series(["Finance", f" {token} ", "Finance", "Finance"], dtype="string")
    row = check(data, "Missing-value tokens kept as text")
    assert row["n_rows"] == 1 and "in: department" in row["detail"]
    assert "source.null_values" in row["detail"]


def test_tokens_in_several_columns_count_rows_once():
    data = frame(n=4)
    data["grade"] = pd.Series(["NULL", "G1", "G1", "G1"], dtype="category")
    data["occupation"] = ["n/a", "#N/A", "Clerk", "Clerk"]
    row = check(data, "Missing-value tokens kept as text")
    assert row["n_rows"] == 2
    assert "in: occupation, grade" in row["detail"] or "in: grade, occupation" in row["detail"]


def test_no_token_and_ordinary_text():
    data = frame(n=4, occupation=["Nonesuch", "N/A team", "-3", "Clerk"])
    row = check(data, "Missing-value tokens kept as text")
    assert row["n_rows"] == 0 and row["detail"].startswith("no text cell reads NULL")


# ----------------------------------------------------------------------------- blank grades


def test_some_but_not_all_grades_blank():
    data = frame(n=6, grade=pd.Series(["G1", None, "", " ", "G2", "G2"], dtype="string"))
    row = check(data, "Blank grades")
    assert row["n_rows"] == 3 and row["pct_rows"] == pytest.approx(50.0)
    assert '"not recorded"' in row["detail"]


def test_no_grades_at_all_is_not_applicable():
    none = frame(n=4, grade=pd.Series([None] * 4, dtype="string"))
    row = check(none, "Blank grades")
    assert pd.isna(row["n_rows"]) and "not applicable" in row["detail"]
    assert pd.isna(check(frame().drop(columns="grade"), "Blank grades")["n_rows"])


def test_floor_with_fte_but_no_hours_and_currency_in_lower_case():
    # FTE 0.5 and FTE pay 30,000: actual 15,000 against 7.25 x 0.5 x 2,080 = 7,540 -> fine;
    # FTE pay 14,000 -> actual 7,000 below
    data = annual_only(n=2, fte=0.5, annual_basic_pay=[30000.0, 14000.0])
    assert check(data, "Pay below a plausible floor", currency="usd")["n_rows"] == 1
