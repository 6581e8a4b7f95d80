"""Synthetic linked snapshots: one council followed over several years, with known flow rates.

:func:`generate_flows` draws the first snapshot with :func:`research.data.synth.generate` and then
moves the same employees (same ``employee_id``) from one 31 March to the next. Each year, for an
employee of sex ``s`` in grade rank ``g`` (one uniform draw each, so the three outcomes exclude
each other):

- **leaves** with probability ``leave[s, g]``; a leaver's reason is voluntary with probability
  ``voluntary_share`` (else retirement, end of contract, dismissal or redundancy in fixed
  proportions);
- else is **promoted** one grade up with probability ``promote[s, g]`` (never from the top grade);
- else stays in the grade.

Recruits replace the leavers, plus ``growth`` times the headcount: their number is
``leavers + round(growth * headcount)``, and each recruit's grade and sex are drawn from the
recruitment distribution ``recruit[s, g]`` (a pyramid over grades, women's share of recruits
falling from the bottom to the top grade). A recruit copies the other attributes (occupation,
hours, age band, ethnicity, ...) of a randomly chosen employee of the same sex in the first
snapshot; their pay follows their grade. Grade changes scale pay by the ratio of the grades'
first spinal points.

The rates are the **truth** (:class:`FlowTruth`): the Markov manpower-planning model of
Bartholomew, Forbes and McClean (1991) with transition matrix ``P_s`` (stay on the diagonal,
promotion above it), wastage ``leave[s]`` and recruitment vector ``recruit``, so the flow
estimators and the projection of :mod:`research.flows` can be tested for recovering them. The
default ``promotion_ratio`` of 0.75 makes women's promotion rate three quarters of men's in every
grade (below the four-fifths line).

An events table comes with the snapshots (starters, leavers with their reason and date,
promotions), in the form :func:`research.data.longitudinal.read_events` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from research.data import synth

__all__ = [
    "LEAVER_REASONS",
    "FlowTruth",
    "SyntheticFlows",
    "flow_truth",
    "generate_flows",
]

#: Reasons for leaving (events tables use these codes).
LEAVER_REASONS = ("voluntary", "retirement", "end_of_contract", "dismissal", "redundancy")
#: Shares of the involuntary reasons among involuntary leavers (in the order above, without
#: voluntary).
_INVOLUNTARY_P = np.array([0.4, 0.3, 0.1, 0.2])

LAST_YEAR = 2025


@dataclass(frozen=True)
class FlowTruth:
    """The annual flow rates the generator draws from (the answers estimators should recover).

    Attributes
    ----------
    rates
        One row per sex (``F``, ``M``) and grade rank (1 = lowest): ``leave`` (probability of
        leaving within the year), ``voluntary_share`` (of leavers), ``promote`` (probability of
        moving one grade up), ``recruit`` (share of all recruits who are of this sex and grade).
    growth
        Recruits beyond replacement, as a share of the headcount.
    promotion_ratio
        Women's promotion probability / men's in every grade.
    """

    rates: pd.DataFrame
    growth: float
    promotion_ratio: float

    @property
    def grades(self) -> np.ndarray:
        return np.sort(self.rates["grade_rank"].unique())

    def _of(self, sex: str, column: str) -> np.ndarray:
        part = self.rates[self.rates["sex"] == sex].sort_values("grade_rank")
        return part[column].to_numpy(dtype=float)

    def transition_matrix(self, sex: str) -> np.ndarray:
        """``P_s``: probability of being in grade ``j`` next year for someone in grade ``i``
        now (rows sum to ``1 - leave``)."""
        leave, promote = self._of(sex, "leave"), self._of(sex, "promote")
        k = leave.size
        matrix = np.diag(1 - leave - promote)
        matrix[np.arange(k - 1), np.arange(1, k)] = promote[:-1]
        return matrix

    def wastage(self, sex: str) -> np.ndarray:
        return self._of(sex, "leave")

    def recruitment(self) -> np.ndarray:
        """Recruits' distribution over (sex, grade): women's grades first, then men's."""
        return np.concatenate([self._of("F", "recruit"), self._of("M", "recruit")])


