"""Gender pay gap metrics: UK statutory figures, EU Pay Transparency reporting, breakdowns.

Submodules: :mod:`~research.data.hourly` (reg 6 hourly pay, full-pay relevant employees),
:mod:`~research.paygap.quartiles` (reg 13 bands and the tie rule), :mod:`~research.paygap.statutory`
(:func:`uk_gpg`), :mod:`~research.paygap.eu` (:func:`eu_pay_transparency`),
:mod:`~research.paygap.breakdown` (:func:`gap_by` with bootstrap intervals) and
:mod:`~research.paygap.representation` (women's share by grade, the glass ceiling). The two
compared groups are named ``by="sex", reference="M", compare="F"`` throughout; a gap is
``(reference - compare) / reference x 100``. :mod:`~research.paygap.report` builds the pay gap
report (``build(data, ...) -> PayGapReport``).
"""

from research.data.hourly import annual_hourly_pay, full_pay_relevant, reg6_hourly_pay
from research.paygap.breakdown import GapBreakdown, gap_by
from research.paygap.eu import EUPayTransparency, eu_pay_transparency
from research.paygap.quartiles import BANDS, band_sizes, quartile_bands
from research.paygap.representation import (
    GradeRepresentation,
    representation_by_grade,
    wilson_interval,
)
from research.paygap.statutory import (
    GOV_UK_COLUMNS,
    GroupPayGap,
    Groups,
    UKGenderPayGap,
    group_pay_gap,
    pay_gap,
    uk_gpg,
)

__all__ = [
    "EUPayTransparency",
    "GradeRepresentation",
    "eu_pay_transparency",
    "representation_by_grade",
    "wilson_interval",
    "BANDS",
    "GOV_UK_COLUMNS",
    "GapBreakdown",
    "GroupPayGap",
    "Groups",
    "UKGenderPayGap",
    "annual_hourly_pay",
    "band_sizes",
    "full_pay_relevant",
    "gap_by",
    "group_pay_gap",
    "pay_gap",
    "quartile_bands",
    "reg6_hourly_pay",
    "uk_gpg",
]
