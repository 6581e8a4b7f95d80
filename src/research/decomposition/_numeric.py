"""Numerical building blocks shared by the decomposition methods.

* Weighted least squares from cross-product moments of a column-standardised design, so that
  the point estimate and thousands of bootstrap replicates go through the same, batched, algebra.
* Multinomial (and binary) logit by Newton-Raphson on collapsed covariate cells, with a tiny ridge
  penalty on the slopes so that estimates stay finite under separation.
* Weighted quantiles, variances and Gaussian kernel densities, and the bootstrap helpers.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from numbers import Integral

import numpy as np
from scipy import stats

from research.core.checks import InputError

#: Relative size of the smallest eigenvalue of a scaled cross-product matrix below which the
#: matrix is treated as singular (a category or cell missing from a bootstrap replicate).
SINGULAR_TOL = 1e-11


@cache
def _openblas_controls() -> tuple[tuple[object, object], ...]:
    """``(get, set)`` thread-count functions of every OpenBLAS loaded in this process."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as handle:
            paths = {line.split()[-1] for line in handle if "openblas" in line.lower()}
    except OSError:  # not Linux: leave threading alone
        return ()
    controls = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("64_", "", "_64"):
            for prefix in ("scipy_openblas", "openblas"):
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if getter is not None and setter is not None:
                    controls.append((getter, setter))
                    break
            else:
                continue
            break
    return tuple(controls)


_SAVED_THREADS: list[list[int]] = []


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with one OpenBLAS thread, then restore the previous setting.

    Bootstrap loops multiply and solve thousands of small matrices; OpenBLAS threads busy-wait
    between such calls, which on a machine whose cores are shared (two pytest workers on two
    cores, other notebooks) costs several times the work itself. Large products keep their
    threads through :func:`threaded_blas`. A no-op where OpenBLAS cannot be found.
    """
    controls = _openblas_controls()
    previous = [int(get()) for get, _ in controls]
    _SAVED_THREADS.append(previous)
    for _, set_threads in controls:
        set_threads(1)
    try:
        yield
    finally:
        _SAVED_THREADS.pop()
        for (_, set_threads), n in zip(controls, previous, strict=True):
            set_threads(n)


@contextlib.contextmanager
def threaded_blas() -> Iterator[None]:
    """Inside :func:`single_threaded_blas`, give a large product its threads back."""
    controls = _openblas_controls()
    if not _SAVED_THREADS or not controls:
        yield
        return
    for (_, set_threads), n in zip(controls, _SAVED_THREADS[0], strict=True):
        set_threads(n)
    try:
        yield
    finally:
        for _, set_threads in controls:
            set_threads(1)


def single_threaded(function):
    """Decorator: run ``function`` under :func:`single_threaded_blas`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with single_threaded_blas():
            return function(*args, **kwargs)

    return wrapper


def check_n_boot(n_boot: int) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 2:
        raise InputError(f"n_boot must be an int of at least 2, got {n_boot!r}.")
    return int(n_boot)


def check_level(level: float) -> float:
    if not isinstance(level, float | int) or not 0 < float(level) < 1:
        raise InputError(f"level must be a confidence level between 0 and 1, got {level!r}.")
    return float(level)


def z_value(level: float) -> float:
    """Two-sided normal critical value, e.g. 1.96 for 0.95."""
    return float(stats.norm.ppf(0.5 + level / 2))


