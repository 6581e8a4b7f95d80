"""The computations behind notebooks/20_segregation.ipynb: disclosure, snapshots, findings."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.data import datasets, synth  # noqa: E402
from research.data.datasets import Dataset  # noqa: E402
from research.present import disclosure  # noqa: E402
from research.segregation import figures, reporting  # noqa: E402

SMALL = "synthetic:n_employees=600,seed=11"
MIN_CELL = 10


@pytest.fixture(scope="module")
def analysis() -> reporting.Analysis:
    return reporting.analyse(datasets.load_dataset(SMALL), n_boot=30, seed=1, min_cell=MIN_CELL)


def counts_of(data: pd.DataFrame, column: str) -> pd.DataFrame:
    return pd.crosstab(data[column], data["sex"]).reindex(columns=["F", "M"], fill_value=0)


def test_statistics_of_small_occupations_are_hidden(analysis):
    counts = counts_of(analysis.workforce.data, "occupation")
    for table, name in ((analysis.drivers, "occupation"), (analysis.dominated, "occupation")):
        shown = table[table["pct_female"] != disclosure.SUPPRESSED]
        for occupation in shown[name]:
            f, m = counts.loc[occupation]
            assert f == 0 or f >= MIN_CELL, occupation
            assert m == 0 or m >= MIN_CELL, occupation
    hidden = analysis.drivers[analysis.drivers["pct_female"] == disclosure.SUPPRESSED]
    assert len(hidden) == analysis.n_drivers_hidden > 0
    assert (hidden[["ratio_F", "pct_of_M"]] == disclosure.SUPPRESSED).all().all()


def test_dominated_lists_do_not_overlap(analysis):
    table = analysis.dominated
    women = table[table["side"] == "Most female-dominated"]
    men = table[table["side"] == "Most male-dominated"]
    assert not set(women["occupation"]) & set(men["occupation"])
    assert (women["ratio_F"] > 1).all() and (men["ratio_F"] < 1).all()
    assert women["pct_female"].is_monotonic_decreasing and men["pct_female"].is_monotonic_increasing


def test_family_table_hides_small_families(analysis):
    counts = counts_of(analysis.workforce.data, "job_family")
    table = analysis.family_table
    for _, row in table[table["D"] != disclosure.SUPPRESSED].iterrows():
        f, m = counts.loc[row["job_family"]]
        assert (f == 0 or f >= MIN_CELL) and (m == 0 or m >= MIN_CELL)
    for value in table["n"]:
        assert value == disclosure.SUPPRESSED or value == 0 or value >= MIN_CELL
    split = analysis.family_split
    assert list(split["component"]) == [
        "Between job families",
        "Between occupations within a family",
        "Total",
    ]
    assert split["M"].iloc[:2].sum() == pytest.approx(split["M"].iloc[2])


def test_key_findings_have_numbers_and_intervals(analysis):
    text = analysis.key_findings()
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert 3 <= len(lines) <= 6
    assert "95% CI" in text and "%" in text
    assert "structural part" in text  # the synthetic data get an earlier year


def test_index_tables(analysis):
    occupations = analysis.index_table("occupations")
    grades = analysis.index_table("grades")
    assert list(occupations.columns) == [
        "index",
        "estimate",
        "bias_corrected",
        "ci_low",
        "ci_high",
        "by_chance",
    ]
    assert occupations["estimate"].iloc[0] == pytest.approx(analysis.horizontal[0]["D"].value)
    assert len(grades) == len(occupations) == len(reporting.SHOWN)
    no_boot = reporting.index_table(
        reporting.indices(analysis.workforce, "occupation", n_boot=0, seed=1),
        analysis.horizontal[1],
        noun="occupation",
    )
    assert "ci_low" not in no_boot.columns


def test_earlier_snapshot_choices():
    synthetic = datasets.load_dataset(SMALL)
    workforce = reporting.prepare(synthetic)
    auto = reporting.earlier_snapshot(synthetic, workforce)
    assert auto.data is not None and "31 March 2024" in auto.label
    none = reporting.earlier_snapshot(synthetic, workforce, compare_with="none")
    assert none.data is None and "compare_with" in none.reason
    one = Dataset("my_extract", synthetic.data, synthetic.summary)
    single = reporting.earlier_snapshot(one, reporting.prepare(one))
    assert single.data is None and "one snapshot only (31 March 2025)" in single.reason
    panel_data = synth.generate_years([2023, 2024, 2025], n_employees=500, seed=2)
    panel = Dataset("panel", panel_data, synthetic.summary)
    panel_workforce = reporting.prepare(panel)
    assert panel_workforce.snapshot == pd.Timestamp("2025-03-31")
    assert panel_workforce.n_earlier_rows == 1000
    earliest = reporting.earlier_snapshot(panel, panel_workforce)
    assert "31 March 2023" in earliest.label and len(earliest.data) == 500


def test_change_table_and_figures(analysis):
    table = reporting.change_table(analysis.change)
    assert table["estimate"].iloc[2] == pytest.approx(analysis.change.difference)
    tables = {"occupations": analysis.horizontal[0], "grades": analysis.vertical[0]}
    chance = {"occupations": analysis.horizontal[1], "grades": analysis.vertical[1]}
    for ax in (
        figures.index_intervals(tables, chance),
        figures.contributions(analysis.drivers),
        figures.curves(analysis.curves),
        figures.change_bars(analysis.change),
    ):
        fig = figures.finish(ax, title="A title", source="a source line " * 12)
        assert fig.texts and fig.texts[-1].get_text().startswith("Source:")
        plt.close(fig)


def test_other_levels_and_no_families():
    data = datasets.load_dataset(SMALL)
    result = reporting.analyse(
        data, occupation_level="job_family", family_level="none", n_boot=0, seed=1
    )
    assert result.family_split is None and "no grouping" in result.family_reason
    assert result.horizontal[0]["D"].ci is None
    assert "95% CI" not in result.key_findings()
