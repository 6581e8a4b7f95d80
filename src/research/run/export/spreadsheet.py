"""One spreadsheet per report, as the Government Analysis Function asks statistics to be released.

:func:`write_spreadsheet` turns what a run published (``publication.json``, written by
:func:`research.present.show.show`, and the CSV files in ``tables/``) into ``<run>/report.xlsx``
and ``<run>/tables/_notes.csv``, following "Releasing statistics in spreadsheets"
(https://analysisfunction.civilservice.gov.uk/policy-store/releasing-statistics-in-spreadsheets/)
and "Symbols in tables, definitions and help"
(https://analysisfunction.civilservice.gov.uk/policy-store/symbols-in-tables-definitions-and-help/):

- a **Cover** sheet (title, what the spreadsheet is, organisation, period, source, contact when
  the run names one, when and how it was produced), a **Contents** sheet (each table: sheet name
  with a link to it, caption, CSV file) and a **Notes** sheet (the shorthand used, disclosure
  control and its threshold, rounding), then **one table per sheet**;
- every sheet starts in cell A1 with its title; the lines above a table (what the sheet holds,
  the table's own notes, the shorthand it uses, the source) are one cell each in column A, so a
  screen reader meets them before the table; no merged cells, no blank rows or columns used for
  layout, nothing hidden, no freeze panes, no filter buttons, no fills or colour;
- each table is marked up as an Excel table (``openpyxl`` :class:`~openpyxl.worksheet.table.
  Table`, named after the CSV) with one header row of human labels (units in round brackets);
- numbers are stored as numbers, with number formats (thousands separators, the declared
  decimals, the currency); a cell without a number holds the shorthand ``[c]`` (confidential)
  or ``[x]`` (not available), right-aligned, and the sheet says so above the table; text is
  neutralised against formula injection (OWASP), as in the CSV files;
- document properties (title, author, keywords, language) are filled in; fonts are 12 point.

The values are the CSV files' values: a table's sheet and its CSV hold the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from research.core.safe_csv import neutralise_formula, write_csv
from research.present.disclosure import DEFAULT_MIN_CELL
from research.present.formats import CURRENCY_SIGNS
from research.present.report import SPREADSHEET_FILE
from research.present.show import (
    CONFIDENTIAL,
    DECIMALS,
    NOT_AVAILABLE,
    SYMBOLS,
    read_publication,
)

NOTES_CSV = "_notes.csv"
"""Notes beside the CSV files (``tables/_notes.csv``): shorthand, rounding, and one row per
column of every table. Its name cannot be a table's (table names start with a letter or digit)."""

FONT = "Arial"
SIZE = 12
BODY = Font(name=FONT, size=SIZE)
BOLD = Font(name=FONT, size=SIZE, bold=True)
TITLE = Font(name=FONT, size=16, bold=True)
HEADING = Font(name=FONT, size=14, bold=True)
LINK = Font(name=FONT, size=SIZE, underline="single", color="0B0C0C")
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right", vertical="top", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

ROUNDING = {
    "int": "counts to whole numbers",
    "pct": "percentages to 1 decimal place",
    "money": "money to whole pounds (dollars, euros)",
    "money2": "money to pence (cents)",
    "float1": "other figures to 1 decimal place",
    "float2": "other figures to 2 decimal places",
    "float3": "other figures to 3 decimal places",
}

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


# ----------------------------------------------------------------------------- reading


def _tables(run_dir: Path) -> list[dict[str, Any]]:
    """Published tables with their CSV values (``values``), in the order the report shows them."""
    tables = []
    for record in read_publication(run_dir)["tables"]:
        path = run_dir / "tables" / f"{record['name']}.csv"
        if not path.is_file():
            continue
        values = pd.read_csv(path, dtype=str, keep_default_na=False)
        tables.append({**record, "values": values})
    return tables


