"""Key findings of the equal pay audit report: plain sentences generated from the results.

Each sentence states its number and names only what was used: the regression sentence lists the
factors the model really held, and says which the data does not record.
"""

from __future__ import annotations

import numpy as np

from research.audit.equal_pay import EqualPayAudit
from research.audit.logib import LogibResult
from research.present.formats import fmt_pct
from research.present.report import Finding
from research.present.wording import count_words, join_words, plural

#: Pay elements in words.
ELEMENT_WORDS = {
    "basic": "basic pay",
    "hourly": "hourly pay",
    "bonus": "bonus pay",
    "allowances": "allowances",
    "overtime": "overtime pay",
}


def element_words(name: str, audit: EqualPayAudit | None = None) -> str:
    """``"basic"`` -> ``"basic pay"``, or ``"annual basic pay"`` when the audit's data records
    neither hours nor FTE (pay is then annual pay as recorded, not full-time equivalent)."""
    if name == "basic" and audit is not None and not audit.hours_known:
        return "annual basic pay"
    return ELEMENT_WORDS.get(name, name.replace("_", " "))


def recipients_words(audit: EqualPayAudit) -> str:
    """``" (for bonus pay: recipients)"`` when elements compared among recipients were compared."""
    names = [element_words(e.name, audit) for e in audit.elements if e.recipients_only]
    return f" (for {join_words(names)}: recipients)" if names else ""


def audit_findings(
    audit: EqualPayAudit,
    min_cell: int,
    group_words: str,
    logib: LogibResult | None = None,
    logib_factors: tuple[str, ...] = (),
    logib_absent: tuple[str, ...] = (),
    logib_note: str = "",
    auto_occupation: bool = False,
) -> list[Finding]:
    """Three to eight sentences for the top of the audit report.

    Parameters
    ----------
    group_words
        How the equal-work groups were formed, e.g. ``"employees in the same grade"``.
    logib, logib_factors, logib_absent
        The regression (if run), the factors its model held (``"grade"``, ``"length of
        service"``, ...) and those the data does not record (with the reason).
    logib_note
        Why there is no regression, when ``logib`` is ``None``.
    auto_occupation
        The groups are occupations because the data records no grades (``group_by="auto"``).
    """
    out: list[Finding] = []
    basic = audit.elements[0].name
    if not audit.hours_known:
        out.append(
            Finding(
                "Hours and full-time equivalents are not in the data, so the audit compares "
                "annual basic pay as recorded (a part-timer's pay is not made full-time "
                "equivalent) and makes no comparison of hourly pay.",
                key="pay_basis",
            )
        )
    if auto_occupation:
        out.append(
            Finding(
                "Grades are not in the data, so the audit compares employees in the same "
                "occupation.",
                key="grouping",
            )
        )
    comparable = audit.comparable(min_cell)
    n_cmp = int(comparable["group"].nunique())
    out.append(
        Finding(
            f"The audit compared women's and men's pay within {plural(audit.n_groups, 'group')} "
            f"({group_words}); {n_cmp:,} of them have at least {min_cell} women and {min_cell} "
            "men, enough to publish their gaps.",
            value=float(audit.n_groups),
            key="groups",
        )
    )
    big = comparable[(comparable["element"] == basic) & (comparable["stat"] == "mean")]
    flagged = big[big["flag_gap"]].sort_values("gap", key=np.abs, ascending=False)
    what = f"mean {element_words(basic, audit)}"
    if len(flagged):
        top = flagged.iloc[0]
        out.append(
            Finding(
                f"{len(flagged):,} of them {'has' if len(flagged) == 1 else 'have'} a gap in "
                f"{what} of {audit.gap_threshold:g}% or "
                f"more; the largest is in {top['group']} ({fmt_pct(top['gap'])}, "
                f"{top['direction']}; {int(top['n_female']):,} women, {int(top['n_male']):,} men).",
                value=float(top["gap"]),
                key="largest_gap",
            )
        )
    else:
        out.append(
            Finding(
                f"No publishable group has a gap in {what} of {audit.gap_threshold:g}% or more.",
                value=0.0,
                key="largest_gap",
            )
        )
    pattern = comparable[comparable["pattern_groups"] & (comparable["element"] == basic)]
    if len(pattern):
        sides = pattern.groupby("direction")["group"].nunique()
        out.append(
            Finding(
                f"A pattern: gaps of {audit.pattern_threshold:g}% or more in the same direction "
                f"({sides.idxmax()}) recur in {int(sides.max()):,} groups.",
                value=float(sides.max()),
                key="pattern",
            )
        )
    women, men = audit.not_recorded
    if women + men:
        what = audit.not_recorded_label.removesuffix(" not recorded")
        out.append(
            Finding(
                f"{count_words(women + men, min_cell).capitalize()} women and men have no "
                f"recorded {what}: they are counted as {audit.not_recorded_label} and not "
                "compared.",
                value=float(women + men) if women + men >= min_cell else None,
                key="not_recorded",
            )
        )
    hidden = audit.n_hidden_flags(min_cell)
    if hidden:
        out.append(
            Finding(
                f"{plural(hidden, 'further flagged comparison')} "
                f"{'rests' if hidden == 1 else 'rest'} on fewer than {min_cell} women or men"
                f"{recipients_words(audit)}; they are not published and HR should review "
                "them from the unpublished data.",
                value=float(hidden),
                key="hidden_flags",
            )
        )
    out += _logib_findings(logib, logib_factors, logib_absent, logib_note)
    n_actions = len(audit.action_list(min_cell))
    out.append(
        Finding(
            f"The action list has {plural(n_actions, 'group')} to investigate, largest gap first."
            if n_actions
            else "No publishable comparison is flagged, so the action list is empty.",
            value=float(n_actions),
            key="actions",
        )
    )
    if audit.n_other:
        who = count_words(audit.n_other, min_cell)
        out.append(
            Finding(
                f"{who} employees with another or no recorded sex are not compared.", key="note"
            )
        )
    return out


def _logib_findings(
    logib: LogibResult | None,
    factors: tuple[str, ...],
    absent: tuple[str, ...],
    note: str,
) -> list[Finding]:
    if logib is None:
        return [Finding(note, key="logib")] if note else []
    direction = "less" if logib.kennedy < 0 else "more"
    out = [
        Finding(
            f"Taking {join_words(list(factors))} into account, women are paid "
            f"{fmt_pct(abs(logib.kennedy))} {direction} than men ({logib.level:.0%} interval "
            f"{fmt_pct(logib.ci[0])} to {fmt_pct(logib.ci[1])}); Logib rating: {logib.rating}.",
            value=logib.kennedy,
            ci=logib.ci,
            key="logib",
        )
    ]
    if absent:
        out.append(
            Finding(
                "Not in the data, so not taken into account by the regression: "
                f"{join_words(list(absent))}.",
                key="logib_absent",
            )
        )
    return out
