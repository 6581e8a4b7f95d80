"""The publishable tables of the council benchmark report, one function per table.

Each function takes the tidy results of :mod:`research.gpg.benchmark` (or
:mod:`research.gpg.datachecks`, :mod:`research.gpg.selection`) and returns a
:class:`research.present.report.Table`: caption, human column labels, formats and units, rows in
natural order. The figures are published, employer-level aggregates (open data), so no
disclosure control applies; the report's method section says so.
"""

from __future__ import annotations

import pandas as pd

from research.gpg.benchmark import QUARTERS, CouncilBenchmark, size_label
from research.gpg.datachecks import CHECK_TITLES
from research.present.report import Table, columns

__all__ = [
    "by_council_type",
    "by_nation_and_size",
    "by_sector",
    "council_rule_check",
    "data_sources",
    "distribution",
    "extremes",
    "failures",
    "late_submissions",
    "median_gap_by_sector_and_year",
    "position",
    "published_figure_checks",
    "similar_councils",
    "trend",
    "women_by_pay_quarter",
]

PCT = "%"

_GROUP_COLUMNS = (
    ("n_councils", "councils", "int"),
    ("median_gap", "median gap", "pct", PCT),
    ("median_gap_p25", "25%", "pct", PCT),
    ("median_gap_p75", "75%", "pct", PCT),
    ("pct_women_top", "women in top quarter", "pct", PCT),
    ("pct_women_lower", "women in lower quarter", "pct", PCT),
)


def position(bench: CouncilBenchmark, n_councils: int) -> Table:
    """``position``: the council's ten published figures against all and similar councils."""
    data = bench.position[
        ["measure", "value", "n", "p25", "median", "p75", "percentile_rank", "peer_median"]
        + ["peer_rank"]
    ]
    n_peers = int(bench.position["n_peers"].iloc[0])
    return Table(
        "position",
        data,
        f"{bench.council_name}'s published figures for {bench.year} against all {n_councils:,} "
        "councils that reported",
        columns(
            ("measure", "measure"),
            ("value", bench.council_name, "pct", PCT),
            ("n", "councils", "int"),
            ("p25", "25%", "pct", PCT),
            ("median", "median", "pct", PCT),
            ("p75", "75%", "pct", PCT),
            ("percentile_rank", "rank", "int", "percentile rank (0-100)"),
            ("peer_median", "similar: median", "pct", PCT),
            ("peer_rank", "similar: rank", "int", "percentile rank (0-100)"),
        ),
        notes=(
            "25% and 75% are the lower and upper quartiles across councils (half of councils lie "
            "between them); rank is the percentile rank: the percentage of councils with a "
            "smaller value, ties counted half.",
            f"Similar councils are the {n_peers:,} {bench.peer_rule}, this council included.",
        ),
    )


def distribution(table: pd.DataFrame, year: str) -> Table:
    """``distribution``: each published figure across all councils (no council chosen)."""
    return Table(
        "distribution",
        table.drop(columns=["column", "figure"]),
        f"The published figures across all councils, {year}",
        columns(
            ("measure", "measure"),
            ("n", "councils", "int"),
            ("mean", "mean", "pct", PCT),
            ("p25", "25%", "pct", PCT),
            ("median", "median", "pct", PCT),
            ("p75", "75%", "pct", PCT),
            ("min", "lowest", "pct", PCT),
            ("max", "highest", "pct", PCT),
        ),
        notes=(
            "25% and 75% are the lower and upper quartiles: half of councils lie between them.",
        ),
    )


def extremes(table: pd.DataFrame, year: str, group: str) -> Table:
    """``largest_gaps`` or ``smallest_gaps``: the councils at either end of the median gap."""
    words = {"largest": "largest", "smallest": "smallest (most in women's favour)"}[group]
    part = table.loc[table["group"] == group].drop(columns="group")
    return Table(
        f"{group}_gaps",
        part,
        f"The {len(part)} councils with the {words} median hourly pay gaps, {year}. Small "
        "councils' figures vary most",
        columns(
            ("council_name", "council"),
            ("council_type", "type"),
            ("EmployerSize", "employees"),
            ("DiffMedianHourlyPercent", "median gap", "pct", PCT),
            ("DiffMeanHourlyPercent", "mean gap", "pct", PCT),
            ("FemaleTopQuartile", "women in top quarter", "pct", PCT),
        ),
    )


