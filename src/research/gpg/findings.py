"""Plain-English sentences of the council benchmark report, each built from its numbers.

Every number in a sentence comes from a table the report also shows (:mod:`research.gpg.tables`);
percentages are printed to one decimal place, counts with thousands separators. Sentences are
plain text (the report escapes them).
"""

from __future__ import annotations

import pandas as pd

from research.gpg.benchmark import CouncilBenchmark
from research.gpg.selection import type_words
from research.present.formats import fmt_int, fmt_pct
from research.present.report import Finding

__all__ = [
    "council_findings",
    "overview_findings",
    "rebuild_sentence",
    "snapshot_date",
]


def pct_or_na(value: float) -> str:
    """A percentage for a sentence or chart label, ``"n/a"`` when it was not published."""
    return "n/a" if pd.isna(value) else fmt_pct(value)


def _value(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def snapshot_date(year: str) -> str:
    """The public-sector snapshot date of a reporting year: ``"2024-25"`` -> ``"31 March 2024"``."""
    return f"31 March {year[:4]}"


def _gap_words(value: float) -> str:
    if pd.isna(value):
        return "not reported"
    if value > 0:
        return f"{pct_or_na(value)} (men's pay higher)"
    if value < 0:
        return f"{pct_or_na(value)} (women's pay higher)"
    return "0.0% (no gap)"


def council_findings(bench: CouncilBenchmark) -> list[Finding]:
    """Three to seven findings for one council."""
    pos = bench.position.set_index("column")
    name, year = bench.council_name, bench.year
    if bench.record is None:
        return [Finding(f"{name} has no submission for {year}.", key="no_submission")]
    median, mean = pos.loc["DiffMedianHourlyPercent"], pos.loc["DiffMeanHourlyPercent"]
    out = [
        Finding(
            f"In {year} (snapshot {snapshot_date(year)}) {name}'s median hourly pay gap was "
            f"{_gap_words(median['value'])}: larger than at {median['percentile_rank']:.0f}% of "
            f"the {fmt_int(median['n'])} councils that reported (median council: "
            f"{pct_or_na(median['median'])}; middle half of councils: {pct_or_na(median['p25'])} to "
            f"{pct_or_na(median['p75'])}).",
            _value(median["value"]),
            key="median_hourly_gap",
        ),
        Finding(
            f"Its mean hourly pay gap was {_gap_words(mean['value'])}, larger than at "
            f"{mean['percentile_rank']:.0f}% of councils (median council: "
            f"{pct_or_na(mean['median'])}).",
            _value(mean["value"]),
            key="mean_hourly_gap",
        ),
    ]
    if bench.peers.shape[0] > 1:
        out.append(
            Finding(
                f"Among {bench.peers.shape[0] - 1} similar councils ({bench.peer_rule}) the "
                f"median of median gaps was {pct_or_na(median['peer_median'])}.",
                _value(median["peer_median"]),
                key="similar_median_gap",
            )
        )
    trend = bench.trend.dropna(subset=["median_gap"])
    if len(trend) > 1:
        first, last = trend.iloc[0], trend.iloc[-1]
        a, b = first["median_gap"], last["median_gap"]
        verb = "moved"
        if a > 0 and b >= 0:
            verb = "narrowed" if b < a else "widened" if b > a else "stayed"
        out.append(
            Finding(
                f"Its median gap {verb} from {pct_or_na(a)} in {first['reporting_year']} to "
                f"{pct_or_na(b)} in {last['reporting_year']} (all councils' median: "
                f"{pct_or_na(first['all_median'])} to {pct_or_na(last['all_median'])}).",
                _value(b - a),
                key="median_gap_change",
            )
        )
    lower, top = pos.loc["FemaleLowerQuartile", "value"], pos.loc["FemaleTopQuartile", "value"]
    out.append(
        Finding(
            f"Women held {pct_or_na(lower)} of jobs in its lowest-paid quarter and {pct_or_na(top)} in the "
            f"highest-paid quarter (median council: "
            f"{pct_or_na(pos.loc['FemaleLowerQuartile', 'median'])} and "
            f"{pct_or_na(pos.loc['FemaleTopQuartile', 'median'])}).",
            _value(top),
            key="women_top_quarter",
        )
    )
    late = bench.late.dropna(subset=["council_late"])
    late_years = late.loc[late["council_late"].astype(bool), "reporting_year"].tolist()
    out.append(
        Finding(
            f"It reported late in {', '.join(late_years)}."
            if late_years
            else f"It reported on time in each of the {len(late)} years it reported.",
            float(len(late_years)),
            key="late_years",
        )
    )
    if bench.reorganisation:
        out.append(Finding(bench.reorganisation, key="reorganisation"))
    out.append(
        Finding(
            "These are published figures for the council's whole workforce, not survey "
            "estimates, so they carry no sampling error; a percentile rank says where the "
            "council sits among councils, not whether its gap is significant.",
            key="method",
        )
    )
    return out


def overview_findings(
    rows: pd.DataFrame,
    year: str,
    trend: pd.DataFrame,
    types: pd.DataFrame,
    sectors: pd.DataFrame,
    late: pd.DataFrame,
) -> list[Finding]:
    """Three to six findings on all councils, from the tables of the overview report."""
    gap = rows["DiffMedianHourlyPercent"]
    out = [
        Finding(
            f"In {year} (snapshot {snapshot_date(year)}) the median council's median hourly pay "
            f"gap was {pct_or_na(gap.median())}; the middle half of the {len(rows):,} councils lay "
            f"between {pct_or_na(gap.quantile(0.25))} and {pct_or_na(gap.quantile(0.75))}. "
            f"{pct_or_na(100 * gap.gt(0).mean())} of councils paid men more (a positive gap) and "
            f"{pct_or_na(100 * gap.lt(0).mean())} paid women more.",
            _value(gap.median()),
            key="median_council_gap",
        )
    ]
    trend = trend.dropna(subset=["all_median"])
    if len(trend) > 1:
        first, last = trend.iloc[0], trend.iloc[-1]
        out.append(
            Finding(
                f"The median council's gap moved from {pct_or_na(first['all_median'])} in "
                f"{first['reporting_year']} to {pct_or_na(last['all_median'])} in "
                f"{last['reporting_year']}.",
                _value(last["all_median"] - first["all_median"]),
                key="median_gap_change",
            )
        )
    types = types.dropna(subset=["median_gap"])
    types = types[types["n_councils"] >= 5]
    if len(types) > 1:
        high = types.loc[types["median_gap"].idxmax()]
        low = types.loc[types["median_gap"].idxmin()]
        out.append(
            Finding(
                f"{_first_upper(type_words(high['council_type'], plural=True))} had the largest "
                f"median gap ({pct_or_na(high['median_gap'])}, {fmt_int(high['n_councils'])} councils) and "
                f"{type_words(low['council_type'], plural=True)} the smallest "
                f"({pct_or_na(low['median_gap'])}, {fmt_int(low['n_councils'])} councils).",
                _value(high["median_gap"]),
                key="council_types",
            )
        )
    sectors = sectors.set_index("sector")
    if {"Council", "Private and voluntary"} <= set(sectors.index):
        other = sectors["median_gap"].get("Other public sector")
        out.append(
            Finding(
                f"Councils' median gap ({pct_or_na(sectors.loc['Council', 'median_gap'])}) compares "
                f"with {pct_or_na(other)} for other public bodies and "
                f"{pct_or_na(sectors.loc['Private and voluntary', 'median_gap'])} for private and "
                "voluntary employers (medians of employers' median gaps).",
                _value(sectors.loc["Council", "median_gap"]),
                key="sectors",
            )
        )
    late = late.set_index("reporting_year")
    if year in late.index and pd.notna(late.loc[year, "n_late"]):
        out.append(
            Finding(
                f"{fmt_int(late.loc[year, 'n_late'])} councils ({pct_or_na(late.loc[year, 'pct_late'])}) "
                f"reported after the deadline for {year}.",
                float(late.loc[year, "n_late"]),
                key="late",
            )
        )
    out.append(
        Finding(
            "These are published figures for whole workforces, not survey estimates: they carry "
            "no sampling error, but each rests on the employer's own calculation.",
            key="method",
        )
    )
    return out


def rebuild_sentence(counts: pd.DataFrame, cells: pd.DataFrame) -> str:
    """How the council rule's rebuild compares with the project's check extract, in words."""
    matched, extract = int(counts["matched"].sum()), int(counts["extract"].sum())
    extra = int(counts["only_rebuilt"].sum())
    text = (
        f"Rebuilt from the raw downloads, the council rule selects "
        f"{int(counts['rebuilt'].sum()):,} council submissions; {matched:,} of the {extract:,} "
        f"rows of the project's check extract (gpg_local_authorities.csv.gz) are matched"
        f"{'' if extra == 0 else f' and {extra} rows are extra'}"
        f"{', with the same rows in every year' if extra == 0 and matched == extract else ''}."
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
