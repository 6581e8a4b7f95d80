"""The equal pay audit report (notebook 40): ``build(data, ...) -> EqualPayAuditReport``.

:func:`build` groups employees doing equal work (the same grade, a band of neighbouring grades,
another column, or a job mapping given as a table), runs the EHRC five-step audit
(:func:`research.audit.equal_pay_audit`) and, if asked, the Logib-style regression
(:func:`research.audit.logib_regression`), then turns the results into publishable tables, a
figure and key findings with disclosure control applied: statistics of groups with fewer than
``min_cell`` women or men are shown as ``[c]``, counts between 1 and ``min_cell - 1`` too.

It never loads files: a job mapping arrives as a table ``job, group, basis``
(:func:`research.data.structures.read_job_mapping`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.audit import published
from research.audit.equal_pay import (
    EqualPayAudit,
    absent_elements,
    equal_pay_audit,
    has_values,
    hours_known,
    job_mapping_table,
)
from research.audit.findings import audit_findings, element_words, recipients_words
from research.audit.logib import LogibResult, logib_regression, workforce_logib_frame
from research.core.checks import InputError
from research.core.source import Source
from research.present import disclosure, tabulate
from research.present.formats import fmt_pct
from research.present.plots import SEX_LABELS, SEX_PALETTE, source_note
from research.present.report import Figure, Note, Report, Section, Table, columns, findings
from research.present.wording import count_words, join_words, plural, title_block

__all__ = [
    "GROUP_BY",
    "EqualPayAuditReport",
    "build",
    "hide_counts",
    "hide_where",
    "readable",
    "with_groupings",
]

C = disclosure.SUPPRESSED
#: Columns that can define equal-work groups when no job mapping is given; ``"auto"``: grade
#: when the data records grades, else occupation.
GROUP_BY = ("auto", "grade", "occupation", "job_family", "department")


class EqualPayAuditReport(Report):
    """The equal pay audit: who is covered, equal-work groups, gaps, causes, Logib test, actions.

    ``results`` holds ``"audit"`` (:class:`~research.audit.EqualPayAudit`) and ``"logib"``
    (:class:`~research.audit.LogibResult` or ``None``).
    """


# ----------------------------------------------------------------------------- inputs


def with_groupings(
    data: pd.DataFrame, *, max_grade_groups: int = 15, top_n: int = 20
) -> pd.DataFrame:
    """``data`` with ``occupation_group`` (the ``top_n`` largest, the rest pooled) and
    ``grade_group`` (grades, pooled into bands of neighbouring grades beyond
    ``max_grade_groups``; ``<NA>`` where the grade is blank).

    When a ``pay_plan`` column records several pay plans, grades are grouped (and banded) within
    each plan and labelled ``"<plan>: <grade>"``, so grades of different plans never share a group.
    """
    out = data.assign(
        occupation_group=tabulate.lump_rare(tabulate.occupation_labels(data, "occupation"), top_n)
    )
    out["grade_group"] = grade_labels(data, max_grade_groups)
    return out


def pay_plans(data: pd.DataFrame) -> pd.Series | None:
    """The pay plan of each employee with a grade, when the data records more than one plan."""
    if not has_values(data, "pay_plan") or not has_values(data, "grade"):
        return None
    plans = data.loc[data["grade"].notna(), "pay_plan"].astype("string")
    return plans.fillna("pay plan not recorded") if plans.nunique(dropna=False) > 1 else None


def grade_labels(data: pd.DataFrame, max_groups: int) -> pd.Series:
    """Grade group labels of the employees with a grade (``<NA>`` for a blank grade)."""
    out = pd.Series(pd.NA, index=data.index, dtype="string")
    if not has_values(data, "grade"):
        return out
    has_grade = data["grade"].notna().to_numpy()
    graded = data if has_grade.all() else data[has_grade]  # no copy when every grade is known
    if "grade_rank" in graded and graded["grade_rank"].isna().any():
        graded = graded.drop(columns="grade_rank")  # an incomplete order: label by name
    plans = pay_plans(data)
    if plans is None:
        labels = tabulate.grade_groups(graded, max_groups=max_groups, population=graded)
        if has_grade.all():
            return labels.astype("string")
        out.loc[graded.index] = labels.astype("string")
        return out
    for plan, part in graded.groupby(plans, sort=True):
        labels = tabulate.grade_groups(part, max_groups=max_groups, population=part).astype(
            "string"
        )
        out.loc[part.index] = f"{plan}: " + labels
    return out


def _grouping(
    data: pd.DataFrame,
    group_by: str,
    mapping: pd.DataFrame | None,
    job_evaluation: bool,
    framework: str,
) -> tuple[str, str, str, str | None]:
    """The column to group by, how the groups were formed (for sentences), (short) for the
    title block, and the basis of single-grade groups (``None``: descriptive)."""
    if mapping is not None:
        name = mapping.attrs.get("source", "")
        named = f"the job mapping {name}" if name else "the job mapping supplied"
        counts = mapping.drop_duplicates("group")["basis"].value_counts()
        words = {
            "equal value": "work of equal value",
            "rated as equivalent": "work rated as equivalent",
        }
        bases = join_words(
            [f"{plural(n, 'group')} of {words.get(b, b)}" for b, n in sorted(counts.items())]
        )
        return "", f"jobs grouped by {named}: {bases}", f"{named} ({bases})", None
    if group_by not in GROUP_BY:
        raise InputError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}.")
    grades = bool(data["grade_group"].notna().any())
    if group_by == "auto":
        group_by = "grade" if grades else "occupation"
    if group_by == "grade":
        if not grades:
            raise InputError(
                "This dataset records no grades, so equal work cannot be identified by grade: "
                "use group_by='auto' or 'occupation', or give a job mapping."
            )
        plans = " within each pay plan" if pay_plans(data) is not None else ""
        if data["grade_group"].astype("string").str.contains("ranks ", regex=False).any():
            words = f"bands of neighbouring grades{plans}"
            return (
                "grade_group",
                f"employees in {words}",
                words,
                _je_basis(job_evaluation, framework),
            )
        if job_evaluation:
            words = f"the same job evaluation grade{plans}"
            return "grade_group", f"employees in {words}", words, _je_basis(True, framework)
        return "grade_group", f"employees in the same grade{plans}", f"the same grade{plans}", None
    if group_by not in data or not data[group_by].notna().any():
        raise InputError(
            f"This dataset records no {group_by.replace('_', ' ')}, so equal work cannot be "
            f"identified by it: choose another group_by or give a job mapping."
        )
    words = f"the same {group_by.replace('_', ' ')}"
    return group_by, f"employees in {words}", words, None


def _je_basis(job_evaluation: bool, framework: str) -> str | None:
    """The basis of a group of one job evaluation grade: the Equality Act's "rated as
    equivalent" in Great Britain, else a plain description."""
    if not job_evaluation:
        return None
    return "rated as equivalent" if framework == "GB" else "same job evaluation grade"


