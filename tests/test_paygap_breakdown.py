"""Gap breakdowns with bootstrap intervals, EU Directive reporting, representation by grade."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from research import paygap
from research.core.checks import InputError
from research.data import synth
from research.paygap.bootstrap import bootstrap_means, bootstrap_medians
from research.present import disclosure


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    return synth.generate(20_000, seed=9)


def test_gaps_by_group_match_a_direct_computation(workforce):
    result = paygap.gap_by(workforce, "grade", stat="median")
    fpre = workforce[workforce["full_pay"]]
    medians = fpre.groupby(["grade", "sex"], observed=True)["hourly_pay"].median().unstack()
    expected = 100 * (medians["M"] - medians["F"]) / medians["M"]
    got = result.table.set_index("grade")["gap"]
    np.testing.assert_allclose(got.loc[expected.index.astype(str)], expected.to_numpy())


def test_mean_gaps_and_headcounts_by_intersection(workforce):
    result = paygap.gap_by(workforce, ["grade", "working_pattern"], stat="mean", full_pay=None)
    means = workforce.groupby(["grade", "working_pattern", "sex"], observed=True)["hourly_pay"].agg(
        ["mean", "size"]
    )
    row = result.table.iloc[0]
    key = (row["grade"], row["working_pattern"])
    assert row["n_female"] == means.loc[(*key, "F"), "size"]
    assert row["female"] == pytest.approx(means.loc[(*key, "F"), "mean"])
    assert row["gap"] == pytest.approx(
        100 * (means.loc[(*key, "M"), "mean"] - row["female"]) / means.loc[(*key, "M"), "mean"]
    )


def test_bootstrap_is_reproducible_and_brackets_the_estimate(workforce):
    a = paygap.gap_by(workforce, "grade", n_boot=300, seed=4)
    b = paygap.gap_by(workforce, "grade", n_boot=300, seed=4)
    pd.testing.assert_frame_equal(a.table, b.table)
    ok = a.table.dropna(subset=["se"])
    assert (ok["ci_low"] <= ok["ci_high"]).all() and (ok["se"] > 0).all()
    assert a.overall.ci[0] < a.overall.value < a.overall.ci[1]


def test_a_bootstrap_needs_a_seed(workforce):
    with pytest.raises(InputError, match="seed="):
        paygap.gap_by(workforce, "grade", n_boot=10)


@pytest.mark.parametrize("n", [1, 2, 7, 36, 37])
def test_order_statistic_median_bootstrap_matches_brute_force_resampling(n):
    rng = np.random.default_rng(n)
    x = np.sort(rng.lognormal(size=n))
    fast = bootstrap_medians(x, np.array([0]), np.array([n]), 100_000, rng)[:, 0]
    brute = np.median(x[rng.integers(0, n, (100_000, n))], axis=1)
    assert fast.mean() == pytest.approx(brute.mean(), abs=0.01 * x.std() + 1e-9)
    assert fast.std() == pytest.approx(brute.std(), rel=0.03, abs=1e-9)


@pytest.mark.parametrize("n", [30, 800])
def test_mean_bootstrap_has_the_plug_in_variance(n):
    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, size=n)
    reps = bootstrap_means(x, np.array([0]), np.array([n]), 40_000, rng)[:, 0]
    assert reps.mean() == pytest.approx(x.mean(), rel=0.01)
    assert reps.std() == pytest.approx(x.std() / np.sqrt(n), rel=0.03)


def test_publishable_table_hides_small_groups(workforce):
    result = paygap.gap_by(workforce, "occupation", n_boot=50, seed=1)
    table = result.to_table(min_cell=10)
    small = (result.table["n_female"] < 10) | (result.table["n_male"] < 10)
    assert small.any()
    assert (table.loc[small, "gap"] == disclosure.SUPPRESSED).all()
    assert (table.loc[~small, "gap"] != disclosure.SUPPRESSED).all()


def test_within_job_gap_recovers_the_synthetic_truth():
    truth = synth.truth()
    data = synth.generate(100_000, seed=3)
    result = paygap.gap_by(
        data, ["occupation", "grade"], stat="mean", pay="annual_basic_pay", full_pay=None
    )
    cells = result.table.dropna(subset=["gap"])
    weights = cells["n_female"] + cells["n_male"]
    assert np.average(cells["gap"], weights=weights) == pytest.approx(
        100 * truth.within_job_gap, abs=0.3
    )


# --- EU Pay Transparency Directive -------------------------------------------------------------


def small_eu_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sex": ["M", "M", "F", "F"],
            "grade": ["A", "B", "A", "B"],
            "annual_basic_pay": [30000.0, 40000.0, 27000.0, 40000.0],
            "fte": [1.0, 1.0, 0.5, 1.0],
            "weekly_hours": [37.0, 37.0, 18.5, 37.0],
            "bonus_12m": [1000.0, 0.0, 500.0, 0.0],
        }
    )


def test_eu_items_by_hand():
    eu = paygap.eu_pay_transparency(small_eu_frame(), pay_basis="annual_fte")
    # FTE annual total pay: men 31000, 40000 (mean 35500); women 27000 + 500/0.5 = 28000, 40000 (34000)
    items = eu.items.set_index("measure")["value"]
    assert items["Gender pay gap (mean)"] == pytest.approx(100 * (35500 - 34000) / 35500)
    # variable pay among recipients: man 1000, woman 500 / 0.5 = 1000 (FTE): no gap
    assert items["Gender pay gap in complementary or variable components (mean)"] == pytest.approx(
        0.0
    )
    assert items["Women receiving complementary or variable components"] == pytest.approx(50.0)
    grade_a = eu.categories.set_index("grade").loc["A"]
    assert grade_a["mean_gap_basic"] == pytest.approx(100 * (30000 - 27000) / 30000)
    assert bool(grade_a["flag_article_10"]) is True
    assert bool(eu.categories.set_index("grade").loc["B", "flag_article_10"]) is False


def test_eu_hourly_basis_equals_the_statutory_mean_gap_without_bonus(workforce):
    data = workforce.assign(bonus_12m=0.0)
    eu = paygap.eu_pay_transparency(data, pay_basis="hourly")
    hourly = paygap.annual_hourly_pay(data["annual_basic_pay"], data["fte"], data["weekly_hours"])
    uk = paygap.uk_gpg(data.assign(hourly_pay=hourly), full_pay=None)
    assert eu.items.loc[0, "value"] == pytest.approx(uk.mean_hourly_gap)


def test_eu_choices_are_checked():
    with pytest.raises(InputError, match="pay_basis"):
        paygap.eu_pay_transparency(small_eu_frame(), pay_basis="weekly")
    with pytest.raises(InputError, match="variable_over"):
        paygap.eu_pay_transparency(small_eu_frame(), variable_over="some")


# --- representation by grade --------------------------------------------------------------------


def test_representation_by_grade_by_hand():
    data = pd.DataFrame(
        {
            "sex": list("FFFFFFMMMM") + list("FMMM"),
            "grade": ["G1"] * 10 + ["G2"] * 4,
            "grade_rank": [1] * 10 + [2] * 4,
            "hourly_pay": [10.0] * 10 + [20.0] * 4,
        }
    )
    rep = paygap.representation_by_grade(data, top=1, stat="mean")
    assert rep.pct_female_overall == pytest.approx(100 * 7 / 14)
    assert rep.top_share.value == pytest.approx(25.0)
    assert rep.glass_ceiling_ratio.value == pytest.approx(0.5)
    low, high = proportion_confint(1, 4, alpha=0.05, method="wilson")
    assert rep.top_share.ci == pytest.approx((100 * low, 100 * high))
    assert rep.table["pct_female"].tolist() == pytest.approx([60.0, 25.0])
    assert rep.like_for_like_gap == pytest.approx(0.0)
    # men (4 x 10 + 3 x 20) / 7, women (6 x 10 + 20) / 7: all of the gap is between grades
    assert rep.overall_gap.value == pytest.approx(100 * (100 / 7 - 80 / 7) / (100 / 7))


def test_representation_needs_a_grade_order():
    data = pd.DataFrame(
        {
            "sex": ["F", "M"],
            "grade": ["a", "b"],
            "grade_rank": [pd.NA, pd.NA],
            "hourly_pay": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError, match="no grade order"):
        paygap.representation_by_grade(data)
