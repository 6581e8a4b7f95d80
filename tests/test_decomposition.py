"""Blinder-Oaxaca: hand-computed cases, adding-up properties, normalisation invariance, standard
errors (analytic and the vectorised bootstrap), weights, one-sided categories and errors."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from research.core.checks import InputError
from research.core.random import make_rng
from research.data import synth
from research.decomposition import _harness as hn
from research.decomposition import oaxaca as ox
from research.decomposition import oaxaca_blinder, pool_rare, reference_sensitivity

REFERENCES = ["pooled", "neumark", "A", "B", "reimers", "cotton", 0.25]


@pytest.fixture(scope="module")
def tiny() -> pd.DataFrame:
    """Men: d=0 pay 10, 12; d=1 pay 20, 22, 24. Women: d=0 pay 8, 10, 12; d=1 pay 16, 18."""
    return pd.DataFrame(
        {
            "sex": ["M"] * 5 + ["F"] * 5,
            "d": [0, 0, 1, 1, 1, 0, 0, 0, 1, 1],
            "y": [10, 12, 20, 22, 24, 8, 10, 12, 16, 18],
        }
    ).astype({"y": float})


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    data = synth.generate(3000, seed=8)
    data = data[data["sex"].isin(["F", "M"])].copy()
    data["log_pay"] = np.log(data["hourly_pay"])
    data["sex"] = data["sex"].astype(str)
    data["grade"] = pool_rare(
        data["grade"], data["sex"], min_count=10, groups_compared=("M", "F"), ordered=True
    ).values
    data["tenure"] = (data["snapshot_date"] - data["start_date"]).dt.days / 365.25
    return data[["log_pay", "sex", "grade", "age_band", "working_pattern", "tenure"]]


COVARIATES = ["grade", "age_band", "working_pattern", "tenure"]


# --------------------------------------------------------------------------------------------
# Hand-computed cases
# --------------------------------------------------------------------------------------------


def test_hand_computed_threefold_and_twofold(tiny):
    # Men: b = (11, 11), xbar = (1, 0.6); women: b = (10, 7), xbar = (1, 0.4); gap 17.6 - 12.8.
    r = oaxaca_blinder(tiny, "y", ["d"], "sex", group_a="M", reference="A")
    assert r.gap.value == pytest.approx(4.8)
    assert r.threefold.endowments.value == pytest.approx(0.2 * 7)
    assert r.threefold.coefficients.value == pytest.approx(1 + 0.4 * 4)
    assert r.threefold.interaction.value == pytest.approx(0.2 * 4)
    assert r.twofold.explained.value == pytest.approx(0.2 * 11)
    assert r.twofold.unexplained.value == pytest.approx(2.6)
    detail = r.detailed.set_index(["term", "component"])["estimate"]
    assert detail[("_cons", "unexplained_b")] == pytest.approx(1.0)
    assert detail[("d", "unexplained_b")] == pytest.approx(0.4 * 4)
    assert detail[("d", "unexplained_a")] == pytest.approx(0.0)
    reimers = oaxaca_blinder(tiny, "y", ["d"], "sex", group_a="M", reference="reimers")
    assert reimers.twofold.explained.value == pytest.approx(0.2 * 9)
    # Neumark: pooled cell means 10.4 (d=0) and 20 (d=1), so b* = (10.4, 9.6).
    neumark = oaxaca_blinder(tiny, "y", ["d"], "sex", group_a="M", reference="neumark")
    assert neumark.twofold.explained.value == pytest.approx(0.2 * 9.6)
    # Pooled with a sex indicator, checked against an independent least-squares fit.
    X = np.column_stack([np.ones(10), tiny["d"], (tiny["sex"] == "M").astype(float)])
    b_star = np.linalg.lstsq(X, tiny["y"].to_numpy(), rcond=None)[0][:2]
    pooled = oaxaca_blinder(tiny, "y", ["d"], "sex", group_a="M")
    assert pooled.twofold.explained.value == pytest.approx(0.2 * b_star[1])


def test_hand_computed_normalisation(tiny):
    # Deviation contrasts: men's d coefficient 11 becomes +5.5 / -5.5 around a constant 16.5,
    # women's 7 becomes +3.5 / -3.5 around 13.5.
    data = tiny.assign(d=tiny["d"].map({0: "no", 1: "yes"}))
    r = oaxaca_blinder(data, "y", ["d"], "sex", group_a="M", normalize=True, reference="A")
    coefs = r.coefficients.set_index("term")
    assert coefs.loc["_cons", "coef_a"] == pytest.approx(16.5)
    assert coefs.loc["d: no", "coef_a"] == pytest.approx(-5.5)
    assert coefs.loc["d: yes", "coef_b"] == pytest.approx(3.5)
    detail = r.detailed.set_index(["term", "component"])["estimate"]
    assert detail[("_cons", "coefficients")] == pytest.approx(3.0)
    assert detail[("d: no", "coefficients")] == pytest.approx(0.6 * -2.0)
    assert detail[("d: yes", "coefficients")] == pytest.approx(0.4 * 2.0)
    assert detail[("d: no", "endowments")] == pytest.approx(0.7)
    assert detail[("d: yes", "endowments")] == pytest.approx(0.7)


def test_no_covariates_gap_standard_error_is_the_two_sample_formula(tiny):
    r = oaxaca_blinder(tiny, "y", [], "sex", group_a="M", se="analytic")
    men, women = tiny[tiny["sex"] == "M"]["y"], tiny[tiny["sex"] == "F"]["y"]
    expected = math.sqrt(men.var() / 5 + women.var() / 5)
    assert r.gap.se == pytest.approx(expected)
    assert r.mean_a.se == pytest.approx(men.std() / math.sqrt(5))
    assert r.twofold.explained.value == pytest.approx(0.0)
    assert r.twofold.unexplained.se == pytest.approx(expected)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", REFERENCES)
def test_parts_add_up_to_the_gap_and_details_to_their_parts(workforce, reference):
    r = oaxaca_blinder(
        workforce, "log_pay", COVARIATES, "sex", group_a="M", reference=reference, normalize=True
    )
    gap = r.gap.value
    assert gap == pytest.approx(r.mean_a.value - r.mean_b.value, abs=1e-12)
    three = r.threefold
    assert three.endowments.value + three.coefficients.value + three.interaction.value == (
        pytest.approx(gap, abs=1e-12)
    )
    two = r.twofold
    assert two.explained.value + two.unexplained.value == pytest.approx(gap, abs=1e-12)
    assert two.unexplained_a.value + two.unexplained_b.value == pytest.approx(
        two.unexplained.value, abs=1e-12
    )
    for component, total in r.detailed.groupby("component")["estimate"].sum().items():
        aggregate = (
            r.gap
            if component == "gap"
            else getattr(r.threefold if component in three._fields else r.twofold, component)
        )
        assert total == pytest.approx(aggregate.value, abs=1e-12), component
    by_var = r.by_variable.groupby("component")["estimate"].sum()
    assert by_var["explained"] == pytest.approx(two.explained.value, abs=1e-12)


def test_normalised_results_do_not_depend_on_the_base_category(workforce):
    def run(base, normalize):
        r = oaxaca_blinder(
            workforce,
            "log_pay",
            COVARIATES,
            "sex",
            group_a="M",
            normalize=normalize,
            base=base,
            se="analytic",
        )
        return r.detailed.set_index(["term", "component"]).sort_index()

    first = run({"grade": "Grade 1", "age_band": "16-24"}, True)
    other = run({"grade": "Grade 4", "age_band": "45-54"}, True)
    assert len(first) == len(other) > 40
    pd.testing.assert_series_equal(first["estimate"], other["estimate"], atol=1e-10, rtol=0)
    pd.testing.assert_series_equal(first["se"], other["se"], atol=1e-10, rtol=0)
    plain_first = run({"grade": "Grade 1"}, None)
    plain_other = run({"grade": "Grade 4"}, None)
    unexplained = plain_first.xs("unexplained", level="component")["estimate"]
    assert not np.allclose(
        unexplained.loc["_cons"],
        plain_other.xs("unexplained", level="component")["estimate"]["_cons"],
    ), "without normalisation the constant's share depends on the base"


def test_dummy_set_and_categorical_normalisation_agree(tiny):
    data = pd.DataFrame(
        {
            "sex": list("MMMMMMFFFFFF"),
            "edu": ["a", "b", "c", "a", "b", "c", "a", "a", "b", "c", "c", "b"],
            "y": [5.0, 7, 9, 6, 8, 11, 4, 5, 6, 8, 9, 7],
        }
    )
    data["b"] = (data["edu"] == "b").astype(float)
    data["c"] = (data["edu"] == "c").astype(float)
    as_category = oaxaca_blinder(data, "y", ["edu"], "sex", group_a="M", normalize=["edu"])
    as_dummies = oaxaca_blinder(
        data, "y", ["b", "c"], "sex", group_a="M", normalize={"edu": ["b", "c"]}
    )
    left = as_category.by_variable.set_index(["variable", "component"])["estimate"]
    right = as_dummies.by_variable.set_index(["variable", "component"])["estimate"]
    pd.testing.assert_series_equal(left.sort_index(), right.sort_index(), atol=1e-12, rtol=0)


def test_integer_weights_equal_repeated_rows(workforce):
    small = workforce.head(600).copy()
    small["w"] = np.arange(len(small)) % 3 + 1
    repeated = small.loc[small.index.repeat(small["w"])]
    weighted = oaxaca_blinder(small, "log_pay", COVARIATES, "sex", group_a="M", weights="w")
    plain = oaxaca_blinder(repeated, "log_pay", COVARIATES, "sex", group_a="M")
    for part in ("explained", "unexplained"):
        assert getattr(weighted.twofold, part).value == pytest.approx(
            getattr(plain.twofold, part).value, abs=1e-10
        )


def test_reference_sensitivity_matches_single_runs(workforce):
    table = reference_sensitivity(
        workforce, "log_pay", COVARIATES, "sex", group_a="M", references=REFERENCES
    ).set_index("reference")
    for reference in REFERENCES:
        single = oaxaca_blinder(
            workforce, "log_pay", COVARIATES, "sex", group_a="M", reference=reference, se="analytic"
        )
        assert table.loc[reference, "explained"] == pytest.approx(single.twofold.explained.value)
        assert table.loc[reference, "unexplained_se"] == pytest.approx(
            single.twofold.unexplained.se
        )


def test_recovers_the_synthetic_within_job_gap():
    data = synth.generate(20000, seed=5, within_job_gap=0.05)
    data = data[data["sex"].isin(["F", "M"])].copy()
    data["log_pay"] = np.log(data["hourly_pay"])
    years = (data["snapshot_date"] - data["start_date"]).dt.days / 365.25
    data["service"] = np.minimum(np.floor(years), 10).astype(int).astype(str)
    truth = -synth.truth(within_job_gap=0.05).log_within_job_gap
    r = oaxaca_blinder(data, "log_pay", ["grade", "service"], "sex", group_a="M", se="analytic")
    u = r.twofold.unexplained
    assert abs(u.value - truth) < 4 * u.se and abs(u.value - truth) < 0.002
    assert u.ci[0] < truth < u.ci[1] or abs(u.value - truth) < 3 * u.se


# --------------------------------------------------------------------------------------------
# Standard errors
# --------------------------------------------------------------------------------------------


def test_vectorised_bootstrap_moments_equal_a_naive_loop(workforce):
    prep = hn.prepare(workforce, "log_pay", COVARIATES, "sex", group_a="M", normalize=True)
    Z, y, w = prep.Z[0], prep.y[0], prep.w[0] * 1.5
    counts = hn.resample_counts(make_rng(3), Z.shape[0], 7)
    assert (counts.sum(axis=1) == Z.shape[0]).all()
    S, r = ox.bootstrap_moments(Z, y, w, counts)
    for b in range(7):
        v = counts[b] * w
        np.testing.assert_allclose(S[b], (Z * v[:, None]).T @ Z, rtol=1e-10, atol=1e-8)
        np.testing.assert_allclose(r[b], (Z * v[:, None]).T @ y, rtol=1e-10, atol=1e-8)


def test_bootstrap_is_reproducible_and_close_to_the_analytic_errors(workforce):
    def run(**kwargs):
        return oaxaca_blinder(workforce, "log_pay", COVARIATES, "sex", group_a="M", **kwargs)

    first = run(se="bootstrap", n_boot=300, seed=11)
    again = run(se="bootstrap", n_boot=300, seed=11)
    other = run(se="bootstrap", n_boot=300, seed=12)
    analytic = run(se="analytic")
    assert first.twofold.explained.se == again.twofold.explained.se
    assert first.twofold.explained.se != other.twofold.explained.se
    for part in ("explained", "unexplained"):
        ratio = getattr(first.twofold, part).se / getattr(analytic.twofold, part).se
        assert 0.8 < ratio < 1.25, (part, ratio)
    low, high = first.twofold.explained.ci
    assert low < first.twofold.explained.value < high
    assert first.info["n_boot"] == 300 and first.twofold.explained.n_boot == 300
    assert first.twofold.explained.bias_corrected is not None


def test_to_frame_and_summary(workforce):
    r = oaxaca_blinder(workforce, "log_pay", COVARIATES, "sex", group_a="M", se="analytic")
    frame = r.to_frame()
    assert list(frame.columns) == [
        "part",
        "component",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "pct_of_gap",
    ]
    assert frame.loc[frame["component"] == "gap", "pct_of_gap"].item() == pytest.approx(100)
    assert "Blinder-Oaxaca" in r.summary() and "<table" in r._repr_html_()
    assert set(r.detailed.columns) >= {"variable", "component", "estimate", "se"}


# --------------------------------------------------------------------------------------------
# Categories in one group only, collinearity and bad input
# --------------------------------------------------------------------------------------------


@pytest.fixture
def one_sided(workforce) -> pd.DataFrame:
    data = workforce.head(800).copy()
    data["team"] = np.where(np.arange(len(data)) % 2 == 0, "north", "south")
    women = np.flatnonzero(data["sex"].to_numpy() == "F")[:5]
    data.iloc[women, data.columns.get_loc("team")] = "women only"
    return data


def test_one_sided_categories_are_reported_or_dropped(one_sided):
    with pytest.raises(InputError, match="women only"):
        oaxaca_blinder(one_sided, "log_pay", ["team", "tenure"], "sex", group_a="M")
    with pytest.warns(UserWarning, match="5 rows"):
        r = oaxaca_blinder(
            one_sided, "log_pay", ["team", "tenure"], "sex", group_a="M", one_sided="drop"
        )
    assert r.excluded[["category", "present_in", "rows"]].values.tolist() == [
        ["team=women only", "B", 5]
    ]
    kept = one_sided[one_sided["team"] != "women only"]
    direct = oaxaca_blinder(kept, "log_pay", ["team", "tenure"], "sex", group_a="M")
    assert r.twofold.explained.value == pytest.approx(direct.twofold.explained.value)


def test_collinear_covariates_are_named(workforce):
    data = workforce.head(500).assign(double_tenure=lambda d: 2 * d["tenure"])
    with pytest.raises(InputError, match="double_tenure"):
        oaxaca_blinder(data, "log_pay", ["tenure", "double_tenure"], "sex", group_a="M")


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (None, {"covariates": ["tenur"]}, "Did you mean 'tenure'"),
        ("nan", {}, "missing value"),
        (None, {"group_a": "X"}, "group_a='X' is not a value"),
        ("three", {}, "group_b="),
        (None, {"se": "bootstrap"}, "seed="),
        (None, {"reference": "men"}, "reference='men' is not known"),
        (None, {"se": "jackknife"}, "se='jackknife'"),
        ("weights", {"weights": "w"}, "must be positive"),
        (None, {"covariates": "tenure"}, "list of column names"),
    ],
)
def test_bad_input_gets_a_clear_error(workforce, change, kwargs, message):
    data = workforce.head(300).copy()
    if change == "nan":
        data.iloc[3, data.columns.get_loc("log_pay")] = np.nan
    if change == "three":
        data.iloc[:4, data.columns.get_loc("sex")] = "X"
    if change == "weights":
        data["w"] = 1.0
        data.iloc[0, data.columns.get_loc("w")] = -1.0
    args = {"covariates": ["tenure"], "group_a": "M", **kwargs}
    covariates = args.pop("covariates")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError, match=message):
            oaxaca_blinder(data, "log_pay", covariates, "sex", **args)
