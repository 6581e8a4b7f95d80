"""Decompositions on cells of covariate patterns (issue 17): the per-cell sums give the same
numbers as the rows, the bootstrap stream drawn one replicate at a time is the stream of
:func:`_harness.resample`, and the helpers that replace row-level work agree with it."""

import numpy as np
import pandas as pd
import pytest

from research.core.random import make_rng
from research.data import synth
from research.decomposition import _design as dz
from research.decomposition import _harness as hn
from research.decomposition import _numeric as nm
from research.decomposition import (
    brown_moon_zoloth,
    dfl,
    oaxaca_blinder,
    pool_rare,
    rif_decomposition,
)


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    data = synth.generate(2500, seed=21)
    data = data[data["sex"].isin(["F", "M"])].copy()
    data["log_pay"] = np.log(data["hourly_pay"])
    data["sex"] = data["sex"].astype(str)
    compare = {"min_count": 10, "groups_compared": ("M", "F")}
    data["grade"] = pool_rare(data["grade"], data["sex"], ordered=True, **compare).values
    data["occ"] = pool_rare(data["job_family"], data["sex"], **compare).values
    data["tenure"] = (data["snapshot_date"] - data["start_date"]).dt.days / 365.25
    return data[["log_pay", "sex", "grade", "occ", "age_band", "working_pattern", "tenure"]]


CATEGORICAL = ["grade", "age_band", "working_pattern"]


def test_the_stream_one_replicate_at_a_time_is_the_stream_of_resample():
    opts = hn.Options("bootstrap", 0.95, 70, 11)
    sizes = [1001, 777]
    expected = hn.resample(opts, sizes)
    for g in (0, 1):
        got = np.stack(list(hn.replicate_counts(opts, sizes, g)))
        np.testing.assert_array_equal(got, expected[g])


def test_cells_hold_the_design_of_every_row(workforce):
    design, cells = dz.cell_design(workforce, [*CATEGORICAL, "grade:working_pattern"])
    rows = dz.build_design(workforce, [*CATEGORICAL, "grade:working_pattern"])
    assert cells is not None and cells.size < len(workforce)
    assert design.labels == rows.labels
    np.testing.assert_array_equal(design.matrix[cells.cell], rows.matrix)
    assert dz.cell_design(workforce, [*CATEGORICAL, "tenure"])[1] is None  # numeric: rows


def test_dense_codes_equal_unique():
    key = make_rng(2).integers(0, 50, 400)
    for span in (50, 10**9):
        uniques, inverse = dz.dense_codes(key, span)
        ref_u, ref_i = np.unique(key, return_inverse=True)
        np.testing.assert_array_equal(uniques, ref_u)
        np.testing.assert_array_equal(inverse, ref_i)


@pytest.mark.parametrize("robust", [False, True])
def test_least_squares_and_means_from_cells_equal_the_rows(workforce, robust):
    prep = hn.prepare(workforce, "log_pay", CATEGORICAL, "sex", group_a="M")
    g = 0
    w = np.linspace(0.5, 2.0, prep.n(g))
    Z, y = prep.Z[g], prep.y[g]
    b, V, e, s2 = nm.cell_ols(prep.Zc[g], prep.cell[g], y, w, robust=robust)
    b0, V0, e0, s20 = nm.weighted_ols(Z, y, w, robust=robust)
    np.testing.assert_allclose(b, b0, rtol=1e-10)
    np.testing.assert_allclose(V, V0, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(e, e0, atol=1e-10)
    assert s2 == pytest.approx(s20, rel=1e-10)
    mean, Vm = nm.cell_mean_and_cov(prep.Xc(g), prep.sums(g, w), prep.sums(g, w, w), y.size)
    mean0, Vm0 = nm.mean_and_cov(prep.X[g], w)
    np.testing.assert_allclose(mean, mean0, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(Vm, Vm0, rtol=1e-9, atol=1e-18)


def test_windowed_kernel_density_equals_the_full_sum():
    rng = make_rng(4)
    y = np.sort(rng.normal(3, 0.4, 5000))
    w = rng.integers(0, 3, y.size).astype(float)
    at = np.quantile(y, [0.1, 0.5, 0.9])
    h = nm.silverman_bandwidth(y, w, presorted=True)
    keep = w > 0
    assert h == pytest.approx(nm.silverman_bandwidth(y[keep], w[keep]), rel=1e-12)
    np.testing.assert_allclose(
        nm.kernel_density_sorted(y, w, at, h),
        nm.kernel_density(y[keep], w[keep], at, h),
        rtol=1e-12,
    )


def _run_all(data):
    common = {"group_a": "M", "group_b": "F", "se": "bootstrap", "n_boot": 25, "seed": 5}
    return {
        "oaxaca": oaxaca_blinder(
            data, "log_pay", CATEGORICAL, "sex", normalize=True, **common
        ).detailed,
        "rif": rif_decomposition(
            data, "log_pay", CATEGORICAL, "sex", quantiles=[0.25, 0.5], **common
        ).table,
        "bmz": brown_moon_zoloth(
            data, "log_pay", ["grade"], "sex", "occ", attainment=["age_band"], **common
        ).to_frame(),
        "dfl": dfl(
            data, "log_pay", CATEGORICAL, "sex", reference="A", quantiles=[0.5], **common
        ).table,
    }


def test_estimates_and_bootstrap_on_cells_equal_one_cell_per_row(workforce, monkeypatch):
    cells = _run_all(workforce)
    monkeypatch.setattr(dz, "collapse", lambda data, covariates: None)  # every row a cell
    rows = _run_all(workforce)
    for name, table in cells.items():
        assert np.isfinite(table.select_dtypes("number").to_numpy()).all(), name
        pd.testing.assert_frame_equal(table, rows[name], rtol=1e-9, atol=1e-12)


def test_pooled_codes_and_labels_agree():
    values = pd.Series(["a", "b", "b", None, "c", "a", "c", "c"] * 5)
    groups = pd.Series(["M", "F"] * 20)
    pooled = pool_rare(values, groups, min_count=4, groups_compared=("M", "F"))
    assert list(pooled.categorical().astype(object)) == list(pooled.values)
    assert set(pooled.values) <= set(pooled.order)
