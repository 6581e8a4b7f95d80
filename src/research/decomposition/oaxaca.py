r"""Blinder-Oaxaca decomposition of a mean difference, aggregate and detailed, with standard errors.

Conventions follow Stata's ``oaxaca`` (Jann 2008). With linear models
:math:`y = X\beta_g + \varepsilon` fitted separately in groups A and B, means :math:`\bar x_g` and
coefficients :math:`b_g`,

.. math:: \Delta = \bar y_A - \bar y_B = \bar x_A' b_A - \bar x_B' b_B .

**Three-fold** (from the viewpoint of group B; Daymont and Andrisani 1984, Jann 2008 eq. 3):

.. math:: \Delta = \underbrace{(\bar x_A - \bar x_B)' b_B}_{E:\ \text{endowments}}
    + \underbrace{\bar x_B'(b_A - b_B)}_{C:\ \text{coefficients}}
    + \underbrace{(\bar x_A - \bar x_B)'(b_A - b_B)}_{I:\ \text{interaction}} .

**Two-fold** with a nondiscriminatory coefficient vector :math:`b^*` (Oaxaca and Ransom 1994):

.. math:: \Delta = \underbrace{(\bar x_A - \bar x_B)' b^*}_{Q:\ \text{explained}}
    + \underbrace{\bar x_A'(b_A - b^*)}_{U_A} + \underbrace{\bar x_B'(b^* - b_B)}_{U_B} ,

where ``reference`` sets :math:`b^*`: ``"A"`` (:math:`b_A`), ``"B"`` (:math:`b_B`), a number
``w`` (:math:`w b_A + (1-w) b_B`), ``"reimers"`` (``w = 0.5``, Reimers 1983), ``"cotton"`` (``w`` =
A's share of the (weighted) sample, Cotton 1988), ``"neumark"`` (the pooled regression of both
groups without a group indicator, Neumark 1988) or ``"pooled"`` (the pooled regression *with* a
group indicator, which keeps the group difference out of the slopes; Fortin 2008, Jann 2008).
Both pooled vectors are exact matrix-weighted averages of the group coefficients,
:math:`b^* = \Omega_A b_A + \Omega_B b_B` with :math:`\Omega_A + \Omega_B = I` (Neumark:
:math:`\Omega_A = (X'WX)^{-1} X_A'W_AX_A`), which is how they are computed and how their
sampling variance enters.

**Detailed** results split every part into the contribution of each design column ``k`` (the
summands above). The contributions of the dummies of a categorical variable to the unexplained
part depend on which category is omitted; ``normalize=`` removes that dependence by the deviation
contrasts of Gardeazabal and Ugidos (2004) and Yun (2005) (see :mod:`._design`).

**Standard errors.** Analytic ones follow Jann (2005): the covariate means are random
(stochastic regressors) and independent of the coefficients, the groups are independent, and for a
part written as :math:`t = \bar x' M b` (all parts are bilinear in the stacked means and
coefficients of both groups),

.. math:: \operatorname{Var}(t) = b'M'V_{\bar x}Mb + \bar x'MV_bM'\bar x
    + \operatorname{tr}(M'V_{\bar x}MV_b),

with :math:`V_{\bar x}` the covariance of the means and :math:`V_b` the (classical, or with
``robust=True`` or sampling weights the HC1 sandwich) covariance of the coefficients; the last
(trace) term is the exact variance of a product of independent estimates (Jann 2005; R's
``ddecompose`` uses it too). Pooled references are written as
:math:`b^* = \Omega_A b_A + \Omega_B b_B` with fixed :math:`\Omega`, so their sampling variance
comes from the two group regressions (Stata's ``oaxaca`` instead stacks the pooled model with
``suest``). The bootstrap resamples employees with replacement within each group (so group sizes
are fixed), re-estimates everything, and reports the plain standard deviation of the replicates
(not trimmed, unlike statsmodels) and intervals of plus or minus z standard errors; replicates in
which a category vanishes from a group are counted as failed and left out. The replicates are
vectorised: each replicate's resampling counts are summed per cell of covariate patterns (one
replicate at a time, so memory does not grow with the replicates), and every replicate's
cross-product matrices come out of one matrix product of those cell sums with the products of
the cells' design, so 1,000 replicates cost about as much as a few hundred regressions.

References
----------
Blinder, A. S. (1973). Wage discrimination: reduced form and structural estimates. *Journal of
Human Resources* 8(4), 436-455.
Oaxaca, R. (1973). Male-female wage differentials in urban labor markets. *International Economic
Review* 14(3), 693-709.
Cotton, J. (1988). On the decomposition of wage differentials. *Review of Economics and
Statistics* 70(2), 236-243.
Neumark, D. (1988). Employers' discriminatory behavior and the estimation of wage discrimination.
*Journal of Human Resources* 23(3), 279-295.
Reimers, C. W. (1983). Labor market discrimination against Hispanic and black men. *Review of
Economics and Statistics* 65(4), 570-579.
Oaxaca, R. L. and Ransom, M. R. (1994). On discrimination and the decomposition of wage
differentials. *Journal of Econometrics* 61(1), 5-21.
Gardeazabal, J. and Ugidos, A. (2004). More on identification in detailed wage decompositions.
*Review of Economics and Statistics* 86(4), 1034-1036.
Yun, M.-S. (2005). A simple solution to the identification problem in detailed wage
decompositions. *Economic Inquiry* 43(4), 766-772.
Jann, B. (2005). Standard errors for the Blinder-Oaxaca decomposition. German Stata Users' Group
Meeting, Berlin.
Jann, B. (2008). The Blinder-Oaxaca decomposition for linear regression models. *Stata Journal*
8(4), 453-479.
Fortin, N. M. (2008). The gender wage gap among young adults in the United States: the importance
of money versus people. *Journal of Human Resources* 43(4), 884-918.
Kennedy, P. E. (1981). Estimation with correctly interpreted dummy variables in semilogarithmic
equations. *American Economic Review* 71(4), 801.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Estimate, Result
from research.decomposition import _design as dz
from research.decomposition import _harness as hn
from research.decomposition import _numeric as nm
from research.decomposition._harness import Prepared, prepare, select_groups

__all__ = [
    "AdjustedGap",
    "OaxacaResult",
    "ThreeFold",
    "TwoFold",
    "adjusted_gap",
    "oaxaca_blinder",
    "reference_sensitivity",
]

REFERENCES = ("pooled", "neumark", "A", "B", "reimers", "cotton")
COMPONENTS = (
    "gap",
    "endowments",
    "coefficients",
    "interaction",
    "explained",
    "unexplained",
    "unexplained_a",
    "unexplained_b",
)
_PART = {
    "gap": "overall",
    "endowments": "threefold",
    "coefficients": "threefold",
    "interaction": "threefold",
    "explained": "twofold",
    "unexplained": "twofold",
    "unexplained_a": "twofold",
    "unexplained_b": "twofold",
}
#: Rows of the design cross products processed at once in the vectorised bootstrap.
_CHUNK_ROWS = 4096


class ThreeFold(NamedTuple):
    """Endowments, coefficients and interaction (from the viewpoint of group B)."""

    endowments: Estimate
    coefficients: Estimate
    interaction: Estimate


class TwoFold(NamedTuple):
    """Explained and unexplained parts; the unexplained part split into A's and B's shares."""

    explained: Estimate
    unexplained: Estimate
    unexplained_a: Estimate
    unexplained_b: Estimate


@dataclass(frozen=True)
class OaxacaResult(Result):
    """Results of :func:`oaxaca_blinder`.

    Attributes
    ----------
    gap, mean_a, mean_b
        Mean outcome difference ``mean(A) - mean(B)`` and the two means.
    threefold, twofold
        The aggregate parts as :class:`~research.core.results.Estimate` objects.
    detailed
        Tidy table, one row per design column and part: ``variable``, ``level``, ``term``,
        ``component``, ``estimate``, ``se``, ``ci_low``, ``ci_high``.
    by_variable
        The detailed contributions summed over the columns of each covariate (all dummies of a
        categorical variable together), with their standard errors.
    coefficients, means
        Per design column: coefficients of A, B and the reference; means of A and B.
    excluded
        Categories present in one group only that were dropped (``one_sided="drop"``).
    info
        Sample sizes, reference weight, options, bootstrap replicates and failures.
    """

    gap: Estimate
    mean_a: Estimate
    mean_b: Estimate
    threefold: ThreeFold
    twofold: TwoFold
    detailed: pd.DataFrame
    by_variable: pd.DataFrame
    coefficients: pd.DataFrame
    means: pd.DataFrame
    excluded: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        info = self.info
        return (
            f"Blinder-Oaxaca decomposition of {info['outcome']}: {info['by']} = "
            f"{info['group_a']!s} (A) minus {info['group_b']!s} (B); reference {info['reference']}"
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy aggregate table: part, component, estimate, se, ci, share of the gap."""
        rows = [("means", "mean_a", self.mean_a), ("means", "mean_b", self.mean_b)]
        rows.append(("overall", "gap", self.gap))
        rows += [("threefold", k, v) for k, v in self.threefold._asdict().items()]
        rows += [("twofold", k, v) for k, v in self.twofold._asdict().items()]
        gap = self.gap.value
        return pd.DataFrame(
            {
                "part": [r[0] for r in rows],
                "component": [r[1] for r in rows],
                "estimate": [r[2].value for r in rows],
                "se": [np.nan if r[2].se is None else r[2].se for r in rows],
                "ci_low": [np.nan if r[2].ci is None else r[2].ci[0] for r in rows],
                "ci_high": [np.nan if r[2].ci is None else r[2].ci[1] for r in rows],
                "pct_of_gap": [
                    np.nan if r[0] == "means" or gap == 0 else 100 * r[2].value / gap for r in rows
                ],
            }
        )

    def summary(self) -> str:
        info = self.info
        lines = [
            self.title,
            f"n(A) = {info['n_a']:,}, n(B) = {info['n_b']:,}; standard errors: {info['se']}",
            self.to_frame().to_string(index=False, float_format=lambda v: f"{v:.6g}"),
        ]
        if len(self.excluded):
            lines.append("Dropped, present in one group only:")
            lines.append(self.excluded.to_string(index=False))
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


