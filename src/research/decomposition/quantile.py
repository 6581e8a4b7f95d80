r"""Decomposition of quantile gaps by recentred influence function (RIF) regressions.

Firpo, Fortin and Lemieux (2009, 2018) replace the outcome of a Blinder-Oaxaca decomposition by
the recentred influence function of a quantile :math:`q_\tau` of the outcome's distribution,

.. math:: \mathrm{RIF}(y; q_\tau) = q_\tau + \frac{\tau - \mathbf 1\{y \le q_\tau\}}{f(q_\tau)},

computed within each group (:math:`f` a Gaussian kernel density estimate with Silverman's
bandwidth). Its mean is the quantile itself, so a linear regression of the RIF on the covariates
(an *unconditional quantile regression*) and the usual two- and three-fold decompositions
split :math:`q_\tau(A) - q_\tau(B)` into explained and unexplained parts, with per-variable
detail, at every quantile. A gap that grows towards the top of the distribution is the pattern
called a *glass ceiling*; one that is largest at the bottom a *sticky floor* (Arulampalam, Booth
and Bryan 2007).

All the options of :func:`~research.decomposition.oaxaca_blinder` (references, normalisation,
weights) apply. Standard errors are bootstrapped (resampling within groups and re-estimating the
quantiles, densities, RIFs and regressions), because the RIF itself is estimated. The mean RIF
differs from the sample quantile by :math:`(\tau - \hat F(\hat q_\tau))/\hat f`, which is
negligible unless the outcome has large ties; ``quantile_gap`` reports the plain difference of
sample quantiles next to the decomposed gap.

References
----------
Firpo, S., Fortin, N. M. and Lemieux, T. (2009). Unconditional quantile regressions.
*Econometrica* 77(3), 953-973.
Firpo, S. P., Fortin, N. M. and Lemieux, T. (2018). Decomposing wage distributions using
recentered influence function regressions. *Econometrics* 6(2), 28.
Arulampalam, W., Booth, A. L. and Bryan, M. L. (2007). Is there a glass ceiling over Europe?
Exploring the gender pay gap across the wage distribution. *ILR Review* 60(2), 163-186.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Result
from research.decomposition import _harness as hn
from research.decomposition import _numeric as nm
from research.decomposition.oaxaca import (
    COMPONENTS,
    _check_reference,
    _maps,
    _reference_maps,
    _terms,
)
from research.decomposition.reweighting import _check_quantiles, quantile_name

__all__ = ["RIFResult", "rif", "rif_decomposition"]


def rif(y: np.ndarray, w: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RIF of each quantile for each row, ``(n, T)``, and the quantiles ``(T,)``."""
    order = np.argsort(y, kind="stable")
    q = nm.weighted_quantile(y[order], w[order], probs, presorted=True)
    keep = w > 0
    h = nm.silverman_bandwidth(y[keep], w[keep])
    f = nm.kernel_density(y[keep], w[keep], q, h)
    f = np.maximum(f, 1e-12)
    below = (y[:, None] <= q[None, :]).astype(np.float64)
    return q[None, :] + (probs[None, :] - below) / f[None, :], q


