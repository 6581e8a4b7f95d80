r"""Brown-Moon-Zoloth decomposition: the gap within occupations and the gap from occupational
segregation, each split into an explained and an unexplained part.

With occupations :math:`j = 1..J`, group shares :math:`p_{gj}` and mean outcomes
:math:`\bar y_{gj}`, and group A's wage structure and occupational attainment taken as the
reference (Brown, Moon and Zoloth 1980, eq. 6, with men as A),

.. math::
    \bar y_A - \bar y_B
    = \underbrace{\sum_j p_{Bj} (\bar x_{Aj} - \bar x_{Bj})'\gamma_A}_{\text{within, explained}}
    + \underbrace{\sum_j p_{Bj} \big[(\alpha_{Aj} - \alpha_{Bj})
        + \bar x_{Bj}'(\gamma_A - \gamma_B)\big]}_{\text{within, unexplained}}
    + \underbrace{\sum_j \bar y_{Aj} (p_{Aj} - \hat p_{Bj})}_{\text{between, explained}}
    + \underbrace{\sum_j \bar y_{Aj} (\hat p_{Bj} - p_{Bj})}_{\text{between, unexplained}}

where, in each group, :math:`y = \alpha_{gj} + x'\gamma_g + \varepsilon` is a wage regression
with an intercept for every occupation and common slopes (so that
:math:`\bar y_{gj} = \alpha_{gj} + \bar x_{gj}'\gamma_g` holds exactly), and
:math:`\hat p_{Bj} = \frac{1}{W_B}\sum_{i \in B} w_i \hat P_A(j \mid z_i)` is the occupational
distribution group B would have if its members were sorted into occupations by group A's
attainment model, a multinomial logit of occupation on the attainment covariates :math:`z` fitted
on group A. The first two terms add up to the *within-occupation* gap
:math:`\sum_j p_{Bj}(\bar y_{Aj} - \bar y_{Bj})`, the last two to the *between-occupation* gap
:math:`\sum_j \bar y_{Aj}(p_{Aj} - p_{Bj})`, the part of the gap that comes from women and men
working in differently paid occupations.

With ``reference="B"`` the roles swap: within terms are weighted by :math:`p_{Aj}` and use
:math:`\gamma_B`, between terms use :math:`\bar y_{Bj}` and :math:`\hat p_{Aj}` from B's
attainment model applied to group A.

Brown, Moon and Zoloth estimated a separate wage equation in each occupation; with dozens of
occupations and few women or men in some of them that is not feasible in a council workforce, so
the occupations here differ in their intercepts and share the slopes within each group (the
decomposition identity is unaffected). Standard errors are bootstrapped (resampling employees
within each group, refitting both wage regressions and the attainment model).

References
----------
Brown, R. S., Moon, M. and Zoloth, B. S. (1980). Incorporating occupational attainment in studies
of male-female earnings differentials. *Journal of Human Resources* 15(1), 3-28.
Miller, P. W. (1987). The wage effect of the occupational segregation of women in Britain.
*Economic Journal* 97(388), 885-896.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Estimate, Result
from research.decomposition import _design as dz
from research.decomposition import _harness as hn
from research.decomposition import _numeric as nm

__all__ = ["BMZResult", "brown_moon_zoloth"]

BMZ_COMPONENTS = (
    "gap",
    "within",
    "within_explained",
    "within_unexplained",
    "between",
    "between_explained",
    "between_unexplained",
    "explained",
    "unexplained",
)


@dataclass(frozen=True)
class BMZResult(Result):
    """Results of :func:`brown_moon_zoloth`.

    Attributes
    ----------
    components
        ``{name: Estimate}`` for ``gap``, ``within``, ``within_explained``,
        ``within_unexplained``, ``between``, ``between_explained``, ``between_unexplained``,
        ``explained`` and ``unexplained``.
    by_occupation
        One row per occupation: headcounts ``n_a``, ``n_b``, shares ``p_a``, ``p_b``, the predicted
        share of the non-reference group ``p_hat``, mean outcomes ``mean_a``, ``mean_b``, and each
        occupation's contributions ``within``, ``between_explained``, ``between_unexplained``.
        The between terms of occupation ``j`` are computed with its mean centred on the reference
        group's overall mean, :math:`(\\bar y_{Aj} - \\bar y_A)(p_{Aj} - \\hat p_{Bj})`: the
        totals are unchanged (shares sum to one) and each term no longer depends on the level of
        the outcome.
    attainment
        Multinomial logit fit: iterations, convergence, log likelihood, number of cells.
    info
        Groups, reference, sample sizes, bootstrap replicates and failures.
    """

    components: dict[str, Estimate]
    by_occupation: pd.DataFrame
    attainment: dict[str, Any]
    excluded: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        i = self.info
        return (
            f"Brown-Moon-Zoloth decomposition of {i['outcome']} by {i['occupation']}: "
            f"{i['group_a']!s} (A) minus {i['group_b']!s} (B); reference {i['reference']}"
        )

    def __getattr__(self, name: str) -> Estimate:
        components = self.__dict__.get("components", {})
        if name in components:
            return components[name]
        raise AttributeError(name)

    def to_frame(self) -> pd.DataFrame:
        gap = self.components["gap"].value
        rows = []
        for name in BMZ_COMPONENTS:
            e = self.components[name]
            rows.append(
                {
                    "component": name,
                    "estimate": e.value,
                    "se": np.nan if e.se is None else e.se,
                    "ci_low": np.nan if e.ci is None else e.ci[0],
                    "ci_high": np.nan if e.ci is None else e.ci[1],
                    "pct_of_gap": 100 * e.value / gap if gap else np.nan,
                }
            )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class _Setup:
    """Each group's rows grouped in *fine cells* (covariate pattern and attainment cell): every
    statistic of the decomposition is a function of each fine cell's weighted count and weighted
    sum of pay."""

    Z: tuple[np.ndarray, np.ndarray]  # standardised design of each fine cell
    y: tuple[np.ndarray, np.ndarray]
    w: tuple[np.ndarray, np.ndarray]
    fine: tuple[np.ndarray, np.ndarray]  # fine cell of each row
    occ: tuple[np.ndarray, np.ndarray]  # occupation of each fine cell
    cells: tuple[np.ndarray, np.ndarray]  # attainment cell of each fine cell
    cell_design: np.ndarray
    cov_cols: np.ndarray
    mnl_std: nm.Standardizer
    J: int
    reference: str


@dataclass(frozen=True)
class _Sums:
    """What one group contributes to an estimate, for given row weights."""

    S: np.ndarray
    r: np.ndarray
    mass: np.ndarray  # per occupation
    sum_y: np.ndarray  # per occupation
    sum_x: np.ndarray  # per occupation and covariate column
    cell_occ: np.ndarray | None  # (attainment cells, occupations), reference group only
    cell_mass: np.ndarray  # per attainment cell


def _sums(setup: _Setup, g: int, v: np.ndarray) -> _Sums:
    """Group ``g``'s sums for row weights ``v`` (bootstrap: counts times weights)."""
    J, C = setup.J, setup.cell_design.shape[0]
    Z, fine, occ, cells = setup.Z[g], setup.fine[g], setup.occ[g], setup.cells[g]
    m = np.bincount(fine, weights=v, minlength=Z.shape[0])
    my = np.bincount(fine, weights=v * setup.y[g], minlength=Z.shape[0])
    S, _ = nm.weighted_cross(Z, m)
    X = Z[:, setup.cov_cols] if setup.cov_cols.size else np.zeros((Z.shape[0], 0))
    one_hot = np.zeros((Z.shape[0], J))
    one_hot[np.arange(Z.shape[0]), occ] = m
    ref = 0 if setup.reference == "A" else 1
    cell_occ = None
    if g == ref:
        cell_occ = np.bincount(cells * J + occ, weights=m, minlength=C * J).reshape(C, J)
    return _Sums(
        S=S,
        r=Z.T @ my,
        mass=np.bincount(occ, weights=m, minlength=J),
        sum_y=np.bincount(occ, weights=my, minlength=J),
        sum_x=one_hot.T @ X,
        cell_occ=cell_occ,
        cell_mass=np.bincount(cells, weights=m, minlength=C),
    )


