r"""DiNardo-Fortin-Lemieux reweighting: composition and structure effects for any statistic.

The counterfactual distribution combines the pay structure of one group with the characteristics
of the other. Reweighting the *reference* group R (default B) by

.. math:: \psi(x) = \frac{P(A \mid x)}{P(B \mid x)} \cdot \frac{P(B)}{P(A)}

turns the distribution of R's characteristics into A's, so that the reweighted outcomes of R
estimate :math:`F_C(y) = \int F_{Y_B \mid X}(y \mid x)\, dF_{X_A}(x)` (DiNardo, Fortin and
Lemieux 1996). For a statistic :math:`\nu` (mean, variance, quantile),

.. math:: \nu_A - \nu_B = \underbrace{(\nu_A - \nu_C)}_{\text{structure}}
    + \underbrace{(\nu_C - \nu_B)}_{\text{composition}} .

With ``reference="A"`` group A is reweighted to B's characteristics (A's pay structure),
composition :math:`\nu_A - \nu_C` and structure :math:`\nu_C - \nu_B`. :math:`P(A \mid x)` is a
logit on the pooled sample; :math:`P(A)` and :math:`P(B)` are the (weighted) sample shares.
Unlike Blinder-Oaxaca it needs no linear model of pay, and it works for the whole distribution,
but it has no detailed (per-variable) split. Quantiles use weights as frequencies (Hyndman and
Fan type 7, as R's ``Hmisc::wtd.quantile``), the variance ``sum w (y - ybar)^2 / (W - 1)``.

Large weights signal poor overlap (a kind of employee common in one group and rare in the other).
``trim`` drops reference-group employees whose share of the reweighted total exceeds a threshold
(``"auto"``: :math:`\sqrt{n_R}/n_R`, the rule of Huber, Lechner and Wunsch 2013 as applied by R's
``ddecompose``); the count is reported.

References
----------
DiNardo, J., Fortin, N. M. and Lemieux, T. (1996). Labor market institutions and the distribution
of wages, 1973-1992: a semiparametric approach. *Econometrica* 64(5), 1001-1044.
Fortin, N., Lemieux, T. and Firpo, S. (2011). Decomposition methods in economics. In *Handbook of
Labor Economics* 4A, 1-102.
Huber, M., Lechner, M. and Wunsch, C. (2013). The performance of estimators based on the
propensity score. *Journal of Econometrics* 175(1), 1-21.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Result
from research.decomposition import _design as dz
from research.decomposition import _harness as hn
from research.decomposition import _numeric as nm

__all__ = ["DFLResult", "dfl", "quantile_name"]


def quantile_name(p: float) -> str:
    """``0.1 -> "q10"``, ``0.025 -> "q2.5"``."""
    return f"q{100 * p:g}"


def _check_quantiles(quantiles: Sequence[float]) -> np.ndarray:
    q = np.asarray(list(quantiles), dtype=np.float64)
    if q.ndim != 1 or ((q <= 0) | (q >= 1)).any():
        raise InputError(
            f"quantiles must be probabilities strictly between 0 and 1, got {quantiles}."
        )
    return q


@dataclass(frozen=True)
class DFLResult(Result):
    """Results of :func:`dfl`.

    Attributes
    ----------
    table
        One row per statistic: ``value_a``, ``value_b``, ``counterfactual``, ``gap``,
        ``composition``, ``structure`` and, with a bootstrap, ``se_*``/``ci_*`` of the last three.
    weights
        Summary of the reweighting factors (quantiles, maximum, number trimmed).
    support
        Categories (and interaction cells) present in one group only: poor overlap.
    info
        Groups, reference, sample sizes, logit fit, bootstrap details.
    """

    table: pd.DataFrame
    weights: pd.DataFrame
    support: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        i = self.info
        return (
            f"DFL reweighting decomposition of {i['outcome']}: {i['group_a']!s} (A) minus "
            f"{i['group_b']!s} (B); group {i['reference']} reweighted"
        )

    def to_frame(self) -> pd.DataFrame:
        """Long tidy table: statistic, component (gap, composition, structure), estimate, se, ci."""
        rows = []
        for _, r in self.table.iterrows():
            for c in ("gap", "composition", "structure"):
                rows.append(
                    {
                        "statistic": r["statistic"],
                        "component": c,
                        "estimate": r[c],
                        "se": r.get(f"se_{c}", np.nan),
                        "ci_low": r.get(f"ci_low_{c}", np.nan),
                        "ci_high": r.get(f"ci_high_{c}", np.nan),
                    }
                )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class _Setup:
    """Each group's rows in increasing order of the outcome (``order`` maps back to the rows),
    with their weights and covariate cells."""

    order: tuple[np.ndarray, np.ndarray]
    y: tuple[np.ndarray, np.ndarray]
    w: tuple[np.ndarray, np.ndarray]
    cells: tuple[np.ndarray, np.ndarray]
    cell_design: np.ndarray
    std: nm.Standardizer
    ref: int
    statistics: tuple[str, ...]
    probs: np.ndarray
    trim: float | None


def _stats(y: np.ndarray, w: np.ndarray, statistics, probs) -> np.ndarray:
    """Statistics of ``y`` (in increasing order) with weights ``w`` (zeros change nothing)."""
    out = []
    for s in statistics:
        if s == "mean":
            out.append(float(w @ y / w.sum()))
        elif s == "variance":
            out.append(nm.weighted_variance(y, w))
    if probs.size:
        out += list(nm.weighted_quantile(y, w, probs, presorted=True))
    return np.array(out)


def _masses(setup: _Setup, g: int, v: np.ndarray) -> np.ndarray:
    return np.bincount(setup.cells[g], weights=v, minlength=setup.cell_design.shape[0])


def _odds(setup: _Setup, masses: tuple[np.ndarray, np.ndarray], start=None):
    """The reweighting factor of each cell (for the reference group) and the logit fit."""
    counts = np.column_stack([masses[1], masses[0]])  # A = outcome 1
    present = counts.sum(axis=1) > 0
    fit = nm.fit_multinomial(
        setup.cell_design[present], counts[present], start=start, standardizer=setup.std
    )
    p_a = fit.predict(setup.cell_design)[:, 1]
    p_a = np.clip(p_a, 1e-300, 1 - 1e-16)
    total_a, total_b = masses[0].sum(), masses[1].sum()
    if setup.ref == 1:  # reweight B to A's characteristics
        odds = p_a / (1 - p_a) * (total_b / total_a)
    else:
        odds = (1 - p_a) / p_a * (total_a / total_b)
    return odds, fit


def _counterfactual(setup: _Setup, v_ref: np.ndarray, odds: np.ndarray):
    """Statistics of the reference group reweighted by ``odds`` (rows in sorted order), and how
    many employees were trimmed."""
    r = setup.ref
    vr = v_ref * odds[setup.cells[r]]
    n_trim = 0
    if setup.trim is not None:
        cut = vr / vr.sum() > setup.trim
        n_trim = int((cut & (v_ref > 0)).sum())
        vr = np.where(cut, 0.0, vr)
    return _stats(setup.y[r], vr, setup.statistics, setup.probs), n_trim


def _estimate(setup: _Setup, v: tuple[np.ndarray, np.ndarray], start=None):
    """Statistics of A, B and the counterfactual, the reweighting factors and the logit fit
    (``v``: row weights of each group, in sorted order)."""
    odds, fit = _odds(setup, (_masses(setup, 0, v[0]), _masses(setup, 1, v[1])), start)
    counterfactual, n_trim = _counterfactual(setup, v[setup.ref], odds)
    values = np.vstack(
        [
            _stats(setup.y[0], v[0], setup.statistics, setup.probs),
            _stats(setup.y[1], v[1], setup.statistics, setup.probs),
            counterfactual,
        ]
    )
    return values, odds, n_trim, fit


def _bootstrap(setup: _Setup, opts: hn.Options, start: np.ndarray) -> hn.Replicates:
    """Replicates group by group from the harness's stream (one replicate's counts at a time):
    each group's statistics and cell counts; then the logit of each replicate; then the
    reference group's counts again (its stream replayed) for the counterfactual."""
    sizes = [setup.y[0].size, setup.y[1].size]
    ref = setup.ref
    stats: list[list[np.ndarray]] = [[], []]
    masses: list[list[np.ndarray]] = [[], []]
    counterfactual: list[np.ndarray | None] = [None] * opts.n_boot
    odds: list[np.ndarray | None] = [None] * opts.n_boot
    for g in (0, 1):
        for b, counts in enumerate(hn.replicate_counts(opts, sizes, g)):
            v = counts[setup.order[g]] * setup.w[g]
            stats[g].append(_stats(setup.y[g], v, setup.statistics, setup.probs))
            masses[g].append(_masses(setup, g, v))
            if g == 1:
                odds[b], _ = _odds(setup, (masses[0][b], masses[1][b]), start)
                if ref == 1:
                    counterfactual[b], _ = _counterfactual(setup, v, odds[b])
    if ref == 0:
        for b, counts in enumerate(hn.replicate_counts(opts, sizes, 0)):
            v = counts[setup.order[0]] * setup.w[0]
            counterfactual[b], _ = _counterfactual(setup, v, odds[b])
    draws = np.full((opts.n_boot, 3, len(stats[0][0])), np.nan)
    for b in range(opts.n_boot):
        values = np.vstack([stats[0][b], stats[1][b], counterfactual[b]])
        draws[b] = _components(values, ref)
    n_failed = hn.failures(draws, opts, lost="a category in one group", fix="pool rare categories")
    return hn.Replicates(draws, n_failed, opts.level)


