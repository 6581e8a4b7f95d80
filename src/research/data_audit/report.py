"""The data audit report: ``build(data, ...) -> DataAuditReport`` for ``notebooks/00_data_audit.ipynb``.

What is in a workforce extract, what ingest rejected and why, how complete each column is, who
is in the workforce, pay and hours of women and men, and what looks wrong. What ingest did comes
in as plain data: ``ingest`` is the ingest summary (a dict with ``counts``, ``problems`` and
``full_time_hours``, as the data layer writes it) and ``quarantine`` the quarantined rows (only
counted: their contents are sensitive and never reach a report).

The data profile (:mod:`research.data.profile`: what the data hold, stored with the dataset at ingest
as ``ingest["profile"]``, measured from ``data`` when the summary has none) comes first.

Sections, each a question: ``profile`` (what the data hold and what that means for the other
reports), ``ingest`` (rows read, accepted and quarantined), ``completeness``,
``workforce`` (headcounts and women's share by occupation), ``pay`` (pay and hours by sex) and
``quality`` (warnings about rows that were kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from research.core.source import Source
from research.data.profile import DataProfile, profile
from research.data_audit.quality import completeness, quality_checks
from research.present import counted, disclosure, plots, tabulate
from research.present.formats import fmt_int, fmt_money, fmt_pct
from research.present.report import Figure, Finding, Note, Report, Section, Table, columns, findings
from research.present.wording import count_words, plural, title_block

__all__ = [
    "HEADCOUNT_TABLES",
    "DataAuditReport",
    "build",
    "data_profile",
    "headcount",
    "overview",
]

#: (grouping, table name, title) of the headcount tables the audit shows, in order.
HEADCOUNT_TABLES: tuple[tuple[str, str, str], ...] = (
    ("all", "headcount_overall", "All employees"),
    ("working_pattern", "headcount_by_working_pattern", "Working pattern"),
    ("grade", "headcount_by_grade", "Grade"),
    ("occupation", "headcount_by_occupation", "Occupation"),
)
SEX_COLUMNS = {**plots.SEX_LABELS, "Total": "Total"}
#: Label of blank grades in the grade headcount (listed last).
NOT_RECORDED = "Not recorded"


class DataAuditReport(Report):
    """The data audit: ingest accounting, completeness, headcounts, pay and hours, warnings.

    ``results`` holds ``profile`` (the :class:`~research.data.profile.DataProfile`), ``overview``
    (the headline numbers, small groups as ``None``), ``completeness`` and ``quality`` (the full
    check tables).
    """


# ----------------------------------------------------------------------------- computations


def _known(data: pd.DataFrame, column: str) -> bool:
    return column in data and bool(data[column].notna().any())


def hours_recorded(data: pd.DataFrame) -> bool:
    """Whether working hours (and so hourly pay) are recorded."""
    return _known(data, "weekly_hours") and _known(data, "hourly_pay")


def _grade_labels(data: pd.DataFrame, max_grade_groups: int) -> pd.Series:
    """Each employee's grade (or band of grades) as the headcount shows it; blanks "Not
    recorded"."""
    graded = data["grade"].astype("string").str.strip().fillna("") != ""
    groups = pd.Series(NOT_RECORDED, index=data.index, dtype="string")
    groups[graded] = tabulate.grade_groups(
        data[graded], max_groups=max_grade_groups, population=data
    )
    return groups


