"""The charts of the council benchmark report, each with alt text written from its numbers.

Each function draws with :mod:`research.gpg.plots`, adds titles and the source line, and returns a
:class:`research.present.report.Figure` naming the table that holds its numbers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from research.gpg import plots as gplots
from research.gpg.benchmark import QUARTERS
from research.gpg.findings import pct_or_na
from research.gpg.sectors import SECTORS
from research.gpg.selection import COUNCIL_TYPES
from research.present import plots
from research.present.report import Figure

__all__ = [
    "by_council_type",
    "late_submissions",
    "position",
    "quarters",
    "sectors",
    "sectors_by_year",
    "trend",
]

ALL_YEARS = "GOV.UK gender pay gap service, {first} to {last} (OGL v3.0)"


def _lead(who: str) -> str:
    """``"The median council"`` -> ``"the median council"``; names are left alone."""
    return "t" + who[1:] if who.startswith("The ") else who


def _marker(ax: plt.Axes, mine: pd.Series | None, council: str | None) -> None:
    if mine is not None:
        ax.axvline(mine["DiffMedianHourlyPercent"], color="#000000", ls="--", lw=1.2, label=council)
        ax.legend(fontsize=8, frameon=False, loc="lower right")


def position(
    rows: pd.DataFrame, mine: pd.Series | None, council: str | None, year: str, table: str
) -> Figure:
    """``position_chart``: hourly gaps and women's share of each quarter across councils."""
    source = f"GOV.UK gender pay gap service, {year} (OGL v3.0)"
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 1.3]})
    gplots.position_boxes(
        rows,
        mine,
        columns={"DiffMeanHourlyPercent": "Mean gap", "DiffMedianHourlyPercent": "Median gap"},
        ax=axes[0],
        xlabel="Hourly pay gap (%, men minus women)",
        marker_label=council or "",
    )
    axes[0].axvline(0, color="#333333", lw=0.8)
    axes[0].set_title("Hourly pay gaps")
    gplots.position_boxes(
        rows,
        mine,
        columns=dict(QUARTERS),
        ax=axes[1],
        colour=plots.SEX_PALETTE["F"],
        xlabel="Women's share of the pay quarter (%)",
        marker_label=council or "",
    )
    axes[1].set_title("Women in each pay quarter, lowest to top")
    axes[1].set_xlim(0, 100)
    who = f"{council} (black diamonds) against" if council else "Spread of"
    fig.suptitle(
        f"{who} all {len(rows):,} councils, {year}: boxes hold the middle half, whiskers 5% to 95%",
        fontsize=10.5,
    )
    plots.source_note(axes[0], source)
    if council:
        plots.legend_below(axes[1], ncol=1, fontsize=8)
    plots.tight_layout(fig)
    gap = rows["DiffMedianHourlyPercent"]
    top = rows["FemaleTopQuartile"]
    alt = (
        f"Box plots of the mean and median hourly pay gaps and of women's share of each pay "
        f"quarter across the {len(rows):,} councils that reported for {year}. The median "
        f"council's median gap was {pct_or_na(gap.median())} and women held a median "
        f"{pct_or_na(top.median())} of jobs in the top quarter."
    )
    if mine is not None:
        alt += (
            f" {council} is marked: median gap {pct_or_na(mine['DiffMedianHourlyPercent'])}, women in "
            f"the top quarter {pct_or_na(mine['FemaleTopQuartile'])}."
        )
    return Figure("position_chart", fig, alt, table)


def by_council_type(
    rows: pd.DataFrame, types: pd.DataFrame, mine: pd.Series | None, council: str | None, year: str
) -> Figure:
    """``by_council_type_chart``: the median hourly gap of each council type."""
    ax = gplots.group_boxes(rows, by="council_type", order=list(COUNCIL_TYPES))
    ax.set_xlim(-30, 40)
    _marker(ax, mine, council)
    ax.set_title(f"Median hourly pay gap by council type, {year}")
    plots.source_note(
        ax,
        f"GOV.UK gender pay gap service, {year} (OGL v3.0); whiskers 5% to 95%; fewer than 5 "
        "councils drawn as points",
    )
    parts = "; ".join(
        f"{t.council_type} {pct_or_na(t.median_gap)} ({t.n_councils:,})"
        for t in types.itertuples(index=False)
    )
    alt = (
        f"Box plots of the median hourly pay gap by council type, {year}, with the median and "
        f"number of councils of each type: {parts}."
    )
    if mine is not None:
        alt += f" A dashed line marks {council} at {pct_or_na(mine['DiffMedianHourlyPercent'])}."
    return Figure("by_council_type_chart", ax, alt, "by_council_type")


