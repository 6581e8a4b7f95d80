"""One look for every report: the women/men palette, seaborn's clean style, labelled axes.

Colours are from the Okabe-Ito colour-blind-safe palette (Okabe and Ito 2008, "Color Universal
Design"): women orange-vermilion, men blue, other recorded codes grey. Every colour that carries
meaning has a contrast of at least 3:1 with the white background (WCAG 2.2, 1.4.11), and text on a
bar takes black or white, whichever contrasts more with the bar (:func:`label_colour`, at least
4.5:1 for the palette's colours). Plot functions take long-form ``data=`` with column roles, accept
``ax=`` and return it, in the manner of seaborn.
"""

from __future__ import annotations

import textwrap
import weakref

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import transforms

from research.present.formats import SEX_LABELS  # one wording of the sex codes everywhere

SEX_PALETTE = {"F": "#D55E00", "M": "#0072B2", "X": "#767676", "U": "#8C8C8C"}


def luminance(colour) -> float:
    """Relative luminance of a colour (WCAG 2.2 definition), 0 for black to 1 for white."""
    from matplotlib.colors import to_rgb

    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(first, second="#FFFFFF") -> float:
    """WCAG contrast ratio of two colours (1 to 21); by default against a white background."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colour(background) -> str:
    """Black or white text, whichever contrasts more with ``background`` (a bar's colour)."""
    return (
        "#000000"
        if contrast("#000000", background) >= contrast("#FFFFFF", background)
        else "#FFFFFF"
    )


def set_style() -> None:
    """Apply the workbench style (call once at the top of a notebook)."""
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    plt.rcParams.update(
        {
            "figure.figsize": (7.5, 4.2),
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "savefig.dpi": 200,
        }
    )


#: Lines of each figure's source note (see :func:`source_note`), for :func:`tight_layout`.
_NOTE_LINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def source_note(ax: plt.Axes, text: str) -> plt.Axes:
    """A small source line under the plot, wrapped to the figure's width.

    It is figure text at the bottom edge, with room kept for it below the axes (and their labels),
    so it neither overlaps them nor widens the figure; call :func:`tight_layout` rather than
    ``fig.tight_layout()`` afterwards so that the room is kept.
    """
    fig = ax.figure
    width, height = fig.get_size_inches()
    lines = textwrap.wrap(f"Source: {text}", width=max(40, int(width * 13)))
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=9, color="#555555", va="bottom", ha="left")
    _NOTE_LINES[fig] = len(lines)
    fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, _note_height(fig) + _below(fig)))
    return ax


def _below(fig: plt.Figure) -> float:
    """How far the axes' labels, tick labels and legends reach below the lowest axes, as a share
    of the figure's height (measured on the drawn figure), plus a small gap."""
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    axes_bottom = min(a.get_position().y0 for a in fig.axes) * height
    lowest = min(a.get_tightbbox(renderer).y0 for a in fig.axes)
    return max(0.0, axes_bottom - lowest) / height + 0.04


def _note_height(fig: plt.Figure) -> float:
    """The share of the figure's height its source note takes (0 without one)."""
    lines = _NOTE_LINES.get(fig, 0)
    return min(0.35, (0.12 + 0.16 * lines) / fig.get_size_inches()[1]) if lines else 0.0


def tight_layout(fig: plt.Figure) -> plt.Figure:
    """``fig.tight_layout()`` keeping the room of the figure's source note."""
    fig.tight_layout(rect=(0, _note_height(fig), 1, 1))
    return fig


def distribution_by_sex(
    data: pd.DataFrame,
    value: str,
    *,
    sex: str = "sex",
    ax: plt.Axes | None = None,
    clip: tuple[float, float] = (0.01, 0.99),
    bins: int = 40,
    xlabel: str | None = None,
) -> plt.Axes:
    """Overlaid density histograms of ``value`` for women and men.

    Values outside the ``clip`` quantiles of the whole workforce are left out of the picture (not of
    any statistic), so that no bar shows a handful of identifiable extreme earners.
    """
    ax = ax or plt.subplots()[1]
    low, high = data[value].quantile(list(clip))
    frame = data.loc[data[value].between(low, high) & data[sex].isin(["F", "M"]), [value, sex]]
    frame = frame.assign(Sex=frame[sex].astype("string").map(SEX_LABELS))
    edges = np.linspace(low, high, bins + 1)
    sns.histplot(
        data=frame,
        x=value,
        hue="Sex",
        bins=edges,
        stat="density",
        common_norm=False,
        element="step",
        palette={SEX_LABELS[k]: SEX_PALETTE[k] for k in ("F", "M")},
        ax=ax,
    )
    ax.set_xlabel(xlabel or value)
    ax.set_ylabel("Share of each sex (density)")
    return ax


