"""Uncertainty for segregation indices: bootstrap by multinomial redraw of the cell counts.

An index computed from a workforce of a few thousand people is an estimate: with the same
propensities another year's (or another council's) staff would give a slightly different table.
Following Elbers' R package ``segregation`` (and Efron and Tibshirani 1993), the table of N people
is redrawn as one multinomial sample of size N with the observed cell shares, all replicates at once
(an ``(n_boot, units, groups)`` array), and every index is computed on every replicate in one
vectorised call. From the replicates :func:`summarise` gives

* ``se``: their standard deviation;
* ``bias_corrected``: ``2 * estimate - mean(replicates)``. Segregation indices are biased upwards in
  small samples (random noise makes units look more different than they are), and the bootstrap
  estimates that bias as ``mean(replicates) - estimate``;
* ``ci``: the basic (reverse percentile) bootstrap interval
  ``[2 * estimate - q(1 - alpha/2), 2 * estimate - q(alpha/2)]``, which is centred like the
  bias-corrected estimate, clipped to the index's range (e.g. ``[0, 1]``).

References
----------
Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall, ch. 10
(bias) and 13 (intervals).

Elbers, B. (2021). A method for studying differences in segregation across time and space.
*Sociological Methods & Research* 52(1), 5-42.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral

import numpy as np

from research.core.checks import InputError

#: Upper bound on the number of array elements a vectorised bootstrap holds at once.
MAX_ELEMENTS = 20_000_000


def check_n_boot(n_boot: int) -> int:
    """``n_boot`` as a non-negative int (0: no bootstrap)."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 0:
        raise InputError(f"n_boot must be a whole number >= 0, got {n_boot!r}.")
    if n_boot == 1:
        raise InputError("n_boot must be 0 (no bootstrap) or at least 2 replicates.")
    return int(n_boot)


def check_level(ci_level: float) -> float:
    if not isinstance(ci_level, float | int) or not 0 < ci_level < 1:
        raise InputError(f"ci_level must be between 0 and 1 (e.g. 0.95), got {ci_level!r}.")
    return float(ci_level)


def whole_total(total: float, what: str = "The table") -> int:
    """The total as an int, or an error: a multinomial redraw needs a whole number of people."""
    if abs(total - round(total)) > 1e-9 * max(1.0, total):
        raise InputError(
            f"{what} adds up to {total:g}, not a whole number of people: the bootstrap redraws "
            "people, so weights must be frequency weights (whole counts). Scale the weights to "
            "counts, or run without a bootstrap (n_boot=0)."
        )
    return int(round(total))


