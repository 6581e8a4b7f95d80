"""Read GOV.UK gender pay gap service downloads into one harmonised panel, cached as Parquet.

The gender pay gap reporting service (Government Equalities Office / Cabinet Office) publishes one
CSV per reporting year: one row per employer submission, with the service's own column names
(:data:`SERVICE_COLUMNS`). The files shipped in ``data/raw/gpg/`` differ from year to year, and
:func:`load_panel` irons the differences out:

* **Columns.** 2017-18 and 2018-19 have 25 columns (no ``EmployerId``, no ``PostCode``); later
  years have 27. Missing optional columns are added empty. Columns beyond the service's are
  dropped. ``ResponsiblePerson`` (a named individual) is read but never kept.
* **Dates.** Four spellings: ``dd/mm/yyyy hh:mm:ss`` (2017-18), ``dd/mm/yyyy hh:mm`` (2018-19,
  re-saved by a spreadsheet), ``yyyy/mm/dd hh:mm:ss`` (2019-20 to 2023-24) and
  ``dd-mm-yyyy hh:mm`` (2024-25); ISO ``yyyy-mm-dd`` is accepted too (:data:`DATE_FORMATS`). Each
  file's format is chosen as the one that parses every value of ``DueDate`` and
  ``DateSubmitted``; days always come before months (a UK service).
* **Booleans.** ``True``/``False``, ``TRUE``/``FALSE`` (and ``yes``/``no``, ``1``/``0``).
* **Company numbers.** A spreadsheet dropped leading zeros in 2018-19 (``226143`` for
  ``00226143``): all-digit numbers shorter than eight characters are padded back to eight.
* **Text.** Runs of whitespace and line breaks inside names and addresses become one space;
  ``SicCodes`` such as ``"1,\\n84110"`` become ``"1,84110"``.
* **Reporting year.** Read from each row's ``DueDate``: a deadline in calendar year *Y* belongs
  to reporting year *(Y-1)-(Y)*, e.g. 30 March or 4 April 2018 -> ``"2017-18"``, and the
  COVID-extended deadline of 5 October 2021 -> ``"2020-21"``. The snapshot date is a year
  before the deadline (31 March for public bodies, 5 April for private and voluntary ones).
* **Partial years.** A file whose name contains ``PARTIAL`` is an early copy of a year still
  being filed: its rows are kept with ``partial_year = True`` so that the council extract can be
  rebuilt, and analyses treat that year as missing (``research.gpg.benchmark.complete_years``).
  When a complete file for the same year is present the partial file is ignored.
* **Duplicate submissions.** When the same employer (same ``EmployerId``, or the same normalised
  name) submitted more than once for a year, every row is kept and all but the latest
  ``DateSubmitted`` get ``superseded = True`` (e.g. Stroud District Council, 2019-20).

A file that is not a service download gets :class:`GpgFormatError`, naming the missing columns.

Caching: the harmonised panel is written to ``data/processed/gpg_panel-<key>.parquet``, where the
key is a SHA-256 (:func:`research.core.hashing.sha256_json`) of the raw files' hashes, of this
module's source and of the shared vocabulary in :mod:`research.data.schema`, so it is rebuilt
automatically when a file is added or changed, or when the loader changes.

This module only reads and harmonises: which submissions are councils, their types and sectors
are the council benchmark's rules (:mod:`research.gpg.selection`, :mod:`research.gpg.sectors`).

Source: "Contains public sector information licensed under the Open Government Licence v3.0."
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from research.core.checks import InputError
from research.core.hashing import sha256_file, sha256_json
from research.core.paths import processed_dir
from research.data import schema
from research.data.gpg_files import default_paths
from research.data.readers import ReadError, read_table
from research.data.schema import GOV_UK_COLUMNS, normalise_employer_name

__all__ = [
    "BOOLEAN_COLUMNS",
    "DATE_FORMATS",
    "NUMERIC_COLUMNS",
    "SERVICE_COLUMNS",
    "SIZE_BANDS",
    "GpgFormatError",
    "default_paths",
    "harmonise",
    "load_panel",
    "panel_sources",
    "read_download",
    "year_label",
]

#: The 14 published figures (percentages), in the service's order (research.data.schema).
NUMERIC_COLUMNS: tuple[str, ...] = GOV_UK_COLUMNS

BOOLEAN_COLUMNS: tuple[str, ...] = ("SubmittedAfterTheDeadline",)
DATE_COLUMNS: tuple[str, ...] = ("DueDate", "DateSubmitted")
TEXT_COLUMNS: tuple[str, ...] = (
    "EmployerName",
    "Address",
    "PostCode",
    "CompanyLinkToGPGInfo",
    "CurrentName",
)

#: Columns every service download has (the 25-column layout of 2017-18 and 2018-19).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "EmployerName",
    "Address",
    "CompanyNumber",
    "SicCodes",
    *NUMERIC_COLUMNS,
    "CompanyLinkToGPGInfo",
    "ResponsiblePerson",
    "EmployerSize",
    "CurrentName",
    "SubmittedAfterTheDeadline",
    "DueDate",
    "DateSubmitted",
)

#: Columns added in 2019-20 (27-column layout); absent ones are added empty.
OPTIONAL_COLUMNS: tuple[str, ...] = ("EmployerId", "PostCode")

#: Every column of a service download, in the service's order (27-column layout).
SERVICE_COLUMNS: tuple[str, ...] = (
    "EmployerName",
    "EmployerId",
    "Address",
    "PostCode",
    *REQUIRED_COLUMNS[2:],
)

#: Columns read but never kept in the panel: a named person.
DROPPED_COLUMNS: tuple[str, ...] = ("ResponsiblePerson",)

#: Employer size bands of the service, smallest first ("Not Provided" last).
SIZE_BANDS: tuple[str, ...] = (
    "Less than 250",
    "250 to 499",
    "500 to 999",
    "1000 to 4999",
    "5000 to 19,999",
    "20,000 or more",
    "Not Provided",
)

#: Date spellings met in the downloads (day before month throughout), tried in this order.
DATE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d",
)

#: Text dtype of the panel: Arrow-backed, so that string methods run vectorised in pyarrow.
STRING = pd.StringDtype("pyarrow")
_STRING = STRING
# Whitespace spelled out (not \s) so that pandas runs the regex in pyarrow, not row by row.
_WS = "[ \t\r\n\f\v\xa0]"
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


_CACHE_PREFIX = "gpg_panel-"
_CACHE_KEEP = 3


class GpgFormatError(InputError):
    """A file is not a GOV.UK pay gap service download (the message names what is missing)."""


# ----------------------------------------------------------------------------- small helpers


def year_label(start: int | pd.Series) -> str | pd.Series:
    """``2017`` -> ``"2017-18"`` (works element-wise on an integer Series)."""
    if isinstance(start, pd.Series):
        start = start.astype("int64")
        return start.astype(_STRING) + "-" + ((start + 1) % 100).astype(_STRING).str.zfill(2)
    return f"{start}-{(start + 1) % 100:02d}"


def _squash(text: pd.Series) -> pd.Series:
    """Collapse runs of whitespace (line breaks included) into one space; empty -> NA."""
    out = text.astype(_STRING).str.replace(_WS + "+", " ", regex=True).str.strip()
    return out.mask(out == "")


def _sic_codes(text: pd.Series) -> pd.Series:
    """``"1,\\n84110"`` -> ``"1,84110"``: whitespace removed, empty items dropped."""
    out = text.astype(_STRING).str.replace(_WS + "+", "", regex=True)
    out = out.str.replace(r",{2,}", ",", regex=True).str.strip(",")
    return out.mask(out == "")


def _company_number(text: pd.Series) -> pd.Series:
    """Strip and upper-case; pad all-digit numbers shorter than 8 characters with zeros."""
    out = text.astype(_STRING).str.strip().str.upper()
    out = out.mask(out == "")
    short_digits = out.str.fullmatch(r"[0-9]{1,7}").fillna(False).astype(bool)
    return out.mask(short_digits, out.str.zfill(8))


def _numbers(text: pd.Series, column: str, problems: list[str]) -> pd.Series:
    """Numbers from text; ``"12.5%"`` and ``"1,234"`` are read too, anything else is kept empty."""
    cleaned = text.astype(_STRING).str.strip()
    cleaned = cleaned.mask(cleaned == "")
    try:  # fast path: pyarrow casts the whole column at once
        return cleaned.astype("float64")
    except (ValueError, TypeError, ArithmeticError):
        pass
    cleaned = cleaned.str.replace(r"[%, \t\r\n]", "", regex=True)
    values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = cleaned.notna() & values.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in cleaned[bad].unique()[:3])
        problems.append(
            f"{column}: {int(bad.sum())} value(s) are not numbers ({examples}); kept empty"
        )
    return values


def _booleans(text: pd.Series, column: str, problems: list[str]) -> pd.Series:
    lowered = text.astype(_STRING).str.strip().str.lower()
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[lowered.isin(_TRUE).fillna(False).astype(bool)] = True
    out[lowered.isin(_FALSE).fillna(False).astype(bool)] = False
    bad = lowered.notna() & (lowered != "") & out.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in lowered[bad].unique()[:3])
        problems.append(f"{column}: {int(bad.sum())} value(s) are not true/false ({examples})")
    return out


def describe_format(fmt: str) -> str:
    """A strptime format in words: ``"%d/%m/%Y %H:%M"`` -> ``"dd/mm/yyyy hh:mm"``."""
    words = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%H": "hh", "%M": "mm", "%S": "ss"}
    for code, word in words.items():
        fmt = fmt.replace(code, word)
    return fmt


def _date_format(values: pd.Series) -> str | None:
    """The first of :data:`DATE_FORMATS` that parses a sample of the values, else ``None``."""
    sample = values.dropna().drop_duplicates().head(200)
    if sample.empty:
        return DATE_FORMATS[0]
    for fmt in DATE_FORMATS:
        if pd.to_datetime(sample, format=fmt, errors="coerce").notna().all():
            return fmt
    return None


def _dates(frame: pd.DataFrame, problems: list[str]) -> tuple[pd.DataFrame, str]:
    """Parse ``DueDate`` and ``DateSubmitted`` with the file's own format (or value by value)."""
    text = {c: _squash(frame[c]) for c in DATE_COLUMNS}
    fmt = _date_format(pd.concat(text.values()))
    out, mixed = {}, fmt is None
    for column, values in text.items():
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        if fmt is not None:
            parsed = pd.to_datetime(values, format=fmt, errors="coerce").astype("datetime64[ns]")
        if (values.notna() & parsed.isna()).any():
            mixed = True
            for candidate in DATE_FORMATS:
                parsed = parsed.fillna(pd.to_datetime(values, format=candidate, errors="coerce"))
        bad = values.notna() & parsed.isna()
        if bad.any():
            examples = ", ".join(repr(v) for v in values[bad].unique()[:3])
            problems.append(f"{column}: {int(bad.sum())} date(s) not understood ({examples})")
        out[column] = parsed
    return pd.DataFrame(out, index=frame.index), "mixed" if mixed else describe_format(str(fmt))


