"""Synthetic English council workforce with a known truth.

:func:`generate` draws a canonical workforce table (see :mod:`research.data.schema`) for an imaginary
English local authority; :func:`truth` returns the population values that the same parameters
imply, so any estimator in the workbench can be checked against the answer it should recover.

The data-generating process
---------------------------
For each employee, in this order (every step fully vectorised with one
:func:`numpy.random.default_rng` stream, so equal arguments give byte-identical frames):

1. **Occupation** ``j`` with probability ``w_j / sum(w)``, ``w_j`` the occupation's size weight.
   Occupations are real SOC 2020 unit groups common in councils (:func:`occupation_catalogue`).
2. **Sex**: female with probability ``p_j``, the segregation mixing rule

   .. math:: p_j = \\bar p + s\\,(b_j - \\bar b), \\qquad \\bar b = \\sum_j w_j b_j / \\sum_j w_j

   where ``b_j`` is the occupation's baseline female share, ``s`` is ``segregation`` and
   :math:`\\bar p` is ``female_share`` (``\\bar b`` when ``None``). ``p_j`` is clipped to
   ``[0.01, 0.99]``; :func:`truth` reports the clipped values. With ``s = 0`` every occupation
   has the same expected female share, so expected occupational segregation is nil.
3. **Grade** within the occupation's grade range ``lo..hi`` (vertical segregation). Position
   ``k = rank - lo`` has base weight ``0.7**k`` (a pyramid) tilted by sex,

   .. math:: P(k \\mid j, \\text{sex}) \\propto 0.7^k \\exp(\\pm \\tfrac{v}{2}\\, t_k),
       \\qquad t_k = k / (hi - lo)

   with ``+`` for men and ``-`` for women, so ``v`` (``vertical_segregation``) is the log odds
   ratio, men versus women, of being in the top rather than the bottom grade of the range.
4. **Age band** (senior grades 8+ are older), **ethnicity** (GSS categories) and **disability**,
   independent of sex; their known pay gaps are a factor on FTE pay applied after the bonus draw
   (:mod:`research.data.synth_diversity`); **tenure** is exponential (mean 9 years) capped at ``age - 16``; ``start_date`` is the
   snapshot minus tenure.
5. **Pay**: the spinal point within the grade is ``min(floor(tenure), points - 1)`` (one
   increment a year up to the top of the grade). FTE annual basic pay is

   .. math:: \\text{pay} = \\text{point salary} \\times (1 - g\\,[\\text{female}])
       \\times \\exp(\\varepsilon), \\qquad \\varepsilon \\sim N(0, 0.01^2)

   with ``g`` the ``within_job_gap``. Men and women in the same occupation and grade otherwise
   draw pay identically, so the expected within occupation-by-grade difference of mean log FTE
   pay, women minus men, is exactly ``log(1 - g)``.
6. **Hours**: part-time with the occupation's propensity for women and 0.35 times those odds
   for men; part-time hours are normal around the occupation's typical part-time hours
   (sd 5), clipped to 8..32 and rounded to half hours; full time is 37 hours.
7. **Leave**: a few per cent are on reduced or nil pay in the relevant pay period (sickness
   for everyone, maternity for women aged 25-44, a little shared parental leave for men).
8. **Bonus**: productivity, performance and retention bonuses in some occupations, plus a
   long-service award at 25 years.

Data shapes
-----------
Real extracts lack columns the complete table has. ``generate(..., shape=...)`` draws the same
workforce and then records it as a given :class:`Shape` would: annual salaries only (no hours or
FTE, part-timers at their actual salary), no or blank grades, 45 grades (one per spinal point), no
start dates or ages, no bonus, no ethnicity or disability, sex codes X and U, hostile unit names,
blank (``NULL``) cells, or units renamed between the years of :func:`generate_years`. Named shapes
are in :data:`SHAPES` and combine with ``+`` (``"annual_only+blank_grades"``; :data:`HARDEST` is
the hardest combination); the dataset spec ``synthetic:shape=annual_only`` does the same for
notebooks. :func:`generate_with_truth` returns each shape's known answers (:class:`ShapeTruth`):
what is recorded, blank grades, the pay gap as recorded and among full-timers, and the Duncan
index over the recorded grades.

Pay periods follow the Gender Pay Gap Regulations: the relevant pay period is the calendar month
holding the snapshot date (31 days for 31 March); ``ordinary_pay_period = annual pay * fte *
days / 365`` for full-pay employees and ``hourly_pay = ordinary_pay_period * 7 / days /
weekly_hours``. Employees on reduced pay get a reduced ``ordinary_pay_period`` and an hourly
rate from their normal annual pay, ``annual_basic_pay * fte / WEEKS_PER_YEAR / weekly_hours``.

The grade ladder (:func:`grade_ladder`) is **illustrative**: it resembles an NJC-style local
government structure but is not the actual NJC pay spine of any year.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from numbers import Integral, Real
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from research.core.random import label_rng, make_rng
from research.data import synth_diversity
from research.data.schema import COLUMN_NAMES, DEFAULT_FULL_TIME_HOURS, SEX_CODES, WEEKS_PER_YEAR

__all__ = [
    "AGE_BANDS",
    "DISABILITY_CODES",
    "ETHNIC_GROUPS",
    "VERTICAL_SEGREGATION",
    "HARDEST",
    "RENAMED_UNITS",
    "SHAPES",
    "Shape",
    "ShapeTruth",
    "Shaped",
    "export_crosswalk",
    "export_extract",
    "SyntheticTruth",
    "generate",
    "generate_with_truth",
    "make_shape",
    "generate_years",
    "grade_ladder",
    "occupation_catalogue",
    "segregation_path",
    "truth",
]

#: Default strength of vertical segregation: log odds ratio, men versus women, of being in the
#: top rather than the bottom grade of an occupation's grade range.
VERTICAL_SEGREGATION = 0.5

MIN_EMPLOYEES = 300
MAX_EMPLOYEES = 20_000_000

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
#: GSS ethnic group categories (England and Wales, 2021 Census) and "Not stated"; shares, and the
#: known pay gaps by broad group and disability, in :mod:`research.data.synth_diversity`.
ETHNIC_GROUPS = synth_diversity.ETHNICITY_LABELS
DISABILITY_CODES = synth_diversity.DISABILITY_LABELS

_ETHNICITY_P = synth_diversity.ETHNICITY_P
_DISABILITY_P = synth_diversity.DISABILITY_P
#: Age band distribution for grades 1-7 and for grades 8 and above.
_AGE_P_JUNIOR = (0.08, 0.20, 0.23, 0.25, 0.20, 0.04)
_AGE_P_SENIOR = (0.01, 0.15, 0.30, 0.30, 0.21, 0.03)
_AGE_LOW = np.array([16, 25, 35, 45, 55, 65], dtype=np.float64)
_AGE_WIDTH = np.array([9, 10, 10, 10, 10, 5], dtype=np.float64)
_SENIOR_AGE_FROM_RANK = 8

_GRADE_PYRAMID = 0.7
_PAY_NOISE_SD = 0.01
_MEAN_TENURE_YEARS = 9.0
_MALE_PART_TIME_ODDS_RATIO = 0.35
_PART_TIME_HOURS_SD = 5.0
_PART_TIME_HOURS_RANGE = (8.0, 32.0)
_SICKNESS_REDUCED_PAY_P = 0.012
_MATERNITY_P = {1: 0.06, 2: 0.035}  # age band index -> probability (women)
_SHARED_PARENTAL_P = 0.004  # men aged 25-44
_BONUS_SHARE_RANGE = (0.02, 0.06)
_LONG_SERVICE_YEARS = 25
_LONG_SERVICE_AWARD = 500.0
_P_CLIP = (0.01, 0.99)


class Grade(NamedTuple):
    """One grade of the illustrative ladder: rank, name and FTE annual spinal-point salaries."""

    rank: int
    name: str
    points: tuple[int, ...]


#: Illustrative NJC-style ladder (GBP, FTE per year): nine grades of four spinal points 2.5%
#: apart, then three senior grades of three points 3% apart. Not the real NJC pay spine.
GRADES: tuple[Grade, ...] = (
    Grade(1, "Grade 1", (23500, 24090, 24690, 25310)),
    Grade(2, "Grade 2", (24400, 25010, 25640, 26280)),
    Grade(3, "Grade 3", (25600, 26240, 26900, 27570)),
    Grade(4, "Grade 4", (27300, 27980, 28680, 29400)),
    Grade(5, "Grade 5", (29600, 30340, 31100, 31880)),
    Grade(6, "Grade 6", (32600, 33420, 34250, 35110)),
    Grade(7, "Grade 7", (36300, 37210, 38140, 39090)),
    Grade(8, "Grade 8", (40800, 41820, 42870, 43940)),
    Grade(9, "Grade 9", (46200, 47350, 48540, 49750)),
    Grade(10, "Senior 1", (55000, 56650, 58350)),
    Grade(11, "Senior 2", (70000, 72100, 74260)),
    Grade(12, "Senior 3", (88000, 90640, 93360)),
)
N_GRADES = len(GRADES)


class Occupation(NamedTuple):
    """One occupation of the synthetic council.

    ``code`` and ``title`` are a SOC 2020 unit group; ``weight`` its relative size;
    ``female_baseline`` its realistic female share; ``grade_min``/``grade_max`` its grade range
    (ranks of :data:`GRADES`); ``part_time`` the probability that a woman in it works part time;
    ``part_time_hours`` typical part-time weekly hours; ``bonus_rate`` the probability of an
    occupational bonus (productivity, performance or retention) in the last 12 months.
    """

    code: str
    title: str
    weight: float
    female_baseline: float
    job_family: str
    department: str
    grade_min: int
    grade_max: int
    part_time: float
    part_time_hours: float
    bonus_rate: float


_O = Occupation
OCCUPATIONS: tuple[Occupation, ...] = (
    _O("1111", "Chief executives and senior officials", 0.15, 0.40, "Management",
       "Chief Executive's Office", 11, 12, 0.02, 30, 0.30),
    _O("1131", "Financial managers and directors", 0.20, 0.45, "Management",
       "Finance", 10, 12, 0.05, 30, 0.20),
    _O("1136", "Human resource managers and directors", 0.15, 0.68, "Management",
       "Human Resources", 9, 11, 0.08, 30, 0.10),
    _O("1172", "Social services managers and directors", 0.50, 0.70, "Management",
       "Adult Social Care", 9, 12, 0.06, 30, 0.15),
    _O("1251", "Property, housing and estate managers", 0.40, 0.45, "Management",
       "Housing", 8, 10, 0.06, 30, 0.0),
    _O("1254", "Waste disposal and environmental services managers", 0.25, 0.22, "Management",
       "Environment and Waste", 8, 11, 0.03, 30, 0.20),
    _O("2322", "Education managers", 0.40, 0.72, "Management",
       "Education", 9, 11, 0.10, 28, 0.0),
    _O("2134", "Programmers and software development professionals", 0.70, 0.22,
       "Corporate services", "Digital and ICT", 6, 9, 0.06, 28, 0.10),
    _O("2412", "Solicitors and lawyers", 0.55, 0.62, "Professional",
       "Legal Services", 7, 10, 0.18, 26, 0.0),
    _O("2421", "Chartered and certified accountants", 0.50, 0.45, "Professional",
       "Finance", 7, 10, 0.12, 28, 0.0),
    _O("2452", "Chartered architectural technologists, planning officers and consultants",
       0.90, 0.42, "Professional", "Planning and Regeneration", 6, 9, 0.12, 28, 0.0),
    _O("2461", "Social workers", 4.00, 0.84, "Care and support",
       "Children's Services", 6, 9, 0.18, 28, 0.08),
    _O("2464", "Youth work professionals", 0.40, 0.55, "Care and support",
       "Children's Services", 5, 7, 0.30, 22, 0.0),
    _O("2471", "Librarians", 0.35, 0.78, "Culture and leisure",
       "Libraries and Culture", 5, 7, 0.35, 24, 0.0),
    _O("2483", "Environmental health professionals", 0.60, 0.55, "Professional",
       "Regulatory Services", 6, 8, 0.15, 26, 0.0),
    _O("3132", "IT user support technicians", 1.10, 0.28, "Corporate services",
       "Digital and ICT", 3, 6, 0.08, 26, 0.0),
    _O("3221", "Youth and community workers", 0.80, 0.62, "Care and support",
       "Communities", 3, 5, 0.45, 20, 0.0),
    _O("3222", "Child and early years officers", 0.80, 0.90, "Education",
       "Children's Services", 4, 6, 0.30, 24, 0.0),
    _O("3223", "Housing officers", 1.80, 0.66, "Housing",
       "Housing", 4, 6, 0.20, 26, 0.0),
    _O("3571", "Human resources and industrial relations officers", 0.90, 0.78,
       "Corporate services", "Human Resources", 4, 7, 0.25, 26, 0.0),
    _O("3581", "Inspectors of standards and regulations", 0.60, 0.32, "Regulatory services",
       "Regulatory Services", 5, 7, 0.10, 26, 0.0),
    _O("4112", "Local government administrative occupations", 8.00, 0.76, "Corporate services",
       "Corporate Services", 2, 6, 0.35, 22, 0.0),
    _O("4124", "Finance officers", 2.00, 0.70, "Corporate services",
       "Finance", 3, 6, 0.28, 24, 0.0),
    _O("4135", "Library clerks and assistants", 0.80, 0.82, "Culture and leisure",
       "Libraries and Culture", 1, 3, 0.60, 18, 0.0),
    _O("4136", "Human resources administrative occupations", 0.80, 0.86, "Corporate services",
       "Human Resources", 2, 4, 0.35, 22, 0.0),
    _O("4213", "School secretaries", 1.50, 0.96, "Education",
       "Schools", 2, 4, 0.50, 24, 0.0),
    _O("4216", "Receptionists", 0.80, 0.86, "Customer services",
       "Customer Services", 1, 3, 0.50, 20, 0.0),
    _O("5113", "Gardeners and landscape gardeners", 1.20, 0.10, "Environment and waste",
       "Parks and Open Spaces", 2, 4, 0.06, 24, 0.0),
    _O("5231", "Vehicle technicians, mechanics and electricians", 0.40, 0.03,
       "Environment and waste", "Fleet Services", 3, 5, 0.02, 24, 0.0),
    _O("5316", "Carpenters and joiners", 0.40, 0.02, "Facilities and catering",
       "Housing Repairs", 3, 5, 0.02, 24, 0.0),
    _O("5435", "Cooks", 1.20, 0.86, "Facilities and catering",
       "School Catering", 2, 4, 0.60, 22, 0.0),
    _O("6111", "Early education and childcare assistants", 2.00, 0.95, "Education",
       "Early Years", 1, 3, 0.55, 20, 0.0),
    _O("6112", "Teaching assistants", 9.00, 0.91, "Education",
       "Schools", 2, 5, 0.65, 24, 0.0),
    _O("6135", "Care workers and home carers", 10.00, 0.84, "Care and support",
       "Adult Social Care", 1, 3, 0.55, 22, 0.0),
    _O("6136", "Senior care workers", 2.00, 0.80, "Care and support",
       "Adult Social Care", 3, 5, 0.35, 24, 0.0),
    _O("6211", "Sports and leisure assistants", 0.80, 0.50, "Culture and leisure",
       "Leisure Services", 1, 3, 0.55, 16, 0.0),
    _O("6232", "Caretakers", 1.20, 0.15, "Facilities and catering",
       "Property Services", 1, 3, 0.20, 20, 0.0),
    _O("6312", "Parking and civil enforcement occupations", 0.80, 0.30, "Highways and transport",
       "Highways and Transport", 2, 4, 0.10, 24, 0.0),
    _O("7211", "Call and contact centre occupations", 1.50, 0.70, "Customer services",
       "Customer Services", 1, 3, 0.35, 22, 0.0),
    _O("8152", "Road construction operatives", 1.00, 0.03, "Highways and transport",
       "Highways and Transport", 1, 4, 0.02, 24, 0.15),
    _O("8211", "Heavy and large goods vehicle drivers", 1.20, 0.03, "Environment and waste",
       "Waste and Recycling", 3, 4, 0.02, 24, 0.40),
    _O("9222", "Street cleaners", 1.20, 0.10, "Environment and waste",
       "Street Scene", 1, 2, 0.05, 20, 0.25),
    _O("9223", "Cleaners and domestics", 4.00, 0.80, "Facilities and catering",
       "Property Services", 1, 2, 0.75, 15, 0.0),
    _O("9225", "Refuse and salvage occupations", 2.50, 0.05, "Environment and waste",
       "Waste and Recycling", 1, 3, 0.03, 24, 0.40),
    _O("9231", "Security guards and related occupations", 0.40, 0.15, "Facilities and catering",
       "Property Services", 1, 3, 0.10, 24, 0.0),
    _O("9232", "School midday and crossing patrol occupations", 3.00, 0.93, "Education",
       "Schools", 1, 2, 0.97, 10, 0.0),
    _O("9263", "Kitchen and catering assistants", 3.50, 0.88, "Facilities and catering",
       "School Catering", 1, 2, 0.75, 16, 0.0),
)  # fmt: skip
N_OCCUPATIONS = len(OCCUPATIONS)


# --------------------------------------------------------------------------------------------
# Public reference tables and the truth
# --------------------------------------------------------------------------------------------


@cache
def _catalogue() -> pd.DataFrame:
    return pd.DataFrame(OCCUPATIONS, columns=list(Occupation._fields))


def occupation_catalogue() -> pd.DataFrame:
    """The occupations of the synthetic council, one row each (a fresh copy).

    Returns
    -------
    pandas.DataFrame
        Columns are the fields of :class:`Occupation`: SOC 2020 ``code`` and ``title``,
        ``weight``, ``female_baseline``, ``job_family``, ``department``, ``grade_min``,
        ``grade_max``, ``part_time``, ``part_time_hours`` and ``bonus_rate``.
    """
    return _catalogue().copy()


def grade_ladder() -> pd.DataFrame:
    """The illustrative grade ladder, one row per spinal point.

    Returns
    -------
    pandas.DataFrame
        ``grade_rank`` (1 = lowest), ``grade`` name, ``point`` (0 = bottom of grade) and
        ``fte_salary`` in GBP a year. Illustrative only: not the actual NJC pay spine.
    """
    rows = [(g.rank, g.name, i, s) for g in GRADES for i, s in enumerate(g.points)]
    return pd.DataFrame(rows, columns=["grade_rank", "grade", "point", "fte_salary"])


@dataclass(frozen=True, eq=False)
class SyntheticTruth:
    """Population (expected) values implied by the parameters of :func:`generate`.

    Attributes
    ----------
    occupations : pandas.DataFrame
        One row per occupation: ``occupation``, ``occupation_title``, ``job_family``,
        ``department``, ``employment_share`` (``w_j / sum(w)``), ``female_share`` (``p_j``),
        ``female_distribution`` (``F_j / F``) and ``male_distribution`` (``M_j / M``).
    grades : pandas.DataFrame
        Expected grade distribution within each occupation by sex: ``occupation``,
        ``grade_rank``, ``p_female`` and ``p_male`` (each sums to 1 within an occupation).
    female_share : float
        Expected overall female share ``P = sum_j w_j p_j / sum_j w_j``.
    D : float
        Expected Duncan dissimilarity index over occupations,
        ``D = 0.5 * sum_j |F_j/F - M_j/M|``, from the expected counts
        ``F_j = N w_j p_j`` and ``M_j = N w_j (1 - p_j)`` (``N`` cancels).
    within_job_gap : float
        Proportional FTE pay penalty of women within occupation and grade.
    vertical_segregation : float
        Log odds ratio, men versus women, of the top rather than the bottom grade of an
        occupation's range.
    segregation : float
        The segregation mixing weight ``s`` used for ``p_j``.
    """

    occupations: pd.DataFrame
    grades: pd.DataFrame
    female_share: float
    D: float
    within_job_gap: float
    vertical_segregation: float
    segregation: float

    @property
    def log_within_job_gap(self) -> float:
        """Expected within occupation-by-grade difference of mean log FTE pay, ``log(1 - g)``."""
        return math.log1p(-self.within_job_gap)


def truth(
    *,
    segregation: float = 1.0,
    within_job_gap: float = 0.05,
    female_share: float | None = None,
    vertical_segregation: float = VERTICAL_SEGREGATION,
) -> SyntheticTruth:
    """Return the population values that :func:`generate` with these parameters targets.

    Parameters
    ----------
    segregation, within_job_gap, female_share, vertical_segregation
        As for :func:`generate`.

    Returns
    -------
    SyntheticTruth
        Expected occupational female shares and employment shares, the overall female share,
        the Duncan index ``D = 0.5 * sum_j |F_j/F - M_j/M|`` of the expected counts, the
        within-job gap and the vertical segregation strength.
    """
    _check_model_args(segregation, within_job_gap, female_share, vertical_segregation)
    weights = _occupation_weights()
    p_female = _female_probabilities(segregation, female_share)
    female_counts = weights * p_female
    male_counts = weights * (1.0 - p_female)
    female_dist = female_counts / female_counts.sum()
    male_dist = male_counts / male_counts.sum()
    cat = _catalogue()
    occupations = pd.DataFrame(
        {
            "occupation": cat["code"],
            "occupation_title": cat["title"],
            "job_family": cat["job_family"],
            "department": cat["department"],
            "employment_share": weights,
            "female_share": p_female,
            "female_distribution": female_dist,
            "male_distribution": male_dist,
        }
    )
    return SyntheticTruth(
        occupations=occupations,
        grades=_grade_table(vertical_segregation),
        female_share=float(female_counts.sum()),
        D=float(0.5 * np.abs(female_dist - male_dist).sum()),
        within_job_gap=float(within_job_gap),
        vertical_segregation=float(vertical_segregation),
        segregation=float(segregation),
    )


def _grade_table(vertical_segregation: float) -> pd.DataFrame:
    """Tidy form of :func:`_grade_probabilities` restricted to each occupation's range."""
    probs = _grade_probabilities(vertical_segregation)
    cat = _catalogue()
    frames = []
    for j, occ in enumerate(OCCUPATIONS):
        ranks = np.arange(occ.grade_min, occ.grade_max + 1)
        frames.append(
            pd.DataFrame(
                {
                    "occupation": cat["code"].iat[j],
                    "grade_rank": ranks,
                    "p_female": probs[2 * j, ranks - 1],
                    "p_male": probs[2 * j + 1, ranks - 1],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Model parameters
# --------------------------------------------------------------------------------------------


def _occupation_weights() -> np.ndarray:
    """Expected employment shares ``w_j / sum(w)``."""
    w = np.array([o.weight for o in OCCUPATIONS], dtype=np.float64)
    return w / w.sum()


def _female_probabilities(segregation: float, female_share: float | None) -> np.ndarray:
    """``p_j = clip(P + s * (b_j - b_bar), 0.01, 0.99)``; ``P = b_bar`` when ``None``."""
    baseline = np.array([o.female_baseline for o in OCCUPATIONS], dtype=np.float64)
    b_bar = float(_occupation_weights() @ baseline)
    overall = b_bar if female_share is None else float(female_share)
    return np.clip(overall + segregation * (baseline - b_bar), *_P_CLIP)


def _grade_probabilities(vertical_segregation: float) -> np.ndarray:
    """Grade probabilities per (occupation, sex) group, shape ``(2 * J, N_GRADES)``.

    Row ``2 j`` is women and ``2 j + 1`` men in occupation ``j``. Within the range ``lo..hi``
    the weight of position ``k`` is ``0.7**k * exp(+-v/2 * k / (hi - lo))`` (``+`` for men).
    """
    probs = np.zeros((2 * N_OCCUPATIONS, N_GRADES), dtype=np.float64)
    for j, occ in enumerate(OCCUPATIONS):
        k = np.arange(occ.grade_max - occ.grade_min + 1, dtype=np.float64)
        t = k / max(k[-1], 1.0)
        base = _GRADE_PYRAMID**k
        for sex_row, sign in ((0, -1.0), (1, 1.0)):
            w = base * np.exp(sign * 0.5 * vertical_segregation * t)
            probs[2 * j + sex_row, occ.grade_min - 1 : occ.grade_max] = w / w.sum()
    return probs


def _part_time_probabilities() -> np.ndarray:
    """Part-time probability per (occupation, sex) group, shape ``(2 * J,)``.

    Women take the occupation's propensity ``q``; men have odds ``0.35 * q / (1 - q)``.
    """
    q = np.array([o.part_time for o in OCCUPATIONS], dtype=np.float64)
    male_odds = _MALE_PART_TIME_ODDS_RATIO * q / (1.0 - q)
    return np.column_stack([q, male_odds / (1.0 + male_odds)]).ravel()


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------


def _check_real(name: str, value: object, low: float, high: float, *, high_open: bool) -> None:
    """Raise ValueError unless ``value`` is a finite real in ``[low, high]`` or ``[low, high)``."""
    bracket = ")" if high_open else "]"
    allowed = f"[{low}, {high}{bracket}"
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number in {allowed}, got {value!r}.")
    if value < low or value > high or (high_open and value == high):
        raise ValueError(f"{name} must be in {allowed}, got {value!r}.")


def _check_model_args(
    segregation: float,
    within_job_gap: float,
    female_share: float | None,
    vertical_segregation: float,
) -> None:
    """Validate the parameters shared by :func:`generate` and :func:`truth`."""
    _check_real("segregation", segregation, 0.0, 1.0, high_open=False)
    _check_real("within_job_gap", within_job_gap, 0.0, 0.5, high_open=True)
    if female_share is not None:
        _check_real("female_share", female_share, 0.01, 0.99, high_open=False)
    _check_real("vertical_segregation", vertical_segregation, 0.0, 5.0, high_open=False)


def _check_sample_args(
    n_employees: object, seed: object, other_sex_share: object, employer: object
) -> None:
    """Validate the arguments that only :func:`generate` takes."""
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise ValueError(f"seed must be an int, got {seed!r} ({type(seed).__name__}).")
    if isinstance(n_employees, bool) or not isinstance(n_employees, Integral):
        raise ValueError(f"n_employees must be an int, got {n_employees!r}.")
    if not MIN_EMPLOYEES <= n_employees <= MAX_EMPLOYEES:
        raise ValueError(
            f"n_employees must be at least {MIN_EMPLOYEES} and at most {MAX_EMPLOYEES:,}, "
            f"got {n_employees}."
        )
    _check_real("other_sex_share", other_sex_share, 0.0, 0.2, high_open=False)
    if not isinstance(employer, str) or not employer.strip():
        raise ValueError(f"employer must be a non-empty string, got {employer!r}.")


def _parse_snapshot(snapshot_date: object) -> pd.Timestamp:
    """Parse ``snapshot_date`` to a midnight Timestamp, or raise ValueError."""
    try:
        stamp = pd.Timestamp(snapshot_date)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"snapshot_date must be a date such as '2025-03-31', got {snapshot_date!r}."
        ) from err
    if pd.isna(stamp):
        raise ValueError(
            f"snapshot_date must be a date such as '2025-03-31', got {snapshot_date!r}."
        )
    return stamp.normalize()


# --------------------------------------------------------------------------------------------
# Vectorised draws
# --------------------------------------------------------------------------------------------


def _draw_categorical(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Draw one category per row from the row's group distribution, by inverse CDF.

    ``probs`` has shape ``(G, K)`` (rows sum to 1) and ``group`` holds row indices into it.
    Group ``g``'s CDF is shifted to ``[g, g + 1]`` and concatenated, so a single
    :func:`numpy.searchsorted` of ``group + u`` finds every row's category at once. Works in
    place: two arrays of eight bytes a row at most besides ``group`` and the result.
    """
    n_groups, n_cats = probs.shape
    cdf = np.cumsum(probs, axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(n_groups, dtype=np.float64)[:, None]).ravel()
    shifted = rng.random(group.shape[0])
    shifted += group
    idx = np.searchsorted(flat, shifted, side="right")
    del shifted
    idx -= np.multiply(group, n_cats, dtype=np.int64)
    np.minimum(idx, n_cats - 1, out=idx)
    return idx.astype(np.int16)


def _draw_occupation_and_sex(
    rng: np.random.Generator, n: int, p_female: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Occupation codes ``j`` (int16) and a female indicator (bool)."""
    occ = _draw_categorical(rng, np.zeros(n, dtype=np.int16), _occupation_weights()[None, :])
    female = rng.random(n) < p_female[occ]
    return occ, female


def _draw_ages(rng: np.random.Generator, grade_rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Age band codes (older in senior grades) and exact ages in years within the band."""
    probs = np.array([_AGE_P_JUNIOR, _AGE_P_SENIOR], dtype=np.float64)
    band = _draw_categorical(rng, (grade_rank >= _SENIOR_AGE_FROM_RANK).astype(np.int8), probs)
    age = rng.random(band.shape[0])  # low + u * width, in place
    age *= _AGE_WIDTH[band]
    age += _AGE_LOW[band]
    return band.astype(np.int8), age


def _draw_tenure(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """Years of service: exponential with mean 9 years, capped so employees started at 16+.

    ``age`` is used up: it holds ``age - 16`` afterwards.
    """
    tenure = rng.exponential(_MEAN_TENURE_YEARS, age.shape[0])
    age -= 16.0
    return np.minimum(tenure, age, out=tenure)


def _spine_matrix() -> tuple[np.ndarray, np.ndarray]:
    """Spinal-point salaries padded to a ``(N_GRADES, max points)`` matrix, and point counts."""
    n_points = np.array([len(g.points) for g in GRADES], dtype=np.int64)
    spine = np.zeros((N_GRADES, int(n_points.max())), dtype=np.float64)
    for i, g in enumerate(GRADES):
        spine[i, : len(g.points)] = g.points
    return spine, n_points


def _draw_fte_pay(
    rng: np.random.Generator,
    grade_rank: np.ndarray,
    tenure: np.ndarray,
    female: np.ndarray,
    within_job_gap: float,
) -> np.ndarray:
    """FTE annual basic pay: spinal point by tenure, times ``1 - g`` for women, times noise."""
    spine, n_points = _spine_matrix()
    g = grade_rank.astype(np.int64) - 1
    point = np.floor(tenure).astype(np.int64)
    np.minimum(point, n_points[g] - 1, out=point)
    pay = spine[g, point]
    del g, point
    pay[female] *= 1.0 - within_job_gap  # men's factor is 1
    noise = rng.normal(0.0, _PAY_NOISE_SD, grade_rank.shape[0])
    pay *= np.exp(noise, out=noise)
    del noise
    return np.round(pay, 2, out=pay)


def _draw_hours(rng: np.random.Generator, occ: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Weekly hours: 37 for full time, part time around the occupation's typical hours."""
    n = occ.shape[0]
    group = 2 * occ.astype(np.int16) + (~female)
    part_time = rng.random(n) < _part_time_probabilities()[group]
    del group
    typical = np.array([o.part_time_hours for o in OCCUPATIONS], dtype=np.float64)
    hours = rng.normal(0.0, _PART_TIME_HOURS_SD, n)
    hours += typical[occ]
    np.clip(hours, *_PART_TIME_HOURS_RANGE, out=hours)
    hours *= 2.0
    np.round(hours, out=hours)
    hours /= 2.0
    hours[~part_time] = DEFAULT_FULL_TIME_HOURS
    return hours


def _draw_leave(
    rng: np.random.Generator, female: np.ndarray, age_band: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Who is on reduced pay in the pay period, and the fraction of normal pay they get.

    Reduced pay comes from sickness (1.2% of everyone), maternity (women: 6% at 25-34, 3.5% at
    35-44) or shared parental leave (men 25-44: 0.4%). The fraction paid is nil (30%), half
    (40%) or uniform on 0.1..0.9 (30%).
    """
    n = female.shape[0]
    p = np.full(n, _SICKNESS_REDUCED_PAY_P)
    for band, p_mat in _MATERNITY_P.items():
        in_band = age_band == band
        p[in_band & female] += p_mat
        p[in_band & ~female] += _SHARED_PARENTAL_P
    del in_band
    u = rng.random(n)
    reduced = u < p
    del p
    kind = rng.random(n, out=u)
    fraction = rng.uniform(0.1, 0.9, n)
    fraction[kind < 0.7] = 0.5
    fraction[kind < 0.3] = 0.0
    del kind, u
    fraction[~reduced] = 1.0
    return reduced, fraction


def _draw_bonus(
    rng: np.random.Generator, occ: np.ndarray, tenure: np.ndarray, actual_pay: np.ndarray
) -> np.ndarray:
    """Bonus pay in the 12 months to the snapshot (GBP; 0.0 for most).

    An occupational bonus (rate ``bonus_rate``) of 2-6% of actual annual pay, plus a GBP 500
    long-service award for those who reached 25 years of service in the last year.
    """
    n = occ.shape[0]
    rate = np.array([o.bonus_rate for o in OCCUPATIONS], dtype=np.float64)
    has_bonus = rng.random(n) < rate[occ]
    bonus = rng.uniform(*_BONUS_SHARE_RANGE, n)
    bonus *= actual_pay
    np.round(bonus, out=bonus)
    bonus[~has_bonus] = 0.0
    del has_bonus
    bonus[(tenure >= _LONG_SERVICE_YEARS) & (tenure < _LONG_SERVICE_YEARS + 1)] += (
        _LONG_SERVICE_AWARD
    )
    return bonus


def _draw_attributes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Ethnicity and disability codes (int8), independent of everything else."""
    one_group = np.zeros(n, dtype=np.int8)
    ethnicity = _draw_categorical(rng, one_group, np.array([_ETHNICITY_P]))
    disability = _draw_categorical(rng, one_group, np.array([_DISABILITY_P]))
    return ethnicity.astype(np.int8), disability.astype(np.int8)


def _sex_codes(rng: np.random.Generator, female: np.ndarray, other_sex_share: float) -> np.ndarray:
    """Codes into :data:`SEX_CODES`; a share ``other_sex_share`` recoded to X or U (half each).

    The uniforms are drawn whatever the share, so changing it alters only the sex column.
    """
    n = female.shape[0]
    codes = np.where(female, 0, 1).astype(np.int8)
    u = rng.random(n)
    other = u < other_sex_share
    x_or_u = np.where(u < other_sex_share / 2.0, 2, 3).astype(np.int8)
    return np.where(other, x_or_u, codes)


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------


def _categorical(
    codes: np.ndarray, categories: tuple[str, ...] | list[str], *, ordered: bool = False
) -> pd.Categorical:
    """A categorical from integer codes into ``categories`` (no copy of the category strings)."""
    return pd.Categorical.from_codes(codes, categories=list(categories), ordered=ordered)


def _employee_ids(n: int) -> pd.arrays.ArrowStringArray:
    """``SYN0000001``, ``SYN0000002``, ... (seven digits, more when ``n`` needs them).

    The fixed-width UTF-8 bytes are written with integer arithmetic and handed to Arrow as one
    buffer, which is far faster than formatting millions of Python strings.
    """
    prefix = np.frombuffer(b"SYN", dtype=np.uint8)
    digits = max(7, len(str(n)))
    width = prefix.size + digits
    numbers = np.arange(1, n + 1, dtype=np.int64)
    chars = np.empty((n, width), dtype=np.uint8)
    chars[:, : prefix.size] = prefix
    for position in range(digits):
        place = 10 ** (digits - 1 - position)
        chars[:, prefix.size + position] = numbers // place % 10 + ord("0")
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    strings = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars))
    return pd.arrays.ArrowStringArray(strings)


def _occupation_columns(occ: np.ndarray) -> dict[str, pd.Categorical]:
    """Occupation code, title, job family and department as categoricals."""
    cat = _catalogue()
    out: dict[str, pd.Categorical] = {
        "occupation": _categorical(occ, cat["code"].tolist()),
        "occupation_title": _categorical(occ, cat["title"].tolist()),
    }
    for column in ("job_family", "department"):
        levels = sorted(set(cat[column]))
        lookup = np.array([levels.index(v) for v in cat[column]], dtype=np.int16)
        out[column] = _categorical(lookup[occ], levels)
    return out


def _pay_period_columns(
    annual: np.ndarray,
    fte: np.ndarray,
    hours: np.ndarray,
    reduced: np.ndarray,
    paid_fraction: np.ndarray,
    days: int,
) -> dict[str, np.ndarray]:
    """Ordinary pay in the relevant period and hourly pay (reg 6, or annual for reduced pay).

    Computed in place (the same operations in the same order as the formulas): no temporary
    arrays of the table's length beyond the two results.
    """
    ordinary = annual * fte  # annual * fte * days / 365 * paid_fraction, rounded
    ordinary *= days
    ordinary /= 365.0
    ordinary *= paid_fraction
    np.round(ordinary, 2, out=ordinary)
    hourly = ordinary * 7.0  # reg 6: ordinary * 7 / days / hours
    hourly /= days
    hourly /= hours
    rows = np.flatnonzero(reduced)  # reduced pay: annual * fte / WEEKS_PER_YEAR / hours
    hourly[rows] = annual[rows] * fte[rows] / WEEKS_PER_YEAR / hours[rows]
    return {"ordinary_pay_period": ordinary, "hourly_pay": hourly, "full_pay": ~reduced}


def generate(
    n_employees: int = 3000,
    *,
    seed: int = 2025,
    segregation: float = 1.0,
    within_job_gap: float = 0.05,
    female_share: float | None = None,
    employer: str = "Synthetic Borough Council",
    snapshot_date: str = "2025-03-31",
    other_sex_share: float = 0.0,
    vertical_segregation: float = VERTICAL_SEGREGATION,
    shape: str | Shape | Iterable[str | Shape] = "complete",
    senior_tail: bool = False,
) -> pd.DataFrame:
    """Draw a synthetic council workforce in the canonical table (see module docstring).

    Parameters
    ----------
    n_employees : int
        Number of employees (rows), 300 to 20,000,000.
    seed : int
        Seed of :func:`numpy.random.default_rng`; equal arguments give identical frames.
    segregation : float
        Mixing weight ``s`` in ``[0, 1]``: ``p_j = P + s * (b_j - b_bar)``. 0 = every
        occupation has the same expected female share; 1 = realistic baseline shares.
    within_job_gap : float
        In ``[0, 0.5)``: women's FTE pay within the same occupation and grade is multiplied by
        ``1 - within_job_gap``.
    female_share : float or None
        Overall expected female share ``P`` in ``[0.01, 0.99]``; ``None`` uses the
        employment-weighted baseline ``b_bar`` (about 0.75). Occupation shares are clipped to
        ``[0.01, 0.99]``, so :func:`truth` gives the exact expected overall share.
    employer : str
        Employer name, stored as a single-level categorical.
    snapshot_date : str
        Snapshot date; the relevant pay period is its calendar month.
    other_sex_share : float
        In ``[0, 0.2]``: fraction of employees recoded to sex ``X`` or ``U`` (half each).
        Only the sex column changes. Default 0: everyone is ``F`` or ``M``.
    vertical_segregation : float
        In ``[0, 5]``: log odds ratio, men versus women, of the top rather than the bottom
        grade of an occupation's range (default :data:`VERTICAL_SEGREGATION`).
    shape : str, Shape or several
        What the extract holds (see :data:`SHAPES` and :func:`make_shape`): ``"complete"``
        (default, every column), a shape name such as ``"annual_only"``, names joined with
        ``+`` (``"annual_only+blank_grades"``), a :class:`Shape`, or a list of them. A shape
        only removes or blanks columns and relabels units after the draw, so the employees and
        their pay are those of the complete data (annual-only data record *actual* annual pay,
        see :class:`Shape`). :func:`generate_with_truth` also returns the shape's known answers.
    senior_tail : bool
        Pay the top grade's holders chief officer spot salaries (a chief executive and directors,
        GBP 115,000 to 185,000) instead of spinal points, as in a real council
        (:mod:`research.data.synth_senior`). Off by default: the other columns and every other
        employee's pay are the same either way.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`research.data.schema.COLUMNS`, in order, with their dtypes (a column
        the shape leaves out is all missing), then ``contract_type`` and ``benefit_in_kind``
        (:mod:`research.data.synth_senior`, drawn by grade from a stream of their own).

    Raises
    ------
    ValueError
        If an argument is of the wrong type or outside its allowed range, or an unknown shape
        name; the message names the argument and what is allowed.
    """
    return _draw(
        n_employees,
        seed=seed,
        segregation=segregation,
        within_job_gap=within_job_gap,
        female_share=female_share,
        employer=employer,
        snapshot_date=snapshot_date,
        other_sex_share=other_sex_share,
        vertical_segregation=vertical_segregation,
        shape=shape,
        senior_tail=senior_tail,
    )[1]


def _draw(
    n_employees: int,
    *,
    seed: int,
    shape,
    other_sex_share: float,
    senior_tail: bool = False,
    **options,
):
    """The complete draw, the shaped data and the shape (the known answers need all three)."""
    from research.data import synth_senior

    if not isinstance(senior_tail, bool):
        raise ValueError(f"senior_tail must be True or False, got {senior_tail!r}.")
    spec = make_shape(shape)
    full = _generate_complete(
        n_employees,
        seed=seed,
        other_sex_share=spec.other_sex_share or other_sex_share,
        **options,
    )
    full = synth_senior.add_terms(full, int(seed))
    if senior_tail:
        full = synth_senior.add_senior_tail(full, int(seed))
    return full, _apply_shape(full, spec, int(seed)), spec


def _generate_complete(
    n_employees: int,
    *,
    seed: int,
    segregation: float,
    within_job_gap: float,
    female_share: float | None,
    employer: str,
    snapshot_date: str,
    other_sex_share: float,
    vertical_segregation: float,
) -> pd.DataFrame:
    """The complete synthetic table (every column): the draw behind :func:`generate`."""
    _check_sample_args(n_employees, seed, other_sex_share, employer)
    _check_model_args(segregation, within_job_gap, female_share, vertical_segregation)
    snapshot = _parse_snapshot(snapshot_date)
    n = int(n_employees)
    rng = make_rng(int(seed), "the synthetic workforce")

    # One stream, drawn in a fixed order; each temporary is dropped after its last use so that
    # 20 million rows need about one copy of the table (the columns are not copied again into
    # the frame).
    occ, female = _draw_occupation_and_sex(rng, n, _female_probabilities(segregation, female_share))
    group = 2 * occ.astype(np.int16) + (~female)
    grade_rank = _draw_categorical(rng, group, _grade_probabilities(vertical_segregation)) + 1
    del group
    age_band, age = _draw_ages(rng, grade_rank)
    tenure = _draw_tenure(rng, age)
    del age
    annual = _draw_fte_pay(rng, grade_rank, tenure, female, within_job_gap)
    hours = _draw_hours(rng, occ, female)
    fte = hours / DEFAULT_FULL_TIME_HOURS
    reduced, paid_fraction = _draw_leave(rng, female, age_band)
    actual = annual * fte
    bonus = _draw_bonus(rng, occ, tenure, actual)
    del actual
    ethnicity, disability = _draw_attributes(rng, n)
    annual = synth_diversity.apply_gaps(  # known gaps, never below the bottom of the pay scale
        annual, ethnicity, disability, floor=GRADES[0].points[0] * (1.0 - within_job_gap)
    )
    sex = _sex_codes(rng, female, other_sex_share)
    del female

    days = int(snapshot.days_in_month)
    snapshot_ns = np.datetime64(snapshot.to_datetime64(), "ns")
    columns = {
        "employee_id": _employee_ids(n),
        "employer": _categorical(np.zeros(n, dtype=np.int8), [employer]),
        "snapshot_date": np.full(n, snapshot_ns, dtype="datetime64[ns]"),
        "sex": _categorical(sex, SEX_CODES),
        **_occupation_columns(occ),
        "grade": _categorical(grade_rank - 1, [g.name for g in GRADES], ordered=True),
        "grade_rank": pd.array(grade_rank, dtype="Int64"),
        "age_band": _categorical(age_band, AGE_BANDS, ordered=True),
        "ethnicity": _categorical(ethnicity, ETHNIC_GROUPS),
        "disability": _categorical(disability, DISABILITY_CODES),
    }
    del sex, occ, grade_rank, age_band, ethnicity, disability
    columns["start_date"] = _start_dates(snapshot_ns, tenure)
    del tenure
    columns.update(_pay_period_columns(annual, fte, hours, reduced, paid_fraction, days))
    del reduced, paid_fraction
    columns["full_pay"] = pd.array(columns["full_pay"], dtype="boolean")
    columns.update(
        weekly_hours=hours,
        fte=fte,
        working_pattern=_categorical((fte < 1.0).astype(np.int8), ("full_time", "part_time")),
        annual_basic_pay=annual,
        pay_period_days=pd.array(np.full(n, days), dtype="Int64"),
        bonus_12m=bonus,
    )
    # copy=False: each column keeps its own array (no consolidation into 2-D blocks, which
    # would copy every float column once more)
    return pd.DataFrame({name: columns.pop(name) for name in COLUMN_NAMES}, copy=False)


def _start_dates(snapshot_ns: np.datetime64, tenure: np.ndarray) -> np.ndarray:
    """Start dates: the snapshot less ``max(floor(tenure * 365.25), 1)`` days (in place)."""
    days = tenure * 365.25
    np.floor(days, out=days)
    np.maximum(days, 1, out=days)
    start = days.astype(np.int64)
    del days
    start *= np.timedelta64(1, "D") // np.timedelta64(1, "ns")
    np.subtract(snapshot_ns.astype(np.int64), start, out=start)
    return start.view("datetime64[ns]")


# --------------------------------------------------------------------------------------------
# Data shapes: what an extract holds
# --------------------------------------------------------------------------------------------

#: An occupation title that must come out escaped in every report (HTML, CSV, spreadsheet).
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
#: A department name with markup, quotes and a formula-like start.
HOSTILE_DEPARTMENT = '=HYPERLINK("http://x") & <b>"Care"</b>'

#: Units renamed between years in the ``renamed_units`` shape, per level: earlier name -> current
#: name (the crosswalk that links them). Occupation codes are the SOC 2010 codes of the SOC 2020
#: unit groups; departments and titles are plausible older names.
RENAMED_UNITS: dict[str, dict[str, str]] = {
    "occupation": {"6145": "6135", "6146": "6136", "2442": "2461", "6125": "6112", "9233": "9223"},
    "occupation_title": {
        "Care workers": "Care workers and home carers",
        "Classroom assistants": "Teaching assistants",
        "Social work professionals": "Social workers",
    },
    "department": {
        "Adult Services": "Adult Social Care",
        "Children and Families": "Children's Services",
        "IT Services": "Digital and ICT",
        "Refuse Collection": "Waste and Recycling",
    },
}


@dataclass(frozen=True)
class Shape:
    """What a synthetic extract holds: which optional columns it records, and its quirks.

    A shape is applied after the draw (:func:`generate` ``shape=``): the employees, their jobs
    and pay are those of the complete data; only what is recorded changes.

    Attributes
    ----------
    name, description : str
        A short name (shape names joined with ``+`` for a combination) and what it means.
    hours : bool
        False: an annual-pay-only extract. ``weekly_hours``, ``fte``, ``hourly_pay``,
        ``ordinary_pay_period``, ``pay_period_days`` and ``full_pay`` are missing, and
        ``annual_basic_pay`` is the *actual* annual salary (FTE pay times FTE), so part-timers
        appear at their part-time salary, as in a real payroll of annual salaries; the gap in
        annual pay then differs from the full-time gap (:class:`ShapeTruth`).
    working_pattern : bool
        With ``hours`` False, whether ``working_pattern`` is still recorded (full or part time).
        Ignored when hours are recorded (the pattern follows from FTE).
    grades : bool
        False: ``grade`` and ``grade_rank`` are missing for everyone.
    blank_grades : float
        Share of employees, in ``[0, 0.5]``, whose grade is blank (NaN), drawn at random.
    start_dates, ages, bonus, ethnicity, disability : bool
        False: that column (``start_date``, ``age_band``, ``bonus_12m``, ``ethnicity``,
        ``disability``) is missing for everyone: not in the data, never zero.
    contracts : bool
        False: ``contract_type`` and ``benefit_in_kind`` are missing for everyone.
    other_sex_share : float
        Share in ``[0, 0.2]`` recoded to sex ``X`` or ``U`` (half each); 0 keeps the
        ``other_sex_share`` argument of :func:`generate`.
    renamed_units : bool
        Earlier snapshots of :func:`generate_years` use the older unit names of
        :data:`RENAMED_UNITS` (occupation codes, titles, departments); the latest uses the current
        ones. A single snapshot is unchanged.
    hostile_titles : bool
        The largest occupation's title is :data:`HOSTILE_TITLE` and its department
        :data:`HOSTILE_DEPARTMENT`.
    null_tokens : float
        Share in ``[0, 0.5]`` of grades, ethnicity and start dates left blank, each drawn
        separately; :func:`export_extract` writes blank cells as the literal ``NULL``.
    many_grades : bool
        Every spinal point is its own grade (``"Grade 3 point 2"``, 45 grades ranked 1-45), as
        in payrolls with dozens of grades: more than the 30 bands reports draw.
    """

    name: str = "complete"
    description: str = "every column recorded"
    hours: bool = True
    working_pattern: bool = True
    grades: bool = True
    blank_grades: float = 0.0
    start_dates: bool = True
    ages: bool = True
    bonus: bool = True
    ethnicity: bool = True
    disability: bool = True
    other_sex_share: float = 0.0
    renamed_units: bool = False
    hostile_titles: bool = False
    null_tokens: float = 0.0
    many_grades: bool = False
    contracts: bool = True

    def __post_init__(self) -> None:
        _check_real("blank_grades", self.blank_grades, 0.0, 0.5, high_open=False)
        _check_real("null_tokens", self.null_tokens, 0.0, 0.5, high_open=False)
        _check_real("other_sex_share", self.other_sex_share, 0.0, 0.2, high_open=False)

    @property
    def parts(self) -> tuple[str, ...]:
        """The named shapes this one combines (``("complete",)`` for the complete data)."""
        return tuple(self.name.split("+"))

    @property
    def recorded(self) -> dict[str, bool]:
        """Whether each optional input is recorded (for anyone): hours, working pattern, ..."""
        return {
            "hours": self.hours,
            "working_pattern": self.hours or self.working_pattern,
            "grades": self.grades,
            "start_dates": self.start_dates,
            "ages": self.ages,
            "bonus": self.bonus,
            "ethnicity": self.ethnicity,
            "disability": self.disability,
            "contracts": self.contracts,
        }


_NO_HOURS = "annual salaries only: no hours, FTE, hourly pay, pay period or full-pay flag"
#: Named shapes. Combine them with ``+`` (``"annual_only+blank_grades"``) or :func:`make_shape`.
SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        Shape(),
        Shape("annual_only", f"{_NO_HOURS}; no working pattern; part-timers at their part-time "
              "salary", hours=False, working_pattern=False),
        Shape("annual_with_pattern", f"{_NO_HOURS}; working pattern recorded", hours=False),
        Shape("no_grades", "no grades", grades=False),
        Shape("blank_grades", "8% of grades blank", blank_grades=0.08),
        Shape("other_sex", "4% of employees with sex X or U", other_sex_share=0.04),
        Shape("no_dates_ages", "no start dates and no ages", start_dates=False, ages=False),
        Shape("no_bonus", "no bonus column", bonus=False),
        Shape("no_diversity", "no ethnicity and no disability", ethnicity=False,
              disability=False),
        Shape("renamed_units", "units renamed between years (SOC 2010 codes, older titles and "
              "department names in earlier snapshots)", renamed_units=True),
        Shape("hostile_titles", "an occupation title and a department name with markup",
              hostile_titles=True),
        Shape("null_tokens", "3% of grades, ethnicity and start dates blank (NULL in an "
              "exported extract)", null_tokens=0.03),
        Shape("many_grades", "45 grades (every spinal point its own grade)", many_grades=True),
        Shape("minimal", "only the required columns: annual salaries, sex, occupation; no "
              "hours, working pattern, grades, dates, ages, bonus, ethnicity, disability or "
              "contract types", hours=False, working_pattern=False, grades=False,
              start_dates=False, ages=False, bonus=False, ethnicity=False, disability=False,
              contracts=False),
    )
}  # fmt: skip
#: The hardest combination the notebooks are run on: annual-only, blank grades, sex X/U and a
#: hostile occupation title.
HARDEST = "annual_only+blank_grades+other_sex+hostile_titles"


def make_shape(shape: str | Shape | Iterable[str | Shape] = "complete") -> Shape:
    """A :class:`Shape` from a name, names joined with ``+``, a Shape, or a list of them.

    Combining takes, field by field, the value of the last part that departs from the complete
    data; the name joins the parts' names with ``+``.

    Raises
    ------
    ValueError
        An unknown shape name (the message lists :data:`SHAPES`).
    """
    if isinstance(shape, Shape):
        return shape
    if isinstance(shape, str):
        parts: list[str | Shape] = [p.strip() for p in shape.split("+") if p.strip()]
    else:
        parts = list(shape)
    shapes = []
    for part in parts:
        if isinstance(part, Shape):
            shapes.append(part)
        elif isinstance(part, str) and part in SHAPES:
            shapes.append(SHAPES[part])
        else:
            raise ValueError(
                f"Unknown data shape {part!r}. Use one of {', '.join(SHAPES)}, or several "
                "joined with '+', e.g. 'annual_only+blank_grades'."
            )
    shapes = [s for s in shapes if s.name != "complete"]
    if not shapes:
        return SHAPES["complete"]
    if len(shapes) == 1:
        return shapes[0]
    default = Shape()
    fields = {}
    for f in Shape.__dataclass_fields__:
        if f in ("name", "description"):
            continue
        fields[f] = getattr(default, f)
        for s in shapes:
            if getattr(s, f) != getattr(default, f):
                fields[f] = getattr(s, f)
    return Shape(
        "+".join(s.name for s in shapes), "; ".join(s.description for s in shapes), **fields
    )


@dataclass(frozen=True, eq=False)
class ShapeTruth:
    """What a shaped synthetic sample holds and the answers a report on it should give.

    Population values come from :func:`truth` (``population``); the rest are computed on the
    sample itself (the generator knows the hidden working pattern of annual-only data).

    Attributes
    ----------
    shape : Shape
    population : SyntheticTruth
        Expected values of the generator's parameters (occupational D, within-job gap, ...).
    recorded : dict
        Whether hours, working pattern, grades, start dates, ages, bonus, ethnicity and
        disability are recorded (``Shape.recorded``).
    n_employees, n_blank_grades, n_other_sex : int
        Rows; employees whose grade is blank (all of them when grades are not recorded);
        employees with sex X or U.
    median_gap, mean_gap : float
        Gap in the pay column as recorded (``annual_basic_pay``: FTE pay, or actual annual
        salary for annual-only data), men minus women, percent of men's median / mean, over
        every woman and man.
    full_time_median_gap, full_time_mean_gap : float
        The same among full-time employees only (from the generator's working pattern, even
        when the data do not record it).
    grade_D : float or None
        Duncan index over the recorded grades, ``0.5 * sum_g |F_g/F - M_g/M|`` over women and
        men with a grade (blank grades left out); ``None`` without grades.
    renamed_units : dict
        :data:`RENAMED_UNITS` when units were renamed between years, else empty.
    terms : research.data.synth_senior.TermsTruth
        Expected shares of each sex by contract type and receiving benefits in kind.
    senior : research.data.synth_senior.SeniorTruth or None
        The senior pay answers of the sample (pay multiple, chief officers, packages) when drawn
        with ``senior_tail=True``; else None.
    diversity : synth_diversity.DiversityTruth
        Population pay gaps by broad ethnic group and disability (percent), when the shape
        records ethnicity or disability; else ``None``.
    """

    shape: Shape
    population: SyntheticTruth
    recorded: dict[str, bool]
    n_employees: int
    n_blank_grades: int
    n_other_sex: int
    median_gap: float
    mean_gap: float
    full_time_median_gap: float
    full_time_mean_gap: float
    grade_D: float | None
    renamed_units: dict[str, dict[str, str]]
    terms: Any = None
    senior: Any = None
    diversity: synth_diversity.DiversityTruth | None = None


class Shaped(NamedTuple):
    """A shaped synthetic sample and its known answers (:func:`generate_with_truth`)."""

    data: pd.DataFrame
    truth: ShapeTruth


def _percent_gap(pay: pd.Series, sex: pd.Series, stat: str) -> float:
    men = pay[sex == "M"].agg(stat)
    women = pay[sex == "F"].agg(stat)
    return float((men - women) / men * 100.0)


def _duncan(groups: pd.Series, sex: pd.Series) -> float | None:
    keep = groups.notna() & sex.isin(["F", "M"])
    if not keep.any():
        return None
    table = pd.crosstab(groups[keep].astype(str), sex[keep].astype(str))
    f = table.get("F", 0) / table.get("F", 0).sum()
    m = table.get("M", 0) / table.get("M", 0).sum()
    return float(0.5 * np.abs(f - m).sum())


def _missing_like(column: pd.Series) -> object:
    """An all-missing column of ``column``'s dtype."""
    n = len(column)
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=column.dtype)
    if column.dtype.kind == "M":
        return np.full(n, np.datetime64("NaT"), dtype=column.dtype)
    if column.dtype.kind == "f":
        return np.full(n, np.nan)
    return pd.array([pd.NA] * n, dtype=column.dtype)


