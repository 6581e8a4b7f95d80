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
    "generate_flow_events",
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
    if n <= 0:
        return np.array([], dtype=object)
    numbers = np.arange(start, start + n)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), 8))


def _dates_in_year(rng: np.random.Generator, end: pd.Timestamp, n: int) -> np.ndarray:
    days = rng.integers(0, 364, size=n)  # in (end - 1 year, end]
    return (end - pd.to_timedelta(days, unit="D")).to_numpy()


#: Pay columns that scale with the grade's first spinal point when the grade changes.
_PAY = ("annual_basic_pay", "hourly_pay", "ordinary_pay_period")


def _first_snapshot(n_employees, seed, dates, spec, columns, options) -> pd.DataFrame:
    first = synth.generate(
        n_employees,
        seed=seed,
        snapshot_date=str(dates[0].date()),
        other_sex_share=spec.other_sex_share,
        **options,
    )
    if columns is not None:
        keep = ["employee_id", "snapshot_date", "sex", "grade", "grade_rank"]
        first = first[keep + [c for c in columns if c not in keep and c in first]]
    return first


def _prepare(
    n_employees, years, seed, last_year, promotion_ratio, growth, voluntary_share, shape, options
):
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
    return spec, truth, dates


class _Run(NamedTuple):
    """The simulated snapshots as arrays: per snapshot, each row's template row (``src``), id
    code (``code``: template row for the first snapshot's people, then recruits in order), grade
    rank, start date (recruits only; NaT otherwise) and pay columns; and the events."""

    src: list[np.ndarray]
    code: list[np.ndarray]
    rank: list[np.ndarray]
    start: list[np.ndarray]
    pay: dict[str, list[np.ndarray]]
    events: list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]]
    n_recruits: int


