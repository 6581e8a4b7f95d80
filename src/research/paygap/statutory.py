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


def _sex_masks(values: pd.Series, male: str, female: str) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays of men and women (missing sex is neither)."""
    is_male = (values == male).to_numpy(dtype=bool, na_value=False)
    is_female = (values == female).to_numpy(dtype=bool, na_value=False)
    return is_male, is_female


def _require_both_sexes(
    values: pd.Series, is_male, is_female, male: str, female: str, population: str
) -> None:
    for present, code, word in ((is_male, male, "men"), (is_female, female, "women")):
        if not present.any():
            codes = sorted(map(str, pd.Series(values).dropna().unique()))
            raise InputError(
                f"There are no {word} (sex code {code!r}) among {population}, so the gender pay gap "
                f"is undefined. Codes present: {codes}. Check the sex codes in the column mapping, "
                "or pass reference=/compare= for other codes."
            )


def _bonus_figures(
    bonus: pd.Series | None, is_male: np.ndarray, is_female: np.ndarray, notes: list[str]
) -> dict:
    """Bonus gaps over recipients and bonus proportions over all relevant employees of each sex."""
    empty = dict.fromkeys(
        ("mean_bonus_gap", "median_bonus_gap", "pct_male_bonus", "pct_female_bonus")
    )
    if bonus is None or bonus.isna().all():
        notes.append("No bonus data: the bonus figures are not calculated.")
        return empty
    paid = bonus.astype("float64").fillna(0.0).to_numpy()
    if (paid < 0).any():
        raise InputError("Bonus pay must not be negative; check the bonus column.")
    got = paid > 0
    out = dict(empty)
    out["pct_male_bonus"] = 100.0 * got[is_male].mean()
    out["pct_female_bonus"] = 100.0 * got[is_female].mean()
    men, women = paid[got & is_male], paid[got & is_female]
    if men.size and women.size:
        out["mean_bonus_gap"] = pay_gap(men.mean(), women.mean())
        out["median_bonus_gap"] = pay_gap(float(np.median(men)), float(np.median(women)))
    else:
        notes.append("The bonus gaps are undefined: men or women received no bonus.")
    return out


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
        (``counts["other_sex"]``) and excluded from every figure.
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
    require_columns(data, [by, hourly_pay], role="uk_gpg")
    sex, male, female = by, reference, compare
    notes: list[str] = []
    is_male, is_female = _sex_masks(data[sex], male, female)
    binary = is_male | is_female
    n_other = int((~binary).sum())
    if n_other:
        notes.append(
            f"{n_other:,} employees with another or no recorded sex are excluded from every figure."
        )
    fpre = _full_pay_mask(data, full_pay, notes) & binary
    if not fpre.any():
        raise InputError(
            "There are no full-pay relevant women or men: no hourly figure can be calculated."
        )
    hourly = data[hourly_pay].to_numpy(dtype="float64", na_value=np.nan)[fpre]
    _check_hourly(pd.Series(hourly), hourly_pay)
    fpre_male, fpre_female = is_male[fpre], is_female[fpre]
    _require_both_sexes(
        data[sex], fpre_male, fpre_female, male, female, "full-pay relevant employees"
    )
    men, women = hourly[fpre_male], hourly[fpre_female]
    bonus_values = data[bonus] if bonus is not None and bonus in data else None
    figures = _bonus_figures(bonus_values, is_male, is_female, notes)
    bands = quartile_bands(hourly, fpre_male, ties=ties)
    counts = {
        "relevant_male": int(is_male.sum()),
        "relevant_female": int(is_female.sum()),
        "full_pay_male": int(men.size),
        "full_pay_female": int(women.size),
        "other_sex": n_other,
    }
    if bonus_values is not None:
        got = bonus_values.astype("float64").fillna(0.0).to_numpy() > 0
        counts["bonus_male"] = int((got & is_male).sum())
        counts["bonus_female"] = int((got & is_female).sum())
    return UKGenderPayGap(
        mean_hourly_gap=pay_gap(men.mean(), women.mean()),
        median_hourly_gap=pay_gap(float(np.median(men)), float(np.median(women))),
        quartiles=bands,
        counts=counts,
        notes=tuple(notes),
        bonus_recorded=bonus_values is not None and not bool(bonus_values.isna().all()),
        **figures,
    )


__all__ = ["BANDS", "GOV_UK_COLUMNS", "UKGenderPayGap", "pay_gap", "uk_gpg"]
