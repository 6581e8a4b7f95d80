"""Read an HR extract of any common file format into a raw DataFrame.

This is the first step of ingest: the file is read as it is, before any column mapping. Nothing
about the meaning of a column is guessed here.

* Text files (``.csv``, ``.tsv``, ``.txt`` and their ``.gz`` versions) are read with every column as
  pandas ``"string"`` dtype, so codes such as ``"007"`` keep their leading zeros and amounts such as
  ``"71,296.74"`` stay exactly as written. Empty cells are ``<NA>``.
* Excel workbooks keep the cell types stored in the workbook (numbers, dates, text).
* Parquet, SPSS and Stata files keep their stored types; SPSS and Stata value labels are applied, so
  a ``sex`` variable coded 1/2 with labels comes back as ``"Male"``/``"Female"``.

Header detection (csv and Excel, ``header_row="auto"``)
------------------------------------------------------
Exports often have a title and notes above the real header. The header is the first row, among the
first :data:`HEADER_SEARCH_ROWS` rows, where

1. at least 80% of the non-empty cells are text labels (strings that do not read as a number
   such as ``"2025"`` or ``"£1,200"``) and at least half of them are distinct (so a header with
   an accidental duplicate is still found, and then reported as a duplicate), and
2. the number of non-empty cells is at least the 80th percentile of the widths of the non-empty
   rows below it (up to 200 of them), so a one-cell title above a wide table is never chosen.

Row numbers (``header_row``) are 0-based positions in the file: a record of a csv file (a quoted
field with a line break stays one record) or a row of the worksheet (Excel row 3 is ``2``).
Fully empty rows, and empty columns without a header, are dropped from the result.

Examples
--------
>>> table = read_table("data/raw/cincinnati/cincinnati_employees_2020_noname.csv")  # doctest: +SKIP
>>> table.format, table.encoding, table.n_rows  # doctest: +SKIP
('csv', 'utf-8', 6304)
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyreadstat

#: Encodings tried, in order, when ``encoding="auto"``. latin-1 decodes any byte sequence.
AUTO_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

#: Delimiters considered when the delimiter of a text file is sniffed.
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")

#: How many rows from the top of a sheet or file may hold the header when it is detected.
HEADER_SEARCH_ROWS = 50

_ROWS_BELOW_HEADER = 200
_SNIFF_CHARS = 64_000
_SNIFF_RECORDS = 50
_BOM = "\ufeff"

HeaderRow = int | Literal["auto"]


class ReadError(ValueError):
    """An HR extract could not be read; the message says what went wrong and how to fix it."""


@dataclass(frozen=True, eq=False)
class RawTable:
    """A file read into a DataFrame, before any column mapping.

    Attributes
    ----------
    frame : pandas.DataFrame
        The data, one row per data row of the file, with stripped, unique column names.
    path : pathlib.Path
        Absolute path of the file read.
    format : str
        One of ``"csv"``, ``"excel"``, ``"parquet"``, ``"spss"``, ``"stata"``.
    encoding : str or None
        Text encoding used (``"utf-8"``, ``"utf-8-sig"`` when a byte order mark was present,
        ``"cp1252"``, ``"latin-1"`` or the one given); None for binary formats.
    header_row : int or None
        0-based row of the header in the file for csv and Excel; None for other formats.
    n_rows : int
        Number of data rows in ``frame``.
    """

    frame: pd.DataFrame
    path: Path
    format: str
    encoding: str | None
    header_row: int | None
    n_rows: int


@dataclass(frozen=True)
class _Options:
    """The reading options given to :func:`read_table`."""

    encoding: str
    sheet: str | int | None
    header_row: HeaderRow
    delimiter: str | None


# A reader returns the frame, the encoding used and the header row used.
_Result = tuple[pd.DataFrame, str | None, int | None]


# --------------------------------------------------------------------------------------------------
# Text files
# --------------------------------------------------------------------------------------------------


def _read_csv(path: Path, options: _Options) -> _Result:
    """Read a delimited text file, every column as ``"string"``."""
    text, encoding = _decode(_read_bytes(path), options.encoding, path)
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise ReadError(f"{path} is empty; export the table again with its header row.")
    delimiter = options.delimiter or _sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    grid = pd.DataFrame(padded, dtype="string").replace("", pd.NA)
    frame, header_row = _frame_from_grid(grid, options.header_row, str(path))
    return frame, encoding, header_row


def _read_bytes(path: Path) -> bytes:
    """Return the bytes of ``path``, decompressing ``.gz`` files."""
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path) as handle:
                return handle.read()
        except (gzip.BadGzipFile, EOFError) as exc:
            raise ReadError(
                f"{path} is not a valid gzip file ({exc}); decompress it or re-export it."
            ) from exc
    return path.read_bytes()


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A multi-byte UTF-8 sequence (2 to 4 bytes), as bytes: its presence in a file that is not valid
# UTF-8 as a whole means the file mixes UTF-8 with another encoding.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _line_of(data: bytes, position: int) -> int:
    """1-based line of the file holding byte ``position``."""
    return data.count(b"\n", 0, position) + 1


def _decode(data: bytes, encoding: str, path: Path) -> tuple[str, str]:
    """Decode ``data`` and return the text with the name of the encoding used.

    With ``encoding="auto"`` the encodings of :data:`AUTO_ENCODINGS` are tried in order. UTF-8 is
    reported as ``"utf-8-sig"`` when the file starts with a byte order mark, else ``"utf-8"``.
    Nothing is reinterpreted silently: under ``"auto"`` a UTF-16 file, and a file that holds UTF-8
    characters but is not UTF-8 throughout (e.g. one line pasted from a cp1252 file), are errors
    that name the line and the option to set; a given encoding that fails names the first bad line.
    """
    if encoding == "auto":
        _refuse_unclear_encoding(data, path)
    tried = AUTO_ENCODINGS if encoding == "auto" else (encoding,)
    first_error: UnicodeDecodeError | None = None
    for candidate in tried:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        except LookupError as exc:
            raise ReadError(
                f"unknown encoding {candidate!r}; set encoding (mapping: source.encoding) to e.g. "
                "'utf-8', 'cp1252' or 'utf-16'."
            ) from exc
        if candidate == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            candidate = "utf-8"
        return text, candidate
    where = f" (first at line {_line_of(data, first_error.start)})" if first_error else ""
    raise ReadError(
        f"{path} could not be decoded with the encoding(s) tried: {', '.join(tried)}{where}. "
        "Set the file's encoding (mapping: source.encoding), e.g. encoding='cp1252' or "
        "encoding='latin-1', or encoding='auto' to try several; or re-save the file as UTF-8."
    )


def _refuse_unclear_encoding(data: bytes, path: Path) -> None:
    """Raise for a UTF-16 file or a file mixing UTF-8 with another encoding (``encoding="auto"``)."""
    if data.startswith(_UTF16_BOMS) or b"\x00" in data[:_SNIFF_CHARS]:
        kind = (
            "starts with a UTF-16 byte order mark"
            if data.startswith(_UTF16_BOMS)
            else ("holds NUL bytes (UTF-16 text without a byte order mark, or not a text file)")
        )
        raise ReadError(
            f"{path} {kind}: it is not read as UTF-8 or cp1252. Set encoding: utf-16 under "
            "source in the mapping (encoding='utf-16' in read_table; 'utf-16-le' without a byte "
            "order mark), or re-save the file as CSV UTF-8."
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            raise ReadError(
                f"{path} mixes encodings: it holds UTF-8 characters, but line "
                f"{_line_of(data, exc.start)} is not UTF-8 (e.g. a line pasted from a cp1252 "
                "file), so no one encoding reads it correctly. Re-save the file in one encoding "
                "(CSV UTF-8), or, if the file is really in one encoding, set it: encoding under "
                "source in the mapping (e.g. encoding: cp1252)."
            ) from exc


def _sniff_delimiter(text: str) -> str:
    """Guess the delimiter of a text table from its first records.

    Each candidate splits the first records; the winner gives the most records with the same
    number of fields (more than one), ties going to more fields, then to the order of
    :data:`CANDIDATE_DELIMITERS`. A file where no candidate splits anything is taken as comma
    separated.
    """
    sample = text[:_SNIFF_CHARS]
    best, best_score = ",", (0, 0)
    for delimiter in CANDIDATE_DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        records = list(islice(reader, _SNIFF_RECORDS + 1))
        if len(sample) < len(text):
            records = records[:-1]  # the last record may be cut off by the sample
        widths = Counter(len(record) for record in records if record)
        if not widths:
            continue
        fields, count = widths.most_common(1)[0]
        score = (count, fields)
        if fields > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


# --------------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------------


def _read_excel(path: Path, options: _Options) -> _Result:
    """Read one worksheet of an Excel workbook."""
    if path.suffix.lower() == ".xls" and not _xls_engine_available():
        raise ReadError(
            f"{path} is an old-style .xls workbook, which needs the 'xlrd' package; install it "
            "or save the workbook as .xlsx."
        )
    with pd.ExcelFile(path) as workbook:
        sheet_name = _sheet_name(workbook.sheet_names, options.sheet, path)
        grid = pd.read_excel(workbook, sheet_name=sheet_name, header=None, dtype=object)
    frame, header_row = _frame_from_grid(
        grid, options.header_row, f"sheet {sheet_name!r} of {path}"
    )
    return frame.infer_objects(), None, header_row


def _sheet_name(names: list[str], sheet: str | int | None, path: Path) -> str:
    """Return the name of the requested sheet, raising when it does not exist."""
    available = ", ".join(repr(name) for name in names)
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise ReadError(
            f"sheet index {sheet} is out of range: {path.name} has {len(names)} sheet(s): "
            f"{available}. Pass sheet= a name or an index from 0 to {len(names) - 1}."
        )
    if sheet in names:
        return sheet
    raise ReadError(f"sheet {sheet!r} not found in {path.name}; available sheets: {available}.")


def _xls_engine_available() -> bool:
    """Return True when an engine for old-style ``.xls`` workbooks is installed."""
    return importlib.util.find_spec("xlrd") is not None


# --------------------------------------------------------------------------------------------------
# Binary formats
# --------------------------------------------------------------------------------------------------


def _read_parquet(path: Path, options: _Options) -> _Result:
    """Read a Parquet file."""
    return pd.read_parquet(path), None, None


def _read_spss(path: Path, options: _Options) -> _Result:
    """Read an SPSS ``.sav``/``.zsav`` file with its value labels applied."""
    frame, _meta = pyreadstat.read_sav(path, apply_value_formats=True)
    return frame, None, None


def _read_stata(path: Path, options: _Options) -> _Result:
    """Read a Stata ``.dta`` file with its value labels applied."""
    frame, _meta = pyreadstat.read_dta(path, apply_value_formats=True)
    return frame, None, None


# --------------------------------------------------------------------------------------------------
# Header detection and column names
# --------------------------------------------------------------------------------------------------


def _frame_from_grid(
    grid: pd.DataFrame, header_row: HeaderRow, where: str
) -> tuple[pd.DataFrame, int]:
    """Split a header-less grid of cells into a header and a data frame.

    Parameters
    ----------
    grid : pandas.DataFrame
        All rows of the file or sheet, with positional column labels and blank cells as NA.
    header_row : int or "auto"
        0-based row of the header, or ``"auto"`` to detect it (see the module docstring).
    where : str
        Description of the file or sheet, for error messages.

    Returns
    -------
    frame : pandas.DataFrame
        The rows below the header, fully empty rows and unnamed empty columns dropped.
    header_row : int
        The header row used.
    """
    rows = grid.to_numpy(dtype=object)
    if not grid.notna().any(axis=None):
        raise ReadError(f"{where} is empty; export the table again with its header row.")
    if header_row == "auto":
        header_row = _detect_header_row(rows, where)
    elif not 0 <= header_row < len(rows):
        raise ReadError(
            f"header_row={header_row} is beyond the end of {where}, which has {len(rows)} "
            f"row(s) (0-based rows 0 to {len(rows) - 1}). Pass a smaller header_row, "
            "or header_row='auto'."
        )
    labels = rows[header_row]
    body = grid.iloc[header_row + 1 :].copy()
    body.columns = [_column_name(label, position) for position, label in enumerate(labels)]
    keep = [not _is_blank(label) or body.iloc[:, i].notna().any() for i, label in enumerate(labels)]
    body = body.loc[:, keep].dropna(how="all").reset_index(drop=True)
    return body, header_row


def _detect_header_row(rows: np.ndarray, where: str) -> int:
    """Return the first row that looks like a header (rule in the module docstring)."""
    # Only the rows the rule looks at: the search window and the rows below its last candidate.
    window = rows[: HEADER_SEARCH_ROWS + _ROWS_BELOW_HEADER]
    widths = [sum(not _is_blank(value) for value in row) for row in window]
    for i in range(min(HEADER_SEARCH_ROWS, len(rows))):
        filled = [value for value in rows[i] if not _is_blank(value)]
        if not filled:
            continue
        labels = [value.strip() for value in filled if _is_label(value)]
        mostly_labels = len(labels) >= 0.8 * len(filled) and len(set(labels)) >= 0.5 * len(filled)
        below = [width for width in widths[i + 1 : i + 1 + _ROWS_BELOW_HEADER] if width]
        wide_enough = not below or len(filled) >= np.percentile(below, 80)
        if mostly_labels and wide_enough:
            return i
    raise ReadError(
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows of {where} (a header is a "
        "row of text labels with at least as many filled cells as most rows below it). "
        "Pass header_row= the 0-based row that holds the column names."
    )


def _is_blank(value: object) -> bool:
    """Return True for a missing value or a string of only whitespace."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _is_label(value: object) -> bool:
    """Return True for text that does not read as a number (``"2025"``, ``"£1,200"``, ``"5%"``)."""
    if not isinstance(value, str):
        return False
    bare = value.strip().replace(",", "").lstrip("£$€").rstrip("%")
    try:
        float(bare)
    except ValueError:
        return True
    return False


