"""Data quality checks for the data audit: completeness and warnings that do not reject a row.

Rows that cannot be analysed are quarantined at ingest (:mod:`research.data.ingest`). The checks here
flag rows that are analysable but suspicious, so a researcher can look before trusting a result.

National Living Wage rates are those set by the UK government for workers aged 23 and over (21 and
over from April 2024), in force from 1 April of each year (GOV.UK "National Minimum Wage and
National Living Wage rates").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.data.schema import BINARY_SEXES, COLUMNS

#: (in force from, hourly rate in GBP). Source: GOV.UK National Minimum Wage and Living Wage rates.
NATIONAL_LIVING_WAGE: tuple[tuple[str, float], ...] = (
    ("2016-04-01", 7.20),
    ("2017-04-01", 7.50),
    ("2018-04-01", 7.83),
    ("2019-04-01", 8.21),
    ("2020-04-01", 8.72),
    ("2021-04-01", 8.91),
    ("2022-04-01", 9.50),
    ("2023-04-01", 10.42),
    ("2024-04-01", 11.44),
    ("2025-04-01", 12.21),
    ("2026-04-01", 12.71),
)

MIN_PLAUSIBLE_HOURS = 4.0
MAX_PLAUSIBLE_HOURS = 48.0  # the Working Time Regulations' average weekly limit
FTE_TOLERANCE = 0.02
EXTREME_PAY_MULTIPLE = 10.0


def national_living_wage(on: str | pd.Timestamp) -> float | None:
    """The NLW hourly rate in force on a date, or ``None`` before April 2016."""
    day = pd.Timestamp(on)
    rate = None
    for start, value in NATIONAL_LIVING_WAGE:
        if day >= pd.Timestamp(start):
            rate = value
    return rate


def completeness(data: pd.DataFrame) -> pd.DataFrame:
    """Per canonical column: required or optional, rows with a value, and the percentage."""
    n = len(data)
    records = []
    for spec in COLUMNS:
        present = int(data[spec.name].notna().sum()) if spec.name in data else 0
        records.append(
            {
                "column": spec.name,
                "required": spec.required,
                "n_present": present,
                "pct_present": 100 * present / n if n else np.nan,
                "meaning": spec.meaning,
            }
        )
    return pd.DataFrame(records)


def _check(name: str, mask: pd.Series | np.ndarray | None, n: int, detail: str) -> dict:
    if mask is None:
        return {"check": name, "n_rows": pd.NA, "pct_rows": np.nan, "detail": detail}
    count = int(np.asarray(mask, dtype=bool).sum())
    return {
        "check": name,
        "n_rows": count,
        "pct_rows": 100 * count / n if n else np.nan,
        "detail": detail,
    }


def _below_living_wage(data: pd.DataFrame, currency: str) -> dict:
    name = "Hourly pay below the National Living Wage"
    if currency != "GBP":
        return _check(name, None, len(data), f"not applicable: pay is in {currency}, not GBP")
    snapshot = data["snapshot_date"].max()
    rate = national_living_wage(snapshot)
    if rate is None:
        return _check(name, None, len(data), "not applicable: snapshot before April 2016")
    full_pay = data["full_pay"].fillna(True).astype(bool)
    mask = (data["hourly_pay"] < rate) & full_pay
    detail = (
        f"NLW £{rate:.2f} in force on {snapshot:%d %B %Y}; full-pay employees only. Applies to ages "
        "21+ (23+ before April 2024): younger employees may lawfully be paid less."
    )
    return _check(name, mask, len(data), detail)


def _known(data: pd.DataFrame, *names: str) -> bool:
    """Whether every column in ``names`` is in ``data`` with at least one value."""
    return all(name in data and bool(data[name].notna().any()) for name in names)


def _absent(name: str, n: int, *names: str) -> dict:
    what = " or ".join(n.replace("_", " ") for n in names)
    return _check(name, None, n, f"not applicable: the data record no {what}")


def quality_checks(
    data: pd.DataFrame, *, currency: str = "GBP", full_time_hours: float = 37.0
) -> pd.DataFrame:
    """Warnings about analysable but suspicious rows; one row per check, zero counts included.

    Checks: hourly pay below the National Living Wage for the snapshot year (GBP only), duplicate
    employee ids, implausible weekly hours (below 4 or above 48), FTE inconsistent with hours
    (``|fte - hours / full_time_hours| > 0.02``), hourly pay more than ten times the median, start
    dates after the snapshot, and sex recorded other than F or M (kept, excluded from F/M gaps).
    A check whose columns hold no value is marked not applicable (no count) instead of 0.
    """
    n = len(data)
    checks = []
    name = "Hourly pay below the National Living Wage"
    checks.append(
        _below_living_wage(data, currency)
        if _known(data, "hourly_pay", "snapshot_date")
        else _absent(name, n, "hourly_pay")
    )
    checks.append(
        _check(
            "Duplicate employee ids",
            data.duplicated(["employer", "snapshot_date", "employee_id"], keep=False),
            n,
            "should be 0: ingest quarantines duplicates",
        )
    )
    name = "Implausible weekly hours"
    checks.append(
        _check(
            name,
            (data["weekly_hours"] < MIN_PLAUSIBLE_HOURS)
            | (data["weekly_hours"] > MAX_PLAUSIBLE_HOURS),
            n,
            f"below {MIN_PLAUSIBLE_HOURS:g} or above {MAX_PLAUSIBLE_HOURS:g} hours a week",
        )
        if _known(data, "weekly_hours")
        else _absent(name, n, "weekly_hours")
    )
    name = "FTE inconsistent with hours"
    checks.append(
        _check(
            name,
            (data["fte"] - data["weekly_hours"] / full_time_hours).abs() > FTE_TOLERANCE,
            n,
            f"FTE differs from weekly hours / {full_time_hours:g} by more than {FTE_TOLERANCE}",
        )
        if _known(data, "fte", "weekly_hours")
        else _absent(name, n, "fte", "weekly_hours")
    )
    name = "Extreme hourly pay"
    checks.append(
        _check(
            name,
            data["hourly_pay"] > EXTREME_PAY_MULTIPLE * data["hourly_pay"].median(),
            n,
            f"more than {EXTREME_PAY_MULTIPLE:g} times the median hourly pay",
        )
        if _known(data, "hourly_pay")
        else _absent(name, n, "hourly_pay")
    )
    name = "Start date after the snapshot"
    checks.append(
        _check(
            name,
            data["start_date"] > data["snapshot_date"],
            n,
            "start dates in the future of the snapshot",
        )
        if _known(data, "start_date", "snapshot_date")
        else _absent(name, n, "start_date")
    )
    checks.append(
        _check(
            "Sex recorded other than F or M",
            ~data["sex"].isin(BINARY_SEXES),
            n,
            "kept and counted; excluded only from comparisons of women and men",
        )
    )
    return pd.DataFrame(checks, columns=["check", "n_rows", "pct_rows", "detail"])
