"""Ethnicity and disability pay gaps: the groups compared and the measures for each.

Every measure is the statutory calculation of :func:`research.paygap.statutory.group_pay_gap`
(hourly pay of full-pay relevant employees, the reg 13(2) tie rule for pay quarters, bonus
populations), applied to a reference group against each compared group, as the GOV.UK guidance
"Ethnicity pay reporting: guidance for employers" (Department for Business and Trade, 2023)
describes: mean and median gaps, pay quarters, representation, the share not disclosed and,
where bonuses are paid, the bonus measures.

Groups
------
* **Ethnicity** (:func:`ethnicity_groups`): the broad groups of the GSS harmonised classification
  for England and Wales (Asian, Black, Mixed, White, Other) against a reference group, White
  British (the category "English, Welsh, Scottish, Northern Irish or British"; White employees
  of other categories are then the group "White other") or all White employees. Values a source
  records only as a broad group count in that group; recorded values outside the classification
  are the group "Not classified"; no value, "Prefer not to say" or "Not stated" is *not
  disclosed*: counted and reported, never in a pay comparison.
* **Disability** (:func:`disability_groups`): disabled ("Yes") against not disabled ("No");
  anything else is not disclosed.

Small groups (:func:`combine_small`)
------------------------------------
A group is compared with the reference on its own where both have at least ``min_group``
full-pay relevant employees (default 10, the disclosure threshold). The guidance recommends
using as detailed groups as the numbers allow and aggregating the rest; here every compared group
below ``min_group`` is combined with the other small groups into one group ("Mixed and Other
combined") when together they reach ``min_group``; otherwise they are not shown on their own and
count only in the comparison of the reference group with everyone else whose value is recorded
("All other groups"), which is always made. The combination made is stated
(:attr:`GroupGaps.combination`). The guidance also advises that figures for fewer than about 50
employees are not robust: such groups are flagged (``robust``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Result
from research.data.schema import (
    DISABILITY_VALUES,
    ETHNIC_BROAD_GROUPS,
    NOT_STATED_CODES,
    WHITE_BRITISH,
    ethnic_broad_group,
    per_value,
)
from research.paygap.quartiles import BANDS, band_counts
from research.paygap.statutory import GroupPayGap, group_pay_gap

#: Reference groups for ethnicity, by parameter value.
REFERENCES = ("White British", "White")
#: Group of White employees outside the White British category (reference White British).
WHITE_OTHER = "White other"
#: White employees recorded only as "White" when the reference is White British.
WHITE_UNSPECIFIED = "White, category not recorded"
#: Values recorded that are not in the classification.
NOT_CLASSIFIED = "Not classified"
#: Everyone with a recorded value other than the reference group.
ALL_OTHERS = "All other groups"
#: The guidance's suggested smallest group for robust figures.
ROBUST_GROUP = 50
DISABLED, NOT_DISABLED = "Disabled", "Not disabled"
_ORDER = (
    *ETHNIC_BROAD_GROUPS[:3],
    WHITE_OTHER,
    "White",
    WHITE_UNSPECIFIED,
    ETHNIC_BROAD_GROUPS[4],
    NOT_CLASSIFIED,
)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip()


def not_disclosed(values: pd.Series) -> pd.Series:
    """True where no value is recorded, or the employee preferred not to say."""
    return per_value(values, _not_disclosed)


def _not_disclosed(values: pd.Series) -> pd.Series:
    text = _text(values)
    return (text.isna() | text.isin(NOT_STATED_CODES) | (text == "")).fillna(True).astype(bool)


def ethnicity_reference(data: pd.DataFrame, reference: str) -> tuple[str, str]:
    """The reference group used and why it differs from the one asked for ("" when it does not).

    White British needs the GSS category; data recording only broad groups (as a US extract
    mapped approximately) fall back to all White employees, and the reason says so.
    """
    if reference not in REFERENCES:
        raise InputError(
            f"reference must be one of {', '.join(REFERENCES)} (all White employees), "
            f"got {reference!r}."
        )
    if reference == "White British" and "ethnicity" in data:
        text = _text(data["ethnicity"])
        if not _is(text, WHITE_BRITISH).any() and _is(text, "White").any():
            return "White", (
                "The data record ethnicity only as broad groups (White, not White British), so "
                "the reference group is all White employees."
            )
    return reference, ""


def ethnicity_groups(data: pd.DataFrame, reference: str = "White British") -> pd.Series:
    """Each employee's group for the ethnicity comparison (``<NA>``: not disclosed).

    ``reference``: ``"White British"`` (other White categories become :data:`WHITE_OTHER`) or
    ``"White"`` (every White employee). Worked out once per distinct recorded value.
    """
    return per_value(data["ethnicity"], lambda values: _ethnicity_groups(values, reference))


def _ethnicity_groups(ethnicity: pd.Series, reference: str) -> pd.Series:
    text = _text(ethnicity)
    broad = ethnic_broad_group(text)
    groups = broad.copy()
    if reference == "White British":
        british = _is(text, WHITE_BRITISH)
        groups = groups.mask(british, "White British")
        groups = groups.mask(_is(broad, "White") & ~british, WHITE_OTHER)
        groups = groups.mask(_is(text, "White"), WHITE_UNSPECIFIED)  # British or not: unknown
    hidden = _not_disclosed(ethnicity)
    groups = groups.mask(groups.isna().to_numpy() & ~hidden.to_numpy(), NOT_CLASSIFIED)
    return groups.mask(hidden, pd.NA).astype("string")


def _is(values: pd.Series, value: str) -> pd.Series:
    """``values == value`` with missing values False (a mask never holds <NA>)."""
    return (values == value).fillna(False).astype(bool)


def disability_groups(data: pd.DataFrame) -> pd.Series:
    """Disabled / Not disabled (``<NA>``: not disclosed)."""
    return per_value(data["disability"], _disability_groups)


def _disability_groups(disability: pd.Series) -> pd.Series:
    text = _text(disability)
    yes, no = DISABILITY_VALUES
    out = pd.Series(pd.NA, index=disability.index, dtype="string")
    return out.mask(_is(text, yes), DISABLED).mask(_is(text, no), NOT_DISABLED)


def combine_small(
    sizes: pd.Series, reference: str, min_group: int
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], str]:
    """Compared groups as shown: label -> the groups it holds.

    ``sizes``: full-pay relevant employees per group (reference included). Groups of at least
    ``min_group`` stand alone; the smaller ones are combined when together they reach
    ``min_group``. Returns the groups shown, the groups left out (too small even combined) and
    a sentence stating the combination ("" when none was needed).
    """
    compared = [g for g in _natural(sizes.index) if g != reference]
    alone = [g for g in compared if sizes[g] >= min_group]
    small = [g for g in compared if sizes[g] < min_group]
    shown = {g: (g,) for g in alone}
    if not small:
        return shown, (), ""
    names = _join(small)
    if len(small) > 1 and sizes[small].sum() >= min_group:
        label = f"{names} combined"
        shown[label] = tuple(small)
        return (
            shown,
            (),
            (
                f"{names} each have fewer than {min_group} employees in the pay comparison, so they "
                f"are combined into one group ({label})."
            ),
        )
    what = "has" if len(small) == 1 else "have"
    even = "" if len(small) == 1 else ", even combined"
    return (
        shown,
        tuple(small),
        (
            f"{names} {what} fewer than {min_group} employees in the pay comparison{even}, so "
            f"{'it is' if len(small) == 1 else 'they are'} not compared on {'its' if len(small) == 1 else 'their'} "
            f"own and count only in {ALL_OTHERS.lower()}."
        ),
    )


def _natural(labels) -> list[str]:
    known = {g: i for i, g in enumerate(_ORDER)}
    return sorted(map(str, labels), key=lambda g: (known.get(g, len(known)), g))


def _join(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class GroupGaps(Result):
    """Pay gaps of each compared group against a reference group, with representation.

    Attributes
    ----------
    characteristic
        ``"ethnicity"`` or ``"disability"``.
    reference
        The reference group's label.
    gaps
        One row per compared group shown, then :data:`ALL_OTHERS` (when there are several
        other groups): ``group, members, n,
        n_relevant, mean_gap, median_gap, pct_bonus, n_bonus, mean_bonus_gap,
        median_bonus_gap, robust`` (``n``: full-pay relevant employees of the group).
    representation
        One row per group, every group (reference first), then ``Not disclosed``: ``group, n,
        pct_all, pct_disclosed`` over all employees (relevant employees).
    quarters
        One row per pay quarter (lowest first): ``band, n`` and the percentage of the reference
        group and of each group shown with at least four times ``min_group`` employees (so that
        a quarter can hold ``min_group`` of them), among full-pay relevant employees with a
        recorded value.
    combination, left_out
        The sentence stating how small groups were combined, and groups too small even so.
    reference_counts
        The reference group's ``n`` (full-pay relevant), ``n_relevant`` and ``n_bonus``.
    n_total, n_not_disclosed, bonus_recorded
        Everyone; those with no recorded value or "prefer not to say"; bonus data present.
    comparisons
        Group label -> :class:`~research.paygap.statutory.GroupPayGap`.
    """

    characteristic: str
    reference: str
    gaps: pd.DataFrame
    representation: pd.DataFrame
    quarters: pd.DataFrame
    combination: str
    left_out: tuple[str, ...]
    reference_counts: dict[str, int]
    n_total: int
    n_not_disclosed: int
    bonus_recorded: bool
    comparisons: dict[str, GroupPayGap] = field(default_factory=dict, repr=False)
    title: str = "Pay gaps against a reference group"

    @property
    def pct_not_disclosed(self) -> float:
        return 100.0 * self.n_not_disclosed / self.n_total if self.n_total else float("nan")

    def to_frame(self) -> pd.DataFrame:
        return self.gaps


def group_gaps(
    data: pd.DataFrame,
    groups: pd.Series,
    reference: str,
    *,
    characteristic: str,
    pay: str = "hourly_pay",
    bonus: str | None = "bonus_12m",
    full_pay: str | None = "full_pay",
    min_group: int = 10,
) -> GroupGaps:
    """The measures of the guidance for every group of ``groups`` against ``reference``.

    ``groups`` holds each row's group (``<NA>``: not disclosed). Raises
    :class:`~research.core.checks.InputError` when the reference group, or every other group
    together, has fewer than ``min_group`` full-pay relevant employees.
    """
    if min_group < 1:
        raise InputError(f"min_group must be at least 1, got {min_group}.")
    # Arrow strings ("str", what the texts make in a frame), not a Python string per row
    frame = data.assign(_group=groups.astype("str").array)
    fpre = _full_pay(frame, full_pay)
    recorded = frame["_group"].notna().to_numpy()
    sizes = frame.loc[fpre & recorded, "_group"].value_counts()
    word = characteristic
    if sizes.get(reference, 0) < min_group:
        raise InputError(
            f"The reference group ({reference}) has fewer than {min_group} employees in the pay "
            f"comparison, so no {word} pay gap is published."
        )
    if int(sizes.drop(reference, errors="ignore").sum()) < min_group:
        raise InputError(
            f"Fewer than {min_group} employees outside the reference group ({reference}) have a "
            f"recorded {word} in the pay comparison, so no {word} pay gap is published."
        )
    shown, left_out, combination = combine_small(sizes, reference, min_group)
    has_bonus = bonus is not None and bonus in frame and bool(frame[bonus].notna().any())
    kwargs = {"hourly_pay": pay, "bonus": bonus if has_bonus else None, "full_pay": full_pay}
    comparisons = {
        label: group_pay_gap(frame, by="_group", reference=reference, compare=members, **kwargs)
        for label, members in shown.items()
    }
    others = tuple(g for g in sizes.index if g != reference)
    if len(others) > 1:  # with one other group, all others are that group
        comparisons[ALL_OTHERS] = group_pay_gap(frame, by="_group", reference=reference, **kwargs)
    members = {**shown, ALL_OTHERS: others}
    rows = [_gap_row(label, members[label], comparisons[label]) for label in comparisons]
    first = comparisons.get(ALL_OTHERS) or next(iter(comparisons.values()))
    reference_counts = {
        "n": first.counts["full_pay_reference"],
        "n_relevant": first.counts["relevant_reference"],
        "n_bonus": first.counts.get("bonus_reference", 0),
    }
    hidden = frame["_group"].isna()
    return GroupGaps(
        characteristic=characteristic,
        reference=reference,
        gaps=pd.DataFrame(rows),
        representation=_representation(frame["_group"], reference),
        quarters=_quarters(
            frame,
            reference,
            {g: m for g, m in shown.items() if sizes[list(m)].sum() >= 4 * min_group},
            pay,
            fpre,
        ),
        combination=combination,
        left_out=left_out,
        reference_counts=reference_counts,
        n_total=len(frame),
        n_not_disclosed=int(hidden.sum()),
        bonus_recorded=has_bonus,
        comparisons=comparisons,
        title=f"{characteristic.capitalize()} pay gaps against {reference}",
    )


def _full_pay(frame: pd.DataFrame, full_pay: str | None) -> np.ndarray:
    if full_pay is None or full_pay not in frame:
        return np.ones(len(frame), dtype=bool)
    return frame[full_pay].astype("boolean").fillna(True).to_numpy(dtype=bool)


def _gap_row(label: str, members: tuple[str, ...], result: GroupPayGap) -> dict:
    c = result.counts
    return {
        "group": label,
        "members": members,
        "n": c["full_pay_compare"],
        "n_relevant": c["relevant_compare"],
        "mean_gap": result.mean_hourly_gap,
        "median_gap": result.median_hourly_gap,
        "pct_bonus": result.pct_compare_bonus,
        "pct_bonus_reference": result.pct_reference_bonus,
        "n_bonus": c.get("bonus_compare"),
        "mean_bonus_gap": result.mean_bonus_gap,
        "median_bonus_gap": result.median_bonus_gap,
        "robust": c["full_pay_compare"] >= ROBUST_GROUP,
    }


def _representation(groups: pd.Series, reference: str) -> pd.DataFrame:
    counts = groups.value_counts()
    disclosed = int(counts.sum())
    order = [reference, *(g for g in _natural(counts.index) if g != reference)]
    rows = [
        {
            "group": g,
            "n": int(counts[g]),
            "pct_all": 100.0 * counts[g] / len(groups),
            "pct_disclosed": 100.0 * counts[g] / disclosed,
        }
        for g in order
    ]
    hidden = int(groups.isna().sum())
    rows.append(
        {
            "group": "Not disclosed",
            "n": hidden,
            "pct_all": 100.0 * hidden / len(groups) if len(groups) else float("nan"),
            "pct_disclosed": float("nan"),
        }
    )
    return pd.DataFrame(rows)


def _quarters(
    frame: pd.DataFrame, reference: str, shown: dict[str, tuple[str, ...]], pay: str, fpre
) -> pd.DataFrame:
    """Share of each group in each pay quarter of the full-pay relevant employees with a recorded
    value: reg 13 bands, tied rates shared in whole people (:func:`band_counts`)."""
    keep = fpre & frame["_group"].notna().to_numpy()
    labels = {reference: (reference,), **shown}
    code_of = {m: i for i, members in enumerate(labels.values()) for m in members}
    codes = frame.loc[keep, "_group"].map(code_of).fillna(len(labels)).astype(int).to_numpy()
    counts = band_counts(frame.loc[keep, pay].to_numpy(dtype=float), codes, len(labels) + 1)
    out = pd.DataFrame({"band": list(BANDS), "n": counts.sum(axis=1)})
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, label in enumerate(labels):
            out[label] = 100.0 * counts[:, i] / out["n"].to_numpy()
    return out


def intersection_gaps(
    data: pd.DataFrame,
    groups: pd.Series,
    shown: dict[str, tuple[str, ...]],
    reference: str,
    *,
    reference_sex: str = "M",
    pay: str = "hourly_pay",
    full_pay: str | None = "full_pay",
    min_group: int = 10,
) -> pd.DataFrame:
    """Gaps of women and men of each group against one reference cell (e.g. White British men).

    ``shown``: the groups as compared (label -> the groups it holds, small ones combined), the
    reference group itself included. Returns one row per group and sex (women first): ``group,
    sex, n`` (full-pay relevant employees), ``mean_gap, median_gap`` against the reference cell
    (missing for the reference cell and for cells under ``min_group``). Raises
    :class:`~research.core.checks.InputError` when the reference cell is under ``min_group``.
    """
    sex = data["sex"].astype("string")
    binary = sex.isin(["F", "M"]).fillna(False).to_numpy(dtype=bool)
    cell = (groups.astype("string") + " / " + sex).where(binary & groups.notna().to_numpy())
    frame = data.assign(_cell=cell.astype("str").array)
    fpre = _full_pay(frame, full_pay)
    sizes = frame.loc[fpre, "_cell"].value_counts()
    reference_cell = f"{reference} / {reference_sex}"
    if sizes.get(reference_cell, 0) < min_group:
        raise InputError(
            f"The reference group of the intersections ({reference} "
            f"{'men' if reference_sex == 'M' else 'women'}) has fewer than {min_group} employees "
            "in the pay comparison, so no gaps by sex and ethnicity are published."
        )
    rows = []
    for label, members in {reference: (reference,), **shown}.items():
        for code in ("F", "M"):
            cells = tuple(f"{m} / {code}" for m in members)
            n = int(sizes.reindex(list(cells)).fillna(0).sum())
            row = {"group": label, "sex": code, "n": n, "mean_gap": None, "median_gap": None}
            if n >= min_group and reference_cell not in cells:
                result = group_pay_gap(
                    frame,
                    by="_cell",
                    reference=reference_cell,
                    compare=cells,
                    hourly_pay=pay,
                    bonus=None,
                    full_pay=full_pay,
                )
                row["mean_gap"] = result.mean_hourly_gap
                row["median_gap"] = result.median_hourly_gap
            rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "ALL_OTHERS",
    "DISABLED",
    "NOT_CLASSIFIED",
    "NOT_DISABLED",
    "REFERENCES",
    "ROBUST_GROUP",
    "WHITE_OTHER",
    "GroupGaps",
    "combine_small",
    "disability_groups",
    "ethnicity_groups",
    "ethnicity_reference",
    "group_gaps",
    "intersection_gaps",
    "not_disclosed",
]
