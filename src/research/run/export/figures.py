"""Each chart with its table beside it, shown once.

A report figure (:class:`research.present.report.Figure`) carries its table in a ``<details>``
element, so that the numbers of every chart are next to it wherever the notebook shows it. When
the notebook shows that same table right before or right after the chart (no heading, table or
chart in between), the copy is dropped and the caption says where the table is ("above" or
"below") with a link to it; otherwise the collapsed copy stays.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

ITEMS = "h1, h2, h3, h4, figure.report-figure, table.report-table, p.report-note"
"""What separates a chart from a table: headings and other report items."""


def _outside_figures(element: Tag) -> bool:
    return element.name == "figure" or element.find_parent("figure") is None


def place_figure_tables(html: str) -> str:
    """Drop a chart's copy of its table when the page shows the table next to it.

    Parameters
    ----------
    html
        A report page.

    Returns
    -------
    str
        The page; unchanged when it holds no report figure.
    """
    if "report-figure" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    figure_tables_tree(soup)
    return str(soup)


def figure_tables_tree(soup: BeautifulSoup) -> None:
    """:func:`place_figure_tables` on a parsed page, in place."""
    items = [e for e in soup.select(ITEMS) if _outside_figures(e)]
    for position, figure in enumerate(items):
        if figure.name != "figure" or figure.find("details", class_="figure-data") is None:
            continue
        wanted = f"table-{figure.get('data-table', '')}"
        for step, where in ((-1, "above"), (1, "below")):
            near = position + step
            if 0 <= near < len(items) and items[near].get("id") == wanted:
                figure.find("details", class_="figure-data").decompose()
                link = figure.find("figcaption").find("a")
                link["href"] = f"#{wanted}"
                link.insert_before(f"{where}, ")
                break
