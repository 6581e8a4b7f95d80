"""The pay gap report seam: findings, captions, labels, row order, disclosure, absent inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research import paygap  # noqa: E402
from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.paygap.report import PayGapReport, build, with_groupings  # noqa: E402
from research.present import disclosure  # noqa: E402
from research.present.formats import fmt_pct  # noqa: E402
from research.present.report import Figure, Note, Table  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"
SOURCE = Source("synthetic", "Synthetic council", "GBP")
EU_SOURCE = Source("synthetic", "Synthetic council", "EUR")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synth.generate(1500, seed=7)


@pytest.fixture(scope="module")
def report(data) -> PayGapReport:
    return build(data, source=SOURCE, n_boot=50, seed=3)


@pytest.fixture(scope="module")
def eu_report(data) -> PayGapReport:
    """The same data under the EU framework: the Directive's section is shown."""
    return build(data, source=EU_SOURCE, n_boot=0)


@pytest.fixture(scope="module")
def no_hours_no_grades(data) -> PayGapReport:
    bare = data.assign(
        weekly_hours=np.nan,
        hourly_pay=np.nan,
        grade=pd.Series(pd.NA, index=data.index, dtype="string"),
        grade_rank=pd.Series(pd.NA, index=data.index, dtype="Int64"),
    )
    return build(bare, source=SOURCE, n_boot=0)


def finding(report, key):
    return next(f for f in report.findings if f.key == key)


def test_report_holds_the_sections_and_title(report):
    assert isinstance(report, PayGapReport)
    assert [s.key for s in report.sections] == [
        "statutory",
        "breakdowns",
        "representation",
        "eu",
        "disclosure",
    ]
    assert all(s.title.endswith("?") for s in report.sections)
    assert (
        report.title.heading == "Gender pay gap: Synthetic Borough Council, snapshot 31 March 2025"
    )
    assert ("Pay compared", "hourly pay") in report.title.details


def test_findings_state_the_numbers_of_the_results(report, data):
    uk = report.results["uk"]
    assert uk.median_hourly_gap == paygap.uk_gpg(with_groupings(data)).median_hourly_gap
    median = finding(report, "median_gap")
    assert median.value == uk.median_hourly_gap
    assert f"{fmt_pct(uk.median_hourly_gap)} lower than men's" in median.text
    assert fmt_pct(uk.mean_hourly_gap) in median.text
    rep = report.results["representation"]
    top = finding(report, "top_grades_women")
    assert top.value == rep.top_share.value and top.ci == rep.top_share.ci
    assert fmt_pct(rep.top_share.value) in top.text and fmt_pct(rep.top_share.ci[0]) in top.text
    within = finding(report, "within_grade_gap")
    assert within.value == rep.like_for_like_gap
    assert not any("*" in text for text in report.findings.texts())  # no markdown


def test_statutory_tables_match_the_statutory_figures(report):
    uk = report.results["uk"]
    table = report["statutory_figures"]
    assert isinstance(table, Table)
    assert table.caption.startswith("Gender pay gap figures as published")
    assert [c.label for c in table.columns] == ["Figure", "%"]
    values = table.to_frame().set_index("figure")["pct"]
    assert values["Mean gender pay gap (hourly pay)"] == uk.mean_hourly_gap
    assert values["Median gender pay gap (hourly pay)"] == uk.median_hourly_gap
    gov = report["gov_uk_submission"].to_frame().set_index("field")["value"]
    assert gov["DiffMedianHourlyPercent"] == round(uk.median_hourly_gap, 1)
    bands = report["quartile_pay_bands"].to_frame()
    assert bands["band"].tolist() == [
        "Lower quartile",
        "Lower middle quartile",
        "Upper middle quartile",
        "Upper quartile",
    ]
    assert [c.label for c in report["quartile_pay_bands"].columns] == [
        "Pay band",
        "Employees",
        "Women (%)",
        "Men (%)",
    ]


def test_breakdown_tables_are_in_natural_order_with_small_groups_hidden(report):
    result = report.results["breakdowns"]["Grade"]
    table = report["gap_by_grade"]
    assert table.caption.startswith("Gap in median hourly pay by grade")
    assert [c.label for c in table.columns][:3] == ["Grade", "Women", "Men"]
    shown = table.to_frame()
    assert shown["grade_group"].tolist() == sorted(shown["grade_group"])  # lowest grade first
    small = (result.table["n_female"] < 10) | (result.table["n_male"] < 10)
    assert small.any()
    assert (shown.loc[small.to_numpy(), "gap"] == disclosure.SUPPRESSED).all()
    # a gap is also hidden where the cross-table audit hid the group's count
    hidden = (shown["gap"] == disclosure.SUPPRESSED).to_numpy()
    counts_hidden = (shown[["n_female", "n_male"]] == disclosure.SUPPRESSED).any(axis=1)
    assert (counts_hidden.to_numpy() | small.to_numpy())[hidden].all()
    big = shown.loc[~hidden]
    np.testing.assert_allclose(
        big["gap"].astype(float), result.table.loc[~hidden, "gap"].to_numpy()
    )
    occupations = report["gap_by_occupation"].to_frame()["occupation_group"].tolist()
    assert occupations[-1] == "All other"


