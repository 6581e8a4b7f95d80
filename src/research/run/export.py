"""Export an executed notebook to a self-contained, offline HTML report.

The report is rendered by nbconvert's :class:`~nbconvert.HTMLExporter` with the ``report``
template shipped in ``research/run/templates/report`` (it extends nbconvert's ``lab`` template).
What the reader sees:

* a header (title, dataset, parameters, run date, status), then a failure box when the run
  failed, then a table of contents built from the notebook's ``##``/``###`` headings;
* the notebook's markdown and outputs, never its code: inputs are hidden, and the
  ``parameters``, ``injected-parameters`` and ``remove-cell`` cells are removed entirely;
* an appendix "Run manifest" (inputs and their SHA-256, git commit, software versions, timing,
  seed and the command that reruns the analysis).

Offline-ness comes from the template: it replaces the ``lab`` page head (no require.js, MathJax,
Mermaid, widget manager or web fonts) and inlines its own stylesheet; images are already data
URIs. A final DOM pass (:func:`enforce_offline`) removes anything an output might still pull from
another host, such as a ``<script src="https://...">`` inside a ``text/html`` output.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import nbformat
from bs4 import BeautifulSoup, Tag
from nbconvert import HTMLExporter
from nbconvert.filters import strip_ansi
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from nbformat import NotebookNode
from pygments.formatters import HtmlFormatter
from traitlets.config import Config

__all__ = [
    "FailureInfo",
    "Heading",
    "describe_failure",
    "enforce_offline",
    "find_failing_cell",
    "format_bytes",
    "format_duration",
    "format_timestamp",
    "format_value",
    "markdown_headings",
    "notebook_title",
    "notebook_to_html",
    "write_atomically",
]

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
"""Folder holding the nbconvert template ``report`` (and the site template)."""

TEMPLATE_NAME = "report"

REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
"""Cells carrying one of these tags vanish from the report (input and outputs)."""

REMOVED_OUTPUT_TAGS = frozenset({"remove-output"})

PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"

REPORT_METADATA_KEY = "research_report"
"""Cell metadata key used to pass per-cell flags from the preprocessors to the template."""

DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/latex",
    "text/vnd.mermaid",
    "text/plain",
]
"""Output MIME types in order of preference. JavaScript and widget views are left out: they
need code from the network, so their static fallbacks (HTML, PNG, text) are shown instead."""

SHORT_SHA = 12

PYGMENTS_STYLE = "default"
"""Highlighting style for the failing cell's source (the only code a report shows)."""

_H1 = re.compile(r"^\s{0,3}#(?!#)\s*(?P<title>.+?)\s*#*\s*$")


# ----------------------------------------------------------------------------- formatting


def parse_timestamp(value: Any) -> datetime | None:
    """Parse an ISO 8601 timestamp; naive values are taken to be UTC.

    Parameters
    ----------
    value
        The timestamp (``str``) or ``None``.

    Returns
    -------
    datetime or None
        A timezone-aware datetime in UTC, or ``None`` when ``value`` is missing or unparseable.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(value: Any) -> str:
    """Render an ISO timestamp as e.g. ``24 November 2026, 10:15 UTC`` (empty when unknown).

    Parameters
    ----------
    value
        ISO 8601 string, as written in the manifest.

    Returns
    -------
    str
        Human-readable UTC date and time, the raw value when unparseable, or ``""``.
    """
    moment = parse_timestamp(value)
    if moment is None:
        return str(value) if value else ""
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def _is_finite_number(value: Any) -> bool:
    """Whether ``value`` is a real, finite number (booleans excluded)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def format_duration(seconds: Any) -> str:
    """Render a duration in seconds as ``20.1 s``, ``3 min 05 s`` or ``1 h 02 min``.

    Parameters
    ----------
    seconds
        Number of seconds (``int``/``float``); anything else gives ``""``.

    Returns
    -------
    str
        Human-readable duration.
    """
    if not _is_finite_number(seconds) or seconds < 0:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_bytes(size: Any) -> str:
    """Render a byte count as ``512 B``, ``1.2 kB``, ``3.4 MB``... (empty when unknown).

    Parameters
    ----------
    size
        Number of bytes.

    Returns
    -------
    str
        Human-readable size using decimal units.
    """
    if not _is_finite_number(size) or size < 0:
        return ""
    if size < 1000:
        return f"{int(size)} B"
    for unit in ("kB", "MB", "GB", "TB"):
        size /= 1000
        if size < 1000:
            return f"{size:.1f} {unit}"
    return f"{size:.1f} PB"


