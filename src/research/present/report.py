"""Report objects: the single source of everything a reader of a report sees.

Each topic's ``report.py`` has ``build(data, **params) -> <Topic>Report``. A :class:`Report` holds

- a :class:`TitleBlock` (topic, organisation, snapshot date or period, dataset),
- key :class:`Finding` sentences generated from computed results, each with its number,
- named :class:`Section` objects, each a question, holding publishable :class:`Table` and
  :class:`Figure` objects, or a :class:`Note` saying why an item is not shown.

A notebook walks the report: ``show(report.table("statutory_figures"))``. Every piece renders to
HTML here, and only here, with all text escaped (:func:`html.escape`): labels from HR data such as
job titles can never become markup or script in a published page.

A :class:`Table` is publishable: caption, human column labels, formats and units, its rows in
natural order, a row-header column, and values that have already passed disclosure control (the
topic applies :mod:`research.present.disclosure` before building it). Its tidy values are what
the CSV holds; its formatted text is what the page shows. A :class:`Figure` carries alt text
written from its data and the name of the table that holds its numbers.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from research.core.safe_csv import neutralise_formula, write_csv
from research.present.formats import FORMATS, formatter

__all__ = [
    "Column",
    "Figure",
    "Finding",
    "Note",
    "Report",
    "ReportError",
    "Section",
    "Table",
    "TitleBlock",
    "check_name",
    "download_links",
    "neutralise_formula",
    "write_csv",
]

NUMERIC_FORMATS = frozenset({"int", "pct", "money", "money2", "float1", "float2", "float3"})
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class ReportError(ValueError):
    """A report item is malformed (unknown column, bad name, missing alt text, ...)."""


def check_name(name: str) -> str:
    """Return ``name`` when it is safe as a file name (lower case, digits, ``_``, ``-``)."""
    if not _NAME.match(name):
        raise ReportError(
            f"Table or figure name {name!r} must be lower case letters, digits, '_' or '-' "
            "(it becomes a file name)."
        )
    return name


def _text(value: Any) -> str:
    return escape(str(value), quote=True)


# ----------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    """One column of a publishable table.

    Attributes
    ----------
    key
        Column name in the tidy data (and the CSV).
    label
        Header a reader sees, e.g. ``"Women (%)"``.
    format
        One of :data:`research.present.formats.FORMATS`.
    unit
        What the numbers are in, e.g. ``"%"``, ``"GBP per hour"``, ``"index (0-1)"``; shown
        in the column header's title and kept in the table's data dictionary.
    """

    key: str
    label: str
    format: str = "text"
    unit: str = ""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ReportError(
                f"Column {self.key!r} has unknown format {self.format!r}; use {', '.join(FORMATS)}."
            )

    @property
    def numeric(self) -> bool:
        return self.format in NUMERIC_FORMATS


ColumnSpec = Column | tuple[str, str] | tuple[str, str, str] | tuple[str, str, str, str]


def _is_currency(unit: str | None) -> bool:
    """Whether a column's unit is a currency code (``"GBP"``, ``"USD"``...)."""
    return bool(unit) and re.fullmatch(r"[A-Z]{3}", str(unit)) is not None


def columns(*specs: ColumnSpec) -> tuple[Column, ...]:
    """Columns from ``Column`` objects or ``(key, label[, format[, unit]])`` tuples."""
    return tuple(spec if isinstance(spec, Column) else Column(*spec) for spec in specs)


