"""UK statutory gender pay gap figures: worked examples, hand-computed cases, properties."""

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research import paygap
from research.core.checks import InputError
from research.data import synth
from research.paygap import band_sizes, quartile_bands

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def frame(hourly, sexes, bonus=None, full_pay=None) -> pd.DataFrame:
    data = pd.DataFrame({"sex": list(sexes), "hourly_pay": np.asarray(hourly, dtype=float)})
    if bonus is not None:
        data["bonus_12m"] = np.asarray(bonus, dtype=float)
    if full_pay is not None:
        data["full_pay"] = pd.array(full_pay, dtype="boolean")
    return data


def published(case: str) -> dict:
    path = DATA / "published_values.json"
    if not path.exists():
        path = ROOT.parent / "shared" / "data" / "reference" / "published_values.json"
    cases = json.loads(path.read_text())["paygap"]
    return next(c for c in cases if c["case"] == case)


# --- full-pay relevant employees: the GEO/Acas worked example ------------------------------------


def test_full_pay_relevant_worked_example():
    example = pd.read_csv(DATA / "paygap" / "uk_fpre_worked_example.csv")
    flags = paygap.full_pay_relevant(
        example["pay_in_snapshot_week_gbp"],
        example["usual_weekly_pay_gbp"],
        example["absence_type"],
    )
    assert (flags == example["expected_full_pay_relevant"]).all()
    assert int(flags.sum()) == published("uk_fpre_example_count_fpre")["expected"]
    wendy = flags[example["employee"] == "Wendy"].item()
    assert int(wendy) == published("uk_fpre_example_wendy_strike")["expected"]


# --- hand-computed figures ------------------------------------------------------------------------


def test_mean_and_median_gaps_by_hand():
    # men 10, 20, 30 (mean 20, median 20); women 9, 12 (mean 10.5, median 10.5)
    result = paygap.uk_gpg(frame([10, 20, 30, 9, 12], "MMMFF"))
    assert result.mean_hourly_gap == pytest.approx(100 * (20 - 10.5) / 20)
    assert result.median_hourly_gap == pytest.approx(100 * (20 - 10.5) / 20)


def test_bonus_figures_by_hand_use_recipients_and_all_relevant_employees():
    data = frame(
        [10, 10, 10, 10, 10, 10],
        "MMMFFF",
        bonus=[100, 300, 0, 50, 0, 0],
        full_pay=[True, True, False, True, False, True],  # reduced pay does not remove bonus data
    )
    result = paygap.uk_gpg(data)
    assert result.pct_male_bonus == pytest.approx(200 / 3)
    assert result.pct_female_bonus == pytest.approx(100 / 3)
    assert result.mean_bonus_gap == pytest.approx(100 * (200 - 50) / 200)
    assert result.median_bonus_gap == pytest.approx(100 * (200 - 50) / 200)
    assert result.counts["full_pay_male"] == 2 and result.counts["full_pay_female"] == 2


def test_employees_on_reduced_pay_leave_the_hourly_figures():
    data = frame([10, 20, 5, 10, 10], "MMMFF", full_pay=[True, True, False, True, True])
    result = paygap.uk_gpg(data)
    assert result.mean_hourly_gap == pytest.approx(100 * (15 - 10) / 15)


@pytest.mark.parametrize(
    ("n", "sizes"), [(8, [2, 2, 2, 2]), (9, [3, 2, 2, 2]), (10, [3, 2, 3, 2]), (11, [3, 3, 3, 2])]
)
def test_band_sizes_spread_the_remainder_as_documented(n, sizes):
    assert band_sizes(n).tolist() == sizes


def test_quartiles_without_ties_by_hand():
    # 9 employees: bands of 3, 2, 2, 2 (lowest paid first)
    hourly = np.arange(1, 10)
    male = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1], dtype=bool)
    bands = quartile_bands(hourly, male)
    assert bands["n"].tolist() == [3, 2, 2, 2]
    assert bands["pct_male"].round(6).tolist() == [round(100 / 3, 6), 50.0, 50.0, 100.0]


@pytest.mark.parametrize("boundary", [1, 2, 3])
def test_tied_rate_across_each_boundary_is_shared_in_proportion(boundary):
    # 8 employees, bands of 2. A group of four on the same rate sits across band `boundary`:
    # positions 2*boundary-2 .. 2*boundary+1, with one man among the four.
    start = 2 * boundary - 2
    hourly = np.arange(8, dtype=float)
    hourly[start : start + 4] = 100.0 + boundary  # tied
    hourly[start + 4 :] += 1000  # keep the rest above the tie
    male = np.zeros(8, dtype=bool)
    male[start] = True  # the only man in the tie comes first in the data
    bands = quartile_bands(hourly, male)
    tied_bands = [boundary - 1, boundary]
    for b in tied_bands:
        assert bands.loc[b, "n_male"] == pytest.approx(0.5)  # 2 seats x 1/4 men
        assert bands.loc[b, "pct_male"] == pytest.approx(25.0)
    assert bands["n_male"].sum() == pytest.approx(1.0)


def test_integer_tie_sharing_keeps_whole_people_and_the_mix_as_far_as_possible():
    hourly = np.array([1, 1, 1, 1, 1, 1, 2, 2], dtype=float)
    male = np.array([1, 1, 0, 0, 0, 0, 1, 0], dtype=bool)  # tie of six with two men
    shared = quartile_bands(hourly, male)
    assert shared["pct_male"].round(4).tolist() == [33.3333, 33.3333, 33.3333, 50.0]
    whole = quartile_bands(hourly, male, ties="integer")
    assert whole["n_male"].tolist() == [1, 1, 0, 1]
    assert (whole["n_male"] == whole["n_male"].round()).all()


