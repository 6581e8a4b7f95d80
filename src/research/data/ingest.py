"""Ingest: read a source file, apply its column mapping, validate, and quarantine bad rows.

Nothing is silently lost: every source row ends up either in the canonical table or in the quarantine
table with the reason(s) it was rejected, and ``read == accepted + quarantined`` is checked before any
result is returned. Errors that concern the whole file (a mapped column that is not in the file, a
mapping whose codes match no row) are raised at once with the column, example values and the fix.

Values are read as the mapping declares them (``decimal``, ``thousands``, date ``format`` or
``dayfirst``, ``na_values``, ``encoding``; see :mod:`research.data.mapping`), never guessed
silently: a value that does not fit its declaration is quarantined with the reason, and a column
whose form cannot be told without a declaration (decimal commas, ``30.000``, ``03/04/2024``) stops
the ingest with an error that names the column and the key to set.

Personal data: rows are named by their number, never by an identifier. ``source_row`` and the rows
listed in problems and errors are 1-based data rows (row 1 is the first row below the header,
blank rows skipped). Values of identifying columns (:data:`IDENTIFYING`, and every source column
the mapping does not use) never appear in a message, a problem example or the quarantine; the
quarantine keeps the mapped columns only, under their canonical names. :func:`write` creates its
files readable by the owner only (mode 0o600), as they hold identifiers and pay of individuals.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from research.core.hashing import sha256_file, sha256_json
from research.core.safe_csv import write_csv
from research.core.source import Source
from research.data.codes import full_labels
from research.data.mapping import (
    DEFAULT_CONTRACT_CODES,
    DEFAULT_NA_VALUES,
    DEFAULT_PATTERN_CODES,
    FieldMap,
    Mapping,
    MappingError,
    load_mapping,
)
from research.data.profile import profile
from research.data.readers import read_table
from research.data.schema import (
    ALL_COLUMNS,
    ALL_OR_NONE,
    PAY_ELEMENTS,
    SEX_CODES,
    WEEKS_PER_YEAR,
    WORKFORCE_SCHEMA,
    workforce_schema,
)

#: Labels understood for sex when a mapping gives no ``codes`` (compared case-insensitively).
DEFAULT_SEX_CODES = {
    "f": "F",
    "female": "F",
    "woman": "F",
    "w": "F",
    "m": "M",
    "male": "M",
    "man": "M",
    "x": "X",
    "other": "X",
    "non-binary": "X",
    "u": "U",
    "unknown": "U",
    "not known": "U",
    "not stated": "U",
    "prefer not to say": "U",
}
PAY_UNIT_WEEKS = {"annual": None, "monthly": 12.0, "weekly": WEEKS_PER_YEAR}
EXAMPLES_SHOWN = 3
#: Row numbers listed per problem in summaries and error messages.
ROWS_SHOWN = 5
#: Canonical columns whose values identify a person: never shown in a message, example or reason.
IDENTIFYING = frozenset({"employee_id"})
#: How row numbers are counted, as stated in summaries and messages.
ROW_NUMBERS = "data rows, 1-based: row 1 is the first row below the header (blank rows skipped)"
#: Mode of the files :func:`write` creates: read and write by the owner only.
PRIVATE_MODE = 0o600
#: Above this share of rejected rows the mapping is probably wrong, so ingest stops with an error.
MAX_REJECTED_SHARE = 0.5
#: What the summary says of something the extract does not hold (never 0, never a guess).
NOT_IN_DATA = "not in the data"
#: Between pay plan and grade in a grade's name when a pay plan is mapped (``"Police / 7"``).
PLAN_SEPARATOR = " / "
#: How ``grade_rank: {derive: median_pay}`` orders grades, as the summary states it.
MEDIAN_PAY_RULE = (
    "grades ordered by median annual basic pay over every snapshot, lowest = 1; grades with "
    "the same median ordered by their label in natural order (G2 before G10)"
)


class IngestError(ValueError):
    """A source that cannot be ingested as a whole; the message names the problem and the fix."""


class RowProblems:
    """Collects row-level problems: which rows, which column, what is wrong, how to fix it."""

    def __init__(self, n_rows: int) -> None:
        self.n_rows = n_rows
        self._parts: list[tuple[np.ndarray, str, str, pd.Series | None, str]] = []
        #: How each date or number column was read: {column: "declared ..." or "inferred ..."}.
        self.readings: dict[str, str] = {}

    def add(
        self,
        mask: np.ndarray | pd.Series,
        column: str,
        problem: str,
        fix: str,
        values: pd.Series | None = None,
    ) -> None:
        """Record that the rows in ``mask`` have ``problem`` in ``column``.

        ``values`` (shown in reasons and examples) are dropped for identifying columns.
        """
        mask = np.asarray(mask, dtype=bool)
        if column in IDENTIFYING:
            values = None
        if mask.any():
            self._parts.append((np.flatnonzero(mask), column, problem, values, fix))

    def rejected(self, column: str | None = None) -> np.ndarray:
        """Boolean mask of rows with at least one problem (in ``column``, when given)."""
        out = np.zeros(self.n_rows, dtype=bool)
        for rows, problem_column, *_ in self._parts:
            if column is None or problem_column == column:
                out[rows] = True
        return out

    def reasons(self) -> pd.Series:
        """One reason string per rejected row (problems joined by '; '), indexed by position."""
        if not self._parts:
            return pd.Series(dtype="string")
        pieces = []
        for rows, column, problem, values, _ in self._parts:
            text = pd.Series(f"{column}: {problem}", index=rows)
            if values is not None:
                text = (
                    text + " (" + values.iloc[rows].astype("string").fillna("<empty>").values + ")"
                )
            pieces.append(text)
        joined = pd.concat(pieces).groupby(level=0, sort=True).agg("; ".join)
        return joined.astype("string")

    def table(self) -> pd.DataFrame:
        """Tidy table of problems: column, problem, rows affected, examples, fix."""
        records = []
        for rows, column, problem, values, fix in self._parts:
            examples = "data " + _rows_text(rows)
            if values is not None:
                distinct = pd.unique(values.iloc[rows].astype("string").fillna("<empty>"))
                examples += ": " + ", ".join(repr(str(v)) for v in distinct[:EXAMPLES_SHOWN])
            records.append(
                {
                    "column": column,
                    "problem": problem,
                    "n_rows": int(rows.size),
                    "rows": [int(r) + 1 for r in rows[:ROWS_SHOWN]],
                    "examples": examples,
                    "fix": fix,
                }
            )
        columns = ["column", "problem", "n_rows", "rows", "examples", "fix"]
        frame = pd.DataFrame(records, columns=columns)
        return frame.groupby(["column", "problem"], as_index=False, sort=False).agg(
            n_rows=("n_rows", "sum"),
            rows=("rows", "first"),
            examples=("examples", "first"),
            fix=("fix", "first"),
        )


def _rows_text(positions: np.ndarray) -> str:
    """``"row 5"`` or ``"rows 5, 7, 9 and 12 more"`` from 0-based positions (shown 1-based)."""
    shown = ", ".join(str(int(p) + 1) for p in positions[:ROWS_SHOWN])
    more = f" and {positions.size - ROWS_SHOWN} more" if positions.size > ROWS_SHOWN else ""
    return f"row{'s' if positions.size > 1 else ''} {shown}{more}"


@dataclass(frozen=True)
class IngestResult:
    """Outcome of ingesting one source.

    Attributes
    ----------
    data
        Accepted rows in the canonical schema.
    quarantine
        Rejected rows: ``source_row`` (1-based data row), ``reason``, and the mapped source columns
        as read, under their canonical names (unmapped source columns are never kept).
    problems
        One row per kind of problem: column, problem, n_rows, rows (the first 1-based data rows),
        examples (row numbers, and values unless the column identifies a person), fix.
    summary
        Counts, source and mapping provenance, derivations applied.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    problems: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def n_read(self) -> int:
        return int(self.summary["counts"]["read"])

    @property
    def n_accepted(self) -> int:
        return len(self.data)

    @property
    def n_quarantined(self) -> int:
        return len(self.quarantine)