def _number(text: str, kind: str) -> Any:
    """A CSV cell of a numeric column as a number; shorthand and anything else stay text."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(round(number)) if kind == "int" else number


def _number_format(kind: str, currency: str) -> str:
    digits = DECIMALS[kind]
    base = "#,##0" + ("." + "0" * digits if digits else "")
    if kind in ("money", "money2"):
        sign = CURRENCY_SIGNS.get(currency, currency + " ")
        return f'"{sign}"{base};-"{sign}"{base}'
    return base


# ----------------------------------------------------------------------------- writing helpers


def _clean(value: Any) -> str:
    """Text as a cell holds it: neutralised against formulas, without the control characters
    that XLSX cannot store (a tab or a bell in an HR job title)."""
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise_formula("" if value is None else str(value)))


def _text(ws, row: int, column: int, value: Any, font: Font = BODY, align: Alignment = WRAP):
    """A text cell: neutralised and stored as a string (never a formula)."""
    cell = ws.cell(row=row, column=column)
    cell.value = _clean(value)
    cell.data_type = "s"
    cell.font = font
    cell.alignment = align
    return cell


def _lines(ws, lines: list[tuple[str, Font]], start: int = 1) -> int:
    """Write ``(text, font)`` lines down column A from ``start``; returns the next free row."""
    row = start
    for text, font in lines:
        _text(ws, row, 1, text, font, Alignment(vertical="top"))
        row += 1
    return row


def _table_name(name: str, used: set[str]) -> str:
    """An Excel table name (letters, digits, ``_``; not a cell reference), unique."""
    base = "table_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
    candidate, k = base[:250], 2
    while candidate.lower() in used:
        candidate, k = f"{base[:245]}_{k}", k + 1
    used.add(candidate.lower())
    return candidate


def _sheet_name(text: str, used: set[str]) -> str:
    """A worksheet name: meaningful, at most 31 characters, unique, no forbidden characters."""
    base = _SHEET_FORBIDDEN.sub(" ", text).strip()[:31].strip() or "Table"
    candidate, k = base, 2
    while candidate.lower() in used:
        suffix = f" {k}"
        candidate, k = base[: 31 - len(suffix)].strip() + suffix, k + 1
    used.add(candidate.lower())
    return candidate


def _headers(columns: list[Mapping[str, Any]]) -> list[str]:
    """Column headers: the label, with the unit in round brackets when the label lacks it."""
    headers: list[str] = []
    for column in columns:
        label = str(column.get("label") or column["key"]).strip()
        unit = str(column.get("unit") or "").strip()
        if unit and unit.lower() not in label.lower():
            label = f"{label} ({unit})"
        label = _clean(label)
        header, k = label, 2
        while header.lower() in (h.lower() for h in headers):  # Excel compares without case
            header, k = f"{label} {k}", k + 1
        headers.append(header)
    return headers


def _add_table(ws, name: str, header_row: int, headers: list[str], n_rows: int) -> None:
    """Mark cells as an Excel table: one header row, plain style, no filter buttons."""
    last = get_column_letter(len(headers))
    ref = f"A{header_row}:{last}{header_row + max(n_rows, 1)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleLight1", showRowStripes=False, showColumnStripes=False
    )
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, start=1)]
    ws.add_table(table)  # autoFilter stays None: no filter buttons hiding data


def _widths(ws, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(60, width + 2))


def _grid(
    ws,
    header_row: int,
    headers: list[str],
    rows: list[list[Any]],
    *,
    numeric: list[bool],
    formats: list[str | None],
    row_header: int | None = None,
    name: str,
) -> None:
    """Header row and data rows from ``header_row`` down, marked up as table ``name``."""
    widths = [len(h) for h in headers]
    for j, header in enumerate(headers, start=1):
        _text(ws, header_row, j, header, BOLD, RIGHT if numeric[j - 1] else LEFT)
    for i, values in enumerate(rows, start=header_row + 1):
        for j, value in enumerate(values, start=1):
            if numeric[j - 1] and not isinstance(value, str):
                cell = ws.cell(row=i, column=j, value=value)
                cell.number_format = formats[j - 1] or "General"
                cell.font, cell.alignment = BODY, RIGHT
                shown = len(f"{value:,.{3 if isinstance(value, float) else 0}f}")
            elif numeric[j - 1]:
                _text(ws, i, j, value, BODY, RIGHT)
                shown = len(value)
            else:
                font = BOLD if row_header == j - 1 else BODY
                link = value if isinstance(value, tuple) else None
                if link:
                    value, target = link
                    cell = _text(ws, i, j, value, LINK, LEFT)
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target)
                else:
                    _text(ws, i, j, value, font, LEFT)
                shown = len(str(value))
            widths[j - 1] = max(widths[j - 1], shown)
    _add_table(ws, name, header_row, headers, len(rows))
    _widths(ws, widths)


# ----------------------------------------------------------------------------- sheets


def _about(run_dir: Path, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Title block facts: from the report's title block, else from the manifest."""
    title = read_publication(run_dir)["title"] or {}
    params = manifest.get("parameters") if isinstance(manifest.get("parameters"), Mapping) else {}
    details = [tuple(pair) for pair in title.get("details") or []]
    contact = next(
        (v for k, v in details if str(k).lower() in ("contact", "author", "contact or author")),
        None,
    ) or next((str(params[k]) for k in ("contact", "author") if params.get(k)), "")
    return {
        "heading": title.get("heading") or str(manifest.get("title") or "Report"),
        "topic": title.get("topic") or str(manifest.get("title") or ""),
        "organisation": title.get("organisation") or "",
        "period": title.get("period") or "",
        "dataset": title.get("dataset") or str(params.get("dataset") or ""),
        "details": [(k, v) for k, v in details if str(k).lower() not in ("contact", "author")],
        "contact": contact,
        "min_cell": params.get("min_cell") or DEFAULT_MIN_CELL,
        "run_id": str(manifest.get("run_id") or ""),
        "run_date": str(manifest.get("finished") or manifest.get("started") or "")[:10],
        "notebook": str(manifest.get("notebook") or ""),
        "command": str(manifest.get("command") or ""),
    }


