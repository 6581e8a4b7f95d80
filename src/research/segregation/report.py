"""The segregation report (``notebooks/20_segregation.ipynb``): :func:`build` computes it all.

``build(data, source=..., earlier=..., crosswalk=...)`` takes the canonical workforce table (its
latest snapshot is analysed) and, for the change section, the rows of an earlier snapshot as data
(the notebook finds them with :func:`research.data.snapshots.earlier_snapshot`) with, optionally, a
crosswalk of renamed units (:mod:`research.segregation.matching`). It returns a
:class:`SegregationReport`: title block, key findings and sections of publishable tables and
figures, with disclosure control applied (:mod:`research.segregation.tables`) and every sentence
written (:mod:`research.segregation.findings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.data.schema import OCCUPATION_LEVELS
from research.present import counted, disclosure, tabulate
from research.present.report import Figure, Item, Note, Report, Section, findings
from research.present.tabulate import NOT_RECORDED
from research.present.wording import join_words, title_block
from research.segregation import figures, matching, published, registry, tables
from research.segregation import findings as sentences
from research.segregation.change import decompose_change
from research.segregation.indices import expected_values, segregation_curve, segregation_indices
from research.segregation.mutual import local_segregation, mutual_information
from research.segregation.profile import segregation_profile
from research.segregation.tables import BAND, FAMILY, GRADE, SEXES, UNIT

TOPIC = "Occupational segregation"
#: Indices drawn in the chart of intervals (all on a 0-1 scale).
CHARTED = ("D", "Gini", "Hutchens", "Atkinson", "H")


class SegregationReport(Report):
    """The segregation report: how segregated occupations and grades are, which occupations drive
    it, between or within job families, the change since an earlier snapshot, and the curves."""


@dataclass(frozen=True)
class Workforce:
    """The snapshot analysed: women and men only, with the unit labels the report uses.

    ``data`` holds ``sex``, ``occupation`` and, as present, ``grade`` (every grade, with its pay
    plan when the data have one; ``"not recorded"`` when blank), ``grade_band`` (the grades drawn in
    the chart, pooled into bands when there are many) and ``job_family``.
    """

    data: pd.DataFrame
    n_other: int
    snapshot: pd.Timestamp
    occupation_level: str
    family_level: str | None
    has_grades: bool
    n_grades: int = 0  # distinct grades recorded (pay plan and grade)
    n_no_grade: int = 0  # women and men with no recorded grade
    n_bands: int = 0  # grade groups drawn in the chart
    n_pay_plans: int = 0  # distinct pay plans of graded employees (0: no pay plan column)

    @property
    def graded(self) -> pd.DataFrame:
        """Women and men with a recorded grade: the rows of every index across grades."""
        if not self.has_grades:
            return self.data.iloc[:0]
        return self.data[(self.data[GRADE] != NOT_RECORDED).to_numpy()]


#: The columns of an earlier snapshot the change section reads (its units at every level, for
#: matching them with the current ones): the data layer need load or generate no others.
EARLIER_COLUMNS = ("snapshot_date", "sex", *OCCUPATION_LEVELS)
#: Columns of the employee rows the report reads besides a chosen family level.
_USED = frozenset({*EARLIER_COLUMNS, "grade", "grade_rank", "pay_plan"})


def _rows(data: pd.DataFrame, mask, columns=None) -> pd.DataFrame:
    """The rows of ``data`` where ``mask`` holds, with only ``columns`` (a set; ``None``: all):
    a copy of the columns used, never of the whole table, and none when every row is kept."""
    if columns is not None:
        data = data[[c for c in data.columns if c in columns]]
    mask = np.asarray(mask, dtype=bool)
    return data if mask.all() else data[mask]


def _binary(
    data: pd.DataFrame, occupation_level: str, keep: tuple[str | None, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Women and men of ``data`` (the columns the report reads, and ``keep``) and a frame with
    their sex and readable occupation labels."""
    require = [c for c in ("sex", occupation_level) if c not in data]
    if require:
        raise InputError(
            f"The segregation report needs the column(s) {', '.join(require)}; the data have "
            f"{', '.join(map(str, data.columns))}."
        )
    binary = _rows(
        data,
        data["sex"].astype("string").isin(SEXES).to_numpy(),
        _USED | {occupation_level, counted.GRADE_UNIT, *(k for k in keep if k)},
    )
    frame = pd.DataFrame(
        {
            "sex": text_codes(binary["sex"]),
            UNIT: text_codes(
                tabulate.occupation_labels(binary, occupation_level).fillna("(missing)")
            ),
        }
    )
    return binary, frame