@dataclass(frozen=True, eq=False)
class Table:
    """A publishable table (see module docstring).

    Attributes
    ----------
    name
        File name of its CSV, ``tables/<name>.csv``.
    data
        Tidy values after disclosure control; suppressed cells hold ``"[c]"``. Exactly the
        columns listed in ``columns``, in that order.
    caption
        What the table shows and, where one stands out, what it finds.
    columns
        The columns, in display order (see :func:`columns`).
    row_header
        Key of the column whose cells head the rows (``<th scope="row">``); by default the
        first text column.
    notes
        Sentences shown under the table (e.g. how many cells disclosure control hid).
    currency
        Currency of ``money`` columns.
    """

    name: str
    data: pd.DataFrame
    caption: str
    columns: tuple[Column, ...]
    row_header: str | None = None
    notes: tuple[str, ...] = ()
    currency: str = "GBP"

    def __post_init__(self) -> None:
        check_name(self.name)
        if not self.caption.strip():
            raise ReportError(f"Table {self.name!r} needs a caption.")
        keys = [c.key for c in self.columns]
        missing = [k for k in keys if k not in self.data.columns]
        extra = [str(k) for k in self.data.columns if k not in keys]
        if missing or extra:
            raise ReportError(
                f"Table {self.name!r}: columns {missing} are not in the data and data columns "
                f"{extra} have no label; list every column of the data once."
            )
        if self.row_header is not None and self.row_header not in keys:
            raise ReportError(f"Table {self.name!r}: row header {self.row_header!r} is no column.")
        for column in self.columns:  # a "(USD)" column must not be shown in pounds
            money = column.format.startswith("money") and _is_currency(column.unit)
            if money and column.unit != self.currency:
                raise ReportError(
                    f"Table {self.name!r}: column {column.key!r} is in {column.unit} but the "
                    f"table's currency is {self.currency}; give the table currency="
                    f"{column.unit!r}."
                )
        object.__setattr__(self, "data", self.data[keys].reset_index(drop=True))

    @property
    def header_key(self) -> str | None:
        """The row-header column: ``row_header`` or the first text column."""
        if self.row_header is not None:
            return self.row_header
        return next((c.key for c in self.columns if not c.numeric), None)

    def column(self, key: str) -> Column:
        """The :class:`Column` with this key."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"Table {self.name!r} has no column {key!r}.")

    def to_frame(self) -> pd.DataFrame:
        """The tidy values (a copy): what the CSV holds."""
        return self.data.copy()

    def formatted(self) -> pd.DataFrame:
        """Display text of every cell, under the human labels."""
        shown = pd.DataFrame(index=self.data.index)
        for column in self.columns:
            text = formatter(column.format, self.currency)
            shown[column.label] = self.data[column.key].astype("object").map(text)
        return shown

    def save(self, folder: Path) -> Path:
        """Write ``<folder>/tables/<name>.csv``: the values rounded as shown, suppressed and
        missing numbers as ``[c]`` and ``[x]`` (:func:`research.present.show.save_table`)."""
        from research.present.show import save_table

        return save_table(self, Path(folder))

    def to_html(self, table_id: str | None = None) -> str:
        """Escaped HTML: caption, column headers with ``scope="col"``, row headers, notes, in a
        region of its own that scrolls sideways when the table is wider than the page.

        ``table_id`` replaces the table's anchor (``table-<name>``) for a copy of the table shown
        elsewhere, e.g. with a chart.
        """
        header = self.header_key
        table_id = table_id or f"table-{self.name}"
        text = {c.key: formatter(c.format, self.currency) for c in self.columns}
        head = "".join(
            f'<th scope="col"{_num(c)}{_title(c)}>{_text(c.label)}</th>' for c in self.columns
        )
        rows = []
        for record in self.data.itertuples(index=False, name=None):
            cells = []
            for column, value in zip(self.columns, record, strict=True):
                shown = _text(text[column.key](value))
                if column.key == header:
                    cells.append(f'<th scope="row">{shown}</th>')
                else:
                    cells.append(f"<td{_num(column)}>{shown}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        notes = "".join(f'<p class="table-note">{_text(n)}</p>' for n in self.notes)
        return (
            f'<div class="table-scroll" role="region" tabindex="0" '
            f'aria-labelledby="{table_id}-caption">'
            f'<table class="report-table" id="{table_id}">'
            f'<caption id="{table_id}-caption">{_text(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{notes}"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"Table({self.name!r}, {len(self.data)} rows: {self.caption!r})"


def _num(column: Column) -> str:
    return ' class="num"' if column.numeric else ""


def _title(column: Column) -> str:
    return f' title="{_text(column.unit)}"' if column.unit else ""


SPREADSHEET_FILE = "report.xlsx"
"""The run's spreadsheet, beside ``report.html`` (:mod:`research.run.export.spreadsheet`)."""