def format_value(value: Any) -> str:
    """Render a parameter value compactly: strings as they are, anything else as JSON.

    Parameters
    ----------
    value
        A parameter value from the manifest.

    Returns
    -------
    str
        Display text.
    """
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


# ----------------------------------------------------------------------------- notebook facts


def is_papermill_marker(cell: Mapping[str, Any]) -> bool:
    """Whether ``cell`` is one of papermill's red "An Exception was encountered" cells.

    Parameters
    ----------
    cell
        A notebook cell.

    Returns
    -------
    bool
        ``True`` for papermill's error banner and error anchor markdown cells.
    """
    if PAPERMILL_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
        return True
    source = cell.get("source", "")
    return (
        cell.get("cell_type") == "markdown"
        and source.lstrip().startswith("<span")
        and "papermill-error-cell" in source
    )


def _error_output(cell: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Return the first error output of ``cell`` that is not a clean ``sys.exit()``."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        if output.get("ename") == "SystemExit" and str(output.get("evalue", "")) in ("", "0"):
            continue
        return output
    return None


def find_failing_cell(nb: NotebookNode) -> int | None:
    """Position in ``nb.cells`` of the first code cell that raised, as papermill sees it.

    Parameters
    ----------
    nb
        An executed notebook.

    Returns
    -------
    int or None
        The index into ``nb.cells`` (papermill marker cells included), or ``None``.
    """
    for position, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        raised = cell.get("metadata", {}).get("papermill", {}).get("exception") is True
        if _error_output(cell) is not None or raised:
            return position
    return None


def notebook_title(nb: NotebookNode) -> str | None:
    """Title of a notebook: the ``# Heading`` opening its first markdown cell.

    Parameters
    ----------
    nb
        A notebook.

    Returns
    -------
    str or None
        The heading text, or ``None`` when the first markdown cell does not open with an H1.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown" or is_papermill_marker(cell):
            continue
        first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
        match = _H1.match(first_line)
        return match.group("title") if match else None
    return None


@dataclass(frozen=True)
class FailureInfo:
    """What the report says about a failed run.

    Attributes
    ----------
    cell_index : int or None
        Index of the failing cell in the notebook as papermill counts it (0-based, without
        papermill's own marker cells).
    execution_count : int or None
        The ``In [n]`` number of the failing cell.
    ename, evalue : str
        Exception type and message.
    source : str
        Source code of the failing cell.
    traceback : str
        Traceback with ANSI colour codes removed (may be empty).
    """

    cell_index: int | None
    execution_count: int | None
    ename: str
    evalue: str
    source: str
    traceback: str


def _cell_error_facts(nb: NotebookNode) -> dict[str, Any]:
    """Failure facts read from the notebook itself (empty when no cell raised)."""
    position = find_failing_cell(nb)
    if position is None:
        return {}
    cell = nb.cells[position]
    output = _error_output(cell) or {}
    return {
        "cell_index": sum(1 for c in nb.cells[:position] if not is_papermill_marker(c)),
        "execution_count": cell.get("execution_count"),
        "ename": output.get("ename"),
        "evalue": output.get("evalue"),
        "source": cell.get("source"),
        "traceback": "\n".join(strip_ansi(str(line)) for line in output.get("traceback", [])),
    }


def _first_present(*values: Any) -> Any:
    """Return the first value that is neither ``None`` nor an empty string."""
    return next((v for v in values if v is not None and v != ""), None)


def run_status(nb: NotebookNode, manifest: Mapping[str, Any]) -> str:
    """Status of a run: the manifest's, else ``failed`` when a cell raised, else ``succeeded``.

    Parameters
    ----------
    nb
        The executed notebook.
    manifest
        The run manifest (may be empty).

    Returns
    -------
    str
        Run status.
    """
    status = manifest.get("status")
    if isinstance(status, str) and status:
        return status
    return "failed" if find_failing_cell(nb) is not None else "succeeded"


def describe_failure(nb: NotebookNode, manifest: Mapping[str, Any]) -> FailureInfo | None:
    """Collect what went wrong in a failed run.

    The manifest's ``error`` entry wins; the notebook fills the gaps (and is the only source of
    the traceback).

    Parameters
    ----------
    nb
        The executed notebook, as papermill wrote it.
    manifest
        The run manifest.

    Returns
    -------
    FailureInfo or None
        ``None`` when the run did not fail.
    """
    if run_status(nb, manifest) != "failed":
        return None
    recorded = manifest.get("error")
    recorded = recorded if isinstance(recorded, Mapping) else {}
    found = _cell_error_facts(nb)

    def pick(key: str) -> Any:
        return _first_present(recorded.get(key), found.get(key))

    ename = pick("ename") or "Unknown error"
    evalue = pick("evalue")
    if evalue is None and not found and not recorded:
        evalue = "The run was marked as failed, but no error details were recorded."
    return FailureInfo(
        cell_index=pick("cell_index"),
        execution_count=pick("execution_count"),
        ename=strip_ansi(str(ename)),
        evalue=strip_ansi(str(evalue or "")),
        source=str(pick("source") or ""),
        traceback=strip_ansi(str(found.get("traceback") or recorded.get("traceback") or "")),
    )


# ----------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class Heading:
    """A markdown heading as rendered by nbconvert.

    Attributes
    ----------
    level : int
        2 for ``##``, 3 for ``###``.
    id : str
        The ``id`` attribute nbconvert gives the heading (the TOC's link target).
    text : str
        Visible text of the heading.
    """

    level: int
    id: str
    text: str


class _HeadingParser(HTMLParser):
    """Collect ``h2``/``h3`` ids and text, skipping nbconvert's anchor-link pilcrow."""

    def __init__(self, levels: Iterable[int]) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = {f"h{level}" for level in levels}
        self.headings: list[Heading] = []
        self._current: tuple[int, str, list[str]] | None = None
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in self.tags and self._current is None:
            self._current = (int(tag[1]), attributes.get("id") or "", [])
        elif self._current is not None and tag == "a":
            classes = (attributes.get("class") or "").split()
            if "anchor-link" in classes or self._skip_depth:
                self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._current is None:
            return
        if tag == "a" and self._skip_depth:
            self._skip_depth -= 1
        elif tag == f"h{self._current[0]}":
            level, anchor, parts = self._current
            text = " ".join("".join(parts).split())
            if anchor and text:
                self.headings.append(Heading(level, anchor, text))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None and not self._skip_depth:
            self._current[2].append(data)


def markdown_headings(source: str, levels: Iterable[int] = (2, 3)) -> list[Heading]:
    """Headings of a markdown cell, with the ids nbconvert's HTML exporter gives them.

    The markdown is rendered with nbconvert's own renderer so that the ids are exactly the ones
    in the exported page.

    Parameters
    ----------
    source
        Markdown source.
    levels
        Heading levels to collect.

    Returns
    -------
    list of Heading
        In document order.
    """
    html = MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(source)
    parser = _HeadingParser(levels)
    parser.feed(html)
    parser.close()
    return parser.headings


def nest_headings(headings: Iterable[Heading]) -> list[dict[str, Any]]:
    """Turn a flat heading list into a two-level TOC tree.

    Parameters
    ----------
    headings
        Headings in document order.

    Returns
    -------
    list of dict
        Items ``{"id", "text", "children": [...]}``; an ``###`` before any ``##`` becomes a
        top-level item.
    """
    tree: list[dict[str, Any]] = []
    top_level = min((h.level for h in headings), default=2)
    for heading in headings:
        item = {"id": heading.id, "href": "#" + heading.id, "text": heading.text, "children": []}
        if heading.level > top_level and tree:
            tree[-1]["children"].append(item)
        else:
            tree.append(item)
    return tree


# ----------------------------------------------------------------------------- tables

_MISSING = frozenset({"", "nan", "<na>", "nat", "none", "null", "-", "—", "–", "n/a", "na"})
_NUMBER = re.compile(
    r"^[(\-+−]?\s*[£$€]?\s*(\d[\d,\s]*(\.\d+)?|\.\d+)(e[-+]?\d+)?\s*(%|pp|k|m|bn)?\)?\*{0,3}$",
    re.IGNORECASE,
)


_SHORTHAND = re.compile(r"^\[[a-z]{1,4}\]$|^\.\.$|^:$", re.IGNORECASE)
"""Statistical shorthand for a withheld value: ``[c]`` confidential (below the disclosure
threshold), ``[x]`` not available, ``[z]`` not applicable, ``[low]``, ``..``, ``:``."""


def _is_missing(text: str) -> bool:
    text = text.strip()
    return text.lower() in _MISSING or bool(_SHORTHAND.match(text))


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip().replace("\u00a0", "")))