def _grouping_notes(
    data: pd.DataFrame,
    group_by: str,
    column: str,
    job_evaluation: bool,
    framework: str,
    audit: EqualPayAudit,
    min_cell: int,
) -> list[str]:
    """Sentences on how equal work was identified: defaults taken, bands, the legal basis."""
    out = []
    if group_by == "auto" and column == "occupation":
        out.append(
            "This dataset records no grades, so employees in the same occupation are compared "
            "(group_by 'auto'); a job mapping can group jobs doing equal work instead."
        )
    bands = audit.table["basis"].eq("neighbouring grades").any()
    if column == "grade_group" and bands:
        out.append(
            "Some groups pool neighbouring grades (more grades than max_grade_groups); a band "
            "of several grades is not a group of "
            + ("work rated as equivalent." if framework == "GB" else "equal work.")
        )
    if column == "grade_group" and pay_plans(data) is not None:
        out.append(
            "Grades of different pay plans are kept apart: each group holds grades of one plan."
        )
    if job_evaluation and column == "grade_group":
        if framework == "GB":
            out.append(
                "The grades are declared to come from an analytical job evaluation scheme, so "
                "employees in the same grade do work rated as equivalent (Equality Act 2010, "
                "s.65(4))."
            )
        else:
            out.append(
                "The grades are declared to come from an analytical job evaluation scheme; "
                "groups of one grade are called the same job evaluation grade."
            )
    elif column == "grade_group":
        out.append(
            "The grades are not declared to come from a job evaluation scheme (parameter "
            "job_evaluation), so groups are described by their grades"
            + (", not as work rated as equivalent." if framework == "GB" else ".")
        )
    women, men = audit.not_recorded
    if women + men:
        out.append(
            f"{count_words(women + men, min_cell)} women and men have no recorded "
            f"{audit.not_recorded_label.removesuffix(' not recorded')}: they are listed as "
            f"{audit.not_recorded_label} and not compared."
        )
    if framework == "GB":
        out.append(
            "Equal work is as defined in the Equality Act 2010, s.65: like work, work rated as "
            "equivalent and work of equal value."
        )
    else:
        out.append(
            "This data is not declared to be from an employer in Great Britain, so groups are "
            "described, not named in the legal terms of equal work; the five-step method is "
            "followed as good practice."
        )
    return out


