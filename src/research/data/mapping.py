"""Column mappings: how one source's columns, codes and units become the canonical table.

A mapping is a small YAML file, one per source::

    name: cincinnati
    description: City of Cincinnati employees with salaries, about December 2020
    currency: USD                 # GBP enables the UK National Living Wage check
    jurisdiction: US              # where the employer is; empty: the currency decides (below)
    full_time_hours: 40           # contractual full-time week, used to derive FTE or hours
    source: {encoding: auto}      # how the file is read and its values written (below)
    columns:
      employee_id: {generate: row_number, prefix: CIN}
      employer: {value: City of Cincinnati}
      snapshot_date: {value: "2020-12-01"}
      sex: {column: SEX, codes: {M: M, F: F}}
      occupation: JOBTITLE                      # shorthand for {column: JOBTITLE}
      weekly_hours: STD_HOURS
      fte: FTE
      annual_basic_pay: {column: ANNUAL_RT, unit: annual, basis: actual}
      grade_rank: {derive: median_pay}
      start_date: {column: HIRE_DATE, format: "%m/%d/%Y %H:%M"}

Each entry under ``columns`` names a canonical column (see :mod:`research.data.schema`) and says where its
values come from: ``column`` (a source column), ``value`` (a constant) or ``generate: row_number``
(pseudonymous identifiers). Options: ``codes`` (source code -> canonical code; for ``sex`` the
canonical codes are F, M, X, U), ``unit`` for pay (annual, monthly, weekly, hourly), ``basis`` for
annual pay (``fte`` or ``actual``: actual pay is divided by FTE on ingest), ``format`` for dates,
``order`` (a list of grades, lowest first) or ``derive: median_pay`` for ``grade_rank``,
``true_values`` for booleans, ``decimal``/``thousands`` for numbers and ``dayfirst`` for dates
(see below), ``na_values``/``default_na_values`` for missing-value tokens (below).

``codes`` work on any column: source value -> value used (values without a code are kept; for
``sex`` and ``working_pattern`` an unknown code is quarantined). ``ethnicity`` codes map to the
GSS harmonised ethnicity categories for England and Wales (:mod:`research.data.codes`), to a
broad group (Asian, Black, Mixed, White, Other) where the source records only those, or to
``Prefer not to say``; ``disability`` codes to ``Yes``, ``No`` or ``Prefer not to say``. ``working_pattern`` comes from a
column (``full_time``/``part_time``, ``FT``/``PT``, ``Full time``/``Part-time``, or ``codes`` such
as ``{Y: full_time, N: part_time}`` for a full-time flag), else from FTE.

Further options (issue 13):

* **Annual-pay-only extracts**: a mapping may leave out both ``weekly_hours`` and ``fte``. Then
  weekly hours, FTE and hourly pay are missing for every row (never imputed), the working pattern
  is missing unless mapped, and ``annual_basic_pay`` is kept as declared: ``basis: fte`` (the
  full-time rate) or ``basis: actual`` (compared as it is; the ingest summary says so). Hourly
  measures (``unit: hourly``, ``hourly_pay``, ``ordinary_pay_period``) need hours and are refused.
* **Pay plans**: ``pay_plan`` (the pay scale a grade belongs to) makes grades of different plans
  different grades: ``grade`` holds ``"plan / grade"`` (``"GS / 7"``).
* ``grade_rank: {derive: median_pay}`` ranks grades by median annual basic pay over every snapshot
  (1 = lowest); equal medians are ordered by grade label in natural order (``G2`` before ``G10``),
  so every grade has its own rank; the summary counts the ties broken.
* **Pay elements**: ``bonus_12m``, ``overtime_12m``, ``allowances_12m`` (12 months to the snapshot).

Further options (issue 15):

* **Contract type**: ``contract_type: {column: Contract, codes: {Perm: permanent, FTC: fixed_term,
  Temp: temporary, Bank: casual}}`` maps the source's labels to the canonical
  :data:`~research.data.schema.CONTRACT_TYPES` (permanent, fixed_term, temporary, casual), as
  ``sex`` does; common labels (``Permanent``, ``Fixed term``, ``Temporary``, ``Casual``) need no
  codes. A code that maps to nothing is quarantined; a blank cell is "not recorded".
* **Benefits in kind**: ``benefit_in_kind: {column: BIK, true_values: ["Y"]}``, a yes/no flag of
  whether the employee received a benefit in kind in the 12 months to the snapshot.
* **Jurisdiction** (``jurisdiction: GB``, ``US``, ``FR``, ...): stored in the ingest summary; reports
  frame figures in GB or EU statutory terms only where it (or, when empty, the currency) says so.
* **Snapshot date** from a constant (``{value: "2024-03-31"}``), a column (``{column: AsAt, format:
  "%d/%m/%Y"}``) or the file name: ``{from_file_name: '_(\\d{4})\\.', format: "%Y", month_day:
  "12-01"}`` (single quotes: no escapes in YAML) reads the bracketed part of the name with
  ``format``; ``month_day`` (MM-DD) completes a
  date that has only a year.
* **Several files**: ``files: "payroll_*.csv"`` (a pattern or a list): given a folder, ingest reads
  every matching file with this mapping into one dataset (see :func:`research.data.ingest.ingest`).

Reading as declared (never guessed silently)
--------------------------------------------
How numbers, dates, empty cells and text are written in the file is declared, for the whole file under
``source`` or for one column under its entry (a column's own declaration wins)::

    source:
      encoding: cp1252          # utf-8, utf-8-sig, cp1252, latin-1, utf-16; default auto (see below)
      decimal: ","              # decimal mark, "." (default) or ","
      thousands: "."            # digit grouping: "," (default with decimal "."), "." (default with
                                # decimal ","), " " (a space, also a no-break space), "'" or "" (none)
      dayfirst: true            # numeric dates d/m/y (true) or m/d/y (false)
      date_format: "%d/%m/%Y"   # strftime format of every date column (a column's format wins)
      na_values: ["n.k."]       # cells meaning "empty" besides the defaults (exact, after trimming;
                                # quote them); null_values is the old name, still read
      default_na_values: true   # the defaults NULL, null, N/A, n/a, #N/A, None, - (false: off)
    columns:
      annual_basic_pay: {column: Salary, basis: fte, decimal: ",", thousands: " "}
      start_date: {column: Start, format: "%d.%m.%Y"}     # or {column: Start, dayfirst: true}
      grade: {column: Grade, na_values: ["Unassigned"]}   # tokens of one column (added)
      disability: {column: Disability, default_na_values: false}  # "None" is a value here

Missing-value tokens apply to the text columns the mapping reads; the ingest summary counts the
cells each token blanked, per source column (``na_values.blanked``).

A value that does not parse under its declaration is quarantined with the column, the expected form
and (for columns that do not identify a person) the value. Without a declaration numbers are read
in the UK form (``23,456.78``); a column that holds numbers only another form can give
(``31.234,50``, ``31,5``, ``1.234.567``), or only dot-grouped values such as ``30.000`` (30 or
30 000?), stops the ingest with an error that names the column and the keys to set. Numeric dates
without a declaration are read only when no value is ambiguous (``03/04/2024`` is 3 April or
4 March: the ingest stops and asks for ``format`` or ``dayfirst``); ISO dates (``2024-04-03``) need
no declaration. With ``encoding: auto`` a UTF-8 file (with or without byte order mark) or a cp1252
file is read; a file that is UTF-8 in places and something else in others, or a UTF-16 file, is an
error that names the key to set, never reinterpreted.

Two further entries are inputs to hourly pay, not canonical columns: ``bonus_pay_period`` (bonus pay
paid in the relevant pay period) and ``bonus_period_days`` (the length of the period that bonus
relates to); with ``ordinary_pay_period`` and ``pay_period_days`` they give the UK reg 6 hourly rate.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from research.data.schema import (
    ALL_COLUMN_NAMES,
    CONTRACT_TYPES,
    DEFAULT_FULL_TIME_HOURS,
    DISABILITY_VALUES,
    ETHNIC_BROAD_GROUPS,
    ETHNICITY_VALUES,
    NOT_STATED_CODES,
    SEX_CODES,
    WORKING_PATTERNS,
)

#: Inputs a mapping may supply that are used at ingest but not kept as canonical columns: the bonus
#: paid in the relevant pay period and the length of the period it relates to (UK reg 6(1)(b)).
INPUT_ONLY_COLUMNS = ("bonus_pay_period", "bonus_period_days")
MAPPABLE = ALL_COLUMN_NAMES + INPUT_ONLY_COLUMNS

PAY_UNITS = ("annual", "monthly", "weekly", "hourly")
PAY_BASES = ("fte", "actual")
FIELD_KEYS = {
    "column",
    "value",
    "generate",
    "prefix",
    "codes",
    "unit",
    "basis",
    "format",
    "order",
    "derive",
    "true_values",
    "note",
    "decimal",
    "thousands",
    "dayfirst",
    "na_values",
    "null_values",
    "default_na_values",
    "from_file_name",
    "month_day",
}
TOP_KEYS = {
    "name",
    "description",
    "currency",
    "jurisdiction",
    "full_time_hours",
    "files",
    "source",
    "columns",
    "notes",
}
#: Options under ``source`` handed to :func:`research.data.readers.read_table`.
READER_KEYS = {"encoding", "sheet", "header_row", "delimiter"}
#: Options under ``source`` that say how values are written (see "Reading as declared").
PARSE_KEYS = {
    "decimal",
    "thousands",
    "dayfirst",
    "date_format",
    "na_values",
    "null_values",
    "default_na_values",
}
SOURCE_KEYS = READER_KEYS | PARSE_KEYS
DECIMAL_MARKS = (".", ",")
THOUSANDS_SEPARATORS = (",", ".", " ", "'", "")
#: Cells read as empty in every text column unless the mapping turns them off
#: (``default_na_values: false``): exact, after trimming. Empty cells are always empty.
DEFAULT_NA_VALUES: tuple[str, ...] = ("NULL", "null", "N/A", "n/a", "#N/A", "None", "-")
#: Old name of ``na_values``, still accepted (under ``source`` and per column).
NA_ALIAS = "null_values"
#: Where each canonical column may come from (one of these keys per entry).
VALUE_SOURCES = ("column", "value", "generate", "derive")
#: Working-pattern labels understood without ``codes`` (compared case-insensitively).
DEFAULT_PATTERN_CODES = {
    "full_time": "full_time",
    "full time": "full_time",
    "full-time": "full_time",
    "fulltime": "full_time",
    "ft": "full_time",
    "f/t": "full_time",
    "part_time": "part_time",
    "part time": "part_time",
    "part-time": "part_time",
    "parttime": "part_time",
    "pt": "part_time",
    "p/t": "part_time",
}
#: Contract-type labels understood without ``codes`` (compared case-insensitively).
DEFAULT_CONTRACT_CODES = {
    "permanent": "permanent",
    "perm": "permanent",
    "fixed_term": "fixed_term",
    "fixed term": "fixed_term",
    "fixed-term": "fixed_term",
    "temporary": "temporary",
    "temp": "temporary",
    "casual": "casual",
}
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_JURISDICTION = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,19}$")


class MappingError(ValueError):
    """A column mapping that cannot be used; the message names the entry and the fix."""


@dataclass(frozen=True)
class FieldMap:
    """Where one canonical column comes from."""

    target: str
    column: str | None = None
    value: Any = None
    generate: str | None = None
    prefix: str = ""
    codes: dict[str, str] | None = None
    unit: str | None = None
    basis: str | None = None
    format: str | None = None
    order: tuple[str, ...] | None = None
    derive: str | None = None
    true_values: tuple[str, ...] = ("true", "yes", "y", "1", "t")
    note: str = ""
    decimal: str | None = None
    thousands: str | None = None
    dayfirst: bool | None = None
    na_values: tuple[str, ...] = ()
    default_na_values: bool | None = None
    from_file_name: str | None = None
    month_day: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A validated column mapping for one source."""

    name: str
    fields: dict[str, FieldMap]
    description: str = ""
    currency: str = "GBP"
    full_time_hours: float = DEFAULT_FULL_TIME_HOURS
    source: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    path: Path | None = None
    jurisdiction: str = ""
    files: tuple[str, ...] = ()

    @property
    def source_columns(self) -> dict[str, str]:
        """Canonical column -> source column, for the entries read from the file."""
        return {t: f.column for t, f in self.fields.items() if f.column is not None}

    @property
    def reader_options(self) -> dict[str, Any]:
        """The ``source`` options for :func:`research.data.readers.read_table`."""
        return {k: v for k, v in self.source.items() if k in READER_KEYS}

    @property
    def na_values(self) -> tuple[str, ...]:
        """Cells that mean "empty" in every text column: the defaults (unless
        ``source.default_na_values: false``) and ``source.na_values``."""
        defaults = DEFAULT_NA_VALUES if self.source.get("default_na_values", True) else ()
        declared = tuple(str(v) for v in self.source.get("na_values") or ())
        return tuple(dict.fromkeys(defaults + declared))

    def na_tokens(self, target: str) -> tuple[str, ...]:
        """Cells that mean "empty" in the source column of ``target``: the file-wide tokens
        (:attr:`na_values`; a column's ``default_na_values`` wins over the source's) and the
        column's own ``na_values``."""
        f = self.fields.get(target)
        use_defaults = self.source.get("default_na_values", True)
        if f is not None and f.default_na_values is not None:
            use_defaults = f.default_na_values
        defaults = DEFAULT_NA_VALUES if use_defaults else ()
        declared = tuple(str(v) for v in self.source.get("na_values") or ())
        own = f.na_values if f is not None else ()
        return tuple(dict.fromkeys(defaults + declared + own))

    @property
    def hours_known(self) -> bool:
        """Whether the mapping supplies weekly hours or FTE (else pay is compared as annual pay)."""
        return self.has("weekly_hours") or self.has("fte")

    def number_format(self, target: str) -> tuple[str, str] | None:
        """``(decimal, thousands)`` declared for ``target`` (its entry, else ``source``), or None."""
        f = self.fields.get(target)
        decimal = f.decimal if f and f.decimal is not None else self.source.get("decimal")
        thousands = f.thousands if f and f.thousands is not None else self.source.get("thousands")
        if decimal is None and thousands is None:
            return None
        decimal = decimal or ("," if thousands == "." else ".")
        if thousands is None:
            thousands = "." if decimal == "," else ","
        return decimal, thousands

    def date_format(self, target: str) -> tuple[str | None, bool | None]:
        """``(format, dayfirst)`` declared for date column ``target``; None where undeclared."""
        f = self.fields.get(target)
        fmt = (f.format if f else None) or self.source.get("date_format")
        dayfirst = f.dayfirst if f and f.dayfirst is not None else self.source.get("dayfirst")
        return fmt, dayfirst

    def has(self, target: str) -> bool:
        """Whether the mapping supplies canonical column ``target``."""
        return target in self.fields


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _field_from_entry(target: str, entry: Any, where: str) -> FieldMap:
    if isinstance(entry, str):
        return FieldMap(target=target, column=entry)
    if not isinstance(entry, dict):
        raise MappingError(
            f"{where}: columns.{target} must be a source column name or a mapping such as "
            f"{{column: NAME}}, got {entry!r}."
        )
    unknown = sorted(set(entry) - FIELD_KEYS)
    if unknown:
        raise MappingError(
            f"{where}: columns.{target} has unknown option(s) {unknown}. "
            f"Allowed options: {', '.join(sorted(FIELD_KEYS))}."
        )
    # grade_rank may also come from an ``order`` list of the grades (ranked from columns.grade);
    # snapshot_date from the name of the file read.
    source_keys = VALUE_SOURCES
    if target == "grade_rank":
        source_keys += ("order",)
    if target == "snapshot_date":
        source_keys += ("from_file_name",)
    sources = [k for k in source_keys if k in entry]
    if len(sources) != 1:
        raise MappingError(
            f"{where}: columns.{target} needs exactly one of {', '.join(source_keys)} "
            f"(found {sources or 'none'})."
        )
    kwargs = _na_alias(dict(entry), f"{where}: columns.{target}")
    if "na_values" in kwargs:
        kwargs["na_values"] = _na_list(kwargs["na_values"], f"{where}: columns.{target}")
    if "column" in kwargs:
        kwargs["column"] = str(kwargs["column"])
    if "codes" in kwargs:
        kwargs["codes"] = {str(k): str(v) for k, v in kwargs["codes"].items()}
    if "order" in kwargs:
        kwargs["order"] = tuple(str(v) for v in kwargs["order"])
    for key in ("decimal", "thousands"):
        if kwargs.get(key) is not None:
            kwargs[key] = str(kwargs[key])
    if "true_values" in kwargs:
        kwargs["true_values"] = tuple(str(v).lower() for v in kwargs["true_values"])
    for key in ("from_file_name", "month_day"):
        if kwargs.get(key) is not None:
            kwargs[key] = str(kwargs[key])
    return FieldMap(target=target, **kwargs)