def _components(values: np.ndarray, ref: int) -> np.ndarray:
    """``(3, S)`` rows A, B, C -> ``(3, S)`` gap, composition, structure."""
    a, b, c = values
    if ref == 1:
        return np.vstack([a - b, c - b, a - c])
    return np.vstack([a - b, a - c, c - b])


@nm.single_threaded
def dfl(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    reference: str = "B",
    statistics: Sequence[str] = ("mean", "variance"),
    quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
    weights: str | None = None,
    trim: float | str | None = None,
    se: str | None = None,
    n_boot: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    base: Mapping[str, Hashable] | None = None,
) -> DFLResult:
    """Reweighting decomposition of differences in the mean, variance and quantiles.

    See the module docstring for the method.

    Parameters
    ----------
    data, outcome, by, group_a, group_b, weights, base, level
        As for :func:`~research.decomposition.oaxaca_blinder`.
    covariates
        Covariates of the logit for :math:`P(A \\mid x)`; ``"a:b"`` adds an interaction. A
        flexible model (interactions) makes the reweighting more faithful.
    reference
        The group that is reweighted, whose pay structure the counterfactual keeps: ``"B"``
        (default) or ``"A"``.
    statistics
        Any of ``"mean"``, ``"variance"``.
    quantiles
        Probabilities of the quantiles to decompose.
    trim
        ``None`` (no trimming), a share of the reweighted total above which a reference-group
        employee is dropped, or ``"auto"`` (``sqrt(n_R) / n_R``).
    se
        ``None`` or ``"bootstrap"`` (resampling within groups and refitting the logit).
    """
    if reference not in ("A", "B"):
        raise InputError(f"reference must be 'A' or 'B' (the group reweighted), got {reference!r}.")
    unknown = [s for s in statistics if s not in ("mean", "variance")]
    if unknown:
        raise InputError(f"Unknown statistics {unknown}; use 'mean' and/or 'variance'.")
    probs = _check_quantiles(quantiles)
    opts = hn.options(
        se,
        level=level,
        n_boot=n_boot,
        seed=seed,
        allowed=(None, "bootstrap"),
        refusal=f"se={se!r}: reweighting has bootstrap standard errors only; use None.",
    )
    dz.check_frame(data, outcome=outcome, covariates=covariates, group=by, weights=weights)
    sample = hn.select_groups(data, by, group_a, group_b)
    frame, in_a = sample.frame, sample.in_a
    design, cells = dz.cell_design(frame, covariates, base=base)
    support = dz.one_sided_cells(frame, design, in_a)
    if cells is None:
        cell_design, cell_id = np.unique(design.matrix, axis=0, return_inverse=True)
        cell_id = cell_id.reshape(-1)
    else:
        cell_design, cell_id = design.matrix, cells.cell
    y = frame[outcome].to_numpy(dtype=np.float64)
    w = np.ones(len(frame)) if weights is None else frame[weights].to_numpy(dtype=np.float64)
    ref = 0 if reference == "A" else 1
    n_ref = int((in_a if ref == 0 else ~in_a).sum())
    if trim == "auto":
        trim_value: float | None = math.sqrt(n_ref) / n_ref
    elif trim is None:
        trim_value = None
    elif isinstance(trim, int | float) and 0 < float(trim) < 1:
        trim_value = float(trim)
    else:
        raise InputError(f"trim must be None, 'auto' or a share in (0, 1), got {trim!r}.")
    order, ys, ws, cs = [], [], [], []
    for m in (in_a, ~in_a):
        y_g = y[m]
        o = np.argsort(y_g, kind="stable")
        order.append(o)
        ys.append(y_g[o])
        ws.append(w[m][o])
        cs.append(cell_id[m][o])
    setup = _Setup(
        order=tuple(order),
        y=tuple(ys),
        w=tuple(ws),
        cells=tuple(cs),
        cell_design=cell_design,
        std=nm.Standardizer.fit(cell_design, np.bincount(cell_id, weights=w)),
        ref=ref,
        statistics=tuple(statistics),
        probs=probs,
        trim=trim_value,
    )
    values, odds, n_trim, fit = _estimate(setup, setup.w)
    w_ref = w[in_a] if ref == 0 else w[~in_a]
    psi = odds[cell_id[in_a] if ref == 0 else cell_id[~in_a]]  # per row, in the data's order
    if not fit.converged:
        warnings.warn("The reweighting logit did not converge.", UserWarning, stacklevel=3)
    comps = _components(values, ref)
    names = list(statistics) + [quantile_name(p) for p in probs]
    table = pd.DataFrame(
        {
            "statistic": names,
            "value_a": values[0],
            "value_b": values[1],
            "counterfactual": values[2],
            "gap": comps[0],
            "composition": comps[1],
            "structure": comps[2],
        }
    )
    n_failed = 0
    if opts.bootstrap:
        replicates = _bootstrap(setup, opts, fit.coef)
        n_failed = replicates.n_failed
        s, low, high, _ = replicates.summary(comps)
        for i, c in enumerate(("gap", "composition", "structure")):
            table[f"se_{c}"] = s[i]
            table[f"ci_low_{c}"] = low[i]
            table[f"ci_high_{c}"] = high[i]
    psi_ref = psi[w_ref > 0]
    weight_summary = pd.DataFrame(
        {
            "statistic": ["min", "p10", "p25", "median", "p75", "p90", "max", "n_trimmed"],
            "value": [
                float(psi_ref.min()),
                *np.quantile(psi_ref, [0.1, 0.25, 0.5, 0.75, 0.9]).tolist(),
                float(psi_ref.max()),
                n_trim,
            ],
        }
    )
    info = hn.info(
        opts,
        sample,
        outcome=outcome,
        by=by,
        n_failed=n_failed,
        reference=reference,
        covariates=list(covariates),
        n_trimmed=n_trim,
        trim=trim_value,
        logit_converged=fit.converged,
        logit_cells=int(len(cell_design)),
    )
    return DFLResult(table, weight_summary, support, info)
