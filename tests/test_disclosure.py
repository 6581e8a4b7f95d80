"""Tests for research.present.disclosure: primary and secondary suppression of report tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from research.present.disclosure import (
    DEFAULT_MIN_CELL,
    SUPPRESSED,
    Suppressed,
    check_min_cell,
    suppress_counts,
    suppress_statistics,
)

T = "Total"


def mask(rows: list[list[int]], like: pd.DataFrame) -> pd.DataFrame:
    """Boolean mask with the labels of `like`, from a 0/1 grid written out by hand."""
    return pd.DataFrame(np.array(rows, dtype=bool), index=like.index, columns=like.columns)


def true_values(counts: pd.DataFrame) -> np.ndarray:
    """The counts with their true margins, as the (r + 1) x (c + 1) array that is published."""
    body = counts.to_numpy(dtype=np.int64)
    out = np.zeros((body.shape[0] + 1, body.shape[1] + 1), dtype=np.int64)
    out[:-1, :-1] = body
    out[:-1, -1] = body.sum(axis=1)
    out[-1, :-1] = body.sum(axis=0)
    out[-1, -1] = body.sum()
    return out


def determined_cells(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value follows exactly from the published table with margins.

    Independent of the graph method in the module: each line of the table (body cells minus its
    margin cell = 0) gives one linear equation in the hidden cells. The hidden values can move
    along any vector of the null space of those equations; a hidden cell is determined exactly
    when every null-space vector is zero at that cell.
    """
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden), strict=True)]
    if not cells:
        return []
    n_rows, n_cols = hidden.shape
    a = np.zeros((n_rows + n_cols, len(cells)))
    for k, (i, j) in enumerate(cells):
        a[i, k] = 1.0 if j < n_cols - 1 else -1.0
        a[n_rows + j, k] = 1.0 if i < n_rows - 1 else -1.0
    _, singular, vt = np.linalg.svd(a)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    return [cell for k, cell in enumerate(cells) if np.abs(null_space[:, k]).max(initial=0) < 1e-9]


# --------------------------------------------------------------------------------------------------
# Hand-computed tables
# --------------------------------------------------------------------------------------------------


def test_one_small_cell_hides_a_rectangle():
    # Row totals 65, 34, 30; column totals 47, 82; grand total 129: no margin is small.
    # Primary: (B, F) = 4.
    # Row B has one hidden cell -> its only other non-zero cell, (B, M) = 30.
    # Column F has one hidden cell -> smallest shown non-zero of 25, 18 -> (C, F) = 18.
    # Column M has one hidden cell -> smallest shown non-zero of 40, 12 -> (C, M) = 12.
    # Row C now has two hidden cells; nothing else changes.
    counts = pd.DataFrame({"F": [25, 4, 18], "M": [40, 30, 12]}, index=["A", "B", "C"])
    res = suppress_counts(counts)

    assert list(res.table.index) == ["A", "B", "C", T]
    assert list(res.table.columns) == ["F", "M", T]
    pd.testing.assert_frame_equal(
        res.primary, mask([[0, 0, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0]], res.table)
    )
    pd.testing.assert_frame_equal(
        res.secondary, mask([[0, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]], res.table)
    )
    expected = pd.DataFrame(
        {
            "F": [25, SUPPRESSED, SUPPRESSED, 47],
            "M": [40, SUPPRESSED, SUPPRESSED, 82],
            T: [65, 34, 30, 129],
        },
        index=["A", "B", "C", T],
    ).astype({"F": object, "M": object, T: np.int64})
    pd.testing.assert_frame_equal(res.table, expected)
    assert res.n_suppressed == 4
    assert res.min_cell == DEFAULT_MIN_CELL
    assert res.note() == (
        "1 cell with fewer than 10 employees is shown as [c]; "
        "3 further cells are hidden so that totals cannot reveal it."
    )