def female_share_bars(
    shares: pd.DataFrame,
    *,
    label: str,
    overall: float,
    ax: plt.Axes | None = None,
    top: int = 20,
) -> plt.Axes:
    """Horizontal bars of the women's share (percent) per row of ``shares`` (index = labels).

    ``shares`` has a ``pct_female`` column (0-100); the ``top`` largest rows by ``total`` are shown,
    sorted by women's share, with the overall share as a dashed line.
    """
    ax = ax or plt.subplots(figsize=(7.5, 0.28 * min(top, len(shares)) + 1.2))[1]
    shown = shares.dropna(subset=["pct_female"]).nlargest(top, "total").sort_values("pct_female")
    colours = [SEX_PALETTE["F"] if v >= overall else SEX_PALETTE["M"] for v in shown["pct_female"]]
    ax.barh([str(i) for i in shown.index], shown["pct_female"], color=colours)
    ax.axvline(overall, color="#333333", linestyle="--", linewidth=1)
    ax.annotate(
        f"all: {overall:.1f}%",
        xy=(overall, len(shown) - 0.5),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=9,
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel("Women's share of employees (%)")
    ax.set_ylabel(label)
    return ax


def quartile_bars(quartiles: pd.DataFrame, *, ax: plt.Axes | None = None) -> plt.Axes:
    """Women and men in each quartile pay band as stacked horizontal bars (GOV.UK style).

    ``quartiles`` has ``band`` (lower ... upper, lowest first) and ``pct_female``; the highest-paid
    band is drawn at the top.
    """
    ax = ax or plt.subplots(figsize=(7.5, 3.2))[1]
    labels = [str(b).replace("_", " ").capitalize() for b in quartiles["band"]]
    women = quartiles["pct_female"].to_numpy(dtype=float)
    women_colour, men_colour = SEX_PALETTE["F"], SEX_PALETTE["M"]
    edges = {"edgecolor": "white", "linewidth": 1.5}  # the two colours meet at a white line
    ax.barh(labels, women, color=women_colour, label=SEX_LABELS["F"], **edges)
    ax.barh(labels, 100 - women, left=women, color=men_colour, label=SEX_LABELS["M"], **edges)
    for y, value in enumerate(women):
        ax.text(
            2, y, f"{value:.1f}%", va="center", color=label_colour(women_colour),
            fontsize=9.5, fontweight="bold",
        )  # fmt: skip
        ax.text(
            98, y, f"{100 - value:.1f}%", va="center", ha="right",
            color=label_colour(men_colour), fontsize=9.5, fontweight="bold",
        )  # fmt: skip
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of employees in the band (%)")
    ax.set_ylabel("Hourly pay quartile")
    legend_below(ax, ncol=2)
    return ax


def legend_below(ax: plt.Axes, *args, ncol: int = 2, points: float = 44, **kwargs) -> None:
    """A legend centred under the axes, ``points`` below their bottom edge (under the tick labels
    and the axis label).

    The distance is in points, not a share of the axes' height (``bbox_to_anchor=(0.5, -0.2)``):
    a source note or a tight layout that shortens the axes then cannot slide the legend onto the
    axis label. ``args`` and ``kwargs`` go to ``ax.legend`` (handles and labels, font size).
    """
    below = transforms.offset_copy(ax.transAxes, fig=ax.figure, y=-points, units="points")
    kwargs.setdefault("frameon", False)
    ax.legend(
        *args, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncol=ncol,
        **kwargs,
    )  # fmt: skip


def gap_forest(
    table: pd.DataFrame,
    label: str,
    *,
    overall: float | None = None,
    ax: plt.Axes | None = None,
    by_gap: bool = True,
) -> plt.Axes:
    """Pay gap of each group as a dot with its interval (``gap``, optional ``ci_low``/``ci_high``).

    Positive gaps (men paid more) are drawn in the men's colour, negative in the women's; the
    overall gap is a dashed line. Groups are sorted by gap unless ``by_gap=False``: then they
    keep the table's (natural) order, first row at the bottom (grades lowest at the bottom).
    """
    shown = (table.sort_values("gap") if by_gap else table).reset_index(drop=True)
    ax = ax or plt.subplots(figsize=(7.5, 0.3 * len(shown) + 1.3))[1]
    y = np.arange(len(shown))
    colours = [SEX_PALETTE["M"] if g >= 0 else SEX_PALETTE["F"] for g in shown["gap"]]
    if {"ci_low", "ci_high"} <= set(shown.columns):
        ax.hlines(y, shown["ci_low"], shown["ci_high"], color="#777777", linewidth=1.5)
    ax.scatter(shown["gap"], y, color=colours, zorder=3, s=28)
    ax.axvline(0, color="#333333", linewidth=0.8)
    if overall is not None:
        ax.axvline(overall, color="#333333", linestyle="--", linewidth=1)
    ax.set_yticks(y, shown[label].astype(str))
    ax.set_xlabel("Pay gap: men's pay minus women's, % of men's")
    return ax


def share_by_grade(table: pd.DataFrame, *, overall: float, ax: plt.Axes | None = None) -> plt.Axes:
    """Women's share of each grade (``grade``, ``pct_female``, lowest grade first) against overall."""
    ax = ax or plt.subplots(figsize=(7.5, 0.28 * len(table) + 1.3))[1]
    labels = table["grade"].astype(str)
    colours = [SEX_PALETTE["F"] if v >= overall else SEX_PALETTE["M"] for v in table["pct_female"]]
    ax.barh(labels, table["pct_female"], color=colours)
    ax.axvline(overall, color="#333333", linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Women's share of the grade (%)")
    ax.set_ylabel("Grade (lowest at the bottom)")
    return ax
