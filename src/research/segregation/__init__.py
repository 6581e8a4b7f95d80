"""Occupational segregation: indices, uncertainty, decompositions and profiles.

Long-form data in, as in seaborn and the R package ``segregation``: a DataFrame and the columns in
their roles, ``by`` (the group column, e.g. ``"sex"``), ``unit`` (e.g. ``"occupation"``) and an
optional ``weight`` of counts; two-group indices compare ``compare=`` (e.g. ``"F"``) with
``reference=`` (e.g. ``"M"``), or ``compare=`` alone with everybody else; one row per employee or one row per cell both work. The data are aggregated
once into a unit x group table (:mod:`~research.segregation.cells`) and every index is a vectorised
sum over it (:mod:`~research.segregation.kernels`), so the same code serves one table, a thousand
bootstrap replicates or three hundred councils.

========================================  ==========================================================
Function                                  What it gives
========================================  ==========================================================
:func:`dissimilarity`                     Duncan and Duncan's D, group vs group or vs the rest
:func:`karmel_maclachlan`                 Karmel and MacLachlan's IP
:func:`gini`                              Gini index in O(n log n)
:func:`hutchens`                          Hutchens' square root index
:func:`atkinson`                          Atkinson index, shape ``b`` honoured
:func:`size_standardised_dissimilarity`   Gibbs' size-standardised D
:func:`isolation`, :func:`exposure`       Bell's interaction indices
:func:`segregation_indices`               all of the above plus M and H, from one aggregation
:func:`mutual_information`                Theil's M and H, exact between/within split, nested levels
:func:`local_segregation`                 local scores per group and per unit, adding up to M
:func:`representation_ratios`             each unit's share of a group against the overall share
:func:`segregation_curve`                 the segregation curve with its D and Gini
:func:`expected_values`                   indices expected under random allocation
:func:`decompose_change`                  Elbers' (2021) Shapley decomposition of a change
:func:`karmel_maclachlan_change`          Karmel and MacLachlan's (1988) decomposition of IP
:func:`ipf`                               iterative proportional fitting of one table to another
:func:`segregation_profile`               every index for every council / year / region
========================================  ==========================================================

Every index accepts ``n_boot=`` and ``seed=`` for bootstrap standard errors, intervals and
bias-corrected estimates (:mod:`~research.segregation.bootstrap`). The indices "all at once" are
those of the registry (:mod:`~research.segregation.registry`): a new index is one
:func:`register` call. The report ``notebooks/20_segregation.ipynb`` is built by
:func:`research.segregation.report.build` (tables in :mod:`~research.segregation.tables`,
sentences in :mod:`~research.segregation.findings`, charts in
:mod:`~research.segregation.figures`).
"""

from research.segregation.change import (
    CHANGE_INDICES,
    ChangeDecomposition,
    IPFWarning,
    decompose_change,
    fit_margins,
    ipf,
    karmel_maclachlan_change,
)
from research.segregation.indices import (
    INDEX_LABELS,
    ExpectedValues,
    IndexTable,
    RepresentationRatios,
    SegregationCurve,
    atkinson,
    dissimilarity,
    expected_values,
    exposure,
    gini,
    hutchens,
    isolation,
    karmel_maclachlan,
    representation_ratios,
    segregation_curve,
    segregation_indices,
    size_standardised_dissimilarity,
)
from research.segregation.mutual import (
    LocalSegregation,
    MutualInformation,
    entropy,
    local_segregation,
    mutual_information,
)
from research.segregation.profile import SegregationProfile, segregation_profile
from research.segregation.registry import REGISTRY, SegregationIndex, register, unregister

__all__ = [
    "CHANGE_INDICES",
    "INDEX_LABELS",
    "ChangeDecomposition",
    "ExpectedValues",
    "IPFWarning",
    "REGISTRY",
    "SegregationIndex",
    "IndexTable",
    "LocalSegregation",
    "MutualInformation",
    "RepresentationRatios",
    "SegregationCurve",
    "SegregationProfile",
    "atkinson",
    "decompose_change",
    "dissimilarity",
    "entropy",
    "expected_values",
    "exposure",
    "fit_margins",
    "gini",
    "hutchens",
    "ipf",
    "isolation",
    "karmel_maclachlan",
    "karmel_maclachlan_change",
    "local_segregation",
    "mutual_information",
    "register",
    "representation_ratios",
    "segregation_curve",
    "segregation_indices",
    "segregation_profile",
    "size_standardised_dissimilarity",
    "unregister",
]