def _blank(frame: pd.DataFrame, columns: tuple[str, ...], mask: np.ndarray) -> None:
    if not np.any(mask):  # nothing to blank: the column stays as it is (no copy)
        return
    mask = np.broadcast_to(mask, (len(frame),))
    for column in columns:
        values = frame[column].copy()
        values[mask] = _missing_like(values)[mask]
        frame[column] = values


def _apply_shape(full: pd.DataFrame, shape: Shape, seed: int) -> pd.DataFrame:
    """``full`` as an extract of ``shape`` records it (see :class:`Shape`)."""
    out = full.copy(deep=False)  # copy on write: a column is copied only when it changes
    n = len(out)
    everyone = np.ones(n, dtype=bool)
    if shape.blank_grades or shape.null_tokens:
        rng = label_rng(seed, ("synthetic data shape", shape.blank_grades, shape.null_tokens))
        u_grade, u_ethnicity, u_start = rng.random(n), rng.random(n), rng.random(n)
    else:  # no random blanks: uniforms of 1 blank nothing below (and save three columns)
        u_grade = u_ethnicity = u_start = np.float64(1.0)
    if not shape.hours:
        out["annual_basic_pay"] = np.round(full["annual_basic_pay"] * full["fte"], 2)
        _blank(out, ("weekly_hours", "fte", "hourly_pay", "ordinary_pay_period"), everyone)
        _blank(out, ("pay_period_days", "full_pay"), everyone)
        if not shape.working_pattern:
            _blank(out, ("working_pattern",), everyone)
    if shape.many_grades:
        out["grade"], out["grade_rank"] = _spinal_point_grades(full)
    blank_grade = everyone if not shape.grades else (u_grade < shape.blank_grades)
    blank_grade = blank_grade | (u_grade > 1.0 - shape.null_tokens)
    _blank(out, ("grade", "grade_rank"), blank_grade)
    _blank(out, ("start_date",), ~everyone if shape.start_dates else everyone)
    _blank(out, ("start_date",), u_start < shape.null_tokens)
    _blank(out, ("ethnicity",), (u_ethnicity < shape.null_tokens) | (not shape.ethnicity))
    for wanted, column in ((shape.ages, "age_band"), (shape.bonus, "bonus_12m")):
        if not wanted:
            _blank(out, (column,), everyone)
    if not shape.disability:
        _blank(out, ("disability",), everyone)
    if not shape.contracts and "contract_type" in out:
        _blank(out, ("contract_type", "benefit_in_kind"), everyone)
    if shape.hostile_titles:
        biggest = str(full["occupation"].value_counts().idxmax())
        row = full["occupation"] == biggest
        title = str(full.loc[row, "occupation_title"].iloc[0])
        department = str(full.loc[row, "department"].iloc[0])
        out["occupation_title"] = out["occupation_title"].cat.rename_categories(
            {title: HOSTILE_TITLE}
        )
        out["department"] = out["department"].cat.rename_categories(
            {department: HOSTILE_DEPARTMENT}
        )
    return out