def headcount(
    data: pd.DataFrame,
    by: str,
    *,
    occupation_level: str = "occupation",
    top_n: int = 25,
    max_grade_groups: int = 30,
) -> pd.DataFrame | None:
    """Headcount by sex for one of the audit's groupings, or ``None`` when the data lack it.

    ``by`` is ``"all"``, ``"working_pattern"``, ``"grade"`` (grades in rank order, pooled into bands
    of ranks when there are more than ``max_grade_groups``; blank grades last as "Not recorded") or ``"occupation"`` (the column named by
    ``occupation_level``; the ``top_n`` largest shown and the rest pooled as "All other").
    """
    if by == "all":
        frame = data.assign(all="All employees")
        return tabulate.headcount_by_sex(frame, "all").rename_axis("group")
    if by == "grade":
        if not _known(data, "grade"):
            return None
        groups = _grade_labels(data, max_grade_groups)
        counts = tabulate.headcount_by_sex(data.assign(grade_group=groups), "grade_group")
        order = [g for g in counts.index if g != NOT_RECORDED] + [
            g for g in counts.index if g == NOT_RECORDED
        ]
        return counts.loc[order].rename_axis("grade")
    if by == "occupation":
        if not _known(data, occupation_level):
            return None
        labels = tabulate.occupation_labels(data, occupation_level)
        frame = data.assign(occ=tabulate.lump_rare(labels, top_n))
        counts = tabulate.headcount_by_sex(frame, "occ").rename_axis(occupation_level)
        order = counts.sum(axis=1).sort_values(ascending=False, kind="stable").index
        others = [i for i in order if i == "All other"]
        return counts.loc[[i for i in order if i != "All other"] + others]
    if not _known(data, by):
        return None
    return tabulate.headcount_by_sex(data, by)


def _counts(
    data: pd.DataFrame, ingest: Mapping[str, Any] | None, quarantine: pd.DataFrame | None
) -> dict[str, int] | None:
    """Rows read, accepted and quarantined, from the ingest summary (or the quarantine)."""
    if ingest is not None and "counts" in ingest:
        return {k: int(ingest["counts"][k]) for k in ("read", "accepted", "quarantined")}
    if quarantine is not None:
        n_bad = len(quarantine)
        return {"read": len(data) + n_bad, "accepted": len(data), "quarantined": n_bad}
    return None


def data_profile(
    data: pd.DataFrame, source: Source, ingest: Mapping[str, Any] | None = None
) -> DataProfile:
    """The data profile: the one stored at ingest (``ingest["profile"]``), else measured live.

    A stored profile of a different number of rows (a subset of the dataset) is measured again
    from ``data``. Currency, jurisdiction and framework always come from ``source``.
    """
    stored = (ingest or {}).get("profile")
    if stored:
        found = DataProfile.from_dict(stored)
        if found.n_rows == len(data):
            return replace(
                found,
                currency=source.currency,
                jurisdiction=source.jurisdiction.strip(),
                framework=source.framework,
            )
    return profile(data, source)


def overview(
    data: pd.DataFrame,
    *,
    counts: Mapping[str, int] | None = None,
    currency: str = "GBP",
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
) -> dict[str, Any]:
    """Headline numbers of the audit, with small groups suppressed (``None``).

    The median is of hourly pay when hours are recorded, else of annual (FTE) basic pay
    (``pay`` names which); the part-time shares are ``None`` without working patterns.
    """
    sex = data["sex"].astype("string")
    n_f, n_m = int((sex == "F").sum()), int((sex == "M").sum())
    binary = data[sex.isin(["F", "M"]).to_numpy()]
    groups = binary["sex"].astype("string")
    pay = "hourly_pay" if hours_recorded(data) else "annual_basic_pay"
    medians = binary.groupby(groups)[pay].median()
    enough = {"F": n_f >= min_cell, "M": n_m >= min_cell}
    if _known(data, "working_pattern"):
        part_time = binary.groupby(groups)["working_pattern"].apply(
            lambda s: 100 * (s.astype("string") == "part_time").mean()
        )
        pct_part_time = {k: float(part_time.get(k)) if enough[k] else None for k in ("F", "M")}
    else:
        pct_part_time = {"F": None, "M": None}
    return {
        "currency": currency,
        "counts": dict(counts) if counts is not None else None,
        "n_female": n_f,
        "n_male": n_m,
        "n_other": int(len(data) - n_f - n_m),
        "pct_female": 100 * n_f / (n_f + n_m) if n_f + n_m else float("nan"),
        "pay": pay,
        "median_pay": {
            k: float(medians.get(k)) if enough[k] and k in medians else None for k in ("F", "M")
        },
        "pct_part_time": pct_part_time,
        "has_hours": pay == "hourly_pay",
        "has_grades": _known(data, "grade"),
        "min_cell": min_cell,
    }


