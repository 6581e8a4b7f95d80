"""Change in segregation between two snapshots, split into what moved it.

Segregation can fall because women and men now work in more similar occupations (a *structural*
change), but also because the sex mix of the workforce changed, because mixed occupations grew, or
because occupations were created or abolished. :func:`decompose_change` separates these, following
Elbers (2021):

1. **Additions and removals.** Units (or groups) present in only one snapshot are set aside:
   ``removals = I(t1 restricted to the common units and groups) - I(t1)`` and
   ``additions = I(t2) - I(t2 restricted)``. These do not depend on any fitting.
2. **Margins and structure** of the common part, by iterative proportional fitting (IPF, Deming and
   Stephan 1940): a table ``XYZ`` has the group margin of snapshot X, the unit margin of Y and
   the association structure (odds ratios) of Z, so ``AAA`` is the restricted t1, ``BBB`` the
   restricted t2, and ``BBA`` is t1 raked to t2's margins. With method ``"shapley"`` the change
   ``I(BBB) - I(AAA)`` is split symmetrically (Shapley value of "margins" against "structure",
   Deutsch, Flückiger and Silber 2009):

   .. math:: \\text{structural} = \\tfrac12[I(AAB) - I(AAA)] + \\tfrac12[I(BBB) - I(BBA)]

   and the marginal part ``1/2 [I(BBA) - I(AAA)] + 1/2 [I(BBB) - I(AAB)]`` is split again
   symmetrically into a group-marginal part (the change in the overall sex mix) and a
   unit-marginal part (the change in occupation sizes), averaging the four paths that change one
   margin with the other held at A or B. Swapping the snapshots flips every sign and nothing else.
   With method ``"km"`` t1 is adjusted forward only, as in Karmel and MacLachlan (1988):
   composition (group margin alone), mix (unit margin alone), their interaction, and the
   structural rest ``I(BBB) - I(BBA)``.

Every decomposition adds up exactly: ``additions + removals + marginal parts + structural =
I(t2) - I(t1)``, whatever the precision of the fit, because the counterfactual terms cancel in
pairs. The fit still matters for how the change is shared out, so IPF here starts from the source
table itself (a deterministic start: no random or uniform seed table) and stops only when every
margin matches its target to a *relative* tolerance, ``max |log(fitted / target)| <= tol``. An
absolute tolerance on shares, as used elsewhere, stops early on margins of a fraction of a percent
(small occupations), which can flip the sign of a small structural term. Cells that are empty in
the table being fitted stay empty (a unit with no women keeps none): Elbers' R package instead
puts 1e-4 people in every empty cell of the common table before fitting, so its split between the
marginal and structural parts can differ slightly from this one on tables with many empty cells;
additions, removals and the total do not depend on the fit and agree exactly.

References
----------
Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table
when the expected marginal totals are known. *Annals of Mathematical Statistics* 11(4), 427-444.

Deutsch, J., Flückiger, Y. and Silber, J. (2009). Analyzing changes in occupational segregation:
the case of Switzerland (1970-2000). *Research on Economic Inequality* 17, 171-202.

Elbers, B. (2021). A method for studying differences in segregation across time and space.
*Sociological Methods & Research* 52(1), 5-42.

Karmel, T. and MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
*Economic Record* 64(3), 187-195.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.random import make_rng
from research.core.results import Result
from research.segregation import bootstrap, kernels, registry
from research.segregation.cells import Cells, Comparison, comparison, pair, restrict, tabulate

#: Indices :func:`decompose_change` can decompose when this module was imported (two-group ones
#: need exactly two groups); the registry's indices with ``change=True`` are the live list.
CHANGE_INDICES = tuple(index.name for index in registry.indices(change=True))
METHODS = ("shapley", "km")


class IPFWarning(UserWarning):
    """Iterative proportional fitting stopped before every margin matched its target."""


# --------------------------------------------------------------------------------------------------
# Iterative proportional fitting
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """Result of :func:`fit_margins`: the fitted tables and how well they match."""

    table: np.ndarray
    iterations: int
    max_log_error: float
    converged: bool


def _safe_ratio(target: np.ndarray, current: np.ndarray) -> np.ndarray:
    """``target / current`` where both are positive; 1 elsewhere (empty lines stay as they are)."""
    ok = (current > 0) & (target > 0)
    return np.divide(target, current, out=np.ones_like(current), where=ok)


def _log_error(current: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Largest ``|log(current / target)|`` over margins with a positive target (inf if unreachable)."""
    want = target > 0
    ok = want & (current > 0)
    err = np.where(ok, np.abs(np.log(np.where(ok, current, 1.0) / np.where(ok, target, 1.0))), 0.0)
    err = np.where(want & ~ok, np.inf, err)
    err = np.where(~want & (current > 0), np.inf, err)
    return err.max(axis=-1)


