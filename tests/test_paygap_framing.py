"""The pay gap report follows what the data hold and where the employer is.

* Annual-only extracts (no hours, FTE or hourly pay): every measure is named as annual basic pay,
  the first key finding says hours were not in the data (and that part-timers' annual pay is
  their part-time pay), full-time employees are compared first where a working pattern is
  recorded, and no hourly, statutory or working-pattern claim is made.
* Jurisdiction: the GOV.UK table and statutory names only for GB, the EU Directive's section
  only for EU (or when asked for); elsewhere neutral names and a note naming the framework.
* Absent data is "not in the data", never 0.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research import paygap  # noqa: E402
from research.core.checks import InputError  # noqa: E402
from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.paygap.framing import Framing, eu_choice  # noqa: E402
from research.paygap.report import build  # noqa: E402
from research.present.formats import fmt_pct  # noqa: E402
from research.present.report import Figure, Note, Table  # noqa: E402

US = Source("county", "A US county", "USD", "US")
GB = Source("synthetic", "Synthetic council", "GBP")
EU = Source("synthetic", "Synthetic council", "EUR", "FR")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synth.generate(1500, seed=7)


def annual_only(data: pd.DataFrame, *, pattern: bool) -> pd.DataFrame:
    """An extract of annual salaries as paid: no hours, FTE, hourly pay or bonus.

    Part-timers' recorded pay is their part-time pay (FTE pay x FTE), as in a real payroll.
    """
    out = data.assign(
        annual_basic_pay=data["annual_basic_pay"] * data["fte"],
        weekly_hours=np.nan,
        fte=np.nan,
        hourly_pay=np.nan,
        ordinary_pay_period=np.nan,
    ).drop(columns="bonus_12m")
    if not pattern:
        out["working_pattern"] = pd.NA
    return out


@pytest.fixture(scope="module")
def annual(data) -> pd.DataFrame:
    return annual_only(data, pattern=True)


@pytest.fixture(scope="module")
def with_pattern(annual):
    return build(annual, source=US, n_boot=0)


@pytest.fixture(scope="module")
def without_pattern(data):
    return build(annual_only(data, pattern=False), source=US, n_boot=0)


def finding(report, key):
    return next(f for f in report.findings if f.key == key)


def report_text(report) -> list[str]:
    """Every piece of text a reader sees: sentences, titles, captions, labels, cells, alt text
    and the text drawn in the charts."""
    texts = [*report.findings.texts(), *(s.title for s in report.sections)]
    texts += [f"{label}: {value}" for label, value in report.title.lines()]
    for item in report.items():
        if isinstance(item, Table):
            texts += [item.caption, *item.notes, *(c.label for c in item.columns)]
            for column in item.columns:
                if not column.numeric:
                    texts += [str(v) for v in item.data[column.key]]
            texts += [str(v) for v in item.data.to_numpy().ravel() if isinstance(v, str)]
        elif isinstance(item, Figure):
            texts.append(item.alt)
            for ax in item.figure.axes:
                texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
                texts += [t.get_text() for t in ax.get_yticklabels() + ax.texts]
        elif isinstance(item, Note):
            texts.append(item.text)
    return texts


def claims(texts: list[str], pattern: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Texts matching ``pattern`` (case-insensitive) once the ``allowed`` phrases are removed."""
    found = []
    for text in texts:
        rest = text
        for phrase in allowed:
            rest = rest.replace(phrase, "")
        if re.search(pattern, rest, flags=re.IGNORECASE):
            found.append(text)
    return found


# ----------------------------------------------------------------------------- annual-only


def test_framing_is_read_from_the_data(annual, data):
    framing = Framing.of(annual, US)
    assert (framing.hours, framing.fte, framing.pattern) == (False, False, True)
    assert framing.pay == "annual_basic_pay" and framing.pay_words == "annual basic pay"
    assert framing.full_time_first and not framing.statutory and not framing.eu
    full = Framing.of(data, GB)
    assert full.statutory and full.pay == "hourly_pay" and not full.eu
    assert Framing.of(data, EU).eu and not Framing.of(data, EU).statutory


