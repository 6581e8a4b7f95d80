"""Notebook title and the table of contents: ``#`` and ``##``/``###`` headings as nbconvert renders them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat import NotebookNode

from research.run.export.failure import is_papermill_marker

H1_LINE = re.compile(r"^\s{0,3}#(?!#)\s*(?P<title>.+?)\s*#*\s*$")
"""A markdown ``# Title`` line."""


_REPORT_HEADING = re.compile(r'class="report-title-block" data-heading="([^"]*)"')


def report_heading(nb: NotebookNode) -> str | None:
    """The heading of the report's title block (topic, organisation and period), if shown.

    :class:`research.present.report.TitleBlock` writes it, escaped, into a ``data-heading``
    attribute of its output; it becomes the page's title and ``<h1>`` so that every report page
    names what and whom it is about.
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            match = _REPORT_HEADING.search("".join(text) if isinstance(text, list) else text)
            if match:
                return html.unescape(match.group(1))
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
        match = H1_LINE.match(first_line)
        return match.group("title") if match else None
    return None


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
