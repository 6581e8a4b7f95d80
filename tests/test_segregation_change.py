"""Change in segregation: decompositions that add up, IPF, and the synthetic generator's years."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research import segregation as seg
from research.core.checks import InputError
from research.data import synth

# The R package's diff_test_data1 and diff_test_data2 (tests/data/segregation/toy_tables.csv).
TOY = pd.read_csv(
    Path(__file__).parent / "data" / "segregation" / "toy_tables.csv",
    dtype={"unit": str, "group": str},
)
T1 = TOY[TOY["table"] == "diff_test_data1"]
T2 = TOY[TOY["table"] == "diff_test_data2"]
PARTS = ("additions", "removals", "group_marginal", "unit_marginal", "structural")


def snapshots(
    seed: int, n_units: int = 15, shift: float = 0.3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two random unit x sex tables; some units exist in only one of them."""
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n_units)]
    p = rng.uniform(0.05, 0.95, n_units)
    size = rng.integers(5, 200, n_units)
    rows1, rows2 = [], []
    for j, unit in enumerate(units):
        if j != 0:  # unit 0 is added in t2
            f = rng.binomial(size[j], p[j])
            rows1 += [(unit, "F", f), (unit, "M", size[j] - f)]
        if j != 1:  # unit 1 is removed in t2
            q = np.clip(p[j] + shift * (0.5 - p[j]), 0.01, 0.99)
            n = int(size[j] * rng.uniform(0.6, 1.6))
            f = rng.binomial(n, q)
            rows2 += [(unit, "F", f), (unit, "M", n - f)]
    columns = ["unit", "sex", "n"]
    return pd.DataFrame(rows1, columns=columns), pd.DataFrame(rows2, columns=columns)


@pytest.mark.parametrize("method", ["shapley", "km"])
@pytest.mark.parametrize("index", ["M", "H", "D", "IP", "Gini", "Atkinson"])
def test_components_add_up_exactly(method, index):
    t1, t2 = snapshots(3)
    result = seg.decompose_change(t1, t2, "sex", "unit", "n", method, index=index)
    assert sum(result.components.values()) == pytest.approx(result.difference, abs=1e-13)
    assert result.difference == pytest.approx(result.after - result.before)
    assert result.diagnostics["converged"]
    assert result.diagnostics["n_units_added"] == 1 and result.diagnostics["n_units_removed"] == 1
    frame = result.to_frame()
    assert list(frame["component"][:3]) == ["before", "after", "difference"]
    assert frame["label"].str.len().min() > 0


def test_before_and_after_are_the_indices_of_each_snapshot():
    t1, t2 = snapshots(4)
    result = seg.decompose_change(t1, t2, "sex", "unit", "n", index="D")
    assert result.before == pytest.approx(float(seg.dissimilarity(t1, "sex", "unit", "n")))
    assert result.after == pytest.approx(float(seg.dissimilarity(t2, "sex", "unit", "n")))


@pytest.mark.parametrize("seed", range(3))
def test_shapley_is_symmetric_in_time_and_in_roles(seed):
    t1, t2 = snapshots(seed)
    forward = seg.decompose_change(t1, t2, "sex", "unit", "n")
    backward = seg.decompose_change(t2, t1, "sex", "unit", "n")
    for part in ("group_marginal", "unit_marginal", "structural"):
        assert backward.components[part] == pytest.approx(-forward.components[part], abs=1e-9)
    assert backward.components["additions"] == pytest.approx(-forward.components["removals"])
    swapped = seg.decompose_change(t1, t2, "unit", "sex", "n")  # M is symmetric
    assert swapped.components["structural"] == pytest.approx(
        forward.components["structural"], abs=1e-9
    )
    assert swapped.components["group_marginal"] == pytest.approx(
        forward.components["unit_marginal"], abs=1e-9
    )