def _size_band(text: pd.Series) -> pd.Series:
    """Employer size band as an ordered categorical of :data:`SIZE_BANDS`."""
    key = text.astype(_STRING).str.lower().str.replace(r"[ ,]", "", regex=True)
    lookup = {band.lower().replace(" ", "").replace(",", ""): band for band in SIZE_BANDS}
    bands = key.map(lookup).fillna("Not Provided")
    return pd.Series(pd.Categorical(bands, categories=SIZE_BANDS, ordered=True), index=text.index)


# ----------------------------------------------------------------------------- one file


def _check_columns(frame: pd.DataFrame, path: Path) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise GpgFormatError(
            f"{path.name} is not a GOV.UK gender pay gap service download: it lacks the "
            f"column(s) {', '.join(missing)}. A download has the columns "
            f"{', '.join(SERVICE_COLUMNS)} (EmployerId and PostCode only from 2019-20). Download "
            "the year again from https://gender-pay-gap.service.gov.uk/viewing/download, or pass "
            "only service downloads to load_panel(paths=...)."
        )


def _read_file(file: Path) -> pd.DataFrame:
    """Every cell as text: pandas' C reader for CSV (fast), :mod:`research.data.readers` otherwise."""
    if not file.name.lower().endswith((".csv", ".csv.gz", ".txt", ".txt.gz")):
        return read_table(file, header_row=0).frame
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(
                file, dtype=_STRING, keep_default_na=False, encoding=encoding, na_values=[""]
            )
        except UnicodeDecodeError:
            continue
        return frame.rename(columns=lambda c: str(c).strip().removeprefix("\ufeff"))
    return read_table(file, header_row=0).frame  # latin-1 and other oddities