def _na_alias(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """``null_values`` (the old name) read as ``na_values``; both at once is an error."""
    if NA_ALIAS in entry:
        if "na_values" in entry:
            raise MappingError(
                f"{where}: has both na_values and null_values (its old name); keep na_values."
            )
        entry["na_values"] = entry.pop(NA_ALIAS)
    return entry


def _na_list(tokens: Any, where: str) -> tuple[str, ...]:
    """A checked list of missing-value tokens."""
    if tokens is None:
        return ()
    if not isinstance(tokens, list):
        raise MappingError(
            f'{where}.na_values must be a list, e.g. ["NULL", "N/A"], got {tokens!r}.'
        )
    if any(v is None for v in tokens):
        raise MappingError(
            f"{where}.na_values has an unquoted null (YAML reads NULL, null and ~ as "
            f"'nothing'): write the token in quotes exactly as the file has it, e.g. [\"NULL\"]."
        )
    return tuple(str(v) for v in tokens)


def _check_field(f: FieldMap, where: str) -> None:
    prefix = f"{where}: columns.{f.target}"
    if f.unit is not None and f.unit not in PAY_UNITS:
        raise MappingError(f"{prefix}: unit {f.unit!r} is not one of {', '.join(PAY_UNITS)}.")
    if f.basis is not None and f.basis not in PAY_BASES:
        raise MappingError(f"{prefix}: basis {f.basis!r} is not one of {', '.join(PAY_BASES)}.")
    if f.generate is not None and f.generate != "row_number":
        raise MappingError(f"{prefix}: generate must be 'row_number', got {f.generate!r}.")
    if f.derive is not None and (f.target, f.derive) != ("grade_rank", "median_pay"):
        raise MappingError(
            f"{prefix}: derive is only available as 'grade_rank: {{derive: median_pay}}'."
        )
    _check_number_format(f.decimal, f.thousands, prefix)
    if f.dayfirst is not None and not isinstance(f.dayfirst, bool):
        raise MappingError(f"{prefix}: dayfirst must be true or false, got {f.dayfirst!r}.")
    if f.default_na_values is not None and not isinstance(f.default_na_values, bool):
        raise MappingError(
            f"{prefix}: default_na_values must be true or false, got {f.default_na_values!r}."
        )
    if f.month_day is not None and f.from_file_name is None:
        raise MappingError(
            f"{prefix}: month_day completes a date read from the file name; use it with "
            f"from_file_name, e.g. {{from_file_name: '(\\d{{4}})', format: \"%Y\", "
            f'month_day: "03-31"}}.'
        )
    if f.from_file_name is not None:
        _check_file_name_date(f, prefix)
    if f.target == "working_pattern" and f.codes:
        bad = sorted(set(f.codes.values()) - set(WORKING_PATTERNS))
        if bad:
            raise MappingError(
                f"{prefix}: codes map to {bad}, but working patterns are "
                f"{', '.join(WORKING_PATTERNS)} (e.g. codes: {{FT: full_time, PT: part_time}})."
            )
    if f.target == "contract_type" and f.codes:
        bad = sorted(set(f.codes.values()) - set(CONTRACT_TYPES))
        if bad:
            raise MappingError(
                f"{prefix}: codes map to {bad}, but contract types are "
                f"{', '.join(CONTRACT_TYPES)} (e.g. codes: {{Perm: permanent, FTC: fixed_term}})."
            )
    if f.target == "sex" and f.codes:
        bad = sorted(set(f.codes.values()) - set(SEX_CODES))
        if bad:
            raise MappingError(
                f"{prefix}: codes map to {bad}, but canonical sex codes are "
                f"{', '.join(SEX_CODES)} (X = another recorded sex or gender, U = not recorded)."
            )
    if f.target == "ethnicity" and f.codes:
        bad = sorted(set(f.codes.values()) - set(ETHNICITY_VALUES))
        if bad:
            raise MappingError(
                f"{prefix}: codes map to {bad}, which are not ethnic group categories of the GSS "
                "harmonised standard for England and Wales (research/data/codes/ethnicity_gss.csv, "
                f"column category), broad groups ({', '.join(ETHNIC_BROAD_GROUPS)}) or "
                f"{' / '.join(NOT_STATED_CODES)}; e.g. codes: {{'White - British': 'English, "
                "Welsh, Scottish, Northern Irish or British', 'Asian - Indian': Indian}."
            )
    if f.target == "disability" and f.codes:
        bad = sorted(set(f.codes.values()) - set(DISABILITY_VALUES + NOT_STATED_CODES))
        if bad:
            raise MappingError(
                f"{prefix}: codes map to {bad}, but disability status is "
                f"{', '.join(DISABILITY_VALUES + NOT_STATED_CODES)} (Yes = disabled under the "
                "Equality Act 2010, self-reported); e.g. codes: {Y: 'Yes', N: 'No', "
                "Declined: Prefer not to say}."
            )


def _check_file_name_date(f: FieldMap, prefix: str) -> None:
    """``snapshot_date: {from_file_name: REGEX, format: ..., month_day: MM-DD}``."""
    try:
        pattern = re.compile(f.from_file_name or "")
    except re.error as err:
        raise MappingError(
            f"{prefix}: from_file_name {f.from_file_name!r} is not a regular expression ({err}). "
            "Write the part of the file name that holds the date in brackets, e.g. '(\\d{4})' "
            "(single quotes in YAML)."
        ) from None
    if pattern.groups > 1:
        raise MappingError(
            f"{prefix}: from_file_name {f.from_file_name!r} has {pattern.groups} groups in "
            "brackets; keep one, around the date (use (?:...) for other groups)."
        )
    if f.month_day is not None:
        match = _MONTH_DAY.match(f.month_day)
        if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
            raise MappingError(
                f'{prefix}: month_day must be "MM-DD" (e.g. "03-31" for 31 March), got '
                f"{f.month_day!r}."
            )
    elif f.format and not any(code in f.format for code in ("%d", "%j")):
        raise MappingError(
            f"{prefix}: format {f.format!r} gives no day, so the snapshot date is not known: "
            'add month_day, e.g. month_day: "03-31" for 31 March of that year.'
        )


def _check_number_format(decimal: Any, thousands: Any, prefix: str) -> None:
    if decimal is not None and decimal not in DECIMAL_MARKS:
        raise MappingError(f'{prefix}: decimal must be "." or ",", got {decimal!r}.')
    if thousands is not None and thousands not in THOUSANDS_SEPARATORS:
        raise MappingError(
            f'{prefix}: thousands must be one of ",", ".", " ", "\'" or "" (none), '
            f"got {thousands!r}."
        )
    if decimal is not None and thousands is not None and decimal == thousands:
        raise MappingError(f"{prefix}: decimal and thousands cannot both be {decimal!r}.")


def _check_source(source: dict[str, Any], where: str) -> None:
    bad_source = sorted(set(source) - SOURCE_KEYS)
    if bad_source:
        raise MappingError(
            f"{where}: source has unknown option(s) {bad_source}: use {sorted(SOURCE_KEYS)}."
        )
    _check_number_format(source.get("decimal"), source.get("thousands"), f"{where}: source")
    if "dayfirst" in source and not isinstance(source["dayfirst"], bool):
        raise MappingError(
            f"{where}: source.dayfirst must be true or false, got {source['dayfirst']!r}."
        )
    _na_alias(source, f"{where}: source")
    if "na_values" in source:
        source["na_values"] = list(_na_list(source["na_values"], f"{where}: source"))
    if "default_na_values" in source and not isinstance(source["default_na_values"], bool):
        raise MappingError(
            f"{where}: source.default_na_values must be true or false, got "
            f"{source['default_na_values']!r}."
        )


def _check_coverage(fields: dict[str, FieldMap], where: str) -> None:
    needs = {
        "employee_id": ("employee_id",),
        "employer": ("employer",),
        "snapshot_date": ("snapshot_date",),
        "sex": ("sex",),
        "occupation": ("occupation",),
        "pay": ("annual_basic_pay", "hourly_pay", "ordinary_pay_period"),
    }
    for label, options in needs.items():
        if not any(o in fields for o in options):
            raise MappingError(
                f"{where}: no entry for {label}. Add one of {', '.join(options)} under columns "
                f"(a source column, or a constant such as {{value: ...}})."
            )
    rank = fields.get("grade_rank")
    if rank is not None and (rank.order or rank.derive) and "grade" not in fields:
        raise MappingError(
            f"{where}: columns.grade_rank ranks the grades, so columns.grade must be mapped too "
            f"(e.g. grade: GRADE)."
        )
    if not ("weekly_hours" in fields or "fte" in fields):
        _check_annual_only(fields, where)
    if "ordinary_pay_period" in fields and "pay_period_days" not in fields:
        raise MappingError(
            f"{where}: ordinary_pay_period needs pay_period_days (the length of the pay period, "
            f"e.g. {{value: 31}} for March) to compute reg 6 hourly pay."
        )


def _check_annual_only(fields: dict[str, FieldMap], where: str) -> None:
    """Without weekly hours or FTE, pay must be annual (or monthly, weekly) basic pay."""
    fix = (
        "Map weekly_hours or fte if the extract has them; otherwise map the salary as "
        "annual_basic_pay: {column: SALARY, unit: annual, basis: fte} (or basis: actual), and "
        "pay is then compared as annual pay."
    )
    pay = fields.get("annual_basic_pay")
    if pay is None:
        given = "hourly_pay" if "hourly_pay" in fields else "ordinary_pay_period"
        raise MappingError(
            f"{where}: {given} needs weekly hours to become annual pay, and the mapping has "
            f"neither weekly_hours nor fte. {fix}"
        )
    if pay.unit == "hourly":
        raise MappingError(
            f"{where}: columns.annual_basic_pay has unit hourly, which needs weekly hours, and "
            f"the mapping has neither weekly_hours nor fte. {fix}"
        )
    for name in ("hourly_pay", "ordinary_pay_period"):
        if name in fields:
            raise MappingError(
                f"{where}: columns.{name} is an hourly measure, which needs weekly hours or FTE; "
                f"the mapping has neither. Leave {name} out (pay is compared as annual pay), or "
                "map weekly_hours or fte."
            )


def _files(value: Any, where: str) -> tuple[str, ...]:
    """``files:``: one glob pattern or a list of them."""
    patterns = [value] if isinstance(value, str) else value
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) and p.strip() for p in patterns)
    ):
        raise MappingError(
            f"{where}: files must be a file-name pattern or a list of them, e.g. files: "
            f'"payroll_*.csv", got {value!r}.'
        )
    return tuple(p.strip() for p in patterns)