# ----------------------------------------------------------------------------- findings


def key_findings(facts: Mapping[str, Any], held: DataProfile | None = None) -> list[Finding]:
    """Three to seven plain sentences, each with its number; absent inputs said to be absent.

    With a data profile (``held``), missing working hours lead, in the profile's words, and blank
    grades are stated.
    """
    out: list[Finding] = []
    if held is not None and held.hours == "none":
        out.append(Finding(held.sentence("hours", facts["min_cell"]), key="no_hours"))
    counts = facts["counts"]
    if counts is not None:
        out.append(
            Finding(
                f"The extract had {fmt_int(counts['read'])} rows: {fmt_int(counts['accepted'])} "
                f"were accepted and {fmt_int(counts['quarantined'])} quarantined with a reason.",
                value=counts["read"],
                key="rows_read",
            )
        )
    else:
        out.append(
            Finding(
                "No ingest summary was given, so the rows read and quarantined are not known.",
                key="no_ingest",
            )
        )
    n_binary = facts["n_female"] + facts["n_male"]
    n_other, min_cell = facts["n_other"], facts["min_cell"]
    other = (
        f"; {count_words(n_other, min_cell)} more have another or no recorded sex."
        if n_other
        else "."
    )
    out.append(
        Finding(
            f"Women are {fmt_pct(facts['pct_female'])} of the {fmt_int(n_binary)} employees "
            f"recorded as women or men{other}",
            value=facts["pct_female"],
            key="pct_female",
        )
    )
    med = facts["median_pay"]
    if med["F"] is not None and med["M"] is not None:
        fte = held is None or held.fte != "none"
        what = (
            "hourly pay"
            if facts["has_hours"]
            else ("annual basic pay (full-time equivalent)" if fte else "annual basic pay")
        )
        money = facts["currency"]
        digits = 2 if facts["has_hours"] else 0
        out.append(
            Finding(
                f"Median {what} is {fmt_money(med['F'], money, digits)} for women and "
                f"{fmt_money(med['M'], money, digits)} for men (no uncertainty: this is the whole "
                "workforce, not a sample).",
                value=med["F"],
                key="median_pay",
            )
        )
    if not facts["has_hours"] and (held is None or held.hours != "none"):
        out.append(
            Finding(
                "The data record no working hours: hourly pay cannot be worked out, so pay is "
                "compared as annual full-time-equivalent pay.",
                key="no_hours",
            )
        )
    pt = facts["pct_part_time"]
    if pt["F"] is not None and pt["M"] is not None:
        out.append(
            Finding(
                f"{fmt_pct(pt['F'])} of women and {fmt_pct(pt['M'])} of men work part time.",
                value=pt["F"],
                key="part_time",
            )
        )
    if not facts["has_grades"]:
        out.append(
            Finding(
                "The data record no grades, so no analysis by grade is possible.", key="no_grades"
            )
        )
    elif held is not None and held.grades == "some":
        blank = held.n_grade_blank
        out.append(
            Finding(
                held.sentence("grades", facts["min_cell"]),
                value=blank if blank >= facts["min_cell"] else None,
                key="blank_grades",
            )
        )
    return out


# ----------------------------------------------------------------------------- sections


def _profile_section(held: DataProfile, *, stored: bool, min_cell: int) -> Section:
    items = held.items(min_cell)
    table = pd.DataFrame(
        {
            "item": [i.label for i in items],
            "held": [i.held for i in items],
            "detail": [i.detail for i in items],
            "consequence": [i.consequence for i in items],
        }
    )
    absent = [i.label[0].lower() + i.label[1:] for i in items if i.held == "No"]
    missing = f"Not in the data: {', '.join(absent)}." if absent else "Every item is in the data."
    where = (
        "measured at ingest and stored with the dataset"
        if stored
        else "measured from the data, as the dataset has no stored profile"
    )
    return Section(
        "profile",
        "What does the data hold?",
        (
            Table(
                "data_profile",
                table,
                f"What the {held.n_rows:,} accepted rows hold and what it means for the other "
                f"reports ({where}). {missing}",
                columns(
                    ("item", "Item"),
                    ("held", "In the data"),
                    ("detail", "Detail"),
                    ("consequence", "Consequence for the reports"),
                ),
                notes=('"Not in the data" means no row has a value: it is never counted as zero.',),
            ),
        ),
    )


