"""Recruitment, retention and progression by sex and grade, and the years to parity (issue 16).

* :func:`flow_rates`, :func:`relative_likelihood`, :func:`four_fifths`, :func:`half_life` -
  starters, leavers, turnover, stability, promotion and their comparison by sex
  (:mod:`research.flows.measures`), from the moves table of linked snapshots
  (:func:`research.data.longitudinal.link`);
* :func:`project` - the Markov manpower-planning projection of women's share of the grades, with
  bootstrap bands and the years until the top grades reach a target (:mod:`research.flows.markov`);
* :func:`research.flows.report.build` - the report of notebook 70.
"""

from research.flows.markov import (
    SCENARIOS,
    ManpowerModel,
    Projection,
    estimate,
    flow_counts,
    project,
)
from research.flows.measures import (
    HalfLife,
    flow_rates,
    four_fifths,
    half_life,
    relative_likelihood,
    wilson,
)

__all__ = [
    "SCENARIOS",
    "HalfLife",
    "ManpowerModel",
    "Projection",
    "estimate",
    "flow_counts",
    "flow_rates",
    "four_fifths",
    "half_life",
    "project",
    "relative_likelihood",
    "wilson",
]
