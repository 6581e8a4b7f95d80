"""Profiles: every index per council, year or region; degenerate levels explain themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research import segregation as seg
from research.core.checks import InputError
from research.data import synth


@pytest.fixture(scope="module")
def councils() -> pd.DataFrame:
    """Four synthetic councils plus three degenerate ones, as individual rows."""
    frames = []
    for k, seed in enumerate((1, 2, 3, 4)):
        data = synth.generate(1500, seed=seed, segregation=0.25 * (k + 1))
        frames.append(data[["sex", "occupation", "job_family"]].assign(council=f"C{k}"))
    frames.append(
        pd.DataFrame({"sex": ["F"] * 30, "occupation": ["6135"] * 30}).assign(council="Only women")
    )
    frames.append(
        pd.DataFrame({"sex": ["F", "M"] * 20, "occupation": ["4112"] * 40}).assign(
            council="One job"
        )
    )
    frames.append(
        pd.DataFrame({"sex": ["X"] * 12, "occupation": ["4112"] * 12}).assign(council="Other sex")
    )
    data = pd.concat(frames, ignore_index=True)
    for column in ("sex", "occupation", "council"):
        data[column] = data[column].astype(str)
    return data


def test_profile_equals_the_indices_of_each_level(councils):
    profile = seg.segregation_profile(
        councils, "sex", "occupation", across="council", compare="F", reference="M"
    )
    wide = profile.wide().set_index("council")
    for council in ("C0", "C1", "C2", "C3"):
        subset = councils[councils["council"] == council]
        table = seg.segregation_indices(subset, "sex", "occupation")
        for key in seg.INDEX_LABELS:
            assert wide.loc[council, key] == pytest.approx(table[key].value, rel=1e-12), (
                council,
                key,
            )
        assert wide.loc[council, "n"] == len(subset)
        assert wide.loc[council, "note"] == ""
    long = profile.to_frame()
    assert len(long) == 7 * len(seg.INDEX_LABELS)
    assert list(long.columns[:3]) == ["council", "index", "label"]


def test_degenerate_levels_get_a_row_that_says_why(councils):
    profile = seg.segregation_profile(
        councils, "sex", "occupation", across="council", compare="F", reference="M"
    )
    wide = profile.wide().set_index("council")
    assert wide.loc["Only women", "note"].startswith("no M recorded (only F)")
    assert wide.loc["One job", "note"] == "a single occupation: nothing to compare across"
    assert "nobody recorded as F or M" in wide.loc["Other sex", "note"]
    for council in ("Only women", "One job", "Other sex"):
        assert wide.loc[council, list(seg.INDEX_LABELS)].isna().all()


def test_segregation_rises_with_the_generator_weight(councils):
    wide = seg.segregation_profile(
        councils, "sex", "occupation", across="council", compare="F", reference="M"
    ).wide()
    d = wide.set_index("council").loc[["C0", "C1", "C2", "C3"], "D"].to_numpy()
    assert (np.diff(d) > 0).all()


def test_counts_and_rows_give_the_same_profile(councils):
    subset = councils[councils["council"].str.startswith("C")]
    cells = subset.groupby(["council", "occupation", "sex"]).size().rename("n").reset_index()
    by_rows = seg.segregation_profile(subset, "sex", "occupation", across="council").to_frame()
    by_cells = seg.segregation_profile(cells, "sex", "occupation", "n", across="council").to_frame()
    pd.testing.assert_series_equal(by_rows["estimate"], by_cells["estimate"], rtol=1e-12)


def test_bootstrap_of_a_level_does_not_depend_on_the_other_levels(councils):
    subset = councils[councils["council"].str.startswith("C")]
    all_four = seg.segregation_profile(
        subset, "sex", "occupation", across="council", n_boot=60, seed=4
    )
    two = seg.segregation_profile(
        subset[subset["council"].isin(["C1", "C3"])],
        "sex",
        "occupation",
        across="council",
        n_boot=60,
        seed=4,
    )
    a = all_four.wide("se").set_index("council").loc[["C1", "C3"]]
    b = two.wide("se").set_index("council")
    pd.testing.assert_frame_equal(a, b)
    low = all_four.wide("ci_low").set_index("council")
    high = all_four.wide("ci_high").set_index("council")
    assert (low["D"] <= high["D"]).all()


def test_several_by_columns_and_no_by(councils):
    subset = councils[councils["council"].isin(["C0", "C1"])]
    profile = seg.segregation_profile(subset, "sex", "occupation", across=["council", "job_family"])
    wide = profile.wide()
    assert {"council", "job_family"} <= set(wide.columns)
    assert len(wide) == subset.groupby(["council", "job_family"]).ngroups
    single_job = wide[wide["n_units"] == 1]
    assert (single_job["note"] != "").all()
    whole = seg.segregation_profile(subset, "sex", "occupation").wide()
    assert len(whole) == 1
    assert whole["D"].iloc[0] == pytest.approx(
        float(seg.dissimilarity(subset, "sex", "occupation"))
    )


def test_large_unit_sets_are_laid_out_sparsely():
    # 50 levels x 2,000 units each (100,000 distinct units): the dense layout would be too big.
    rng = np.random.default_rng(0)
    n = 200_000
    level = rng.integers(0, 50, n)
    unit = level * 2_000 + rng.integers(0, 2_000, n)
    data = pd.DataFrame(
        {"level": level, "unit": unit, "sex": np.where(rng.random(n) < 0.4, "F", "M")}
    )
    wide = seg.segregation_profile(data, "sex", "unit", across="level").wide().set_index("level")
    subset = data[data["level"] == 7]
    assert wide.loc[7, "D"] == pytest.approx(float(seg.dissimilarity(subset, "sex", "unit")))


def test_profile_errors(councils):
    with pytest.raises(InputError, match="compare=a, reference=b"):
        seg.segregation_profile(councils, "sex", "occupation", across="council")
    with pytest.raises(InputError, match="Did you mean 'council'"):
        seg.segregation_profile(
            councils, "sex", "occupation", across="councils", compare="F", reference="M"
        )
    with pytest.raises(InputError, match="seed"):
        seg.segregation_profile(
            councils, "sex", "occupation", across="council", compare="F", reference="M", n_boot=5
        )