def _ingest_section(counts: dict[str, int] | None, problems: pd.DataFrame | None) -> Section:
    title = "What was read and what was kept?"
    if counts is None:
        text = "No ingest summary was given: the rows read and quarantined are not known."
        return Section(
            "ingest",
            title,
            (Note("row_accounting", text), Note("quarantine_reasons", text)),
        )
    accounting = pd.DataFrame(
        {
            "stage": ["Read from the source", "Accepted into the analysis", "Quarantined"],
            "rows": [counts["read"], counts["accepted"], counts["quarantined"]],
        }
    )
    items: list = [
        Table(
            "row_accounting",
            accounting,
            "Rows read, accepted and quarantined (read = accepted + quarantined).",
            columns(("stage", "Stage"), ("rows", "Rows", "int")),
        )
    ]
    if problems is None or problems.empty:
        if counts["quarantined"]:
            text = "The ingest summary lists no reasons for the quarantined rows."
        else:
            text = "No row was quarantined: every row passed validation."
        items.append(Note("quarantine_reasons", text))
    else:
        # The examples kept in the ingest summary can hold identifiers: never published.
        reasons = problems[["column", "problem", "n_rows", "fix"]].sort_values(
            "n_rows", ascending=False, kind="stable"
        )
        items.append(
            Table(
                "quarantine_reasons",
                reasons,
                "Why rows were quarantined, most frequent first (a row can have several reasons).",
                columns(
                    ("column", "Column", "field"),
                    ("problem", "Problem"),
                    ("n_rows", "Rows", "int"),
                    ("fix", "How to fix it"),
                ),
            )
        )
    return Section("ingest", title, tuple(items))


def _completeness_section(table: pd.DataFrame) -> Section:
    shown = table.drop(columns="meaning")
    absent = int((shown["n_present"] == 0).sum())
    return Section(
        "completeness",
        "How complete is each column?",
        (
            Table(
                "completeness",
                shown,
                f"Rows with a value in each canonical column; {absent} of {len(shown)} columns "
                "hold no value.",
                columns(
                    ("column", "Column", "field"),
                    ("required", "Required", "yesno"),
                    ("n_present", "Rows with a value", "int"),
                    ("pct_present", "% with a value", "pct", "%"),
                ),
            ),
        ),
    )


def _grouping(
    data: pd.DataFrame, by: str, *, occupation_level: str, top_n: int, max_grade_groups: int
) -> tuple[str | None, pd.Series | None]:
    """The raw column a headcount table groups and its row labels per employee."""
    if by == "grade":
        return "grade", _grade_labels(data, max_grade_groups)
    if by == "occupation":
        labels = tabulate.lump_rare(tabulate.occupation_labels(data, occupation_level), top_n)
        return occupation_level, labels
    if by == "all":
        return None, None
    return by, data[by]


def _count_table(
    data: pd.DataFrame, name: str, hidden: disclosure.Suppressed, column: str | None, labels
) -> counted.CountTable:
    """A headcount table (groups x sex, with margins) as disclosure control needs to know it."""
    table = hidden.table.reset_index()
    key = table.columns[0]
    sexes = {c: {"sex": c} for c in table.columns[1:] if c != disclosure.TOTAL_LABEL}
    if disclosure.TOTAL_LABEL in table:
        sexes[disclosure.TOTAL_LABEL] = {}
    if column is None:
        return counted.CountTable(
            name, table, {}, counts=sexes, primary=hidden.primary.reset_index(drop=True)
        )
    labels, values = tabulate.distinct_pairs(labels, data[column])  # not every row's text
    covered = counted.members(labels.astype("string").fillna("(missing)"), values)
    listed = [label for label in table[key] if label != disclosure.TOTAL_LABEL]
    covered[disclosure.TOTAL_LABEL] = counted.total_members(covered, listed)
    return counted.CountTable(
        name,
        table,
        {key: column},
        counts=sexes,
        members={key: covered},
        primary=hidden.primary.reset_index(drop=True),
    )


