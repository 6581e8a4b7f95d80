"""Contract types, benefits in kind and a senior pay tail for the synthetic council (issue 15).

:func:`research.data.synth.generate` calls :func:`add_terms` on every draw and
:func:`add_senior_tail` when ``senior_tail=True``; both use random streams of their own
(:func:`research.core.random.label_rng`), so every other column of the synthetic table is exactly
what it was without them.

Contract types and benefits in kind
-----------------------------------
Both depend on the grade only (never on sex), with the probabilities of :data:`CONTRACT_P` and
:data:`BENEFIT_P` by grade band. A woman and a man in the same grade are equally likely to be on
a temporary contract or to receive a benefit in kind; shares differ between the sexes only
because women and men sit in different grades. The population shares are therefore known from
the generator's parameters: :func:`terms_truth` sums the probabilities over the expected grade
distribution of each sex (:attr:`research.data.synth.SyntheticTruth.grades`).

The senior tail (``senior_tail=True``)
--------------------------------------
The illustrative grade ladder stops at GBP 93,360, below the chief officer salaries of a real
council. With the tail, every employee of the top grade ("Senior 3", rank 12) is a chief officer
on a spot salary instead of a spinal point: a director at one of :data:`DIRECTOR_SALARIES`
(drawn at random, independently of sex), and one of them, chosen at random among those of
occupation 1111 (chief executives and senior officials; any top-grade employee when there is none),
the chief executive at :data:`CHIEF_EXECUTIVE_SALARY`. The spot salary replaces the spinal-point
salary and keeps the person's own factor of the model (``1 - within_job_gap`` for women, times
the pay noise), so men and women in the same occupation and grade draw pay alike apart from the
within-job gap. Hourly pay and ordinary pay in the period
are scaled with the annual salary; bonuses are unchanged. :func:`senior_truth` gives the answers
a senior pay report must recover from the sample (who is on a spot salary, the pay multiple).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.core.random import label_rng
from research.data.schema import CONTRACT_TYPES, PAY_ELEMENTS, TEMPORARY_CONTRACTS

__all__ = [
    "BENEFIT_P",
    "CHIEF_EXECUTIVE_SALARY",
    "CONTRACT_P",
    "DIRECTOR_SALARIES",
    "SeniorTruth",
    "TermsTruth",
    "add_senior_tail",
    "add_terms",
    "senior_truth",
    "terms_truth",
]

#: Grade bands (first rank of each band) for the contract and benefit probabilities.
GRADE_BANDS = (1, 4, 8, 10)
#: P(contract type | grade band), in the order of :data:`~research.data.schema.CONTRACT_TYPES`
#: (permanent, fixed_term, temporary, casual); one row per band of :data:`GRADE_BANDS`.
CONTRACT_P = np.array(
    [
        [0.78, 0.06, 0.06, 0.10],  # grades 1-3: most casual and temporary work
        [0.87, 0.07, 0.04, 0.02],  # grades 4-7
        [0.90, 0.08, 0.02, 0.00],  # grades 8-9
        [0.93, 0.05, 0.02, 0.00],  # grades 10-12
    ]
)
#: P(benefit in kind | grade band): lease cars, private medical insurance, essential car users.
BENEFIT_P = np.array([0.02, 0.05, 0.20, 0.60])
#: Spot salaries of directors (GBP a year, before the within-job factor) with the senior tail.
DIRECTOR_SALARIES = (115_000, 120_000, 125_000, 130_000, 135_000, 140_000, 150_000)
#: The chief executive's spot salary (GBP a year, before the within-job factor).
CHIEF_EXECUTIVE_SALARY = 185_000
#: Rank of the grade whose holders are chief officers with the senior tail.
CHIEF_OFFICER_RANK = 12
_CHIEF_EXECUTIVE_OCCUPATION = "1111"


def _band(grade_rank: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(GRADE_BANDS), grade_rank, side="right") - 1


def add_terms(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``frame`` with ``contract_type`` and ``benefit_in_kind`` drawn by grade (see module)."""
    rng = label_rng(int(seed), "synthetic contract types and benefits in kind")
    n = len(frame)
    band = _band(frame["grade_rank"].to_numpy(dtype=np.int64))
    cumulative = np.cumsum(CONTRACT_P, axis=1)
    u = rng.random(n)
    kind = np.zeros(n, dtype=np.int8)
    for k in range(len(CONTRACT_TYPES) - 1):  # one comparison per boundary, no n x k array
        kind += u > cumulative[band, k]
    benefit = rng.random(n) < BENEFIT_P[band]
    out = frame.copy(deep=False)  # copy on write: only the columns set here are new
    out["contract_type"] = pd.Categorical.from_codes(kind, list(CONTRACT_TYPES))
    out["benefit_in_kind"] = pd.array(benefit, dtype="boolean")
    return out


