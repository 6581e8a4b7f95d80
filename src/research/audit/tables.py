"""Publishable tables, charts and key-finding sentences for the 40 and 50 notebooks.

Every function here turns a result object into what a committee reads, with disclosure control
(:mod:`research.present.disclosure`) applied: statistics of groups with fewer than ``min_cell`` women or men
are shown as ``[c]``, counts between 1 and ``min_cell - 1`` too.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.audit.eia import EqualityImpact
from research.audit.equal_pay import EqualPayAudit
from research.audit.logib import LogibResult
from research.present import disclosure
from research.present.formats import fmt_money, fmt_pct
from research.present.plots import SEX_LABELS, SEX_PALETTE

C = disclosure.SUPPRESSED
ELEMENT_WORDS = {
    "basic": "basic pay",
    "hourly": "hourly pay",
    "bonus": "bonus pay",
    "allowances": "allowances",
}


def _readable(values: pd.Series) -> pd.Series:
    """Working-pattern codes as words (``full_time`` -> ``full time``)."""
    text = values.astype("string")
    return text.replace({"full_time": "full time", "part_time": "part time", "all": "everyone"})


def _hide_counts(table: pd.DataFrame, columns, min_cell: int) -> pd.DataFrame:
    out = table.copy()
    for c in columns:
        n = table[c]
        out[c] = n.astype("object").where(~((n > 0) & (n < min_cell)), C)
    return out


def _hide_where(table: pd.DataFrame, columns, mask) -> pd.DataFrame:
    out = table.copy()
    mask = np.asarray(mask, dtype=bool)
    for c in columns:
        out[c] = out[c].astype("object")
        out.loc[mask, c] = C
    return out


# ----------------------------------------------------------------------------- equal pay audit


def audit_group_table(audit: EqualPayAudit, stat: str, min_cell: int) -> pd.DataFrame:
    """Groups with headcounts, the gap in each pay element and the flags; small groups hidden."""
    shown, _ = audit.publishable(stat, min_cell)
    return shown.drop(columns="basis")


def audit_detail_table(audit: EqualPayAudit, element: str, min_cell: int) -> pd.DataFrame:
    """Mean and median of one element for women and men in each group, with the gaps."""
    t = audit.table[audit.table["element"] == element]
    wide = t.pivot(index="group", columns="stat", values=["female", "male", "gap"])
    wide.columns = [f"{stat}_{what}" for what, stat in wide.columns]
    counts = t[t["stat"] == "mean"].set_index("group")[["n_female", "n_male"]]
    table = counts.join(wide).reset_index()
    order = [
        "group",
        "n_female",
        "n_male",
        "mean_female",
        "mean_male",
        "mean_gap",
        "median_female",
        "median_male",
        "median_gap",
    ]
    table = table[order]
    smaller = table[["n_female", "n_male"]].min(axis=1)
    hidden = _hide_where(table, order[3:], smaller < min_cell)
    hidden = _hide_where(hidden, ["mean_female", "median_female"], table["n_female"] < min_cell)
    hidden = _hide_where(hidden, ["mean_male", "median_male"], table["n_male"] < min_cell)
    return hidden.drop(columns=["n_female", "n_male"])  # headcounts: see audit_groups


def receipt_table(audit: EqualPayAudit, min_cell: int) -> pd.DataFrame | None:
    """Share of women and men in each group receiving bonus / allowances (``None`` if none)."""
    columns = [c for c in audit.receipt if c.startswith("pct_")]
    if not columns:
        return None
    f = audit.factors
    wide = f.pivot(index="group", columns="sex", values=["n", *columns])
    out = pd.DataFrame(index=wide.index)
    out["n_female"] = wide[("n", "F")].fillna(0).astype(int)
    out["n_male"] = wide[("n", "M")].fillna(0).astype(int)
    for c in columns:
        out[f"{c}_female"] = wide[(c, "F")]
        out[f"{c}_male"] = wide[(c, "M")]
    out = out.reset_index()
    hidden = _hide_where(
        out,
        [c for c in out if c.endswith("_female") and c != "n_female"],
        out["n_female"] < min_cell,
    )
    hidden = _hide_where(
        hidden, [c for c in out if c.endswith("_male") and c != "n_male"], out["n_male"] < min_cell
    )
    return _hide_counts(hidden, ["n_female", "n_male"], min_cell)


def factors_table(audit: EqualPayAudit, min_cell: int) -> pd.DataFrame:
    """Contributing factors by group: women's and men's service, hours, pay position, part time."""
    f = audit.factors
    measures = ["n", "mean_service", "mean_hours", "mean_position", "pct_part_time"]
    wide = f.pivot(index="group", columns="sex", values=measures)
    out = pd.DataFrame(index=wide.index)
    names = ["n", "service", "hours", "position", "pct_part_time"]
    for what, label in zip(measures, names, strict=True):
        for sex, word in (("F", "female"), ("M", "male")):
            if (what, sex) in wide:
                out[f"{label}_{word}"] = wide[(what, sex)]
    out = out.reset_index()
    for col in ("n_female", "n_male"):
        out[col] = out[col].fillna(0).astype(int)
    women = [c for c in out if c.endswith("_female") and c != "n_female"]
    men = [c for c in out if c.endswith("_male") and c != "n_male"]
    hidden = _hide_where(out, women, out["n_female"] < min_cell)
    hidden = _hide_where(hidden, men, out["n_male"] < min_cell)
    return hidden.drop(columns=["n_female", "n_male"])  # headcounts: see audit_groups


def action_table(audit: EqualPayAudit, min_cell: int) -> pd.DataFrame:
    """The action list (groups with at least ``min_cell`` women and men only)."""
    table = audit.action_list(min_cell)
    table["element"] = table["element"].map(ELEMENT_WORDS).fillna(table["element"])
    table["largest"] = table["element"] + " (" + table["stat"] + ")"
    return table.drop(columns=["element", "stat"])[
        [
            "priority",
            "group",
            "n_female",
            "n_male",
            "gap",
            "largest",
            "direction",
            "elements",
            "finding",
            "check",
        ]
    ]


def audit_chart(audit: EqualPayAudit, min_cell: int, *, element: str = "basic", ax=None):
    """Mean gap in one element per publishable group, with the flag thresholds as lines."""
    t = audit.comparable(min_cell)
    t = t[(t["element"] == element) & (t["stat"] == "mean")].sort_values("gap")
    if t.empty:
        return None
    ax = ax or plt.subplots(figsize=(7.5, 0.3 * len(t) + 1.5))[1]
    y = np.arange(len(t))
    colours = np.where(t["gap"] >= 0, SEX_PALETTE["M"], SEX_PALETTE["F"])
    ax.barh(y, t["gap"], color=colours)
    for x in (audit.gap_threshold, -audit.gap_threshold):
        ax.axvline(x, color="#333333", linestyle="--", linewidth=1)
    for x in (audit.pattern_threshold, -audit.pattern_threshold):
        ax.axvline(x, color="#999999", linestyle=":", linewidth=1)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, t["group"].astype(str))
    ax.set_xlabel(f"Gap in mean {ELEMENT_WORDS.get(element, element)}: men minus women, % of men's")
    ax.set_ylabel("Equal-work group")
    n_flag = int(t["flag_gap"].sum())
    what = f"mean {ELEMENT_WORDS.get(element, element)}"
    ax.set_title(
        f"{n_flag} group(s) have a gap in {what} of {audit.gap_threshold:g}% or more"
        if n_flag
        else f"No group has a gap in {what} of {audit.gap_threshold:g}% or more"
    )
    return ax


def audit_findings(
    audit: EqualPayAudit, logib: LogibResult | None, min_cell: int, group_words: str
) -> str:
    """Three to six plain sentences for the top of the audit report."""
    lines = []
    basic = audit.elements[0].name
    comparable = audit.comparable(min_cell)
    n_cmp = comparable["group"].nunique()
    lines.append(
        f"The audit compared women's and men's pay in **{audit.n_groups:,}** groups doing equal work "
        f"({group_words}); **{n_cmp:,}** have at least {min_cell} women and {min_cell} men, enough "
        "to publish their gaps."
    )
    big = comparable[(comparable["element"] == basic) & (comparable["stat"] == "mean")]
    flagged = big[big["flag_gap"]].sort_values("gap", key=np.abs, ascending=False)
    if len(flagged):
        top = flagged.iloc[0]
        lines.append(
            f"**{len(flagged)}** of them have a gap in mean {ELEMENT_WORDS.get(basic, basic)} of "
            f"{audit.gap_threshold:g}% or more; the largest is in {top['group']} "
            f"(**{fmt_pct(top['gap'])}**, {top['direction']}; {int(top['n_female'])} women, "
            f"{int(top['n_male'])} men)."
        )
    else:
        lines.append(
            f"No publishable group has a gap in mean {ELEMENT_WORDS.get(basic, basic)} of "
            f"{audit.gap_threshold:g}% or more."
        )
    pattern = comparable[comparable["pattern_groups"] & (comparable["element"] == basic)]
    if len(pattern):
        sides = pattern.groupby("direction")["group"].nunique()
        side = sides.idxmax()
        lines.append(
            f"A pattern: gaps of {audit.pattern_threshold:g}% or more in the same direction "
            f"({side}) recur in **{int(sides.max())}** groups."
        )
    hidden = audit.n_hidden_flags(min_cell)
    if hidden:
        lines.append(
            f"{hidden} further flagged comparison(s) rest on fewer than {min_cell} women or men "
            "(for bonus: recipients); they are not published and HR should review them from the "
            "unpublished data."
        )
    if logib is not None:
        lines.append(
            f"Taking grade, length of service and experience into account, women are paid "
            f"**{fmt_pct(abs(logib.kennedy))} {'less' if logib.kennedy < 0 else 'more'}** than men "
            f"(95% interval {fmt_pct(logib.ci[0])} to {fmt_pct(logib.ci[1])}); Logib rating: "
            f"**{logib.rating}**."
        )
    n_actions = len(audit.action_list(min_cell))
    lines.append(
        f"The action list below has **{n_actions}** group(s) to investigate, largest gap first."
    )
    return "\n".join(f"- {line}" for line in lines)


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def logib_table(result: LogibResult) -> pd.DataFrame:
    """The regression's headline numbers as a two-column table of text."""
    rows = [
        ("Women's pay compared with men's, other factors equal", fmt_pct(result.kennedy, 2)),
        (
            f"{result.level:.0%} interval",
            f"{fmt_pct(result.ci[0], 2)} to {fmt_pct(result.ci[1], 2)}",
        ),
        (
            "Female coefficient (log points) and standard error",
            f"{result.coef:.4f} ({result.se:.4f})",
        ),
        ("|t| and two-sided p-value (effect = 0)", f"{result.abs_t:.2f}; {_p(result.p_value)}"),
        (f"One-sided p-value that the effect exceeds {result.limit:g}%", _p(result.p_above_limit)),
        ("R-squared; residual degrees of freedom", f"{result.r2:.3f}; {result.df:,}"),
        (
            "Employees in the model (women / men)",
            f"{result.n:,} ({result.n_female:,} / {result.n_male:,})",
        ),
        ("Rating (Logib Module 1, since 2024)", result.rating),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


# ----------------------------------------------------------------------------- impact assessment


def statutory_change_table(impact: EqualityImpact, min_cell: int) -> pd.DataFrame:
    """The statutory figures now, on assimilation and after protection; undefined ones noted."""
    table = impact.statutory.copy()
    c = impact.uk["before"].counts
    small_hourly = min(c["full_pay_female"], c["full_pay_male"]) < min_cell
    small_bonus = min(c.get("bonus_female", 0), c.get("bonus_male", 0)) < min_cell
    value_cols = ["before", "on_assimilation", "after_protection", "change"]
    defined = table["before"].notna()
    hide = table["measure"].str.contains("bonus gap") & small_bonus & defined
    hide |= ~table["measure"].str.contains("bonus") & small_hourly
    out = _hide_where(table, value_cols, hide)
    missing = table["before"].isna() & ~hide
    out.loc[missing, value_cols] = "not calculated"
    return out


def grade_metric_table(impact: EqualityImpact) -> pd.DataFrame:
    """Grade-level figures (percent, ratio or count) before and after."""
    return impact.grade_metrics.copy()


def gains_table(impact: EqualityImpact, breakdown: str, min_cell: int) -> pd.DataFrame:
    """Who gains and who loses (once protection ends) in one breakdown, by sex.

    Gains, losses and no change add up to the headcount, so when any of the three is between 1
    and ``min_cell - 1`` the gain and loss figures are hidden together (secondary suppression).
    """
    t = impact.gains[impact.gains["breakdown"] == breakdown].copy()
    t["sex"] = t["sex"].map(SEX_LABELS)
    t["group"] = _readable(t["group"])
    t = t[
        ["group", "sex", "n", "n_gain", "pct_gain", "n_loss", "pct_loss", "mean_change_pct", "cost"]
    ]
    small = t["n"] < min_cell
    out = _hide_where(
        t, ["n_gain", "pct_gain", "n_loss", "pct_loss", "mean_change_pct", "cost"], small
    )
    # gain + lose + no change = n: if any of the three is small, hide gains and losses together
    same = t["n"] - t["n_gain"] - t["n_loss"]
    few = np.zeros(len(t), dtype=bool)
    for count in (t["n_gain"], t["n_loss"], same):
        few |= ((count > 0) & (count < min_cell)).to_numpy()
    out = _hide_where(out, ["n_gain", "pct_gain", "n_loss", "pct_loss"], few)
    return _hide_counts(out, ["n"], min_cell)


def protected_table(impact: EqualityImpact, min_cell: int) -> pd.DataFrame:
    """Employees on protected pay and above the top of their new grade, by sex."""
    t = impact.protected.copy()
    t["sex"] = t["sex"].map(SEX_LABELS)
    t = t[["sex", "n", "n_protected", "pct_protected", "n_above_top", "mean_protected_amount"]]
    out = _hide_where(
        t,
        ["pct_protected", "mean_protected_amount"],
        (t["n_protected"] > 0) & (t["n_protected"] < min_cell),
    )
    return _hide_counts(out, ["n", "n_protected", "n_above_top"], min_cell)


def widening_table(impact: EqualityImpact, min_cell: int) -> pd.DataFrame:
    """Mean hourly gap in every group before and after protection; widening groups first."""
    t = impact.gaps.copy()
    t["group"] = _readable(t["group"])
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
    t["widens"] = np.where(t["widens"], "WIDENS", "")
    out = _hide_where(t, ["gap_before", "gap_after", "change", "widens"], small)
    return _hide_counts(out, ["n_female", "n_male"], min_cell).reset_index(drop=True)


def pay_bill_table(impact: EqualityImpact) -> pd.DataFrame:
    """Annual basic pay bill at each moment, with the change from now."""
    return impact.pay_bill.copy()


def before_after_chart(impact: EqualityImpact, min_cell: int, *, ax=None):
    """Mean hourly gap of each publishable group before (hollow) and after (filled)."""
    t = impact.gaps.dropna(subset=["gap_before", "gap_after"])
    t = t[t[["n_female", "n_male"]].min(axis=1) >= min_cell]
    if t.empty:
        return None
    t = t.assign(
        label=np.where(
            t["breakdown"] == "All employees",
            "All employees",
            t["breakdown"] + ": " + _readable(t["group"]),
        )
    )
    t = t.sort_values("gap_before").tail(25)
    ax = ax or plt.subplots(figsize=(7.5, 0.3 * len(t) + 1.6))[1]
    y = np.arange(len(t))
    ax.hlines(y, t["gap_before"], t["gap_after"], color="#999999", linewidth=1.5)
    ax.scatter(t["gap_before"], y, facecolors="white", edgecolors="#333333", label="now", zorder=3)
    colours = np.where(t["widens"], "#CC79A7", "#009E73")
    ax.scatter(t["gap_after"], y, color=colours, zorder=3, label="after protection ends")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, t["label"])
    ax.set_xlabel("Mean hourly pay gap: men minus women, % of men's pay")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


