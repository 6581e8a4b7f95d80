"""Canonical workforce table: one row per employee at a snapshot date.

Every dataset the workbench analyses (synthetic, bundled real data, a user's own HR extract) is turned
into this table first, so every analysis reads the same column names, codes and units.

Units and conventions
---------------------
* ``annual_basic_pay`` is the **full-time-equivalent** gross annual basic salary. A source that records
  actual (part-time) pay declares ``basis: actual`` in its mapping and is divided by ``fte`` on ingest.
  An annual-pay-only extract (no hours, no FTE) keeps the pay as declared: FTE pay, or actual pay
  compared as it is (the ingest summary says which, under ``pay_basis``).
* ``weekly_hours``, ``fte``, ``hourly_pay`` and ``working_pattern`` are always in the table, but may
  be **all missing**: an extract without hours or FTE has none of them (a working pattern only when
  the mapping gives one). Each is either recorded for every row or for none
  (:data:`ALL_OR_NONE`); where values exist the row rules apply.
* ``hourly_pay`` follows the UK Equality Act 2010 (Gender Pay Gap Information) Regulations 2017 reg 6
  where the extract has ordinary pay for the relevant pay period, ``ordinary_pay_period * 7 /
  pay_period_days / weekly_hours``; otherwise it is derived from annual pay as
  ``annual_basic_pay * fte / WEEKS_PER_YEAR / weekly_hours`` (actual annual pay spread over 52.143
  weeks of contractual hours).
* ``sex`` is ``F`` or ``M``; other recorded values are kept as ``X`` (another recorded sex or gender)
  or ``U`` (not recorded). They are counted in every report and excluded only from binary comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

#: Weeks in a year used to turn annual pay into weekly pay (365.25 / 7, rounded as in HR practice).
WEEKS_PER_YEAR = 52.143

#: Canonical sex codes. F and M enter binary comparisons; X and U are kept and counted.
SEX_CODES = ("F", "M", "X", "U")
BINARY_SEXES = ("F", "M")

#: Working pattern labels.
WORKING_PATTERNS = ("full_time", "part_time")

#: Contract types (issue 15): ``permanent`` (open-ended), ``fixed_term`` (ends on a set date or on
#: completing a task or project), ``temporary`` (cover or short engagements without a set end, e.g.
#: acting-up or maternity cover), ``casual`` (bank, relief or as-and-when work with no guaranteed
#: hours). A source's own labels map to them through the mapping's ``codes:``, as sex does; a
#: blank is "not recorded". Ireland's gender pay gap regulations (S.I. No. 264 of 2022) report the
#: gap of employees on temporary contracts: :data:`TEMPORARY_CONTRACTS` are counted as such.
CONTRACT_TYPES = ("permanent", "fixed_term", "temporary", "casual")
TEMPORARY_CONTRACTS = ("fixed_term", "temporary")

#: Full-time weekly hours assumed when a source gives hours but no FTE (NJC standard week).
DEFAULT_FULL_TIME_HOURS = 37.0

#: Broad ethnic groups of the GSS harmonised ethnicity standard for England and Wales (2021
#: Census), in the order the ONS publishes them. The 19 detailed categories are in
#: :data:`ETHNICITY_CATEGORIES`; the shipped code list with full labels and its source is
#: ``research/data/codes/ethnicity_gss.csv`` (read by :mod:`research.data.codes`).
ETHNIC_BROAD_GROUPS: tuple[str, ...] = ("Asian", "Black", "Mixed", "White", "Other")

#: The 19 ethnic group categories of the 2021 Census of England and Wales (the ONS codes 1-19 of
#: "Ethnic group (20 categories)", the twentieth being "does not apply"), as (code, category,
#: broad group). Canonical ``ethnicity`` values are these category names, or a broad group name
#: where a source records only broad groups, or a not-stated code (:data:`NOT_STATED_CODES`).
ETHNICITY_CATEGORIES: tuple[tuple[int, str, str], ...] = (
    (1, "Bangladeshi", "Asian"),
    (2, "Chinese", "Asian"),
    (3, "Indian", "Asian"),
    (4, "Pakistani", "Asian"),
    (5, "Other Asian", "Asian"),
    (6, "African", "Black"),
    (7, "Caribbean", "Black"),
    (8, "Other Black", "Black"),
    (9, "White and Asian", "Mixed"),
    (10, "White and Black African", "Mixed"),
    (11, "White and Black Caribbean", "Mixed"),
    (12, "Other Mixed", "Mixed"),
    (13, "English, Welsh, Scottish, Northern Irish or British", "White"),
    (14, "Irish", "White"),
    (15, "Gypsy or Irish Traveller", "White"),
    (16, "Roma", "White"),
    (17, "Other White", "White"),
    (18, "Arab", "Other"),
    (19, "Any other ethnic group", "Other"),
)
#: The White British category (the usual reference group of ethnicity pay gaps).
WHITE_BRITISH = "English, Welsh, Scottish, Northern Irish or British"
#: Answers that record no ethnicity or disability status: the employee preferred not to say, or
#: was not asked. Counted as "not disclosed" with missing values, never dropped silently.
NOT_STATED_CODES: tuple[str, ...] = ("Prefer not to say", "Not stated")
#: Canonical ``disability`` values (Equality Act 2010 definition, self-reported): disabled,
#: not disabled; anything else recorded is counted as not disclosed.
DISABILITY_VALUES: tuple[str, ...] = ("Yes", "No")
#: Canonical values a mapping may give ``ethnicity``: categories, broad groups, not stated.
ETHNICITY_VALUES: tuple[str, ...] = (
    tuple(c for _, c, _ in ETHNICITY_CATEGORIES) + ETHNIC_BROAD_GROUPS + NOT_STATED_CODES
)


def per_value(values: pd.Series, function) -> pd.Series:
    """``function(values)`` for a function of each value alone, worked out once per distinct
    value (missing included) and given to every row: the same result without the text of every
    row (20 million employees have a few dozen distinct ethnicities). Categorical columns only
    (the canonical text columns); other columns go to ``function`` as they are."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return function(values)
    key, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) + 1 >= len(values):  # nothing to gain
        return function(values)
    codes, _ = pd.factorize(key)  # codes in order of first row, missing as a value of its own
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    distinct = function(values.iloc[first])
    return pd.Series(distinct.array.take(codes), index=values.index, name=distinct.name)


