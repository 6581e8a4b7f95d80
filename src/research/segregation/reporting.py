"""The computations behind ``notebooks/20_segregation.ipynb``: tables, sentences, snapshots.

The notebook only calls these, shows the tables and figures, and narrates. Every table built here
that describes occupations or job families passes through :mod:`research.present.disclosure` first: an
occupation's statistics (share of women, representation ratio, contribution) are hidden whenever
the occupation-by-sex count table, with its totals, would hide one of its counts, because each of
those statistics together with the occupation's size gives the counts back. Indices of the whole
workforce are aggregates and are shown as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Estimate
from research.data import synth
from research.data.datasets import Dataset, parse_synthetic_spec
from research.present import disclosure, tabulate
from research.present.formats import fmt_int, fmt_pct
from research.segregation.change import ChangeDecomposition, decompose_change
from research.segregation.indices import (
    INDEX_LABELS,
    ExpectedValues,
    IndexTable,
    SegregationCurve,
    expected_values,
    representation_ratios,
    segregation_curve,
    segregation_indices,
)
from research.segregation.mutual import LocalSegregation, local_segregation, mutual_information
from research.segregation.profile import segregation_profile

SEXES = ("F", "M")
UNIT = "occupation"
GRADE = "grade"
FAMILY = "job_family"

#: What each index measures, in words for a committee member ({noun}: occupation or grade).
MEANINGS: dict[str, str] = {
    "D": "Share of women (or of men) who would have to change {noun} for both sexes to be spread "
    "alike",
    "IP": "Share of all employees who would have to swap {noun} with someone of the other sex",
    "Gini": "Twice the area between the segregation curve and the line of equality",
    "Hutchens": "Like D, but every unequal {noun} counts, not only the net excess",
    "Atkinson": "Atkinson index with b = 0.5 (both sexes weighted equally)",
    "D_size_standardised": "D as if every {noun} had the same number of employees",
    "M": "How much knowing someone's {noun} tells about their sex (natural log units)",
    "H": "M as a share of its largest possible value (0 none, 1 complete)",
    "isolation": "Share of women in the average woman's {noun}; without segregation it equals "
    "women's overall share",
    "exposure": "Share of men in the average woman's {noun}",
}

#: Indices shown in the report's index table, in order.
SHOWN = ("D", "IP", "Gini", "Hutchens", "Atkinson", "D_size_standardised", "M", "H", "isolation")


@dataclass(frozen=True)
class Workforce:
    """The snapshot analysed: women and men only, with the unit labels the report uses."""

    data: pd.DataFrame  # F and M only, latest snapshot, columns sex, unit, grade_group, family
    n_other: int
    n_earlier_rows: int
    snapshot: pd.Timestamp
    employer: str
    occupation_level: str
    family_level: str | None
    has_grades: bool


def prepare(
    dataset: Dataset,
    *,
    occupation_level: str = "occupation",
    family_level: str | None = "job_family",
    max_grade_groups: int = 30,
) -> Workforce:
    """The latest snapshot of the dataset, women and men only, with report labels.

    ``unit`` holds readable occupation labels (code and title), ``grade_group`` the grades in
    order (pooled into bands when there are more than ``max_grade_groups``), ``family`` the
    grouping for the between/within split (or nothing when the data lack it).
    """
    data = dataset.data
    latest = data["snapshot_date"].max()
    current = data[data["snapshot_date"] == latest]
    sex = current["sex"].astype("string")
    binary = current[sex.isin(SEXES).to_numpy()]
    frame = pd.DataFrame(
        {
            "sex": binary["sex"].astype("string").to_numpy(),
            UNIT: tabulate.occupation_labels(binary, occupation_level)
            .fillna("(missing)")
            .to_numpy(),
        }
    )
    has_grades = "grade" in binary and binary["grade"].notna().any()
    if has_grades:
        frame[GRADE] = tabulate.grade_groups(binary, max_groups=max_grade_groups).to_numpy()
    family = None
    if family_level and family_level in binary and binary[family_level].notna().any():
        family = family_level
        frame[FAMILY] = binary[family_level].astype("string").fillna("(missing)").to_numpy()
    employer = ", ".join(sorted(map(str, current["employer"].dropna().unique())))
    return Workforce(
        data=frame,
        n_other=int(len(current) - len(binary)),
        n_earlier_rows=int(len(data) - len(current)),
        snapshot=pd.Timestamp(latest),
        employer=employer,
        occupation_level=occupation_level,
        family_level=family,
        has_grades=bool(has_grades),
    )


def title_block(dataset: Dataset, workforce: Workforce, min_cell: int) -> str:
    """Markdown: whose workforce, snapshot date, dataset and the disclosure threshold."""
    return (
        f"**Workforce:** {workforce.employer}  \n"
        f"**Snapshot date:** {_date(workforce.snapshot)}  \n"
        f"**Dataset:** {dataset.name} — {dataset.description}  \n"
        f"**Occupations:** {fmt_int(workforce.data[UNIT].nunique())} distinct values of "
        f"{workforce.occupation_level.replace('_', ' ')}  \n"
        f"**Disclosure threshold:** counts below {min_cell} are shown as {disclosure.SUPPRESSED}"
    )


# --------------------------------------------------------------------------------------------------
# Numbers as words
# --------------------------------------------------------------------------------------------------


def _date(value) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%B %Y}"


def fmt_index(value: float | None, digits: int = 3) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def with_interval(estimate: Estimate, digits: int = 3) -> str:
    """``0.523 (bias-corrected 0.519, 95% CI 0.507 to 0.531)``, or the bare value.

    The interval is the basic bootstrap interval, centred on the bias-corrected value, so it is
    shown next to that value rather than next to the value as measured.
    """
    text = f"**{fmt_index(estimate.value, digits)}**"
    if estimate.ci is not None and all(math.isfinite(v) for v in estimate.ci):
        low, high = estimate.ci
        text += (
            f" (corrected for chance in small groups: {fmt_index(estimate.bias_corrected, digits)}, "
            f"95% CI {fmt_index(low, digits)} to {fmt_index(high, digits)})"
        )
    return text


# --------------------------------------------------------------------------------------------------
# Index tables
# --------------------------------------------------------------------------------------------------


def indices(
    workforce: Workforce, unit: str, *, n_boot: int, seed: int, ci_level: float = 0.95
) -> IndexTable:
    """Every index of women against men across ``unit`` (``"unit"`` or ``GRADE``)."""
    return segregation_indices(
        workforce.data, "sex", unit, groups=SEXES, n_boot=n_boot, seed=seed, ci_level=ci_level
    )


def chance(workforce: Workforce, unit: str, *, seed: int, n_sim: int = 100) -> ExpectedValues:
    """Indices expected if people were dealt to the same units at random (fixed margins)."""
    return expected_values(workforce.data, "sex", unit, groups=SEXES, n_sim=n_sim, seed=seed)


def meanings(noun: str = "occupation (or grade)") -> str:
    """Markdown list: what each index of the index tables measures."""
    return "\n".join(
        f"- **{INDEX_LABELS[key]}**: {MEANINGS[key].format(noun=noun)}." for key in SHOWN
    )


def index_table(table: IndexTable, expected: ExpectedValues, noun: str) -> pd.DataFrame:
    """One row per index: the value, bias-corrected value, interval, value by chance.

    Without a bootstrap the bias-corrected value and the interval are left out.
    """
    rows = []
    for key in SHOWN:
        est = table[key]
        low, high = est.ci if est.ci is not None else (math.nan, math.nan)
        rows.append(
            {
                "index": INDEX_LABELS[key],
                "estimate": est.value,
                "bias_corrected": math.nan if est.bias_corrected is None else est.bias_corrected,
                "ci_low": low,
                "ci_high": high,
                "by_chance": expected[key],
            }
        )
    frame = pd.DataFrame(rows)
    if frame["ci_low"].isna().all():
        frame = frame.drop(columns=["bias_corrected", "ci_low", "ci_high"])
    return frame


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


def drivers(
    workforce: Workforce, *, min_cell: int, top_n: int, unit: str = UNIT
) -> tuple[pd.DataFrame, LocalSegregation, int]:
    """The units contributing most to M, with women's share and representation ratio.

    Returns the display table (statistics of small units shown as ``[c]``), the local
    segregation result, and how many of the listed units had statistics hidden.
    """
    local = local_segregation(workforce.data, "sex", unit)
    ratios = representation_ratios(workforce.data, "sex", unit, groups=SEXES).table
    counts = _counts(workforce.data, unit)
    stats_hidden, total_hidden = _hidden_units(counts, min_cell)
    table = local.units.merge(ratios[[unit, "share_F", "ratio_F"]], on=unit, how="left")
    table = table.assign(
        pct_female=100 * table["share_F"],
        pct_of_M=100 * table["share"],
    )[[unit, "n", "pct_female", "ratio_F", "pct_of_M"]]
    table = table.head(top_n).reset_index(drop=True)
    mask_stats = table[unit].map(stats_hidden).fillna(True).to_numpy(dtype=bool)
    mask_n = table[unit].map(total_hidden).fillna(True).to_numpy(dtype=bool)
    shown = table.astype({c: object for c in ["n", "pct_female", "ratio_F", "pct_of_M"]})
    for column in ("pct_female", "ratio_F", "pct_of_M"):
        shown.loc[mask_stats, column] = disclosure.SUPPRESSED
    shown.loc[mask_n, "n"] = disclosure.SUPPRESSED
    return shown, local, int(mask_stats.sum())


def dominated(workforce: Workforce, *, min_cell: int, n: int = 5, unit: str = UNIT) -> pd.DataFrame:
    """The ``n`` most female- and most male-dominated units whose counts may be shown.

    Female-dominated units are those where women are over-represented (ratio above 1), sorted by
    women's share; male-dominated those where they are under-represented; a unit is never in both.
    """
    ratios = representation_ratios(workforce.data, "sex", unit, groups=SEXES).table
    stats_hidden, _ = _hidden_units(_counts(workforce.data, unit), min_cell)
    ok = ratios[~ratios[unit].map(stats_hidden).fillna(True).to_numpy(dtype=bool)]
    over = ok[ok["ratio_F"] > 1]  # more women than in the workforce as a whole
    under = ok[ok["ratio_F"] < 1]
    women = over.sort_values(["share_F", "n"], ascending=[False, False], kind="stable").head(n)
    men = under.sort_values(["share_F", "n"], ascending=[True, False], kind="stable").head(n)
    frames = [
        women.assign(side="Most female-dominated"),
        men.assign(side="Most male-dominated"),
    ]
    out = pd.concat(frames, ignore_index=True)
    return out.assign(pct_female=100 * out["share_F"])[
        ["side", unit, "n", "pct_female", "ratio_F", "ratio_M"]
    ]


def families(
    workforce: Workforce, *, min_cell: int, n_boot: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """Segregation between and within job families.

    Returns the between/within split of M and H (with standard errors when bootstrapped), the
    per-family table (employees, women's share, D within the family with its interval, share of
    all segregation that lies inside the family, and a note for families where D is undefined),
    and the :class:`~research.segregation.MutualInformation` result.
    """
    data = workforce.data
    mi = mutual_information(data, "sex", UNIT, within=FAMILY, n_boot=n_boot, seed=seed)
    split = mi.components.copy()
    split["component"] = split["component"].map(
        {
            f"between {FAMILY}": "Between job families",
            f"between {UNIT} within {FAMILY}": "Between occupations within a family",
            "total": "Total",
        }
    )
    order = ["component", "M", "se_M", "H", "se_H", "share"]
    split = split[[c for c in order if c in split.columns]]
    profile = segregation_profile(
        data, "sex", UNIT, across=FAMILY, groups=SEXES, n_boot=n_boot, seed=seed
    )
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
    stats_hidden, total_hidden = _hidden_units(_counts(data, FAMILY), min_cell)
    mask_stats = table[FAMILY].map(stats_hidden).fillna(True).to_numpy(dtype=bool)
    mask_n = table[FAMILY].map(total_hidden).fillna(True).to_numpy(dtype=bool)
    shown = table.astype(
        {c: object for c in ["n", "pct_female", "D", "D_ci_low", "D_ci_high", "pct_of_M"]}
    )
    for column in ("pct_female", "D", "D_ci_low", "D_ci_high", "pct_of_M"):
        shown.loc[mask_stats, column] = disclosure.SUPPRESSED
    shown.loc[mask_n, "n"] = disclosure.SUPPRESSED
    return split, shown, mi


# --------------------------------------------------------------------------------------------------
# A second snapshot
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Earlier:
    """The snapshot the change section compares with, or why there is none."""

    data: pd.DataFrame | None
    label: str
    reason: str = ""


def earlier_snapshot(
    dataset: Dataset,
    workforce: Workforce,
    *,
    compare_with: str = "auto",
    synthetic_earlier_segregation: float = 0.7,
    occupation_level: str = "occupation",
    mapping: str | None = None,
) -> Earlier:
    """The earlier snapshot for the change section (women and men only, report labels).

    ``compare_with="auto"``: for synthetic data, the generator's previous year
    (:func:`research.data.synth.generate_years`, same options, segregation weight
    ``synthetic_earlier_segregation``); for other data, the dataset's own earliest snapshot date
    when it holds more than one. ``"none"`` skips the section; anything else is loaded as a dataset.
    """
    from research.data import datasets

    snapshot = workforce.snapshot
    if compare_with == "none":
        return Earlier(None, "", "no earlier snapshot was asked for (compare_with = none)")
    if compare_with == "auto":
        split = getattr(datasets, "split_filter", None)  # subsets "name?column=value", if supported
        name, filters = split(dataset.name) if split else (dataset.name, {})
        if name == "synthetic" or name.startswith("synthetic:"):
            options = parse_synthetic_spec(name)
            year = snapshot.year
            frames = synth.generate_years(
                [year - 1, year],
                n_employees=options.pop("n_employees"),
                seed=options.pop("seed"),
                segregation_start=synthetic_earlier_segregation,
                segregation_end=options.pop("segregation", 1.0),
                snapshot_day=f"{snapshot:%m-%d}",
                **options,
            )
            raw = frames[frames["snapshot_date"] < snapshot]
            if filters:
                raw = datasets.apply_filter(raw, filters, dataset.name)
            label = (
                f"synthetic snapshot of {_date(raw['snapshot_date'].max())} (generator "
                f"segregation weight {synthetic_earlier_segregation:g})"
            )
        else:
            raw = dataset.data[dataset.data["snapshot_date"] < snapshot]
            if raw.empty:
                return Earlier(
                    None,
                    "",
                    f"the dataset holds one snapshot only ({_date(snapshot)}), so change over "
                    "time cannot be measured; rerun with compare_with set to an earlier extract",
                )
            raw = raw[raw["snapshot_date"] == raw["snapshot_date"].min()]
            label = f"snapshot of {_date(raw['snapshot_date'].max())} in the same dataset"
    else:
        other = datasets.load_dataset(compare_with, mapping)
        raw = other.data[other.data["snapshot_date"] == other.data["snapshot_date"].max()]
        label = f"{compare_with} ({_date(raw['snapshot_date'].max())})"
    sex = raw["sex"].astype("string")
    binary = raw[sex.isin(SEXES).to_numpy()]
    frame = pd.DataFrame(
        {
            "sex": binary["sex"].astype("string").to_numpy(),
            UNIT: tabulate.occupation_labels(binary, occupation_level)
            .fillna("(missing)")
            .to_numpy(),
        }
    )
    return Earlier(frame, label)


def change(
    earlier: Earlier, workforce: Workforce, *, n_boot: int, seed: int
) -> ChangeDecomposition | None:
    """Shapley decomposition of the change in M between the earlier and the current snapshot."""
    if earlier.data is None:
        return None
    return decompose_change(
        earlier.data, workforce.data, "sex", UNIT, index="M", n_boot=n_boot, seed=seed
    )


def change_table(result: ChangeDecomposition) -> pd.DataFrame:
    """Label, estimate, bias-corrected estimate and interval of each row.

    Values within 1e-12 of zero are shown as 0; without a bootstrap only label and estimate.
    """
    columns = ["label", "estimate", "bias_corrected", "ci_low", "ci_high"]
    frame = result.to_frame()[columns].copy()
    for column in columns[1:]:
        values = frame[column].to_numpy(dtype=float)
        frame[column] = np.where(np.abs(values) < 1e-12, 0.0, values)
    if frame["ci_low"].isna().all():
        frame = frame[["label", "estimate"]]
    return frame


# --------------------------------------------------------------------------------------------------
# Key findings
# --------------------------------------------------------------------------------------------------


def key_findings(
    workforce: Workforce,
    horizontal: tuple[IndexTable, ExpectedValues],
    vertical: tuple[IndexTable, ExpectedValues] | None,
    local: LocalSegregation,
    drivers_table: pd.DataFrame,
    family_split: pd.DataFrame | None,
    change_result: ChangeDecomposition | None,
    earlier: Earlier,
) -> str:
    """Three to six plain sentences, each with its number (and interval when bootstrapped)."""
    data = workforce.data
    n_f = int((data["sex"] == "F").sum())
    n = len(data)
    occ, occ_chance = horizontal
    lines = [
        f"Women are **{fmt_pct(100 * n_f / n)}** of the {fmt_int(n)} employees recorded as women "
        "or men"
        + (
            f"; {fmt_int(workforce.n_other)} with another or no recorded sex are left out."
            if workforce.n_other
            else "."
        ),
        f"Occupational segregation: the dissimilarity index D is {with_interval(occ['D'])}, "
        f"so about {fmt_pct(100 * occ['D'].value, 0)} of women (or of men) would have to change "
        f"occupation for both sexes to be spread alike. With occupations of these sizes, chance "
        f"alone would give about {fmt_index(occ_chance['D'], 2)}.",
    ]
    if vertical is not None:
        grade, _ = vertical
        word = "less" if grade["D"].value < occ["D"].value else "more"
        lines.append(
            f"Women and men are {word} separated by grade than by occupation: D across grades is "
            f"{with_interval(grade['D'])}."
        )
    shown = drivers_table[drivers_table["pct_of_M"] != disclosure.SUPPRESSED].head(3)
    if len(shown):
        names = ", ".join(
            f"{u} ({fmt_pct(p)})" for u, p in zip(shown[UNIT], shown["pct_of_M"], strict=True)
        )
        lines.append(
            f"The occupations that contribute most to segregation (share of the mutual "
            f"information index M) are {names}."
        )
    if family_split is not None and len(family_split) > 1:
        between = float(family_split["share"].iloc[0])
        lines.append(
            f"**{fmt_pct(100 * between)}** of segregation lies between job families and "
            f"{fmt_pct(100 * (1 - between))} between occupations within the same family."
        )
    if change_result is not None:
        diff = change_result.difference
        ci = change_result.uncertainty.get("difference", {}).get("ci")
        ci_text = (
            f" (95% CI {fmt_index(ci[0])} to {fmt_index(ci[1])})"
            if ci is not None and all(math.isfinite(v) for v in ci)
            else ""
        )
        verb = "rose" if diff > 0 else "fell"
        lines.append(
            f"Compared with the {earlier.label}, segregation (M) {verb} from "
            f"{fmt_index(change_result.before)} to {fmt_index(change_result.after)}, a change of "
            f"**{diff:+.3f}**{ci_text}; the structural part (who works where, with the sizes of "
            f"occupations and the sex mix held fixed) is {change_result.components['structural']:+.3f}."
        )
    else:
        lines.append(f"Change over time is not shown: {earlier.reason}.")
    return "\n".join(f"- {line}" for line in lines)


# --------------------------------------------------------------------------------------------------
# Everything the report shows, in one call
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """Every result of the segregation report (see :func:`analyse`)."""

    dataset: Dataset
    workforce: Workforce
    min_cell: int
    n_boot: int
    horizontal: tuple[IndexTable, ExpectedValues]
    vertical: tuple[IndexTable, ExpectedValues] | None
    vertical_reason: str
    drivers: pd.DataFrame
    local: LocalSegregation
    n_drivers_hidden: int
    dominated: pd.DataFrame
    family_split: pd.DataFrame | None
    family_table: pd.DataFrame | None
    family_reason: str
    earlier: Earlier
    change: ChangeDecomposition | None
    curves: dict[str, SegregationCurve]

    def key_findings(self) -> str:
        return key_findings(
            self.workforce,
            self.horizontal,
            self.vertical,
            self.local,
            self.drivers,
            self.family_split,
            self.change,
            self.earlier,
        )

    def index_table(self, dimension: str = "occupations") -> pd.DataFrame:
        """The index table across ``"occupations"`` or ``"grades"``."""
        if dimension == "grades":
            if self.vertical is None:
                raise ValueError(f"No grade indices: {self.vertical_reason}.")
            return index_table(*self.vertical, noun="grade")
        return index_table(*self.horizontal, noun="occupation")


def analyse(
    dataset: Dataset,
    *,
    occupation_level: str = "occupation",
    family_level: str = "job_family",
    max_grade_groups: int = 30,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
    top_n: int = 15,
    n_boot: int = 500,
    seed: int = 2025,
    compare_with: str = "auto",
    synthetic_earlier_segregation: float = 0.7,
    mapping: str | None = None,
) -> Analysis:
    """Run every computation of the segregation report on a dataset."""
    workforce = prepare(
        dataset,
        occupation_level=occupation_level,
        family_level=None if family_level == "none" else family_level,
        max_grade_groups=max_grade_groups,
    )
    horizontal = (
        indices(workforce, UNIT, n_boot=n_boot, seed=seed),
        chance(workforce, UNIT, seed=seed),
    )
    vertical, vertical_reason = None, ""
    if not workforce.has_grades:
        vertical_reason = "the dataset records no grades"
    else:
        try:
            vertical = (
                indices(workforce, GRADE, n_boot=n_boot, seed=seed),
                chance(workforce, GRADE, seed=seed),
            )
        except InputError as err:
            vertical_reason = str(err)
    drivers_table, local, n_hidden = drivers(workforce, min_cell=min_cell, top_n=top_n)
    family_split = family_table = None
    family_reason = ""
    if workforce.family_level is None:
        family_reason = (
            "no grouping of occupations was chosen"
            if family_level == "none"
            else f"the dataset has no {family_level.replace('_', ' ')} column"
        )
    else:
        family_split, family_table, _ = families(
            workforce, min_cell=min_cell, n_boot=n_boot, seed=seed
        )
    earlier = earlier_snapshot(
        dataset,
        workforce,
        compare_with=compare_with,
        synthetic_earlier_segregation=synthetic_earlier_segregation,
        occupation_level=occupation_level,
        mapping=mapping,
    )
    curves = {"occupations": segregation_curve(workforce.data, "sex", UNIT, groups=SEXES)}
    if vertical is not None:
        curves["grades"] = segregation_curve(workforce.data, "sex", GRADE, groups=SEXES)
    return Analysis(
        dataset=dataset,
        workforce=workforce,
        min_cell=min_cell,
        n_boot=n_boot,
        horizontal=horizontal,
        vertical=vertical,
        vertical_reason=vertical_reason,
        drivers=drivers_table,
        local=local,
        n_drivers_hidden=n_hidden,
        dominated=dominated(workforce, min_cell=min_cell),
        family_split=family_split,
        family_table=family_table,
        family_reason=family_reason,
        earlier=earlier,
        change=change(earlier, workforce, n_boot=n_boot, seed=seed),
        curves=curves,
    )
