"""Show a report's tables and figures in a notebook, and save what is shown.

When the runner executes a notebook it sets ``RESEARCH_RUN_DIR``; :func:`show` then writes every
table it shows as CSV to ``<run>/tables/<name>.csv`` (:func:`save_table`) and every figure to
``<run>/figures/<name>.png``, so each number a report shows is also published as data. Beside
each table the page then carries links to its CSV and to the run's spreadsheet
(:func:`research.present.report.download_links`), and the table's caption, columns and notes are
recorded in ``<run>/publication.json`` (with the report's title block), from which the runner
writes the spreadsheet ``report.xlsx`` (:mod:`research.run.export.spreadsheet`).
Interactively (JupyterLab) nothing is written unless ``RESEARCH_RUN_DIR`` is set.

Captions, labels and formats are not given here: report objects (:mod:`research.present.report`)
carry their own, and render and escape themselves.

Published CSV files
-------------------
Following the Government Analysis Function guidance "Releasing statistics in spreadsheets"
(https://analysisfunction.civilservice.gov.uk/policy-store/releasing-statistics-in-spreadsheets/)
and "Symbols in tables, definitions and help"
(https://analysisfunction.civilservice.gov.uk/policy-store/symbols-in-tables-definitions-and-help/):

- numbers are rounded as the column's declared format shows them (:data:`DECIMALS`: counts
  whole, percentages to 1 decimal place, ``money`` to whole units, ``money2`` to pence or
  cents, ``float1``-``float3`` to 1-3 places), written without thousands separators or
  currency signs, so that a number column reads as numbers;
- a cell with no number is never left empty or given free text: it holds a shorthand in square
  brackets (:data:`SYMBOLS`), ``[c]`` confidential (hidden by disclosure control) or ``[x]`` not
  available (the input is not in the data, or the figure could not be computed). The shorthand
  is explained in the notes the runner writes beside the tables (``tables/_notes.csv`` and the
  spreadsheet's Notes sheet); a program reads the column as numbers with
  ``pandas.read_csv(path, na_values=["[c]", "[x]"])``;
- text cells go through the OWASP CSV-injection neutralisation of
  :func:`research.core.safe_csv.write_csv`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from research.core.safe_csv import write_csv

#: Decimal places a CSV keeps for each numeric format (the places the page shows).
DECIMALS = {"int": 0, "pct": 1, "money": 0, "money2": 2, "float1": 1, "float2": 2, "float3": 3}

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"
#: Shorthand written in number columns in place of a number (Analysis Function, "Symbols in
#: tables, definitions and help"), with what each means.
SYMBOLS = {
    CONFIDENTIAL: "confidential: hidden by disclosure control, because the figure rests on fewer "
    "people than the disclosure threshold or could reveal such a figure from published totals",
    NOT_AVAILABLE: "not available: the input is not in the data, or the figure cannot be "
    "computed for this group",
}

#: File beside ``tables/`` that records what the run published (read by the runner).
PUBLICATION_FILE = "publication.json"


def run_dir() -> Path | None:
    """The run folder set by the runner, or ``None`` when working interactively."""
    folder = os.environ.get("RESEARCH_RUN_DIR")
    return Path(folder) if folder else None


def show(item: Any) -> None:
    """Display one report item (table, figure, note, title block, findings) and save its data.

    In a run, tables are written to ``tables/<name>.csv`` (:func:`save_table`) and shown with
    links to their CSV and to the spreadsheet; figures are written to ``figures/<name>.png``;
    the title block is recorded for the spreadsheet's cover sheet. Notes and findings are only
    displayed.
    """
    from IPython.display import display

    from research.present.report import Table, TitleBlock, download_links

    folder = run_dir()
    if folder is None:
        display(item)
        return
    if isinstance(item, TitleBlock):
        _record(folder, title=_title_record(item))
    elif hasattr(item, "save"):
        item.save(folder)
    if isinstance(item, Table):
        page = item.to_html() + download_links(item.name)
        display({"text/html": page, "text/plain": repr(item)}, raw=True)
    else:
        display(item)


def save(item: Any) -> Path | None:
    """Save an item's data into the run folder without displaying it (e.g. a CSV too long to print).

    Returns the file written, or ``None`` outside a run.
    """
    folder = run_dir()
    if folder is None or not hasattr(item, "save"):
        return None
    return item.save(folder)


# ----------------------------------------------------------------------------- CSV


def csv_value(value: Any, kind: str) -> Any:
    """One cell as the CSV holds it, for a column of format ``kind``.

    Numbers of a numeric format are rounded to :data:`DECIMALS` places and written as plain
    digits (``12.345`` as ``"12.3"`` for ``pct``, ``1234.5`` as ``"1235"`` for ``money``; never
    ``-0.0``). ``[c]`` stays ``[c]``; any other text, and a missing value, becomes ``[x]``
    (:data:`SYMBOLS`). ``yesno`` cells read ``yes``/``no``; other text is returned unchanged
    (neutralised later by :func:`research.core.safe_csv.write_csv`), missing text as ``""``.
    """
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    if kind in DECIMALS:
        if isinstance(value, str):
            return value if value.strip() == CONFIDENTIAL else NOT_AVAILABLE
        if missing or isinstance(value, bool):
            return NOT_AVAILABLE
        digits = DECIMALS[kind]
        text = f"{float(value):.{digits}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    if missing:
        return ""
    if kind == "yesno" and not isinstance(value, str):
        return "yes" if value else "no"
    return value


def csv_frame(table: Any) -> pd.DataFrame:
    """The values a table's CSV holds: its tidy data rounded and marked as :func:`csv_value` does.

    Column names are the tidy keys (the human labels are in the notes and the spreadsheet).
    """
    frame = pd.DataFrame(index=table.data.index)
    for column in table.columns:
        kind = column.format
        frame[column.key] = (
            table.data[column.key].astype("object").map(lambda v, kind=kind: csv_value(v, kind))
        )
    return frame


def save_table(table: Any, folder: Path) -> Path:
    """Write ``<folder>/tables/<name>.csv`` (:func:`csv_frame`) and record the table's caption,
    columns and notes in ``<folder>/publication.json`` for the notes and the spreadsheet."""
    path = write_csv(csv_frame(table), Path(folder) / "tables" / f"{table.name}.csv")
    _record(Path(folder), table=_table_record(table))
    return path


def _table_record(table: Any) -> dict[str, Any]:
    return {
        "name": table.name,
        "caption": table.caption,
        "columns": [
            {"key": c.key, "label": c.label, "format": c.format, "unit": c.unit}
            for c in table.columns
        ],
        "row_header": table.header_key,
        "notes": list(table.notes),
        "currency": table.currency,
    }


def _title_record(title: Any) -> dict[str, Any]:
    return {
        "heading": title.heading,
        "topic": title.topic,
        "organisation": title.organisation,
        "period": title.period,
        "dataset": title.dataset,
        "details": [list(pair) for pair in title.details],
    }


def read_publication(folder: Path) -> dict[str, Any]:
    """What a run published so far: ``{"title": {...} or None, "tables": [...]}`` in the order
    shown (a table shown twice keeps its first place and its last description)."""
    path = Path(folder) / PUBLICATION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    return {"title": data.get("title"), "tables": list(data.get("tables") or [])}


def _record(folder: Path, *, title: dict | None = None, table: dict | None = None) -> None:
    data = read_publication(folder)
    if title is not None:
        data["title"] = title
    if table is not None:
        names = [t["name"] for t in data["tables"]]
        if table["name"] in names:
            data["tables"][names.index(table["name"])] = table
        else:
            data["tables"].append(table)
    path = Path(folder) / PUBLICATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