def _logib(
    data: pd.DataFrame,
) -> tuple[LogibResult | None, tuple[str, ...], tuple[str, ...], str, int]:
    """The regression, the factors it held, those the data lacks, why it did not run, and how
    many employees with a blank grade it leaves out."""
    grades = data["grade_group"].notna().any()
    absent: tuple[str, ...] = ()
    blank = data["grade_group"].isna() if grades else pd.Series(False, index=data.index)
    if blank.any():  # boolean selection copies every column: only when needed
        data = data[~blank]
    frame = workforce_logib_frame(data, requirement="grade_group" if grades else "occupation_group")
    service = "years_of_service" in frame
    experience = "potential_experience" in frame
    banded = grades and data["grade_group"].astype("string").str.contains("ranks ").any()
    factors = ("grade band" if banded else "grade" if grades else "occupation group",)
    factors += ("length of service",) * service + ("potential experience",) * experience
    if not service:
        absent += ("length of service (no start dates)",)
    if not experience:
        absent += ("experience (no ages)",)
    if not hours_known(data):
        absent += ("hours (annual pay as recorded is compared)",)
    try:
        result = logib_regression(
            frame,
            education=None,
            categorical=("requirement",),
            service="years_of_service" if service else None,
            experience="potential_experience" if experience else None,
        )
    except InputError as error:
        why = f"The Logib-style regression could not be fitted: {error}"
        return None, factors, absent, why, int(blank.sum())
    return result, factors, absent, "", int(blank.sum())


# ----------------------------------------------------------------------------- tables


def hide_counts(table: pd.DataFrame, cols, min_cell: int) -> pd.DataFrame:
    """``table`` with counts ``0 < n < min_cell`` in columns ``cols`` shown as ``[c]``."""
    out = table.copy()
    for c in cols:
        n = table[c]
        out[c] = n.astype("object").where(~((n > 0) & (n < min_cell)), C)
    return out


def hide_where(table: pd.DataFrame, cols, mask) -> pd.DataFrame:
    """``table`` with the cells of columns ``cols`` in rows where ``mask`` holds as ``[c]``."""
    out = table.copy()
    mask = np.asarray(mask, dtype=bool)
    for c in cols:
        out[c] = out[c].astype("object")
        out.loc[mask, c] = C
    return out


def readable(values: pd.Series) -> pd.Series:
    """Working-pattern codes as words (``full_time`` -> ``full time``)."""
    text = values.astype("string")
    return text.replace({"full_time": "full time", "part_time": "part time", "all": "everyone"})


def _sex_columns(codes) -> list[tuple[str, str, str]]:
    return [(str(c), SEX_LABELS.get(str(c), str(c)), "int") for c in codes]