def _estimate(setup: _Setup, v: tuple[np.ndarray, np.ndarray], start=None, strict=False):
    """Components (array in the order of BMZ_COMPONENTS), per-occupation table parts, MNL fit.

    ``v`` are per-row multiplicities times weights for groups A and B (bootstrap: counts times
    weights). Returns ``None`` when a replicate lost an occupation or a category in one group.
    """
    return _estimate_sums(setup, (_sums(setup, 0, v[0]), _sums(setup, 1, v[1])), start, strict)


def _estimate_sums(setup: _Setup, sums: tuple[_Sums, _Sums], start=None, strict=False):
    """:func:`_estimate` from both groups' sums."""
    b, share, ybar, xbar = [], [], [], []
    for g in (0, 1):
        s = sums[g]
        if nm.singular(s.S[None])[0]:
            return None
        b.append(np.linalg.solve(s.S, s.r))
        mass = s.mass
        if (mass <= 0).any():
            return None
        share.append(mass / mass.sum())
        ybar.append(s.sum_y / mass)
        xbar.append(s.sum_x / mass[:, None])
    gammas = [bg[setup.cov_cols] for bg in b]
    ref = 0 if setup.reference == "A" else 1
    other = 1 - ref
    # Attainment model on the reference group's cells.
    counts = sums[ref].cell_occ
    present = counts.sum(axis=1) > 0
    fit = nm.fit_multinomial(
        setup.cell_design[present], counts[present], start=start, standardizer=setup.mnl_std
    )
    if strict and not fit.converged:
        warnings.warn(
            "The occupational attainment model did not converge; treat the between-occupation "
            "split with caution.",
            UserWarning,
            stacklevel=4,
        )
    probs = fit.predict(setup.cell_design)
    other_mass = sums[other].cell_mass
    p_hat = other_mass @ probs / other_mass.sum()
    # Between terms use occupation means centred on the reference group's overall mean: the
    # shares differences sum to zero, so totals are unchanged, and each occupation's term no
    # longer depends on the level of the outcome (it is positive when an occupation pays above
    # the average and employs relatively more of group A).
    if ref == 0:
        weights_w = share[1]
        within_j = weights_w * (ybar[0] - ybar[1])
        within_expl = float(weights_w @ ((xbar[0] - xbar[1]) @ gammas[0]))
        centred = ybar[0] - share[0] @ ybar[0]
        between_expl_j = centred * (share[0] - p_hat)
        between_unexpl_j = centred * (p_hat - share[1])
    else:
        weights_w = share[0]
        within_j = weights_w * (ybar[0] - ybar[1])
        within_expl = float(weights_w @ ((xbar[0] - xbar[1]) @ gammas[1]))
        centred = ybar[1] - share[1] @ ybar[1]
        between_expl_j = centred * (p_hat - share[1])
        between_unexpl_j = centred * (share[0] - p_hat)
    within = float(within_j.sum())
    be, bu = float(between_expl_j.sum()), float(between_unexpl_j.sum())
    gap = float(share[0] @ ybar[0] - share[1] @ ybar[1])
    values = np.array(
        [
            gap,
            within,
            within_expl,
            within - within_expl,
            be + bu,
            be,
            bu,
            within_expl + be,
            within - within_expl + bu,
        ]
    )
    table = {
        "p_a": share[0],
        "p_b": share[1],
        "p_hat": p_hat,
        "mean_a": ybar[0],
        "mean_b": ybar[1],
        "within": within_j,
        "between_explained": between_expl_j,
        "between_unexplained": between_unexpl_j,
    }
    return values, table, fit


