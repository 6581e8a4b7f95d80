"""Ethnicity and disability pay gaps (issue 15): the GOV.UK guidance's measures for any group.

:mod:`~research.diversity.groups` assigns the groups (GSS broad ethnic groups against White
British or all White employees; disabled against not disabled), combines small groups and
computes every measure with :func:`research.paygap.statutory.group_pay_gap`;
:mod:`~research.diversity.report` builds the report (``build(data, ...) ->
DiversityPayGapReport``).
"""

from research.diversity.groups import (
    GroupGaps,
    combine_small,
    disability_groups,
    ethnicity_groups,
    group_gaps,
    intersection_gaps,
)

__all__ = [
    "GroupGaps",
    "combine_small",
    "disability_groups",
    "ethnicity_groups",
    "group_gaps",
    "intersection_gaps",
]
