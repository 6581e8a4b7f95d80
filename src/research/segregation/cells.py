"""Checks at the door and aggregation to cells: every segregation index starts here.

Long-form data come in (one row per employee, or one row per unit x group cell with a count column);
a :class:`Cells` table goes out: the units (rows), the groups (columns) and a matrix of counts.
Every index is then a vectorised sum over this small matrix, never over employee rows (the approach
of Elbers' R package ``segregation``). Bad input gets an :class:`~research.core.checks.InputError` that
names the column and the fix instead of a NaN.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from research.core.checks import InputError, require_columns, require_nonnegative, require_rows


@dataclass(frozen=True)
class Cells:
    """A unit x group table of counts (units and groups with no members are left out).

    Attributes
    ----------
    units : pandas.Index
        Unit labels (e.g. occupations), in the order of the data's categories or sorted.
    groups : pandas.Index
        Group labels (e.g. ``F``, ``M``), in the same order.
    counts : numpy.ndarray
        ``(len(units), len(groups))`` float64 counts (weights summed).
    group, unit : str
        The column names they came from (for messages and result tables).
    """

    units: pd.Index
    groups: pd.Index
    counts: np.ndarray
    group: str
    unit: str


def _codes(values: pd.Series, column: str) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and labels of a column's observed values (category order, else sorted).

    Categorical and small non-negative integer columns are coded in O(n) without hashing; other
    columns go through :func:`pandas.factorize`.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        raw = values.cat.codes.to_numpy()
        if (raw < 0).any():
            _missing(int((raw < 0).sum()), column)
        return _compact(raw.astype(np.int64), pd.Index(dtype.categories))
    if dtype.kind in "iu" and len(values):
        raw = values.to_numpy()
        low, high = int(raw.min()), int(raw.max())
        if low >= 0 and high < 4 * len(raw) + 1024:
            return _compact(raw.astype(np.int64), pd.RangeIndex(high + 1))
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        return _arrow_codes(values.array, column)
    codes, labels = pd.factorize(values, sort=True)
    if (codes < 0).any():
        _missing(int((codes < 0).sum()), column)
    if not isinstance(labels, pd.Index):
        labels = pd.Index(labels)
    if isinstance(labels, pd.CategoricalIndex):
        labels = pd.Index(labels.astype(labels.categories.dtype))
    return codes.astype(np.int64, copy=False), labels


def _arrow_codes(array: pd.arrays.ArrowStringArray, column: str) -> tuple[np.ndarray, pd.Index]:
    """Codes of an Arrow string column by dictionary encoding (faster than a hash factorize)."""
    arrow = array.__arrow_array__()
    if hasattr(arrow, "combine_chunks"):
        arrow = arrow.combine_chunks()
    encoded = pc.dictionary_encode(arrow)
    if encoded.null_count:
        _missing(encoded.null_count, column)
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    dictionary = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(dictionary, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank[indices], pd.Index(dictionary[order], dtype=array.dtype)


def _compact(raw: np.ndarray, labels: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Renumber codes into ``labels`` so that only observed values remain, in label order."""
    present = np.bincount(raw, minlength=len(labels)) > 0
    if present.all():
        return raw, labels
    mapping = np.cumsum(present) - 1
    return mapping[raw], labels[present]


def _missing(n_missing: int, column: str) -> None:
    raise InputError(
        f"Column {column!r} has {n_missing} missing value(s). Drop those rows or give them a "
        f"label first, e.g. data[{column!r}].fillna('(missing)')."
    )


def weights_of(data: pd.DataFrame, weight: str | None) -> np.ndarray | None:
    """The weight column as float64 (``None`` when every row counts once), checked."""
    if weight is None:
        return None
    values = data[weight]
    dtype = values.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise InputError(
            f"Column {weight!r} (weight) must hold numbers (counts or frequency weights), "
            f"not {dtype}."
        )
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(numbers).any() or (numbers < 0).any() or not np.isfinite(numbers).all():
        require_nonnegative(values, weight)
    return numbers