def text_codes(values: pd.Series) -> pd.Categorical:
    """Row labels as a categorical of their texts, the categories sorted as text ("str" dtype):
    the units, order and labels that counting the texts themselves gives (every index codes
    categories in their order), at a byte or two a row instead of the text of every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [str(t) for t in uniques]
    order = sorted(range(len(texts)), key=texts.__getitem__)
    rank = np.empty(len(texts), dtype=np.int64)
    rank[order] = np.arange(len(texts))
    sorted_codes = np.where(codes < 0, -1, rank[np.maximum(codes, 0)] if texts else -1)
    categories = pd.Index([texts[i] for i in order], dtype="str")
    return pd.Categorical.from_codes(sorted_codes, categories=categories)


def _grades(
    binary: pd.DataFrame, max_groups: int, population: pd.DataFrame
) -> tuple[pd.Series, pd.Series, int]:
    """Every grade (with its pay plan), the grade groups of the chart and the number of pay plans.

    Grades of different pay plans are different units. The chart pools grades into at most
    ``max_groups`` bands of grade rank, cut on the grades of ``population`` (everyone in the
    snapshot, whatever their sex) as every report on the same data cuts them; indices never do.
    """
    recorded = binary["grade"].notna().to_numpy()
    every = tabulate.grade_groups(
        binary, max_groups=len(binary), missing=NOT_RECORDED, population=population
    )
    n_plans = 0
    if "pay_plan" in binary and binary["pay_plan"].notna().any():
        plans = binary["pay_plan"].astype("string")
        with_plan = recorded & plans.notna().to_numpy()
        every = every.mask(with_plan, plans + ": " + every)
        n_plans = int(plans[recorded].nunique())
    if every[recorded].nunique() <= max_groups:
        return every, every, n_plans
    return (
        every,
        tabulate.grade_groups(
            binary, max_groups=max_groups, missing=NOT_RECORDED, population=population
        ),
        n_plans,
    )


def prepare(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    family_level: str | None = "job_family",
    max_grade_groups: int = 30,
) -> Workforce:
    """The latest snapshot, women and men only, with report labels.

    ``occupation`` holds readable occupation labels (code and title), ``grade`` every grade in
    order (``"not recorded"`` when blank), ``grade_band`` the grades of the chart (pooled into
    bands of grade rank when there are more than ``max_grade_groups``), ``job_family`` the
    grouping for the between/within split (left out when the data lack it).
    """
    if "snapshot_date" in data and data["snapshot_date"].notna().any():
        latest = data["snapshot_date"].max()
        current = _rows(data, data["snapshot_date"] == latest)
    else:
        latest, current = pd.NaT, data
    binary, frame = _binary(current, occupation_level, keep=(family_level,))
    has_grades = bool("grade" in binary and binary["grade"].notna().any())
    grade_counts = {}
    if has_grades:
        every, bands, n_plans = _grades(binary, max_grade_groups, current)
        recorded = binary["grade"].notna().to_numpy()
        frame[GRADE] = text_codes(every)
        # the bands are the grades themselves when there are few: one array for both
        frame[BAND] = frame[GRADE].array if bands is every else text_codes(bands)
        grade_counts = {
            "n_grades": int(every[recorded].nunique()),
            "n_no_grade": int((~recorded).sum()),
            "n_bands": int(bands[recorded].nunique()),
            "n_pay_plans": n_plans,
        }
    family = None
    if family_level and family_level in binary and binary[family_level].notna().any():
        family = family_level
        frame[FAMILY] = text_codes(binary[family_level].astype("string").fillna("(missing)"))
    return Workforce(
        data=frame,
        n_other=int(len(current) - len(binary)),
        snapshot=pd.Timestamp(latest),
        occupation_level=occupation_level,
        family_level=family,
        has_grades=has_grades,
        **grade_counts,
    )


def _vertical(workforce: Workforce, n_boot: int, seed: int):
    """Indices across every recorded grade (never across the chart's bands)."""
    if not workforce.has_grades:
        return None, "the dataset records no grades"
    graded = workforce.graded
    try:
        return (
            segregation_indices(
                graded, "sex", GRADE, compare="F", reference="M", n_boot=n_boot, seed=seed
            ),
            expected_values(graded, "sex", GRADE, compare="F", reference="M", seed=seed),
        ), ""
    except InputError as err:
        return None, str(err).rstrip(".")


def _change(
    earlier: pd.DataFrame,
    current: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    level: str,
    crosswalk: Mapping[str, str] | None,
    label: str,
    n_boot: int,
    seed: int,
):
    """The change decomposition on the earlier snapshot's units in current names, or why not.

    Returns the decomposition (or ``None``), the reason it is missing (a clause) and how the
    units matched (:class:`matching.UnitMatch`, ``None`` when they could not be compared).
    """
    try:
        before_rows, _ = _binary(earlier, level)
    except InputError:
        return None, f"the {label} has no {level.replace('_', ' ')} column", None
    current = _rows(
        current,
        current["sex"].astype("string").isin(SEXES).to_numpy(),
        {"sex", level, *OCCUPATION_LEVELS},
    )
    units, match = matching.earlier_labels(before_rows, current, level, crosswalk)
    before = pd.DataFrame({"sex": text_codes(before_rows["sex"]), UNIT: text_codes(units)})
    try:
        change = decompose_change(before, frame, "sex", UNIT, index="M", n_boot=n_boot, seed=seed)
    except InputError as err:
        if match.n_common >= 2:
            return None, str(err).rstrip("."), match
        what = matching.noun(level)
        common = (
            f"none of the current {match.n_current} {what} is"
            if match.n_common == 0
            else f"only 1 of the current {match.n_current} {what} is"
        )
        return None, f"{common} also in the {label}, too few to compare", match
    return change, "", match


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    earlier: pd.DataFrame | None = None,
    earlier_label: str = "earlier snapshot",
    earlier_reason: str = "no earlier snapshot was given",
    crosswalk: Mapping[str, str] | None = None,
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
    crosswalk
        Earlier unit name -> current name (names as in the ``occupation_level`` column, or the
        report's labels), applied to the earlier snapshot before change is computed: renamed units
        are then matched, not counted as additions and removals. Units still found in only one
        snapshot are counted and named in the change section, with a suggestion.
    occupation_level, family_level
        Column of the occupations compared, and of their grouping for the between/within split
        (``"none"``: no split).
    max_grade_groups
        The chart of women by grade pools grades into bands of ranks when there are more;
        indices always use every grade.
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

    shares = None
    if vertical is not None:
        shares, _ = tables.grade_shares(frame, min_cell=min_cell)
    protected = published.protect(
        data,
        {
            "largest_contributions": drivers,
            "most_dominated_occupations": dominated,
            "job_families": family_frame,
            "women_by_grade": shares,
        },
        occupation_level=occupation_level,
        family_level=workforce.family_level,
        bands=frame.get(tables.BAND),
        min_cell=min_cell,
        source=source,
    )
    if shares is not None:
        shares = protected["women_by_grade"]
        n_shares_hidden = int(shares["pct_female"].astype(object).eq(disclosure.SUPPRESSED).sum())
    drivers = protected["largest_contributions"]
    dominated = protected["most_dominated_occupations"]
    family_frame = protected.get("job_families")
    n_hidden = int(drivers["pct_female"].astype(object).eq(disclosure.SUPPRESSED).sum())

    current = data
    if pd.notna(workforce.snapshot):
        current = _rows(data, data["snapshot_date"] == workforce.snapshot)
    change, change_reason, match = None, earlier_reason, None
    if earlier is not None:
        change, change_reason, match = _change(
            earlier,
            current,
            frame,
            level=occupation_level,
            crosswalk=crosswalk,
            label=earlier_label,
            n_boot=n_boot,
            seed=seed,
        )

    curves = {"occupations": segregation_curve(frame, "sex", UNIT, **pair)}
    if vertical is not None:
        curves["grades"] = segregation_curve(workforce.graded, "sex", GRADE, **pair)

    n_women = int((frame["sex"] == "F").sum())
    key = [
        sentences.workforce(n_women, len(frame), workforce.n_other, min_cell),
        sentences.occupational(occ, occ_chance),
    ]
    if vertical is not None:
        key.append(
            sentences.vertical(
                vertical[0], occ, workforce.n_grades, workforce.n_no_grade, min_cell=min_cell
            )
        )
    key.append(sentences.drivers(drivers))
    key.append(sentences.families(split) if split is not None else None)
    key.append(sentences.change(change, earlier_label, change_reason, match))

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
                what=tables.grades_counted(workforce.n_grades, workforce.n_pay_plans),
                extra=tables.no_grade_notes(workforce.n_no_grade, min_cell),
            )
        )
    else:
        index_items.append(
            Note("indices_grades", f"Segregation by grade is not shown: {vertical_reason}.")
        )
    index_items.append(_intervals_figure(occ, occ_chance, vertical, figure_source))
    if vertical is not None:
        index_items.append(
            tables.grade_shares_table(
                shares,
                n_grades=workforce.n_grades,
                n_bands=workforce.n_bands,
                n_no_grade=workforce.n_no_grade,
                n_hidden=n_shares_hidden,
                min_cell=min_cell,
            )
        )
        index_items.append(
            _grade_shares_figure(shares, workforce, 100 * n_women / len(frame), figure_source)
        )

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
        text = f"Change over time is not shown: {change_reason}."
        if match is not None and not match.matched:
            text += " " + matching.explain(match, earlier_label)
        change_items: list[Item] = [Note("change_decomposition", text)]
    else:
        notes = ()
        if match is not None and (match.renamed or not match.matched):
            notes = (matching.explain(match, earlier_label),)
        change_items = [
            tables.change_table(change, earlier_label, notes=notes),
            _change_figure(change, earlier_label, figure_source),
        ]

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
            "unit_match": match,
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