def _column_name(label: object, position: int) -> str:
    """Return a column name from a header cell; blank cells get ``"Unnamed: <position>"``."""
    if _is_blank(label):
        return f"Unnamed: {position}"
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    return str(label)


def _clean_columns(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Strip whitespace and byte order marks from column names; reject duplicates."""
    names = [str(name).strip().removeprefix(_BOM).strip() for name in frame.columns]
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ReadError(
            f"{path} has duplicate column names {duplicates} (after stripping whitespace). "
            "Rename the columns in the file so each name is unique."
        )
    return frame.set_axis(names, axis="columns")


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------

_Reader = Callable[[Path, _Options], _Result]

#: File suffix -> (format name, reader).
_READERS: dict[str, tuple[str, _Reader]] = {
    ".csv": ("csv", _read_csv),
    ".tsv": ("csv", _read_csv),
    ".txt": ("csv", _read_csv),
    ".csv.gz": ("csv", _read_csv),
    ".tsv.gz": ("csv", _read_csv),
    ".txt.gz": ("csv", _read_csv),
    ".xlsx": ("excel", _read_excel),
    ".xlsm": ("excel", _read_excel),
    ".xls": ("excel", _read_excel),
    ".parquet": ("parquet", _read_parquet),
    ".pq": ("parquet", _read_parquet),
    ".sav": ("spss", _read_spss),
    ".zsav": ("spss", _read_spss),
    ".dta": ("stata", _read_stata),
}


def supported_suffixes() -> tuple[str, ...]:
    """Return the file suffixes :func:`read_table` can read.

    Returns
    -------
    tuple of str
        Lower-case suffixes such as ``".csv"`` and ``".csv.gz"``. ``".xls"`` is listed only when
        an engine for old-style workbooks (``xlrd``) is installed.
    """
    return tuple(suffix for suffix in _READERS if suffix != ".xls" or _xls_engine_available())


def _suffix(path: Path) -> str:
    """Return the lower-case suffix of ``path``, including ``.gz`` for compressed text."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        return "".join(suffixes[-2:])
    return suffixes[-1] if suffixes else ""


def _check_options(fmt: str, options: _Options) -> None:
    """Raise when an option was given that has no meaning for the file's format."""
    misplaced = []
    if options.encoding != "auto" and fmt != "csv":
        misplaced.append("encoding")
    if options.delimiter is not None and fmt != "csv":
        misplaced.append("delimiter")
    if options.sheet is not None and fmt != "excel":
        misplaced.append("sheet")
    if options.header_row != "auto" and fmt not in ("csv", "excel"):
        misplaced.append("header_row")
    if misplaced:
        raise ReadError(
            f"option(s) {', '.join(misplaced)} do not apply to {fmt} files; leave them out."
        )
    if options.delimiter is not None and len(options.delimiter) != 1:
        raise ReadError(f"delimiter must be one character, got {options.delimiter!r}.")


def read_table(
    path: str | os.PathLike[str],
    *,
    encoding: str = "auto",
    sheet: str | int | None = None,
    header_row: HeaderRow = "auto",
    delimiter: str | None = None,
) -> RawTable:
    """Read an HR extract into a raw DataFrame, before any column mapping.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Its suffix chooses the format; see :func:`supported_suffixes`.
    encoding : str, default "auto"
        Text files only. ``"auto"`` tries UTF-8 (with or without byte order mark), then cp1252,
        then latin-1, and refuses a UTF-16 file or one that mixes UTF-8 with another encoding;
        any other value (e.g. ``"utf-16"``) is used as given.
    sheet : str or int, optional
        Excel only: the worksheet's name or 0-based index. Default the first sheet.
    header_row : int or "auto", default "auto"
        Text and Excel only: the 0-based row holding the column names, or ``"auto"`` to detect
        it when title or notes rows sit above it (rule in the module docstring).
    delimiter : str, optional
        Text files only: the field delimiter. Default: sniffed among comma, semicolon, tab and
        pipe.

    Returns
    -------
    RawTable
        The frame with the format, encoding and header row used.

    Raises
    ------
    ReadError
        When the file is missing, has an unsupported suffix, is empty, has no detectable header,
        cannot be decoded, has duplicate column names, or an option does not fit the file.
    """
    file = Path(path).absolute()
    if not file.exists():
        raise ReadError(f"file not found: {file}. Check the path and the working directory.")
    if not file.is_file():
        raise ReadError(f"{file} is not a file; pass the path of the extract itself.")
    suffix = _suffix(file)
    if suffix not in _READERS:
        raise ReadError(
            f"unsupported file suffix {suffix or '(none)'!r} for {file.name}; supported suffixes: "
            f"{', '.join(supported_suffixes())}. Save the extract in one of these formats."
        )
    fmt, reader = _READERS[suffix]
    options = _Options(encoding=encoding, sheet=sheet, header_row=header_row, delimiter=delimiter)
    _check_options(fmt, options)
    frame, used_encoding, used_header = reader(file, options)
    frame = _clean_columns(frame, file)
    return RawTable(
        frame=frame,
        path=file,
        format=fmt,
        encoding=used_encoding,
        header_row=used_header,
        n_rows=len(frame),
    )