def test_annual_only_first_finding_says_hours_were_not_in_the_data(with_pattern, without_pattern):
    for report in (with_pattern, without_pattern):
        first = report.findings.items[0]
        assert first.key == "no_hours"
        assert first.text.startswith("Working hours are not in the data, so pay is compared as ")
        assert "annual basic pay, not hourly pay" in first.text
        assert "part-timers' annual pay is their part-time pay" in first.text
    assert "full-time employees are compared first" in with_pattern.findings.items[0].text
    assert "compared first" not in without_pattern.findings.items[0].text
    assert ("Pay compared", "annual basic pay") in with_pattern.title.details


def test_annual_only_with_a_working_pattern_leads_with_full_time_employees(with_pattern, annual):
    keys = [f.key for f in with_pattern.findings]
    assert keys[:3] == ["no_hours", "full_time_gap", "median_gap"]
    full = annual[annual["working_pattern"] == "full_time"]
    expected = paygap.uk_gpg(full, hourly_pay="annual_basic_pay")
    lead = finding(with_pattern, "full_time_gap")
    assert lead.value == expected.median_hourly_gap
    assert with_pattern.results["uk_full_time"].median_hourly_gap == expected.median_hourly_gap
    assert lead.text.startswith("Among full-time employees, women's median annual basic pay is ")
    assert f"{fmt_pct(abs(expected.median_hourly_gap))} " in lead.text
    everyone = paygap.uk_gpg(annual, hourly_pay="annual_basic_pay")
    overall = finding(with_pattern, "median_gap")
    assert overall.value == everyone.median_hourly_gap
    assert "with part-timers at their part-time pay" in overall.text
    # the full-time gap is far smaller: part-time pay, not pay rates, makes most of the gap
    assert abs(expected.median_hourly_gap) < abs(everyone.median_hourly_gap)
    figures = with_pattern["statutory_figures"].to_frame().set_index("figure")["pct"]
    assert list(figures.index[:4]) == [
        "Gap in mean annual basic pay, full-time employees",
        "Gap in median annual basic pay, full-time employees",
        "Gap in mean annual basic pay, all employees",
        "Gap in median annual basic pay, all employees",
    ]
    assert figures.iloc[1] == expected.median_hourly_gap
    assert figures.iloc[3] == everyone.median_hourly_gap
    # the quarters of pay are those of full-time employees
    bands = with_pattern["quartile_pay_bands"]
    assert "among full-time employees" in bands.caption
    compared = full[full["sex"].isin(["F", "M"]) & full["full_pay"]]
    assert bands.to_frame()["n"].sum() == len(compared)
    assert with_pattern.results["disclosure_audit"].exposed.empty


def test_annual_only_names_every_measure_for_what_it_is(with_pattern, without_pattern):
    for report in (with_pattern, without_pattern):
        texts = report_text(report)
        hourly = claims(texts, r"hourly|per hour", ("not hourly pay",))
        assert hourly == [], hourly
        note = report["gov_uk_submission"].text  # says why the statutory names are not used
        statutory = claims(
            [t for t in texts if t != note], r"statutory|full-pay relevant|GOV\.UK|quartile"
        )
        assert statutory == [], statutory
        for table in report.tables():
            if table.name.startswith("gap_by_"):
                assert "annual basic pay" in table.caption
                assert "part-timers' annual pay is their part-time pay" in table.caption
                labels = [c.label for c in table.columns]
                assert "Women's median annual basic pay (USD)" in labels
        measures = report["representation_headline"].to_frame()["measure"].tolist()
        assert "Overall gap in median annual basic pay" in measures
        within = finding(report, "within_grade_gap")
        assert "gap in median annual basic pay" in within.text


def test_annual_only_without_a_working_pattern_makes_no_working_pattern_claim(without_pattern):
    report = without_pattern
    assert "full_time_gap" not in {f.key for f in report.findings}
    assert report.results["uk_full_time"] is None
    for name in ("gap_by_working_pattern", "gap_by_grade_working_pattern"):
        assert isinstance(report[name], Note) and "no working patterns" in report[name].text
    texts = report_text(report)
    allowed = (
        "part-timers' annual pay is their part-time pay",
        "part-timers at their part-time pay",
        "full-time equivalents are not in the data",
    )
    leftover = claims(texts, r"full[- ]time|part[- ]time", allowed)
    assert leftover == [], leftover
    pattern_words = claims(texts, r"working pattern", ())
    assert all("records no working patterns" in t for t in pattern_words), pattern_words
    figures = report["statutory_figures"].to_frame()["figure"].tolist()
    assert figures[:2] == ["Gap in mean annual basic pay", "Gap in median annual basic pay"]


