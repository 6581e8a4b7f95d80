"""Frozen copies of the implementations before issue 17 (compute once), for identity tests.

``gap_by`` (paygap/breakdown.py) and ``grade_groups`` (present/tabulate.py) as they were at commit
dff21e7: one full sort per call and a string label per row. The new code must give bit-identical
results; these slow paths are the reference. Never change them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from contextlib import nullcontext  # noqa: F401 (stands in for shared_sorts)
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.random import make_rng
from research.core.results import Estimate, Result
from research.paygap.bootstrap import bootstrap_means, bootstrap_medians, percentile_interval
from research.present import disclosure

STATS = ("median", "mean")


@dataclass(frozen=True)
class GapBreakdown(Result):
    """Gaps by group. ``to_frame()`` holds every number; ``to_table(min_cell)`` the publishable one.

    Attributes
    ----------
    within
        The grouping columns.
    stat, pay
        ``"median"`` or ``"mean"`` of which pay column.
    table
        One row per group: the ``within`` columns, ``n_female``, ``n_male``, ``female``, ``male`` (the
        statistic of each sex), ``gap`` and, with a bootstrap, ``se``, ``ci_low``, ``ci_high`` and
        ``bias_corrected``. Groups with no women or no men have a missing gap.
    overall
        The gap over everyone in the breakdown, with the same uncertainty.
    """

    within: tuple[str, ...]
    stat: str
    pay: str
    table: pd.DataFrame
    overall: Estimate
    n_boot: int = 0
    level: float = 0.95
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Gender gap in {self.stat} {self.pay} by {' x '.join(self.within)}"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_table(self, min_cell: int = disclosure.DEFAULT_MIN_CELL) -> pd.DataFrame:
        """Display-ready table: statistics of groups with fewer than ``min_cell`` women or men hidden."""
        frame = self.table.copy()
        frame["n_smaller"] = frame[["n_female", "n_male"]].min(axis=1)
        governed = {"female": "n_female", "male": "n_male"}
        for column in ("gap", "se", "ci_low", "ci_high", "bias_corrected"):
            if column in frame:
                governed[column] = "n_smaller"
        hidden = disclosure.suppress_statistics(frame, governed, list(governed), min_cell)
        return hidden.table.drop(columns="n_smaller")


def _group_keys(data: pd.DataFrame, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct groups (a frame of the ``by`` columns) and each row's group number."""
    keys = data[list(by)].astype("string").fillna("(missing)")
    codes, uniques = pd.MultiIndex.from_frame(keys).factorize(sort=True)
    groups = uniques.to_frame(index=False)
    groups.columns = list(by)
    return groups, codes


def _strata(values: np.ndarray, group: np.ndarray, male: np.ndarray, n_groups: int):
    """Sort values by (group, sex, value); offsets and sizes of the 2 x n_groups strata."""
    stratum = group * 2 + male.astype(np.int64)  # female = 2g, male = 2g + 1
    order = np.lexsort((values, stratum))
    ranked, stratum = values[order], stratum[order]
    sizes = np.bincount(stratum, minlength=2 * n_groups)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    return ranked, starts, sizes


def _point(ranked: np.ndarray, starts: np.ndarray, sizes: np.ndarray, stat: str) -> np.ndarray:
    out = np.full(sizes.size, np.nan)
    present = sizes > 0
    if stat == "mean":
        sums = np.add.reduceat(ranked, starts[present]) if ranked.size else np.array([])
        out[present] = sums / sizes[present]
    else:
        lo = starts[present] + (sizes[present] - 1) // 2
        hi = starts[present] + sizes[present] // 2
        out[present] = (ranked[lo] + ranked[hi]) / 2.0
    return out


