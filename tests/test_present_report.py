"""Report objects: publishable tables, figures with alt text, findings, title blocks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402

from research.core.source import Source  # noqa: E402
from research.present import show  # noqa: E402
from research.present.report import (  # noqa: E402
    Column,
    Figure,
    Finding,
    Note,
    Report,
    ReportError,
    Section,
    Table,
    TitleBlock,
    columns,
    findings,
    neutralise_formula,
)
from research.present.wording import join_words, long_date, title_block  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"


def grade_table(**kwargs) -> Table:
    data = pd.DataFrame(
        {"grade": ["Grade 1", HOSTILE], "n": [120, "[c]"], "pct_female": [61.25, 48.0]}
    )
    spec = dict(
        name="headcount_by_grade",
        data=data,
        caption="Women and men by grade",
        columns=columns(
            ("grade", "Grade"), ("n", "Employees", "int"), ("pct_female", "Women (%)", "pct", "%")
        ),
    )
    return Table(**(spec | kwargs))


def test_table_renders_labels_formats_scopes_and_caption():
    soup = BeautifulSoup(grade_table().to_html(), "html.parser")
    assert soup.caption.get_text() == "Women and men by grade"
    assert [th.get_text() for th in soup.select("thead th")] == ["Grade", "Employees", "Women (%)"]
    assert all(th["scope"] == "col" for th in soup.select("thead th"))
    rows = soup.select("tbody tr")
    assert rows[0].th["scope"] == "row" and rows[0].th.get_text() == "Grade 1"
    assert [td.get_text() for td in rows[0].find_all("td")] == ["120", "61.2%"]
    assert [td.get_text() for td in rows[1].find_all("td")] == ["[c]", "48.0%"]
    assert all("num" in td["class"] for td in rows[0].find_all("td"))


def test_table_escapes_hostile_labels_and_captions():
    table = grade_table(caption=f"Grades incl. {HOSTILE}")
    html = table.to_html()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img") is None and soup.find("script") is None


def test_table_refuses_unlabelled_or_missing_columns_and_bad_names():
    with pytest.raises(ReportError, match="no label"):
        grade_table(columns=columns(("grade", "Grade"), ("n", "Employees", "int")))
    with pytest.raises(ReportError, match="not in the data"):
        grade_table(columns=(*grade_table().columns, Column("age", "Age")))
    with pytest.raises(ReportError, match="lower case"):
        grade_table(name="Headcount by grade")
    with pytest.raises(ReportError, match="caption"):
        grade_table(caption=" ")
    with pytest.raises(ReportError, match="unknown format"):
        Column("n", "Employees", "integer")


def test_table_saves_tidy_csv_with_formulas_neutralised(tmp_path):
    data = pd.DataFrame(
        {"job": ['=HYPERLINK("x")', "+cmd", "@SUM(A1)", "Clerk"], "n": [1, 2, 3, -4]}
    )
    table = Table("jobs", data, "Jobs", columns(("job", "Job"), ("n", "Employees", "int")))
    path = table.save(tmp_path)
    assert path == tmp_path / "tables" / "jobs.csv"
    lines = path.read_text().splitlines()
    assert lines == ["job,n", '"\'=HYPERLINK(""x"")",1', "'+cmd,2", "'@SUM(A1),3", "Clerk,-4"]
    assert neutralise_formula(-4) == -4 and neutralise_formula("-x") == "'-x"
    assert neutralise_formula("-7.2 to -3.7") == "-7.2 to -3.7"
    assert neutralise_formula("-0.68%") == "-0.68%"
    assert neutralise_formula("-1+SUM(A1:A9)") == "'-1+SUM(A1:A9)"
    assert neutralise_formula("-2 to cmd|' /C calc'!A0") == "'-2 to cmd|' /C calc'!A0"


def test_show_saves_tables_and_figures_into_the_run_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_RUN_DIR", str(tmp_path))
    table = grade_table()
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    figure = Figure(
        "grades", ax, alt="Bar chart of employees by grade: grade 1 is largest.", table=table.name
    )
    show.show(table)
    show.show(figure)
    show.show(Note("absent", "No grades recorded."))
    assert (tmp_path / "tables" / "headcount_by_grade.csv").is_file()
    assert (tmp_path / "figures" / "grades.png").read_bytes()[:4] == b"\x89PNG"


def test_figure_needs_alt_text_and_renders_it_escaped():
    fig, _ = plt.subplots()
    with pytest.raises(ReportError, match="alt text"):
        Figure("f", fig, alt="chart", table="t")
    fig, _ = plt.subplots()
    figure = Figure("f", fig, alt=f"Employees by grade, including {HOSTILE}", table="t")
    soup = BeautifulSoup(figure.to_html(), "html.parser")
    assert soup.img["alt"] == f"Employees by grade, including {HOSTILE}"
    assert soup.img["src"].startswith("data:image/png;base64,")
    assert not plt.fignum_exists(fig.number), "the figure is closed so it shows once"


def make_report() -> Report:
    table = grade_table()
    fig, _ = plt.subplots()
    figure = Figure(
        "grades", fig, alt="Bar chart of employees by grade, largest first.", table=table.name
    )
    return Report(
        title=TitleBlock("Gender pay gap", "Borough Council", "31 March 2025", "Payroll extract"),
        findings=findings(
            [Finding("Women earn 5.0% less per hour.", 5.0, (4.0, 6.0), "gap"), "No bonus is paid."]
        ),
        sections=(
            Section("grades", "Are women in the senior grades?", (table, figure, Note("n", "x"))),
        ),
    )


def test_report_finds_items_by_name_and_checks_figures_have_tables():
    report = make_report()
    assert report.table("headcount_by_grade").caption == "Women and men by grade"
    assert report.figure("grades").table == "headcount_by_grade"
    assert "grades" in report and "nothing" not in report
    with pytest.raises(KeyError, match="has no item 'nothing'"):
        report["nothing"]
    with pytest.raises(KeyError, match="is a figure"):
        report.table("grades")
    assert report.findings.to_frame()["value"].tolist()[0] == 5.0
    assert report.title.heading == "Gender pay gap: Borough Council, 31 March 2025"
    assert "Are women in the senior grades?" in report.summary()
    fig, _ = plt.subplots()
    orphan = Figure("orphan", fig, alt="A chart whose numbers are nowhere.", table="missing")
    with pytest.raises(ReportError, match="every figure needs a table"):
        Report(report.title, report.findings, (Section("s", "S?", (orphan,)),))
    with pytest.raises(ReportError, match="share names"):
        Report(
            report.title, report.findings, (Section("s", "S?", (Note("a", "x"), Note("a", "y"))),)
        )


def test_findings_and_title_block_are_escaped():
    html = findings([f"Most common job: {HOSTILE}"]).to_html()
    assert "<img" not in html and "&lt;img" in html
    block = TitleBlock("Pay", HOSTILE, "2025", "x")
    assert "<img" not in block.to_html()


def test_title_block_from_data():
    data = pd.DataFrame(
        {
            "employer": ["A Council", "A Council"],
            "snapshot_date": pd.to_datetime(["2024-03-31", "2025-03-31"]),
        }
    )
    block = title_block(data, "Segregation", Source("x", "HR extract", "USD"))
    assert block.organisation == "A Council"
    assert block.period == "31 March 2024 to 31 March 2025"
    assert block.dataset == "HR extract" and ("Pay in", "USD") in block.details
    assert long_date("2025-03-01") == "1 March 2025"
    assert join_words(["a", "b", "c"]) == "a, b and c"
