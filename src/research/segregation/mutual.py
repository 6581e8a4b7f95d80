"""Entropy-based segregation: Theil's M and H, their exact between/within split, local scores.

The mutual information index M (Theil and Finizza 1971) measures how much knowing someone's unit
(occupation) tells about their group (sex), for any number of groups:

.. math:: M = \\sum_j \\sum_g p_{jg} \\log \\frac{p_{jg}}{p_j\\, p_g}, \\qquad H = \\frac{M}{E},
    \\qquad E = -\\sum_g p_g \\log p_g

where ``p_jg`` is the share of all people in unit ``j`` and group ``g``. H (Theil's information index)
is M divided by the entropy of the group shares, so it lies between 0 (every unit has the overall
mix) and 1 (every unit holds one group only) whatever the base of the logarithm. M is symmetric in
groups and units and decomposes exactly (Mora and Ruiz-Castillo 2011): with units nested in
super-units ``s`` (occupations in job families, councils in regions)

.. math:: M = M_{\\text{between}} + \\sum_s p_s M_s, \\qquad
    H = H_{\\text{between}} + \\sum_s p_s \\frac{E_s}{E} H_s

and, by the same chain rule, over any number of nested levels. It also splits into local
segregation scores of each group and of each unit (Frankel and Volij 2011; Mora and Ruiz-Castillo
2011): ``M = sum_g p_g L_g = sum_j p_j L_j``.

References
----------
Frankel, D. M. and Volij, O. (2011). Measuring school segregation. *Journal of Economic Theory*
146(1), 1-38.

Mora, R. and Ruiz-Castillo, J. (2011). Entropy-based segregation indices. *Sociological
Methodology* 41(1), 159-194.

Theil, H. and Finizza, A. J. (1971). A note on the measurement of racial integration of schools by
means of informational concepts. *Journal of Mathematical Sociology* 1(2), 187-193.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns, require_rows
from research.core.random import make_rng
from research.core.results import Estimate, Result
from research.segregation import bootstrap, kernels
from research.segregation.cells import _codes, check_roles, require_units, tabulate, weights_of


def _check_base(base: float) -> float:
    if isinstance(base, bool) or not isinstance(base, int | float) or base <= 0 or base == 1:
        raise InputError(
            f"base must be a positive number other than 1 (e.g. math.e or 2), got {base!r}."
        )
    return math.log(float(base))


def _levels(within: str | Sequence[str] | None) -> list[str]:
    if within is None:
        return []
    if isinstance(within, str):
        return [within]
    levels = list(within)
    if not levels or not all(isinstance(v, str) for v in levels):
        raise InputError(f"within must be a column name or a list of column names, got {within!r}.")
    return levels


@dataclass(frozen=True)
class _Nested:
    """Counts of the finest units (``(units, groups)``), sorted so that every level is contiguous."""

    counts: np.ndarray
    groups: pd.Index
    units: pd.DataFrame | None  # per finest unit: the level columns and the unit (None: no levels)
    starts: list[np.ndarray]  # per level: first finest unit of each super-unit


def _nest(
    data: pd.DataFrame, group: str, unit: str, weight: str | None, levels: list[str]
) -> _Nested:
    """Aggregate to (level 1, ..., level K, unit) x group cells; units are identified within levels."""
    check_roles(data, group, unit, weight, extra=levels)
    g_codes, g_labels = _codes(data[group], group)
    w = weights_of(data, weight)
    keys = None
    for column in [*levels, unit]:
        codes, labels = _codes(data[column], column)
        if keys is None:
            keys = codes
        else:
            keys = np.unique(keys * len(labels) + codes, return_inverse=True)[1].astype(np.int64)
    n_units = int(keys.max()) + 1
    n_g = len(g_labels)
    counts = np.bincount(keys * n_g + g_codes, weights=w, minlength=n_units * n_g)
    counts = counts.reshape(n_units, n_g).astype(np.float64, copy=False)
    first_row = np.unique(keys, return_index=True)[1]  # first row of each unit
    units = data.iloc[first_row][[*levels, unit]].reset_index(drop=True)
    for column in [*levels, unit]:
        if isinstance(units[column].dtype, pd.CategoricalDtype):
            units[column] = units[column].astype(units[column].cat.categories.dtype)
    keep_u = counts.sum(axis=1) > 0
    keep_g = counts.sum(axis=0) > 0
    if not keep_g.any():
        raise InputError(f"Nobody is counted: every weight in {weight!r} is zero.")
    counts = counts[np.ix_(keep_u, keep_g)]
    units = units.loc[keep_u].reset_index(drop=True)
    starts = []
    for k in range(len(levels)):
        key = units[levels[: k + 1]]
        changed = np.zeros(len(units), dtype=bool)
        changed[0] = True
        for column in key.columns:
            values = key[column].to_numpy()
            changed[1:] |= values[1:] != values[:-1]
        starts.append(np.flatnonzero(changed))
    return _Nested(counts, g_labels[keep_g], units, starts)


def _flat(data: pd.DataFrame, group: str, unit: str, weight: str | None) -> _Nested:
    """:class:`_Nested` without levels, straight from :func:`~research.segregation.cells.tabulate`."""
    cells = tabulate(data, group, unit, weight)
    return _Nested(cells.counts, cells.groups, None, [])


def _block_sums(x: np.ndarray, starts: np.ndarray, axis: int) -> np.ndarray:
    return np.add.reduceat(x, starts, axis=axis)


def _level_values(counts: np.ndarray, starts: list[np.ndarray]) -> tuple[np.ndarray, list]:
    """M of the finest units and of each level's super-units (natural log), over leading axes."""
    total, entropy = kernels.mutual_information(counts)
    per_level = [kernels.mutual_information(_block_sums(counts, s, axis=-2))[0] for s in starts]
    return np.stack([*per_level, total], axis=-1), entropy