def test_every_figure_has_alt_text_with_numbers_and_a_table(report):
    figures = report.figures()
    assert {f.name for f in figures} >= {
        "quartile_pay_bands_chart",
        "gap_by_grade_chart",
        "women_share_by_grade",
    }
    for figure in figures:
        assert figure.table in report and any(ch.isdigit() for ch in figure.alt)
    overall = report.results["breakdowns"]["Grade"].overall.value
    assert fmt_pct(overall) in report["gap_by_grade_chart"].alt


def test_representation_and_eu_tables(report, eu_report):
    counts = report["headcount_by_grade"].to_frame()
    assert counts.columns.tolist() == ["grade", "F", "M", "Total"]
    assert counts["grade"].iloc[-1] == "Total"
    cells = counts[["F", "M"]].to_numpy().ravel()
    assert all(c == disclosure.SUPPRESSED or c == 0 or c >= 10 for c in cells)
    # GB data: the Directive's section is a note unless asked for
    assert isinstance(report["eu_article_9"], Note) and report.results["eu"] is None
    report = eu_report
    eu = report.results["eu"]
    items = report["eu_article_9"].to_frame()
    np.testing.assert_allclose(items["value"], eu.items["value"])
    categories = report["eu_article_9_g_categories"]
    assert "Article 9(1)(g)" in categories.caption
    assert categories.columns[-1].label == "Article 10 flag"


def test_absent_hours_and_grades_are_said_to_be_absent(no_hours_no_grades, data):
    report = no_hours_no_grades
    assert ("Pay compared", "full-time-equivalent annual basic pay") in report.title.details
    assert "annual" in report.sections[0].title
    assert "not hourly pay" in report["statutory_figures"].caption
    assert "hourly" not in report["statutory_figures"].to_frame()["figure"].str.cat()
    assert isinstance(report["gov_uk_submission"], Note)
    for name in ("headcount_by_grade", "gap_by_grade", "gap_by_grade_working_pattern"):
        assert isinstance(report[name], Note) and "no grades" in report[name].text
    assert isinstance(report["eu_article_9"], Note)
    keys = {f.key for f in report.findings}
    assert {"no_hours", "no_grades"} <= keys
    assert report.findings.items[0].key == "no_hours"  # hours absent: said first
    assert "top_grades_women" not in keys
    annual = paygap.uk_gpg(data, hourly_pay="annual_basic_pay")
    median = finding(report, "median_gap")
    assert median.value == annual.median_hourly_gap
    assert "annual basic pay" in median.text and "hourly" not in median.text
    for table in report.tables():
        assert "hourly" not in table.caption.replace("not hourly pay", "")


def test_hostile_labels_are_escaped(data):
    hostile = data.assign(
        occupation=np.where(data["occupation"] == data["occupation"].mode()[0], HOSTILE, "x"),
        occupation_title=pd.NA,
    )
    report = build(hostile, source=SOURCE, n_boot=0)
    html = report["gap_by_occupation"].to_html()
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert HOSTILE not in report._repr_html_()


def test_too_few_women_or_men_are_refused_before_anything_is_computed(data):
    small = data.groupby("sex").head(6)
    with pytest.raises(disclosure.TooFewToPublish, match="fewer than 10 women and men"):
        build(small, source=SOURCE, n_boot=0)


def test_compared_groups_are_named_by_reference_and_compare(data):
    default = paygap.gap_by(data, "grade")
    swapped = paygap.gap_by(data, "grade", by="sex", reference="F", compare="M")
    np.testing.assert_allclose(swapped.table["male"], default.table["female"])
    np.testing.assert_allclose(swapped.table["female"], default.table["male"])
    assert paygap.pay_gap(reference=20.0, compare=15.0) == pytest.approx(25.0)
    uk = paygap.uk_gpg(data, by="sex", reference="F", compare="M")
    full = data[data["full_pay"]]
    women = full.loc[full["sex"] == "F", "hourly_pay"].median()
    men = full.loc[full["sex"] == "M", "hourly_pay"].median()
    assert uk.median_hourly_gap == pytest.approx(100 * (women - men) / women)
    rep = paygap.representation_by_grade(data, by="sex", reference="M", compare="F")
    assert rep.pct_female_overall == pytest.approx(100 * (data["sex"] == "F").mean())
    eu = paygap.eu_pay_transparency(data, by="sex", reference="M", compare="F")
    assert eu.items["value"].notna().any()