def _numeric_columns(table: Tag) -> set[int]:
    """Positions (among ``td`` cells of a body row) of columns holding only numbers."""
    numbers: set[int] = set()
    others: set[int] = set()
    for row in table.select("tbody tr") or table.find_all("tr"):
        for position, cell in enumerate(row.find_all("td", recursive=False)):
            text = cell.get_text()
            if not _is_missing(text):
                (numbers if _is_number(text) else others).add(position)
    return numbers - others


def _mark_table(table: Tag) -> None:
    """Add class ``num`` to the cells (and header) of the numeric columns of ``table``."""
    numeric = _numeric_columns(table)
    if not numeric:
        return
    width = 0
    for row in table.select("tbody tr") or table.find_all("tr"):
        cells = row.find_all("td", recursive=False)
        width = max(width, len(cells))
        for position, cell in enumerate(cells):
            if position in numeric:
                cell["class"] = [*cell.get("class", []), "num"]
    header_rows = table.select("thead tr")
    if not header_rows:
        return
    headers = header_rows[-1].find_all("th", recursive=False)
    if len(headers) < width or any(int(h.get("colspan", 1) or 1) > 1 for h in headers):
        return
    for position, header in enumerate(headers[len(headers) - width :]):
        if position in numeric:
            header["class"] = [*header.get("class", []), "num"]