def read_download(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, dict]:
    """Read one service download and harmonise it (see the module docstring).

    Returns
    -------
    frame : pandas.DataFrame
        The file's rows in the panel layout, before duplicate submissions are flagged.
    info : dict
        ``file``, ``rows``, ``columns`` (25 or 27), ``date_format``, ``reporting_years``,
        ``partial`` and ``problems`` (values that could not be read, kept empty).

    Raises
    ------
    GpgFormatError
        When a required column is missing or no row has a readable ``DueDate``.
    """
    file = Path(path)
    try:
        raw = _read_file(file)
    except (ReadError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise GpgFormatError(f"{file.name} could not be read as a service download: {err}") from err
    _check_columns(raw, file)
    frame, info = harmonise(raw, source_file=file.name)
    info["columns"] = int(sum(c in raw.columns for c in SERVICE_COLUMNS))
    return frame, info


def harmonise(raw: pd.DataFrame, source_file: str = "") -> tuple[pd.DataFrame, dict]:
    """Harmonise the rows of one download (text cells, service column names) into the panel.

    Returns the harmonised frame (columns in :data:`PANEL_COLUMNS` order, without ``source_row``
    and ``superseded``, which :func:`load_panel` adds) and a description of the file.
    """
    _check_columns(raw, Path(source_file or "data"))
    problems: list[str] = []
    raw = raw.reindex(columns=SERVICE_COLUMNS).astype(_STRING)
    dates, fmt = _dates(raw, problems)
    due_year = dates["DueDate"].dt.year
    if due_year.isna().all():
        raise GpgFormatError(
            f"{source_file or 'the data'} has no readable DueDate, so its reporting year is "
            "unknown."
        )
    start = (due_year.fillna(int(due_year.mode().iloc[0])) - 1).astype("int64")
    partial = "partial" in source_file.lower()
    text = {column: _squash(raw[column]) for column in TEXT_COLUMNS}
    columns = {
        "reporting_year": year_label(start).astype(_STRING),
        "year_start": start,
        "source_file": pd.Series(source_file, index=raw.index, dtype=_STRING),
        "partial_year": pd.Series(partial, index=raw.index, dtype=bool),
        "EmployerName": text["EmployerName"],
        "EmployerId": _numbers(raw["EmployerId"], "EmployerId", problems).round().astype("Int64"),
        "Address": text["Address"],
        "PostCode": text["PostCode"].str.upper(),
        "CompanyNumber": _company_number(raw["CompanyNumber"]),
        "SicCodes": _sic_codes(raw["SicCodes"]),
        **{column: _numbers(raw[column], column, problems) for column in NUMERIC_COLUMNS},
        "CompanyLinkToGPGInfo": text["CompanyLinkToGPGInfo"],
        "EmployerSize": _size_band(raw["EmployerSize"]),
        "CurrentName": text["CurrentName"],
        "SubmittedAfterTheDeadline": _booleans(
            raw["SubmittedAfterTheDeadline"], "SubmittedAfterTheDeadline", problems
        ),
        "DueDate": dates["DueDate"],
        "DateSubmitted": dates["DateSubmitted"],
        "name_key": normalise_employer_name(text["EmployerName"]),
    }
    out = pd.DataFrame(columns, index=raw.index)
    info = {
        "file": source_file,
        "rows": len(out),
        "date_format": fmt,
        "reporting_years": sorted(out["reporting_year"].dropna().unique().tolist()),
        "partial": partial,
        "problems": problems,
    }
    return out, info


# ----------------------------------------------------------------------------- the panel


def _resolve(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None) -> list[Path]:
    if paths is None:
        files = default_paths()
    elif isinstance(paths, str | os.PathLike):
        files = default_paths(paths) if Path(paths).is_dir() else [Path(paths)]
    else:
        files = [Path(p) for p in paths]
    if not files:
        raise InputError("No gender pay gap downloads found: pass load_panel(paths=[...]).")
    for file in files:
        if not file.is_file():
            raise InputError(f"Gender pay gap download {file} not found; check the path.")
    return files


def _cache_key(hashes: list[tuple[str, str]]) -> str:
    code = [sha256_file(__file__), sha256_file(schema.__file__)]
    return sha256_json({"files": sorted(hashes), "code": code, "pandas": pd.__version__})[:16]


def _flag_superseded(panel: pd.DataFrame) -> pd.Series:
    """True for all but the latest submission of an employer in a reporting year."""
    order = panel.sort_values(["DateSubmitted", "source_row"], na_position="first")
    by_id = order["EmployerId"].notna() & order.duplicated(
        ["reporting_year", "EmployerId"], keep="last"
    )
    by_name = order.duplicated(["reporting_year", "name_key"], keep="last")
    return (by_id | by_name).reindex(panel.index)


def _build(files: list[Path], hashes: list[tuple[str, str]]) -> tuple[pd.DataFrame, list[dict]]:
    frames, infos, seen = [], [], {}
    for file, (_, sha) in zip(files, hashes, strict=True):
        if sha in seen:
            infos.append({"file": file.name, "sha256": sha, "skipped": f"same as {seen[sha]}"})
            continue
        seen[sha] = file.name
        frame, info = read_download(file)
        frames.append(frame)
        infos.append({**info, "sha256": sha})
    panel = pd.concat(frames, ignore_index=True)
    complete = set(panel.loc[~panel["partial_year"], "reporting_year"])
    dropped = panel["partial_year"] & panel["reporting_year"].isin(complete)
    for info in infos:
        n = int((dropped & (panel["source_file"] == info["file"])).sum())
        if n:
            info["skipped"] = f"{n} rows dropped: a complete file for the year is present"
    panel = panel.loc[~dropped].reset_index(drop=True)
    panel.insert(3, "source_row", panel.groupby("source_file").cumcount().astype("int64"))
    panel["superseded"] = _flag_superseded(panel)
    panel = panel.sort_values(["year_start", "name_key", "DateSubmitted"], kind="stable")
    return panel.reset_index(drop=True), infos


def _write_atomically(panel: pd.DataFrame, infos: list[dict], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    panel.to_parquet(tmp, index=False)
    os.replace(tmp, target)
    sidecar = target.with_suffix(".json")
    tmp = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"sources": infos}, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, sidecar)
    stale = sorted(
        (p for p in target.parent.glob(f"{_CACHE_PREFIX}*.parquet") if p != target),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in stale[_CACHE_KEEP - 1 :]:
        for path in (old, old.with_suffix(".json")):
            path.unlink(missing_ok=True)


def load_panel(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    cache: bool | str | os.PathLike[str] = True,
) -> pd.DataFrame:
    """Every GOV.UK gender pay gap download as one harmonised table, one row per submission.

    Parameters
    ----------
    paths
        Download files, or a folder of them. Default: every ``.csv``/``.csv.gz`` in
        ``data/raw/gpg`` except the derived ``gpg_local_authorities`` extract, so a download you
        add there is picked up.
    cache
        ``True``: read and write the Parquet cache in ``data/processed``; a folder: use that
        folder instead; ``False``: always read the raw files.

    Returns
    -------
    pandas.DataFrame
        The service's columns (``ResponsiblePerson`` dropped) with proper types: the 14 figures
        as floats, ``EmployerId`` as nullable integer, ``EmployerSize`` as an ordered category,
        ``SubmittedAfterTheDeadline`` as nullable boolean, ``DueDate``/``DateSubmitted`` as
        datetimes; plus ``reporting_year`` (``"2017-18"``), ``year_start`` (2017),
        ``source_file``, ``source_row`` (0-based data row in the file), ``partial_year``,
        ``name_key`` (:func:`research.data.schema.normalise_employer_name`) and ``superseded``. ``panel.attrs["sources"]``
        describes each file read (see :func:`panel_sources`); ``panel.attrs["cache"]`` is
        ``"hit"`` when the Parquet cache was read, ``"built"`` when the raw files were.

    Raises
    ------
    GpgFormatError
        When a file is not a service download (the message names the missing columns).
    """
    files = _resolve(paths)
    hashes = [(file.name, sha256_file(file)) for file in files]
    target = None
    if cache is not False:
        folder = processed_dir() if cache is True else Path(cache)
        target = folder / f"{_CACHE_PREFIX}{_cache_key(hashes)}.parquet"
        if target.exists():
            try:
                panel = pd.read_parquet(target)
                infos = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
                panel.attrs.update(sources=infos["sources"], cache="hit")
                return panel
            except (OSError, ValueError, KeyError):
                pass  # a cache being replaced or damaged: rebuild it
    panel, infos = _build(files, hashes)
    if target is not None:
        _write_atomically(panel, infos, target)
    panel.attrs.update(sources=infos, cache="built")
    return panel


def panel_sources(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per file read: rows, columns, date format, years, partial flag, SHA-256, notes."""
    infos = panel.attrs.get("sources", [])
    table = pd.DataFrame(infos)
    if table.empty:
        return table
    table["reporting_years"] = table["reporting_years"].map(
        lambda v: ", ".join(v) if isinstance(v, list) else ""
    )
    table["problems"] = table["problems"].map(lambda v: "; ".join(v) if isinstance(v, list) else "")
    if "skipped" not in table:
        table["skipped"] = ""
    return table.fillna({"skipped": ""})