def _jurisdiction(value: Any, where: str) -> str:
    if value is None or str(value).strip() == "":
        return ""
    text = str(value).strip()
    if not _JURISDICTION.match(text):
        raise MappingError(
            f"{where}: jurisdiction must be a country or region code such as GB, US or FR "
            f"(ISO 3166), got {value!r}."
        )
    return text.upper()


def mapping_from_dict(spec: dict[str, Any], *, path: Path | None = None) -> Mapping:
    """Build and validate a :class:`Mapping` from a parsed YAML document.

    Raises
    ------
    MappingError
        Unknown keys or canonical columns, missing essential entries, invalid units or codes.
    """
    where = str(path) if path else "mapping"
    if not isinstance(spec, dict):
        raise MappingError(f"{where}: a mapping file must be a YAML dictionary.")
    unknown = sorted(set(spec) - TOP_KEYS)
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {unknown}. Allowed: {sorted(TOP_KEYS)}.")
    columns = spec.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(f"{where}: 'columns' must list how canonical columns are filled.")
    fields: dict[str, FieldMap] = {}
    for target, entry in columns.items():
        if target not in MAPPABLE:
            raise MappingError(
                f"{where}: columns.{target} is not a canonical column.{_suggest(target, MAPPABLE)}"
                f" Canonical columns: {', '.join(ALL_COLUMN_NAMES)}; ingest-only inputs: "
                f"{', '.join(INPUT_ONLY_COLUMNS)}."
            )
        fields[target] = _field_from_entry(target, entry, where)
        _check_field(fields[target], where)
    _check_coverage(fields, where)
    if not isinstance(spec.get("source") or {}, dict):
        raise MappingError(f"{where}: source must be a dictionary of reading options.")
    source = dict(spec.get("source") or {})
    _check_source(source, where)
    return Mapping(
        name=str(spec.get("name") or (path.stem if path else "dataset")),
        fields=fields,
        description=str(spec.get("description", "")),
        currency=str(spec.get("currency", "GBP")).upper(),
        full_time_hours=float(spec.get("full_time_hours", DEFAULT_FULL_TIME_HOURS)),
        source=source,
        notes=str(spec.get("notes", "")),
        path=path,
        jurisdiction=_jurisdiction(spec.get("jurisdiction"), where),
        files=_files(spec["files"], where) if spec.get("files") is not None else (),
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a YAML column mapping.

    Parameters
    ----------
    path
        A YAML file, or the name of a mapping shipped with the package (e.g. ``"cincinnati"``).
    """
    from research.core.paths import mappings_dir

    candidate = Path(path)
    if not candidate.exists() and (mappings_dir() / f"{path}.yaml").exists():
        candidate = mappings_dir() / f"{path}.yaml"
    if not candidate.is_file():
        shipped = sorted(p.stem for p in mappings_dir().glob("*.yaml"))
        raise MappingError(
            f"Mapping file {str(path)!r} not found. Give the path of a YAML mapping "
            f"(see README 'Adding your own data') or a shipped mapping name: {', '.join(shipped)}."
        )
    try:
        spec = yaml.safe_load(candidate.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise MappingError(f"{candidate}: not valid YAML ({err}).") from err
    return mapping_from_dict(spec, path=candidate.resolve())
