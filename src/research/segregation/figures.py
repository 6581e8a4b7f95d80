"""Figures of the segregation report, in the workbench style (seaborn's ``ax=`` convention).

Women are drawn in the workbench's vermilion and men in blue (:data:`research.present.plots.SEX_PALETTE`);
every function takes ``ax=`` and returns it, and labels its axes with units.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.present import plots
from research.present.disclosure import SUPPRESSED
from research.present.plots import SEX_PALETTE
from research.present.tabulate import NOT_RECORDED
from research.segregation.change import ChangeDecomposition
from research.segregation.indices import INDEX_LABELS, ExpectedValues, IndexTable, SegregationCurve

#: Colours of the dimensions compared (Okabe-Ito, distinct from the women/men colours).
DIMENSION_COLOURS = ("#009E73", "#CC79A7", "#A66F00", "#555555")  # 3:1 or more on white


#: Short names of the parts of a change, for the bar chart.
CHANGE_SHORT = {
    "difference": "Total change",
    "additions": "Additions ({units} only in the later snapshot)",
    "removals": "Removals ({units} only in the earlier snapshot)",
    "group_marginal": "Overall sex mix",
    "unit_marginal": "Sizes of {units}",
    "interaction": "Interaction of the two margins",
    "structural": "Structural: who works where",
}


def _short(text: str, width: int = 48) -> str:
    return textwrap.shorten(str(text), width=width, placeholder="…")


def finish(ax: plt.Axes, *, title: str, source: str) -> plt.Figure:
    """Title, a source line under the plot, and a layout that keeps the two apart."""
    ax.set_title(title)
    plots.source_note(ax, source)
    return plots.tight_layout(ax.figure)


def index_intervals(
    results: dict[str, IndexTable],
    expected: dict[str, ExpectedValues] | None = None,
    *,
    keys: tuple[str, ...] = ("D", "Gini", "Hutchens", "Atkinson", "H"),
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Each index for each dimension (occupations, grades) on one 0-1 scale.

    With a bootstrap: a dot and bar for the value corrected for chance and its 95% interval (the
    interval is centred on it), a vertical tick for the value as measured. Hollow circles: the value
    expected if people were allocated at random.
    """
    ax = ax or plt.subplots(figsize=(7.5, 0.55 * len(keys) * max(1, len(results)) + 1.6))[1]
    n_dims = len(results)
    offsets = np.linspace(-0.18, 0.18, n_dims) if n_dims > 1 else np.zeros(1)
    boot = False
    for (dim, table), offset, colour in zip(
        results.items(), offsets, DIMENSION_COLOURS, strict=False
    ):
        y = np.arange(len(keys)) + offset
        measured = np.array([table[k].value for k in keys])
        lows = np.array([table[k].ci[0] if table[k].ci else np.nan for k in keys])
        highs = np.array([table[k].ci[1] if table[k].ci else np.nan for k in keys])
        corrected = np.array(
            [np.nan if table[k].bias_corrected is None else table[k].bias_corrected for k in keys]
        )
        if np.isfinite(lows).all() and np.isfinite(corrected).all():
            boot = True
            ax.hlines(y, lows, highs, color=colour, linewidth=2)
            ax.scatter(corrected, y, color=colour, s=30, zorder=3, label=f"across {dim}")
            ax.scatter(measured, y, marker="|", color=colour, s=120, zorder=3)
        else:
            ax.scatter(measured, y, color=colour, s=30, zorder=3, label=f"across {dim}")
        if expected and dim in expected:
            chance = [expected[dim][k] for k in keys]
            ax.scatter(chance, y, marker="o", facecolors="none", edgecolors=colour, s=36, zorder=3)
    if boot:
        ax.scatter([], [], marker="|", color="#555555", s=120, label="as measured")
    if expected:
        ax.scatter(
            [], [], marker="o", facecolors="none", edgecolors="#555555", label="allocated by lot"
        )
    ax.set_yticks(np.arange(len(keys)), [INDEX_LABELS[k] for k in keys])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(
        "Index value (0 = no segregation, 1 = complete)"
        + ("; dots and bars: corrected for chance, 95% CI" if boot else "")
    )
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