def export_crosswalk(path: str | Path, levels: Iterable[str] | None = None) -> Path:
    """Write the crosswalk of the ``renamed_units`` shape as a CSV (``from,to``) and return it.

    ``levels`` picks columns of :data:`RENAMED_UNITS` (default every level); the file is what a
    user passes as ``-p crosswalk FILE`` (read by :func:`research.data.snapshots.load_crosswalk`).
    """
    path = Path(path)
    chosen = list(RENAMED_UNITS) if levels is None else list(levels)
    rows = [(old, new) for level in chosen for old, new in RENAMED_UNITS[level].items()]
    pd.DataFrame(rows, columns=["from", "to"]).to_csv(path, index=False, lineterminator="\n")
    return path


def _spinal_point_grades(full: pd.DataFrame) -> tuple[pd.Categorical, pd.arrays.IntegerArray]:
    """Each employee's spinal point as a grade of its own, ranked along the ladder (1 = lowest).

    The point is the one :func:`generate` paid (completed years of service, capped at the top of
    the grade), recovered from the start date.
    """
    ladder = grade_ladder()
    names = [f"{g} point {p + 1}" for g, p in zip(ladder["grade"], ladder["point"], strict=True)]
    first = ladder.groupby("grade_rank")["point"].size().cumsum().shift(fill_value=0)
    n_points = ladder.groupby("grade_rank")["point"].size()
    rank = full["grade_rank"].to_numpy(dtype=np.int64)
    years = (full["snapshot_date"] - full["start_date"]).dt.days.to_numpy() / 365.25
    point = np.minimum(np.floor(years + 1e-9).astype(np.int64), n_points.loc[rank].to_numpy() - 1)
    code = first.loc[rank].to_numpy() + point
    grade = pd.Categorical.from_codes(code, categories=names, ordered=True)
    return grade, pd.array(code + 1, dtype="Int64")


