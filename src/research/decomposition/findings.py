"""Sentences of the decomposition report: key findings, the method used, what was left out.

Every sentence is generated from the results (:mod:`research.decomposition.suite`) and states its
number, in log points (100 times a difference of mean log hourly pay, men minus women), with its
95% interval when one was computed. The method sentence names the characteristics actually
used; a characteristic that was not recorded, not requested or could not be compared is said to
be absent. Sentences are plain text (the report escapes them).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from research.core.results import Estimate
from research.decomposition.frame import AnalysisFrame, variable_label
from research.decomposition.suite import Decompositions
from research.decomposition.tables import contributions, points
from research.present.formats import fmt_int, fmt_money, fmt_pct
from research.present.report import Finding, Findings, findings
from research.present.wording import count_words, join_words

#: Words for the occupation level compared, when it is not the occupation itself.
LEVEL_WORDS = {
    "occupation": "occupation",
    "occupation_title": "occupation (job title)",
    "job_family": "occupation (job family)",
    "department": "occupation (department)",
}


def pct_lower(gap: float) -> float:
    """Women's geometric mean pay below men's, in % of men's: ``100 (1 - exp(-gap))``."""
    return 100.0 * (1.0 - math.exp(-gap))


def share(value: float, gap: float) -> str:
    """``value`` as a percentage of ``gap`` (``"n/a"`` without a gap)."""
    return fmt_pct(100 * value / gap) if gap else "n/a"


def _ci(est: Estimate) -> tuple[float, float] | None:
    return None if est.ci is None else (points(est.ci[0]), points(est.ci[1]))


def _clause(est: Estimate) -> str:
    """``95% interval a to b`` (without brackets), or nothing."""
    if est.ci is None:
        return ""
    return f"95% interval {points(est.ci[0]):.1f} to {points(est.ci[1]):.1f}"


def _interval(est: Estimate) -> str:
    """`` (95% interval a to b)``, or nothing without an interval."""
    return f" ({_clause(est)})" if est.ci is not None else ""


def _with_clause(est: Estimate) -> str:
    """``; 95% interval a to b`` to follow a number in brackets, or nothing."""
    return f"; {_clause(est)}" if est.ci is not None else ""


def characteristics(af: AnalysisFrame, occupation_level: str = "occupation") -> list[str]:
    """The characteristics used, in words (``["occupation", "grade", ...]``)."""
    words = []
    for name in af.covariates:
        if name == "occupation_group":
            words.append(LEVEL_WORDS.get(occupation_level, "occupation"))
        else:
            words.append(variable_label(name).lower())
    return words


def method_findings(af: AnalysisFrame, *, occupation_level: str = "occupation") -> list[Finding]:
    """Who is compared, on which characteristics; one sentence per characteristic left out."""
    counts = af.counts
    used = characteristics(af, occupation_level)
    text = (
        f"The comparison covers {fmt_int(counts['men'])} men and {fmt_int(counts['women'])} "
        "women with hourly pay and takes account of "
        + (join_words(used) if used else "no characteristics")
        + "."
    )
    out = [Finding(text, value=float(counts["men"] + counts["women"]), key="method")]
    for _, row in af.dropped.iterrows():
        reason = row["reason"]
        if reason == "not recorded":
            why = "the data do not record it"
        elif reason == "not requested":
            why = "it was not requested (include_grade is off)"
        else:
            why = f"it has {reason}"
        key = "absent_" + str(row["variable"]).lower().replace(" ", "_")
        out.append(Finding(f"{row['variable']} is not part of the comparison: {why}.", key=key))
    return out


def key_findings(
    af: AnalysisFrame,
    dec: Decompositions,
    *,
    currency: str,
    truth: float | None = None,
    occupation_level: str = "occupation",
) -> Findings:
    """The key findings: the gap, its split, the largest contribution, segregation, the
    distribution, the known answer (synthetic data), then the method and what is absent."""
    ob = dec.ob
    gap = ob.gap.value
    g_m, g_w = math.exp(ob.mean_a.value), math.exp(ob.mean_b.value)
    direction = "lower" if gap > 0 else "higher"
    items = [
        Finding(
            f"Women's average hourly pay (geometric mean) is {fmt_pct(abs(pct_lower(gap)))} "
            f"{direction} than men's: {fmt_money(g_w, currency, 2)} against "
            f"{fmt_money(g_m, currency, 2)}, a gap of {points(gap):.1f} log points"
            f"{_interval(ob.gap)}.",
            value=points(gap),
            ci=_ci(ob.gap),
            key="gap",
        )
    ]
    explained, unexplained = ob.twofold.explained, ob.twofold.unexplained
    opening = (
        f"Differences between women and men in "
        f"{join_words(characteristics(af, occupation_level))} account for "
        f"{share(explained.value, gap)} of the gap ({points(explained.value):.1f} points"
        f"{_with_clause(explained)})"
    )
    if unexplained.value * gap >= 0:
        text = (
            f"{opening}; the remaining {share(unexplained.value, gap)} "
            f"({points(unexplained.value):.1f} points{_with_clause(unexplained)}) is "
            "unexplained: it is what these characteristics cannot account for, not a measure "
            "of discrimination."
        )
    else:
        text = (
            f"{opening}, more than the whole gap: women and men with the same characteristics "
            f"differ by {points(unexplained.value):.1f} points the other way"
            f"{_interval(unexplained)}. This unexplained part is what the characteristics "
            "cannot account for, not a measure of discrimination in either direction."
        )
    if af.covariates:
        items.append(
            Finding(text, value=points(explained.value), ci=_ci(explained), key="explained")
        )
    by_var = contributions(ob)
    expl = by_var[(by_var["component"] == "explained") & (by_var["variable"] != "_cons")]
    if len(expl):
        top = expl.loc[expl["points"].abs().idxmax()]
        items.append(
            Finding(
                f"The largest single contribution is {top['label'].lower()}, "
                f"{top['points']:.1f} points (95% interval {top['ci_low_points']:.1f} to "
                f"{top['ci_high_points']:.1f}), {fmt_pct(top['pct_of_gap'])} of the gap.",
                value=float(top["points"]),
                ci=(float(top["ci_low_points"]), float(top["ci_high_points"])),
                key="largest_contribution",
            )
        )
    if dec.bmz is not None:
        between = dec.bmz.components["between"]
        items.append(
            Finding(
                "Women and men working in different occupations (occupational segregation) "
                f"accounts for {share(between.value, gap)} of the gap "
                f"({points(between.value):.1f} points{_with_clause(between)}); the rest arises "
                "within occupations.",
                value=points(between.value),
                ci=_ci(between),
                key="segregation",
            )
        )
    gaps = dec.rif.table[dec.rif.table["component"] == "gap"].sort_values("quantile")
    if len(gaps) >= 2:
        items.append(
            Finding(
                profile_sentence(gaps),
                value=100 * float(gaps["estimate"].max()),
                key="distribution",
            )
        )
    if truth is not None:
        u = ob.twofold.unexplained
        inside = u.ci is not None and u.ci[0] <= truth <= u.ci[1]
        items.append(
            Finding(
                f"This is synthetic data with a known within-job gap of {points(truth):.1f} "
                f"points; the unexplained part, {points(u.value):.1f} points{_interval(u)}, "
                + ("recovers it." if inside else "does not cover it (see the check below)."),
                value=points(u.value),
                ci=_ci(u),
                key="known_answer",
            )
        )
    items += method_findings(af, occupation_level=occupation_level)
    return findings(items)


