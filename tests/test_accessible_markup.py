"""The markup behind the accessibility gate, on small hand-made cases (no browser, no notebook):
the "About this report" box, charts with their table, table regions, the committee order of a
report page and the chart palette helpers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402

from research.present.plots import contrast, label_colour  # noqa: E402
from research.present.report import (  # noqa: E402
    MIN_FONT_PT,
    Figure,
    Report,
    Section,
    Table,
    TitleBlock,
    columns,
    findings,
)
from research.present.wording import title_block  # noqa: E402
from research.run.export import render_report  # noqa: E402
from research.run.export.figures import place_figure_tables  # noqa: E402


def table() -> Table:
    data = pd.DataFrame({"grade": ["Grade 1", "Grade 2"], "pct": [61.0, 48.0]})
    return Table(
        "share",
        data,
        "Women's share by grade",
        columns(("grade", "Grade"), ("pct", "Women (%)", "pct")),
    )


def figure(name: str = "share_chart") -> Figure:
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar(["Grade 1", "Grade 2"], [61, 48])
    ax.set_title("Tiny title", fontsize=6)
    return Figure(
        name, fig, alt="Bar chart of women's share: Grade 1 61%, Grade 2 48%.", table="share"
    )


def test_the_title_names_the_snapshot_and_the_box_shows_author_and_contact_only_when_given():
    data = pd.DataFrame({"employer": ["City of Cincinnati"], "snapshot_date": ["2020-12-01"]})
    block = title_block(data, "Gender pay gap")
    assert block.heading == "Gender pay gap: City of Cincinnati, snapshot 1 December 2020"
    assert ("Snapshot date", "1 December 2020") in block.lines()
    box = BeautifulSoup(block.to_html(), "html.parser")
    assert box.section.h2.get_text() == "About this report"
    assert "Author" not in box.get_text() and "Contact" not in box.get_text()
    signed = BeautifulSoup(block.signed("Pay team", " pay@example.org ").to_html(), "html.parser")
    assert [dt.get_text() for dt in signed.find_all("dt")][-2:] == ["Author", "Contact"]
    assert signed.find_all("dd")[-1].get_text() == "pay@example.org"
    two = pd.DataFrame({"employer": ["A"] * 2, "snapshot_date": ["2024-03-31", "2025-03-31"]})
    assert title_block(two, "Segregation").heading.endswith(
        "snapshots 31 March 2024 to 31 March 2025"
    )
    given = TitleBlock("Benchmark", "Leeds City Council", "2024-25", "GOV.UK")
    assert given.heading == "Benchmark: Leeds City Council, 2024-25"


def test_a_table_scrolls_in_its_own_labelled_focusable_region():
    soup = BeautifulSoup(table().to_html(), "html.parser")
    region = soup.find("div", class_="table-scroll")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert soup.find(id=region["aria-labelledby"]).name == "caption"
    assert [th["scope"] for th in soup.find_all("th")] == ["col", "col", "row", "row"]


def test_a_chart_in_a_report_carries_its_table_and_readable_text():
    chart = figure()
    Report(TitleBlock("T", "O", "P", "D"), findings([]), (Section("s", "S?", (table(), chart)),))
    assert chart.data_table is not None and chart.data_table.name == "share"
    soup = BeautifulSoup(chart.to_html(), "html.parser")
    copy = soup.find("details", class_="figure-data").find("table")
    assert copy["id"] == "figure-share_chart-table" and copy.caption
    assert soup.figcaption.a["href"] == "#figure-share_chart-table"
    assert all(
        t.get_fontsize() >= MIN_FONT_PT for t in chart.figure.texts + [chart.figure.axes[0].title]
    )
    width, height = chart.css_size()
    assert (
        int(soup.img["width"]) == width and 400 <= width <= 520
    )  # 4 in (less the tight crop) at 128 px an inch
    assert chart.dpi >= 200


@pytest.mark.parametrize("before", [True, False])
def test_the_copy_of_a_table_shown_next_to_its_chart_is_dropped(before):
    chart = figure()
    Report(TitleBlock("T", "O", "P", "D"), findings([]), (Section("s", "S?", (table(), chart)),))
    parts = [table().to_html(), chart.to_html()]
    page = "".join(parts if before else parts[::-1])
    soup = BeautifulSoup(place_figure_tables(page), "html.parser")
    assert soup.find("details") is None
    link = soup.figcaption.a
    assert link["href"] == "#table-share"
    assert ("above" if before else "below") in soup.figcaption.get_text()
    apart = "".join([table().to_html(), "<h2>Another question</h2>", chart.to_html()])
    assert BeautifulSoup(place_figure_tables(apart), "html.parser").find("details") is not None


def test_the_page_shows_the_about_box_and_findings_before_the_introduction():
    nb = nbformat.v4.new_notebook()
    title = TitleBlock("Pay gap", "Borough", "31 March 2025", "Payroll")
    about = {"text/html": title.to_html(), "text/plain": "title"}
    found = {"text/html": findings(["Women earn less."]).to_html(), "text/plain": "findings"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Pay gap\n\nINTRODUCTION of the report."),
        nbformat.v4.new_code_cell(
            "show(report.title)", outputs=[nbformat.v4.new_output("display_data", data=about)]
        ),
        nbformat.v4.new_markdown_cell("## Key findings"),
        nbformat.v4.new_code_cell(
            "show(report.findings)", outputs=[nbformat.v4.new_output("display_data", data=found)]
        ),
        nbformat.v4.new_markdown_cell("## How large is the gap?\n\nText."),
    ]
    page = render_report(nb, {"parameters": {"dataset": "x", "min_cell": 10}}, "/tmp")
    body = page[page.index('id="report-body"') :]
    order = [
        body.index(s)
        for s in (
            "About this report",
            "Women earn less.",
            "Contents",
            "INTRODUCTION",
            '<h2 id="How-large',
        )
    ]
    assert order == sorted(order)
    assert page.index("min_cell") > page.index('id="report-manifest"')
    assert "<title>Pay gap: Borough, 31 March 2025" in page


def test_bar_labels_take_the_colour_that_contrasts_most():
    assert label_colour("#D55E00") == "#000000" and contrast("#000000", "#D55E00") >= 4.5
    assert label_colour("#0072B2") == "#FFFFFF" and contrast("#FFFFFF", "#0072B2") >= 4.5
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21)


def _quartile_chart():
    from research.present import plots

    quartiles = pd.DataFrame(
        {"band": ["upper", "upper_middle", "lower_middle", "lower"], "pct_female": [53, 50, 83, 90]}
    )
    ax = plots.quartile_bars(quartiles)
    ax.set_xlabel("Share of employees in the quarter (%)")
    return ax


def _waterfall_chart():
    from research.decomposition.plots import PART_COLOURS, PART_LABELS
    from research.present.plots import legend_below

    _, ax = plt.subplots(figsize=(7.5, 3.5))
    ax.barh(["Occupation", "Grade", "Unexplained"], [12.5, 3.2, 16.5])
    ax.set_xlabel("Log points (about % of annual basic pay)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=PART_COLOURS[k]) for k in PART_COLOURS]
    legend_below(ax, handles, [PART_LABELS[k] for k in PART_COLOURS], ncol=3, fontsize=8)
    return ax


@pytest.mark.parametrize("chart", [_quartile_chart, _waterfall_chart])
@pytest.mark.parametrize("note_words", [2, 80])
def test_a_legend_below_the_axes_stays_clear_of_the_axis_label(chart, note_words):
    """A long source note shortens the axes; the legend must not slide onto the axis label."""
    from research.present import plots

    ax = chart()
    plots.source_note(ax, " ".join(["words"] * note_words))
    chart = Figure("quartiles", ax, alt="Stacked bars of women's and men's shares.", table="q")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    chart.png  # noqa: B018  (drawn as published)
    renderer = FigureCanvasAgg(chart.figure).get_renderer()
    label = ax.xaxis.label.get_window_extent(renderer)
    ticks = ax.xaxis.get_tightbbox(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 < label.y0 and legend.y1 < ticks.y0  # wholly below the label and ticks
    note = chart.figure.texts[-1].get_window_extent(renderer)
    assert note.y1 < legend.y0  # and above the source note


def test_a_money_column_in_another_currency_than_its_table_is_refused():
    """A column headed "(USD)" in a table formatted in pounds showed "£10.85" for dollars."""
    from research.present.report import ReportError

    data = pd.DataFrame({"grade": ["G1"], "pay": [10.85]})
    spec = columns(("grade", "Grade"), ("pay", "Median (USD)", "money2", "USD"))
    with pytest.raises(ReportError, match="currency='USD'"):
        Table("pay", data, "Median pay", spec)
    shown = Table("pay", data, "Median pay", spec, currency="USD").formatted()
    assert shown["Median (USD)"].tolist() == ["$10.85"]