def _grade_shares_figure(
    shares: pd.DataFrame, workforce: Workforce, overall: float, source: str
) -> Figure:
    drawn = figures.drawn_grades(shares)
    ax = figures.grade_shares(shares, overall=overall)
    pooled = workforce.n_bands < workforce.n_grades
    what = (
        f"{workforce.n_bands} bands of neighbouring grades (grades pooled into "
        f"{workforce.n_bands} bands for the chart; indices use all {workforce.n_grades} grades)"
        if pooled
        else f"{workforce.n_grades} grades"
    )
    note = source
    if pooled:
        note += (
            f". Grades pooled into {workforce.n_bands} bands for the chart; indices use all "
            f"{workforce.n_grades} grades"
        )
    if len(drawn):
        low, high = drawn.iloc[0], drawn.iloc[-1]
        title = (
            f"Women are {low['pct']:.0f}% of the lowest and {high['pct']:.0f}% of the highest "
            f"{'band' if pooled else 'grade'} shown"
        )
        alt = (
            f"Bar chart of the share of women in each of {what}, lowest first, with a line at "
            f"their share of the workforce ({overall:.1f}%). Women are {low['pct']:.1f}% of "
            f"{low[BAND]} and {high['pct']:.1f}% of {high[BAND]}."
        )
    else:
        title = "Share of women by grade"
        alt = (
            f"Bar chart of the share of women in each of {what}: every share is hidden because "
            "the counts are small, so no bars are drawn."
        )
    hidden = len(shares) - len(drawn) - int((shares[BAND] == NOT_RECORDED).sum())
    if hidden:
        note += f". {hidden} with hidden statistics are not drawn"
    fig = figures.finish(ax, title=title, source=note + ".")
    return Figure("women_by_grade_chart", fig, alt, table="women_by_grade")


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