def profile_sentence(gaps: pd.DataFrame) -> str:
    """Where across the distribution the gap is largest, and whether that is a glass ceiling or a
    sticky floor (the end of the distribution with the largest gap, its interval clear of the
    middle's)."""
    low, high = gaps.iloc[0], gaps.iloc[-1]
    peak = gaps.loc[gaps["estimate"].idxmax()]
    middle = gaps.iloc[(gaps["quantile"] - 0.5).abs().argmin()]
    text = (
        f"Across the pay distribution the gap runs from {100 * low['estimate']:.1f} points at the "
        f"{100 * low['quantile']:g}th percentile to {100 * high['estimate']:.1f} at the "
        f"{100 * high['quantile']:g}th"
    )
    if peak.name not in (low.name, high.name):
        text += (
            f", and is largest at the {100 * peak['quantile']:g}th ({100 * peak['estimate']:.1f})"
        )
    clear = np.isfinite(peak["ci_low"]) and peak["ci_low"] > middle["ci_high"]
    if peak.name == high.name and clear:
        text += ": it widens towards the top, the pattern called a glass ceiling"
    elif peak.name == low.name and clear:
        text += ": it is widest at the bottom, the pattern called a sticky floor"
    elif peak.name in (low.name, high.name):
        text += "; the intervals overlap, so there is no clear widening at either end"
    return text + "."


def pooling_sentences(af: AnalysisFrame, dec: Decompositions, min_cell: int) -> list[str]:
    """How many categories were pooled per characteristic, what was left out, and any notes."""
    lines = []
    if len(af.pooled):
        for variable, part in af.pooled.groupby("variable", sort=False):
            into = part["pooled_into"].nunique()
            lines.append(
                f"{variable}: {len(part)} categories with fewer than {af.min_group} women or men "
                f"were merged into {into} pooled categor{'y' if into == 1 else 'ies'}."
            )
    else:
        lines.append(f"No category had fewer than {af.min_group} women or men; nothing was pooled.")
    for _, row in af.dropped.iterrows():
        lines.append(f"{row['variable']} was left out: {row['reason']}.")
    counts = af.counts
    if counts["other_sex"]:
        lines.append(
            f"{count_words(counts['other_sex'], min_cell)} employees with another or no recorded "
            "sex are not "
            "part of this comparison of women and men."
        )
    if counts["no_pay"]:
        no_pay = count_words(counts["no_pay"], min_cell)
        lines.append(f"{no_pay} employees without hourly pay were left out.")
    lines += dec.notes
    return lines


# ----------------------------------------------------------------------------- chart titles


def waterfall_title(dec: Decompositions) -> str:
    ob = dec.ob
    gap = ob.gap.value
    return (
        f"Characteristics account for {share(ob.twofold.explained.value, gap)} of the "
        f"{points(gap):.1f}-point gap; {share(ob.twofold.unexplained.value, gap)} is unexplained"
    )


def contributions_title(dec: Decompositions) -> str:
    table = contributions(dec.ob)
    expl = table[(table["component"] == "explained") & (table["variable"] != "_cons")]
    if not len(expl):
        return "Contributions of each characteristic"
    top = expl.loc[expl["points"].abs().idxmax()]
    return f"{top['label']} contributes most to the explained part ({top['points']:+.1f} points)"


def bmz_title(dec: Decompositions) -> str:
    c = dec.bmz.components
    gap = c["gap"].value
    return (
        f"Working in different occupations accounts for {share(c['between'].value, gap)} of "
        f"the gap; {share(c['within'].value, gap)} arises within occupations"
    )


def quantile_title(dec: Decompositions) -> str:
    gaps = dec.rif.table[dec.rif.table["component"] == "gap"].sort_values("quantile")
    low, high = gaps.iloc[0], gaps.iloc[-1]
    return (
        f"The gap is {100 * low['estimate']:.1f} points at the {100 * low['quantile']:g}th "
        f"percentile and {100 * high['estimate']:.1f} at the {100 * high['quantile']:g}th"
    )