# --- column parsers -----------------------------------------------------------------------------


def _text(values: pd.Series) -> pd.Series:
    out = values.astype("string").str.strip()
    return out.mask(out == "")


UK_NUMBERS = (".", ",")
EUROPEAN_NUMBERS = (",", ".")


def _number_pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    """A number written with ``decimal`` and (optionally) ``thousands`` groups of three digits."""
    d = re.escape(decimal)
    integer = rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)" if thousands else r"\d+"
    return re.compile(rf"^[+-]?(?:{integer}(?:{d}\d*)?|{d}\d+)$")


def _number_text(text: pd.Series) -> pd.Series:
    """Numbers as written, without currency signs; no-break spaces as plain spaces."""
    out = text.str.replace("\u00a0", " ", regex=False).str.replace("\u202f", " ", regex=False)
    out = out.str.replace(r"^([+-]?)\s*[£$€]\s*", r"\1", regex=True)
    return out.str.replace(r"\s*[£$€]$", "", regex=True).str.strip()


def _numbers_as(text: pd.Series, decimal: str, thousands: str) -> tuple[pd.Series, pd.Series]:
    """Floats of the values that fit ``decimal``/``thousands`` and a mask of those that fit."""
    fits = text.str.match(_number_pattern(decimal, thousands)).fillna(False).astype(bool)
    plain = text.where(fits)
    if thousands:
        plain = plain.str.replace(thousands, "", regex=False)
    plain = plain.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(plain, errors="coerce").astype("float64"), fits


def parse_number(
    values: pd.Series, declared: tuple[str, str] | None = None
) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers written as text under a declared ``(decimal, thousands)`` form.

    Currency signs and surrounding spaces are removed. Without a declaration the UK form is used
    (``23,456.78``); see :func:`number_form` for the check that comes first. Returns the floats and
    a mask of non-empty values that are not numbers in that form.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
        return numbers, np.zeros(len(values), dtype=bool)
    text = _number_text(_text(values))
    numbers, _ = _numbers_as(text, *(declared or UK_NUMBERS))
    bad = (text.notna() & numbers.isna()).to_numpy(dtype=bool)
    return numbers, bad


def number_form(text: pd.Series) -> tuple[str, np.ndarray] | None:
    """Why an undeclared number column cannot be read in the UK form, or None when it can.

    Returns ``(problem, rows)``: the rows (0-based) that show it. A column is refused when some
    values are numbers only in the European form (``31.234,50``, ``31,5``, ``1.234.567``), or when
    its only grouped values have dots and nothing shows the dot is a decimal mark (``30.000``).
    """
    text = _number_text(_text(text))
    _, uk = _numbers_as(text, *UK_NUMBERS)
    _, eu = _numbers_as(text, *EUROPEAN_NUMBERS)
    uk_only, eu_only = uk & ~eu, eu & ~uk
    dotted = uk & eu & text.str.contains(".", regex=False).fillna(False).astype(bool)
    if eu_only.any() and uk_only.any():
        return "numbers in both UK (23,456.78) and European (23.456,78) forms", _where(eu_only)
    if eu_only.any():
        return "numbers with a decimal comma (European form, e.g. 23.456,78)", _where(eu_only)
    if dotted.any() and not uk_only.any():
        return "numbers such as 30.000 that read as 30 or as 30 000", _where(dotted)
    return None


