"""The HTML exporter: an executed notebook to a self-contained, offline report page.

Export an executed notebook to a self-contained, offline HTML report.

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

A report page runs no script: :func:`strip_active_content` removes scripts, event-handler
attributes and ``javascript:`` links that an output might hold, and the page carries a
Content-Security-Policy (:mod:`~research.run.export.csp`) with ``script-src 'none'``. All text from
data reaches the page escaped: report items escape their own HTML
(:mod:`research.present.report`), the template escapes every value it shows with ``|e``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from nbformat import NotebookNode
from pygments.formatters import HtmlFormatter
from traitlets.config import Config

from research.run.export.context import build_context
from research.run.export.csp import add_policy
from research.run.export.failure import describe_failure, find_failing_cell, is_papermill_marker
from research.run.export.figures import figure_tables_tree
from research.run.export.files import write_atomically
from research.run.export.offline import inert_tree, offline_tree
from research.run.export.tables import mark_numeric_cells
from research.run.export.toc import H1_LINE, markdown_headings, nest_headings

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
"""Folder holding the nbconvert template ``report`` (and the site template)."""

TEMPLATE_NAME = "report"

REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
"""Cells carrying one of these tags vanish from the report (input and outputs)."""

REMOVED_OUTPUT_TAGS = frozenset({"remove-output"})

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

PYGMENTS_STYLE = "default"
"""Highlighting style for the failing cell's source (the only code a report shows)."""

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
        if first is None or not H1_LINE.match(lines[first]):
            return nb, resources
        rest = "\n".join(lines[first + 1 :]).strip("\n")
        if rest.strip():
            nb.cells[0].source = rest
        else:
            nb.cells = nb.cells[1:]
        return nb, resources


def _html_outputs(cell: NotebookNode) -> str:
    """The ``text/html`` outputs of a cell, joined."""
    parts = []
    for output in cell.get("outputs", []):
        html = output.get("data", {}).get("text/html", "")
        parts.append("".join(html) if isinstance(html, list) else html)
    return "".join(parts)


class CommitteeOrder(Preprocessor):
    """Key findings first: the notebook's introduction moves after them.

    A report notebook opens with an introduction, then the cell that builds the report and shows
    its title block (the "About this report" box), then "Key findings". A committee reads the
    box and the findings first: the introduction moves right after the findings cell, where the
    template puts the contents and a heading "What this report covers" before it. A notebook
    without a key-findings output (or whose first cell is already a section) keeps its order.
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Move the introduction cell after the key findings."""
        cells = nb.cells
        findings = next(
            (i for i, c in enumerate(cells) if 'class="key-findings"' in _html_outputs(c)), None
        )
        intro = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), None)
        if findings is None or intro is None or intro > findings:
            return nb, resources
        if cells[intro].source.lstrip().startswith("#"):  # a section, not an introduction
            return nb, resources
        cell = cells.pop(intro)
        cell.metadata[REPORT_METADATA_KEY] = {
            **cell.metadata.get(REPORT_METADATA_KEY, {}),
            "intro": True,
        }
        cells.insert(findings, cell)
        resources["report_intro_moved"] = True
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


# ----------------------------------------------------------------------------- export


@functools.cache
def _exporter(stop_at_failure: bool) -> HTMLExporter:
    """One exporter per kind, kept: its templates are compiled once per process (a workbench
    session exports many reports). Its preprocessors keep no state between notebooks."""
    return make_exporter(stop_at_failure)


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
        CommitteeOrder(enabled=True),
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
    exporter = _exporter(stop_at_failure=failure is not None)
    body, _ = exporter.from_notebook_node(nbformat.from_dict(nb), resources=resources)
    return add_policy(_finish(body))


def _finish(body: str) -> str:
    """The exported page, parsed once: chart tables placed, made offline and inert."""
    soup = BeautifulSoup(body, "html.parser")
    figure_tables_tree(soup)
    offline_tree(soup)
    inert_tree(soup)
    return str(soup)


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