def test_small_row_total_is_hidden_and_the_total_column_protected():
    # Row B = 3 + 4 = 7 < 10, so (B, F), (B, M) and the row total (B, Total) are primary.
    # Column F: one hidden -> smallest of 30, 20 -> (C, F). Column M: one hidden -> smallest of
    # 25, 15 -> (C, M). Total column (55, 7, 35 | 97): one hidden -> smallest of 55, 35 ->
    # (C, Total); otherwise 97 - 55 - 35 would give the 7 away.
    counts = pd.DataFrame({"F": [30, 3, 20], "M": [25, 4, 15]}, index=["A", "B", "C"])
    res = suppress_counts(counts)
    pd.testing.assert_frame_equal(
        res.primary, mask([[0, 0, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0]], res.table)
    )
    pd.testing.assert_frame_equal(
        res.secondary, mask([[0, 0, 0], [0, 0, 0], [1, 1, 1], [0, 0, 0]], res.table)
    )
    assert res.table.loc[T].tolist() == [53, 44, 97]
    assert res.note() == (
        "3 cells with fewer than 10 employees are shown as [c]; "
        "3 further cells are hidden so that totals cannot reveal them."
    )


def test_small_column_total_is_protected_along_the_total_row():
    # A column total below the threshold: X = 2 + 3 + 0 = 5.
    # Primary: (A, X) = 2, (B, X) = 3, (Total, X) = 5.
    # Rows first: A -> smallest shown non-zero of 40, 30 -> (A, Z) = 30; B -> smallest of
    # 50, 20 -> (B, Z) = 20; Total row (5, 110, 50 | 185) -> smallest of 110, 50 -> (Total, Z).
    # Columns then have two or more hidden cells each.
    counts = pd.DataFrame(
        {"X": [2, 3, 0], "Y": [40, 50, 20], "Z": [30, 20, 0]}, index=["A", "B", "C"]
    )
    res = suppress_counts(counts)
    pd.testing.assert_frame_equal(
        res.primary, mask([[1, 0, 0, 0], [1, 0, 0, 0], [0] * 4, [1, 0, 0, 0]], res.table)
    )
    pd.testing.assert_frame_equal(
        res.secondary, mask([[0, 0, 1, 0], [0, 0, 1, 0], [0] * 4, [0, 0, 1, 0]], res.table)
    )
    assert determined_cells(res.primary.to_numpy() | res.secondary.to_numpy()) == []


def test_audit_closes_a_chain_that_the_line_rule_leaves_open():
    # Margins: rows 20, 58, 8; columns 3, 65, 18; grand total 86.
    # Primary: (1, 0) = 3, (2, 1) = 5, (2, 2) = 3, row total 2 = 8, column total 0 = 3.
    # Line rule: row 1 -> (1, 2) = 15; Total row -> column total 2 = 18; column 1 -> (0, 1) = 20;
    # Total column -> row total 0 = 20. Every line then has 0 or >= 2 hidden cells, yet
    #   x01 = R0,  R0 + R2 = 86 - 58,  x01 + x21 = 65 - 40   =>   x22 = R2 - x21 = 28 - 25 = 3,
    # so the small cell (2, 2) could be calculated exactly. The audit finds that cell (a bridge
    # between the hidden blocks {rows 0, 2; cols 1, Total} and {rows 1, Total; cols 0, 2}) and
    # hides the smallest non-zero cell joining them: (1, 1) = 40.
    counts = pd.DataFrame([[0, 20, 0], [3, 40, 15], [0, 5, 3]])
    res = suppress_counts(counts)
    pd.testing.assert_frame_equal(
        res.primary,
        mask([[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 1, 1], [1, 0, 0, 0]], res.table),
    )
    pd.testing.assert_frame_equal(
        res.secondary,
        mask([[0, 1, 0, 1], [0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 1, 0]], res.table),
    )
    hidden = res.primary.to_numpy() | res.secondary.to_numpy()
    assert determined_cells(hidden) == []
    # Without the audit's extra cell the small cell is exactly disclosed.
    without_audit = hidden.copy()
    without_audit[1, 1] = False
    assert determined_cells(without_audit) == [(2, 2)]