def coverage_table(data: pd.DataFrame, min_cell: int) -> Table:
    """Employees by working pattern and sex, with totals (counts suppressed, complementary)."""
    known = has_values(data, "working_pattern")
    pattern = data["working_pattern"] if known else pd.Series("all", index=data.index)
    frame = pd.DataFrame({"working_pattern": readable(pattern).fillna("not recorded")})
    frame["sex"] = data["sex"]
    counts = tabulate.headcount_by_sex(frame, "working_pattern")
    hidden = disclosure.suppress_counts(counts, min_cell)
    table = hidden.table.reset_index()
    table.columns = [str(c) for c in table.columns]
    body = [c for c in table.columns if c not in ("working_pattern", disclosure.TOTAL_LABEL)]
    return Table(
        "audit_coverage",
        table,
        "Employees covered, by working pattern and sex"
        if known
        else "Employees covered, by sex (working pattern: not in the data)",
        columns(
            ("working_pattern", "Working pattern"),
            *_sex_columns(body),
            (disclosure.TOTAL_LABEL, "Total", "int"),
        ),
        notes=(hidden.note(),) if hidden.note() else (),
    )


_ABSENT_WHY = {
    "hourly": "not in the data (no hours)",
    "bonus": "not in the data",
    "allowances": "not in the data",
    "overtime": "not in the data",
}


def elements_table(audit: EqualPayAudit, data: pd.DataFrame) -> Table:
    """The pay elements compared and among whom; canonical elements the data lacks are listed
    as not in the data."""
    words = [element_words(e.name, audit) for e in audit.elements]
    rows = [
        (w, e.label, e.column, "those who receive it" if e.recipients_only else "everyone")
        for w, e in zip(words, audit.elements, strict=True)
    ]
    compared = {e.name for e in audit.elements}
    absent = [e for e in absent_elements(data) if e.name not in compared]
    rows += [
        (
            element_words(e.name, audit),
            _ABSENT_WHY.get(e.name, "not in the data"),
            "",
            "not compared",
        )
        for e in absent
    ]
    table = pd.DataFrame(rows, columns=["element", "description", "column", "compared"])
    caption = f"The {plural(len(audit.elements), 'pay element')} compared"
    if absent:
        caption += (
            f"; {join_words([element_words(e.name, audit) for e in absent])}: not in the data"
        )
    return Table(
        "audit_pay_elements",
        table,
        caption,
        columns(
            ("element", "Pay element"),
            ("description", "What is compared"),
            ("column", "Column in the data", "field"),
            ("compared", "Compared among"),
        ),
    )


def groups_table(audit: EqualPayAudit, min_cell: int) -> Table:
    """The equal-work groups, their basis and headcounts; employees with no group value (a
    blank grade) are listed last as not recorded."""
    groups = audit.group_summary("mean")[["group", "basis", "n_female", "n_male"]]
    women, men = audit.not_recorded
    if women + men:
        extra = pd.DataFrame(
            {
                "group": [audit.not_recorded_label],
                "basis": ["not compared"],
                "n_female": [women],
                "n_male": [men],
            }
        )
        groups = pd.concat([groups, extra], ignore_index=True)
    caption = (
        f"The {audit.n_groups:,} equal-work groups and their headcounts (counts below "
        f"{min_cell} shown as [c])"
    )
    if women + men:
        what = audit.not_recorded_label.removesuffix(" not recorded")
        caption += f"; last, employees whose {what} is not recorded (not compared)"
    return Table(
        "audit_groups",
        hide_counts(groups, ["n_female", "n_male"], min_cell),
        caption,
        columns(
            ("group", "Equal-work group"),
            ("basis", "Basis of comparison"),
            ("n_female", "Women", "int"),
            ("n_male", "Men", "int"),
        ),
    )


def mean_gaps_table(audit: EqualPayAudit, min_cell: int) -> Table:
    """Gap in each pay element per group, with the flags; small groups hidden."""
    shown, hidden = audit.publishable("mean", min_cell)
    shown = shown.drop(columns="basis")
    gaps = [c for c in shown.columns if c.startswith("gap_") and c != "flag_gap"]
    return Table(
        "audit_mean_gaps",
        shown,
        "Gap in mean pay within each equal-work group, by pay element (percent of men's pay); "
        "the flags count the mean and the median of every pay element with enough women and "
        "men to publish",
        columns(
            ("group", "Equal-work group"),
            ("n_female", "Women", "int"),
            ("n_male", "Men", "int"),
            *[
                (c, f"Gap: {element_words(c.removeprefix('gap_'), audit)} (%)", "float1", "%")
                for c in gaps
            ],
            ("flag_gap", f"Gap of {audit.gap_threshold:g}% or more"),
            ("pattern", f"Pattern of {audit.pattern_threshold:g}% or more"),
        ),
        notes=(hidden.note(),) if hidden.note() else (),
    )


