"""Publishable tables and the chart of the pay structure equality impact assessment (notebook 50).

Every function turns part of an :class:`~research.paystructure.EqualityImpact` into a
:class:`~research.present.report.Table` (or :class:`~research.present.report.Figure`) with
disclosure control applied: statistics of groups with fewer than ``min_cell`` women or men are
shown as ``[c]``, counts between 1 and ``min_cell - 1`` too.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.audit.report import hide_counts, hide_where, mean_gaps_table, readable
from research.paystructure.eia import MOMENT_LABELS, EqualityImpact
from research.paystructure.structure import PayStructure
from research.present import disclosure
from research.present.formats import fmt_pct
from research.present.plots import SEX_LABELS, source_note
from research.present.report import Figure, Note, Table, columns

MOMENT_COLUMNS = (
    ("before", "Now"),
    ("on_assimilation", "On assimilation"),
    ("after_protection", "After protection"),
)
RULE_WORDS = {
    "grade_map": "each current grade is mapped to a new grade",
    "job_map": "each job is mapped to a new grade",
    "score_bands": "job evaluation scores (column {column}) are cut into grade bands",
}
PLACEMENT_WORDS = {
    "nearest_not_below": "the lowest pay point not below their current full-time salary",
    "nearest": "the pay point nearest their current full-time salary",
    "bottom": "the bottom point of their new grade",
    "service": "one point for each full year of service, up to the top of the grade",
}


NOT_IN_DATA = "not in the data"

#: Statutory measure names -> neutral names, for data outside Great Britain.
NEUTRAL_MEASURES = {
    "Mean gender pay gap in hourly pay": "Gap in mean hourly pay",
    "Median gender pay gap in hourly pay": "Gap in median hourly pay",
    "Mean bonus gap": "Gap in mean bonus pay",
    "Median bonus gap": "Gap in median bonus pay",
}


def pay_words(impact: EqualityImpact) -> str:
    """What pay the gaps compare: ``"hourly pay"`` or ``"annual basic pay"``."""
    return "hourly pay" if impact.pay_basis == "hourly" else "annual basic pay"


def table_name(breakdown: str) -> str:
    """``"All employees"`` -> ``"gains_all_employees"``."""
    return "gains_" + breakdown.lower().replace(" ", "_")


def assimilation_words(impact: EqualityImpact) -> str:
    """How employees move onto the structure, in one sentence."""
    assim = impact.assimilation
    column = assim.structure.assimilation.get("column", "je_score")
    rule = RULE_WORDS.get(assim.rule, assim.rule).format(column=column)
    return f"Assimilation: {rule}; each employee moves to {PLACEMENT_WORDS[assim.placement]}. " + (
        f"Anyone whose pay would fall keeps their current pay for "
        f"{assim.protection_years:g} years (pay protection), then moves to the new rate."
        if assim.protection_years > 0
        else "There is no pay protection: anyone whose pay would fall moves to the new "
        "rate at once."
    )


def grades_table(impact: EqualityImpact, structure: PayStructure, currency: str) -> Table:
    """The proposed grades: pay points and salary range; the rule in the notes."""
    notes = (structure.description,) if structure.description else ()
    if impact.pay_basis == "annual":
        notes += (
            "Hours and full-time equivalents are not in the data, so each employee's annual pay "
            "as recorded is placed against these full-time pay points: a part-timer's pay would "
            "be placed too low.",
        )
    return Table(
        "proposed_grades",
        structure.grade_table(),
        f"The proposed grades: number of pay points and the salary range (full-time "
        f"equivalent, {currency} a year)",
        columns(
            ("grade_rank", "Order", "int"),
            ("grade", "Grade"),
            ("points", "Pay points", "int"),
            ("minimum", "Bottom point", "money", currency),
            ("maximum", "Top point", "money", currency),
        ),
        row_header="grade",
        notes=(*notes, assimilation_words(impact)),
        currency=currency,
    )


def new_grade_table(
    impact: EqualityImpact, structure: PayStructure, sex: pd.Series, min_cell: int
) -> Table:
    """Women and men in each new grade (counts suppressed with totals protected)."""
    moves = impact.assimilation.employees.assign(sex=sex.astype("string"))
    binary = moves[moves["sex"].isin(["F", "M"])]
    counts = binary.groupby("new_grade", observed=True)["sex"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(index=structure.grades, columns=["F", "M"]).fillna(0).astype(int)
    counts.index.name = "new_grade"
    hidden = disclosure.suppress_counts(counts, min_cell)
    table = hidden.table.reset_index()
    table.columns = [str(c) for c in table.columns]
    return Table(
        "new_grade_headcount",
        table,
        "Women and men in each new grade after assimilation",
        columns(
            ("new_grade", "New grade"),
            ("F", SEX_LABELS["F"], "int"),
            ("M", SEX_LABELS["M"], "int"),
            (disclosure.TOTAL_LABEL, "Total", "int"),
        ),
        notes=(hidden.note(),) if hidden.note() else (),
    )


def gains_table(impact: EqualityImpact, breakdown: str, min_cell: int, currency: str) -> Table:
    """Who gains and who loses (once protection ends) in one breakdown, by sex.

    Gains, losses and no change add up to the headcount, so when any of the three is between 1
    and ``min_cell - 1`` the gain and loss figures are hidden together (secondary suppression).
    """
    t = impact.gains[impact.gains["breakdown"] == breakdown].copy()
    t["sex"] = t["sex"].map(SEX_LABELS)
    t["group"] = readable(t["group"])
    t = t[
        ["group", "sex", "n", "n_gain", "pct_gain", "n_loss", "pct_loss", "mean_change_pct", "cost"]
    ]
    small = t["n"] < min_cell
    out = hide_where(
        t, ["n_gain", "pct_gain", "n_loss", "pct_loss", "mean_change_pct", "cost"], small
    )
    same = t["n"] - t["n_gain"] - t["n_loss"]
    few = np.zeros(len(t), dtype=bool)
    for count in (t["n_gain"], t["n_loss"], same):
        few |= ((count > 0) & (count < min_cell)).to_numpy()
    out = hide_where(out, ["n_gain", "pct_gain", "n_loss", "pct_loss"], few)
    out = hide_counts(out, ["n"], min_cell)
    everyone = breakdown == "All employees"
    if everyone:
        out = out.drop(columns="group")
    return Table(
        table_name(breakdown),
        out,
        f"Gains and losses once protection ends: {breakdown.lower()}, by sex (average change "
        f"in {'full-time salary' if impact.pay_basis == 'hourly' else 'annual basic pay as recorded'}"
        f", percent; annual cost in {currency})",
        columns(
            *(() if everyone else (("group", breakdown),)),
            ("sex", "Sex"),
            ("n", "Employees", "int"),
            ("n_gain", "Gain", "int"),
            ("pct_gain", "Gain (%)", "pct"),
            ("n_loss", "Lose", "int"),
            ("pct_loss", "Lose (%)", "pct"),
            ("mean_change_pct", "Average change", "pct"),
            ("cost", "Annual cost", "money", currency),
        ),
        row_header="sex" if everyone else "group",
        currency=currency,
    )


def protected_table(impact: EqualityImpact, min_cell: int, currency: str) -> Table:
    """Employees on protected pay and above the top of their new grade, by sex."""
    t = impact.protected.copy()
    t["sex"] = t["sex"].map(SEX_LABELS)
    t = t[["sex", "n", "n_protected", "pct_protected", "n_above_top", "mean_protected_amount"]]
    out = hide_where(
        t,
        ["pct_protected", "mean_protected_amount"],
        (t["n_protected"] > 0) & (t["n_protected"] < min_cell),
    )
    out = hide_counts(out, ["n", "n_protected", "n_above_top"], min_cell)
    return Table(
        "pay_protection",
        out,
        f"Employees on protected pay and above the top of their new grade, by sex (average "
        f"protected amount in {currency} a year)",
        columns(
            ("sex", "Sex"),
            ("n", "Employees", "int"),
            ("n_protected", "Protected", "int"),
            ("pct_protected", "Protected (%)", "pct"),
            ("n_above_top", "Above top of new grade", "int"),
            ("mean_protected_amount", "Average protected amount", "money", currency),
        ),
        currency=currency,
    )


def pay_bill_table(impact: EqualityImpact, currency: str) -> Table:
    """Annual basic pay bill at each moment, with the change from now."""
    before = impact.assimilation.before
    fte_known = "fte" in before and bool(before["fte"].notna().any())
    notes = (
        ()
        if fte_known
        else (
            "Full-time equivalents are not in the data, so the bill sums annual basic pay as "
            "recorded.",
        )
    )
    return Table(
        "pay_bill",
        impact.pay_bill,
        f"Annual basic pay bill ({currency}) and the change from now",
        columns(
            ("moment", "When"),
            ("pay_bill", "Annual pay bill", "money", currency),
            ("change", "Change from now", "money", currency),
            ("change_pct", "Change (%)", "pct"),
        ),
        notes=notes,
        currency=currency,
    )


def statutory_table(impact: EqualityImpact, min_cell: int, framework: str = "GB") -> Table:
    """The headline gap figures now, on assimilation and after protection.

    The six statutory figures (under their statutory names only when ``framework == "GB"``,
    else under neutral names) when hourly pay is recorded; the gaps in mean and median annual
    basic pay otherwise. Figures whose pay element is not in the data say so.
    """
    table = impact.statutory.copy()
    value_cols = ["before", "on_assimilation", "after_protection", "change"]
    counts = impact.counts
    small_pay = min(counts.get("n_female", 0), counts.get("n_male", 0)) < min_cell
    notes: tuple[str, ...] = ()
    if impact.uk:
        c = impact.uk["before"].counts
        small_bonus = min(c.get("bonus_female", 0), c.get("bonus_male", 0)) < min_cell
        defined = table["before"].notna()
        is_bonus = table["measure"].str.contains("bonus")
        hide = table["measure"].str.contains("bonus gap") & small_bonus & defined
        hide |= ~is_bonus & small_pay
        out = hide_where(table, value_cols, hide)
        before = impact.assimilation.before
        bonus_known = "bonus_12m" in before and bool(before["bonus_12m"].notna().any())
        missing = table["before"].isna() & ~hide
        out.loc[missing, value_cols] = "not calculated" if bonus_known else NOT_IN_DATA
        if not bonus_known:
            out.loc[is_bonus, value_cols] = NOT_IN_DATA
        if framework == "GB":
            caption = (
                "Statutory gender pay gap figures before and after (percent; change = after "
                "protection minus now, percentage points)"
            )
        else:
            out["measure"] = out["measure"].replace(NEUTRAL_MEASURES)
            caption = (
                "Pay gap figures before and after, computed as the GB gender pay gap regulations "
                "define them (percent; change = after protection minus now, percentage points)"
            )
            notes = (
                "This data is not declared to be from an employer in Great Britain, so these "
                "figures are not statutory figures and carry neutral names.",
            )
    else:
        out = hide_where(table, value_cols, pd.Series(small_pay, index=table.index))
        caption = (
            "Gaps in mean and median annual basic pay before and after (percent of men's pay; "
            "change = after protection minus now, percentage points)"
        )
        notes = (
            "Hours are not in the data, so no hourly pay figure is given (statutory figures "
            "need hourly pay); bonus figures are not shown.",
        )
    return Table(
        "statutory_before_after",
        out,
        caption,
        columns(
            ("measure", "Measure"),
            *[(key, label, "float1") for key, label in MOMENT_COLUMNS],
            ("change", "Change", "float1", "percentage points"),
        ),
        notes=notes,
    )


def grade_metrics_table(impact: EqualityImpact) -> Table:
    """Grade-level figures (percent, ratio or count) before and after; figures of current
    grades the data does not record are "not in the data"."""
    table = impact.grade_metrics.copy()
    notes: tuple[str, ...] = ()
    if table["before"].isna().all():
        for c in ("before", "change"):
            table[c] = table[c].astype("object").where(table[c].notna(), NOT_IN_DATA)
        notes = ("Current grades are not in the data, so figures of the grades now are not given.",)
    elif impact.n_no_grade:
        notes = (
            f"Employees with no recorded current grade ({impact.n_no_grade:,}) are left out of "
            "the figures now.",
        )
    return Table(
        "grade_metrics_before_after",
        table,
        "Grade-level figures before and after (percent, except the ratio and the number of "
        f"grades; pay gaps in mean {pay_words(impact)})",
        columns(
            ("measure", "Measure"),
            *[(key, label, "float2") for key, label in MOMENT_COLUMNS],
            ("change", "Change", "float2"),
        ),
        notes=notes,
    )


def flags_table(impact: EqualityImpact, gap_threshold: float) -> Table:
    """Grades flagged by the equal pay audit at each moment ("not in the data" without grades)."""
    flags = impact.flags.assign(moment=impact.flags["moment"].map(MOMENT_LABELS))
    counts = ["groups", "flagged_groups", "gaps_of_threshold_or_more"]
    for c in counts:
        flags[c] = flags[c].astype("object").where(flags[c].notna(), NOT_IN_DATA)
    return Table(
        "audit_flags_before_after",
        flags,
        f"Equal pay audit within grades: grades with any flag, and comparisons with a gap of "
        f"{gap_threshold:g}% or more (mean and median {pay_words(impact)})",
        columns(
            ("moment", "When"),
            ("groups", "Grades", "int"),
            ("flagged_groups", "Grades flagged", "int"),
            ("gaps_of_threshold_or_more", f"Gaps of {gap_threshold:g}% or more", "int"),
        ),
    )


def new_grades_audit_table(impact: EqualityImpact, min_cell: int) -> Table:
    """The equal pay audit of the new grades once protection ends."""
    table = mean_gaps_table(impact.audits["after_protection"], min_cell)
    relabelled = tuple(
        type(c)(c.key, "New grade", c.format, c.unit) if c.key == "group" else c
        for c in table.columns
    )
    return Table(
        "audit_new_grades",
        table.data,
        "Gap in mean pay within each new grade once protection ends (percent of men's pay), "
        "with flags",
        relabelled,
        notes=table.notes,
    )


def widening_table(impact: EqualityImpact, min_cell: int) -> Table:
    """Mean hourly gap in every group before and after protection; widening groups first."""
    t = impact.gaps.copy()
    t["group"] = readable(t["group"])
    small = t[["n_female", "n_male"]].min(axis=1) < min_cell
    # order by what is published, so the position of a hidden row reveals nothing
    t["_shown"] = ~small
    t["_widens"] = t["widens"] & ~small
    t["_change"] = t["change"].where(~small)
    t = t.sort_values(
        ["_widens", "_shown", "_change"],
        ascending=[False, False, False],
        kind="stable",
        na_position="last",
    ).drop(columns=["_shown", "_widens", "_change"])
    small = t[["n_female", "n_male"]].min(axis=1) < min_cell
    n_wide = int((t["widens"] & ~small).sum())
    t["widens"] = np.where(t["widens"], "WIDENS", "")
    out = hide_where(t, ["gap_before", "gap_after", "change", "widens"], small)
    out = hide_counts(out, ["n_female", "n_male"], min_cell).reset_index(drop=True)
    tolerance = impact.widen_tolerance
    caption = (
        f"{n_wide} group(s) would see their gap widen by more than {tolerance:g} percentage "
        "points (listed first)"
        if n_wide
        else f"No publishable group's gap widens by more than {tolerance:g} percentage points"
    )
    return Table(
        "gap_widening",
        out,
        caption + f"; gap in mean {pay_words(impact)}, percent of men's pay",
        columns(
            ("breakdown", "Breakdown"),
            ("group", "Group"),
            ("n_female", "Women", "int"),
            ("n_male", "Men", "int"),
            ("gap_before", "Gap now (%)", "float1", "%"),
            ("gap_after", "Gap after (%)", "float1", "%"),
            ("change", "Change in size", "float1", "percentage points"),
            ("widens", "Widens"),
        ),
        row_header="group",
    )


def before_after_figure(impact: EqualityImpact, min_cell: int, source: str) -> Figure | Note:
    """Mean hourly (or annual basic) pay gap of each publishable group before (hollow) and
    after (filled)."""
    words = pay_words(impact)
    t = impact.gaps.dropna(subset=["gap_before", "gap_after"])
    t = t[t[["n_female", "n_male"]].min(axis=1) >= min_cell]
    if t.empty:
        return Note(
            "gap_before_after",
            f"No group has at least {min_cell} women and {min_cell} men with a gap now and "
            "after, so no chart is drawn.",
        )
    t = t.assign(
        label=np.where(
            t["breakdown"] == "All employees",
            "All employees",
            t["breakdown"] + ": " + readable(t["group"]),
        )
    )
    t = t.sort_values("gap_before").tail(25)
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(t) + 1.6))
    y = np.arange(len(t))
    ax.hlines(y, t["gap_before"], t["gap_after"], color="#767676", linewidth=1.5)
    ax.scatter(t["gap_before"], y, facecolors="white", edgecolors="#333333", label="now", zorder=3)
    colours = np.where(t["widens"], "#CC79A7", "#009E73")
    ax.scatter(t["gap_after"], y, color=colours, zorder=3, label="after protection ends")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, t["label"])
    ax.set_xlabel(f"Gap in mean {words}: men minus women, % of men's pay")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_title(f"Gap in mean {words} now and after the new structure")
    source_note(ax, source)
    everyone = t[t["breakdown"] == "All employees"]
    overall = (
        f" For all employees it moves from {fmt_pct(everyone['gap_before'].iloc[0])} to "
        f"{fmt_pct(everyone['gap_after'].iloc[0])}."
        if len(everyone)
        else ""
    )
    n_wide = int(t["widens"].sum())
    alt = (
        f"Dot chart of the gap in mean {words} (men minus women, percent of men's pay) now "
        f"(hollow dots) and once pay protection ends (filled dots) for {len(t):,} groups with at "
        f"least {min_cell} women and {min_cell} men.{overall} The gap widens in {n_wide:,} of "
        "the groups shown (pink dots)."
    )
    return Figure("gap_before_after", fig, alt, table="gap_widening")


__all__ = [
    "assimilation_words",
    "before_after_figure",
    "flags_table",
    "gains_table",
    "grade_metrics_table",
    "grades_table",
    "new_grade_table",
    "new_grades_audit_table",
    "pay_bill_table",
    "pay_words",
    "protected_table",
    "statutory_table",
    "table_name",
    "widening_table",
]
