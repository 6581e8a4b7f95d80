"""The segregation report (``notebooks/20_segregation.ipynb``): :func:`build` computes it all.

``build(data, source=..., earlier=...)`` takes the canonical workforce table (its latest snapshot is
analysed) and, for the change section, the rows of an earlier snapshot as data (the notebook finds
them with :func:`research.data.snapshots.earlier_snapshot`). It returns a
:class:`SegregationReport`: title block, key findings and sections of publishable tables and
figures, with disclosure control applied (:mod:`research.segregation.tables`) and every sentence
written (:mod:`research.segregation.findings`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.present import disclosure, tabulate
from research.present.report import Figure, Item, Note, Report, Section, findings
from research.present.wording import join_words, title_block
from research.segregation import figures, published, registry, tables
from research.segregation import findings as sentences
from research.segregation.change import decompose_change
from research.segregation.indices import expected_values, segregation_curve, segregation_indices
from research.segregation.mutual import local_segregation, mutual_information
from research.segregation.profile import segregation_profile
from research.segregation.tables import FAMILY, GRADE, SEXES, UNIT

TOPIC = "Occupational segregation"
#: Indices drawn in the chart of intervals (all on a 0-1 scale).
CHARTED = ("D", "Gini", "Hutchens", "Atkinson", "H")


class SegregationReport(Report):
    """The segregation report: how segregated occupations and grades are, which occupations drive
    it, between or within job families, the change since an earlier snapshot, and the curves."""


@dataclass(frozen=True)
class Workforce:
    """The snapshot analysed: women and men only, with the unit labels the report uses."""

    data: pd.DataFrame  # F and M only; columns sex, occupation, grade, job_family (as present)
    n_other: int
    snapshot: pd.Timestamp
    occupation_level: str
    family_level: str | None
    has_grades: bool


def _binary(data: pd.DataFrame, occupation_level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Women and men of ``data`` and a frame with their sex and readable occupation labels."""
    require = [c for c in ("sex", occupation_level) if c not in data]
    if require:
        raise InputError(
            f"The segregation report needs the column(s) {', '.join(require)}; the data have "
            f"{', '.join(map(str, data.columns))}."
        )
    binary = data[data["sex"].astype("string").isin(SEXES).to_numpy()]
    frame = pd.DataFrame(
        {
            "sex": binary["sex"].astype("string").to_numpy(),
            UNIT: tabulate.occupation_labels(binary, occupation_level)
            .fillna("(missing)")
            .to_numpy(),
        }
    )
    return binary, frame


def prepare(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    family_level: str | None = "job_family",
    max_grade_groups: int = 30,
) -> Workforce:
    """The latest snapshot, women and men only, with report labels.

    ``occupation`` holds readable occupation labels (code and title), ``grade`` the grades in
    order (pooled into bands when there are more than ``max_grade_groups``), ``job_family`` the
    grouping for the between/within split (left out when the data lack it).
    """
    if "snapshot_date" in data and data["snapshot_date"].notna().any():
        latest = data["snapshot_date"].max()
        current = data[data["snapshot_date"] == latest]
    else:
        latest, current = pd.NaT, data
    binary, frame = _binary(current, occupation_level)
    has_grades = bool("grade" in binary and binary["grade"].notna().any())
    if has_grades:
        frame[GRADE] = tabulate.grade_groups(binary, max_groups=max_grade_groups).to_numpy()
    family = None
    if family_level and family_level in binary and binary[family_level].notna().any():
        family = family_level
        frame[FAMILY] = binary[family_level].astype("string").fillna("(missing)").to_numpy()
    return Workforce(
        data=frame,
        n_other=int(len(current) - len(binary)),
        snapshot=pd.Timestamp(latest),
        occupation_level=occupation_level,
        family_level=family,
        has_grades=has_grades,
    )


