"""The six statutory measures for any binary comparison (issue 15, item 1).

``group_pay_gap`` makes the calculation ``uk_gpg`` makes for men and women; with ``by="sex"`` it
must reproduce every gender figure exactly, and for any other column (ethnicity, disability) it
compares a reference group with another group, or with everyone else whose value is recorded,
and counts the rest (no value, "prefer not to say") instead of dropping them silently.
"""

import numpy as np
import pandas as pd
import pytest

from research import paygap
from research.core.checks import InputError
from research.data import synth


def frame(hourly, groups, bonus=None, full_pay=None, by="ethnicity") -> pd.DataFrame:
    data = pd.DataFrame({by: list(groups), "hourly_pay": np.asarray(hourly, dtype=float)})
    if bonus is not None:
        data["bonus_12m"] = np.asarray(bonus, dtype=float)
    if full_pay is not None:
        data["full_pay"] = pd.array(full_pay, dtype="boolean")
    return data


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    return synth.generate(3000, seed=5, shape="other_sex")


# --- by="sex" is the gender pay gap, figure for figure ---------------------------------------------


def test_by_sex_reproduces_every_statutory_figure(workforce):
    uk = paygap.uk_gpg(workforce)
    general = paygap.group_pay_gap(workforce, by="sex", reference="M", compare="F")
    for name in ("mean_hourly_gap", "median_hourly_gap", "mean_bonus_gap", "median_bonus_gap"):
        assert getattr(general, name) == getattr(uk, name)
    assert general.pct_reference_bonus == uk.pct_male_bonus
    assert general.pct_compare_bonus == uk.pct_female_bonus
    bands = general.quartiles.rename(
        columns={
            "n_reference": "n_male",
            "n_compare": "n_female",
            "pct_reference": "pct_male",
            "pct_compare": "pct_female",
        }
    )
    pd.testing.assert_frame_equal(bands, uk.quartiles)
    c = general.counts
    assert c["relevant_reference"] == uk.counts["relevant_male"]
    assert c["full_pay_compare"] == uk.counts["full_pay_female"]
    assert c["bonus_compare"] == uk.counts["bonus_female"]
    assert c["not_recorded"] + c["other"] == uk.counts["other_sex"] > 0
    assert general.notes == uk.notes


def test_sex_codes_x_and_u_split_into_other_and_not_recorded(workforce):
    result = paygap.group_pay_gap(
        workforce, by="sex", reference="M", compare="F", not_recorded=["U"]
    )
    sex = workforce["sex"].astype(str)
    assert result.counts["not_recorded"] == int((sex == "U").sum())
    assert result.counts["other"] == int((sex == "X").sum())
    assert result.pct_not_recorded == pytest.approx(100 * (sex == "U").mean())


# --- hand-computed cases ---------------------------------------------------------------------------


def test_compared_group_defaults_to_everyone_else_recorded():
    # reference A: 10, 20, 30 (mean 20, median 20); everyone else recorded: B 8, C 12 (mean 10)
    # one "Prefer not to say" and one missing: counted, never in a group
    data = frame(
        [10, 20, 30, 8, 12, 99, 1],
        ["A", "A", "A", "B", "C", "Prefer not to say", None],
    )
    result = paygap.group_pay_gap(
        data, by="ethnicity", reference="A", not_recorded=["Prefer not to say"]
    )
    assert result.mean_hourly_gap == pytest.approx(100 * (20 - 10) / 20)
    assert result.median_hourly_gap == pytest.approx(100 * (20 - 10) / 20)
    assert result.counts["not_recorded"] == 2
    assert result.counts["other"] == 0
    assert result.pct_not_recorded == pytest.approx(100 * 2 / 7)
    assert any("no recorded ethnicity" in n for n in result.notes)
    assert result.to_frame()["measure"].iloc[-1] == "No recorded ethnicity"


def test_an_explicit_compared_group_leaves_the_others_out_and_counts_them():
    data = frame([10, 20, 30, 8, 12], ["A", "A", "A", "B", "C"])
    result = paygap.group_pay_gap(data, by="ethnicity", reference="A", compare="B")
    assert result.mean_hourly_gap == pytest.approx(100 * (20 - 8) / 20)
    assert result.counts["other"] == 1 and result.counts["not_recorded"] == 0


