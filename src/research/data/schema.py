"""Canonical workforce table: one row per employee at a snapshot date.

Every dataset the workbench analyses (synthetic, bundled real data, a user's own HR extract) is turned
into this table first, so every analysis reads the same column names, codes and units.

Units and conventions
---------------------
* ``annual_basic_pay`` is the **full-time-equivalent** gross annual basic salary. A source that records
  actual (part-time) pay declares ``basis: actual`` in its mapping and is divided by ``fte`` on ingest.
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

import pandas as pd
import pandera.pandas as pa

#: Weeks in a year used to turn annual pay into weekly pay (365.25 / 7, rounded as in HR practice).
WEEKS_PER_YEAR = 52.143

#: Canonical sex codes. F and M enter binary comparisons; X and U are kept and counted.
SEX_CODES = ("F", "M", "X", "U")
BINARY_SEXES = ("F", "M")

#: Working pattern labels.
WORKING_PATTERNS = ("full_time", "part_time")

#: Full-time weekly hours assumed when a source gives hours but no FTE (NJC standard week).
DEFAULT_FULL_TIME_HOURS = 37.0


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
    ColumnSpec("grade", "category", False, "pay grade"),
    ColumnSpec("grade_rank", "Int64", False, "order of the grade, 1 = lowest"),
    ColumnSpec("weekly_hours", "float64", True, "contractual weekly hours (> 0)"),
    ColumnSpec("fte", "float64", True, "full-time equivalence (> 0)"),
    ColumnSpec("working_pattern", "category", True, "full_time or part_time"),
    ColumnSpec(
        "annual_basic_pay", "float64", True, "full-time-equivalent gross annual basic salary"
    ),
    ColumnSpec("ordinary_pay_period", "float64", False, "ordinary pay in the relevant pay period"),
    ColumnSpec("pay_period_days", "Int64", False, "length of the relevant pay period in days"),
    ColumnSpec("hourly_pay", "float64", True, "hourly pay (reg 6 or annual / 52.143 / hours)"),
    ColumnSpec("bonus_12m", "float64", False, "bonus pay in the 12 months to the snapshot"),
    ColumnSpec("full_pay", "boolean", False, "full-pay relevant employee (not on reduced pay)"),
    ColumnSpec("age_band", "category", False, "age band"),
    ColumnSpec("ethnicity", "category", False, "ethnic group"),
    ColumnSpec("disability", "category", False, "disability status"),
    ColumnSpec("start_date", "datetime64[ns]", False, "start date in the organisation"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
CATEGORY_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.dtype == "category")
OCCUPATION_LEVELS: tuple[str, ...] = ("occupation", "occupation_title", "job_family", "department")

#: Hard limits: a row outside them cannot be analysed and is quarantined.
MAX_WEEKLY_HOURS = 100.0
MAX_FTE = 2.0


def _row_checks() -> dict[str, pa.Column]:
    """Pandera column definitions with the row-level rules of the canonical table."""
    nonneg = pa.Check.ge(0)
    return {
        "employee_id": pa.Column(str, nullable=False, coerce=True),
        "employer": pa.Column(nullable=False),
        "snapshot_date": pa.Column("datetime64[ns]", nullable=False, coerce=True),
        "sex": pa.Column(checks=pa.Check.isin(SEX_CODES), nullable=False),
        "occupation": pa.Column(nullable=False),
        "weekly_hours": pa.Column(
            float,
            checks=[pa.Check.gt(0), pa.Check.le(MAX_WEEKLY_HOURS)],
            nullable=False,
        ),
        "fte": pa.Column(float, checks=[pa.Check.gt(0), pa.Check.le(MAX_FTE)], nullable=False),
        "working_pattern": pa.Column(checks=pa.Check.isin(WORKING_PATTERNS), nullable=False),
        "annual_basic_pay": pa.Column(float, checks=pa.Check.gt(0), nullable=False),
        "hourly_pay": pa.Column(float, checks=pa.Check.gt(0), nullable=False),
        "ordinary_pay_period": pa.Column(float, checks=nonneg, nullable=True, required=False),
        "pay_period_days": pa.Column(
            "Int64", checks=[pa.Check.ge(1), pa.Check.le(366)], nullable=True, required=False
        ),
        "bonus_12m": pa.Column(float, checks=nonneg, nullable=True, required=False),
        "grade_rank": pa.Column("Int64", checks=pa.Check.ge(1), nullable=True, required=False),
    }


#: The pandera schema of a canonical workforce table (row rules only; extra columns allowed).
WORKFORCE_SCHEMA = pa.DataFrameSchema(_row_checks(), strict=False, name="canonical workforce")


def column_spec(name: str) -> ColumnSpec:
    """Return the :class:`ColumnSpec` of canonical column ``name``.

    Raises
    ------
    KeyError
        If ``name`` is not a canonical column; the message lists the valid names.
    """
    for spec in COLUMNS:
        if spec.name == name:
            return spec
    raise KeyError(
        f"'{name}' is not a canonical workforce column. Valid columns: {', '.join(COLUMN_NAMES)}."
    )


def describe_schema() -> pd.DataFrame:
    """The canonical columns as a tidy table (name, dtype, required, meaning)."""
    return pd.DataFrame([c.__dict__ for c in COLUMNS])
