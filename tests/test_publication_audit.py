"""The publication audit: feasible intervals of suppressed counts across tables (hand-computed)."""

from __future__ import annotations

import pandas as pd
import pytest

from research.present.publication import (
    CountCell,
    PublicationError,
    audit,
    crosstab_cells,
    protect,
    wide_cells,
)

F = frozenset


def cell(conditions, value, table="t", row=0, column="x"):
    return CountCell(F(conditions), table, row, column, value)


def two_by_two(hidden):
    """Rows a, b x sex F, M: a=(6, 20), b=(15, 30), margins 26, 45 / 21, 50 / 71."""
    body = {("a", "F"): 6, ("a", "M"): 20, ("b", "F"): 15, ("b", "M"): 30}
    cells = [
        cell({("r", r), ("s", s)}, None if (r, s) in hidden else v, row=i)
        for i, ((r, s), v) in enumerate(body.items())
    ]
    cells += [cell({("r", "a")}, 26), cell({("r", "b")}, 45)]
    cells += [cell({("s", "F")}, 21), cell({("s", "M")}, 50), cell(set(), 71)]
    return cells


def test_one_hidden_cell_in_a_2x2_table_is_exposed_with_width_zero():
    result = audit(two_by_two({("a", "F")}), 10)
    row = result.intervals.iloc[0]
    assert (row["low"], row["high"], row["width"]) == (6.0, 6.0, 0.0)
    assert bool(row["exposed"]) and len(result.exposed) == 1


def test_two_hidden_cells_in_a_line_are_still_exposed():
    # a/F and a/M hidden, row total a = 26 shown; column totals give each exactly
    result = audit(two_by_two({("a", "F"), ("a", "M")}), 10)
    assert result.intervals["width"].tolist() == [0.0, 0.0]


def test_a_hidden_2x2_cycle_has_the_hand_computed_interval():
    # all four hidden: a/F = x, a/M = 26 - x, b/F = 21 - x, b/M = 24 + x; 0 <= x <= 21
    result = audit(two_by_two({("a", "F"), ("a", "M"), ("b", "F"), ("b", "M")}), 10)
    got = result.intervals[["low", "high"]].to_numpy().tolist()
    assert got == [[0.0, 21.0], [5.0, 26.0], [0.0, 21.0], [24.0, 45.0]]
    assert result.exposed.empty
    # with a threshold of 22 the three intervals of width 21 are too narrow; b/M's is too, but
    # it says only that b/M is 24 or more, a count the threshold rule would publish
    wide = audit(two_by_two({("a", "F"), ("a", "M"), ("b", "F"), ("b", "M")}), 22)
    assert wide.exposed.shape[0] == 3
    assert wide.intervals.loc[wide.intervals["exposed"], "low"].max() < 22


def issue_tables():
    """The issue's example: a band of 225 with 6 women (hidden) and 219 men."""
    headcount = pd.DataFrame(
        {
            "grade": ["03. Grade 3", "04. Grade 4", "Total"],
            "F": ["[c]", 120, "[c]"],
            "M": ["[c]", 80, "[c]"],
            "Total": [225, 200, 425],
        }
    )
    gap = pd.DataFrame(
        {
            "grade_group": ["03. Grade 3", "04. Grade 4"],
            "n_female": ["[c]", 120],
            "n_male": [219, 80],
        }
    )
    tables = {"headcount_by_grade": headcount, "gap_by_grade": gap}
    cells = crosstab_cells(
        "headcount_by_grade", headcount, "grade", "grade_group", "sex", {"F": "F", "M": "M"}
    ) + wide_cells(
        "gap_by_grade",
        gap,
        {"grade_group": "grade_group"},
        {"n_female": {"sex": "F"}, "n_male": {"sex": "M"}},
    )
    return tables, cells


def test_each_issue_table_alone_is_safe_but_together_they_reveal_the_six_women():
    tables, cells = issue_tables()
    alone = audit([c for c in cells if c.table == "headcount_by_grade"], 10)
    assert alone.exposed.empty
    together = audit(cells, 10)
    women = together.intervals.query("label == '03. Grade 3' and column in ['F', 'n_female']")
    assert women["low"].tolist() == [6.0, 6.0] and women["high"].tolist() == [6.0, 6.0]


