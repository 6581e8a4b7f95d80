"""The gender pay gap within any grouping, with bootstrap confidence intervals.

``gap_by(data, "grade")`` gives, for each grade, the headcount of women and men, their mean or median
pay, the gap ``(men - women) / men x 100`` and, with ``n_boot > 0``, its bootstrap standard error,
percentile interval and bias-corrected estimate. Groupings can be intersections
(``within=["grade", "working_pattern"]``). Resampling is stratified by group and sex
(:mod:`research.paygap.bootstrap`), so the interval describes how much a gap could move if the same
jobs had been filled by other people paid like the ones there now (a workforce is a population, not
a sample: the interval measures the stability of the gap, not survey error).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
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


#: Label of a missing value in a group key (as the groups table shows it).
MISSING = "(missing)"


def _column_codes(column: pd.Series) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    """Each row's code into the column's distinct values as text, sorted; the sorted texts.

    The text of a value is ``astype("string")`` of it (``"(missing)"`` when missing), computed
    once per distinct value instead of once per row; values with the same text share a code.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = pd.Series(uniques).astype("string")
    dtype = texts.dtype
    texts = texts.fillna(MISSING).tolist()
    codes = np.where(codes < 0, len(texts), codes)
    texts.append(MISSING)
    ranks, sorted_texts = pd.factorize(np.array(texts, dtype=object), sort=True)
    return ranks[codes], pd.array(np.asarray(sorted_texts, dtype=object), dtype=dtype)


def _group_keys(data: pd.DataFrame, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct groups (a frame of the ``by`` columns, as text, sorted) and each row's group.

    The same groups and codes as factorising the rows' texts, without a string per row.
    """
    columns = [_column_codes(data[column]) for column in by]
    key = np.zeros(len(data), dtype=np.int64)
    for codes, texts in columns:
        key = key * len(texts) + codes
    first, distinct = pd.factorize(key)
    keys, digits = distinct, {}
    for column, (_, texts) in reversed(list(zip(by, columns, strict=True))):
        digits[column] = texts.take(keys % len(texts))
        keys = keys // len(texts)
    # The distinct groups (few) go through the same factorisation as the rows' texts used to.
    distinct_keys = pd.DataFrame({column: digits[column] for column in by})
    codes, uniques = pd.MultiIndex.from_frame(distinct_keys).factorize(sort=True)
    groups = uniques.to_frame(index=False)
    groups.columns = list(by)
    # the smallest integers that hold the strata codes (2 g + 1): kept per grouping, per row
    small = np.int16 if len(groups) < 2**14 else np.int32 if len(groups) < 2**30 else np.int64
    return groups, codes[first].astype(small)


class _Sorted:
    """One pay column's compared rows, sorted once for every breakdown of them.

    ``order`` sorts the rows by (sex, pay, row), the order a stable sort by stratum (group x sex)
    then refines into the (group, sex, pay, row) order of every breakdown: one full sort per
    dataset and pay column, and a linear-time sort of small integers per breakdown. Group codes
    (per ``within``) and the overall point estimate (per statistic) are kept too.
    """

    def __init__(self, data, pay, sex, male, female, full_pay):
        require_columns(data, [pay, sex], role="gap_by")
        keep = comparison_rows(data, pay, sex=sex, groups=(male, female), full_pay=full_pay)
        self.keep = keep.to_numpy()
        if not self.keep.any():
            raise InputError(f"No women or men with {pay!r} to compare.")
        self.values = data[pay].to_numpy(dtype="float64")[self.keep]
        self.is_male = (data[sex] == male).to_numpy(dtype=bool, na_value=False)[self.keep]
        by_pay = np.argsort(self.values, kind="stable")
        by_sex = np.argsort(self.is_male[by_pay], kind="stable")
        index = np.int32 if self.values.size < 2**31 else np.int64
        self.order = by_pay[by_sex].astype(index)
        self.codes: dict[tuple[str, ...], tuple[pd.DataFrame, np.ndarray]] = {}
        self.overall: dict[str, pd.DataFrame] = {}

    def groups(self, data: pd.DataFrame, within: tuple[str, ...]):
        if within not in self.codes:
            rows = data[list(within)]
            self.codes[within] = _group_keys(rows.loc[self.keep], within)
        return self.codes[within]

    def strata(self, codes: np.ndarray | None, n_groups: int):
        """Values sorted by (group, sex, value) and the offsets and sizes of the strata."""
        male = self.is_male[self.order]
        if codes is None:  # everyone in one group: the sort by sex is the order itself
            stratum = male.astype(np.int64)
            order = self.order
        else:
            stratum = codes[self.order] * 2 + male  # female = 2g, male = 2g + 1
            small = np.uint16 if 2 * n_groups <= 2**16 else np.int64  # radix sort when small
            within = np.argsort(stratum.astype(small), kind="stable")
            order, stratum = self.order[within], stratum[within]
        sizes = np.bincount(stratum, minlength=2 * n_groups)
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        return self.values[order], starts, sizes


_SHARED: ContextVar[list | None] = ContextVar("gap_by_shared", default=None)
#: Sorted pay columns kept at once inside :func:`shared_sorts` (each one float and one index per row).
SHARED_KEPT = 2


@contextmanager
def shared_sorts():
    """Within the block, breakdowns of the same frame and pay column reuse one sort.

    :func:`gap_by` and the EU tables then sort each (frame, pay column, compared groups) once, code
    each grouping once and compute the overall estimate once, whatever the number of calls.
    The frames passed in must not change inside the block (a report builder's own frames).
    Results are identical to those computed without it.
    """
    if _SHARED.get() is not None:  # already inside one: share with it
        yield
        return
    token = _SHARED.set([])
    try:
        yield
    finally:
        _SHARED.reset(token)


def _sorted(data, pay, sex, male, female, full_pay) -> _Sorted:
    shared = _SHARED.get()
    if shared is None:
        return _Sorted(data, pay, sex, male, female, full_pay)
    key = (pay, sex, male, female, full_pay)
    for i, (frame, k, found) in enumerate(shared):
        if frame is data and k == key:
            shared.append(shared.pop(i))  # most recently used last
            return found
    found = _Sorted(data, pay, sex, male, female, full_pay)
    shared.append((data, key, found))
    del shared[:-SHARED_KEPT]
    return found


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
    require_columns(data, [*within, pay, sex], role="gap_by")
    prepared = _sorted(data, pay, sex, male, female, full_pay)
    groups, codes = prepared.groups(data, within)
    rng = make_rng(seed) if n_boot else None  # no draws without a bootstrap
    table, reps = _estimate(prepared.strata(codes, len(groups)), stat, n_boot, rng)
    table = pd.concat([groups, table], axis=1)
    if n_boot:  # the overall replicates come after the groups' from the same generator
        overall_table, overall_reps = _estimate(prepared.strata(None, 1), stat, n_boot, rng)
    else:
        if stat not in prepared.overall:
            prepared.overall[stat], _ = _estimate(prepared.strata(None, 1), stat, 0, None)
        overall_table, overall_reps = prepared.overall[stat], None
    overall = _as_estimate(overall_table.iloc[0], stat, n_boot, level, overall_reps)
    table = _add_uncertainty(table, reps, level)
    return GapBreakdown(within, stat, pay, table, overall, n_boot, level)


def _estimate(strata, stat, n_boot, rng):
    ranked, starts, sizes = strata
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