def _where(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC_DATE = (
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def _dates_from_parts(parts: pd.DataFrame, dayfirst: bool) -> pd.Series:
    """Timestamps from (first, second, year, hour, minute, second) text parts; NaT when invalid."""
    a, b = parts[0].astype("float64"), parts[1].astype("float64")
    year = parts[2].astype("float64")
    year = year.where(parts[2].str.len() == 4, np.where(year < 69, 2000 + year, 1900 + year))
    fields = pd.DataFrame(
        {
            "year": year,
            "month": b if dayfirst else a,
            "day": a if dayfirst else b,
            "hour": parts[3].astype("float64").fillna(0),
            "minute": parts[4].astype("float64").fillna(0),
            "second": parts[5].astype("float64").fillna(0),
        }
    )
    return pd.to_datetime(fields, errors="coerce").astype("datetime64[ns]")


def _parse_dates(
    values: pd.Series, fmt: str | None, dayfirst: bool | None = None
) -> tuple[pd.Series, np.ndarray, str]:
    """Parse dates under a declared ``format`` or ``dayfirst``; see :func:`date_order` first.

    Returns the timestamps, a mask of non-empty values that are not dates as declared, and how
    the column was read.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.astype("datetime64[ns]")
        return parsed, np.zeros(len(values), dtype=bool), "stored as dates in the file"
    text = _text(values)
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[ns]")
        bad = (text.notna() & parsed.isna()).to_numpy(dtype=bool)
        return parsed, bad, f"declared format {fmt}"
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = text.str.match(_ISO_DATE).fillna(False).astype(bool)
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
    parts = text.str.extract(_NUMERIC_DATE)
    numeric = parts[0].notna() & ~iso
    if numeric.any():
        parsed[numeric] = _dates_from_parts(parts[numeric], bool(dayfirst))
    other = text.notna() & ~iso & ~numeric
    if other.any():
        parsed[other] = pd.to_datetime(
            text[other], format="mixed", dayfirst=bool(dayfirst), errors="coerce"
        ).astype("datetime64[ns]")
    bad = (text.notna() & parsed.isna()).to_numpy(dtype=bool)
    if not numeric.any():
        return parsed, bad, "ISO dates (year-month-day)"
    order = "day first (d/m/y)" if dayfirst else "month first (m/d/y)"
    return parsed, bad, f"numeric dates {order}"


def date_order(values: pd.Series) -> tuple[bool | None, str | None, np.ndarray]:
    """Day/month order of an undeclared date column: ``(dayfirst, problem, rows)``.

    ``problem`` is None when the column can be read: no numeric date reads both ways (``03/04``
    is 3 April or 4 March) and the values do not take both orders. ``dayfirst`` is the only order
    the values allow (True when either reading gives the same dates).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return None, None, np.array([], dtype=int)
    text = _text(values)
    parts = text.str.extract(_NUMERIC_DATE)
    a, b = parts[0].astype("float64"), parts[1].astype("float64")
    numeric = parts[0].notna()
    ambiguous = numeric & (a <= 12) & (b <= 12) & (a != b)
    day_first = numeric & (a > 12) & (b <= 12)
    month_first = numeric & (b > 12) & (a <= 12)
    if ambiguous.any():
        return (
            None,
            "dates that read both as day/month and month/day (e.g. 03/04/2024)",
            _where(ambiguous),
        )
    if day_first.any() and month_first.any():
        return None, "dates in both day/month and month/day order", _where(month_first)
    return (not month_first.any()) if numeric.any() else None, None, np.array([], dtype=int)


#: Columns whose ``codes`` are applied by their own parser (unknown codes are then a problem).
_OWN_CODES = frozenset({"sex", "working_pattern", "contract_type"})


def _source_values(raw: pd.DataFrame, f: FieldMap) -> pd.Series:
    """The values of ``f`` as read, with its ``codes`` applied (values without a code kept)."""
    if f.column is not None:
        values = raw[f.column]
    elif f.generate == "row_number":
        numbers = pd.Series(np.arange(1, len(raw) + 1), index=raw.index).astype("string")
        return f.prefix + numbers.str.zfill(7)
    else:
        values = pd.Series([f.value] * len(raw), index=raw.index, dtype="object")
    if f.codes and f.target not in _OWN_CODES:
        text = _text(values)
        values = text.map(lambda v: f.codes.get(v, v) if v is not pd.NA else v).astype("string")
    return values


# --- building the canonical table ---------------------------------------------------------------


def _check_source_columns(
    raw: pd.DataFrame, mapping: Mapping, source: Path, header_row: int | None = None
) -> None:
    import difflib

    available = [str(c) for c in raw.columns]
    missing = {t: c for t, c in mapping.source_columns.items() if c not in raw.columns}
    if not missing:
        return
    if len(set(missing.values())) == len(set(mapping.source_columns.values())):
        # Not one mapped column found: the row taken as the header is probably a data row, whose
        # cells (names, identifiers) must not be echoed, so the columns are not listed.
        where = f" (0-based row {header_row})" if header_row is not None else ""
        raise IngestError(
            f"{source.name}: none of the {len(missing)} column(s) the mapping {mapping.name!r} "
            f"names is in the file's header row{where}. If the column names are on another row "
            "(or missing), set source.header_row in the mapping to the 0-based row that holds "
            f"them; otherwise correct the names under 'columns:' in "
            f"{mapping.path or 'the mapping'}."
        )
    lines = []
    for target, column in missing.items():
        close = difflib.get_close_matches(column, available, n=3, cutoff=0.5)
        hint = f" (closest: {', '.join(close)})" if close else ""
        lines.append(f"  - {target}: column {column!r} is not in the file{hint}")
    raise IngestError(
        f"{source.name}: the mapping {mapping.name!r} names column(s) the file does not have:\n"
        + "\n".join(lines)
        + f"\nColumns in the file: {', '.join(available)}.\n"
        f"Fix: correct the column names under 'columns:' in {mapping.path or 'the mapping'}."
    )


def _map_sex(values: pd.Series, f: FieldMap, problems: RowProblems) -> pd.Series:
    text = _text(values)
    mapped = text.map(f.codes) if f.codes else text.str.lower().map(DEFAULT_SEX_CODES)
    unknown = text.notna() & mapped.isna()
    problems.add(
        unknown,
        "sex",
        "code not in the mapping",
        "add the code under columns.sex.codes (F, M, X = other recorded, U = not recorded)",
        text,
    )
    # A blank sex is 'not recorded': kept as U and counted, never dropped.
    mapped = mapped.mask(text.isna(), "U")
    return mapped.astype(pd.CategoricalDtype(list(SEX_CODES)))


class _Undeclared(IngestError):
    """A column whose form cannot be told without a declaration (raised with the file's name)."""


def _describe(f: FieldMap) -> str:
    where = f"source column {f.column!r}" if f.column is not None else "its constant value"
    return f"column {f.target} ({where})"


def _shown(f: FieldMap, values: pd.Series, rows: np.ndarray) -> str:
    """The data rows, with their values unless the column identifies a person."""
    text = "data " + _rows_text(rows)
    if f.target in IDENTIFYING:
        return text
    shown = pd.unique(values.iloc[rows[:EXAMPLES_SHOWN]].astype("string").fillna("<empty>"))
    return text + " (" + ", ".join(repr(str(v)) for v in shown) + ")"


def _number_column(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    values = _source_values(raw, f)
    declared = (f.decimal, f.thousands or "") if f.decimal is not None else None
    if declared is None and not pd.api.types.is_numeric_dtype(values):
        refused = number_form(values)
        if refused is not None:
            problem, rows = refused
            raise _Undeclared(
                f"{_describe(f)} has {problem}: {_shown(f, values, rows)}. Nothing is guessed: "
                f"declare how its numbers are written, under source or columns.{f.target}: "
                f'decimal: "," and thousands: "." for 23.456,78 (or " " for 23 456,78); or '
                f'decimal: "." if 30.000 means thirty (values that do not fit are then '
                "quarantined)."
            )
    numbers, bad = parse_number(values, declared)
    if declared is None:
        problem = "not a number"
        problems.readings.setdefault(f.target, "numbers in UK form (23,456.78): no declaration")
    else:
        grouping = repr(declared[1]) if declared[1] else "none"
        problem = f"not a number with decimal {declared[0]!r} and thousands {grouping}"
        problems.readings.setdefault(
            f.target, f"declared decimal {declared[0]!r}, thousands {grouping}"
        )
    problems.add(
        bad,
        f.target,
        problem,
        f"correct the value, declare decimal/thousands for columns.{f.target}, or map "
        f"{f.target} to another column",
        values,
    )
    return numbers


def _date_column(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    values = _source_values(raw, f)
    dayfirst = f.dayfirst
    if f.format is None and dayfirst is None:
        dayfirst, refused, rows = date_order(values)
        if refused is not None:
            raise _Undeclared(
                f"{_describe(f)} has {refused}: {_shown(f, values, rows)}. Nothing is guessed: "
                f"declare the format, columns.{f.target}.format (e.g. '%d/%m/%Y'), or "
                f"dayfirst: true (day/month/year) or false (month/day/year) under source or "
                f"columns.{f.target}."
            )
    parsed, bad, reading = _parse_dates(values, f.format, dayfirst)
    if f.format is None and f.dayfirst is None and reading.startswith("numeric"):
        reading += " (no declaration; no value reads both ways)"
    problems.readings.setdefault(f.target, reading)
    expected = (
        f"format {f.format}"
        if f.format
        else ("day/month/year" if dayfirst else "month/day/year" if dayfirst is False else "")
    )
    problems.add(
        bad,
        f.target,
        f"not a date{f' in {expected}' if expected else ''}",
        f"correct the date, or set columns.{f.target}.format to the source's date format "
        "(e.g. '%d/%m/%Y')",
        values,
    )
    return parsed


def _bool_column(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    values = _source_values(raw, f)
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    text = _text(values).str.lower()
    true_values = set(f.true_values)
    false_values = {"false", "no", "n", "0", "f"}
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[text.isin(true_values).fillna(False).to_numpy(dtype=bool)] = True
    out[text.isin(false_values).fillna(False).to_numpy(dtype=bool)] = False
    bad = text.notna() & out.isna()
    problems.add(
        bad,
        f.target,
        "not true/false",
        f"list the source's true values in columns.{f.target}.true_values",
        values,
    )
    return out


def _category_column(raw, f: FieldMap) -> pd.Series:
    return _text(_source_values(raw, f)).astype("category")


def _gss_ethnicity(values: pd.Series) -> pd.Series:
    """Full ONS ethnic group labels read as their GSS category (after the mapping's codes)."""
    text = values.astype("string")
    return text.map(full_labels()).fillna(text).astype("category")


def _working_pattern(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    """full_time / part_time from the mapped column: its ``codes``, else common labels."""
    text = _text(_source_values(raw, f))
    mapped = text.map(f.codes) if f.codes else pd.Series(pd.NA, index=text.index, dtype="object")
    mapped = mapped.fillna(text.str.lower().str.strip().map(DEFAULT_PATTERN_CODES))
    unknown = text.notna() & mapped.isna()
    problems.add(
        unknown,
        "working_pattern",
        "code not in the mapping",
        "add the code under columns.working_pattern.codes (full_time or part_time), e.g. "
        "codes: {FT: full_time, PT: part_time}",
        text,
    )
    return mapped.astype("string")


def _contract_type(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    """permanent / fixed_term / temporary / casual from the mapped column: its ``codes``, else
    common labels; a blank stays blank (not recorded), an unknown label is quarantined."""
    text = _text(_source_values(raw, f))
    mapped = text.map(f.codes) if f.codes else pd.Series(pd.NA, index=text.index, dtype="object")
    mapped = mapped.fillna(text.str.lower().str.strip().map(DEFAULT_CONTRACT_CODES))
    unknown = text.notna() & mapped.isna()
    problems.add(
        unknown,
        "contract_type",
        "code not in the mapping",
        "add the code under columns.contract_type.codes (permanent, fixed_term, temporary or "
        "casual), e.g. codes: {Perm: permanent, FTC: fixed_term}",
        text,
    )
    return mapped.astype("string")


def _qualified_grades(frame: pd.DataFrame) -> pd.Series:
    """Grades named with their pay plan, ``"plan / grade"``: grades of different plans stay apart.

    A row without a plan keeps the bare grade; a blank grade stays blank.
    """
    grade = frame["grade"].astype("string")
    plan = frame["pay_plan"].astype("string")
    both = grade.notna() & plan.notna()
    return grade.mask(both, plan + PLAN_SEPARATOR + grade).astype("category")


def _pay_to_annual_fte(
    raw, mapping: Mapping, frame: pd.DataFrame, problems: RowProblems
) -> pd.Series:
    """Annual FTE basic pay from the mapped pay column, its unit and its basis."""
    f = mapping.fields["annual_basic_pay"]
    pay = _number_column(raw, f, problems)
    unit = f.unit or "annual"
    if unit == "hourly":
        pay = pay * WEEKS_PER_YEAR * frame["weekly_hours"]
        basis = "actual"
    else:
        weeks = PAY_UNIT_WEEKS[unit]
        pay = pay * weeks if weeks else pay
        basis = f.basis
        if basis is None:
            raise MappingError(
                f"{mapping.path or mapping.name}: columns.annual_basic_pay needs 'basis: fte' "
                "(full-time-equivalent salary) or 'basis: actual' (pay for the contracted hours)."
            )
    if not mapping.hours_known:
        # No hours or FTE: FTE pay is kept, and actual pay is compared as it is (summary says so).
        return pay
    return pay / frame["fte"] if basis == "actual" else pay


def _grade_rank(frame: pd.DataFrame, f: FieldMap, raw, problems: RowProblems) -> pd.Series:
    if f.column is not None:
        numbers = _number_column(raw, f, problems)
        return numbers.round().astype("Int64")
    grades = frame["grade"].astype("string")
    rank = grades.map({g: i + 1 for i, g in enumerate(f.order or ())})
    unknown = grades.notna() & rank.isna()
    problems.add(
        unknown,
        "grade_rank",
        "grade not in columns.grade_rank.order",
        "add the grade to the order list (with a pay plan, as 'plan / grade')",
        grades,
    )
    return rank.astype("Int64")


def _natural_key(label: str) -> tuple:
    """Sort key reading digit runs as numbers: ``G2`` before ``G10``, then the label itself."""
    parts = re.split(r"(\d+)", label)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p), label


def median_pay_ranks(data: pd.DataFrame) -> tuple[pd.Series, dict[str, Any]]:
    """``grade_rank`` by median annual basic pay: 1 = lowest, every grade its own rank.

    Grades (pay plan and grade: ``"plan / grade"`` labels when a plan is mapped) are ordered by
    their median ``annual_basic_pay`` over all rows (every snapshot), lowest first; grades with the
    same median are ordered by their label in natural order (digit runs as numbers: ``G2`` before
    ``G10``), so the ranks never depend on row order. Blank grades have no rank.

    Returns the ranks and what the summary records: the rule, the number of grades and how many
    ties the labels broke (grades that share a median with the grade ranked below them).
    """
    grades = data["grade"].astype("string")
    medians = data.groupby(grades, observed=True)["annual_basic_pay"].median()
    ordered = sorted(medians.index, key=lambda g: (medians[g], _natural_key(str(g))))
    ranks = {g: i + 1 for i, g in enumerate(ordered)}
    values = [medians[g] for g in ordered]
    ties = sum(1 for a, b in zip(values, values[1:], strict=False) if a == b)
    info = {
        "derived": "median_pay",
        "rule": MEDIAN_PAY_RULE,
        "grades": len(ordered),
        "ties_broken": ties,
    }
    return grades.map(ranks).astype("Int64"), info


def _period_bonus(
    raw, mapping: Mapping, problems: RowProblems
) -> tuple[pd.Series | None, pd.Series | None]:
    """Bonus paid in the relevant pay period and the length of the period it relates to."""
    bonus = days = None
    if mapping.has("bonus_pay_period"):
        bonus = _number_column(raw, mapping.fields["bonus_pay_period"], problems)
    if mapping.has("bonus_period_days"):
        days = _number_column(raw, mapping.fields["bonus_period_days"], problems)
    return bonus, days


def _hourly_pay(frame: pd.DataFrame, mapping: Mapping, raw, problems: RowProblems) -> pd.Series:
    """Hourly pay: mapped directly, by UK reg 6 from period pay, or from annual pay.

    Reg 6 (:func:`research.data.hourly.reg6_hourly_pay`) includes any bonus paid in the pay period
    (``bonus_pay_period``), pro-rated when it relates to a longer period (``bonus_period_days``).
    Employees not on full pay fall back to their annual rate, so that their hourly pay reflects
    the job, not the leave (they are excluded from the statutory hourly figures anyway).
    """
    from research.data.hourly import annual_hourly_pay, reg6_hourly_pay

    if not mapping.hours_known:  # annual-pay-only extract: hourly pay is not known
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    if mapping.has("hourly_pay"):
        return _number_column(raw, mapping.fields["hourly_pay"], problems)
    if mapping.has("ordinary_pay_period"):
        bonus, bonus_days = _period_bonus(raw, mapping, problems)
        reg6 = reg6_hourly_pay(
            frame["ordinary_pay_period"],
            frame["pay_period_days"],
            frame["weekly_hours"],
            bonus,
            bonus_days,
        )
        if "annual_basic_pay" not in frame:
            # No annual pay to fall back on: reg 6 for every row (full_pay still flags reduced pay).
            return reg6
        from_annual = annual_hourly_pay(
            frame["annual_basic_pay"], frame["fte"], frame["weekly_hours"]
        )
        on_full_pay = frame["full_pay"].fillna(True).astype(bool) & (reg6 > 0)
        return reg6.where(on_full_pay, from_annual)
    return annual_hourly_pay(frame["annual_basic_pay"], frame["fte"], frame["weekly_hours"])


def _hours_and_fte(raw, mapping: Mapping, problems: RowProblems) -> tuple[pd.Series, pd.Series]:
    hours = (
        _number_column(raw, mapping.fields["weekly_hours"], problems)
        if mapping.has("weekly_hours")
        else None
    )
    fte = _number_column(raw, mapping.fields["fte"], problems) if mapping.has("fte") else None
    if hours is None and fte is None:  # annual-pay-only extract: neither is known, none imputed
        missing = pd.Series(np.nan, index=raw.index, dtype="float64")
        return missing, missing.copy()
    if hours is None:
        hours = fte * mapping.full_time_hours
    if fte is None:
        fte = hours / mapping.full_time_hours
    return hours, fte


def build_canonical(
    raw: pd.DataFrame, mapping: Mapping, problems: RowProblems, source: Path | None = None
) -> pd.DataFrame:
    """Turn a raw source table into canonical columns (no rows removed yet).

    ``source``: the file read, for a snapshot date taken from its name.
    """
    fields = mapping.fields
    frame = pd.DataFrame(index=raw.index)
    frame["employee_id"] = _text(_source_values(raw, fields["employee_id"])).astype("string")
    for target in (
        "employer",
        "occupation",
        "occupation_title",
        "job_family",
        "department",
        "grade",
        "pay_plan",
        "age_band",
        "ethnicity",
        "disability",
    ):
        if target in fields:
            frame[target] = _category_column(raw, fields[target])
    if "ethnicity" in frame:
        frame["ethnicity"] = _gss_ethnicity(frame["ethnicity"])
    if "pay_plan" in fields and "grade" in fields:
        frame["grade"] = _qualified_grades(frame)
    if fields["snapshot_date"].from_file_name is not None:
        frame["snapshot_date"] = _date_from_file_name(raw, fields["snapshot_date"], source)
        problems.readings.setdefault("snapshot_date", "from the file name")
    else:
        frame["snapshot_date"] = _date_column(raw, fields["snapshot_date"], problems)
    frame["sex"] = _map_sex(_source_values(raw, fields["sex"]), fields["sex"], problems)
    frame["weekly_hours"], frame["fte"] = _hours_and_fte(raw, mapping, problems)
    if "working_pattern" in fields:
        frame["working_pattern"] = _working_pattern(raw, fields["working_pattern"], problems)
    else:  # from FTE where it is known, else not known
        pattern = np.where(frame["fte"] < 0.9995, "part_time", "full_time")
        frame["working_pattern"] = pd.Series(pattern, index=frame.index, dtype="string").mask(
            frame["fte"].isna()
        )
    for target in ("ordinary_pay_period", *PAY_ELEMENTS):
        if target in fields:
            frame[target] = _number_column(raw, fields[target], problems)
    if "pay_period_days" in fields:
        frame["pay_period_days"] = (
            _number_column(raw, fields["pay_period_days"], problems).round().astype("Int64")
        )
    frame["full_pay"] = (
        _bool_column(raw, fields["full_pay"], problems) if "full_pay" in fields else pd.NA
    )
    frame["full_pay"] = frame["full_pay"].astype("boolean")
    if "contract_type" in fields:
        frame["contract_type"] = _contract_type(raw, fields["contract_type"], problems)
    if "benefit_in_kind" in fields:
        frame["benefit_in_kind"] = _bool_column(raw, fields["benefit_in_kind"], problems)
    if "annual_basic_pay" in fields:
        frame["annual_basic_pay"] = _pay_to_annual_fte(raw, mapping, frame, problems)
    frame["hourly_pay"] = _hourly_pay(frame, mapping, raw, problems)
    if "annual_basic_pay" not in frame:
        frame["annual_basic_pay"] = (
            frame["hourly_pay"] * WEEKS_PER_YEAR * frame["weekly_hours"] / frame["fte"]
        )
    if "grade_rank" in fields and not fields["grade_rank"].derive:
        frame["grade_rank"] = _grade_rank(frame, fields["grade_rank"], raw, problems)
    if "start_date" in fields:
        frame["start_date"] = _date_column(raw, fields["start_date"], problems)
    return conform(frame)


def _absent(dtype: str, name: str, index: pd.Index) -> pd.Series:
    """An all-missing column of the canonical dtype, for optional columns a source lacks."""
    if dtype == "float64":
        return pd.Series(np.nan, index=index, dtype="float64")
    if dtype.startswith("datetime"):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if dtype == "category":
        dtype = pd.CategoricalDtype(list(SEX_CODES)) if name == "sex" else "category"
    return pd.Series(pd.NA, index=index, dtype="string" if dtype == "category" else dtype).astype(
        dtype
    )


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Order columns as in :data:`research.data.schema.ALL_COLUMNS`, add absent ones, set dtypes."""
    out = {}
    for spec in ALL_COLUMNS:
        if spec.name not in frame:
            out[spec.name] = _absent(spec.dtype, spec.name, frame.index)
            continue
        values = frame[spec.name]
        if spec.dtype == "category" and spec.name == "sex":
            out[spec.name] = values.astype(pd.CategoricalDtype(list(SEX_CODES)))
        elif spec.dtype == "category":
            out[spec.name] = values.astype("string").astype("category")
        elif spec.dtype.startswith("datetime"):
            out[spec.name] = pd.to_datetime(values).astype("datetime64[ns]")
        else:
            out[spec.name] = values.astype(spec.dtype)
    return pd.DataFrame(out, index=frame.index)


def _date_from_file_name(raw: pd.DataFrame, f: FieldMap, source: Path | None) -> pd.Series:
    """The snapshot date read from the file's name (``from_file_name``, ``format``, ``month_day``).

    A name that does not match, or a date that does not parse, concerns the whole file: an error
    naming the file, the pattern and the fix.
    """
    name = source.name if source is not None else ""
    pattern = re.compile(f.from_file_name or "")
    match = pattern.search(name)
    fix = (
        "rename the file, or correct columns.snapshot_date.from_file_name (a regular "
        "expression with the date in brackets, e.g. '(\\d{4})' in single quotes) and its format"
    )
    if match is None:
        raise IngestError(
            f"{name or 'the data'}: the snapshot date is to come from the file name, but the "
            f"name does not match from_file_name {f.from_file_name!r}. Fix: {fix}."
        )
    text = match.group(1) if pattern.groups else match.group(0)
    if f.format:
        date = pd.to_datetime(text, format=f.format, errors="coerce")
    elif _ISO_DATE.match(text):
        date = pd.to_datetime(text, format="ISO8601", errors="coerce")
    elif f.month_day and re.fullmatch(r"\d{4}", text):
        date = pd.Timestamp(year=int(text), month=1, day=1)
    else:
        date = pd.NaT
    if pd.isna(date):
        expected = f"format {f.format}" if f.format else "an ISO date (2024-03-31) or a year"
        raise IngestError(
            f"{name}: {text!r}, taken from the file name for the snapshot date, is not "
            f"{expected}. Fix: set columns.snapshot_date.format to how the name writes the date "
            '(e.g. "%Y" with month_day: "03-31", or "%Y%m%d").'
        )
    if f.month_day:
        month, day = (int(v) for v in f.month_day.split("-"))
        try:
            date = pd.Timestamp(year=date.year, month=month, day=day)
        except ValueError:
            raise IngestError(
                f"{name}: month_day {f.month_day!r} is not a date in {date.year}. Fix: correct "
                "columns.snapshot_date.month_day (MM-DD)."
            ) from None
    return pd.Series(pd.Timestamp(date), index=raw.index, dtype="datetime64[ns]")


# --- validation ---------------------------------------------------------------------------------


_DERIVED = frozenset({"annual_basic_pay", "hourly_pay", "weekly_hours", "fte", "working_pattern"})


def _known(mapping: Mapping) -> tuple[str, ...]:
    """Columns of :data:`ALL_OR_NONE` this mapping supplies, so every row must have them."""
    if mapping.hours_known:
        return ALL_OR_NONE
    return ("working_pattern",) if mapping.has("working_pattern") else ()


def _schema_problems(frame: pd.DataFrame, problems: RowProblems, mapping: Mapping) -> None:
    """Run the pandera schema lazily and record each failing row with the rule it broke."""
    try:
        workforce_schema(_known(mapping)).validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    cases = cases[cases["index"].notna()]
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    # A derived number is missing because an input was not a number or was missing: that row's
    # reason names the input, not each column computed from it.
    already = problems.rejected()
    inputs_missing = frame[["annual_basic_pay", "weekly_hours", "fte"]].isna().any(axis=1)
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        mask = np.zeros(len(frame), dtype=bool)
        mask[position.loc[group["index"].to_numpy()].to_numpy()] = True
        if check == "not_nullable" and column in _DERIVED:
            mask &= ~already
            if column == "hourly_pay":
                mask &= ~inputs_missing.to_numpy(dtype=bool)
            if column == "working_pattern" and not mapping.has("working_pattern"):
                mask &= frame["fte"].notna().to_numpy(dtype=bool)  # derived: FTE named instead
        elif check == "not_nullable":  # a value that did not parse is not also "missing"
            mask &= ~problems.rejected(str(column))
        problem = "missing" if check == "not_nullable" else f"fails {check}"
        values = frame[column] if column in frame and check != "not_nullable" else None
        problems.add(mask, str(column), problem, _fix_for(str(column), str(check)), values)


def _fix_for(column: str, check: str) -> str:
    if check == "not_nullable":
        return f"supply {column} for every row, or map it to a column that has it"
    if column in {"weekly_hours", "fte"}:
        return "check contracted hours and FTE: both must be positive and plausible"
    if "pay" in column or column in PAY_ELEMENTS:
        return (
            f"check {column}: pay must be positive (bonus, overtime and allowances "
            "non-negative); zero-hour or unpaid posts are out of scope"
        )
    return f"correct {column} in the source"


def _duplicate_problems(frame: pd.DataFrame, problems: RowProblems) -> None:
    keys = ["employer", "snapshot_date", "employee_id"]
    counts = frame.groupby(keys, observed=True, dropna=False)["employee_id"].transform("size")
    dup = (counts > 1) & frame["employee_id"].notna()
    problems.add(
        dup,
        "employee_id",
        "duplicate id (all copies quarantined: which one is right cannot be known)",
        "keep one row per employee per snapshot (combine multiple posts first)",
    )


# --- missing-value tokens -----------------------------------------------------------------------


def _blank_na_tokens(raw: pd.DataFrame, mapping: Mapping) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Cells equal to a missing-value token (after trimming) made empty, in mapped text columns.

    Tokens per source column are those of the canonical columns it fills
    (:meth:`~research.data.mapping.Mapping.na_tokens`). Returns the table and a record of what
    was blanked, ``{source column: {token: cells}}``, with the default tokens that stayed in a
    column because the mapping turned the defaults off (``kept``).
    """
    tokens: dict[str, tuple[str, ...]] = {}
    for target, column in mapping.source_columns.items():
        tokens[column] = tuple(dict.fromkeys(tokens.get(column, ()) + mapping.na_tokens(target)))
    out = raw.copy()
    blanked: dict[str, dict[str, int]] = {}
    kept: dict[str, dict[str, int]] = {}
    for column, column_tokens in tokens.items():
        values = out[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("string").str.strip()
        counts = text.value_counts()
        hit = {t: int(counts.get(t, 0)) for t in column_tokens if counts.get(t, 0)}
        if hit:
            blanked[column] = hit
            is_na = text.isin(list(hit)).fillna(False).to_numpy(dtype=bool)
            out[column] = values.mask(is_na)
        left = {
            t: int(counts.get(t, 0))
            for t in DEFAULT_NA_VALUES
            if t not in column_tokens and counts.get(t, 0)
        }
        if left:
            kept[column] = left
    record: dict[str, Any] = {"tokens": list(mapping.na_values), "blanked": blanked}
    own = {
        mapping.fields[t].column: list(mapping.na_tokens(t))
        for t in mapping.source_columns
        if mapping.na_tokens(t) != mapping.na_values
    }
    if own:
        record["columns"] = own
    if kept:
        record["kept"] = kept
    return out, record


# --- what the data holds, for the summary -------------------------------------------------------


def _given(mapping: Mapping, target: str) -> str | None:
    """How the mapping supplies ``target``: recorded, a declared constant, or None (not mapped)."""
    f = mapping.fields.get(target)
    if f is None:
        return None
    if f.column is not None:
        return "recorded"
    if f.value is not None:
        return f"constant declared in the mapping ({f.value})"
    return "derived"


def _holds(mapping: Mapping, data: pd.DataFrame) -> dict[str, Any]:
    """What the extract records of hours, working pattern, pay basis, grades and pay elements."""
    hours, fte = _given(mapping, "weekly_hours"), _given(mapping, "fte")
    ft = f"{mapping.full_time_hours:g}"
    out: dict[str, Any] = {
        "hours": hours or (f"derived from FTE x full_time_hours ({ft})" if fte else NOT_IN_DATA),
        "fte": fte
        or (f"derived from weekly hours / full_time_hours ({ft})" if hours else NOT_IN_DATA),
    }
    if mapping.has("working_pattern"):
        pattern = _given(mapping, "working_pattern")
    else:
        pattern = "derived from FTE (below 1: part time)" if mapping.hours_known else NOT_IN_DATA
    out["working_pattern"] = pattern
    if not mapping.hours_known:
        out["hourly_pay"] = NOT_IN_DATA
    elif mapping.has("hourly_pay"):
        out["hourly_pay"] = "recorded"
    elif mapping.has("ordinary_pay_period"):
        out["hourly_pay"] = "UK reg 6 from pay-period pay and weekly hours"
    else:
        out["hourly_pay"] = "annual basic pay x FTE / 52.143 / weekly hours"
    pay = mapping.fields.get("annual_basic_pay")
    basis = (pay.basis or "actual") if pay is not None else "derived from hourly pay"
    out["pay_basis"] = basis
    if pay is not None and not mapping.hours_known:
        out["pay_note"] = (
            "no hours or FTE in the data: actual annual pay is compared as it is (part-time "
            "salaries included at their part-time level)"
            if basis == "actual"
            else "no hours or FTE in the data: pay is the full-time-equivalent annual salary"
        )
    elif basis == "actual":
        out["pay_note"] = "actual annual pay divided by FTE: full-time-equivalent annual pay"
    grade = data["grade"]
    out["grades"] = {
        "recorded": "recorded" if mapping.has("grade") else NOT_IN_DATA,
        "distinct": int(grade.nunique()),
        "blank": int(grade.isna().sum()) if mapping.has("grade") else None,
    }
    if mapping.has("pay_plan"):
        out["pay_plan"] = {
            "recorded": _given(mapping, "pay_plan"),
            "distinct": int(data["pay_plan"].nunique()),
            "blank": int(data["pay_plan"].isna().sum()),
            "grades_named": f"'plan{PLAN_SEPARATOR}grade'",
        }
    else:
        out["pay_plan"] = {"recorded": NOT_IN_DATA}
    out["pay_elements"] = {
        name: _given(mapping, name) or NOT_IN_DATA for name in ("bonus_12m", *PAY_ELEMENTS[1:])
    }
    out["contract_type"] = _given(mapping, "contract_type") or NOT_IN_DATA
    out["benefit_in_kind"] = _given(mapping, "benefit_in_kind") or NOT_IN_DATA
    return out


def _summary(
    sources: list[dict[str, Any]],
    mapping: Mapping,
    n_read: int,
    n_bad: int,
    problems: pd.DataFrame,
    data: pd.DataFrame,
) -> dict[str, Any]:
    other_sex = data["sex"].value_counts().reindex(["X", "U"]).fillna(0).astype(int).to_dict()
    if len(sources) == 1:
        source = {k: v for k, v in sources[0].items() if k not in ("rows", "snapshot_dates")}
    else:
        source = {
            "path": str(Path(sources[0]["path"]).parent),
            "sha256": sha256_json([s["sha256"] for s in sources]),
            "bytes": sum(s["bytes"] for s in sources),
            "format": ", ".join(dict.fromkeys(s["format"] for s in sources)),
            "files": sources,
        }
    dates = sorted(data["snapshot_date"].dropna().unique())
    snapshot = mapping.fields["snapshot_date"]
    return {
        "dataset": mapping.name,
        "description": mapping.description,
        "currency": mapping.currency,
        "jurisdiction": mapping.jurisdiction,
        "full_time_hours": mapping.full_time_hours,
        "source": source,
        "mapping": {
            "name": mapping.name,
            "path": str(mapping.path) if mapping.path else None,
            "sha256": sha256_file(mapping.path) if mapping.path else None,
            "notes": mapping.notes,
        },
        "counts": {"read": n_read, "accepted": n_read - n_bad, "quarantined": n_bad},
        "row_numbers": ROW_NUMBERS,
        "snapshot_dates": {
            "from": (
                "file name"
                if snapshot.from_file_name is not None
                else "column"
                if snapshot.column is not None
                else "value"
            ),
            "dates": [pd.Timestamp(d).date().isoformat() for d in dates],
        },
        **_holds(mapping, data),
        "other_sex_codes": other_sex,
        "problems": problems.to_dict(orient="records"),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# --- the public entry points --------------------------------------------------------------------


def source_files(path: str | Path, mapping: Mapping) -> list[Path]:
    """The files an ingest reads: ``path`` itself, or the files of folder ``path`` that match the
    mapping's ``files`` patterns (sorted by name).

    Raises
    ------
    IngestError
        A folder without ``files`` in the mapping, or no file matching.
    """
    folder = Path(path)
    if not folder.is_dir():
        return [folder]
    if not mapping.files:
        raise IngestError(
            f"{folder} is a folder. Give one file, or add files: (a file-name pattern such as "
            f'files: "payroll_*.csv") to the mapping {mapping.path or mapping.name!r} so that '
            "every matching file in the folder is ingested, each as its own snapshot."
        )
    found = sorted({p for pattern in mapping.files for p in folder.glob(pattern) if p.is_file()})
    if not found:
        present = sorted(p.name for p in folder.iterdir() if p.is_file())[:10]
        raise IngestError(
            f"No file in {folder} matches files: {list(mapping.files)} of the mapping. Files "
            f"there: {', '.join(present) or 'none'}. Fix: correct the pattern (e.g. "
            f'"payroll_*.csv") or the folder.'
        )
    return found


def ingest(path: str | Path | list[str | Path], mapping: Mapping | str | Path) -> IngestResult:
    """Read ``path``, map it to the canonical schema, validate and quarantine bad rows.

    Parameters
    ----------
    path
        A CSV (UTF-8, UTF-8 with BOM, cp1252, or the declared encoding), Excel, Parquet, SPSS or
        Stata file; a folder, whose files matching the mapping's ``files`` patterns are read; or
        a list of files. Several files make one dataset (each file typically one snapshot: a
        snapshot date from a column or from the file name); the quarantine then names each
        row's ``source_file``.
    mapping
        A :class:`~research.data.mapping.Mapping`, a YAML mapping file, or a shipped mapping name.

    Returns
    -------
    IngestResult
        Accepted canonical rows, quarantined source rows with reasons, a problem table and a summary.
        ``read == accepted + quarantined`` always holds.

    Raises
    ------
    IngestError
        A mapped column missing from the file, a file with a header but no rows, a number or date
        column whose form needs a declaration (decimal comma, ``30.000``, ``03/04/2024``), a file
        name without the snapshot date the mapping takes from it, the same employee and snapshot
        in two files, or more than half the rows of a file rejected (the mapping is then almost
        certainly wrong; the message lists the main problems with their data rows). Messages name
        rows, never identifiers.
    research.data.readers.ReadError
        A file that cannot be read as declared (UTF-16 or mixed encodings under ``auto``, ...).
    """
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    mapping = declared(mapping)
    if isinstance(path, list | tuple):
        files = [Path(p) for p in path]
        if not files:
            raise IngestError("No file to ingest: the list of files is empty.")
    else:
        files = source_files(path, mapping)
    several = len(files) > 1
    parts = [_ingest_file(file, mapping, optional_missing=several) for file in files]
    return _combine(parts, mapping)


@dataclass
class _Part:
    """One file ingested, before grade ranks are derived over every file."""

    source: Path
    info: dict[str, Any]
    data: pd.DataFrame
    quarantine: pd.DataFrame
    problems: pd.DataFrame
    readings: dict[str, str]
    na: dict[str, Any]


#: Canonical columns a file of a multi-file extract may lack (its rows then have them blank).
_MAY_LACK = frozenset(
    {
        "occupation_title",
        "job_family",
        "department",
        "grade",
        "pay_plan",
        "age_band",
        "ethnicity",
        "disability",
        "start_date",
        "bonus_12m",
        "overtime_12m",
        "allowances_12m",
        "contract_type",
        "benefit_in_kind",
    }
)


def _ingest_file(source: Path, mapping: Mapping, *, optional_missing: bool = False) -> _Part:
    table = read_table(source, **mapping.reader_options)
    raw = table.frame.reset_index(drop=True)
    if raw.empty:
        raise IngestError(
            f"{source.name} has a header but no data rows, so there is nothing to ingest. "
            "Export the extract again with its rows (check the report's filters in the HR "
            "system); if the column names are not on the first row, set source.header_row in "
            "the mapping to the 0-based row that holds them."
        )
    lacking: list[str] = []
    if optional_missing:
        lacking = [
            t for t, c in mapping.source_columns.items() if c not in raw.columns and t in _MAY_LACK
        ]
        for target in lacking:  # a column this year's file lacks: blank for its rows
            raw[mapping.source_columns[target]] = pd.Series(pd.NA, index=raw.index, dtype="string")
    _check_source_columns(raw, mapping, source, table.header_row)
    raw, na = _blank_na_tokens(raw, mapping)
    problems = RowProblems(len(raw))
    try:
        frame = build_canonical(raw, mapping, problems, source)
    except _Undeclared as err:
        raise IngestError(f"{source.name}: {err}") from None
    _schema_problems(frame, problems, mapping)
    _duplicate_problems(frame, problems)
    rejected = problems.rejected()
    n_read, n_bad = len(raw), int(rejected.sum())
    problem_table = problems.table()
    if n_read and n_bad / n_read > MAX_REJECTED_SHARE:
        raise IngestError(
            f"{source.name}: {n_bad} of {n_read} rows fail validation, so the mapping "
            f"{mapping.name!r} is probably wrong. Main problems ({ROW_NUMBERS}):\n"
            + "\n".join(
                f"  - {r.column}: {r.problem} in {r.n_rows} rows, e.g. {r.examples}. Fix: {r.fix}."
                for r in problem_table.sort_values("n_rows", ascending=False).head(5).itertuples()
            )
        )
    # Only the mapped columns, under their canonical names: unmapped source columns (names, dates
    # of birth, national insurance numbers...) never leave the source file.
    mapped = pd.DataFrame({t: raw[c] for t, c in mapping.source_columns.items()}, index=raw.index)
    quarantine = mapped.loc[rejected].astype("string")
    quarantine.insert(0, "reason", problems.reasons().to_numpy())
    quarantine.insert(0, "source_row", np.flatnonzero(rejected) + 1)
    data = frame.loc[~rejected]
    dates = sorted(data["snapshot_date"].dropna().unique())
    info = {
        "path": str(source),
        "sha256": sha256_file(source),
        "bytes": source.stat().st_size,
        "format": table.format,
        "encoding": table.encoding,
        "header_row": table.header_row,
        "rows": {"read": n_read, "accepted": n_read - n_bad, "quarantined": n_bad},
        "snapshot_dates": [pd.Timestamp(d).date().isoformat() for d in dates],
    }
    if lacking:
        info["columns_not_in_file"] = {t: mapping.source_columns[t] for t in lacking}
    return _Part(source, info, data, quarantine, problem_table, dict(problems.readings), na)


def _combine(parts: list[_Part], mapping: Mapping) -> IngestResult:
    """One result from the files' parts: grade ranks over every file, cross-file duplicates."""
    several = len(parts) > 1
    data = pd.concat([p.data for p in parts], ignore_index=True)
    if several:
        _refuse_cross_file_duplicates(parts)
    quarantines, problem_tables = [], []
    for part in parts:
        quarantine = part.quarantine
        problem_table = part.problems
        if several:
            quarantine = quarantine.copy()
            quarantine.insert(1, "source_file", part.source.name)
            problem_table = problem_table.assign(
                examples=part.source.name + ": " + problem_table["examples"].astype(str)
            )
        quarantines.append(quarantine)
        problem_tables.append(problem_table)
    quarantine = pd.concat(quarantines, ignore_index=True) if quarantines else pd.DataFrame()
    problem_table = pd.concat(problem_tables, ignore_index=True)
    rank_info = None
    f = mapping.fields.get("grade_rank")
    if f is not None and f.derive:
        data["grade_rank"], rank_info = median_pay_ranks(data)
    data = conform(data)
    WORKFORCE_SCHEMA.validate(data)
    n_read = sum(p.info["rows"]["read"] for p in parts)
    n_bad = len(quarantine)
    assert len(data) + n_bad == n_read, "ingest lost rows"
    summary = _summary([p.info for p in parts], mapping, n_read, n_bad, problem_table, data)
    readings: dict[str, str] = {}
    for part in parts:
        for column, reading in part.readings.items():
            readings.setdefault(column, reading)
    summary["readings"] = readings
    summary["na_values"] = _merged_na([p.na for p in parts])
    if rank_info is not None:
        summary["grade_rank"] = rank_info
    elif f is not None:
        summary["grade_rank"] = {
            "recorded": "order list" if f.order else _given(mapping, "grade_rank")
        }
    summary["profile"] = profile(
        data, Source(mapping.name, "", mapping.currency, summary.get("jurisdiction", ""))
    ).to_dict()
    return IngestResult(
        data=data,
        quarantine=quarantine.reset_index(drop=True),
        problems=problem_table,
        summary=summary,
    )


def _merged_na(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The files' missing-value records added up."""
    out: dict[str, Any] = dict(records[0])
    for key in ("blanked", "kept"):
        total: dict[str, dict[str, int]] = {}
        for record in records:
            for column, counts in record.get(key, {}).items():
                column_total = total.setdefault(column, {})
                for token, n in counts.items():
                    column_total[token] = column_total.get(token, 0) + n
        if total or key == "blanked":
            out[key] = total
    return out


def _refuse_cross_file_duplicates(parts: list[_Part]) -> None:
    """The same employee at the same snapshot in two files: an error naming the files."""
    keys = ["employer", "snapshot_date", "employee_id"]
    frames = [
        p.data[keys].dropna().astype("string").drop_duplicates().assign(file=p.source.name)
        for p in parts
    ]
    both = pd.concat(frames, ignore_index=True)
    repeated = both[both.duplicated(keys, keep=False)]
    if repeated.empty:
        return
    files = list(dict.fromkeys(repeated["file"]))
    raise IngestError(
        f"{' and '.join(files[:2])} hold the same employees at the same snapshot date "
        f"({str(repeated['snapshot_date'].iloc[0])[:10]}): the same extract twice, or a snapshot "
        "date that is not the file's. Fix: remove the copy from the folder or the files list, or "
        "take the snapshot date from a column or the file name "
        "(columns.snapshot_date.from_file_name)."
    )


def declared(mapping: Mapping) -> Mapping:
    """The mapping with each field's number and date declarations resolved (own, else source)."""
    fields = {}
    for target, f in mapping.fields.items():
        number = mapping.number_format(target)
        fmt, dayfirst = mapping.date_format(target)
        fields[target] = replace(
            f,
            decimal=number[0] if number else None,
            thousands=number[1] if number else None,
            format=fmt,
            dayfirst=dayfirst,
        )
    return replace(mapping, fields=fields)


def output_paths(name: str, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Where :func:`write` puts a dataset's table, quarantine and summary."""
    from research.core.paths import processed_dir

    folder = Path(out_dir) if out_dir else processed_dir()
    return {
        "data": folder / f"{name}.parquet",
        "quarantine": folder / f"{name}.quarantine.csv",
        "summary": folder / f"{name}.ingest.json",
    }


def _atomic(path: Path, save) -> None:
    """Write through ``save(tmp_path)`` then rename, so readers never see a half-written file.

    The file is created readable and writable by the owner only (:data:`PRIVATE_MODE`) before
    anything is written to it, and keeps that mode when it replaces an older file.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))
    try:
        save(tmp)
        os.chmod(tmp, PRIVATE_MODE)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write(result: IngestResult, name: str, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Write the canonical Parquet table, the quarantine CSV and the ingest summary JSON.

    All three are private (mode 0o600): the table and the quarantine hold identifiers and the pay of
    individuals, and the summary the paths and hashes of the source (see docs/data-protection.md).

    Each file is replaced atomically and the summary (which marks the dataset as current) last, so
    concurrent runs that ingest the same bundled dataset never read a partial file.
    """
    paths = output_paths(name, out_dir)
    paths["data"].parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _atomic(paths["data"], lambda p: result.data.to_parquet(p, index=False))
    _atomic(
        paths["quarantine"],
        lambda p: write_csv(result.quarantine, p),
    )
    text = json.dumps(dict(result.summary, dataset=name), indent=2, default=str) + "\n"
    _atomic(paths["summary"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths
