"""Publishable tables and charts of the workforce flows report (notebook 70).

Counts are published before disclosure control here; :mod:`research.flows.published` declares
them and :func:`research.present.counted.protect_sections` hides what must be hidden. Rates are
percentages with their 95% Wilson intervals; a rate whose count is hidden is hidden with it.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.flows.markov import Projection
from research.flows.measures import is_value
from research.present.disclosure import SUPPRESSED
from research.present.formats import SEX_LABELS, fmt_pct
from research.present.plots import SEX_PALETTE, source_note, tight_layout
from research.present.report import Figure, Note, Table, columns

SCENARIO_LABELS = {
    "current": "At current rates",
    "equal_promotion": "Women promoted at men's rates",
    "equal_recruitment": "Women and men recruited into the grades alike",
    "both": "Both",
}
RATE_LABELS = {
    "turnover": "Turnover",
    "voluntary_turnover": "Voluntary turnover",
    "stability": "Stability index",
    "promotion": "Promotion rate",
    "leaving": "Leaving rate",
}
MAX_GRADE_GROUPS = 12


def sex_label(values: pd.Series) -> pd.Series:
    return values.astype("string").map(lambda v: SEX_LABELS.get(v, v))


def grade_bands(moves: pd.DataFrame, max_groups: int = MAX_GRADE_GROUPS) -> pd.DataFrame:
    """Grade rank -> label: each rank its own group (``"3. Grade 3"``) up to ``max_groups``
    ranks, else bands of consecutive ranks of about equal headcount (``"ranks 1-12"``)."""
    sizes, pairs = [], []
    for side in ("from", "to"):
        rank = moves[f"grade_rank_{side}"]
        known = rank.notna().to_numpy()
        values = rank.to_numpy(dtype=float, na_value=np.nan)[known].astype("int64")
        sizes.append(pd.Series(values).value_counts())
        # the distinct (rank, grade) pairs, from integer codes: no text per row
        grade = moves[f"grade_{side}"].astype("category")
        codes = np.asarray(grade.array.codes)[known].astype(np.int64)
        width = len(grade.cat.categories) + 1
        pair = np.unique(values * width + codes + 1)
        pairs.append(
            pd.DataFrame(
                {
                    "rank": pair // width,
                    "grade": pd.Categorical.from_codes(pair % width - 1, dtype=grade.dtype)
                    .astype(object)
                    .tolist(),
                }
            )
        )
    sizes = pd.concat(sizes, axis=1).fillna(0).sum(axis=1).astype("int64").sort_index()
    sizes.index = sizes.index.astype("int64").rename("rank")
    ranks = pd.concat(pairs, ignore_index=True)
    names = (
        ranks.drop_duplicates()
        .groupby("rank")["grade"]
        .agg(lambda g: " / ".join(sorted(map(str, g.dropna().unique()))))
    )
    width = len(str(int(sizes.index.max())))
    if len(sizes) <= max_groups:
        labels = [f"{str(r).zfill(width)}. {names.get(r, '')}".rstrip(". ") for r in sizes.index]
        return pd.DataFrame({"grade_rank": sizes.index, "band": labels, "order": range(len(sizes))})
    share = sizes.cumsum() / sizes.sum()
    group = np.minimum((share.to_numpy() * max_groups - 1e-9).astype(int), max_groups - 1)
    frame = pd.DataFrame({"grade_rank": sizes.index, "group": group})
    bounds = frame.groupby("group")["grade_rank"].agg(["min", "max"])
    text = {
        g: f"ranks {str(lo).zfill(width)}-{str(hi).zfill(width)}" if lo != hi else f"rank {lo}"
        for g, (lo, hi) in bounds.iterrows()
    }
    order = {g: i for i, g in enumerate(bounds.index)}
    return frame.assign(band=frame["group"].map(text), order=frame["group"].map(order)).drop(
        columns="group"
    )


#: The band of someone present in a snapshot without a grade rank.
NO_GRADE = "Grade not recorded"


def with_bands(moves: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """``moves`` with ``band_from``/``band_to`` (the grade band at each end; :data:`NO_GRADE`
    for someone present without a grade rank, blank for someone absent)."""
    lookup = pd.Index(bands["grade_rank"].astype("Float64"))
    labels = bands["band"].to_numpy(dtype=object)
    out = {}
    for side, absent in (("from", "starter"), ("to", "leaver")):
        ranks = moves[f"grade_rank_{side}"].astype("Float64")
        where = lookup.get_indexer(ranks)
        band = np.where(where >= 0, labels[where], np.nan).astype(object)
        present = ~is_value(moves["event"], absent) & moves["event"].notna().to_numpy()
        band[(where < 0) & present] = NO_GRADE
        out[f"band_{side}"] = pd.Series(band, index=moves.index, dtype=object)
    return moves.assign(**out)


def _rate_columns(names: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    out = []
    for name in names:
        label = RATE_LABELS[name]
        out += [
            (name, f"{label} (%)", "float1", "%"),
            (f"{name}_low", f"{label}: 95% interval from", "float1", "%"),
            (f"{name}_high", f"{label}: to", "float1", "%"),
        ]
    return out


FLOW_COUNTS = (
    ("headcount_start", "Headcount at the start of the year", "int", "people"),
    ("starters", "Starters", "int", "people"),
    ("leavers", "Leavers", "int", "people"),
    ("voluntary_leavers", "Voluntary leavers", "int", "people"),
    ("promoted", "Promoted", "int", "people"),
)


def flows_by_sex_table(table: pd.DataFrame, period: str, reasons: bool) -> Table:
    rates = (
        ("turnover", "voluntary_turnover", "stability", "promotion")
        if reasons
        else (
            "turnover",
            "stability",
            "promotion",
        )
    )
    counts = [c for c in FLOW_COUNTS if reasons or c[0] != "voluntary_leavers"]
    data = table.assign(sex=sex_label(table["sex"]))
    spec = [("sex", "Sex", "text"), *counts, *_rate_columns(rates)]
    data = data[[s[0] for s in spec]]
    return Table(
        "flows_by_sex",
        data,
        f"Starters, leavers, stability and promotion by sex, all years {period} together (counts "
        "are person-years: someone employed in three years counts three times)",
        columns(*spec),
        notes=(
            "Turnover = leavers / average headcount of the year x 100; stability index = "
            "employees still employed a year later / headcount at the start x 100; promotion "
            "rate = moves to a higher grade / headcount at the start x 100. Intervals are 95% "
            "Wilson score intervals.",
        ),
    )


GROUP_WORDS = {"ethnicity": "ethnic group", "disability": "disability status"}


def flows_by_group_table(table: pd.DataFrame, column: str) -> Table:
    """Flows by ethnic group or disability status (women and men together)."""
    data = table.assign(group=table[column].astype("string").fillna("Not recorded"))
    spec = [
        ("group", GROUP_WORDS[column].capitalize(), "text"),
        ("headcount_start", "Headcount at the start of the year", "int", "people"),
        ("starters", "Starters", "int", "people"),
        ("leavers", "Leavers", "int", "people"),
        ("promoted", "Promoted", "int", "people"),
        *_rate_columns(("turnover", "stability", "promotion")),
    ]
    return Table(
        f"flows_by_{column}",
        data[[s[0] for s in spec]],
        f"Starters, leavers, stability and promotion by {GROUP_WORDS[column]}, all years "
        "together (women and men)",
        columns(*spec),
    )


def flows_by_year_table(table: pd.DataFrame) -> Table:
    data = table.assign(sex=sex_label(table["sex"]))
    spec = [
        ("period", "Year to 31 March (or the snapshot date)", "text"),
        ("sex", "Sex", "text"),
        ("headcount_start", "Headcount at the start", "int", "people"),
        ("starters", "Starters", "int", "people"),
        ("leavers", "Leavers", "int", "people"),
        *_rate_columns(("turnover",)),
    ]
    data = data.assign(period=data["period"].astype(str))[[s[0] for s in spec]]
    return Table(
        "flows_by_year",
        data,
        "Starters, leavers and turnover by year and sex",
        columns(*spec),
    )


def flows_by_grade_table(table: pd.DataFrame) -> Table:
    data = table.assign(sex=sex_label(table["sex"]))
    counts = [c for c in FLOW_COUNTS if c[0] != "voluntary_leavers"]
    spec = [
        ("band", "Grade", "text"),
        ("sex", "Sex", "text"),
        *counts,
        *_rate_columns(("turnover", "stability", "promotion")),
    ]
    data = data[[s[0] for s in spec]]
    return Table(
        "flows_by_grade",
        data,
        "Starters, leavers, stability and promotion by grade and sex, all years together "
        "(leavers and promotions in the grade they left or were promoted from, starters in the "
        "grade they joined)",
        columns(*spec),
        row_header="band",
    )


def pipeline_table(by_grade: pd.DataFrame, now: pd.DataFrame) -> Table:
    """Women's share of headcount (last snapshot), starters, promotions and leavers by grade."""
    wide = by_grade.pivot_table(
        index=["order", "band"],
        columns="sex",
        values=["starters", "promoted", "leavers"],
        aggfunc="sum",
        observed=True,
    ).fillna(0)
    rows = []
    for (order, band), row in wide.iterrows():
        item = {"order": order, "band": band}
        for flow in ("starters", "promoted", "leavers"):
            women, men = row.get((flow, "F"), 0), row.get((flow, "M"), 0)
            item[f"n_{flow}"] = int(women + men)
            item[f"pct_{flow}"] = 100 * women / (women + men) if women + men else math.nan
        rows.append(item)
    data = pd.DataFrame(rows).merge(now, on=["order", "band"], how="left").sort_values("order")
    data["n_now"] = data["n_now"].fillna(0).astype("int64")
    spec = [
        ("band", "Grade", "text"),
        ("n_now", "Women and men at the last snapshot", "int", "people"),
        ("pct_now", "Women at the last snapshot (%)", "float1", "%"),
        ("n_starters", "Starters (women and men)", "int", "people"),
        ("pct_starters", "Women among starters (%)", "float1", "%"),
        ("n_promoted", "Promoted (women and men)", "int", "people"),
        ("pct_promoted", "Women among those promoted (%)", "float1", "%"),
        ("n_leavers", "Leavers (women and men)", "int", "people"),
        ("pct_leavers", "Women among leavers (%)", "float1", "%"),
    ]
    return Table(
        "pipeline_by_grade",
        data[[s[0] for s in spec]],
        "The pipeline: women's share of each grade at the last snapshot, and of those who joined, "
        "were promoted from and left each grade over all years",
        columns(*spec),
    )


