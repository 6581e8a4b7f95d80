"""The formats councils publish (issue 14, item 4): CSV, spreadsheet, download links and PDF.

A tiny notebook publishes a title block and two tables holding every numeric format, suppressed
cells, missing values, "not in the data" and formula-like text; the run is checked file by file:
the CSVs (rounded as declared, shorthand explained in ``tables/_notes.csv``, text neutralised),
``report.xlsx`` read back with openpyxl (cover, contents, notes, one marked-up table per sheet
with the CSV's values), the links beside each table, and ``research pdf`` (A4, tagged, "Page N of
M" in the footer) through Debian's Chromium.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pdf_text import page_texts
from tiny_notebooks import make_notebook
from typer.testing import CliRunner

from research.present.report import Table, columns
from research.present.show import csv_frame, csv_value
from research.run.cli import app
from research.run.runner import run_notebook
from research.run.site import build_index

CHROMIUM = Path("/usr/bin/chromium")
A4 = (595.28, 841.89)  # points

SETUP = """
import pandas as pd
from research.present.report import Table, TitleBlock, columns
from research.present.show import show

show(TitleBlock("Gender pay gap", "Testshire Council", "31 March 2025", "Test extract",
                details=(("Contact", "statistics@testshire.example"),)))
n = 70
grades = [f"Grade {i:02d}" for i in range(1, n + 1)]
pay = pd.DataFrame({
    "grade": grades,
    "n": [10 + i for i in range(n)],
    "share": [12.345 + i for i in range(n)],
    "hourly": [12.3456 + i for i in range(n)],
    "annual": [23456.7 + 1000 * i for i in range(n)],
    "index": [0.12345] * n,
    "flag": [i % 2 == 0 for i in range(n)],
    "title": ["Clerk"] * n,
}).astype(object)
pay.loc[1, ["n", "share", "hourly"]] = "[c]"
pay.loc[2, "hourly"] = None
pay.loc[3, "annual"] = "not in the data"
pay.loc[4, "share"] = -0.04
pay.loc[5, "title"] = '=HYPERLINK("http://x")'
show(Table("pay_by_grade", pay, "Pay by grade, lowest first.", columns(
    ("grade", "Grade"), ("n", "Employees", "int"), ("share", "Women", "pct", "%"),
    ("hourly", "Median hourly pay", "money2", "GBP per hour"),
    ("annual", "Mean annual pay", "money", "GBP"), ("index", "Index", "float3"),
    ("flag", "Flagged", "yesno"), ("title", "Job title")),
    notes=("Groups with fewer than 10 women or men are shown as [c].",)))
show(Table("summary", pd.DataFrame({"measure": ["Mean gap", "Median gap"], "value": [5.06, -1.04]}),
           "Headline gaps.", columns(("measure", "Measure"), ("value", "Gap", "pct", "%"))))
