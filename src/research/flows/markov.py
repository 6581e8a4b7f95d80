"""Markov manpower-planning projection of women's share of each grade.

Follows Bartholomew, Forbes and McClean, *Statistical Techniques for Manpower Planning* (2nd ed.,
Wiley 1991), chapter 3 ("Markov models"): the workforce is a vector of stocks ``n(t)`` over
states (sex x grade), and one year moves it on as

.. math:: n(t+1) = n(t)\\,P + R(t)\\,r

where ``P`` holds the probabilities ``p_ij`` of being in grade ``j`` a year after being in grade
``i`` (block-diagonal by sex: nobody changes sex), estimated as observed flows over stocks,
``p_ij = n_ij / n_i`` pooled over the observed years (the maximum likelihood estimator, ch. 3.6);
wastage is ``w_i = 1 - sum_j p_ij`` (leavers / stock); ``r`` is the recruitment distribution over
(sex, grade), the observed shares of starters; and the number of recruits replaces the year's
wastage plus the observed growth, ``R(t) = max(n(t) w' + g N(t), 0)`` with
``g = (recruits - leavers) / stock`` over the observed years. With ``R(t) >= 0`` the model is
linear, ``n(t) = n(0) Q^t`` with ``Q = P + (w + g 1)' r`` (the closed form the tests check).

**Uncertainty** by bootstrap over employees: each replicate resamples employees with replacement
(every move of a drawn employee counts as often as they were drawn), re-estimates ``P``, ``w``,
``r``, ``g`` and the starting stocks, and projects again; bands are percentiles.

**Years to the target**: the first whole year ``t`` in which women's share of the top grades
(the ``top_grades`` highest grade ranks) is at least the target; 0 when it already is; "not
within the horizon" when the projection never gets there (the long-run share, the limit of the
projection, says where it settles). **Scenarios**: ``equal_promotion`` gives women men's
promotion probabilities from every grade (keeping women's wastage; the probability of staying
absorbs the difference); ``equal_recruitment`` recruits women and men into the grades in the same
proportions (the recruitment table is the product of its margins: each sex's share of recruits
and each grade's share are kept); ``both`` does both.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.random import make_rng
from research.core.results import Result
from research.flows.measures import check_moves, is_value

__all__ = [
    "SCENARIOS",
    "FlowCounts",
    "ManpowerModel",
    "Projection",
    "estimate",
    "flow_counts",
    "project",
    "project_model",
    "scenario",
    "years_to",
]

SCENARIOS = ("current", "equal_promotion", "equal_recruitment", "both")
SEXES = ("F", "M")
HORIZON = 100


@dataclass(frozen=True)
class _Codes:
    """Integer codes of the moves, for counting with bincount (one row per move)."""

    employee: np.ndarray  # employee index
    sex: np.ndarray  # 0 women, 1 men, -1 other
    start: np.ndarray  # grade index at the start, -1 absent
    end: np.ndarray  # grade index at the end, -1 absent
    last: np.ndarray  # bool: the period ends at the last snapshot
    n_employees: int
    grades: np.ndarray  # grade ranks, lowest first
    periods: int


def _codes(moves: pd.DataFrame) -> _Codes:
    check_moves(moves)
    rank_values = {
        column: moves[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        for column in ("grade_rank_from", "grade_rank_to")
    }
    seen = [pd.unique(v[~np.isnan(v)]) for v in rank_values.values()]
    if not sum(len(s) for s in seen):
        raise InputError(
            "The snapshots record no grade ranks, so flows between grades cannot be modelled: "
            "map grade and grade_rank (the order of the grades, 1 = lowest)."
        )
    grades = np.unique(np.concatenate(seen).astype("int64"))

    def index(column: str) -> np.ndarray:
        values = rank_values.pop(column)
        found = np.searchsorted(grades, values).astype(np.int32)  # a blank sorts last
        found[np.isnan(values)] = -1
        return found

    women, men = is_value(moves["sex"], "F"), is_value(moves["sex"], "M")
    sex_code = np.select([women, men], [0, 1], -1).astype(np.int8)
    del women, men
    employee, _ = pd.factorize(moves["employee_id"])
    end = moves["period_end"].to_numpy()
    return _Codes(
        employee=employee.astype(np.int32 if len(employee) < 2**31 else np.int64),
        sex=sex_code,
        start=index("grade_rank_from"),
        end=index("grade_rank_to"),
        last=end == end.max(),
        n_employees=int(employee.max()) + 1,
        grades=grades,
        periods=int(moves["period_end"].nunique()),
    )


@dataclass(frozen=True)
class FlowCounts:
    """The counts a Markov model is estimated from (arrays indexed [sex, grade(, grade)])."""

    grades: np.ndarray
    stock: np.ndarray  # (2, K) at the start of each period, summed over periods
    flows: np.ndarray  # (2, K, K) stayers from grade i to grade j
    leavers: np.ndarray  # (2, K)
    recruits: np.ndarray  # (2, K) by grade at the end of the period
    initial: np.ndarray  # (2, K) at the last snapshot
    periods: int


def _cells(codes: _Codes) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each count of :class:`FlowCounts` (stock, flows, leavers, recruits, initial): the
    cell of each move counted and its employee, in the moves' order (computed once, then
    weighted by each bootstrap replicate)."""
    k = codes.grades.size
    small = np.int32 if 2 * k * k < 2**31 else np.int64
    binary = codes.sex >= 0
    s = codes.sex.astype(small)
    has_start, has_end = codes.start >= 0, codes.end >= 0

    def part(mask: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return cell[mask].astype(small, copy=False), codes.employee[mask]

    # one count at a time, so only one mask and one cell per move exist at once
    return [
        part(binary & has_start, s * k + codes.start),
        part(binary & has_start & has_end, (s * k + codes.start) * k + codes.end),
        part(binary & has_start & ~has_end, s * k + codes.start),
        part(binary & ~has_start & has_end, s * k + codes.end),
        part(binary & has_end & codes.last, s * k + codes.end),
    ]


def _counts(
    codes: _Codes,
    weights: np.ndarray | None = None,
    cells: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> FlowCounts:
    """The counts, each move weighted by its employee's weight (``weights``; bootstrap)."""
    k = codes.grades.size
    cells = _cells(codes) if cells is None else cells
    sizes = (2 * k, 2 * k * k, 2 * k, 2 * k, 2 * k)
    shapes = ((2, k), (2, k, k), (2, k), (2, k), (2, k))
    stock, flows, leavers, recruits, initial = (
        np.bincount(
            cell, weights=None if weights is None else weights[employee], minlength=size
        ).reshape(shape)
        for (cell, employee), size, shape in zip(cells, sizes, shapes, strict=True)
    )
    return FlowCounts(codes.grades, stock, flows, leavers, recruits, initial, codes.periods)


def flow_counts(moves: pd.DataFrame) -> FlowCounts:
    """Stocks, flows between grades, leavers and recruits by sex, from a moves table.

    Moves whose grade rank is blank at an end where the employee is present are left out of the
    flows (they cannot be placed in a grade); people of another or no recorded sex are left out.
    """
    return _counts(_codes(moves))


@dataclass(frozen=True)
class ManpowerModel:
    """A fitted Markov manpower model: ``n(t+1) = n(t) P + R(t) r``.

    ``P`` (2, K, K) by sex, ``wastage`` (2, K), ``recruitment`` (2K, women's grades first, summing
    to 1), ``growth`` (recruits beyond replacement, share of the headcount), ``initial`` (2K).
    """

    grades: np.ndarray
    P: np.ndarray
    wastage: np.ndarray
    recruitment: np.ndarray
    growth: float
    initial: np.ndarray

    @property
    def block(self) -> np.ndarray:
        """``P`` as one (2K, 2K) block-diagonal matrix."""
        k = self.grades.size
        out = np.zeros((2 * k, 2 * k))
        out[:k, :k], out[k:, k:] = self.P[0], self.P[1]
        return out

    def matrix(self) -> np.ndarray:
        """``Q = P + (w + g)' r``: one year of the model while recruitment is non-negative."""
        return self.block + np.outer(self.wastage.ravel() + self.growth, self.recruitment)


def estimate(counts: FlowCounts) -> ManpowerModel:
    """Maximum likelihood estimates ``p_ij = n_ij / n_i``, wastage, recruitment and growth.

    A grade nobody of one sex was in at the start of a period takes the other sex's rates; a
    grade nobody was in keeps whoever enters it (no wastage).
    """
    stock = counts.stock
    with np.errstate(invalid="ignore", divide="ignore"):
        P = counts.flows / stock[:, :, None]
        w = counts.leavers / stock
    for sex in (0, 1):
        empty = stock[sex] == 0
        other = 1 - sex
        use = empty & (stock[other] > 0)
        P[sex, use] = P[other, use]
        w[sex, use] = w[other, use]
        none = empty & ~use
        P[sex, none] = np.eye(counts.grades.size)[none]
        w[sex, none] = 0.0
    total = counts.recruits.sum()
    recruitment = counts.recruits.ravel() / total if total > 0 else np.zeros(counts.recruits.size)
    base = stock.sum()
    growth = float((counts.recruits.sum() - counts.leavers.sum()) / base) if base else 0.0
    return ManpowerModel(
        counts.grades, P, w, recruitment, growth, counts.initial.ravel().astype(float)
    )


def scenario(model: ManpowerModel, name: str) -> ManpowerModel:
    """The model under a scenario of :data:`SCENARIOS` (module docstring)."""
    if name not in SCENARIOS:
        raise InputError(f"Unknown scenario {name!r}: choose from {', '.join(SCENARIOS)}.")
    out = model
    if name in ("equal_promotion", "both"):
        P = model.P.copy()
        upper = np.triu(np.ones_like(P[0], dtype=bool), 1)
        P[0][upper] = model.P[1][upper]
        off = P[0].sum(axis=1) - np.diag(P[0])
        np.fill_diagonal(P[0], np.clip(1 - model.wastage[0] - off, 0, 1))
        out = replace(out, P=P)
    if name in ("equal_recruitment", "both"):
        table = model.recruitment.reshape(2, -1)
        by_sex, by_grade = table.sum(axis=1), table.sum(axis=0)
        out = replace(out, recruitment=np.outer(by_sex, by_grade).ravel())
    return out


def project_model(model: ManpowerModel, years: int, start: np.ndarray | None = None) -> np.ndarray:
    """Stocks ``n(0) .. n(years)`` (years + 1, 2K) under the model."""
    n = model.initial if start is None else np.asarray(start, dtype=float)
    block, w = model.block, model.wastage.ravel()
    out = np.empty((years + 1, n.size))
    out[0] = n
    for t in range(years):
        recruits = max(float(n @ w + model.growth * n.sum()), 0.0)
        n = n @ block + recruits * model.recruitment
        out[t + 1] = n
    return out


def _women_share(paths: np.ndarray, columns: np.ndarray, k: int) -> np.ndarray:
    """Women's share of the grades ``columns`` along stock paths (..., 2K)."""
    women = paths[..., columns].sum(axis=-1)
    men = paths[..., k + columns].sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return women / (women + men)


def years_to(share: np.ndarray, target: float) -> float:
    """First whole year the share path is at least ``target``; inf if never within the path."""
    reached = np.flatnonzero(np.asarray(share) >= target - 1e-12)
    return float(reached[0]) if reached.size else math.inf


@dataclass(frozen=True)
class Projection(Result):
    """The projection of women's share by grade and of the top grades, by scenario.

    Attributes
    ----------
    shares
        ``scenario``, ``year`` (0 = last snapshot), ``calendar_year``, ``share`` (women's share of
        the top grades, %), ``low``, ``high`` (bootstrap band).
    grades
        ``scenario``, ``grade_rank``, ``share_now``, ``share_end``, ``low``, ``high``: women's share
        of each grade now and ``years`` ahead (%).
    parity
        ``scenario``, ``years`` to the target (inf: not within the horizon), ``low``, ``high``,
        ``calendar_year``, ``long_run`` (women's share of the top grades in the long run, %).
    target
        The target share (%); ``top`` the top grade ranks; ``model`` the fitted model.
    """

    shares: pd.DataFrame
    grades: pd.DataFrame
    parity: pd.DataFrame
    target: float
    top: tuple[int, ...]
    model: ManpowerModel
    years: int
    n_boot: int
    ci_level: float
    last_year: int
    title: str = "Projection of women's share of the top grades"

    def to_frame(self) -> pd.DataFrame:
        return self.parity


def project(
    moves: pd.DataFrame,
    *,
    years: int = 10,
    target: float | None = None,
    top_grades: int = 3,
    scenarios: Sequence[str] = SCENARIOS,
    n_boot: int = 200,
    ci_level: float = 0.95,
    seed: int = 2025,
    horizon: int = HORIZON,
) -> Projection:
    """Fit the model to ``moves`` and project ``years`` ahead under each scenario.

    Parameters
    ----------
    target
        Women's share of the top grades to reach, as a proportion; ``None``: their share of the
        whole workforce (women and men) at the last snapshot.
    top_grades
        How many of the highest grade ranks are "the top grades".
    n_boot
        Bootstrap replicates (resampling employees); 0 for none.
    horizon
        Years looked ahead for the year the target is reached (and for the long-run share).
    """
    if years < 1:
        raise InputError(f"years must be at least 1, got {years}.")
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        raise InputError(f"Unknown scenario {unknown}: choose from {', '.join(SCENARIOS)}.")
    codes = _codes(moves)
    k = codes.grades.size
    if not 1 <= top_grades < k:
        raise InputError(
            f"top_grades must be between 1 and {k - 1} (the data has {k} grade ranks), got "
            f"{top_grades}."
        )
    cells = _cells(codes)
    # from here only the sizes of the codes are used: the per-move arrays are let go
    empty = np.empty(0, dtype=np.int32)
    codes = replace(codes, employee=empty, sex=empty, start=empty, end=empty, last=empty)
    counts = _counts(codes, cells=cells)
    if counts.initial[0].sum() == 0 or counts.initial[1].sum() == 0:
        raise InputError("The last snapshot holds no women or no men in a ranked grade.")
    model = estimate(counts)
    if target is None:
        target = float(counts.initial[0].sum() / counts.initial.sum())
    if not 0 < target < 1:
        raise InputError(f"target must be a share between 0 and 1, got {target!r}.")
    top = np.arange(k - top_grades, k)
    last_year = int(pd.Timestamp(moves["period_end"].max()).year)
    length = max(horizon, years)
    scenarios = list(dict.fromkeys(scenarios))

    def run(m: ManpowerModel) -> tuple[np.ndarray, np.ndarray]:
        rows = []
        for name in scenarios:
            rows.append(project_model(scenario(m, name), length))
        paths = np.stack(rows)  # (S, T+1, 2K)
        return _women_share(paths, top, k), _women_share(paths[:, years], np.arange(k)[:, None], k)

    top_share, grade_share = run(model)
    rng = make_rng(seed)
    boot_top, boot_grade = [], []
    for _ in range(int(n_boot)):
        weights = np.bincount(
            rng.integers(0, codes.n_employees, codes.n_employees), minlength=codes.n_employees
        ).astype(float)
        replicate = estimate(_counts(codes, weights, cells))
        if replicate.initial[:k].sum() == 0 or replicate.initial[k:].sum() == 0:
            continue
        b_top, b_grade = run(replicate)
        boot_top.append(b_top)
        boot_grade.append(b_grade)
    alpha = (1 - ci_level) / 2
    if boot_top:
        stack_top = np.stack(boot_top)
        stack_grade = np.stack(boot_grade)
        with warnings.catch_warnings():  # a grade empty in every replicate has no band
            warnings.simplefilter("ignore", RuntimeWarning)
            low_top, high_top = np.nanquantile(stack_top, [alpha, 1 - alpha], axis=0)
            low_grade, high_grade = np.nanquantile(stack_grade, [alpha, 1 - alpha], axis=0)
        boot_years = np.array(
            [[years_to(b[i], target) for i in range(len(scenarios))] for b in stack_top]
        )
        low_years = np.quantile(boot_years, alpha, axis=0, method="inverted_cdf")
        high_years = np.quantile(boot_years, 1 - alpha, axis=0, method="inverted_cdf")
    else:
        low_top = high_top = np.full_like(top_share, np.nan)
        low_grade = high_grade = np.full_like(grade_share, np.nan)
        low_years = high_years = np.full(len(scenarios), np.nan)
    now_grade = _women_share(model.initial, np.arange(k)[:, None], k)
    shares, grades, parity = [], [], []
    for i, name in enumerate(scenarios):
        shares.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "year": np.arange(years + 1),
                    "calendar_year": last_year + np.arange(years + 1),
                    "share": 100 * top_share[i, : years + 1],
                    "low": 100 * low_top[i, : years + 1],
                    "high": 100 * high_top[i, : years + 1],
                }
            )
        )
        grades.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "grade_rank": codes.grades,
                    "share_now": 100 * now_grade,
                    "share_end": 100 * grade_share[i],
                    "low": 100 * low_grade[i],
                    "high": 100 * high_grade[i],
                }
            )
        )
        reached = years_to(top_share[i], target)
        parity.append(
            {
                "scenario": name,
                "years": reached,
                "low": float(low_years[i]),
                "high": float(high_years[i]),
                "calendar_year": last_year + reached if math.isfinite(reached) else math.inf,
                "long_run": 100 * float(top_share[i, -1]),
            }
        )
    return Projection(
        shares=pd.concat(shares, ignore_index=True),
        grades=pd.concat(grades, ignore_index=True),
        parity=pd.DataFrame(parity),
        target=100 * target,
        top=tuple(int(g) for g in codes.grades[top]),
        model=model,
        years=int(years),
        n_boot=len(boot_top),
        ci_level=ci_level,
        last_year=last_year,
    )