def test_zeros_are_shown_and_never_chosen_for_secondary_suppression():
    # Margins: rows 42, 5, 37; columns 32, 52; grand total 84.
    # Primary: (B, F) = 5 and the row total (B, Total) = 5; the zero (B, M) stays shown.
    # Sweep 1 - rows: B already has two. Columns: F -> smallest shown non-zero of 12, 15 ->
    # (A, F); Total column -> smallest of 42, 37 -> (C, Total).
    # Sweep 2 - rows: A -> (A, M) = 30; C -> smallest of 15, 22 -> (C, F). Columns: M has only
    # (A, M) -> the zero (B, M) is passed over for (C, M) = 22.
    # Sweep 3 changes nothing.
    counts = pd.DataFrame({"F": [12, 5, 15], "M": [30, 0, 22]}, index=["A", "B", "C"])
    res = suppress_counts(counts)
    assert res.table.loc["B", "M"] == 0
    pd.testing.assert_frame_equal(
        res.primary, mask([[0, 0, 0], [1, 0, 1], [0, 0, 0], [0, 0, 0]], res.table)
    )
    pd.testing.assert_frame_equal(
        res.secondary, mask([[1, 1, 0], [0, 0, 0], [1, 1, 1], [0, 0, 0]], res.table)
    )
    hidden = res.primary.to_numpy() | res.secondary.to_numpy()
    assert not (hidden & (true_values(counts) == 0)).any()
    assert determined_cells(hidden) == []


def test_all_zero_and_large_table_passes_unchanged():
    counts = pd.DataFrame({"F": [120, 0, 35], "M": [0, 44, 10]}, index=["a", "b", "c"])
    res = suppress_counts(counts)
    expected = pd.DataFrame(true_values(counts), index=["a", "b", "c", T], columns=["F", "M", T])
    pd.testing.assert_frame_equal(res.table, expected, check_index_type=False)
    assert all(dtype == np.int64 for dtype in res.table.dtypes)
    assert res.n_suppressed == 0
    assert not res.primary.to_numpy().any() and not res.secondary.to_numpy().any()
    assert res.note() == ""


def test_without_margins_only_primary_suppression():
    counts = pd.DataFrame({"F": [25, 4, 18], "M": [40, 30, 12]}, index=["A", "B", "C"])
    res = suppress_counts(counts, margins=False)
    assert list(res.table.index) == ["A", "B", "C"]
    assert list(res.table.columns) == ["F", "M"]
    assert res.table["F"].tolist() == [25, SUPPRESSED, 18]
    assert res.table["M"].dtype == np.int64
    assert res.n_suppressed == 1 and res.secondary.to_numpy().sum() == 0
    assert res.note() == "1 cell with fewer than 10 employees is shown as [c]."


def test_small_grand_total_hides_every_non_zero_cell():
    counts = pd.DataFrame({"F": [3, 0], "M": [2, 4]}, index=["A", "B"])
    res = suppress_counts(counts)
    values = true_values(counts)
    hidden = res.primary.to_numpy() | res.secondary.to_numpy()
    np.testing.assert_array_equal(hidden, values > 0)
    assert res.secondary.to_numpy().sum() == 0
    assert res.table.loc["B", "F"] == 0


def test_single_row_and_single_column_tables():
    # One row: each column total equals its only cell, so hiding a cell hides its column total.
    row = pd.DataFrame({"a": [5], "b": [30], "c": [20]}, index=["only"])
    res = suppress_counts(row)
    hidden = res.primary.to_numpy() | res.secondary.to_numpy()
    np.testing.assert_array_equal(hidden, [[1, 0, 1, 0], [1, 0, 1, 0]])
    assert determined_cells(hidden) == []

    col = pd.DataFrame({"n": [5, 30, 20]}, index=["x", "y", "z"])
    res = suppress_counts(col)
    hidden = res.primary.to_numpy() | res.secondary.to_numpy()
    np.testing.assert_array_equal(hidden, [[1, 1], [0, 0], [1, 1], [0, 0]])