def _gap(female: np.ndarray, male: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(male != 0, 100.0 * (male - female) / male, np.nan)


def _bootstrap(ranked, starts, sizes, stat, n_boot, rng) -> np.ndarray:
    """Replicated statistics, shape (n_boot, strata); empty strata give NaN."""
    reps = np.full((n_boot, sizes.size), np.nan)
    present = np.flatnonzero(sizes > 0)
    draw = bootstrap_medians if stat == "median" else bootstrap_means
    reps[:, present] = draw(ranked, starts[present], sizes[present], n_boot, rng)
    return reps


def comparison_rows(
    data: pd.DataFrame,
    pay: str = "hourly_pay",
    *,
    sex: str = "sex",
    groups: Sequence[str] = ("M", "F"),
    full_pay: str | None = "full_pay",
) -> pd.Series:
    """Which rows a gap compares: one of ``groups``, pay known, full-pay relevant (a missing
    flag counts as relevant). A boolean Series on ``data``'s index."""
    keep = data[sex].isin(list(groups)).to_numpy(dtype=bool, na_value=False)
    keep = keep & data[pay].notna().to_numpy()
    if full_pay is not None and full_pay in data:
        keep = keep & data[full_pay].astype("boolean").fillna(True).to_numpy(dtype=bool)
    return pd.Series(keep, index=data.index)


def _select(data, within, pay, sex, male, female, full_pay):
    require_columns(data, [*within, pay, sex], role="gap_by")
    keep = comparison_rows(data, pay, sex=sex, groups=(male, female), full_pay=full_pay)
    rows = data.loc[keep.to_numpy()]
    if rows.empty:
        raise InputError(f"No women or men with {pay!r} to compare.")
    return rows


def gap_by(
    data: pd.DataFrame,
    within: str | Sequence[str],
    *,
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
    stat: str = "median",
    pay: str = "hourly_pay",
    full_pay: str | None = "full_pay",
    n_boot: int = 0,
    seed: int | None = None,
    level: float = 0.95,
) -> GapBreakdown:
    """Gender pay gap within each group of ``within``, with optional bootstrap intervals.

    Parameters
    ----------
    data
        Employee rows.
    within
        A column or list of columns; a list gives their intersections (e.g. grade x working pattern).
    by, reference, compare
        Column of the two compared groups and their codes: the reference group (men, ``"M"``) and
        the compared group (women, ``"F"``). The result's ``n_male``/``male`` columns describe the
        reference group and ``n_female``/``female`` the compared group.
    stat
        ``"median"`` or ``"mean"`` pay of each group; gap ``(reference - compare) / reference x 100``.
    pay
        Pay column (default hourly pay, as the statutory figures).
    full_pay
        Column flagging full-pay relevant employees; others are left out (``None``: keep everyone).
    n_boot, seed, level
        Bootstrap replicates (0: none), random seed, interval level.

    Returns
    -------
    GapBreakdown
    """
    within = (within,) if isinstance(within, str) else tuple(within)
    sex, male, female = by, reference, compare
    if stat not in STATS:
        raise InputError(f"stat must be one of {STATS}, got {stat!r}.")
    if n_boot < 0 or (n_boot and seed is None):
        raise InputError(
            "n_boot must be >= 0, and a bootstrap needs an explicit seed= for reproducibility."
        )
    rows = _select(data, within, pay, sex, male, female, full_pay)
    groups, codes = _group_keys(rows, within)
    is_male = (rows[sex] == male).to_numpy(dtype=bool)
    values = rows[pay].to_numpy(dtype="float64")
    rng = make_rng(seed) if n_boot else None  # no draws without a bootstrap
    table, reps = _estimate(values, codes, is_male, len(groups), stat, n_boot, rng)
    table = pd.concat([groups, table], axis=1)
    overall_table, overall_reps = _estimate(
        values, np.zeros(len(values), np.int64), is_male, 1, stat, n_boot, rng
    )
    overall = _as_estimate(overall_table.iloc[0], stat, n_boot, level, overall_reps)
    table = _add_uncertainty(table, reps, level)
    return GapBreakdown(within, stat, pay, table, overall, n_boot, level)


def _estimate(values, codes, is_male, n_groups, stat, n_boot, rng):
    ranked, starts, sizes = _strata(values, codes, is_male, n_groups)
    point = _point(ranked, starts, sizes, stat)
    female, male = point[0::2], point[1::2]
    table = pd.DataFrame(
        {
            "n_female": sizes[0::2],
            "n_male": sizes[1::2],
            "female": female,
            "male": male,
            "gap": _gap(female, male),
        }
    )
    reps = None
    if n_boot:
        boot = _bootstrap(ranked, starts, sizes, stat, n_boot, rng)
        reps = _gap(boot[:, 0::2], boot[:, 1::2])
    return table, reps


def _add_uncertainty(table: pd.DataFrame, reps: np.ndarray | None, level: float) -> pd.DataFrame:
    if reps is None:
        return table
    with warnings.catch_warnings():  # all-NaN columns (groups without one sex) stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        table["se"] = np.nanstd(reps, axis=0, ddof=1)
        table["ci_low"], table["ci_high"] = percentile_interval(reps, level)
        table["bias_corrected"] = 2 * table["gap"] - np.nanmean(reps, axis=0)
    return table


def _as_estimate(row: pd.Series, stat: str, n_boot: int, level: float, reps) -> Estimate:
    details = {"n_female": int(row["n_female"]), "n_male": int(row["n_male"])}
    if reps is None:
        return Estimate(f"{stat} gap", float(row["gap"]), details=details)
    low, high = percentile_interval(reps, level)
    return Estimate(
        f"{stat} gap",
        float(row["gap"]),
        se=float(np.nanstd(reps, ddof=1)),
        ci=(float(low[0]), float(high[0])),
        bias_corrected=float(2 * row["gap"] - np.nanmean(reps)),
        n_boot=n_boot,
        details=details,
    )


def grade_groups(
    data: pd.DataFrame,
    *,
    max_groups: int = 30,
    grade: str = "grade",
    rank: str = "grade_rank",
    missing: str = "(missing)",
) -> pd.Series:
    """Labels for tabulating by grade, in grade order.

    With at most ``max_groups`` grades each grade is its own group, labelled ``"<rank>. <grade>"`` so
    that text order is grade order. With more, grades are pooled into ``max_groups`` bands of
    consecutive ranks of roughly equal headcount (``"ranks 1-12"``), because a table of hundreds of
    grades hides the pattern and breaks disclosure control. Pooling is for tables and charts only:
    indices across grades are computed on the grades themselves.

    Blank grades (missing ``grade``) are labelled ``missing`` (e.g. :data:`NOT_RECORDED`) and take
    no part in the banding; a recorded grade without a rank keeps its own name.
    """
    names = data[grade].astype("string")
    if rank not in data or data[rank].isna().all():
        return names.fillna(missing)
    ranks = data[rank].astype("Float64").where(names.notna())
    width = len(str(int(ranks.max()))) if ranks.notna().any() else 1
    if ranks.nunique() <= max_groups:
        label = ranks.astype("Int64").astype("string").str.zfill(width) + ". " + names
    else:
        values = ranks.astype("float64")
        bands = pd.qcut(values, q=max_groups, duplicates="drop")
        # One label per band, from its edges; rows without a rank (code -1) get none.
        edges = bands.cat.categories
        texts = pd.array(
            [f"ranks {int(np.floor(b.left)) + 1:0{width}d}-{int(b.right):0{width}d}" for b in edges]
            + [pd.NA],
            dtype="string",
        )
        label = pd.Series(texts[bands.cat.codes.to_numpy()], index=data.index, dtype="string")
    return label.fillna(names).fillna(missing)


# paygap/report.py's with_groupings at dff21e7 (grade labels through the frozen grade_groups above)
from research.paygap.tables import NOT_RECORDED  # noqa: E402
from research.present import tabulate as _tabulate  # noqa: E402


def with_groupings(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    top_n: int = 20,
    max_grade_groups: int = 15,
) -> pd.DataFrame:
    """Add the report's grouping columns: ``occupation_group`` and ``grade_group`` (+ its rank).

    Occupations beyond the ``top_n`` largest are pooled as "All other"; grades are pooled into bands
    of ranks when there are more than ``max_grade_groups`` (see :mod:`research.present.tabulate`).
    Employees with no recorded grade are labelled "Not recorded" and have no rank, so the grade
    indices (women's share of the top grades, the gap within grades) leave them out.
    """
    if occupation_level in data and data[occupation_level].notna().any():
        occupations = _tabulate.lump_rare(
            _tabulate.occupation_labels(data, occupation_level), top_n
        )
    else:
        occupations = pd.Series(pd.NA, index=data.index, dtype="string")
    out = data.assign(occupation_group=occupations)
    if "grade" in data and data["grade"].notna().any():
        recorded = data["grade"].notna().to_numpy()
        groups = grade_groups(data[recorded], max_groups=max_grade_groups)
        labels = pd.Series(NOT_RECORDED, index=data.index, dtype="string")
        labels.loc[recorded] = groups.astype("string").to_numpy()
        ranks = pd.Series(pd.NA, index=data.index, dtype="Int64")
        ranks.loc[recorded] = groups.rank(method="dense").astype("Int64").to_numpy()
        out["grade_group"] = labels
        out["grade_group_rank"] = ranks
    else:
        out["grade_group"] = pd.Series(pd.NA, index=data.index, dtype="string")
        out["grade_group_rank"] = pd.Series(pd.NA, index=data.index, dtype="Int64")
    return out


# present/tabulate.py's occupation labels at dff21e7 (a string per row)
from research.core.checks import require_columns as _require_columns  # noqa: E402


def occupation_labels(data: pd.DataFrame, level: str = "occupation") -> pd.Series:
    """Readable labels for an occupation level: ``"6135 Care workers and home carers"``.

    When ``level`` is the occupation code and a different title is recorded, code and title are
    joined; any other level is returned as text.
    """
    _require_columns(data, [level])
    labels = data[level].astype("string")
    if level == "occupation" and "occupation_title" in data:
        titles = data["occupation_title"].astype("string")
        differs = titles.notna() & (titles != labels)
        labels = labels.mask(differs, labels + " " + titles)
    return labels


def lump_rare(values: pd.Series, keep: int, *, other: str = "All other") -> pd.Series:
    """Keep the ``keep`` most frequent values of a categorical column and lump the rest as ``other``.

    Ties in frequency are broken by the value's text, so the result is deterministic.
    """
    text = values.astype("string").fillna("(missing)")
    counts = text.value_counts()
    order = (
        counts.rename_axis("value")
        .reset_index()
        .sort_values(["count", "value"], ascending=[False, True])
    )
    kept = set(order["value"].head(keep))
    return text.where(text.isin(kept), other)