def _headcount_tables(
    data: pd.DataFrame,
    *,
    min_cell: int,
    occupation_level: str,
    top_n: int,
    max_grade_groups: int,
) -> list:
    """The headcount tables after each table's own suppression, declared for the audit; a
    :class:`Note` for a grouping the data lack."""
    out: list = []
    for by, name, title in HEADCOUNT_TABLES:
        counts = headcount(
            data,
            by,
            occupation_level=occupation_level,
            top_n=top_n,
            max_grade_groups=max_grade_groups,
        )
        what = title.lower() if by != "occupation" else occupation_level.replace("_", " ")
        if counts is None:
            out.append(Note(name, f"This dataset records no {what}, so no headcount by it."))
            continue
        hidden = disclosure.suppress_counts(counts, min_cell, margins=len(counts) > 1)
        column, labels = _grouping(
            data,
            by,
            occupation_level=occupation_level,
            top_n=top_n,
            max_grade_groups=max_grade_groups,
        )
        out.append((by, what, _count_table(data, name, hidden, column, labels)))
    return out


def _headcount_items(declared: list, protected: counted.Protected) -> list:
    items: list = []
    for entry in declared:
        if isinstance(entry, Note):
            items.append(entry)
            continue
        by, what, declaration = entry
        table = protected[declaration.name]
        key = table.columns[0]
        specs = [(key, what.capitalize() if by != "all" else "Group")]
        specs += [(c, SEX_COLUMNS.get(c, str(c)), "int") for c in table.columns[1:]]
        heading = (
            "Headcount of all employees by sex" if by == "all" else f"Headcount by {what} and sex"
        )
        hidden = int((table.iloc[:, 1:].astype(object) == disclosure.SUPPRESSED).to_numpy().sum())
        caption = f"{heading}. {_hidden_words(hidden, protected.audit.min_cell)}".strip()
        items.append(Table(declaration.name, table, caption, columns(*specs)))
    return items


def _hidden_words(hidden: int, min_cell: int) -> str:
    if not hidden:
        return ""
    return (
        f"{plural(hidden, 'count')} shown as {disclosure.SUPPRESSED}: fewer than {min_cell} "
        "people, or hidden so that other numbers of this report cannot reveal one that is."
    )


def _share_table(
    data: pd.DataFrame, *, min_cell: int, occupation_level: str, top_n: int
) -> counted.CountTable | None:
    """Women's share of the largest groups, declared for the audit (``None``: no groups).

    Groups where a share would reveal fewer than ``min_cell`` people of any sex are left out;
    the column ``n_binary`` (women and men, the share's denominator) is for the audit only and
    is not published.
    """
    counts = headcount(data, "occupation", occupation_level=occupation_level, top_n=10**6)
    if counts is None:
        return None
    shares = tabulate.shares_by_sex(counts)
    binary = counts.reindex(columns=["F", "M"], fill_value=0)
    # no small count can be worked out: a precise share of women among women and men, beside
    # the group's total, gives away the number of other sexes too
    safe = ((counts == 0) | (counts >= min_cell)).all(axis=1)
    shares = shares[safe & shares["pct_female"].notna()].assign(n_binary=binary.sum(axis=1))
    shown = shares.nlargest(top_n, "total").sort_values("pct_female")
    table = shown.rename_axis("group").reset_index()
    table = table.assign(group=table["group"].astype(str))[
        ["group", "total", "pct_female", "n_binary"]
    ]
    labels, values = tabulate.distinct_pairs(
        tabulate.occupation_labels(data, occupation_level), data[occupation_level]
    )
    labels = labels.astype("string")
    return counted.CountTable(
        "share_by_occupation",
        table,
        {"group": occupation_level},
        counts={"total": {}},
        shares={"pct_female": counted.Share({"sex": "F"}, "n_binary", rest={"sex": "M"})},
        members={"group": counted.members(labels.fillna("(missing)"), values)},
    )