def detail_table(audit: EqualPayAudit, min_cell: int, currency: str) -> Table:
    """Mean and median of the first pay element for women and men in each group, with gaps."""
    element = audit.elements[0]
    t = audit.table[audit.table["element"] == element.name]
    wide = t.pivot(index="group", columns="stat", values=["female", "male", "gap"])
    wide.columns = [f"{stat}_{what}" for what, stat in wide.columns]
    counts = t[t["stat"] == "mean"].set_index("group")[["n_female", "n_male"]]
    table = counts.join(wide).reset_index()
    order = ["group", "n_female", "n_male", "mean_female", "mean_male", "mean_gap"]
    order += ["median_female", "median_male", "median_gap"]
    table = table[order]
    smaller = table[["n_female", "n_male"]].min(axis=1)
    hidden = hide_where(table, order[3:], smaller < min_cell)
    hidden = hide_where(hidden, ["mean_female", "median_female"], table["n_female"] < min_cell)
    hidden = hide_where(hidden, ["mean_male", "median_male"], table["n_male"] < min_cell)
    money = "money2" if element.name == "hourly" else "money"
    return Table(
        f"audit_{element.name}_detail",
        hidden.drop(columns=["n_female", "n_male"]),  # headcounts: see audit_groups
        f"Women's and men's {element.label} in each group: mean, median and gaps (percent); "
        f"pay in {currency}",
        columns(
            ("group", "Equal-work group"),
            ("mean_female", "Women: mean", money, currency),
            ("mean_male", "Men: mean", money, currency),
            ("mean_gap", "Mean gap (%)", "float1", "%"),
            ("median_female", "Women: median", money, currency),
            ("median_male", "Men: median", money, currency),
            ("median_gap", "Median gap (%)", "float1", "%"),
        ),
        currency=currency,
    )


def receipt_table(audit: EqualPayAudit, min_cell: int, data: pd.DataFrame) -> Table | Note:
    """Share of women and men in each group receiving bonus / allowances."""
    measures = [c for c in audit.receipt if c.startswith("pct_")]
    if not measures:
        absent = [element_words(e.name, audit) for e in absent_elements(data)]
        absent = [w for w in absent if w != "hourly pay"]
        compared = join_words([element_words(e.name, audit) for e in audit.elements])
        return Note(
            "audit_receipt",
            f"{join_words(absent).capitalize()} {'is' if len(absent) == 1 else 'are'} not in "
            f"the data, so only {compared} {'is' if len(audit.elements) == 1 else 'are'} "
            "compared and no table of who receives such payments is shown.",
        )
    wide = audit.factors.pivot(index="group", columns="sex", values=["n", *measures])
    out = pd.DataFrame(index=wide.index)
    out["n_female"] = wide.get(("n", audit.compare), 0).fillna(0).astype(int)
    out["n_male"] = wide.get(("n", audit.reference), 0).fillna(0).astype(int)
    for c in measures:
        out[f"{c}_female"] = wide.get((c, audit.compare), np.nan)
        out[f"{c}_male"] = wide.get((c, audit.reference), np.nan)
    out = out.reset_index()
    women = [f"{c}_female" for c in measures]
    men = [f"{c}_male" for c in measures]
    hidden = hide_where(out, women, out["n_female"] < min_cell)
    hidden = hide_where(hidden, men, out["n_male"] < min_cell)
    hidden = hide_counts(hidden, ["n_female", "n_male"], min_cell)
    specs = []
    for c in measures:
        word = element_words(c.removeprefix("pct_"), audit).capitalize()
        specs += [
            (f"{c}_female", f"{word}: women (%)", "pct"),
            (f"{c}_male", f"{word}: men (%)", "pct"),
        ]
    return Table(
        "audit_receipt",
        hidden,
        "Percentage of women and of men in each group who received each payment",
        columns(
            ("group", "Equal-work group"),
            ("n_female", "Women", "int"),
            ("n_male", "Men", "int"),
            *specs,
        ),
    )


