"""The decomposition report seam: analysis frame, tables, findings, figures and notes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.core.checks import InputError  # noqa: E402
from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.data.datasets import Dataset  # noqa: E402
from research.data.truth import synthetic_truth  # noqa: E402
from research.decomposition import frame as fr  # noqa: E402
from research.decomposition import oaxaca_blinder, suite, tables  # noqa: E402
from research.decomposition.report import DecompositionReport, build, known_gap  # noqa: E402
from research.present.disclosure import SUPPRESSED  # noqa: E402
from research.present.report import Figure, Note, Table  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"
FAST = {"n_boot": 20, "seed": 1, "quantiles": "25, 50, 75"}


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    return synth.generate(1500, seed=3, other_sex_share=0.02)


@pytest.fixture(scope="module")
def report(workforce) -> DecompositionReport:
    source = Source("synthetic", "A synthetic council", "GBP")
    return build(workforce, source=source, truth=synth.truth(within_job_gap=0.05), **FAST)


# ----------------------------------------------------------------------------- analysis frame


def test_parse_quantiles():
    assert fr.parse_quantiles("10, 50, 90") == [0.1, 0.5, 0.9]
    assert fr.parse_quantiles("0.9;0.1") == [0.1, 0.9]
    for bad in ("", "ten", "0, 50", "150"):
        with pytest.raises(InputError):
            fr.parse_quantiles(bad)


def test_analysis_frame_pools_small_categories_and_counts_everyone():
    data = synth.generate(700, seed=3, other_sex_share=0.02)
    frame = fr.analysis_frame(data, min_group=10)
    assert frame.counts["other_sex"] > 0
    assert frame.counts["men"] + frame.counts["women"] + frame.counts["other_sex"] == 700
    for column in frame.covariates:
        counts = pd.crosstab(frame.data[column], frame.data["sex"])
        assert (counts.min(axis=1) >= 10).all(), column
    assert frame.max_leverage <= fr.LEVERAGE_LIMIT
    dec = suite.run(frame, n_boot=20, seed=1, quantiles=[0.25, 0.75])
    assert list(dec.sensitivity["benchmark"]) == list(suite.REFERENCES)
    hidden = tables.pay_table(frame, currency="GBP", min_cell=10**6)
    assert (hidden.data["geometric_mean_hourly_pay"] == SUPPRESSED).all()
    assert "[c]" in hidden.notes[0]
    if dec.bmz is not None:
        occupations = tables.occupation_table(dec.bmz, min_cell=10**6)
        assert (occupations.data["pct_of_women"] == SUPPRESSED).all()
        assert "n_men" not in occupations.data


def test_analysis_frame_coarsens_grades_nested_in_occupations():
    # Grades that belong to one occupation each, apart from two people: without coarsening the
    # regression would rest on them.
    rng = np.random.default_rng(0)
    n = 2000
    occupation = rng.integers(0, 8, n)
    grade = occupation * 2 + rng.integers(0, 2, n)
    grade[:2] = [15, 0]
    data = synth.generate(n, seed=1)
    data["occupation"] = pd.Categorical([f"occ{k}" for k in occupation])
    data["grade_rank"] = pd.array(grade + 1, dtype="Int64")
    data["grade"] = pd.Categorical([f"G{g + 1:02d}" for g in grade])
    data["job_family"] = pd.Categorical(["all"] * n)
    frame = fr.analysis_frame(data, min_group=10)
    assert frame.max_leverage <= fr.LEVERAGE_LIMIT
    ob = oaxaca_blinder(frame.data, fr.OUTCOME, frame.covariates, "sex", group_a="M", group_b="F")
    assert np.isfinite(ob.twofold.explained.value)


# ----------------------------------------------------------------------------- the known answer


def test_synthetic_truth_comes_from_the_data_layer():
    data = pd.DataFrame({"sex": ["F", "M"]})
    synthetic = Dataset("synthetic", data, {"generator": {"within_job_gap": 0.1, "seed": 4}})
    truth = synthetic_truth(synthetic)
    assert known_gap(truth) == pytest.approx(-np.log(0.9))
    assert synthetic_truth(Dataset("real", data, {})) is None
    assert known_gap(None) is None and known_gap(0.05) == 0.05


# ----------------------------------------------------------------------------- findings


def test_findings_state_the_numbers_of_the_results(report):
    ob = report.results["oaxaca"]
    by_key = {f.key: f for f in report.findings}
    gap = by_key["gap"]
    assert gap.value == pytest.approx(100 * ob.gap.value)
    assert gap.ci == pytest.approx((100 * ob.gap.ci[0], 100 * ob.gap.ci[1]))
    assert f"a gap of {100 * ob.gap.value:.1f} log points" in gap.text
    explained = by_key["explained"]
    assert explained.value == pytest.approx(100 * ob.twofold.explained.value)
    assert "not a measure of discrimination" in explained.text
    bmz = report.results["bmz"]
    assert by_key["segregation"].value == pytest.approx(100 * bmz.components["between"].value)
    unexplained = ob.twofold.unexplained
    assert by_key["known_answer"].value == pytest.approx(100 * unexplained.value)
    assert "known within-job gap of 5.1 points" in by_key["known_answer"].text
    for finding in report.findings:
        assert "*" not in finding.text and finding.text.endswith(".")


def test_method_sentence_names_the_characteristics_used(report):
    method = next(f for f in report.findings if f.key == "method")
    frame = report.results["frame"]
    assert f"{frame.counts['men']:,} men and {frame.counts['women']:,} women" in method.text
    assert "occupation, grade, working pattern, age band and length of service" in method.text
    assert not [f for f in report.findings if f.key.startswith("absent_")]


def test_absent_inputs_are_said_to_be_absent(workforce):
    data = workforce.drop(columns=["start_date", "age_band"])
    result = build(data, include_grade=False, **FAST)
    method = next(f for f in result.findings if f.key == "method")
    assert "takes account of occupation and working pattern." in method.text
    assert "service" not in method.text and "age" not in method.text
    texts = result.findings.texts()
    assert "Length of service is not part of the comparison: the data do not record it." in texts
    assert "Age band is not part of the comparison: the data do not record it." in texts
    assert any(
        t.startswith("Grade is not part of the comparison: it was not requested") for t in texts
    )
    used = result["characteristics_used"].data.set_index("characteristic")
    assert list(used.index) == [
        "Occupation",
        "Grade",
        "Working pattern",
        "Age band",
        "Length of service",
    ]
    assert used.loc["Length of service", "used"] == "no"
    assert used.loc["Occupation", "used"] == "yes"
    assert isinstance(result["known_answer_check"], Note)


def test_without_occupations_the_segregation_section_is_a_note(workforce):
    data = workforce.drop(columns=["occupation", "occupation_title", "job_family", "department"])
    result = build(data, **FAST)
    assert result.results["bmz"] is None
    note = result["occupational_split"]
    assert isinstance(note, Note) and "not enough occupations" in note.text
    assert not any(f.key == "segregation" for f in result.findings)
    method = next(f for f in result.findings if f.key == "method")
    assert "takes account of grade, working pattern" in method.text
    assert result.findings.texts()[-1] == (
        "Occupation is not part of the comparison: the data do not record it."
    )


# ----------------------------------------------------------------------------- tables and figures


def test_tables_keep_their_names_captions_and_labels(report):
    names = [t.name for t in report.tables()]
    for name in (
        "pay_by_sex",
        "decomposition_summary",
        "contributions_by_characteristic",
        "benchmark_sensitivity",
        "occupational_split",
        "occupations_driving_segregation",
        "quantile_decomposition",
        "reweighting_decomposition",
        "known_answer_check",
        "characteristics_used",
    ):
        assert name in names
    summary = report["decomposition_summary"]
    assert summary.caption.startswith("The gap split into explained and unexplained parts")
    assert "pooled pay structure of women and men" in summary.caption
    assert summary.column("points").label == "Log points"
    assert summary.column("pct_of_gap").format == "pct"
    assert list(summary.data["component"])[:3] == [
        "Pay gap (men minus women)",
        "Explained by the characteristics",
        "Unexplained",
    ]
    pay = report["pay_by_sex"]
    assert list(pay.data["group"]) == ["Men", "Women"]
    assert pay.column("geometric_mean_hourly_pay").label == "Geometric mean hourly pay"
    quantiles = report["quantile_decomposition"]
    assert list(quantiles.data["percentile"]) == ["25th", "50th", "75th"]
    labels = [c.label for c in report["contributions_by_characteristic"].columns]
    assert len(set(labels)) == len(labels)
    check = report["known_answer_check"].data
    assert check.loc[0, "points"] == pytest.approx(-100 * np.log(0.95))


def test_table_numbers_match_the_results(report):
    ob = report.results["oaxaca"]
    summary = report["decomposition_summary"].data.set_index("component")
    assert summary.loc["Unexplained", "points"] == pytest.approx(100 * ob.twofold.unexplained.value)
    low, high = ob.twofold.unexplained.ci
    assert summary.loc["Unexplained", "ci_95"] == f"{100 * low:.1f} to {100 * high:.1f}"
    sensitivity = report["benchmark_sensitivity"].data
    assert sensitivity["reference"].iloc[0] == tables.REFERENCE_LABELS["pooled"]
    assert sensitivity["explained_points"].iloc[0] == pytest.approx(
        100 * ob.twofold.explained.value
    )


def test_figures_have_alt_text_from_the_data_and_a_table(report):
    figures = {f.name: f for f in report.figures()}
    assert set(figures) == {
        "decomposition_waterfall",
        "contributions_with_intervals",
        "occupational_split_chart",
        "quantile_profile",
    }
    gap = 100 * report.results["oaxaca"].gap.value
    assert f"{gap:.1f}-point gap" in figures["decomposition_waterfall"].alt
    assert figures["quantile_profile"].table == "quantile_decomposition"
    for figure in figures.values():
        assert isinstance(figure, Figure) and figure.table in report


def test_title_block_names_the_organisation_and_the_comparison(report):
    title = report.title
    assert title.topic == "Pay gap decomposition"
    assert title.organisation == "Synthetic Borough Council"
    assert title.dataset == "A synthetic council"
    details = dict(title.details)
    frame = report.results["frame"]
    assert details["Compared"].startswith(f"{frame.counts['men']:,} men")
    assert "[c]" in details["Disclosure threshold"]


def test_pooled_categories_are_listed_without_counts(report):
    frame = report.results["frame"]
    assert len(frame.pooled)
    full = report["pooled_categories_full_list"]
    assert isinstance(full, Table) and len(full.data) == len(frame.pooled)
    summary = report["pooling_summary"]
    assert isinstance(summary, Note) and "were merged into" in summary.text
    assert "another or no recorded sex" in summary.text


def test_hostile_labels_are_escaped(workforce):
    data = workforce.copy()
    top = data["occupation"].astype(str).value_counts().index[0]
    data["occupation"] = data["occupation"].astype(str).replace(top, HOSTILE)
    data["job_family"] = (
        data["job_family"].astype(str).replace(data["job_family"].astype(str).iloc[-1], HOSTILE)
    )
    result = build(data, **FAST)
    html = result._repr_html_()
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_unknown_reference_is_refused(workforce):
    with pytest.raises(InputError, match="reference 'median'"):
        build(workforce, reference="median", **FAST)