def _check_reference(reference: str | float) -> str | float:
    if isinstance(reference, bool):
        raise InputError("reference must be a name or a number between 0 and 1, not a bool.")
    if isinstance(reference, int | float):
        if not 0 <= float(reference) <= 1:
            raise InputError(
                f"A numeric reference (weight on A) must be in [0, 1], got {reference}."
            )
        return float(reference)
    if reference not in REFERENCES:
        raise InputError(
            f"reference={reference!r} is not known; use one of {', '.join(REFERENCES)} or a "
            "number w in [0, 1] (the weight on A's coefficients)."
        )
    return reference


# --------------------------------------------------------------------------------------------
# The decomposition algebra (batched over bootstrap replicates)
# --------------------------------------------------------------------------------------------


def _reference_maps(
    reference: str | float,
    S_a: np.ndarray,
    S_b: np.ndarray,
    std: nm.Standardizer,
) -> tuple[np.ndarray, np.ndarray]:
    """``(Omega_A, Omega_B)`` in design coordinates such that ``b* = Omega_A b_A + Omega_B b_B``.

    ``S_a``, ``S_b`` are (stacks of) cross-product matrices of the standardised design; the
    constant is column 0, so ``S[..., :, 0]`` holds the weighted column sums.
    """
    p = S_a.shape[-1]
    batch = S_a.shape[:-2]
    eye = np.broadcast_to(np.eye(p), (*batch, p, p))
    if not isinstance(reference, str):
        return reference * eye, (1 - reference) * eye
    if reference in ("A", "B", "reimers", "cotton"):
        if reference == "cotton":
            w = S_a[..., 0, 0] / (S_a[..., 0, 0] + S_b[..., 0, 0])
            w = np.asarray(w)[..., None, None]
        else:
            w = {"A": 1.0, "B": 0.0, "reimers": 0.5}[reference]
        return w * eye, (1 - w) * eye
    S = S_a + S_b
    if reference == "neumark":
        omega_a_z = np.linalg.solve(S, S_a)
        omega_b_z = np.linalg.solve(S, S_b)
    else:  # pooled regression with an indicator of group A
        K = np.zeros((*batch, p + 1, p + 1))
        K[..., :p, :p] = S
        K[..., :p, p] = S_a[..., :, 0]
        K[..., p, :p] = S_a[..., 0, :]
        K[..., p, p] = S_a[..., 0, 0]
        R_a = np.zeros((*batch, p + 1, p))
        R_a[..., :p, :] = S_a
        R_a[..., p, :] = S_a[..., 0, :]
        R_b = np.zeros((*batch, p + 1, p))
        R_b[..., :p, :] = S_b
        omega_a_z = np.linalg.solve(K, R_a)[..., :p, :]
        omega_b_z = np.linalg.solve(K, R_b)[..., :p, :]
    D = std.D
    D_inv = np.linalg.inv(D)
    return D @ omega_a_z @ D_inv, D @ omega_b_z @ D_inv


