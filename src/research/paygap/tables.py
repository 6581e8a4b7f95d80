"""The publishable tables of the pay gap report, after disclosure control.

Each function turns a result object into the tidy table a :class:`~research.present.report.Table`
holds: suppressed cells are ``"[c]"``, rows in natural order (grades lowest first, pooled and
missing groups last).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.paygap.breakdown import GapBreakdown
from research.paygap.eu import EUPayTransparency
from research.paygap.statutory import UKGenderPayGap
from research.present import disclosure, tabulate

BAND_LABELS = {
    "lower": "Lower quartile",
    "lower_middle": "Lower middle quartile",
    "upper_middle": "Upper middle quartile",
    "upper": "Upper quartile",
}
#: The same bands under neutral names, where the statutory "quartile pay bands" do not apply.
QUARTER_LABELS = {
    "lower": "Lowest-paid quarter",
    "lower_middle": "Second quarter",
    "upper_middle": "Third quarter",
    "upper": "Highest-paid quarter",
}
#: What a table shows for a figure the data cannot give: the input is absent, or the figure is
#: undefined on the data (e.g. a bonus gap when no woman was paid a bonus).
NOT_IN_DATA = "not in the data"
NOT_CALCULATED = "not calculated"


#: How a blank grade is labelled in the grade tables.
NOT_RECORDED = "Not recorded"
#: Grouping values that go last in a table, whatever their text.
LAST = ("All other", "(missing)", NOT_RECORDED)


def _natural_order(table: pd.DataFrame, within: tuple[str, ...]) -> pd.DataFrame:
    """Rows in the groups' natural order (:func:`research.present.tabulate.natural_key`: age
    bands by age, grades by rank), with "All other", "(missing)" and "Not recorded" last."""
    table = tabulate.natural_sort(table, [k for k in within if k in table])
    last = table[list(within)].isin(LAST).any(axis=1)
    return pd.concat([table[~last], table[last]]).reset_index(drop=True)


def _smallest(counts: dict, female: str, male: str) -> int:
    return min(counts.get(female, 0), counts.get(male, 0))


def statutory_table(
    uk: UKGenderPayGap,
    min_cell: int,
    *,
    pay_words: str = "hourly pay",
    statutory: bool = True,
    full_time: UKGenderPayGap | None = None,
) -> pd.DataFrame:
    """The six figures with the headcount each rests on hidden below ``min_cell`` (tidy frame).

    A figure is hidden when the smallest group it compares has fewer than ``min_cell`` people
    (e.g. the bonus gap when fewer than ``min_cell`` women received a bonus). With
    ``statutory=False`` the figures carry neutral names ("Gap in mean hourly pay"); with
    ``full_time`` (the same figures over full-time employees) the pay gaps of full-time
    employees come first, then those of all employees. Bonus figures of data holding no bonus
    pay read "not in the data"; figures undefined on the data "not calculated".
    """
    c = uk.counts
    smallest_fp = _smallest(c, "full_pay_female", "full_pay_male")
    smallest_bonus = _smallest(c, "bonus_female", "bonus_male")
    smallest_rel = _smallest(c, "relevant_female", "relevant_male")
    if statutory:
        rows = [
            (f"Mean gender pay gap ({pay_words})", uk.mean_hourly_gap, smallest_fp),
            (f"Median gender pay gap ({pay_words})", uk.median_hourly_gap, smallest_fp),
            ("Mean bonus gap", uk.mean_bonus_gap, smallest_bonus),
            ("Median bonus gap", uk.median_bonus_gap, smallest_bonus),
        ]
    else:
        rows = []
        everyone = ""
        if full_time is not None:
            smallest_ft = _smallest(full_time.counts, "full_pay_female", "full_pay_male")
            rows += [
                (
                    f"Gap in mean {pay_words}, full-time employees",
                    full_time.mean_hourly_gap,
                    smallest_ft,
                ),
                (
                    f"Gap in median {pay_words}, full-time employees",
                    full_time.median_hourly_gap,
                    smallest_ft,
                ),
            ]
            everyone = ", all employees"
        rows += [
            (f"Gap in mean {pay_words}{everyone}", uk.mean_hourly_gap, smallest_fp),
            (f"Gap in median {pay_words}{everyone}", uk.median_hourly_gap, smallest_fp),
            ("Gap in mean bonus pay", uk.mean_bonus_gap, smallest_bonus),
            ("Gap in median bonus pay", uk.median_bonus_gap, smallest_bonus),
        ]
    rows += [
        ("Men paid a bonus", uk.pct_male_bonus, smallest_rel),
        ("Women paid a bonus", uk.pct_female_bonus, smallest_rel),
    ]
    table = pd.DataFrame(rows, columns=["figure", "pct", "n"]).astype({"pct": "float64"})
    missing = table["pct"].isna()
    table.loc[missing, "n"] = min_cell  # nothing to hide in a figure that does not exist
    shown = disclosure.suppress_statistics(table, "n", ["pct"], min_cell).table.drop(columns="n")
    shown["pct"] = shown["pct"].astype("object")
    bonus = table["figure"].str.contains("bonus")
    absent = bonus & (not uk.bonus_recorded)
    shown.loc[missing & ~absent, "pct"] = NOT_CALCULATED
    shown.loc[missing & absent, "pct"] = NOT_IN_DATA
    return shown


def gov_uk_table(uk: UKGenderPayGap, min_cell: int) -> pd.DataFrame:
    """:meth:`UKGenderPayGap.to_gov_uk` as a long table (field, value), small groups hidden.

    Bonus fields are hidden when fewer than ``min_cell`` women or men received a bonus; quartile
    fields when a band has fewer than ``min_cell`` employees.
    """
    row = uk.to_gov_uk().iloc[0]
    table = pd.DataFrame({"field": row.index, "value": row.to_numpy(dtype="float64")})
    c = uk.counts
    smallest = {
        "Hourly": _smallest(c, "full_pay_female", "full_pay_male"),
        "Bonus": _smallest(c, "bonus_female", "bonus_male"),
        "BonusPercent": _smallest(c, "relevant_female", "relevant_male"),
        "Quartile": int(uk.quartiles["n"].min()),
    }

    def kind(field: str) -> str:
        if "Quartile" in field:
            return "Quartile"
        if "Hourly" in field:
            return "Hourly"
        return "Bonus" if field.startswith("Diff") else "BonusPercent"

    table["n"] = table["field"].map(kind).map(smallest).where(table["value"].notna(), min_cell)
    shown = disclosure.suppress_statistics(table, "n", ["value"], min_cell).table.drop(columns="n")
    absent = table["field"].str.contains("Bonus") & (not uk.bonus_recorded)
    shown["value"] = shown["value"].astype("object").where(table["value"].notna(), NOT_CALCULATED)
    shown.loc[absent & table["value"].isna(), "value"] = NOT_IN_DATA
    return shown


def quartile_table(
    quartiles: pd.DataFrame, min_cell: int, *, labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """Women and men in each quartile pay band (percent), bands below ``min_cell`` hidden.

    ``labels`` names the bands (default :data:`BAND_LABELS`; :data:`QUARTER_LABELS` where the
    statutory names do not apply).
    """
    table = quartiles[["band", "n", "pct_female", "pct_male"]].copy()
    table["band"] = table["band"].map(labels or BAND_LABELS)
    return disclosure.suppress_statistics(table, "n", ["pct_female", "pct_male"], min_cell).table


def breakdown_table(result: GapBreakdown, min_cell: int) -> pd.DataFrame:
    """A :class:`GapBreakdown` ready to publish: groups with few women or men hidden."""
    keep = [*result.within, "n_female", "n_male", "female", "male", "gap"]
    keep += [c for c in ("ci_low", "ci_high") if c in result.table]
    return _natural_order(result.to_table(min_cell)[keep], result.within)


def plottable(
    result: GapBreakdown, min_cell: int, published: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Groups with at least ``min_cell`` women and men and a defined gap (for charts).

    With ``published`` (the table as published), groups whose gap it hides are left out too.
    """
    table = result.table
    keep = (table["n_female"] >= min_cell) & (table["n_male"] >= min_cell) & table["gap"].notna()
    if published is not None:
        within = list(result.within)
        hidden = published[published["gap"].astype(object) == disclosure.SUPPRESSED]
        keys = pd.MultiIndex.from_frame(table[within].astype("string").fillna("(missing)"))
        gone = pd.MultiIndex.from_frame(hidden[within].astype("string"))
        keep &= ~keys.isin(gone)
    return table[keep].reset_index(drop=True)