def mark_numeric_cells(html: str) -> str:
    """Flag numeric table columns in an HTML fragment so the stylesheet can right-align them.

    A column counts as numeric when every non-missing body cell parses as a number (commas,
    currency signs, ``%`` and significance stars allowed).

    Parameters
    ----------
    html
        An HTML fragment, typically a pandas ``DataFrame``/``Styler`` rendering.

    Returns
    -------
    str
        The fragment with ``class="num"`` on numeric cells, or ``html`` unchanged when it holds
        no table.
    """
    if "<table" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table"):
        if "report-table" not in (table.get("class") or []):  # report tables mark their own
            _mark_table(table)
    return str(soup)


# ----------------------------------------------------------------------------- preprocessors


class DropPapermillMarkers(Preprocessor):
    """Remove papermill's red error-banner markdown cells (the report has its own box)."""

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Drop the marker cells."""
        nb.cells = [cell for cell in nb.cells if not is_papermill_marker(cell)]
        return nb, resources


class StopAtFailure(Preprocessor):
    """Keep the cells up to the one that raised; drop its error output and the cells after it.

    The failing cell is flagged in its metadata so the template can say where execution
    stopped; the error itself is shown in the failure box at the top of the report.
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Truncate the notebook at the failing cell."""
        position = find_failing_cell(nb)
        if position is None:
            return nb, resources
        cell = nb.cells[position]
        cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"]
        cell.metadata[REPORT_METADATA_KEY] = {
            "failed": True,
            "skipped_cells": len(nb.cells) - position - 1,
        }
        nb.cells = nb.cells[: position + 1]
        return nb, resources


class DropTitleHeading(Preprocessor):
    """Remove the ``# Title`` line of the first cell: the report header shows the title."""

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Strip the leading H1 (and the whole cell when nothing else is left)."""
        if not nb.cells or nb.cells[0].get("cell_type") != "markdown":
            return nb, resources
        lines = nb.cells[0].source.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None or not _H1.match(lines[first]):
            return nb, resources
        rest = "\n".join(lines[first + 1 :]).strip("\n")
        if rest.strip():
            nb.cells[0].source = rest
        else:
            nb.cells = nb.cells[1:]
        return nb, resources


class NumericTablePreprocessor(Preprocessor):
    """Mark numeric columns of HTML table outputs (see :func:`mark_numeric_cells`)."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Rewrite the ``text/html`` outputs of one cell."""
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html")
            if html:
                text = "".join(html) if isinstance(html, list) else html
                data["text/html"] = mark_numeric_cells(text)
        return cell, resources