def add_senior_tail(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``frame`` with the top grade's holders on chief officer spot salaries (see module)."""
    rng = label_rng(int(seed), "synthetic senior pay tail")
    out = frame.copy(deep=False)  # copy on write: only the columns set here are new
    chiefs = (out["grade_rank"] == CHIEF_OFFICER_RANK).to_numpy(dtype=bool, na_value=False)
    positions = np.flatnonzero(chiefs)
    salary = np.asarray(DIRECTOR_SALARIES, dtype=np.float64)[
        rng.integers(0, len(DIRECTOR_SALARIES), positions.size)
    ]
    if positions.size:
        executives = positions[
            (
                out["occupation"].astype("string").to_numpy()[positions]
                == _CHIEF_EXECUTIVE_OCCUPATION
            )
        ]
        pool = executives if executives.size else positions
        chosen = int(pool[rng.integers(0, pool.size)])
        salary[positions == chosen] = CHIEF_EXECUTIVE_SALARY
    # The spot salary replaces the spinal-point salary and keeps each person's own factor of the
    # model (1 - within_job_gap for women, times their pay noise), so the model's statement on
    # pay within occupation and grade holds for chief officers too.
    old = out["annual_basic_pay"].to_numpy(dtype=np.float64)[positions]
    new = np.round(salary * old / _spine_salary(out, positions), 2)
    scale = new / old
    for column in ("annual_basic_pay", "hourly_pay", "ordinary_pay_period"):
        values = out[column].to_numpy(dtype=np.float64, copy=True)
        values[positions] = values[positions] * scale if column != "annual_basic_pay" else new
        if column == "ordinary_pay_period":
            values[positions] = np.round(values[positions], 2)
        out[column] = values
    return out


def _spine_salary(frame: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """The spinal-point salary each chief officer was paid on before the tail (their point by
    completed years of service, as :func:`research.data.synth.generate` draws it)."""
    from research.data.synth import GRADES

    points = np.asarray(GRADES[CHIEF_OFFICER_RANK - 1].points, dtype=np.float64)
    years = (frame["snapshot_date"] - frame["start_date"]).dt.days.to_numpy()[positions] / 365.25
    point = np.minimum(np.floor(years + 1e-9).astype(np.int64), points.size - 1)
    return points[point]


# ----------------------------------------------------------------------------- known answers


@dataclass(frozen=True)
class TermsTruth:
    """Population shares behind the synthetic contract types and benefits in kind.

    ``contract_shares``: one row per sex (``F``, ``M``) and contract type, ``share`` the expected
    proportion of that sex on that contract; ``temporary_share`` the expected proportion of each
    sex on a fixed-term or temporary contract; ``benefit_share`` the expected proportion of each
    sex receiving a benefit in kind.
    """

    contract_shares: pd.DataFrame
    temporary_share: dict[str, float]
    benefit_share: dict[str, float]


def terms_truth(grades: pd.DataFrame, occupations: pd.DataFrame) -> TermsTruth:
    """The expected shares by sex, from a :class:`~research.data.synth.SyntheticTruth`'s
    ``grades`` (P(grade | occupation, sex)) and ``occupations`` (P(occupation | sex))."""
    weights = grades.merge(
        occupations[["occupation", "female_distribution", "male_distribution"]], on="occupation"
    )
    band = _band(weights["grade_rank"].to_numpy(dtype=np.int64))
    rows, temporary, benefit = [], {}, {}
    for sex, p, d in (
        ("F", "p_female", "female_distribution"),
        ("M", "p_male", "male_distribution"),
    ):
        w = (weights[p] * weights[d]).to_numpy()
        shares = w @ CONTRACT_P[band]
        rows += [(sex, kind, float(s)) for kind, s in zip(CONTRACT_TYPES, shares, strict=True)]
        temporary[sex] = float(
            sum(
                s
                for kind, s in zip(CONTRACT_TYPES, shares, strict=True)
                if kind in TEMPORARY_CONTRACTS
            )
        )
        benefit[sex] = float(w @ BENEFIT_P[band])
    return TermsTruth(
        pd.DataFrame(rows, columns=["sex", "contract_type", "share"]), temporary, benefit
    )


@dataclass(frozen=True)
class SeniorTruth:
    """What a senior pay report must find in a synthetic sample drawn with ``senior_tail=True``.

    ``n_chief_officers``: employees on chief officer spot salaries (the top grade);
    ``highest``: the highest earnings (the chief executive's spot salary plus any pay elements);
    ``median``, ``mean``, ``lowest``: earnings of the whole workforce (FTE annual basic pay plus
    the recorded pay elements); ``multiple`` the Transparency Code pay multiple ``highest /
    median``; ``n_packages``: employees with earnings of ``package_threshold`` or more.
    """

    n_chief_officers: int
    highest: float
    median: float
    mean: float
    lowest: float
    multiple: float
    n_packages: int
    package_threshold: float = 100_000.0


def senior_truth(
    frame: pd.DataFrame, complete: pd.DataFrame | None = None, package_threshold: float = 100_000.0
) -> SeniorTruth:
    """The senior pay answers of the synthetic table ``frame`` as recorded (computed here, by the
    generator, independently of :mod:`research.seniorpay`); chief officers are counted in
    ``complete`` (the table before a shape blanked grades), by default ``frame`` itself."""
    earnings = frame["annual_basic_pay"].to_numpy(dtype=np.float64).copy()
    for column in PAY_ELEMENTS:
        if column in frame:
            earnings += np.nan_to_num(frame[column].to_numpy(dtype=np.float64, na_value=np.nan))
    median = float(np.median(earnings))
    return SeniorTruth(
        n_chief_officers=int(
            (
                (complete if complete is not None else frame)["grade_rank"] == CHIEF_OFFICER_RANK
            ).sum()
        ),
        highest=float(earnings.max()),
        median=median,
        mean=float(earnings.mean()),
        lowest=float(earnings.min()),
        multiple=float(earnings.max() / median),
        n_packages=int((earnings >= package_threshold).sum()),
        package_threshold=float(package_threshold),
    )
