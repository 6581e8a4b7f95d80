"""Adversarial disclosure cases: an attacker holding every count one report publishes.

Each case asserts the exact outcome: the hidden count's feasible interval (hand-computed or by an
independent linear programme written here), the message of a refusal, and that every number left
shown is the true one.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy.optimize import linprog  # noqa: E402

from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.paygap.report import build  # noqa: E402
from research.present.disclosure import SUPPRESSED  # noqa: E402
from research.present.publication import (  # noqa: E402
    CountCell,
    PublicationError,
    audit,
    crosstab_cells,
    protect,
    wide_cells,
)

SEXES = {"n_female": {"sex": "F"}, "n_male": {"sex": "M"}}
MIN_CELL = 10


def issue_example():
    """The issue's leak: band of 225 (6 women hidden) and 219 men shown in the gap table."""
    headcount = pd.DataFrame(
        {
            "grade": ["03. Grade 3", "04. Grade 4", "Total"],
            "F": [SUPPRESSED, 120, SUPPRESSED],
            "M": [SUPPRESSED, 80, SUPPRESSED],
            "Total": [225, 200, 425],
        }
    )
    gap = pd.DataFrame(
        {
            "grade_group": ["03. Grade 3", "04. Grade 4"],
            "n_female": [SUPPRESSED, 120],
            "n_male": [219, 80],
        }
    )
    cells = crosstab_cells(
        "headcount_by_grade", headcount, "grade", "grade_group", "sex", {"F": "F", "M": "M"}
    ) + wide_cells("gap_by_grade", gap, {"grade_group": "grade_group"}, SEXES)
    return {"headcount_by_grade": headcount, "gap_by_grade": gap}, cells


def interval(result, table, label, column):
    row = result.intervals.query("table == @table and label == @label and column == @column")
    assert len(row) == 1
    return float(row["low"].iloc[0]), float(row["high"].iloc[0])


# ----------------------------------------------------------------------------- the issue's cases


def test_issue_band_total_minus_men_gives_the_six_women_exactly():
    _, cells = issue_example()
    result = audit(cells, MIN_CELL)
    assert interval(result, "headcount_by_grade", "03. Grade 3", "F") == (6.0, 6.0)
    assert interval(result, "gap_by_grade", "03. Grade 3", "n_female") == (6.0, 6.0)
    # the band's women in both tables; the band's men (219) and the Total row's F and M are
    # pinned too, but they are counts of at least MIN_CELL, which the threshold rule publishes
    assert sorted(result.exposed["column"]) == ["F", "n_female"]
    assert interval(result, "headcount_by_grade", "03. Grade 3", "M") == (219.0, 219.0)


def test_issue_band_is_protected_after_complementary_suppression():
    tables, cells = issue_example()
    out, result = protect(tables, cells, MIN_CELL)
    assert result.exposed.empty
    assert result.intervals["width"].min() >= MIN_CELL
    # one cell closes it: the band's 219 men in the gap table (its equation binds the women)
    assert result.added == ("table 'gap_by_grade', row '03. Grade 3', column 'n_male'",)
    assert interval(result, "gap_by_grade", "03. Grade 3", "n_female") == (0.0, 225.0)
    assert out["gap_by_grade"].loc[0, "n_male"] == SUPPRESSED
    again, _ = protect(tables, cells, MIN_CELL)  # deterministic
    for name in tables:
        pd.testing.assert_frame_equal(out[name], again[name])


def test_protection_never_changes_a_shown_number_and_never_hides_a_zero():
    tables, cells = issue_example()
    tables["gap_by_grade"].loc[1, "n_male"] = 0  # make one published cell a zero
    tables["headcount_by_grade"].loc[1, "M"] = 0
    tables["headcount_by_grade"].loc[1, "Total"] = 120
    tables["headcount_by_grade"].loc[2, "Total"] = 345
    cells = crosstab_cells(
        "headcount_by_grade",
        tables["headcount_by_grade"],
        "grade",
        "grade_group",
        "sex",
        {"F": "F", "M": "M"},
    ) + wide_cells("gap_by_grade", tables["gap_by_grade"], {"grade_group": "grade_group"}, SEXES)
    out, result = protect(tables, cells, MIN_CELL)
    assert result.exposed.empty
    for name, frame in tables.items():
        for column in frame.columns[1:]:
            shown = out[name][column] != SUPPRESSED
            assert out[name][column][shown].tolist() == frame[column][shown].tolist()
    assert out["gap_by_grade"].loc[1, "n_male"] == 0 and out["headcount_by_grade"].loc[1, "M"] == 0