@dataclass(frozen=True)
class MutualInformation(Result):
    """Theil's M and H of a table, with their exact between/within split when asked.

    Attributes
    ----------
    M, H : Estimate
        The indices (M in units of ``log(base)``; H has no unit).
    entropy : float
        Entropy of the group shares ``E`` (same base as M).
    base : float
        Base of the logarithm.
    components : pandas.DataFrame
        One row per part: ``component``, ``M``, ``H``, ``share`` of the total and, with a bootstrap,
        ``se_M`` and ``se_H``. The parts add up to the total exactly. Without ``within``: one row.
    within : dict[str, pandas.DataFrame]
        For each ``within`` column, one row per super-unit: its columns, ``p`` (share of people),
        ``entropy``, ``M`` and ``H`` among the units inside it, ``contribution`` (``p * M``, its
        part of the within term) and ``share`` (``contribution / M``).
    """

    M: Estimate
    H: Estimate
    entropy: float
    base: float
    components: pd.DataFrame
    within: dict[str, pd.DataFrame] = field(default_factory=dict)
    n_units: int = 0
    title: str = "Mutual information index (M) and Theil's H"

    def __float__(self) -> float:
        return float(self.M)

    def to_frame(self) -> pd.DataFrame:
        return self.components.copy()


def mutual_information(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    within: str | Sequence[str] | None = None,
    base: float = math.e,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> MutualInformation:
    """Theil's M and H for any number of groups, split exactly into between and within parts.

    .. math:: M = \\sum_{j,g} p_{jg} \\log_{base} \\frac{p_{jg}}{p_j p_g}, \\qquad H = M / E

    With ``within`` (one column, or a list from the top level down, e.g. ``["region",
    "council"]``) the units are nested in those levels and M is split by the chain rule

    .. math:: M = M(\\text{level}_1) + \\sum_k \\big[M(\\text{level}_{k+1}) - M(\\text{level}_k)\\big]
        + \\big[M - M(\\text{level}_K)\\big]

    where ``M(level_k)`` treats each level-k super-unit as one unit; the part "within level k" is
    also ``sum_s p_s M_s`` over its super-units (Theil and Finizza 1971; Mora and Ruiz-Castillo
    2011). Units are identified within their super-units: the same occupation code in two
    councils counts as two units, so ``M`` is then over (council, occupation) cells.

    Parameters
    ----------
    data : pandas.DataFrame
        Long-form data: one row per person, or per cell with counts in ``weight``.
    by, unit : str
        Columns with the groups (any number) and the units.
    weight : str, optional
        Column of counts or frequency weights.
    within : str or list of str, optional
        Super-unit column(s), outermost first.
    base : float, default math.e
        Base of the logarithm (``2`` gives bits). H does not depend on it.
    n_boot, seed, ci_level
        Bootstrap of M, H and every component (see :mod:`research.segregation.bootstrap`).

    Returns
    -------
    MutualInformation

    Raises
    ------
    InputError
        A missing column, one group only, fewer than two units, bad base or bootstrap options.

    References
    ----------
    Theil, H. and Finizza, A. J. (1971). A note on the measurement of racial integration of
    schools by means of informational concepts. *Journal of Mathematical Sociology* 1(2), 187-193.

    Mora, R. and Ruiz-Castillo, J. (2011). Entropy-based segregation indices. *Sociological
    Methodology* 41(1), 159-194.
    """
    log_base = _check_base(base)
    n_boot = bootstrap.check_n_boot(n_boot)
    ci_level = bootstrap.check_level(ci_level)
    levels = _levels(within)
    nested = _nest(data, by, unit, weight, levels) if levels else _flat(data, by, unit, weight)
    if nested.counts.shape[1] < 2:
        raise InputError(
            f"Column {by!r} has only one group ({nested.groups[0]!r}): segregation needs at "
            "least two."
        )
    require_units(nested.counts.shape[0], unit)
    values, entropy = _level_values(nested.counts, nested.starts)
    values, entropy = values / log_base, float(entropy) / log_base
    parts = np.diff(values, prepend=0.0)
    names = _component_names(levels, unit)
    boot = None
    if n_boot:
        rng = make_rng(seed)
        reps = bootstrap.redraw(nested.counts, n_boot, rng)
        rep_values, rep_entropy = _level_values(reps, nested.starts)
        rep_values = rep_values / log_base
        boot = (np.diff(rep_values, axis=-1, prepend=0.0), rep_entropy[:, None] / log_base)
    total_m = float(values[-1])
    components = _components_table(names, parts, entropy, total_m, boot, ci_level)
    m_est, h_est = _total_estimates(total_m, entropy, boot, n_boot, ci_level)
    tables = {
        column: _super_unit_table(nested, levels[: k + 1], k, log_base, entropy, total_m)
        for k, column in enumerate(levels)
    }
    return MutualInformation(
        M=m_est,
        H=h_est,
        entropy=entropy,
        base=float(base),
        components=components,
        within=tables,
        n_units=int(nested.counts.shape[0]),
    )


def _component_names(levels: list[str], unit: str) -> list[str]:
    if not levels:
        return [f"total (between {unit})"]
    names = [f"between {levels[0]}"]
    names += [f"between {levels[k]} within {levels[k - 1]}" for k in range(1, len(levels))]
    names.append(f"between {unit} within {levels[-1]}")
    return names


def _components_table(
    names: list[str],
    parts: np.ndarray,
    entropy: float,
    total: float,
    boot: tuple[np.ndarray, np.ndarray] | None,
    ci_level: float,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "component": names,
            "M": parts,
            "H": parts / entropy,
            "share": parts / total if total > 0 else np.nan,
        }
    )
    if len(names) > 1:
        frame.loc[len(frame)] = ["total", total, total / entropy, 1.0 if total > 0 else np.nan]
    if boot is not None:
        rep_parts, rep_entropy = boot
        rep_parts = np.concatenate([rep_parts, rep_parts.sum(axis=-1, keepdims=True)], axis=-1)
        rep_parts = rep_parts[:, : len(frame)] if len(names) > 1 else rep_parts[:, :1]
        frame["se_M"] = rep_parts.std(axis=0, ddof=1)
        frame["se_H"] = (rep_parts / rep_entropy).std(axis=0, ddof=1)
    return frame