def test_absent_bonus_pay_is_not_in_the_data_never_zero(without_pattern, data):
    figures = without_pattern["statutory_figures"].to_frame().set_index("figure")["pct"]
    for label in ("Gap in mean bonus pay", "Men paid a bonus", "Women paid a bonus"):
        assert figures[label] == "not in the data"
    assert "bonus_women" not in {f.key for f in without_pattern.findings}
    assert "Bonus pay is not in the data, so no bonus figure is given." in (
        without_pattern.findings.texts()
    )
    # EU indicators asked for on data with no variable pay: items (b), (d), (e) are absent
    report = build(annual_only(data, pattern=False), source=US, n_boot=0, eu_indicators="yes")
    items = report["eu_article_9"].to_frame()
    absent = items[items["item"].isin(["b", "d", "e"])]["value"]
    assert (absent == "not in the data").all()
    assert not items["value"].isin([0, 0.0]).any()
    assert "variable pay is not in the data" in report["eu_article_9"].caption
    categories = report["eu_article_9_g_categories"].to_frame()
    assert set(categories["mean_gap_variable"]) <= {"not in the data", "[c]"}
    assert report.results["eu"].variable is None
    assert "annual pay as paid" in report["eu_article_9"].caption
    assert isinstance(report["eu_pay_basis"], Note)
    assert "hourly" not in report["eu_article_9_g_categories"].caption


def test_an_empty_bonus_column_is_not_zero_bonus(data):
    empty = data.assign(bonus_12m=np.nan)
    uk = paygap.uk_gpg(empty)
    assert not uk.bonus_recorded and uk.pct_female_bonus is None
    eu = paygap.eu_pay_transparency(empty)
    assert eu.variable is None
    assert eu.items.loc[eu.items["item"] == "e", "value"].isna().all()
    report = build(empty, source=GB, n_boot=0)
    gov = report["gov_uk_submission"].to_frame().set_index("field")["value"]
    assert gov["FemaleBonusPercent"] == "not in the data"


def test_annual_fte_pay_without_hours_is_named_full_time_equivalent(data):
    report = build(data.assign(weekly_hours=np.nan, hourly_pay=np.nan), source=US, n_boot=0)
    first = report.findings.items[0]
    assert first.key == "no_hours" and "full-time-equivalent annual basic pay" in first.text
    assert "part-time pay" not in first.text
    assert report.results["uk_full_time"] is None  # FTE pay compares everyone fairly


def test_annual_only_in_gb_says_the_figures_are_not_statutory(annual):
    report = build(annual, source=GB, n_boot=0)
    assert "not the statutory gender pay gap figures" in report.findings.items[0].text
    note = report["gov_uk_submission"]
    assert isinstance(note, Note) and "working hours" in note.text
    assert report["statutory_figures"].columns[0].label == "Figure"
    assert "Gap in median annual basic pay, full-time employees" in (
        report["statutory_figures"].to_frame()["figure"].tolist()
    )
    assert report["quartile_pay_bands"].columns[0].label == "Quarter of pay"


# ----------------------------------------------------------------------------- jurisdiction


@pytest.fixture(scope="module")
def us_report(data):
    return build(data, source=US, n_boot=0)


