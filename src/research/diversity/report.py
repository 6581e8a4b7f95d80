"""The ethnicity and disability pay gap report: ``build(data, ...) -> DiversityPayGapReport``.

For the workforce's ethnicity (the broad groups of the GSS harmonised classification for England
and Wales against White British, or all White, employees) and disability (disabled against not
disabled employees), the measures the GOV.UK guidance "Ethnicity pay reporting: guidance for
employers" (2023) describes: representation and the share not disclosed, mean and median pay
gaps, pay quarters and, where bonuses are paid, the bonus measures; then the gaps of women and men
of each ethnic group against one reference group (White British men by default). Every figure is
the statutory gender pay gap calculation applied to other groups
(:func:`research.paygap.statutory.group_pay_gap`), on hourly pay when the data record hours.
Every count goes through disclosure control across the publication
(:mod:`research.present.counted`). Where ethnicity or disability is not in the data, a note says
so and how to supply it.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.diversity import findings as words
from research.diversity import tables as tab
from research.diversity.groups import (
    ALL_OTHERS,
    NOT_DISABLED,
    ROBUST_GROUP,
    GroupGaps,
    disability_groups,
    ethnicity_groups,
    ethnicity_reference,
    group_gaps,
    intersection_gaps,
)
from research.paygap.framing import Framing
from research.present import counted, disclosure, plots
from research.present.disclosure import SUPPRESSED
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
from research.present.wording import title_block

__all__ = ["DiversityPayGapReport", "build"]

#: How to add a characteristic the data lack, for the notes.
HOW_TO_SUPPLY = {
    "ethnicity": (
        "To supply it, map the HR system's ethnicity column in the dataset's column mapping "
        "(ethnicity: {column: ..., codes: {...}}) to the 19 categories of the GSS harmonised "
        "ethnicity standard for England and Wales (research/data/codes/ethnicity_gss.csv), or to "
        "their five broad groups (Asian, Black, Mixed, White, Other), with Prefer not to say for "
        "employees who declined to answer."
    ),
    "disability": (
        "To supply it, map the HR system's disability column in the dataset's column mapping "
        "(disability: {column: ..., codes: {...}}) to Yes (disabled under the Equality Act 2010, "
        "self-reported), No or Prefer not to say."
    ),
}


class DiversityPayGapReport(Report):
    """Ethnicity and disability pay gap report.

    ``results`` holds ``ethnicity`` and ``disability``
    (:class:`~research.diversity.groups.GroupGaps` or ``None``), ``intersections`` (a DataFrame
    or ``None``), ``framing`` and ``disclosure_audit``.
    """


def _fpre(data: pd.DataFrame) -> np.ndarray:
    if "full_pay" not in data:
        return np.ones(len(data), dtype=bool)
    return data["full_pay"].astype("boolean").fillna(True).to_numpy(dtype=bool)


def _other_sex(data: pd.DataFrame) -> int:
    """Employees with another or no recorded sex (not in the tables of women and men)."""
    return int((~data["sex"].astype("string").isin(["F", "M"]).fillna(False)).sum())


def _absent(data: pd.DataFrame, column: str) -> bool:
    return column not in data or bool(data[column].isna().all())


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    reference: str = "White British",
    min_group: int = 10,
    min_cell: int = 10,
) -> DiversityPayGapReport:
    """Compute the ethnicity and disability pay gap report on a canonical workforce table.

    Parameters
    ----------
    data
        Canonical workforce table (one snapshot).
    source
        Where the data come from (title block, framework, disclosure ledger).
    reference
        Reference group for ethnicity: ``"White British"`` (default; White employees of other
        categories form the group "White other") or ``"White"`` (all White employees). Data that
        record only broad groups use ``"White"`` and say so.
    min_group
        Smallest group (full-pay relevant employees) compared with the reference on its own;
        smaller groups are combined (see :func:`research.diversity.groups.combine_small`).
    min_cell
        Disclosure threshold: no published count, share or figure rests on fewer people.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    if isinstance(min_group, bool) or not isinstance(min_group, int | np.integer) or min_group < 1:
        raise InputError(f"min_group must be a whole number of at least 1, got {min_group!r}.")
    source = source or Source("data given directly")
    plots.set_style()
    framing = Framing.of(data, source)
    pay = framing.pay
    fpre = _fpre(data)
    bonus_paid = (
        data["bonus_12m"].astype("float64").fillna(0.0).to_numpy() > 0
        if "bonus_12m" in data and data["bonus_12m"].notna().any()
        else None
    )
    kwargs = {"pay": pay, "min_group": int(min_group)}

    eth, eth_groups, eth_note, why = None, None, "", ""
    if _absent(data, "ethnicity"):
        eth_note = (
            "Ethnicity is not in the data, so no ethnicity pay gap can be calculated. "
            + (HOW_TO_SUPPLY["ethnicity"])
        )
    else:
        used, why = ethnicity_reference(data, reference)
        eth_groups = ethnicity_groups(data, used)
        try:
            eth = group_gaps(data, eth_groups, used, characteristic="ethnicity", **kwargs)
        except InputError as err:
            eth_note = str(err)

    dis, dis_groups, dis_note = None, None, ""
    if _absent(data, "disability"):
        dis_note = (
            "Disability is not in the data, so no disability pay gap can be calculated. "
            + (HOW_TO_SUPPLY["disability"])
        )
    else:
        dis_groups = disability_groups(data)
        try:
            dis = group_gaps(data, dis_groups, NOT_DISABLED, characteristic="disability", **kwargs)
        except InputError as err:
            dis_note = str(err)

    cells, cells_note = None, ""
    if eth is not None:
        shown = {r.group: r.members for r in eth.gaps.itertuples() if r.group != ALL_OTHERS}
        try:
            cells = intersection_gaps(
                data, eth_groups, shown, eth.reference, pay=pay, min_group=int(min_group)
            )
        except InputError as err:
            cells_note = str(err)
    else:
        cells_note = "No gaps by sex and ethnicity: " + (eth_note[0].lower() + eth_note[1:])

    raw: dict[str, pd.DataFrame] = {}
    declared: list[counted.CountTable] = []
    population = tab.PayPopulation.of(fpre, bonus_paid)
    covered: dict[str, dict] = {}
    for key, result, groups in (("ethnicity", eth, eth_groups), ("disability", dis, dis_groups)):
        if result is None:
            continue
        frames = {
            f"{key}_representation": tab.representation_table(result),
            f"{key}_pay_gaps": tab.gaps_table(result),
            f"{key}_pay_quarters": tab.quarters_table(result),
        }
        if result.bonus_recorded:
            frames[f"{key}_bonus"] = tab.bonus_table(result, min_cell)
        covered[key] = tab.raw_members(data, groups, key, result)
        declared += tab.declare(
            frames,
            prefix=key,
            column=key,
            covered=covered[key],
            result=result,
            population=population,
            pay=pay,
        )
        raw.update(frames)
    if cells is not None:
        raw["intersection_gaps"] = tab.intersection_table(cells)
        declared.append(
            tab.declare_intersections(raw["intersection_gaps"], covered["ethnicity"], population)
        )
    audited = data.assign(**{population.dimension: population.raw(fpre, bonus_paid)})
    protected = counted.protect_tables(declared, audited, min_cell=min_cell, source=source)
    shown_tables = {name: protected[name] for name in raw}

    note = f"{source.label}; research workbench ethnicity and disability pay gap report"
    context = words.Context(framing=framing, min_cell=min_cell, currency=source.currency)
    sections = (
        _representation_section(eth, eth_note, why, shown_tables, context),
        _gaps_section(eth, eth_note, shown_tables, context, note),
        _disability_section(dis, dis_note, shown_tables, context, note),
        _intersection_section(cells, cells_note, shown_tables, eth, context, _other_sex(data)),
        Section(
            "disclosure",
            "How are small numbers protected?",
            (Note("disclosure_audit", protected.note()),),
        ),
    )
    key_findings: list[Finding] = words.hours_findings(framing)
    key_findings += words.categories_findings(source, eth, why)
    key_findings += words.characteristic_findings("ethnicity", eth, eth_note, shown_tables, context)
    key_findings += words.characteristic_findings(
        "disability", dis, dis_note, shown_tables, context
    )
    key_findings += words.intersection_findings(cells, shown_tables, eth, context)
    details = (
        ("Pay compared", framing.pay_words),
        ("Ethnicity reference group", eth.reference if eth is not None else "not applicable"),
        ("Smallest group compared on its own", f"{int(min_group)} employees"),
        ("Disclosure threshold", f"groups of fewer than {min_cell} are shown as [c]"),
    )
    return DiversityPayGapReport(
        title=title_block(data, "Ethnicity and disability pay gaps", source, details=details),
        findings=findings(key_findings),
        sections=sections,
        results={
            "ethnicity": eth,
            "disability": dis,
            "intersections": cells,
            "framing": framing,
            "disclosure_audit": protected.audit,
        },
    )


