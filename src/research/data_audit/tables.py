"""The computations behind ``notebooks/00_data_audit.ipynb``.

The notebook only calls these, shows the tables and plots, and narrates. Every table that reaches the
report is aggregated here and passed through :mod:`research.present.disclosure` there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from research.data.datasets import Dataset
from research.present import disclosure, tabulate
from research.present.formats import fmt_int, fmt_money, fmt_pct

#: (grouping, table name, title) of the headcount tables the audit shows, in order.
HEADCOUNT_TABLES: tuple[tuple[str, str, str], ...] = (
    ("all", "headcount_overall", "All employees"),
    ("working_pattern", "headcount_by_working_pattern", "Working pattern"),
    ("grade", "headcount_by_grade", "Grade"),
    ("occupation", "headcount_by_occupation", "Occupation"),
)


def headcount(
    data: pd.DataFrame,
    by: str,
    *,
    occupation_level: str = "occupation",
    top_n: int = 25,
    max_grade_groups: int = 30,
) -> pd.DataFrame | None:
    """Headcount by sex for one of the audit's groupings, or ``None`` when the data lack it.

    ``by`` is ``"all"``, ``"working_pattern"``, ``"grade"`` (grades in rank order, pooled into bands
    of ranks when there are more than ``max_grade_groups``) or ``"occupation"`` (the column named by
    ``occupation_level``; the ``top_n`` largest shown and the rest pooled as "All other").
    """
    if by == "all":
        frame = data.assign(all="All employees")
        return tabulate.headcount_by_sex(frame, "all").rename_axis("group")
    if by == "grade":
        if data["grade"].isna().all():
            return None
        frame = data.assign(grade_group=tabulate.grade_groups(data, max_groups=max_grade_groups))
        return tabulate.headcount_by_sex(frame, "grade_group").rename_axis("grade")
    if by == "occupation":
        if occupation_level not in data or data[occupation_level].isna().all():
            return None
        labels = tabulate.occupation_labels(data, occupation_level)
        frame = data.assign(occ=tabulate.lump_rare(labels, top_n))
        counts = tabulate.headcount_by_sex(frame, "occ").rename_axis(occupation_level)
        order = counts.sum(axis=1).sort_values(ascending=False, kind="stable").index
        others = [i for i in order if i == "All other"]
        return counts.loc[[i for i in order if i != "All other"] + others]
    return tabulate.headcount_by_sex(data, by)


def overview(dataset: Dataset, *, min_cell: int = disclosure.DEFAULT_MIN_CELL) -> dict[str, Any]:
    """Headline numbers of the audit, with small groups suppressed (``None``)."""
    data = dataset.data
    sex = data["sex"].astype("string")
    n_f, n_m = int((sex == "F").sum()), int((sex == "M").sum())
    counts = dataset.counts
    binary = data[sex.isin(["F", "M"]).to_numpy()]
    medians = binary.groupby(binary["sex"].astype("string"))["hourly_pay"].median()
    part_time = binary.groupby(binary["sex"].astype("string"))["working_pattern"].apply(
        lambda s: 100 * (s.astype("string") == "part_time").mean()
    )
    enough = {"F": n_f >= min_cell, "M": n_m >= min_cell}
    return {
        "employer": ", ".join(sorted(map(str, data["employer"].dropna().unique()))),
        "snapshot": data["snapshot_date"].max(),
        "currency": dataset.currency,
        "read": counts["read"],
        "accepted": counts["accepted"],
        "quarantined": counts["quarantined"],
        "n_female": n_f,
        "n_male": n_m,
        "n_other": int(len(data) - n_f - n_m),
        "pct_female": 100 * n_f / (n_f + n_m) if n_f + n_m else float("nan"),
        "median_hourly": {k: float(medians.get(k)) if enough[k] else None for k in ("F", "M")},
        "pct_part_time": {k: float(part_time.get(k)) if enough[k] else None for k in ("F", "M")},
        "min_cell": min_cell,
    }


def title_block(dataset: Dataset, facts: dict[str, Any]) -> str:
    """Markdown: whose workforce, snapshot date and dataset."""
    return (
        f"**Workforce:** {facts['employer']}  \n"
        f"**Snapshot date:** {facts['snapshot']:%d %B %Y}  \n"
        f"**Dataset:** {dataset.name} — {dataset.description}  \n"
        f"**Disclosure threshold:** counts below {facts['min_cell']} are shown as {disclosure.SUPPRESSED}"
    )


def key_findings(facts: dict[str, Any]) -> str:
    """Three to six plain-English sentences, each with its number."""
    money = facts["currency"]
    lines = [
        f"The extract had **{fmt_int(facts['read'])} rows**: {fmt_int(facts['accepted'])} were accepted "
        f"and {fmt_int(facts['quarantined'])} quarantined with a reason (see below).",
        f"Women are **{fmt_pct(facts['pct_female'])}** of the {fmt_int(facts['n_female'] + facts['n_male'])} "
        f"employees recorded as women or men"
        + (
            f"; {fmt_int(facts['n_other'])} more have another or no recorded sex."
            if facts["n_other"]
            else "."
        ),
    ]
    med = facts["median_hourly"]
    if med["F"] is not None and med["M"] is not None:
        lines.append(
            f"Median hourly pay is **{fmt_money(med['F'], money, 2)}** for women and "
            f"**{fmt_money(med['M'], money, 2)}** for men (no uncertainty: this is the whole workforce, "
            "not a sample)."
        )
    pt = facts["pct_part_time"]
    if pt["F"] is not None and pt["M"] is not None:
        lines.append(
            f"**{fmt_pct(pt['F'])}** of women and **{fmt_pct(pt['M'])}** of men work part time."
        )
    # A bare "$" would start a LaTeX formula in Jupyter's markdown.
    return "\n".join(f"- {line}" for line in lines).replace("$", "\\$")


def row_accounting(dataset: Dataset) -> pd.DataFrame:
    """Rows read, accepted and quarantined (read = accepted + quarantined)."""
    counts = dataset.counts
    return pd.DataFrame(
        {
            "stage": ["Read from the source", "Accepted into the analysis", "Quarantined"],
            "rows": [counts["read"], counts["accepted"], counts["quarantined"]],
        }
    )


def problem_table(dataset: Dataset) -> pd.DataFrame:
    """Reasons rows were quarantined: column, problem, rows, fix.

    The example values kept in the ingest summary are left out: they can hold identifiers or free
    text, which never reach a report.
    """
    problems = dataset.problems
    return problems[["column", "problem", "n_rows", "fix"]].sort_values(
        "n_rows", ascending=False, kind="stable"
    )


def pay_and_hours(
    data: pd.DataFrame, *, currency: str = "GBP", min_cell: int = disclosure.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Hourly pay, FTE annual basic pay and weekly hours of women and men, small groups suppressed."""
    frames = []
    for value, label in (
        ("hourly_pay", f"Hourly pay ({currency})"),
        ("annual_basic_pay", f"Annual basic pay, FTE ({currency})"),
        ("weekly_hours", "Weekly hours"),
    ):
        summary = tabulate.summary_by_sex(data, value)
        frames.append(summary.assign(measure=label))
    table = pd.concat(frames, ignore_index=True)
    table = table[["measure", "sex", "n", "mean", "median", "p10", "p90"]]
    hidden = disclosure.suppress_statistics(table, "n", ["mean", "median", "p10", "p90"], min_cell)
    return hidden.table