def fit_margins(
    source: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> Fit:
    """Rake ``source`` to the given row and column totals (IPF), vectorised over leading axes.

    ``source`` has shape ``(..., rows, columns)``; ``rows`` and ``columns`` the matching targets
    (columns are rescaled to the rows' total). Starts from ``source`` itself and alternates column
    and row scaling until ``max |log(margin / target)| <= tol`` for every table; cells that are zero
    in ``source`` stay zero (the association structure is kept, Deming and Stephan 1940).
    """
    x = np.array(source, dtype=np.float64, copy=True)
    rows = np.asarray(rows, dtype=np.float64)
    columns = np.asarray(columns, dtype=np.float64)
    row_total = rows.sum(axis=-1, keepdims=True)
    col_total = columns.sum(axis=-1, keepdims=True)
    columns = columns * np.divide(
        row_total, col_total, out=np.ones_like(row_total), where=col_total > 0
    )
    error = np.inf
    for iteration in range(1, max_iter + 1):
        x *= _safe_ratio(columns, x.sum(axis=-2))[..., None, :]
        x *= _safe_ratio(rows, x.sum(axis=-1))[..., :, None]
        error = float(
            max(
                np.max(_log_error(x.sum(axis=-2), columns)),
                np.max(_log_error(x.sum(axis=-1), rows)),
            )
        )
        if error <= tol:
            return Fit(x, iteration, error, True)
    return Fit(x, max_iter, error, False)


def ipf(
    source: pd.DataFrame,
    target: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> pd.DataFrame:
    """Adjust ``source`` to the group and unit margins of ``target``, keeping its structure.

    Iterative proportional fitting (Deming and Stephan 1940) on the units and groups present in
    both tables, starting from the source counts, with the relative convergence test described in
    the module docstring. The result is on the target's scale, as in Karmel and MacLachlan's
    (1988) worked example.

    Parameters
    ----------
    source, target : pandas.DataFrame
        Long-form tables with the same ``by``, ``unit`` and ``weight`` columns.
    by, unit, weight : str
        Column roles.
    tol : float, default 1e-10
        Largest allowed ``|log(fitted margin / target margin)|``.
    max_iter : int, default 10000
        Iteration limit; a warning (:class:`IPFWarning`) says when it was reached.

    Returns
    -------
    pandas.DataFrame
        One row per common unit x group: ``n`` (fitted), ``n_source`` and ``n_target``;
        ``attrs`` records ``iterations``, ``max_log_error`` and ``converged``.
    """
    cells_s = tabulate(source, by, unit, weight)
    cells_t = tabulate(target, by, unit, weight)
    n_s, n_t, units, groups = _align(cells_s, cells_t)
    common_u, common_g = _common(n_s, n_t)
    a = n_s[np.ix_(common_u, common_g)]
    b = n_t[np.ix_(common_u, common_g)]
    fit = fit_margins(a, b.sum(axis=1), b.sum(axis=0), tol=tol, max_iter=max_iter)
    _warn_fit(fit, tol)
    u_idx, g_idx = np.meshgrid(np.flatnonzero(common_u), np.flatnonzero(common_g), indexing="ij")
    frame = pd.DataFrame(
        {
            unit: units[u_idx.ravel()],
            by: groups[g_idx.ravel()],
            "n": fit.table.ravel(),
            "n_source": a.ravel(),
            "n_target": b.ravel(),
        }
    )
    frame.attrs.update(
        iterations=fit.iterations, max_log_error=fit.max_log_error, converged=fit.converged
    )
    return frame


def _warn_fit(fit: Fit, tol: float) -> None:
    if not fit.converged:
        warnings.warn(
            f"Iterative proportional fitting stopped after {fit.iterations} iterations with a "
            f"largest relative margin error of {fit.max_log_error:.2g} (tolerance {tol:g}). Cells "
            "that are empty in one snapshot can make the other snapshot's margins unreachable; "
            "pool small occupations, or raise max_iter.",
            IPFWarning,
            stacklevel=3,
        )


# --------------------------------------------------------------------------------------------------
# Alignment of two snapshots
# --------------------------------------------------------------------------------------------------


def _align(c1: Cells, c2: Cells) -> tuple[np.ndarray, np.ndarray, pd.Index, pd.Index]:
    """Both tables on the union of units and of groups (zeros where absent)."""
    units = c1.units.append(c2.units).unique()
    groups = c1.groups.append(c2.groups).unique()
    out = []
    for cells in (c1, c2):
        table = np.zeros((len(units), len(groups)))
        table[np.ix_(units.get_indexer(cells.units), groups.get_indexer(cells.groups))] = (
            cells.counts
        )
        out.append(table)
    return out[0], out[1], pd.Index(units), pd.Index(groups)


def _common(n1: np.ndarray, n2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Units and groups with members in both tables (after restricting to each other)."""
    keep_u = np.ones(n1.shape[0], dtype=bool)
    keep_g = np.ones(n1.shape[1], dtype=bool)
    while True:
        sub1, sub2 = n1[np.ix_(keep_u, keep_g)], n2[np.ix_(keep_u, keep_g)]
        new_u = keep_u.copy()
        new_u[keep_u] = (sub1.sum(axis=1) > 0) & (sub2.sum(axis=1) > 0)
        new_g = keep_g.copy()
        new_g[keep_g] = (sub1.sum(axis=0) > 0) & (sub2.sum(axis=0) > 0)
        if (new_u == keep_u).all() and (new_g == keep_g).all():
            return keep_u, keep_g
        keep_u, keep_g = new_u, new_g


# --------------------------------------------------------------------------------------------------
# The decomposition
# --------------------------------------------------------------------------------------------------


def _index_function(index: str, base: float, beta: float) -> Callable[[np.ndarray], float]:
    """Index of a ``(units, groups)`` table (two-group indices read the two columns)."""
    log_base = math.log(base)
    if index in ("M", "H"):

        def entropy_index(n: np.ndarray) -> float:
            m, e = kernels.mutual_information(n)
            return float(m / log_base) if index == "M" else float(m / e) if e > 0 else math.nan

        return entropy_index
    compute = registry.get(index).compute

    def two_group_index(n: np.ndarray) -> float:
        keep = n.sum(axis=1) > 0
        return float(compute(n[keep, 0], n[keep, 1], beta))

    return two_group_index


def _decompose(
    n1: np.ndarray,
    n2: np.ndarray,
    index: Callable[[np.ndarray], float],
    method: str,
    tol: float,
    max_iter: int,
) -> tuple[dict[str, float], dict]:
    """Components of ``index(n2) - index(n1)`` for aligned tables (units x groups)."""
    common_u, common_g = _common(n1, n2)
    if common_u.sum() < 2 or common_g.sum() < 2:
        raise InputError(
            "The two snapshots share fewer than two units or groups with members in both: "
            "there is no common part whose change can be decomposed."
        )
    i1, i2 = index(n1), index(n2)
    a = n1[np.ix_(common_u, common_g)]
    b = n2[np.ix_(common_u, common_g)]
    pa, pb = a / a.sum(), b / b.sum()
    ua, ga, ub, gb = pa.sum(axis=1), pa.sum(axis=0), pb.sum(axis=1), pb.sum(axis=0)
    i_aaa, i_bbb = index(pa), index(pb)
    parts = {"additions": i2 - i_bbb, "removals": i_aaa - i1}
    if method == "shapley":
        # XYZ = group margin of X, unit margin of Y, structure of Z.
        sources = np.stack([pa, pa, pa, pb, pb, pb])
        row_targets = np.stack([ub, ub, ua, ua, ua, ub])
        col_targets = np.stack([gb, ga, gb, ga, gb, ga])
        fit = fit_margins(sources, row_targets, col_targets, tol=tol, max_iter=max_iter)
        bba, aba, baa, aab, bab, abb = (index(t) for t in fit.table)
        parts["group_marginal"] = 0.25 * ((baa - i_aaa) + (bba - aba) + (i_bbb - abb) + (bab - aab))
        parts["unit_marginal"] = 0.25 * ((aba - i_aaa) + (bba - baa) + (i_bbb - bab) + (abb - aab))
        parts["structural"] = 0.5 * (aab - i_aaa) + 0.5 * (i_bbb - bba)
    else:
        fit = fit_margins(pa, ub, gb, tol=tol, max_iter=max_iter)
        bba = index(fit.table)
        composition = index(pa * (gb / ga)[None, :])
        mix = index(pa * (ub / ua)[:, None])
        parts["group_marginal"] = composition - i_aaa
        parts["unit_marginal"] = mix - i_aaa
        parts["interaction"] = (bba - i_aaa) - parts["group_marginal"] - parts["unit_marginal"]
        parts["structural"] = i_bbb - bba
    info = {
        "before": i1,
        "after": i2,
        "iterations": fit.iterations,
        "max_log_error": fit.max_log_error,
        "converged": fit.converged,
        "n_common_units": int(common_u.sum()),
        "n_common_groups": int(common_g.sum()),
        "n_units_removed": int(((n1.sum(axis=1) > 0) & ~common_u).sum()),
        "n_units_added": int(((n2.sum(axis=1) > 0) & ~common_u).sum()),
    }
    return parts, info


@dataclass(frozen=True)
class ChangeDecomposition(Result):
    """A change in a segregation index split into parts that add up to it exactly.

    Attributes
    ----------
    index, method : str
        The index decomposed and ``"shapley"`` or ``"km"``.
    before, after, difference : float
        The index in each snapshot and ``after - before``.
    components : dict[str, float]
        ``additions``, ``removals``, ``group_marginal``, ``unit_marginal``, (``interaction`` for
        ``"km"``) and ``structural``; they add up to ``difference``.
    labels : dict[str, str]
        Plain-language label of each row of :meth:`to_frame`.
    uncertainty : dict[str, dict]
        Bootstrap ``se``, ``ci`` and ``bias_corrected`` per row, when requested.
    diagnostics : dict
        IPF iterations, largest margin error, convergence, common/added/removed units.
    """

    index: str
    method: str
    before: float
    after: float
    components: dict[str, float]
    labels: dict[str, str]
    uncertainty: dict[str, dict] = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)
    n_boot: int = 0
    title: str = "Decomposition of the change in segregation"

    @property
    def difference(self) -> float:
        return self.after - self.before

    def to_frame(self) -> pd.DataFrame:
        values = {
            "before": self.before,
            "after": self.after,
            "difference": self.difference,
            **self.components,
        }
        rows = []
        for key, value in values.items():
            extra = self.uncertainty.get(key, {})
            low, high = extra.get("ci", (math.nan, math.nan))
            rows.append(
                {
                    "component": key,
                    "label": self.labels[key],
                    "estimate": value,
                    "se": extra.get("se", math.nan),
                    "ci_low": low,
                    "ci_high": high,
                    "bias_corrected": extra.get("bias_corrected", math.nan),
                    "n_boot": self.n_boot,
                }
            )
        return pd.DataFrame(rows)


def _labels(index: str, group: str, unit: str, method: str) -> dict[str, str]:
    name = registry.INDEX_LABELS.get(index, index)
    labels = {
        "before": f"{name}, first snapshot",
        "after": f"{name}, second snapshot",
        "difference": "Total change",
        "additions": f"Additions: {unit} categories found only in the second snapshot",
        "removals": f"Removals: {unit} categories found only in the first snapshot",
        "group_marginal": f"Group margin: change in the overall {group} mix",
        "unit_marginal": f"Unit margin: change in the size of each {unit} category",
        "structural": "Structural: change in who works where, with both margins held fixed",
    }
    if method == "km":
        labels["group_marginal"] = f"Composition: change in the overall {group} mix"
        labels["unit_marginal"] = f"Mix: change in the size of each {unit} category"
        labels["interaction"] = "Interaction of the composition and mix changes"
        labels["structural"] = "Segregation: change in who works where, margins held at t2"
    return labels


def decompose_change(
    data_t1: pd.DataFrame,
    data_t2: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    method: str = "shapley",
    *,
    index: str = "M",
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    base: float = math.e,
    b: float = 0.5,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> ChangeDecomposition:
    """Split the change of a segregation index between two snapshots (Elbers 2021).

    Components (module docstring): ``additions`` and ``removals`` (units or groups found in only
    one snapshot), ``group_marginal`` (the change in the overall group mix, e.g. more women),
    ``unit_marginal`` (the change in unit sizes, e.g. a growing female-dominated occupation) and
    ``structural`` (a change in who works where once both margins are held fixed: the part of
    the change that is segregation itself); with ``method="km"`` also ``interaction``. They add up
    exactly to ``index(t2) - index(t1)``.

    Parameters
    ----------
    data_t1, data_t2 : pandas.DataFrame
        The two snapshots, long form, with the same columns.
    by, unit, weight : str
        Column roles, as for :func:`research.segregation.mutual_information` (``by``: the group
        column, e.g. ``"sex"``).
    method : {"shapley", "km"}
        Symmetric Shapley decomposition (Elbers 2021) or Karmel and MacLachlan's (1988) forward
        adjustment.
    index : str, default "M"
        A registered index with ``change=True`` (:data:`CHANGE_INDICES`). M (the default) works
        with any number of groups; the two-group indices need two groups (``compare=a,
        reference=b`` when there are more).
    compare, reference : value, optional
        Restrict both snapshots to these two groups (``groups=(a, b)``: older spelling).
    base : float, default math.e
        Logarithm base of M.
    b : float, default 0.5
        Atkinson's parameter when ``index="Atkinson"``.
    tol, max_iter
        IPF convergence: largest ``|log(fitted margin / target)|`` and iteration limit.
    n_boot, seed, ci_level
        Bootstrap: both snapshots are redrawn independently and the whole decomposition repeated.

    Returns
    -------
    ChangeDecomposition

    References
    ----------
    Elbers, B. (2021). A method for studying differences in segregation across time and space.
    *Sociological Methods & Research* 52(1), 5-42.

    Karmel, T. and MacLachlan, M. (1988). Occupational sex segregation: increasing or
    decreasing? *Economic Record* 64(3), 187-195.
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}.")
    decomposable = [i.name for i in registry.indices(change=True)]
    if index not in decomposable:
        raise InputError(f"index must be one of {', '.join(decomposable)}, got {index!r}.")
    if isinstance(base, bool) or not isinstance(base, int | float) or base <= 0 or base == 1:
        raise InputError(f"base must be a positive number other than 1, got {base!r}.")
    if not isinstance(tol, int | float) or not tol > 0:
        raise InputError(f"tol must be a positive number, got {tol!r}.")
    n_boot = bootstrap.check_n_boot(n_boot)
    ci_level = bootstrap.check_level(ci_level)
    spec = comparison(compare, reference, groups)
    cells1 = tabulate(data_t1, by, unit, weight)
    cells2 = tabulate(data_t2, by, unit, weight)
    if index not in ("M", "H") or spec.given:
        labels = _pair_labels(cells1, cells2, spec)
        cells1, cells2 = restrict(cells1, labels), restrict(cells2, labels)
    n1, n2, _, _ = _align(cells1, cells2)
    function = _index_function(index, base, b)
    parts, info = _decompose(n1, n2, function, method, tol, max_iter)
    if not info["converged"]:
        _warn_fit(Fit(np.empty(0), info["iterations"], info["max_log_error"], False), tol)
    uncertainty: dict[str, dict] = {}
    if n_boot:
        uncertainty = _bootstrap_change(
            n1, n2, function, method, tol, max_iter, n_boot, seed, ci_level, parts, info
        )
    return ChangeDecomposition(
        index=index,
        method=method,
        before=info.pop("before"),
        after=info.pop("after"),
        components=parts,
        labels=_labels(index, by, unit, method),
        uncertainty=uncertainty,
        diagnostics=info,
        n_boot=n_boot,
    )


def _pair_labels(c1: Cells, c2: Cells, spec: Comparison) -> tuple:
    if spec.rest or (spec.compare is not None and spec.reference is None and len(c1.groups) > 2):
        raise InputError(
            "A change decomposition compares two named groups: give compare=a, reference=b."
        )
    _, _, labels1, _ = pair(c1, spec)
    _, _, labels2, _ = pair(c2, labels1)
    return labels2


def _bootstrap_change(
    n1: np.ndarray,
    n2: np.ndarray,
    function: Callable[[np.ndarray], float],
    method: str,
    tol: float,
    max_iter: int,
    n_boot: int,
    seed: int | None,
    ci_level: float,
    parts: dict[str, float],
    info: dict,
) -> dict[str, dict]:
    """Redraw both snapshots and repeat the decomposition (a loop over replicates, each one a
    vectorised six-table fit)."""
    rng = make_rng(seed)
    reps1 = bootstrap.redraw(n1, n_boot, rng)
    reps2 = bootstrap.redraw(n2, n_boot, rng)
    keys = ["before", "after", "difference", *parts]
    draws = {k: np.full(n_boot, np.nan) for k in keys}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IPFWarning)
        for r in range(n_boot):
            try:
                rep_parts, rep_info = _decompose(
                    reps1[r], reps2[r], function, method, tol, max_iter
                )
            except InputError:
                continue
            for key, value in rep_parts.items():
                draws[key][r] = value
            draws["before"][r], draws["after"][r] = rep_info["before"], rep_info["after"]
            draws["difference"][r] = rep_info["after"] - rep_info["before"]
    observed = {"before": info["before"], "after": info["after"], **parts}
    observed["difference"] = info["after"] - info["before"]
    unbounded = (-math.inf, math.inf)
    return {
        key: bootstrap.summarise(observed[key], draws[key], ci_level, unbounded) for key in keys
    }


def karmel_maclachlan_change(
    data_t1: pd.DataFrame,
    data_t2: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> ChangeDecomposition:
    """Karmel and MacLachlan's (1988) decomposition of a change in their index IP.

    t1 is raked (IPF) to t2's sex and occupation margins. The change in IP is then

    * **composition**: IP of t1 with only the sex margin moved to t2's (every woman's and every
      man's weight scaled), minus IP of t1: what the change in the share of women alone did;
    * **mix**: the same with only the occupation sizes moved to t2's;
    * **interaction**: the effect of moving both margins together, beyond the two alone;
    * **segregation**: IP of t2 minus IP of the raked t1, the change in who works where with
      both margins held at t2's;

    plus additions and removals of occupations found in only one snapshot (Elbers 2021). The
    parts add up exactly to ``IP(t2) - IP(t1)``. This is :func:`decompose_change` with
    ``method="km", index="IP"``.

    Parameters
    ----------
    data_t1, data_t2, by, unit, weight, compare, reference, groups, tol, max_iter, n_boot, seed,
    ci_level
        As for :func:`decompose_change`.

    Returns
    -------
    ChangeDecomposition

    References
    ----------
    Karmel, T. and MacLachlan, M. (1988). Occupational sex segregation: increasing or
    decreasing? *Economic Record* 64(3), 187-195.
    """
    return decompose_change(
        data_t1,
        data_t2,
        by,
        unit,
        weight,
        "km",
        index="IP",
        compare=compare,
        reference=reference,
        groups=groups,
        tol=tol,
        max_iter=max_iter,
        n_boot=n_boot,
        seed=seed,
        ci_level=ci_level,
    )
