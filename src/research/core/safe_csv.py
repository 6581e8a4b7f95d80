"""CSV files that are safe to open in a spreadsheet (OWASP CSV injection guidance).

Every CSV the project writes, published tables and private quarantine files alike, goes through
:func:`write_csv`, so that text from HR data can never run as a spreadsheet formula.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_TEXT = r"[-+]?\d[\d,]*(\.\d+)?%?"
_NUMBERS_ONLY = re.compile(rf"^{_NUMBER_TEXT}( to {_NUMBER_TEXT})?$")


def neutralise_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed, unless
    it is only numbers (``-2.5``, ``-0.68%``, an interval ``-7.2 to -3.7``): those hold no
    function name or reference, so nothing can run, and they stay readable as numbers. Numbers
    and other values are returned unchanged.
    """
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _NUMBERS_ONLY.match(value)
    ):
        return "'" + value
    return value


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write ``table`` as tidy, byte-stable CSV with formula-like text neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
    return path
