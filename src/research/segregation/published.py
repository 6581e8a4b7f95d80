"""The segregation report's counts, declared for disclosure control across the publication.

The occupation and job family tables publish each unit's number of women and men and women's
share (which implies the count of women), so they are audited together with the other reports
on the same data (:mod:`research.present.counted`). Representation ratios and shares of
segregation are computed from the same counts and are hidden with the share.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from research.core.source import Source
from research.present import counted, tabulate
from research.segregation.tables import BAND, FAMILY, SEXES, UNIT

_BINARY = frozenset(SEXES)
_SHARE = counted.Share({"sex": "F"}, "n", rest={"sex": "M"})


def _current(data: pd.DataFrame) -> pd.Series:
    """The rows of the latest snapshot (all rows when there are no snapshot dates)."""
    if "snapshot_date" in data and data["snapshot_date"].notna().any():
        return (data["snapshot_date"] == data["snapshot_date"].max()).fillna(False).astype(bool)
    return pd.Series(True, index=data.index)


def declare(
    data: pd.DataFrame,
    frames: Mapping[str, pd.DataFrame | None],
    *,
    occupation_level: str,
    family_level: str | None,
    bands: pd.Series | None = None,
) -> list[counted.CountTable]:
    """The report's count tables: ``largest_contributions`` and ``most_dominated_occupations``
    (by occupation), ``job_families`` (by family) and ``women_by_grade`` (by grade or band of
    grades, ``bands`` giving each employee's, in the order of the latest snapshot's women and
    men), women and men of the latest snapshot."""
    current = _current(data)
    binary = current & data["sex"].astype("string").isin(list(SEXES)).fillna(False)
    used = {"sex", occupation_level, "occupation_title", family_level, "grade", counted.GRADE_UNIT}
    rows = data[[c for c in data.columns if c in used]]  # the columns read, not every column
    rows = rows if binary.all() else rows[binary.to_numpy()]
    labels, values = tabulate.distinct_pairs(
        tabulate.occupation_labels(rows, occupation_level), rows[occupation_level]
    )
    units = counted.members(labels.astype("string").fillna("(missing)"), values)
    common = counted.subpopulation(current.to_numpy())
    by_unit = {
        "largest_contributions": ["ratio_F", "pct_of_M"],
        "most_dominated_occupations": ["ratio_F", "ratio_M"],
    }
    tables = [
        counted.CountTable(
            name,
            frames[name],
            {UNIT: occupation_level},
            counts={"n": {"sex": _BINARY}},
            shares={"pct_female": _SHARE},
            members={UNIT: units},
            common=common,
            statistics={"n": ["pct_female", *hidden], "pct_female": hidden},
        )
        for name, hidden in by_unit.items()
        if frames.get(name) is not None
    ]
    families = frames.get("job_families")
    if families is not None and family_level is not None:
        groups, values = tabulate.distinct_pairs(rows[family_level], rows[family_level])
        dependent = ["D", "D_ci_low", "D_ci_high", "pct_of_M"]
        tables.append(
            counted.CountTable(
                "job_families",
                families,
                {FAMILY: family_level},
                counts={"n": {"sex": _BINARY}},
                shares={"pct_female": _SHARE},
                members={
                    FAMILY: counted.members(groups.astype("string").fillna("(missing)"), values)
                },
                common=common,
                statistics={"n": ["pct_female", *dependent], "pct_female": dependent},
            )
        )
    shares = frames.get("women_by_grade")
    if shares is not None and bands is not None:
        tables.append(
            counted.CountTable(
                "women_by_grade",
                shares,
                {BAND: counted.GRADE_UNIT if counted.GRADE_UNIT in data else "grade"},
                counts={"n": {"sex": _BINARY}},
                shares={"pct_female": _SHARE},
                members={
                    BAND: _members(
                        bands, rows[counted.GRADE_UNIT if counted.GRADE_UNIT in data else "grade"]
                    )
                },
                common=common,
            )
        )
    return tables


def protect(
    data: pd.DataFrame,
    frames: Mapping[str, pd.DataFrame | None],
    *,
    occupation_level: str,
    family_level: str | None,
    bands: pd.Series | None = None,
    min_cell: int,
    source: Source | None,
) -> counted.Protected:
    """The report's count tables after disclosure control across the publication."""
    data = counted.with_grade_unit(data)
    tables = declare(
        data, frames, occupation_level=occupation_level, family_level=family_level, bands=bands
    )
    return counted.protect_tables(tables, data, min_cell=min_cell, source=source)


def _members(labels: pd.Series, values: pd.Series) -> dict:
    """``counted.members`` of the labels as text, from the distinct pairs (not every row)."""
    labels, values = tabulate.distinct_pairs(pd.Series(labels.array), pd.Series(values.array))
    return counted.members(labels.astype("string"), values)
