"""Workforce flow measures from linked snapshots: starters, leavers, turnover, stability, promotion.

Every measure is computed from the **moves** table (one row per employee per period between two
consecutive snapshots; :func:`research.data.longitudinal.link`) grouped by any columns (``sex``,
``grade``, ``period``, ``ethnicity``, ...). Definitions (CIPD / ACAS practice):

- **headcount** at the start of a period: rows present in the earlier snapshot (``grade_from``
  known or the row is not a starter); at the end: rows present in the later snapshot;
- **starters**: rows absent from the earlier snapshot; **leavers**: absent from the later one;
  voluntary leavers have the reason ``voluntary``;
- **turnover rate** = leavers / average headcount x 100, average headcount = (start + end) / 2;
- **stability index** = employees with a year's service or more (present at both ends of the
  period) / headcount at the start x 100;
- **promotion rate** = moves to a higher grade rank / headcount in the grade at the start x 100;
- **leaving rate** = leavers / headcount at the start x 100 (the wastage rate of the Markov
  model, :mod:`research.flows.markov`; the probability of leaving within the period).

Groups are the employee's attributes at the start of the period for headcount at the start,
leavers, stayers and promotions (a promoted employee counts in the grade they were promoted
from), and at the end for starters and the headcount at the end.

Each rate has a Wilson score interval
(``statsmodels.stats.proportion.proportion_confint(method="wilson")``); for turnover the
denominator is the average headcount (at least the number of leavers).

**Relative likelihood** of a favourable outcome (promotion, staying) is women's rate / men's
rate; the **four-fifths rule** (US EEOC Uniform Guidelines, 29 CFR 1607.4D) flags adverse impact
when the lower group's rate is less than four-fifths of the higher group's. The comparison is
made exactly in integer counts, ``5 * x_low * n_high < 4 * x_high * n_low``, so a ratio of exactly
0.8 is not flagged. Its interval is Katz's log interval for a ratio of two proportions.

**Half-life of a starter cohort**: the time until half of those who started are still employed,
from a life table of starters pooled over cohorts (Kaplan-Meier at whole years, starters
observed for fewer years censored); interpolated linearly between years, or, when half are still
there at the last snapshot, extrapolated at the observed constant annual survival rate (and said
to be).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from research.core.checks import InputError
from research.core.results import Result

__all__ = [
    "MOVE_COLUMNS",
    "HalfLife",
    "check_moves",
    "flow_rates",
    "four_fifths",
    "half_life",
    "relative_likelihood",
    "wilson",
]

MOVE_COLUMNS = (
    "employee_id",
    "period_start",
    "period_end",
    "sex",
    "grade_rank_from",
    "grade_rank_to",
    "event",
    "reason",
)
_FROM_TO = ("grade", "grade_rank")


def check_moves(moves: pd.DataFrame) -> None:
    """Refuse a moves table without the columns :func:`research.data.longitudinal.link` makes."""
    missing = [c for c in MOVE_COLUMNS if c not in moves]
    if missing:
        raise InputError(
            f"The moves table has no {', '.join(missing)} column: make it with "
            "research.data.longitudinal.link (or load_linked) from linked snapshots."
        )
    if moves.empty:
        raise InputError("The moves table has no rows: the snapshots hold nobody to follow.")


def wilson(
    count: np.ndarray | pd.Series, nobs: np.ndarray | pd.Series, ci_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``count / nobs`` (as proportions); NaN where ``nobs`` is 0."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    safe = np.where(nobs > 0, nobs, 1.0)
    low, high = proportion_confint(
        np.minimum(count, safe), safe, alpha=1 - ci_level, method="wilson"
    )
    low = np.where(nobs > 0, low, np.nan)
    high = np.where(nobs > 0, high, np.nan)
    return low, high


def _side(moves: pd.DataFrame, by: Sequence[str], side: str) -> pd.DataFrame:
    """The moves with each grouping column taken at the ``side`` ("from"/"to") of the period."""
    out = {}
    for column in by:
        if column in _FROM_TO:
            out[column] = moves[f"{column}_{side}"]
        elif column == "period":
            out[column] = moves["period_end"].dt.year.astype("int64")
        else:
            out[column] = moves[column]
    return pd.DataFrame(out, index=moves.index)


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a column (-1 for a blank) and how many distinct values it has."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.array.codes, dtype=np.int64), len(values.cat.categories)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), len(uniques)


class _Grouped:
    """The rows of a keys frame grouped once: one code per row (a combination of the keys'
    codes) and one representative row per combination, so every count is an ``np.bincount``
    and only the combinations (not the rows) are grouped by pandas."""

    def __init__(self, keys: pd.DataFrame):
        self.keys = keys
        if keys.shape[1] == 0:
            return
        key, total = np.zeros(len(keys), dtype=np.int64), 1
        for column in keys.columns:
            codes, size = _codes(keys[column])
            if total * (size + 1) >= 2**62:  # compress the combinations so far
                key, uniques = pd.factorize(key)
                key, total = key.astype(np.int64), len(uniques)
            key *= size + 1
            key += codes + 1
            total *= size + 1
        self.code, uniques = pd.factorize(key)
        del key
        first = np.full(len(uniques), len(keys), dtype=np.int64)
        np.minimum.at(first, self.code, np.arange(len(keys), dtype=np.int64))
        self.small = keys.iloc[first].reset_index(drop=True)

    def counts(self, mask: np.ndarray, name: str) -> pd.Series:
        """As ``keys[mask].value_counts(dropna=False)`` (with zeros for the combinations of
        other rows: the caller drops groups whose every count is zero)."""
        if self.keys.shape[1] == 0:
            return pd.Series([int(mask.sum())], index=pd.Index(["all"], name="all"), name=name)
        weights = np.bincount(self.code, weights=mask, minlength=len(self.small))
        weights = weights.astype(np.int64)
        used = weights > 0
        # the grouping value_counts makes (its combinations, dtypes and index), on the
        # combinations of the rows in ``mask``, each weighted by its number of rows
        by = list(self.keys.columns)
        grouper = self.small[used].groupby(by, sort=False, dropna=False, observed=False)._grouper
        ids, weights = grouper.ids, weights[used]
        if grouper.ngroups:
            out = np.bincount(ids[ids >= 0], weights=weights[ids >= 0], minlength=grouper.ngroups)
        else:
            out = []
        counts = pd.Series(out, index=grouper.result_index, dtype="int64", copy=False, name=name)
        if len(by) == 1:
            counts.index = pd.MultiIndex.from_arrays([counts.index], names=[counts.index.name])
        return counts


def is_value(values: pd.Series, value: str) -> np.ndarray:
    """``values == value`` as a boolean array (blank: False), without a string per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if value not in categories:
            return np.zeros(len(values), dtype=bool)
        return np.asarray(values.array.codes) == categories.get_loc(value)
    return (values.astype("string") == value).fillna(False).to_numpy(dtype=bool)