def variable_recipients(
    data: pd.DataFrame, category: str, variable: str = "bonus_12m"
) -> pd.Series:
    """Per category, the smaller of the numbers of women and men paid variable pay."""
    if variable not in data:
        return pd.Series(dtype="int64")
    paid = data[data[variable].fillna(0) > 0]
    keys = paid[category].astype("string").fillna("(missing)")
    counts = pd.crosstab(keys, paid["sex"].astype("string")).reindex(
        columns=["F", "M"], fill_value=0
    )
    return counts.min(axis=1)


def eu_items_table(eu: EUPayTransparency, data: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Items (a)-(e); each hidden when the smaller group it compares has fewer than ``min_cell``.

    Gaps (a) and (c) rest on all women and men, gaps in variable pay (b) and (d) on those paid
    variable pay, and the proportions (e) on all women and men.
    """
    binary = data[data["sex"].isin(["F", "M"]).to_numpy(dtype=bool, na_value=False)]
    everyone = int(binary["sex"].value_counts().reindex(["F", "M"], fill_value=0).min())
    recipients = int(variable_recipients(binary.assign(all="all"), "all").sum())
    table = eu.items[["item", "measure", "value"]].copy()
    table["n"] = np.where(table["item"].isin(["b", "d"]), recipients, everyone)
    table.loc[table["value"].isna(), "n"] = min_cell  # nothing to hide in a missing value
    shown = disclosure.suppress_statistics(table, "n", ["value"], min_cell).table.drop(columns="n")
    missing = table["value"].isna()
    if missing.any():
        absent = table["item"].isin(["b", "d", "e"]) & (eu.variable is None)
        shown["value"] = shown["value"].astype("object")
        shown.loc[missing & absent, "value"] = NOT_IN_DATA
        shown.loc[missing & ~absent, "value"] = NOT_CALCULATED
    return shown


def eu_category_table(
    eu: EUPayTransparency, min_cell: int, data: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Item (g) with flags; gaps of categories with fewer than ``min_cell`` women or men hidden.

    Counts of women or men below ``min_cell`` (zeros apart) are hidden too; that they cannot be
    worked out from the other tables of the report is checked by the report's publication audit.

    With ``data``, gaps in variable pay are also hidden where fewer than ``min_cell`` women or
    men of the category were paid variable pay.
    """
    table = eu.categories.copy()
    table["n_smaller"] = table[["n_female", "n_male"]].min(axis=1)
    gaps = [c for c in table if "_gap_" in c]
    governed = dict.fromkeys(gaps, "n_smaller")
    if data is not None:
        paid = variable_recipients(data, eu.category)
        paid_counts = table[eu.category].astype("string").map(paid).fillna(0)
        table["n_paid"] = paid_counts.to_numpy(dtype="int64", copy=True)  # writable, not a view
        for column in gaps:
            if "_variable" in column:
                governed[column] = "n_paid"
        # a missing variable gap (nobody paid) has nothing to hide
        no_gap = table[[c for c in gaps if "_variable" in c]].isna().all(axis=1)
        table.loc[no_gap, "n_paid"] = min_cell
    hidden = disclosure.suppress_statistics(
        table.drop(columns="flag_article_10"), governed, gaps, min_cell
    )
    shown = hidden.table.drop(columns=[c for c in ("n_smaller", "n_paid") if c in hidden.table])
    for column in ("n_female", "n_male"):  # the counts themselves: primary suppression
        few = ((table[column] > 0) & (table[column] < min_cell)).to_numpy()
        if few.any():
            shown[column] = shown[column].astype(object)
            shown.loc[few, column] = disclosure.SUPPRESSED
    if eu.variable is None:  # no variable pay in the data: its gaps are absent, not zero
        for column in (c for c in gaps if "_variable" in c):
            shown[column] = NOT_IN_DATA
    small = table["n_smaller"] < min_cell
    shown["article_10"] = np.where(
        small, disclosure.SUPPRESSED, np.where(table["flag_article_10"], "gap of 5% or more", "")
    )
    return _natural_order(shown, (eu.category,))