def _bootstrap(setup: _Setup, opts: hn.Options, start: np.ndarray) -> hn.Replicates:
    """Replicates group by group: each group's resampling counts (one replicate at a time, from
    the harness's stream) give its sums; both groups' sums then give each replicate."""
    sizes = [setup.y[0].size, setup.y[1].size]
    sums = [
        [_sums(setup, g, counts * setup.w[g]) for counts in hn.replicate_counts(opts, sizes, g)]
        for g in (0, 1)
    ]
    draws = np.full((opts.n_boot, len(BMZ_COMPONENTS)), np.nan)
    for b in range(opts.n_boot):
        out = _estimate_sums(setup, (sums[0][b], sums[1][b]), start=start)
        if out is not None:
            draws[b] = out[0]
    n_failed = hn.failures(
        draws, opts, lost="an occupation or category in one group", fix="pool occupations"
    )
    return hn.Replicates(draws, n_failed, opts.level)


@nm.single_threaded
def brown_moon_zoloth(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    occupation: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    attainment: Sequence[str] | None = None,
    reference: str = "A",
    weights: str | None = None,
    se: str | None = None,
    n_boot: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    base: Mapping[str, Hashable] | None = None,
    one_sided: str = "error",
) -> BMZResult:
    """Split the gap into within- and between-occupation parts (Brown, Moon and Zoloth 1980).

    See the module docstring for the formulas.

    Parameters
    ----------
    data, outcome, by, group_a, group_b, weights, base, level
        As for :func:`~research.decomposition.oaxaca_blinder`.
    covariates
        Covariates of the within-occupation wage regressions (besides the occupation
        intercepts); may be empty.
    occupation
        Column of occupations. Every occupation must have members of both groups (pool rare ones
        first, e.g. with :func:`~research.decomposition.pool_rare`); ``one_sided="drop"`` leaves
        out occupations (and categories) present in one group only, listing them in
        ``result.excluded``.
    attainment
        Covariates of the multinomial logit of occupational attainment; default ``covariates``.
        Categorical covariates keep the fit fast (it runs on distinct covariate patterns).
    reference
        ``"A"`` (default; A's wage structure and attainment model are the benchmark, as men's in
        Brown, Moon and Zoloth) or ``"B"``.
    se
        ``None`` or ``"bootstrap"`` (``n_boot`` replicates within groups; ``seed`` required).
    """
    if reference not in ("A", "B"):
        raise InputError(f"reference must be 'A' or 'B' for this decomposition, got {reference!r}.")
    opts = hn.options(
        se,
        level=level,
        n_boot=n_boot,
        seed=seed,
        allowed=(None, "bootstrap"),
        refusal=f"se={se!r}: the Brown-Moon-Zoloth decomposition has bootstrap standard errors "
        "only; use se='bootstrap' (with seed=) or None.",
    )
    covariates = list(covariates)
    attainment = list(covariates if attainment is None else attainment)
    if occupation in covariates or occupation in attainment:
        raise InputError(f"{occupation!r} is the occupation; leave it out of the covariates.")
    dz.check_frame(data, outcome=None, covariates=attainment, group=by, extra=[occupation])
    frame = data.copy(deep=False)
    if not dz.is_categorical(frame[occupation]):
        frame[occupation] = frame[occupation].astype("string")
    prep = hn.prepare(
        frame,
        outcome,
        [occupation, *covariates],
        by,
        group_a=group_a,
        group_b=group_b,
        weights=weights,
        base=base,
        one_sided=one_sided,
    )
    design = prep.design
    occ_levels = design.levels[occupation]
    J = len(occ_levels)
    if J < 2:
        raise InputError(
            f"{occupation!r} has a single value; there is nothing between occupations."
        )
    sample = prep.sample
    occ_cols = design.term_columns(occupation)
    occ_set = set(occ_cols)
    cov_cols = np.array([i for i in range(1, len(design.columns)) if i not in occ_set], dtype=int)
    att_design, att_cells = dz.cell_design(sample.frame, attainment, base=base)
    if att_cells is None:
        cell_design, cell_id = np.unique(att_design.matrix, axis=0, return_inverse=True)
        cell_id = cell_id.reshape(-1)
    else:
        cell_design, cell_id = att_design.matrix, att_cells.cell
    C = cell_design.shape[0]
    ref = 0 if reference == "A" else 1
    fine_z, fine_id, fine_occ, fine_cell = [], [], [], []
    for g, rows in enumerate(prep.rows):
        # fine cells: design pattern and attainment cell together
        key = prep.cell[g].astype(np.int64) * C + cell_id[rows]
        uniques, local = dz.dense_codes(key, prep.Zc[g].shape[0] * C)
        pattern = uniques // C
        occ_dummies = prep.Xc(g)[pattern][:, occ_cols]  # 0/1; the base occupation has none
        fine_occ.append(
            np.where(occ_dummies.any(axis=1), occ_dummies.argmax(axis=1) + 1, 0).astype(np.int64)
        )
        fine_cell.append(uniques % C)
        fine_id.append(local.reshape(-1))
        fine_z.append(prep.Zc[g][pattern])
    ref_mass = np.bincount(cell_id[prep.rows[ref]], weights=prep.w[ref], minlength=C)
    setup = _Setup(
        Z=tuple(fine_z),
        y=prep.y,
        w=prep.w,
        fine=tuple(fine_id),
        occ=tuple(fine_occ),
        cells=tuple(fine_cell),
        cell_design=cell_design,
        cov_cols=cov_cols,
        mnl_std=nm.Standardizer.fit(cell_design, ref_mass),
        J=J,
        reference=reference,
    )
    point = _estimate(setup, prep.w, strict=True)
    if point is None:  # pragma: no cover - prepare() guarantees both groups in every cell
        raise InputError("An occupation has no members of one group; pool occupations.")
    values, table, fit = point
    replicates = None
    if opts.bootstrap:
        replicates = _bootstrap(setup, opts, fit.coef)
    n_failed = 0 if replicates is None else replicates.n_failed
    components = hn.estimates(BMZ_COMPONENTS, values, opts, replicates)
    counts_a = np.bincount(setup.occ[0][setup.fine[0]], minlength=J)
    counts_b = np.bincount(setup.occ[1][setup.fine[1]], minlength=J)
    by_occupation = pd.DataFrame(
        {
            "occupation": occ_levels,
            "n_a": counts_a,
            "n_b": counts_b,
            **table,
        }
    )
    info = hn.info(
        opts,
        sample,
        outcome=outcome,
        by=by,
        n_failed=n_failed,
        occupation=occupation,
        reference=reference,
        covariates=covariates,
        attainment=attainment,
        n_occupations=J,
    )
    attainment_info = {
        "converged": fit.converged,
        "iterations": fit.iterations,
        "loglik": fit.loglik,
        "cells": int(len(cell_design)),
        "parameters": int(fit.coef.shape[0] * (fit.coef.shape[1] - 1)),
    }
    return BMZResult(components, by_occupation, attainment_info, prep.excluded, info)