# ----------------------------------------------------------------------------- sections


def _representation_table(
    characteristic: str,
    label: str,
    gaps: GroupGaps,
    tables: dict,
    context: words.Context,
    notes: tuple[str, ...] = (),
) -> Table:
    """Employees of each group of ``characteristic`` and their share of everyone."""
    name = f"{characteristic}_representation"
    return Table(
        name,
        tables[name],
        words.representation_caption(gaps, context),
        columns(
            ("group", label),
            ("n", "Employees", "int"),
            ("pct_all", "Share of all employees (%)", "pct", "%"),
        ),
        notes=notes,
    )


def _representation_section(
    eth: GroupGaps | None, absent: str, why: str, tables: dict, context: words.Context
) -> Section:
    items: list = []
    if eth is None:
        items.append(Note("ethnicity_representation", absent))
    else:
        items.append(
            _representation_table(
                "ethnicity", "Ethnic group", eth, tables, context, tuple(t for t in (why,) if t)
            )
        )
    return Section(
        "ethnicity_representation",
        "Who is in the workforce, and how many did not disclose their ethnicity?",
        tuple(items),
    )


def _gaps_section(
    eth: GroupGaps | None, absent: str, tables: dict, context: words.Context, note: str
) -> Section:
    names = (
        "ethnicity_pay_gaps",
        "ethnicity_gap_chart",
        "ethnicity_bonus",
        "ethnicity_pay_quarters",
        "ethnicity_quarters_chart",
    )
    if eth is None:
        items = _absent_notes(names, absent, "ethnicity")
    else:
        items = _characteristic_items("ethnicity", eth, tables, context, note)
    return Section(
        "ethnicity_gaps",
        "Are employees of some ethnic groups paid less than the reference group?",
        items,
    )


