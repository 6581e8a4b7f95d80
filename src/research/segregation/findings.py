"""Key findings of the segregation report: plain sentences generated from the results."""

from __future__ import annotations

import math

import pandas as pd

from research.core.results import Estimate
from research.present import disclosure
from research.present.formats import fmt_int, fmt_pct
from research.present.report import Finding
from research.present.wording import count_words
from research.segregation.change import ChangeDecomposition
from research.segregation.indices import ExpectedValues, IndexTable
from research.segregation.matching import UnitMatch, noun
from research.segregation.tables import UNIT


def fmt_index(value: float | None, digits: int = 3) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _interval(estimate: Estimate) -> tuple[float, float] | None:
    if estimate.ci is not None and all(math.isfinite(v) for v in estimate.ci):
        return (float(estimate.ci[0]), float(estimate.ci[1]))
    return None


def with_interval(estimate: Estimate, digits: int = 3) -> str:
    """``0.523 (corrected for chance in small groups: 0.519, 95% CI 0.507 to 0.531)``, or the
    bare value.

    The interval is the basic bootstrap interval, centred on the bias-corrected value, so it is
    shown next to that value rather than next to the value as measured.
    """
    text = fmt_index(estimate.value, digits)
    ci = _interval(estimate)
    if ci is not None:
        text += (
            f" (corrected for chance in small groups: {fmt_index(estimate.bias_corrected, digits)}, "
            f"95% CI {fmt_index(ci[0], digits)} to {fmt_index(ci[1], digits)})"
        )
    return text


def workforce(n_women: int, n: int, n_other: int, min_cell: int) -> Finding:
    share = 100 * n_women / n
    text = f"Women are {fmt_pct(share)} of the {fmt_int(n)} employees recorded as women or men"
    text += (
        f"; {count_words(n_other, min_cell)} with another or no recorded sex are left out."
        if n_other
        else "."
    )
    return Finding(text, value=share, key="pct_women")


def occupational(occ: IndexTable, chance: ExpectedValues) -> Finding:
    d = occ["D"]
    return Finding(
        f"Occupational segregation: the dissimilarity index D is {with_interval(d)}, so about "
        f"{fmt_pct(100 * d.value, 0)} of women (or of men) would have to change occupation for "
        f"both sexes to be spread alike. With occupations of these sizes, chance alone would give "
        f"about {fmt_index(chance['D'], 2)}.",
        value=d.value,
        ci=_interval(d),
        key="D_occupations",
    )


def vertical(
    grade: IndexTable, occ: IndexTable, n_grades: int, n_no_grade: int = 0, *, min_cell: int
) -> Finding:
    d = grade["D"]
    word = "less" if d.value < occ["D"].value else "more"
    text = (
        f"Women and men are {word} separated by grade than by occupation: D across grades is "
        f"{with_interval(d)}, computed on all {fmt_int(n_grades)} grades."
    )
    if n_no_grade:
        who = "woman or man" if n_no_grade == 1 else "women and men"
        verb = "is" if n_no_grade == 1 else "are"
        text += (
            f" {count_words(n_no_grade, min_cell).capitalize()} {who} with no recorded grade "
            f"{verb} left out."
        )
    return Finding(
        text,
        value=d.value,
        ci=_interval(d),
        key="D_grades",
    )


def drivers(table: pd.DataFrame) -> Finding | None:
    shown = table[table["pct_of_M"] != disclosure.SUPPRESSED].head(3)
    if not len(shown):
        return None
    names = ", ".join(
        f"{u} ({fmt_pct(p)})" for u, p in zip(shown[UNIT], shown["pct_of_M"], strict=True)
    )
    return Finding(
        f"The occupations that contribute most to segregation (share of the mutual information "
        f"index M) are {names}.",
        value=float(shown["pct_of_M"].iloc[0]),
        key="largest_contribution",
    )


def families(split: pd.DataFrame) -> Finding | None:
    if len(split) <= 1:
        return None
    between = float(split["share"].iloc[0])
    return Finding(
        f"{fmt_pct(100 * between)} of segregation lies between job families and "
        f"{fmt_pct(100 * (1 - between))} between occupations within the same family.",
        value=100 * between,
        key="pct_between_families",
    )


def change(
    result: ChangeDecomposition | None, label: str, reason: str, match: UnitMatch | None = None
) -> Finding:
    if result is None:
        text = f"Change over time is not shown: {reason}."
        if match is not None and not match.matched:
            text += (
                f" {noun(match.level).capitalize()} may have been renamed: the change section "
                "says which and what would match them."
            )
        return Finding(text, key="change")
    diff = result.difference
    ci = result.uncertainty.get("difference", {}).get("ci")
    ci = tuple(float(v) for v in ci) if ci is not None and all(map(math.isfinite, ci)) else None
    ci_text = f" (95% CI {fmt_index(ci[0])} to {fmt_index(ci[1])})" if ci else ""
    verb = "rose" if diff > 0 else "fell"
    return Finding(
        f"Compared with the {label}, segregation (M) {verb} from {fmt_index(result.before)} to "
        f"{fmt_index(result.after)}, a change of {diff:+.3f}{ci_text}; the structural part (who "
        f"works where, with the sizes of occupations and the sex mix held fixed) is "
        f"{result.components['structural']:+.3f}." + _unmatched(match),
        value=diff,
        ci=ci,
        key="change",
    )


def _unmatched(match: UnitMatch | None) -> str:
    """`` N occupations found in only one snapshot count as additions and removals.``"""
    if match is None or match.matched:
        return ""
    n = len(match.only_earlier) + len(match.only_current)
    return (
        f" {fmt_int(n)} {noun(match.level, n)} found in only one snapshot "
        f"{'counts' if n == 1 else 'count'} as additions and removals."
    )