class CollectHeadings(Preprocessor):
    """Store the ``##``/``###`` headings of the markdown cells in ``resources["report_toc"]``."""

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Collect the headings of the cells that survived the earlier preprocessors."""
        headings = [
            heading
            for cell in nb.cells
            if cell.get("cell_type") == "markdown"
            for heading in markdown_headings(cell.source)
        ]
        resources["report_toc"] = nest_headings(headings)
        return nb, resources


# ----------------------------------------------------------------------------- report context


def _parameters(nb: NotebookNode, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Run parameters: the manifest's, else the ones papermill recorded in the notebook."""
    params = manifest.get("parameters")
    if isinstance(params, Mapping):
        return dict(params)
    recorded = nb.metadata.get("papermill", {}).get("parameters", {})
    return dict(recorded) if isinstance(recorded, Mapping) else {}


def _inputs(manifest: Mapping[str, Any]) -> list[dict[str, str]]:
    """Input files for the appendix, with shortened SHA-256."""
    rows = []
    for item in manifest.get("inputs") or []:
        if not isinstance(item, Mapping):
            continue
        sha = str(item.get("sha256") or "")
        rows.append(
            {
                "path": str(item.get("path") or ""),
                "size": format_bytes(item.get("bytes")),
                "sha256": sha,
                "sha_short": sha[:SHORT_SHA],
            }
        )
    return rows