def _rename_to_earlier(frame: pd.DataFrame) -> pd.DataFrame:
    """Units of ``frame`` under their earlier names (:data:`RENAMED_UNITS` reversed)."""
    out = frame.copy(deep=False)
    for column, renames in RENAMED_UNITS.items():
        if column not in out:
            continue
        current = {new: old for old, new in renames.items()}
        present = {k: v for k, v in current.items() if k in out[column].cat.categories}
        out[column] = out[column].cat.rename_categories(present)
    return out


def generate_with_truth(n_employees: int = 3000, **options: Any) -> Shaped:
    """:func:`generate` with the shape's known answers: ``Shaped(data, truth)``.

    Same arguments and the same ``data`` as :func:`generate`; ``truth`` is a
    :class:`ShapeTruth` (what is recorded, blank grades, other sex codes, the pay gap as
    recorded and among full-timers, the Duncan index over the recorded grades, renamed units).
    """
    from research.data import synth_senior

    arguments = inspect.signature(generate).bind(n_employees, **options)
    arguments.apply_defaults()
    chosen = dict(arguments.arguments)
    full, data, spec = _draw(**chosen)
    segregation, within_job_gap = chosen["segregation"], chosen["within_job_gap"]
    female_share, vertical_segregation = chosen["female_share"], chosen["vertical_segregation"]
    full_time = (full["working_pattern"] == "full_time").to_numpy()
    pay, sex = data["annual_basic_pay"], data["sex"]
    known = truth(
        segregation=segregation,
        within_job_gap=within_job_gap,
        female_share=female_share,
        vertical_segregation=vertical_segregation,
    )
    return Shaped(
        data,
        ShapeTruth(
            shape=spec,
            population=known,
            recorded=spec.recorded,
            n_employees=len(data),
            n_blank_grades=int(data["grade"].isna().sum()),
            n_other_sex=int((~sex.isin(["F", "M"])).sum()),
            median_gap=_percent_gap(pay, sex, "median"),
            mean_gap=_percent_gap(pay, sex, "mean"),
            full_time_median_gap=_percent_gap(pay[full_time], sex[full_time], "median"),
            full_time_mean_gap=_percent_gap(pay[full_time], sex[full_time], "mean"),
            grade_D=_duncan(data["grade"], sex) if spec.grades else None,
            renamed_units=RENAMED_UNITS if spec.renamed_units else {},
            terms=synth_senior.terms_truth(known.grades, known.occupations),
            senior=synth_senior.senior_truth(data, full) if chosen["senior_tail"] else None,
            diversity=synth_diversity.truth() if spec.ethnicity or spec.disability else None,
        ),
    )


