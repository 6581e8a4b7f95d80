"""Aggregate tables every analysis starts from: headcounts and pay summaries by sex.

Aggregation happens here, once, with grouped numpy sums; reports then apply disclosure control
(:mod:`research.present.disclosure`) to these aggregates, never to employee rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from research.core.checks import require_columns
from research.data.schema import SEX_CODES


def headcount_by_sex(data: pd.DataFrame, by: str, *, sex: str = "sex") -> pd.DataFrame:
    """Headcount of each value of ``by`` (rows) by sex (columns F, M and any other codes present).

    Missing values of ``by`` are counted under ``"(missing)"`` so totals reconcile with the data.
    """
    require_columns(data, [by, sex])
    # counted per distinct (group, sex) and tabulated from those counts: the table of counting
    # every row's text, without the text of every row
    codes, first = distinct_rows(data, [by, sex])
    distinct = data.iloc[first]
    keys = distinct[by].astype("string").fillna("(missing)")
    rows = pd.Series(np.bincount(codes, minlength=len(first)), index=keys.index)
    table = pd.crosstab(keys, distinct[sex].astype("string"), values=rows, aggfunc="sum")
    table = table.fillna(0)
    present = [
        c for c in SEX_CODES if c in table.columns and (c in ("F", "M") or table[c].sum() > 0)
    ]
    table = table.reindex(columns=present, fill_value=0)
    table.index.name = by
    table.columns.name = None
    return table.astype("int64")


def shares_by_sex(counts: pd.DataFrame) -> pd.DataFrame:
    """Per row of a :func:`headcount_by_sex` table: total and the women's share in percent.

    The share is of women among women and men (other codes are excluded from this binary share).
    """
    binary = counts.reindex(columns=["F", "M"], fill_value=0)
    total = counts.sum(axis=1)
    pct_female = 100 * binary["F"] / binary.sum(axis=1).where(binary.sum(axis=1) > 0)
    return pd.DataFrame({"total": total, "pct_female": pct_female})


def summary_by_sex(
    data: pd.DataFrame, value: str, *, by: str | None = None, sex: str = "sex"
) -> pd.DataFrame:
    """Count, mean, median and 10th/90th percentiles of ``value`` for each sex (within ``by``).

    Returns a tidy table with columns ``[by], sex, n, mean, median, p10, p90``; rows with a
    missing ``value`` are left out of the statistics and not counted in ``n``.
    """
    keys = [by, sex] if by else [sex]
    require_columns(data, [*keys, value])
    frame = data[keys + [value]].dropna(subset=[value])
    frame = frame.assign(**{sex: frame[sex].astype("string")})
    grouped = frame.groupby(keys, observed=True, sort=True)[value]
    out = grouped.agg(n="size", mean="mean", median="median")
    out["p10"] = grouped.quantile(0.10)
    out["p90"] = grouped.quantile(0.90)
    return out.reset_index()


def occupation_labels(data: pd.DataFrame, level: str = "occupation") -> pd.Series:
    """Readable labels for an occupation level: ``"6135 Care workers and home carers"``.

    When ``level`` is the occupation code and a different title is recorded, code and title are
    joined; any other level is returned as text.
    """
    require_columns(data, [level])
    titled = level == "occupation" and "occupation_title" in data
    codes, first = distinct_rows(data, [level, "occupation_title"] if titled else [level])
    distinct = data.iloc[first]  # labels once per distinct (code, title), then given to every row
    labels = distinct[level].astype("string")
    if titled:
        titles = distinct["occupation_title"].astype("string")
        differs = titles.notna() & (titles != labels)
        labels = labels.mask(differs, labels + " " + titles)
    return _spread(labels, codes, data.index)


def lump_rare(values: pd.Series, keep: int, *, other: str = "All other") -> pd.Series:
    """Keep the ``keep`` most frequent values of a categorical column and lump the rest as ``other``.

    Ties in frequency are broken by the value's text, so the result is deterministic.
    """
    codes, first = distinct_rows(
        values.to_frame(), [values.name] if values.name is not None else [0]
    )
    text = values.iloc[first].astype("string").fillna("(missing)")  # once per distinct value
    sizes = pd.Series(np.bincount(codes, minlength=len(first)), index=text.to_numpy())
    counts = sizes.groupby(level=0, sort=False).sum()  # values with the same text count together
    order = (
        counts.rename_axis("value")
        .rename("count")
        .reset_index()
        .sort_values(["count", "value"], ascending=[False, True])
    )
    kept = set(order["value"].head(keep))
    return _spread(text.where(text.isin(kept), other), codes, values.index)


#: How a blank grade is shown where grades are listed (pass as ``missing=`` to :func:`grade_groups`).
NOT_RECORDED = "not recorded"


def grade_groups(
    data: pd.DataFrame,
    *,
    max_groups: int = 30,
    grade: str = "grade",
    rank: str = "grade_rank",
    missing: str = "(missing)",
    population: pd.DataFrame | None = None,
) -> pd.Series:
    """Labels for tabulating by grade, in grade order.

    With at most ``max_groups`` grades each grade is its own group, labelled ``"<rank>. <grade>"`` so
    that text order is grade order. With more, grades are pooled into ``max_groups`` bands of
    consecutive ranks of roughly equal headcount (``"ranks 1-12"``), because a table of hundreds of
    grades hides the pattern and breaks disclosure control. Pooling is for tables and charts only:
    indices across grades are computed on the grades themselves.

    The bands are cut at the headcount quantiles ``j / max_groups`` of the grade ranks of
    ``population`` (default ``data``): pass the whole dataset when ``data`` is a part of it (one sex,
    the full-pay relevant employees, one pay plan), so that every table of every report on the same
    data bands grades alike. Bands that differ by a few grades would let a reader subtract one
    published count from another and recover a small group (see :mod:`research.present.counted`).
    Cuts at ``j / 15`` are cuts at ``2j / 30`` too, so 15 bands are unions of 30 bands.

    Blank grades (missing ``grade``) are labelled ``missing`` (e.g. :data:`NOT_RECORDED`) and take
    no part in the banding; a recorded grade without a rank keeps its own name.
    """
    has_rank = rank in data and not data[rank].isna().all()
    columns = [grade, rank] if has_rank else [grade]
    codes, first = distinct_rows(data, columns)
    # Labels are worked out once per distinct (grade, rank), then given to every row.
    distinct = data.iloc[first]
    names = distinct[grade].astype("string")
    if not has_rank:
        return _spread(names.fillna(missing), codes, data.index)
    ranks = distinct[rank].astype("Float64").where(names.notna())
    base = data if population is None else population
    # the quantiles are of the population's rows (headcount), not of the distinct grades
    base_ranks = base[rank].astype("Float64").where(base[grade].notna()).dropna()
    if base_ranks.empty:
        base_ranks = ranks.dropna()
    width = len(str(int(max(base_ranks.max(), ranks.max())))) if ranks.notna().any() else 1
    if base_ranks.nunique() <= max_groups:
        label = ranks.astype("Int64").astype("string").str.zfill(width) + ". " + names
        return _spread(label.fillna(names).fillna(missing), codes, data.index)
    edges = np.unique(
        np.quantile(base_ranks.to_numpy("float64"), np.linspace(0, 1, max_groups + 1))
    )
    # Every rank falls in a band, also one beyond the population's range.
    edges[0], edges[-1] = -np.inf, np.inf
    lows, highs = edges[:-1], edges[1:]
    texts = pd.array(
        [
            f"ranks {_band_low(low, base_ranks):0{width}d}-{_band_high(high, base_ranks):0{width}d}"
            for low, high in zip(lows, highs, strict=True)
        ]
        + [pd.NA],
        dtype="string",
    )
    values = ranks.to_numpy("float64", na_value=np.nan)
    band = np.searchsorted(highs, values, side="left")
    band[np.isnan(values)] = len(lows)
    label = pd.Series(texts[band], index=names.index, dtype="string")
    return _spread(label.fillna(names).fillna(missing), codes, data.index)


def distinct_pairs(labels: pd.Series, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The distinct (label, value) pairs of two row-aligned columns, in order of first row.

    What ``research.present.counted.members`` needs from a grouping's per-row labels and the raw
    values beside them: ``counted.members(*distinct_pairs(labels, values))`` gives the same
    result as passing every row, without an object (text) array of every row. Missing values
    are a value of their own.
    """
    frame = pd.DataFrame(
        {"label": labels.array, "value": values.array},
        copy=False,
    )
    _, first = distinct_rows(frame, ["label", "value"])
    return labels.iloc[first].reset_index(drop=True), values.iloc[first].reset_index(drop=True)