def _share_items(
    table: pd.DataFrame | None, *, occupation_level: str, overall: float, note: str, min_cell: int
) -> list:
    """The share table and its chart, without the groups disclosure control hid."""
    if table is None:
        return []
    label = occupation_level.replace("_", " ").capitalize()
    table = table[~table.isin([disclosure.SUPPRESSED]).any(axis=1)]
    table = table.drop(columns="n_binary").reset_index(drop=True)
    if len(table) < 2:
        return [
            Note(
                "female_share_by_occupation",
                f"Women's share by {label.lower()} is not charted: fewer than two groups are large "
                "enough to show.",
            )
        ]
    table = table.astype({"total": "int64", "pct_female": "float64"})
    shown = table.set_index("group")
    ax = plots.female_share_bars(shown, label=label, overall=overall, top=len(shown))
    ax.set_title(f"Women's share in the {len(shown)} largest groups by {label.lower()}")
    plots.source_note(ax, note)
    low, high = table.iloc[0], table.iloc[-1]
    return [
        Table(
            "share_by_occupation",
            table,
            f"Women's share of the {len(shown)} largest groups by {label.lower()}, lowest share "
            f"first; groups where a share would reveal fewer than {min_cell} people of one sex, or "
            "a number another table of this report hides, are left out.",
            columns(
                ("group", label),
                ("total", "Employees", "int"),
                ("pct_female", "Women (%)", "pct", "%"),
            ),
        ),
        Figure(
            "female_share_by_occupation",
            ax,
            f"Bars of women's share in the {len(shown)} largest groups by {label.lower()} "
            f"against {fmt_pct(overall)} overall: from {fmt_pct(low['pct_female'])} "
            f"({low['group']}) to {fmt_pct(high['pct_female'])} ({high['group']}).",
            "share_by_occupation",
        ),
    ]


def _measures(currency: str, *, fte: bool = True) -> tuple[tuple[str, str], ...]:
    """The columns the pay and hours table describes, with their labels (annual pay as full-time
    equivalent only when FTE is in the data)."""
    return (
        ("hourly_pay", f"Hourly pay ({currency})"),
        ("annual_basic_pay", f"Annual basic pay{', FTE' if fte else ''} ({currency})"),
        ("weekly_hours", "Weekly hours"),
    )


def pay_and_hours(
    data: pd.DataFrame,
    *,
    currency: str = "GBP",
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    fte: bool = True,
) -> pd.DataFrame:
    """Hourly pay, FTE annual basic pay and weekly hours of women and men, small groups hidden.

    A measure with no recorded value has no rows. ``fte=False`` (FTE not in the data): annual
    basic pay is labelled as recorded, not as full-time equivalent.
    """
    frames = []
    for value, label in _measures(currency, fte=fte):
        if _known(data, value):
            frames.append(tabulate.summary_by_sex(data, value).assign(measure=label))
    table = pd.concat(frames, ignore_index=True)
    table = table[["measure", "sex", "n", "mean", "median", "p10", "p90"]]
    hidden = disclosure.suppress_statistics(table, "n", ["mean", "median", "p10", "p90"], min_cell)
    shown = hidden.table
    shown["sex"] = shown["sex"].map(lambda s: plots.SEX_LABELS.get(s, s))
    return shown