def test_new_grade_hidden_but_other_grade_and_totals_shown_is_exposed_then_protected():
    # pay structure case: grade J (4 women, 4 men) hidden, grade I and the totals shown
    table = pd.DataFrame(
        {
            "grade": ["I", "J", "Total"],
            "F": [30, SUPPRESSED, 34],
            "M": [25, SUPPRESSED, 29],
            "Total": [55, SUPPRESSED, 63],
        }
    )
    cells = crosstab_cells("pay_structure", table, "grade", "grade", "sex", {"F": "F", "M": "M"})
    before = audit(cells, MIN_CELL)
    assert interval(before, "pay_structure", "J", "F") == (4.0, 4.0)
    out, after = protect({"pay_structure": table}, cells, MIN_CELL)
    assert after.exposed.empty and len(after.added) >= 1


def test_eu_category_table_hides_a_grade_of_four_women_and_four_men(report):
    eu = report["eu_article_9_g_categories"].to_frame()
    truth = report.results["eu"].categories.set_index(report.results["eu"].category)
    for _, row in eu.iterrows():
        true = truth.loc[row[report.results["eu"].category]]
        for column in ("n_female", "n_male"):
            if 0 < true[column] < MIN_CELL:
                assert row[column] == SUPPRESSED
            elif row[column] != SUPPRESSED:
                assert row[column] == true[column]  # shown numbers are the true ones


# ----------------------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synth.generate(1500, seed=7)  # two small senior grades


@pytest.fixture(scope="module")
def report(data):
    source = Source("synthetic", "Synthetic council", "GBP")
    return build(data, source=source, n_boot=0, eu_indicators=True)  # every count table


def test_the_report_records_its_audit_with_no_exposed_cell(report):
    result = report.results["disclosure_audit"]
    assert result.cells_checked > 150 and result.n_suppressed > 0
    assert result.exposed.empty
    small = result.intervals[result.intervals["sensitive"]]
    assert len(small) and (small["width"] >= MIN_CELL).all()
    assert result.added  # the synthetic data need cross-table protection
    note = result.note()
    assert f"{result.cells_checked} counts checked" in note and "further count" in note


def published_counts(report):
    """Every count cell of the audited tables, read back from the report as a reader sees it."""
    frames = {t.name: t.to_frame() for t in report.tables()}
    cells = crosstab_cells(
        "headcount_by_grade",
        frames["headcount_by_grade"],
        "grade",
        "grade_group",
        "sex",
        {"F": "F", "M": "M"},
    )
    for name, within in (
        ("gap_by_grade", ["grade_group"]),
        ("gap_by_grade_working_pattern", ["grade_group", "working_pattern"]),
    ):
        cells += wide_cells(
            name, frames[name], {c: c for c in within}, SEXES, common=[("pay", "in")]
        )
    cells += wide_cells(
        "eu_article_9_g_categories",
        frames["eu_article_9_g_categories"],
        {"grade_group": "grade_group"},
        SEXES,
    )
    # the quartile table publishes band sizes and women's shares: counts of women and men
    for k, row in frames["quartile_pay_bands"].iterrows():
        band = ("quartile", row["band"])
        cells.append(CountCell(frozenset({band, ("pay", "in")}), "q", k, "n", int(row["n"])))
        if row["pct_female"] != SUPPRESSED:
            women = round(row["n"] * row["pct_female"] / 100)
            cells.append(
                CountCell(frozenset({band, ("pay", "in"), ("sex", "F")}), "q", k, "f", women)
            )
    return cells