def test_us_framework_uses_neutral_names_and_no_gov_uk_table(us_report, data):
    report = us_report
    assert report.results["framing"].framework == "none"
    note = report["gov_uk_submission"]
    assert isinstance(note, Note)
    assert "jurisdiction is US" in note.text and "framework: none" in note.text
    assert "neutral names" in note.text
    figures = report["statutory_figures"].to_frame().set_index("figure")["pct"]
    uk = paygap.uk_gpg(data)
    assert figures["Gap in mean hourly pay"] == uk.mean_hourly_gap
    assert figures["Gap in median hourly pay"] == uk.median_hourly_gap
    assert "Gap in median bonus pay" in figures.index
    bands = report["quartile_pay_bands"]
    assert bands.to_frame()["band"].iloc[0] == "Lowest-paid quarter"
    assert bands.columns[0].label == "Quarter of pay"
    assert "each quarter of hourly pay" in bands.caption
    texts = [t for t in report_text(report) if t != note.text]
    assert not claims(texts, r"statutory|full-pay relevant|GOV\.UK|quartile pay band"), claims(
        texts, r"statutory|full-pay relevant|GOV\.UK|quartile pay band"
    )
    eu = report["eu_article_9"]
    assert isinstance(eu, Note) and "does not apply" in eu.text and "eu_indicators" in eu.text
    assert report.results["eu"] is None
    assert (
        "Reporting framework",
        "none applies (figures under neutral names)",
    ) in report.title.details
    assert report.sections[0].title == "How large is the gender pay gap in hourly pay?"
    chart = report["quartile_pay_bands_chart"]
    assert chart.figure.axes[0].get_ylabel() == "Quarter of hourly pay"


def test_eu_framework_shows_the_directive_and_neutral_names(data):
    report = build(data, source=EU, n_boot=0)
    assert isinstance(report["eu_article_9"], Table)
    assert isinstance(report["eu_article_9_g_categories"], Table)
    note = report["gov_uk_submission"]
    assert isinstance(note, Note) and "framework: EU" in note.text
    assert "jurisdiction is FR" in note.text and "own section" in note.text
    assert "Gap in median hourly pay" in report["statutory_figures"].to_frame()["figure"].tolist()
    assert ("Reporting framework", "EU Pay Transparency Directive") in report.title.details
    switched_off = build(data, source=EU, n_boot=0, eu_indicators="no")
    assert isinstance(switched_off["eu_article_9"], Note)
    assert "set to no" in switched_off["eu_article_9"].text


def test_gb_framework_keeps_the_statutory_tables_and_leaves_out_the_directive(data):
    report = build(data, source=GB, n_boot=0)
    assert isinstance(report["gov_uk_submission"], Table)
    assert report["statutory_figures"].caption.startswith("Gender pay gap figures as published")
    assert report["quartile_pay_bands"].to_frame()["band"].iloc[0] == "Lower quartile"
    eu = report["eu_article_9"]
    assert isinstance(eu, Note) and "Great Britain" in eu.text
    asked = build(data, source=GB, n_boot=0, eu_indicators=True)
    assert isinstance(asked["eu_article_9"], Table)
    # the statutory figures do not depend on whether the Directive's section is shown
    pd.testing.assert_frame_equal(
        asked["statutory_figures"].to_frame(), report["statutory_figures"].to_frame()
    )


def test_declared_jurisdiction_wins_over_currency(data):
    report = build(data, source=Source("x", "A council", "GBP", "US"), n_boot=0)
    assert isinstance(report["gov_uk_submission"], Note)
    assert "jurisdiction is US" in report["gov_uk_submission"].text


def test_eu_indicators_values():
    assert eu_choice(None) is None and eu_choice("auto") is None
    assert eu_choice("yes") is True and eu_choice(False) is False and eu_choice("no") is False
    with pytest.raises(InputError, match="eu_indicators must be auto"):
        eu_choice("maybe")


def test_too_few_full_timers_are_said_and_not_compared(annual):
    few = annual.copy()
    few["working_pattern"] = few["working_pattern"].astype("string")
    women_full = few.index[(few["sex"] == "F") & (few["working_pattern"] == "full_time")]
    few.loc[women_full[5:], "working_pattern"] = "part_time"  # 5 full-time women left
    report = build(few, source=US, n_boot=0)
    assert report.results["uk_full_time"] is None
    keys = [f.key for f in report.findings]
    assert keys[:3] == ["no_hours", "full_time_too_few", "median_gap"]
    assert "compared first" not in report.findings.items[0].text
    assert " 5 " not in finding(report, "full_time_too_few").text