def _cover(ws, about: dict[str, Any], tables: list[dict[str, Any]]) -> None:
    n = len(tables)
    lines: list[tuple[str, Font]] = [
        (about["heading"], TITLE),
        ("What this spreadsheet is", HEADING),
        (
            f'The {n} table{"s" if n != 1 else ""} of the report "{about["heading"]}", one table '
            "per worksheet, with the same values as the report's CSV files. The report itself "
            "is the web page report.html published with this spreadsheet.",
            BODY,
        ),
    ]
    facts = [
        ("Organisation", about["organisation"]),
        ("Period", about["period"]),
        ("Source", about["dataset"]),
        *about["details"],
        ("Contact", about["contact"]),
        (
            "Produced",
            f"{about['run_date']} by the research workbench, run {about['run_id']}"
            + (f" of {about['notebook']}" if about["notebook"] else ""),
        ),
        ("How to reproduce", about["command"]),
    ]
    for label, value in facts:
        if value:
            lines += [(str(label), HEADING), (str(value), BODY)]
    lines += [
        ("Contents", HEADING),
        ("The Contents worksheet lists every table, with a link to its worksheet.", BODY),
        ("Notes", HEADING),
        (
            "The Notes worksheet explains the shorthand used in place of numbers ([c] and [x]), "
            "how small numbers are protected, and how numbers are rounded.",
            BODY,
        ),
    ]
    _lines(ws, lines)
    ws.column_dimensions["A"].width = 100
    for row in ws.iter_rows(min_col=1, max_col=1):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _contents(ws, tables: list[dict[str, Any]]) -> None:
    row = _lines(
        ws,
        [
            ("Contents", TITLE),
            ("This worksheet contains one table. Each sheet name links to its worksheet.", BODY),
        ],
    )
    rows = [
        [(t["sheet"], f"'{t['sheet']}'!A1"), t["caption"], f"tables/{t['name']}.csv"]
        for t in tables
    ]
    _grid(
        ws,
        row,
        ["Sheet name", "Table title", "CSV file"],
        rows,
        numeric=[False, False, False],
        formats=[None, None, None],
        name="table_contents",
    )
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["A"].width = 34


def notes_rows(about: Mapping[str, Any], tables: list[dict[str, Any]]) -> list[list[str]]:
    """The Notes table: ``[note, explanation]`` rows (shorthand, disclosure, rounding, reading)."""
    used = {
        symbol
        for t in tables
        for c in t["columns"]
        if c["format"] in DECIMALS
        for symbol in (CONFIDENTIAL, NOT_AVAILABLE)
        if (t["values"][c["key"]] == symbol).any()
    }
    threshold = about.get("min_cell")
    rule = (
        f"Counts of fewer than {threshold} people are hidden"
        if threshold
        else "Counts below the disclosure threshold are hidden"
    )
    rows = [
        [CONFIDENTIAL, f"Shorthand for {SYMBOLS[CONFIDENTIAL]}."],
        [NOT_AVAILABLE, f"Shorthand for {SYMBOLS[NOT_AVAILABLE]}."],
        [
            "Disclosure control",
            f"{rule}, together with enough other counts that no hidden count can be worked out "
            "from published totals; statistics (averages, gaps) of groups that small are hidden "
            "too. Hidden cells hold [c].",
        ],
        [
            "Rounding",
            "Numbers are rounded as the report shows them: "
            + "; ".join(
                ROUNDING[k]
                for k in ROUNDING
                if any(c["format"] == k for t in tables for c in t["columns"])
            )
            + ". Totals and differences were computed before rounding, so rounded figures may "
            "not add up exactly.",
        ],
        [
            "Numbers",
            "Numbers are stored as numbers, with number formats. In the CSV files they carry no "
            "thousands separators or currency signs; a program reads them as numbers with, for "
            'example, pandas.read_csv(path, na_values=["[c]", "[x]"]).',
        ],
    ]
    return [r for r in rows if r[0] not in (CONFIDENTIAL, NOT_AVAILABLE) or r[0] in used]


def _notes(ws, about: dict[str, Any], tables: list[dict[str, Any]]) -> None:
    row = _lines(ws, [("Notes", TITLE), ("This worksheet contains one table.", BODY)])
    _grid(
        ws,
        row,
        ["Note", "Explanation"],
        notes_rows(about, tables),
        numeric=[False, False],
        formats=[None, None],
        row_header=0,
        name="table_notes",
    )
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100