def _total_estimates(
    total: float,
    entropy: float,
    boot: tuple[np.ndarray, np.ndarray] | None,
    n_boot: int,
    ci_level: float,
) -> tuple[Estimate, Estimate]:
    h = total / entropy if entropy > 0 else math.nan
    if boot is None:
        return Estimate("M", total), Estimate("H", h)
    rep_parts, rep_entropy = boot
    rep_m = rep_parts.sum(axis=-1)
    rep_h = rep_m / rep_entropy[:, 0]
    m_summary = bootstrap.summarise(total, rep_m, ci_level, (0.0, math.inf))
    h_summary = bootstrap.summarise(h, rep_h, ci_level, (0.0, 1.0))
    return (
        Estimate("M", total, n_boot=n_boot, **m_summary),
        Estimate("H", h, n_boot=n_boot, **h_summary),
    )


def _super_unit_table(
    nested: _Nested, key: list[str], k: int, log_base: float, entropy: float, total: float
) -> pd.DataFrame:
    """M, H and contribution of each super-unit of level ``k`` (over the finest units inside it)."""
    counts, starts = nested.counts, nested.starts[k]
    per_unit = kernels.xlogx(counts).sum(axis=1) - kernels.xlogx(counts.sum(axis=1))
    agg = _block_sums(counts, starts, axis=0)
    n_s = agg.sum(axis=1)
    group_part = kernels.xlogx(agg).sum(axis=1)
    m_s = np.maximum(
        (_block_sums(per_unit, starts, axis=0) - group_part + kernels.xlogx(n_s)) / n_s, 0
    )
    e_s = (kernels.xlogx(n_s) - group_part) / n_s
    p_s = n_s / n_s.sum()
    m_s, e_s = m_s / log_base, e_s / log_base
    frame = nested.units.iloc[starts][key].reset_index(drop=True)
    frame["n"] = n_s
    frame["p"] = p_s
    frame["n_units"] = np.diff(np.append(starts, counts.shape[0]))
    frame["entropy"] = e_s
    frame["M"] = m_s
    frame["H"] = np.divide(m_s, e_s, out=np.full_like(m_s, np.nan), where=e_s > 0)
    frame["contribution"] = p_s * m_s
    frame["contribution_H"] = p_s * m_s / entropy if entropy > 0 else np.nan
    frame["share"] = frame["contribution"] / total if total > 0 else np.nan
    return frame


