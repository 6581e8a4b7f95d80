"""Every segregation index for every council, year or region, in one tidy table, fast.

:func:`segregation_profile` aggregates a million employee rows once into (level, unit, group) cells,
lays the cells out as a ``(levels, units, 2)`` array and computes every index for every level in
one vectorised call (:mod:`research.segregation.kernels`). A level where the index is undefined
(one sex only, a single occupation, nobody of either group) gets a row whose ``note`` says why,
never an error or a silent NaN.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.random import label_rng, make_rng
from research.core.results import Result
from research.segregation import bootstrap, registry
from research.segregation.cells import Comparison, _codes, check_roles, comparison, weights_of
from research.segregation.indices import _check_beta

#: Largest (levels x units x 2) array laid out at once; bigger profiles are done in chunks.
_CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class SegregationProfile(Result):
    """Indices per level of ``across``: one row per level and index (tidy).

    Attributes
    ----------
    table : pandas.DataFrame
        Columns: the ``across`` columns, ``index``, ``label``, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``bias_corrected``, ``n_boot``, ``n``, ``n_<a>``, ``n_<b>``, ``n_units`` and
        ``note`` (empty, or why the level's indices are undefined).
    across : list of str
        The level columns.
    groups : (a, b)
        The groups compared (``compare``, ``reference``).
    """

    table: pd.DataFrame
    across: list[str]
    groups: tuple[Hashable, Hashable]
    title: str = "Segregation profile"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def wide(self, value: str = "estimate") -> pd.DataFrame:
        """One row per level, one column per index (``value`` of each), with counts and note."""
        keys = self.across or ["level"]
        frame = self.table if self.across else self.table.assign(level="all")
        values = frame.pivot_table(
            index=keys, columns="index", values=value, sort=False, dropna=False, observed=True
        )
        values = values[[k for k in registry.REGISTRY if k in values.columns]]
        values.columns.name = None
        info_cols = ["n", f"n_{self.groups[0]}", f"n_{self.groups[1]}", "n_units", "note"]
        info = frame.drop_duplicates(keys).set_index(keys)[info_cols]
        out = info.join(values).reset_index()
        return out if self.across else out.drop(columns="level")


def _level_columns(across: str | Sequence[str] | None) -> list[str]:
    if across is None:
        return []
    if isinstance(across, str):
        return [across]
    columns = list(across)
    if not all(isinstance(c, str) for c in columns):
        raise InputError(f"across must be a column name or a list of column names, got {across!r}.")
    return columns


def _pair_codes(
    data: pd.DataFrame, group: str, w: np.ndarray | None, spec: Comparison
) -> tuple[np.ndarray, tuple[Hashable, Hashable]]:
    """Per row: 0 for the focal group, 1 for the reference group, -1 for anyone else."""
    codes, labels = _codes(data[group], group)
    totals = np.bincount(codes, weights=w, minlength=len(labels))
    present = [label for label, total in zip(labels, totals, strict=True) if total > 0]
    if spec.rest:
        raise InputError("A segregation profile compares two groups, not one with the rest.")
    if spec.compare is None or spec.reference is None:
        if len(present) != 2:
            raise InputError(
                f"A segregation profile compares two groups; column {group!r} has "
                f"{len(present)}: {', '.join(map(repr, present))}. Choose two with "
                "compare=a, reference=b."
            )
        if spec.compare is not None:
            pair = (spec.compare, next(g for g in present if g != spec.compare))
        elif spec.reference is not None:
            pair = (next(g for g in present if g != spec.reference), spec.reference)
        else:
            pair = (present[0], present[1])
    else:
        pair = (spec.compare, spec.reference)
        missing = [g for g in pair if g not in present]
        if len(missing) == 2:
            raise InputError(
                f"Neither {pair[0]!r} nor {pair[1]!r} has members in column {group!r} (present: "
                f"{', '.join(map(repr, present))})."
            )
    position = {label: k for k, label in enumerate(labels)}
    lookup = np.full(len(labels), -1, dtype=np.int64)
    for k, label in enumerate(pair):
        if label in position:
            lookup[position[label]] = k
    return lookup[codes], pair


def _level_codes(data: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Code of each row's level and a frame of the levels' labels (sorted)."""
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    if len(by) == 1:
        codes, labels = _codes(data[by[0]], by[0])
        return codes, pd.DataFrame({by[0]: labels})
    keys = None
    for column in by:
        codes, labels = _codes(data[column], column)
        keys = codes if keys is None else keys * len(labels) + codes
    _, first, keys = np.unique(keys, return_index=True, return_inverse=True)
    labels = data.iloc[first][by].reset_index(drop=True)
    for column in by:
        if isinstance(labels[column].dtype, pd.CategoricalDtype):
            labels[column] = labels[column].astype(labels[column].cat.categories.dtype)
    return keys.astype(np.int64), labels


def _layout(
    level: np.ndarray, unit: np.ndarray, g: np.ndarray, w: np.ndarray | None, n_levels: int
) -> np.ndarray:
    """``(levels, units per level, 2)`` counts; each level's units packed to the left."""
    n_units = int(unit.max()) + 1 if unit.size else 1
    if n_levels * n_units * 2 <= _CHUNK_ELEMENTS:
        dense = np.bincount(
            (level * n_units + unit) * 2 + g, weights=w, minlength=n_levels * n_units * 2
        ).reshape(n_levels, n_units, 2)
        return dense
    key = (level * n_units + unit) * 2 + g
    cells, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=w)
    pairs = cells // 2
    cell_level = pairs // n_units
    slots, slot_of_cell = np.unique(pairs, return_inverse=True)
    slot_level = slots // n_units
    first_slot = np.searchsorted(slot_level, np.arange(n_levels))
    local = np.arange(slots.size) - first_slot[slot_level]
    width = int(local.max()) + 1
    out = np.zeros((n_levels, width, 2))
    out[cell_level, local[slot_of_cell], cells % 2] = sums
    return out