def test_an_independent_attacker_over_the_full_cross_product_pins_down_no_hidden_count(report):
    """A linear programme written here, over every grade x pattern x quartile x sex x
    in-pay-comparison atom (no decomposition), finds every hidden count's range at least
    MIN_CELL wide, or made of counts of at least MIN_CELL (a cell hidden only to protect
    another), or only 0."""
    cells = published_counts(report)
    domains: dict[str, set] = {"pay": {"in", "out"}}
    for c in cells:
        for dim, value in c.conditions:
            domains.setdefault(dim, set()).update(
                value if isinstance(value, frozenset) else {value}
            )
    dims = sorted(domains)
    atoms = list(itertools.product(*[sorted(domains[d], key=str) for d in dims]))

    def row(cell: CountCell) -> np.ndarray:
        ok = np.ones(len(atoms), dtype=bool)
        for dim, value in cell.conditions:
            allowed = value if isinstance(value, frozenset) else {value}
            k = dims.index(dim)
            ok &= np.array([a[k] in allowed for a in atoms])
        return ok.astype(float)

    shown = [c for c in cells if c.value is not None]
    a_eq = np.array([row(c) for c in shown])
    b_eq = np.array([c.value for c in shown], dtype=float)
    hidden = [c for c in cells if c.value is None]
    assert len(hidden) >= 10
    for cell in hidden:
        objective = row(cell)
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status == 0
        # the attacker can neither place the count within fewer than MIN_CELL people nor tell it
        # is small: a narrow range of counts of MIN_CELL or more (a cell hidden only to protect
        # another) gives no small count away
        narrow = -high.fun - low.fun < MIN_CELL - 1e-6
        assert not narrow or low.fun >= MIN_CELL - 1e-6 or -high.fun <= 1e-6, cell.where


def test_every_shown_count_of_the_report_is_the_true_count(report):
    rep = report.results["representation"].table.set_index("grade")
    headcount = report["headcount_by_grade"].to_frame().set_index("grade")
    for grade, row in headcount.drop(index="Total").iterrows():
        for column, true in (("F", rep.loc[grade, "n_female"]), ("M", rep.loc[grade, "n_male"])):
            assert row[column] in (SUPPRESSED, true)
    for result in report.results["breakdowns"].values():
        name = "gap_by_" + "_".join(result.within).replace("_group", "")
        shown = report[name].to_frame()
        for column in ("n_female", "n_male"):
            keep = (shown[column] != SUPPRESSED).to_numpy()
            assert (
                shown.loc[keep, column].tolist() == _aligned(result, shown)[column][keep].tolist()
            )


def _aligned(result, shown):
    keys = list(result.within)
    return shown[keys].merge(result.table.astype({k: "string" for k in keys}), on=keys, how="left")


def test_no_statistic_is_shown_for_a_group_whose_count_is_hidden(report):
    for table in report.tables():
        frame = table.to_frame()
        if not {"n_female", "n_male", "gap"} <= set(frame):
            continue
        hidden = (frame[["n_female", "n_male"]] == SUPPRESSED).any(axis=1)
        assert (frame.loc[hidden, "gap"] == SUPPRESSED).all(), table.name
        for count, stat in (("n_female", "female"), ("n_male", "male")):
            if stat in frame:
                gone = frame[count] == SUPPRESSED
                assert (frame.loc[gone, stat] == SUPPRESSED).all(), table.name


def test_share_by_grade_leaves_out_every_grade_whose_headcount_is_hidden(report):
    headcount = report["headcount_by_grade"].to_frame().set_index("grade").drop(index="Total")
    closed = headcount.index[(headcount == SUPPRESSED).any(axis=1)]
    shares = report["share_by_grade"].to_frame()
    assert len(closed) and not set(closed) & set(shares["grade"])


def test_the_gap_chart_draws_no_group_whose_gap_is_hidden(report):
    figure = report["gap_by_grade_chart"]
    table = report["gap_by_grade"].to_frame()
    hidden = table.loc[table["gap"] == SUPPRESSED, "grade_group"].tolist()
    labels = [t.get_text() for t in figure.figure.axes[0].get_yticklabels()]
    assert hidden and not set(hidden) & set(labels)


