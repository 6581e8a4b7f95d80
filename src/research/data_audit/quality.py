"""Data quality checks for the data audit: completeness and warnings that do not reject a row.

Rows that cannot be analysed are quarantined at ingest (:mod:`research.data.ingest`). The checks here
flag rows that are analysable but suspicious, so a researcher can look before trusting a result.

National Living Wage rates are those set by the UK government for workers aged 23 and over (21 and
over from April 2024), in force from 1 April of each year (GOV.UK "National Minimum Wage and
National Living Wage rates"). The US floor is the federal minimum wage of $7.25 an hour (Fair Labor
Standards Act, 29 U.S.C. 206, in force since 24 July 2009; US Department of Labor "Minimum Wage"),
over a full-time year of 2,080 hours (40 hours x 52 weeks): $15,080. State and local minimum wages
are often higher, so the US floor is a lower bound that catches wrong units and placeholders, not
a legal test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.data.schema import BINARY_SEXES, COLUMNS, WEEKS_PER_YEAR

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

#: US federal minimum wage (USD an hour) and the full-time year it is applied over (hours).
US_FEDERAL_MINIMUM_WAGE = 7.25
US_FULL_TIME_HOURS_A_YEAR = 2080.0

#: A value held by more than this share of rows with a value looks filled in, not recorded.
CONSTANT_SHARE = 0.95
#: Annual pay below this fraction of its grade's (else occupation's) median is a low-end outlier.
LOW_OUTLIER_FRACTION = 0.25  # "a quarter" in the check's detail
#: Text cells that mean "missing" but survived as values (compared trimmed, case-insensitively).
NULL_TOKENS: tuple[str, ...] = ("NULL", "N/A", "n/a", "#N/A", "null", "None", "-")

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


def national_living_wage_on(dates: pd.Series) -> np.ndarray:
    """The NLW hourly rate in force on each date (NaN before April 2016 or for a missing date)."""
    starts = pd.to_datetime([start for start, _ in NATIONAL_LIVING_WAGE]).to_numpy()
    rates = np.array([rate for _, rate in NATIONAL_LIVING_WAGE])
    days = pd.to_datetime(dates, errors="coerce").to_numpy(dtype="datetime64[ns]")
    where = np.searchsorted(starts, days, side="right") - 1
    out = np.where(where >= 0, rates[np.clip(where, 0, None)], np.nan)
    return np.where(pd.isna(days), np.nan, out)


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


def _text_known(data: pd.DataFrame, column: str) -> pd.Series:
    """Rows with a non-blank value in ``column`` (all False when the column is absent)."""
    if column not in data:
        return pd.Series(False, index=data.index)
    text = data[column].astype("string").str.strip()
    return (text.notna() & (text != "")).fillna(False).astype(bool)


def _numbers(data: pd.DataFrame, column: str) -> pd.Series:
    if column not in data:
        return pd.Series(np.nan, index=data.index, dtype="float64")
    return pd.to_numeric(data[column], errors="coerce").astype("float64")


def _constant_hours(data: pd.DataFrame, full_time_hours: float) -> dict:
    """Hours (or FTE) with one value for more than 95% of rows, or the full-time week for all."""
    name = "Constant or imputed hours"
    n = len(data)
    columns = [c for c in ("weekly_hours", "fte") if _known(data, c)]
    if not columns:
        return _absent(name, n, "weekly_hours", "fte")
    mask = np.zeros(n, dtype=bool)
    found = []
    for column in columns:
        values = _numbers(data, column).round(4)
        counts = values.value_counts()
        top, n_top = float(counts.index[0]), int(counts.iloc[0])
        share = n_top / int(values.notna().sum())
        everyone_full_time = column == "weekly_hours" and top == full_time_hours and share == 1
        if share > CONSTANT_SHARE or everyone_full_time:
            mask |= (values == top).to_numpy()
            found.append(f"{column.replace('_', ' ')} is {top:g} for {100 * share:.1f}%")
    if found:
        detail = (
            f"{'; '.join(found)} of the rows with a value: hours look filled in (imputed) rather "
            "than recorded, so hourly pay and FTE comparisons may not mean what they say"
        )
    else:
        detail = (
            f"no single value of {' or '.join(c.replace('_', ' ') for c in columns)} holds more "
            f"than {100 * CONSTANT_SHARE:g}% of rows"
        )
    return _check(name, mask, n, detail)


def _pattern_contradicts_fte(data: pd.DataFrame) -> dict:
    """Part time with FTE of 1 or more, or full time with FTE below 1."""
    name = "Working pattern contradicts FTE"
    if not _known(data, "working_pattern") or not _known(data, "fte"):
        return _absent(name, len(data), "working_pattern", "fte")
    pattern = data["working_pattern"].astype("string").str.strip().str.lower()
    fte = _numbers(data, "fte")
    mask = ((pattern == "part_time") & (fte >= 1)) | ((pattern == "full_time") & (fte < 1 - 1e-9))
    return _check(
        name,
        mask.fillna(False).to_numpy(dtype=bool),
        len(data),
        "part time with an FTE of 1 or more, or full time with an FTE below 1",
    )


def _floor_rates(data: pd.DataFrame, currency: str) -> tuple[np.ndarray, float, float] | None:
    """(hourly floor per row, weeks a year, full-time weekly hours) for the currency, or None."""
    currency = currency.upper()
    if currency == "GBP":
        return national_living_wage_on(data["snapshot_date"]), WEEKS_PER_YEAR, np.nan
    if currency == "USD":
        weeks = 52.0
        rate = np.full(len(data), US_FEDERAL_MINIMUM_WAGE)
        return rate, weeks, US_FULL_TIME_HOURS_A_YEAR / weeks
    return None


def _below_floor(data: pd.DataFrame, currency: str, full_time_hours: float) -> dict:
    """Actual annual pay below the hourly floor x weekly hours (else x a full-time week)."""
    name = "Pay below a plausible floor"
    n = len(data)
    rates = _floor_rates(data, currency) if "snapshot_date" in data else None
    if rates is None:
        return _check(name, None, n, f"not applicable: no pay floor is known for {currency}")
    rate, weeks, us_week = rates
    if np.isnan(rate).all():
        return _check(name, None, n, "not applicable: snapshot before April 2016 (no NLW)")
    week = full_time_hours if np.isnan(us_week) else us_week
    pay = _numbers(data, "annual_basic_pay")
    hours, fte = _numbers(data, "weekly_hours"), _numbers(data, "fte")
    pattern = (
        data["working_pattern"].astype("string").str.strip().str.lower()
        if "working_pattern" in data
        else pd.Series(pd.NA, index=data.index, dtype="string")
    )
    part_time = (pattern == "part_time").fillna(False).to_numpy()
    # Actual pay (FTE pay x FTE) against the floor for the hours worked: weekly hours when known,
    # else FTE x a full-time week. Neither known: pay as recorded against a full-time year, unless
    # the row is known to be part time (then not judged).
    share = fte.where(fte.notna(), hours / full_time_hours)
    actual = np.where(share.notna(), pay * share, pay)
    row_hours = np.where(
        hours.notna(), hours, np.where(fte.notna(), fte * week, np.where(part_time, np.nan, week))
    )
    full_pay = (
        data["full_pay"].astype("boolean").fillna(True).to_numpy(dtype=bool)
        if "full_pay" in data
        else np.ones(n, dtype=bool)
    )
    mask = (actual < rate * row_hours * weeks) & full_pay
    if currency.upper() == "GBP":
        latest = pd.Timestamp(data["snapshot_date"].max())
        top = national_living_wage(latest)
        floor = top * full_time_hours * weeks
        detail = (
            f"National Living Wage (£{top:.2f} an hour on {latest:%d %B %Y}, the rate in force on "
            f"each snapshot date used) x weekly hours x {weeks:g} weeks; where hours are not known, "
            f"annual pay against a full-time year of {full_time_hours:g} hours a week "
            f"(£{floor:,.0f}), so part-time staff paid for fewer hours are counted too. "
            "Full-pay employees only; under-21s (under-23s before April 2024) and apprentices may "
            "lawfully be paid less"
        )
    else:
        detail = (
            f"US federal minimum wage (${US_FEDERAL_MINIMUM_WAGE:.2f} an hour) x weekly hours x 52 "
            f"weeks; where hours are not known, annual pay against a full-time year of "
            f"{US_FULL_TIME_HOURS_A_YEAR:,.0f} hours "
            f"(${US_FEDERAL_MINIMUM_WAGE * US_FULL_TIME_HOURS_A_YEAR:,.0f}), so part-time staff "
            "paid for fewer hours are counted too. State and local minimum wages are often higher"
        )
    return _check(name, mask, n, detail)


def _low_outliers(data: pd.DataFrame) -> dict:
    """Annual pay below a quarter of the median of the same grade (else occupation)."""
    name = "Low-end pay outliers"
    n = len(data)
    graded = _text_known(data, "grade")
    if not graded.any() and not _text_known(data, "occupation").any():
        return _absent(name, n, "grade", "occupation")
    grade = data["grade"].astype("string").str.strip() if "grade" in data else None
    if grade is not None and "pay_plan" in data:
        grade = data["pay_plan"].astype("string").fillna("") + " | " + grade
    occupation = (
        data["occupation"].astype("string")
        if "occupation" in data
        else pd.Series(pd.NA, index=data.index, dtype="string")
    )
    key = ("grade: " + grade).where(graded) if grade is not None else None
    key = ("occupation: " + occupation) if key is None else key.fillna("occupation: " + occupation)
    pay = _numbers(data, "annual_basic_pay")
    median = pay.groupby(key.to_numpy(), dropna=True).transform("median")
    mask = (pay < LOW_OUTLIER_FRACTION * median).fillna(False)
    group = "grade (occupation where the grade is blank)" if graded.any() else "occupation"
    if graded.any() and "pay_plan" in data:
        group = "grade within its pay plan (occupation where the grade is blank)"
    return _check(
        name,
        mask.to_numpy(dtype=bool),
        n,
        f"annual basic pay below a quarter of the median of the same {group}: "
        "wrong units (monthly or hourly amounts), placeholders or part-time pay recorded as "
        "actual pay",
    )


def _future_snapshots(data: pd.DataFrame, today: pd.Timestamp | str | None) -> dict:
    name = "Snapshot date in the future"
    day = pd.Timestamp(today if today is not None else pd.Timestamp.now()).normalize()
    dates = pd.to_datetime(data["snapshot_date"], errors="coerce")
    return _check(
        name,
        (dates > day).fillna(False).to_numpy(dtype=bool),
        len(data),
        "snapshot dates after the day the report was built: a typing error or a wrong date "
        "format in the mapping",
    )


def _text_columns(data: pd.DataFrame) -> list[str]:
    return [
        c
        for c in data.columns
        if isinstance(data[c].dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(data[c])
        or pd.api.types.is_string_dtype(data[c])
    ]


def _is_token(values: pd.Series, tokens: set[str]) -> np.ndarray:
    """Where a value reads as a missing-value token (missing values do not)."""
    hit = values.astype("string").str.strip().str.lower().isin(tokens)
    return hit.fillna(False).to_numpy(dtype=bool)


def _null_tokens(data: pd.DataFrame) -> dict:
    """Text cells such as ``NULL`` or ``N/A`` that survived ingest as values."""
    name = "Missing-value tokens kept as text"
    tokens = {t.lower() for t in NULL_TOKENS}
    mask = np.zeros(len(data), dtype=bool)
    found = []
    for column in _text_columns(data):
        values = data[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # each category once, not every row
            hit = _is_token(pd.Series(values.cat.categories), tokens)
            codes = values.cat.codes.to_numpy()
            hit = np.append(hit, False)[np.where(codes < 0, len(hit), codes)]
        else:
            hit = _is_token(values, tokens)
        if hit.any():
            found.append(column)
            mask |= hit
    listed = ", ".join(NULL_TOKENS[:-1]) + f" or {NULL_TOKENS[-1]}"
    if found:
        detail = (
            f"text cells reading {listed}, in: {', '.join(found)}; they count as a category "
            "(such as a grade called NULL). Declare them as missing in the mapping "
            "(source.null_values)"
        )
    else:
        detail = f"no text cell reads {listed}"
    return _check(name, mask, len(data), detail)


def _blank_grades(data: pd.DataFrame) -> dict:
    """Some grades blank while others are recorded."""
    name = "Blank grades"
    graded = _text_known(data, "grade")
    if not graded.any():
        return _absent(name, len(data), "grade")
    return _check(
        name,
        (~graded).to_numpy(dtype=bool),
        len(data),
        'grade blank while other rows have one: shown as "not recorded" and left out of grade '
        "indices",
    )


def quality_checks(
    data: pd.DataFrame,
    *,
    currency: str = "GBP",
    full_time_hours: float = 37.0,
    today: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Warnings about analysable but suspicious rows; one row per check, zero counts included.

    Checks: hourly pay below the National Living Wage for the snapshot year (GBP only), duplicate
    employee ids, implausible weekly hours (below 4 or above 48), FTE inconsistent with hours
    (``|fte - hours / full_time_hours| > 0.02``), hourly pay more than ten times the median, start
    dates after the snapshot, and sex recorded other than F or M (kept, excluded from F/M gaps).

    Then the checks that catch bad extracts: constant or imputed hours (one value of weekly hours
    or FTE for more than 95% of rows, or everyone on the full-time week), working pattern
    contradicting FTE, pay below a plausible floor for the currency (GBP: the National Living Wage
    in force on the snapshot date x weekly hours x 52.143, else x a full-time week; USD: the federal
    minimum wage $7.25 x weekly hours x 52, else x 2,080 hours; other currencies: not applicable),
    low-end outliers (annual pay below a quarter of the median of the same grade, else
    occupation), snapshot dates after ``today`` (default: the day it runs), missing-value tokens
    (:data:`NULL_TOKENS`) kept as text, and blank grades (some but not all grades blank).

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
    checks += [
        _constant_hours(data, full_time_hours),
        _pattern_contradicts_fte(data),
        _below_floor(data, currency, full_time_hours),
        _low_outliers(data),
        _future_snapshots(data, today),
        _null_tokens(data),
        _blank_grades(data),
    ]
    return pd.DataFrame(checks, columns=["check", "n_rows", "pct_rows", "detail"])
