"""Issue 17 (compute once): the faster gap_by, EU tables and grade labels give bit-identical results.

The reference is the code as it was before (``tests/speed_reference.py``, a frozen copy): one full
sort per call and a string per row. Several datasets and shapes, means and medians, with and without
a bootstrap, single groupings and intersections, inside and outside :func:`shared_sorts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import speed_reference as ref

from research.data import synth
from research.paygap import breakdown, eu
from research.present import tabulate


def _odd_frame(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Awkward group keys: missing values, mixed types, floats, categoricals with unused levels,
    ties in pay, negative zero, a third sex code and missing pay."""
    rng = np.random.default_rng(seed)
    pay = np.round(rng.lognormal(2.5, 0.4, n), 1)
    pay[rng.random(n) < 0.05] = np.nan
    pay[:5] = [0.0, -0.0, 0.0, -0.0, 1.0]
    grade = pd.Series(rng.choice(["G1", "G2", "G10", None, "g2", "Ä"], n), dtype=object)
    mixed = pd.Series(rng.choice([1, "1", 2.0, None, "b"], n), dtype=object)
    band = pd.Categorical(
        rng.choice(["low", "mid", "high"], n), categories=["high", "unused", "mid", "low"]
    )
    band[rng.random(n) < 0.03] = np.nan
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M", "X"], n, p=[0.5, 0.45, 0.05]),
            "hourly_pay": pay,
            "grade": grade,
            "mixed": mixed,
            "band": band,
            "level": rng.choice([1.0, 2.5, np.nan], n),
            "rank": rng.integers(0, 4, n),
            "full_pay": pd.array(rng.choice([True, False, None], n, p=[0.8, 0.1, 0.1]), "boolean"),
        }
    )


DATASETS = {
    "synthetic": lambda: synth.generate(4000, seed=3),
    "synthetic_other": lambda: synth.generate(2500, seed=11),
    "odd": _odd_frame,
}
GROUPINGS = {
    "synthetic": [["grade"], ["occupation"], ["grade", "working_pattern"], ["age_band", "grade"]],
    "synthetic_other": [["grade"], ["working_pattern"], ["occupation", "grade"]],
    "odd": [["grade"], ["mixed"], ["band"], ["level"], ["rank"], ["band", "mixed", "grade"]],
}


def _same(new: breakdown.GapBreakdown, old) -> None:
    pd.testing.assert_frame_equal(new.table, old.table, check_exact=True)
    assert new.overall == old.overall


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("stat", ["median", "mean"])
def test_gap_by_is_bit_identical_to_the_reference(name, stat):
    data = DATASETS[name]()
    for within in GROUPINGS[name]:
        for n_boot in (0, 30):
            kwargs = dict(stat=stat, n_boot=n_boot, seed=5 if n_boot else None)
            old = ref.gap_by(data, within, **kwargs)
            _same(breakdown.gap_by(data, within, **kwargs), old)
            with breakdown.shared_sorts():  # reused sorts, repeated calls: the same numbers
                for _ in range(2):
                    _same(breakdown.gap_by(data, within, **kwargs), old)
                    _same(breakdown.gap_by(data, within, **kwargs), old)


def test_shared_sorts_keep_other_pay_columns_and_groups_apart():
    data = synth.generate(3000, seed=4)
    data["other_pay"] = data["hourly_pay"] * 2
    calls = [
        dict(within="grade", pay="hourly_pay"),
        dict(within="grade", pay="other_pay", stat="mean"),
        dict(within="grade", pay="hourly_pay", by="sex", reference="F", compare="M"),
        dict(within="occupation", pay="hourly_pay", full_pay=None),
        dict(within="grade", pay="annual_basic_pay", full_pay=None),
    ]
    expected = [ref.gap_by(data, **c) for c in calls]
    with breakdown.shared_sorts():
        for _ in range(2):
            for call, old in zip(calls, expected, strict=True):
                _same(breakdown.gap_by(data, **call), old)
        subset = data[data["working_pattern"] == data["working_pattern"].iloc[0]]
        _same(breakdown.gap_by(subset, "grade"), ref.gap_by(subset, "grade"))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("max_groups", [3, 8, 30, 1000])
def test_grade_groups_are_identical_to_the_reference(seed, max_groups):
    data = synth.generate(3000, seed=seed)
    rng = np.random.default_rng(seed)
    data.loc[rng.random(len(data)) < 0.05, "grade"] = None
    blank_rank = rng.random(len(data)) < 0.05
    data["grade_rank"] = data["grade_rank"].astype("Float64")
    data.loc[blank_rank, "grade_rank"] = pd.NA
    for frame in (data, data.iloc[::-1], data.drop(columns="grade_rank")):
        for missing in ("(missing)", tabulate.NOT_RECORDED):
            new = tabulate.grade_groups(frame, max_groups=max_groups, missing=missing)
            old = ref.grade_groups(frame, max_groups=max_groups, missing=missing)
            pd.testing.assert_series_equal(new, old, check_exact=True)