def _notes(a: np.ndarray, b: np.ndarray, labels: tuple, unit: str) -> list[str]:
    """Why each level's indices are undefined ('' when they are fine)."""
    n_a, n_b = a.sum(axis=-1), b.sum(axis=-1)
    units = ((a + b) > 0).sum(axis=-1)
    notes = []
    for k in range(a.shape[0]):
        if n_a[k] == 0 and n_b[k] == 0:
            notes.append(f"nobody recorded as {labels[0]} or {labels[1]}: nothing to compare")
        elif n_a[k] == 0:
            notes.append(f"no {labels[0]} recorded (only {labels[1]}): segregation is undefined")
        elif n_b[k] == 0:
            notes.append(f"no {labels[1]} recorded (only {labels[0]}): segregation is undefined")
        elif units[k] < 2:
            notes.append(f"a single {unit}: nothing to compare across")
        else:
            notes.append("")
    return notes


def segregation_profile(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    across: str | Sequence[str] | None = None,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    b: float = 0.5,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> SegregationProfile:
    """Every two-group index for each level of ``across`` (each council, year, region...).

    The indices are those of the registry (:mod:`research.segregation.registry`: D, IP, Gini,
    Hutchens, Atkinson, Gibbs' size-standardised D, isolation, exposure, M and H), computed for
    all levels at once. A level with only one of the two groups, a single unit, or nobody of either
    group gets NaN indices and a ``note`` saying why.

    Parameters
    ----------
    data : pandas.DataFrame
        Long form: one row per person (a million rows is fine) or per cell with ``weight``.
    by, unit, weight : str
        Column roles, as for :func:`research.segregation.dissimilarity` (``by``: the group
        column, e.g. ``"sex"``).
    across : str or list of str, optional
        Level column(s), e.g. ``"council"``; ``None`` gives one row per index for the whole table.
    compare, reference : value, optional
        The two groups compared (needed when the ``by`` column has more than two values);
        ``groups=(a, b)`` is the older spelling.
    b : float, default 0.5
        Atkinson's shape parameter.
    n_boot, seed, ci_level
        Bootstrap per level. Each level's replicates come from a stream keyed by ``seed`` and the
        level's label, so a council's interval does not change when other councils are added.

    Returns
    -------
    SegregationProfile
        ``to_frame()`` is long (one row per level and index); ``wide()`` one row per level.
    """
    by_cols = _level_columns(across)
    check_roles(data, by, unit, weight, extra=by_cols)
    n_boot = bootstrap.check_n_boot(n_boot)
    ci_level = bootstrap.check_level(ci_level)
    beta = _check_beta(b)
    if n_boot:
        make_rng(seed)  # validates the seed
    w = weights_of(data, weight)
    g, labels = _pair_codes(data, by, w, comparison(compare, reference, groups))
    level, level_labels = _level_codes(data, by_cols)
    unit_codes, _ = _codes(data[unit], unit)
    keep = g >= 0
    if w is not None:
        keep &= w > 0
    n_levels = len(level_labels)
    table = _layout(
        level[keep], unit_codes[keep], g[keep], None if w is None else w[keep], n_levels
    )
    a, bb = table[..., 0], table[..., 1]
    notes = _notes(a, bb, labels, unit)
    ok = np.array([note == "" for note in notes])
    values = registry.compute_all(a, bb, beta)
    values = {k: np.where(ok, v, np.nan) for k, v in values.items()}
    summaries = _bootstrap_levels(table, ok, level_labels, values, beta, n_boot, seed, ci_level)
    return SegregationProfile(
        table=_long_table(level_labels, by_cols, labels, a, bb, notes, values, summaries, n_boot),
        across=by_cols,
        groups=labels,
    )


def _bootstrap_levels(
    table: np.ndarray,
    ok: np.ndarray,
    level_labels: pd.DataFrame,
    values: dict[str, np.ndarray],
    beta: float,
    n_boot: int,
    seed: int | None,
    ci_level: float,
) -> dict[str, dict[str, np.ndarray]]:
    """Per index, arrays of se, ci_low, ci_high and bias_corrected over levels (NaN without)."""
    n_levels = table.shape[0]
    names = ("se", "ci_low", "ci_high", "bias_corrected")
    out = {k: {name: np.full(n_levels, np.nan) for name in names} for k in values}
    if not n_boot:
        return out
    rows = list(level_labels.itertuples(index=False, name=None))
    width = table.shape[1]
    per_chunk = max(1, _CHUNK_ELEMENTS // max(1, n_boot * width * 2))
    todo = np.flatnonzero(ok)
    for start in range(0, todo.size, per_chunk):
        chunk = todo[start : start + per_chunk]
        reps = np.zeros((n_boot, chunk.size, width, 2))
        for k, level in enumerate(chunk):
            rng = label_rng(int(seed), rows[level])
            reps[:, k] = bootstrap.redraw(table[level], n_boot, rng)
        ra, rb = reps[..., 0], reps[..., 1]
        valid = (ra.sum(-1) > 0) & (rb.sum(-1) > 0) & (((ra + rb) > 0).sum(-1) >= 2)
        for key, rep_values in registry.compute_all(ra, rb, beta).items():
            rep_values = np.where(valid, rep_values, np.nan)
            summary = bootstrap.summarise_many(
                values[key][chunk], rep_values, ci_level, registry.REGISTRY[key].bounds
            )
            for name, array in summary.items():
                out[key][name][chunk] = array
    return out


def _long_table(
    level_labels: pd.DataFrame,
    by: list[str],
    labels: tuple,
    a: np.ndarray,
    b: np.ndarray,
    notes: list[str],
    values: dict[str, np.ndarray],
    summaries: dict[str, dict[str, np.ndarray]],
    n_boot: int,
) -> pd.DataFrame:
    n_levels = a.shape[0]
    info = {
        "n": a.sum(axis=-1) + b.sum(axis=-1),
        f"n_{labels[0]}": a.sum(axis=-1),
        f"n_{labels[1]}": b.sum(axis=-1),
        "n_units": ((a + b) > 0).sum(axis=-1),
        "note": notes,
    }
    frames = []
    for rank, (key, index) in enumerate(registry.REGISTRY.items()):
        frame = level_labels[by].copy() if by else pd.DataFrame(index=range(n_levels))
        frame["_order"] = np.arange(n_levels) * len(registry.REGISTRY) + rank
        frame["index"] = key
        frame["label"] = index.label
        frame["estimate"] = values[key]
        for name in ("se", "ci_low", "ci_high", "bias_corrected"):
            frame[name] = summaries[key][name]
        frame["n_boot"] = n_boot
        for name, column in info.items():
            frame[name] = column
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True).sort_values("_order", kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)
