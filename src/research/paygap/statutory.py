"""The six UK statutory gender pay gap figures, computed exactly as the regulations define them.

Follows the Equality Act 2010 (Specific Duties and Public Authorities) Regulations 2017 (SI 2017/353)
Schedule 1, which applies to English public bodies the rules of the Equality Act 2010 (Gender Pay Gap
Information) Regulations 2017 (SI 2017/172) regs 3-13:

* mean and median gender pay gap in hourly pay (regs 8, 9), over full-pay relevant employees:
  ``gap = (men - women) / men x 100``;
* mean and median bonus gap (regs 10, 11), over relevant employees who were paid bonus in the 12
  months to the snapshot date;
* proportions of men and of women paid a bonus (reg 12), over all relevant employees of each sex;
* proportions of men and women in each quartile pay band (reg 13), over full-pay relevant
  employees, with the reg 13(2) rule for tied rates (:mod:`research.paygap.quartiles`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.results import Result
from research.data.schema import GOV_UK_COLUMNS
from research.paygap.quartiles import BANDS, quartile_bands

_QUARTILE_NAMES = {
    "lower": "Lower",
    "lower_middle": "LowerMiddle",
    "upper_middle": "UpperMiddle",
    "upper": "Top",
}


def pay_gap(reference: float, compare: float) -> float:
    """``(reference - compare) / reference x 100``: the gap as a percentage of the reference group's
    pay (NaN if it is 0). With men as the reference and women compared, the gender pay gap."""
    if reference == 0:
        return float("nan")
    return 100.0 * (reference - compare) / reference


@dataclass(frozen=True)
class UKGenderPayGap(Result):
    """The statutory figures with the populations they rest on.

    Attributes
    ----------
    mean_hourly_gap, median_hourly_gap
        Gaps in hourly pay of full-pay relevant employees (percent of men's pay).
    mean_bonus_gap, median_bonus_gap
        Gaps in bonus pay among bonus recipients (``None`` when either sex has no recipient).
    pct_male_bonus, pct_female_bonus
        Percentage of relevant men / women paid a bonus (``None`` without bonus data).
    quartiles
        One row per band: ``band, n, pct_male, pct_female`` (and counts and rate ranges).
    counts
        Headcounts: relevant and full-pay relevant employees and bonus recipients by sex, and
        employees with another or no recorded sex (excluded from every figure).
    bonus_recorded
        Whether the data hold bonus pay at all (``False``: the bonus figures are not in the
        data, which is not the same as nobody being paid a bonus).
    """

    mean_hourly_gap: float
    median_hourly_gap: float
    mean_bonus_gap: float | None
    median_bonus_gap: float | None
    pct_male_bonus: float | None
    pct_female_bonus: float | None
    quartiles: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    bonus_recorded: bool = True
    title: str = "UK statutory gender pay gap figures"

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per figure (measure, value, population)."""
        rows = [
            (
                "Mean gender pay gap in hourly pay",
                self.mean_hourly_gap,
                "full-pay relevant employees",
            ),
            (
                "Median gender pay gap in hourly pay",
                self.median_hourly_gap,
                "full-pay relevant employees",
            ),
            ("Mean bonus gap", self.mean_bonus_gap, "bonus recipients"),
            ("Median bonus gap", self.median_bonus_gap, "bonus recipients"),
            ("Men paid a bonus", self.pct_male_bonus, "relevant men"),
            ("Women paid a bonus", self.pct_female_bonus, "relevant women"),
        ]
        for band in self.quartiles.itertuples():
            label = band.band.replace("_", " ")
            rows.append(
                (f"Men in the {label} quartile", band.pct_male, "full-pay relevant employees")
            )
            rows.append(
                (f"Women in the {label} quartile", band.pct_female, "full-pay relevant employees")
            )
        frame = pd.DataFrame(rows, columns=["measure", "pct", "population"])
        frame["pct"] = frame["pct"].astype("float64")
        return frame

    def to_gov_uk(self, decimals: int = 1) -> pd.DataFrame:
        """One row with the GOV.UK service's column names, rounded as submitted (1 d.p.)."""
        values = {
            "DiffMeanHourlyPercent": self.mean_hourly_gap,
            "DiffMedianHourlyPercent": self.median_hourly_gap,
            "DiffMeanBonusPercent": self.mean_bonus_gap,
            "DiffMedianBonusPercent": self.median_bonus_gap,
            "MaleBonusPercent": self.pct_male_bonus,
            "FemaleBonusPercent": self.pct_female_bonus,
        }
        for band in self.quartiles.itertuples():
            name = _QUARTILE_NAMES[band.band]
            values[f"Male{name}Quartile"] = band.pct_male
            values[f"Female{name}Quartile"] = band.pct_female
        row = {
            k: np.nan if values[k] is None else round(float(values[k]), decimals)
            for k in GOV_UK_COLUMNS
        }
        return pd.DataFrame([row])


def _full_pay_mask(data: pd.DataFrame, full_pay: str | None, notes: list[str]) -> np.ndarray:
    if full_pay is None or full_pay not in data:
        notes.append("No full-pay flag: every employee is treated as a full-pay relevant employee.")
        return np.ones(len(data), dtype=bool)
    flag = data[full_pay].astype("boolean")
    unknown = int(flag.isna().sum())
    if unknown:
        notes.append(
            f"{unknown:,} employees with no full-pay flag are treated as full-pay relevant."
        )
    return flag.fillna(True).to_numpy(dtype=bool)


def _check_hourly(hourly: pd.Series, column: str) -> None:
    missing = int(hourly.isna().sum())
    if missing:
        raise InputError(
            f"{missing:,} full-pay relevant employees have no {column!r}. Hourly pay is needed for "
            "every one of them: fix the source or derive it at ingest (see research.data.ingest)."
        )
    bad = int((hourly <= 0).sum())
    if bad:
        raise InputError(
            f"{bad:,} full-pay relevant employees have {column!r} <= 0; hourly pay must be positive."
        )


@dataclass(frozen=True)
class Groups:
    """Which rows a binary comparison sets against which: the groups of one column.

    ``reference`` and ``compare`` are codes of ``by`` (one or several each); ``compare=None``
    means everyone else with a recorded value. ``not_recorded`` lists codes that mean no answer
    (``"U"`` for sex, ``"Prefer not to say"``); missing values are always not recorded. Rows
    recorded but in neither group are "other". ``reference_word``/``compare_word`` name the
    groups in messages ("men", "women").
    """

    by: str = "sex"
    reference: tuple[str, ...] = ("M",)
    compare: tuple[str, ...] | None = ("F",)
    not_recorded: tuple[str, ...] = ()
    reference_word: str = ""
    compare_word: str = ""

    @classmethod
    def of(
        cls,
        by: str,
        reference: str | Iterable[str],
        compare: str | Iterable[str] | None,
        not_recorded: Iterable[str] = (),
        words: tuple[str, str] | None = None,
    ) -> Groups:
        ref = _codes(reference)
        cmp = None if compare is None else _codes(compare)
        if by == "sex" and words is None and (ref, cmp) == (("M",), ("F",)):
            words = ("men", "women")
        if words is None:
            words = (
                " or ".join(ref),
                "everyone else" if cmp is None else " or ".join(cmp),
            )
        if cmp is not None and set(ref) & set(cmp):
            raise InputError(
                f"{sorted(set(ref) & set(cmp))} are in both the reference and the compared group."
            )
        return cls(by, ref, cmp, tuple(map(str, not_recorded)), *words)

    @property
    def is_sex(self) -> bool:
        return self.by == "sex"

    def masks(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boolean arrays: in the reference group, in the compared group, not recorded."""
        text = values.astype("string")
        missing = (text.isna() | text.isin(self.not_recorded)).to_numpy(dtype=bool)
        is_ref = text.isin(self.reference).to_numpy(dtype=bool, na_value=False) & ~missing
        if self.compare is None:
            is_cmp = ~is_ref & ~missing
        else:
            is_cmp = text.isin(self.compare).to_numpy(dtype=bool, na_value=False) & ~missing
        return is_ref, is_cmp, missing

    def require_both(self, values: pd.Series, is_ref, is_cmp, population: str) -> None:
        codes_of = {True: self.reference, False: self.compare}
        for present, is_reference in ((is_ref, True), (is_cmp, False)):
            if present.any():
                continue
            codes = sorted(map(str, pd.Series(values).dropna().unique()))
            word = self.reference_word if is_reference else self.compare_word
            code = codes_of[is_reference]
            if self.is_sex:
                shown = code[0] if code and len(code) == 1 else code
                raise InputError(
                    f"There are no {word} (sex code {shown!r}) among {population}, so the gender "
                    f"pay gap is undefined. Codes present: {codes}. Check the sex codes in the "
                    "column mapping, or pass reference=/compare= for other codes."
                )
            shown = "any recorded value but the reference" if code is None else list(code)
            raise InputError(
                f"There are no employees in the group {word!r} ({self.by} {shown}) among "
                f"{population}, so the pay gap between {self.reference_word} and "
                f"{self.compare_word} is undefined. Values present: {codes}. Check the codes in "
                "the column mapping, or pass other reference=/compare= values."
            )

    def excluded_notes(self, n_missing: int, n_other: int) -> list[str]:
        if self.is_sex:
            n = n_missing + n_other
            return (
                [f"{n:,} employees with another or no recorded sex are excluded from every figure."]
                if n
                else []
            )
        notes = []
        if n_missing:
            notes.append(
                f"{n_missing:,} employees with no recorded {self.by} (or who preferred not to "
                "say) are excluded from every figure."
            )
        if n_other:
            notes.append(
                f"{n_other:,} employees in neither {self.reference_word} nor "
                f"{self.compare_word} are excluded from every figure."
            )
        return notes


def _codes(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    codes = tuple(map(str, value))
    if not codes:
        raise InputError("A compared group needs at least one code.")
    return codes


def _bonus_figures(
    bonus: pd.Series | None,
    is_ref: np.ndarray,
    is_cmp: np.ndarray,
    groups: Groups,
    notes: list[str],
) -> dict:
    """Bonus gaps over recipients and bonus proportions over all relevant employees per group."""
    empty = dict.fromkeys(
        ("mean_bonus_gap", "median_bonus_gap", "pct_reference_bonus", "pct_compare_bonus")
    )
    if bonus is None or bonus.isna().all():
        notes.append("No bonus data: the bonus figures are not calculated.")
        return empty
    paid = bonus.astype("float64").fillna(0.0).to_numpy()
    if (paid < 0).any():
        raise InputError("Bonus pay must not be negative; check the bonus column.")
    got = paid > 0
    out = dict(empty)
    out["pct_reference_bonus"] = 100.0 * got[is_ref].mean()
    out["pct_compare_bonus"] = 100.0 * got[is_cmp].mean()
    ref, cmp = paid[got & is_ref], paid[got & is_cmp]
    if ref.size and cmp.size:
        out["mean_bonus_gap"] = pay_gap(ref.mean(), cmp.mean())
        out["median_bonus_gap"] = pay_gap(float(np.median(ref)), float(np.median(cmp)))
    else:
        notes.append(
            f"The bonus gaps are undefined: {groups.reference_word} or {groups.compare_word} "
            "received no bonus."
        )
    return out


def _six_measures(
    data: pd.DataFrame,
    groups: Groups,
    *,
    hourly_pay: str,
    bonus: str | None,
    full_pay: str | None,
    ties: str,
) -> dict:
    """The statutory calculation for any two groups (the one place it is done).

    Returns the figures with neutral names (``reference``/``compare``); quartiles as
    :func:`quartile_bands` gives them (``male`` = the reference group).
    """
    require_columns(data, [groups.by, hourly_pay], role="uk_gpg")
    notes: list[str] = []
    is_ref, is_cmp, missing = groups.masks(data[groups.by])
    binary = is_ref | is_cmp
    n_missing = int(missing.sum())
    n_other = int((~binary & ~missing).sum())
    notes += groups.excluded_notes(n_missing, n_other)
    fpre = _full_pay_mask(data, full_pay, notes) & binary
    if not fpre.any():
        raise InputError(
            f"There are no full-pay relevant {groups.compare_word} or {groups.reference_word}: "
            "no hourly figure can be calculated."
        )
    hourly = data[hourly_pay].to_numpy(dtype="float64", na_value=np.nan)[fpre]
    _check_hourly(pd.Series(hourly), hourly_pay)
    fpre_ref, fpre_cmp = is_ref[fpre], is_cmp[fpre]
    groups.require_both(data[groups.by], fpre_ref, fpre_cmp, "full-pay relevant employees")
    ref, cmp = hourly[fpre_ref], hourly[fpre_cmp]
    bonus_values = data[bonus] if bonus is not None and bonus in data else None
    figures = _bonus_figures(bonus_values, is_ref, is_cmp, groups, notes)
    counts = {
        "relevant_reference": int(is_ref.sum()),
        "relevant_compare": int(is_cmp.sum()),
        "full_pay_reference": int(ref.size),
        "full_pay_compare": int(cmp.size),
        "not_recorded": n_missing,
        "other": n_other,
        "total": len(data),
    }
    if bonus_values is not None:
        got = bonus_values.astype("float64").fillna(0.0).to_numpy() > 0
        counts["bonus_reference"] = int((got & is_ref).sum())
        counts["bonus_compare"] = int((got & is_cmp).sum())
    return {
        "mean_hourly_gap": pay_gap(ref.mean(), cmp.mean()),
        "median_hourly_gap": pay_gap(float(np.median(ref)), float(np.median(cmp))),
        "quartiles": quartile_bands(hourly, fpre_ref, ties=ties),
        "counts": counts,
        "notes": tuple(notes),
        "bonus_recorded": bonus_values is not None and not bool(bonus_values.isna().all()),
        **figures,
    }


#: Quartile columns of :func:`quartile_bands` (reference = "male") under neutral names.
_NEUTRAL_BANDS = {
    "n_male": "n_reference",
    "n_female": "n_compare",
    "pct_male": "pct_reference",
    "pct_female": "pct_compare",
}
#: Count names of the gender figures for the neutral ones.
_SEX_COUNTS = {
    "relevant_reference": "relevant_male",
    "relevant_compare": "relevant_female",
    "full_pay_reference": "full_pay_male",
    "full_pay_compare": "full_pay_female",
    "bonus_reference": "bonus_male",
    "bonus_compare": "bonus_female",
}


@dataclass(frozen=True)
class GroupPayGap(Result):
    """The six statutory measures for a reference group against a compared group of one column.

    The same calculation as :func:`uk_gpg` (hourly pay of full-pay relevant employees, bonus
    populations, quartiles with the reg 13(2) tie rule) with neutral names: gaps are
    ``(reference - compare) / reference x 100``.

    Attributes
    ----------
    groups
        What was compared (:class:`Groups`).
    mean_hourly_gap, median_hourly_gap, mean_bonus_gap, median_bonus_gap
        As in :class:`UKGenderPayGap` (bonus gaps ``None`` when a group has no recipient).
    pct_reference_bonus, pct_compare_bonus
        Percentage of each group's relevant employees paid a bonus (``None`` without bonus data).
    quartiles
        One row per band: ``band, n, n_reference, n_compare, pct_reference, pct_compare,
        min_hourly, max_hourly``.
    counts
        ``relevant_*``, ``full_pay_*`` and ``bonus_*`` per group (``reference``, ``compare``),
        ``not_recorded`` (no value, or a code of ``groups.not_recorded``), ``other`` (recorded,
        in neither group) and ``total`` rows.
    """

    groups: Groups
    mean_hourly_gap: float
    median_hourly_gap: float
    mean_bonus_gap: float | None
    median_bonus_gap: float | None
    pct_reference_bonus: float | None
    pct_compare_bonus: float | None
    quartiles: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    bonus_recorded: bool = True
    title: str = "Pay gap between two groups"

    @property
    def pct_not_recorded(self) -> float:
        """Share of all rows (percent) with no recorded value or "prefer not to say"."""
        total = self.counts.get("total", 0)
        return 100.0 * self.counts.get("not_recorded", 0) / total if total else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per figure (measure, value, population)."""
        ref, cmp = self.groups.reference_word, self.groups.compare_word
        rows = [
            ("Mean gap in hourly pay", self.mean_hourly_gap, "full-pay relevant employees"),
            ("Median gap in hourly pay", self.median_hourly_gap, "full-pay relevant employees"),
            ("Mean bonus gap", self.mean_bonus_gap, "bonus recipients"),
            ("Median bonus gap", self.median_bonus_gap, "bonus recipients"),
            (f"{ref} paid a bonus", self.pct_reference_bonus, f"relevant {ref}"),
            (f"{cmp} paid a bonus", self.pct_compare_bonus, f"relevant {cmp}"),
        ]
        for band in self.quartiles.itertuples():
            label = band.band.replace("_", " ")
            for word, pct in ((ref, band.pct_reference), (cmp, band.pct_compare)):
                rows.append((f"{word} in the {label} quartile", pct, "full-pay relevant employees"))
        rows.append((f"No recorded {self.groups.by}", self.pct_not_recorded, "all employees"))
        frame = pd.DataFrame(rows, columns=["measure", "pct", "population"])
        frame["pct"] = frame["pct"].astype("float64")
        return frame


def group_pay_gap(
    data: pd.DataFrame,
    *,
    by: str,
    reference: str | Iterable[str],
    compare: str | Iterable[str] | None = None,
    not_recorded: Iterable[str] = (),
    words: tuple[str, str] | None = None,
    hourly_pay: str = "hourly_pay",
    bonus: str | None = "bonus_12m",
    full_pay: str | None = "full_pay",
    ties: str = "share",
) -> GroupPayGap:
    """The six statutory measures for any binary comparison of one column.

    ``group_pay_gap(data, by="ethnicity", reference="White British")`` compares White British
    employees with everyone else whose ethnicity is recorded; ``not_recorded=["Prefer not to
    say"]`` counts that answer with the missing values (``counts["not_recorded"]``, reported,
    never dropped silently). ``reference`` and ``compare`` may each be several codes. The
    calculation is the one :func:`uk_gpg` makes for men and women (which calls this one).

    Raises
    ------
    research.core.checks.InputError
        As :func:`uk_gpg`: missing columns, an empty group among full-pay relevant employees,
        missing or non-positive hourly pay.
    """
    groups = Groups.of(by, reference, compare, not_recorded, words)
    figures = _six_measures(
        data, groups, hourly_pay=hourly_pay, bonus=bonus, full_pay=full_pay, ties=ties
    )
    figures["quartiles"] = figures["quartiles"].rename(columns=_NEUTRAL_BANDS)
    return GroupPayGap(groups=groups, **figures)


def uk_gpg(
    data: pd.DataFrame,
    *,
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
    hourly_pay: str = "hourly_pay",
    bonus: str | None = "bonus_12m",
    full_pay: str | None = "full_pay",
    ties: str = "share",
) -> UKGenderPayGap:
    """Compute the UK statutory gender pay gap figures from employee rows.

    Parameters
    ----------
    data
        One row per relevant employee (canonical workforce table or any frame with these columns).
    by
        Column holding the two compared groups (sex).
    reference, compare
        Codes of the reference group (men, ``"M"``) and the compared group (women, ``"F"``) in
        ``by``; gaps are ``(reference - compare) / reference x 100``. Other codes are counted
        (``counts["other_sex"]``) and excluded from every figure. For other columns and groups
        (ethnicity, disability) see :func:`group_pay_gap`, which makes the same calculation.
    hourly_pay, bonus, full_pay
        Column names. ``bonus`` (12-month bonus pay) and ``full_pay`` (full-pay relevant flag) may be
        ``None`` or absent: the bonus figures are then not calculated, and every employee counts as
        full-pay relevant; both are stated in ``notes``.
    ties
        Reg 13(2) tie handling for the quartiles: ``"share"`` (exact) or ``"integer"``.

    Returns
    -------
    UKGenderPayGap

    Raises
    ------
    research.core.checks.InputError
        Missing columns, no men or no women among full-pay relevant employees, no full-pay relevant
        employees, missing or non-positive hourly pay.
    """
    groups = Groups.of(by, reference, compare, words=("men", "women") if by == "sex" else None)
    figures = _six_measures(
        data, groups, hourly_pay=hourly_pay, bonus=bonus, full_pay=full_pay, ties=ties
    )
    counts = {_SEX_COUNTS.get(k, k): v for k, v in figures.pop("counts").items()}
    counts["other_sex"] = counts.pop("not_recorded") + counts.pop("other")
    counts.pop("total")
    order = ("relevant_male", "relevant_female", "full_pay_male", "full_pay_female", "other_sex")
    counts = {k: counts[k] for k in (*order, *(k for k in counts if k not in order))}
    return UKGenderPayGap(
        pct_male_bonus=figures.pop("pct_reference_bonus"),
        pct_female_bonus=figures.pop("pct_compare_bonus"),
        counts=counts,
        **figures,
    )


__all__ = [
    "BANDS",
    "GOV_UK_COLUMNS",
    "GroupPayGap",
    "Groups",
    "UKGenderPayGap",
    "group_pay_gap",
    "pay_gap",
    "uk_gpg",
]
