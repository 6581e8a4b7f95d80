"""The flows report's counts, declared for disclosure control across the publication.

Flow counts are person-years of linked snapshots, not rows of one snapshot: they are declared
in a sub-population of their own (:data:`FLOWS`) with a dimension ``flow`` saying what each
count covers, so that the audit knows how they add up: a headcount at the start of a year is
those promoted, those who stayed otherwise, voluntary leavers and other leavers; leavers are
voluntary and other leavers; starters and the headcount at the last snapshot are flows of their
own. Grades (bands of ranks) and years are dimensions with every value listed, so totals over
them are exact. The single-snapshot tables (cohorts by hire year, service by grade) count rows of
the snapshot itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from research.core.source import Source
from research.present import counted
from research.present.formats import SEX_LABELS
from research.present.publication import SUBSET_PREFIX
from research.present.report import Section, Table

FLOWS = ((f"{SUBSET_PREFIX}flows between linked snapshots (person-years)", "in"),)
#: The snapshot tables (hire cohorts, service) count the rows of the last snapshot: a
#: sub-population of its own too, so that the audit never takes person-years of flows for
#: people of the snapshot.
SNAPSHOT = ((f"{SUBSET_PREFIX}employees at the last snapshot", "in"),)
FLOW = "flow"
FLOW_VALUES = ("promoted", "stayed", "left voluntarily", "left otherwise", "starter", "now")
GRADE = "grade band (flows)"
PERIOD = "year (flows)"
STARTED = "year started"
TENURE_GRADE = "grade (one snapshot)"

_STAYERS = frozenset({"promoted", "stayed"})
_LEAVERS = frozenset({"left voluntarily", "left otherwise"})
_COUNTS = {
    "headcount_start": {FLOW: _STAYERS | _LEAVERS},
    "starters": {FLOW: "starter"},
    "leavers": {FLOW: _LEAVERS},
    "voluntary_leavers": {FLOW: "left voluntarily"},
    "stayers": {FLOW: _STAYERS},
    "promoted": {FLOW: "promoted"},
}
_RATES = {
    "headcount_start": ["turnover", "voluntary_turnover", "stability", "promotion", "leaving"],
    "leavers": ["turnover", "leaving", "stability"],
    "voluntary_leavers": ["voluntary_turnover"],
    "promoted": ["promotion"],
    "starters": ["turnover", "voluntary_turnover"],
}
_SEX_MEMBERS = {"sex": {label: frozenset({code}) for code, label in SEX_LABELS.items()}}


def _statistics(data: pd.DataFrame) -> dict[str, list[str]]:
    out = {}
    for column, rates in _RATES.items():
        if column in data:
            out[column] = [
                c for rate in rates for c in (rate, f"{rate}_low", f"{rate}_high") if c in data
            ]
    return out


def _flow_table(
    name: str, data: pd.DataFrame, groups: dict[str, str], domains: dict, by_sex: bool = True
) -> counted.CountTable:
    return counted.CountTable(
        name,
        data,
        {**groups, "sex": "sex"} if by_sex else groups,
        counts={c: v for c, v in _COUNTS.items() if c in data},
        members=_SEX_MEMBERS,
        common=FLOWS,
        statistics=_statistics(data),
        domains={FLOW: FLOW_VALUES, **domains},
    )


def declare(tables: dict[str, Table], bands: Sequence[str], periods: Sequence[str]):
    """The report's count tables, from the Tables as made."""
    grade_domain = {GRADE: tuple(bands)}
    declared = []
    if "flows_by_sex" in tables:
        declared.append(_flow_table("flows_by_sex", tables["flows_by_sex"].data, {}, {}))
    if "flows_by_year" in tables:
        declared.append(
            _flow_table(
                "flows_by_year",
                tables["flows_by_year"].data,
                {"period": PERIOD},
                {PERIOD: tuple(periods)},
            )
        )
    for column in ("ethnicity", "disability"):
        name = f"flows_by_{column}"
        if name in tables:
            data = tables[name].data
            dimension = f"{column} (flows)"
            declared.append(
                _flow_table(
                    name,
                    data,
                    {"group": dimension},
                    {dimension: tuple(map(str, data["group"]))},
                    by_sex=False,
                )
            )
    if "flows_by_grade" in tables:
        declared.append(
            _flow_table(
                "flows_by_grade", tables["flows_by_grade"].data, {"band": GRADE}, grade_domain
            )
        )
    both = frozenset({"F", "M"})
    if "pipeline_by_grade" in tables:  # its flows are the flows table's, added over sex
        declared.append(
            counted.CountTable(
                "pipeline_by_grade",
                tables["pipeline_by_grade"].data,
                {"band": GRADE},
                counts={"n_now": {FLOW: "now", "sex": both}},
                shares={
                    "pct_now": counted.Share(
                        {FLOW: "now", "sex": "F"}, "n_now", rest={FLOW: "now", "sex": "M"}
                    )
                },
                common=FLOWS,
                domains={FLOW: FLOW_VALUES, **grade_domain},
            )
        )
    if "cohort_half_life" in tables:
        declared.append(
            counted.CountTable(
                "cohort_half_life",
                tables["cohort_half_life"].data,
                {"sex": "sex"},
                counts={"starters": {FLOW: "starter"}},
                members=_SEX_MEMBERS,
                common=FLOWS,
                statistics={"starters": ["half_life", "extrapolated"]},
                domains={FLOW: FLOW_VALUES},
            )
        )
    if "cohorts_by_hire_year" in tables:
        data = tables["cohorts_by_hire_year"].data
        declared.append(
            counted.CountTable(
                "cohorts_by_hire_year",
                data,
                {"hire_year": STARTED},
                counts={"n_female": {"sex": "F"}, "n_male": {"sex": "M"}},
                common=SNAPSHOT,
                statistics={"n_female": ["pct_female"], "n_male": ["pct_female"]},
                domains={STARTED: tuple(map(str, data["hire_year"]))},
            )
        )
    if "tenure_by_grade" in tables:
        data = tables["tenure_by_grade"].data
        declared.append(
            counted.CountTable(
                "tenure_by_grade",
                data,
                {"grade": TENURE_GRADE, "sex": "sex"},
                counts={"n": {}},
                common=SNAPSHOT,
                members=_SEX_MEMBERS,
                statistics={"n": ["median", "mean"]},
                domains={TENURE_GRADE: tuple(dict.fromkeys(map(str, data["grade"])))},
            )
        )
    return declared


def protect(
    sections: Sequence[Section],
    data: pd.DataFrame,
    *,
    bands: Sequence[str] = (),
    periods: Sequence[str] = (),
    min_cell: int,
    source: Source | None,
):
    """The sections with every count table protected across the publication."""
    return counted.protect_sections(
        sections,
        lambda tables: declare(tables, bands, periods),
        data,
        min_cell=min_cell,
        source=source,
    )