# --------------------------------------------------------------------------------------------
# Several years
# --------------------------------------------------------------------------------------------


def segregation_path(n_years: int, start: float, end: float) -> np.ndarray:
    """Segregation weights of :func:`generate_years`: a straight line from ``start`` to ``end``.

    Year ``k`` of ``n_years`` (``k = 0 .. n_years - 1``) gets
    ``start + (end - start) * k / (n_years - 1)``; a single year gets ``end``.
    """
    if isinstance(n_years, bool) or not isinstance(n_years, Integral) or n_years < 1:
        raise ValueError(f"n_years must be a positive int, got {n_years!r}.")
    _check_real("segregation_start", start, 0.0, 1.0, high_open=False)
    _check_real("segregation_end", end, 0.0, 1.0, high_open=False)
    if n_years == 1:
        return np.array([float(end)])
    return float(start) + (float(end) - float(start)) * np.arange(n_years) / (n_years - 1)


def generate_years(
    years: list[int] | tuple[int, ...],
    *,
    n_employees: int = 3000,
    seed: int = 2025,
    segregation_start: float = 1.0,
    segregation_end: float = 0.8,
    snapshot_day: str = "03-31",
    **options,
) -> pd.DataFrame:
    """Snapshots of the synthetic council in several years, with segregation changing over time.

    Each year is one call of :func:`generate` with ``snapshot_date = "<year>-<snapshot_day>"`` and
    ``segregation`` on the straight line :func:`segregation_path` from ``segregation_start`` (first
    year) to ``segregation_end`` (last year); the expected Duncan index of each year is
    ``truth(segregation=...).D``. The last year uses ``seed`` itself, so it is exactly
    ``generate(n_employees, seed=seed, segregation=segregation_end, snapshot_date=...)``; earlier
    years use seeds derived from ``seed`` and the year's position. The snapshots are independent
    draws (a fresh workforce each year, employee ids restarting at ``SYN0000001``), not a panel
    that follows the same people.

    Parameters
    ----------
    years : sequence of int
        Calendar years, strictly increasing, e.g. ``[2023, 2024, 2025]``.
    n_employees : int or sequence of int
        Employees in each snapshot (one number for every year, or one per year).
    seed : int
        Seed of the last year; earlier years derive theirs from it.
    segregation_start, segregation_end : float
        Segregation weight ``s`` of the first and last year, each in ``[0, 1]``.
    snapshot_day : str
        Month and day of every snapshot, ``"MM-DD"`` (default 31 March).
    **options
        Passed on to :func:`generate` (``within_job_gap``, ``female_share``, ``employer``,
        ``other_sex_share``, ``vertical_segregation``, ``shape``). With a shape that renames
        units (``renamed_units``), every year but the last uses the earlier names of
        :data:`RENAMED_UNITS`.

    Returns
    -------
    pandas.DataFrame
        The snapshots stacked (canonical columns; ``snapshot_date`` tells them apart).

    Raises
    ------
    ValueError
        Years not strictly increasing, a bad count of employees, segregation outside ``[0, 1]``,
        or an option :func:`generate` rejects.
    """
    years = [int(y) for y in years]
    if not years or any(b <= a for a, b in zip(years, years[1:], strict=False)):
        raise ValueError(f"years must be a non-empty, strictly increasing list, got {years!r}.")
    for reserved in ("segregation", "snapshot_date", "n_employees", "seed"):
        if reserved in options:
            raise ValueError(f"{reserved} is set per year by generate_years; do not pass it.")
    sizes = (
        [n_employees] * len(years)
        if isinstance(n_employees, Integral) and not isinstance(n_employees, bool)
        else list(n_employees)
    )
    if len(sizes) != len(years):
        raise ValueError(
            f"n_employees must be one int or one per year ({len(years)}), got {n_employees!r}."
        )
    path = segregation_path(len(years), segregation_start, segregation_end)
    renamed = make_shape(options.get("shape", "complete")).renamed_units
    frames = []
    for k, (year, size, s) in enumerate(zip(years, sizes, path, strict=True)):
        year_seed = (
            int(seed)
            if k == len(years) - 1
            else int(np.random.SeedSequence([int(seed), len(years) - 1 - k]).generate_state(1)[0])
        )
        frames.append(
            generate(
                size,
                seed=year_seed,
                segregation=float(s),
                snapshot_date=f"{year}-{snapshot_day}",
                **options,
            )
        )
    if renamed:  # earlier years under the older unit names (RENAMED_UNITS)
        frames[:-1] = [_rename_to_earlier(frame) for frame in frames[:-1]]
    out = pd.concat(frames, ignore_index=True)
    for column in frames[0].columns:  # keep categoricals, with every year's categories
        dtypes = [frame[column].dtype for frame in frames]
        if isinstance(dtypes[0], pd.CategoricalDtype) and not isinstance(
            out[column].dtype, pd.CategoricalDtype
        ):
            levels = list(dict.fromkeys(c for d in dtypes for c in d.categories))
            out[column] = out[column].astype(pd.CategoricalDtype(levels, ordered=dtypes[0].ordered))
    return out


