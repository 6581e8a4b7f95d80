"""Publishable tables of the segregation report, with disclosure control applied.

Every table here that describes occupations or job families passes through
:mod:`research.present.disclosure` first: an occupation's statistics (share of women,
representation ratio, contribution) are hidden whenever the occupation-by-sex count table, with
its totals, would hide one of its counts, because each of those statistics together with the
occupation's size gives the counts back. Indices of the whole workforce are aggregates and are
shown as they are.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from research.present import disclosure, tabulate
from research.present.formats import fmt_int
from research.present.report import Table, columns
from research.present.tabulate import NOT_RECORDED
from research.present.wording import count_words
from research.segregation import registry
from research.segregation.change import ChangeDecomposition
from research.segregation.indices import ExpectedValues, IndexTable, representation_ratios
from research.segregation.mutual import LocalSegregation, MutualInformation
from research.segregation.profile import SegregationProfile

SEXES = ("F", "M")
UNIT = "occupation"
GRADE = "grade"
BAND = "grade_band"
FAMILY = "job_family"

_INTERVAL_COLUMNS = (
    ("bias_corrected", "Corrected for chance", "float3", "index"),
    ("ci_low", "95% CI from", "float3", "index"),
    ("ci_high", "95% CI to", "float3", "index"),
)


# --------------------------------------------------------------------------------------------------
# Indices
# --------------------------------------------------------------------------------------------------


def index_frame(table: IndexTable, expected: ExpectedValues) -> pd.DataFrame:
    """One row per index shown in the report (registry order): value, corrected value, interval,
    value by chance. Without a bootstrap the corrected value and the interval are left out."""
    rows = []
    for index in registry.indices(shown=True):
        est = table[index.name]
        low, high = est.ci if est.ci is not None else (math.nan, math.nan)
        rows.append(
            {
                "index": index.label,
                "estimate": est.value,
                "bias_corrected": math.nan if est.bias_corrected is None else est.bias_corrected,
                "ci_low": low,
                "ci_high": high,
                "by_chance": expected[index.name],
            }
        )
    frame = pd.DataFrame(rows)
    if frame["ci_low"].isna().all():
        frame = frame.drop(columns=["bias_corrected", "ci_low", "ci_high"])
    return frame


def meanings(noun: str) -> tuple[str, ...]:
    """What each index of the index tables measures, one sentence each."""
    return tuple(f"{i.label}: {i.describe(noun)}." for i in registry.indices(shown=True))


def index_table(
    name: str,
    table: IndexTable,
    expected: ExpectedValues,
    *,
    noun: str,
    what: str,
    extra: tuple[str, ...] = (),
) -> Table:
    """The index table across occupations or grades (``what``: e.g. ``"40 occupations"``);
    ``extra`` notes go after the meanings of the indices."""
    frame = index_frame(table, expected)
    specs = [("index", "Index", "text"), ("estimate", "As measured", "float3", "index")]
    if "ci_low" in frame:
        specs += list(_INTERVAL_COLUMNS)
    specs.append(("by_chance", "If allocated by lot", "float3", "index"))
    return Table(
        name,
        frame,
        caption=f"Segregation of women and men across {what}: D = {table['D'].value:.3f}",
        columns=columns(*specs),
        notes=meanings(noun) + tuple(extra),
    )


def grades_counted(n_grades: int, n_pay_plans: int = 0) -> str:
    """``"all 78 grades"``, or ``"all 78 grades of 5 pay plans (each plan's grades apart)"``."""
    text = f"all {fmt_int(n_grades)} grades" if n_grades > 1 else counted(n_grades, "grade")
    if n_pay_plans > 1:
        text += f" of {fmt_int(n_pay_plans)} pay plans (each plan's grades counted apart)"
    return text


def no_grade_notes(n_no_grade: int, min_cell: int) -> tuple[str, ...]:
    """The note saying how many employees with no recorded grade are left out, if any."""
    if not n_no_grade:
        return ()
    verb = "is" if n_no_grade == 1 else "are"
    who = "woman or man" if n_no_grade == 1 else "women and men"
    return (
        f"{count_words(n_no_grade, min_cell)} {who} with no recorded grade {verb} left out of "
        "the indices across grades.",
    )


# --------------------------------------------------------------------------------------------------
# Women by grade (the chart's grouping), with disclosure control
# --------------------------------------------------------------------------------------------------


def grade_shares(data: pd.DataFrame, *, min_cell: int) -> tuple[pd.DataFrame, int]:
    """Employees and women's share in each grade group of the chart, lowest grade first and
    ``"not recorded"`` last; statistics of small groups as ``[c]``. Also how many rows had their
    share hidden."""
    counts = _counts(data, BAND)
    binary = counts["F"] + counts["M"]
    table = pd.DataFrame(
        {
            BAND: counts.index.astype(str),
            "n": binary.to_numpy(),
            "pct_female": (100 * counts["F"] / binary.where(binary > 0)).to_numpy(),
        }
    )
    last = (table[BAND] == NOT_RECORDED).to_numpy()
    table = pd.concat(
        [table[~last].sort_values(BAND, kind="stable"), table[last]], ignore_index=True
    )
    return _suppress(table, BAND, data, ["pct_female"], min_cell)


def grade_shares_table(
    frame: pd.DataFrame,
    *,
    n_grades: int,
    n_bands: int,
    n_no_grade: int,
    n_hidden: int,
    min_cell: int,
) -> Table:
    """The table behind the chart of women by grade; its caption says when grades are pooled."""
    if n_bands < n_grades:
        caption = (
            f"Share of women in each band of grades: grades pooled into {fmt_int(n_bands)} bands "
            f"for the chart; indices use all {fmt_int(n_grades)} grades"
        )
    else:
        caption = f"Share of women in each of the {counted(n_grades, 'grades')}"
    notes = []
    if n_no_grade:
        who = "woman or man" if n_no_grade == 1 else "women and men"
        verb = "is" if n_no_grade == 1 else "are"
        notes.append(
            f"{count_words(n_no_grade, min_cell)} {who} with no recorded grade {verb} listed as "
            f"{NOT_RECORDED} and left out of the indices across grades."
        )
    if n_hidden:
        notes.append(
            f"Statistics of {n_hidden} rows are hidden ({disclosure.SUPPRESSED}) because they "
            f"have fewer than {min_cell} women or men."
        )
    return Table(
        "women_by_grade",
        frame,
        caption=caption,
        columns=columns(
            (BAND, "Grade" if n_bands == n_grades else "Grades"),
            ("n", "Employees", "int"),
            ("pct_female", "Women (%)", "pct", "%"),
        ),
        row_header=BAND,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------------------------------
# Occupations behind the numbers, with disclosure control
# --------------------------------------------------------------------------------------------------


def _hidden_units(counts: pd.DataFrame, min_cell: int) -> tuple[pd.Series, pd.Series]:
    """Per unit: are its F/M counts hidden (primary or secondary), and is its total hidden?"""
    counts = counts.reindex(columns=list(SEXES), fill_value=0)
    result = disclosure.suppress_counts(counts, min_cell, margins=True)
    hidden = (result.primary | result.secondary).drop(index=disclosure.TOTAL_LABEL)
    return hidden[list(SEXES)].any(axis=1), hidden[disclosure.TOTAL_LABEL]


def _counts(data: pd.DataFrame, by: str) -> pd.DataFrame:
    return tabulate.headcount_by_sex(data, by).reindex(columns=list(SEXES), fill_value=0)


def _suppress(
    table: pd.DataFrame, key: str, data: pd.DataFrame, statistics: list[str], min_cell: int
) -> tuple[pd.DataFrame, int]:
    """``statistics`` and ``n`` of small units as ``[c]``; also how many rows had statistics hidden."""
    stats_hidden, total_hidden = _hidden_units(_counts(data, key), min_cell)
    mask_stats = table[key].map(stats_hidden).fillna(True).to_numpy(dtype=bool)
    mask_n = table[key].map(total_hidden).fillna(True).to_numpy(dtype=bool)
    shown = table.astype({c: object for c in ["n", *statistics]})
    for column in statistics:
        shown.loc[mask_stats, column] = disclosure.SUPPRESSED
    shown.loc[mask_n, "n"] = disclosure.SUPPRESSED
    return shown, int(mask_stats.sum())


def drivers(
    data: pd.DataFrame, local: LocalSegregation, *, min_cell: int, top_n: int
) -> tuple[pd.DataFrame, int]:
    """The occupations contributing most to M, with women's share and representation ratio.

    Returns the table (statistics of small occupations shown as ``[c]``) and how many of the
    listed occupations had statistics hidden.
    """
    ratios = representation_ratios(data, "sex", UNIT, compare="F", reference="M").table
    table = local.units.merge(ratios[[UNIT, "share_F", "ratio_F"]], on=UNIT, how="left")
    table = table.assign(pct_female=100 * table["share_F"], pct_of_M=100 * table["share"])
    table = table[[UNIT, "n", "pct_female", "ratio_F", "pct_of_M"]].head(top_n)
    return _suppress(
        table.reset_index(drop=True), UNIT, data, ["pct_female", "ratio_F", "pct_of_M"], min_cell
    )


def drivers_table(frame: pd.DataFrame, n_hidden: int, min_cell: int) -> Table:
    caption = "Occupations contributing most to segregation (M)"
    if n_hidden:
        caption += (
            f"; statistics of {n_hidden} of them are hidden ({disclosure.SUPPRESSED}) because "
            f"they have fewer than {min_cell} women or men"
        )
    return Table(
        "largest_contributions",
        frame,
        caption=caption,
        columns=columns(
            (UNIT, "Occupation"),
            ("n", "Employees", "int"),
            ("pct_female", "Women (%)", "pct", "%"),
            ("ratio_F", "Representation ratio of women", "float2", "ratio"),
            ("pct_of_M", "Share of all segregation (%)", "pct", "%"),
        ),
    )


def dominated(data: pd.DataFrame, *, min_cell: int, n: int = 5) -> pd.DataFrame:
    """The ``n`` most female- and most male-dominated occupations whose counts may be shown.

    Female-dominated occupations are those where women are over-represented (ratio above 1),
    sorted by women's share; male-dominated those where they are under-represented; an occupation
    is never in both.
    """
    ratios = representation_ratios(data, "sex", UNIT, compare="F", reference="M").table
    stats_hidden, _ = _hidden_units(_counts(data, UNIT), min_cell)
    ok = ratios[~ratios[UNIT].map(stats_hidden).fillna(True).to_numpy(dtype=bool)]
    over = ok[ok["ratio_F"] > 1]  # more women than in the workforce as a whole
    under = ok[ok["ratio_F"] < 1]
    women = over.sort_values(["share_F", "n"], ascending=[False, False], kind="stable").head(n)
    men = under.sort_values(["share_F", "n"], ascending=[True, False], kind="stable").head(n)
    out = pd.concat(
        [women.assign(side="Most female-dominated"), men.assign(side="Most male-dominated")],
        ignore_index=True,
    )
    return out.assign(pct_female=100 * out["share_F"])[
        ["side", UNIT, "n", "pct_female", "ratio_F", "ratio_M"]
    ]


def dominated_table(frame: pd.DataFrame) -> Table:
    return Table(
        "most_dominated_occupations",
        frame,
        caption="Occupations with the highest and the lowest share of women (among those whose "
        "counts can be shown)",
        columns=columns(
            ("side", "List"),
            (UNIT, "Occupation"),
            ("n", "Employees", "int"),
            ("pct_female", "Women (%)", "pct", "%"),
            ("ratio_F", "Representation ratio of women", "float2", "ratio"),
            ("ratio_M", "Representation ratio of men", "float2", "ratio"),
        ),
        row_header=UNIT,
    )


# --------------------------------------------------------------------------------------------------
# Job families
# --------------------------------------------------------------------------------------------------


def family_split(mi: MutualInformation) -> pd.DataFrame:
    """The between/within split of M and H (with standard errors when bootstrapped)."""
    split = mi.components.copy()
    split["component"] = split["component"].map(
        {
            f"between {FAMILY}": "Between job families",
            f"between {UNIT} within {FAMILY}": "Between occupations within a family",
            "total": "Total",
        }
    )
    order = ["component", "M", "se_M", "H", "se_H", "share"]
    return split[[c for c in order if c in split.columns]].reset_index(drop=True)


def family_split_table(split: pd.DataFrame) -> Table:
    frame = split.assign(pct=100 * split["share"]).drop(columns="share")
    specs = [
        ("component", "Part"),
        ("M", "Mutual information (M)", "float3", "natural-log units"),
    ]
    if "se_M" in frame:
        specs.append(("se_M", "Standard error of M", "float3"))
    specs.append(("H", "Theil information index (H)", "float3", "index (0-1)"))
    if "se_H" in frame:
        specs.append(("se_H", "Standard error of H", "float3"))
    specs.append(("pct", "Share of the total (%)", "pct", "%"))
    return Table(
        "between_within_families",
        frame,
        caption=f"{frame['pct'].iloc[0]:.1f}% of segregation (M) lies between job families",
        columns=columns(*specs),
    )


def families(
    data: pd.DataFrame, mi: MutualInformation, profile: SegregationProfile, *, min_cell: int
) -> pd.DataFrame:
    """Per family: employees, occupations, women's share, D within it with its interval, share of
    all segregation inside it, and a note where D is undefined; small families hidden."""
    wide = profile.wide()
    low = profile.wide("ci_low")[[FAMILY, "D"]].rename(columns={"D": "D_ci_low"})
    high = profile.wide("ci_high")[[FAMILY, "D"]].rename(columns={"D": "D_ci_high"})
    within = mi.within[FAMILY][[FAMILY, "share"]]
    table = (
        wide[[FAMILY, "n", "n_F", "n_units", "D", "note"]]
        .merge(low, on=FAMILY)
        .merge(high, on=FAMILY)
        .merge(within, on=FAMILY, how="left")
    )
    table = table.assign(pct_female=100 * table["n_F"] / table["n"], pct_of_M=100 * table["share"])
    table = table[
        [FAMILY, "n", "n_units", "pct_female", "D", "D_ci_low", "D_ci_high", "pct_of_M", "note"]
    ]
    table = table.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
    table["note"] = table["note"].str.replace(
        r"^a single occupation: nothing to compare across$", "one occupation only", regex=True
    )
    stats = ["pct_female", "D", "D_ci_low", "D_ci_high", "pct_of_M"]
    shown, _ = _suppress(table, FAMILY, data, stats, min_cell)
    return shown


def families_table(frame: pd.DataFrame) -> Table:
    return Table(
        "job_families",
        frame,
        caption="Segregation within each job family",
        columns=columns(
            (FAMILY, "Job family"),
            ("n", "Employees", "int"),
            ("n_units", "Occupations", "int"),
            ("pct_female", "Women (%)", "pct", "%"),
            ("D", "D within", "float3", "index (0-1)"),
            ("D_ci_low", "CI from", "float3", "index (0-1)"),
            ("D_ci_high", "CI to", "float3", "index (0-1)"),
            ("pct_of_M", "Share of M (%)", "pct", "%"),
            ("note", "Note"),
        ),
        row_header=FAMILY,
    )


# --------------------------------------------------------------------------------------------------
# Change
# --------------------------------------------------------------------------------------------------


def change_frame(result: ChangeDecomposition) -> pd.DataFrame:
    """Label, estimate, bias-corrected estimate and interval of each row.

    Values within 1e-12 of zero are shown as 0; without a bootstrap only label and estimate.
    """
    keys = ["label", "estimate", "bias_corrected", "ci_low", "ci_high"]
    frame = result.to_frame()[keys].copy()
    for column in keys[1:]:
        values = frame[column].to_numpy(dtype=float)
        frame[column] = np.where(np.abs(values) < 1e-12, 0.0, values)
    if frame["ci_low"].isna().all():
        frame = frame[["label", "estimate"]]
    return frame


def change_table(
    result: ChangeDecomposition, earlier_label: str, *, notes: tuple[str, ...] = ()
) -> Table:
    frame = change_frame(result)
    unit = "natural-log units"
    specs = [("label", "Part"), ("estimate", "As measured", "float3", unit)]
    if "ci_low" in frame:
        specs += [(k, label, fmt, unit) for k, label, fmt, _ in _INTERVAL_COLUMNS]
    return Table(
        "change_decomposition",
        frame,
        caption=f"Change in segregation (M) since the {earlier_label}: "
        f"{result.difference:+.3f}, of which structural {result.components['structural']:+.3f}",
        columns=columns(*specs),
        notes=notes,
    )


def counted(n: int, noun: str) -> str:
    """``"1,234 occupations"`` (for captions)."""
    return f"{fmt_int(n)} {noun}"