def flow_rates(
    moves: pd.DataFrame, by: Sequence[str] = ("sex",), *, ci_level: float = 0.95
) -> pd.DataFrame:
    """Counts and rates of every flow, one row per group of ``by``.

    ``by`` may name ``grade`` or ``grade_rank`` (taken at the start of the period for leavers,
    stayers and promotions, at the end for starters), ``period`` (the year the period ends) and any
    column of the moves table (``sex``, ``ethnicity``, ...).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, then ``headcount_start``, ``headcount_end``, ``average_headcount``,
        ``starters``, ``leavers``, ``voluntary_leavers``, ``stayers``, ``promoted``; the rates in
        percent ``turnover``, ``voluntary_turnover``, ``leaving``, ``stability``, ``promotion`` with
        ``<rate>_low`` and ``<rate>_high`` (Wilson).
    """
    check_moves(moves)
    by = list(by)
    starter, leaver = is_value(moves["event"], "starter"), is_value(moves["event"], "leaver")
    present_from, present_to = ~starter, ~leaver
    start = _Grouped(_side(moves, by, "from"))
    end = _Grouped(_side(moves, by, "to"))
    voluntary = is_value(moves["reason"], "voluntary")
    parts = [
        start.counts(present_from, "headcount_start"),
        end.counts(present_to, "headcount_end"),
        end.counts(starter, "starters"),
        start.counts(leaver, "leavers"),
        start.counts(leaver & voluntary, "voluntary_leavers"),
        start.counts(present_from & present_to, "stayers"),
        start.counts(is_value(moves["event"], "promotion"), "promoted"),
    ]
    table = pd.concat(parts, axis=1).fillna(0).astype("int64")
    table = table[table.to_numpy().any(axis=1)]  # unused categories: nobody in the group
    table = table.sort_index().reset_index()
    if not by:
        table = table.drop(columns="all")
    table.insert(
        len(by) + 2,
        "average_headcount",
        (table["headcount_start"] + table["headcount_end"]) / 2,
    )
    average = np.maximum(table["average_headcount"], table["leavers"])
    rates = {
        "turnover": (table["leavers"], average),
        "voluntary_turnover": (table["voluntary_leavers"], average),
        "leaving": (table["leavers"], table["headcount_start"]),
        "stability": (table["stayers"], table["headcount_start"]),
        "promotion": (table["promoted"], table["headcount_start"]),
    }
    for name, (count, nobs) in rates.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            table[name] = np.where(nobs > 0, 100 * count / np.where(nobs > 0, nobs, 1), np.nan)
        low, high = wilson(count, nobs, ci_level)
        table[f"{name}_low"] = 100 * low
        table[f"{name}_high"] = 100 * high
    return table