def generate_year_before(
    year: int,
    *,
    n_employees: int = 3000,
    seed: int = 2025,
    segregation_start: float = 1.0,
    segregation_end: float = 0.8,
    snapshot_day: str = "03-31",
    columns: Iterable[str] | None = None,
    **options,
) -> pd.DataFrame:
    """The earlier snapshot of ``generate_years([year - 1, year], ...)``, without drawing ``year``.

    Identical rows, index and column types (categoricals keep the categories the two years would
    share), at the cost and memory of one snapshot instead of two. ``columns``: keep only these
    (in the table's order), dropping the others as soon as the year is drawn.
    """
    for reserved in ("segregation", "snapshot_date", "n_employees", "seed"):
        if reserved in options:
            raise ValueError(f"{reserved} is set per year by generate_years; do not pass it.")
    path = segregation_path(2, segregation_start, segregation_end)
    year_seed = int(np.random.SeedSequence([int(seed), 1]).generate_state(1)[0])
    frame = generate(
        n_employees,
        seed=year_seed,
        segregation=float(path[0]),
        snapshot_date=f"{int(year) - 1}-{snapshot_day}",
        **options,
    )
    if columns is not None:
        wanted = set(columns)
        frame = frame[[c for c in frame.columns if c in wanted]]
    if not make_shape(options.get("shape", "complete")).renamed_units:
        return frame
    earlier = _rename_to_earlier(frame)
    for column in RENAMED_UNITS:  # the later year's (current) names follow, as after a concat
        if column not in frame:
            continue
        levels = list(
            dict.fromkeys([*earlier[column].cat.categories, *frame[column].cat.categories])
        )
        if len(levels) > len(earlier[column].cat.categories):
            earlier[column] = earlier[column].cat.set_categories(levels)
    return earlier