def _disability_section(
    dis: GroupGaps | None, absent: str, tables: dict, context: words.Context, note: str
) -> Section:
    names = (
        "disability_representation",
        "disability_pay_gaps",
        "disability_gap_chart",
        "disability_bonus",
        "disability_pay_quarters",
        "disability_quarters_chart",
    )
    if dis is None:
        items = _absent_notes(names, absent, "disability")
    else:
        representation = _representation_table(
            "disability", "Disability status", dis, tables, context
        )
        items = (representation, *_characteristic_items("disability", dis, tables, context, note))
    return Section(
        "disability",
        "Are disabled employees paid less than employees who are not disabled?",
        items,
    )


def _absent_notes(names: tuple[str, ...], absent: str, noun: str) -> tuple[Note, ...]:
    """The first item says why nothing is shown (and how to supply the data); the rest refer
    to it."""
    short = f"Not shown: no {noun} figures can be published (see the note above)."
    return (Note(names[0], absent), *(Note(name, short) for name in names[1:]))


def _characteristic_items(
    key: str, result: GroupGaps, tables: dict, context: words.Context, note: str
) -> tuple:
    label = "Ethnic group" if key == "ethnicity" else "Disability status"
    gaps = tables[f"{key}_pay_gaps"]
    items: list = [
        Table(
            f"{key}_pay_gaps",
            gaps,
            words.gaps_caption(result, context),
            columns(
                ("group", label),
                ("n", "Employees compared", "int"),
                ("mean_gap", "Gap in mean pay (%)", "pct", "%"),
                ("median_gap", "Gap in median pay (%)", "pct", "%"),
                ("robust", f"At least {ROBUST_GROUP} employees", "yesno"),
            ),
            notes=tuple(t for t in (result.combination,) if t),
        ),
        _gap_figure(key, result, gaps, context, note),
    ]
    if f"{key}_bonus" in tables:
        items.append(
            Table(
                f"{key}_bonus",
                tables[f"{key}_bonus"],
                words.bonus_caption(result, context),
                columns(
                    ("group", label),
                    ("n_relevant", "Employees", "int"),
                    ("pct_bonus", "Paid a bonus (%)", "pct", "%"),
                    ("mean_bonus_gap", "Gap in mean bonus (%)", "pct", "%"),
                    ("median_bonus_gap", "Gap in median bonus (%)", "pct", "%"),
                ),
            )
        )
    else:
        items.append(
            Note(
                f"{key}_bonus",
                "Bonus pay is not in the data, so no bonus measures are calculated.",
            )
        )
    quarters = tables[f"{key}_pay_quarters"]
    shares = [c for c in quarters.columns if c.startswith("pct_")]
    labels = [g for g in result.quarters.columns if g not in ("band", "n")]
    items.append(
        Table(
            f"{key}_pay_quarters",
            quarters,
            words.quarters_caption(result, context),
            columns(
                ("band", f"Quarter of {context.framing.pay_words}"),
                ("n", "Employees", "int"),
                *((c, f"{g} (%)", "pct", "%") for c, g in zip(shares, labels, strict=True)),
            ),
        )
    )
    items.append(_quarters_figure(key, result, quarters, shares[0], context, note))
    return tuple(items)