def flow_truth(
    *,
    promotion_ratio: float = 0.75,
    growth: float = 0.0,
    voluntary_share: float = 0.6,
    n_grades: int = synth.N_GRADES,
) -> FlowTruth:
    """The flow rates of :func:`generate_flows` (see the module docstring)."""
    if not 0 <= promotion_ratio <= 2:
        raise ValueError(f"promotion_ratio must be in [0, 2], got {promotion_ratio!r}.")
    if not -0.2 <= growth <= 0.2:
        raise ValueError(f"growth must be in [-0.2, 0.2], got {growth!r}.")
    if not 0 <= voluntary_share <= 1:
        raise ValueError(f"voluntary_share must be in [0, 1], got {voluntary_share!r}.")
    g = np.arange(1, n_grades + 1, dtype=float)
    leave = {"F": 0.13 - 0.005 * (g - 1), "M": 0.11 - 0.005 * (g - 1)}
    men_promote = np.where(g < n_grades, 0.12 - 0.004 * (g - 1), 0.0)
    promote = {"F": men_promote * promotion_ratio, "M": men_promote}
    pyramid = 0.75 ** (g - 1)
    pyramid /= pyramid.sum()
    female = 0.78 - (0.78 - 0.45) * (g - 1) / max(n_grades - 1, 1)
    recruit = {"F": pyramid * female, "M": pyramid * (1 - female)}
    rows = [
        pd.DataFrame(
            {
                "sex": s,
                "grade_rank": g.astype(int),
                "leave": leave[s],
                "voluntary_share": voluntary_share,
                "promote": promote[s],
                "recruit": recruit[s],
            }
        )
        for s in ("F", "M")
    ]
    return FlowTruth(pd.concat(rows, ignore_index=True), float(growth), float(promotion_ratio))


class SyntheticFlows(NamedTuple):
    """Linked snapshots (stacked canonical rows), their events table and the truth."""

    data: pd.DataFrame
    events: pd.DataFrame
    truth: FlowTruth


def _ids(prefix: str, start: int, n: int) -> np.ndarray:
    numbers = np.arange(start, start + n)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), 8))


def _dates_in_year(rng: np.random.Generator, end: pd.Timestamp, n: int) -> np.ndarray:
    days = rng.integers(0, 364, size=n)  # in (end - 1 year, end]
    return (end - pd.to_timedelta(days, unit="D")).to_numpy()


