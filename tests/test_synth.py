"""Tests of the synthetic council workforce generator and its known truth."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.data import schema, synth, synth_diversity

SOC_STRUCTURE = (
    Path(__file__).resolve().parents[1] / "data" / "raw" / "soc2020" / "soc2020_structure.csv"
)
BIG_N = 200_000


# --------------------------------------------------------------------------------------------
# Fixtures and estimators
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return synth.generate()


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return synth.generate(BIG_N, seed=7)


def dissimilarity(df: pd.DataFrame) -> float:
    """Sample Duncan index D = 0.5 * sum_j |F_j/F - M_j/M| over occupations."""
    counts = pd.crosstab(df["occupation"], df["sex"])
    female = counts["F"] / counts["F"].sum()
    male = counts["M"] / counts["M"].sum()
    return float(0.5 * (female - male).abs().sum())


#: Extension columns the generator adds after the canonical ones (issue 15).
SYNTHETIC_TERMS = ("contract_type", "benefit_in_kind")


def within_cell_log_gap(df: pd.DataFrame) -> float:
    """Mean log FTE pay of women minus men within occupation x grade cells.

    Cells are weighted by ``n_F n_M / (n_F + n_M)``, the inverse variance weight of a difference
    of two means with equal variances; cells lacking either sex drop out.
    """
    logged = df.assign(log_pay=np.log(df["annual_basic_pay"]))
    cells = logged.groupby(["occupation", "grade_rank", "sex"], observed=True)["log_pay"]
    stats = cells.agg(["mean", "size"]).unstack("sex").dropna()
    n_f, n_m = stats[("size", "F")], stats[("size", "M")]
    weight = n_f * n_m / (n_f + n_m)
    diff = stats[("mean", "F")] - stats[("mean", "M")]
    return float((diff * weight).sum() / weight.sum())


# --------------------------------------------------------------------------------------------
# Shape, dtypes, schema
# --------------------------------------------------------------------------------------------


def test_columns_in_canonical_order(small: pd.DataFrame) -> None:
    assert tuple(small.columns) == (*schema.COLUMN_NAMES, *SYNTHETIC_TERMS)
    assert len(small) == 3000


@pytest.mark.parametrize("spec", schema.COLUMNS, ids=lambda c: c.name)
def test_column_dtypes(small: pd.DataFrame, spec: schema.ColumnSpec) -> None:
    dtype = small[spec.name].dtype
    if spec.dtype == "category":
        assert isinstance(dtype, pd.CategoricalDtype)
    elif spec.dtype == "string":
        assert isinstance(dtype, pd.StringDtype)
    else:
        assert dtype == spec.dtype


def test_passes_workforce_schema(small: pd.DataFrame) -> None:
    schema.WORKFORCE_SCHEMA.validate(small)


def test_no_missing_values(small: pd.DataFrame) -> None:
    assert not small.isna().any().any()


def test_employee_ids_unique_and_formatted(small: pd.DataFrame) -> None:
    ids = small["employee_id"]
    assert ids.is_unique
    assert ids.iloc[0] == "SYN0000001"
    assert ids.iloc[-1] == "SYN0003000"
    assert ids.str.fullmatch(r"SYN\d{7}").all()


def test_minimum_size_and_constants() -> None:
    df = synth.generate(300, employer="Anytown", snapshot_date="2024-03-31")
    assert len(df) == 300
    assert set(df["employer"]) == {"Anytown"}
    assert (df["snapshot_date"] == pd.Timestamp("2024-03-31")).all()
    schema.WORKFORCE_SCHEMA.validate(df)


# --------------------------------------------------------------------------------------------
# Occupations and grades
# --------------------------------------------------------------------------------------------


def test_occupations_are_soc2020_unit_groups(small: pd.DataFrame) -> None:
    soc = pd.read_csv(SOC_STRUCTURE, dtype=str)
    units = soc.loc[soc["level"] == "unit_group"]
    valid = set(zip(units["code"], units["title"], strict=True))
    catalogue = synth.occupation_catalogue()
    assert len(catalogue) >= 30
    assert catalogue["code"].is_unique
    assert set(zip(catalogue["code"], catalogue["title"], strict=True)) <= valid
    generated = set(
        zip(small["occupation"].astype(str), small["occupation_title"].astype(str), strict=True)
    )
    assert generated <= valid
    assert len(generated) >= 30
    assert all(len(code) == 4 for code, _ in generated)


def test_catalogue_is_coherent() -> None:
    cat = synth.occupation_catalogue()
    assert (cat["weight"] > 0).all()
    assert cat["female_baseline"].between(0, 1).all()
    assert (cat["grade_min"] >= 1).all()
    assert (cat["grade_min"] <= cat["grade_max"]).all()
    assert (cat["grade_max"] <= 12).all()
    assert cat["part_time"].between(0, 1, inclusive="neither").all()
    female = cat.set_index("code")["female_baseline"]
    assert female["6135"] > 0.8 > 0.1 > female["9225"]


def test_grade_ladder_rises() -> None:
    ladder = synth.grade_ladder()
    assert ladder["grade_rank"].min() == 1
    assert ladder["grade_rank"].max() == 12
    assert ladder["fte_salary"].is_monotonic_increasing is False  # points overlap across grades
    bottoms = ladder.groupby("grade_rank")["fte_salary"].min()
    tops = ladder.groupby("grade_rank")["fte_salary"].max()
    assert bottoms.is_monotonic_increasing
    assert tops.is_monotonic_increasing
    assert 22_000 < bottoms.iloc[0] < 25_000
    assert tops.iloc[-1] > 90_000


def test_grades_within_occupation_range(small: pd.DataFrame) -> None:
    ranges = synth.occupation_catalogue().set_index("code")[["grade_min", "grade_max"]]
    bounds = ranges.loc[small["occupation"].astype(str)].to_numpy()
    rank = small["grade_rank"].to_numpy(dtype=np.int64)
    assert ((rank >= bounds[:, 0]) & (rank <= bounds[:, 1])).all()
    names = synth.grade_ladder().drop_duplicates("grade_rank").set_index("grade_rank")["grade"]
    assert (small["grade"].astype(str).to_numpy() == names.loc[rank].to_numpy()).all()


def test_pay_rises_with_grade(big: pd.DataFrame) -> None:
    medians = big.groupby("grade_rank")["annual_basic_pay"].median()
    assert medians.is_monotonic_increasing


# --------------------------------------------------------------------------------------------
# Hours, pay periods, leave, bonus, demographics
# --------------------------------------------------------------------------------------------


def test_hours_fte_and_pattern(small: pd.DataFrame) -> None:
    hours, fte = small["weekly_hours"], small["fte"]
    assert np.allclose(fte, hours / schema.DEFAULT_FULL_TIME_HOURS)
    part_time = small["working_pattern"] == "part_time"
    assert (part_time == (fte < 1)).all()
    assert (hours[~part_time] == schema.DEFAULT_FULL_TIME_HOURS).all()
    assert hours[part_time].between(8, 32).all()
    assert hours[part_time].nunique() > 20


def test_part_time_concentrated_among_women(big: pd.DataFrame) -> None:
    part_time = big["working_pattern"] == "part_time"
    by_sex = part_time.groupby(big["sex"], observed=True).mean()
    assert by_sex["F"] > 2 * by_sex["M"]
    by_occ = part_time.groupby(big["occupation"], observed=True).mean()
    female = (big["sex"] == "F").groupby(big["occupation"], observed=True).mean()
    assert by_occ.corr(female) > 0.5


def test_full_pay_period_and_hourly_pay(small: pd.DataFrame) -> None:
    full = small[small["full_pay"].to_numpy(dtype=bool)]
    assert (small["pay_period_days"] == 31).all()
    expected = full["annual_basic_pay"] * full["fte"] * 31 / 365
    assert np.allclose(full["ordinary_pay_period"], expected, atol=0.006)
    reg6 = full["ordinary_pay_period"] * 7 / 31 / full["weekly_hours"]
    assert np.allclose(full["hourly_pay"], reg6)


def test_reduced_pay_employees(big: pd.DataFrame) -> None:
    reduced = big[~big["full_pay"].to_numpy(dtype=bool)]
    share = len(reduced) / len(big)
    assert 0.01 < share < 0.06
    normal = reduced["annual_basic_pay"] * reduced["fte"] * 31 / 365
    assert (reduced["ordinary_pay_period"] < normal).all()
    assert (reduced["ordinary_pay_period"] == 0).any()
    from_annual = (
        reduced["annual_basic_pay"]
        * reduced["fte"]
        / schema.WEEKS_PER_YEAR
        / reduced["weekly_hours"]
    )
    assert np.allclose(reduced["hourly_pay"], from_annual)
    by_sex = (~big["full_pay"]).groupby(big["sex"], observed=True).mean()
    assert by_sex["F"] > by_sex["M"]


def test_february_snapshot_uses_its_month() -> None:
    df = synth.generate(300, snapshot_date="2024-02-29")
    assert (df["pay_period_days"] == 29).all()


def test_bonus_minority(big: pd.DataFrame) -> None:
    bonus = big["bonus_12m"]
    assert (bonus >= 0).all()
    assert 0.03 <= (bonus > 0).mean() <= 0.06
    refuse = big["occupation"] == "9225"
    assert (bonus[refuse] > 0).mean() > (bonus[~refuse] > 0).mean()


def test_demographic_categories(small: pd.DataFrame) -> None:
    assert list(small["age_band"].cat.categories) == list(synth.AGE_BANDS)
    assert list(small["ethnicity"].cat.categories) == list(synth.ETHNIC_GROUPS)
    assert set(small["disability"]) == {"Yes", "No", "Not stated"}
    assert set(small["sex"]) == {"F", "M"}
    assert list(small["sex"].cat.categories) == list(schema.SEX_CODES)


def test_start_date_consistent_with_age(small: pd.DataFrame) -> None:
    snapshot = small["snapshot_date"]
    assert (small["start_date"] < snapshot).all()
    tenure_years = (snapshot - small["start_date"]).dt.days / 365.25
    oldest = small["age_band"].map(
        {"65+": 70, **{b: int(b[-2:]) + 1 for b in synth.AGE_BANDS[:-1]}}
    )
    assert (tenure_years <= oldest.astype(float) - 16).all()


# --------------------------------------------------------------------------------------------
# Reproducibility and options
# --------------------------------------------------------------------------------------------


def _frame_hash(df: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(df, index=True).to_numpy()


def test_byte_reproducible(small: pd.DataFrame) -> None:
    again = synth.generate()
    assert np.array_equal(_frame_hash(small), _frame_hash(again))
    pd.testing.assert_frame_equal(small, again)


def test_different_seed_differs(small: pd.DataFrame) -> None:
    other = synth.generate(seed=2026)
    assert not np.array_equal(_frame_hash(small), _frame_hash(other))


def test_other_sex_share_recodes_only_sex(small: pd.DataFrame) -> None:
    df = synth.generate(other_sex_share=0.1)
    assert set(df["sex"]) == {"F", "M", "X", "U"}
    other = df["sex"].isin(["X", "U"])
    assert 0.07 < other.mean() < 0.13
    pd.testing.assert_frame_equal(df.drop(columns="sex"), small.drop(columns="sex"))
    assert (df.loc[~other, "sex"] == small.loc[~other, "sex"]).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_employees": 299}, "n_employees must be at least 300"),
        ({"n_employees": 1000.0}, "n_employees must be an int"),
        ({"seed": 1.5}, "seed must be an int"),
        ({"seed": "1"}, "seed must be an int"),
        ({"segregation": -0.1}, r"segregation must be in \[0.0, 1.0\]"),
        ({"segregation": 1.5}, r"segregation must be in \[0.0, 1.0\]"),
        ({"within_job_gap": 0.5}, r"within_job_gap must be in \[0.0, 0.5\)"),
        ({"within_job_gap": -0.01}, "within_job_gap must be in"),
        ({"within_job_gap": float("nan")}, "within_job_gap must be a finite number"),
        ({"female_share": 1.0}, "female_share must be in"),
        ({"other_sex_share": 0.5}, "other_sex_share must be in"),
        ({"vertical_segregation": -1.0}, "vertical_segregation must be in"),
        ({"employer": ""}, "employer must be a non-empty string"),
        ({"snapshot_date": "not a date"}, "snapshot_date must be a date"),
    ],
)
def test_argument_validation(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        synth.generate(**kwargs)


def test_truth_validates_arguments() -> None:
    with pytest.raises(ValueError, match="segregation must be in"):
        synth.truth(segregation=2.0)


# --------------------------------------------------------------------------------------------
# The known truth, and recovering it
# --------------------------------------------------------------------------------------------


def test_truth_structure() -> None:
    t = synth.truth()
    occ = t.occupations
    assert len(occ) == len(synth.occupation_catalogue())
    assert math.isclose(occ["employment_share"].sum(), 1.0)
    assert math.isclose(occ["female_distribution"].sum(), 1.0)
    assert math.isclose(occ["male_distribution"].sum(), 1.0)
    assert math.isclose(t.female_share, float(occ["employment_share"] @ occ["female_share"]))
    assert 0.3 < t.D < 0.7
    assert t.log_within_job_gap == pytest.approx(math.log(0.95))
    assert t.vertical_segregation == synth.VERTICAL_SEGREGATION
    sums = t.grades.groupby("occupation")[["p_female", "p_male"]].sum()
    assert np.allclose(sums, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.D = 0.0  # type: ignore[misc]


def test_truth_without_segregation() -> None:
    t = synth.truth(segregation=0.0)
    assert pytest.approx(0.0, abs=1e-12) == t.D
    assert np.allclose(t.occupations["female_share"], t.female_share)
    assert t.female_share == pytest.approx(synth.truth().female_share)


def test_truth_segregation_scales_departures() -> None:
    full, half = synth.truth(segregation=1.0), synth.truth(segregation=0.5)
    dev_full = full.occupations["female_share"] - full.female_share
    dev_half = half.occupations["female_share"] - half.female_share
    assert np.allclose(dev_half, 0.5 * dev_full)
    assert half.D < full.D


def test_truth_female_share_override() -> None:
    t = synth.truth(female_share=0.5, segregation=0.3)
    assert t.female_share == pytest.approx(0.5)


def test_sample_d_recovers_truth(big: pd.DataFrame) -> None:
    assert dissimilarity(big) == pytest.approx(synth.truth().D, abs=0.01)


def test_sample_d_small_without_segregation() -> None:
    df = synth.generate(BIG_N, seed=8, segregation=0.0)
    assert dissimilarity(df) < 0.03


def test_sample_female_shares_recover_truth(big: pd.DataFrame) -> None:
    t = synth.truth()
    assert (big["sex"] == "F").mean() == pytest.approx(t.female_share, abs=0.005)
    sample = (big["sex"] == "F").groupby(big["occupation"], observed=True).agg(["mean", "size"])
    expected = t.occupations.set_index("occupation")["female_share"].loc[sample.index]
    standard_error = np.sqrt(expected * (1 - expected) / sample["size"])
    assert (np.abs(sample["mean"] - expected) < 4.5 * standard_error).all()
    employment = sample["size"] / sample["size"].sum()
    expected_employment = t.occupations.set_index("occupation")["employment_share"]
    assert np.abs(employment - expected_employment.loc[sample.index]).max() < 0.005


def test_within_job_gap_recovered(big: pd.DataFrame) -> None:
    estimate = within_cell_log_gap(big)
    assert estimate == pytest.approx(synth.truth().log_within_job_gap, abs=0.005)


def test_no_within_job_gap_recovered() -> None:
    df = synth.generate(BIG_N // 2, seed=9, within_job_gap=0.0)
    assert within_cell_log_gap(df) == pytest.approx(0.0, abs=0.005)


def test_vertical_segregation_matches_truth(big: pd.DataFrame) -> None:
    grades = synth.truth().grades
    top_female = grades.groupby("occupation")["p_female"].last()
    top_male = grades.groupby("occupation")["p_male"].last()
    assert (top_male >= top_female).all()
    ranges = synth.occupation_catalogue().set_index("code")
    position = (
        big["grade_rank"].astype(float)
        - ranges.loc[big["occupation"].astype(str), "grade_min"].to_numpy()
    )
    mean_position = position.groupby(big["sex"], observed=True).mean()
    assert mean_position["M"] > mean_position["F"]
    expected_share_top = (
        grades.assign(top=grades.groupby("occupation")["grade_rank"].transform("max"))
        .query("grade_rank == top")
        .set_index("occupation")
    )
    care = big[big["occupation"] == "6135"]
    top_rank = int(expected_share_top.loc["6135", "grade_rank"])
    share = (care["grade_rank"] == top_rank).groupby(care["sex"], observed=True).mean()
    assert share["F"] == pytest.approx(expected_share_top.loc["6135", "p_female"], abs=0.01)
    assert share["M"] == pytest.approx(expected_share_top.loc["6135", "p_male"], abs=0.02)


# --------------------------------------------------------------------------------------------------
# export_extract: a messy HR extract with its mapping, for ingest round trips
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "sep", "encoding"),
    [
        ({}, ";", "cp1252"),
        (
            {"decimal": ".", "thousands": ",", "encoding": "utf-8", "date_format": "%Y-%m-%d"},
            ",",
            "utf-8",
        ),
    ],
)
def test_export_extract_round_trips_through_ingest(
    tmp_path: Path, options: dict, sep: str, encoding: str
) -> None:
    from research.data.ingest import ingest

    frame = synth.generate(n_employees=300, seed=5)
    csv, mapping = synth.export_extract(frame, tmp_path / "extract.csv", **options)
    raw = pd.read_csv(csv, sep=sep, dtype=str, encoding=encoding)
    assert list(raw.columns[:5]) == ["Staff Number", *synth.EXTRACT_IDENTIFYING]
    assert raw["NI Number"].str.match(r"^QQ\d{6}[A-D]$").all()
    result = ingest(csv, mapping)
    counts = result.summary["counts"]
    assert counts == {"read": 300, "accepted": 300, "quarantined": 0}
    assert result.data["employee_id"].tolist() == frame["employee_id"].tolist()
    assert np.allclose(result.data["annual_basic_pay"], frame["annual_basic_pay"], atol=0.005)
    assert (result.data["sex"].astype(str) == frame["sex"].astype(str)).all()
    assert result.data["grade_rank"].tolist() == frame["grade_rank"].tolist()


def test_export_extract_undeclared_writes_a_mapping_without_forms(tmp_path: Path) -> None:
    import yaml

    frame = synth.generate(n_employees=300, seed=5)
    _, mapping = synth.export_extract(frame, tmp_path / "x.csv", declare=False, date_format=None)
    spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    assert spec["source"] == {"delimiter": ";"}
    assert spec["columns"]["start_date"] == "Start Date"


# --------------------------------------------------------------------------------------------------
# Data shapes: what an extract holds, with its known answers
# --------------------------------------------------------------------------------------------------

SHAPE_N = 1000


@pytest.fixture(scope="module")
def complete_shape() -> synth.Shaped:
    return synth.generate_with_truth(SHAPE_N, seed=3)


def test_complete_shape_is_the_plain_draw(complete_shape: synth.Shaped) -> None:
    pd.testing.assert_frame_equal(complete_shape.data, synth.generate(SHAPE_N, seed=3))
    assert synth.make_shape() is synth.SHAPES["complete"]
    assert all(complete_shape.truth.recorded.values())


@pytest.mark.parametrize("name", sorted(synth.SHAPES))
def test_every_shape_keeps_the_canonical_columns_and_the_employees(
    name: str, complete_shape: synth.Shaped
) -> None:
    data, known = synth.generate_with_truth(SHAPE_N, seed=3, shape=name)
    assert list(data.columns) == [*schema.COLUMN_NAMES, *SYNTHETIC_TERMS]
    full = complete_shape.data
    for column in ("employee_id", "occupation", "employer", "snapshot_date"):
        assert data[column].astype(str).tolist() == full[column].astype(str).tolist()
    # hours, FTE, working pattern and hourly pay are optional (all or none): checked below
    assert not set(schema.ALL_OR_NONE) & set(schema.REQUIRED_COLUMNS)
    assert data[list(schema.REQUIRED_COLUMNS)].notna().all().all()
    for what, columns in {
        "grades": ["grade", "grade_rank"],
        "start_dates": ["start_date"],
        "ages": ["age_band"],
        "bonus": ["bonus_12m"],
        "ethnicity": ["ethnicity"],
        "disability": ["disability"],
        "hours": ["weekly_hours", "fte", "hourly_pay", "ordinary_pay_period", "full_pay"],
        "working_pattern": ["working_pattern"],
    }.items():
        recorded = known.recorded[what]
        for column in columns:
            assert data[column].notna().any() == recorded, (name, column)
            if not recorded:
                assert data[column].isna().all(), (name, column)
    assert known.n_blank_grades == int(data["grade"].isna().sum())
    assert (data["grade"].isna() == data["grade_rank"].isna()).all()


def test_annual_only_records_actual_salaries_so_the_annual_gap_is_not_the_full_time_gap(
    complete_shape: synth.Shaped,
) -> None:
    data, known = synth.generate_with_truth(SHAPE_N, seed=3, shape="annual_only")
    full = complete_shape.data
    assert np.allclose(data["annual_basic_pay"], (full["annual_basic_pay"] * full["fte"]).round(2))
    part_time = (full["working_pattern"] == "part_time").to_numpy()
    assert part_time.sum() > 100  # part-timers are in the data, at their part-time salary
    assert (data["annual_basic_pay"][part_time] < full["annual_basic_pay"][part_time]).all()
    # the gap in annual pay over everyone mixes in part-time work; among full-timers it does not
    assert known.median_gap > known.full_time_median_gap + 3
    assert known.full_time_median_gap == pytest.approx(complete_shape.truth.full_time_median_gap)
    women, men = data["sex"] == "F", data["sex"] == "M"
    median = data["annual_basic_pay"].groupby(data["sex"], observed=True).median()
    assert known.median_gap == pytest.approx((median["M"] - median["F"]) / median["M"] * 100)
    assert women.sum() + men.sum() == SHAPE_N
    with_pattern = synth.generate(SHAPE_N, seed=3, shape="annual_with_pattern")
    assert (with_pattern["working_pattern"] == full["working_pattern"]).all()
    assert with_pattern["weekly_hours"].isna().all()


def test_blank_grades_leave_the_grade_index_on_the_recorded_grades() -> None:
    data, known = synth.generate_with_truth(SHAPE_N, seed=3, shape="blank_grades")
    assert 0.04 * SHAPE_N < known.n_blank_grades < 0.12 * SHAPE_N
    kept = data.dropna(subset=["grade"])
    counts = pd.crosstab(kept["grade"], kept["sex"])
    d = 0.5 * (counts["F"] / counts["F"].sum() - counts["M"] / counts["M"].sum()).abs().sum()
    assert known.grade_D == pytest.approx(d)
    assert synth.generate_with_truth(SHAPE_N, seed=3, shape="no_grades").truth.grade_D is None


def test_other_sex_codes_and_hostile_titles() -> None:
    data, known = synth.generate_with_truth(SHAPE_N, seed=3, shape="other_sex+hostile_titles")
    assert set(data["sex"].astype(str)) == {"F", "M", "X", "U"}
    assert known.n_other_sex == int(data["sex"].isin(["X", "U"]).sum()) > 10
    assert synth.HOSTILE_TITLE in set(data["occupation_title"].astype(str))
    assert synth.HOSTILE_DEPARTMENT in set(data["department"].astype(str))


def test_shapes_combine_with_plus_and_unknown_names_are_refused() -> None:
    hardest = synth.make_shape(synth.HARDEST)
    assert hardest.parts == ("annual_only", "blank_grades", "other_sex", "hostile_titles")
    assert not hardest.hours and not hardest.working_pattern and hardest.grades
    assert hardest.blank_grades == 0.08 and hardest.other_sex_share == 0.04
    assert synth.make_shape(["annual_only", synth.SHAPES["no_grades"]]).name == (
        "annual_only+no_grades"
    )
    with pytest.raises(ValueError, match="Unknown data shape 'annual'.*annual_only"):
        synth.make_shape("annual+blank_grades")
    with pytest.raises(ValueError, match="blank_grades"):
        synth.Shape("bad", blank_grades=0.9)


def test_renamed_units_use_older_names_in_earlier_years_only() -> None:
    years = synth.generate_years([2023, 2024, 2025], n_employees=800, seed=5, shape="renamed_units")
    latest = years["snapshot_date"] == years["snapshot_date"].max()
    for column, renames in synth.RENAMED_UNITS.items():
        values = years[column].astype(str)
        assert not values[latest].isin(list(renames)).any(), column
        assert values[~latest].isin(list(renames)).any(), column
        assert not values[~latest].isin(list(renames.values())).any(), column
    assert years[list(synth.RENAMED_UNITS)].notna().all().all()
    plain = synth.generate_years([2023, 2024, 2025], n_employees=800, seed=5)
    assert (years["employee_id"] == plain["employee_id"]).all()
    crosswalked = years["occupation"].astype(str).replace(synth.RENAMED_UNITS["occupation"])
    assert (crosswalked == plain["occupation"].astype(str)).all()


def test_export_of_an_annual_only_extract_has_no_hours_and_writes_null_tokens(
    tmp_path: Path,
) -> None:
    import yaml

    frame = synth.generate(300, seed=5, shape="annual_only+null_tokens")
    csv, mapping = synth.export_extract(frame, tmp_path / "x.csv")
    raw = pd.read_csv(csv, sep=";", dtype=str, encoding="cp1252", keep_default_na=False)
    assert "Contract Hours" not in raw and "FTE" not in raw and "Working Pattern" not in raw
    assert (raw["Grade"] == "NULL").sum() == frame["grade"].isna().sum() > 0
    spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    assert "weekly_hours" not in spec["columns"] and "fte" not in spec["columns"]
    assert spec["columns"]["annual_basic_pay"]["basis"] == "actual"
    assert spec["source"]["null_values"] == ["NULL"]
    patterned = synth.generate(300, seed=5, shape="annual_with_pattern")
    _, mapping = synth.export_extract(patterned, tmp_path / "y.csv")
    spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    assert spec["columns"]["working_pattern"]["codes"] == {
        "Full time": "full_time",
        "Part time": "part_time",
    }


def test_many_grades_makes_every_spinal_point_a_grade() -> None:
    data = synth.generate(SHAPE_N, seed=3, shape="many_grades")
    ladder = synth.grade_ladder()
    assert len(data["grade"].cat.categories) == len(ladder) == 45
    assert data["grade"].cat.ordered
    assert (data["grade"].cat.codes + 1 == data["grade_rank"]).all()
    salary = ladder["fte_salary"].to_numpy()[data["grade_rank"].to_numpy(dtype=int) - 1]
    men = (data["sex"] == "M").to_numpy()
    # the known ethnicity and disability pay gaps are a factor on pay (synth_diversity)
    factor = synth_diversity.pay_factor(
        data["ethnicity"].cat.codes.to_numpy(), data["disability"].cat.codes.to_numpy()
    )
    ratio = data["annual_basic_pay"].to_numpy()[men] / (salary * factor)[men]
    assert ratio.min() > 0.95 and ratio.max() < 1.05  # paid the point's salary, up to noise
    plain = synth.generate(SHAPE_N, seed=3)
    assert (
        data["grade"].astype(str).str.split(" point").str[0] == plain["grade"].astype(str)
    ).all()


def test_an_annual_only_extract_ingests_as_annual_pay(tmp_path: Path) -> None:
    from research.data.ingest import ingest

    frame = synth.generate(300, seed=5, shape="annual_only")
    result = ingest(*synth.export_extract(frame, tmp_path / "x.csv"))
    assert result.summary["counts"] == {"read": 300, "accepted": 300, "quarantined": 0}
    assert result.data["weekly_hours"].isna().all() and result.data["fte"].isna().all()
    assert np.allclose(result.data["annual_basic_pay"], frame["annual_basic_pay"], atol=0.005)


def test_undeclared_null_tokens_are_missing_values_by_default(tmp_path: Path) -> None:
    from research.data.ingest import ingest

    frame = synth.generate(300, seed=5, shape="null_tokens")
    forms = {"decimal": ".", "thousands": "", "encoding": "utf-8", "date_format": "%Y-%m-%d"}
    result = ingest(*synth.export_extract(frame, tmp_path / "x.csv", declare=False, **forms))
    assert result.summary["counts"] == {"read": 300, "accepted": 300, "quarantined": 0}
    assert result.data["grade"].isna().sum() == frame["grade"].isna().sum() > 0
    assert result.data["ethnicity"].isna().sum() == frame["ethnicity"].isna().sum()
