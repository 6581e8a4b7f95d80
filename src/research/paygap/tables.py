"""Publishable tables and sentences for the pay gap report, with disclosure control applied.

The notebook ``10_pay_gap`` only calls these: each turns a result object into the table a reader sees
(small groups hidden as ``[c]``) or into plain-English key findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.paygap.breakdown import GapBreakdown
from research.paygap.eu import EUPayTransparency
from research.paygap.representation import GradeRepresentation
from research.paygap.statutory import UKGenderPayGap
from research.present import disclosure
from research.present.formats import fmt_pct

BAND_LABELS = {
    "lower": "Lower quartile",
    "lower_middle": "Lower middle quartile",
    "upper_middle": "Upper middle quartile",
    "upper": "Upper quartile",
}


def statutory_table(
    uk: UKGenderPayGap, min_cell: int = disclosure.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """The six figures as a council publishes them, with the headcount each rests on.

    A figure is hidden when the smallest group it compares has fewer than ``min_cell`` people
    (e.g. the bonus gap when fewer than ``min_cell`` women received a bonus).
    """
    c = uk.counts
    smallest_fp = min(c["full_pay_female"], c["full_pay_male"])
    smallest_bonus = min(c.get("bonus_female", 0), c.get("bonus_male", 0))
    smallest_rel = min(c["relevant_female"], c["relevant_male"])
    rows = [
        ("Mean gender pay gap (hourly pay)", uk.mean_hourly_gap, smallest_fp),
        ("Median gender pay gap (hourly pay)", uk.median_hourly_gap, smallest_fp),
        ("Mean bonus gap", uk.mean_bonus_gap, smallest_bonus),
        ("Median bonus gap", uk.median_bonus_gap, smallest_bonus),
        ("Men paid a bonus", uk.pct_male_bonus, smallest_rel),
        ("Women paid a bonus", uk.pct_female_bonus, smallest_rel),
    ]
    table = pd.DataFrame(rows, columns=["figure", "pct", "n"]).astype({"pct": "float64"})
    missing = table["pct"].isna()
    table.loc[missing, "n"] = min_cell  # nothing to hide in a figure that does not exist
    shown = disclosure.suppress_statistics(table, "n", ["pct"], min_cell).table.drop(columns="n")
    shown["pct"] = shown["pct"].astype("object")
    shown.loc[missing, "pct"] = "not calculated"
    return shown


def gov_uk_table(uk: UKGenderPayGap, min_cell: int = disclosure.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """:meth:`UKGenderPayGap.to_gov_uk` as a long table (field, value), small groups hidden.

    Bonus fields are hidden when fewer than ``min_cell`` women or men received a bonus; quartile
    fields when a band has fewer than ``min_cell`` employees.
    """
    row = uk.to_gov_uk().iloc[0]
    table = pd.DataFrame({"field": row.index, "value": row.to_numpy(dtype="float64")})
    c = uk.counts
    smallest = {
        "Hourly": min(c["full_pay_female"], c["full_pay_male"]),
        "Bonus": min(c.get("bonus_female", 0), c.get("bonus_male", 0)),
        "BonusPercent": min(c["relevant_female"], c["relevant_male"]),
        "Quartile": int(uk.quartiles["n"].min()),
    }
    kind = table["field"].map(
        lambda f: (
            "Quartile"
            if "Quartile" in f
            else "Hourly"
            if "Hourly" in f
            else "Bonus"
            if f.startswith("Diff")
            else "BonusPercent"
        )
    )
    table["n"] = kind.map(smallest).where(table["value"].notna(), min_cell)
    shown = disclosure.suppress_statistics(table, "n", ["value"], min_cell).table.drop(columns="n")
    shown["value"] = shown["value"].astype("object").where(table["value"].notna(), "not calculated")
    return shown


def quartile_table(
    quartiles: pd.DataFrame, min_cell: int = disclosure.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Women and men in each quartile pay band (percent), bands below ``min_cell`` hidden."""
    table = quartiles[["band", "n", "pct_female", "pct_male"]].copy()
    table["band"] = table["band"].map(BAND_LABELS)
    return disclosure.suppress_statistics(table, "n", ["pct_female", "pct_male"], min_cell).table


