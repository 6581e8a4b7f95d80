"""Segregation across grades: every grade counts, blank grades are left out and counted, pay plans
keep their grades apart, and annual-pay-only data build a report with no hours claims."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.data import synth  # noqa: E402
from research.present import disclosure, tabulate  # noqa: E402
from research.segregation.report import build  # noqa: E402

N_GRADES = 60
BANDS = 8


def hand_d(data: pd.DataFrame, unit: str) -> float:
    """D = 1/2 sum_i |f_i / F - m_i / M| over the units, women and men only, blank units left out."""
    rows = data[data["sex"].astype(str).isin(["F", "M"]) & data[unit].notna()]
    f = rows[rows["sex"].astype(str) == "F"][unit].astype(str).value_counts()
    m = rows[rows["sex"].astype(str) == "M"][unit].astype(str).value_counts()
    units = f.index.union(m.index)
    f, m = f.reindex(units, fill_value=0), m.reindex(units, fill_value=0)
    return 0.5 * float(np.abs(f / f.sum() - m / m.sum()).sum())


def many_grades(n: int = 3000, seed: int = 4, n_grades: int = N_GRADES) -> pd.DataFrame:
    """Synthetic workforce on ``n_grades`` grades; women are more common in odd ranks, so pooling
    neighbouring grades into bands hides much of the segregation."""
    data = synth.generate(n, seed=seed)
    rng = np.random.default_rng(seed)
    women = data["sex"].astype(str).eq("F").to_numpy()
    rank = rng.integers(1, n_grades // 2 + 1, len(data)) * 2 - (rng.random(len(data)) < 0.5)
    odd = rng.random(len(data)) < np.where(women, 0.8, 0.2)
    rank = np.where(odd, rank - (rank % 2 == 0), rank + (rank % 2 == 1)).clip(1, n_grades)
    return data.assign(
        grade=pd.Categorical([f"G{r:03d}" for r in rank]),
        grade_rank=pd.array(rank, dtype="Int64"),
    )


def blank_some(data: pd.DataFrame, share: float = 0.07, seed: int = 9) -> pd.DataFrame:
    blank = np.random.default_rng(seed).random(len(data)) < share
    out = data.copy()
    out["grade"] = out["grade"].astype("object").where(~blank, np.nan).astype("category")
    out["grade_rank"] = out["grade_rank"].mask(blank)
    return out


@pytest.fixture(scope="module")
def graded():
    data = many_grades()
    return data, build(data, max_grade_groups=BANDS, n_boot=0, seed=1)


@pytest.fixture(scope="module")
def blanks():
    data = blank_some(many_grades())
    return data, build(data, max_grade_groups=BANDS, n_boot=0, seed=1)


# ------------------------------------------------------------------------------ every grade counts


def test_grade_d_is_the_index_on_all_grades(graded):
    data, report = graded
    d = report.results["grades"]["D"].value
    assert d == pytest.approx(hand_d(data, "grade"), abs=1e-12)
    assert report.results["workforce"].n_grades == N_GRADES
    # the bands of the chart would have given a much lower D: they are never used for an index
    bands = data.assign(band=tabulate.grade_groups(data, max_groups=BANDS))
    assert hand_d(bands, "band") < d - 0.2


def test_captions_state_the_true_number_of_grades(graded):
    _, report = graded
    d = report.results["grades"]["D"].value
    assert report.table("indices_grades").caption == (
        f"Segregation of women and men across all {N_GRADES} grades: D = {d:.3f}"
    )
    n_bands = report.results["workforce"].n_bands
    assert 2 <= n_bands <= BANDS
    chart_table = report.table("women_by_grade")
    assert chart_table.caption == (
        f"Share of women in each band of grades: grades pooled into {n_bands} bands for the "
        f"chart; indices use all {N_GRADES} grades"
    )
    assert len(chart_table.data) == n_bands
    assert chart_table.data["grade_band"].tolist() == sorted(chart_table.data["grade_band"])
    figure = report.figure("women_by_grade_chart")
    assert figure.table == "women_by_grade"
    assert (
        f"grades pooled into {n_bands} bands for the chart; indices use all {N_GRADES} grades"
        in figure.alt
    )
    found = {f.key: f for f in report.findings}
    assert (
        f"D across grades is {d:.3f}, computed on all {N_GRADES} grades." in found["D_grades"].text
    )
    assert found["D_grades"].value == pytest.approx(d)


def test_few_grades_are_charted_one_by_one():
    data = synth.generate(800, seed=3)
    report = build(data, n_boot=0, seed=1)
    n = data["grade"].nunique()
    table = report.table("women_by_grade")
    assert table.caption == f"Share of women in each of the {n} grades"
    assert len(table.data) == n
    assert table.data["grade_band"].iloc[0].startswith("01. ")
    assert "pooled" not in report.figure("women_by_grade_chart").alt
    shown = table.data[table.data["pct_female"] != disclosure.SUPPRESSED]
    counts = pd.crosstab(data["grade"].astype(str), data["sex"].astype(str))
    for label in shown["grade_band"]:
        f, m = counts.loc[label.split(". ", 1)[1], ["F", "M"]]
        assert f >= 10 or f == 0
        assert m >= 10 or m == 0


def test_pay_plans_keep_their_grades_apart():
    data = synth.generate(1500, seed=6)
    plans = np.where(data["job_family"].astype(str).isin(["Education", "Social care"]), "A", "B")
    with_plans = data.assign(pay_plan=plans)
    report = build(with_plans, n_boot=0, seed=1)
    units = with_plans["pay_plan"] + " " + with_plans["grade"].astype(str)
    d = report.results["grades"]["D"].value
    assert d == pytest.approx(hand_d(with_plans.assign(unit=units), "unit"), abs=1e-12)
    n_units = units.nunique()
    assert n_units > data["grade"].nunique()
    assert report.results["workforce"].n_grades == n_units
    assert report.table("indices_grades").caption.startswith(
        f"Segregation of women and men across all {n_units} grades of 2 pay plans"
    )
    without = build(data, n_boot=0, seed=1)
    assert without.results["grades"]["D"].value == pytest.approx(hand_d(data, "grade"))


# ------------------------------------------------------------------------------ blank grades


def test_blank_grades_are_left_out_and_counted(blanks):
    data, report = blanks
    n_blank = int((data["grade"].isna() & data["sex"].astype(str).isin(["F", "M"])).sum())
    assert n_blank > 10
    workforce = report.results["workforce"]
    assert workforce.n_no_grade == n_blank
    assert workforce.n_grades == N_GRADES
    assert report.results["grades"]["D"].value == pytest.approx(hand_d(data, "grade"), abs=1e-12)
    left_out = f"{n_blank:,} women and men with no recorded grade are left out"
    assert any(left_out in note for note in report.table("indices_grades").notes)
    found = {f.key: f for f in report.findings}
    assert left_out.capitalize() in found["D_grades"].text
    table = report.table("women_by_grade")
    assert table.data["grade_band"].iloc[-1] == "not recorded"
    assert table.data["n"].iloc[-1] == n_blank
    assert "(missing)" not in table.data["grade_band"].tolist()
    assert any("listed as not recorded" in note for note in table.notes)
    assert "not recorded" not in report.figure("women_by_grade_chart").alt


def test_a_few_blank_grades_are_not_counted_exactly():
    data = synth.generate(800, seed=3)
    data["grade"] = data["grade"].astype("object")
    data.loc[data.index[:3], ["grade", "grade_rank"]] = [np.nan, pd.NA]
    report = build(data, n_boot=0, seed=1, min_cell=10)
    found = {f.key: f for f in report.findings}
    assert (
        "Fewer than 10 women and men with no recorded grade are left out." in found["D_grades"].text
    )
    assert report.table("women_by_grade").data["n"].iloc[-1] == disclosure.SUPPRESSED


def test_every_grade_blank_is_no_grades():
    data = synth.generate(600, seed=3).assign(grade=np.nan, grade_rank=pd.NA)
    report = build(data, n_boot=0, seed=1)
    assert report["indices_grades"].text == (
        "Segregation by grade is not shown: the dataset records no grades."
    )
    assert "women_by_grade" not in [t.name for t in report.tables()]


@pytest.mark.parametrize("max_groups", [3, 5, 30])
def test_grade_groups_survive_blank_grades(blanks, max_groups):
    data, _ = blanks
    groups = tabulate.grade_groups(data, max_groups=max_groups)
    blank = data["grade"].isna().to_numpy()
    assert (groups[blank] == "(missing)").all()
    assert groups[~blank].notna().all() and not (groups[~blank] == "(missing)").any()
    assert groups[~blank].nunique() <= max_groups
    named = tabulate.grade_groups(data, max_groups=max_groups, missing=tabulate.NOT_RECORDED)
    assert (named[blank] == "not recorded").all()
    # the bands of the recorded grades are those of the data without the blank rows
    alone = tabulate.grade_groups(data[~blank], max_groups=max_groups)
    assert groups[~blank].nunique() == alone.nunique()


def test_grade_groups_bands_are_unchanged_without_blanks():
    data = many_grades(n=500)
    groups = tabulate.grade_groups(data, max_groups=4)
    assert groups.str.match(r"^ranks \d{2}-\d{2}$").all()
    assert groups.iloc[0] == (
        f"ranks {groups[data['grade_rank'] == data['grade_rank'].iloc[0]].iloc[0][6:]}"
    )
    lows = groups.str.slice(6, 8).astype(int)
    highs = groups.str.slice(9, 11).astype(int)
    ranks = data["grade_rank"].astype(int)
    assert ((lows <= ranks) & (ranks <= highs)).all()


def test_a_grade_without_a_rank_keeps_its_name():
    data = synth.generate(300, seed=2)
    data.loc[data.index[:5], "grade_rank"] = pd.NA
    for max_groups in (3, 30):
        groups = tabulate.grade_groups(data, max_groups=max_groups)
        assert (groups.iloc[:5] == data["grade"].astype(str).iloc[:5].to_numpy()).all()


# ------------------------------------------------------------------------------ annual pay only


def test_annual_pay_only_builds_without_hours_claims():
    data = synth.generate(800, seed=2).assign(
        weekly_hours=np.nan, fte=np.nan, hourly_pay=np.nan, working_pattern=pd.NA
    )
    report = build(data, n_boot=0, seed=1)
    full = synth.generate(800, seed=2)
    assert report.results["occupations"]["D"].value == pytest.approx(
        build(full, n_boot=0, seed=1).results["occupations"]["D"].value
    )
    words = re.compile(r"hour|working pattern|full.time|part.time|\bfte\b", re.IGNORECASE)
    texts = list(report.findings.texts())
    for table in report.tables():
        texts += [table.caption, *table.notes, *(c.label for c in table.columns)]
        texts += [str(v) for v in table.data.astype(str).to_numpy().ravel()]
    for figure in report.figures():
        texts.append(figure.alt)
        texts += [t.get_text() for t in figure.figure.findobj(matplotlib.text.Text)]
    texts += [item.text for item in report.items() if hasattr(item, "text")]
    texts += [value for _, value in report.title.details]
    for text in texts:
        assert not words.search(text), text