def generate_flows(
    n_employees: int = 3000,
    *,
    years: int = 5,
    seed: int = 2025,
    last_year: int = LAST_YEAR,
    promotion_ratio: float = 0.75,
    growth: float = 0.0,
    voluntary_share: float = 0.6,
    columns: tuple[str, ...] | None = None,
    shape: str = "complete",
    **options,
) -> SyntheticFlows:
    """Draw ``years`` linked annual snapshots (31 March ``last_year - years + 1`` .. ``last_year``).

    Parameters
    ----------
    n_employees
        Employees in the first snapshot.
    years
        Number of snapshots, 2 to 30.
    seed
        Seed of the whole draw (the first snapshot is ``synth.generate(..., seed=seed)``).
    promotion_ratio, growth, voluntary_share
        See :func:`flow_truth`.
    shape
        What each snapshot records (:data:`research.data.synth.SHAPES`, e.g.
        ``"blank_grades+other_sex"``), applied to every snapshot after the draw: the people and
        their flows are those of the complete data (the truth), the records are the shape's.
    columns
        Keep only these canonical columns (with ``employee_id``, ``snapshot_date``, ``sex``,
        ``grade``, ``grade_rank``), for large panels; default all.
    **options
        Passed on to :func:`research.data.synth.generate` for the first snapshot
        (``female_share``, ``segregation``, ``vertical_segregation``, ``within_job_gap``, ...).
    """
    if not 2 <= int(years) <= 30:
        raise ValueError(f"years must be 2 to 30 snapshots, got {years!r}.")
    spec = synth.make_shape(shape)
    for reserved in ("snapshot_date", "other_sex_share"):
        if reserved in options:
            raise ValueError(f"{reserved} cannot be set for linked synthetic snapshots.")
    truth = flow_truth(
        promotion_ratio=promotion_ratio, growth=growth, voluntary_share=voluntary_share
    )
    first = int(last_year) - int(years) + 1
    dates = [pd.Timestamp(f"{y}-03-31") for y in range(first, int(last_year) + 1)]
    current = synth.generate(
        n_employees,
        seed=seed,
        snapshot_date=str(dates[0].date()),
        other_sex_share=spec.other_sex_share,
        **options,
    )
    if columns is not None:
        keep = ["employee_id", "snapshot_date", "sex", "grade", "grade_rank"]
        current = current[keep + [c for c in columns if c not in keep and c in current]]
    current["employee_id"] = current["employee_id"].astype(object)
    template = current.copy()
    rng = np.random.default_rng([int(seed), 16])
    k = synth.N_GRADES
    names = np.array([g.name for g in synth.GRADES], dtype=object)
    first_point = np.array([g.points[0] for g in synth.GRADES], dtype=float)
    female_t = (template["sex"] == "F").to_numpy()
    pools = {True: np.flatnonzero(female_t), False: np.flatnonzero(~female_t)}
    leave = {s: truth.wastage(s) for s in ("F", "M")}
    promote = {
        s: truth.rates[truth.rates["sex"] == s].sort_values("grade_rank")["promote"].to_numpy()
        for s in ("F", "M")
    }
    recruit_p = truth.recruitment()
    frames, events = [current], []
    next_id = 1
    for date in dates[1:]:
        n = len(current)
        female = (current["sex"] == "F").to_numpy()
        rank = current["grade_rank"].to_numpy(dtype=int)
        p_leave = np.where(female, leave["F"][rank - 1], leave["M"][rank - 1])
        p_up = np.where(female, promote["F"][rank - 1], promote["M"][rank - 1])
        u = rng.random(n)
        leaves = u < p_leave
        up = ~leaves & (u < p_leave + p_up)
        voluntary = rng.random(n) < voluntary_share
        other = rng.choice(len(_INVOLUNTARY_P), size=n, p=_INVOLUNTARY_P)
        reason = np.where(voluntary, 0, other + 1)
        events.append(
            pd.DataFrame(
                {
                    "employee_id": current["employee_id"].to_numpy()[leaves],
                    "event": "leaver",
                    "event_date": _dates_in_year(rng, date, int(leaves.sum())),
                    "reason": np.asarray(LEAVER_REASONS, dtype=object)[reason[leaves]],
                }
            )
        )
        stay = current[~leaves].copy()
        moved = up[~leaves]
        old = stay["grade_rank"].to_numpy(dtype=int)
        new = np.where(moved, old + 1, old)
        _set_grade(stay, new, old, names, first_point)
        events.append(
            pd.DataFrame(
                {
                    "employee_id": stay["employee_id"].to_numpy()[moved],
                    "event": "promotion",
                    "event_date": _dates_in_year(rng, date, int(moved.sum())),
                    "reason": pd.NA,
                }
            )
        )
        n_new = int(leaves.sum()) + int(round(truth.growth * n))
        n_new = max(n_new, 0)
        cell = rng.choice(2 * k, size=n_new, p=recruit_p)
        is_f = cell < k
        new_rank = cell % k + 1
        picks = np.empty(n_new, dtype=np.int64)
        for flag in (True, False):
            where = np.flatnonzero(is_f == flag)
            picks[where] = rng.choice(pools[flag], size=where.size)
        recruits = template.iloc[picks].copy()
        recruits["employee_id"] = _ids("SYF", next_id, n_new)
        next_id += n_new
        start = _dates_in_year(rng, date, n_new)
        recruits["start_date"] = start
        _set_grade(
            recruits, new_rank, recruits["grade_rank"].to_numpy(dtype=int), names, first_point
        )
        events.append(
            pd.DataFrame(
                {
                    "employee_id": recruits["employee_id"].to_numpy(),
                    "event": "starter",
                    "event_date": start,
                    "reason": pd.NA,
                }
            )
        )
        current = pd.concat([stay, recruits], ignore_index=True)
        current["snapshot_date"] = date
        frames.append(current)
    data = pd.concat(frames, ignore_index=True)
    for column in ("employer", "sex", "occupation", "occupation_title", "job_family"):
        if column in data:
            data[column] = data[column].astype("category")
    data["grade"] = pd.Categorical(data["grade"].astype(object), categories=list(names))
    data["grade_rank"] = data["grade_rank"].astype("Int64")
    data["employee_id"] = data["employee_id"].astype("string")
    if spec.parts != ("complete",):
        data = pd.concat(
            [
                synth._apply_shape(part.reset_index(drop=True), spec, int(seed) + i)
                for i, (_, part) in enumerate(data.groupby("snapshot_date", sort=True))
            ],
            ignore_index=True,
        )
    table = pd.concat(events, ignore_index=True)
    table["employee_id"] = table["employee_id"].astype("string")
    table["event_date"] = pd.to_datetime(table["event_date"])
    table["reason"] = table["reason"].astype("string")
    return SyntheticFlows(data, table, truth)


def _set_grade(
    frame: pd.DataFrame,
    new: np.ndarray,
    old: np.ndarray,
    names: np.ndarray,
    first_point: np.ndarray,
) -> None:
    """Move ``frame``'s rows to grade ranks ``new``; pay scales with the grades' first points."""
    ratio = first_point[new - 1] / first_point[old - 1]
    frame["grade_rank"] = new
    frame["grade"] = names[new - 1]
    for column in ("annual_basic_pay", "hourly_pay", "ordinary_pay_period"):
        if column in frame:
            frame[column] = frame[column].to_numpy(dtype=float) * ratio