def test_items_are_tables_figures_or_notes(report):
    assert all(isinstance(i, Table | Figure | Note) for i in report.items())


def test_eu_variable_pay_gaps_resting_on_few_recipients_are_hidden(eu_report, data):
    report = eu_report
    paid = data[(data["bonus_12m"] > 0) & data["sex"].isin(["F", "M"])]
    fewest = paid["sex"].value_counts().reindex(["F", "M"], fill_value=0).min()
    items = report["eu_article_9"].to_frame().set_index("measure")["value"]
    variable = items[
        items.index.str.contains("variable components") & ~items.index.str.contains("receiving")
    ]
    if fewest < 10:
        assert (variable == disclosure.SUPPRESSED).all()
    else:
        assert not (variable == disclosure.SUPPRESSED).any()
    eu = report.results["eu"].categories.set_index("grade_group")
    grouped = with_groupings(data)
    paid = grouped[(grouped["bonus_12m"] > 0) & grouped["sex"].isin(["F", "M"])]
    fewest_paid = pd.crosstab(paid["grade_group"], paid["sex"]).min(axis=1)
    shown = report["eu_article_9_g_categories"].to_frame().set_index("grade_group")
    for grade, value in shown["mean_gap_variable"].items():
        computed = eu.loc[grade, "mean_gap_variable"]
        if pd.notna(computed) and fewest_paid.get(grade, 0) < 10:
            assert value == disclosure.SUPPRESSED, grade
    assert (shown["mean_gap_variable"] == disclosure.SUPPRESSED).any()


def test_small_other_sex_count_is_not_stated(data):
    few = data.assign(sex=data["sex"].where(data.index >= 3, "X"))
    report = build(few, source=SOURCE, n_boot=0)
    texts = " ".join(report.findings.texts())
    assert "Fewer than 10 employees with another or no recorded sex" in texts
    assert "3 employees" not in texts


def test_eu_categories_where_every_category_has_bonus_recipients():
    """Regression: with a recipient in every category the count column was a read-only view."""
    data = synth.generate(4000, seed=2025)
    data = data.assign(bonus_12m=np.where(np.arange(len(data)) % 3 == 0, 100.0, 0.0))
    table = build(data, source=SOURCE, n_boot=0, eu_indicators=True)["eu_article_9_g_categories"]
    assert isinstance(table, Table) and len(table.data) > 3


def test_without_hours_or_fte_the_eu_section_says_variable_pay_is_as_paid(data):
    bare = data.assign(weekly_hours=np.nan, hourly_pay=np.nan, fte=np.nan)
    report = build(bare, source=EU_SOURCE, n_boot=0)
    eu = report.results["eu"]
    assert eu.pay_basis == "annual_fte" and eu.notes
    assert "No worker has a recorded full-time equivalent" in eu.notes[0]
    assert eu.notes[0] in report["eu_article_9"].notes
    assert isinstance(report["eu_article_9_g_categories"], Table)


def test_the_report_states_its_cross_table_disclosure_audit(report):
    audit = report.results["disclosure_audit"]
    note = report["disclosure_audit"]
    assert isinstance(note, Note) and note.text == audit.note()
    assert f"{audit.cells_checked} counts checked together" in note.text
    assert audit.exposed.empty


def test_blank_grades_are_not_recorded_and_left_out_of_the_grade_indices(data):
    blank = data.assign(grade=data["grade"].astype("string"))
    rows = blank.index[::30]
    blank.loc[rows, "grade"] = pd.NA
    blank.loc[rows, "grade_rank"] = pd.NA
    report = build(blank, source=SOURCE, n_boot=0, max_grade_groups=4)  # banded: no crash
    gaps = report["gap_by_grade"].to_frame()
    assert gaps["grade_group"].iloc[-1] == "Not recorded"
    rep = report.results["representation"]
    assert int(rep.table[["n_female", "n_male"]].to_numpy().sum()) == len(blank) - len(rows)
    assert "Not recorded" not in set(rep.within_grade.table["grade_group"])
    assert f"{len(rows)} employees with no recorded grade" in report["headcount_by_grade"].caption
    said = finding(report, "grades_not_recorded")
    assert said.text.startswith(f"The grade of {len(rows)} employees is not recorded")
    assert report.results["disclosure_audit"].exposed.empty


def test_blank_ethnicity_is_a_row_of_its_own_and_passes_the_disclosure_audit(data):
    blanked = data.assign(ethnicity=data["ethnicity"].astype("object"))
    blanked.loc[blanked.index[::10], "ethnicity"] = np.nan
    report = build(blanked, n_boot=0)
    table = report["gap_by_ethnicity"].data
    groups = table[table.columns[0]].astype(str).tolist()
    assert "(missing)" in groups
    assert groups.count("(missing)") == 1
