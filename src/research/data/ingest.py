"""Ingest: read a source file, apply its column mapping, validate, and quarantine bad rows.

Nothing is silently lost: every source row ends up either in the canonical table or in the quarantine
table with the reason(s) it was rejected, and ``read == accepted + quarantined`` is checked before any
result is returned. Errors that concern the whole file (a mapped column that is not in the file, a
mapping whose codes match no row) are raised at once with the column, example values and the fix.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from research.core.hashing import sha256_file
from research.data.mapping import FieldMap, Mapping, MappingError, load_mapping
from research.data.readers import read_table
from research.data.schema import (
    COLUMNS,
    SEX_CODES,
    WEEKS_PER_YEAR,
    WORKFORCE_SCHEMA,
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
#: Above this share of rejected rows the mapping is probably wrong, so ingest stops with an error.
MAX_REJECTED_SHARE = 0.5


class IngestError(ValueError):
    """A source that cannot be ingested as a whole; the message names the problem and the fix."""


class RowProblems:
    """Collects row-level problems: which rows, which column, what is wrong, how to fix it."""

    def __init__(self, n_rows: int) -> None:
        self.n_rows = n_rows
        self._parts: list[tuple[np.ndarray, str, str, pd.Series | None, str]] = []

    def add(
        self,
        mask: np.ndarray | pd.Series,
        column: str,
        problem: str,
        fix: str,
        values: pd.Series | None = None,
    ) -> None:
        """Record that the rows in ``mask`` have ``problem`` in ``column``."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self._parts.append((np.flatnonzero(mask), column, problem, values, fix))

    def rejected(self) -> np.ndarray:
        """Boolean mask of rows with at least one problem."""
        out = np.zeros(self.n_rows, dtype=bool)
        for rows, *_ in self._parts:
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
            examples = ""
            if values is not None:
                distinct = pd.unique(values.iloc[rows].astype("string").fillna("<empty>"))
                examples = ", ".join(repr(str(v)) for v in distinct[:EXAMPLES_SHOWN])
            records.append(
                {
                    "column": column,
                    "problem": problem,
                    "n_rows": int(rows.size),
                    "examples": examples,
                    "fix": fix,
                }
            )
        frame = pd.DataFrame(records, columns=["column", "problem", "n_rows", "examples", "fix"])
        return frame.groupby(["column", "problem"], as_index=False, sort=False).agg(
            n_rows=("n_rows", "sum"), examples=("examples", "first"), fix=("fix", "first")
        )