# --------------------------------------------------------------------------------------------------
# A messy HR-style extract of a synthetic workforce, with its column mapping
# --------------------------------------------------------------------------------------------------

#: Source column -> canonical column of the extract written by :func:`export_extract` (the id
#: column is named by its ``id_column`` argument).
EXTRACT_COLUMNS = {
    "Gender": "sex",
    "SOC Code": "occupation",
    "Job Title": "occupation_title",
    "Department": "department",
    "Grade": "grade",
    "Contract Hours": "weekly_hours",
    "FTE": "fte",
    "Working Pattern": "working_pattern",
    "Annual Salary": "annual_basic_pay",
    "Bonus (12 months)": "bonus_12m",
    "Age Band": "age_band",
    "Ethnicity": "ethnicity",
    "Disability": "disability",
    "Start Date": "start_date",
    "Contract Type": "contract_type",
    "Benefit in Kind": "benefit_in_kind",
}
#: Unmapped columns of the extract that identify a person (fake values): they must never reach
#: any output of the workbench.
EXTRACT_IDENTIFYING = ("Surname", "Forename", "Date of Birth", "NI Number")
_GENDER_LABELS = {"F": "Female", "M": "Male", "X": "Other", "U": "Not known"}
_PATTERN_LABELS = {"full_time": "Full time", "part_time": "Part time"}
_CONTRACT_LABELS = {
    "permanent": "Permanent",
    "fixed_term": "Fixed Term Contract",
    "temporary": "Temporary",
    "casual": "Casual (bank)",
}
_SURNAMES = ("Ní Bhriain", "Müller", "Søndergaard", "Çelik", "O'Connor", "Smith", "Ó Súilleabháin")
_FORENAMES = ("Zoë", "Seán", "Ægir", "François", "Ana", "Björn", "José")