def test_threshold_is_respected():
    counts = pd.DataFrame({"F": [25, 4, 18], "M": [40, 30, 12]}, index=["A", "B", "C"])
    assert suppress_counts(counts, min_cell=1).n_suppressed == 0
    res = suppress_counts(counts, min_cell=13)
    np.testing.assert_array_equal(
        res.primary.to_numpy(), (true_values(counts) > 0) & (true_values(counts) < 13)
    )
    assert "fewer than 13 employees" in res.note()


def test_crosstab_labels_names_and_float_counts():
    df = pd.DataFrame(
        {
            "occupation": pd.Categorical(["clerk"] * 30 + ["driver"] * 12 + ["chef"] * 3),
            "sex": pd.Categorical(["F"] * 20 + ["M"] * 10 + ["M"] * 12 + ["F"] * 3),
        }
    )
    counts = pd.crosstab(df["occupation"], df["sex"])
    res = suppress_counts(counts.astype(float))
    assert res.table.index.name == "occupation"
    assert res.table.columns.name == "sex"
    assert res.table.index[-1] == T and res.table.columns[-1] == T
    assert res.table.loc[T, T] == 45
    assert res.primary.loc["chef", "F"]


def test_multiindex_columns_get_a_padded_total_label():
    columns = pd.MultiIndex.from_tuples([("FT", "F"), ("FT", "M"), ("PT", "F")])
    counts = pd.DataFrame([[20, 30, 15], [40, 12, 25]], columns=columns)
    res = suppress_counts(counts)
    assert res.table.columns[-1] == (T, "")
    assert res.table.loc[T, (T, "")] == counts.to_numpy().sum()


# --------------------------------------------------------------------------------------------------
# Properties over random tables
# --------------------------------------------------------------------------------------------------


def random_tables(seed: int, n: int):
    rng = np.random.default_rng(seed)
    palettes = [
        np.arange(0, 40),
        np.array([0, 0, 1, 2, 3, 5, 8, 9, 10, 11, 15, 25, 60, 200]),
        np.array([0, 3, 12, 14, 20]),
    ]
    for _ in range(n):
        shape = (int(rng.integers(1, 8)), int(rng.integers(1, 6)))
        palette = palettes[int(rng.integers(len(palettes)))]
        yield pd.DataFrame(rng.choice(palette, size=shape))


def test_random_tables_are_protected():
    checked_with_suppression = 0
    for counts in random_tables(seed=20240531, n=250):
        res = suppress_counts(counts)
        values = true_values(counts)
        primary = res.primary.to_numpy()
        secondary = res.secondary.to_numpy()
        hidden = primary | secondary
        checked_with_suppression += bool(hidden.any())

        # Primary suppression is exactly the small non-zero cells, margins included; zeros are
        # never hidden (the audit could hide one only if no non-zero cell closed the cycle).
        np.testing.assert_array_equal(primary, (values > 0) & (values < DEFAULT_MIN_CELL))
        assert not (hidden & (values == 0)).any()
        assert not (primary & secondary).any()
        # The markers sit exactly on the hidden cells; shown cells and totals are the true values.
        shown = res.table.to_numpy(dtype=object)
        np.testing.assert_array_equal(shown == SUPPRESSED, hidden)
        np.testing.assert_array_equal(shown[~hidden].astype(np.int64), values[~hidden])
        # No line has exactly one hidden cell: neither a body row/column whose total is shown
        # (counting body cells only) nor any line of the table with its margins.
        body = hidden[:-1, :-1]
        assert not ((body.sum(axis=1) == 1) & ~hidden[:-1, -1]).any()
        assert not ((body.sum(axis=0) == 1) & ~hidden[-1, :-1]).any()
        assert not (hidden.sum(axis=1) == 1).any()
        assert not (hidden.sum(axis=0) == 1).any()
        # No hidden value can be calculated exactly from the published table.
        assert determined_cells(hidden) == []
        # Deterministic.
        again = suppress_counts(counts)
        pd.testing.assert_frame_equal(again.secondary, res.secondary)
    assert checked_with_suppression > 150


