"""What notebooks call to show tables and figures, so every number a report shows is also saved.

When the runner executes a notebook it sets ``RESEARCH_RUN_DIR``; :func:`show_table` then writes the
table as tidy CSV to ``<run>/tables/<name>.csv`` and :func:`show_figure` writes ``<run>/figures``.
Interactively (JupyterLab) nothing is written unless ``RESEARCH_RUN_DIR`` is set.

Number formats are the same in every report: counts with thousands separators, percentages to one
decimal place, money with thousands separators and the currency sign, suppressed cells as ``[c]``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from research.present.disclosure import SUPPRESSED

CURRENCY_SIGNS = {"GBP": "£", "USD": "$", "EUR": "€"}
FORMATS = ("int", "pct", "money", "money2", "float1", "float2", "float3", "yesno", "text")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def run_dir() -> Path | None:
    """The run folder set by the runner, or ``None`` when working interactively."""
    folder = os.environ.get("RESEARCH_RUN_DIR")
    return Path(folder) if folder else None


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _fixed(value: float, digits: int) -> str:
    """``value`` to ``digits`` decimals with thousands separators; never ``-0.0``."""
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def fmt_int(value) -> str:
    """``12345`` -> ``12,345``."""
    if isinstance(value, str):
        return value
    return "" if _missing(value) else f"{round(value):,}"


def fmt_pct(value, decimals: int = 1) -> str:
    """A percentage already on the 0-100 scale: ``12.345`` -> ``12.3%``."""
    if isinstance(value, str):
        return value
    return "" if _missing(value) else f"{_fixed(value, decimals)}%"


def fmt_money(value, currency: str = "GBP", decimals: int = 0) -> str:
    """``23456.7`` -> ``£23,457``; negative amounts as ``-£1,234``."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return ""
    sign = CURRENCY_SIGNS.get(currency, currency + " ")
    text = f"{sign}{abs(value):,.{decimals}f}"
    return "-" + text if value < 0 else text


def _formatter(kind: str, currency: str):
    if kind == "int":
        return fmt_int
    if kind == "pct":
        return fmt_pct
    if kind in {"money", "money2"}:
        return lambda v: fmt_money(v, currency, 2 if kind == "money2" else 0)
    if kind == "yesno":
        return lambda v: "" if _missing(v) else "yes" if v else "no"
    if kind.startswith("float"):
        digits = int(kind[-1])
        return lambda v: v if isinstance(v, str) else "" if _missing(v) else _fixed(v, digits)
    return lambda v: "" if _missing(v) else str(v)


def _guess_format(column: str, values: pd.Series) -> str:
    name = column.lower()
    numeric = pd.to_numeric(values.replace(SUPPRESSED, pd.NA), errors="coerce")
    if pd.api.types.is_bool_dtype(values):
        return "yesno"
    if name.startswith("pct") or name.endswith("pct") or "percent" in name:
        return "pct"
    if "pay" in name or "salary" in name or "bonus" in name:
        return "money2" if "hourly" in name else "money"
    if numeric.notna().sum() == 0:
        return "text"
    finite = numeric.dropna()
    if (finite == finite.round()).all():
        return "int"
    return "float2"


def format_table(
    table: pd.DataFrame, formats: Mapping[str, str] | None = None, currency: str = "GBP"
) -> pd.DataFrame:
    """A copy of ``table`` with every cell turned into display text (see module docstring)."""
    formats = dict(formats or {})
    unknown = sorted(set(formats.values()) - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown format(s) {unknown}; use {', '.join(FORMATS)}.")
    shown = table.copy()
    for column in shown.columns:
        kind = formats.get(column) or _guess_format(str(column), shown[column])
        shown[column] = shown[column].astype("object").map(_formatter(kind, currency))
    return shown


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"Table or figure name {name!r} must be lower case letters, digits, '_' or '-' "
            "(it becomes a file name)."
        )
    return name


def save_table(table: pd.DataFrame, name: str) -> Path | None:
    """Write ``table`` as tidy CSV to the run's ``tables/`` folder (byte-stable formatting)."""
    folder = run_dir()
    if folder is None:
        return None
    path = folder / "tables" / f"{_check_name(name)}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
    return path


def show_table(
    table: pd.DataFrame,
    name: str,
    *,
    caption: str = "",
    formats: Mapping[str, str] | None = None,
    currency: str = "GBP",
    labels: Mapping[str, str] | None = None,
):
    """Save ``table`` (tidy CSV) and return it formatted for display in the report.

    Parameters
    ----------
    table
        A tidy table; suppressed cells hold ``"[c]"`` (see :mod:`research.present.disclosure`).
    name
        File name of the CSV (``tables/<name>.csv``).
    caption
        Sentence shown above the table: say what it shows and what it finds.
    formats
        Column -> one of ``int, pct, money, money2, float1, float2, float3, yesno, text``; guessed from the
        column name and values otherwise.
    labels
        Column -> header shown in the report (the CSV keeps the tidy names).
    """
    save_table(table, name)
    shown = format_table(table, formats, currency).rename(columns=dict(labels or {}))
    styler = shown.style.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler


def show_figure(fig, name: str, *, dpi: int = 110):
    """Save a matplotlib figure to ``figures/<name>.png`` and return it for display."""
    folder = run_dir()
    if folder is not None:
        path = folder / "figures" / f"{_check_name(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return fig
