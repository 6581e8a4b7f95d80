"""Key findings of the pay structure equality impact assessment: sentences from the results."""

from __future__ import annotations

import pandas as pd

from research.paystructure.eia import ANNUAL_MEASURES, EqualityImpact
from research.present.formats import fmt_money, fmt_pct
from research.present.report import Finding
from research.present.wording import count_words


def impact_findings(
    impact: EqualityImpact,
    min_cell: int,
    currency: str,
    framework: str = "GB",
    left_out: tuple[int, str] = (0, ""),
) -> list[Finding]:
    """Four to ten plain sentences for the top of the impact assessment.

    Shares of women and men who gain are given only when both have at least ``min_cell``
    employees; counts of protected employees below ``min_cell`` are given as "fewer than". The
    headline gap is the statutory mean gender pay gap in hourly pay only when hourly pay is
    recorded and ``framework == "GB"``; the gap in mean hourly pay elsewhere, and the gap in mean
    annual basic pay when hours are not in the data. ``left_out`` is the number of employees the
    structure could not place (a blank value in the column its rule reads) and that column.
    """
    out: list[Finding] = []
    annual = impact.pay_basis == "annual"
    if annual:
        out.append(
            Finding(
                "Hours and full-time equivalents are not in the data, so pay is compared as "
                "annual basic pay as recorded (a part-timer's pay is not made full-time "
                "equivalent) and no hourly or statutory pay gap figure is given.",
                key="pay_basis",
            )
        )
    n_left, column = left_out
    if n_left:
        out.append(
            Finding(
                f"{count_words(n_left, min_cell).capitalize()} employees have no "
                f"{column.replace('_', ' ')} recorded, so the structure cannot place them: they "
                "are left out of this assessment.",
                value=float(n_left) if n_left >= min_cell else None,
                key="left_out",
            )
        )
    s = impact.statutory.set_index("measure")
    if annual:
        mean, median = s.loc[ANNUAL_MEASURES[0]], s.loc[ANNUAL_MEASURES[1]]
        words = "gap in mean annual basic pay"
    else:
        mean = s.loc["Mean gender pay gap in hourly pay"]
        median = s.loc["Median gender pay gap in hourly pay"]
        words = (
            "mean gender pay gap in hourly pay" if framework == "GB" else "gap in mean hourly pay"
        )
    c = impact.counts
    if min(c.get("n_female", 0), c.get("n_male", 0)) >= min_cell:
        verb = "narrow" if abs(mean["after_protection"]) < abs(mean["before"]) else "widen"
        out.append(
            Finding(
                f"The proposed structure would {verb} the {words} from "
                f"{fmt_pct(mean['before'])} to {fmt_pct(mean['after_protection'])} once pay "
                f"protection ends (median: {fmt_pct(median['before'])} to "
                f"{fmt_pct(median['after_protection'])}).",
                value=float(mean["after_protection"]),
                key="mean_gap_after",
            )
        )
    else:
        who = "full-pay relevant employees" if framework == "GB" and not annual else "in the data"
        out.append(
            Finding(
                f"Fewer than {min_cell} women or men are {who}, so the pay gap figures are not "
                "published.",
                key="mean_gap_after",
            )
        )
    bill = impact.pay_bill.set_index("moment")
    first = bill.loc["on assimilation (with pay protection)"]
    last = bill.loc["after pay protection ends"]
    years = impact.assimilation.protection_years
    during = "while pay protection lasts" if years > 0 else "on assimilation"
    out.append(
        Finding(
            f"It would change the annual basic pay bill by {fmt_money(first['change'], currency)} "
            f"({fmt_pct(first['change_pct'])}) {during}, and by "
            f"{fmt_money(last['change'], currency)} ({fmt_pct(last['change_pct'])}) after.",
            value=float(first["change"]),
            key="pay_bill",
        )
    )
    g = impact.gains[impact.gains["breakdown"] == "All employees"].set_index("sex")
    if {"F", "M"} <= set(g.index) and g["n"].min() >= min_cell:
        out.append(
            Finding(
                f"{fmt_pct(g.loc['F', 'pct_gain'])} of women and {fmt_pct(g.loc['M', 'pct_gain'])}"
                f" of men would gain (women's pay changes by "
                f"{fmt_pct(g.loc['F', 'mean_change_pct'])} on average, men's by "
                f"{fmt_pct(g.loc['M', 'mean_change_pct'])}).",
                value=float(g.loc["F", "pct_gain"]),
                key="gains",
            )
        )
    p = impact.protected.set_index("sex")
    if {"F", "M"} <= set(p.index):
        pf, pm = int(p.loc["F", "n_protected"]), int(p.loc["M", "n_protected"])
        words = [f"{count_words(n, min_cell)} {w}" for n, w in ((pf, "women"), (pm, "men"))]
        if years > 0:
            text = (
                f"{words[0]} and {words[1]} would keep their current pay under protection for "
                f"{years:g} years because the new structure pays them less."
            )
        else:
            text = "There is no pay protection: anyone whose pay would fall moves to the new rate."
        out.append(Finding(text, value=float(pf + pm), key="protected"))
    above = int(impact.assimilation.employees["above_top"].sum())
    if above:
        out.append(
            Finding(
                (
                    f"{above:,} employees are"
                    if above >= min_cell
                    else f"Fewer than {min_cell} employees are"
                )
                + " paid above the top of their new grade and are placed on its top point.",
                value=float(above) if above >= min_cell else None,
                key="above_top",
            )
        )
    flags = impact.flags.set_index("moment")
    now = flags.loc["before"]
    now_words = (
        "not in the data now (no current grades)"
        if pd.isna(now["groups"])
        else f"{int(now['flagged_groups'])} of {int(now['groups'])} now"
    )
    out.append(
        Finding(
            f"Grades with an equal pay flag: {now_words}, "
            f"{int(flags.loc['after_protection', 'flagged_groups'])} of "
            f"{int(flags.loc['after_protection', 'groups'])} in the new structure.",
            value=float(flags.loc["after_protection", "flagged_groups"]),
            key="flags",
        )
    )
    wide = impact.widened
    wide = wide[wide[["n_female", "n_male"]].min(axis=1) >= min_cell]
    if len(wide):
        worst = wide.sort_values("change", ascending=False).iloc[0]
        group = (
            "all employees"
            if worst["breakdown"] == "All employees"
            else (f"{worst['breakdown'].lower()} {str(worst['group']).replace('_', ' ')}")
        )
        out.append(
            Finding(
                f"Warning: the gap would widen in {len(wide):,} group(s); most in {group} (from "
                f"{fmt_pct(worst['gap_before'])} to {fmt_pct(worst['gap_after'])}).",
                value=float(len(wide)),
                key="widens",
            )
        )
    else:
        out.append(
            Finding(
                f"No publishable group's gap widens by more than {impact.widen_tolerance:g} "
                "percentage points.",
                value=0.0,
                key="widens",
            )
        )
    return out