def distinct_rows(data: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code into the distinct combinations of ``columns`` (missing values included)
    and the position of each combination's first row."""
    key = np.zeros(len(data), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(data[column], use_na_sentinel=True)
        key = key * (len(uniques) + 1) + (codes + 1)
    codes, _ = pd.factorize(key)
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    return codes, first


def _spread(labels: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-row labels from labels of distinct rows."""
    return pd.Series(labels.array.take(codes), index=index, name=labels.name)


def _band_low(low: float, ranks: pd.Series) -> int:
    """The lowest whole rank of the band ``(low, ...]``."""
    return int(ranks.min()) if np.isinf(low) else int(np.floor(low)) + 1


def _band_high(high: float, ranks: pd.Series) -> int:
    """The highest whole rank of the band ``(..., high]``."""
    return int(ranks.max()) if np.isinf(high) else int(np.floor(high))


#: Row labels that go last in a table, whatever their case: pooled and missing groups, then totals.
LAST_LABELS = ("all other", "other", "(missing)", "not recorded", "unknown")
TOTAL_LABELS = ("total", "all", "all employees", "everyone")

_UNDER = re.compile(r"^\s*(under|below|less than|up to|<)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
_OVER = re.compile(r"^\s*(over|above|more than|>)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
_LEADING = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(\+|and over|or over|plus)?", re.IGNORECASE)
_RANKS = re.compile(r"^\s*ranks?\s+(\d+)", re.IGNORECASE)


def natural_key(value) -> tuple:
    """Sort key putting row labels in their natural order.

    Age bands in age order whatever their case ("Under 18"/"UNDER 18" first, numeric ranges
    such as ``"25-34"`` by their lower bound, ``"65+"`` and "Over 70"/"OVER 70" after the ranges
    they follow), grades by the rank prefix :func:`grade_groups` gives (``"02. Grade 2"`` before
    ``"10. Senior 1"``, ``"ranks 01-12"``), other text alphabetically, then "All other",
    "(missing)" and "Not recorded", and totals last.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return (5, 0.0, "")
    text = str(value)
    folded = text.strip().casefold()
    if folded in TOTAL_LABELS:
        return (4, 0.0, folded)
    if folded in LAST_LABELS:
        return (3, float(LAST_LABELS.index(folded)), folded)
    if match := _UNDER.match(text):
        return (0, float(match.group(2)), folded)
    if match := _OVER.match(text):
        return (1, float(match.group(2)) + 0.5, folded)
    if match := _RANKS.match(text):
        return (1, float(match.group(1)), folded)
    if match := _LEADING.match(text):
        return (1, float(match.group(1)) + (0.5 if match.group(2) else 0.0), folded)
    return (2, 0.0, text)


def natural_sort(frame: pd.DataFrame, by: str | list[str] | tuple[str, ...]) -> pd.DataFrame:
    """``frame`` with its rows in the natural order (:func:`natural_key`) of columns ``by``.

    The sort is stable: rows whose labels tie keep the order they came in.
    """
    keys = [by] if isinstance(by, str) else list(by)
    if frame.empty or not keys:
        return frame.reset_index(drop=True)
    order = sorted(
        range(len(frame)),
        key=lambda i: tuple(natural_key(frame[k].iloc[i]) for k in keys),
    )
    return frame.iloc[order].reset_index(drop=True)