def _intersection_section(
    cells: pd.DataFrame | None,
    absent: str,
    tables: dict,
    eth: GroupGaps | None,
    context: words.Context,
    other_sex: int,
) -> Section:
    if cells is None:
        item = Note("intersection_gaps", absent)
    else:
        item = Table(
            "intersection_gaps",
            tables["intersection_gaps"],
            words.intersection_caption(eth, context, other_sex),
            columns(
                ("group", "Ethnic group"),
                ("sex", "Sex"),
                ("n", "Employees compared", "int"),
                ("mean_gap", "Gap in mean pay (%)", "pct", "%"),
                ("median_gap", "Gap in median pay (%)", "pct", "%"),
            ),
        )
    return Section(
        "intersections",
        "How do the gaps differ for women and men of each ethnic group?",
        (item,),
    )


# ----------------------------------------------------------------------------- figures


def _number(value) -> float | None:
    if value is None or (isinstance(value, str) and value == SUPPRESSED):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _gap_figure(
    key: str, result: GroupGaps, gaps: pd.DataFrame, context: words.Context, note: str
) -> Figure | Note:
    name = f"{key}_gap_chart"
    rows = [
        (r.group, _number(r.mean_gap), _number(r.median_gap))
        for r in gaps.itertuples()
        if _number(r.mean_gap) is not None and _number(r.median_gap) is not None
    ]
    if not rows:
        return Note(name, "No gap can be charted: every group's figures are hidden ([c]).")
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1]
    ax.scatter([r[1] for r in rows], y + 0.12, color="#1f77b4", label="Mean", zorder=3)
    ax.scatter([r[2] for r in rows], y - 0.12, color="#ff7f0e", marker="D", label="Median")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, [r[0] for r in rows])
    ax.set_xlabel(f"Gap in {context.framing.pay_words}: % of {result.reference} employees' pay")
    plots.legend_below(ax, ncol=2)
    plots.source_note(ax, note)
    plots.tight_layout(fig)
    return Figure(name, fig, words.gap_alt(result, rows, context), f"{key}_pay_gaps")


def _quarters_figure(
    key: str, result: GroupGaps, quarters: pd.DataFrame, column: str, context, note: str
) -> Figure | Note:
    name = f"{key}_quarters_chart"
    values = [_number(v) for v in quarters[column]]
    if any(v is None for v in values):
        return Note(
            name, f"The share of {result.reference} employees in a quarter is hidden ([c])."
        )
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    labels = list(quarters["band"])
    ax.barh(labels, values, color="#4c72b0", label=result.reference)
    ax.barh(labels, [100 - v for v in values], left=values, color="#dd8452", label="Everyone else")
    for y, value in enumerate(values):
        ax.text(2, y, f"{value:.1f}%", va="center", color="white", fontsize=9, fontweight="bold")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of the quarter's employees with a recorded value (%)")
    plots.legend_below(ax, ncol=2)
    plots.source_note(ax, note)
    plots.tight_layout(fig)
    alt = words.quarters_alt(result, labels, values, context)
    return Figure(name, fig, alt, f"{key}_pay_quarters")
