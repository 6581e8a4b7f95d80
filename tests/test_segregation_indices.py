"""Segregation indices: hand-computed tables, properties, bootstrap, errors at the door."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from research import segregation as seg
from research.core.checks import InputError
from research.data import synth
from research.segregation import bootstrap, kernels

# A small table worked by hand: women and men in three occupations.
#   occupation  F   M      F/F_tot  M/M_tot
#   a          30  10       0.5      0.1
#   b          20  20       1/3      0.2
#   c          10  70       1/6      0.7
HAND = pd.DataFrame(
    {
        "occupation": ["a", "a", "b", "b", "c", "c"],
        "sex": ["F", "M"] * 3,
        "n": [30, 10, 20, 20, 10, 70],
    }
)
F = np.array([30.0, 20.0, 10.0])
M = np.array([10.0, 20.0, 70.0])


def random_table(rng: np.random.Generator, n_units: int = 12, n_groups: int = 2) -> pd.DataFrame:
    counts = rng.integers(0, 60, size=(n_units, n_groups))
    counts[0] += 1  # every group present
    units = np.repeat([f"u{i:02d}" for i in range(n_units)], n_groups)
    groups = np.tile([f"g{k}" for k in range(n_groups)], n_units)
    return pd.DataFrame({"unit": units, "group": groups, "n": counts.ravel()})


def individual_rows(cells: pd.DataFrame) -> pd.DataFrame:
    """Expand a cell table to one row per person (only for tests: the library never does this)."""
    return cells.loc[cells.index.repeat(cells["n"])].drop(columns="n").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Hand-computed values
# --------------------------------------------------------------------------------------------------


def test_dissimilarity_by_hand():
    # 0.5 * (|0.5-0.1| + |1/3-0.2| + |1/6-0.7|) = 0.5 * (0.4 + 2/15 + 8/15) = 8/15
    assert float(seg.dissimilarity(HAND, "sex", "occupation", "n")) == pytest.approx(8 / 15)


def test_karmel_maclachlan_is_2p1pd():
    p = 60 / 160
    ip = float(seg.karmel_maclachlan(HAND, "sex", "occupation", "n"))
    direct = np.abs(F - p * (F + M)).sum() / 160
    assert ip == pytest.approx(direct)
    assert ip == pytest.approx(2 * p * (1 - p) * 8 / 15)


def test_gini_matches_the_quadratic_definition():
    t, r, p = F + M, F / (F + M), 60 / 160
    double_sum = (np.outer(t, t) * np.abs(r[:, None] - r[None, :])).sum()
    expected = double_sum / (2 * 160**2 * p * (1 - p))
    assert float(seg.gini(HAND, "sex", "occupation", "n")) == pytest.approx(expected)


def test_hutchens_and_atkinson_by_hand():
    f, m = F / F.sum(), M / M.sum()
    s = 1 - np.sqrt(f * m).sum()
    assert float(seg.hutchens(HAND, "sex", "occupation", "n")) == pytest.approx(s)
    a_half = float(seg.atkinson(HAND, "sex", "occupation", "n"))
    assert a_half == pytest.approx(1 - (1 - s) ** 2)


@pytest.mark.parametrize("b", [0.1, 0.3, 0.5, 0.8])
def test_atkinson_honours_b_and_matches_james_taeuber(b):
    # James and Taeuber (1985): 1 - P/(1-P) |1/(P T) sum (1-p_j)^(1-b) p_j^b t_j|^(1/(1-b))
    t, p_j, total = F + M, F / (F + M), 160.0
    p = F.sum() / total
    inner = ((1 - p_j) ** (1 - b) * p_j**b * t).sum() / (p * total)
    expected = 1 - p / (1 - p) * abs(inner) ** (1 / (1 - b))
    result = seg.atkinson(HAND, "sex", "occupation", "n", b=b)
    assert float(result) == pytest.approx(expected)
    assert result.details["b"] == b


def test_atkinson_values_differ_with_b():
    values = {float(seg.atkinson(HAND, "sex", "occupation", "n", b=b)) for b in (0.2, 0.5, 0.8)}
    assert len(values) == 3


def test_size_standardised_isolation_exposure_by_hand():
    share_f, share_m = F / (F + M), M / (F + M)
    gibbs = 0.5 * np.abs(share_f / share_f.sum() - share_m / share_m.sum()).sum()
    got = float(seg.size_standardised_dissimilarity(HAND, "sex", "occupation", "n"))
    assert got == pytest.approx(gibbs)
    iso = float(seg.isolation(HAND, "sex", "occupation", "n"))
    exp = float(seg.exposure(HAND, "sex", "occupation", "n"))
    assert iso == pytest.approx((F / F.sum() * share_f).sum())
    assert iso + exp == pytest.approx(1.0)


def test_mutual_information_by_hand():
    p = np.column_stack([F, M]) / 160
    pj, pg = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    m = (p * np.log(p / (pj * pg))).sum()
    e = -(pg * np.log(pg)).sum()
    result = seg.mutual_information(HAND, "sex", "occupation", "n")
    assert result.M.value == pytest.approx(m)
    assert result.H.value == pytest.approx(m / e)
    assert result.entropy == pytest.approx(e)
    bits = seg.mutual_information(HAND, "sex", "occupation", "n", base=2)
    assert bits.M.value == pytest.approx(m / math.log(2))
    assert bits.H.value == pytest.approx(m / e)


def test_compare_alone_compares_one_group_with_everyone_else():
    data = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "b", "b", "b"],
            "group": ["x", "y", "z", "x", "y", "z"],
            "n": [10, 5, 1, 2, 9, 20],
        }
    )
    rest = seg.dissimilarity(data, "group", "unit", "n", compare="x")
    # x: 10/12, 2/12; rest: 6/35, 29/35
    assert float(rest) == pytest.approx(0.5 * (abs(10 / 12 - 6 / 35) + abs(2 / 12 - 29 / 35)))
    assert rest.details["comparison"] == "group versus rest"
    pairwise = seg.dissimilarity(data, "group", "unit", "n", compare="x", reference="y")
    assert float(pairwise) == pytest.approx(0.5 * (abs(10 / 12 - 5 / 14) + abs(2 / 12 - 9 / 14)))
    assert float(pairwise) != pytest.approx(float(rest))


def test_all_indices_at_once_equal_the_single_functions():
    table = seg.segregation_indices(HAND, "sex", "occupation", "n")
    singles = {
        "D": seg.dissimilarity,
        "IP": seg.karmel_maclachlan,
        "Gini": seg.gini,
        "Hutchens": seg.hutchens,
        "Atkinson": seg.atkinson,
        "D_size_standardised": seg.size_standardised_dissimilarity,
        "isolation": seg.isolation,
        "exposure": seg.exposure,
    }
    for key, function in singles.items():
        assert table[key].value == pytest.approx(float(function(HAND, "sex", "occupation", "n")))
    mi = seg.mutual_information(HAND, "sex", "occupation", "n")
    assert table["M"].value == pytest.approx(mi.M.value)
    assert table["H"].value == pytest.approx(mi.H.value)
    frame = table.to_frame()
    assert list(frame["index"]) == list(seg.INDEX_LABELS)
    assert table.groups == ("F", "M") and table.n_units == 3


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_gini_fast_equals_quadratic_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 40, 200).astype(float), rng.integers(0, 40, 200).astype(float)
    t, total = a + b, a.sum() + b.sum()
    keep = t > 0
    r, p = a[keep] / t[keep], a.sum() / total
    tt = t[keep]
    quadratic = (np.outer(tt, tt) * np.abs(r[:, None] - r[None, :])).sum() / (
        2 * total**2 * p * (1 - p)
    )
    assert float(kernels.gini(a, b)) == pytest.approx(quadratic, rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_two_group_indices_are_in_range_and_invariant_to_scaling_one_group(seed):
    rng = np.random.default_rng(seed)
    data = random_table(rng)
    base = seg.segregation_indices(data, "group", "unit", "n")
    scaled = data.assign(n=np.where(data["group"] == "g0", data["n"] * 7, data["n"]))
    after = seg.segregation_indices(scaled, "group", "unit", "n")
    for key in ("D", "Gini", "Hutchens", "Atkinson"):
        assert 0 <= base[key].value <= 1
        assert after[key].value == pytest.approx(base[key].value), key  # composition invariance
    assert 0 <= base["D_size_standardised"].value <= 1
    # IP, isolation and M depend on the overall group shares, so they move with the scaling.
    assert after["IP"].value != pytest.approx(base["IP"].value)


def test_no_segregation_and_complete_segregation():
    even = pd.DataFrame({"u": list("aabbcc"), "g": list("FMFMFM"), "n": [10, 30, 5, 15, 2, 6]})
    table = seg.segregation_indices(even, "g", "u", "n")
    for key in ("D", "IP", "Gini", "Hutchens", "Atkinson", "D_size_standardised", "M", "H"):
        assert table[key].value == pytest.approx(0.0, abs=1e-12), key
    assert table["isolation"].value == pytest.approx(0.25)
    apart = pd.DataFrame({"u": list("abc"), "g": list("FMM"), "n": [10, 30, 5]})
    table = seg.segregation_indices(apart, "g", "u", "n")
    for key in ("D", "Gini", "Hutchens", "Atkinson", "D_size_standardised", "H", "isolation"):
        assert table[key].value == pytest.approx(1.0), key


@pytest.mark.parametrize("seed", range(4))
def test_individual_rows_and_counts_give_the_same_indices(seed):
    rng = np.random.default_rng(100 + seed)
    cells = random_table(rng, n_units=6)
    rows = individual_rows(cells)
    a = seg.segregation_indices(cells, "group", "unit", "n").to_frame()
    b = seg.segregation_indices(rows, "group", "unit").to_frame()
    pd.testing.assert_series_equal(a["estimate"], b["estimate"], check_exact=False, rtol=1e-12)


def test_categorical_columns_with_unused_categories_are_fine():
    data = HAND.assign(
        sex=pd.Categorical(HAND["sex"], categories=["F", "M", "X", "U"]),
        occupation=pd.Categorical(HAND["occupation"], categories=["c", "b", "a", "zz"]),
    )
    assert float(seg.dissimilarity(data, "sex", "occupation", "n")) == pytest.approx(8 / 15)
    assert seg.segregation_indices(data, "sex", "occupation", "n").groups == ("F", "M")


@pytest.mark.parametrize("seed", range(5))
def test_m_is_symmetric_in_group_and_unit(seed):
    data = random_table(np.random.default_rng(seed), n_units=9, n_groups=4)
    one = seg.mutual_information(data, "group", "unit", "n").M.value
    other = seg.mutual_information(data, "unit", "group", "n").M.value
    assert one == pytest.approx(other, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_local_scores_add_up_to_m(seed):
    data = random_table(np.random.default_rng(seed), n_units=10, n_groups=3)
    local = seg.local_segregation(data, "group", "unit", "n")
    m = seg.mutual_information(data, "group", "unit", "n").M.value
    total = local.M
    assert total == pytest.approx(m)
    assert local.groups["contribution"].sum() == pytest.approx(m)
    assert local.units["contribution"].sum() == pytest.approx(m)
    assert local.units["share"].sum() == pytest.approx(1.0)
    assert (np.diff(local.units["contribution"].to_numpy()) <= 1e-15).all()  # largest first
    frame = local.to_frame()
    assert set(frame["dimension"]) == {"group", "unit"}


def nested_data(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for region in ("North", "South"):
        for council in ("A", "B", "C"):
            for occupation in ("cleaner", "clerk", "driver", "nurse"):  # same names everywhere
                for sex in ("F", "M"):
                    rows.append((region, council, occupation, sex, int(rng.integers(0, 50))))
    return pd.DataFrame(rows, columns=["region", "council", "occupation", "sex", "n"])


@pytest.mark.parametrize("seed", range(3))
def test_between_and_within_parts_add_up_exactly(seed):
    data = nested_data(seed)
    result = seg.mutual_information(data, "sex", "occupation", "n", within="council")
    parts = result.components
    assert parts["M"].iloc[:-1].sum() == pytest.approx(parts["M"].iloc[-1], abs=1e-14)
    assert parts["H"].iloc[:-1].sum() == pytest.approx(parts["H"].iloc[-1], abs=1e-14)
    # The within part is sum_s p_s M_s, and the between part is M of sex by council.
    within = result.within["council"]
    assert (within["p"] * within["M"]).sum() == pytest.approx(parts["M"].iloc[1])
    between = seg.mutual_information(data, "sex", "council", "n").M.value
    assert parts["M"].iloc[0] == pytest.approx(between)
    # Units are identified within councils: the total is M over (council, occupation) cells.
    cells = data.assign(cell=data["council"] + "/" + data["occupation"])
    total = seg.mutual_information(cells, "sex", "cell", "n").M.value
    assert result.M.value == pytest.approx(total)
    assert (within["p"] * within["entropy"] / result.entropy * within["H"]).sum() == pytest.approx(
        parts["H"].iloc[1]
    )


def test_nested_levels_add_up_and_each_level_is_a_chain_rule_step():
    data = nested_data(7)
    result = seg.mutual_information(data, "sex", "occupation", "n", within=["region", "council"])
    parts = result.components.set_index("component")["M"]
    assert list(parts.index) == [
        "between region",
        "between council within region",
        "between occupation within council",
        "total",
    ]
    assert parts.iloc[:-1].sum() == pytest.approx(parts["total"], abs=1e-14)
    region = seg.mutual_information(data, "sex", "region", "n").M.value
    council = seg.mutual_information(
        data.assign(rc=data["region"] + data["council"]), "sex", "rc", "n"
    ).M.value
    assert parts["between region"] == pytest.approx(region)
    assert parts["between council within region"] == pytest.approx(council - region)
    assert set(result.within) == {"region", "council"}
    assert result.within["region"]["share"].sum() == pytest.approx(1 - region / parts["total"])


def test_representation_ratios_average_to_one():
    ratios = seg.representation_ratios(HAND, "sex", "occupation", "n")
    table = ratios.table
    assert (table["n"] * table["ratio_F"]).sum() / table["n"].sum() == pytest.approx(1.0)
    assert table.iloc[0]["occupation"] == "c"  # least female first
    assert table.set_index("occupation").loc["a", "ratio_F"] == pytest.approx(0.75 / (60 / 160))
    assert ratios.overall_share == pytest.approx(60 / 160)


def test_segregation_curve_gives_d_and_gini():
    curve = seg.segregation_curve(HAND, "sex", "occupation", "n")
    x, y = curve.table["cum_M"].to_numpy(), curve.table["cum_F"].to_numpy()
    assert (x[0], y[0]) == (0, 0) and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    assert (x - y).max() == pytest.approx(curve.D)
    area = (np.diff(x) * (y[1:] + y[:-1]) / 2).sum()
    assert 1 - 2 * area == pytest.approx(curve.gini)
    assert curve.gini == pytest.approx(float(seg.gini(HAND, "sex", "occupation", "n")))


def test_synthetic_truth_is_recovered():
    data = synth.generate(200_000, seed=7)
    truth = synth.truth()
    got = float(seg.dissimilarity(data, "sex", "occupation"))
    assert got == pytest.approx(truth.D, abs=0.01)
    flat = synth.generate(200_000, seed=7, segregation=0.0)
    expected = seg.expected_values(flat, "sex", "occupation", n_sim=20, seed=1)
    assert float(seg.dissimilarity(flat, "sex", "occupation")) == pytest.approx(
        expected["D"], abs=0.01
    )


# --------------------------------------------------------------------------------------------------
# Bootstrap and random allocation
# --------------------------------------------------------------------------------------------------


def test_bootstrap_is_reproducible_and_fills_uncertainty():
    one = seg.dissimilarity(HAND, "sex", "occupation", "n", n_boot=300, seed=3)
    two = seg.dissimilarity(HAND, "sex", "occupation", "n", n_boot=300, seed=3)
    other = seg.dissimilarity(HAND, "sex", "occupation", "n", n_boot=300, seed=4)
    assert one == two
    assert one.se != other.se
    assert one.se > 0 and one.n_boot == 300
    low, high = one.ci
    assert 0 <= low <= one.bias_corrected <= high <= 1
    frame = one.to_frame()
    assert list(frame.columns) == [
        "statistic",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "bias_corrected",
        "n_boot",
    ]


def test_bootstrap_redraws_keep_the_total_and_empty_cells():
    counts = np.array([[5.0, 0.0], [3.0, 12.0]])
    draws = bootstrap.redraw(counts, 50, np.random.default_rng(0))
    assert draws.shape == (50, 2, 2)
    assert (draws.sum(axis=(1, 2)) == 20).all()
    assert (draws[:, 0, 1] == 0).all()


def test_bias_correction_moves_towards_chance_for_small_units():
    rng = np.random.default_rng(0)
    units = np.repeat(np.arange(40), 2)
    data = pd.DataFrame({"u": units, "g": ["F", "M"] * 40, "n": rng.integers(1, 6, 80)})
    result = seg.dissimilarity(data, "g", "u", "n", n_boot=400, seed=1)
    assert result.bias_corrected < result.value  # small units inflate D


def test_all_indices_share_one_set_of_replicates():
    table = seg.segregation_indices(HAND, "sex", "occupation", "n", n_boot=200, seed=9)
    single = seg.dissimilarity(HAND, "sex", "occupation", "n", n_boot=200, seed=9)
    assert table["D"].se == pytest.approx(single.se)
    assert all(table[k].n_boot == 200 for k in seg.INDEX_LABELS)


def test_random_allocation_keeps_both_margins():
    rng = np.random.default_rng(5)
    sizes, groups = np.array([3, 10, 0, 7, 20]), np.array([15, 20, 5])
    sims = bootstrap.random_allocation(sizes, groups, 30, rng)
    assert (sims.sum(axis=2) == sizes).all()
    assert (sims.sum(axis=1) == groups).all()
    free = bootstrap.random_allocation(sizes, groups, 30, rng, fixed_margins=False)
    assert (free.sum(axis=2) == sizes).all()


def test_expected_values_for_many_groups_give_m_and_h_only():
    data = random_table(np.random.default_rng(2), n_units=8, n_groups=3)
    result = seg.expected_values(data, "group", "unit", "n", n_sim=20, seed=2)
    assert list(result.table["index"]) == ["M", "H"]
    assert (result.table["expected"] >= 0).all()


# --------------------------------------------------------------------------------------------------
# Errors at the door
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "sexx"}, "Did you mean 'sex'"),
        ({"unit": "job"}, re.escape("Column 'job' (unit) is not in the data")),
        ({"weight": "count"}, re.escape("Column 'count' (weight)")),
    ],
)
def test_wrong_column_names_are_named(kwargs, message):
    args = {"group": "sex", "unit": "occupation", "weight": "n", **kwargs}
    with pytest.raises(InputError, match=message):
        seg.dissimilarity(HAND, args["group"], args["unit"], args["weight"])


def test_bad_weights_and_missing_values_are_refused():
    with pytest.raises(InputError, match="non-negative"):
        seg.gini(HAND.assign(n=[1, -1, 2, 2, 3, 3]), "sex", "occupation", "n")
    with pytest.raises(InputError, match="must hold numbers"):
        seg.gini(HAND.assign(n=list("abcdef")), "sex", "occupation", "n")
    with pytest.raises(InputError, match="missing value"):
        seg.gini(HAND.assign(occupation=["a", None, "b", "b", "c", "c"]), "sex", "occupation", "n")


def test_single_sex_one_unit_and_too_many_groups_are_refused():
    with pytest.raises(InputError, match="only one group"):
        seg.dissimilarity(HAND[HAND["sex"] == "F"], "sex", "occupation", "n")
    with pytest.raises(InputError, match="Only 1 unit"):
        seg.dissimilarity(HAND[HAND["occupation"] == "a"], "sex", "occupation", "n")
    three = pd.concat([HAND, HAND.head(1).assign(sex="X")])
    with pytest.raises(InputError, match=r"compare='F', reference='M'"):
        seg.hutchens(three, "sex", "occupation", "n")
    assert float(seg.hutchens(three, "sex", "occupation", "n", compare="F", reference="M")) > 0
    with pytest.raises(InputError, match="Group 'X' has no members"):
        seg.hutchens(HAND, "sex", "occupation", "n", compare="F", reference="X")
    with pytest.raises(InputError, match="only one group"):
        seg.mutual_information(HAND[HAND["sex"] == "M"], "sex", "occupation", "n")


def test_bad_options_are_refused():
    with pytest.raises(InputError, match="seed"):
        seg.dissimilarity(HAND, "sex", "occupation", "n", n_boot=10)
    with pytest.raises(InputError, match="strictly between 0 and 1"):
        seg.atkinson(HAND, "sex", "occupation", "n", b=1.0)
    with pytest.raises(InputError, match="n_boot"):
        seg.gini(HAND, "sex", "occupation", "n", n_boot=-5, seed=1)
    with pytest.raises(InputError, match="whole number"):
        seg.gini(HAND.assign(n=HAND["n"] + 0.25), "sex", "occupation", "n", n_boot=10, seed=1)
    with pytest.raises(InputError, match="base"):
        seg.mutual_information(HAND, "sex", "occupation", "n", base=1)
    with pytest.raises(InputError, match="one way only"):
        seg.dissimilarity(HAND, "sex", "occupation", "n", groups=("F", "M"), versus_rest="F")


def test_unit_and_group_codes_of_every_column_type():
    import pyarrow as pa

    from research.segregation.cells import tabulate

    expected = float(seg.dissimilarity(HAND, "sex", "occupation", "n"))
    variants = {
        "small integers": HAND.assign(occupation=HAND["occupation"].map({"a": 7, "b": 3, "c": 0})),
        "large integers": HAND.assign(
            occupation=HAND["occupation"].map({"a": 10**12, "b": -5, "c": 3})
        ),
        "arrow chunks": HAND.assign(
            occupation=pd.Series(
                pd.arrays.ArrowStringArray(pa.chunked_array([["a", "a", "b"], ["b", "c", "c"]]))
            )
        ),
        "objects": HAND.assign(occupation=HAND["occupation"].astype(object)),
    }
    for name, data in variants.items():
        assert float(seg.dissimilarity(data, "sex", "occupation", "n")) == pytest.approx(
            expected
        ), name
    cells = tabulate(variants["small integers"], "sex", "occupation", "n")
    assert list(cells.units) == [0, 3, 7]  # observed values only, sorted
    with pytest.raises(InputError, match="1 missing value"):
        tabulate(
            HAND.assign(sex=pd.Categorical(["F", None, "F", "M", "F", "M"])),
            "sex",
            "occupation",
            "n",
        )