def _broad_group(values: pd.Series) -> pd.Series:
    lookup = {c: g for _, c, g in ETHNICITY_CATEGORIES} | {g: g for g in ETHNIC_BROAD_GROUPS}
    return values.astype("string").map(lookup).astype("string")


def ethnic_broad_group(values: pd.Series) -> pd.Series:
    """The GSS broad group of each canonical ``ethnicity`` value (a category or a broad group).

    Missing, not-stated and unclassified values give ``<NA>``; pandas string dtype.
    """
    return per_value(values, _broad_group)


def _group_label(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    return _broad_group(text).fillna(text)


def ethnic_group_label(values: pd.Series) -> pd.Series:
    """The label a table groups ethnicity by: the GSS broad group of a classified value, and any
    other value (a category outside the classification, "Not stated") as it is given.

    19 categories would leave most rows of a table hidden as small counts; pandas string dtype.
    """
    return per_value(values, _group_label)


#: GOV.UK gender pay gap service: the 14 published figures (percentages), in the order of the
#: service's download files. Shared by the statutory calculation (:mod:`research.paygap`), the
#: download reader (:mod:`research.data.gpg`) and the council benchmark (:mod:`research.gpg`).
GOV_UK_COLUMNS: tuple[str, ...] = (
    "DiffMeanHourlyPercent",
    "DiffMedianHourlyPercent",
    "DiffMeanBonusPercent",
    "DiffMedianBonusPercent",
    "MaleBonusPercent",
    "FemaleBonusPercent",
    "MaleLowerQuartile",
    "FemaleLowerQuartile",
    "MaleLowerMiddleQuartile",
    "FemaleLowerMiddleQuartile",
    "MaleUpperMiddleQuartile",
    "FemaleUpperMiddleQuartile",
    "MaleTopQuartile",
    "FemaleTopQuartile",
)


def normalise_employer_name(names: pd.Series) -> pd.Series:
    """A matching key for employer names: upper case, ``&`` as AND, no punctuation or ``THE``.

    ``"The London Borough of Hammersmith & Fulham"`` -> ``"LONDON BOROUGH OF HAMMERSMITH AND
    FULHAM"``; ``"St. Helen's"`` -> ``"ST HELENS"`` (apostrophes and full stops vanish, other
    punctuation becomes a space). The GOV.UK download reader keys every submission with it
    (``name_key``) and the council benchmark matches the names a user types with it, so both
    sides of a match are keyed by one rule.
    """
    key = names.astype(pd.StringDtype("pyarrow")).str.upper().str.replace("&", " AND ", regex=False)
    key = key.str.replace(r"['’.]", "", regex=True)
    key = key.str.replace(r"[^A-Z0-9]+", " ", regex=True)
    key = (
        key.str.strip().str.replace(r"^THE ", "", regex=True).str.replace(r" THE$", "", regex=True)
    )
    return key


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the canonical table."""

    name: str
    dtype: str
    required: bool
    meaning: str


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "employee_id", "string", True, "pseudonymised identifier (never printed in a report)"
    ),
    ColumnSpec("employer", "category", True, "organisation name or code"),
    ColumnSpec("snapshot_date", "datetime64[ns]", True, "snapshot date, e.g. 31 March"),
    ColumnSpec("sex", "category", True, "F, M, or X (other recorded) / U (not recorded)"),
    ColumnSpec("occupation", "category", True, "occupation code (e.g. SOC 2020 unit group) or job"),
    ColumnSpec("occupation_title", "category", False, "occupation or job title"),
    ColumnSpec("job_family", "category", False, "job family grouping"),
    ColumnSpec("department", "category", False, "department or service"),
    ColumnSpec("grade", "category", False, "pay grade ('plan / grade' when a pay plan is mapped)"),
    ColumnSpec("grade_rank", "Int64", False, "order of the grade, 1 = lowest"),
    ColumnSpec(
        "weekly_hours", "float64", False, "contractual weekly hours (> 0); all missing: not known"
    ),
    ColumnSpec("fte", "float64", False, "full-time equivalence (> 0); all missing: not known"),
    ColumnSpec(
        "working_pattern", "category", False, "full_time or part_time; all missing: not known"
    ),
    ColumnSpec(
        "annual_basic_pay", "float64", True, "full-time-equivalent gross annual basic salary"
    ),
    ColumnSpec("ordinary_pay_period", "float64", False, "ordinary pay in the relevant pay period"),
    ColumnSpec("pay_period_days", "Int64", False, "length of the relevant pay period in days"),
    ColumnSpec(
        "hourly_pay",
        "float64",
        False,
        "hourly pay (reg 6 or annual / 52.143 / hours); all missing when hours are not known",
    ),
    ColumnSpec("bonus_12m", "float64", False, "bonus pay in the 12 months to the snapshot"),
    ColumnSpec("full_pay", "boolean", False, "full-pay relevant employee (not on reduced pay)"),
    ColumnSpec("age_band", "category", False, "age band"),
    ColumnSpec("ethnicity", "category", False, "ethnic group"),
    ColumnSpec("disability", "category", False, "disability status"),
    ColumnSpec("start_date", "datetime64[ns]", False, "start date in the organisation"),
)

#: Canonical columns added for issue 13 (pay plans, further pay elements) and issue 15 (contract
#: type, benefits in kind). Ingest always writes them
#: (all missing when the source lacks them); tables made otherwise (the synthetic generator) may
#: leave them out, so read them with ``data.get(name)``. To be folded into :data:`COLUMNS` once
#: every producer writes them.
EXTENSION_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "pay_plan",
        "category",
        False,
        "pay plan or pay scale the grade belongs to (grades of different plans are different "
        "grades: a grade is identified by (pay_plan, grade))",
    ),
    ColumnSpec(
        "overtime_12m",
        "float64",
        False,
        "overtime pay in the 12 months to the snapshot (not basic pay)",
    ),
    ColumnSpec(
        "allowances_12m",
        "float64",
        False,
        "allowances and other additions in the 12 months to the snapshot (longevity or "
        "seniority pay, shift, standby, market supplements; not basic pay, not bonus)",
    ),
    ColumnSpec(
        "contract_type",
        "category",
        False,
        "permanent, fixed_term, temporary or casual (CONTRACT_TYPES); blank: not recorded",
    ),
    ColumnSpec(
        "benefit_in_kind",
        "boolean",
        False,
        "received a benefit in kind (a non-cash benefit of economic value, e.g. a car or health "
        "insurance) in the 12 months to the snapshot; blank: not recorded",
    ),
)
ALL_COLUMNS: tuple[ColumnSpec, ...] = COLUMNS + EXTENSION_COLUMNS

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
#: Every canonical column name, extensions included (what a mapping or a filter may name).
ALL_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in ALL_COLUMNS)
#: Pay elements besides basic pay, in the 12 months to the snapshot.
PAY_ELEMENTS: tuple[str, ...] = ("bonus_12m", "overtime_12m", "allowances_12m")
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
CATEGORY_COLUMNS: tuple[str, ...] = tuple(c.name for c in ALL_COLUMNS if c.dtype == "category")
OCCUPATION_LEVELS: tuple[str, ...] = ("occupation", "occupation_title", "job_family", "department")

#: Hard limits: a row outside them cannot be analysed and is quarantined.
MAX_WEEKLY_HOURS = 100.0
MAX_FTE = 2.0

#: Columns recorded for every row or for none (hours and what follows from them): an extract
#: without hours has all of them missing, never some.
ALL_OR_NONE: tuple[str, ...] = ("weekly_hours", "fte", "hourly_pay", "working_pattern")


def _row_checks(known: tuple[str, ...] = ()) -> dict[str, pa.Column]:
    """Pandera column definitions with the row-level rules of the canonical table.

    ``known``: columns of :data:`ALL_OR_NONE` that must have a value in every row.
    """
    nonneg = pa.Check.ge(0)

    def maybe(name: str) -> bool:
        return name not in known

    return {
        "employee_id": pa.Column(str, nullable=False, coerce=True),
        "employer": pa.Column(nullable=False),
        "snapshot_date": pa.Column("datetime64[ns]", nullable=False, coerce=True),
        "sex": pa.Column(checks=pa.Check.isin(SEX_CODES), nullable=False),
        "occupation": pa.Column(nullable=False),
        "weekly_hours": pa.Column(
            float,
            checks=[pa.Check.gt(0), pa.Check.le(MAX_WEEKLY_HOURS)],
            nullable=maybe("weekly_hours"),
        ),
        "fte": pa.Column(
            float, checks=[pa.Check.gt(0), pa.Check.le(MAX_FTE)], nullable=maybe("fte")
        ),
        "working_pattern": pa.Column(
            checks=pa.Check.isin(WORKING_PATTERNS), nullable=maybe("working_pattern")
        ),
        "annual_basic_pay": pa.Column(float, checks=pa.Check.gt(0), nullable=False),
        "hourly_pay": pa.Column(float, checks=pa.Check.gt(0), nullable=maybe("hourly_pay")),
        "ordinary_pay_period": pa.Column(float, checks=nonneg, nullable=True, required=False),
        "pay_period_days": pa.Column(
            "Int64", checks=[pa.Check.ge(1), pa.Check.le(366)], nullable=True, required=False
        ),
        **{
            name: pa.Column(float, checks=nonneg, nullable=True, required=False)
            for name in PAY_ELEMENTS
        },
        "grade_rank": pa.Column("Int64", checks=pa.Check.ge(1), nullable=True, required=False),
        "contract_type": pa.Column(
            checks=pa.Check.isin(CONTRACT_TYPES), nullable=True, required=False
        ),
    }


def _all_or_none(frame: pd.DataFrame) -> bool:
    """Each :data:`ALL_OR_NONE` column is recorded in every row or in none."""
    return all(frame[c].isna().all() or frame[c].notna().all() for c in ALL_OR_NONE if c in frame)


def workforce_schema(known: tuple[str, ...] = ()) -> pa.DataFrameSchema:
    """The canonical table's pandera schema; ``known`` columns of :data:`ALL_OR_NONE` must be
    recorded in every row (ingest passes the ones its mapping supplies)."""
    return pa.DataFrameSchema(
        _row_checks(known),
        checks=pa.Check(
            _all_or_none,
            name="hours_all_or_none",
            error=f"each of {', '.join(ALL_OR_NONE)} is recorded for every row or for none",
        ),
        strict=False,
        name="canonical workforce",
    )


#: The pandera schema of a canonical workforce table (row rules; hours, FTE, hourly pay and working
#: pattern recorded for every row or for none; extra columns allowed).
WORKFORCE_SCHEMA = workforce_schema()


def column_spec(name: str) -> ColumnSpec:
    """Return the :class:`ColumnSpec` of canonical column ``name``.

    Raises
    ------
    KeyError
        If ``name`` is not a canonical column; the message lists the valid names.
    """
    for spec in ALL_COLUMNS:
        if spec.name == name:
            return spec
    raise KeyError(
        f"'{name}' is not a canonical workforce column. Valid columns: "
        f"{', '.join(ALL_COLUMN_NAMES)}."
    )


def describe_schema() -> pd.DataFrame:
    """The canonical columns as a tidy table (name, dtype, required, meaning)."""
    return pd.DataFrame([c.__dict__ for c in ALL_COLUMNS])
