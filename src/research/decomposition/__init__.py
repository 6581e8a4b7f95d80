"""Decompositions of the pay gap: how much comes from who works where, and how much remains.

* :func:`oaxaca_blinder` - Blinder-Oaxaca decomposition of a mean gap (Stata ``oaxaca``
  conventions), aggregate and detailed, normalised dummy sets, analytic and bootstrap errors;
  :func:`adjusted_gap` - the single-equation (group indicator) estimate, as in Logib;
  :func:`reference_sensitivity` - the two-fold split under every reference.
* :func:`brown_moon_zoloth` - the gap within and between occupations (occupational segregation),
  with a multinomial logit of occupational attainment.
* :func:`dfl` - DiNardo-Fortin-Lemieux reweighting for the mean, variance and quantiles.
* :func:`rif_decomposition` - RIF (unconditional quantile) regression decomposition of quantile
  gaps (glass ceilings and sticky floors).
* :func:`pool_rare` - pool categories too small in either group before decomposing.

Every estimator takes ``data`` first, then ``outcome``, ``covariates`` and ``by`` (the column
holding the groups), with ``group_a=`` and ``group_b=`` naming the two groups compared: every
gap is ``mean(A) - mean(B)`` (Jann 2008) and the groups are never swapped. ``reference=`` keeps
its meaning in the decomposition literature: the benchmark pay structure of the two-fold split
(Blinder-Oaxaca, RIF), the group whose structure is the benchmark (Brown-Moon-Zoloth) or the
group reweighted (DFL). The four estimators share one harness (:mod:`._harness`): options and
seed, groups and design, the bootstrap over resampled counts, estimates and ``info``.

The report of ``notebooks/30_decomposition.ipynb`` is :func:`research.decomposition.report.build`
(tables, findings and figures in :mod:`.tables`, :mod:`.findings`, :mod:`.figures`; the analysis
frame in :mod:`.frame`, the pay it compares in :mod:`.measure` (hourly pay, or annual basic pay
when the data hold no hours), the decompositions run together in :mod:`.suite`, and the pay gap
report's percentage gaps beside the log points in :mod:`.reconcile`).
"""

from research.decomposition.bmz import BMZResult, brown_moon_zoloth
from research.decomposition.oaxaca import (
    AdjustedGap,
    OaxacaResult,
    ThreeFold,
    TwoFold,
    adjusted_gap,
    oaxaca_blinder,
    reference_sensitivity,
)
from research.decomposition.pooling import Pooled, pool_rare
from research.decomposition.quantile import RIFResult, rif_decomposition
from research.decomposition.reweighting import DFLResult, dfl

__all__ = [
    "AdjustedGap",
    "BMZResult",
    "DFLResult",
    "OaxacaResult",
    "Pooled",
    "RIFResult",
    "ThreeFold",
    "TwoFold",
    "adjusted_gap",
    "brown_moon_zoloth",
    "dfl",
    "oaxaca_blinder",
    "pool_rare",
    "reference_sensitivity",
    "rif_decomposition",
]
