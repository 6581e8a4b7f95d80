"""Plain-English sentences for the council benchmark report, each built from its numbers.

Every number in a sentence comes from a table the report also shows (:mod:`research.gpg.benchmark`);
percentages are printed to one decimal place, counts with thousands separators.
"""

from __future__ import annotations

import pandas as pd

from research.gpg.benchmark import (
    CouncilBenchmark,
    late_submissions,
    sector_summary,
    size_label,
    summary_by,
)
from research.gpg.benchmark import current as current_rows
from research.gpg.benchmark import trend as trend_table
from research.gpg.data import GpgData
from research.gpg.panel import ATTRIBUTION, complete_years
from research.gpg.selection import type_words

__all__ = ["council_findings", "overview_findings", "snapshot_date", "title_block"]


def _pct(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.1f}%"


def _n(value: int | float) -> str:
    return f"{int(value):,}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def snapshot_date(year: str) -> str:
    """The public-sector snapshot date of a reporting year: ``"2024-25"`` -> ``"31 March 2024"``."""
    return f"31 March {year[:4]}"


def _gap_words(value: float) -> str:
    if pd.isna(value):
        return "not reported"
    if value > 0:
        return f"{_pct(value)} (men's pay higher)"
    if value < 0:
        return f"{_pct(value)} (women's pay higher)"
    return "0.0% (no gap)"


def _missing_years(data: GpgData) -> list[str]:
    years = data.councils["reporting_year"].unique().tolist()
    return sorted(set(years) - set(complete_years(data.councils)))


def title_block(data: GpgData, year: str, bench: CouncilBenchmark | None = None) -> str:
    """Markdown: whose figures, which year and snapshot, which data."""
    years = complete_years(data.councils)
    missing = _missing_years(data)
    gap = f" ({', '.join(missing)}: partial download only, shown as missing)" if missing else ""
    n_councils = current_rows(data.councils).query("reporting_year == @year")["council_id"].size
    if bench is not None:
        last = bench.history.iloc[-1]
        who = (
            f"**Council:** {bench.council_name} ({type_words(last['council_type'])}, "
            f"{last['nation']}; {size_label(last['EmployerSize'])} employees)"
        )
    else:
        who = f"**Councils:** all {n_councils:,} councils that reported for {year}"
    return (
        f"{who}  \n"
        f"**Reporting year compared:** {year} (public-sector snapshot date "
        f"{snapshot_date(year)})  \n"
        f"**Data:** GOV.UK gender pay gap service downloads, {years[0]} to {years[-1]}{gap}; "
        f"{len(data.panel):,} employer submissions, {len(data.councils):,} of them by councils.  \n"
        f"*{ATTRIBUTION}*"
    )


def council_findings(bench: CouncilBenchmark, data: GpgData) -> str:
    """Three to six findings for one council, as a markdown list."""
    pos = bench.position.set_index("column")
    name, year = bench.council_name, bench.year
    lines = []
    if bench.record is None:
        lines.append(f"{name} has no submission for {year}.")
        return "\n".join(f"- {line}" for line in lines)
    median, mean = pos.loc["DiffMedianHourlyPercent"], pos.loc["DiffMeanHourlyPercent"]
    lines.append(
        f"In {year} (snapshot {snapshot_date(year)}) {name}'s median hourly pay gap was "
        f"{_gap_words(median['value'])}: larger than at {median['percentile_rank']:.0f}% of the "
        f"{_n(median['n'])} councils that reported (median council: {_pct(median['median'])}; "
        f"middle half of councils: {_pct(median['p25'])} to {_pct(median['p75'])})."
    )
    lines.append(
        f"Its mean hourly pay gap was {_gap_words(mean['value'])}, larger than at "
        f"{mean['percentile_rank']:.0f}% of councils (median council: {_pct(mean['median'])})."
    )
    if bench.peers.shape[0] > 1:
        lines.append(
            f"Among {bench.peers.shape[0] - 1} similar councils ({bench.peer_rule}) the median "
            f"of median gaps was {_pct(median['peer_median'])}."
        )
    trend = bench.trend.dropna(subset=["median_gap"])
    if len(trend) > 1:
        first, last = trend.iloc[0], trend.iloc[-1]
        a, b = first["median_gap"], last["median_gap"]
        verb = "moved"
        if a > 0 and b >= 0:
            verb = "narrowed" if b < a else "widened" if b > a else "stayed"
        lines.append(
            f"Its median gap {verb} from {_pct(a)} in {first['reporting_year']} to {_pct(b)} in "
            f"{last['reporting_year']} (all councils' median: {_pct(first['all_median'])} to "
            f"{_pct(last['all_median'])})."
        )
    lower, top = pos.loc["FemaleLowerQuartile", "value"], pos.loc["FemaleTopQuartile", "value"]
    lines.append(
        f"Women held {_pct(lower)} of jobs in its lowest-paid quarter and {_pct(top)} in the "
        f"highest-paid quarter (median council: {_pct(pos.loc['FemaleLowerQuartile', 'median'])}"
        f" and {_pct(pos.loc['FemaleTopQuartile', 'median'])})."
    )
    late = bench.late.dropna(subset=["council_late"])
    late_years = late.loc[late["council_late"].astype(bool), "reporting_year"].tolist()
    lines.append(
        f"It reported late in {', '.join(late_years)}."
        if late_years
        else f"It reported on time in each of the {len(late)} years it reported."
    )
    lines.append(
        "These are published figures for the council's whole workforce, not survey estimates, "
        "so they carry no sampling error; a percentile rank says where the council sits among "
        "councils, not whether its gap is significant."
    )
    return "\n".join(f"- {line}" for line in lines)


