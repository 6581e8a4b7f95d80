"""The segregation report seam: tables, disclosure, sentences, notes, snapshots, the registry."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research import segregation as seg  # noqa: E402
from research.core.checks import InputError  # noqa: E402
from research.data import datasets, snapshots, synth  # noqa: E402
from research.data.datasets import Dataset  # noqa: E402
from research.present import disclosure  # noqa: E402
from research.present.report import Note  # noqa: E402
from research.segregation import figures, registry  # noqa: E402
from research.segregation.report import SegregationReport, build  # noqa: E402

SMALL = "synthetic:n_employees=600,seed=11"
MIN_CELL = 10


@pytest.fixture(scope="module")
def small() -> Dataset:
    return datasets.load_dataset(SMALL)


@pytest.fixture(scope="module")
def report(small) -> SegregationReport:
    prior = snapshots.earlier_snapshot(small, "auto")
    return build(
        small.data,
        source=small.source,
        earlier=prior.data,
        earlier_label=prior.label,
        earlier_reason=prior.reason,
        n_boot=30,
        seed=1,
        min_cell=MIN_CELL,
    )


def counts_of(data: pd.DataFrame, column: str) -> pd.DataFrame:
    return pd.crosstab(data[column], data["sex"]).reindex(columns=["F", "M"], fill_value=0)


def workforce(report) -> pd.DataFrame:
    return report.results["workforce"].data


# --------------------------------------------------------------------------------------------------
# Structure, captions and labels
# --------------------------------------------------------------------------------------------------


def test_sections_and_items(report):
    assert isinstance(report, SegregationReport)
    assert [s.key for s in report.sections] == [
        "indices",
        "drivers",
        "families",
        "change",
        "curves",
        "disclosure",
    ]
    assert [t.name for t in report.tables()] == [
        "indices_occupations",
        "indices_grades",
        "women_by_grade",
        "largest_contributions",
        "most_dominated_occupations",
        "between_within_families",
        "job_families",
        "change_decomposition",
    ]
    assert [f.name for f in report.figures()] == [
        "indices_with_intervals",
        "women_by_grade_chart",
        "largest_contributions_chart",
        "change_decomposition_chart",
        "segregation_curves",
    ]
    assert report.title.topic == "Occupational segregation"
    assert report.title.period == "31 March 2025"
    details = dict(report.title.details)
    assert details["Disclosure threshold"] == "counts below 10 are shown as [c]"
    assert details["Occupations"].endswith("distinct values of occupation")


def test_index_tables(report):
    occupations = report.table("indices_occupations")
    occ = report.results["occupations"]
    n_occ = workforce(report)["occupation"].nunique()
    assert occupations.caption == (
        f"Segregation of women and men across {n_occ} occupations: D = {occ['D'].value:.3f}"
    )
    assert [c.label for c in occupations.columns] == [
        "Index",
        "As measured",
        "Corrected for chance",
        "95% CI from",
        "95% CI to",
        "If allocated by lot",
    ]
    shown = registry.indices(shown=True)
    assert occupations.data["index"].tolist() == [i.label for i in shown]
    assert "Exposure" not in occupations.data["index"].tolist()
    assert occupations.data["estimate"].iloc[0] == pytest.approx(occ["D"].value)
    assert occupations.data["by_chance"].iloc[0] == pytest.approx(
        report.results["occupations_by_chance"]["D"]
    )
    assert occupations.notes[0].startswith("Dissimilarity (D): Share of women (or of men) who")
    assert "change occupation" in occupations.notes[0]
    grades = report.table("indices_grades")
    n_grades = workforce(report)["grade"].nunique()
    assert grades.caption == (
        f"Segregation of women and men across all {n_grades} grades: "
        f"D = {report.results['grades']['D'].value:.3f}"
    )
    assert "change grade" in grades.notes[0]
    assert len(grades.data) == len(occupations.data)


def test_statistics_of_small_occupations_are_hidden(report):
    counts = counts_of(workforce(report), "occupation")
    drivers = report.table("largest_contributions").data
    for table in (drivers, report.table("most_dominated_occupations").data):
        for occupation in table.loc[table["pct_female"] != disclosure.SUPPRESSED, "occupation"]:
            f, m = counts.loc[occupation]
            assert f == 0 or f >= MIN_CELL, occupation
            assert m == 0 or m >= MIN_CELL, occupation
    hidden = drivers[drivers["pct_female"] == disclosure.SUPPRESSED]
    assert len(hidden) > 0
    assert (hidden[["ratio_F", "pct_of_M"]] == disclosure.SUPPRESSED).all().all()
    caption = report.table("largest_contributions").caption
    assert f"statistics of {len(hidden)} of them are hidden ([c])" in caption
    assert "fewer than 10 women or men" in caption
    shares = drivers.loc[drivers["pct_of_M"] != disclosure.SUPPRESSED, "pct_of_M"].astype(float)
    assert shares.is_monotonic_decreasing  # ranked by contribution


def test_dominated_lists_do_not_overlap(report):
    table = report.table("most_dominated_occupations").data
    women = table[table["side"] == "Most female-dominated"]
    men = table[table["side"] == "Most male-dominated"]
    assert not set(women["occupation"]) & set(men["occupation"])
    assert (women["ratio_F"] > 1).all() and (men["ratio_F"] < 1).all()
    assert women["pct_female"].is_monotonic_decreasing and men["pct_female"].is_monotonic_increasing


def test_family_tables(report):
    counts = counts_of(workforce(report), "job_family")
    table = report.table("job_families").data
    for _, row in table[table["D"] != disclosure.SUPPRESSED].iterrows():
        f, m = counts.loc[row["job_family"]]
        assert (f == 0 or f >= MIN_CELL) and (m == 0 or m >= MIN_CELL)
    for value in table["n"]:
        assert value == disclosure.SUPPRESSED or value == 0 or value >= MIN_CELL
    split = report.table("between_within_families")
    assert split.data["component"].tolist() == [
        "Between job families",
        "Between occupations within a family",
        "Total",
    ]
    assert split.data["M"].iloc[:2].sum() == pytest.approx(split.data["M"].iloc[2])
    assert (
        split.caption
        == f"{split.data['pct'].iloc[0]:.1f}% of segregation (M) lies between job families"
    )
    assert "Standard error of M" in [c.label for c in split.columns]


def test_change_table(report):
    change = report.results["change"]
    table = report.table("change_decomposition")
    assert table.data["estimate"].iloc[2] == pytest.approx(change.difference)
    assert table.caption.startswith(
        "Change in segregation (M) since the synthetic snapshot of 31 March 2024"
    )
    assert f"{change.difference:+.3f}, of which structural" in table.caption


def test_figures_have_alt_text_with_numbers(report):
    occ = report.results["occupations"]
    intervals = report.figure("indices_with_intervals")
    assert f"D across occupations is {occ['D'].value:.2f}" in intervals.alt
    assert intervals.table == "indices_occupations"
    curves = report.figure("segregation_curves")
    assert f"Gini {report.results['curves']['occupations'].gini:.2f}" in curves.alt
    chart = report.figure("change_decomposition_chart")
    assert f"{report.results['change'].difference:+.3f}" in chart.alt
    assert chart.table == "change_decomposition"


# --------------------------------------------------------------------------------------------------
# Key findings
# --------------------------------------------------------------------------------------------------


def test_key_findings_state_the_computed_numbers(report):
    found = {f.key: f for f in report.findings}
    assert 3 <= len(report.findings) <= 6
    data = workforce(report)
    assert found["pct_women"].value == pytest.approx(100 * (data["sex"] == "F").mean())
    d = report.results["occupations"]["D"]
    assert found["D_occupations"].value == pytest.approx(d.value)
    assert found["D_occupations"].ci == pytest.approx(d.ci)
    assert f"the dissimilarity index D is {d.value:.3f} (corrected for chance" in (
        found["D_occupations"].text
    )
    assert f"95% CI {d.ci[0]:.3f} to {d.ci[1]:.3f}" in found["D_occupations"].text
    grade = report.results["grades"]["D"]
    assert f"D across grades is {grade.value:.3f}" in found["D_grades"].text
    change = report.results["change"]
    assert found["change"].value == pytest.approx(change.difference)
    assert "structural part" in found["change"].text
    assert f"{change.components['structural']:+.3f}" in found["change"].text
    assert not any("**" in text for text in report.findings.texts())


def test_without_bootstrap_or_families_or_grades(small):
    data = small.data.drop(columns=["grade", "grade_rank"], errors="ignore")
    result = build(data, occupation_level="job_family", family_level="none", n_boot=0, seed=1)
    assert isinstance(result["indices_grades"], Note)
    assert result["indices_grades"].text == (
        "Segregation by grade is not shown: the dataset records no grades."
    )
    assert isinstance(result["between_within_families"], Note)
    assert "no grouping of occupations was chosen" in result["between_within_families"].text
    assert isinstance(result["change_decomposition"], Note)
    assert result["change_decomposition"].text == (
        "Change over time is not shown: no earlier snapshot was given."
    )
    table = result.table("indices_occupations")
    assert "ci_low" not in table.data.columns and "Corrected for chance" not in [
        c.label for c in table.columns
    ]
    assert "95% CI" not in " ".join(result.findings.texts())
    assert "Change over time is not shown: no earlier snapshot was given." in (
        result.findings.texts()
    )
    missing = build(small.data.drop(columns="job_family"), n_boot=0, seed=1)
    assert "the dataset has no job family column" in missing["between_within_families"].text


def test_hostile_labels_are_escaped(small):
    data = small.data.copy()
    hostile = "<img src=x onerror=alert(1)>"
    data["occupation_title"] = data["occupation_title"].astype("string")
    data.loc[data["occupation"] == data["occupation"].iloc[0], "occupation_title"] = hostile
    data["job_family"] = data["job_family"].astype("string").replace("Education", hostile)
    result = build(data, n_boot=0, seed=1, min_cell=1)
    html = result._repr_html_()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --------------------------------------------------------------------------------------------------
# Earlier snapshots (data layer)
# --------------------------------------------------------------------------------------------------


def test_earlier_snapshot_choices(small):
    auto = snapshots.earlier_snapshot(small)
    assert auto.data is not None and "31 March 2024" in auto.label
    assert set(auto.data["snapshot_date"]) == {pd.Timestamp("2024-03-31")}
    none = snapshots.earlier_snapshot(small, "none")
    assert none.data is None and "compare_with" in none.reason
    one = Dataset("my_extract", small.data, small.summary)
    single = snapshots.earlier_snapshot(one)
    assert single.data is None and "one snapshot only (31 March 2025)" in single.reason
    panel_data = synth.generate_years([2023, 2024, 2025], n_employees=500, seed=2)
    panel = Dataset("panel", panel_data, small.summary)
    earliest = snapshots.earlier_snapshot(panel)
    assert "31 March 2023" in earliest.label and len(earliest.data) == 500
    result = build(
        panel_data, earlier=earliest.data, earlier_label=earliest.label, n_boot=0, seed=1
    )
    assert result.results["workforce"].snapshot == pd.Timestamp("2025-03-31")
    assert (
        "snapshot of 31 March 2023 in the same dataset"
        in result.table("change_decomposition").caption
    )
    named = snapshots.earlier_snapshot(small, "synthetic:n_employees=300,seed=3")
    assert named.label.startswith("synthetic:n_employees=300,seed=3 (") and len(named.data) == 300


def test_figure_helpers(report):
    results = {"occupations": report.results["occupations"], "grades": report.results["grades"]}
    chance = {
        "occupations": report.results["occupations_by_chance"],
        "grades": report.results["grades_by_chance"],
    }
    for ax in (
        figures.index_intervals(results, chance),
        figures.contributions(report.table("largest_contributions").data),
        figures.curves(report.results["curves"]),
        figures.change_bars(report.results["change"]),
    ):
        fig = figures.finish(ax, title="A title", source="a source line " * 12)
        assert fig.texts and fig.texts[-1].get_text().startswith("Source:")
        plt.close(fig)


# --------------------------------------------------------------------------------------------------
# The index registry: a new index is one entry
# --------------------------------------------------------------------------------------------------


@pytest.fixture()
def toy_index():
    """A toy index: the largest gap between the two groups' shares in one unit."""

    def largest_gap(a, b, beta):
        with np.errstate(invalid="ignore", divide="ignore"):  # empty groups in redraws: NaN
            share_a = a / a.sum(axis=-1, keepdims=True)
            share_b = b / b.sum(axis=-1, keepdims=True)
        return np.abs(share_a - share_b).max(axis=-1)

    index = registry.register(
        registry.SegregationIndex(
            name="largest_gap",
            label="Largest gap (toy)",
            meaning="The largest gap between the two groups' shares in one {noun}",
            compute=largest_gap,
            reference="A test of the registry.",
        )
    )
    yield index
    registry.unregister(index.name)