def download_links(name: str) -> str:
    """Links beside a published table: its CSV ``tables/<name>.csv`` and the run's spreadsheet.

    Relative to ``report.html`` in the run folder; :func:`research.present.show.show` adds them
    in a run, where the files exist. Each link is a target at least 24 by 24 CSS pixels
    (WCAG 2.2, 2.5.8; ``.table-downloads a`` in the report stylesheet).
    """
    check_name(name)
    return (
        f'<p class="table-downloads">Download this table: '
        f'<a href="tables/{name}.csv" download>CSV file ({_text(name)}.csv)</a> '
        f'<a href="{SPREADSHEET_FILE}">spreadsheet of all tables (XLSX)</a></p>'
    )


# ----------------------------------------------------------------------------- figures


MIN_FONT_PT = 9.0
"""Smallest text in a published chart, in points (at 200 dpi, 12 CSS pixels on screen)."""

FIGURE_DPI = 200
"""Resolution of published charts: text stays sharp when a reader zooms to 200%."""

CSS_PX_PER_INCH = 128
"""Charts are shown at 4/3 of their drawn size: a 7.5-inch chart fills the 960-pixel text column,
so 9-point text reads at 16 CSS pixels (a narrower screen shrinks it to fit)."""


@dataclass(frozen=True, eq=False)
class Figure:
    """A chart with alt text from its data and the name of the table that holds its numbers.

    Attributes
    ----------
    name
        File name of its image, ``figures/<name>.png``.
    figure
        The matplotlib figure (closed, so notebooks do not draw it twice).
    alt
        Alt text: what the chart shows and its main finding, written from the data.
    table
        Name of the :class:`Table` of the same report that holds the charted numbers; the
        :class:`Report` gives the figure that table (:attr:`data_table`), which the page shows
        beside the chart.
    dpi
        Resolution of the saved and embedded image (at least 200: readable when zoomed).
    """

    name: str
    figure: Any
    alt: str
    table: str
    dpi: int = FIGURE_DPI
    data_table: Table | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        figure = getattr(self.figure, "figure", self.figure)  # an Axes gives its figure
        object.__setattr__(self, "figure", figure)
        _close(figure)
        if len(self.alt.strip()) < 20:
            raise ReportError(
                f"Figure {self.name!r} needs alt text saying what it shows and what it finds."
            )
        check_name(self.table)

    @cached_property
    def png(self) -> bytes:
        """The figure as PNG bytes (no timestamp or software metadata: byte-stable).

        Rendered once: ``show`` both saves the image and embeds it in the page. No text is
        smaller than :data:`MIN_FONT_PT`.
        """
        _readable_text(self.figure)
        buffer = io.BytesIO()
        self.figure.savefig(
            buffer, format="png", dpi=self.dpi, bbox_inches="tight", metadata={"Software": None}
        )
        return buffer.getvalue()

    def save(self, folder: Path) -> Path:
        """Write ``<folder>/figures/<name>.png``."""
        path = Path(folder) / "figures" / f"{self.name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.png)
        return path

    def css_size(self) -> tuple[int, int]:
        """Width and height of the image on screen, in CSS pixels (:data:`CSS_PX_PER_INCH`)."""
        width, height = (
            int.from_bytes(self.png[16:20], "big"),
            int.from_bytes(self.png[20:24], "big"),
        )
        scale = CSS_PX_PER_INCH / self.dpi
        return round(width * scale), round(height * scale)

    def to_html(self) -> str:
        """An ``<img>`` with embedded PNG and alt text, a link to its table, and the table itself
        in a ``<details>`` element (the export drops it when the table is shown next to the
        chart anyway, see :mod:`research.run.export.figures`)."""
        data = base64.b64encode(self.png).decode("ascii")
        width, height = self.css_size()
        anchor = f"figure-{self.name}"
        table = self.data_table
        named = f"“{table.caption}”" if table is not None else self.table.replace("_", " ")
        details = ""
        target = f"table-{self.table}"
        if table is not None:
            target = f"{anchor}-table"
            details = (
                f'<details class="figure-data" id="{anchor}-data">'
                "<summary>Show the numbers in this chart as a table</summary>"
                f"{table.to_html(table_id=target)}</details>"
            )
        return (
            f'<figure class="report-figure" id="{anchor}" data-table="{_text(self.table)}">'
            f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{_text(self.alt)}">'
            f'<figcaption class="figure-source">The numbers in this chart are in the table '
            f'<a href="#{target}">{_text(named)}</a>.</figcaption>{details}</figure>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"Figure({self.name!r}: {self.alt!r})"


def _readable_text(figure: Any) -> None:
    """Raise every visible text of ``figure`` to at least :data:`MIN_FONT_PT` points."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_fontsize() < MIN_FONT_PT:
            text.set_fontsize(MIN_FONT_PT)


def _close(figure: Any) -> None:
    """Detach a figure from pyplot so the notebook shows it once, through the report."""
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(figure, "number", -1)):
        plt.close(figure)


# ----------------------------------------------------------------------------- notes and text


@dataclass(frozen=True)
class Note:
    """Shown in place of a table or figure that cannot be shown, saying why."""

    name: str
    text: str

    def to_html(self) -> str:
        return f'<p class="report-note"><em>{_text(self.text)}</em></p>'

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class Finding:
    """One key finding: a sentence generated from a computed result, with its number.

    Attributes
    ----------
    text
        The sentence, plain text.
    value
        The number it states (``None`` for a finding that states an absence).
    ci
        Its interval, when one was computed.
    key
        A stable name for tests and tools, e.g. ``"median_hourly_gap"``.
    """

    text: str
    value: float | None = None
    ci: tuple[float, float] | None = None
    key: str = ""


@dataclass(frozen=True)
class Findings:
    """The key findings of a report, rendered as a list."""

    items: tuple[Finding, ...]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def texts(self) -> list[str]:
        return [f.text for f in self.items]

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: key, sentence, value and interval."""
        return pd.DataFrame(
            {
                "key": [f.key for f in self.items],
                "finding": [f.text for f in self.items],
                "value": [f.value for f in self.items],
                "ci_low": [f.ci[0] if f.ci else None for f in self.items],
                "ci_high": [f.ci[1] if f.ci else None for f in self.items],
            }
        )

    def to_html(self) -> str:
        items = "".join(f"<li>{_text(f.text)}</li>" for f in self.items)
        return f'<ul class="key-findings">{items}</ul>'

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class TitleBlock:
    """Who and when a report is about: the report's title and its "About this report" box.

    Attributes
    ----------
    topic
        E.g. ``"Gender pay gap"``.
    organisation
        The employer(s) in the data.
    period
        Snapshot date (``"31 March 2025"``) or period (``"2017-18 to 2024-25"``).
    dataset
        Where the data came from, in words.
    details
        Further ``(label, value)`` lines, e.g. ``("Pay in", "USD")``.
    when
        How the title names the period, e.g. ``"snapshot 31 March 2025"`` (default: ``period``).
    period_label
        The label of the period in the box, e.g. ``"Snapshot date"``.
    author, contact
        Who wrote the report and how to reach them (notebook parameters); shown only when given.
    """

    topic: str
    organisation: str
    period: str
    dataset: str
    details: tuple[tuple[str, str], ...] = ()
    when: str = ""
    period_label: str = "Period"
    author: str = ""
    contact: str = ""

    @property
    def heading(self) -> str:
        """``"<topic>: <organisation>, <when>"``, the report's unique title, e.g.
        ``"Gender pay gap: City of Cincinnati, snapshot 1 December 2020"``."""
        return f"{self.topic}: {self.organisation}, {self.when or self.period}"

    def signed(self, author: str = "", contact: str = "") -> TitleBlock:
        """The same block with its author and contact (blank values are left out of the box)."""
        return replace(self, author=str(author or "").strip(), contact=str(contact or "").strip())

    def lines(self) -> list[tuple[str, str]]:
        people = [("Author", self.author), ("Contact", self.contact)]
        return [
            ("Organisation", self.organisation),
            (self.period_label, self.period),
            ("Data", self.dataset),
            *self.details,
            *[(label, value) for label, value in people if value],
        ]

    def to_html(self) -> str:
        """The "About this report" box: a labelled section holding a description list."""
        rows = "".join(
            f"<div><dt>{_text(label)}</dt><dd>{_text(value)}</dd></div>"
            for label, value in self.lines()
        )
        return (
            '<section class="report-about" aria-labelledby="report-about-title">'
            '<h2 id="report-about-title">About this report</h2>'
            f'<dl class="report-title-block" data-heading="{_text(self.heading)}">{rows}</dl>'
            "</section>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


# ----------------------------------------------------------------------------- report

Item = Table | Figure | Note


@dataclass(frozen=True)
class Section:
    """A question the report answers, with the items that answer it, in order."""

    key: str
    title: str
    items: tuple[Item, ...] = ()

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)


@dataclass(frozen=True, eq=False)
class Report:
    """Everything a report shows (see module docstring).

    Attributes
    ----------
    title
        The title block.
    findings
        Key findings, most important first.
    sections
        The report's questions, in reading order.
    results
        The underlying result objects by name, for exploring in JupyterLab (not published as
        such: what is published goes through tables and findings).
    """

    title: TitleBlock
    findings: Findings
    sections: tuple[Section, ...]
    results: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [item.name for section in self.sections for item in section.items]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ReportError(f"Report items share names {duplicated}; names must be unique.")
        tables = {t.name: t for t in self.tables()}
        for figure in self.figures():
            if figure.table not in tables:
                raise ReportError(
                    f"Figure {figure.name!r} points to table {figure.table!r}, which the report "
                    "does not hold; every figure needs a table of its numbers."
                )
            object.__setattr__(figure, "data_table", tables[figure.table])

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def tables(self) -> list[Table]:
        return [i for i in self.items() if isinstance(i, Table)]

    def figures(self) -> list[Figure]:
        return [i for i in self.items() if isinstance(i, Figure)]

    def __getitem__(self, name: str) -> Item:
        for item in self.items():
            if item.name == name:
                return item
        known = ", ".join(item.name for item in self.items())
        raise KeyError(f"The report has no item {name!r}; it has: {known}.")

    def __contains__(self, name: object) -> bool:
        return any(item.name == name for item in self.items())

    def table(self, name: str) -> Table | Note:
        """The table called ``name``, or the note that stands in for it."""
        item = self[name]
        if isinstance(item, Figure):
            raise KeyError(f"{name!r} is a figure; use report.figure({name!r}).")
        return item

    def figure(self, name: str) -> Figure | Note:
        """The figure called ``name``, or the note that stands in for it."""
        item = self[name]
        if isinstance(item, Table):
            raise KeyError(f"{name!r} is a table; use report.table({name!r}).")
        return item

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        known = ", ".join(s.key for s in self.sections)
        raise KeyError(f"The report has no section {key!r}; it has: {known}.")

    def summary(self) -> str:
        """The report as plain text: title, findings, then each section's captions."""
        lines = [self.title.heading, "", "Key findings:"]
        lines += [f"- {text}" for text in self.findings.texts()]
        for section in self.sections:
            lines += ["", section.title]
            for item in section.items:
                what = item.caption if isinstance(item, Table) else getattr(item, "alt", None)
                lines.append(f"  [{item.name}] {what or getattr(item, 'text', '')}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        parts = [f"<h2>{_text(self.title.heading)}</h2>", self.title.to_html()]
        parts += ["<h3>Key findings</h3>", self.findings.to_html()]
        for section in self.sections:
            parts.append(f"<h3>{_text(section.title)}</h3>")
            parts += [item.to_html() for item in section.items]
        return "".join(parts)


def findings(items: Iterable[Finding | str]) -> Findings:
    """Findings from :class:`Finding` objects (or plain sentences for findings without a number)."""
    return Findings(tuple(i if isinstance(i, Finding) else Finding(i) for i in items))
