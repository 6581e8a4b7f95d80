"""A proposed pay structure: assimilation of every employee and the equality impact assessment.

* :func:`structure_from_dict`, :class:`PayStructure` - grades and pay points (files are read by
  :func:`research.data.structures.read_structure`);
* :func:`assimilate` - every employee onto the new grades and points, with pay protection
  (:mod:`research.paystructure.structure`);
* :func:`equality_impact` - before/after equality impact assessment (:mod:`research.paystructure.eia`);
* :func:`research.paystructure.report.build` - the report of notebook 50.
"""

from research.paystructure.eia import MOMENT_LABELS, MOMENTS, EqualityImpact, equality_impact
from research.paystructure.structure import (
    PLACEMENTS,
    RULES,
    Assimilation,
    PayStructure,
    as_structure,
    assimilate,
    structure_from_dict,
)

__all__ = [
    "MOMENTS",
    "MOMENT_LABELS",
    "PLACEMENTS",
    "RULES",
    "Assimilation",
    "EqualityImpact",
    "PayStructure",
    "as_structure",
    "assimilate",
    "equality_impact",
    "structure_from_dict",
]