def test_a_registered_index_appears_everywhere(toy_index, small):
    hand = pd.DataFrame({"unit": list("aabbcc"), "sex": list("FMFMFM"), "n": [10, 2, 5, 5, 1, 9]})
    table = seg.segregation_indices(hand, "sex", "unit", "n", n_boot=50, seed=3)
    assert table["largest_gap"].value == pytest.approx(max(10 / 16 - 2 / 16, 9 / 16 - 1 / 16))
    assert table["largest_gap"].ci is not None and table["largest_gap"].se > 0
    assert "Largest gap (toy)" in table.to_frame()["label"].tolist()
    assert seg.INDEX_LABELS["largest_gap"] == "Largest gap (toy)"
    expected = seg.expected_values(hand, "sex", "unit", "n", n_sim=20, seed=1)
    assert "largest_gap" in expected.table["index"].tolist()
    profile = seg.segregation_profile(hand.assign(level="x"), "sex", "unit", "n", across="level")
    assert "largest_gap" in profile.to_frame()["index"].tolist()
    result = build(small.data, n_boot=10, seed=1)
    occupations = result.table("indices_occupations")
    row = occupations.data[occupations.data["index"] == "Largest gap (toy)"]
    assert len(row) == 1
    assert row["estimate"].iloc[0] == pytest.approx(
        result.results["occupations"]["largest_gap"].value
    )
    assert any(n.startswith("Largest gap (toy): The largest gap") for n in occupations.notes)
    assert "one occupation" in occupations.notes[-1]