"""


# ----------------------------------------------------------------------------- unit


def test_csv_values_are_rounded_as_declared_and_missing_numbers_get_shorthand():
    assert csv_value(12.345, "pct") == "12.3" and csv_value(-0.04, "pct") == "0.0"
    assert csv_value(23456.7, "money") == "23457" and csv_value(12.3456, "money2") == "12.35"
    assert csv_value(9.99, "int") == "10" and csv_value(0.12345, "float3") == "0.123"
    assert csv_value("[c]", "int") == "[c]" and csv_value("not in the data", "float1") == "[x]"
    assert csv_value(None, "pct") == "[x]" and csv_value(float("nan"), "money") == "[x]"
    assert csv_value(pd.NA, "int") == "[x]"
    assert csv_value(True, "yesno") == "yes" and csv_value(False, "yesno") == "no"
    assert csv_value(None, "text") == "" and csv_value("Clerk", "text") == "Clerk"


def test_csv_frame_keeps_keys_and_order():
    table = Table(
        "t",
        pd.DataFrame({"a": ["x", "y"], "b": [1.26, "[c]"]}),
        "Caption.",
        columns(("a", "A"), ("b", "B", "float1")),
    )
    frame = csv_frame(table)
    assert list(frame.columns) == ["a", "b"]
    assert frame["b"].tolist() == ["1.3", "[c]"]


# ----------------------------------------------------------------------------- a run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    notebook = make_notebook(
        folder / "formats.ipynb", "# Formats test\n\n## Tables", "x: int = 1  # A number", SETUP
    )
    result = run_notebook(notebook, {}, reports=folder / "reports", index=False)
    assert result.ok, result.error
    return result


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_numbers_are_rounded_numeric_and_shorthand_is_explained(run):
    tables = run.run_dir / "tables"
    pay = rows(tables / "pay_by_grade.csv")
    assert list(pay[0]) == ["grade", "n", "share", "hourly", "annual", "index", "flag", "title"]
    assert pay[0] == {
        "grade": "Grade 01",
        "n": "10",
        "share": "12.3",
        "hourly": "12.35",
        "annual": "23457",
        "index": "0.123",
        "flag": "yes",
        "title": "Clerk",
    }
    assert [pay[1][k] for k in ("n", "share", "hourly")] == ["[c]"] * 3
    assert pay[2]["hourly"] == "[x]" and pay[3]["annual"] == "[x]" and pay[4]["share"] == "0.0"
    assert pay[5]["title"] == '\'=HYPERLINK("http://x")'  # OWASP CSV injection
    frame = pd.read_csv(tables / "pay_by_grade.csv", na_values=["[c]", "[x]"])
    numeric = ["n", "share", "hourly", "annual", "index"]
    assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in numeric)
    notes = rows(tables / "_notes.csv")
    explained = {r["label"]: r["explanation"] for r in notes if not r["table"]}
    assert "confidential" in explained["[c]"] and "not available" in explained["[x]"]
    assert "percentages to 1 decimal place" in explained["Rounding"]
    assert "fewer than 10 people" in explained["Disclosure control"]  # min_cell: default
    described = {(r["table"], r["column"]) for r in notes if r["table"]}
    assert ("pay_by_grade", "hourly") in described and ("summary", "") in described


def test_spreadsheet_follows_the_analysis_function_guidance(run):
    path = run.run_dir / "report.xlsx"
    assert run.manifest["outputs"]["spreadsheet"] == "report.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Pay by grade", "Summary"]
    assert book.properties.title == "Gender pay gap: Testshire Council, 31 March 2025"
    assert book.properties.language == "en-GB"
    cover = [row[0] for row in book["Cover"].iter_rows(values_only=True)]
    assert cover[0] == "Gender pay gap: Testshire Council, 31 March 2025"
    for text in ("Testshire Council", "31 March 2025", "Test extract"):
        assert text in cover
    assert "statistics@testshire.example" in cover and "Contents" in cover and "Notes" in cover
    for sheet in book.worksheets:
        assert sheet.sheet_state == "visible" and not sheet.merged_cells.ranges
        assert sheet.freeze_panes is None
        assert not any(d.hidden for d in sheet.column_dimensions.values())
        assert not any(d.hidden for d in sheet.row_dimensions.values())
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0], "every sheet starts with its title in A1"
        assert all(any(v not in (None, "") for v in row) for row in values), "no blank rows"
    contents = book["Contents"]
    assert list(contents.tables) == ["table_contents"]
    links = {c.value: c.hyperlink.location for c in contents["A"] if c.hyperlink}
    assert links == {"Pay by grade": "'Pay by grade'!A1", "Summary": "'Summary'!A1"}
    notes = {row[0]: row[1] for row in book["Notes"].iter_rows(min_row=4, values_only=True)}
    assert "confidential" in notes["[c]"] and "not available" in notes["[x]"]


@pytest.mark.parametrize(
    ("name", "sheet"), [("pay_by_grade", "Pay by grade"), ("summary", "Summary")]
)
def test_each_table_sheet_holds_its_csv_values_as_numbers(run, name, sheet):
    book = openpyxl.load_workbook(run.run_dir / "report.xlsx")
    ws = book[sheet]
    (table,) = ws.tables.values()
    assert table.autoFilter is None, "no filter buttons"
    first, last = table.ref.split(":")
    header_row = int(re.sub(r"\D", "", first))
    cells = list(ws[table.ref])
    header = [c.value for c in cells[0]]
    body = [[c.value for c in row] for row in cells[1:]]
    frame = pd.read_csv(run.run_dir / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)
    assert len(body) == len(frame) and len(header) == len(frame.columns)
    above = [ws.cell(row=r, column=1).value for r in range(1, header_row)]
    if name == "pay_by_grade":
        assert header[:4] == ["Grade", "Employees", "Women (%)", "Median hourly pay (GBP per hour)"]
        assert any("[c] = confidential" in a and "[x] = not available" in a for a in above)
        assert "Groups with fewer than 10 women or men are shown as [c]." in above
        assert cells[1][3].number_format == '"£"#,##0.00;-"£"#,##0.00'
        assert cells[1][1].number_format == "#,##0"
    for csv_row, sheet_row in zip(frame.itertuples(index=False), body, strict=True):
        for text, value in zip(csv_row, sheet_row, strict=True):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert math.isclose(value, float(text)), (text, value)
            else:
                assert (value or "") == text


def test_download_links_beside_every_table_and_in_the_site(run):
    page = run.html.read_text(encoding="utf-8")
    for name in ("pay_by_grade", "summary"):
        block = re.search(rf'id="table-{name}".*?<p class="table-downloads">(.*?)</p>', page, re.S)
        assert block, name
        assert f'href="tables/{name}.csv"' in block.group(1)
        assert 'href="report.xlsx"' in block.group(1)
    assert re.search(r'<li><a href="report.xlsx">report.xlsx</a></li>', page)
    css = (Path(__file__).parents[1] / "src/research/run/templates/report/report.css").read_text()
    rule = re.search(r"\.table-downloads a \{(.*?)\}", css, re.S).group(1)
    assert "min-height: 24px" in rule and "min-width: 24px" in rule
    index = build_index(run.run_dir.parent.parent).read_text(encoding="utf-8")
    assert f"{run.run_dir.name}/report.xlsx" in index


# ----------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf(run):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    result = CliRunner().invoke(app, ["pdf", str(run.run_dir)])
    assert result.exit_code == 0, result.output
    path = run.run_dir / "report.pdf"
    assert result.output.strip() == f"pdf: {path}"
    return path.read_bytes()


def test_pdf_is_a4_tagged_with_page_numbers(pdf):
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes
    for width, height in boxes:
        assert abs(float(width) - A4[0]) < 1.5 and abs(float(height) - A4[1]) < 1.5
    assert b"/StructTreeRoot" in pdf, "tagged PDF"
    for tag in (rb"H1", rb"Table", rb"TH", rb"Caption"):  # headings and tables are tagged
        assert re.search(rb"/S\s*/" + tag + rb"\b", pdf), tag
    texts = [" ".join(t.split()) for t in page_texts(pdf)]
    assert len(texts) == len(boxes) > 1
    for number in range(1, len(texts) + 1):
        assert f"Page {number} of {len(texts)}" in texts[number - 1]
    assert "Gender pay gap: Testshire Council, 31 March 2025" in texts[-1]


def test_pdf_errors_are_one_line(tmp_path, monkeypatch):
    runner = CliRunner()
    missing = runner.invoke(app, ["pdf", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert missing.output.strip() == (
        f"error: no such run folder: {tmp_path / 'nope'} (give reports/<notebook>/<run-id>)."
    )
    empty = runner.invoke(app, ["pdf", str(tmp_path)])
    assert empty.exit_code == 2 and "has no report.html" in empty.output
    (tmp_path / "report.html").write_text("<html></html>")
    monkeypatch.setenv("RESEARCH_CHROMIUM", str(tmp_path / "no-chromium"))
    absent = runner.invoke(app, ["pdf", str(tmp_path)])
    assert absent.exit_code == 2 and len(absent.output.strip().splitlines()) == 1
    assert "RESEARCH_CHROMIUM" in absent.output
    monkeypatch.delenv("RESEARCH_CHROMIUM")
    monkeypatch.setattr("research.run.export.pdf.CHROMIUM_CANDIDATES", ())
    monkeypatch.setattr(shutil, "which", lambda name: None)
    none = runner.invoke(app, ["pdf", str(tmp_path)])
    assert none.exit_code == 2 and "no Chromium found" in none.output


def test_the_site_index_links_the_pdf(run, pdf):
    index = build_index(run.run_dir.parent.parent).read_text(encoding="utf-8")
    assert f"{run.run_dir.name}/report.pdf" in index


def test_spreadsheet_of_hostile_text_stores_text_never_formulas(tmp_path):
    from research.run.export.spreadsheet import write_spreadsheet

    data = pd.DataFrame(
        {"job": ['=HYPERLINK("http://x")', "Bell\x07 clerk", "@SUM(A1)"], "n": [12, "[c]", 30]}
    )
    table = Table("jobs", data, "=Jobs by title", columns(("job", "job"), ("n", "Job", "int")))
    table.save(tmp_path)
    path = write_spreadsheet(tmp_path, {"parameters": {"min_cell": 5}})
    book = openpyxl.load_workbook(path)
    ws = book["Jobs"]
    (table_part,) = ws.tables.values()
    header = [c.value for c in ws[table_part.ref][0]]
    assert header == ["job", "Job 2"]  # Excel compares table headers without case
    assert [c.name for c in table_part.tableColumns] == header
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells), "no formula anywhere"
    values = [c.value for c in cells]
    assert "'=Jobs by title" in values and '\'=HYPERLINK("http://x")' in values
    assert "Bell clerk" in values and "'@SUM(A1)" in values
    notes = {r[0]: r[1] for r in book["Notes"].iter_rows(min_row=4, values_only=True)}
    assert "fewer than 5 people" in notes["Disclosure control"] and "[x]" not in notes


def test_download_links_are_targets_of_at_least_24_px(run):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            page.goto(run.html.resolve().as_uri())
            boxes = page.eval_on_selector_all(
                ".table-downloads a",
                "links => links.map(a => [a.getBoundingClientRect().width, "
                "a.getBoundingClientRect().height])",
            )
        finally:
            browser.close()
    assert len(boxes) == 4  # two tables, two links each
    assert all(w >= 24 and h >= 24 for w, h in boxes), boxes