# --------------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def tidy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "occupation": ["admin", "admin", "care", "care", "legal", "legal"],
            "sex": ["F", "M", "F", "M", "F", "M"],
            "n": [40, 12, 55, 7, 0, 15],
            "mean_pay": [25000.0, 26000.0, 21000.0, 22000.0, np.nan, 50000.0],
            "median_pay": [24000.0, 25500.0, 20500.0, 21900.0, np.nan, 48000.0],
            "note": ["", "", "", "", "", ""],
        }
    )


def test_statistics_with_one_count_column(tidy):
    res = suppress_statistics(tidy, "n", ["mean_pay", "median_pay"])
    assert isinstance(res, Suppressed)
    assert res.table["n"].tolist() == [40, 12, 55, SUPPRESSED, 0, 15]
    assert res.table["mean_pay"].tolist() == [
        25000.0,
        26000.0,
        21000.0,
        SUPPRESSED,
        SUPPRESSED,
        50000.0,
    ]
    assert res.table["median_pay"].tolist()[3:5] == [SUPPRESSED, SUPPRESSED]
    # Untouched columns keep their values and dtypes.
    pd.testing.assert_series_equal(res.table["occupation"], tidy["occupation"])
    pd.testing.assert_series_equal(res.table["note"], tidy["note"])
    assert list(res.table.columns) == list(tidy.columns)
    expected = pd.DataFrame(False, index=tidy.index, columns=tidy.columns)
    expected.loc[3, ["n", "mean_pay", "median_pay"]] = True
    expected.loc[4, ["mean_pay", "median_pay"]] = True
    pd.testing.assert_frame_equal(res.primary, expected)
    assert not res.secondary.to_numpy().any()
    assert res.n_suppressed == 5
    assert res.note() == "5 values based on fewer than 10 employees are shown as [c]."
    # The input is not modified.
    assert tidy.loc[3, "n"] == 7


def test_statistics_with_a_count_mapping():
    wide = pd.DataFrame(
        {
            "n_F": [40, 6, 30],
            "n_M": [25, 50, 0],
            "n_min": [25, 6, 0],
            "mean_pay_F": [25000.0, 30000.0, 27000.0],
            "mean_pay_M": [26000.0, 31000.0, np.nan],
            "gap": [0.04, 0.03, np.nan],
        },
        index=pd.Index(["admin", "legal", "care"], name="occupation"),
    )
    res = suppress_statistics(
        wide,
        {"mean_pay_F": "n_F", "mean_pay_M": "n_M", "gap": "n_min"},
        ["mean_pay_F", "mean_pay_M", "gap"],
    )
    table = res.table
    assert table.loc["legal", "n_F"] == SUPPRESSED
    assert table.loc["legal", "n_min"] == SUPPRESSED
    assert table.loc["legal", "mean_pay_F"] == SUPPRESSED
    assert table.loc["legal", "mean_pay_M"] == 31000.0
    assert table.loc["legal", "gap"] == SUPPRESSED
    assert table.loc["care", "n_M"] == 0
    assert table.loc["care", "mean_pay_M"] == SUPPRESSED
    assert table.loc["care", "gap"] == SUPPRESSED
    assert table.loc["care", "mean_pay_F"] == 27000.0
    assert table.loc["admin"].tolist() == [40, 25, 25, 25000.0, 26000.0, 0.04]
    assert res.n_suppressed == 6
    assert table.index.name == "occupation"


def test_statistics_nothing_small(tidy):
    big = tidy[tidy["n"] >= 10]
    res = suppress_statistics(big, "n", ["mean_pay"])
    pd.testing.assert_frame_equal(res.table, big)
    assert res.note() == ""


def test_statistics_single_value_note():
    table = pd.DataFrame({"n": [0, 20], "mean_pay": [np.nan, 1.0]})
    assert suppress_statistics(table, "n", ["mean_pay"]).note() == (
        "1 value based on fewer than 10 employees is shown as [c]."
    )


# --------------------------------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------------------------------