def test_the_headcount_caption_says_how_many_cells_other_tables_made_it_hide(report):
    added = report.results["disclosure_audit"].added
    n = sum(a.startswith("table 'headcount_by_grade'") for a in added)
    caption = report["headcount_by_grade"].caption
    assert n and f"{n} further cell" in caption and "other tables" in caption


# ----------------------------------------------------------------------------- the model's edges


def test_a_sub_population_table_is_not_taken_to_count_everyone():
    # 225 in the band; the gap table counts only 219 men *in the pay comparison*
    gap = pd.DataFrame({"grade_group": ["G3"], "n_female": [SUPPRESSED], "n_male": [219]})
    cells = [
        CountCell(frozenset({("grade_group", "G3")}), "headcount", 0, "Total", 225, "G3"),
        *wide_cells("gap", gap, {"grade_group": "grade_group"}, SEXES, common=[("pay", "in")]),
    ]
    open_ = audit(cells, MIN_CELL, subsets=["pay"])
    assert interval(open_, "gap", "G3", "n_female") == (0.0, 6.0)  # still exposed: at most 6
    assert not open_.exposed.empty


def test_margins_of_a_table_that_leaves_out_missing_grades_add_up_only_the_listed_rows():
    # the headcount leaves out 5 employees with no grade; the gap table lists them as (missing)
    headcount = pd.DataFrame(
        {"grade": ["A", "Total"], "F": [40, 40], "M": [30, 30], "Total": [70, 70]}
    )
    gap = pd.DataFrame({"grade_group": ["A", "(missing)"], "n_female": [40, 3], "n_male": [30, 2]})
    cells = crosstab_cells(
        "headcount", headcount, "grade", "grade_group", "sex", {"F": "F", "M": "M"}
    ) + wide_cells("gap", gap, {"grade_group": "grade_group"}, SEXES)
    assert audit(cells, MIN_CELL).intervals.empty  # consistent: no "do not add up" error


def test_counts_that_contradict_each_other_are_refused():
    cells = [
        CountCell(frozenset({("sex", "F")}), "a", 0, "n_female", 5),
        CountCell(frozenset({("sex", "M")}), "a", 0, "n_male", 5),
        CountCell(frozenset(), "b", 0, "n", 11),
        CountCell(frozenset({("sex", "F")}), "c", 0, "n_female", None),
    ]
    with pytest.raises(PublicationError, match="do not add up"):
        audit(cells, MIN_CELL)


def test_a_count_earlier_publications_pin_alone_is_named_as_inherited_without_its_value():
    """An earlier run published a total of 7: the 0 to 7 women are given away by it, not by this
    run, which hides them and cannot do more (hiding its zero would not widen the range)."""
    cells = [
        CountCell(frozenset({("sex", "F")}), "small", 0, "n_female", None, "all"),
        CountCell(frozenset({("sex", "M")}), "small", 0, "n_male", 0, "all"),
    ]
    earlier = [CountCell(frozenset(), "earlier_run", 0, "n", 7)]
    frame = pd.DataFrame({"n_female": [SUPPRESSED], "n_male": [0]})
    out, result = protect({"small": frame}, cells, MIN_CELL, fixed=earlier)
    assert result.inherited == ("table 'small', row 'all', column 'n_female'",)
    assert result.exposed.empty and out["small"].loc[0, "n_female"] == SUPPRESSED
    assert "7" not in result.note() and "excepted count is narrowed further" in result.note()


@pytest.mark.parametrize("value", [-1, 2.5, "x"])
def test_a_published_count_that_is_not_a_whole_number_is_refused(value):
    frame = pd.DataFrame({"g": ["a"], "n_female": [value], "n_male": [3]})
    with pytest.raises((PublicationError, ValueError)):
        wide_cells("t", frame, {"g": "g"}, SEXES)


def test_counts_implied_by_the_quartile_shares_are_audited_but_never_hidden(report):
    result = report.results["disclosure_audit"]
    assert not any("quartile" in cell for cell in result.added)
    assert "quartile_pay_bands" not in set(result.intervals["table"])
    table = report["quartile_pay_bands"].to_frame()
    assert (table["pct_female"] != SUPPRESSED).all()  # shares stay as published