def _maps(omega_a: np.ndarray, omega_b: np.ndarray, expansion: dz.Expansion):
    """Each part as a list of ``(ua, ub, MA, MB)``: term ``k`` is ``sum (ua xA + ub xB)_k (MA bA +
    MB bB)_k`` in the normalised columns."""
    T, T_inv = expansion.T, expansion.T_inv
    WA = T @ omega_a @ T_inv
    WB = T @ omega_b @ T_inv
    q = expansion.q
    eye = np.broadcast_to(np.eye(q), WA.shape)
    zero = np.zeros_like(WA)
    return {
        "gap": [(1.0, 0.0, eye, zero), (0.0, 1.0, zero, -eye)],
        "endowments": [(1.0, -1.0, zero, eye)],
        "coefficients": [(0.0, 1.0, eye, -eye)],
        "interaction": [(1.0, -1.0, eye, -eye)],
        "explained": [(1.0, -1.0, WA, WB)],
        "unexplained": [(1.0, 0.0, eye - WA, -WB), (0.0, 1.0, WA, WB - eye)],
        "unexplained_a": [(1.0, 0.0, eye - WA, -WB)],
        "unexplained_b": [(0.0, 1.0, WA, WB - eye)],
    }


def _matvec(M: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("...ij,...j->...i", M, v)


def _terms(maps, xa, xb, ba, bb) -> dict[str, np.ndarray]:
    """Per-column contributions of every part (arrays ``(..., q)``)."""
    out = {}
    for name, pairs in maps.items():
        total = 0.0
        for ua, ub, MA, MB in pairs:
            total = total + (ua * xa + ub * xb) * (_matvec(MA, ba) + _matvec(MB, bb))
        out[name] = total
    return out


def _term_variances(maps, xa, xb, ba, bb, Vxa, Vxb, Vba, Vbb) -> dict[str, np.ndarray]:
    """Jann's variance of each single contribution (vectorised over columns)."""
    out = {}
    dxa, dxb = np.diag(Vxa), np.diag(Vxb)
    for name, pairs in maps.items():
        us = [(ua * xa + ub * xb) for ua, ub, _, _ in pairs]
        vs = [_matvec(MA, ba) + _matvec(MB, bb) for _, _, MA, MB in pairs]
        ga = sum(ua * v for (ua, _, _, _), v in zip(pairs, vs, strict=True))
        gb = sum(ub * v for (_, ub, _, _), v in zip(pairs, vs, strict=True))
        part_x = dxa * ga**2 + dxb * gb**2
        GA = sum(u[:, None] * MA for u, (_, _, MA, _) in zip(us, pairs, strict=True))
        GB = sum(u[:, None] * MB for u, (_, _, _, MB) in zip(us, pairs, strict=True))
        part_b = ((GA @ Vba) * GA).sum(axis=1) + ((GB @ Vbb) * GB).sum(axis=1)
        trace = 0.0
        for ua_r, ub_r, MA_r, MB_r in pairs:
            for ua_s, ub_s, MA_s, MB_s in pairs:
                cx = ua_r * ua_s * dxa + ub_r * ub_s * dxb
                cb = ((MA_s @ Vba) * MA_r).sum(axis=1) + ((MB_s @ Vbb) * MB_r).sum(axis=1)
                trace = trace + cx * cb
        out[name] = part_x + part_b + trace
    return out


def _sum_variance(maps, select, xa, xb, ba, bb, Vxa, Vxb, Vba, Vbb) -> dict[str, float]:
    """Jann's variance of the sum of the contributions flagged by ``select`` (0/1 over columns)."""
    out = {}
    for name, pairs in maps.items():
        us = [select * (ua * xa + ub * xb) for ua, ub, _, _ in pairs]
        vs = [select * (MA @ ba + MB @ bb) for _, _, MA, MB in pairs]
        ga = sum(ua * v for (ua, _, _, _), v in zip(pairs, vs, strict=True))
        gb = sum(ub * v for (_, ub, _, _), v in zip(pairs, vs, strict=True))
        hA = sum(MA.T @ u for u, (_, _, MA, _) in zip(us, pairs, strict=True))
        hB = sum(MB.T @ u for u, (_, _, _, MB) in zip(us, pairs, strict=True))
        total = ga @ Vxa @ ga + gb @ Vxb @ gb + hA @ Vba @ hA + hB @ Vbb @ hB
        for ua_r, ub_r, MA_r, MB_r in pairs:
            for ua_s, ub_s, MA_s, MB_s in pairs:
                C = select[:, None] * (ua_r * ua_s * Vxa + ub_r * ub_s * Vxb) * select[None, :]
                total += np.trace(MA_r.T @ C @ MA_s @ Vba) + np.trace(MB_r.T @ C @ MB_s @ Vbb)
        out[name] = float(total)
    return out


# --------------------------------------------------------------------------------------------
# Estimation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    """Point estimates on the design (coefficients, means) and their covariances."""

    b: tuple[np.ndarray, np.ndarray]
    Vb: tuple[np.ndarray, np.ndarray]
    x: tuple[np.ndarray, np.ndarray]
    Vx: tuple[np.ndarray, np.ndarray]
    S: tuple[np.ndarray, np.ndarray]


def _fit(prep: Prepared, robust: bool) -> _Fit:
    D = prep.std.D
    bs, Vbs, xs, Vxs, Ss = [], [], [], [], []
    for g in (0, 1):
        Zc, cell, y, w = prep.Zc[g], prep.cell[g], prep.y[g], prep.w[g]
        mass = prep.sums(g, w)
        S = prep.S[g] if len(prep.S) == 2 else nm.weighted_cross(Zc, mass)[0]
        b_z, V_z, _, _ = nm.cell_ols(Zc, cell, y, w, robust=robust, S=S)
        bs.append(D @ b_z)
        Vbs.append(D @ V_z @ D.T)
        mean, V = nm.cell_mean_and_cov(prep.Xc(g), mass, prep.sums(g, w, w), y.size)
        xs.append(mean)
        Vxs.append(V)
        Ss.append(S)
    return _Fit(tuple(bs), tuple(Vbs), tuple(xs), tuple(Vxs), tuple(Ss))


def _product_plan(Z: np.ndarray) -> tuple[list[tuple[int, np.ndarray]], np.ndarray, np.ndarray]:
    """Which cross products ``z_j z_k`` (``j <= k``) the bootstrap must accumulate.

    A product that is zero on every row (two dummies of one categorical variable) is zero in
    every resample, and the square of a 0/1 column equals the column (its product with the
    constant), so neither is computed. Returns, per ``j``, the ``k`` to multiply by, and the
    ``(j, k)`` index of each computed product.
    """
    nonzero = (Z != 0).astype(np.float32)
    together = nonzero.T @ nonzero
    binary = ((Z == 0) | (Z == 1)).all(axis=0)
    binary[0] = False  # the constant's square gives the sum of weights
    plan, rows, cols = [], [], []
    for j in range(Z.shape[1]):
        ks = np.array(
            [k for k in range(j, Z.shape[1]) if together[j, k] > 0 and not (k == j and binary[j])],
            dtype=np.int64,
        )
        if ks.size:
            plan.append((j, ks))
            rows += [j] * ks.size
            cols += ks.tolist()
    return plan, np.array(rows), np.array(cols)


def bootstrap_moments(
    Z: np.ndarray, y: np.ndarray, w: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cross products ``Z'C_bWZ`` and ``Z'C_bWy`` for every resample ``b`` (rows of ``counts``).

    All replicates' moments come out of one matrix product per block of rows,
    ``counts (B x m) @ [z_j z_k w, z_j y w] (m x (#products + p))``, instead of refitting ``B``
    regressions; products that are identically zero or duplicated are skipped
    (:func:`_product_plan`).
    """
    n, p = Z.shape
    n_boot = counts.shape[0]
    plan, rows_ix, cols_ix = _product_plan(Z)
    n_prod = rows_ix.size
    moments = np.zeros((n_boot, n_prod + p))
    for start in range(0, n, _CHUNK_ROWS):
        rows = slice(start, min(start + _CHUNK_ROWS, n))
        Zr = Z[rows]
        Zw = Zr * w[rows, None]
        products = np.empty((Zr.shape[0], n_prod + p))
        at = 0
        for j, ks in plan:
            products[:, at : at + ks.size] = Zw[:, j : j + 1] * Zr[:, ks]
            at += ks.size
        products[:, n_prod:] = Zw * y[rows, None]
        moments += counts[:, rows].astype(np.float64) @ products
    S = np.zeros((n_boot, p, p))
    S[:, rows_ix, cols_ix] = moments[:, :n_prod]
    binary = ((Z == 0) | (Z == 1)).all(axis=0)
    binary[0] = False
    diag = np.flatnonzero(binary)
    S[:, diag, diag] = S[:, 0, diag]
    S = S + np.triu(S, 1).transpose(0, 2, 1)
    return S, moments[:, n_prod:]


def cell_bootstrap_moments(
    prep: Prepared, g: int, opts: hn.Options
) -> tuple[np.ndarray, np.ndarray]:
    """``Z'C_bWZ`` and ``Z'C_bWy`` of group ``g`` for every resample ``b``.

    Each replicate's resampling counts (:func:`_harness.replicate_counts`, one replicate at a
    time) are summed per cell; the cross products of all replicates then come out of one matrix
    product of the cell sums with the products of the cells' design (:func:`bootstrap_moments`).
    """
    Zc, y, w = prep.Zc[g], prep.y[g], prep.w[g]
    sizes = [prep.n(0), prep.n(1)]
    C = Zc.shape[0]
    mass = np.empty((opts.n_boot, C))
    sum_y = np.empty((opts.n_boot, C))
    wy = w * y
    for b, counts in enumerate(hn.replicate_counts(opts, sizes, g)):
        mass[b] = prep.sums(g, counts * w)
        sum_y[b] = prep.sums(g, counts, wy)
    with nm.threaded_blas():
        S, _ = bootstrap_moments(Zc, np.zeros(C), np.ones(C), mass)
        r = sum_y @ Zc
    return S, r


def _bootstrap(prep: Prepared, reference, opts: hn.Options) -> hn.Replicates:
    """Per-column contributions of every part for each replicate (failed ones NaN).

    All replicates at once: the resampling counts of the harness, summed per cell, enter the
    cross products of the design directly (:func:`cell_bootstrap_moments`) instead of a loop of
    refits.
    """
    S_a, r_a = cell_bootstrap_moments(prep, 0, opts)
    S_b, r_b = cell_bootstrap_moments(prep, 1, opts)
    bad = nm.singular(S_a) | nm.singular(S_b)
    D = prep.std.D
    b_a = nm.solve_stack(S_a, r_a, bad) @ D.T
    b_b = nm.solve_stack(S_b, r_b, bad) @ D.T
    x_a = prep.std.means(S_a[:, 0, :] / S_a[:, :1, 0])
    x_b = prep.std.means(S_b[:, 0, :] / S_b[:, :1, 0])
    if bad.any():
        S_a, S_b = S_a.copy(), S_b.copy()
        S_a[bad] = S_b[bad] = np.eye(S_a.shape[-1])
    omega_a, omega_b = _reference_maps(reference, S_a, S_b, prep.std)
    E = prep.expansion
    maps = _maps(omega_a, omega_b, E)
    terms = _terms(maps, E.x(x_a), E.x(x_b), E.b(b_a), E.b(b_b))
    draws = np.stack([terms[c] for c in COMPONENTS], axis=1)  # (B, parts, q)
    draws[bad] = np.nan
    return hn.Replicates(draws, hn.failures(draws, opts, **_LOST), opts.level)


_LOST = {"lost": "a category in one group", "fix": "pool rare categories"}


@nm.single_threaded
def oaxaca_blinder(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    reference: str | float = "pooled",
    normalize: bool | Sequence[str | Sequence[str]] | Mapping[str, Sequence[str]] | None = None,
    se: str | None = None,
    weights: str | None = None,
    robust: bool = False,
    n_boot: int = 500,
    seed: int | None = None,
    level: float = 0.95,
    base: Mapping[str, Hashable] | None = None,
    one_sided: str = "error",
) -> OaxacaResult:
    r"""Blinder-Oaxaca decomposition of ``mean(outcome | A) - mean(outcome | B)``.

    See the module docstring for the formulas and references.

    Parameters
    ----------
    data
        One row per person (long form).
    outcome
        Numeric outcome column, e.g. log hourly pay.
    covariates
        Covariate columns. Numeric and boolean columns enter as they are; categorical ones
        (category, string, object) as dummies for every observed level but the base;
        ``"a:b"`` adds the interaction of ``a`` and ``b``. A constant is always included.
    by
        Column holding the groups compared (e.g. ``"sex"``).
    group_a
        Value of ``by`` that is group A. The gap is ``mean(A) - mean(B)`` (Jann 2008); groups
        are never swapped. The workbench's reports take men as A and women as B, so a positive
        gap means men are paid more.
    group_b
        Value that is group B; needed only when ``by`` has more than two values (rows with
        other values are left out and counted in ``result.info["n_other"]``).
    reference
        Coefficients :math:`b^*` of the two-fold decomposition: ``"pooled"`` (default; pooled
        regression with a group indicator), ``"neumark"`` (pooled, no indicator), ``"A"``,
        ``"B"``, ``"reimers"``, ``"cotton"``, or a number ``w`` in [0, 1], the weight on A.
    normalize
        Dummy sets whose detailed contributions are normalised (Gardeazabal and Ugidos 2004; Yun
        2005): ``True`` for every categorical covariate, a list of categorical covariate names
        and/or lists of 0/1 dummy columns in ``covariates`` (base category left out), or a mapping
        ``{name: [dummy columns]}``.
    se
        ``None`` (point estimates only), ``"analytic"`` (delta method with stochastic regressors,
        Jann 2005) or ``"bootstrap"`` (``n_boot`` replicates, resampling within groups).
    weights
        Column of sampling weights (positive). Point estimates are weighted; analytic standard
        errors then use the sandwich (HC1) covariance of the coefficients and the linearised
        variance of the means.
    robust
        Sandwich (HC1) instead of classical coefficient covariance in the analytic standard errors.
    n_boot, seed
        Bootstrap replicates and the seed of their random number generator (required).
    level
        Confidence level of the intervals: estimate -/+ z SE, with the analytic or the bootstrap SE.
    base
        Base (omitted) level for categorical covariates, e.g. ``{"grade": "Grade 1"}``.
    one_sided
        What to do with categories present in one group only: ``"error"`` (default; the message
        lists them) or ``"drop"`` (leave those rows out; they are listed in
        ``result.excluded``).

    Returns
    -------
    OaxacaResult

    Examples
    --------
    >>> res = oaxaca_blinder(df, "log_pay", ["grade", "tenure"], "sex", group_a="M",
    ...                      reference="pooled", normalize=["grade"], se="analytic")
    >>> res.twofold.unexplained.value, res.twofold.unexplained.se
    """
    reference = _check_reference(reference)
    opts = hn.options(se, level=level, n_boot=n_boot, seed=seed)
    prep = prepare(
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
    robust = robust or prep.weighted
    fit = _fit(prep, robust)
    omega_a, omega_b = _reference_maps(reference, fit.S[0], fit.S[1], prep.std)
    E = prep.expansion
    maps = _maps(omega_a, omega_b, E)
    xa, xb = E.x(fit.x[0]), E.x(fit.x[1])
    ba, bb = E.b(fit.b[0]), E.b(fit.b[1])
    terms = _terms(maps, xa, xb, ba, bb)
    groups = np.array(E.groups)
    variables = list(dict.fromkeys(E.groups))
    selectors = {v: (groups == v).astype(float) for v in variables}
    totals = {c: float(terms[c].sum()) for c in COMPONENTS}
    by_var = {v: {c: float(terms[c] @ s) for c in COMPONENTS} for v, s in selectors.items()}

    z = opts.z
    term_se = term_low = term_high = None
    total_se: dict[str, float] = {}
    total_ci: dict[str, tuple[float, float]] = {}
    var_se: dict[str, dict[str, float]] = {}
    var_ci: dict[str, dict[str, tuple[float, float]]] = {}
    total_bc: dict[str, float] = {}
    n_failed = 0
    if opts.se == "analytic":
        Vxa, Vxb = E.cov_x(fit.Vx[0]), E.cov_x(fit.Vx[1])
        Vba, Vbb = E.cov(fit.Vb[0]), E.cov(fit.Vb[1])
        args = (xa, xb, ba, bb, Vxa, Vxb, Vba, Vbb)
        variances = _term_variances(maps, *args)
        term_se = np.stack([np.sqrt(np.clip(variances[c], 0, None)) for c in COMPONENTS])
        estimates = np.stack([terms[c] for c in COMPONENTS])
        term_low, term_high = estimates - z * term_se, estimates + z * term_se
        total_var = _sum_variance(maps, np.ones(E.q), *args)
        for c in COMPONENTS:
            total_se[c] = math.sqrt(max(total_var[c], 0.0))
            total_ci[c] = (totals[c] - z * total_se[c], totals[c] + z * total_se[c])
        for v, s in selectors.items():
            sv = _sum_variance(maps, s, *args)
            var_se[v] = {c: math.sqrt(max(sv[c], 0.0)) for c in COMPONENTS}
            var_ci[v] = {
                c: (by_var[v][c] - z * var_se[v][c], by_var[v][c] + z * var_se[v][c])
                for c in COMPONENTS
            }
    elif opts.bootstrap:
        replicates = _bootstrap(prep, reference, opts)
        draws, n_failed = replicates.draws, replicates.n_failed
        estimates = np.stack([terms[c] for c in COMPONENTS])
        term_se, term_low, term_high, _ = nm.boot_summary(draws, estimates, opts.level)
        point = np.array([totals[c] for c in COMPONENTS])
        tot_se, tot_low, tot_high, tot_bc = nm.boot_summary(draws.sum(axis=2), point, opts.level)
        for i, c in enumerate(COMPONENTS):
            total_se[c] = float(tot_se[i])
            total_ci[c] = (float(tot_low[i]), float(tot_high[i]))
            total_bc[c] = float(tot_bc[i])
        for v, s in selectors.items():
            point_v = np.array([by_var[v][c] for c in COMPONENTS])
            v_se, v_low, v_high, _ = nm.boot_summary(draws @ s, point_v, opts.level)
            var_se[v] = {c: float(v_se[i]) for i, c in enumerate(COMPONENTS)}
            var_ci[v] = {c: (float(v_low[i]), float(v_high[i])) for i, c in enumerate(COMPONENTS)}

    def estimate(c: str) -> Estimate:
        return hn.estimate(
            c,
            totals[c],
            opts,
            se=total_se.get(c),
            ci=total_ci.get(c),
            bias_corrected=total_bc.get(c),
            n_failed=n_failed,
        )

    detailed = _detailed_table(E, terms, term_se, term_low, term_high)
    by_variable = _by_variable_table(variables, by_var, var_se, var_ci)
    mean_a, mean_b = _group_means(prep, opts)
    info = hn.info(
        opts,
        prep.sample,
        outcome=outcome,
        by=by,
        n_failed=n_failed,
        reference=reference,
        weight_a=_scalar_weight(reference, fit),
        covariates=list(covariates),
        normalized=[s.name for s in E.sets],
        n_excluded=int(prep.excluded["rows"].sum()) if len(prep.excluded) else 0,
        weights=weights,
        robust=robust,
    )
    return OaxacaResult(
        gap=estimate("gap"),
        mean_a=mean_a,
        mean_b=mean_b,
        threefold=ThreeFold(*(estimate(c) for c in ("endowments", "coefficients", "interaction"))),
        twofold=TwoFold(
            *(estimate(c) for c in ("explained", "unexplained", "unexplained_a", "unexplained_b"))
        ),
        detailed=detailed,
        by_variable=by_variable,
        coefficients=_coefficient_table(E, ba, bb, maps, fit),
        means=pd.DataFrame(
            {
                "variable": list(E.groups),
                "term": [c.label for c in E.columns],
                "mean_a": xa,
                "mean_b": xb,
            }
        ),
        excluded=prep.excluded,
        info=info,
    )


@nm.single_threaded
def reference_sensitivity(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    references: Sequence[str | float] = REFERENCES,
    normalize: Any = None,
    weights: str | None = None,
    robust: bool = False,
    level: float = 0.95,
    base: Mapping[str, Hashable] | None = None,
    one_sided: str = "error",
) -> pd.DataFrame:
    """The two-fold split under several references, from one fit, with analytic SEs.

    The explained/unexplained split depends on whose pay structure is taken as the benchmark (the
    "index number problem", Oaxaca and Ransom 1994); a table of the split under every common
    choice shows how much. Arguments as for :func:`oaxaca_blinder`. Returns one row per reference:
    ``reference``, ``weight_a`` (when a scalar), ``explained``, ``explained_se``,
    ``unexplained``, ``unexplained_se``, ``pct_explained``.
    """
    references = [_check_reference(r) for r in references]
    level = nm.check_level(level)
    prep = prepare(
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
    fit = _fit(prep, robust or prep.weighted)
    E = prep.expansion
    xa, xb = E.x(fit.x[0]), E.x(fit.x[1])
    ba, bb = E.b(fit.b[0]), E.b(fit.b[1])
    args = (
        xa,
        xb,
        ba,
        bb,
        E.cov_x(fit.Vx[0]),
        E.cov_x(fit.Vx[1]),
        E.cov(fit.Vb[0]),
        E.cov(fit.Vb[1]),
    )
    rows = []
    for reference in references:
        maps = _maps(*_reference_maps(reference, fit.S[0], fit.S[1], prep.std), E)
        wanted = {k: maps[k] for k in ("gap", "explained", "unexplained")}
        terms = _terms(wanted, xa, xb, ba, bb)
        var = _sum_variance(wanted, np.ones(E.q), *args)
        gap = float(terms["gap"].sum())
        explained = float(terms["explained"].sum())
        rows.append(
            {
                "reference": reference,
                "weight_a": _scalar_weight(reference, fit),
                "explained": explained,
                "explained_se": math.sqrt(max(var["explained"], 0.0)),
                "unexplained": float(terms["unexplained"].sum()),
                "unexplained_se": math.sqrt(max(var["unexplained"], 0.0)),
                "pct_explained": 100 * explained / gap if gap else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _scalar_weight(reference, fit: _Fit) -> float | None:
    if not isinstance(reference, str):
        return float(reference)
    if reference == "cotton":
        wa, wb = fit.S[0][0, 0], fit.S[1][0, 0]
        return float(wa / (wa + wb))
    return {"A": 1.0, "B": 0.0, "reimers": 0.5}.get(reference)


def _group_means(prep: Prepared, opts: hn.Options) -> list[Estimate]:
    """Mean outcome of each group with its standard error (whenever standard errors are asked).

    Analytic (the standard error of a weighted mean) under both kinds of standard errors.
    """
    out = []
    for i, name in enumerate(("mean_a", "mean_b")):
        y, w = prep.y[i], prep.w[i]
        value = float(w @ y / w.sum())
        if opts.se is None:
            out.append(Estimate(name, value))
            continue
        _, V = nm.mean_and_cov(y[:, None], w)
        s = math.sqrt(V[0, 0])
        z = opts.z
        out.append(Estimate(name, value, se=s, ci=(value - z * s, value + z * s)))
    return out


def _detailed_table(E: dz.Expansion, terms, term_se, term_low, term_high) -> pd.DataFrame:
    q = E.q
    frames = []
    for i, c in enumerate(COMPONENTS):
        frames.append(
            pd.DataFrame(
                {
                    "variable": list(E.groups),
                    "level": [col.level for col in E.columns],
                    "term": [col.label for col in E.columns],
                    "part": _PART[c],
                    "component": c,
                    "estimate": terms[c],
                    "se": np.full(q, np.nan) if term_se is None else term_se[i],
                    "ci_low": np.full(q, np.nan) if term_low is None else term_low[i],
                    "ci_high": np.full(q, np.nan) if term_high is None else term_high[i],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _by_variable_table(variables, by_var, var_se, var_ci) -> pd.DataFrame:
    rows = []
    for c in COMPONENTS:
        for v in variables:
            rows.append(
                {
                    "variable": v,
                    "part": _PART[c],
                    "component": c,
                    "estimate": by_var[v][c],
                    "se": var_se[v][c] if v in var_se else np.nan,
                    "ci_low": var_ci[v][c][0] if v in var_ci else np.nan,
                    "ci_high": var_ci[v][c][1] if v in var_ci else np.nan,
                }
            )
    return pd.DataFrame(rows)


def _coefficient_table(E: dz.Expansion, ba, bb, maps, fit: _Fit) -> pd.DataFrame:
    WA, WB = maps["explained"][0][2], maps["explained"][0][3]
    se_a = np.sqrt(np.clip(np.diag(E.cov(fit.Vb[0])), 0, None))
    se_b = np.sqrt(np.clip(np.diag(E.cov(fit.Vb[1])), 0, None))
    return pd.DataFrame(
        {
            "variable": list(E.groups),
            "term": [c.label for c in E.columns],
            "coef_a": ba,
            "se_a": se_a,
            "coef_b": bb,
            "se_b": se_b,
            "coef_reference": WA @ ba + WB @ bb,
        }
    )


# --------------------------------------------------------------------------------------------
# The single-equation (dummy variable) estimate of the adjusted gap
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustedGap(Result):
    """Coefficient of a group-A indicator in a pooled regression (the "adjusted gap").

    Attributes
    ----------
    coef, se, t, df
        Coefficient, its (classical or HC1) standard error, ``t = coef / se`` and residual
        degrees of freedom.
    r_squared
        Of the pooled regression.
    kennedy
        With a log outcome, the percentage difference implied by the coefficient,
        ``exp(coef - se^2 / 2) - 1`` (Kennedy 1981).
    dropped
        Covariate columns left out because they were linear combinations of earlier columns.
    """

    coef: float
    se: float
    t: float
    df: int
    r_squared: float
    kennedy: float
    n: int
    dropped: tuple[str, ...] = ()
    title: str = "Adjusted gap (coefficient of the group indicator in a pooled regression)"

    def __float__(self) -> float:
        return float(self.coef)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "statistic": ["coef", "se", "t", "df", "r_squared", "kennedy", "n"],
                "value": [
                    self.coef,
                    self.se,
                    self.t,
                    self.df,
                    self.r_squared,
                    self.kennedy,
                    self.n,
                ],
            }
        )


@nm.single_threaded
def adjusted_gap(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    weights: str | None = None,
    robust: bool = False,
    base: Mapping[str, Hashable] | None = None,
) -> AdjustedGap:
    r"""The gap adjusted for covariates by one pooled regression with a group indicator.

    Fits :math:`y = \delta\,[A] + X\beta + \varepsilon` on both groups and reports
    :math:`\delta` with its standard error, as the Swiss federal equal pay tool Logib does for a
    log-salary regression with a female indicator. This is the pooled model behind
    ``oaxaca_blinder(reference="pooled")``. Columns that are exact linear combinations of
    earlier ones are dropped (as R's ``lm`` does; reported in ``dropped``): :math:`\delta` does
    not depend on which of a collinear set is dropped, as long as the indicator itself is not
    collinear with the covariates (then an error is raised).

    The Kennedy (1981) transform :math:`\exp(\hat\delta - \widehat{V}(\hat\delta)/2) - 1` gives
    the approximately unbiased percentage difference when the outcome is a logarithm.
    """
    dz.check_frame(data, outcome=outcome, covariates=covariates, group=by, weights=weights)
    sample = select_groups(data, by, group_a, group_b)
    frame = sample.frame
    design = dz.build_design(frame, covariates, base=base)
    X = np.column_stack([design.matrix[:, :1], sample.in_a.astype(float), design.matrix[:, 1:]])
    labels = [dz.CONSTANT, f"{by}={sample.group_a}", *design.labels[1:]]
    y = frame[outcome].to_numpy(dtype=np.float64)
    w = np.ones(len(frame)) if weights is None else frame[weights].to_numpy(dtype=np.float64)
    dropped = dz.dependent_columns(X * np.sqrt(w)[:, None], labels)
    if labels[1] in dropped or labels[0] in dropped:
        raise InputError(
            f"The indicator of group A is collinear with the covariates (e.g. a covariate equal "
            f"to {by}); the adjusted gap is not identified."
        )
    keep = [i for i, lab in enumerate(labels) if lab not in dropped]
    X = X[:, keep]
    std = nm.Standardizer.fit(X, w)
    Z = std.apply(X)
    b_z, V_z, e, _ = nm.weighted_ols(Z, y, w, robust=robust or weights is not None)
    D = std.D
    b = D @ b_z
    V = D @ V_z @ D.T
    coef, se = float(b[1]), math.sqrt(V[1, 1])
    ybar = w @ y / w.sum()
    r2 = 1.0 - float(w @ e**2) / float(w @ (y - ybar) ** 2)
    return AdjustedGap(
        coef=coef,
        se=se,
        t=coef / se,
        df=int(len(y) - X.shape[1]),
        r_squared=r2,
        kennedy=math.exp(coef - se**2 / 2) - 1,
        n=len(y),
        dropped=tuple(dropped),
    )
