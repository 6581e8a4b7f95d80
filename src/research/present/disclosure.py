"""Statistical disclosure control for published report tables.

Every table that reaches an HTML report goes through this module first, so that no small group of
employees can be picked out of a published number. The approach (threshold rule, primary and
secondary cell suppression) follows the Government Statistical Service guidance: *GSS/GSR
Disclosure Control Guidance for Tables Produced from Administrative Sources* (Government
Statistical Service, October 2014). Hidden values are shown as ``[c]`` (:data:`SUPPRESSED`), the
marker for "confidential" used by ONS and recommended in the Government Analysis Function guidance
on symbols in tables.

Primary suppression
-------------------
A cell is *primary-suppressed* when it describes fewer than ``min_cell`` people
(:data:`DEFAULT_MIN_CELL` = 10 unless the caller chooses otherwise):

* in a table of counts, every count with ``0 < count < min_cell``. Zeros are shown: a zero says
  that nobody is in a cell, not who is, and hiding zeros would remove much of the information in a
  segregation table. (A zero can still contribute to *group* disclosure, where everyone in a row
  shares one attribute; the GSS guidance discusses this, and a caller with such a table should
  aggregate categories before tabulating.)
* in a table of group statistics (mean pay, median pay, pay gap), every statistic whose governing
  headcount is below ``min_cell`` (including zero, where the statistic is undefined anyway), and the
  headcount itself when ``0 < count < min_cell``.

Secondary suppression
---------------------
A hidden count can often be recovered by subtraction. If a table publishes totals, a row with a
single hidden cell gives it away: the hidden value is the row total minus the shown cells. Secondary
(or "complementary") suppression hides further cells so that no such sum has exactly one unknown.
:func:`suppress_counts` treats the table *with* its margins as a set of additive equations, one per
line: each body row adds up to its row total, each body column to its column total, the column
totals add up to the grand total (the "Total" row) and so do the row totals (the "Total" column).
It then applies two rules until neither changes anything:

1. **Line rule.** A line (row or column, margins included) with exactly one hidden cell gets a
   second one: the smallest non-zero shown cell among the line's body cells (for the Total row and
   Total column, the body cells are the column or row totals), ties broken by position (first row,
   then first column). Only when the line has no such body cell is its margin cell hidden instead.
   For lines whose total is shown this is exactly the familiar rule "no row or column with a single
   suppressed cell".
2. **Exact-disclosure audit.** Two hidden cells per line are not always enough: two separate blocks
   of hidden cells joined by a single hidden cell let that cell be solved for exactly. Writing the
   hidden cells as edges between their row and column, a hidden value is pinned down by the
   published equations exactly when its edge is a *bridge* of that graph (no cycle of hidden cells
   runs through it). For each bridge the smallest non-zero shown cell that closes a cycle through
   it is hidden (a zero only if no non-zero cell can do it, which needs an unusual table).

When the whole table (the grand total) is below ``min_cell``, every non-zero cell, margins included,
is below ``min_cell`` too, so everything except the zeros is hidden.

The result guarantees that no hidden value can be *calculated exactly* from the published table. It
does not give interval protection (a hidden cell may still be bounded within a narrow range because
counts cannot be negative), and it cannot see other tables published from the same data: counts that
also appear elsewhere must be hidden with the same pattern there. For high-risk outputs
use a dedicated tool such as tau-Argus.

Statistics such as means and medians need no secondary suppression: they are not added up into a
published total, so no hidden mean can be obtained by subtracting the shown ones, and a median
cannot be recovered from other medians at all. Two cautions, both documented on
:func:`suppress_statistics`: a derived statistic (such as a pay gap computed from two groups) must
be governed by the *smallest* headcount it uses, and a table that also publishes an "all groups"
mean alongside every group's headcount makes the hidden group mean recoverable (the total pay is
additive), so either leave such a row out or suppress it too.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from research.core.checks import InputError

__all__ = [
    "DEFAULT_MIN_CELL",
    "TooFewToPublish",
    "check_population",
    "SUPPRESSED",
    "TOTAL_LABEL",
    "Suppressed",
    "check_min_cell",
    "suppress_counts",
    "suppress_statistics",
]

#: Marker shown in place of a hidden value (the ONS convention for "confidential").
SUPPRESSED = "[c]"

#: Default threshold: cells describing fewer than this many employees are hidden.
DEFAULT_MIN_CELL = 10

#: Label of the margin row and column added by :func:`suppress_counts`.
TOTAL_LABEL = "Total"

# How many offending labels an error message lists before eliding the rest.
_MAX_LISTED = 5


@dataclass(frozen=True, eq=False)
class Suppressed:
    """A table after disclosure control, with masks recording what was hidden.

    Parameters
    ----------
    table : pandas.DataFrame
        Display-ready table: the original numbers, with :data:`SUPPRESSED` in hidden cells. Columns
        holding a marker have ``object`` dtype; untouched columns keep a numeric dtype.
    primary : pandas.DataFrame
        Boolean mask with the index and columns of `table`: cells hidden because they describe
        fewer than `min_cell` employees (primary suppression).
    secondary : pandas.DataFrame
        Boolean mask with the index and columns of `table`: further cells hidden so that totals
        cannot reveal the primary cells (secondary suppression). Never overlaps `primary`.
    min_cell : int
        Threshold used.
    kind : {"counts", "statistics"}, default "counts"
        What the table holds; only changes the wording of :meth:`note`.
    """

    table: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    min_cell: int
    kind: Literal["counts", "statistics"] = field(default="counts")

    @property
    def n_primary(self) -> int:
        """Number of primary-suppressed cells."""
        return int(self.primary.to_numpy(dtype=bool).sum())

    @property
    def n_secondary(self) -> int:
        """Number of secondary-suppressed cells."""
        return int(self.secondary.to_numpy(dtype=bool).sum())

    @property
    def n_suppressed(self) -> int:
        """Total number of cells shown as :data:`SUPPRESSED`."""
        return self.n_primary + self.n_secondary

    def note(self) -> str:
        """Plain-English sentence describing the suppression, for a report footnote.

        Returns
        -------
        str
            For example ``"3 cells with fewer than 10 employees are shown as [c]; 2 further cells
            are hidden so that totals cannot reveal them."``, or ``""`` when nothing was hidden.
        """
        n1, n2 = self.n_primary, self.n_secondary
        if n1 == 0 and n2 == 0:
            return ""
        verb = "is" if n1 == 1 else "are"
        if self.kind == "statistics":
            noun = "value" if n1 == 1 else "values"
            text = f"{n1} {noun} based on fewer than {self.min_cell} employees {verb} shown as "
        else:
            noun = "cell" if n1 == 1 else "cells"
            text = f"{n1} {noun} with fewer than {self.min_cell} employees {verb} shown as "
        text += SUPPRESSED
        if n2:
            further = "further cell is" if n2 == 1 else "further cells are"
            pronoun = "it" if n1 == 1 else "them"
            text += f"; {n2} {further} hidden so that totals cannot reveal {pronoun}"
        return text + "."


class TooFewToPublish(InputError):
    """The data (or the chosen subset) hold too few women or men for any report to be published."""


def check_population(
    data: pd.DataFrame,
    min_cell: int = DEFAULT_MIN_CELL,
    *,
    by: str = "sex",
    groups: Sequence[Hashable] = ("F", "M"),
    names: Mapping[Hashable, str] | None = None,
) -> None:
    """Refuse data in which a compared group is smaller than the disclosure threshold.

    With fewer than ``min_cell`` women (or men) every published share, count or average of that
    group would describe fewer people than the threshold allows, and a comparison of the two could
    not be published at all (GSS disclosure control guidance: the threshold rule applies to the
    population as a whole as well as to its cells). The message gives the threshold, not the small
    count, so that the error itself discloses nothing.

    Raises
    ------
    TooFewToPublish
        Naming the group(s) below the threshold and what to do.
    """
    names = dict(names or {"F": "women", "M": "men"})
    values = data[by].astype("string") if by in data else pd.Series(dtype="string")
    counts = values.value_counts()
    small = [names.get(g, str(g)) for g in groups if int(counts.get(str(g), 0)) < min_cell]
    if small:
        who = " and ".join(small)
        raise TooFewToPublish(
            f"Too few to publish: this dataset (or subset) has fewer than {min_cell} {who}, the "
            "disclosure threshold (min_cell). Choose a larger group of employees; a threshold "
            "below 10 is for internal analysis only."
        )


def check_min_cell(min_cell: int) -> int:
    """Validate a disclosure threshold.

    Parameters
    ----------
    min_cell : int
        Smallest number of employees a published cell may describe. Must be an integer >= 1
        (``1`` switches suppression off). Booleans and floats are rejected.

    Returns
    -------
    int
        `min_cell` as a plain ``int``.

    Raises
    ------
    ValueError
        If `min_cell` is not an integer >= 1.
    """
    if isinstance(min_cell, bool | np.bool_) or not isinstance(min_cell, int | np.integer):
        raise ValueError(
            f"min_cell must be an integer >= 1, got {min_cell!r} ({type(min_cell).__name__})"
        )
    if min_cell < 1:
        raise ValueError(f"min_cell must be an integer >= 1, got {int(min_cell)}")
    return int(min_cell)


def suppress_counts(
    counts: pd.DataFrame,
    min_cell: int = DEFAULT_MIN_CELL,
    *,
    margins: bool = True,
) -> Suppressed:
    """Hide small counts in a two-way table, with secondary suppression protecting the totals.

    Parameters
    ----------
    counts : pandas.DataFrame
        Two-way table of non-negative whole-number counts, e.g.
        ``pd.crosstab(df["occupation"], df["sex"])`` (without ``margins=True``: the totals are
        added here). Integer-valued float columns are accepted.
    min_cell : int, default :data:`DEFAULT_MIN_CELL`
        Counts with ``0 < count < min_cell`` are hidden (primary suppression). Zeros are shown.
    margins : bool, default True
        Add a ``"Total"`` row and column computed from the *original* counts, so the published
        totals are the true ones, and apply secondary suppression (see the module docstring) so that
        they cannot be used to recover a hidden cell. A margin that is itself below `min_cell` is
        hidden too, and the Total row or column it belongs to is then protected in the same way as a
        body row or column. With ``margins=False`` no totals are published and only primary
        suppression is applied; do not then publish the totals anywhere else.

    Returns
    -------
    Suppressed
        Display-ready table (with margins if requested) and the primary/secondary masks.

    Raises
    ------
    TypeError
        If `counts` is not a DataFrame.
    ValueError
        If `min_cell` is invalid, the table is empty, a column is not numeric, a count is missing,
        negative or not a whole number, or `margins` is requested and a row or column is already
        labelled ``"Total"``.

    Notes
    -----
    The procedure is deterministic: the same table always gives the same pattern. Secondary cells
    are the smallest eligible non-zero cells, which keeps the information lost small.

    Examples
    --------
    >>> counts = pd.DataFrame({"F": [25, 4, 18], "M": [40, 30, 12]}, index=["A", "B", "C"])
    >>> result = suppress_counts(counts)
    >>> result.table
             F    M  Total
    A       25   40     65
    B      [c]  [c]     34
    C      [c]  [c]     30
    Total   47   82    129
    >>> result.note()
    '1 cell with fewer than 10 employees is shown as [c]; 3 further cells are hidden so that totals cannot reveal it.'
    """  # noqa: E501
    min_cell = check_min_cell(min_cell)
    if not isinstance(counts, pd.DataFrame):
        raise TypeError(f"counts must be a pandas DataFrame, got {type(counts).__name__}")
    if counts.shape[0] == 0 or counts.shape[1] == 0:
        raise ValueError(f"counts table is empty (shape {counts.shape}); nothing to suppress")
    body = np.column_stack(
        [
            _count_values(counts.iloc[:, k], f"counts column {counts.columns[k]!r}")
            for k in range(counts.shape[1])
        ]
    )

    if margins:
        index = _append_total(counts.index, "row")
        columns = _append_total(counts.columns, "column")
        values = np.zeros((body.shape[0] + 1, body.shape[1] + 1), dtype=np.int64)
        values[:-1, :-1] = body
        values[:-1, -1] = body.sum(axis=1)
        values[-1, :-1] = body.sum(axis=0)
        values[-1, -1] = body.sum()
    else:
        index, columns, values = counts.index, counts.columns, body

    primary = (values > 0) & (values < min_cell)
    hidden = _protect(values, primary) if margins else primary.copy()
    secondary = hidden & ~primary

    numbers = pd.DataFrame(values, index=index, columns=columns)
    return Suppressed(
        table=_mark(numbers, hidden),
        primary=pd.DataFrame(primary, index=index, columns=columns),
        secondary=pd.DataFrame(secondary, index=index, columns=columns),
        min_cell=min_cell,
        kind="counts",
    )


def suppress_statistics(
    table: pd.DataFrame,
    count: str | Mapping[str, str],
    columns: Sequence[str],
    min_cell: int = DEFAULT_MIN_CELL,
) -> Suppressed:
    """Hide group statistics that rest on fewer than `min_cell` employees.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy table of group statistics, one row per group, e.g. rows = occupation x sex and
        columns ``n``, ``mean_pay``, ``median_pay``.
    count : str or Mapping[str, str]
        Name of the column holding each row's headcount, governing every column in `columns`; or a
        mapping from each statistic column to the headcount column that governs it, e.g.
        ``{"mean_pay_F": "n_F", "mean_pay_M": "n_M", "gap": "n_min"}``. A statistic derived from
        several groups (such as a gap) must be governed by the smallest of their headcounts.
    columns : Sequence[str]
        Statistic columns to protect. With a mapping, every column must have an entry and every
        entry must be listed. Headcount columns are protected automatically and must not be listed.
    min_cell : int, default :data:`DEFAULT_MIN_CELL`
        A statistic is hidden when its headcount is below `min_cell` (zero included); a headcount is
        hidden when ``0 < count < min_cell``.

    Returns
    -------
    Suppressed
        Display-ready table (all columns, in order) and the masks; `secondary` is all False.

    Raises
    ------
    TypeError
        If `table` is not a DataFrame or `columns` is a single string.
    ValueError
        If `min_cell` is invalid, the table is empty, a named column is missing (the message lists
        the available columns), the mapping and `columns` disagree, a headcount column is listed in
        `columns`, or a headcount is missing, negative or not a whole number.

    Notes
    -----
    No secondary suppression is applied. Means and medians are not summed into a published total,
    so a hidden one cannot be found by subtracting the shown ones, and medians cannot be combined at
    all. This reasoning fails in two cases the caller must avoid: (1) a statistic computed from a
    hidden one, such as a gap shown next to the male mean while the female mean is hidden, which is
    why a derived statistic must be governed by its smallest headcount; (2) a table that also
    contains an "all groups" mean with every group's headcount, since headcount x mean (the pay
    bill) *is* additive. If headcounts are published together with their totals, run the counts
    through :func:`suppress_counts` instead.
    """
    min_cell = check_min_cell(min_cell)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    if table.shape[0] == 0:
        raise ValueError("statistics table is empty (no rows); nothing to suppress")
    if isinstance(columns, str):
        raise TypeError(
            f"columns must be a sequence of column names, not a string; use [{columns!r}]"
        )
    stats = list(dict.fromkeys(columns))
    if not table.columns.is_unique:
        duplicated = table.columns[table.columns.duplicated()].unique().tolist()
        raise ValueError(f"statistics table has duplicated column names: {duplicated}")

    if isinstance(count, str):
        governing = dict.fromkeys(stats, count)
        count_columns = [count]
    elif isinstance(count, Mapping):
        unmapped = [c for c in stats if c not in count]
        if unmapped:
            raise ValueError(
                f"no count column given for statistic column(s) {unmapped}; "
                f"the count mapping covers {list(count)}"
            )
        unlisted = [c for c in count if c not in stats]
        if unlisted:
            raise ValueError(
                f"count mapping names statistic column(s) {unlisted} that are not in columns "
                f"{stats}; list them in columns so they are protected"
            )
        governing = {c: count[c] for c in stats}
        count_columns = list(dict.fromkeys(count.values()))
    else:
        raise TypeError(
            f"count must be a column name or a mapping of column names, got {type(count).__name__}"
        )

    for name, role in [(c, "count") for c in count_columns] + [(c, "statistic") for c in stats]:
        if name not in table.columns:
            raise ValueError(
                f"{role} column {name!r} not found in the statistics table; "
                f"available columns: {list(table.columns)}"
            )
    listed_counts = [c for c in stats if c in count_columns]
    if listed_counts:
        raise ValueError(
            f"count column(s) {listed_counts} should not be listed in columns: counts are hidden "
            f"automatically when 0 < count < min_cell"
        )

    n_values = {c: _count_values(table[c], f"count column {c!r}") for c in count_columns}
    primary = np.zeros(table.shape, dtype=bool)
    for k, name in enumerate(table.columns):
        if name in governing:
            primary[:, k] = n_values[governing[name]] < min_cell
        elif name in n_values:
            primary[:, k] = (n_values[name] > 0) & (n_values[name] < min_cell)

    return Suppressed(
        table=_mark(table, primary),
        primary=pd.DataFrame(primary, index=table.index, columns=table.columns),
        secondary=pd.DataFrame(
            np.zeros(table.shape, dtype=bool), index=table.index, columns=table.columns
        ),
        min_cell=min_cell,
        kind="statistics",
    )


# --------------------------------------------------------------------------------------------------
# Validation and display helpers
# --------------------------------------------------------------------------------------------------


def _listed(labels: Sequence[Hashable]) -> str:
    """Render up to ``_MAX_LISTED`` labels for an error message."""
    shown = [repr(label) for label in labels[:_MAX_LISTED]]
    more = len(labels) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _count_values(series: pd.Series, what: str) -> np.ndarray:
    """Return a column of counts as int64, or raise a ValueError naming `what` and the rows."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise ValueError(f"{what} is boolean; counts must be non-negative whole numbers")
    if not pd.api.types.is_numeric_dtype(dtype) or getattr(dtype, "kind", "O") not in "iuf":
        raise ValueError(f"{what} has non-numeric dtype {dtype}; counts must be whole numbers")
    missing = series.isna().to_numpy(dtype=bool)
    if missing.any():
        raise ValueError(
            f"{what} has missing (NaN) counts in rows {_listed(series.index[missing])}"
        )
    raw = series.to_numpy(dtype=np.float64 if dtype.kind == "f" else np.int64)
    if dtype.kind == "f":
        bad = ~np.isfinite(raw) | (raw != np.floor(raw))
        if bad.any():
            raise ValueError(
                f"{what} has non-integer counts {_listed([float(v) for v in raw[bad]])} "
                f"in rows {_listed(series.index[bad])}"
            )
    negative = raw < 0
    if negative.any():
        raise ValueError(
            f"{what} has negative counts {_listed([int(v) for v in raw[negative]])} "
            f"in rows {_listed(series.index[negative])}"
        )
    return raw.astype(np.int64)