def test_several_codes_make_one_group():
    data = frame([10, 30, 8, 12], ["A1", "A2", "B1", "B2"])
    result = paygap.group_pay_gap(
        data, by="ethnicity", reference=["A1", "A2"], compare=["B1", "B2"]
    )
    assert result.mean_hourly_gap == pytest.approx(100 * (20 - 10) / 20)


def test_bonus_measures_by_hand():
    data = frame(
        [10] * 6,
        ["A", "A", "A", "B", "B", "B"],
        bonus=[100, 300, 0, 50, 0, 0],
    )
    result = paygap.group_pay_gap(data, by="ethnicity", reference="A")
    assert result.pct_reference_bonus == pytest.approx(200 / 3)
    assert result.pct_compare_bonus == pytest.approx(100 / 3)
    assert result.mean_bonus_gap == pytest.approx(100 * (200 - 50) / 200)
    assert result.median_bonus_gap == pytest.approx(100 * (200 - 50) / 200)


def test_quartiles_by_hand_with_a_tie_shared_as_reg_13_2_says():
    # 8 employees, bands of 2; a tie of four at 5.0 straddles the lower and lower-middle bands,
    # one of the four in group A: each band gets 2 x 1/4 = 0.5 of A.
    hourly = [5, 5, 5, 5, 7, 8, 9, 10]
    groups = ["A", "B", "B", "B", "A", "A", "B", "A"]
    result = paygap.group_pay_gap(frame(hourly, groups), by="ethnicity", reference="A")
    bands = result.quartiles
    assert bands["n_reference"].tolist() == pytest.approx([0.5, 0.5, 2.0, 1.0])
    assert bands["pct_compare"].tolist() == pytest.approx([75.0, 75.0, 0.0, 50.0])


def test_reduced_pay_leaves_the_hourly_figures_as_for_sex():
    data = frame([10, 20, 5, 10, 10], "AAABB", full_pay=[True, True, False, True, True])
    result = paygap.group_pay_gap(data, by="ethnicity", reference="A")
    assert result.mean_hourly_gap == pytest.approx(100 * (15 - 10) / 15)
    assert result.counts["full_pay_reference"] == 2 and result.counts["relevant_reference"] == 3


# --- properties and errors -------------------------------------------------------------------------


def test_relabelling_the_groups_changes_nothing(workforce):
    codes = {"F": "group one", "M": "group two", "X": "group three", "U": "unknown"}
    relabelled = workforce.assign(sex=workforce["sex"].astype(str).map(codes))
    first = paygap.group_pay_gap(workforce, by="sex", reference="M", not_recorded=["U"])
    second = paygap.group_pay_gap(
        relabelled, by="sex", reference="group two", not_recorded=["unknown"]
    )
    pd.testing.assert_frame_equal(first.quartiles, second.quartiles)
    assert first.counts == second.counts
    assert first.mean_hourly_gap == second.mean_hourly_gap
    shuffled = relabelled.sample(frac=1.0, random_state=1)
    third = paygap.group_pay_gap(
        shuffled, by="sex", reference="group two", not_recorded=["unknown"]
    )
    assert third.median_hourly_gap == first.median_hourly_gap
    assert third.mean_hourly_gap == pytest.approx(first.mean_hourly_gap, rel=1e-12)
    pd.testing.assert_frame_equal(third.quartiles, first.quartiles, rtol=1e-12)


def test_an_empty_group_is_a_clear_error():
    with pytest.raises(InputError, match=r"no employees in the group 'Z'.*Values present"):
        paygap.group_pay_gap(frame([10, 12], "AB"), by="ethnicity", reference="A", compare="Z")


def test_a_code_in_both_groups_is_an_error():
    with pytest.raises(InputError, match="in both"):
        paygap.group_pay_gap(frame([10, 12], "AB"), by="ethnicity", reference="A", compare="A")