_FACTORS = (
    ("mean_service", "service", "Service", "float1", "years", "start dates", "Length of service"),
    ("mean_age", "age", "Age", "float1", "years", "age bands", "Age"),
    ("mean_hours", "hours", "Hours", "float1", "hours a week", "weekly hours", "Contracted hours"),
    ("mean_position", "position", "Pay position", "float2", "0 = bottom, 1 = top", "", ""),
    (
        "pct_part_time",
        "pct_part_time",
        "Part time",
        "pct",
        "%",
        "working pattern",
        "Part-time work",
    ),
)


def factors_table(audit: EqualPayAudit, min_cell: int) -> Table:
    """Contributing factors by group, for the factors the data records; absent ones noted."""
    f = audit.factors
    wide = f.pivot(index="group", columns="sex", values=["n", *[m[0] for m in _FACTORS]])
    out = pd.DataFrame(index=wide.index)
    out["n_female"] = wide.get(("n", audit.compare), 0).fillna(0).astype(int)
    out["n_male"] = wide.get(("n", audit.reference), 0).fillna(0).astype(int)
    specs, notes, words = [], [], []
    for measure, key, label, fmt, unit, source, word in _FACTORS:
        if f[measure].isna().all():
            notes.append(f"{word}: not in the data (no {source}).")
            continue
        out[f"{key}_female"] = wide.get((measure, audit.compare), np.nan)
        out[f"{key}_male"] = wide.get((measure, audit.reference), np.nan)
        specs += [
            (f"{key}_female", f"{label}: women", fmt, unit),
            (f"{key}_male", f"{label}: men", fmt, unit),
        ]
        words.append(
            {
                "service": "average service (years)",
                "age": "average age (years, from age-band mid-points)",
                "hours": "contracted weekly hours",
                "position": "position in the group's pay range (0 = bottom, 1 = top)",
                "pct_part_time": "share working part time",
            }[key]
        )
    out = out.reset_index()
    women = [s[0] for s in specs if s[0].endswith("_female")]
    men = [s[0] for s in specs if s[0].endswith("_male")]
    hidden = hide_where(out, women, out["n_female"] < min_cell)
    hidden = hide_where(hidden, men, out["n_male"] < min_cell)
    return Table(
        "audit_factors",
        hidden.drop(columns=["n_female", "n_male"]),  # headcounts: see audit_groups
        f"Possible contributing factors by group: {join_words(words)}",
        columns(("group", "Equal-work group"), *specs),
        notes=tuple(notes),
    )


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def logib_table(
    result: LogibResult,
    factors: tuple[str, ...],
    absent: tuple[str, ...],
    annual: bool = False,
    left_out: str = "",
) -> Table:
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
    regressors = [
        {"potential experience": "potential experience (and its square)"}.get(f, f) for f in factors
    ]
    notes = [result.rating_text]
    if absent:
        notes.append(f"Not in the data, so not in the model: {join_words(list(absent))}.")
    if left_out:
        notes.append(f"{left_out} employees with no recorded grade are left out of the model.")
    return Table(
        "audit_logib",
        pd.DataFrame(rows, columns=["measure", "value"]),
        f"Logib-style regression of log {'annual' if annual else 'full-time-equivalent'} "
        "basic pay on "
        f"{join_words([*regressors, 'sex'])}",
        columns(("measure", "Measure"), ("value", "Value")),
        notes=tuple(notes),
    )