def _git(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Git commit (full and short) and a human description of the dirty flag."""
    git = manifest.get("git")
    git = git if isinstance(git, Mapping) else {}
    commit = str(git.get("commit") or "")
    dirty = git.get("dirty")
    state = {True: "uncommitted changes", False: "clean"}.get(dirty, "") if commit else ""
    return {"commit": commit, "short": commit[:SHORT_SHA], "dirty": dirty, "state": state}


def _output_links(manifest: Mapping[str, Any]) -> list[dict[str, str]]:
    """Relative links to the run's tables and figures (the report sits in the run folder)."""
    outputs = manifest.get("outputs")
    outputs = outputs if isinstance(outputs, Mapping) else {}
    links = []
    for folder in ("tables", "figures"):
        for name in outputs.get(folder) or []:
            path = f"{folder}/{name}"
            links.append({"text": path, "href": quote(path)})
    return links


def build_context(
    nb: NotebookNode, manifest: Mapping[str, Any], failure: FailureInfo | None
) -> dict[str, Any]:
    """Everything the template's header, failure box and appendix display.

    Parameters
    ----------
    nb
        The executed notebook (before preprocessing).
    manifest
        The run manifest; missing fields are shown as unknown.
    failure
        Failure details, or ``None`` for a successful run.

    Returns
    -------
    dict
        Plain strings, lists and dicts, ready for the template (which escapes them).
    """
    params = _parameters(nb, manifest)
    finished = manifest.get("finished") or manifest.get("started")
    status = run_status(nb, manifest)
    packages = manifest.get("packages")
    packages = packages if isinstance(packages, Mapping) else {}
    title = manifest.get("title") or notebook_title(nb) or manifest.get("notebook_stem")
    return {
        "title": str(title or "Report"),
        "notebook": str(manifest.get("notebook") or ""),
        "run_id": str(manifest.get("run_id") or ""),
        "dataset": format_value(params["dataset"]) if "dataset" in params else "",
        "parameters": [{"name": str(k), "value": format_value(v)} for k, v in params.items()],
        "run_date": format_timestamp(finished),
        "run_date_iso": str(finished or ""),
        "status": status,
        "status_class": re.sub(r"[^a-z0-9-]", "", status.lower()) or "unknown",
        "failure": failure,
        "inputs": _inputs(manifest),
        "git": _git(manifest),
        "python": str(manifest.get("python") or ""),
        "platform": str(manifest.get("platform") or ""),
        "packages": [{"name": str(k), "version": str(v)} for k, v in sorted(packages.items())],
        "started": format_timestamp(manifest.get("started")),
        "finished": format_timestamp(manifest.get("finished")),
        "duration": format_duration(manifest.get("duration_seconds")),
        "seed": "" if manifest.get("seed") is None else format_value(manifest.get("seed")),
        "command": str(manifest.get("command") or ""),
        "outputs": _output_links(manifest),
    }


# ----------------------------------------------------------------------------- offline guard

_RESOURCE_ATTRIBUTES = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "frame": "src",
    "embed": "src",
    "source": "src",
    "track": "src",
    "audio": "src",
    "video": "src",
    "input": "src",
    "object": "data",
}
_CSS_IMPORT = re.compile(r"@import\s+[^;]+;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<url>[^)'\"]*)\1\s*\)", re.IGNORECASE)


def is_external(url: str) -> bool:
    """Whether a resource URL needs another host (anything but ``data:`` and relative paths).

    Parameters
    ----------
    url
        An attribute value such as ``src`` or ``href``.

    Returns
    -------
    bool
        ``True`` for ``http(s):``, protocol-relative ``//host`` and other schemed URLs.
    """
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = urlsplit(url).scheme.lower()
    return bool(scheme) and scheme != "data"


def _offline_css(css: str) -> str:
    """Drop ``@import`` rules and ``url()`` references to other hosts from a stylesheet."""
    css = _CSS_IMPORT.sub("", css)
    return _CSS_URL.sub(lambda m: "none" if is_external(m.group("url")) else m.group(0), css)


def _drop_external_element(element: Tag, url: str, soup: BeautifulSoup) -> None:
    """Remove an element that loads ``url``; images leave their alt text behind."""
    log.warning("Removed <%s> loading %s: the report must work offline", element.name, url)
    if element.name == "img":
        note = soup.new_tag("span", attrs={"class": "report-removed"})
        note.string = element.get("alt") or f"[image from {url} not embedded]"
        element.replace_with(note)
    else:
        element.decompose()


