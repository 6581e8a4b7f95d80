"""Show a report's tables and figures in a notebook, and save what is shown.

When the runner executes a notebook it sets ``RESEARCH_RUN_DIR``; :func:`show` then writes every
table it shows as tidy CSV to ``<run>/tables/<name>.csv`` and every figure to
``<run>/figures/<name>.png``, so each number a report shows is also published as data.
Interactively (JupyterLab) nothing is written unless ``RESEARCH_RUN_DIR`` is set.

:func:`show_table` and :func:`show_figure` are the older per-table calls (a DataFrame with
``formats=`` and ``labels=``); report objects (:mod:`research.present.report`) carry their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from research.present.formats import format_table
from research.present.report import check_name, write_csv


def run_dir() -> Path | None:
    """The run folder set by the runner, or ``None`` when working interactively."""
    folder = os.environ.get("RESEARCH_RUN_DIR")
    return Path(folder) if folder else None


def show(item: Any) -> None:
    """Display one report item (table, figure, note, title block, findings) and save its data.

    Tables are written to ``tables/<name>.csv`` and figures to ``figures/<name>.png`` in the run
    folder when there is one; notes, title blocks and findings are only displayed.
    """
    from IPython.display import display

    folder = run_dir()
    if folder is not None and hasattr(item, "save"):
        item.save(folder)
    display(item)


def save_table(table: pd.DataFrame, name: str) -> Path | None:
    """Write ``table`` as tidy CSV to the run's ``tables/`` folder (byte-stable formatting)."""
    folder = run_dir()
    if folder is None:
        return None
    return write_csv(table, folder / "tables" / f"{check_name(name)}.csv")


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
        path = folder / "figures" / f"{check_name(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return fig