def test_identical_snapshots_have_no_change():
    t1, _ = snapshots(5)
    result = seg.decompose_change(t1, t1, "sex", "unit", "n")
    assert all(abs(v) < 1e-12 for v in result.components.values())


def test_a_pure_change_in_the_sex_mix_is_all_marginal():
    # Three times as many women in every unit: the structure (odds ratios) is unchanged, so the
    # whole change is marginal (more women overall, and female-heavy units grow with them).
    t1, _ = snapshots(6)
    t2 = t1.assign(n=np.where(t1["sex"] == "F", t1["n"] * 3, t1["n"]))
    result = seg.decompose_change(t1, t2, "sex", "unit", "n")
    assert result.components["structural"] == pytest.approx(0.0, abs=1e-9)
    marginal = result.components["group_marginal"] + result.components["unit_marginal"]
    assert marginal == pytest.approx(result.difference, abs=1e-9)
    assert abs(result.difference) > 1e-3
    # D does not depend on the sex mix at all: its change is nil.
    d = seg.decompose_change(t1, t2, "sex", "unit", "n", index="D")
    assert d.difference == pytest.approx(0.0, abs=1e-12)


def test_the_toy_tables_of_the_r_package():
    result = seg.decompose_change(T1, T2, "group", "unit", "n")
    m1 = seg.mutual_information(T1, "group", "unit", "n").M.value
    m2 = seg.mutual_information(T2, "group", "unit", "n").M.value
    assert result.before == pytest.approx(m1) and result.after == pytest.approx(m2)
    assert result.components["additions"] == pytest.approx(0.0, abs=1e-14)
    assert result.components["removals"] == pytest.approx(0.0, abs=1e-14)
    assert sum(result.components.values()) == pytest.approx(m2 - m1, abs=1e-14)


def test_karmel_maclachlan_change_of_ip():
    t1, t2 = snapshots(8)
    result = seg.karmel_maclachlan_change(t1, t2, "sex", "unit", "n")
    assert result.index == "IP" and result.method == "km"
    assert set(result.components) == {*PARTS, "interaction"}
    assert sum(result.components.values()) == pytest.approx(result.difference, abs=1e-13)
    assert result.before == pytest.approx(float(seg.karmel_maclachlan(t1, "sex", "unit", "n")))
    assert "Composition" in result.labels["group_marginal"]


def test_ipf_matches_the_target_margins_to_a_relative_tolerance():
    rng = np.random.default_rng(0)
    source = rng.uniform(0, 1, (30, 4))
    source[source < 0.15] = 0.0
    rows = rng.uniform(1e-6, 1, 30)  # some very small margins: the relative test still holds
    columns = rng.uniform(0.1, 1, 4)
    fit = seg.fit_margins(source, rows, columns / columns.sum() * rows.sum(), tol=1e-12)
    assert fit.converged and fit.max_log_error <= 1e-12
    np.testing.assert_allclose(fit.table.sum(axis=1), rows, rtol=1e-11)
    np.testing.assert_allclose(
        fit.table.sum(axis=0), columns / columns.sum() * rows.sum(), rtol=1e-11
    )
    assert (fit.table[source == 0] == 0).all()  # the structure's zeros are kept


def test_ipf_keeps_odds_ratios():
    source = np.array([[10.0, 20.0], [30.0, 5.0], [8.0, 8.0]])
    fit = seg.fit_margins(source, np.array([50.0, 20.0, 30.0]), np.array([40.0, 60.0]))
    odds = lambda t: t[0, 0] * t[1, 1] / (t[0, 1] * t[1, 0])  # noqa: E731
    assert odds(fit.table) == pytest.approx(odds(source))


def test_ipf_that_cannot_converge_warns():
    t1 = pd.DataFrame({"u": ["a", "b"], "g": ["F", "M"], "n": [10, 10]})
    t2 = pd.DataFrame({"u": ["a", "a", "b"], "g": ["F", "M", "M"], "n": [5, 10, 5]})
    with pytest.warns(seg.IPFWarning, match="did not|stopped"):
        frame = seg.ipf(t1, t2, "g", "u", "n", max_iter=200)
    assert frame.attrs["converged"] is False