def test_protect_closes_the_issue_leak_and_keeps_shown_numbers():
    tables, cells = issue_tables()
    out, result = protect(tables, cells, 10)
    assert result.exposed.empty and result.added
    assert (result.intervals["width"] >= 10).all()
    assert out["gap_by_grade"].loc[0, "n_male"] == "[c]"
    for name, frame in tables.items():
        for column in frame:
            shown = out[name][column] != "[c]"
            assert (out[name][column][shown] == frame[column][shown]).all()
    assert "225" not in " ".join(result.added) and "6" not in " ".join(result.added)


def test_protect_leaves_a_count_an_earlier_total_pins_to_that_total():
    # the only other cell is a zero and the total of 7 was published by an earlier run (fixed,
    # it cannot be hidden any more): women are 0 to 7 whatever this run shows, so hiding its zero
    # would change nothing; the cell is reported as inherited, with no value in the note
    cells = [
        cell({("s", "F")}, None, table="small", column="n_female"),
        cell({("s", "M")}, 0, table="small", column="n_male"),
    ]
    earlier = [cell(set(), 7, table="earlier", column="n")]
    frame = pd.DataFrame({"n_female": ["[c]"], "n_male": [0]})
    out, result = protect({"small": frame}, cells, 10, fixed=earlier)
    assert out["small"].loc[0, "n_male"] == 0 and not result.added
    assert result.inherited == ("table 'small', row '#0', column 'n_female'",)
    assert "7" not in result.note() and "earlier reports" in result.note()


def test_inconsistent_tables_are_reported():
    cells = [cell({("s", "F")}, 5), cell({("s", "M")}, 5), cell(set(), 11), cell(set(), None)]
    with pytest.raises(PublicationError, match="do not add up"):
        audit(cells, 10)


def test_only_cells_hidden_for_being_small_need_a_protection_interval():
    """A count hidden only to protect another (complementary) may be narrow; a small one may not
    (tau-Argus sets protection levels for the unsafe cells only)."""
    total = cell({("g", "a")}, 55, row=0)
    men = cell({("g", "a"), ("s", "M")}, 50, row=1)
    women = CountCell(F({("g", "a"), ("s", "F")}), "t", 2, "x", None, sensitive=False)
    assert audit([total, men, women], 10).exposed.empty
    small = CountCell(F({("g", "a"), ("s", "F")}), "t", 2, "x", None, sensitive=True)
    assert len(audit([total, men, small], 10).exposed) == 1


def test_a_hidden_cell_that_can_only_be_zero_is_not_exposed():
    """50 people, 50 of them men: the hidden count of women can only be 0, which says no more
    than a published zero (zeros are shown)."""
    total = cell({("g", "a")}, 50, row=0)
    men = cell({("g", "a"), ("s", "M")}, 50, row=1)
    women = CountCell(F({("g", "a"), ("s", "F")}), "t", 2, "x", None, sensitive=True)
    result = audit([total, men, women], 10)
    assert result.exposed.empty
    assert result.intervals.loc[0, "high"] == 0


def test_a_count_pinned_by_fixed_counts_alone_is_inherited_not_a_failure():
    """Earlier reports publish 12 men in X and 53 men in all; the statutory table (fixed) 50 men
    in the pay comparison. So 3 men are outside it and X's men in it are 9 to 12, whatever this
    report shows: it hides its count of them, and the audit says so instead of stopping."""
    from research.present.publication import CountCell, protect

    inside = ("subset:pay", "in")
    target = CountCell(
        frozenset({("occupation", "X"), ("sex", "M"), inside}), "t", 0, "n_male", None
    )
    fixed = [
        CountCell(frozenset({("occupation", "X"), ("sex", "M")}), "00: h", 0, "", 12),
        CountCell(frozenset({("sex", "M")}), "00: all", 0, "", 53),
        CountCell(frozenset({("sex", "M"), inside}), "quartiles", 0, "n", 50),
    ]
    tables = {"t": pd.DataFrame({"n_male": ["[c]"]})}
    domains = {"occupation": ["X", "Y"], "sex": ["F", "M"]}
    _, result = protect(tables, [target], 10, fixed=fixed, domains=domains)
    assert result.inherited == (target.where,)
    assert result.exposed.empty
    row = result.intervals.iloc[0]
    assert (row["low"], row["high"], bool(row["inherited"])) == (9.0, 12.0, True)
    assert "1 excepted count is narrowed further by the statutory figures" in result.note()
    # without the earlier reports nothing pins it: nothing inherited
    _, alone = protect(tables, [target], 10, fixed=fixed[2:], domains=domains)
    assert alone.inherited == () and alone.exposed.empty