def _pay_count_table(
    data: pd.DataFrame, *, currency: str, min_cell: int, fte: bool = True
) -> counted.CountTable:
    """The pay and hours table declared for the audit: each row counts the women (or men) with
    a value of its measure."""
    table = pay_and_hours(data, currency=currency, min_cell=min_cell, fte=fte)
    codes = {label: code for code, label in plots.SEX_LABELS.items()}
    known = {
        label: counted.subpopulation(data[column].notna().to_numpy())
        for column, label in _measures(currency, fte=fte)
        if column in data
    }
    return counted.CountTable(
        "pay_and_hours_by_sex",
        table,
        {},
        counts={"n": {}},
        row_conditions=[
            (("sex", codes.get(sex, sex)), *known.get(measure, ()))
            for sex, measure in zip(table["sex"], table["measure"], strict=True)
        ],
        statistics={"n": ["mean", "median", "p10", "p90"]},
    )


def _pay_section(
    data: pd.DataFrame,
    *,
    table: pd.DataFrame,
    currency: str,
    min_cell: int,
    note: str,
    fte: bool = True,
) -> Section:
    hours = hours_recorded(data)
    basis = "annual full-time-equivalent basic pay" if fte else "annual basic pay as recorded"
    caveat = (
        ""
        if hours
        else " Working hours are not in the data, so there is no hourly pay or weekly hours: pay "
        f"is {basis}."
    )
    items: list = [
        Table(
            "pay_and_hours_by_sex",
            table,
            f"Pay and hours of women and men (n = employees with a value; mean, median and 10th "
            f"and 90th percentiles).{caveat}",
            columns(
                ("measure", "Measure"),
                ("sex", "Sex"),
                ("n", "Employees", "int"),
                ("mean", "Mean", "float2"),
                ("median", "Median", "float2"),
                ("p10", "10th percentile", "float2"),
                ("p90", "90th percentile", "float2"),
            ),
            currency=currency,
        )
    ]
    panels = (
        [
            ("hourly_pay", "Hourly pay", f"Hourly pay ({currency})"),
            ("weekly_hours", "Weekly hours", "Contracted weekly hours"),
        ]
        if hours
        else [
            (
                "annual_basic_pay",
                "Annual basic pay (FTE)" if fte else "Annual basic pay",
                f"Annual basic pay ({currency})",
            )
        ]
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False)
    for ax, (column, title, xlabel) in zip(axes[0], panels, strict=True):
        plots.distribution_by_sex(data, column, ax=ax, xlabel=xlabel)
        ax.set_title(title)
    plots.source_note(axes[0][0], note + ". The top and bottom 1% of values are not drawn.")
    plots.tight_layout(fig)
    words = [p[1][0].lower() + p[1][1:] for p in panels]
    binary = data[data["sex"].isin(["F", "M"]).to_numpy(dtype=bool, na_value=False)]
    medians = binary.groupby(binary["sex"].astype("string"))[panels[0][0]].median()
    digits = 2 if hours else 0
    finding = (
        f"the median is {fmt_money(medians.get('F'), currency, digits)} for women and "
        f"{fmt_money(medians.get('M'), currency, digits)} for men"
        if min((binary["sex"] == "F").sum(), (binary["sex"] == "M").sum()) >= min_cell
        else "groups are too small to state medians"
    )
    items.append(
        Figure(
            "pay_and_hours_distributions",
            fig,
            f"Histograms of {' and of '.join(words)} for women and men, leaving out the top and "
            f"bottom 1% of values; for {words[0]} {finding}.",
            "pay_and_hours_by_sex",
        )
    )
    return Section("pay", "How are women and men paid, and for what hours?", tuple(items))


def _quality_section(checks: pd.DataFrame, min_cell: int) -> Section:
    rows = pd.to_numeric(checks["n_rows"], errors="coerce").fillna(0)
    flagged = checks[rows > 0]
    names = ", ".join(flagged["check"].str.lower()) if len(flagged) else "none"
    small = (rows > 0) & (rows < min_cell)  # a few people with an unusual record: not stated
    shown = checks
    if small.any():
        shown = checks.astype({"n_rows": "object", "pct_rows": "object"})
        shown.loc[small, ["n_rows", "pct_rows"]] = disclosure.SUPPRESSED
    return Section(
        "quality",
        "What looks wrong in the rows that were kept?",
        (
            Table(
                "quality_warnings",
                shown,
                f"Data quality warnings (rows are kept); checks that flag rows: {names}.",
                columns(
                    ("check", "Check"),
                    ("n_rows", "Rows", "int"),
                    ("pct_rows", "% of rows", "pct", "%"),
                    ("detail", "Detail"),
                ),
                notes=(f"Checks that flag fewer than {min_cell} rows show [c].",)
                if small.any()
                else (),
            ),
        ),
    )


