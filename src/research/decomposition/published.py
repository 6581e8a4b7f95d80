"""The decomposition report's counts, declared for disclosure control across the publication.

``pay_by_sex`` publishes how many women and men the decomposition compares, and
``occupations_driving_segregation`` each listed occupation's share of all men and of all
women, which with those totals implies how many men and women work in it. Both are audited
together with the other reports on the same data (:mod:`research.present.counted`). The
occupations there may be categories the decomposition pooled, so they are a grouping of their
own (``open_groups``): the audit links them to this report's totals, not to other reports'
occupation tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from research.core.source import Source
from research.present import counted
from research.present.report import Section, Table

_LABELS = {"Men": "M", "Women": "F"}


def _published_total(pay: pd.DataFrame, label: str) -> int | None:
    value = pay.loc[pay["group"] == label, "n"]
    if value.empty or not pd.api.types.is_number(value.iloc[0]) or pd.isna(value.iloc[0]):
        return None
    return int(value.iloc[0])


def declare(tables: dict[str, Table], data: pd.DataFrame) -> list[counted.CountTable]:
    """The report's count tables, from the Tables as made."""
    declared = []
    pay = tables.get("pay_by_sex")
    if pay is None:
        return declared
    sample = counted.subpopulation_of(data, pay.data["n"], "decomposition sample")
    declared.append(
        counted.CountTable(
            "pay_by_sex",
            pay.data,
            {},
            counts={"n": {}},
            row_conditions=[(("sex", _LABELS.get(g, g)),) for g in pay.data["group"]],
            common=sample,
            statistics={"n": [c for c in pay.data if c not in ("group", "n")]},
        )
    )
    driving = tables.get("occupations_driving_segregation")
    men, women = _published_total(pay.data, "Men"), _published_total(pay.data, "Women")
    if driving is not None and men is not None and women is not None:
        declared.append(
            counted.CountTable(
                "occupations_driving_segregation",
                driving.data,
                {"occupation": "occupation (as the decomposition groups it)"},
                shares={
                    "pct_of_men": counted.Share({"sex": "M"}, men),
                    "pct_of_women": counted.Share({"sex": "F"}, women),
                },
                common=sample,
                statistics={
                    "pct_of_men": ["men_pay_vs_average", "between_points"],
                    "pct_of_women": ["pct_of_women_predicted", "between_points"],
                },
                open_groups=True,
            )
        )
    return declared


def protect(
    sections: Sequence[Section], data: pd.DataFrame, *, min_cell: int, source: Source | None
) -> tuple[tuple[Section, ...], counted.Protected]:
    """The sections with every count table protected across the publication."""
    return counted.protect_sections(
        sections, lambda tables: declare(tables, data), data, min_cell=min_cell, source=source
    )
