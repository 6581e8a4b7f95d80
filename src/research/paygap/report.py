"""The pay gap report: ``build(data, ...) -> PayGapReport`` for ``notebooks/10_pay_gap.ipynb``.

Sections, each a question:

1. ``statutory``: the six UK statutory figures, the GOV.UK fields and the quartile pay bands;
2. ``breakdowns``: the gap within each available grouping (grade, working pattern, occupation,
   age band, ethnicity, grade x working pattern), a table and a forest plot each;
3. ``representation``: women's share of each grade and of the top grades;
4. ``eu``: the EU Pay Transparency Directive's Article 9 indicators and Article 10 flags.

Everything published passes disclosure control here: each table on its own
(:mod:`research.present.disclosure`), then every count table together
(:mod:`research.present.publication`), so that no hidden count can be worked out from the counts
of another table.

The report follows what the data hold and where the employer is
(:class:`~research.paygap.framing.Framing`): when the data record no working hours, pay is
compared as annual basic pay, the first key finding says so and every measure is named for
what it is; when full-time equivalents are missing too and a working pattern is recorded,
full-time employees are compared first. The statutory names and the GOV.UK submission table
appear only where the Great Britain regulations apply (``source.framework == "GB"``) to hourly
figures, the EU Directive's section only for the EU framework (or ``eu_indicators=True``);
elsewhere the same figures carry neutral names and a note says why. When the data record no
grades, the grade items are replaced by notes saying why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.core.source import Source
from research.data.schema import ethnic_group_label
from research.paygap.breakdown import GapBreakdown, comparison_rows, gap_by, shared_sorts
from research.paygap.eu import EUPayTransparency, eu_pay_transparency
from research.paygap.findings import (
    hours_findings,
    note_findings,
    representation_findings,
    safe_notes,
    statutory_findings,
)
from research.paygap.framing import Framing, hours_recorded
from research.paygap.representation import GradeRepresentation, representation_by_grade
from research.paygap.statutory import UKGenderPayGap, uk_gpg
from research.paygap.tables import (
    NOT_IN_DATA,
    NOT_RECORDED,
    QUARTER_LABELS,
    breakdown_table,
    eu_category_table,
    eu_items_table,
    gov_uk_table,
    plottable,
    quartile_table,
    statutory_table,
)
from research.present import counted, disclosure, plots, tabulate
from research.present.formats import display_label, fmt_pct
from research.present.report import (
    Figure,
    Finding,
    Note,
    Report,
    Section,
    Table,
    columns,
    findings,
)
from research.present.wording import count_words, title_block

__all__ = [
    "BREAKDOWNS",
    "PayGapReport",
    "available_breakdowns",
    "build",
    "hours_recorded",
    "with_groupings",
]


#: Breakdowns the report shows: (title, grouping columns made by :func:`with_groupings`).
BREAKDOWNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Grade", ("grade_group",)),
    ("Working pattern", ("working_pattern",)),
    ("Occupation", ("occupation_group",)),
    ("Age band", ("age_band",)),
    ("Ethnicity", ("ethnicity_group",)),
    ("Grade and working pattern", ("grade_group", "working_pattern")),
)
#: Groupings with an order of their own: their charts keep it rather than sorting by gap.
ORDERED_GROUPS = frozenset({"grade_group", "grade", "age_band"})
GROUP_LABELS = {
    "grade_group": "Grade",
    "occupation_group": "Occupation",
    "working_pattern": "Working pattern",
    "age_band": "Age band",
    "ethnicity": "Ethnicity",
    "ethnicity_group": "Ethnic group",
    "grade": "Grade",
    "occupation": "Occupation",
    "job_family": "Job family",
    "department": "Department",
}
#: How an absent grouping is named: "this dataset records no <words>".
ABSENT_WORDS = {
    "grade_group": "grades",
    "occupation_group": "occupations",
    "working_pattern": "working patterns",
    "age_band": "age bands",
    "ethnicity": "ethnicity",
    "ethnicity_group": "ethnicity",
}


class PayGapReport(Report):
    """The gender pay gap report: statutory figures, breakdowns, representation, EU reporting.

    ``results`` holds ``uk`` (:class:`~research.paygap.UKGenderPayGap`), ``breakdowns`` (title ->
    :class:`~research.paygap.GapBreakdown`), ``representation``
    (:class:`~research.paygap.GradeRepresentation` or ``None``), ``eu``
    (:class:`~research.paygap.EUPayTransparency` or ``None``) and ``disclosure_audit``
    (:class:`~research.present.publication.PublicationAudit`: the counts of every count table
    audited together, each hidden count's feasible interval and the cells hidden across tables,
    for a closing note); no employee rows (they never belong in a report object).
    """


# ----------------------------------------------------------------------------- preparation


def with_groupings(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    top_n: int = 20,
    max_grade_groups: int = 15,
) -> pd.DataFrame:
    """Add the report's grouping columns: ``occupation_group`` and ``grade_group`` (+ its rank),
    and ``ethnicity_group`` (the GSS broad ethnic group; other recorded values kept as they are).

    Occupations beyond the ``top_n`` largest are pooled as "All other"; grades are pooled into bands
    of ranks when there are more than ``max_grade_groups`` (see :mod:`research.present.tabulate`).
    Employees with no recorded grade are labelled "Not recorded" and have no rank, so the grade
    indices (women's share of the top grades, the gap within grades) leave them out.
    """
    if occupation_level in data and data[occupation_level].notna().any():
        occupations = tabulate.lump_rare(tabulate.occupation_labels(data, occupation_level), top_n)
    else:
        occupations = pd.Series(pd.NA, index=data.index, dtype="string")
    out = data.assign(occupation_group=occupations)
    if "ethnicity" in data:  # GSS broad groups; values outside the classification kept as they are
        out["ethnicity_group"] = ethnic_group_label(data["ethnicity"])
    if "grade" in data and data["grade"].notna().any():
        recorded = data["grade"].notna().to_numpy()
        grade_columns = [c for c in ("grade", "grade_rank") if c in data]
        groups = tabulate.grade_groups(
            data.loc[recorded, grade_columns],
            max_groups=max_grade_groups,
            population=data[grade_columns],
        )
        # labels and dense ranks of the distinct groups, given to every row (no text or sort
        # of every row); a blank grade is "not recorded" without a rank
        codes, distinct = pd.factorize(groups.astype("string"), use_na_sentinel=False)
        texts = pd.array([*distinct, NOT_RECORDED], dtype="string")
        row_codes = np.full(len(data), len(distinct), dtype=np.int64)
        row_codes[recorded] = codes
        dense = pd.Series(distinct).rank(method="dense").to_numpy()
        values = np.zeros(len(data), dtype=np.int64)
        values[recorded] = dense[codes]
        out["grade_group"] = pd.Series(texts.take(row_codes), index=data.index)
        out["grade_group_rank"] = pd.Series(
            pd.arrays.IntegerArray(values, ~recorded), index=data.index
        )
    else:
        out["grade_group"] = pd.Series(pd.NA, index=data.index, dtype="string")
        out["grade_group_rank"] = pd.Series(pd.NA, index=data.index, dtype="Int64")
    return out


def _has_values(data: pd.DataFrame, column: str) -> bool:
    return column in data and bool(data[column].notna().any())


def available_breakdowns(data: pd.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    """The :data:`BREAKDOWNS` whose columns have values in ``data``."""
    return [(t, by) for t, by in BREAKDOWNS if all(_has_values(data, c) for c in by)]


def _table_name(within: tuple[str, ...]) -> str:
    return "gap_by_" + "_".join(within).replace("_group", "")


# ----------------------------------------------------------------------------- statutory section


def _statutory_section(
    uk: UKGenderPayGap,
    *,
    min_cell: int,
    framing: Framing,
    note: str,
    full_time: UKGenderPayGap | None = None,
) -> Section:
    """The headline figures, the GOV.UK fields (or why not) and the quarters of pay.

    Statutory names only where :attr:`Framing.statutory`; with ``full_time`` the full-time
    employees' gaps come first and the quarters are those of full-time employees.
    """
    hourly, statutory, pay_words = framing.hours, framing.statutory, framing.pay_words
    title = (
        "How large is the gender pay gap in the six statutory figures?"
        if statutory
        else f"How large is the gender pay gap in {pay_words}?"
    )
    caveat = "" if hourly else " " + framing.pay_caveat
    if statutory:
        caption = "Gender pay gap figures as published (percent), over full-pay relevant employees."
    else:
        caption = (
            f"Gaps in {pay_words} and in bonus pay, and the shares of women and men paid a bonus "
            f"(percent), over all {framing.population}"
            + (", full-time employees first." if full_time is not None else ".")
            + caveat
        )
    items: list = [
        Table(
            "statutory_figures",
            statutory_table(
                uk, min_cell, pay_words=pay_words, statutory=statutory, full_time=full_time
            ),
            caption,
            columns(("figure", "Figure"), ("pct", "%", "float1", "%")),
            notes=safe_notes(uk, min_cell, statutory=statutory),
        )
    ]
    if statutory:
        items.append(
            Table(
                "gov_uk_submission",
                gov_uk_table(uk, min_cell),
                "The same figures under the GOV.UK service's field names, rounded to one decimal "
                "place, to compare with a submission.",
                columns(("field", "GOV.UK field"), ("value", "Value", "float1", "%")),
            )
        )
    else:
        items.append(Note("gov_uk_submission", framing.gov_uk_note()))
    items += _quartile_items(
        full_time or uk, min_cell=min_cell, framing=framing, note=note, full_time=bool(full_time)
    )
    return Section("statutory", title, tuple(items))


def _quartile_items(
    lead: UKGenderPayGap, *, min_cell: int, framing: Framing, note: str, full_time: bool
) -> list:
    """The quartile pay bands (statutory) or quarters of pay (neutral), table and chart."""
    statutory, pay_words = framing.statutory, framing.pay_words
    caveat = "" if framing.hours else " " + framing.pay_caveat
    quartiles = lead.quartiles
    items: list = []
    who = "full-time employees' " if full_time else ""
    if statutory:
        caption = (
            f"Women and men in each quartile pay band of {pay_words} (percent of the band), "
            "lowest-paid band first."
        )
        band_label, labels = "Pay band", None
    else:
        among = " among full-time employees" if full_time else ""
        caption = (
            f"Women and men in each quarter of {pay_words}{among} (percent of the quarter): "
            "employees ranked by pay and split into four groups of equal size, lowest-paid "
            "quarter first." + caveat
        )
        band_label, labels = "Quarter of pay", QUARTER_LABELS
    items.append(
        Table(
            "quartile_pay_bands",
            quartile_table(quartiles, min_cell, labels=labels),
            caption,
            columns(
                ("band", band_label),
                ("n", "Employees", "int"),
                ("pct_female", "Women (%)", "pct", "%"),
                ("pct_male", "Men (%)", "pct", "%"),
            ),
        )
    )
    if int(quartiles["n"].min()) >= min_cell:
        women = quartiles["pct_female"].to_numpy(dtype=float)
        ax = plots.quartile_bars(quartiles.iloc[::-1])
        falls = women[-1] < women[0]
        if falls:
            ax.set_title("Women's share falls as pay rises")
        else:
            ax.set_title(
                "Women and men by quartile pay band"
                if statutory
                else "Women and men in each quarter of pay"
            )
        if not statutory:
            ax.set_ylabel(f"Quarter of {who}{pay_words}")
            ax.set_xlabel("Share of employees in the quarter (%)")
        plots.source_note(ax, note)
        what = (
            f"each quartile pay band of {pay_words}"
            if statutory
            else f"each quarter of {who}{pay_words}"
        )
        items.append(
            Figure(
                "quartile_pay_bands_chart",
                ax,
                f"Stacked bars of women's and men's shares of {what}. Women hold "
                f"{fmt_pct(women[0])} of the lowest-paid quarter and {fmt_pct(women[-1])} of the "
                "highest-paid quarter.",
                "quartile_pay_bands",
            )
        )
    else:
        items.append(
            Note(
                "quartile_pay_bands_chart",
                f"The quartile chart is not drawn: a band has fewer than {min_cell} employees."
                if statutory
                else f"The chart of quarters of pay is not drawn: a quarter has fewer than "
                f"{min_cell} employees.",
            )
        )
    return items


# ----------------------------------------------------------------------------- breakdowns


def _breakdown_items(
    title: str,
    result: GapBreakdown,
    *,
    min_cell: int,
    stat: str,
    pay_words: str,
    currency: str,
    note: str,
    data: pd.DataFrame | None = None,
    caveat: str = "",
) -> list:
    """A gap table and its chart; ``caveat`` is added to the caption (e.g. annual pay as paid)."""
    name = _table_name(result.within)
    published = breakdown_table(result, min_cell) if data is None else data
    intervals = "ci_low" in result.table
    specs = [(c, GROUP_LABELS.get(c, c.replace("_", " ").capitalize())) for c in result.within]
    measure = stat if pay_words == "hourly pay" else f"{stat} {pay_words}"
    specs += [
        ("n_female", "Women", "int"),
        ("n_male", "Men", "int"),
        ("female", f"Women's {measure} ({currency})", "money2", currency),
        ("male", f"Men's {measure} ({currency})", "money2", currency),
        ("gap", "Gap (%)", "float1", "%"),
    ]
    if intervals:
        specs += [("ci_low", "95% low", "float1", "%"), ("ci_high", "95% high", "float1", "%")]
    hidden = f"Groups with fewer than {min_cell} women or men are shown as [c]."
    caption = (
        f"Gap in {stat} {pay_words} by {title.lower()} (percent of men's {stat}); pay in "
        f"{currency}." + (" With 95% bootstrap intervals." if intervals else "")
    ) + (f" {caveat}" if caveat else "")
    items: list = [
        Table(name, published, caption, columns(*specs), notes=(hidden,), currency=currency)
    ]
    shown = plottable(result, min_cell, published)
    if len(result.within) == 1 and len(shown) >= 2:
        column = result.within[0]
        # Ordered groups (grades, age bands) in their natural order, not by gap; labels as read.
        ordered = column in ORDERED_GROUPS
        if ordered:
            shown = tabulate.natural_sort(shown, column)
        shown = shown.assign(
            **{column: shown[column].map(display_label)}
        )  # "Full time", not full_time
        ax = plots.gap_forest(shown, column, overall=result.overall.value, by_gap=not ordered)
        ax.set_title(f"Gap in {stat} {pay_words} by {title.lower()}")
        ax.set_ylabel(title)
        plots.source_note(ax, note)
        low, high = shown.loc[shown["gap"].idxmin()], shown.loc[shown["gap"].idxmax()]
        items.append(
            Figure(
                f"{name}_chart",
                ax,
                f"Dot plot of the gap in {stat} {pay_words} in {len(shown)} groups by "
                f"{title.lower()} with at least {min_cell} women and men"
                + (", with 95% intervals" if intervals else "")
                + f". Gaps range from {fmt_pct(low['gap'])} ({low[column]}) to "
                f"{fmt_pct(high['gap'])} ({high[column]}); the overall gap is "
                f"{fmt_pct(result.overall.value)}.",
                name,
            )
        )
    return items


def _absent_breakdowns(data: pd.DataFrame) -> list[Note]:
    notes = []
    for title, within in BREAKDOWNS:
        missing = [c for c in within if not _has_values(data, c)]
        if missing:
            words = " or ".join(ABSENT_WORDS.get(c, c.replace("_", " ")) for c in missing)
            notes.append(
                Note(
                    _table_name(within),
                    f"The gap by {title.lower()} is not shown: this dataset records no {words}.",
                )
            )
    return notes


# ----------------------------------------------------------------------------- representation


def _headcount(rep: GradeRepresentation, min_cell: int) -> disclosure.Suppressed:
    """The grade x sex headcount with margins, after per-table disclosure control."""
    counts = rep.table.set_index("grade")[["n_female", "n_male"]].rename(
        columns={"n_female": "F", "n_male": "M"}
    )
    return disclosure.suppress_counts(counts, min_cell)


def _representation_items(
    rep: GradeRepresentation | None,
    *,
    min_cell: int,
    note: str,
    headcount: pd.DataFrame | None = None,
    added: int = 0,
    measure: str = "",
    unrecorded: str = "",
) -> tuple[list, int]:
    """Headcount by grade, the headline numbers and the share chart; and the top headcount.

    ``measure`` names the gaps of the headline table (e.g. "median annual basic pay"); empty on
    hourly pay. ``unrecorded`` is how many employees have no recorded grade, as a sentence may
    state it ("" when every grade is recorded).
    """
    if rep is None:
        text = "This dataset records no grades, so representation by grade cannot be shown."
        return [
            Note("headcount_by_grade", text),
            Note("representation_headline", text),
            Note("women_share_by_grade", text),
        ], 0
    table = rep.table
    hidden = _headcount(rep, min_cell)
    published = hidden.table.reset_index() if headcount is None else headcount
    more = (
        f" {added} further {'cells are' if added > 1 else 'cell is'} hidden so that other tables "
        "of this report cannot reveal hidden cells."
        if added
        else ""
    )
    items: list = [
        Table(
            "headcount_by_grade",
            published,
            f"Women and men by grade, lowest first. {hidden.note()}{more}".strip()
            + (
                f" {unrecorded[:1].upper()}{unrecorded[1:]} employees with no recorded grade are "
                "not counted here."
                if unrecorded
                else ""
            ),
            columns(
                ("grade", "Grade"),
                ("F", "Women", "int"),
                ("M", "Men", "int"),
                ("Total", "Total", "int"),
            ),
        )
    ]
    top_ranks = np.sort(table["grade_rank"].unique())[-rep.top :]
    top_rows = table[table["grade_rank"].isin(top_ranks)]
    top_headcount = int(top_rows[["n_female", "n_male"]].to_numpy().sum())
    headline = rep.headline()
    n = pd.Series(min_cell, index=headline.index)
    n.iloc[[1, 2]] = top_headcount  # the top share and the glass ceiling ratio
    if measure:
        headline["measure"] = headline["measure"].replace(
            {
                "Overall pay gap": f"Overall gap in {measure}",
                "Average pay gap within grades (like for like)": (
                    f"Average gap in {measure} within grades (like for like)"
                ),
            }
        )
    hidden_headline = disclosure.suppress_statistics(
        headline.assign(n=n), "n", ["value", "ci_low", "ci_high"], min_cell
    )
    items.append(
        Table(
            "representation_headline",
            hidden_headline.table.drop(columns="n"),
            f"Women at the top {rep.top} grades, and the gap{f' in {measure}' if measure else ''} "
            "within grades against the gap overall (shares and gaps in percent; the ratio is 1 "
            "for proportional representation).",
            columns(
                ("measure", "Measure"),
                ("value", "Value", "float2"),
                ("ci_low", "95% low", "float2"),
                ("ci_high", "95% high", "float2"),
            ),
        )
    )
    both = [
        (table[c] == 0) | (table[c] >= min_cell) for c in ("n_female", "n_male")
    ]  # no count below the threshold can be worked out from a share
    # nor a grade whose headcount the report hides (by complementary suppression too)
    shown = published[published["grade"] != disclosure.TOTAL_LABEL].set_index("grade")
    open_grades = ~(shown[["F", "M", "Total"]] == disclosure.SUPPRESSED).any(axis=1)
    both.append(table["grade"].map(open_grades).fillna(False).astype(bool))
    shares = table[both[0] & both[1] & both[2]].reset_index(drop=True)
    share_table = Table(
        "share_by_grade",
        shares.assign(n=shares["n_female"] + shares["n_male"])[["grade", "n", "pct_female"]],
        "Women's share of each grade, lowest first; grades where a share would reveal fewer than "
        f"{min_cell} women or men are left out.",
        columns(("grade", "Grade"), ("n", "Employees", "int"), ("pct_female", "Women (%)", "pct")),
    )
    if len(shares):
        items.append(share_table)
        ax = plots.share_by_grade(shares, overall=rep.pct_female_overall)
        ax.set_title("Women's share of each grade")
        plots.source_note(ax, note)
        lowest, highest = shares.iloc[0], shares.iloc[-1]
        items.append(
            Figure(
                "women_share_by_grade",
                ax,
                f"Bars of women's share of each of {len(shares)} grades against their "
                f"{fmt_pct(rep.pct_female_overall)} share of the workforce: "
                f"{fmt_pct(lowest['pct_female'])} in the lowest grade shown ({lowest['grade']}) "
                f"and {fmt_pct(highest['pct_female'])} in the highest ({highest['grade']}).",
                "share_by_grade",
            )
        )
    else:
        items.append(
            Note(
                "women_share_by_grade",
                f"No grade has at least {min_cell} women and {min_cell} men among the counts "
                "this report shows, so women's share of each grade is not shown: a share would "
                "give a small count away.",
            )
        )
    return items, top_headcount


# ----------------------------------------------------------------------------- EU directive


def _eu_items(
    eu: EUPayTransparency | None,
    data: pd.DataFrame,
    *,
    eu_category: str,
    min_cell: int,
    basis: str,
    categories: pd.DataFrame | None = None,
) -> list:
    if eu is None:
        text = (
            f"This dataset records no {eu_category.replace('_', ' ')} values, so the EU "
            "indicators, which need categories of workers, are not calculated."
        )
        return [Note("eu_article_9", text), Note("eu_article_9_g_categories", text)]
    over = "recipients only" if eu.variable_over == "recipients" else "all workers"
    variable = (
        f"variable-pay gaps over {over}"
        if eu.variable is not None
        else f"variable pay is {NOT_IN_DATA}, so items (b), (d) and (e) are not given"
    )
    items = eu_items_table(eu, data, min_cell)
    category = eu_category.replace("_", " ")
    gap_specs = [
        (f"{stat}_gap_{part}", f"{stat.capitalize()} gap, {part} pay (%)", "float1", "%")
        for part in ("basic", "variable", "total")
        for stat in ("mean", "median")
    ]
    return [
        Table(
            "eu_article_9",
            items,
            f"Article 9(1)(a)-(e) indicators (percent) on {basis}; {variable}.",
            columns(("item", "Item"), ("measure", "Indicator"), ("value", "%", "float1", "%")),
            row_header="measure",
            notes=(
                f"A figure resting on fewer than {min_cell} women or men (for variable pay: "
                "paid variable pay) is shown as [c].",
                *eu.notes,
            ),
        ),
        Table(
            "eu_article_9_g_categories",
            eu_category_table(eu, min_cell, data) if categories is None else categories,
            f"Article 9(1)(g): gaps (percent) by {category} in basic, variable and total {basis}, "
            "with the Article 10 size flag.",
            columns(
                (eu.category, category.capitalize()),
                ("n_female", "Women", "int"),
                ("n_male", "Men", "int"),
                *gap_specs,
                ("article_10", "Article 10 flag"),
            ),
            notes=(
                f"Gaps of categories with fewer than {min_cell} women or men, and gaps in variable "
                f"pay where fewer than {min_cell} women or men were paid any, are shown as [c].",
                *(() if eu.variable is not None else (f"Variable pay is {NOT_IN_DATA}.",)),
            ),
        ),
    ]


# ----------------------------------------------------------------------------- disclosure audit


_SEXES = {"n_female": {"sex": "F"}, "n_male": {"sex": "M"}}
_BINARY = frozenset({"F", "M"})


def _group_dimensions(frame: pd.DataFrame, within: Sequence[str], occupation_level: str):
    """Each grouping column's canonical dimension and what its labels cover."""
    raw = {"grade_group": "grade", "occupation_group": occupation_level}
    raw["ethnicity_group"] = "ethnicity"
    groups = {c: raw.get(c, c) for c in within}
    # each from the distinct (label, raw value) pairs: the same members as from every row
    members = {
        c: counted.members(*tabulate.distinct_pairs(frame[c], frame[raw[c]]))
        for c in within
        if c in raw
    }
    if "ethnicity_group" in within:  # blanks are the table's "(missing)" row
        labels, values = tabulate.distinct_pairs(frame["ethnicity_group"], frame["ethnicity"])
        members["ethnicity_group"] = counted.members(
            labels.astype("string").fillna("(missing)"), values
        )
    for c in within:
        if c not in raw and frame[c].isna().any():  # blanks are the tables' "(missing)" row
            labels, values = tabulate.distinct_pairs(frame[c], frame[c])
            members[c] = counted.members(labels.astype("string").fillna("(missing)"), values)
    return groups, members


def _compared(frame: pd.DataFrame, pay: str) -> pd.Series:
    """Who the gap tables compare: women and men, full-pay relevant, with pay known."""
    return comparison_rows(frame, pay)


def _count_tables(
    frame: pd.DataFrame,
    *,
    pay: str,
    occupation_level: str,
    uk: UKGenderPayGap,
    breakdowns: dict[str, GapBreakdown],
    rep: GradeRepresentation | None,
    eu: EUPayTransparency | None,
    min_cell: int,
) -> list[counted.CountTable]:
    """Every table of the report that publishes counts, or shares implying counts."""
    compared = _compared(frame, pay)
    tables = []
    for result in breakdowns.values():
        groups, members = _group_dimensions(frame, result.within, occupation_level)
        tables.append(
            counted.CountTable(
                _table_name(result.within),
                breakdown_table(result, min_cell),
                groups,
                counts=_SEXES,
                members=members,
                common=counted.subpopulation(compared),
                statistics={
                    "n_female": ["female", "gap", "ci_low", "ci_high"],
                    "n_male": ["male", "gap", "ci_low", "ci_high"],
                },
            )
        )
    if rep is not None:
        headcount = _headcount(rep, min_cell)
        data = headcount.table.reset_index()
        covered = counted.members(*tabulate.distinct_pairs(frame["grade_group"], frame["grade"]))
        listed = [label for label in data["grade"] if label != disclosure.TOTAL_LABEL]
        covered[disclosure.TOTAL_LABEL] = counted.total_members(covered, listed)
        tables.append(
            counted.CountTable(
                "headcount_by_grade",
                data,
                {"grade": "grade"},
                counts={"F": {"sex": "F"}, "M": {"sex": "M"}, "Total": {"sex": _BINARY}},
                members={"grade": covered},
                primary=headcount.primary.reset_index(drop=True),
            )
        )
    if eu is not None:
        data = eu_category_table(eu, min_cell, frame)
        groups, members = _group_dimensions(frame, [eu.category], occupation_level)
        gaps = [c for c in data if "_gap_" in c] + ["article_10"]
        tables.append(
            counted.CountTable(
                "eu_article_9_g_categories",
                data,
                groups,
                counts=_SEXES,
                members=members,
                common=counted.subpopulation_of(
                    frame, eu.categories[["n_female", "n_male"]], "eu_comparison", known=[compared]
                ),
                statistics={"n_female": gaps, "n_male": gaps},
            )
        )
    quartiles = quartile_table(uk.quartiles, min_cell)
    tables.append(
        counted.CountTable(
            "quartile_pay_bands",
            quartiles,
            {"band": f"quarter of {pay}"},
            counts={"n": {"sex": _BINARY}},
            shares={
                "pct_female": counted.Share({"sex": "F"}, "n", rest={"sex": "M"}),
            },
            common=counted.subpopulation_of(frame, quartiles["n"], "quartiles", known=[compared]),
            fixed=True,
        )
    )
    return tables


# ----------------------------------------------------------------------------- framing


def _full_time_figures(
    frame: pd.DataFrame, framing: Framing, pay: str, min_cell: int
) -> UKGenderPayGap | None:
    """The figures over full-time employees, when they lead (annual pay as paid and a working
    pattern recorded) and at least ``min_cell`` women and men work full time."""
    if not framing.full_time_first:
        return None
    full = frame[(frame["working_pattern"] == "full_time").to_numpy(dtype=bool, na_value=False)]
    counts = full["sex"].value_counts().reindex(["F", "M"], fill_value=0)
    if int(counts.min()) < min_cell:
        return None
    return uk_gpg(full, hourly_pay=pay)


def _eu_section_items(
    eu: EUPayTransparency | None,
    frame: pd.DataFrame,
    *,
    framing: Framing,
    eu_category: str,
    eu_pay_basis: str,
    min_cell: int,
    categories: pd.DataFrame | None,
) -> list:
    """The EU section: its tables, or a note saying why the Directive's items are not shown."""
    if not framing.eu:
        return [Note("eu_article_9", framing.eu_note())]
    basis = eu_pay_basis if framing.hours else "annual_fte"
    if basis == "hourly":
        basis_words = "hourly pay"
    elif framing.fte:
        basis_words = "full-time-equivalent annual pay"
    else:
        basis_words = "annual pay as paid (part-timers at their part-time pay)"
    items = _eu_items(
        eu,
        frame,
        eu_category=eu_category,
        min_cell=min_cell,
        basis=basis_words,
        categories=categories,
    )
    if eu is not None and basis != eu_pay_basis:
        items.insert(
            0,
            Note(
                "eu_pay_basis",
                f"The EU indicators use {basis_words}, not hourly pay as requested: working hours "
                "are not in the data.",
            ),
        )
    return items


# ----------------------------------------------------------------------------- build


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    stat: str = "median",
    n_boot: int = 1000,
    seed: int = 2025,
    occupation_level: str = "occupation",
    top_n: int = 20,
    max_grade_groups: int = 15,
    top_grades: int = 2,
    eu_category: str = "grade",
    eu_pay_basis: str = "hourly",
    eu_variable_over: str = "recipients",
    eu_indicators: bool | str | None = None,
) -> PayGapReport:
    """Compute the pay gap report on a canonical workforce table.

    Parameters mirror the notebook's parameters cell: ``min_cell`` (disclosure threshold),
    ``stat`` and ``n_boot``/``seed`` (breakdowns and their bootstrap intervals),
    ``occupation_level``/``top_n``/``max_grade_groups`` (groupings), ``top_grades`` (what counts
    as the top), ``eu_category``/``eu_pay_basis``/``eu_variable_over`` (EU Directive choices),
    ``eu_indicators`` (show the EU Directive's section: ``None`` or ``"auto"`` follows
    ``source.framework``, ``True``/``"yes"`` and ``False``/``"no"`` force it on or off).
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    source = source or Source("data given directly")
    currency = source.currency
    plots.set_style()
    note = f"{source.label}; research workbench pay gap report"
    framing = Framing.of(data, source, eu_indicators)
    hourly, pay, pay_words = framing.hours, framing.pay, framing.pay_words
    frame = with_groupings(
        data, occupation_level=occupation_level, top_n=top_n, max_grade_groups=max_grade_groups
    )

    uk = uk_gpg(frame, hourly_pay=pay)
    full_time = _full_time_figures(frame, framing, pay, min_cell)
    has_grades = _has_values(frame, "grade_group_rank")
    blank = int(frame["grade_group_rank"].isna().sum()) if has_grades else 0
    unrecorded = count_words(blank, min_cell) if blank else ""
    with shared_sorts():  # the breakdowns share one sort of the pay column
        rep = (
            representation_by_grade(
                frame,
                grade="grade_group",
                rank="grade_group_rank",
                top=top_grades,
                stat=stat,
                pay=pay,
                n_boot=n_boot,
                seed=seed,
            )
            if has_grades
            else None
        )
        breakdowns = {
            title: gap_by(frame, list(within), stat=stat, pay=pay, n_boot=n_boot, seed=seed)
            for title, within in available_breakdowns(frame)
        }
        category = {"grade": "grade_group", "occupation": "occupation_group"}.get(
            eu_category, eu_category
        )
        basis = eu_pay_basis if hourly else "annual_fte"
        eu = (
            eu_pay_transparency(
                frame, category=category, pay_basis=basis, variable_over=eu_variable_over
            )
            if framing.eu and _has_values(frame, category)
            else None
        )

    protected = counted.protect_tables(
        _count_tables(
            frame,
            pay=pay,
            occupation_level=occupation_level,
            uk=full_time or uk,
            breakdowns=breakdowns,
            rep=rep,
            eu=eu,
            min_cell=min_cell,
        ),
        frame,
        min_cell=min_cell,
        source=source,
    )
    count_audit = protected.audit
    breakdown_items: list = []
    for title, result in breakdowns.items():
        breakdown_items += _breakdown_items(
            title,
            result,
            min_cell=min_cell,
            stat=stat,
            pay_words=pay_words,
            currency=currency,
            note=note,
            data=protected[_table_name(result.within)],
            caveat=framing.pay_caveat,
        )
    breakdown_items += _absent_breakdowns(frame)
    rep_items, top_headcount = _representation_items(
        rep,
        min_cell=min_cell,
        note=note,
        headcount=protected.get("headcount_by_grade"),
        added=sum(a.startswith("table 'headcount_by_grade'") for a in count_audit.added),
        measure="" if hourly else f"{stat} {pay_words}",
        unrecorded=unrecorded,
    )
    eu_items = _eu_section_items(
        eu,
        frame,
        framing=framing,
        eu_category=eu_category,
        eu_pay_basis=eu_pay_basis,
        min_cell=min_cell,
        categories=protected.get("eu_article_9_g_categories"),
    )

    key_findings: list[Finding] = hours_findings(framing, full_time_compared=bool(full_time))
    key_findings += statutory_findings(uk, min_cell=min_cell, framing=framing, full_time=full_time)
    key_findings += representation_findings(
        rep,
        min_cell=min_cell,
        top_headcount=top_headcount,
        measure="" if hourly else f"{stat} {pay_words}",
        unrecorded=unrecorded,
    )
    key_findings += note_findings(uk, min_cell, statutory=framing.statutory)
    details = (
        *framing.details(),
        ("Disclosure threshold", f"groups of fewer than {min_cell} are shown as [c]"),
    )
    return PayGapReport(
        title=title_block(data, "Gender pay gap", source, details=details),
        findings=findings(key_findings),
        sections=(
            _statutory_section(
                uk, min_cell=min_cell, framing=framing, note=note, full_time=full_time
            ),
            Section("breakdowns", "Where does the gap come from?", tuple(breakdown_items)),
            Section(
                "representation", "Are women represented in the senior grades?", tuple(rep_items)
            ),
            Section("eu", "What would the EU Pay Transparency Directive report?", tuple(eu_items)),
            Section(
                "disclosure",
                "How are small numbers protected?",
                (Note("disclosure_audit", protected.note()),),
            ),
        ),
        results={
            "uk": uk,
            "uk_full_time": full_time,
            "framing": framing,
            "breakdowns": breakdowns,
            "representation": rep,
            "eu": eu,
            "disclosure_audit": count_audit,
        },
    )