def action_table(audit: EqualPayAudit, min_cell: int) -> Table | Note:
    """The action list (groups with at least ``min_cell`` women and men only)."""
    table = audit.action_list(min_cell)
    hidden = audit.n_hidden_flags(min_cell)
    notes = (
        (
            f"{hidden:,} further flagged comparison(s) rest on fewer than {min_cell} women or "
            f"men{recipients_words(audit)} and are not listed; HR should review them from the "
            "unpublished data.",
        )
        if hidden
        else ()
    )
    if table.empty:
        return Note(
            "audit_actions",
            "No publishable comparison is flagged, so there is no action list."
            + (" " + notes[0] if notes else ""),
        )
    words = table["element"].map(lambda e: element_words(e, audit))
    table["largest"] = words + " (" + table["stat"] + ")"
    table = table.drop(columns=["element", "stat"])
    return Table(
        "audit_actions",
        table,
        f"Action list: {len(table):,} group(s) with a flag, largest gap first",
        columns(
            ("priority", "Priority", "int"),
            ("group", "Equal-work group"),
            ("n_female", "Women", "int"),
            ("n_male", "Men", "int"),
            ("gap", "Largest gap (%)", "float1", "%"),
            ("largest", "In"),
            ("direction", "Direction"),
            ("elements", "Flagged pay elements"),
            ("finding", "Finding"),
            ("check", "Check first"),
        ),
        row_header="group",
        notes=notes,
    )


# ----------------------------------------------------------------------------- figure


def gaps_figure(audit: EqualPayAudit, min_cell: int, source: str) -> Figure | Note:
    """Mean gap in the first pay element per publishable group, with the flag thresholds."""
    element = audit.elements[0].name
    words = f"mean {element_words(element, audit)}"
    t = audit.comparable(min_cell)
    t = t[(t["element"] == element) & (t["stat"] == "mean")].sort_values("gap")
    if t.empty:
        return Note(
            "audit_basic_gaps",
            f"No group has at least {min_cell} women and {min_cell} men, so no gap in {words} "
            "is charted.",
        )
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(t) + 1.5))
    y = np.arange(len(t))
    colours = np.where(t["gap"] >= 0, SEX_PALETTE["M"], SEX_PALETTE["F"])
    ax.barh(y, t["gap"], color=colours)
    for x in (audit.gap_threshold, -audit.gap_threshold):
        ax.axvline(x, color="#333333", linestyle="--", linewidth=1)
    for x in (audit.pattern_threshold, -audit.pattern_threshold):
        ax.axvline(x, color="#767676", linestyle=":", linewidth=1)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, t["group"].astype(str))
    ax.set_xlabel(f"Gap in {words}: men minus women, % of men's")
    ax.set_ylabel("Equal-work group")
    n_flag = int(t["flag_gap"].sum())
    ax.set_title(
        f"{n_flag} group(s) have a gap in {words} of {audit.gap_threshold:g}% or more"
        if n_flag
        else f"No group has a gap in {words} of {audit.gap_threshold:g}% or more"
    )
    source_note(ax, source)
    widest = t.loc[t["gap"].abs().idxmax()]
    alt = (
        f"Bar chart of the gap in {words} (men minus women, percent of men's pay) in each of "
        f"{len(t):,} equal-work groups with at least {min_cell} women and {min_cell} men, with "
        f"dashed lines at plus and minus {audit.gap_threshold:g}% and dotted lines at plus and "
        f"minus {audit.pattern_threshold:g}%. {n_flag:,} group(s) reach "
        f"{audit.gap_threshold:g}%; the widest gap is {fmt_pct(widest['gap'])} in "
        f"{widest['group']} ({widest['direction']})."
    )
    return Figure("audit_basic_gaps", fig, alt, table="audit_mean_gaps")