def breakdown_table(
    result: GapBreakdown, min_cell: int = disclosure.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """A :class:`GapBreakdown` ready to publish: groups with few women or men hidden."""
    columns = [*result.by, "n_female", "n_male", "female", "male", "gap"]
    columns += [c for c in ("ci_low", "ci_high") if c in result.table]
    return result.to_table(min_cell)[columns]


def plottable(result: GapBreakdown, min_cell: int = disclosure.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Groups with at least ``min_cell`` women and men and a defined gap (for charts)."""
    table = result.table
    keep = (table["n_female"] >= min_cell) & (table["n_male"] >= min_cell) & table["gap"].notna()
    return table[keep].reset_index(drop=True)


def eu_category_table(
    eu: EUPayTransparency, min_cell: int = disclosure.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Item (g) with flags; gaps of categories with fewer than ``min_cell`` women or men hidden."""
    table = eu.categories.copy()
    table["n_smaller"] = table[["n_female", "n_male"]].min(axis=1)
    gaps = [c for c in table if "_gap_" in c]
    hidden = disclosure.suppress_statistics(
        table.drop(columns="flag_article_10"), "n_smaller", gaps, min_cell
    )
    shown = hidden.table.drop(columns="n_smaller")
    small = table["n_smaller"] < min_cell
    shown["article_10"] = np.where(
        small, disclosure.SUPPRESSED, np.where(table["flag_article_10"], "gap of 5% or more", "")
    )
    return shown


def key_findings(uk: UKGenderPayGap, rep: GradeRepresentation | None, min_cell: int) -> str:
    """Three to six sentences with their numbers, for the top of the report."""
    c = uk.counts
    women = c["full_pay_female"]
    men = c["full_pay_male"]
    lines = []
    if min(women, men) >= min_cell:
        lines.append(
            f"Women's median hourly pay is **{fmt_pct(uk.median_hourly_gap)}** lower than men's "
            f"(mean: {fmt_pct(uk.mean_hourly_gap)}), over {women + men:,} full-pay relevant employees."
        )
        top = uk.quartiles.iloc[-1]
        low = uk.quartiles.iloc[0]
        lines.append(
            f"Women hold **{fmt_pct(low['pct_female'])}** of the lowest-paid quarter of posts and "
            f"**{fmt_pct(top['pct_female'])}** of the highest-paid quarter."
        )
    if rep is not None and np.isfinite(rep.top_share.value):
        low_ci, high_ci = rep.top_share.ci
        lines.append(
            f"Women are {fmt_pct(rep.pct_female_overall)} of the workforce but "
            f"**{fmt_pct(rep.top_share.value)}** of the top {rep.top} grades (95% interval "
            f"{fmt_pct(low_ci)} to {fmt_pct(high_ci)})."
        )
        overall = rep.overall_gap
        ci = (
            f" (95% interval {fmt_pct(overall.ci[0])} to {fmt_pct(overall.ci[1])})"
            if overall.ci
            else ""
        )
        lines.append(
            f"Within the same grade the gap averages **{fmt_pct(rep.like_for_like_gap)}**, against "
            f"{fmt_pct(overall.value)} overall{ci}: the rest of the overall gap comes from women and "
            "men being in different grades."
        )
    if (
        uk.pct_female_bonus is not None
        and min(c["relevant_female"], c["relevant_male"]) >= min_cell
    ):
        lines.append(
            f"{fmt_pct(uk.pct_female_bonus)} of women and {fmt_pct(uk.pct_male_bonus)} of men were "
            "paid a bonus in the 12 months to the snapshot date."
        )
    return "\n".join(f"- {line}" for line in lines) or "- Too few women or men to publish figures."


#: Breakdowns the report shows: (title, grouping columns made by :func:`with_groupings`).
BREAKDOWNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Grade", ("grade_group",)),
    ("Working pattern", ("working_pattern",)),
    ("Occupation", ("occupation_group",)),
    ("Age band", ("age_band",)),
    ("Ethnicity", ("ethnicity",)),
    ("Grade and working pattern", ("grade_group", "working_pattern")),
)


def with_groupings(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    top_n: int = 20,
    max_grade_groups: int = 15,
) -> pd.DataFrame:
    """Add the report's grouping columns: ``occupation_group`` and ``grade_group`` (+ its rank).

    Occupations beyond the ``top_n`` largest are pooled as "All other"; grades are pooled into bands
    of ranks when there are more than ``max_grade_groups`` (see :mod:`research.present.tabulate`).
    """
    from research.present import tabulate

    out = data.assign(
        occupation_group=tabulate.lump_rare(
            tabulate.occupation_labels(data, occupation_level), top_n
        )
    )
    if data["grade"].notna().any():
        groups = tabulate.grade_groups(data, max_groups=max_grade_groups)
        out["grade_group"] = groups
        out["grade_group_rank"] = groups.rank(method="dense").astype("Int64")
    else:
        out["grade_group"] = pd.Series(pd.NA, index=data.index, dtype="string")
        out["grade_group_rank"] = pd.Series(pd.NA, index=data.index, dtype="Int64")
    return out


def available_breakdowns(data: pd.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    """The :data:`BREAKDOWNS` whose columns have values in ``data``."""
    return [(title, by) for title, by in BREAKDOWNS if all(data[c].notna().any() for c in by)]