def _vertical(workforce: Workforce, n_boot: int, seed: int):
    if not workforce.has_grades:
        return None, "the dataset records no grades"
    try:
        return (
            segregation_indices(
                workforce.data, "sex", GRADE, compare="F", reference="M", n_boot=n_boot, seed=seed
            ),
            expected_values(workforce.data, "sex", GRADE, compare="F", reference="M", seed=seed),
        ), ""
    except InputError as err:
        return None, str(err).rstrip(".")


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    earlier: pd.DataFrame | None = None,
    earlier_label: str = "earlier snapshot",
    earlier_reason: str = "no earlier snapshot was given",
    occupation_level: str = "occupation",
    family_level: str = "job_family",
    max_grade_groups: int = 30,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    top_n: int = 15,
    n_boot: int = 500,
    seed: int = 2025,
) -> SegregationReport:
    """The segregation report of the latest snapshot in ``data``.

    Parameters
    ----------
    data
        Canonical workforce table (``sex``, the occupation level; ``grade``, ``job_family``
        and ``snapshot_date`` when present). Its latest snapshot is analysed.
    source
        Where the data came from (``Dataset.source``), for the title block and figure notes.
    earlier, earlier_label, earlier_reason
        Rows of the earlier snapshot for the change section and how sentences name it
        ("Compared with the <label>, ..."); without them the change section says
        "Change over time is not shown: <reason>."
    occupation_level, family_level
        Column of the occupations compared, and of their grouping for the between/within split
        (``"none"``: no split).
    max_grade_groups
        Grades are pooled into bands of ranks when there are more.
    min_cell, top_n, n_boot, seed
        Disclosure threshold, occupations listed, bootstrap replicates (0: no intervals), seed of
        the bootstrap and of the chance simulations.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    source = source or Source("data given directly")
    workforce = prepare(
        data,
        occupation_level=occupation_level,
        family_level=None if family_level == "none" else family_level,
        max_grade_groups=max_grade_groups,
    )
    frame = workforce.data
    pair = {"compare": "F", "reference": "M"}
    occ = segregation_indices(frame, "sex", UNIT, **pair, n_boot=n_boot, seed=seed)
    occ_chance = expected_values(frame, "sex", UNIT, **pair, seed=seed)
    vertical, vertical_reason = _vertical(workforce, n_boot, seed)
    local = local_segregation(frame, "sex", UNIT)
    drivers, n_hidden = tables.drivers(frame, local, min_cell=min_cell, top_n=top_n)
    dominated = tables.dominated(frame, min_cell=min_cell)

    mi = profile = split = family_frame = None
    if workforce.family_level is None:
        family_reason = (
            "no grouping of occupations was chosen"
            if family_level == "none"
            else f"the dataset has no {family_level.replace('_', ' ')} column"
        )
    else:
        family_reason = ""
        mi = mutual_information(frame, "sex", UNIT, within=FAMILY, n_boot=n_boot, seed=seed)
        profile = segregation_profile(
            frame, "sex", UNIT, across=FAMILY, **pair, n_boot=n_boot, seed=seed
        )
        split = tables.family_split(mi)
        family_frame = tables.families(frame, mi, profile, min_cell=min_cell)

    protected = published.protect(
        data,
        {
            "largest_contributions": drivers,
            "most_dominated_occupations": dominated,
            "job_families": family_frame,
        },
        occupation_level=occupation_level,
        family_level=workforce.family_level,
        min_cell=min_cell,
        source=source,
    )
    drivers = protected["largest_contributions"]
    dominated = protected["most_dominated_occupations"]
    family_frame = protected.get("job_families")
    n_hidden = int(drivers["pct_female"].astype(object).eq(disclosure.SUPPRESSED).sum())

    change = None
    if earlier is not None:
        _, before = _binary(earlier, occupation_level)
        change = decompose_change(before, frame, "sex", UNIT, index="M", n_boot=n_boot, seed=seed)

    curves = {"occupations": segregation_curve(frame, "sex", UNIT, **pair)}
    if vertical is not None:
        curves["grades"] = segregation_curve(frame, "sex", GRADE, **pair)

    n_women = int((frame["sex"] == "F").sum())
    key = [
        sentences.workforce(n_women, len(frame), workforce.n_other, min_cell),
        sentences.occupational(occ, occ_chance),
    ]
    if vertical is not None:
        key.append(sentences.vertical(vertical[0], occ))
    key.append(sentences.drivers(drivers))
    key.append(sentences.families(split) if split is not None else None)
    key.append(sentences.change(change, earlier_label, earlier_reason))

    figure_source = f"{source.label}; research workbench segregation report"
    n_occupations = frame[UNIT].nunique()
    index_items: list[Item] = [
        tables.index_table(
            "indices_occupations",
            occ,
            occ_chance,
            noun="occupation",
            what=tables.counted(n_occupations, "occupations"),
        )
    ]
    if vertical is not None:
        index_items.append(
            tables.index_table(
                "indices_grades",
                *vertical,
                noun="grade",
                what=tables.counted(frame[GRADE].nunique(), "grades (or bands of grades)"),
            )
        )
    else:
        index_items.append(
            Note("indices_grades", f"Segregation by grade is not shown: {vertical_reason}.")
        )
    index_items.append(_intervals_figure(occ, occ_chance, vertical, figure_source))

    driver_items: list[Item] = [
        tables.drivers_table(drivers, n_hidden, min_cell),
        _contributions_figure(drivers, top_n, figure_source),
        tables.dominated_table(dominated),
    ]
    if split is None:
        family_items: list[Item] = [
            Note("between_within_families", f"The split is not shown: {family_reason}.")
        ]
    else:
        family_items = [tables.family_split_table(split), tables.families_table(family_frame)]
    if change is None:
        change_items: list[Item] = [
            Note("change_decomposition", f"Change over time is not shown: {earlier_reason}.")
        ]
    else:
        change_items = [
            tables.change_table(change, earlier_label),
            _change_figure(change, earlier_label, figure_source),
        ]

    current = data
    if pd.notna(workforce.snapshot):
        current = data[data["snapshot_date"] == workforce.snapshot]
    title = title_block(
        current,
        TOPIC,
        source,
        details=(
            (
                "Occupations",
                f"{tables.counted(n_occupations, 'distinct values')} of "
                f"{occupation_level.replace('_', ' ')}",
            ),
            (
                "Disclosure threshold",
                f"counts below {min_cell} are shown as {disclosure.SUPPRESSED}",
            ),
        ),
    )
    return SegregationReport(
        title=title,
        findings=findings(k for k in key if k is not None),
        sections=(
            Section("indices", "How segregated are occupations and grades?", tuple(index_items)),
            Section("drivers", "Which occupations drive segregation?", tuple(driver_items)),
            Section("families", "Between or within job families?", tuple(family_items)),
            Section("change", "Has segregation changed?", tuple(change_items)),
            Section(
                "curves",
                "How far are the segregation curves from equality?",
                (_curves_figure(curves, figure_source),),
            ),
            Section(
                "disclosure",
                "How are small numbers protected?",
                (Note("disclosure_audit", protected.note()),),
            ),
        ),
        results={
            "disclosure_audit": protected.audit,
            "workforce": workforce,
            "occupations": occ,
            "occupations_by_chance": occ_chance,
            "grades": None if vertical is None else vertical[0],
            "grades_by_chance": None if vertical is None else vertical[1],
            "local": local,
            "families": mi,
            "family_profile": profile,
            "change": change,
            "curves": curves,
        },
    )


# --------------------------------------------------------------------------------------------------
# Figures with alt text
# --------------------------------------------------------------------------------------------------


def _intervals_figure(occ, occ_chance, vertical, source: str) -> Figure:
    results = {"occupations": occ}
    chance = {"occupations": occ_chance}
    if vertical is not None:
        results["grades"], chance["grades"] = vertical
    ax = figures.index_intervals(results, chance, keys=CHARTED)
    d, d_chance = occ["D"].value, occ_chance["D"]
    fig = figures.finish(
        ax,
        title=f"Occupational segregation (D = {d:.2f}) against chance (D = {d_chance:.2f})",
        source=source + ". Bars: 95% bootstrap intervals.",
    )
    boot = occ["D"].ci is not None
    alt = (
        f"Dot chart of the indices {join_words([registry.get(k).label for k in CHARTED])} on a "
        f"0 to 1 scale across {join_words(list(results))}"
        + (", each with its 95% bootstrap interval" if boot else "")
        + ", and as hollow circles the value if people were allocated by lot. "
        f"D across occupations is {d:.2f} against {d_chance:.2f} by chance"
        + (f"; across grades it is {vertical[0]['D'].value:.2f}." if vertical else ".")
    )
    return Figure("indices_with_intervals", fig, alt, table="indices_occupations")


def _contributions_figure(drivers: pd.DataFrame, top_n: int, source: str) -> Figure:
    ax = figures.contributions(drivers, top=top_n)
    shown = drivers[drivers["pct_of_M"] != disclosure.SUPPRESSED]
    if len(shown):
        top, pct = shown[UNIT].iloc[0], float(shown["pct_of_M"].iloc[0])
        title = f"{top} contributes most of those shown ({pct:.1f}% of M)"
        alt = (
            f"Bar chart of the share of segregation (M) contributed by each of the "
            f"{len(shown)} listed occupations whose statistics can be shown, coloured by whether "
            f"women are more or less common there than overall. {top} contributes most: "
            f"{pct:.1f}%."
        )
    else:
        title = "Contributions to segregation"
        alt = (
            "Bar chart of contributions to segregation (M): every listed occupation has hidden "
            "statistics, so no bars are drawn."
        )
    fig = figures.finish(
        ax, title=title, source=source + ". Occupations with hidden statistics are not drawn."
    )
    return Figure("largest_contributions_chart", fig, alt, table="largest_contributions")


def _change_figure(change, label: str, source: str) -> Figure:
    ax = figures.change_bars(change, units="occupations")
    direction = "rose" if change.difference > 0 else "fell"
    structural = change.components["structural"]
    fig = figures.finish(
        ax,
        title=f"Segregation (M) {direction} by {abs(change.difference):.3f}; structural part "
        f"{structural:+.3f}",
        source=source + ". Bars: 95% bootstrap intervals.",
    )
    alt = (
        f"Bar chart of the parts of the change in segregation (M) since the {label}: the total "
        f"change is {change.difference:+.3f} and the structural part (who works where) "
        f"{structural:+.3f}" + (", with 95% bootstrap intervals." if change.n_boot else ".")
    )
    return Figure("change_decomposition_chart", fig, alt, table="change_decomposition")


def _curves_figure(curves, source: str) -> Figure:
    ax = figures.curves(curves)
    occ = curves["occupations"]
    title = f"Occupations: Gini {occ.gini:.2f}"
    alt = (
        "Segregation curves: cumulative share of women against cumulative share of men, units "
        "sorted from the most male to the most female; the diagonal is no segregation. "
        f"Occupations: Gini {occ.gini:.2f}, D {occ.D:.2f}"
    )
    if "grades" in curves:
        grades = curves["grades"]
        title += f"; grades: Gini {grades.gini:.2f}"
        alt += f"; grades: Gini {grades.gini:.2f}, D {grades.D:.2f}"
    fig = figures.finish(ax, title=title, source=source)
    return Figure("segregation_curves", fig, alt + ".", table="indices_occupations")
