"""Shipped code lists: the GSS harmonised ethnicity classification for England and Wales.

``ethnicity_gss.csv`` holds the 19 ethnic group categories of the 2021 Census of England and
Wales, the classification the Government Statistical Service harmonised standard for ethnicity
recommends for England and Wales, with the ONS codes (1-19 of the Census 2021 variable "Ethnic
group (20 categories)", the twentieth being "does not apply"), the full labels the ONS publishes
and the five broad groups (Asian, Black, Mixed, White, Other).

Source: Office for National Statistics, Census 2021 ethnic group classification; GSS harmonised
standard "Ethnicity" (Analysis Function, harmonised standards and guidance). Crown copyright,
Open Government Licence v3.0. The GOV.UK guidance "Ethnicity pay reporting: guidance for
employers" (Department for Business and Trade, 2023) recommends these categories. Scotland and
Northern Ireland use different lists.

"Prefer not to say" and not stated are not categories: they are kept as the canonical codes of
:data:`research.data.schema.NOT_STATED_CODES` (or left missing) and reported as not disclosed.

A mapping turns an HR system's labels into canonical ``ethnicity`` values through ``codes:``
(``ethnicity: {column: Ethnicity, codes: {"Asian - Indian": Indian, "White - British": "English,
Welsh, Scottish, Northern Irish or British", "Declined": Prefer not to say}}``); the values must
be categories, broad group names (a source that records only broad groups) or not-stated codes.
Full ONS labels are read as their category without ``codes``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from research.data.schema import ETHNICITY_CATEGORIES

ETHNICITY_GSS_CSV = Path(__file__).with_name("ethnicity_gss.csv")

__all__ = ["ETHNICITY_GSS_CSV", "ethnicity_gss", "full_labels"]


@cache
def _read() -> pd.DataFrame:
    table = pd.read_csv(ETHNICITY_GSS_CSV, dtype={"code": "int64"}, keep_default_na=False)
    listed = tuple(zip(table["code"], table["category"], table["broad_group"], strict=True))
    if listed != ETHNICITY_CATEGORIES:  # the schema's vocabulary and the shipped list agree
        raise RuntimeError(f"{ETHNICITY_GSS_CSV} does not match schema.ETHNICITY_CATEGORIES.")
    return table


def ethnicity_gss() -> pd.DataFrame:
    """The code list: ``code, category, label, broad_group`` (19 rows, ONS order)."""
    return _read().copy()


def full_labels() -> dict[str, str]:
    """Full ONS label -> category (``"Asian, Asian British or Asian Welsh: Indian"`` -> Indian)."""
    table = _read()
    return dict(zip(table["label"], table["category"], strict=True))