# ----------------------------------------------------------------------------- build


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    job_mapping: pd.DataFrame | None = None,
    group_by: str = "auto",
    job_evaluation: bool = False,
    job_column: str = "occupation",
    max_grade_groups: int = 15,
    gap_threshold: float = 5.0,
    pattern_threshold: float = 3.0,
    min_pattern: int = 2,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    run_logib: bool = True,
) -> EqualPayAuditReport:
    """Run the equal pay audit on ``data`` and build its report.

    Parameters
    ----------
    data
        Canonical workforce table.
    source
        Where the data came from (title block, chart source line, legal framing: the Equality
        Act's terms only when ``source.framework == "GB"``).
    job_mapping
        Jobs mapped to equal-work groups, a table ``job, group, basis``
        (:func:`research.data.structures.read_job_mapping`); overrides ``group_by``.
    group_by
        How equal work is identified without a mapping: one of :data:`GROUP_BY`; ``"auto"``
        groups by grade when the data records grades, else by occupation. With more than
        ``max_grade_groups`` grades, grades are pooled into bands of neighbouring grades (within
        each pay plan when a ``pay_plan`` column records several). Employees with a blank value
        are counted as not recorded and not compared.
    job_evaluation
        The grades come from an analytical job evaluation scheme (the user's declaration): a
        group of one grade is then work *rated as equivalent* (Equality Act 2010 s.65; in Great
        Britain only), otherwise the same grade. A band of several grades is never equivalent.
    job_column
        Column holding the job named in the job mapping.
    gap_threshold, pattern_threshold, min_pattern
        Flag rules (:func:`research.audit.equal_pay_audit`).
    min_cell
        Smallest number of women or men behind any published figure.
    run_logib
        Run the Logib-style regression test of the whole workforce.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    source = source or Source("data given directly")
    frame = with_groupings(data, max_grade_groups=max_grade_groups)
    mapping = job_mapping_table(job_mapping) if job_mapping is not None else None
    column, group_words, short, basis = _grouping(
        frame, group_by, mapping, job_evaluation, source.framework
    )
    audit = equal_pay_audit(
        frame,
        group_by=column or "grade",
        mapping=mapping,
        job=job_column,
        gap_threshold=gap_threshold,
        pattern_threshold=pattern_threshold,
        min_pattern=min_pattern,
        basis=basis,
    )
    left_out = 0
    if run_logib:
        logib, factors, absent, why, left_out = _logib(frame)
    else:
        logib, factors, absent = None, (), ()
        why = "The Logib-style regression test was not run (parameter run_logib is off)."
    notes = _grouping_notes(
        frame, group_by, column, job_evaluation, source.framework, audit, min_cell
    )
    chart_source = f"{source.label}; research workbench equal pay audit"
    sections = (
        Section(
            "coverage",
            "Step 1: who does the audit cover, and which pay does it compare?",
            (coverage_table(data, min_cell), elements_table(audit, data)),
        ),
        Section(
            "groups",
            "Step 2: which employees do equal work?",
            (groups_table(audit, min_cell), Note("audit_grouping", " ".join(notes))),
        ),
        Section(
            "gaps",
            "Step 3: are women and men in each group paid the same?",
            (
                mean_gaps_table(audit, min_cell),
                gaps_figure(audit, min_cell, chart_source),
                detail_table(audit, min_cell, source.currency),
                receipt_table(audit, min_cell, data),
            ),
        ),
        Section(
            "factors",
            "Step 4: what might explain the gaps?",
            (factors_table(audit, min_cell),),
        ),
        Section(
            "logib",
            "Is there a pay difference across the whole workforce once other factors are equal?",
            (
                logib_table(
                    logib,
                    factors,
                    absent,
                    annual=not audit.hours_known,
                    left_out=count_words(left_out, min_cell) if left_out else "",
                )
                if logib is not None
                else Note("audit_logib", why),
            ),
        ),
        Section(
            "actions",
            "Step 5: which groups should the council investigate first?",
            (action_table(audit, min_cell),),
        ),
    )
    sections, protected = published.protect(
        sections,
        frame,
        audit,
        mapping=mapping,
        job_column=job_column,
        min_cell=min_cell,
        source=source,
    )
    sections += (
        Section(
            "disclosure",
            "How are small numbers protected?",
            (Note("disclosure_audit", protected.note()),),
        ),
    )
    return EqualPayAuditReport(
        title=title_block(
            data, "Equal pay audit", source, details=(("Equal work identified by", short),)
        ),
        findings=findings(
            audit_findings(
                audit,
                min_cell,
                group_words,
                logib,
                factors,
                absent,
                why,
                auto_occupation=mapping is None and group_by == "auto" and column == "occupation",
            )
        ),
        sections=sections,
        results={"audit": audit, "logib": logib, "disclosure_audit": protected.audit},
    )
