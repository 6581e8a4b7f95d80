"""Vectorised formulas of the segregation indices over count arrays.

Every function here takes counts, never people, and works on any number of leading axes, so that
the same code computes an index for one table, for each of 1,000 bootstrap replicates
(``(1000, units)``) or for each council of a profile (``(councils, units)``) in one call.

Two-group kernels take ``a`` and ``b``: counts of the focal group (e.g. women) and the other group
(e.g. men) per unit, shape ``(..., units)``. Multigroup kernels take ``n`` of shape
``(..., units, groups)``. Units with nobody in them contribute nothing. Notation: ``A = sum(a)``,
``B = sum(b)``, ``t = a + b``, ``T = A + B``, ``P = A / T``. The public functions in
:mod:`research.segregation.indices` and :mod:`research.segregation.mutual` document each formula
with its source.
"""

from __future__ import annotations

import numpy as np


def _shares(x: np.ndarray) -> np.ndarray:
    """``x / sum(x)`` along the last axis (0 where the sum is 0)."""
    total = x.sum(axis=-1, keepdims=True)
    return np.divide(x, total, out=np.zeros_like(x, dtype=np.float64), where=total > 0)


def _ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x / y`` elementwise, 0 where ``y`` is 0."""
    return np.divide(x, y, out=np.zeros_like(x, dtype=np.float64), where=y > 0)


def dissimilarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Duncan and Duncan (1955): ``D = 1/2 sum_j |a_j/A - b_j/B|``."""
    return 0.5 * np.abs(_shares(a) - _shares(b)).sum(axis=-1)


def karmel_maclachlan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Karmel and MacLachlan (1988): ``IP = (1/T) sum_j |a_j - P t_j|``."""
    total = a.sum(axis=-1) + b.sum(axis=-1)
    p = _ratio(a.sum(axis=-1), total)[..., None]
    return _ratio(np.abs(a - p * (a + b)).sum(axis=-1), total)


def gini(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Gini segregation index in O(n log n): one minus twice the area under the segregation curve.

    Units are sorted by the focal group's share ``a_j / t_j``; with ``X`` the cumulative share of
    the other group and ``Y`` of the focal group, ``G = 1 - sum_k (X_k - X_{k-1}) (Y_k + Y_{k-1})``,
    which equals ``sum_i sum_j t_i t_j |r_i - r_j| / (2 T^2 P (1 - P))`` (James and Taeuber 1985)
    without the quadratic double sum.
    """
    t = a + b
    r = _ratio(a, t)
    order = np.argsort(r, axis=-1, kind="stable")
    x = np.cumsum(np.take_along_axis(_shares(b), order, axis=-1), axis=-1)
    y = np.cumsum(np.take_along_axis(_shares(a), order, axis=-1), axis=-1)
    dx = np.diff(x, axis=-1, prepend=0.0)
    y_prev = np.concatenate([np.zeros_like(y[..., :1]), y[..., :-1]], axis=-1)
    return 1.0 - (dx * (y + y_prev)).sum(axis=-1)


def hutchens(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hutchens (2004) square root index: ``S = 1 - sum_j sqrt(a_j/A * b_j/B)``."""
    return 1.0 - np.sqrt(_shares(a) * _shares(b)).sum(axis=-1)


def atkinson(a: np.ndarray, b: np.ndarray, beta: float = 0.5) -> np.ndarray:
    """Atkinson index (James and Taeuber 1985), the focal group's distribution weighted by ``beta``.

    ``A(beta) = 1 - (sum_j (a_j/A)^beta (b_j/B)^(1-beta))^(1/(1-beta))``, the count form of
    ``1 - P/(1-P) |1/(P T) sum_j (1-p_j)^(1-beta) p_j^beta t_j|^(1/(1-beta))``.
    """
    inner = (_shares(a) ** beta * _shares(b) ** (1.0 - beta)).sum(axis=-1)
    return 1.0 - inner ** (1.0 / (1.0 - beta))


def size_standardised(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Gibbs (1965) size-standardised D: D of the within-unit shares, every unit weighted equally.

    ``D_s = 1/2 sum_j |(a_j/t_j) / sum_k (a_k/t_k) - (b_j/t_j) / sum_k (b_k/t_k)|``.
    """
    t = a + b
    return dissimilarity(_ratio(a, t), _ratio(b, t))


def isolation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Isolation (Bell 1954): ``sum_j (a_j/A)(a_j/t_j)``, the focal group's share in a member's unit."""
    return (_shares(a) * _ratio(a, a + b)).sum(axis=-1)


def exposure(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exposure (Bell 1954): ``sum_j (a_j/A)(b_j/t_j)``, the other group's share in a member's unit."""
    return (_shares(a) * _ratio(b, a + b)).sum(axis=-1)


def xlogx(x: np.ndarray) -> np.ndarray:
    """``x * log(x)`` with ``0 log 0 = 0``."""
    x = np.asarray(x, dtype=np.float64)
    return x * np.log(np.where(x > 0, x, 1.0))


def _group_sums(n: np.ndarray) -> np.ndarray:
    """``n.sum(axis=-1)`` over a few groups, column by column (a reduction along a short last
    axis of a tall table is several times slower in numpy)."""
    if n.shape[-1] > 8:
        return n.sum(axis=-1)
    out = n[..., 0].copy()
    for j in range(1, n.shape[-1]):
        out += n[..., j]
    return out


def mutual_information(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theil's M (natural log) and the group entropy ``E`` of count tables ``(..., units, groups)``.

    ``M = sum_jg p_jg log(p_jg / (p_j p_g))``, written on counts as
    ``[sum n_jg log n_jg - sum n_j log n_j - sum n_g log n_g + N log N] / N``;
    ``E = [N log N - sum_g n_g log n_g] / N``. ``H = M / E``.
    """
    n = np.asarray(n, dtype=np.float64)
    total = n.sum(axis=(-2, -1))
    cell = xlogx(n).sum(axis=(-2, -1))
    units = xlogx(_group_sums(n)).sum(axis=-1)
    groups = xlogx(n.sum(axis=-2)).sum(axis=-1)
    big = xlogx(total)
    m = _ratio(cell - units - groups + big, total)
    e = _ratio(big - groups, total)
    return np.maximum(m, 0.0), e


def two_group_table(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Stack ``a`` and ``b`` into a ``(..., units, 2)`` table for the multigroup kernels."""
    return np.stack([a, b], axis=-1)