def _simulate(
    template: pd.DataFrame,
    truth: FlowTruth,
    dates: list[pd.Timestamp],
    seed: int,
    voluntary_share: float,
    pay_columns: tuple[str, ...],
) -> _Run:
    """Move the people from one snapshot to the next (module docstring) on arrays only.

    The random draws are those of the row-by-row frames of earlier versions, in the same order,
    so the snapshots are the same (``tests/test_flows.py`` compares them)."""
    rng = np.random.default_rng([int(seed), 16])
    k = synth.N_GRADES
    first_point = np.array([g.points[0] for g in synth.GRADES], dtype=float)
    n_template = len(template)
    female_t = (template["sex"] == "F").to_numpy()
    rank_t = template["grade_rank"].to_numpy(dtype=int)
    pay_t = {c: template[c].to_numpy(dtype=float) for c in pay_columns}
    pools = {True: np.flatnonzero(female_t), False: np.flatnonzero(~female_t)}
    leave = {s: truth.wastage(s) for s in ("F", "M")}
    promote = {
        s: truth.rates[truth.rates["sex"] == s].sort_values("grade_rank")["promote"].to_numpy()
        for s in ("F", "M")
    }
    recruit_p = truth.recruitment()
    src = np.arange(n_template, dtype=np.int64)
    code = src.copy()
    rank = rank_t.copy()
    start = np.full(n_template, np.datetime64("NaT"), dtype="datetime64[ns]")
    pay = {c: pay_t[c] for c in pay_columns}
    run = _Run([src], [code], [rank], [start], {c: [pay[c]] for c in pay_columns}, [], 0)
    next_id = 1
    reasons = np.asarray(LEAVER_REASONS, dtype=object)
    for date in dates[1:]:
        n = len(src)
        female = female_t[src]
        p_leave = np.where(female, leave["F"][rank - 1], leave["M"][rank - 1])
        p_up = np.where(female, promote["F"][rank - 1], promote["M"][rank - 1])
        u = rng.random(n)
        leaves = u < p_leave
        up = ~leaves & (u < p_leave + p_up)
        voluntary = rng.random(n) < voluntary_share
        other = rng.choice(len(_INVOLUNTARY_P), size=n, p=_INVOLUNTARY_P)
        reason = np.where(voluntary, 0, other + 1)
        run.events.append(
            (
                "leaver",
                code[leaves],
                _dates_in_year(rng, date, int(leaves.sum())),
                reasons[reason[leaves]],
            )
        )
        del u, voluntary, other, reason, p_leave, p_up, female
        stay = ~leaves
        moved = up[stay]
        old = rank[stay]
        new = np.where(moved, old + 1, old)
        ratio = first_point[new - 1] / first_point[old - 1]
        stay_pay = {c: pay[c][stay] * ratio for c in pay_columns}
        stay_code = code[stay]
        run.events.append(
            ("promotion", stay_code[moved], _dates_in_year(rng, date, int(moved.sum())), None)
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
        recruit_code = n_template + next_id - 1 + np.arange(n_new, dtype=np.int64)
        next_id += n_new
        recruit_start = _dates_in_year(rng, date, n_new)
        ratio = first_point[new_rank - 1] / first_point[rank_t[picks] - 1]
        run.events.append(("starter", recruit_code, recruit_start, None))
        src = np.concatenate([src[stay], picks])
        code = np.concatenate([stay_code, recruit_code])
        rank = np.concatenate([new, new_rank])
        start = np.concatenate([start[stay], recruit_start])
        pay = {c: np.concatenate([stay_pay[c], pay_t[c][picks] * ratio]) for c in pay_columns}
        run.src.append(src)
        run.code.append(code)
        run.rank.append(rank)
        run.start.append(start)
        for c in pay_columns:
            run.pay[c].append(pay[c])
    return run._replace(n_recruits=next_id - 1)


def _id_text(template: pd.DataFrame, n_recruits: int) -> pd.api.extensions.ExtensionArray:
    """Every id as text, indexed by id code: the first snapshot's, then the recruits' (SYF...)."""
    ids = pd.concat(
        [
            template["employee_id"].astype("string").reset_index(drop=True),
            pd.Series(_ids("SYF", 1, n_recruits), dtype="string"),
        ],
        ignore_index=True,
    )
    return ids.array


def _assemble(template: pd.DataFrame, run: _Run, dates: list[pd.Timestamp], ids) -> pd.DataFrame:
    """The stacked snapshots: each column taken from the template at the rows' template rows,
    the changed columns (id, date, grade, rank, pay, start date) from the simulation."""
    names = np.array([g.name for g in synth.GRADES], dtype=object)
    src = np.concatenate(run.src)
    run.src.clear()
    sizes = [len(c) for c in run.code]
    n_first = sizes[0]
    # one column at a time (a frame built from a dict copies its columns into blocks at once)
    out = pd.DataFrame(index=pd.RangeIndex(len(src)))
    for column in template.columns:
        if column == "employee_id":
            code = np.concatenate(run.code)
            run.code.clear()
            out[column] = ids.take(code)
            del code
        elif column == "snapshot_date":
            out[column] = np.repeat(
                np.array([d.to_datetime64() for d in dates], dtype="datetime64[ns]"), sizes
            )
        elif column == "grade":
            first = pd.Categorical(
                template["grade"].astype(object), categories=list(names)
            ).codes.astype(np.int64)
            rank = np.concatenate(run.rank)
            codes = rank - 1
            codes[:n_first] = first
            out[column] = pd.Categorical.from_codes(codes, categories=list(names))
            del first, codes, rank
        elif column == "grade_rank":
            rank = np.concatenate(run.rank)
            run.rank.clear()
            ranks = template["grade_rank"].array[:n_first]
            out[column] = pd.concat(
                [pd.Series(ranks), pd.Series(rank[n_first:], dtype="Int64")], ignore_index=True
            ).array
            del rank, ranks
        elif column in run.pay:
            values = np.concatenate(run.pay[column])
            run.pay[column].clear()
            out[column] = values
        elif column == "start_date":
            # NaT: the first snapshot's start date of the person (recruits have their own)
            start = np.concatenate(run.start)
            run.start.clear()
            blank = np.isnat(start)
            start[blank] = template["start_date"].to_numpy(dtype="datetime64[ns]")[src[blank]]
            out[column] = start
            del blank
        else:
            out[column] = template[column].array.take(src)
    if "start_date" not in template.columns:  # recruits' start dates only, in their unit
        unit = next((w.dtype for e, _, w, _ in run.events if e == "starter"), "datetime64[ns]")
        out["start_date"] = np.concatenate(run.start).astype(unit)
    data = out
    for column in ("employer", "sex", "occupation", "occupation_title", "job_family"):
        if column in data:
            data[column] = data[column].astype("category")
    data["grade_rank"] = data["grade_rank"].astype("Int64")
    data["employee_id"] = data["employee_id"].astype("string")
    return data


def _events(run: _Run, ids) -> pd.DataFrame:
    frames = []
    for event, code, when, reason in run.events:
        frames.append(
            pd.DataFrame(
                {
                    "employee_id": ids.take(code),
                    "event": event,
                    "event_date": when,
                    "reason": pd.NA if reason is None else reason,
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table["employee_id"] = table["employee_id"].astype("string")
    table["event_date"] = pd.to_datetime(table["event_date"])
    table["reason"] = table["reason"].astype("string")
    return table


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

    The people are moved on arrays (template row, id code, grade rank, pay) and each column of
    the stacked snapshots is built once at the end, so the peak memory is about the result plus
    the first snapshot.
    """
    spec, truth, dates = _prepare(
        n_employees,
        years,
        seed,
        last_year,
        promotion_ratio,
        growth,
        voluntary_share,
        shape,
        options,
    )
    template = _first_snapshot(n_employees, seed, dates, spec, columns, options)
    pay_columns = tuple(c for c in _PAY if c in template)
    run = _simulate(template, truth, dates, seed, voluntary_share, pay_columns)
    ids = _id_text(template, run.n_recruits)
    data = _assemble(template, run, dates, ids)
    del template
    if spec.parts != ("complete",):
        data = pd.concat(
            [
                synth._apply_shape(part.reset_index(drop=True), spec, int(seed) + i)
                for i, (_, part) in enumerate(data.groupby("snapshot_date", sort=True))
            ],
            ignore_index=True,
        )
    return SyntheticFlows(data, _events(run, ids), truth)


def generate_flow_events(
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
) -> pd.DataFrame:
    """The events table of :func:`generate_flows` with the same arguments, without building the
    snapshots (for a loader that already has them)."""
    spec, truth, dates = _prepare(
        n_employees,
        years,
        seed,
        last_year,
        promotion_ratio,
        growth,
        voluntary_share,
        shape,
        options,
    )
    template = _first_snapshot(n_employees, seed, dates, spec, ("employee_id",), options)
    run = _simulate(template, truth, dates, seed, voluntary_share, ())
    ids = _id_text(template, run.n_recruits)
    del template
    run.src.clear()
    run.start.clear()
    return _events(run, ids)
