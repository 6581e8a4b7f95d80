"""Figures of the council benchmark, in the workbench style (:mod:`research.present.plots`).

Each function takes a tidy table from :mod:`research.gpg.benchmark`, accepts ``ax=`` (or makes
its own figure) and returns the axes. Years without complete data are drawn as a hatched band
labelled "no complete data": lines break there, nothing is interpolated. Women's shares use the
workbench's women colour (vermilion, darker for higher-paid quarters); series that are not about
one sex use black and greys, sectors a separate colour-blind-safe set.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex, to_rgb

from research.present.plots import SEX_PALETTE, legend_below

__all__ = [
    "SECTOR_PALETTE",
    "group_boxes",
    "late_bars",
    "position_boxes",
    "quartile_lines",
    "sector_lines",
    "trend_lines",
]

#: Okabe-Ito colours kept apart from the women/men palette.
SECTOR_PALETTE = {
    "Council": "#009E73",
    "Other public sector": "#CC79A7",
    "Private and voluntary": "#666666",
}
COUNCIL_COLOUR = "#000000"
ALL_COLOUR = "#8C8C8C"
BAND_COLOUR = "#D9D9D9"
MIN_BOX = 5
_BOX = {"whis": (5, 95), "showfliers": False, "widths": 0.55, "patch_artist": True}


def _quarter_colours(n: int = 4) -> list[str]:
    """Shades of the women's colour, lighter (lower quarter) to darker (top quarter); the
    lightest is the colour itself, so every line contrasts at least 3:1 with the background."""
    base = np.array(to_rgb(SEX_PALETTE["F"]))
    dark = np.linspace(0.0, 0.6, n)[:, None]
    shades = base - dark * base
    return [to_hex(np.clip(c, 0, 1)) for c in shades]


QUARTER_COLOURS = dict(
    zip(["Lower", "Lower middle", "Upper middle", "Top"], _quarter_colours(), strict=True)
)


def _shade_missing(ax: plt.Axes, years: list[str], missing: list[str]) -> None:
    """Hatched band over each year with no complete data, labelled once."""
    for k, year in enumerate(years):
        if year in missing:
            ax.axvspan(k - 0.45, k + 0.45, facecolor="none", hatch="///", edgecolor="#8C8C8C", lw=0)
            ax.annotate(
                "no complete\ndata",
                xy=(k, 0.98),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="top",
                fontsize=7.5,
                color="#666666",
            )
    ax.set_xticks(range(len(years)), years)
    ax.set_xlim(-0.6, len(years) - 0.4)


def _boxes(ax: plt.Axes, data: list[np.ndarray], positions: list[float], colour: str) -> None:
    boxes = ax.boxplot(data, positions=positions, orientation="horizontal", **_BOX)
    for patch in boxes["boxes"]:
        patch.set(facecolor=colour, alpha=0.35, edgecolor="#555555")
    for part in ("whiskers", "caps", "medians"):
        for line in boxes[part]:
            line.set(color="#555555")


def position_boxes(
    rows: pd.DataFrame,
    value: pd.Series | None,
    *,
    columns: dict[str, str],
    ax: plt.Axes | None = None,
    colour: str = ALL_COLOUR,
    xlabel: str = "",
    marker_label: str = "this council",
) -> plt.Axes:
    """Box per measure across all councils (whiskers 5th-95th percentile), the council marked.

    ``rows``: one row per council; ``columns``: column -> label, drawn top to bottom; ``value``:
    the council's row (or None).
    """
    ax = ax or plt.subplots(figsize=(7.5, 0.6 * len(columns) + 1.2))[1]
    names = list(columns)
    positions = list(range(len(names)))[::-1]
    data = [rows[c].dropna().to_numpy() for c in names]
    _boxes(ax, data, positions, colour)
    if value is not None:
        xs = [value.get(c, np.nan) for c in names]
        ax.scatter(
            xs, positions, marker="D", s=46, color=COUNCIL_COLOUR, zorder=5, label=marker_label
        )
        for x, y in zip(xs, positions, strict=True):
            if pd.notna(x):
                ax.annotate(f"{x:.1f}", (x, y), xytext=(0, 9), textcoords="offset points",
                            ha="center", fontsize=8)  # fmt: skip
    ax.set_yticks(positions, [columns[c] for c in names])
    ax.set_xlabel(xlabel)
    return ax


def trend_lines(
    trend: pd.DataFrame, *, council: str | None = None, ax: plt.Axes | None = None
) -> plt.Axes:
    """Median hourly pay gap by year: all councils' median and middle half (band), and the
    council's median and mean gaps when the trend has them."""
    ax = ax or plt.subplots()[1]
    years = trend["reporting_year"].tolist()
    x = np.arange(len(years))
    ax.bar(x, trend["all_p75"] - trend["all_p25"], bottom=trend["all_p25"], width=0.5,
           color=BAND_COLOUR, edgecolor=ALL_COLOUR, linewidth=1,
           label="all councils: middle half")  # fmt: skip
    ax.plot(x, trend["all_median"], color=ALL_COLOUR, lw=2, marker="o", ms=5,
            label="all councils: median")  # fmt: skip
    if council is not None and "median_gap" in trend:
        ax.plot(x, trend["median_gap"], color=COUNCIL_COLOUR, lw=2, marker="D", ms=5,
                label=f"{council}: median gap")  # fmt: skip
        ax.plot(x, trend["mean_gap"], color=COUNCIL_COLOUR, lw=1.2, ls="--", marker="o", ms=3,
                label=f"{council}: mean gap")  # fmt: skip
    ax.axhline(0, color="#333333", lw=0.8)
    shown = trend.reindex(columns=["all_p25", "all_p75", "median_gap", "mean_gap"]).to_numpy()
    low, high = min(np.nanmin(shown), 0.0), max(np.nanmax(shown), 0.0)
    ax.set_ylim(low - 0.08 * (high - low) - 0.5, high + 0.12 * (high - low) + 0.5)
    _shade_missing(
        ax, years, trend.loc[trend["status"] == "no complete data", "reporting_year"].tolist()
    )
    ax.set_xlabel("Reporting year (snapshot 31 March of the first year)")
    ax.set_ylabel("Hourly pay gap (%, men minus women)")
    legend_below(ax, ncol=2, fontsize=8)
    return ax


