"""The accessibility gate: every report of a representative run meets WCAG 2.2 AA as far as a
machine can tell.

One module fixture runs every report notebook once on a small synthetic workforce (the council
benchmark on its bundled GOV.UK data, for one council), two at a time, and
builds the site (index and accessibility statement). Each page is then opened in Debian's
Chromium through Playwright (one browser, one page) and checked:

- axe-core (bundled by ``axe-playwright-python``) finds no violation of the rules tagged wcag2a,
  wcag2aa, wcag21a, wcag21aa and wcag22aa;
- what axe cannot judge: no nbconvert placeholder alt text; every chart has alt text and its
  table (beside it in a ``<details>``, or the next item on the page, linked); every table has a
  caption; at a viewport 320 CSS pixels wide the page does not scroll sideways (WCAG 1.4.10);
- every page title is unique and a report's names topic, organisation and period;
- no published table shows an internal column name or a sex code, and every report links the
  accessibility statement.

The statement (``reports/accessibility.html``) says what these tests check: keep it true.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from research.run.runner import run_notebook
from research.run.site import build_index

pytestmark = pytest.mark.notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SYNTHETIC = "synthetic:n_employees=600,seed=11"
RUNS = {
    "00_data_audit": ("00_data_audit", {"dataset": SYNTHETIC}),
    "10_pay_gap": ("10_pay_gap", {"dataset": SYNTHETIC, "n_boot": 20, "eu_indicators": "yes"}),
    "20_segregation": ("20_segregation", {"dataset": SYNTHETIC, "n_boot": 20}),
    "30_decomposition": ("30_decomposition", {"dataset": SYNTHETIC, "n_boot": 20}),
    "40_equal_pay_audit": ("40_equal_pay_audit", {"dataset": SYNTHETIC}),
    "50_pay_structure_eia": (
        "50_pay_structure_eia",
        {"dataset": SYNTHETIC, "author": "Pay and reward team", "contact": "pay@example.org"},
    ),
    "60_leeds": ("60_council_benchmark", {"employer": "Leeds City Council", "year": "latest"}),
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PLACEHOLDER_ALT = "No description has been provided"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
"""An internal name such as ``mean_gap_basic`` or ``full_time``."""
WITH_TITLE = re.compile(r"^[A-Z][^()]*\([a-z][a-z0-9_]*\)$")
"""A data column shown with its title, "Annual basic pay (annual_basic_pay)": allowed."""
SEX_CODES = {"F", "M", "X", "U"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, Path]:
    """Every report of a representative run, and the site built over them: name -> page."""
    reports = tmp_path_factory.mktemp("a11y") / "reports"
    context = multiprocessing.get_context("spawn")  # a run sets environment variables
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {
            name: pool.submit(
                run_notebook, NOTEBOOKS / f"{stem}.ipynb", params, reports=reports, index=False
            )
            for name, (stem, params) in RUNS.items()
        }
        runs = {name: future.result() for name, future in futures.items()}
    failed = {name: run.error for name, run in runs.items() if not run.ok}
    assert not failed, failed
    build_index(reports)
    pages = {name: run.html for name, run in runs.items()}
    pages["index"] = reports / "index.html"
    pages["accessibility"] = reports / "accessibility.html"
    return pages


@pytest.fixture(scope="module")
def page(chromium):
    """One headless Chromium page for the whole module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        # axe is injected by the test: the pages' own policy forbids every script
        opened = browser.new_context(bypass_csp=True).new_page()
        yield opened
        browser.close()


