"""Show a report's tables and figures in a notebook, and save what is shown.

When the runner executes a notebook it sets ``RESEARCH_RUN_DIR``; :func:`show` then writes every
table it shows as tidy CSV to ``<run>/tables/<name>.csv`` and every figure to
``<run>/figures/<name>.png``, so each number a report shows is also published as data.
Interactively (JupyterLab) nothing is written unless ``RESEARCH_RUN_DIR`` is set.

Captions, labels and formats are not given here: report objects (:mod:`research.present.report`)
carry their own, and render and escape themselves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


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


def save(item: Any) -> Path | None:
    """Save an item's data into the run folder without displaying it (e.g. a CSV too long to print).

    Returns the file written, or ``None`` outside a run.
    """
    folder = run_dir()
    if folder is None or not hasattr(item, "save"):
        return None
    return item.save(folder)