@dataclass(frozen=True)
class IngestResult:
    """Outcome of ingesting one source.

    Attributes
    ----------
    data
        Accepted rows in the canonical schema.
    quarantine
        Rejected rows as read from the source, with ``source_row`` (1-based data row) and ``reason``.
    problems
        One row per kind of problem: column, problem, n_rows, examples, fix.
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


def parse_number(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers written as text: thousands separators, currency signs and spaces removed.

    Returns the floats and a mask of non-empty values that are not numbers.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
        return numbers, np.zeros(len(values), dtype=bool)
    text = _text(values)
    cleaned = text.str.replace(r"[£$€,\s]", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (text.notna() & numbers.isna()).to_numpy(dtype=bool)
    return numbers, bad


def _parse_dates(values: pd.Series, fmt: str | None) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.astype("datetime64[ns]")
        return parsed, np.zeros(len(values), dtype=bool)
    text = _text(values)
    parsed = pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[ns]")
    bad = (text.notna() & parsed.isna()).to_numpy(dtype=bool)
    return parsed, bad


def _source_values(raw: pd.DataFrame, f: FieldMap) -> pd.Series:
    if f.column is not None:
        return raw[f.column]
    if f.generate == "row_number":
        numbers = pd.Series(np.arange(1, len(raw) + 1), index=raw.index).astype("string")
        return f.prefix + numbers.str.zfill(7)
    return pd.Series([f.value] * len(raw), index=raw.index, dtype="object")


# --- building the canonical table ---------------------------------------------------------------


def _check_source_columns(raw: pd.DataFrame, mapping: Mapping, source: Path) -> None:
    import difflib

    available = [str(c) for c in raw.columns]
    missing = {t: c for t, c in mapping.source_columns.items() if c not in raw.columns}
    if not missing:
        return
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


def _number_column(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    values = _source_values(raw, f)
    numbers, bad = parse_number(values)
    problems.add(
        bad,
        f.target,
        "not a number",
        f"correct the value or map {f.target} to another column",
        values,
    )
    return numbers


def _date_column(raw, f: FieldMap, problems: RowProblems) -> pd.Series:
    values = _source_values(raw, f)
    parsed, bad = _parse_dates(values, f.format)
    problems.add(
        bad,
        f.target,
        f"not a date{f' in format {f.format}' if f.format else ''}",
        f"set columns.{f.target}.format to the source's date format (e.g. '%d/%m/%Y')",
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
    text = _text(_source_values(raw, f))
    if f.codes:
        text = text.map(lambda v: f.codes.get(v, v) if v is not pd.NA else v).astype("string")
    return text.astype("category")


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
    return pay / frame["fte"] if basis == "actual" else pay


def _grade_rank(frame: pd.DataFrame, f: FieldMap, raw, problems: RowProblems) -> pd.Series:
    if f.column is not None:
        numbers = _number_column(raw, f, problems)
        return numbers.round().astype("Int64")
    grades = frame["grade"].astype("string")
    if f.order:
        rank = grades.map({g: i + 1 for i, g in enumerate(f.order)})
        unknown = grades.notna() & rank.isna()
        problems.add(
            unknown,
            "grade_rank",
            "grade not in columns.grade_rank.order",
            "add the grade to the order list",
            grades,
        )
        return rank.astype("Int64")
    medians = frame.groupby(grades, observed=True)["annual_basic_pay"].median()
    order = medians.rank(method="dense").astype("int64")
    return grades.map(order).astype("Int64")


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
    if hours is None:
        hours = fte * mapping.full_time_hours
    if fte is None:
        fte = hours / mapping.full_time_hours
    return hours, fte


def build_canonical(raw: pd.DataFrame, mapping: Mapping, problems: RowProblems) -> pd.DataFrame:
    """Turn a raw source table into canonical columns (no rows removed yet)."""
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
        "age_band",
        "ethnicity",
        "disability",
    ):
        if target in fields:
            frame[target] = _category_column(raw, fields[target])
    frame["snapshot_date"] = _date_column(raw, fields["snapshot_date"], problems)
    frame["sex"] = _map_sex(_source_values(raw, fields["sex"]), fields["sex"], problems)
    frame["weekly_hours"], frame["fte"] = _hours_and_fte(raw, mapping, problems)
    if "working_pattern" in fields:
        frame["working_pattern"] = _category_column(raw, fields["working_pattern"])
    else:
        frame["working_pattern"] = np.where(frame["fte"] < 0.9995, "part_time", "full_time")
    for target in ("ordinary_pay_period", "bonus_12m"):
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
    """Order columns as in :data:`research.data.schema.COLUMNS`, add absent optional ones, set dtypes."""
    out = {}
    for spec in COLUMNS:
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


# --- validation ---------------------------------------------------------------------------------


def _schema_problems(frame: pd.DataFrame, problems: RowProblems) -> None:
    """Run the pandera schema lazily and record each failing row with the rule it broke."""
    try:
        WORKFORCE_SCHEMA.validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    cases = cases[cases["index"].notna()]
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        mask = np.zeros(len(frame), dtype=bool)
        mask[position.loc[group["index"].to_numpy()].to_numpy()] = True
        problem = "missing" if check == "not_nullable" else f"fails {check}"
        values = frame[column] if column in frame and check != "not_nullable" else None
        problems.add(mask, str(column), problem, _fix_for(str(column), str(check)), values)


def _fix_for(column: str, check: str) -> str:
    if check == "not_nullable":
        return f"supply {column} for every row, or map it to a column that has it"
    if column in {"weekly_hours", "fte"}:
        return "check contracted hours and FTE: both must be positive and plausible"
    if "pay" in column or column == "bonus_12m":
        return f"check {column}: pay must be positive (bonus non-negative); zero-hour or unpaid posts are out of scope"
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
        frame["employee_id"],
    )


# --- the public entry points --------------------------------------------------------------------


def _summary(
    source: Path,
    raw_info,
    mapping: Mapping,
    n_read: int,
    n_bad: int,
    problems: pd.DataFrame,
    data: pd.DataFrame,
) -> dict[str, Any]:
    other_sex = data["sex"].value_counts().reindex(["X", "U"]).fillna(0).astype(int).to_dict()
    return {
        "dataset": mapping.name,
        "description": mapping.description,
        "currency": mapping.currency,
        "full_time_hours": mapping.full_time_hours,
        "source": {
            "path": str(source),
            "sha256": sha256_file(source),
            "bytes": source.stat().st_size,
            "format": raw_info.format,
            "encoding": raw_info.encoding,
            "header_row": raw_info.header_row,
        },
        "mapping": {
            "name": mapping.name,
            "path": str(mapping.path) if mapping.path else None,
            "sha256": sha256_file(mapping.path) if mapping.path else None,
            "notes": mapping.notes,
        },
        "counts": {"read": n_read, "accepted": n_read - n_bad, "quarantined": n_bad},
        "other_sex_codes": other_sex,
        "problems": problems.to_dict(orient="records"),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def ingest(path: str | Path, mapping: Mapping | str | Path) -> IngestResult:
    """Read ``path``, map it to the canonical schema, validate and quarantine bad rows.

    Parameters
    ----------
    path
        A CSV (UTF-8, UTF-8 with BOM or cp1252), Excel, Parquet, SPSS or Stata file.
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
        A mapped column missing from the file, or more than half the rows rejected (the mapping is
        then almost certainly wrong; the message lists the main problems with examples).
    """
    source = Path(path)
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    table = read_table(source, **mapping.source)
    raw = table.frame.reset_index(drop=True)
    _check_source_columns(raw, mapping, source)
    problems = RowProblems(len(raw))
    frame = build_canonical(raw, mapping, problems)
    _schema_problems(frame, problems)
    _duplicate_problems(frame, problems)
    return _split(source, table, raw, frame, mapping, problems)


def _split(source, table, raw, frame, mapping, problems: RowProblems) -> IngestResult:
    rejected = problems.rejected()
    n_read, n_bad = len(raw), int(rejected.sum())
    problem_table = problems.table()
    if n_read and n_bad / n_read > MAX_REJECTED_SHARE:
        raise IngestError(
            f"{source.name}: {n_bad} of {n_read} rows fail validation, so the mapping "
            f"{mapping.name!r} is probably wrong. Main problems:\n"
            + "\n".join(
                f"  - {r.column}: {r.problem} in {r.n_rows} rows, e.g. {r.examples}. Fix: {r.fix}."
                for r in problem_table.sort_values("n_rows", ascending=False).head(5).itertuples()
            )
        )
    quarantine = raw.loc[rejected].astype("string")
    quarantine.insert(0, "reason", problems.reasons().to_numpy())
    quarantine.insert(0, "source_row", np.flatnonzero(rejected) + 1)
    data = frame.loc[~rejected].reset_index(drop=True)
    if "grade_rank" in mapping.fields and mapping.fields["grade_rank"].derive:
        data["grade_rank"] = _grade_rank(data, mapping.fields["grade_rank"], raw, problems)
    data = conform(data)
    WORKFORCE_SCHEMA.validate(data)
    assert len(data) + len(quarantine) == n_read, "ingest lost rows"
    summary = _summary(source, table, mapping, n_read, n_bad, problem_table, data)
    return IngestResult(
        data=data,
        quarantine=quarantine.reset_index(drop=True),
        problems=problem_table,
        summary=summary,
    )


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
    """Write through ``save(tmp_path)`` then rename, so readers never see a half-written file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    save(tmp)
    os.replace(tmp, path)


def write(result: IngestResult, name: str, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Write the canonical Parquet table, the quarantine CSV and the ingest summary JSON.

    Each file is replaced atomically and the summary (which marks the dataset as current) last, so
    concurrent runs that ingest the same bundled dataset never read a partial file.
    """
    paths = output_paths(name, out_dir)
    paths["data"].parent.mkdir(parents=True, exist_ok=True)
    _atomic(paths["data"], lambda p: result.data.to_parquet(p, index=False))
    _atomic(
        paths["quarantine"],
        lambda p: result.quarantine.to_csv(p, index=False, lineterminator="\n"),
    )
    text = json.dumps(dict(result.summary, dataset=name), indent=2, default=str) + "\n"
    _atomic(paths["summary"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths
