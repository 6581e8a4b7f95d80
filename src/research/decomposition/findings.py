"""Sentences of the decomposition report: key findings, the method used, what was left out.

Every sentence is generated from the results (:mod:`research.decomposition.suite`) and states its
number, in log points (100 times a difference of mean log pay, men minus women), with its 95%
interval when one was computed. The pay is named for what it is (:mod:`.measure`: hourly pay, or
annual basic pay when hours are not in the data, and then the first finding says so). Every
sentence that says what was taken into account lists the characteristics of the fitted
Blinder-Oaxaca design (:func:`research.decomposition.tables.design_variables`), never a fixed
list; a characteristic that was not recorded, not requested or could not be compared is said to
be absent. Sentences are plain text (the report escapes them).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from research.core.results import Estimate
from research.decomposition.frame import FULL_TIME_ONLY, NOT_RECORDED, AnalysisFrame, variable_label
from research.decomposition.measure import PayMeasure
from research.decomposition.reconcile import pct_lower
from research.decomposition.suite import Decompositions
from research.decomposition.tables import contributions, design_variables, points
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


def characteristics(variables: list[str], occupation_level: str = "occupation") -> list[str]:
    """The characteristics ``variables`` in words (``["occupation", "grade", ...]``)."""
    words = []
    for name in variables:
        if name == "occupation_group":
            words.append(LEVEL_WORDS.get(occupation_level, "occupation"))
        else:
            words.append(variable_label(name).lower())
    return words


def _who(af: AnalysisFrame) -> str:
    """``"N men and M women [working full time] with <pay>"``."""
    counts = af.counts
    full_time = " working full time" if af.measure.full_time_only else ""
    return (
        f"{fmt_int(counts['men'])} men and {fmt_int(counts['women'])} women{full_time} with "
        f"{af.measure.full_words}"
    )


def measure_finding(measure: PayMeasure) -> Finding | None:
    """What pay is compared when hours are not in the data (the first key finding), else None."""
    if measure.hourly:
        return None
    return Finding(measure.description(), key="no_hours")


def method_findings(
    af: AnalysisFrame, ob=None, *, occupation_level: str = "occupation"
) -> list[Finding]:
    """Who is compared, on which characteristics (those of the fitted design ``ob``, else the
    frame's); one sentence per characteristic left out."""
    fitted = design_variables(ob) if ob is not None else list(af.covariates)
    used = characteristics(fitted, occupation_level)
    counts = af.counts
    text = (
        f"The comparison covers {_who(af)} and takes account of "
        + (join_words(used) if used else "no characteristics")
        + "."
    )
    out = [Finding(text, value=float(counts["men"] + counts["women"]), key="method")]
    for name in af.covariates:
        if name not in fitted:
            label = variable_label(name)
            out.append(
                Finding(
                    f"{label} is not part of the comparison: none of its categories is compared "
                    "in both women and men.",
                    key="absent_" + label.lower().replace(" ", "_"),
                )
            )
    for _, row in af.dropped.iterrows():
        reason = row["reason"]
        if reason == NOT_RECORDED:
            why = "the data do not record it"
        elif reason == "not requested":
            why = "it was not requested (include_grade is off)"
        elif reason == FULL_TIME_ONLY:
            why = "only full-time employees are compared"
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
    reconciled: str = "",
) -> Findings:
    """The key findings: what pay is compared when hours are not in the data, the gap, the pay
    gap report's figures beside it (``reconciled``), its split, the largest contribution,
    segregation, the distribution, the known answer (synthetic data), then the method and what
    is absent."""
    ob = dec.ob
    m = af.measure
    gap = ob.gap.value
    g_m, g_w = math.exp(ob.mean_a.value), math.exp(ob.mean_b.value)
    direction = "lower" if gap > 0 else "higher"
    decimals = 2 if m.hourly else 0
    among = ", among full-time employees," if m.full_time_only else ""
    items = [measure_finding(m)]
    items.append(
        Finding(
            f"Women's geometric mean {m.full_words}{among} is "
            f"{fmt_pct(abs(pct_lower(gap)))} {direction} than men's: "
            f"{fmt_money(g_w, currency, decimals)} against {fmt_money(g_m, currency, decimals)}, "
            f"a gap of {points(gap):.1f} log points in mean {m.log_words}{_interval(ob.gap)}.",
            value=points(gap),
            ci=_ci(ob.gap),
            key="gap",
        )
    )
    if reconciled:
        items.append(Finding(reconciled, key="reconciled"))
    explained, unexplained = ob.twofold.explained, ob.twofold.unexplained
    fitted = design_variables(ob)
    opening = (
        f"Differences between women and men in "
        f"{join_words(characteristics(fitted, occupation_level))} account for "
        f"{share(explained.value, gap)} of the {m.gap_words} ({points(explained.value):.1f} points"
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
    if fitted:
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
                f"accounts for {share(between.value, gap)} of the {m.gap_words} "
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
                profile_sentence(gaps, m),
                value=100 * float(gaps["estimate"].max()),
                key="distribution",
            )
        )
    if truth is not None:
        u = ob.twofold.unexplained
        inside = u.ci is not None and u.ci[0] <= truth <= u.ci[1]
        if m.part_time_pay_mixed:
            verdict = (
                "is not expected to recover it: the known gap is in rates of pay, and annual pay "
                "as recorded also differs with the hours part-timers work."
            )
        else:
            verdict = "recovers it." if inside else "does not cover it (see the check below)."
        items.append(
            Finding(
                f"This is synthetic data with a known within-job gap of {points(truth):.1f} "
                f"points; the unexplained part, {points(u.value):.1f} points{_interval(u)}, "
                + verdict,
                value=points(u.value),
                ci=_ci(u),
                key="known_answer",
            )
        )
    items += method_findings(af, ob, occupation_level=occupation_level)
    return findings([i for i in items if i is not None])


def _ordinal(q: float) -> str:
    return f"{100 * q:g}th"


def profile_sentence(gaps: pd.DataFrame, measure: PayMeasure | None = None) -> str:
    """Where across the distribution the gap is largest, and whether the percentiles computed
    show a glass ceiling or a sticky floor.

    The pattern is named only when what was computed supports it: men are paid more at the end
    where the gap is largest, a percentile between the two ends was computed, every gap has a
    bootstrap interval, and the largest gap's interval lies wholly above the interval of the
    percentile nearest the median. It is not named when the pay compared is annual pay as
    recorded with no working pattern (part-timers' part-time pay would make the bottom look
    like a sticky floor).
    """
    words = measure.words if measure is not None else "hourly pay"
    low, high = gaps.iloc[0], gaps.iloc[-1]
    peak = gaps.loc[gaps["estimate"].idxmax()]
    inner = gaps.iloc[1:-1]
    computed = join_words([_ordinal(q) for q in gaps["quantile"]])
    text = (
        f"Across the distribution of {words} the gap runs from {100 * low['estimate']:.1f} points "
        f"at the {_ordinal(low['quantile'])} percentile to {100 * high['estimate']:.1f} at the "
        f"{_ordinal(high['quantile'])}"
    )
    if peak.name not in (low.name, high.name):
        text += (
            f", and is largest at the {_ordinal(peak['quantile'])} ({100 * peak['estimate']:.1f})"
        )
    at_end = peak.name in (low.name, high.name)
    if not at_end:
        return text + "."
    ends = "glass ceiling or sticky floor"
    if peak["estimate"] <= 0:
        return text + f"; men are not paid more at either end, so there is no {ends}."
    if not len(inner):
        return text + (
            f"; only the {computed} percentiles were computed, none between the two ends, so "
            f"no {ends} is assessed."
        )
    intervals = gaps[["ci_low", "ci_high"]].to_numpy(dtype=float)
    if not np.isfinite(intervals).all():
        return text + f"; no intervals were computed, so no {ends} is assessed."
    if measure is not None and measure.part_time_pay_mixed:
        return text + (
            f"; annual pay as recorded puts any part-timer's part-time pay among the lowest, "
            f"so the pattern is not read as a {ends}."
        )
    middle = inner.iloc[(inner["quantile"] - 0.5).abs().argmin()]
    clear = peak["ci_low"] > middle["ci_high"]
    versus = f"its 95% interval is clear of the {_ordinal(middle['quantile'])} percentile's"
    if clear and peak.name == high.name:
        return text + (
            f": it widens towards the top ({versus}), the pattern called a glass ceiling."
        )
    if clear:
        return text + (
            f": it is widest at the bottom ({versus}), the pattern called a sticky floor."
        )
    return text + (
        f"; its 95% interval overlaps that of the {_ordinal(middle['quantile'])} percentile, "
        "so there is no clear widening at either end."
    )


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
        reason = "it is not in the data" if row["reason"] == NOT_RECORDED else row["reason"]
        lines.append(f"{row['variable']} was left out: {reason}.")
    counts = af.counts
    if counts["other_sex"]:
        lines.append(
            f"{count_words(counts['other_sex'], min_cell)} employees with another or no recorded "
            "sex are not "
            "part of this comparison of women and men."
        )
    if counts.get("not_full_time"):
        n = count_words(counts["not_full_time"], min_cell)
        lines.append(
            f"{n[:1].upper()}{n[1:]} employees not recorded as working "
            "full time are not part of the decomposition (the comparison of all employees is in "
            "the first section)."
        )
    if counts["no_pay"]:
        no_pay = count_words(counts["no_pay"], min_cell)
        lines.append(f"{no_pay} employees without {af.measure.words} were left out.")
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