# --------------------------------------------------------------------------------------------------
# Local segregation and entropy
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalSegregation(Result):
    """Local segregation scores of each group and of each unit, which add up to M.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per group: ``n``, ``p`` (share of people), ``ls`` (its local score: how differently
        from everyone it is spread over units), ``contribution`` (``p * ls``) and ``share`` of M.
    units : pandas.DataFrame
        One row per unit, the same columns, with ``ls`` how far the unit's group mix is from the
        overall mix; sorted by contribution, largest first.
    M : float
        ``sum(groups.contribution) = sum(units.contribution)``.
    """

    groups: pd.DataFrame
    units: pd.DataFrame
    M: float
    base: float
    title: str = "Local segregation scores"

    def to_frame(self) -> pd.DataFrame:
        g = self.groups.rename(columns={self.groups.columns[0]: "label"}).assign(dimension="group")
        u = self.units.rename(columns={self.units.columns[0]: "label"}).assign(dimension="unit")
        frame = pd.concat([g, u], ignore_index=True)
        return frame[["dimension", "label", "n", "p", "ls", "contribution", "share"]]


def local_segregation(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    base: float = math.e,
) -> LocalSegregation:
    """Local segregation scores per group and per unit (Frankel and Volij 2011).

    .. math:: L_g = \\sum_j p_{j|g} \\log \\frac{p_{j|g}}{p_j}, \\qquad
        L_j = \\sum_g p_{g|j} \\log \\frac{p_{g|j}}{p_g}, \\qquad
        M = \\sum_g p_g L_g = \\sum_j p_j L_j

    ``L_g`` is how differently group ``g`` is spread over the units from everyone; ``L_j`` how far
    unit ``j``'s group mix is from the overall mix. ``p_j L_j`` is unit ``j``'s contribution to M,
    so the units with the largest contributions are the ones that drive segregation.

    Parameters
    ----------
    data, by, unit, weight
        As for :func:`mutual_information`.
    base : float, default math.e
        Base of the logarithm.

    Returns
    -------
    LocalSegregation

    References
    ----------
    Frankel, D. M. and Volij, O. (2011). Measuring school segregation. *Journal of Economic
    Theory* 146(1), 1-38.

    Mora, R. and Ruiz-Castillo, J. (2011). Entropy-based segregation indices. *Sociological
    Methodology* 41(1), 159-194.
    """
    log_base = _check_base(base)
    cells = tabulate(data, by, unit, weight)
    n = cells.counts
    if n.shape[1] < 2:
        raise InputError(f"Column {by!r} has only one group: segregation needs at least two.")
    require_units(n.shape[0], unit)
    total = n.sum()
    n_j, n_g = n.sum(axis=1), n.sum(axis=0)
    ratio = np.divide(n * total, np.outer(n_j, n_g), out=np.ones_like(n), where=n > 0)
    log_ratio = np.log(ratio) / log_base
    ls_g = (n * log_ratio).sum(axis=0) / n_g
    ls_j = (n * log_ratio).sum(axis=1) / n_j
    m = float((n * log_ratio).sum() / total)
    groups = pd.DataFrame({by: cells.groups, "n": n_g, "p": n_g / total, "ls": ls_g})
    units = pd.DataFrame({unit: cells.units, "n": n_j, "p": n_j / total, "ls": ls_j})
    for frame in (groups, units):
        frame["contribution"] = frame["p"] * frame["ls"]
        frame["share"] = frame["contribution"] / m if m > 0 else np.nan
    units = units.sort_values(["contribution", unit], ascending=[False, True], kind="stable")
    return LocalSegregation(
        groups=groups, units=units.reset_index(drop=True), M=m, base=float(base)
    )


def entropy(
    data: pd.DataFrame, column: str, weight: str | None = None, *, base: float = math.e
) -> float:
    """Shannon entropy of a column's distribution: ``E = -sum_k p_k log_base p_k``.

    The denominator of H (Theil and Finizza 1971). Rows with weight 0 do not count.
    """
    log_base = _check_base(base)
    require_columns(data, [column, weight])
    require_rows(data)
    codes, labels = _codes(data[column], column)
    w = weights_of(data, weight)
    counts = np.bincount(codes, weights=w, minlength=len(labels)).astype(np.float64)
    total = counts.sum()
    if total <= 0:
        raise InputError(f"Nobody is counted in column {column!r}.")
    p = counts[counts > 0] / total
    return float(-(p * np.log(p)).sum() / log_base)