@dataclass(frozen=True)
class RIFResult(Result):
    """Results of :func:`rif_decomposition`.

    Attributes
    ----------
    table
        Tidy aggregate table: ``quantile``, ``part``, ``component``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high`` (components as in Blinder-Oaxaca).
    by_variable
        Per quantile and covariate: its contribution to every part.
    quantiles
        Per quantile: ``q_a``, ``q_b`` (sample quantiles) and ``quantile_gap``.
    info
        Groups, reference, sample sizes, bootstrap details.
    """

    table: pd.DataFrame
    by_variable: pd.DataFrame
    quantiles: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        i = self.info
        return (
            f"RIF decomposition of quantiles of {i['outcome']}: {i['group_a']!s} (A) minus "
            f"{i['group_b']!s} (B); reference {i['reference']}"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


_PARTS = {
    "gap": "overall",
    "endowments": "threefold",
    "coefficients": "threefold",
    "interaction": "threefold",
    "explained": "twofold",
    "unexplained": "twofold",
    "unexplained_a": "twofold",
    "unexplained_b": "twofold",
}


@dataclass(frozen=True)
class _Sorted:
    """A group's rows in increasing order of the outcome (sorted once)."""

    order: np.ndarray
    y: np.ndarray
    cell: np.ndarray
    w: np.ndarray


def _sorted(prep, g: int) -> _Sorted:
    order = np.argsort(prep.y[g], kind="stable")
    return _Sorted(order, prep.y[g][order], prep.cell[g][order], prep.w[g][order])


def _group_moments(Zc: np.ndarray, rows: _Sorted, v: np.ndarray, probs: np.ndarray):
    """``Z'VZ`` and ``Z'V RIF`` (``(p, T)``) of one group for row weights ``v`` (in sorted
    order), from per-cell sums: the RIF of quantile ``t`` is ``q_t + (p_t - [y <= q_t]) / f_t``,
    so its per-cell sum is ``mass (q_t + p_t / f_t) - mass(y <= q_t) / f_t``."""
    C = Zc.shape[0]
    ys, cells = rows.y, rows.cell
    q = nm.weighted_quantile(ys, v, probs, presorted=True)
    h = nm.silverman_bandwidth(ys, v, presorted=True)
    f = np.maximum(nm.kernel_density_sorted(ys, v, q, h), 1e-12)
    mass = np.bincount(cells, weights=v, minlength=C)
    ends = np.searchsorted(ys, q, side="right")  # rows with y <= q_t come first
    below = np.empty((C, q.size))
    running = np.zeros(C)
    start = 0
    for t, end in enumerate(ends):
        if end > start:
            running = running + np.bincount(cells[start:end], weights=v[start:end], minlength=C)
            start = end
        below[:, t] = running
    R = mass[:, None] * (q + probs / f)[None, :] - below / f[None, :]
    S, _ = nm.weighted_cross(Zc, mass)
    return S, Zc.T @ R


def _combine(prep, reference, S, r):
    """Per-column contributions ``(T, parts, q)`` from both groups' moments (None if singular)."""
    S_stack = np.stack(S)
    if nm.singular(S_stack).any():
        return None
    D = prep.std.D
    b = [(D @ np.linalg.solve(S[g], r[g])).T for g in (0, 1)]  # (T, p)
    x = [prep.std.means(S[g][0] / S[g][0, 0]) for g in (0, 1)]
    omega_a, omega_b = _reference_maps(reference, S[0], S[1], prep.std)
    E = prep.expansion
    maps = _maps(omega_a, omega_b, E)
    terms = _terms(maps, E.x(x[0]), E.x(x[1]), E.b(b[0]), E.b(b[1]))
    return np.stack([terms[c] for c in COMPONENTS], axis=1)


def _bootstrap(prep, reference, probs, opts, shape) -> hn.Replicates:
    """Replicates group by group: each group's resampling counts (one replicate at a time, from
    the harness's stream) give its moments; then both groups' moments give each replicate."""
    sizes = [prep.n(0), prep.n(1)]
    moments = []
    for g in (0, 1):
        rows = _sorted(prep, g)
        out = []
        for counts in hn.replicate_counts(opts, sizes, g):
            out.append(_group_moments(prep.Zc[g], rows, counts[rows.order] * rows.w, probs))
        moments.append(out)
        del rows
    draws = np.full((opts.n_boot, *shape), np.nan)
    for b in range(opts.n_boot):
        (S_a, r_a), (S_b, r_b) = moments[0][b], moments[1][b]
        value = _combine(prep, reference, [S_a, S_b], [r_a, r_b])
        if value is not None:
            draws[b] = value
    n_failed = hn.failures(draws, opts, lost="a category in one group", fix="pool rare categories")
    return hn.Replicates(draws, n_failed, opts.level)


@nm.single_threaded
def rif_decomposition(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
    reference: str | float = "pooled",
    normalize: Any = None,
    weights: str | None = None,
    se: str | None = None,
    n_boot: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    base: Mapping[str, Hashable] | None = None,
    one_sided: str = "error",
) -> RIFResult:
    """Blinder-Oaxaca decomposition of quantile gaps with RIF regressions (FFL 2009, 2018).

    Parameters are those of :func:`~research.decomposition.oaxaca_blinder`, plus
    ``quantiles`` (probabilities). ``se`` is ``None`` or ``"bootstrap"``.
    """
    reference = _check_reference(reference)
    probs = _check_quantiles(quantiles)
    opts = hn.options(
        se,
        level=level,
        n_boot=n_boot,
        seed=seed,
        allowed=(None, "bootstrap"),
        refusal=f"se={se!r}: RIF decompositions have bootstrap standard errors only (the RIF is "
        "itself estimated); use se='bootstrap' with seed=, or None.",
    )
    prep = hn.prepare(
        data,
        outcome,
        covariates,
        by,
        group_a=group_a,
        group_b=group_b,
        normalize=normalize,
        weights=weights,
        base=base,
        one_sided=one_sided,
    )
    S, r = [], []
    for g in (0, 1):
        rows = _sorted(prep, g)
        S_g, r_g = _group_moments(prep.Zc[g], rows, rows.w, probs)
        S.append(S_g)
        r.append(r_g)
    point = _combine(prep, reference, S, r)
    if point is None:  # pragma: no cover - prepare() checks identification
        raise InputError("The RIF regressions are not identified; pool categories.")
    replicates = None
    if opts.bootstrap:
        replicates = _bootstrap(prep, reference, probs, opts, point.shape)
    n_failed = 0 if replicates is None else replicates.n_failed
    E = prep.expansion
    groups = np.array(E.groups)
    variables = list(dict.fromkeys(E.groups))
    select = np.stack([(groups == v).astype(float) for v in variables], axis=1)  # (q, V)
    names = [quantile_name(p) for p in probs]
    totals = point.sum(axis=2)  # (T, parts)
    by_var = point @ select  # (T, parts, V)
    if replicates is not None:
        draws = replicates.draws
        t_se, t_low, t_high, _ = nm.boot_summary(draws.sum(axis=3), totals, opts.level)
        v_se, v_low, v_high, _ = nm.boot_summary(draws @ select, by_var, opts.level)
    else:
        t_se = t_low = t_high = np.full(totals.shape, np.nan)
        v_se = v_low = v_high = np.full(by_var.shape, np.nan)
    rows, var_rows = [], []
    for t, (p, name) in enumerate(zip(probs, names, strict=True)):
        for i, c in enumerate(COMPONENTS):
            rows.append(
                {
                    "quantile": float(p),
                    "statistic": name,
                    "part": _PARTS[c],
                    "component": c,
                    "estimate": totals[t, i],
                    "se": t_se[t, i],
                    "ci_low": t_low[t, i],
                    "ci_high": t_high[t, i],
                }
            )
            for k, v in enumerate(variables):
                var_rows.append(
                    {
                        "quantile": float(p),
                        "statistic": name,
                        "variable": v,
                        "part": _PARTS[c],
                        "component": c,
                        "estimate": by_var[t, i, k],
                        "se": v_se[t, i, k],
                        "ci_low": v_low[t, i, k],
                        "ci_high": v_high[t, i, k],
                    }
                )
    q_a = nm.weighted_quantile(prep.y[0], prep.w[0], probs)
    q_b = nm.weighted_quantile(prep.y[1], prep.w[1], probs)
    info = hn.info(
        opts,
        prep.sample,
        outcome=outcome,
        by=by,
        n_failed=n_failed,
        reference=reference,
        covariates=list(covariates),
    )
    return RIFResult(
        table=pd.DataFrame(rows),
        by_variable=pd.DataFrame(var_rows),
        quantiles=pd.DataFrame(
            {
                "quantile": probs,
                "statistic": names,
                "q_a": q_a,
                "q_b": q_b,
                "quantile_gap": q_a - q_b,
            }
        ),
        info=info,
    )
