"""Brown-Moon-Zoloth, reweighting, RIF quantile decompositions and pooling of rare categories
(the report of the 30_decomposition notebook is tested in test_decomposition_report.py)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from research.core.checks import InputError
from research.data import synth
from research.decomposition import _numeric as nm
from research.decomposition import (
    brown_moon_zoloth,
    dfl,
    pool_rare,
    rif_decomposition,
)
from research.decomposition.quantile import rif


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    data = synth.generate(6000, seed=21)
    data = data[data["sex"].isin(["F", "M"])].copy()
    data["sex"] = data["sex"].astype(str)
    data["log_pay"] = np.log(data["hourly_pay"])
    years = (data["snapshot_date"] - data["start_date"]).dt.days / 365.25
    data["service"] = np.minimum(np.floor(years), 10).astype(int).astype(str)
    compare = {"groups_compared": ("M", "F"), "min_count": 10}
    data["occ"] = pool_rare(
        data["occupation"], data["sex"], parent=data["job_family"], **compare
    ).values
    data["grade"] = pool_rare(data["grade"], data["sex"], ordered=True, **compare).values
    return data[["log_pay", "sex", "occ", "grade", "service", "age_band", "working_pattern"]]


# --------------------------------------------------------------------------------------------
# Brown-Moon-Zoloth
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["A", "B"])
def test_bmz_parts_add_up(workforce, reference):
    r = brown_moon_zoloth(
        workforce,
        "log_pay",
        ["grade", "service"],
        "sex",
        "occ",
        group_a="M",
        attainment=["age_band", "working_pattern"],
        reference=reference,
    )
    c = {k: v.value for k, v in r.components.items()}
    means = workforce.groupby("sex")["log_pay"].mean()
    assert c["gap"] == pytest.approx(means["M"] - means["F"], abs=1e-12)
    assert c["within"] + c["between"] == pytest.approx(c["gap"], abs=1e-12)
    assert c["explained"] + c["unexplained"] == pytest.approx(c["gap"], abs=1e-12)
    assert c["within_explained"] + c["within_unexplained"] == pytest.approx(c["within"], abs=1e-12)
    assert c["between_explained"] + c["between_unexplained"] == pytest.approx(
        c["between"], abs=1e-12
    )
    occ = r.by_occupation
    assert occ["within"].sum() == pytest.approx(c["within"], abs=1e-12)
    assert (occ["between_explained"] + occ["between_unexplained"]).sum() == pytest.approx(
        c["between"], abs=1e-12
    )
    assert occ["p_a"].sum() == pytest.approx(1) and occ["p_hat"].sum() == pytest.approx(1)
    assert r.attainment["converged"]
    assert r.gap.value == c["gap"]  # components are also attributes


def test_bmz_without_attainment_covariates_explains_no_segregation(workforce):
    r = brown_moon_zoloth(workforce, "log_pay", [], "sex", "occ", group_a="M", attainment=[])
    assert r.components["between_explained"].value == pytest.approx(0, abs=1e-9)
    assert r.components["within_explained"].value == pytest.approx(0, abs=1e-12)
    np.testing.assert_allclose(r.by_occupation["p_hat"], r.by_occupation["p_a"], atol=1e-9)


def test_bmz_recovers_the_synthetic_within_job_gap():
    data = synth.generate(20000, seed=6, within_job_gap=0.05)
    data = data[data["sex"].isin(["F", "M"])].copy()
    data["log_pay"] = np.log(data["hourly_pay"])
    years = (data["snapshot_date"] - data["start_date"]).dt.days / 365.25
    data["service"] = np.minimum(np.floor(years), 10).astype(int).astype(str)
    data["occ"] = pool_rare(
        data["occupation"], data["sex"], min_count=10, groups_compared=("M", "F")
    ).values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = brown_moon_zoloth(
            data,
            "log_pay",
            ["grade", "service"],
            "sex",
            "occ",
            group_a="M",
            attainment=["age_band", "working_pattern"],
            one_sided="drop",
        )
    truth = -synth.truth(within_job_gap=0.05).log_within_job_gap
    assert r.components["within_unexplained"].value == pytest.approx(truth, abs=0.002)


def test_bmz_bootstrap_is_reproducible(workforce):
    def run(seed):
        return brown_moon_zoloth(
            workforce.head(2500),
            "log_pay",
            ["service"],
            "sex",
            "occ",
            group_a="M",
            attainment=["working_pattern"],
            se="bootstrap",
            n_boot=25,
            seed=seed,
            one_sided="drop",
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first, again = run(4), run(4)
    assert first.to_frame().equals(again.to_frame())
    assert (first.to_frame()["se"] > 0).all()
    with pytest.raises(InputError, match="bootstrap standard errors only"):
        brown_moon_zoloth(workforce, "log_pay", [], "sex", "occ", group_a="M", se="analytic")


def test_multinomial_logit_agrees_with_statsmodels():
    rng = np.random.default_rng(2)
    n = 3000
    x1, x2 = rng.normal(size=n), rng.integers(0, 2, n).astype(float)
    eta = np.column_stack([np.zeros(n), 0.5 + x1 - x2, -0.3 + 0.5 * x1 + x2])
    p = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > p.cumsum(axis=1)).sum(axis=1)
    Z = np.column_stack([np.ones(n), x1, x2])
    counts = np.zeros((n, 3))
    counts[np.arange(n), y] = 1.0
    ours = nm.fit_multinomial(Z, counts)
    reference = sm.MNLogit(y, Z).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(ours.predict(Z), reference.predict(Z), atol=1e-6)
    cells, cell_counts = nm.collapse(Z, y, np.ones(n), 3)
    collapsed = nm.fit_multinomial(cells, cell_counts)
    assert collapsed.loglik == pytest.approx(ours.loglik, rel=1e-9)


# --------------------------------------------------------------------------------------------
# Reweighting
# --------------------------------------------------------------------------------------------


def test_dfl_parts_add_up_and_no_covariates_means_no_composition(workforce):
    r = dfl(workforce, "log_pay", ["occ", "grade", "service"], "sex", group_a="M")
    t = r.table
    np.testing.assert_allclose(t["composition"] + t["structure"], t["gap"], atol=1e-12)
    empty = dfl(workforce, "log_pay", [], "sex", group_a="M")
    np.testing.assert_allclose(empty.table["composition"], 0, atol=1e-10)
    other = dfl(workforce, "log_pay", ["occ"], "sex", group_a="M", reference="A")
    np.testing.assert_allclose(
        other.table["composition"] + other.table["structure"], other.table["gap"], atol=1e-12
    )


def test_dfl_reweighting_reproduces_a_saturated_covariate_distribution(workforce):
    # With one categorical covariate the logit is saturated: reweighted women have men's grade
    # mix exactly, so for an outcome that is a grade indicator all of the gap is composition.
    data = workforce.assign(top=(workforce["grade"] == workforce["grade"].iloc[0]).astype(float))
    r = dfl(data, "top", ["grade"], "sex", group_a="M", quantiles=[0.5])
    mean = r.table.set_index("statistic").loc["mean"]
    assert mean["structure"] == pytest.approx(0, abs=1e-6)  # the tiny ridge penalty


def test_dfl_frequency_weights_equal_repeated_rows(workforce):
    small = workforce.head(800).copy()
    small["w"] = np.arange(len(small)) % 3 + 1
    repeated = small.loc[small.index.repeat(small["w"])]
    weighted = dfl(small, "log_pay", ["grade"], "sex", group_a="M", weights="w")
    plain = dfl(repeated, "log_pay", ["grade"], "sex", group_a="M")
    np.testing.assert_allclose(
        weighted.table[["gap", "composition"]], plain.table[["gap", "composition"]], atol=1e-7
    )


def test_dfl_trimming_and_bootstrap(workforce):
    r = dfl(workforce, "log_pay", ["occ", "grade"], "sex", group_a="M", trim=0.002)
    assert r.info["n_trimmed"] > 0
    boot = dfl(
        workforce, "log_pay", ["grade"], "sex", group_a="M", se="bootstrap", n_boot=20, seed=1
    )
    frame = boot.to_frame()
    assert (frame["se"] > 0).all() and (frame["ci_low"] < frame["estimate"]).all()


def test_weighted_quantile_matches_numpy_with_unit_weights():
    values = np.random.default_rng(0).normal(size=101)
    probs = np.array([0.05, 0.1, 0.5, 0.77, 0.9])
    np.testing.assert_allclose(
        nm.weighted_quantile(values, np.ones(101), probs), np.quantile(values, probs)
    )


# --------------------------------------------------------------------------------------------
# RIF decomposition
# --------------------------------------------------------------------------------------------


def test_rif_has_mean_equal_to_the_quantile():
    y = np.random.default_rng(4).lognormal(size=4000)
    values, q = rif(y, np.ones(y.size), np.array([0.1, 0.5, 0.9]))
    np.testing.assert_allclose(values.mean(axis=0), q, rtol=2e-3)


def test_rif_decomposition_adds_up_and_matches_quantile_gaps(workforce):
    r = rif_decomposition(
        workforce, "log_pay", ["grade", "service"], "sex", group_a="M", normalize=True
    )
    wide = r.table.pivot(index="quantile", columns="component", values="estimate")
    np.testing.assert_allclose(wide["explained"] + wide["unexplained"], wide["gap"], atol=1e-12)
    np.testing.assert_allclose(
        wide["endowments"] + wide["coefficients"] + wide["interaction"], wide["gap"], atol=1e-12
    )
    np.testing.assert_allclose(wide["gap"], r.quantiles["quantile_gap"], atol=0.01)
    by_var = r.by_variable[r.by_variable["component"] == "explained"]
    np.testing.assert_allclose(
        by_var.groupby("quantile")["estimate"].sum(), wide["explained"], atol=1e-12
    )
    empty = rif_decomposition(workforce, "log_pay", [], "sex", group_a="M", quantiles=[0.5])
    assert empty.table.set_index("component").loc["explained", "estimate"] == pytest.approx(0)


def test_rif_bootstrap(workforce):
    r = rif_decomposition(
        workforce.head(2000),
        "log_pay",
        ["service"],
        "sex",
        group_a="M",
        quantiles=[0.25, 0.75],
        se="bootstrap",
        n_boot=20,
        seed=3,
    )
    gaps = r.table[r.table["component"] == "gap"]
    assert (gaps["se"] > 0).all() and len(gaps) == 2
    with pytest.raises(InputError, match="bootstrap standard errors only"):
        rif_decomposition(workforce, "log_pay", [], "sex", group_a="M", se="analytic")
    with pytest.raises(InputError, match="between 0 and 1"):
        rif_decomposition(workforce, "log_pay", [], "sex", group_a="M", quantiles=[50])


# --------------------------------------------------------------------------------------------
# Pooling rare categories
# --------------------------------------------------------------------------------------------


def test_pool_rare_merges_small_categories_within_parents_then_overall():
    # Rows alternate men and women. Family y: b (2 + 2) and c (3 + 3); family z: d (3 + 3) and
    # f (2 + 2); a and e are large.
    values = pd.Series(["a"] * 30 + ["b"] * 4 + ["c"] * 6 + ["d"] * 6 + ["f"] * 4 + ["e"] * 30)
    groups = pd.Series(["M", "F"] * 40)
    parent = pd.Series(["x"] * 30 + ["y"] * 10 + ["z"] * 10 + ["x"] * 30)
    compare = {"min_count": 5, "groups_compared": ("M", "F")}
    result = pool_rare(values, groups, parent=parent, **compare)
    pooled = dict(zip(result.table["category"], result.table["pooled_into"], strict=True))
    assert pooled == {"b": "Other in y", "c": "Other in y", "d": "Other in z", "f": "Other in z"}
    assert result.order == ["a", "e", "Other in y", "Other in z"]
    assert set(result.table["reason"]) == {"fewer than 5 A and B"}
    # Without families they all go into one pool; a lone tiny category in its own family joins
    # the overall pool, which takes the next smallest categories until it is large enough.
    flat = pool_rare(values, groups, **compare)
    assert set(flat.values) == {"a", "e", "Other (pooled)"}
    lone = pd.concat([values, pd.Series(["g", "g"])], ignore_index=True)
    lone_groups = pd.concat([groups, pd.Series(["M", "F"])], ignore_index=True)
    lone_parent = pd.concat([parent, pd.Series(["w", "w"])], ignore_index=True)
    grown = pool_rare(lone, lone_groups, parent=lone_parent, **compare)
    assert (pd.crosstab(grown.values, lone_groups).min(axis=1) >= 5).all()
    into = dict(zip(grown.table["category"], grown.table["pooled_into"], strict=True))
    assert into["g"] == "Other (pooled)"
    assert list(into.values()).count("Other (pooled)") == 3  # g and one family pool of two
    again = pool_rare(lone, lone_groups, parent=lone_parent, **compare)
    assert again.values.equals(grown.values)


def test_pool_rare_merges_ordered_bands_with_neighbours():
    bands = pd.Series(
        pd.Categorical(
            ["g1"] * 20 + ["g2"] * 20 + ["g3"] * 4 + ["g4"] * 20,
            categories=["g1", "g2", "g3", "g4"],
            ordered=True,
        )
    )
    groups = pd.Series(["M", "F"] * 32)
    result = pool_rare(bands, groups, min_count=5, groups_compared=("M", "F"), ordered=True)
    assert result.order in (["g1", "g2 to g3", "g4"], ["g1", "g2", "g3 to g4"])
    ranks = pd.Series(["ranks 01-02"] * 20 + ["ranks 03-04"] * 2 + ["ranks 05-09"] * 20)
    merged = pool_rare(
        ranks, pd.Series(["M", "F"] * 21), min_count=5, groups_compared=("M", "F"), ordered=True
    )
    assert any(label in merged.order for label in ("ranks 01-04", "ranks 03-09"))
    with pytest.raises(InputError, match="two groups"):
        pool_rare(ranks, groups, min_count=5, groups_compared=("M",))