def quartile_lines(quartiles: pd.DataFrame, *, ax: plt.Axes | None = None) -> plt.Axes:
    """Women's share of each pay quarter by year (lines; missing years break the lines)."""
    ax = ax or plt.subplots()[1]
    wide = quartiles.pivot(index="reporting_year", columns="quarter", values="pct_women")
    years = wide.index.tolist()
    x = np.arange(len(years))
    markers = {"Lower": "v", "Lower middle": "s", "Upper middle": "o", "Top": "^"}
    for quarter in wide.columns[::-1]:
        ax.plot(x, wide[quarter], marker=markers[str(quarter)], ms=6, lw=2,
                color=QUARTER_COLOURS[str(quarter)], label=f"{quarter} quarter")  # fmt: skip
    ax.axhline(50, color="#333333", lw=0.8, ls=":")
    missing = [y for y in years if wide.loc[y].isna().all()]
    _shade_missing(ax, years, missing)
    ax.set_ylim(0, 100)
    ax.set_xlabel("Reporting year")
    ax.set_ylabel("Women's share of the quarter (%)")
    legend_below(ax, ncol=4, fontsize=8)
    return ax


def group_boxes(
    rows: pd.DataFrame,
    *,
    by: str,
    column: str = "DiffMedianHourlyPercent",
    order: list[str] | None = None,
    palette: dict[str, str] | None = None,
    ax: plt.Axes | None = None,
    xlabel: str = "Median hourly pay gap (%)",
) -> plt.Axes:
    """Box of ``column`` per group (whiskers 5th-95th percentile), groups top to bottom, with n;
    groups of fewer than :data:`MIN_BOX` employers are drawn as points."""
    groups = order or [g for g in rows[by].dropna().unique()]
    groups = [g for g in groups if (rows[by] == g).any()]
    ax = ax or plt.subplots(figsize=(7.5, 0.5 * len(groups) + 1.3))[1]
    positions = list(range(len(groups)))[::-1]
    for group, y in zip(groups, positions, strict=True):
        values = rows.loc[rows[by] == group, column].dropna().to_numpy()
        colour = (palette or {}).get(group, ALL_COLOUR)
        if len(values) >= MIN_BOX:
            _boxes(ax, [values], [y], colour)
        else:  # a box of two or three councils would mislead: draw the councils themselves
            ax.scatter(values, np.full(len(values), y), color=colour, edgecolor="#555555", s=28)
    counts = rows[by].value_counts()
    ax.set_yticks(positions, [f"{g} (n={counts.get(g, 0):,})" for g in groups])
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_xlabel(xlabel)
    return ax


def sector_lines(sector_trend: pd.DataFrame, *, by: str = "sector", ax: plt.Axes | None = None):
    """Median of the median hourly pay gap by sector and year (missing years break the lines)."""
    ax = ax or plt.subplots()[1]
    wide = sector_trend.pivot(index="reporting_year", columns=by, values="median_gap")
    years = wide.index.tolist()
    x = np.arange(len(years))
    for sector in wide.columns:
        ax.plot(x, wide[sector], marker="o", ms=4, lw=2,
                color=SECTOR_PALETTE.get(str(sector), ALL_COLOUR), label=str(sector))  # fmt: skip
    ax.axhline(0, color="#333333", lw=0.8)
    _shade_missing(ax, years, [y for y in years if wide.loc[y].isna().all()])
    ax.set_xlabel("Reporting year")
    ax.set_ylabel("Median of employers' median gaps (%)")
    legend_below(ax, ncol=3, fontsize=8)
    return ax


def late_bars(late: pd.DataFrame, *, ax: plt.Axes | None = None) -> plt.Axes:
    """Share of councils the service flagged as late, by year; the council's late years marked."""
    ax = ax or plt.subplots()[1]
    years = late["reporting_year"].tolist()
    x = np.arange(len(years))
    values = late["pct_late"].astype("float64")
    ax.bar(x, values.fillna(0), color=ALL_COLOUR, width=0.6, label="all councils")
    for k, value in enumerate(values):
        if pd.notna(value):
            ax.annotate(f"{value:.1f}%", (k, value), xytext=(0, 3), textcoords="offset points",
                        ha="center", fontsize=8)  # fmt: skip
    if "council_late" in late:
        own = late["council_late"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if own.any():
            ax.scatter(x[own], values[own] + 0.6, marker="v", color=COUNCIL_COLOUR, s=40,
                       zorder=5, label="this council was late")  # fmt: skip
            ax.legend(fontsize=8, frameon=False)
    missing = late.loc[late["pct_late"].isna(), "reporting_year"].tolist()
    _shade_missing(ax, years, missing)
    ax.set_ylim(0, max(10.0, float(values.max(skipna=True) or 0) * 1.35))
    ax.set_xlabel("Reporting year")
    ax.set_ylabel("Councils reporting late (%)")
    return ax