# ----------------------------------------------------------------------------- build


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    ingest: Mapping[str, Any] | None = None,
    quarantine: pd.DataFrame | None = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    occupation_level: str = "occupation",
    top_n: int = 25,
    max_grade_groups: int = 30,
) -> DataAuditReport:
    """Audit a canonical workforce table.

    Parameters
    ----------
    data
        The accepted rows (canonical workforce table).
    source
        Dataset name, description and currency, for the title block.
    ingest
        The ingest summary as the data layer writes it: ``counts`` (read, accepted, quarantined),
        ``problems`` (records with column, problem, n_rows, fix; examples are never published),
        ``full_time_hours`` and ``profile`` (the data profile stored at ingest; measured from
        ``data`` when absent). ``None``: the report says that what ingest did is not known.
    quarantine
        The quarantined rows; only counted (when ``ingest`` holds no counts), never shown.
    min_cell, occupation_level, top_n, max_grade_groups
        Disclosure threshold and the groupings of the headcount tables (the notebook's parameters).
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    source = source or Source("data given directly")
    currency = source.currency
    plots.set_style()
    note = f"{source.label}; research workbench data audit"
    counts = _counts(data, ingest, quarantine)
    problems = (
        pd.DataFrame(
            (ingest or {}).get("problems", []), columns=["column", "problem", "n_rows", "fix"]
        )
        if ingest is not None
        else None
    )
    held = data_profile(data, source, ingest)
    stored = bool((ingest or {}).get("profile")) and held.n_rows == len(data)
    facts = overview(data, counts=counts, currency=currency, min_cell=min_cell)
    complete = completeness(data)
    full_time_hours = float((ingest or {}).get("full_time_hours", 37.0))
    checks = quality_checks(data, currency=currency, full_time_hours=full_time_hours)

    declared = _headcount_tables(
        data,
        min_cell=min_cell,
        occupation_level=occupation_level,
        top_n=top_n,
        max_grade_groups=max_grade_groups,
    )
    shares = _share_table(data, min_cell=min_cell, occupation_level=occupation_level, top_n=top_n)
    pay_table = _pay_count_table(data, currency=currency, min_cell=min_cell, fte=held.fte != "none")
    tables = [e[2] for e in declared if not isinstance(e, Note)]
    tables += [t for t in (shares, pay_table) if t is not None]
    protected = counted.protect_tables(tables, data, min_cell=min_cell, source=source)
    workforce = _headcount_items(declared, protected)
    workforce += _share_items(
        protected.get("share_by_occupation"),
        occupation_level=occupation_level,
        overall=facts["pct_female"],
        note=note,
        min_cell=min_cell,
    )
    details = (
        ("Disclosure threshold", f"counts below {min_cell} are shown as {disclosure.SUPPRESSED}"),
    )
    return DataAuditReport(
        title=title_block(data, "Data audit", source, details=details),
        findings=findings(key_findings(facts, held)),
        sections=(
            _profile_section(held, stored=stored, min_cell=min_cell),
            _ingest_section(counts, problems),
            _completeness_section(complete),
            Section("workforce", "Who is in the workforce?", tuple(workforce)),
            _pay_section(
                data,
                table=protected["pay_and_hours_by_sex"],
                currency=currency,
                min_cell=min_cell,
                note=note,
                fte=held.fte != "none",
            ),
            _quality_section(checks, min_cell),
            Section(
                "disclosure",
                "How are small numbers protected?",
                (Note("disclosure_audit", protected.note()),),
            ),
        ),
        results={
            "profile": held,
            "overview": facts,
            "completeness": complete,
            "quality": checks,
            "disclosure_audit": protected.audit,
        },
    )