def trend(table: pd.DataFrame, council: str | None, years: tuple[str, str]) -> Figure:
    """``trend_chart``: the median hourly pay gap by year."""
    fig, ax = plt.subplots(figsize=(9, 4.4))
    gplots.trend_lines(table, council=council, ax=ax)
    ax.set_title((council or "All councils") + ": median hourly pay gap by year")
    plots.source_note(ax, ALL_YEARS.format(first=years[0], last=years[1]))
    known = table.dropna(subset=["all_median"])
    alt = (
        f"Line chart of the median council's median hourly pay gap by reporting year, with a "
        f"band for the middle half of councils: {pct_or_na(known['all_median'].iloc[0])} in "
        f"{known['reporting_year'].iloc[0]} and {pct_or_na(known['all_median'].iloc[-1])} in "
        f"{known['reporting_year'].iloc[-1]}."
    )
    missing = table.loc[table["status"] == "no complete data", "reporting_year"].tolist()
    if council and "median_gap" in table:
        own = table.dropna(subset=["median_gap"])
        if not own.empty:
            alt += (
                f" {council}'s median gap is drawn in black: {pct_or_na(own['median_gap'].iloc[0])} "
                f"in {own['reporting_year'].iloc[0]} and {pct_or_na(own['median_gap'].iloc[-1])} in "
                f"{own['reporting_year'].iloc[-1]}."
            )
    if missing:
        alt += f" {', '.join(missing)} has no complete data and is left empty."
    return Figure("trend_chart", fig, alt, "trend")


def quarters(table: pd.DataFrame, who: str, years: tuple[str, str]) -> Figure:
    """``quarters``: women's share of each pay quarter by year."""
    fig, ax = plt.subplots(figsize=(9, 4.4))
    gplots.quartile_lines(table, ax=ax)
    ax.set_title(f"{who}: women's share of each pay quarter")
    plots.source_note(ax, ALL_YEARS.format(first=years[0], last=years[1]))
    known = table.dropna(subset=["pct_women"])
    last = known.loc[known["reporting_year"] == known["reporting_year"].max()]
    shares = "; ".join(
        f"{r.quarter.lower()} quarter {pct_or_na(r.pct_women)}"
        for r in last.itertuples(index=False)
    )
    alt = (
        f"Line chart of women's share of each pay quarter by reporting year ({_lead(who)}). In {last['reporting_year'].iloc[0]}: {shares}."
        if not last.empty
        else f"Line chart of women's share of each pay quarter by year ({who}); no year has data."
    )
    return Figure("quarters", fig, alt, "women_by_pay_quarter")


def sectors(
    latest: pd.DataFrame,
    summary: pd.DataFrame,
    mine: pd.Series | None,
    council: str | None,
    year: str,
) -> Figure:
    """``sectors``: the median hourly gap of employers in each sector."""
    ax = gplots.group_boxes(latest, by="sector", order=list(SECTORS), palette=gplots.SECTOR_PALETTE)
    _marker(ax, mine, council)
    ax.set_xlim(-40, 60)
    ax.set_title(f"Median hourly pay gap by sector, {year}")
    plots.source_note(
        ax,
        "GOV.UK gender pay gap service (OGL v3.0); whiskers 5% to 95%, axis cut at -40% and 60%",
    )
    parts = "; ".join(
        f"{s.sector} {pct_or_na(s.median_gap)} ({s.n_employers:,} employers)"
        for s in summary.itertuples(index=False)
    )
    alt = (
        f"Box plots of employers' median hourly pay gaps by sector, {year}, with the median of "
        f"each sector: {parts}."
    )
    return Figure("sectors", ax, alt, "by_sector")


def sectors_by_year(table: pd.DataFrame, years: tuple[str, str]) -> Figure:
    """``sectors_by_year``: the median of employers' median gaps by sector and year."""
    fig, ax = plt.subplots(figsize=(9, 4.4))
    gplots.sector_lines(table, ax=ax)
    ax.set_title("Median hourly pay gap by sector and year (median across employers)")
    plots.source_note(ax, ALL_YEARS.format(first=years[0], last=years[1]))
    known = table.dropna(subset=["median_gap"])
    last = known.loc[known["reporting_year"] == known["reporting_year"].max()]
    parts = "; ".join(f"{r.sector} {pct_or_na(r.median_gap)}" for r in last.itertuples(index=False))
    alt = (
        "Line chart of the median of employers' median hourly pay gaps by sector and reporting "
        f"year. In {last['reporting_year'].iloc[0]}: {parts}."
    )
    return Figure("sectors_by_year", fig, alt, "median_gap_by_sector_and_year")


def late_submissions(table: pd.DataFrame, council: str | None) -> Figure:
    """``late_submissions_chart``: the share of councils flagged late by year."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    gplots.late_bars(table, ax=ax)
    ax.set_title("Councils flagged as late by the service")
    plots.source_note(ax, "GOV.UK gender pay gap service, SubmittedAfterTheDeadline (OGL v3.0)")
    known = table.dropna(subset=["pct_late"])
    high = known.loc[known["pct_late"].astype("float64").idxmax()]
    alt = (
        "Bar chart of the share of councils the service flagged as late, by reporting year; the "
        f"highest was {pct_or_na(high['pct_late'])} in {high['reporting_year']}."
    )
    if council and "council_late" in table:
        late = table.loc[table["council_late"].astype("boolean").fillna(False).astype(bool)]
        alt += (
            f" {council} was late in {', '.join(late['reporting_year'])}."
            if not late.empty
            else f" {council} was not flagged late in any year it reported."
        )
    return Figure("late_submissions_chart", fig, alt, "late_submissions")