# --------------------------------------------------------------------------------------------
# Least squares from moments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standardizer:
    """Centre and scale of each design column (the constant, column 0, is left alone).

    Working with ``z = (x - centre) / scale`` keeps cross-product matrices well conditioned; the
    coefficients are mapped back with :meth:`coefs` (a fixed linear map, so it commutes with the
    bootstrap).
    """

    centre: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, matrix: np.ndarray, weights: np.ndarray | None = None) -> Standardizer:
        """Centre and scale from ``matrix``; 0/1 columns are left as they are.

        Leaving dummies uncentred keeps their zeros, which the vectorised bootstrap exploits
        (products of dummies of one categorical variable are identically zero).
        """
        w = np.ones(matrix.shape[0]) if weights is None else weights
        centre = (w @ matrix) / w.sum()
        spread = np.zeros(matrix.shape[1])
        binary = np.ones(matrix.shape[1], dtype=bool)
        for rows in row_blocks(matrix.shape[0]):  # temporaries of one block, not of the data
            block = matrix[rows]
            spread += w[rows] @ (block - centre) ** 2
            binary &= ((block == 0) | (block == 1)).all(axis=0)
        spread = np.sqrt(spread / w.sum())
        spread[spread == 0] = 1.0
        centre[binary], spread[binary] = 0.0, 1.0
        centre[0], spread[0] = 0.0, 1.0
        return cls(centre, spread)

    def apply(self, matrix: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """``(matrix - centre) / scale`` (of ``matrix[rows]``), one block of rows at a time."""
        n = matrix.shape[0] if rows is None else rows.size
        out = np.empty((n, matrix.shape[1]))
        for block in row_blocks(n):
            part = matrix[block] if rows is None else matrix[rows[block]]
            np.subtract(part, self.centre, out=out[block])
            out[block] /= self.scale
        return out

    @property
    def D(self) -> np.ndarray:
        """``b = D b_z`` maps coefficients on the standardised design to the original design."""
        p = self.centre.size
        D = np.diag(1.0 / self.scale)
        D[0, 1:] = -self.centre[1:] / self.scale[1:]
        D[0, 0] = 1.0
        return D[:p, :p]

    def coefs(self, b_z: np.ndarray) -> np.ndarray:
        return b_z @ self.D.T

    def means(self, m_z: np.ndarray) -> np.ndarray:
        """Design means from means of the standardised design."""
        return m_z * self.scale + self.centre


def singular(S: np.ndarray) -> np.ndarray:
    """Which of a stack of symmetric PSD matrices (``(..., p, p)``) are numerically singular."""
    d = np.sqrt(np.clip(np.diagonal(S, axis1=-2, axis2=-1), 0, None))
    zero = (d == 0).any(axis=-1)
    d = np.where(d == 0, 1.0, d)
    scaled = S / d[..., :, None] / d[..., None, :]
    eig = np.linalg.eigvalsh(scaled)
    return zero | (eig[..., 0] <= SINGULAR_TOL * np.maximum(eig[..., -1], 1e-300))


def solve_stack(S: np.ndarray, r: np.ndarray, bad: np.ndarray | None = None) -> np.ndarray:
    """Solve ``S b = r`` for a stack; rows flagged ``bad`` (singular) come back as NaN."""
    if bad is None:
        bad = singular(S)
    if bad.any():
        S = S.copy()
        S[bad] = np.eye(S.shape[-1])
    out = np.linalg.solve(S, r[..., None])[..., 0]
    if bad.any():
        out[bad] = np.nan
    return out


def weighted_ols(
    Z: np.ndarray, y: np.ndarray, w: np.ndarray, *, robust: bool, S: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Weighted least squares on a standardised design ``Z``.

    Returns the coefficients (on ``Z``), their covariance, the residuals and the residual
    variance (``S``: ``Z'WZ`` when already computed). Classical: ``s^2 (Z'WZ)^-1`` with ``s^2 = sum w e^2 / (n - p)``; robust (HC1, as
    Stata's ``vce(robust)``): ``n/(n-p) (Z'WZ)^-1 (sum w^2 e^2 z z') (Z'WZ)^-1``.
    """
    n, p = Z.shape
    if S is None:
        S, r = weighted_cross(Z, w, y)
    else:
        _, r = weighted_cross(Z, w, y, products=False)
    b = np.linalg.solve(S, r)
    e = y - Z @ b
    dof = max(n - p, 1)
    S_inv = np.linalg.inv(S)
    sigma2 = float((w * e**2).sum() / dof)
    if robust:
        meat, _ = weighted_cross(Z, w**2 * e**2)
        V = n / dof * S_inv @ meat @ S_inv
    else:
        V = sigma2 * S_inv
    return b, (V + V.T) / 2, e, sigma2


def cell_ols(
    Zc: np.ndarray,
    cell: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    *,
    robust: bool,
    S: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """:func:`weighted_ols` of rows whose design rows are ``Zc[cell]`` (cells of covariate
    patterns), without building the rows' design: the same coefficients, covariance, residuals
    and residual variance, from per-cell sums.
    """
    C, p = Zc.shape
    n = y.size
    mass = np.bincount(cell, weights=w, minlength=C)
    if S is None:
        S, _ = weighted_cross(Zc, mass)
    r = Zc.T @ np.bincount(cell, weights=w * y, minlength=C)
    b = np.linalg.solve(S, r)
    e = y - (Zc @ b)[cell]
    dof = max(n - p, 1)
    S_inv = np.linalg.inv(S)
    sigma2 = float((w * e**2).sum() / dof)
    if robust:
        meat, _ = weighted_cross(Zc, np.bincount(cell, weights=w**2 * e**2, minlength=C))
        V = n / dof * S_inv @ meat @ S_inv
    else:
        V = sigma2 * S_inv
    return b, (V + V.T) / 2, e, sigma2


def cell_mean_and_cov(
    Xc: np.ndarray, mass: np.ndarray, mass2: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mean_and_cov` of ``n`` rows grouped in cells with design rows ``Xc``, from each
    cell's sum of weights ``mass`` and of squared weights ``mass2``."""
    W = mass.sum()
    mean = (mass @ Xc) / W
    dev = Xc - mean
    V = (dev * (mass2 / W**2)[:, None]).T @ dev
    return mean, V * (n / max(n - 1, 1))


#: Rows per block when cross products are accumulated: temporaries stay at a few megabytes
#: whatever the number of rows, so peak memory is the design itself.
BLOCK_ROWS = 32_768


def row_blocks(n: int, size: int = BLOCK_ROWS) -> Iterator[slice]:
    """Slices of ``range(n)`` in blocks of ``size`` rows."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def weighted_cross(
    Z: np.ndarray,
    w: np.ndarray,
    y: np.ndarray | None = None,
    *,
    rows: np.ndarray | None = None,
    products: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``Z'WZ`` and ``Z'Wy`` (of ``Z[rows]``; ``w`` and ``y`` then per row of the selection),
    accumulated block by block of rows.

    The same sums as ``(Z * w[:, None]).T @ Z`` without a weighted copy of ``Z``.
    """
    n = Z.shape[0] if rows is None else rows.size
    p = Z.shape[1]
    S = np.zeros((p, p)) if products else None
    r = np.zeros(p) if y is not None else None
    for block in row_blocks(n):
        Zb = Z[block] if rows is None else Z[rows[block]]
        Zw = Zb * w[block][:, None]
        if products:
            S += Zw.T @ Zb
        if y is not None:
            r += Zw.T @ y[block]
    return S, r


def mean_and_cov(
    X: np.ndarray, w: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of the columns of ``X`` (of ``X[rows]``; ``w`` then per row of the
    selection) and the covariance matrix of those means, accumulated block by block of rows.

    ``V = n/(n-1) sum_i (w_i (x_i - xbar) / W)^2`` (outer products): with unit weights this is the
    sample covariance divided by ``n``, as in Jann (2005); with sampling weights it is the
    linearised variance of a ratio mean.
    """
    n = X.shape[0] if rows is None else rows.size
    W = w.sum()
    if rows is None:
        mean = (w @ X) / W
    else:
        mean = np.zeros(X.shape[1])
        for block in row_blocks(n):
            mean += w[block] @ X[rows[block]]
        mean /= W
    V = np.zeros((X.shape[1], X.shape[1]))
    for block in row_blocks(n):  # deviations one block at a time
        dev = (X[block if rows is None else rows[block]] - mean) * (w[block] / W)[:, None]
        V += dev.T @ dev
    return mean, V * (n / max(n - 1, 1))


# --------------------------------------------------------------------------------------------
# Multinomial logit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MultinomialFit:
    """Fitted multinomial logit: ``P(j | z) = exp(z'g_j) / sum_k exp(z'g_k)``, ``g_0 = 0``.

    ``coef`` has shape ``(K, J)`` with a zero first column; ``z`` is standardised with
    ``standardizer``.
    """

    coef: np.ndarray
    standardizer: Standardizer
    loglik: float
    iterations: int
    converged: bool

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Probabilities ``(n, J)`` for rows of a design ``Z`` (unstandardised)."""
        return softmax(self.standardizer.apply(Z) @ self.coef)


def softmax(eta: np.ndarray) -> np.ndarray:
    eta = eta - eta.max(axis=-1, keepdims=True)
    expd = np.exp(eta)
    return expd / expd.sum(axis=-1, keepdims=True)


def collapse(Z: np.ndarray, outcome: np.ndarray, w: np.ndarray, n_outcomes: int):
    """Unique rows of ``Z`` with the weighted count of each outcome in them: ``(Zc, counts)``."""
    unique, inverse = np.unique(Z, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    counts = np.zeros((unique.shape[0], n_outcomes))
    np.add.at(counts, (inverse, outcome), w)
    return unique, counts


def fit_multinomial(
    Z: np.ndarray,
    counts: np.ndarray,
    *,
    start: np.ndarray | None = None,
    ridge: float = 1e-8,
    max_iter: int = 100,
    tol: float = 1e-9,
    prob_tol: float = 1e-10,
    standardizer: Standardizer | None = None,
) -> MultinomialFit:
    """Maximum likelihood multinomial logit on cells.

    Parameters
    ----------
    Z
        ``(C, K)`` design of the cells, first column the constant.
    counts
        ``(C, J)`` (weighted) count of each outcome in each cell.
    start
        Starting coefficients ``(K, J)`` (a previous fit, for bootstrap replicates).
    ridge
        Penalty ``ridge * W / 2 * ||slopes||^2`` (``W`` the total weight) on the standardised
        slopes, not the intercepts. Tiny by default: it keeps estimates finite when an outcome
        never occurs in some cells (separation) and otherwise leaves the fit equal to the
        unpenalised maximum likelihood to about eight digits (R's ``glm`` reproduces it). Because
        the intercepts are free, fitted shares of each outcome equal the observed ones.

    Notes
    -----
    Newton-Raphson on the ``K (J - 1)`` free coefficients with step halving, stopped when the
    Newton decrement (the predicted gain of a full step) is below ``tol (1 + |loglik|)`` or no
    fitted probability moved by more than ``prob_tol`` (under separation the coefficients of an
    outcome never seen in a cell keep growing while its fitted probability is already ~0). The
    Hessian is
    ``sum_c n_c (diag(p_c) - p_c p_c') (x) z_c z_c'``, built over collapsed cells so the cost
    depends on the number of distinct covariate patterns, not on the number of employees.
    """
    standardizer = standardizer or Standardizer.fit(Z, counts.sum(axis=1))
    Zs = standardizer.apply(Z)
    C, K = Zs.shape
    J = counts.shape[1]
    n_c = counts.sum(axis=1)
    total = n_c.sum()
    penalty = np.full(K, ridge * total)
    penalty[0] = 0.0
    G = np.zeros((K, J)) if start is None else start.copy()
    G[:, 0] = 0.0

    def objective(coef: np.ndarray) -> float:
        eta = Zs @ coef
        log_norm = np.log(np.exp(eta - eta.max(axis=1, keepdims=True)).sum(axis=1)) + eta.max(
            axis=1
        )
        ll = float((counts * eta).sum() - (n_c * log_norm).sum())
        return ll - 0.5 * float((penalty[:, None] * coef[:, 1:] ** 2).sum())

    current = objective(G)
    converged = False
    iteration = 0
    # Products z_c z_c' of every cell, unless that table is large (many cells): then the Hessian
    # is built block by block of outcomes, without it.
    zz = (Zs[:, :, None] * Zs[:, None, :]).reshape(C, K * K) if C * K * K <= 4_000_000 else None
    eye = np.eye(J - 1)
    for iteration in range(1, max_iter + 1):  # noqa: B007
        P = softmax(Zs @ G)
        grad = Zs.T @ (counts - n_c[:, None] * P)  # (K, J)
        grad = grad[:, 1:] - penalty[:, None] * G[:, 1:]
        Pm = P[:, 1:]
        # Hessian of the negative log likelihood, sum_c A_c (x) z_c z_c', as one matrix product.
        A = n_c[:, None, None] * (Pm[:, :, None] * eye[None] - Pm[:, :, None] * Pm[:, None, :])
        if zz is not None:
            H = (A.reshape(C, -1).T @ zz).reshape(J - 1, J - 1, K, K)
        else:
            H = np.empty((J - 1, J - 1, K, K))
            for j in range(J - 1):
                for k in range(j, J - 1):
                    H[j, k] = (Zs * A[:, j, k, None]).T @ Zs
                    H[k, j] = H[j, k]
        H = H.transpose(0, 2, 1, 3).reshape((J - 1) * K, (J - 1) * K)
        H[np.diag_indices_from(H)] += np.tile(penalty, J - 1)
        g = grad.T.reshape(-1)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(H, g, rcond=None)[0]
        decrement = float(g @ step) / 2  # Newton decrement: predicted gain of the full step
        step = step.reshape(J - 1, K).T
        t = 1.0
        while True:
            trial = G.copy()
            trial[:, 1:] += t * step
            value = objective(trial)
            if value >= current - 1e-12 * abs(current) or t < 1e-8:
                break
            t /= 2
        G, current = trial, value
        P_new = softmax(Zs @ G)
        moved = float(np.abs(P_new - P).max())
        if decrement <= tol * (1.0 + abs(current)) or moved <= prob_tol:
            converged = True
            break
    return MultinomialFit(G, standardizer, current, iteration, converged)


# --------------------------------------------------------------------------------------------
# Distributional statistics
# --------------------------------------------------------------------------------------------


def weighted_quantile(
    values: np.ndarray, weights: np.ndarray, probs: np.ndarray, *, presorted: bool = False
) -> np.ndarray:
    """Quantiles with weights read as frequencies (Hyndman and Fan type 7).

    With total weight ``W`` and sorted values, the ``p`` quantile interpolates between the values
    at (weighted) positions ``floor(h)`` and ``floor(h) + 1``, ``h = 1 + (W - 1) p``, the value at
    position ``t`` being the first whose cumulative weight reaches ``t``. With unit weights this
    is numpy's and R's default quantile; it is also Hmisc's ``wtd.quantile``, used by R
    ``ddecompose``.
    """
    probs = np.atleast_1d(np.asarray(probs, dtype=np.float64))
    if presorted:
        x, w = values, weights
    else:
        order = np.argsort(values, kind="stable")
        x, w = values[order], weights[order]
    cum = np.cumsum(w)
    total = cum[-1]
    h = 1.0 + (total - 1.0) * probs
    low = np.maximum(np.floor(h), 1.0)
    high = np.minimum(low + 1.0, total)
    frac = h - np.floor(h)
    last = x.size - 1
    at_low = x[np.minimum(np.searchsorted(cum, low - 1e-12 * total, side="left"), last)]
    at_high = x[np.minimum(np.searchsorted(cum, high - 1e-12 * total, side="left"), last)]
    return (1.0 - frac) * at_low + frac * at_high


def weighted_variance(values: np.ndarray, weights: np.ndarray) -> float:
    """``sum w (y - ybar)^2 / (W - 1)`` (weights as frequencies, as Hmisc's ``wtd.var``)."""
    total = weights.sum()
    mean = (weights @ values) / total
    return float((weights @ (values - mean) ** 2) / (total - 1.0))


def silverman_bandwidth(
    values: np.ndarray, weights: np.ndarray, *, presorted: bool = False
) -> float:
    """Silverman's rule of thumb ``0.9 min(sd, IQR / 1.34) n^(-1/5)`` (weighted sd and IQR).

    Rows of zero weight change nothing (``presorted``: ``values`` are in increasing order).
    """
    total = weights.sum()
    mean = (weights @ values) / total
    sd = math.sqrt(float(weights @ (values - mean) ** 2) / total)
    q25, q75 = weighted_quantile(values, weights, np.array([0.25, 0.75]), presorted=presorted)
    spread = min(sd, (q75 - q25) / 1.34) if q75 > q25 else sd
    n_eff = total**2 / float(weights @ weights)
    return 0.9 * spread * n_eff ** (-0.2) if spread > 0 else 1e-6


def kernel_density(values: np.ndarray, weights: np.ndarray, at: np.ndarray, h: float) -> np.ndarray:
    """Gaussian kernel density estimate of ``values`` at the points ``at``."""
    at = np.atleast_1d(at)
    u = (at[:, None] - values[None, :]) / h
    dens = (np.exp(-0.5 * u * u) @ weights) / (weights.sum() * h * math.sqrt(2 * math.pi))
    return dens


#: Half-width of the window of :func:`kernel_density_sorted`, in bandwidths: a point farther away
#: adds less than ``exp(-72)`` of its weight, far below rounding.
KERNEL_REACH = 12.0


def kernel_density_sorted(
    values: np.ndarray, weights: np.ndarray, at: np.ndarray, h: float
) -> np.ndarray:
    """:func:`kernel_density` of ``values`` in increasing order, each point ``at`` summing only
    over the values within :data:`KERNEL_REACH` bandwidths (no ``(points x rows)`` temporary)."""
    at = np.atleast_1d(at)
    total = weights.sum()
    lows = np.searchsorted(values, at - KERNEL_REACH * h, side="left")
    highs = np.searchsorted(values, at + KERNEL_REACH * h, side="right")
    dens = np.empty(at.size)
    for i, (point, lo, hi) in enumerate(zip(at, lows, highs, strict=True)):
        u = (point - values[lo:hi]) / h
        dens[i] = np.exp(-0.5 * u * u) @ weights[lo:hi]
    return dens / (total * h * math.sqrt(2 * math.pi))


# --------------------------------------------------------------------------------------------
# Bootstrap summaries
# --------------------------------------------------------------------------------------------


def stratified_indices(rng: np.random.Generator, strata: list[np.ndarray]) -> np.ndarray:
    """One bootstrap resample: rows drawn with replacement within each stratum."""
    return np.concatenate([s[rng.integers(0, s.size, s.size)] for s in strata])


def boot_summary(
    draws: np.ndarray, estimate: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap SE, normal interval and bias-corrected estimate over replicates (axis 0).

    The SE is the plain standard deviation of the replicates (``ddof=1``, nothing trimmed); the
    interval is ``estimate -/+ z SE`` (as Stata's ``bootstrap`` and R's ``ddecompose`` report;
    percentile intervals of quantile statistics are unstable when pay has ties); the bias-corrected
    estimate is ``2 estimate - mean(replicates)``. Replicates with NaN (failed) are left out.
    """
    ok = ~np.isnan(draws).any(axis=tuple(range(1, draws.ndim)))
    good = draws[ok]
    if good.shape[0] < 2:
        nan = np.full(draws.shape[1:], np.nan)
        return nan, nan, nan, nan
    se = good.std(axis=0, ddof=1)
    z = z_value(level)
    return se, estimate - z * se, estimate + z * se, 2 * estimate - good.mean(axis=0)
