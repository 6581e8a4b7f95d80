"""Key-finding sentences of the pay gap report, generated from the computed results.

Each sentence states its number and names only what was used (:class:`~research.paygap.framing.
Framing`): when hours are not in the data the first finding says so and every gap is named as a
gap in annual basic pay; where part-timers' annual pay is their part-time pay and a working
pattern is recorded, full-time employees are compared first; the statutory names ("full-pay
relevant") appear only where the Great Britain regulations apply to hourly figures; when there
are no grades, no sentence about grades is written, only that they are absent.
"""

from __future__ import annotations

import numpy as np

from research.paygap.framing import Framing
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


def hours_findings(framing: Framing, *, full_time_compared: bool = False) -> list[Finding]:
    """What pay is compared when the data hold no working hours (none on hourly pay).

    It is the report's first finding: every number after it depends on it.
    ``full_time_compared``: full-time employees are compared first (enough of them).
    """
    if framing.hours:
        return []
    if framing.fte:
        text = (
            "Working hours are not in the data, so pay is compared as full-time-equivalent "
            "annual basic pay, not hourly pay."
        )
    else:
        text = (
            "Working hours are not in the data, so pay is compared as annual basic pay, not "
            "hourly pay; full-time equivalents are not in the data either, so part-timers' "
            "annual pay is their part-time pay"
            + (": full-time employees are compared first." if full_time_compared else ".")
        )
    if framing.framework == "GB":
        text += " These are not the statutory gender pay gap figures, which are of hourly pay."
    return [Finding(text, key="no_hours")]


def statutory_findings(
    uk: UKGenderPayGap,
    *,
    min_cell: int,
    framing: Framing,
    full_time: UKGenderPayGap | None = None,
) -> list[Finding]:
    """The headline gap, the quartile shares and the bonus proportions, when publishable.

    With ``full_time`` (the figures over full-time employees) the full-time gap leads and the
    quartile shares are those of full-time employees; the gap over all employees follows.
    """
    c = uk.counts
    women, men = c["full_pay_female"], c["full_pay_male"]
    pay_words = framing.pay_words
    out: list[Finding] = []
    if min(women, men) < min_cell:
        return [
            Finding(
                f"Fewer than {min_cell} {'full-pay relevant ' if framing.statutory else ''}"
                "women or men: the pay gap figures are not published.",
                key="too_few",
            )
        ]
    if full_time is not None:
        ft = full_time.counts
        out.append(
            Finding(
                f"Among full-time employees, women's median {pay_words} is "
                f"{_lower_or_higher(full_time.median_hourly_gap)} than men's (mean: "
                f"{_lower_or_higher(full_time.mean_hourly_gap)}), over "
                f"{fmt_int(ft['full_pay_female'] + ft['full_pay_male'])} full-time "
                f"{framing.population}.",
                value=full_time.median_hourly_gap,
                key="full_time_gap",
            )
        )
        text = (
            f"Over all {fmt_int(women + men)} {framing.population}, with part-timers at their "
            f"part-time pay, women's median {pay_words} is {_lower_or_higher(uk.median_hourly_gap)}"
            f" than men's (mean: {_lower_or_higher(uk.mean_hourly_gap)})."
        )
    elif framing.full_time_first:
        out.append(
            Finding(
                f"Fewer than {min_cell} women or men work full time, so pay is not compared "
                "among full-time employees alone.",
                key="full_time_too_few",
            )
        )
        text = ""
    else:
        text = ""
    if not text:
        text = (
            f"Women's median {pay_words} is {_lower_or_higher(uk.median_hourly_gap)} than men's "
            f"(mean: {_lower_or_higher(uk.mean_hourly_gap)}), over {fmt_int(women + men)} "
            f"{framing.population}."
        )
    out.append(Finding(text, value=uk.median_hourly_gap, key="median_gap"))
    bands = (full_time or uk).quartiles
    if int(bands["n"].min()) >= min_cell:
        low, top = bands.iloc[0], bands.iloc[-1]
        if full_time is not None:
            text = (
                f"Among full-time employees, women hold {fmt_pct(low['pct_female'])} of the "
                f"lowest-paid quarter by {pay_words} and {fmt_pct(top['pct_female'])} of the "
                "highest-paid quarter."
            )
        else:
            text = (
                f"Women hold {fmt_pct(low['pct_female'])} of the lowest-paid quarter of posts "
                f"and {fmt_pct(top['pct_female'])} of the highest-paid quarter."
            )
        out.append(Finding(text, value=float(top["pct_female"]), key="top_quartile_women"))
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
    rep: GradeRepresentation | None,
    *,
    min_cell: int,
    top_headcount: int,
    measure: str = "",
    unrecorded: str = "",
) -> list[Finding]:
    """Women at the top grades and the gap within grades, or that there are no grades.

    ``measure`` names the gap compared (e.g. "median annual basic pay"); empty on hourly pay,
    whose gap the headline names. ``unrecorded``: how many employees have no recorded grade
    (as a sentence may state it), left out of both.
    """
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
    if unrecorded:
        out.append(
            Finding(
                f"The grade of {unrecorded} employees is not recorded: they are left out of "
                "women's share of the top grades and of the gap within grades.",
                key="grades_not_recorded",
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
                f"Within the same grade the gap{f' in {measure}' if measure else ''} averages "
                f"{fmt_pct(rep.like_for_like_gap)}, "
                f"against {fmt_pct(overall.value)} overall{_interval(overall.ci)}: {why}.",
                value=rep.like_for_like_gap,
                key="within_grade_gap",
            )
        )
    return out


#: The statutory calculation's notes where its "full-pay relevant" terms do not apply: a
#: replacement, or ``None`` to leave a note out.
_NEUTRAL_NOTES = {
    "No full-pay flag: every employee is treated as a full-pay relevant employee.": None,
    "employees with no full-pay flag are treated as full-pay relevant.": (
        "employees with no full-pay flag are compared as on full pay."
    ),
    "No bonus data: the bonus figures are not calculated.": (
        "Bonus pay is not in the data, so no bonus figure is given."
    ),
}


def safe_notes(uk: UKGenderPayGap, min_cell: int, *, statutory: bool = True) -> tuple[str, ...]:
    """The statutory calculation's notes, with a count of other recorded sex below ``min_cell``
    replaced by "fewer than <min_cell>" (sentences follow the disclosure rule too).

    With ``statutory=False`` the notes are put in neutral terms (no "full-pay relevant"), and
    absent bonus pay is said to be not in the data.
    """
    n_other = uk.counts.get("other_sex", 0)
    exact = f"{n_other:,} employees with another or no recorded sex"
    worded = count_words(n_other, min_cell)
    said = f"{worded[:1].upper()}{worded[1:]} employees with another or no recorded sex"
    out = []
    for note in uk.notes:
        note = note.replace(exact, said)
        for old, new in _NEUTRAL_NOTES.items():
            if old in note and (not statutory or old.startswith("No bonus")):
                note = None if new is None else note.replace(old, new)
                break
        if note is not None:
            out.append(note)
    return tuple(out)


def note_findings(uk: UKGenderPayGap, min_cell: int, *, statutory: bool = True) -> list[Finding]:
    """The statutory calculation's notes (absent bonus data, other recorded sex, ...)."""
    notes = safe_notes(uk, min_cell, statutory=statutory)
    return [Finding(note, key=f"note_{i}") for i, note in enumerate(notes, start=1)]