def similar_councils(bench: CouncilBenchmark) -> Table:
    """``similar_councils``: the council's peers, largest median gap first, the council marked."""
    similar = bench.peers.copy()
    one_band = similar["EmployerSize"].nunique() == 1  # said in the caption (the peer rule)
    if one_band:
        similar = similar.drop(columns="EmployerSize")
    specs = [
        ("council_name", "council"),
        *([] if one_band else [("EmployerSize", "employees")]),
        ("DiffMeanHourlyPercent", "mean gap", "pct", PCT),
        ("DiffMedianHourlyPercent", "median gap", "pct", PCT),
        ("FemaleTopQuartile", "women in top quarter", "pct", PCT),
        ("FemaleLowerQuartile", "women in lower quarter", "pct", PCT),
        ("this_council", "this council", "yesno"),
    ]
    return Table(
        "similar_councils",
        similar,
        f"Similar councils ({bench.peer_rule}), largest median gap first; {bench.council_name} "
        "marked yes in the last column",
        columns(*specs),
        row_header="council_name",
    )


def by_council_type(table: pd.DataFrame, year: str) -> Table:
    """``by_council_type``: medians across councils of each type, types in display order."""
    data = table.drop(columns="mean_gap").assign(
        council_type=lambda d: d["council_type"].astype("string")
    )
    return Table(
        "by_council_type",
        data,
        f"Median hourly pay gap by council type, {year} (medians across councils)",
        columns(("council_type", "council type"), *_GROUP_COLUMNS),
    )


def by_nation_and_size(by_nation: pd.DataFrame, by_size: pd.DataFrame, year: str) -> Table:
    """``by_nation_and_size``: the same medians by nation, then by size band (smallest first)."""
    size = by_size.rename(columns={"EmployerSize": "group"})
    size["group"] = size["group"].astype("string").map(size_label)
    nation = by_nation.rename(columns={"nation": "group"})
    data = pd.concat(
        [nation.assign(grouping="nation"), size.assign(grouping="employees")], ignore_index=True
    ).drop(columns="mean_gap")
    return Table(
        "by_nation_and_size",
        data,
        f"Median hourly pay gap by nation and by size band, {year}. Few Scottish and Welsh "
        "councils report to the GOV.UK service",
        columns(("grouping", "grouping"), ("group", "group"), *_GROUP_COLUMNS),
        row_header="group",
    )


def trend(table: pd.DataFrame, council: str | None, reorganisation: str = "") -> Table:
    """``trend``: the median hourly pay gap by year (the council's, and all councils')."""
    specs = [
        ("reporting_year", "year"),
        ("status", "status"),
        ("median_gap", "median gap", "pct", PCT),
        ("mean_gap", "mean gap", "pct", PCT),
        ("percentile_rank", "rank", "int", "percentile rank (0-100)"),
        ("n_councils", "councils", "int"),
        ("all_median", "all: median", "pct", PCT),
        ("all_p25", "all: 25%", "pct", PCT),
        ("all_p75", "all: 75%", "pct", PCT),
    ]
    specs = [s for s in specs if s[0] in table]
    who = f": {council} and all councils" if council else " across councils"
    return Table(
        "trend",
        table[[s[0] for s in specs]],
        f"Median hourly pay gap by reporting year{who}; empty years have no complete data",
        columns(*specs),
        row_header="reporting_year",
        notes=(reorganisation,) if reorganisation else (),
    )


def women_by_pay_quarter(quarters: pd.DataFrame, who: str) -> Table:
    """``women_by_pay_quarter``: women's share of each pay quarter by year, lowest quarter first."""
    wide = quarters.pivot(index="reporting_year", columns="quarter", values="pct_women")
    wide = wide.reindex(columns=list(QUARTERS.values())).reset_index()
    keys = {q: f"pct_women_{q.lower().replace(' ', '_')}" for q in QUARTERS.values()}
    wide = wide.rename(columns=keys)
    wide.columns.name = None
    return Table(
        "women_by_pay_quarter",
        wide,
        f"{who}: women's share (%) of each pay quarter by year; empty years have no complete data",
        columns(
            ("reporting_year", "year"),
            *((key, f"{q.lower()} quarter", "pct", PCT) for q, key in keys.items()),
        ),
        row_header="reporting_year",
    )


def by_sector(table: pd.DataFrame, year: str) -> Table:
    """``by_sector``: councils, other public bodies, private and voluntary employers."""
    return Table(
        "by_sector",
        table.drop(columns="mean_gap").assign(sector=lambda d: d["sector"].astype("string")),
        f"Pay gaps by sector, {year} (medians across employers)",
        columns(
            ("sector", "sector"),
            ("n_employers", "employers", "int"),
            ("median_gap", "median gap", "pct", PCT),
            ("median_gap_p25", "lower quartile", "pct", PCT),
            ("median_gap_p75", "upper quartile", "pct", PCT),
            ("pct_women_top", "women in top quarter", "pct", PCT),
            ("pct_paying_bonus", "% paying any bonus", "pct", PCT),
        ),
    )