def test_registry_refuses_duplicates():
    with pytest.raises(InputError):
        registry.register(registry.get("D"))
    assert [i.name for i in registry.indices(change=True)] == list(seg.CHANGE_INDICES)
    assert registry.get("M").bounds == (0.0, np.inf) and registry.get("Gini").shown


# --------------------------------------------------------------------------------------------------
# Vocabulary: by=, compare=, reference=
# --------------------------------------------------------------------------------------------------


def test_compare_and_reference_name_the_groups():
    data = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "b", "b", "b"],
            "group": ["x", "y", "z", "x", "y", "z"],
            "n": [10, 5, 1, 2, 9, 20],
        }
    )
    pairwise = seg.dissimilarity(
        data, by="group", unit="unit", weight="n", compare="x", reference="y"
    )
    assert float(pairwise) == pytest.approx(
        float(seg.dissimilarity(data, "group", "unit", "n", groups=("x", "y")))
    )
    assert pairwise.details["groups"] == ("x", "y")
    rest = seg.dissimilarity(data, "group", "unit", "n", compare="x")
    assert float(rest) == pytest.approx(
        float(seg.dissimilarity(data, "group", "unit", "n", versus_rest="x"))
    )
    assert rest.details["groups"] == ("x", "all others")
    two = data[data["group"] != "z"]
    assert seg.segregation_indices(two, "group", "unit", "n", reference="x").groups == ("y", "x")
    assert float(seg.isolation(two, "group", "unit", "n", compare="y")) == pytest.approx(
        float(seg.isolation(two, "group", "unit", "n", groups=("y", "x")))
    )
    with pytest.raises(InputError, match="one way only"):
        seg.gini(data, "group", "unit", "n", compare="x", groups=("x", "y"))
    change = seg.decompose_change(
        two, two, by="group", unit="unit", weight="n", index="D", compare="x", reference="y"
    )
    assert change.difference == pytest.approx(0.0)
