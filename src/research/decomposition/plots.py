"""Figures of the decomposition report: waterfall, contributions with intervals, occupational
split and the quantile profile.

Parts of a decomposition have their own colours from the Okabe-Ito colour-blind-safe palette,
distinct from the women/men colours of :mod:`research.present.plots` so that no reader takes "explained"
for "women": explained green, unexplained reddish purple, the total gap dark grey. Every function
takes ``ax=`` and returns it, in the manner of seaborn. Values are in log points (100 x the
difference in log pay; one point is about one per cent of pay).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.present.plots import legend_below

PART_COLOURS = {"explained": "#009E73", "unexplained": "#CC79A7", "gap": "#444444"}
PART_LABELS = {"explained": "Explained", "unexplained": "Unexplained", "gap": "Total gap"}


def points_label(pay_words: str = "hourly pay") -> str:
    """The axis label of log points: ``"Log points (about % of annual basic pay)"``."""
    return f"Log points (about % of {pay_words})"


def _new_axes(rows: int, ax: plt.Axes | None, width: float = 7.5) -> plt.Axes:
    if ax is not None:
        return ax
    return plt.subplots(figsize=(width, 0.42 * rows + 1.6))[1]


def waterfall(
    contributions: pd.DataFrame,
    gap: float,
    *,
    ax: plt.Axes | None = None,
    pay_words: str = "hourly pay",
) -> plt.Axes:
    """Horizontal waterfall: the explained contribution of each characteristic, the unexplained
    part, and the total gap they add up to.

    ``contributions`` has ``label``, ``component`` (explained/unexplained), ``points``,
    ``ci_low_points``, ``ci_high_points`` (see :func:`research.decomposition.tables.contributions`);
    the unexplained part is drawn as one bar (all characteristics and the constant together).
    """
    expl = contributions[
        (contributions["component"] == "explained") & (contributions["variable"] != "_cons")
    ]
    unexpl = contributions[contributions["component"] == "unexplained"]
    steps = [
        (row["label"], row["points"], row["ci_low_points"], row["ci_high_points"], "explained")
        for _, row in expl.iterrows()
    ]
    steps.append(("Unexplained", unexpl["points"].sum(), np.nan, np.nan, "unexplained"))
    ax = _new_axes(len(steps) + 1, ax)
    start = 0.0
    labels = []
    for i, (label, value, low, high, kind) in enumerate(steps):
        left = start if value >= 0 else start + value
        ax.barh(i, abs(value), left=left, color=PART_COLOURS[kind], height=0.62)
        if np.isfinite(low):
            ax.errorbar(
                start + value,
                i,
                xerr=[[value - low], [high - value]],
                fmt="none",
                ecolor="#222222",
                capsize=3,
                linewidth=1,
            )
        label_at = max(start, start + value, high if np.isfinite(high) else -np.inf)
        ax.annotate(
            f"{value:+.1f}",
            xy=(label_at, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
        if i < len(steps) - 1:
            ax.plot([start + value] * 2, [i + 0.31, i + 0.69], color="#888888", linewidth=0.8)
        start += value
        labels.append(label)
    total_row = len(steps)
    ax.barh(total_row, 100 * gap, left=0, color=PART_COLOURS["gap"], height=0.62)
    ax.annotate(
        f"{100 * gap:.1f}",
        xy=(max(0, 100 * gap), total_row),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=8,
    )
    labels.append("Total gap (men minus women)")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(points_label(pay_words))
    ax.margins(x=0.12)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PART_COLOURS[k]) for k in PART_COLOURS]
    legend_below(ax, handles, [PART_LABELS[k] for k in PART_COLOURS], ncol=3, fontsize=8)
    return ax


def contribution_intervals(
    contributions: pd.DataFrame, *, ax: plt.Axes | None = None, pay_words: str = "hourly pay"
) -> plt.Axes:
    """Explained and unexplained contribution of each characteristic with 95% intervals."""
    table = contributions[contributions["variable"] != "_cons"]
    labels = list(dict.fromkeys(table["label"]))
    ax = _new_axes(len(labels), ax)
    offsets = {"explained": -0.15, "unexplained": 0.15}
    for kind, offset in offsets.items():
        part = table[table["component"] == kind].set_index("label").loc[labels]
        y = np.arange(len(labels)) + offset
        ax.errorbar(
            part["points"],
            y,
            xerr=[part["points"] - part["ci_low_points"], part["ci_high_points"] - part["points"]],
            fmt="o",
            color=PART_COLOURS[kind],
            ecolor=PART_COLOURS[kind],
            capsize=3,
            markersize=5,
            label=PART_LABELS[kind],
        )
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(points_label(pay_words))
    ax.legend(fontsize=8, loc="best")
    return ax


def occupational_split(
    bmz_frame: pd.DataFrame, *, ax: plt.Axes | None = None, pay_words: str = "hourly pay"
) -> plt.Axes:
    """Between- and within-occupation parts, each split into explained and unexplained, with
    95% intervals (``bmz_frame`` is ``BMZResult.to_frame()``)."""
    frame = bmz_frame.set_index("component")
    rows = [
        ("Between occupations: explained", "between_explained", "explained"),
        ("Between occupations: unexplained", "between_unexplained", "unexplained"),
        ("Within occupations: explained", "within_explained", "explained"),
        ("Within occupations: unexplained", "within_unexplained", "unexplained"),
        ("Total gap", "gap", "gap"),
    ]
    ax = _new_axes(len(rows), ax)
    for i, (_, key, kind) in enumerate(rows):
        value = 100 * frame.loc[key, "estimate"]
        ax.barh(i, value, color=PART_COLOURS[kind], height=0.62)
        low, high = 100 * frame.loc[key, "ci_low"], 100 * frame.loc[key, "ci_high"]
        if np.isfinite(low):
            ax.errorbar(
                value,
                i,
                xerr=[[value - low], [high - value]],
                fmt="none",
                ecolor="#222222",
                capsize=3,
                linewidth=1,
            )
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(points_label(pay_words))
    return ax


def quantile_profile(
    rif_table: pd.DataFrame, *, ax: plt.Axes | None = None, pay_words: str = "hourly pay"
) -> plt.Axes:
    """Gap, explained and unexplained parts across the pay distribution with 95% bands."""
    ax = ax or plt.subplots(figsize=(7.5, 4.2))[1]
    for kind in ("gap", "explained", "unexplained"):
        part = rif_table[rif_table["component"] == kind].sort_values("quantile")
        x = 100 * part["quantile"].to_numpy()
        ax.plot(
            x,
            100 * part["estimate"],
            marker="o",
            color=PART_COLOURS[kind],
            label=PART_LABELS[kind],
            linewidth=2 if kind == "gap" else 1.5,
        )
        if part["ci_low"].notna().all():
            ax.fill_between(
                x, 100 * part["ci_low"], 100 * part["ci_high"], color=PART_COLOURS[kind], alpha=0.15
            )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(f"Percentile of {pay_words} (within women and within men)")
    ax.set_ylabel(points_label(pay_words))
    ax.legend(fontsize=8)
    return ax