def _table_sheet(ws, table: dict[str, Any], about: dict[str, Any], name: str) -> None:
    columns = table["columns"]
    values: pd.DataFrame = table["values"]
    numeric = [c["format"] in DECIMALS for c in columns]
    used = [
        s
        for s in (CONFIDENTIAL, NOT_AVAILABLE)
        if any((values[c["key"]] == s).any() for c, n in zip(columns, numeric, strict=True) if n)
    ]
    lines: list[tuple[str, Font]] = [
        (table["caption"], TITLE),
        ("This worksheet contains one table.", BODY),
        *[(str(note), BODY) for note in table.get("notes") or []],
    ]
    if used:
        key = ", ".join(f"{s} = {SYMBOLS[s].split(':')[0]}" for s in used)
        lines.append((f"Some cells hold shorthand: {key} (see the Notes worksheet).", BODY))
    if about["dataset"]:
        lines.append((f"Source: {about['dataset']}.", BODY))
    row = _lines(ws, lines)
    rows = [
        [
            _number(v, c["format"]) if n else v
            for v, c, n in zip(record, columns, numeric, strict=True)
        ]
        for record in values.itertuples(index=False, name=None)
    ]
    keys = [c["key"] for c in columns]
    header = table.get("row_header")
    _grid(
        ws,
        row,
        _headers(columns),
        rows,
        numeric=numeric,
        formats=[
            _number_format(c["format"], table.get("currency") or "GBP") if n else None
            for c, n in zip(columns, numeric, strict=True)
        ],
        row_header=keys.index(header) if header in keys else None,
        name=name,
    )


def write_notes_csv(run_dir: Path, manifest: Mapping[str, Any] | None = None) -> Path | None:
    """``tables/_notes.csv``: the Notes rows (``table`` and ``column`` empty), then for every
    table a row with its caption and one row per column (its header with the unit, its format
    and rounding). ``None`` when the run published no table."""
    run_dir = Path(run_dir)
    tables = _tables(run_dir)
    if not tables:
        return None
    about = _about(run_dir, manifest or {})
    rows = [
        {"table": "", "column": "", "label": note, "explanation": text}
        for note, text in notes_rows(about, tables)
    ]
    for table in tables:
        rows.append(
            {"table": table["name"], "column": "", "label": "", "explanation": table["caption"]}
        )
        for column, header in zip(table["columns"], _headers(table["columns"]), strict=True):
            kind = column["format"]
            what = f"rounded: {ROUNDING[kind]}" if kind in ROUNDING else "text"
            rows.append(
                {
                    "table": table["name"],
                    "column": column["key"],
                    "label": header,
                    "explanation": f"Format {kind}, {what}.",
                }
            )
    return write_csv(pd.DataFrame(rows), run_dir / "tables" / NOTES_CSV)


def write_spreadsheet(run_dir: Path, manifest: Mapping[str, Any] | None = None) -> Path | None:
    """Write ``<run_dir>/report.xlsx`` (see the module docstring) and ``tables/_notes.csv``.

    Parameters
    ----------
    run_dir
        A run folder holding ``publication.json`` and ``tables/<name>.csv``.
    manifest
        The run manifest (title, parameters such as ``min_cell``, run id and date).

    Returns
    -------
    Path or None
        The spreadsheet, or ``None`` when the run published no table (nothing is written).
    """
    run_dir = Path(run_dir)
    manifest = manifest or {}
    tables = _tables(run_dir)
    if not tables:
        return None
    about = _about(run_dir, manifest)
    sheets = {"cover", "contents", "notes"}
    names = {"table_contents", "table_notes"}
    for table in tables:
        label = table["name"].replace("_", " ").replace("-", " ").strip().capitalize()
        table["sheet"] = _sheet_name(label, sheets)
        table["table_name"] = _table_name(table["name"], names)

    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    _cover(cover, about, tables)
    _contents(book.create_sheet("Contents"), tables)
    _notes(book.create_sheet("Notes"), about, tables)
    for table in tables:
        _table_sheet(book.create_sheet(table["sheet"]), table, about, table["table_name"])

    props = book.properties
    props.title = about["heading"]
    props.creator = about["organisation"] or "Research workbench"
    props.keywords = ", ".join(
        x for x in (about["topic"], about["organisation"], about["period"], "statistics") if x
    )
    props.language = "en-GB"
    props.subject = about["topic"]
    book.active = 0
    path = run_dir / SPREADSHEET_FILE
    temporary = path.with_name(f".{path.name}.tmp")
    book.save(temporary)
    temporary.replace(path)
    write_notes_csv(run_dir, manifest)
    return path