def redraw(counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` multinomial redraws of a count table (any shape), as float64.

    The total stays fixed at the table's total; each cell's probability is its share. Cells with a
    zero count stay zero. Returns an array of shape ``(n_boot, *counts.shape)``.
    """
    flat = np.asarray(counts, dtype=np.float64).ravel()
    total = whole_total(float(flat.sum()))
    nonzero = np.flatnonzero(flat > 0)
    draws = rng.multinomial(total, flat[nonzero] / flat[nonzero].sum(), size=n_boot)
    out = np.zeros((n_boot, flat.size), dtype=np.float64)
    out[:, nonzero] = draws
    return out.reshape((n_boot, *np.shape(counts)))


def summarise(
    estimate: float,
    replicates: np.ndarray,
    ci_level: float = 0.95,
    bounds: tuple[float, float] = (0.0, 1.0),
) -> dict[str, object]:
    """Standard error, basic bootstrap interval and bias-corrected estimate (module docstring).

    ``replicates`` holds one value per replicate; NaN replicates (an index undefined in a redraw,
    e.g. one group drawn empty) are left out. ``bounds`` is the index's range.
    """
    values = np.asarray(replicates, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size < 2 or not math.isfinite(estimate):
        return {"se": math.nan, "ci": (math.nan, math.nan), "bias_corrected": math.nan}
    alpha = 1.0 - ci_level
    low_q, high_q = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    low, high = bounds
    ci = (
        float(min(max(2 * estimate - high_q, low), high)),
        float(min(max(2 * estimate - low_q, low), high)),
    )
    corrected = float(min(max(2 * estimate - values.mean(), low), high))
    return {"se": float(values.std(ddof=1)), "ci": ci, "bias_corrected": corrected}


def _nan_quantiles(values: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Quantiles along axis 0 ignoring NaN, vectorised (``numpy.nanquantile`` loops per column).

    Linear interpolation between order statistics, as ``numpy.quantile``'s default.
    """
    ordered = np.sort(np.where(np.isfinite(values), values, np.inf), axis=0)
    n = np.isfinite(values).sum(axis=0)
    out = []
    for q in qs:
        position = q * np.maximum(n - 1, 0)
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, np.maximum(n - 1, 0))
        fraction = position - low
        a = np.take_along_axis(ordered, low[None, :], axis=0)[0]
        b = np.take_along_axis(ordered, high[None, :], axis=0)[0]
        out.append(np.where(n > 0, a + (b - a) * fraction, np.nan))
    return out


def summarise_many(
    estimates: np.ndarray,
    replicates: np.ndarray,
    ci_level: float = 0.95,
    bounds: tuple[float, float] = (0.0, 1.0),
) -> dict[str, np.ndarray]:
    """:func:`summarise` for many estimates at once: ``replicates`` is ``(n_boot, k)``."""
    values = np.asarray(replicates, dtype=np.float64)
    est = np.asarray(estimates, dtype=np.float64)
    valid = np.isfinite(values).sum(axis=0)
    alpha = 1.0 - ci_level
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low_q, high_q = _nan_quantiles(values, (alpha / 2, 1 - alpha / 2))
        mean = np.nanmean(values, axis=0)
        se = np.nanstd(values, axis=0, ddof=1)
    low, high = bounds
    usable = (valid >= 2) & np.isfinite(est)
    nan = np.full_like(est, np.nan)
    return {
        "se": np.where(usable, se, nan),
        "ci_low": np.where(usable, np.clip(2 * est - high_q, low, high), nan),
        "ci_high": np.where(usable, np.clip(2 * est - low_q, low, high), nan),
        "bias_corrected": np.where(usable, np.clip(2 * est - mean, low, high), nan),
    }


def random_allocation(
    unit_sizes: np.ndarray,
    group_sizes: np.ndarray,
    n_sim: int,
    rng: np.random.Generator,
    *,
    fixed_margins: bool = True,
) -> np.ndarray:
    """Tables with the observed margins and no segregation: ``(n_sim, units, groups)``.

    With ``fixed_margins=True`` people are dealt to units at random with both margins kept (every
    unit keeps its size, every group its total): unit by unit, each group's count is a
    hypergeometric draw from the people not yet placed (the same distribution as R's
    ``r2dtable``). With ``False`` unit sizes are kept and each person's group is an independent
    draw with the overall group shares (the binomial model of Winship 1977). Vectorised across
    simulations; the loop runs over units (and groups), never over people.
    """
    t = np.rint(np.asarray(unit_sizes, dtype=np.float64)).astype(np.int64)
    g = np.rint(np.asarray(group_sizes, dtype=np.float64)).astype(np.int64)
    n_units, n_groups = t.size, g.size
    if not fixed_margins:
        shares = g / g.sum()
        draws = rng.multinomial(t, shares, size=(n_sim, n_units))
        return draws.astype(np.float64)
    out = np.zeros((n_sim, n_units, n_groups), dtype=np.float64)
    remaining = np.broadcast_to(g, (n_sim, n_groups)).copy()
    for j in range(n_units):
        left = np.full(n_sim, t[j], dtype=np.int64)
        rest = remaining.sum(axis=1)
        for k in range(n_groups - 1):
            rest = rest - remaining[:, k]
            drawn = rng.hypergeometric(remaining[:, k], rest, left) if t[j] else 0 * left
            out[:, j, k] = drawn
            remaining[:, k] -= drawn
            left = left - drawn
        out[:, j, n_groups - 1] = left
        remaining[:, n_groups - 1] -= left
    return out
