"""The pay structure assessment's counts, declared for disclosure control across the publication.

The assessment publishes, per proposed grade, per group and per sex, how many employees there
are, how many gain, lose, need protection or sit above their new grade's maximum. These are
audited together with the other reports on the same data (:mod:`research.present.counted`).
Proposed grades, and the groups of the gains and widening tables, are groupings of the
assessment's own (``open_groups``); gainers, losers, the protected and those above the top are
sub-populations the audit names, not knowing that gainers and losers together are everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from research.core.source import Source
from research.present import counted, disclosure, publication
from research.present.report import Section, Table

_SEX = {"Women": "F", "Men": "M", "F": "F", "M": "M"}
_GRADE = "proposed grade"


def _named(name: str) -> tuple:
    return ((f"{publication.SUBSET_PREFIX}pay structure {name}", "in"),)


def _by_sex_rows(frame: pd.DataFrame, dimension: str | None) -> list[tuple]:
    rows = []
    for _, row in frame.iterrows():
        conditions = [("sex", _SEX.get(str(row["sex"]), str(row["sex"])))]
        if dimension is not None:
            conditions.append((dimension, str(row["group"])))
        rows.append(tuple(conditions))
    return rows


def _gains(name: str, frame: pd.DataFrame) -> counted.CountTable:
    dimension = None
    if "group" in frame:
        dimension = (
            "working_pattern (pay structure)"
            if "working" in name
            else (f"{name.removeprefix('gains_')} (pay structure)")
        )
    return counted.CountTable(
        name,
        frame,
        {},
        counts={"n": {}, "n_gain": {"pay change": "gain"}, "n_loss": {"pay change": "loss"}},
        row_conditions=_by_sex_rows(frame, dimension),
        statistics={"n_gain": ["pct_gain"], "n_loss": ["pct_loss"]},
        domains={"pay change": ("gain", "loss", "none")},
        open_groups=dimension is not None,
    )


def declare(tables: dict[str, Table]) -> list[counted.CountTable]:
    """The assessment's count tables, from the Tables as made."""
    declared = []
    if "new_grade_headcount" in tables:
        data = tables["new_grade_headcount"].data
        listed = [g for g in data["new_grade"] if g != disclosure.TOTAL_LABEL]
        sexes = {c: {"sex": c} for c in data.columns if c not in ("new_grade", "Total")}
        declared.append(
            counted.CountTable(
                "new_grade_headcount",
                data,
                {"new_grade": _GRADE},
                counts={**sexes, disclosure.TOTAL_LABEL: {}},
                members={"new_grade": {disclosure.TOTAL_LABEL: frozenset(map(str, listed))}},
                open_groups=True,
            )
        )
    if "audit_new_grades" in tables:
        data = tables["audit_new_grades"].data
        gaps = [c for c in data if c.startswith(("gap", "flag")) or c == "pattern"]
        declared.append(
            counted.CountTable(
                "audit_new_grades",
                data,
                {"group": _GRADE},
                counts={"n_female": {"sex": "F"}, "n_male": {"sex": "M"}},
                statistics={"n_female": gaps, "n_male": gaps},
                open_groups=True,
            )
        )
    for name, item in tables.items():
        if name.startswith("gains_") and "n_gain" in item.data:
            declared.append(_gains(name, item.data))
    if "pay_protection" in tables:
        data = tables["pay_protection"].data
        declared.append(
            counted.CountTable(
                "pay_protection",
                data,
                {},
                counts={
                    "n": {},
                    "n_protected": dict(_named("protected")),
                    "n_above_top": dict(_named("above top")),
                },
                row_conditions=_by_sex_rows(data, None),
                statistics={"n_protected": ["pct_protected", "mean_protected_amount"]},
            )
        )
    if "gap_widening" in tables:
        data = tables["gap_widening"].data
        declared.append(
            counted.CountTable(
                "gap_widening",
                data,
                {},
                counts={"n_female": {"sex": "F"}, "n_male": {"sex": "M"}},
                common=_named("gap comparison"),
                row_conditions=[
                    ((f"{str(b).lower()} (pay structure, widening)", str(g)),)
                    if str(b) != "All employees"
                    else ()
                    for b, g in zip(data["breakdown"], data["group"], strict=True)
                ],
                statistics={
                    "n_female": ["gap_before", "gap_after", "change", "widens"],
                    "n_male": ["gap_before", "gap_after", "change", "widens"],
                },
                open_groups=True,
            )
        )
    return declared


def protect(
    sections: Sequence[Section],
    data: pd.DataFrame,
    *,
    min_cell: int,
    source: Source | None,
    assessed: pd.Series | None = None,
) -> tuple[tuple[Section, ...], counted.Protected]:
    """The sections with every count table protected across the publication.

    ``data`` is the whole dataset; ``assessed`` marks the employees the structure places (those
    with the column its rule reads): every table counts only them, which the audit must know to
    set them beside other reports' counts of everyone.
    """
    within = counted.subpopulation(assessed) if assessed is not None else ()

    def declare_assessed(tables: dict[str, Table]) -> list[counted.CountTable]:
        return [replace(t, common=(*within, *t.common)) for t in declare(tables)]

    return counted.protect_sections(
        sections, declare_assessed, data, min_cell=min_cell, source=source
    )
