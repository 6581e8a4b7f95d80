"""Senior pay and pay by contract type (issue 15): hand-computed cases, the synthetic council's
known answers, absent inputs said to be absent, and disclosure around the highest-paid employee."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from notebook_checks import all_text, finding

from research.core.checks import InputError
from research.core.source import Source
from research.data import datasets, synth
from research.present.disclosure import SUPPRESSED
from research.present.report import Note, Table
from research.seniorpay import contract as c
from research.seniorpay.measures import (
    chief_officers,
    earnings,
    pay_bands,
    pay_multiple,
)
from research.seniorpay.report import build

# ----------------------------------------------------------------------------- hand-computed


def frame(pay, sex=None, **columns) -> pd.DataFrame:
    n = len(pay)
    out = pd.DataFrame(
        {
            "employee_id": [f"E{i}" for i in range(n)],
            "employer": "Council",
            "snapshot_date": pd.Timestamp("2025-03-31"),
            "sex": sex or ["F", "M"] * (n // 2) + ["F"] * (n % 2),
            "annual_basic_pay": [float(p) for p in pay],
        }
    )
    for name, values in columns.items():
        out[name] = values
    return out


def test_the_pay_multiple_on_a_hand_computed_case() -> None:
    # earnings: 20,000 25,000 30,000 40,000 and 100,000 + 5,000 bonus = 105,000
    data = frame([20_000, 25_000, 30_000, 40_000, 100_000], bonus_12m=[0, 0, 0, 0, 5_000.0])
    result = pay_multiple(data)
    assert result.highest == 105_000 and result.median == 30_000 and result.lowest == 20_000
    assert result.multiple == pytest.approx(3.5)
    assert result.highest_to_lowest == pytest.approx(5.25)
    assert result.highest_to_mean == pytest.approx(105_000 / 44_000)
    assert result.elements == ("bonus_12m",)
    table = result.to_frame()
    assert table["ratio"].tolist() == pytest.approx([3.5, 5.25, 105_000 / 44_000])


def test_earnings_count_recorded_elements_and_blank_cells_as_zero() -> None:
    data = frame([30_000, 40_000], overtime_12m=[np.nan, 2_000.0], allowances_12m=np.nan)
    pay, included = earnings(data)
    assert included == ("overtime_12m",)  # allowances are not recorded for anyone
    assert pay.tolist() == [30_000, 42_000]
    with pytest.raises(InputError, match="positive"):
        earnings(frame([30_000, 0]))


def test_pay_bands_start_at_the_floor_and_list_empty_bands() -> None:
    pay = pd.Series([49_999.99, 50_000, 54_999, 55_000, 61_000, 61_500])
    sex = pd.Series(["F", "F", "M", "M", "F", "X"])
    bands = pay_bands(pay, sex)
    assert bands["band"].tolist() == ["50,000 to 54,999", "55,000 to 59,999", "60,000 to 64,999"]
    assert bands["n_female"].tolist() == [1, 0, 1]
    assert bands["n_male"].tolist() == [1, 1, 0]  # sex X is in no column of women or men
    assert pay_bands(pd.Series([10_000.0]), pd.Series(["F"])).empty


def test_chief_officers_by_top_grades_or_by_threshold() -> None:
    data = frame(
        [30_000, 32_000, 60_000, 62_000, 90_000, 95_000],
        grade_rank=pd.array([1, 1, 2, 2, 3, 3], dtype="Int64"),
    )
    pay, _ = earnings(data)
    top = chief_officers(data, pay, top_grades=1)
    assert top.mask.tolist() == [False] * 4 + [True] * 2
    assert "top grade, rank 3 of 3" in top.definition
    by_sex = top.by_sex.set_index("sex")
    assert by_sex.loc["F", "n"] == 1 and by_sex.loc["F", "median"] == 90_000
    two = chief_officers(data, pay, top_grades=2)
    assert two.mask.sum() == 4 and "ranks 2 to 3" in two.definition
    rich = chief_officers(data, pay, threshold=62_000, currency="GBP")
    assert rich.mask.sum() == 3 and "GBP 62,000 or more" in rich.definition
    with pytest.raises(InputError, match="no ordered grades"):
        chief_officers(frame([1.0, 2.0]), pd.Series([1.0, 2.0]), top_grades=1)
    with pytest.raises(InputError, match="one"):
        chief_officers(data, pay)


def test_part_time_and_temporary_gaps_on_a_hand_computed_case() -> None:
    data = frame(
        [1.0] * 8,
        sex=["F", "F", "M", "M", "F", "M", "F", "M"],
        hourly_pay=[10.0, 12.0, 15.0, 15.0, 20.0, 20.0, 8.0, 16.0],
        working_pattern=["part_time"] * 4 + ["full_time"] * 4,
        contract_type=["permanent", "fixed_term", "temporary", "permanent"]
        + ["permanent", "permanent", "casual", "casual"],
    )
    gaps = c.contract_gaps(data).table.set_index("group")
    part = gaps.loc[c.PART_TIME]
    assert (part["n_female"], part["n_male"]) == (2, 2)
    assert part["mean_gap"] == pytest.approx(100 * (15 - 11) / 15)
    assert part["median_gap"] == pytest.approx(100 * (15 - 11) / 15)
    temporary = gaps.loc[c.TEMPORARY]  # fixed-term woman (12) and temporary man (15)
    assert (temporary["n_female"], temporary["n_male"]) == (1, 1)
    assert temporary["mean_gap"] == pytest.approx(100 * (15 - 12) / 15)
    with_casual = c.contract_gaps(data, casual_as_temporary=True).table.set_index("group")
    row = with_casual.loc[c.TEMPORARY]  # women 12, 8; men 15, 16
    assert row["mean_gap"] == pytest.approx(100 * (15.5 - 10) / 15.5)
    assert row["median_gap"] == pytest.approx(100 * (15.5 - 10) / 15.5)


def test_groups_whose_column_is_absent_are_left_out_never_guessed() -> None:
    data = frame([1.0] * 4, hourly_pay=[10.0, 12.0, 11.0, 13.0])
    groups = c.contract_gaps(data).table["group"].tolist()
    assert groups == [c.ALL_EMPLOYEES]


def test_benefit_shares_are_over_recorded_flags() -> None:
    data = frame(
        [1.0] * 6,
        sex=["F", "F", "F", "M", "M", "M"],
        benefit_in_kind=pd.array([True, False, None, True, True, False], dtype="boolean"),
    )
    shares = c.benefit_shares(data).set_index("sex")
    assert shares.loc["F", "n"] == 2 and shares.loc["F", "pct_received"] == pytest.approx(50.0)
    assert shares.loc["M", "n_received"] == 2
    assert shares.loc["M", "pct_received"] == pytest.approx(200 / 3)


# ----------------------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def tail():
    return synth.generate_with_truth(5000, seed=2025, senior_tail=True)


@pytest.fixture(scope="module")
def report(tail):
    return build(tail.data, source=Source("synthetic", currency="GBP"))


def test_the_report_recovers_the_known_pay_multiple(report, tail) -> None:
    senior = tail.truth.senior
    result = report.results["pay_multiple"]
    assert result.multiple == pytest.approx(senior.multiple)
    assert result.median == pytest.approx(senior.median)
    assert result.lowest == pytest.approx(senior.lowest)
    assert finding(report, "pay_multiple").value == round(senior.multiple, 1)
    shown = report["pay_multiple"].data
    assert shown["ratio"].iloc[0] == pytest.approx(senior.multiple)


def test_the_report_counts_the_known_packages_and_chief_officers(tail) -> None:
    senior = tail.truth.senior
    one = build(tail.data, top_grades=1)
    assert one.results["chief_officers"].mask.sum() == senior.n_chief_officers
    by_threshold = build(tail.data, chief_officers_by="threshold", chief_threshold=100_000)
    assert by_threshold.results["chief_officers"].mask.sum() == senior.n_packages
    bands = one.results["pay_bands"]
    above = bands[bands["band_low"] >= 100_000]
    assert int(above[["n_female", "n_male"]].to_numpy().sum()) == senior.n_packages


def test_contract_gaps_and_benefits_match_the_sample(report, tail) -> None:
    data = tail.data
    gaps = report.results["contract_gaps"].table.set_index("group")
    temporary = data["contract_type"].isin(["fixed_term", "temporary"])
    men = data.loc[temporary & (data["sex"] == "M"), "hourly_pay"]
    women = data.loc[temporary & (data["sex"] == "F"), "hourly_pay"]
    expected = 100 * (men.median() - women.median()) / men.median()
    assert gaps.loc[c.TEMPORARY, "median_gap"] == pytest.approx(expected)
    shown = report["contract_gaps"].data.set_index("group")
    assert shown.loc[c.TEMPORARY, "median_gap"] == pytest.approx(expected)
    shares = report["benefits_in_kind"].data.set_index("sex")
    for label, code in (("Women", "F"), ("Men", "M")):
        rows = data[data["sex"] == code]
        assert shares.loc[label, "pct_received"] == pytest.approx(
            100 * rows["benefit_in_kind"].astype(float).mean()
        )
    assert finding(report, "gap_contract_type").value == round(expected, 1)


def test_nothing_about_the_highest_paid_employee_can_be_read(report, tail) -> None:
    """The row of every count table that holds the highest-paid employee shows no zero for a
    sex; no sentence names their grade, job or sex."""
    for name in ("pay_bands", "large_packages"):
        data = report[name].data
        row = data.iloc[-1] if name == "pay_bands" else data.iloc[0]
        assert not any(isinstance(v, int | np.integer) and v == 0 for v in row.iloc[1:]), name
    text = all_text(report).lower()
    top = tail.data.loc[tail.data["annual_basic_pay"].idxmax()]
    assert str(top["occupation_title"]).lower() not in text
    assert "highest-paid employee is a" not in text
    assert "nothing about them" in report["pay_multiple"].notes[0]


def test_small_counts_are_hidden_and_the_audit_note_closes_the_report(report) -> None:
    bands = report["pay_bands"].data
    values = bands[["n_female", "n_male"]].to_numpy().ravel()
    assert SUPPRESSED in values.tolist()
    assert not [v for v in values if not isinstance(v, str) and 0 < v < 10]
    assert report.sections[-1].key == "disclosure" and "audit" in report["disclosure_audit"].text


def test_without_contract_types_benefits_or_hours_the_report_says_so() -> None:
    data = datasets.load_dataset("synthetic:n_employees=600,seed=11,shape=minimal").data
    result = build(data)
    for name in ("contract_gaps", "contract_mix", "benefits_in_kind", "chief_officer_pay"):
        assert isinstance(result[name], Note), name
    assert "not in the data" in result["contract_mix"].text
    assert "not in the data" in finding(result, "benefits_in_kind").text
    assert "hours are not in the data" in finding(result, "contract_gaps").text.lower()
    assert "annual basic pay as recorded" in result["pay_multiple"].caption
    assert isinstance(result["pay_bands"], Table | Note)


def test_without_contract_types_the_part_time_gap_is_still_given() -> None:
    data = synth.generate(3000, seed=7)
    data = data.assign(contract_type=pd.NA, benefit_in_kind=pd.NA)
    result = build(data)
    groups = result["contract_gaps"].data["group"].tolist()
    assert groups == [c.ALL_EMPLOYEES, c.PART_TIME]
    assert "nobody is assumed to be permanent" in finding(result, "gap_contract_type").text


def test_parameters_are_checked() -> None:
    data = synth.generate(600, seed=1)
    with pytest.raises(InputError, match="chief_officers_by"):
        build(data, chief_officers_by="salary")
    with pytest.raises(InputError, match="Too few"):
        build(data[data["sex"] == "F"].head(20))
