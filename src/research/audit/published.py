"""The equal pay audit's counts, declared for disclosure control across the publication.

The audit's tables publish the women and men of each equal-work group (groups, gaps, actions),
the employees covered by working pattern, and the share of each group's women and men who
receive bonus or allowances (which implies a count of recipients). They are audited together
with the other reports on the same data (:mod:`research.present.counted`) after the tables are
made; a count hidden there is hidden in every table that shows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.audit.equal_pay import EqualPayAudit
from research.core.source import Source
from research.present import counted, disclosure
from research.present.report import Section, Table

_SEXES = {"n_female": {"sex": "F"}, "n_male": {"sex": "M"}}
_RAW = {"grade_group": "grade", "occupation_group": "occupation"}


def _groups(frame: pd.DataFrame, audit: EqualPayAudit, mapping, job_column: str):
    """The canonical dimension of the equal-work groups and what each group label covers."""
    if mapping is not None:
        jobs = frame[job_column]
        labels = jobs.astype("string").map(dict(zip(mapping["job"], mapping["group"], strict=True)))
        return job_column, _members(labels.fillna("(missing)"), jobs)
    column = audit.group_by
    dimension = _RAW.get(column, column)
    labels = frame[column].astype("string").fillna(audit.not_recorded_label or "(missing)")
    values = frame[dimension]
    if dimension == "grade" and counted.GRADE_UNIT in frame:
        dimension = counted.GRADE_UNIT
        values = frame[dimension]
    return dimension, _members(labels, values)


def _members(labels: pd.Series, values: pd.Series) -> dict:
    """:func:`counted.members` of the distinct (label, value) pairs only (one row each), so no
    Python object is made per employee."""
    label_codes, label_uniques = pd.factorize(labels, use_na_sentinel=False)
    value_codes, value_uniques = pd.factorize(values, use_na_sentinel=False)
    key = label_codes.astype(np.int64) * max(len(value_uniques), 1) + value_codes
    _, first = np.unique(key, return_index=True)
    first.sort()
    return counted.members(labels.iloc[first], values.iloc[first])


def declare(
    tables: dict[str, Table],
    frame: pd.DataFrame,
    audit: EqualPayAudit,
    *,
    mapping: pd.DataFrame | None,
    job_column: str,
) -> list[counted.CountTable]:
    """The audit's count tables, from the Tables as made (before the audit across tables)."""
    dimension, members = _groups(frame, audit, mapping, job_column)
    declared = []
    groups = tables.get("audit_groups")
    common = (
        counted.subpopulation_of(frame, groups.data[["n_female", "n_male"]], "audit:groups")
        if groups is not None
        else ()
    )
    for name in ("audit_groups", "audit_mean_gaps", "audit_actions"):
        if name not in tables:
            continue
        gaps = [c for c in tables[name].data if c.startswith("gap") or c.startswith("flag")]
        declared.append(
            counted.CountTable(
                name,
                tables[name].data,
                {"group": dimension},
                counts=_SEXES,
                members={"group": members},
                common=common,
                statistics={"n_female": gaps, "n_male": gaps},
            )
        )
    if "audit_receipt" in tables:
        declared.append(_receipt(tables["audit_receipt"].data, frame, audit, dimension, members))
    if "audit_coverage" in tables:
        declared.append(_coverage(tables["audit_coverage"].data, frame))
    return declared


def _receipt(data, frame, audit, dimension, members) -> counted.CountTable:
    shares = {}
    for element in audit.elements:
        column = f"pct_{element.name}"
        if f"{column}_female" not in data:
            continue
        paid = counted.subpopulation((frame[element.column].fillna(0) > 0).to_numpy())
        for sex, code in (("female", "F"), ("male", "M")):
            shares[f"{column}_{sex}"] = counted.Share({"sex": code, **dict(paid)}, f"n_{sex}")
    return counted.CountTable(
        "audit_receipt",
        data,
        {"group": dimension},
        counts=_SEXES,
        shares=shares,
        members={"group": members},
        common=counted.subpopulation_of(frame, data[["n_female", "n_male"]], "audit:receipt"),
        statistics={
            "n_female": [c for c in shares if c.endswith("_female")],
            "n_male": [c for c in shares if c.endswith("_male")],
        },
    )


def _coverage(data: pd.DataFrame, frame: pd.DataFrame) -> counted.CountTable:
    known = "working_pattern" in frame and frame["working_pattern"].notna().any()
    raw = frame["working_pattern"] if known else pd.Series("all", index=frame.index)
    labels = raw.astype("string").replace({"full_time": "full time", "part_time": "part time"})
    labels = labels.replace({"all": "everyone"}).fillna("(missing)")
    covered = _members(labels, raw) if known else {}
    listed = [v for v in data["working_pattern"] if v != disclosure.TOTAL_LABEL]
    counts = {c: {"sex": c} for c in data.columns if c not in ("working_pattern", "Total")}
    counts[disclosure.TOTAL_LABEL] = {}
    if not known:  # the rows "everyone" and "Total" count the same people
        return counted.CountTable("audit_coverage", data, {}, counts=counts)
    covered[disclosure.TOTAL_LABEL] = counted.total_members(covered, listed)
    return counted.CountTable(
        "audit_coverage",
        data,
        {"working_pattern": "working_pattern"},
        counts=counts,
        members={"working_pattern": covered},
    )


def protect(
    sections: tuple[Section, ...],
    frame: pd.DataFrame,
    audit: EqualPayAudit,
    *,
    mapping: pd.DataFrame | None,
    job_column: str,
    min_cell: int,
    source: Source | None,
) -> tuple[tuple[Section, ...], counted.Protected]:
    """The sections with every count table protected across the publication."""
    frame = counted.with_grade_unit(frame)
    return counted.protect_sections(
        sections,
        lambda tables: declare(tables, frame, audit, mapping=mapping, job_column=job_column),
        frame,
        min_cell=min_cell,
        source=source,
    )
