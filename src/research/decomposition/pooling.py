"""Pool categories that are too small in either group before a decomposition.

A decomposition estimates the pay of every category (occupation, grade band) separately for women
and for men. A category with no women cannot say what women would be paid there, and one with
three women gives a coefficient too noisy to read (and too close to identifying people to
publish). :func:`pool_rare` merges every category with fewer than ``min_count`` members of either
group:

* unordered categories (occupations) go into a pooled category, first within their ``parent``
  (``"Other in Care and support"``) when a parent grouping such as the job family is given, and
  pooled groups still too small go into one overall ``"Other (pooled)"``, which grows with the
  next smallest categories until it, too, has ``min_count`` of each group;
* ordered categories (grades, age or service bands) are merged with a neighbour, the rarest first,
  so the result is still a set of ordered bands (``"Grade 7 to Grade 9"``).

What was pooled is reported so that the report can say so.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.core.checks import InputError

__all__ = ["POOLED_LABEL", "Pooled", "pool_rare"]

POOLED_LABEL = "Other (pooled)"


@dataclass(frozen=True)
class Pooled:
    """Pooled labels and what was pooled.

    Attributes
    ----------
    values
        The labels after pooling (a string Series aligned with the input).
    table
        One row per pooled original category: ``category``, ``n_a``, ``n_b`` (headcounts; small by
        construction, so do not publish them), ``reason`` and ``pooled_into``.
    order
        The categories after pooling, in order (ordered: band order; else by size, pools last).
    """

    codes: np.ndarray
    index: pd.Index
    table: pd.DataFrame
    order: list[str]

    @property
    def values(self) -> pd.Series:
        """The labels after pooling, one per row (an object Series on the input's index)."""
        names = np.array(self.order, dtype=object)
        return pd.Series(names[self.codes], index=self.index, dtype=object)

    def categorical(self) -> pd.Categorical:
        """The labels after pooling as a categorical in ``order`` (no string per row)."""
        return pd.Categorical.from_codes(self.codes, categories=self.order)

    @property
    def n_pooled(self) -> int:
        return len(self.table)


@dataclass(frozen=True)
class _Coded:
    """Rows coded by their text label (missing values ``"(missing)"``) and by group (0 = A,
    1 = B, 2 = other), with headcounts per label: every step below works on the labels, and
    only the final labels go back to the rows."""

    codes: np.ndarray
    labels: list[str]
    n_a: np.ndarray
    n_b: np.ndarray
    n_all: np.ndarray

    def counts(self, labels: Sequence[str] | None = None) -> pd.DataFrame:
        """``n_a`` and ``n_b`` per label (sorted, as a crosstab), or of ``labels``."""
        table = pd.DataFrame({"n_a": self.n_a, "n_b": self.n_b}, index=self.labels)
        return table.sort_index() if labels is None else table.reindex(labels, fill_value=0)

    def rows(self, label_of: dict[str, str], order: list[str]) -> np.ndarray:
        """Each row's label after pooling, as its position in ``order``."""
        position = {lab: i for i, lab in enumerate(order)}
        lookup = np.array([position[label_of.get(lab, lab)] for lab in self.labels], dtype=np.int64)
        return lookup[self.codes]


def _text_codes(values: pd.Series, missing: str = "(missing)") -> tuple[np.ndarray, list[str]]:
    """Code of each row into its distinct labels as text (missing values ``missing``)."""
    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    labels = [str(u) for u in np.asarray(uniques, dtype=object)]
    if (codes < 0).any():
        labels.append(missing)
        codes = np.where(codes < 0, len(labels) - 1, codes)
    distinct = list(dict.fromkeys(labels))
    if len(distinct) < len(labels):  # two values with the same text
        position = {lab: i for i, lab in enumerate(distinct)}
        codes = np.array([position[lab] for lab in labels], dtype=np.int64)[codes]
    return codes.astype(np.int64, copy=False), distinct


def _coded(values: pd.Series, groups: pd.Series, a: str, b: str) -> _Coded:
    codes, labels = _text_codes(values)
    g_codes, g_labels = _text_codes(groups, missing="")
    group_of = np.array([0 if g == a else 1 if g == b else 2 for g in g_labels], dtype=np.int64)
    which = group_of[g_codes] if len(g_labels) else np.full(codes.size, 2)
    L = len(labels)
    return _Coded(
        codes=codes,
        labels=labels,
        n_a=np.bincount(codes[which == 0], minlength=L),
        n_b=np.bincount(codes[which == 1], minlength=L),
        n_all=np.bincount(codes, minlength=L),
    )


def _reason(n_a: int, n_b: int, min_count: int, names: Sequence[str]) -> str:
    few = [n for n, k in zip(names, (n_a, n_b), strict=True) if k < min_count]
    return f"fewer than {min_count} {' and '.join(few)}"


def pool_rare(
    values: pd.Series,
    groups: pd.Series,
    *,
    min_count: int,
    groups_compared: Sequence[Hashable],
    label: str = POOLED_LABEL,
    names: Sequence[str] = ("A", "B"),
    parent: pd.Series | None = None,
    ordered: bool = False,
) -> Pooled:
    """Merge categories with fewer than ``min_count`` members of either compared group.

    Parameters
    ----------
    values
        Category of each row (missing values become ``"(missing)"``). For ``ordered=True`` the
        order is the categorical order, else the sorted labels.
    groups
        Group of each row; only rows in ``groups_compared`` are counted (rows of other groups keep
        their pooled label but do not count).
    min_count
        Smallest headcount of each group a category must have to stay on its own.
    groups_compared
        The two groups, e.g. ``("M", "F")``.
    label
        Label of the overall pooled category (unordered).
    names
        How the two groups are called in the ``reason`` column, e.g. ``("men", "women")``.
    parent
        Optional coarser grouping (e.g. job family): rare categories are pooled within it first.
    ordered
        Merge rare categories with a neighbour instead of pooling them (bands).

    Notes
    -----
    Deterministic: categories are handled in order of their smaller group's headcount, ties by
    label. A neighbour merge picks the neighbour with the smaller headcount of the scarcer group.
    """
    if len(groups_compared) != 2:
        raise InputError("groups_compared must name exactly two groups.")
    if min_count < 1:
        raise InputError(f"min_count must be at least 1, got {min_count}.")
    a, b = (str(g) for g in groups_compared)
    if ordered:
        return _merge_ordered(values, groups, a, b, min_count, names)
    coded = _coded(values, groups, a, b)
    existing = set(coded.labels)
    if label in existing:
        raise InputError(f"A category is already called {label!r}; choose another label.")
    counts = coded.counts()
    smaller = counts.min(axis=1)
    rare = sorted(counts.index[smaller < min_count], key=lambda c: (smaller[c], c))
    into = {c: label for c in rare}
    reasons = {
        c: _reason(counts.loc[c, "n_a"], counts.loc[c, "n_b"], min_count, names) for c in rare
    }

    def pooled_counts(mapping: dict[str, str]) -> pd.DataFrame:
        """Headcounts of A and B per label after ``mapping`` (labels present only)."""
        mapped = counts.copy()
        mapped.index = [mapping.get(c, c) for c in counts.index]
        return mapped.groupby(level=0).sum()

    if parent is not None and rare:
        p_codes, p_labels = _text_codes(parent)
        rare_ix = [coded.labels.index(c) for c in rare]
        is_rare = np.zeros(len(coded.labels), dtype=bool)
        is_rare[rare_ix] = True
        mine = is_rare[coded.codes]
        pairs = np.bincount(
            coded.codes[mine] * len(p_labels) + p_codes[mine],
            minlength=len(coded.labels) * len(p_labels),
        ).reshape(len(coded.labels), len(p_labels))
        by_label = sorted(range(len(p_labels)), key=lambda k: p_labels[k])
        for c, k in zip(rare, rare_ix, strict=True):
            # the most frequent parent, ties to the first in sorted order
            modal = max(by_label, key=lambda j: (pairs[k, j], -by_label.index(j)))
            pooled_label = f"Other in {p_labels[modal]}"
            if pooled_label in existing:
                pooled_label = f"Other in {p_labels[modal]} (pooled)"
            into[c] = pooled_label
        pool_counts = pooled_counts(into)
        small_pools = {p for p in set(into.values()) if pool_counts.loc[p].min() < min_count}
        for c in rare:
            if into[c] in small_pools:
                into[c] = label
    if label in set(into.values()):
        current = pooled_counts(into)
        total = current.loc[label].to_numpy().copy()
        others = current.drop(index=label)
        candidates = sorted(others.index, key=lambda c: (others.loc[c].min(), c))
        for c in candidates:
            if (total >= min_count).all():
                break
            members = [k for k, v in into.items() if v == c] or [c]
            for m in members:
                into[m] = label
                reasons.setdefault(m, "added so that the pooled group is large enough")
            total += others.loc[c].to_numpy()
    rows = [
        {
            "category": c,
            "n_a": int(counts.loc[c, "n_a"]),
            "n_b": int(counts.loc[c, "n_b"]),
            "reason": reasons[c],
            "pooled_into": into[c],
        }
        for c in sorted(into, key=lambda c: (into[c], c))
    ]
    sizes = pd.Series(coded.n_all, index=[into.get(c, c) for c in coded.labels])
    sizes = sizes.groupby(level=0).sum()
    sizes = sizes[sizes > 0]
    pools = {v for v in into.values()}
    order = sorted((c for c in sizes.index if c not in pools), key=lambda c: (-sizes[c], c))
    order += sorted(p for p in pools if p in sizes.index and p != label)
    order += [label] if label in sizes.index else []
    return Pooled(
        codes=coded.rows(into, order),
        index=values.index,
        table=pd.DataFrame(rows, columns=["category", "n_a", "n_b", "reason", "pooled_into"]),
        order=order,
    )


_RANKS = re.compile(r"^ranks (\d+)-(\d+)$")
_NUMBERED = re.compile(r"^(\d+)\. (.*)$")


def _span(first: str, last: str) -> str:
    """Label of merged bands: ``ranks 05-05`` + ``ranks 06-07`` -> ``ranks 05-07``."""
    a, b = _RANKS.match(first), _RANKS.match(last)
    if a and b:
        return f"ranks {a.group(1)}-{b.group(2)}"
    a, b = _NUMBERED.match(first), _NUMBERED.match(last)
    if a and b:
        return f"{a.group(1)}. {a.group(2)} to {b.group(2)}"
    return f"{first} to {last}"


def _merge_ordered(
    values: pd.Series, groups: pd.Series, a: str, b: str, min_count: int, names: Sequence[str]
) -> Pooled:
    """Merge rare bands with a neighbour until every band has ``min_count`` of each group."""
    coded = _coded(values, groups, a, b)
    present = {lab for lab, n in zip(coded.labels, coded.n_all, strict=True) if n > 0}
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = [str(c) for c in values.cat.categories if str(c) in present]
    else:
        levels = sorted(present)
    # blank values (missing, or already labelled "(missing)") come last, once
    levels = [lv for lv in levels if lv != "(missing)"]
    if "(missing)" in present:
        levels.append("(missing)")
    counts = coded.counts(levels)
    bands = [[lv] for lv in levels]
    size = [counts.loc[lv].to_numpy().astype(np.int64) for lv in levels]
    reasons: dict[str, str] = {}
    while len(bands) > 1:
        smaller = [int(s.min()) for s in size]
        rare = [i for i, m in enumerate(smaller) if m < min_count]
        if not rare:
            break
        i = min(rare, key=lambda k: (smaller[k], k))
        for lv in bands[i]:
            reasons.setdefault(lv, _reason(*counts.loc[lv].to_numpy(), min_count, names))
        neighbours = [k for k in (i - 1, i + 1) if 0 <= k < len(bands)]
        j = min(neighbours, key=lambda k: (smaller[k], k))
        lo, hi = sorted((i, j))
        bands[lo : hi + 1] = [bands[lo] + bands[hi]]
        size[lo : hi + 1] = [size[lo] + size[hi]]
    label_of = {}
    for band in bands:
        name = band[0] if len(band) == 1 else _span(band[0], band[-1])
        for lv in band:
            label_of[lv] = name
    merged = {lv for band in bands if len(band) > 1 for lv in band}
    rows = [
        {
            "category": lv,
            "n_a": int(counts.loc[lv, "n_a"]),
            "n_b": int(counts.loc[lv, "n_b"]),
            "reason": reasons.get(lv, "merged with a neighbouring band that was too small"),
            "pooled_into": label_of[lv],
        }
        for lv in levels
        if lv in merged
    ]
    order = list(dict.fromkeys(label_of[lv] for lv in levels))
    return Pooled(
        codes=coded.rows(label_of, order),
        index=values.index,
        table=pd.DataFrame(rows, columns=["category", "n_a", "n_b", "reason", "pooled_into"]),
        order=order,
    )