def test_eu_tables_are_identical_to_the_reference(monkeypatch):
    data = synth.generate(4000, seed=8)
    new = [
        eu.eu_pay_transparency(data, category="grade", variable_over=over, pay_basis=basis)
        for over in ("recipients", "all")
        for basis in ("hourly", "annual_fte")
    ]
    monkeypatch.setattr(eu, "gap_by", ref.gap_by)
    monkeypatch.setattr(eu, "shared_sorts", _no_sharing)
    old = [
        eu.eu_pay_transparency(data, category="grade", variable_over=over, pay_basis=basis)
        for over in ("recipients", "all")
        for basis in ("hourly", "annual_fte")
    ]
    for a, b in zip(new, old, strict=True):
        pd.testing.assert_frame_equal(a.categories, b.categories, check_exact=True)
        pd.testing.assert_frame_equal(a.items, b.items, check_exact=True)


class _no_sharing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize(
    "spec",
    [
        "synthetic:n_employees=800,seed=3",
        "synthetic:n_employees=300,seed=11,segregation=0.5",
        "synthetic:n_employees=500,seed=5,shape=renamed_units",
        "synthetic:n_employees=400,seed=2,shape=renamed_units+blank_grades",
        "synthetic:n_employees=600,seed=11?department=Adult%20Social%20Care",
    ],
)
def test_synthetic_earlier_snapshot_is_the_year_before_of_both_years(spec):
    """compare_with=auto draws one year instead of two: the same rows as before."""
    from research.data import datasets, snapshots

    ds = datasets.load_dataset(spec)
    new = snapshots.earlier_snapshot(ds, "auto", synthetic_earlier_segregation=0.6)
    name, filters = datasets.split_filter(ds.name)
    options = datasets.parse_synthetic_spec(name)
    snapshot = pd.Timestamp(ds.data["snapshot_date"].max())
    frames = synth.generate_years(
        [snapshot.year - 1, snapshot.year],
        n_employees=options.pop("n_employees"),
        seed=options.pop("seed"),
        segregation_start=0.6,
        segregation_end=options.pop("segregation", 1.0),
        snapshot_day=f"{snapshot:%m-%d}",
        **options,
    )
    old = frames[frames["snapshot_date"] < snapshot]
    if filters:
        old = datasets.apply_filter(old, filters, ds.name)
    pd.testing.assert_frame_equal(new.data, old, check_exact=True, check_index_type=False)
    assert new.data.index.equals(old.index)


@pytest.mark.parametrize("max_grade_groups", [5, 15, 100])
def test_pay_gap_groupings_are_identical_to_the_reference(max_grade_groups):
    from research.paygap import report

    data = synth.generate(3000, seed=9)
    data.loc[np.random.default_rng(1).random(len(data)) < 0.05, "grade"] = None
    new = report.with_groupings(data, max_grade_groups=max_grade_groups)
    old = ref.with_groupings(data, max_grade_groups=max_grade_groups)
    # ethnicity_group (GSS broad groups, issue 15) came after the reference was frozen
    pd.testing.assert_frame_equal(new.drop(columns="ethnicity_group"), old, check_exact=True)


@pytest.mark.parametrize("keep", [1, 5, 20, 500])
def test_occupation_labels_and_lumping_are_identical_to_the_reference(keep):
    data = synth.generate(3000, seed=12)
    rng = np.random.default_rng(2)
    data.loc[rng.random(len(data)) < 0.05, "occupation_title"] = None
    data.loc[rng.random(len(data)) < 0.03, "occupation"] = None
    mixed = pd.Series(rng.choice([1, "1", 2.0, None, "b", "a"], len(data)), dtype=object)
    for level in ("occupation", "job_family", "department"):
        new = tabulate.occupation_labels(data, level)
        pd.testing.assert_series_equal(new, ref.occupation_labels(data, level), check_exact=True)
        pd.testing.assert_series_equal(
            tabulate.lump_rare(new, keep), ref.lump_rare(new, keep), check_exact=True
        )
    pd.testing.assert_series_equal(
        tabulate.lump_rare(mixed, keep), ref.lump_rare(mixed, keep), check_exact=True
    )
    unnamed = pd.Series(data["grade"].to_numpy(), index=data.index[::-1])
    pd.testing.assert_series_equal(
        tabulate.lump_rare(unnamed, keep), ref.lump_rare(unnamed, keep), check_exact=True
    )
