"""Numeric marking of HTML tables: ``class="num"`` on numeric columns so they align right."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

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