def impact_findings(impact: EqualityImpact, min_cell: int, currency: str) -> str:
    """Three to six plain sentences for the top of the impact assessment."""
    lines = []
    s = impact.statutory.set_index("measure")
    mean = s.loc["Mean gender pay gap in hourly pay"]
    median = s.loc["Median gender pay gap in hourly pay"]
    verb = "narrow" if mean["after_protection"] < mean["before"] else "widen"
    lines.append(
        f"The proposed structure would **{verb}** the mean gender pay gap from "
        f"**{fmt_pct(mean['before'])}** to **{fmt_pct(mean['after_protection'])}** once pay "
        f"protection ends (median: {fmt_pct(median['before'])} to "
        f"{fmt_pct(median['after_protection'])})."
    )
    bill = impact.pay_bill.set_index("moment")
    first = bill.loc["on assimilation (with pay protection)"]
    last = bill.loc["after pay protection ends"]
    lines.append(
        f"It would add **{fmt_money(first['change'], currency)}** a year to the basic pay bill "
        f"({fmt_pct(first['change_pct'])}) while pay protection lasts, and "
        f"{fmt_money(last['change'], currency)} ({fmt_pct(last['change_pct'])}) after."
    )
    g = impact.gains[impact.gains["breakdown"] == "All employees"].set_index("sex")
    if {"F", "M"} <= set(g.index) and g["n"].min() >= min_cell:
        lines.append(
            f"**{fmt_pct(g.loc['F', 'pct_gain'])}** of women and **{fmt_pct(g.loc['M', 'pct_gain'])}**"
            f" of men would gain (women's pay rises by {fmt_pct(g.loc['F', 'mean_change_pct'])} on "
            f"average, men's by {fmt_pct(g.loc['M', 'mean_change_pct'])})."
        )
    p = impact.protected.set_index("sex")
    if {"F", "M"} <= set(p.index):
        pf, pm = int(p.loc["F", "n_protected"]), int(p.loc["M", "n_protected"])
        words = [
            f"{n:,} {w}" if (n == 0 or n >= min_cell) else f"fewer than {min_cell} {w}"
            for n, w in ((pf, "women"), (pm, "men"))
        ]
        lines.append(
            f"{words[0]} and {words[1]} would be paid more than their new grade allows and "
            f"keep their pay under protection for {impact.assimilation.protection_years:g} years."
        )
    flags = impact.flags.set_index("moment")
    lines.append(
        f"Grades with an equal pay flag: {int(flags.loc['before', 'flagged_groups'])} of "
        f"{int(flags.loc['before', 'groups'])} now, "
        f"{int(flags.loc['after_protection', 'flagged_groups'])} of "
        f"{int(flags.loc['after_protection', 'groups'])} in the new structure."
    )
    wide = impact.widened
    wide = wide[wide[["n_female", "n_male"]].min(axis=1) >= min_cell]
    if len(wide):
        worst = wide.sort_values("change", ascending=False).iloc[0]
        lines.append(
            f"**Warning:** the gap would widen in **{len(wide)}** group(s); most in "
            f"{worst['breakdown'].lower()} *{worst['group']}* (from {fmt_pct(worst['gap_before'])} "
            f"to {fmt_pct(worst['gap_after'])})."
        )
    else:
        lines.append("No group's gap widens by more than the tolerance.")
    return "\n".join(f"- {line}" for line in lines)