def test_note_wording():
    frame = pd.DataFrame([[True, False], [False, False]])
    none = pd.DataFrame([[False, False], [False, False]])
    one = pd.DataFrame([[False, True], [False, False]])
    two = pd.DataFrame([[False, True], [True, False]])
    assert Suppressed(frame, frame, none, 5).note() == (
        "1 cell with fewer than 5 employees is shown as [c]."
    )
    assert Suppressed(frame, frame, one, 10).note() == (
        "1 cell with fewer than 10 employees is shown as [c]; "
        "1 further cell is hidden so that totals cannot reveal it."
    )
    assert Suppressed(frame, two, two, 10).note() == (
        "2 cells with fewer than 10 employees are shown as [c]; "
        "2 further cells are hidden so that totals cannot reveal them."
    )
    assert Suppressed(frame, none, none, 10).note() == ""


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -3])
def test_check_min_cell_rejects_small_values(value):
    with pytest.raises(ValueError, match=rf"min_cell must be an integer >= 1, got {value}$"):
        check_min_cell(value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(True, "True (bool)"), (2.5, "2.5 (float)"), ("10", "'10' (str)"), (None, "None (NoneType)")],
)
def test_check_min_cell_rejects_non_integers(value, shown):
    with pytest.raises(
        ValueError, match=re.escape(f"min_cell must be an integer >= 1, got {shown}")
    ):
        check_min_cell(value)


def test_check_min_cell_accepts_integers():
    assert check_min_cell(10) == 10
    assert check_min_cell(1) == 1
    result = check_min_cell(np.int64(5))
    assert result == 5 and type(result) is int