def check_roles(
    data: pd.DataFrame, group: str, unit: str, weight: str | None, extra: Sequence[str] = ()
) -> None:
    """Columns exist, are distinct, and there are rows."""
    if not isinstance(group, str) or not isinstance(unit, str):
        raise InputError(
            f"group and unit must be column names (strings), got {group!r} and {unit!r}."
        )
    require_columns(data, [group], role="group")
    require_columns(data, [unit], role="unit")
    require_columns(data, [weight], role="weight")
    require_columns(data, list(extra), role="within/by")
    roles = [group, unit, *extra]
    if len(set(roles)) < len(roles):
        raise InputError(
            f"The group, unit and within/by columns must be different columns, got {roles}."
        )
    require_rows(data)


def tabulate(data: pd.DataFrame, group: str, unit: str, weight: str | None = None) -> Cells:
    """Aggregate long-form data to a :class:`Cells` table.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person, or one row per cell with the count in ``weight``.
    group, unit : str
        Columns holding the groups (e.g. sex) and the units (e.g. occupation).
    weight : str, optional
        Column of counts or frequency weights; every row counts once when ``None``.

    Raises
    ------
    InputError
        A missing column, missing values, negative or non-numeric weights, or nothing counted.
    """
    check_roles(data, group, unit, weight)
    g_codes, g_labels = _codes(data[group], group)
    u_codes, u_labels = _codes(data[unit], unit)
    w = weights_of(data, weight)
    n_g, n_u = len(g_labels), len(u_labels)
    flat = np.bincount(u_codes * n_g + g_codes, weights=w, minlength=n_u * n_g)
    counts = flat.reshape(n_u, n_g).astype(np.float64, copy=False)
    return _drop_empty(Cells(u_labels, g_labels, counts, group, unit))


def _drop_empty(cells: Cells) -> Cells:
    """Leave out units and groups with no members; refuse a table with nobody in it."""
    counts = cells.counts
    # Column by column: a reduction along a short last axis is slow in numpy (tall tables).
    keep_u = counts[:, 0] > 0
    for j in range(1, counts.shape[1]):
        keep_u |= counts[:, j] > 0
    keep_g = (counts > 0).any(axis=0)
    if not keep_g.any():
        raise InputError(
            f"Nobody is counted: every weight is zero (group column {cells.group!r}, unit column "
            f"{cells.unit!r})."
        )
    if keep_u.all() and keep_g.all():
        return cells
    kept = counts[keep_u] if not keep_u.all() else counts
    return Cells(
        cells.units[keep_u],
        cells.groups[keep_g],
        kept[:, keep_g] if not keep_g.all() else kept,
        cells.group,
        cells.unit,
    )


def _listed(labels) -> str:
    shown = [repr(v) for v in list(labels)[:8]]
    more = len(labels) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Comparison:
    """Which groups of the ``by`` column a two-group index compares.

    ``compare`` is the focal group (e.g. ``"F"``) and ``reference`` the group it is compared with
    (e.g. ``"M"``). Either may be ``None`` when the column holds exactly two groups (the other one
    is then the one left); ``compare`` without ``reference`` on a column with more groups compares
    it with everybody else, as does ``rest=True``.
    """

    compare: Hashable | None = None
    reference: Hashable | None = None
    rest: bool = False

    @property
    def given(self) -> bool:
        return self.compare is not None or self.reference is not None


def comparison(
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    versus_rest: Hashable | None = None,
) -> Comparison:
    """The :class:`Comparison` of the project vocabulary ``compare=`` / ``reference=``.

    ``groups=(a, b)`` (the same as ``compare=a, reference=b``) and ``versus_rest=g`` (``g``
    against everybody else) are the older spellings and still accepted.
    """
    spellings = [
        name
        for name, value in (
            ("compare/reference", compare is not None or reference is not None),
            ("groups", groups is not None),
            ("versus_rest", versus_rest is not None),
        )
        if value
    ]
    if len(spellings) > 1:
        raise InputError(
            f"Name the compared groups one way only, got {' and '.join(spellings)}: use "
            "compare=a, reference=b (or compare=g alone to compare g with everybody else)."
        )
    if groups is not None:
        if isinstance(groups, str) or len(groups) != 2:
            raise InputError(f"groups must be a pair (a, b) of values, got {groups!r}.")
        return Comparison(groups[0], groups[1])
    if versus_rest is not None:
        return Comparison(versus_rest, None, rest=True)
    if compare is not None and reference is not None and compare == reference:
        raise InputError(
            f"compare and reference must be two different values, got {compare!r} twice."
        )
    return Comparison(compare, reference)