def four_fifths(x_a: int, n_a: int, x_b: int, n_b: int) -> bool:
    """Whether the lower of two rates ``x/n`` is less than four-fifths of the higher (exact).

    Counts are integers, so the comparison ``5 * x_low * n_high < 4 * x_high * n_low`` is exact:
    a ratio of exactly 0.8 is not flagged. Either group empty, or both rates 0: not flagged.
    """
    x_a, n_a, x_b, n_b = int(x_a), int(n_a), int(x_b), int(n_b)
    if n_a <= 0 or n_b <= 0:
        return False
    if x_a * n_b <= x_b * n_a:  # a is the lower rate
        low_x, low_n, high_x, high_n = x_a, n_a, x_b, n_b
    else:
        low_x, low_n, high_x, high_n = x_b, n_b, x_a, n_a
    return 5 * low_x * high_n < 4 * high_x * low_n


def relative_likelihood(
    table: pd.DataFrame,
    outcomes: Sequence[tuple[str, str, str]] = (
        ("promotion", "promoted", "headcount_start"),
        ("stability", "stayers", "headcount_start"),
    ),
    *,
    by: Sequence[str] = (),
    group: str = "sex",
    compare: str = "F",
    reference: str = "M",
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Women's rate / men's rate of each favourable outcome, with the four-fifths flag.

    ``table`` is a :func:`flow_rates` table grouped by ``group`` (and ``by``). One row per outcome
    (and group of ``by``): the two rates in percent, their ratio with Katz's log interval, and
    ``adverse_impact`` (four-fifths rule, either direction) with ``lower`` naming the group whose
    rate is lower.
    """
    rows = []
    keys = list(by)
    frames = [((), table)] if not keys else list(table.groupby(keys, sort=True, observed=True))
    z = stats.norm.ppf(0.5 + ci_level / 2)
    for key, part in frames:
        indexed = part.set_index(group)
        if compare not in indexed.index or reference not in indexed.index:
            continue
        a, b = indexed.loc[compare], indexed.loc[reference]
        for name, count, denominator in outcomes:
            x_a, n_a, x_b, n_b = (
                int(a[count]),
                int(a[denominator]),
                int(b[count]),
                int(b[denominator]),
            )
            rate_a = x_a / n_a if n_a else math.nan
            rate_b = x_b / n_b if n_b else math.nan
            ratio = rate_a / rate_b if rate_b else math.nan
            if x_a > 0 and x_b > 0 and n_a and n_b:
                se = math.sqrt(1 / x_a - 1 / n_a + 1 / x_b - 1 / n_b)
                low, high = ratio * math.exp(-z * se), ratio * math.exp(z * se)
            else:
                low = high = math.nan
            rows.append(
                {
                    **dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)),
                    "outcome": name,
                    "n_compare": n_a,
                    "n_reference": n_b,
                    "count_compare": x_a,
                    "count_reference": x_b,
                    "rate_compare": 100 * rate_a,
                    "rate_reference": 100 * rate_b,
                    "ratio": ratio,
                    "ratio_low": low,
                    "ratio_high": high,
                    "adverse_impact": four_fifths(x_a, n_a, x_b, n_b),
                    "lower": compare if x_a * n_b < x_b * n_a else reference,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class HalfLife(Result):
    """Survival of starter cohorts by group: the life table and the half-life of each group."""

    table: pd.DataFrame  # group, years, at_risk, left, survival
    values: pd.DataFrame  # group, half_life, extrapolated, starters
    title: str = "Half-life of starter cohorts"

    def to_frame(self) -> pd.DataFrame:
        return self.values


def half_life(moves: pd.DataFrame, by: str = "sex") -> HalfLife:
    """Half-life of starter cohorts pooled over cohorts, by ``by`` (module docstring)."""
    check_moves(moves)
    dates = np.union1d(moves["period_start"].unique(), moves["period_end"].unique())
    last = len(dates) - 1
    starter, leaver = is_value(moves["event"], "starter"), is_value(moves["event"], "leaver")
    # each starter's first leaving at or after the end of the period they started in: ids as
    # codes, leavers sorted by (id, period), one searchsorted (no join on the ids' text)
    ids = moves["employee_id"]
    code, _ = pd.factorize(pd.concat([ids[starter], ids[leaver]], ignore_index=True))
    n_starters = int(starter.sum())
    s_code, l_code = code[:n_starters].astype(np.int64), code[n_starters:].astype(np.int64)
    del code
    n_dates = len(dates) + 1
    begin = np.searchsorted(dates, moves["period_end"].to_numpy()[starter])
    leave_at = np.searchsorted(dates, moves["period_start"].to_numpy()[leaver])
    leave_key = np.sort(l_code * n_dates + leave_at)
    at = np.searchsorted(leave_key, s_code * n_dates + begin, side="left")
    found = np.minimum(at, max(leave_key.size - 1, 0))
    left = (
        (s_code >= 0) & (at < leave_key.size) & (leave_key[found] // n_dates == s_code)
        if leave_key.size
        else np.zeros(n_starters, dtype=bool)
    )
    exit_index = np.where(left, leave_key[found] % n_dates if leave_key.size else 0, last)
    del leave_key, at, found, l_code, s_code, leave_at
    groups = moves[by][starter].astype("string").reset_index(drop=True)
    survived = exit_index - begin  # whole years present after starting
    group_code, group_names = pd.factorize(groups, use_na_sentinel=True)
    tables, values = [], []
    for name in sorted(map(str, group_names)):
        mine = group_code == group_names.get_loc(name)
        s, event = survived[mine], left[mine]
        horizon = int(s.max()) + 1 if s.size else 0
        years = np.arange(1, horizon + 1)
        at_risk = np.array([(s >= y - 1).sum() for y in years])
        gone = np.array([((s == y - 1) & event).sum() for y in years])
        keep = at_risk > 0
        years, at_risk, gone = years[keep], at_risk[keep], gone[keep]
        survival = np.cumprod(1 - gone / at_risk)
        tables.append(
            pd.DataFrame(
                {by: name, "years": years, "at_risk": at_risk, "left": gone, "survival": survival}
            )
        )
        curve_t = np.concatenate([[0], years])
        curve_s = np.concatenate([[1.0], survival])
        below = np.flatnonzero(curve_s <= 0.5)
        extrapolated = False
        if below.size:
            i = below[0]
            t0, t1, s0, s1 = curve_t[i - 1], curve_t[i], curve_s[i - 1], curve_s[i]
            value = t0 + (s0 - 0.5) / (s0 - s1) * (t1 - t0)
        elif survival.size and 0 < survival[-1] < 1:
            value = years[-1] * math.log(0.5) / math.log(survival[-1])
            extrapolated = True
        else:
            value = math.nan
        values.append(
            {
                by: name,
                "starters": int(mine.sum()),
                "half_life": value,
                "extrapolated": extrapolated,
            }
        )
    return HalfLife(
        pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(), pd.DataFrame(values)
    )