def contributions(
    table: pd.DataFrame, *, unit: str = "occupation", top: int = 15, ax: plt.Axes | None = None
) -> plt.Axes:
    """Share of M contributed by each unit (bars), coloured by whether women are over-represented.

    Rows whose statistics are suppressed (``[c]``) are left out of the picture.
    """
    shown = table[table["pct_of_M"] != SUPPRESSED].head(top)
    shown = shown.assign(pct=shown["pct_of_M"].astype(float), ratio=shown["ratio_F"].astype(float))
    ax = ax or plt.subplots(figsize=(7.5, 0.3 * max(len(shown), 1) + 1.3))[1]
    colours = [SEX_PALETTE["F"] if r >= 1 else SEX_PALETTE["M"] for r in shown["ratio"]]
    ax.barh([_short(u) for u in shown[unit]], shown["pct"], color=colours)
    ax.invert_yaxis()
    ax.set_xlabel("Share of all segregation (M) contributed (%)")
    ax.set_ylabel("")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=SEX_PALETTE["F"]),
        plt.Rectangle((0, 0), 1, 1, color=SEX_PALETTE["M"]),
    ]
    ax.legend(
        handles,
        ["more women than overall", "more men than overall"],
        loc="lower right",
        fontsize=8,
        frameon=False,
    )
    return ax


def drawn_grades(table: pd.DataFrame, *, grade: str = "grade_band") -> pd.DataFrame:
    """The rows of the women-by-grade table that are drawn: a recorded grade whose share is shown
    (blank grades and hidden statistics are not drawn), with the share as ``pct``."""
    shown = table[(table["pct_female"] != SUPPRESSED) & (table[grade] != NOT_RECORDED)]
    return shown.assign(pct=shown["pct_female"].astype(float)).reset_index(drop=True)


def grade_shares(
    table: pd.DataFrame,
    *,
    overall: float,
    grade: str = "grade_band",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Share of women in each grade (or band of grades), lowest grade at the top, with a line at
    their share of the whole workforce."""
    shown = drawn_grades(table, grade=grade)
    ax = ax or plt.subplots(figsize=(7.5, 0.3 * max(len(shown), 1) + 1.4))[1]
    ax.barh([_short(g, 36) for g in shown[grade]], shown["pct"], color=SEX_PALETTE["F"])
    ax.axvline(overall, color="#333333", linestyle="--", linewidth=1, label="all women and men")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Women among women and men (%)")
    ax.set_ylabel("")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


def curves(
    curve_by_dimension: dict[str, SegregationCurve], *, ax: plt.Axes | None = None
) -> plt.Axes:
    """Segregation curves (Duncan and Duncan 1955) of several dimensions with the diagonal."""
    ax = ax or plt.subplots(figsize=(7.5, 6.4))[1]
    ax.plot(
        [0, 100], [0, 100], color="#333333", linestyle="--", linewidth=1, label="no segregation"
    )
    for (dim, curve), colour in zip(curve_by_dimension.items(), DIMENSION_COLOURS, strict=False):
        frame = curve.table
        a, b = curve.groups
        ax.plot(
            100 * frame[f"cum_{b}"],
            100 * frame[f"cum_{a}"],
            color=colour,
            linewidth=2,
            label=f"{dim} (Gini {curve.gini:.2f}, D {curve.D:.2f})",
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel("Cumulative share of men (%)")
    ax.set_ylabel("Cumulative share of women (%)")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def change_bars(
    result: ChangeDecomposition, *, units: str = "units", ax: plt.Axes | None = None
) -> plt.Axes:
    """The parts of a change in segregation as bars with their 95% intervals.

    ``units`` names the units in the bar labels (e.g. ``"occupations"``).
    """
    frame = result.to_frame()
    parts = frame[~frame["component"].isin(["before", "after"])].reset_index(drop=True)
    ax = ax or plt.subplots(figsize=(7.5, 0.45 * len(parts) + 1.2))[1]
    values = parts["estimate"].to_numpy()
    colours = ["#333333" if c == "difference" else "#767676" for c in parts["component"]]
    names = [
        CHANGE_SHORT[c].format(units=units) if c in CHANGE_SHORT else _short(lbl, 48)
        for c, lbl in zip(parts["component"], parts["label"], strict=True)
    ]
    ax.barh(names, values, color=colours)
    lows, highs = parts["ci_low"].to_numpy(), parts["ci_high"].to_numpy()
    if np.isfinite(lows).all() and np.isfinite(highs).all():
        # The interval is centred on the value corrected for chance, so it is drawn on its own.
        middle, half = (lows + highs) / 2, (highs - lows) / 2
        ax.errorbar(
            middle, np.arange(len(parts)), xerr=half, fmt="none", color="#000000", capsize=3
        )
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.invert_yaxis()
    unit = " (natural-log units)" if result.index == "M" else ""
    ax.set_xlabel(f"Change in {INDEX_LABELS.get(result.index, result.index)}{unit}")
    limit = max(float(np.nanmax(np.abs(np.concatenate([values, lows, highs])))), 1e-6)
    if math.isfinite(limit):
        ax.set_xlim(-1.15 * limit, 1.15 * limit)
    return ax