def test_functions_validate_min_cell():
    counts = pd.DataFrame({"F": [1]})
    with pytest.raises(ValueError, match="min_cell must be an integer >= 1, got 0"):
        suppress_counts(counts, min_cell=0)
    with pytest.raises(ValueError, match=r"min_cell must be an integer >= 1, got False \(bool\)"):
        suppress_statistics(pd.DataFrame({"n": [1], "m": [1.0]}), "n", ["m"], min_cell=False)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (
            pd.DataFrame({"F": [3, -1], "M": [2, 4]}, index=["a", "b"]),
            "counts column 'F' has negative counts -1 in rows 'b'",
        ),
        (
            pd.DataFrame({"F": [3.0, 2.5], "M": [2, 4]}, index=["a", "b"]),
            "counts column 'F' has non-integer counts 2.5 in rows 'b'",
        ),
        (
            pd.DataFrame({"F": [3.0, np.inf], "M": [2, 4]}, index=["a", "b"]),
            "counts column 'F' has non-integer counts inf in rows 'b'",
        ),
        (
            pd.DataFrame({"F": [3.0, np.nan], "M": [2, 4]}, index=["a", "b"]),
            "counts column 'F' has missing (NaN) counts in rows 'b'",
        ),
        (
            pd.DataFrame({"F": pd.array([3, None], dtype="Int64"), "M": [2, 4]}, index=["a", "b"]),
            "counts column 'F' has missing (NaN) counts in rows 'b'",
        ),
        (
            pd.DataFrame({"F": ["3", "4"], "M": [2, 4]}),
            "counts column 'F' has non-numeric dtype",
        ),
        (
            pd.DataFrame({"F": [3, 4], "M": pd.Series([2, "x"], dtype=object)}),
            "counts column 'M' has non-numeric dtype object",
        ),
        (
            pd.DataFrame({"F": [True, False], "M": [2, 4]}),
            "counts column 'F' is boolean",
        ),
        (pd.DataFrame(), "counts table is empty"),
        (pd.DataFrame({"F": [], "M": []}), "counts table is empty"),
        (pd.DataFrame(index=["a", "b"]), "counts table is empty"),
    ],
)
def test_suppress_counts_rejects_bad_counts(counts, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        suppress_counts(counts)


def test_error_lists_only_the_first_offending_rows():
    counts = pd.DataFrame({"n": [-1] * 8}, index=list("abcdefgh"))
    with pytest.raises(ValueError, match=re.escape("in rows 'a', 'b', 'c', 'd', 'e' and 3 more")):
        suppress_counts(counts)


def test_suppress_counts_rejects_non_frames_and_existing_totals():
    with pytest.raises(TypeError, match="counts must be a pandas DataFrame, got Series"):
        suppress_counts(pd.Series([1, 2]))
    with pytest.raises(ValueError, match="counts already has a row labelled 'Total'"):
        suppress_counts(pd.DataFrame({"F": [3, 5]}, index=["a", T]))
    with pytest.raises(ValueError, match="counts already has a column labelled 'Total'"):
        suppress_counts(pd.DataFrame({"F": [3, 5], T: [8, 8]}))
    # Without margins a 'Total' label is the caller's business.
    assert suppress_counts(pd.DataFrame({"F": [3, 5]}, index=["a", T]), margins=False)


def test_suppress_statistics_missing_columns_are_named(tidy):
    available = re.escape(
        "available columns: ['occupation', 'sex', 'n', 'mean_pay', 'median_pay', 'note']"
    )
    with pytest.raises(ValueError, match=r"count column 'headcount' not found.*" + available):
        suppress_statistics(tidy, "headcount", ["mean_pay"])
    with pytest.raises(ValueError, match=r"statistic column 'mode_pay' not found.*" + available):
        suppress_statistics(tidy, "n", ["mode_pay"])
    with pytest.raises(ValueError, match=r"count column 'n_F' not found"):
        suppress_statistics(tidy, {"mean_pay": "n_F"}, ["mean_pay"])


def test_suppress_statistics_rejects_inconsistent_arguments(tidy):
    with pytest.raises(
        ValueError, match=re.escape("no count column given for statistic column(s)")
    ):
        suppress_statistics(tidy, {"mean_pay": "n"}, ["mean_pay", "median_pay"])
    with pytest.raises(ValueError, match=re.escape("names statistic column(s) ['median_pay']")):
        suppress_statistics(tidy, {"mean_pay": "n", "median_pay": "n"}, ["mean_pay"])
    with pytest.raises(ValueError, match=re.escape("count column(s) ['n'] should not be listed")):
        suppress_statistics(tidy, "n", ["n", "mean_pay"])
    with pytest.raises(TypeError, match=re.escape("not a string; use ['mean_pay']")):
        suppress_statistics(tidy, "n", "mean_pay")
    with pytest.raises(TypeError, match="count must be a column name or a mapping"):
        suppress_statistics(tidy, 3, ["mean_pay"])
    with pytest.raises(TypeError, match="table must be a pandas DataFrame, got list"):
        suppress_statistics([1, 2], "n", ["mean_pay"])


def test_suppress_statistics_rejects_bad_tables(tidy):
    with pytest.raises(ValueError, match="statistics table is empty"):
        suppress_statistics(tidy.iloc[0:0], "n", ["mean_pay"])
    bad = tidy.assign(n=[40, 12, 55, -7, 0, 15])
    with pytest.raises(
        ValueError, match=re.escape("count column 'n' has negative counts -7 in rows 3")
    ):
        suppress_statistics(bad, "n", ["mean_pay"])
    bad = tidy.assign(n=[40.0, 12.0, 55.0, np.nan, 0.0, 15.0])
    with pytest.raises(ValueError, match=re.escape("count column 'n' has missing (NaN) counts")):
        suppress_statistics(bad, "n", ["mean_pay"])
    bad = tidy.assign(n=[40.0, 12.5, 55.0, 7.0, 0.0, 15.0])
    with pytest.raises(ValueError, match=re.escape("count column 'n' has non-integer counts 12.5")):
        suppress_statistics(bad, "n", ["mean_pay"])
    bad = tidy.assign(n=tidy["sex"])
    with pytest.raises(ValueError, match="count column 'n' has non-numeric dtype"):
        suppress_statistics(bad, "n", ["mean_pay"])
    dup = pd.concat([tidy, tidy[["mean_pay"]]], axis=1)
    with pytest.raises(ValueError, match=re.escape("duplicated column names: ['mean_pay']")):
        suppress_statistics(dup, "n", ["mean_pay"])