def _labels_of(spec: Comparison | Sequence[Hashable] | None) -> Comparison:
    if spec is None:
        return Comparison()
    if isinstance(spec, Comparison):
        return spec
    return comparison(groups=spec)


def pair(
    cells: Cells, groups: Comparison | Sequence[Hashable] | None = None
) -> tuple[np.ndarray, np.ndarray, tuple[Hashable, Hashable], pd.Index]:
    """Counts of the two groups compared by a two-group index, per unit.

    ``groups`` is a :class:`Comparison` (or a pair ``(compare, reference)``). With nothing named
    the table must hold exactly two groups (taken in the data's order, so ``F`` before ``M``);
    otherwise the named groups are compared and other groups are left out, or, for ``compare``
    alone among more than two groups, ``compare`` is compared with all the others together.
    Units with members of neither drop out.

    Returns
    -------
    a, b : numpy.ndarray
        Counts of the focal (``compare``) and the reference group in each unit.
    labels : tuple
        ``(compare, reference)``; the reference is ``"all others"`` against the rest.
    units : pandas.Index
        The units kept (those with members of either).
    """
    spec = _labels_of(groups)
    present = list(cells.groups)
    for label in (spec.compare, spec.reference):
        if label is not None and label not in present:
            raise InputError(
                f"Group {label!r} has no members in column {cells.group!r} (present: "
                f"{_listed(present)}). Segregation of {label!r} cannot be measured."
            )
    rest = spec.rest or (spec.compare is not None and spec.reference is None and len(present) > 2)
    if rest:
        a = cells.counts[:, present.index(spec.compare)]
        b = cells.counts.sum(axis=1) - a
        if b.sum() <= 0:
            raise InputError(
                f"Everybody in column {cells.group!r} is {spec.compare!r}: there is no rest to "
                "compare with."
            )
        labels: tuple[Hashable, Hashable] = (spec.compare, "all others")
    else:
        if spec.compare is not None and spec.reference is not None:
            labels = (spec.compare, spec.reference)
        elif len(present) != 2:
            how = "only one group" if len(present) < 2 else f"{len(present)} groups"
            raise InputError(
                f"A two-group index needs exactly two groups in column {cells.group!r}, found "
                f"{how}: {_listed(present)}."
                + (
                    " Choose two with compare=a, reference=b, e.g. compare='F', reference='M'."
                    if len(present) > 2
                    else " Segregation cannot be measured when everybody is in one group."
                )
            )
        elif spec.compare is not None:
            labels = (spec.compare, next(g for g in present if g != spec.compare))
        elif spec.reference is not None:
            labels = (next(g for g in present if g != spec.reference), spec.reference)
        else:
            labels = (present[0], present[1])
        a = cells.counts[:, present.index(labels[0])]
        b = cells.counts[:, present.index(labels[1])]
    keep = (a + b) > 0
    return a[keep], b[keep], labels, cells.units[keep]


def require_units(n_units: int, unit: str) -> None:
    """Refuse a comparison with fewer than two units that have members (``unit``: the column)."""
    if n_units < 2:
        raise InputError(
            f"Only {n_units} unit in column {unit!r} has members of the groups compared: "
            "segregation across units cannot be measured with fewer than two units."
        )


def restrict(cells: Cells, labels: Sequence[Hashable]) -> Cells:
    """The same table with only the groups in ``labels`` (in that order)."""
    present = list(cells.groups)
    index = [present.index(label) for label in labels]
    return _drop_empty(
        Cells(cells.units, pd.Index(labels), cells.counts[:, index], cells.group, cells.unit)
    )