@pytest.fixture(scope="module")
def seen(site, page) -> dict[str, dict]:
    """Each page opened once: axe's violations at 1280 px and what the page shows at 320 px."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    found = {}
    for name, path in site.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path.as_uri())
        violations = axe.run(page, options=options).response["violations"]
        page.set_viewport_size({"width": 320, "height": 640})
        found[name] = {
            "violations": violations,
            "title": page.title(),
            "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
            "wide": page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > 321
                            && !e.closest('.table-scroll'))
                  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            ),
        }
    return found


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def reports(site: dict[str, Path]) -> dict[str, Path]:
    return {name: path for name, path in site.items() if path.name == "report.html"}


# ----------------------------------------------------------------------------- axe


def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(seen):
    problems = [
        f"{name}: {v['id']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}): {v['help']}"
        for name, result in seen.items()
        for v in result["violations"]
    ]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- beyond axe


def test_no_page_scrolls_sideways_at_320_css_pixels(seen):
    wide = {n: (r["scroll_width"], r["wide"]) for n, r in seen.items() if r["scroll_width"] > 320}
    assert not wide, wide


def test_page_titles_are_unique_and_name_topic_organisation_and_period(seen, site):
    titles = [result["title"] for result in seen.values()]
    assert len(set(titles)) == len(titles), titles
    for name in reports(site):
        heading = soup(site[name]).find("h1").get_text(" ", strip=True)
        assert seen[name]["title"].startswith(heading)
        assert re.match(r"^[^:]+: .+, .*\d{4}", heading), heading  # "<topic>: <org>, <period>"
    assert "snapshot 31 March 2025" in seen["10_pay_gap"]["title"]
    assert "Leeds City Council" in seen["60_leeds"]["title"]


def test_no_placeholder_alt_text_and_every_chart_has_alt_text_and_its_table(site):
    charts = 0
    for name, path in site.items():
        page = soup(path)
        assert PLACEHOLDER_ALT not in str(page), name
        for image in page.find_all(["img", "svg"]):
            alt = image.get("alt") if image.name == "img" else image.get("aria-label")
            assert alt and len(alt.strip()) >= 20, (name, str(image)[:120])
        for figure in page.select("figure.report-figure"):
            charts += 1
            link = figure.find("figcaption").find("a", href=True)
            target = page.find(id=link["href"][1:])
            assert target is not None and target.name == "table", (name, figure["id"])
            inside = figure.find("table") is target
            beside = _next_to(page, figure, target)
            assert inside or beside, f"{name}: the table of {figure['id']} is not beside it"
    # the checks above ran on the charts of every report; how many charts there are depends on
    # which counts disclosure control leaves publishable, and so on the order in which the runs,
    # two at a time, publish theirs into one reports folder (the ledger): not a fixed number
    assert charts >= 15


def _next_to(page, figure, table) -> bool:
    items = [
        e
        for e in page.select("h2, h3, figure.report-figure, table.report-table")
        if e.name == "figure" or e.find_parent("figure") is None
    ]
    position = items.index(figure)
    return table in items[max(0, position - 1) : position + 2]


def test_every_table_has_a_caption_and_header_scopes(site):
    tables = 0
    for name, path in site.items():
        for table in soup(path).find_all("table"):
            tables += 1
            caption = table.find("caption")
            assert caption and caption.get_text(strip=True), (name, str(table)[:160])
            for header in table.find_all("th"):
                assert header.get("scope") in {"col", "row"}, (name, str(header)[:120])
                assert header.get_text(strip=True), (name, "empty header", caption.get_text())
            assert table.select("tbody th[scope=row]"), (name, caption.get_text())
    assert tables >= 100


def test_published_tables_show_no_internal_names_or_sex_codes(site):
    """Headers and cells of the reports' own tables (not the appendix, which records how the
    run was made) use words: no ``snake_case`` name unless shown with its title, and no F/M
    where a column holds sex."""
    for name, path in reports(site).items():
        body = soup(path).find(id="report-body")
        for table in body.select("table.report-table"):
            caption = table.find("caption").get_text(" ", strip=True)
            headers = [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]
            for text in [caption, *headers]:
                assert not SNAKE_CASE.search(text) or WITH_TITLE.match(text), (name, text)
            sex_columns = {i for i, h in enumerate(headers) if "sex" in h.lower()}
            for row in table.select("tbody tr"):
                for i, cell in enumerate(row.find_all(["th", "td"])):
                    text = " ".join(cell.get_text(" ").split())
                    assert not SNAKE_CASE.search(text) or WITH_TITLE.match(text), (
                        name,
                        caption,
                        text,
                    )
                    assert i not in sex_columns or text not in SEX_CODES, (name, caption, text)
                    assert text not in {"nan", "NaN", "None", "<NA>", "True", "False"}, (
                        name,
                        caption,
                    )


def test_committee_front_about_box_then_findings_then_contents(site):
    page = soup(site["50_pay_structure_eia"])
    order = [e.get("id") for e in page.select("#report-body h2")]
    assert order[:4] == [
        "report-about-title",
        "Key-findings",
        "report-contents-title",
        "what-this-report-covers",
    ]
    about = page.find(class_="report-about").get_text(" ", strip=True)
    assert "Author Pay and reward team" in about and "Contact pay@example.org" in about
    assert "Author" not in soup(site["10_pay_gap"]).find(class_="report-about").get_text()
    header = page.find(id="report-header").get_text(" ", strip=True)
    assert "min_cell" not in header and "min_cell" in page.find(id="report-manifest").get_text()


def test_the_accessibility_statement_is_linked_from_the_index_and_every_report(site):
    statement = site["accessibility"]
    assert "WCAG" in statement.read_text(encoding="utf-8")
    for name, path in site.items():
        if name == "accessibility":
            continue
        links = [a["href"] for a in soup(path).find_all("a", href=True)]
        targets = {(path.parent / href).resolve() for href in links if "accessibility" in href}
        assert targets == {statement.resolve()}, (name, links[-3:])


# ----------------------------------------------------------------------------- chart colours


def test_chart_colours_contrast_with_the_background_and_bar_labels_with_their_bar():
    from research.decomposition.plots import PART_COLOURS
    from research.gpg.plots import ALL_COLOUR, QUARTER_COLOURS, SECTOR_PALETTE
    from research.present.plots import SEX_PALETTE, contrast, label_colour
    from research.segregation.figures import DIMENSION_COLOURS

    meaningful = [
        *SEX_PALETTE.values(),
        *PART_COLOURS.values(),
        *QUARTER_COLOURS.values(),
        *SECTOR_PALETTE.values(),
        ALL_COLOUR,
        *DIMENSION_COLOURS,
    ]
    low = {c: round(contrast(c), 2) for c in meaningful if contrast(c) < 3}
    assert not low, f"colours below 3:1 on white: {low}"
    for bar in SEX_PALETTE.values():
        assert contrast(label_colour(bar), bar) >= 4.5, bar
    assert contrast("#D55E00", "#FFFFFF") == pytest.approx(3.83, abs=0.05)  # why white failed