def _written_number(values: pd.Series, digits: int, decimal: str, thousands: str) -> pd.Series:
    """Numbers as text with ``digits`` decimals, the given decimal mark and digit grouping."""

    def one(x: float) -> str:
        text = f"{x:,.{digits}f}"
        return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)

    return values.map(lambda x: None if pd.isna(x) else one(float(x)))


def export_extract(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    decimal: str = ",",
    thousands: str = ".",
    date_format: str | None = "%d/%m/%Y",
    encoding: str = "cp1252",
    null_token: str | None = "NULL",
    id_column: str = "Staff Number",
    declare: bool = True,
    seed: int = 0,
) -> tuple[Path, Path]:
    """Write a canonical table as a messy HR extract (CSV) plus the YAML mapping that reads it.

    The extract is what councils' HR systems export: human column names, sex as words, numbers
    with the given ``decimal`` mark and ``thousands`` grouping (``"30.000,50"`` by default),
    dates in ``date_format``, missing cells written as ``null_token``, ``encoding`` (default
    cp1252), a semicolon delimiter when the decimal mark is a comma, and unmapped identifying
    columns with fake values (:data:`EXTRACT_IDENTIFYING`: names with accents, dates of birth, NI
    numbers with the never-issued prefix QQ). Ingesting the pair gives back ``frame``'s rows
    (``read == len(frame)``), which tests use to check that counts reconcile and that no
    identifier reaches an output.

    A column that is missing for everyone (a :class:`Shape` that leaves it out) is not written:
    an annual-only frame gives an extract with neither hours nor FTE, whose mapping declares the
    salaries ``basis: actual`` (and maps ``Working Pattern`` when the frame records one). Blank
    cells (e.g. the ``blank_grades`` or ``null_tokens`` shapes) are written as ``null_token``;
    with ``declare=False`` the mapping does not declare it, as in a user's first mapping.

    Parameters
    ----------
    frame
        A canonical table, e.g. from :func:`generate`.
    path
        The CSV to write; the mapping is written next to it with the suffix ``.yaml``.
    decimal, thousands, date_format, encoding, null_token, id_column
        How the extract is written. ``date_format=None`` writes ``%d/%m/%Y`` without declaring
        it; ``null_token=None`` leaves missing cells empty.
    declare
        Whether the mapping declares the forms (False writes a mapping without ``decimal``,
        ``thousands``, date format, null values or encoding, to test what undeclared input does).
    seed
        Seed of the fake identifying values.

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The CSV and the mapping.
    """
    import yaml

    path = Path(path)
    rng = make_rng(seed, "the extract's fake identifiers")
    n = len(frame)
    out = pd.DataFrame({id_column: frame["employee_id"].astype("string").to_numpy()})
    out["Surname"] = rng.choice(_SURNAMES, size=n)
    out["Forename"] = rng.choice(_FORENAMES, size=n)
    births = pd.Timestamp("1960-01-01") + pd.to_timedelta(rng.integers(0, 15000, size=n), "D")
    written_dates = date_format or "%d/%m/%Y"
    out["Date of Birth"] = births.strftime(written_dates)
    out["NI Number"] = [f"QQ{k:06d}{'ABCD'[k % 4]}" for k in rng.integers(0, 999_999, size=n)]
    out["Gender"] = frame["sex"].astype("string").map(_GENDER_LABELS).to_numpy()
    for source, target in EXTRACT_COLUMNS.items():
        if source == "Gender" or target not in frame or frame[target].isna().all():
            continue  # a column the data do not record is not in the extract
        values = frame[target]
        if target == "working_pattern":
            if "fte" in frame and frame["fte"].notna().any():
                continue  # follows from FTE
            out[source] = values.astype("string").map(_PATTERN_LABELS).to_numpy()
        elif target in ("weekly_hours", "fte", "annual_basic_pay", "bonus_12m"):
            digits = {"weekly_hours": 2, "fte": 6}.get(target, 2)
            out[source] = _written_number(values, digits, decimal, thousands).to_numpy()
        elif target == "start_date":
            out[source] = pd.to_datetime(values).dt.strftime(written_dates).to_numpy()
        elif target == "contract_type":
            out[source] = values.astype("string").map(_CONTRACT_LABELS).to_numpy()
        elif target == "benefit_in_kind":
            flags = values.astype("boolean")
            out[source] = flags.map({True: "Y", False: "N"}).astype("object").to_numpy()
        else:
            out[source] = values.astype("string").to_numpy()
    out = out.astype("object").where(out.notna(), None)
    delimiter = ";" if decimal == "," else ","
    text = out.to_csv(index=False, sep=delimiter, lineterminator="\n", na_rep=null_token or "")
    path.write_bytes(text.encode(encoding))

    grades = frame[["grade", "grade_rank"]].dropna().drop_duplicates().sort_values("grade_rank")
    columns: dict[str, object] = {
        "employee_id": id_column,
        "employer": {"value": str(frame["employer"].iloc[0])},
        "snapshot_date": {
            "value": pd.Timestamp(frame["snapshot_date"].iloc[0]).strftime("%Y-%m-%d")
        },
        "sex": {"column": "Gender", "codes": {v: k for k, v in _GENDER_LABELS.items()}},
    }
    for source, target in EXTRACT_COLUMNS.items():
        if source == "Gender" or source not in out:
            continue
        columns[target] = source
    basis = "fte" if "FTE" in out else "actual"  # annual-only extracts: salaries as paid
    columns["annual_basic_pay"] = {"column": "Annual Salary", "unit": "annual", "basis": basis}
    if "Working Pattern" in out:
        columns["working_pattern"] = {
            "column": "Working Pattern",
            "codes": {v: k for k, v in _PATTERN_LABELS.items()},
        }
    if "Contract Type" in out:
        columns["contract_type"] = {
            "column": "Contract Type",
            "codes": {v: k for k, v in _CONTRACT_LABELS.items()},
        }
    if "Benefit in Kind" in out:
        columns["benefit_in_kind"] = {"column": "Benefit in Kind", "true_values": ["Y"]}
    if len(grades):
        columns["grade_rank"] = {"order": [str(g) for g in grades["grade"].astype(str).unique()]}
    if declare and date_format and "Start Date" in out:
        columns["start_date"] = {"column": "Start Date", "format": date_format}
    source_options: dict[str, object] = {"delimiter": delimiter}
    if declare:
        source_options.update(encoding=encoding, decimal=decimal, thousands=thousands)
        if null_token:
            source_options["null_values"] = [null_token]
    spec = {
        "name": path.stem,
        "description": "Synthetic HR extract written by research.data.synth.export_extract",
        "currency": "GBP",
        "full_time_hours": DEFAULT_FULL_TIME_HOURS,
        "source": source_options,
        "columns": columns,
    }
    mapping = path.with_suffix(".yaml")
    mapping.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, mapping