def test_sorting_order_of_rows_does_not_change_tied_results():
    rng = np.random.default_rng(3)
    hourly = rng.choice([10.0, 11.0, 12.5], size=101)
    male = rng.random(101) < 0.4
    first = quartile_bands(hourly, male)
    order = rng.permutation(101)
    second = quartile_bands(hourly[order], male[order])
    pd.testing.assert_frame_equal(first, second)


# --- properties -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    return synth.generate(5000, seed=5)


def test_swapping_sex_labels_reverses_the_gaps(workforce):
    result = paygap.uk_gpg(workforce)
    swapped = paygap.uk_gpg(workforce.assign(sex=workforce["sex"].map({"F": "M", "M": "F"})))
    # gap = (m - f) / m; with labels swapped, (1 - gap'/100) = 1 / (1 - gap/100): the sign flips
    for name in ("mean_hourly_gap", "median_hourly_gap", "mean_bonus_gap", "median_bonus_gap"):
        g, g2 = getattr(result, name), getattr(swapped, name)
        assert np.sign(g2) == -np.sign(g)
        assert 1 - g2 / 100 == pytest.approx(1 / (1 - g / 100))
    assert swapped.pct_male_bonus == pytest.approx(result.pct_female_bonus)
    np.testing.assert_allclose(swapped.quartiles["pct_male"], result.quartiles["pct_female"])


@pytest.mark.parametrize("factor", [0.01, 3.7, 1000.0])
def test_scaling_all_pay_leaves_every_figure_unchanged(workforce, factor):
    result = paygap.uk_gpg(workforce)
    scaled = paygap.uk_gpg(
        workforce.assign(
            hourly_pay=workforce["hourly_pay"] * factor, bonus_12m=workforce["bonus_12m"] * factor
        )
    )
    pd.testing.assert_frame_equal(result.to_frame(), scaled.to_frame(), rtol=1e-9)


def test_synthetic_population_with_no_pay_difference_has_small_gaps():
    data = synth.generate(
        100_000, seed=2, within_job_gap=0.0, segregation=0.0, vertical_segregation=0.0
    )
    result = paygap.uk_gpg(data)
    assert abs(result.mean_hourly_gap) < 1.0


# --- GOV.UK output --------------------------------------------------------------------------------


def test_gov_uk_row_uses_the_service_columns_and_rounding(workforce):
    with gzip.open(
        ROOT / "data" / "raw" / "gpg" / "UK_GPG_2024-25.csv.gz", "rt", encoding="utf-8"
    ) as f:
        header = f.readline().strip().split(",")
    row = paygap.uk_gpg(workforce).to_gov_uk()
    assert list(row.columns) == [c for c in header if c in row.columns]
    assert set(row.columns) == set(paygap.GOV_UK_COLUMNS) and set(row.columns) <= set(header)
    assert (row.iloc[0] == row.iloc[0].round(1)).all()
    assert row["MaleLowerQuartile"].iloc[0] + row["FemaleLowerQuartile"].iloc[0] == pytest.approx(
        100, abs=0.1
    )


# --- errors and other codes -------------------------------------------------------------------------


def test_other_sex_codes_are_counted_and_excluded():
    result = paygap.uk_gpg(frame([10, 20, 30, 99, 5], ["M", "F", "M", "X", "U"]))
    assert result.counts["other_sex"] == 2
    assert result.mean_hourly_gap == pytest.approx(100 * (20 - 20) / 20)
    assert any("another or no recorded sex" in n for n in result.notes)


def test_no_women_is_a_clear_error():
    with pytest.raises(InputError, match=r"no women \(sex code 'F'\).*Codes present: \['M'\]"):
        paygap.uk_gpg(frame([10, 20], "MM"))


def test_no_men_among_full_pay_relevant_is_a_clear_error():
    with pytest.raises(InputError, match="no men"):
        paygap.uk_gpg(frame([10, 20, 30], "MFF", full_pay=[False, True, True]))


def test_no_full_pay_relevant_employees_is_a_clear_error():
    with pytest.raises(InputError, match="no full-pay relevant"):
        paygap.uk_gpg(frame([10, 20], "MF", full_pay=[False, False]))


def test_missing_hourly_pay_is_a_clear_error():
    with pytest.raises(InputError, match="1 full-pay relevant employees have no 'hourly_pay'"):
        paygap.uk_gpg(frame([10, np.nan, 12], "MFF"))


def test_missing_column_is_named():
    with pytest.raises(InputError, match="Column 'hourly' .* Did you mean 'hourly_pay'"):
        paygap.uk_gpg(frame([10, 12], "MF"), hourly_pay="hourly")


def test_no_bonus_data_is_noted_not_invented():
    result = paygap.uk_gpg(frame([10, 12], "MF"))
    assert result.mean_bonus_gap is None and result.pct_male_bonus is None
    assert np.isnan(result.to_gov_uk()["DiffMeanBonusPercent"].iloc[0])


# --- reg 6 hourly pay -------------------------------------------------------------------------------


def test_reg6_hourly_pay_pro_rates_a_bonus_for_a_longer_period():
    ordinary = pd.Series([3100.0])
    hourly = paygap.reg6_hourly_pay(
        ordinary, pd.Series([31]), pd.Series([37.0]), pd.Series([1200.0]), pd.Series([93])
    )
    # (3100 + 1200 * 31/93) * 7 / 31 / 37
    assert hourly.iloc[0] == pytest.approx((3100 + 400) * 7 / 31 / 37)