def enforce_offline(html: str) -> str:
    """Remove whatever in a page would be fetched from another host.

    Elements loading an external resource are removed (images are replaced by their alt
    text), ``@import`` and external ``url()`` are removed from stylesheets and ``style``
    attributes, and inline scripts mentioning ``http(s)://`` are dropped. Ordinary hyperlinks
    (``<a href>``) are kept: they are not fetched when the page is opened.

    Parameters
    ----------
    html
        A complete HTML page.

    Returns
    -------
    str
        The page, safe to open offline.
    """
    soup = BeautifulSoup(html, "html.parser")
    for name, attribute in _RESOURCE_ATTRIBUTES.items():
        for element in soup.find_all(name):
            url = element.get(attribute)
            if isinstance(url, str) and is_external(url):
                _drop_external_element(element, url, soup)
            elif element.get("srcset") and "//" in str(element.get("srcset")):
                del element["srcset"]
    for script in soup.find_all("script"):
        if re.search(r"https?://|import\s*\(\s*['\"]//", script.get_text()):
            log.warning("Removed an inline script that loads code from the network")
            script.decompose()
    for style in soup.find_all("style"):
        css = style.get_text()
        if _offline_css(css) != css:
            style.string = _offline_css(css)
    for element in soup.find_all(style=True):
        element["style"] = _offline_css(str(element["style"]))
    return str(soup)


# ----------------------------------------------------------------------------- export


def make_exporter(stop_at_failure: bool) -> HTMLExporter:
    """An :class:`~nbconvert.HTMLExporter` set up with the ``report`` template and preprocessors.

    Parameters
    ----------
    stop_at_failure
        Whether to truncate the notebook at the failing cell (failed runs).

    Returns
    -------
    HTMLExporter
        Ready to call ``from_notebook_node``.
    """
    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    tag_remover = TagRemovePreprocessor(
        remove_cell_tags=set(REMOVED_CELL_TAGS),
        remove_all_outputs_tags=set(REMOVED_OUTPUT_TAGS),
        enabled=True,
    )
    preprocessors = [
        DropPapermillMarkers(enabled=True),
        StopAtFailure(enabled=stop_at_failure),
        tag_remover,
        DropTitleHeading(enabled=True),
        NumericTablePreprocessor(enabled=True),
        CollectHeadings(enabled=True),
    ]
    for preprocessor in preprocessors:
        exporter.register_preprocessor(preprocessor, enabled=preprocessor.enabled)
    return exporter


def render_report(nb: NotebookNode, manifest: Mapping[str, Any], notebook_dir: Path) -> str:
    """Render an executed notebook to the report page (no file written).

    Parameters
    ----------
    nb
        The executed notebook; it is not modified.
    manifest
        The run manifest.
    notebook_dir
        Folder the notebook lives in (resolves relative images in markdown).

    Returns
    -------
    str
        The complete, offline HTML page.
    """
    failure = describe_failure(nb, manifest)
    resources = {
        "metadata": {"name": manifest.get("notebook_stem") or "report", "path": str(notebook_dir)},
        "report": build_context(nb, manifest, failure),
        "report_css": HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs(".highlight"),
    }
    exporter = make_exporter(stop_at_failure=failure is not None)
    body, _ = exporter.from_notebook_node(nbformat.from_dict(nb), resources=resources)
    return enforce_offline(body)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file in the same folder.

    Readers never see a half-written file, and concurrent writers do not interleave.

    Parameters
    ----------
    path
        Destination file; its folder is created when missing.
    text
        Content to write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("x", encoding="utf-8") as stream:  # honours the umask, unlike mkstemp
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def notebook_to_html(
    notebook_path: str | os.PathLike[str],
    manifest: Mapping[str, Any] | None,
    out_path: str | os.PathLike[str],
) -> Path:
    """Export an executed notebook to a self-contained HTML report.

    Parameters
    ----------
    notebook_path
        The notebook executed by papermill (successful or failed run).
    manifest
        The run manifest (see the runner's contract); missing fields are tolerated.
    out_path
        Where to write the report, usually ``reports/<stem>/<run-id>/report.html``.

    Returns
    -------
    Path
        ``out_path``.

    Notes
    -----
    The page needs no network: no external scripts, stylesheets or fonts, images as data URIs.
    Code is never shown, except the source of the failing cell of a failed run.
    """
    notebook_path = Path(notebook_path)
    nb = nbformat.read(notebook_path, as_version=4)
    html = render_report(nb, dict(manifest or {}), notebook_path.resolve().parent)
    out = Path(out_path)
    write_atomically(out, html)
    return out