def overview_findings(data: GpgData, year: str) -> str:
    """Three to six findings on all councils, as a markdown list."""
    rows = current_rows(data.councils).query("reporting_year == @year")
    gap = rows["DiffMedianHourlyPercent"]
    lines = [
        f"In {year} (snapshot {snapshot_date(year)}) the median council's median hourly pay gap "
        f"was {_pct(gap.median())}; the middle half of the {len(rows):,} councils lay between "
        f"{_pct(gap.quantile(0.25))} and {_pct(gap.quantile(0.75))}. "
        f"{_pct(100 * gap.gt(0).mean())} of councils paid men more (a positive gap) and "
        f"{_pct(100 * gap.lt(0).mean())} paid women more."
    ]
    trend = trend_table(data.councils).dropna(subset=["all_median"])
    if len(trend) > 1:
        first, last = trend.iloc[0], trend.iloc[-1]
        lines.append(
            f"The median council's gap moved from {_pct(first['all_median'])} in "
            f"{first['reporting_year']} to {_pct(last['all_median'])} in "
            f"{last['reporting_year']}."
        )
    types = summary_by(data.councils, year, "council_type").dropna(subset=["median_gap"])
    types = types[types["n_councils"] >= 5]
    if len(types) > 1:
        high = types.loc[types["median_gap"].idxmax()]
        low = types.loc[types["median_gap"].idxmin()]
        lines.append(
            f"{_first_upper(type_words(high['council_type'], plural=True))} had the largest median "
            f"gap ({_pct(high['median_gap'])}, {_n(high['n_councils'])} councils) and "
            f"{type_words(low['council_type'], plural=True)} the smallest "
            f"({_pct(low['median_gap'])}, {_n(low['n_councils'])} councils)."
        )
    sectors = sector_summary(data.panel, year).set_index("sector")
    if {"Council", "Private and voluntary"} <= set(sectors.index):
        other = sectors["median_gap"].get("Other public sector")
        lines.append(
            f"Councils' median gap ({_pct(sectors.loc['Council', 'median_gap'])}) compares with "
            f"{_pct(other)} for other public bodies and "
            f"{_pct(sectors.loc['Private and voluntary', 'median_gap'])} for private and voluntary "
            "employers (medians of employers' median gaps)."
        )
    late = late_submissions(data.councils).set_index("reporting_year")
    if year in late.index and pd.notna(late.loc[year, "n_late"]):
        lines.append(
            f"{_n(late.loc[year, 'n_late'])} councils ({_pct(late.loc[year, 'pct_late'])}) "
            f"reported after the deadline for {year}."
        )
    lines.append(
        "These are published figures for whole workforces, not survey estimates: they carry no "
        "sampling error, but each rests on the employer's own calculation."
    )
    return "\n".join(f"- {line}" for line in lines)


def highlight(styler, mask: pd.Series, css: str = "font-weight: 700; background-color: #EEF3F8"):
    """Bold the rows of a :func:`research.present.show.show_table` styler where ``mask`` is True."""
    flags = pd.Series(mask).fillna(False).astype(bool).to_numpy()

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        styles.iloc[flags[: len(frame)]] = css
        return styles

    return styler.apply(rows, axis=None)


def rebuild_sentence(counts: pd.DataFrame, cells: pd.DataFrame) -> str:
    """How the council rule's rebuild compares with the shipped extract, in words."""
    matched, extract = int(counts["matched"].sum()), int(counts["extract"].sum())
    extra = int(counts["only_rebuilt"].sum())
    text = (
        f"**Check of the council rule.** Rebuilt from the raw downloads, the rule selects "
        f"{int(counts['rebuilt'].sum()):,} council submissions; {matched:,} of the {extract:,} "
        f"rows of the project's check extract (`gpg_local_authorities.csv.gz`) are matched"
        f"{'' if extra == 0 else f' and {extra} rows are extra'}, with the same rows in every year."
    )
    if cells.empty:
        return text + " Every matched cell is identical."
    by_column = cells.groupby("column").size()
    parts = ", ".join(
        f"{column} ({n} row{'s' if n > 1 else ''})" for column, n in by_column.items()
    )
    return (
        text + f" {len(cells)} cells differ, by design: {parts}. The loader restores leading "
        "zeros of company numbers, links renamed councils through their current name, and reads "
        "the council type from whole words only (PETERBOROUGH is a city, not a borough)."
    )
