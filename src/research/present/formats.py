"""Number and text formats shared by every report.

Counts with thousands separators, percentages to one decimal place, money with thousands
separators and the currency sign, indices to a fixed number of decimals, suppressed cells as
``[c]`` (kept as they are). Every formatter returns text and turns a missing value into ``""``.
"""

from __future__ import annotations

import math

import pandas as pd

CURRENCY_SIGNS = {"GBP": "£", "USD": "$", "EUR": "€"}
FORMATS = ("int", "pct", "money", "money2", "float1", "float2", "float3", "yesno", "text", "field")


#: Codes a reader never sees: the text a table or alt text shows in their place. Sex codes are
#: shown through :data:`SEX_LABELS` only where a column holds sex (see :func:`sex_label`); the
#: working patterns, which cannot be mistaken for anything else, in every text cell.
SEX_LABELS = {"F": "Women", "M": "Men", "X": "Another recorded sex", "U": "Not recorded"}
DISPLAY_LABELS = {
    "full_time": "Full time",
    "part_time": "Part time",
    "full time": "Full time",
    "part time": "Part time",
}


def display_label(value) -> str:
    """The text a reader sees for a value: ``"full_time"`` -> ``"Full time"``; others unchanged."""
    text = str(value)
    return DISPLAY_LABELS.get(text, text)


def sex_label(code) -> str:
    """``"F"`` -> ``"Women"``, ``"X"`` -> ``"Another recorded sex"``; other text unchanged."""
    text = str(code)
    return SEX_LABELS.get(text, text)


#: Titles of canonical column names that a plain ``snake_case`` -> "Snake case" would garble.
FIELD_TITLES = {
    "employee_id": "Employee ID",
    "fte": "FTE",
    "bonus_12m": "Bonus in the last 12 months",
    "hourly_pay": "Hourly pay",
    "soc_code": "SOC code",
}


def field_label(name) -> str:
    """A data column's name shown with its title: ``"annual_basic_pay"`` ->
    ``"Annual basic pay (annual_basic_pay)"`` (format ``"field"``); a name without ``_`` and
    already a title, e.g. ``"Grade"``, is kept as it is."""
    text = str(name)
    title = FIELD_TITLES.get(text) or text.replace("_", " ").strip().capitalize()
    return text if title == text else f"{title} ({text})"


def is_missing(value) -> bool:
    """Whether ``value`` is a missing value (None, NA or NaN)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _fixed(value: float, digits: int) -> str:
    """``value`` to ``digits`` decimals with thousands separators; never ``-0.0``."""
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def fmt_int(value) -> str:
    """``12345`` -> ``12,345``."""
    if isinstance(value, str):
        return value
    return "" if is_missing(value) else f"{round(value):,}"


def fmt_pct(value, decimals: int = 1) -> str:
    """A percentage already on the 0-100 scale: ``12.345`` -> ``12.3%``."""
    if isinstance(value, str):
        return value
    return "" if is_missing(value) else f"{_fixed(value, decimals)}%"


def fmt_money(value, currency: str = "GBP", decimals: int = 0) -> str:
    """``23456.7`` -> ``£23,457``; negative amounts as ``-£1,234``."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
    sign = CURRENCY_SIGNS.get(currency, currency + " ")
    text = f"{sign}{abs(value):,.{decimals}f}"
    return "-" + text if value < 0 else text


def formatter(kind: str, currency: str = "GBP"):
    """The function that turns one value into text for format ``kind`` (one of :data:`FORMATS`)."""
    if kind == "int":
        return fmt_int
    if kind == "pct":
        return fmt_pct
    if kind in {"money", "money2"}:
        return lambda v: fmt_money(v, currency, 2 if kind == "money2" else 0)
    if kind == "field":
        return lambda v: "" if is_missing(v) else field_label(v)
    if kind == "yesno":
        return lambda v: "" if is_missing(v) else "yes" if v else "no"
    if kind.startswith("float"):
        digits = int(kind[-1])
        return lambda v: v if isinstance(v, str) else "" if is_missing(v) else _fixed(v, digits)
    return lambda v: "" if is_missing(v) else display_label(v)