def _number(value) -> float:
    if isinstance(value, str) and value == SUPPRESSED:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def pipeline_figure(table: pd.DataFrame, source: str) -> Figure | Note:
    data = table.copy()
    series = {
        "pct_now": ("At the last snapshot", "#333333", "o"),
        "pct_starters": ("Starters", "#009E73", "^"),
        "pct_promoted": ("Promoted", SEX_PALETTE["F"], "s"),
        "pct_leavers": ("Leavers", "#999999", "v"),
    }
    values = {k: data[k].map(_number).to_numpy() for k in series}
    if all(np.isnan(v).all() for v in values.values()):
        return Note(
            "pipeline", "Every share in the pipeline table is hidden, so no chart is drawn."
        )
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(data) + 1.8))
    y = np.arange(len(data))
    for key, (label, colour, marker) in series.items():
        ax.scatter(values[key], y, label=label, color=colour, marker=marker, zorder=3)
    ax.axvline(50, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_yticks(y, data["band"].astype(str))
    ax.set_xlim(0, 100)
    ax.set_xlabel("Women's share (%)")
    ax.set_title("Women's share of each grade and of its flows")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    source_note(ax, source)
    tight_layout(fig)
    now = values["pct_now"]
    shown = ~np.isnan(now)
    top = f"{fmt_pct(now[shown][-1])} of the highest grade shown" if shown.any() else ""
    bottom = f"{fmt_pct(now[shown][0])} of the lowest" if shown.any() else ""
    alt = (
        f"Dot chart of women's share of each of {len(data)} grade groups, lowest first: at the "
        f"last snapshot (circles), and among starters, those promoted and leavers over all years. "
        f"Women are {bottom} and {top}."
    )
    return Figure("pipeline", fig, alt, table="pipeline_by_grade")


def likelihood_table(rl: pd.DataFrame) -> Table:
    data = rl.copy()
    data["outcome"] = (
        data["outcome"]
        .map({"promotion": "Promotion", "stability": "Staying a year (stability)"})
        .fillna(data["outcome"])
    )
    data["adverse_impact"] = data["adverse_impact"].map(
        lambda v: v if isinstance(v, str) else bool(v)
    )
    data["lower"] = np.where(
        data["rate_compare"].astype(object).eq(data["rate_reference"].astype(object)),
        "neither",
        sex_label(data["lower"]).to_numpy(dtype=object),
    )
    spec = [
        ("outcome", "Outcome", "text"),
        ("band", "Grade", "text"),
        ("rate_compare", "Women's rate (%)", "float1", "%"),
        ("rate_reference", "Men's rate (%)", "float1", "%"),
        ("ratio", "Relative likelihood (women / men)", "float2", "ratio"),
        ("ratio_low", "95% interval from", "float2", "ratio"),
        ("ratio_high", "to", "float2", "ratio"),
        ("adverse_impact", "Below four-fifths (adverse impact)", "yesno"),
        ("lower", "Lower rate", "text"),
    ]
    return Table(
        "relative_likelihood",
        data[[s[0] for s in spec]],
        "Relative likelihood of promotion and of staying, women compared with men, with the "
        "four-fifths rule",
        columns(*spec),
        notes=(
            "Relative likelihood = women's rate / men's rate (1 = equal). The four-fifths rule "
            "flags adverse impact where the lower rate is less than four-fifths (0.8) of the "
            "higher, in either direction; exactly 0.8 is not flagged. Intervals: Katz log "
            "method.",
        ),
    )


def half_life_table(values: pd.DataFrame) -> Table:
    data = values.assign(sex=sex_label(values["sex"]))
    spec = [
        ("sex", "Sex", "text"),
        ("starters", "Starters followed", "int", "people"),
        ("half_life", "Half-life (years)", "float1", "years"),
        ("extrapolated", "Extrapolated beyond the years observed", "yesno"),
    ]
    return Table(
        "cohort_half_life",
        data[[s[0] for s in spec]],
        "Half-life of starter cohorts: years until half of those who started have left",
        columns(*spec),
        notes=(
            "From a life table of all starters, pooled over the years they started. Where more "
            "than half are still employed at the last snapshot, the half-life is extrapolated "
            "at the observed average yearly survival.",
        ),
    )


def projection_grades_table(
    projection: Projection, bands: pd.DataFrame, pipeline: pd.DataFrame
) -> Table:
    """Women's share of each grade band now (as the protected pipeline table shows it) and
    projected; the projection is hidden where the headcount now is."""
    current = projection.grades[projection.grades["scenario"] == "current"]
    ranked = bands.dropna(subset=["grade_rank"]).astype({"grade_rank": "int64"})
    data = current.merge(ranked, on="grade_rank")
    grouped = data.groupby(["order", "band"], as_index=False).agg(
        share_end=("share_end", "mean"), low=("low", "mean"), high=("high", "mean")
    )
    grouped = grouped.merge(
        pipeline[["band", "n_now", "pct_now"]].rename(columns={"pct_now": "share_now"}),
        on="band",
        how="left",
    ).astype(object)
    hidden = grouped["n_now"].eq(SUPPRESSED).to_numpy()
    grouped.loc[hidden, ["share_end", "low", "high"]] = SUPPRESSED
    year = projection.last_year + projection.years
    spec = [
        ("band", "Grade", "text"),
        ("n_now", "Women and men now", "int", "people"),
        ("share_now", "Women now (%)", "float1", "%"),
        ("share_end", f"Women in {year}, projected (%)", "float1", "%"),
        ("low", "95% band from", "float1", "%"),
        ("high", "to", "float1", "%"),
    ]
    return Table(
        "projection_by_grade",
        grouped[[s[0] for s in spec]],
        f"Women's share of each grade now and projected for {year} at current rates",
        columns(*spec),
        notes=("Grade bands of several ranks show the average of their ranks' projected shares.",)
        if grouped["band"].astype(str).str.startswith("rank").any()
        else (),
    )


def projection_table(projection: Projection) -> Table:
    data = projection.shares.assign(
        scenario=projection.shares["scenario"].map(SCENARIO_LABELS),
        calendar_year=projection.shares["calendar_year"].astype(str),
    )
    spec = [
        ("scenario", "Scenario", "text"),
        ("calendar_year", "Year", "text"),
        ("share", "Women in the top grades (%)", "float1", "%"),
        ("low", "95% band from", "float1", "%"),
        ("high", "to", "float1", "%"),
    ]
    top = ", ".join(map(str, projection.top))
    return Table(
        "projection_top_grades",
        data[[s[0] for s in spec]],
        f"Women's share of the top grades (grade ranks {top}) projected {projection.years} years "
        "ahead, by scenario",
        columns(*spec),
        notes=(
            f"Markov manpower-planning model (Bartholomew, Forbes and McClean 1991); bands from "
            f"{projection.n_boot} bootstrap replicates resampling employees.",
        ),
    )


def parity_table(projection: Projection, target_words: str, horizon: int) -> Table:
    rows = []
    for _, row in projection.parity.iterrows():

        def years(value: float) -> str:
            if isinstance(value, float) and math.isnan(value):
                return "not estimated"
            return f"{int(value)}" if math.isfinite(value) else f"not within {horizon}"

        rows.append(
            {
                "scenario": SCENARIO_LABELS[row["scenario"]],
                "years": years(row["years"]),
                "low": years(row["low"]),
                "high": years(row["high"]),
                "calendar_year": str(int(row["calendar_year"]))
                if math.isfinite(row["calendar_year"])
                else "-",
                "long_run": row["long_run"],
            }
        )
    spec = [
        ("scenario", "Scenario", "text"),
        ("years", "Years until the target is reached", "text"),
        ("low", "95% band from (years)", "text"),
        ("high", "to (years)", "text"),
        ("calendar_year", "Year reached", "text"),
        ("long_run", f"Women in the top grades after {horizon} years (%)", "float1", "%"),
    ]
    return Table(
        "years_to_target",
        pd.DataFrame(rows)[[s[0] for s in spec]],
        f"Years until women's share of the top grades reaches {fmt_pct(projection.target)} "
        f"({target_words}), by scenario",
        columns(*spec),
    )


def projection_figure(projection: Projection, source: str, target_words: str) -> Figure:
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    colours = {
        "current": "#333333",
        "equal_promotion": SEX_PALETTE["F"],
        "equal_recruitment": "#009E73",
        "both": SEX_PALETTE["M"],
    }
    for name, part in projection.shares.groupby("scenario", sort=False):
        ax.plot(
            part["calendar_year"], part["share"], color=colours[name], label=SCENARIO_LABELS[name]
        )
        if name == "current" and part["low"].notna().any():
            ax.fill_between(
                part["calendar_year"],
                part["low"],
                part["high"],
                color="#333333",
                alpha=0.15,
                label="95% band (current rates)",
            )
    ax.axhline(
        projection.target,
        color="#999999",
        linestyle="--",
        linewidth=1,
        label=f"Target ({target_words})",
    )
    ax.set_ylim(0, 100)
    ax.set_ylabel("Women in the top grades (%)")
    ax.set_xlabel("Year")
    ax.set_title("Women's share of the top grades, projected")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    source_note(ax, source)
    tight_layout(fig)
    current = projection.shares[projection.shares["scenario"] == "current"]
    first, last = current.iloc[0], current.iloc[-1]
    alt = (
        f"Line chart of women's share of the top grades from {int(first['calendar_year'])} to "
        f"{int(last['calendar_year'])} under {projection.shares['scenario'].nunique()} scenarios. "
        f"At current rates it moves from {fmt_pct(first['share'])} to {fmt_pct(last['share'])} "
        f"(95% band {fmt_pct(last['low'])} to {fmt_pct(last['high'])}); the target is "
        f"{fmt_pct(projection.target)}."
    )
    return Figure("projection", fig, alt, table="projection_top_grades")


# --------------------------------------------------------------------------- one snapshot


def hire_bands(start: pd.Series, snapshot: pd.Timestamp) -> pd.Series:
    """Hire-year groups: single years for the last ten years, then five-year bands, then
    "before <year>"; blank start dates are "not recorded"."""
    year = start.dt.year
    last = snapshot.year
    recent = year > last - 10
    five = ((last - 10 - year) // 5).clip(upper=3)
    low = last - 10 - 5 * five - 4
    high = last - 10 - 5 * five
    banded = low.astype("Int64").astype("string") + "-" + high.astype("Int64").astype("string")
    banded = banded.where(five < 3, "before " + (last - 24).__str__())
    out = year.astype("Int64").astype("string").where(recent, banded)
    return out.fillna("not recorded")


def cohort_table(data: pd.DataFrame, snapshot: pd.Timestamp) -> tuple[Table, pd.DataFrame]:
    binary = data[data["sex"].astype("string").isin(["F", "M"]).fillna(False).to_numpy(bool)]
    band = hire_bands(pd.to_datetime(binary["start_date"]), snapshot)
    counts = pd.crosstab(band, binary["sex"].astype("string")).reindex(
        columns=["F", "M"], fill_value=0
    )
    order = sorted(counts.index, key=lambda b: (b == "not recorded", not b.startswith("before"), b))
    counts = counts.loc[order]
    table = pd.DataFrame(
        {
            "hire_year": counts.index,
            "n_female": counts["F"].to_numpy(),
            "n_male": counts["M"].to_numpy(),
        }
    )
    total = table["n_female"] + table["n_male"]
    table["pct_female"] = np.where(
        total > 0, 100 * table["n_female"] / total.where(total > 0, 1), np.nan
    )
    spec = [
        ("hire_year", "Year started", "text"),
        ("n_female", "Women", "int", "people"),
        ("n_male", "Men", "int", "people"),
        ("pct_female", "Women (%)", "float1", "%"),
    ]
    return (
        Table(
            "cohorts_by_hire_year",
            table[[s[0] for s in spec]],
            "Employees at the snapshot by the year they started (the survivors of each hire "
            "cohort), women and men",
            columns(*spec),
            notes=(
                "Only those still employed at the snapshot are counted: a cohort's size here is "
                "what is left of it, not how many were hired.",
            ),
        ),
        pd.DataFrame({"hire_year": band.to_numpy()}),
    )


def cohort_figure(table: pd.DataFrame, source: str) -> Figure | Note:
    data = table[table["hire_year"] != "not recorded"].copy()
    women = data["n_female"].map(_number).to_numpy()
    men = data["n_male"].map(_number).to_numpy()
    if np.isnan(women).all() or len(data) == 0:
        return Note("cohorts", "Every count of the cohort table is hidden, so no chart is drawn.")
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    x = np.arange(len(data))
    ax.bar(x - 0.2, np.nan_to_num(women), width=0.4, color=SEX_PALETTE["F"], label="Women")
    ax.bar(x + 0.2, np.nan_to_num(men), width=0.4, color=SEX_PALETTE["M"], label="Men")
    ax.set_xticks(x, data["hire_year"], rotation=45, ha="right")
    ax.set_ylabel("Employees at the snapshot")
    ax.set_title("Employees by the year they started")
    ax.legend(fontsize=8, frameon=False)
    source_note(ax, source)
    tight_layout(fig)
    shares = data["pct_female"].map(_number)
    recent = shares.iloc[-1] if len(shares) else math.nan
    alt = (
        f"Bar chart of employees at the snapshot by the year they started, women and men, for "
        f"{len(data)} hire-year groups from {data['hire_year'].iloc[0]} to "
        f"{data['hire_year'].iloc[-1]}. Women are {fmt_pct(recent)} of the most recent group."
    )
    return Figure("cohorts", fig, alt, table="cohorts_by_hire_year")


def tenure_table(data: pd.DataFrame, snapshot: pd.Timestamp, labels: pd.Series) -> Table:
    binary = data["sex"].astype("string").isin(["F", "M"]).fillna(False).to_numpy(bool)
    years = (snapshot - pd.to_datetime(data["start_date"])).dt.days / 365.25
    frame = pd.DataFrame(
        {
            "grade": labels.to_numpy()[binary],
            "sex": data["sex"].astype("string").to_numpy()[binary],
            "years": years.to_numpy()[binary],
        }
    )
    summary = frame.groupby(["grade", "sex"], observed=True)["years"].agg(
        n="size", median="median", mean="mean"
    )
    summary = summary.reset_index()
    from research.present.tabulate import natural_sort

    summary = natural_sort(summary, ["grade", "sex"])
    summary["sex"] = sex_label(summary["sex"])
    spec = [
        ("grade", "Grade", "text"),
        ("sex", "Sex", "text"),
        ("n", "Employees", "int", "people"),
        ("median", "Median years of service", "float1", "years"),
        ("mean", "Mean years of service", "float1", "years"),
    ]
    return Table(
        "tenure_by_grade",
        summary[[s[0] for s in spec]],
        "Years of service at the snapshot by grade and sex (from start dates)",
        columns(*spec),
        row_header="grade",
    )
