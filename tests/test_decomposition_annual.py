"""The decomposition report on what the data hold: annual pay without hours, the characteristics
of the fitted design, the pay gap report's percentages beside the log points, and the rule for
naming a glass ceiling or a sticky floor."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.decomposition import findings as fd  # noqa: E402
from research.decomposition import tables  # noqa: E402
from research.decomposition.measure import PayMeasure, pay_measure  # noqa: E402
from research.decomposition.reconcile import pct_lower  # noqa: E402
from research.decomposition.report import DecompositionReport, build  # noqa: E402
from research.paygap.findings import statutory_findings  # noqa: E402
from research.paygap.framing import Framing  # noqa: E402
from research.paygap.report import build as paygap_build  # noqa: E402
from research.paygap.statutory import uk_gpg  # noqa: E402
from research.present.report import Note, Table  # noqa: E402
from research.present.wording import join_words  # noqa: E402

FAST = {"n_boot": 20, "seed": 1, "quantiles": "10, 50, 90"}
PATTERN_WORDS = ("part-time", "part time", "full-time", "full time", "working pattern")
LABELS = ("sticky floor", "glass ceiling")


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    return synth.generate(1500, seed=3)


def annual(data: pd.DataFrame, *, pattern: bool = False, fte: bool = False) -> pd.DataFrame:
    """An annual-pay-only extract: no hours and no hourly pay; without FTE the annual pay is what
    each employee is paid (part-timers at their part-time pay)."""
    out = data.assign(weekly_hours=np.nan, hourly_pay=np.nan)
    if not fte:
        out = out.assign(annual_basic_pay=data["annual_basic_pay"] * data["fte"], fte=np.nan)
    if not pattern:
        out = out.assign(working_pattern=pd.NA)
    return out


def everything_said(report: DecompositionReport) -> list[str]:
    """Every sentence, caption, column label, note and alt text of a report."""
    texts = list(report.findings.texts()) + [v for _, v in report.title.details]
    for section in report.sections:
        texts.append(section.title)
        for item in section.items:
            if isinstance(item, Table):
                texts += [item.caption, *item.notes, *(c.label for c in item.columns)]
            elif isinstance(item, Note):
                texts.append(item.text)
            else:
                texts.append(item.alt)
    return texts


def hourly_claims(texts: list[str]) -> list[str]:
    """Texts that speak of hourly pay other than to say it is not compared."""
    return [t for t in texts if "hourly" in t.replace("not hourly pay", "")]


# ----------------------------------------------------------------------------- the pay measure


def test_the_measure_follows_what_the_data_hold(workforce):
    assert pay_measure(workforce) == PayMeasure("hourly_pay", True, True, True)
    only = pay_measure(annual(workforce))
    assert (only.column, only.hourly, only.fte_known, only.pattern_known) == (
        "annual_basic_pay",
        False,
        False,
        False,
    )
    assert only.full_words == "annual basic pay as recorded"
    assert only.gap_words == "gap in log annual basic pay"
    assert only.part_time_pay_mixed and not only.full_time_only
    assert pay_measure(annual(workforce, fte=True)).full_words == (
        "full-time-equivalent annual basic pay"
    )
    assert pay_measure(annual(workforce, pattern=True)).full_time_only


# ----------------------------------------------------------------------------- annual pay only


@pytest.fixture(scope="module")
def annual_only(workforce) -> DecompositionReport:
    return build(annual(workforce), **FAST)


def test_annual_only_data_build_and_the_first_finding_says_hours_were_not_in_the_data(
    annual_only, workforce
):
    first = annual_only.findings.items[0]
    assert first.key == "no_hours"
    assert first.text.startswith("Hours were not in the data")
    assert "annual basic pay as recorded" in first.text
    assert "FTE is not in the data" in first.text
    frame = annual_only.results["frame"]
    assert frame.counts["men"] + frame.counts["women"] == len(workforce)
    assert "working_pattern" not in frame.covariates
    details = dict(annual_only.title.details)
    assert details["Compared"].endswith("women with annual basic pay as recorded")


def test_annual_only_measures_are_named_for_what_they_are(annual_only):
    texts = everything_said(annual_only)
    assert not hourly_claims(texts), hourly_claims(texts)
    by_key = {f.key: f for f in annual_only.findings}
    ob = annual_only.results["oaxaca"]
    assert f"a gap of {100 * ob.gap.value:.1f} log points in mean log annual basic pay" in (
        by_key["gap"].text
    )
    assert "of the gap in log annual basic pay" in by_key["explained"].text
    pay = annual_only["pay_by_sex"]
    assert pay.column("geometric_mean_annual_pay").label == "Geometric mean annual basic pay"
    assert pay.column("geometric_mean_annual_pay").unit == "per year"
    assert pay.caption.startswith("Men's and women's annual basic pay as recorded compared")
    dfl = annual_only["reweighting_decomposition"]
    assert "log annual basic pay" in dfl.caption


def test_annual_only_makes_no_working_pattern_or_distribution_claim(annual_only):
    said = [
        f.text for f in annual_only.findings if f.key not in ("no_hours", "absent_working_pattern")
    ]
    for text in said:
        claim = text.lower().replace("not read as a glass ceiling or sticky floor", "")
        assert not any(word in claim for word in LABELS), text
    assert "Working pattern is not part of the comparison: the data do not record it." in (
        annual_only.findings.texts()
    )
    used = annual_only["characteristics_used"].data.set_index("characteristic")
    assert used.loc["Working pattern", "used"] == "no"
    assert used.loc["Working pattern", "detail"] == "not in the data"
    distribution = next(f for f in annual_only.findings if f.key == "distribution")
    assert "not read as a glass ceiling or sticky floor" in distribution.text
    contributions = annual_only["contributions_by_characteristic"].data
    assert "Working pattern" not in set(contributions["characteristic"])


def test_annual_pay_with_fte_is_full_time_equivalent(workforce):
    result = build(annual(workforce, fte=True), **FAST)
    first = result.findings.items[0]
    assert first.text.startswith(
        "Hours were not in the data, so pay is compared as full-time-equivalent annual basic pay"
    )
    assert "full-time-equivalent annual basic pay" in dict(result.title.details)["Compared"]
    assert not hourly_claims(everything_said(result))


# ----------------------------------------------------------------------------- working pattern, no hours


@pytest.fixture(scope="module")
def with_pattern(workforce) -> DecompositionReport:
    return build(annual(workforce, pattern=True), **FAST)


def test_with_a_working_pattern_full_timers_are_compared_first(with_pattern, workforce):
    frame = with_pattern.results["frame"]
    full_time = workforce["working_pattern"].astype(str).eq("full_time")
    assert frame.counts["men"] + frame.counts["women"] == int(full_time.sum())
    assert frame.counts["not_full_time"] == int((~full_time).sum())
    assert set(frame.data.index) == set(workforce.index[full_time])
    assert "working_pattern" not in frame.covariates
    first = with_pattern.findings.items[0]
    assert first.key == "no_hours"
    assert "comparison is of full-time employees only" in first.text
    assert "the annual pay of part-time employees is their part-time pay" in first.text
    gap = next(f for f in with_pattern.findings if f.key == "gap")
    assert "among full-time employees" in gap.text
    assert dict(with_pattern.title.details)["Compared"].endswith(
        "women working full time with annual basic pay as recorded"
    )
    used = with_pattern["characteristics_used"].data.set_index("characteristic")
    assert (
        used.loc["Working pattern", "detail"] == "left out: only full-time employees are compared"
    )
    assert not hourly_claims(everything_said(with_pattern))
    assert "not recorded as working full time" in with_pattern["pooling_summary"].text


def test_with_a_working_pattern_both_populations_reconcile_with_the_pay_gap_functions(
    with_pattern, workforce
):
    data = annual(workforce, pattern=True)
    full_time = data[data["working_pattern"].astype(str).eq("full_time")]
    table = with_pattern["pay_gap_measures"].data
    assert list(dict.fromkeys(table["population"])) == ["Full-time employees", "All employees"]
    for label, part in (("Full-time employees", full_time), ("All employees", data)):
        uk = uk_gpg(part, hourly_pay="annual_basic_pay", bonus=None)
        rows = table[table["population"] == label].set_index("measure")
        # named as the pay gap report names them (no hours: not the statutory names)
        mean = rows.loc["Gap in mean annual basic pay", "value"]
        median = rows.loc["Gap in median annual basic pay", "value"]
        assert mean == pytest.approx(uk.mean_hourly_gap)
        assert median == pytest.approx(uk.median_hourly_gap)
    ob = with_pattern.results["oaxaca"]
    lead = table[table["population"] == "Full-time employees"].set_index("measure")
    assert lead.loc["Gap in mean log annual basic pay", "value"] == pytest.approx(
        100 * ob.gap.value
    )
    everyone = table[table["population"] == "All employees"].set_index("measure")
    logs = np.log(data["annual_basic_pay"])
    by_sex = logs.groupby(data["sex"].astype(str)).mean()
    assert everyone.loc["Gap in mean log annual basic pay", "value"] == pytest.approx(
        100 * (by_sex["M"] - by_sex["F"])
    )
    reconciled = next(f for f in with_pattern.findings if f.key == "reconciled")
    assert reconciled.text.startswith("Among full-time employees, women's median annual basic")
    assert "Including part-time employees at their part-time annual pay" in reconciled.text


# ----------------------------------------------------------------------------- reconciled numbers


@pytest.fixture(scope="module")
def hourly(workforce) -> DecompositionReport:
    return build(workforce, **FAST)


def test_the_pay_gap_reports_figures_stand_beside_the_log_points(hourly, workforce):
    paygap = paygap_build(workforce, n_boot=0)
    uk = paygap.results["uk"]
    table = hourly["pay_gap_measures"].data.set_index("measure")
    assert set(table["population"]) == {"All employees"}
    assert table.loc["Mean gender pay gap (hourly pay)", "value"] == pytest.approx(
        uk.mean_hourly_gap
    )
    assert table.loc["Median gender pay gap (hourly pay)", "value"] == pytest.approx(
        uk.median_hourly_gap
    )
    ob = hourly.results["oaxaca"]
    assert table.loc["Gap in mean log hourly pay", "value"] == pytest.approx(100 * ob.gap.value)
    assert table.loc["Women's geometric mean hourly pay below men's", "value"] == pytest.approx(
        pct_lower(ob.gap.value)
    )
    # the same number in the same words as the pay gap report
    headline = next(f for f in paygap.findings if f.key == "median_gap").text
    reconciled = next(f for f in hourly.findings if f.key == "reconciled")
    assert reconciled.text.startswith(headline)
    framing = Framing.of(workforce, Source("data given directly"))
    assert framing.statutory
    assert headline == statutory_findings(uk, min_cell=10, framing=framing)[0].text
    assert f"{100 * ob.gap.value:.1f} log points" in reconciled.text
    assert "approximate percent only for small gaps" in reconciled.text
    assert "mean of logs" in reconciled.text
    keys = [f.key for f in hourly.findings]
    assert keys.index("reconciled") == keys.index("gap") + 1
    note = hourly["pay_gap_measures_explained"]
    assert isinstance(note, Note) and note.text == reconciled.text


def test_reconciliation_numbers_equal_paygap_on_annual_data(workforce):
    data = annual(workforce)
    report = build(data, **FAST)
    uk = paygap_build(data, n_boot=0).results["uk"]
    rows = report["pay_gap_measures"].data.set_index("measure")
    assert rows.loc["Gap in median annual basic pay", "value"] == (
        pytest.approx(uk.median_hourly_gap)
    )
    assert rows.loc["Gap in mean annual basic pay", "value"] == (pytest.approx(uk.mean_hourly_gap))
    # the same figures under the same names as in the pay gap report's table
    paygap = paygap_build(data, n_boot=0)["statutory_figures"].data.set_index("figure")
    for name in ("Gap in mean annual basic pay", "Gap in median annual basic pay"):
        assert rows.loc[name, "value"] == pytest.approx(paygap.loc[name, "pct"])


# ----------------------------------------------------------------------------- covariates


def test_adjusted_sentences_list_the_fitted_design(workforce):
    data = workforce.drop(columns=["start_date"])
    result = build(data, **FAST)
    ob = result.results["oaxaca"]
    fitted = tables.design_variables(ob)
    words = join_words(fd.characteristics(fitted))
    assert fitted == ["occupation_group", "grade_group", "working_pattern", "age_band"]
    by_key = {f.key: f for f in result.findings}
    assert f"takes account of {words}." in by_key["method"].text
    assert by_key["explained"].text.startswith(f"Differences between women and men in {words} ")
    assert "service" not in by_key["method"].text + by_key["explained"].text
    used = result["characteristics_used"].data.set_index("characteristic")
    assert used.loc["Length of service", "detail"] == "not in the data"


def test_a_characteristic_left_out_of_the_fit_is_not_named_as_used(hourly):
    af, ob = hourly.results["frame"], hourly.results["oaxaca"]
    fewer = dataclasses.replace(
        ob, by_variable=ob.by_variable[ob.by_variable["variable"] != "age_band"]
    )
    said = fd.method_findings(af, fewer)
    assert "age band" not in said[0].text
    assert (
        "takes account of occupation, grade, working pattern and length of service." in said[0].text
    )
    assert any(f.key == "absent_age_band" for f in said)
    used = tables.characteristics_table(af, tables.design_variables(fewer)).data
    row = used.set_index("characteristic").loc["Age band"]
    assert row["used"] == "no" and row["detail"].startswith("left out of the fitted model")


# ----------------------------------------------------------------------------- distribution labels


def gaps_frame(estimates, lows, highs, quantiles=(0.1, 0.5, 0.9)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quantile": list(quantiles),
            "component": "gap",
            "estimate": estimates,
            "ci_low": lows,
            "ci_high": highs,
        }
    )


HOURLY = PayMeasure("hourly_pay", True, True, True)


def test_glass_ceiling_only_with_intervals_clear_of_the_median():
    clear = gaps_frame([0.05, 0.06, 0.20], [0.03, 0.04, 0.15], [0.07, 0.08, 0.25])
    text = fd.profile_sentence(clear, HOURLY)
    assert "glass ceiling" in text and "clear of the 50th percentile's" in text
    overlapping = gaps_frame([0.05, 0.06, 0.20], [0.03, 0.04, 0.05], [0.07, 0.18, 0.35])
    text = fd.profile_sentence(overlapping, HOURLY)
    assert not any(label in text for label in LABELS)
    assert "overlaps that of the 50th percentile" in text


def test_sticky_floor_needs_a_positive_gap_a_middle_and_intervals():
    floor = gaps_frame([0.20, 0.06, 0.05], [0.15, 0.04, 0.03], [0.25, 0.08, 0.07])
    assert "sticky floor" in fd.profile_sentence(floor, HOURLY)
    no_ci = floor.assign(ci_low=np.nan, ci_high=np.nan)
    assert "no intervals were computed" in fd.profile_sentence(no_ci, HOURLY)
    ends_only = floor.iloc[[0, 2]]
    text = fd.profile_sentence(ends_only, HOURLY)
    assert "only the 10th and 90th percentiles were computed" in text
    assert not any(
        label in text.replace("no glass ceiling or sticky floor", "") for label in LABELS
    )
    women_paid_more = gaps_frame(
        [-0.02, -0.06, -0.05], [-0.03, -0.08, -0.07], [-0.01, -0.04, -0.03]
    )
    assert "men are not paid more at either end" in fd.profile_sentence(women_paid_more, HOURLY)
    as_recorded = PayMeasure("annual_basic_pay", False, False, False)
    text = fd.profile_sentence(floor, as_recorded)
    assert "not read as a glass ceiling or sticky floor" in text
    assert "annual basic pay" in text and "hourly" not in text


def test_the_known_answer_is_not_claimed_on_annual_pay_as_recorded(workforce):
    result = build(annual(workforce), truth=synth.truth(within_job_gap=0.05), **FAST)
    known = next(f for f in result.findings if f.key == "known_answer")
    assert "is not expected to recover it" in known.text
    assert "recovers it." not in known.text


def test_a_small_count_not_on_full_pay_is_not_given_away(workforce):
    data = workforce.assign(full_pay=True)
    data.loc[data.index[:3], "full_pay"] = False  # 3 employees not on full pay
    result = build(data, **FAST)
    reconciled = next(f for f in result.findings if f.key == "reconciled")
    frame = result.results["frame"]
    total = frame.counts["men"] + frame.counts["women"]
    assert f"{total - 3:,}" not in reconciled.text
    assert "over full-pay relevant employees." in reconciled.text
    assert "leave out employees not on full pay" in reconciled.text