SECTOR_KEYS = {
    "Council": "council",
    "Other public sector": "other_public_sector",
    "Private and voluntary": "private_and_voluntary",
}


def median_gap_by_sector_and_year(sector_trend: pd.DataFrame) -> Table:
    """``median_gap_by_sector_and_year``: the numbers of the sectors-by-year chart."""
    wide = sector_trend.pivot(index="reporting_year", columns="sector", values="median_gap")
    wide = wide.reindex(columns=[s for s in SECTOR_KEYS if s in wide.columns])
    wide = wide.rename(columns=SECTOR_KEYS).reset_index()
    wide.columns.name = None
    return Table(
        "median_gap_by_sector_and_year",
        wide,
        "Median of employers' median hourly pay gaps by sector and reporting year; empty years "
        "have no complete data",
        columns(
            ("reporting_year", "year"),
            *(
                (key, sector.lower(), "pct", PCT)
                for sector, key in SECTOR_KEYS.items()
                if key in wide
            ),  # fmt: skip
        ),
        row_header="reporting_year",
    )


def late_submissions(late: pd.DataFrame, council: str | None) -> Table:
    """``late_submissions``: councils reporting and flagged late by year (the council's own)."""
    specs = [
        ("reporting_year", "year"),
        ("n_councils", "councils", "int"),
        ("n_late", "late", "int"),
        ("pct_late", "% late", "pct", PCT),
        ("median_days_late", "median days late", "int", "days"),
    ]
    if council:
        specs += [("council_late", f"{council} late", "yesno"), ("council_submitted", "submitted")]
    specs.append(("note", "note"))
    own = f"; {council}'s own submission date" if council else ""
    return Table(
        "late_submissions",
        late[[s[0] for s in specs]],
        f"Councils reporting, and late submissions, by reporting year{own}",
        columns(*specs),
        row_header="reporting_year",
    )


def published_figure_checks(summary: pd.DataFrame) -> Table:
    """``published_figure_checks``: each check on all employers and on councils, all years."""
    return Table(
        "published_figure_checks",
        summary.drop(columns="check"),
        "Checks of the published figures, all years: submissions checked and failing",
        columns(
            ("description", "What is checked"),
            ("n_checked_all", "All employers: submissions checked", "int"),
            ("n_failing_all", "All employers: failing", "int"),
            ("pct_failing", "All employers: % failing", "float2", PCT),
            ("n_checked_councils", "Councils: submissions checked", "int"),
            ("n_failing_councils", "Councils: failing", "int"),
        ),
    )


def failures(table: pd.DataFrame, name: str, caption: str, who: str, notes=()) -> Table:
    """A list of failing published values (``published_figure_failures_<...>``); each check is
    named by its title (:data:`~research.gpg.datachecks.CHECK_TITLES`), each value by its GOV.UK
    field name."""
    table = table.assign(check=table["check"].map(CHECK_TITLES).fillna(table["check"]))
    return Table(
        name,
        table,
        caption,
        columns(
            ("reporting_year", "Year"),
            ("employer", who.capitalize()),
            ("check", "Check failed"),
            ("column", "GOV.UK field"),
            ("value", "Value", "float1"),
        ),
        row_header="employer",
        notes=tuple(notes),
    )


def council_rule_check(counts: pd.DataFrame, sentence: str) -> Table:
    """``council_rule_check``: rows of the check extract and of the rebuild, by year."""
    return Table(
        "council_rule_check",
        counts,
        "Council submissions by reporting year: in the project's check extract, rebuilt by the "
        "council rule, and matched",
        columns(
            ("reporting_year", "year"),
            ("extract", "in the extract", "int"),
            ("rebuilt", "rebuilt", "int"),
            ("matched", "matched", "int"),
            ("only_extract", "only in the extract", "int"),
            ("only_rebuilt", "only rebuilt", "int"),
        ),
        row_header="reporting_year",
        notes=(sentence,),
    )


def data_sources(sources: pd.DataFrame) -> Table:
    """``data_sources``: the files read, with their rows, columns, year and date format."""
    keys = ["file", "rows", "columns", "reporting_years", "partial", "date_format"]
    return Table(
        "data_sources",
        sources.reindex(columns=keys),
        "Files read: rows, columns, reporting year and the date format found",
        columns(
            ("file", "file"),
            ("rows", "rows", "int"),
            ("columns", "columns", "int"),
            ("reporting_years", "reporting year"),
            ("partial", "partial", "yesno"),
            ("date_format", "date format"),
        ),
    )