def _append_total(labels: pd.Index, axis: str) -> pd.Index:
    """Return `labels` with a ``"Total"`` entry appended (as a plain, non-categorical index)."""
    if isinstance(labels, pd.MultiIndex):
        total: Hashable = (TOTAL_LABEL,) + ("",) * (labels.nlevels - 1)
        if total in set(labels):
            raise ValueError(
                f"counts already has a {axis} labelled {total!r}; pass it without margins"
            )
        return pd.MultiIndex.from_tuples([*labels, total], names=labels.names)
    if TOTAL_LABEL in set(labels):
        raise ValueError(
            f"counts already has a {axis} labelled {TOTAL_LABEL!r}; pass the table without its "
            f"totals (they are recomputed) or use margins=False"
        )
    return pd.Index([*labels, TOTAL_LABEL], name=labels.name)


def _mark(numbers: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    """Copy `numbers` with :data:`SUPPRESSED` in the `hidden` cells (object dtype where used)."""
    out = numbers.copy()
    for k in np.flatnonzero(hidden.any(axis=0)):
        values = numbers.iloc[:, k].astype(object).to_numpy(copy=True)
        values[hidden[:, k]] = SUPPRESSED
        out.isetitem(int(k), pd.Series(values, index=numbers.index, dtype=object))
    return out


# --------------------------------------------------------------------------------------------------
# Secondary suppression
# --------------------------------------------------------------------------------------------------


def _protect(values: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Secondary suppression on a table whose last row and column are its margins.

    Alternates the line rule and the exact-disclosure audit (see the module docstring) until the
    pattern is stable, and returns the mask of all hidden cells.
    """
    hidden = primary.copy()
    while True:
        _apply_line_rule(values, hidden)
        bridge = _first_bridge(hidden)
        if bridge is None:
            return hidden
        hidden[_close_cycle(values, hidden, bridge)] = True


def _apply_line_rule(values: np.ndarray, hidden: np.ndarray) -> None:
    """Give every line with exactly one hidden cell a second one, in place, until stable."""
    changed = True
    while changed:
        changed = False
        for i in np.flatnonzero(hidden.sum(axis=1) == 1):
            hidden[i, _partner(values[i], hidden[i])] = True
            changed = True
        for j in np.flatnonzero(hidden.sum(axis=0) == 1):
            hidden[_partner(values[:, j], hidden[:, j]), j] = True
            changed = True


def _partner(line: np.ndarray, hidden: np.ndarray) -> int:
    """Position of the cell to hide next to a line's single hidden cell.

    The smallest non-zero shown body cell (first on ties), else the line's margin (last position).
    One of them always qualifies: the single hidden cell is non-zero, so if it is a body cell the
    shown margin is non-zero, and if it is the margin some body cell is non-zero and shown.
    """
    eligible = (line[:-1] > 0) & ~hidden[:-1]
    if eligible.any():
        return int(np.argmin(np.where(eligible, line[:-1], np.iinfo(np.int64).max)))
    if hidden[-1] or line[-1] == 0:  # pragma: no cover - excluded by the argument above
        raise RuntimeError("secondary suppression found no cell to hide; please report this table")
    return line.size - 1


def _first_bridge(hidden: np.ndarray) -> tuple[int, int] | None:
    """First hidden cell (row-major) whose value the additive equations determine exactly.

    Hidden cells are edges between row vertices and column vertices; a cell is determined exactly
    when its edge lies on no cycle, i.e. when removing it disconnects its row from its column.
    """
    for i, j in zip(*np.nonzero(hidden), strict=True):
        side = _reachable(hidden, int(i), int(j))
        if not side[1][j]:
            return int(i), int(j)
    return None


def _reachable(hidden: np.ndarray, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns reachable from row `i` through hidden cells, not using cell (i, j)."""
    graph = hidden.copy()
    graph[i, j] = False
    rows = np.zeros(graph.shape[0], dtype=bool)
    cols = np.zeros(graph.shape[1], dtype=bool)
    rows[i] = True
    frontier = rows.copy()
    while frontier.any():
        new_cols = graph[frontier].any(axis=0) & ~cols
        cols |= new_cols
        new_rows = graph[:, new_cols].any(axis=1) & ~rows
        rows |= new_rows
        frontier = new_rows
    return rows, cols


def _close_cycle(
    values: np.ndarray, hidden: np.ndarray, bridge: tuple[int, int]
) -> tuple[int, int]:
    """Cell to hide so that a cycle of hidden cells runs through `bridge`.

    Any shown cell joining the row side of the bridge to the column side closes such a cycle. The
    smallest non-zero one is chosen (first in row-major order on ties); a zero only if no non-zero
    cell qualifies. A candidate always exists: the line rule gives the bridge's row another hidden
    cell in some column c, and its column another in some row r, and cell (r, c) must be shown.
    """
    rows_i, cols_i = _reachable(hidden, *bridge)
    # Vertices on the column side of the bridge: those reachable from its column.
    rows_j, cols_j = _reachable(hidden.T, bridge[1], bridge[0])[::-1]
    joins = (np.outer(rows_i, cols_j) | np.outer(rows_j, cols_i)) & ~hidden
    for allowed in (joins & (values > 0), joins):
        if allowed.any():
            flat = np.where(allowed, values, np.iinfo(np.int64).max)
            return tuple(int(x) for x in np.unravel_index(int(np.argmin(flat)), flat.shape))
    raise RuntimeError(  # pragma: no cover - excluded by the argument in the docstring
        "secondary suppression found no cell to close a cycle; please report this table"
    )