def test_change_bootstrap_gives_intervals():
    t1, t2 = snapshots(9)
    result = seg.decompose_change(t1, t2, "sex", "unit", "n", n_boot=40, seed=2)
    again = seg.decompose_change(t1, t2, "sex", "unit", "n", n_boot=40, seed=2)
    frame = result.to_frame()
    assert frame["se"].notna().all() and (frame["n_boot"] == 40).all()
    pd.testing.assert_frame_equal(frame, again.to_frame())


def test_change_errors():
    t1, t2 = snapshots(1)
    with pytest.raises(InputError, match="method"):
        seg.decompose_change(t1, t2, "sex", "unit", "n", "oaxaca")
    with pytest.raises(InputError, match="index"):
        seg.decompose_change(t1, t2, "sex", "unit", "n", index="Q")
    other = pd.DataFrame({"unit": ["x", "y", "x", "y"], "sex": list("FFMM"), "n": [1, 2, 3, 4]})
    with pytest.raises(InputError, match="share fewer than two units"):
        seg.decompose_change(t1, other, "sex", "unit", "n")


# --------------------------------------------------------------------------------------------------
# Several years of the synthetic council
# --------------------------------------------------------------------------------------------------


def test_generate_years_last_year_is_generate():
    years = synth.generate_years([2024, 2025], n_employees=800, seed=5, segregation_end=0.6)
    assert sorted(years["snapshot_date"].dt.year.unique()) == [2024, 2025]
    last = years[years["snapshot_date"].dt.year == 2025].reset_index(drop=True)
    pd.testing.assert_frame_equal(last, synth.generate(800, seed=5, segregation=0.6))
    assert isinstance(years["sex"].dtype, pd.CategoricalDtype)
    again = synth.generate_years([2024, 2025], n_employees=800, seed=5, segregation_end=0.6)
    pd.testing.assert_frame_equal(years, again)


def test_generate_years_moves_segregation_along_the_path():
    path = synth.segregation_path(3, 1.0, 0.2)
    np.testing.assert_allclose(path, [1.0, 0.6, 0.2])
    data = synth.generate_years(
        [2023, 2024, 2025],
        n_employees=[60_000, 60_000, 60_000],
        seed=3,
        segregation_start=1.0,
        segregation_end=0.2,
        within_job_gap=0.0,
    )
    for year, s in zip((2023, 2024, 2025), path, strict=True):
        snapshot = data[data["snapshot_date"].dt.year == year]
        d = float(seg.dissimilarity(snapshot, "sex", "occupation"))
        assert d == pytest.approx(synth.truth(segregation=s).D, abs=0.02)
    first = data[data["snapshot_date"].dt.year == 2023]
    last = data[data["snapshot_date"].dt.year == 2025]
    change = seg.decompose_change(first, last, "sex", "occupation")
    assert change.components["structural"] < 0  # segregation itself fell


def test_generate_years_refuses_bad_input():
    with pytest.raises(ValueError, match="strictly increasing"):
        synth.generate_years([2025, 2024])
    with pytest.raises(ValueError, match="set per year"):
        synth.generate_years([2024, 2025], segregation=0.5)
    with pytest.raises(ValueError, match="one per year"):
        synth.generate_years([2024, 2025], n_employees=[500])
    with pytest.raises(ValueError, match="segregation_end"):
        synth.generate_years([2024, 2025], segregation_end=1.5)


def test_generate_years_passes_options_on():
    data = synth.generate_years([2025], n_employees=400, seed=1, employer="Testshire")
    assert set(data["employer"].astype(str)) == {"Testshire"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        synth.generate_years([2024, 2025], n_employees=400, within_job_gap=0.1)
