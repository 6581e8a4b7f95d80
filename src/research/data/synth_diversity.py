"""Ethnicity and disability in the synthetic workforce, with known pay gaps (issue 15).

:mod:`research.data.synth` draws each employee's ethnicity (a category of the GSS harmonised
classification for England and Wales, 2021 Census, or "Not stated") and disability status
("Yes", "No", "Not stated") independently of everything else, with the shares below, and then
multiplies their full-time-equivalent basic pay by

.. math:: f = (1 - g_{\\text{broad group}}) \\times (1 - d\\,[\\text{disabled}])

(``g`` from :data:`ETHNICITY_GAPS`, ``d`` = :data:`DISABILITY_GAP`; employees who did not state
their ethnicity or disability get the factor of White and of not disabled employees, 1), but
never below the bottom spinal point (less the within-job gap of women): the lowest-paid keep the
bottom of the scale (:func:`apply_gaps`). Bonuses are drawn before, from the pay without this
factor.

Because ethnicity and disability are independent of occupation, grade, sex, hours, leave and
bonus, the hourly pay of a broad group is the pay of White British employees scaled by
``1 - g``, except at the floor: in the population **the median gap in hourly pay of a broad
group against White British employees is exactly** ``100 g`` (and ``100 d`` for disabled against
not disabled employees; the medians are far above the floor), among all full-pay relevant
employees and among women or men alone. **The mean gap is** ``100 g`` **less the floor's lift**:
about 1.6% of employees, at the bottom of grade 1, are lifted to the floor, which narrows the
mean gaps by at most 0.6 of a point (0.5 for Black employees, about 0.2 for Asian and Other
employees, 0.15 for disabled employees, measured on 200,000 employees with and without the
floor);
the bonus gaps are 0 and every group is equally likely to be paid a bonus; White employees
other than White British are paid as White British employees (gap 0), so the two reference
groups (White British, all White) give the same population gaps. :func:`truth` gives these
values; estimates from a sample of ``n`` employees differ by sampling error only.

The shares are illustrative, roughly those of English local government workforces (mostly
White British; about 5% Asian, 3.5% Black, 1.6% Mixed, 1% Other; 8% not stated), and the gaps
are illustrative too: neither is any council's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from research.data.schema import ETHNIC_BROAD_GROUPS, ETHNICITY_CATEGORIES, WHITE_BRITISH

#: Recorded when an employee did not state their ethnicity or disability.
NOT_STATED = "Not stated"

#: Share of employees in each GSS category (and not stated); sums to 1.
ETHNICITY_SHARES: dict[str, float] = {
    "Bangladeshi": 0.005,
    "Chinese": 0.003,
    "Indian": 0.022,
    "Pakistani": 0.013,
    "Other Asian": 0.007,
    "African": 0.018,
    "Caribbean": 0.012,
    "Other Black": 0.005,
    "White and Asian": 0.004,
    "White and Black African": 0.002,
    "White and Black Caribbean": 0.006,
    "Other Mixed": 0.004,
    WHITE_BRITISH: 0.760,
    "Irish": 0.008,
    "Gypsy or Irish Traveller": 0.001,
    "Roma": 0.001,
    "Other White": 0.040,
    "Arab": 0.003,
    "Any other ethnic group": 0.006,
    NOT_STATED: 0.080,
}
#: Ethnicity labels in code order (the 19 GSS categories, then not stated).
ETHNICITY_LABELS: tuple[str, ...] = tuple(c for _, c, _ in ETHNICITY_CATEGORIES) + (NOT_STATED,)
ETHNICITY_P: tuple[float, ...] = tuple(ETHNICITY_SHARES[label] for label in ETHNICITY_LABELS)

#: Disability status labels and shares (disabled, not disabled, not stated).
DISABILITY_LABELS: tuple[str, ...] = ("Yes", "No", NOT_STATED)
DISABILITY_P: tuple[float, ...] = (0.08, 0.80, 0.12)

#: Within-job pay penalty of each broad group against White employees (all White categories
#: alike, so White British and White other are paid alike).
ETHNICITY_GAPS: dict[str, float] = {
    "Asian": 0.05,
    "Black": 0.08,
    "Mixed": 0.03,
    "White": 0.0,
    "Other": 0.06,
}
#: Within-job pay penalty of disabled employees against those not disabled.
DISABILITY_GAP: float = 0.04

#: How far the floor of :func:`apply_gaps` can narrow a mean gap (percentage points).
MEAN_FLOOR_LIFT: float = 0.6

_BROAD = {c: g for _, c, g in ETHNICITY_CATEGORIES}


def pay_factor(ethnicity: np.ndarray, disability: np.ndarray) -> np.ndarray:
    """Multiplier of FTE pay for ethnicity codes (into :data:`ETHNICITY_LABELS`) and
    disability codes (into :data:`DISABILITY_LABELS`)."""
    by_code = np.array(
        [1.0 - ETHNICITY_GAPS.get(_BROAD.get(label, "White"), 0.0) for label in ETHNICITY_LABELS]
    )
    disabled = np.asarray(disability) == DISABILITY_LABELS.index("Yes")
    return by_code[np.asarray(ethnicity)] * np.where(disabled, 1.0 - DISABILITY_GAP, 1.0)


def apply_gaps(
    annual: np.ndarray, ethnicity: np.ndarray, disability: np.ndarray, *, floor: float
) -> np.ndarray:
    """FTE pay with the known gaps: ``annual x pay_factor``, but never pushed below ``floor``
    (the bottom spinal point, less the within-job gap of women): a council pays its lowest
    point, and the National Living Wage, whatever the employee's ethnicity or disability. Pay
    already below the floor (noise) is left as it is."""
    scaled = annual * pay_factor(ethnicity, disability)
    return np.maximum(scaled, np.minimum(annual, floor))


@dataclass(frozen=True)
class DiversityTruth:
    """Population pay gaps by ethnicity and disability of the synthetic workforce (percent).

    Attributes
    ----------
    group_gaps
        Broad group -> median gap in hourly pay against White British employees (and against all
        White employees): ``100 g``; the mean gap is up to :data:`MEAN_FLOOR_LIFT` points less
        (see the module docstring). White (other than White British): 0.
    disability_gap
        Disabled against not disabled employees, mean and median: ``100 d``.
    minority_mean_gap
        Mean gap of everyone with a recorded ethnicity other than the reference group (all
        ethnic minority groups combined; with White British as reference, White other included)
        against the reference: ``100 (1 - sum_k s_k (1 - g_k) / sum_k s_k)``.
    bonus_gap
        0: bonuses do not depend on ethnicity or disability.
    shares
        Expected share of each broad group among all employees, and ``"Not stated"``.
    disability_shares
        Expected share disabled, not disabled and not stated.
    """

    group_gaps: dict[str, float] = field(default_factory=dict)
    disability_gap: float = 0.0
    minority_mean_gap: dict[str, float] = field(default_factory=dict)
    bonus_gap: float = 0.0
    shares: dict[str, float] = field(default_factory=dict)
    disability_shares: dict[str, float] = field(default_factory=dict)


def truth() -> DiversityTruth:
    """The population values the synthetic workforce's ethnicity and disability target."""
    shares = {g: 0.0 for g in ETHNIC_BROAD_GROUPS}
    for label, share in ETHNICITY_SHARES.items():
        if label in _BROAD:
            shares[_BROAD[label]] += share
    shares[NOT_STATED] = ETHNICITY_SHARES[NOT_STATED]

    def minority_gap(reference: set[str]) -> float:
        others = {c: s for c, s in ETHNICITY_SHARES.items() if c in _BROAD and c not in reference}
        mean = sum(s * (1 - ETHNICITY_GAPS[_BROAD[c]]) for c, s in others.items())
        return 100.0 * (1.0 - mean / sum(others.values()))

    white = {c for c, g in _BROAD.items() if g == "White"}
    return DiversityTruth(
        group_gaps={
            **{g: 100.0 * ETHNICITY_GAPS[g] for g in ETHNIC_BROAD_GROUPS if g != "White"},
            "White other": 0.0,
        },
        disability_gap=100.0 * DISABILITY_GAP,
        minority_mean_gap={
            "White British": minority_gap({WHITE_BRITISH}),
            "White": minority_gap(white),
        },
        shares={k: round(v, 6) for k, v in shares.items()},
        disability_shares=dict(zip(DISABILITY_LABELS, DISABILITY_P, strict=True)),
    )


__all__ = [
    "DISABILITY_GAP",
    "DISABILITY_LABELS",
    "DISABILITY_P",
    "ETHNICITY_GAPS",
    "ETHNICITY_LABELS",
    "ETHNICITY_P",
    "ETHNICITY_SHARES",
    "MEAN_FLOOR_LIFT",
    "NOT_STATED",
    "DiversityTruth",
    "apply_gaps",
    "pay_factor",
    "truth",
]
