"""Key-finding sentences of the pay gap report, generated from the computed results.

Each sentence states its number and names only what was used: when hours are not recorded the
gaps are of annual (full-time-equivalent) pay and the sentence says so; when there are no grades,
no sentence about grades is written, only that they are absent.
"""

from __future__ import annotations

import numpy as np

from research.paygap.representation import GradeRepresentation
from research.paygap.statutory import UKGenderPayGap
from research.present.formats import fmt_int, fmt_pct
from research.present.report import Finding
from research.present.wording import count_words


def _lower_or_higher(gap: float) -> str:
    """``"12.3% lower"`` for a positive gap (men paid more), ``"4.0% higher"`` for a negative one."""
    return f"{fmt_pct(abs(gap))} {'lower' if gap >= 0 else 'higher'}"


def _interval(ci: tuple[float, float] | None) -> str:
    if not ci:
        return ""
    return f" (95% interval {fmt_pct(ci[0])} to {fmt_pct(ci[1])})"


def statutory_findings(
    uk: UKGenderPayGap, *, min_cell: int, pay_words: str, hourly: bool
) -> list[Finding]:
    """The headline gap, the quartile shares and the bonus proportions, when publishable."""
    c = uk.counts
    women, men = c["full_pay_female"], c["full_pay_male"]
    out: list[Finding] = []
    if min(women, men) < min_cell:
        return [
            Finding(
                f"Fewer than {min_cell} full-pay relevant women or men: the pay gap figures are "
                "not published.",
                key="too_few",
            )
        ]
    population = "full-pay relevant employees" if hourly else "employees"
    out.append(
        Finding(
            f"Women's median {pay_words} is {_lower_or_higher(uk.median_hourly_gap)} than men's "
            f"(mean: {_lower_or_higher(uk.mean_hourly_gap)}), over {fmt_int(women + men)} "
            f"{population}.",
            value=uk.median_hourly_gap,
            key="median_gap",
        )
    )
    if not hourly:
        out.append(
            Finding(
                "The data record no working hours, so pay is compared as annual full-time-"
                "equivalent pay, not hourly pay as the gender pay gap regulations require: these "
                "are not the statutory figures.",
                key="no_hours",
            )
        )
    if int(uk.quartiles["n"].min()) >= min_cell:
        low, top = uk.quartiles.iloc[0], uk.quartiles.iloc[-1]
        out.append(
            Finding(
                f"Women hold {fmt_pct(low['pct_female'])} of the lowest-paid quarter of posts and "
                f"{fmt_pct(top['pct_female'])} of the highest-paid quarter.",
                value=float(top["pct_female"]),
                key="top_quartile_women",
            )
        )
    if (
        uk.pct_female_bonus is not None
        and min(c["relevant_female"], c["relevant_male"]) >= min_cell
    ):
        out.append(
            Finding(
                f"{fmt_pct(uk.pct_female_bonus)} of women and {fmt_pct(uk.pct_male_bonus)} of men "
                "were paid a bonus in the 12 months to the snapshot date.",
                value=uk.pct_female_bonus,
                key="bonus_women",
            )
        )
    return out


def representation_findings(
    rep: GradeRepresentation | None, *, min_cell: int, top_headcount: int
) -> list[Finding]:
    """Women at the top grades and the gap within grades, or that there are no grades."""
    if rep is None:
        return [
            Finding(
                "The data record no grades, so women's representation in senior grades and the "
                "gap within grades are not reported.",
                key="no_grades",
            )
        ]
    out: list[Finding] = []
    if np.isfinite(rep.top_share.value) and top_headcount >= min_cell:
        out.append(
            Finding(
                f"Women are {fmt_pct(rep.pct_female_overall)} of the workforce but "
                f"{fmt_pct(rep.top_share.value)} of the top {rep.top} grades"
                f"{_interval(rep.top_share.ci)}.",
                value=rep.top_share.value,
                ci=rep.top_share.ci,
                key="top_grades_women",
            )
        )
    overall = rep.overall_gap
    if np.isfinite(rep.like_for_like_gap) and np.isfinite(overall.value):
        if abs(rep.like_for_like_gap) < abs(overall.value):
            why = "the rest of the overall gap comes from women and men being in different grades"
        else:
            why = "so the grades women and men are in do not explain the overall gap"
        out.append(
            Finding(
                f"Within the same grade the gap averages {fmt_pct(rep.like_for_like_gap)}, "
                f"against {fmt_pct(overall.value)} overall{_interval(overall.ci)}: {why}.",
                value=rep.like_for_like_gap,
                key="within_grade_gap",
            )
        )
    return out


def safe_notes(uk: UKGenderPayGap, min_cell: int) -> tuple[str, ...]:
    """The statutory calculation's notes, with a count of other recorded sex below ``min_cell``
    replaced by "fewer than <min_cell>" (sentences follow the disclosure rule too)."""
    n_other = uk.counts.get("other_sex", 0)
    exact = f"{n_other:,} employees with another or no recorded sex"
    worded = count_words(n_other, min_cell)
    said = f"{worded[:1].upper()}{worded[1:]} employees with another or no recorded sex"
    return tuple(note.replace(exact, said) for note in uk.notes)


def note_findings(uk: UKGenderPayGap, min_cell: int) -> list[Finding]:
    """The statutory calculation's notes (absent bonus data, other recorded sex, ...)."""
    notes = safe_notes(uk, min_cell)
    return [Finding(note, key=f"note_{i}") for i, note in enumerate(notes, start=1)]
