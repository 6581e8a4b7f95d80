"""Senior pay measures: the pay multiple, chief officer pay, pay bands from 50,000, large packages.

Sources
-------
* **Pay multiple**: Local Government Transparency Code 2015 (DCLG, February 2015), "pay
  multiple": "the ratio between the highest paid taxable earnings for the given year (including
  base salary, variable pay, bonuses, allowances and the cash value of any benefits-in-kind) and
  the median earnings figure of the whole of the authority's workforce"; the median is that of all
  employees on a fixed date, and pension benefits are excluded. Pay policy statements commonly add
  two variants, which :class:`PayMultiple` also gives: highest to lowest earnings, and highest to
  mean earnings (the Hutton Review of Fair Pay in the Public Sector, 2011, discussed both).
* **Chief officers and pay policy statements**: Localism Act 2011 ss. 38-43 (an annual pay policy
  statement, approved by full council, on the remuneration of chief officers, of the lowest-paid
  employees and the relationship between the two; chief officers as s. 43(2): the head of paid
  service, the monitoring officer, statutory and non-statutory chief officers and deputy chief
  officers). HR extracts rarely say who is a chief officer, so :func:`chief_officers` takes the
  definition as a parameter (the top ``n`` grades, or earnings at or above a threshold) and the
  report states it.
* **Large packages**: DCLG, "Openness and accountability in local pay: guidance under section 40
  of the Localism Act 2011" (February 2012) and its supplementary guidance (February 2013):
  full council should be offered a vote before salary packages of GBP 100,000 or more are
  offered for a new appointment (:data:`PACKAGE_THRESHOLD`).
* **Pay bands from 50,000**: the statement of accounts note of the Accounts and Audit
  (England) Regulations (the number of employees whose remuneration was 50,000 or more, in
  bands of 5,000), also asked for by the Transparency Code's senior salaries data.

Earnings
--------
"Earnings" here are annual basic pay plus every pay element the data record for the 12 months to
the snapshot (bonus, overtime, allowances; :func:`earnings`). Annual basic pay is the
full-time-equivalent salary where the data record hours or FTE (part-time staff compared at their
full-time rate, as most pay policy statements do), else the salary as recorded. The cash value of
benefits in kind is not in the canonical table (only whether one was received), so it is never
included, and the report says so.

Disclosure
----------
The highest-paid employee is one person. The pay multiple is a statutory published figure and
the report publishes it with the median (and the variants with the lowest and the mean), from
which the highest earnings follow, as the Code intends. Nothing else about that person is
published or computed here: no grade, job, department or sex, and no table row in which they
could be picked out (the pay band tables hide counts below the disclosure threshold like any
other). The same holds for the lowest-paid employee of the highest-to-lowest variant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.results import Result
from research.data.schema import PAY_ELEMENTS

__all__ = [
    "BAND_FLOOR",
    "BAND_WIDTH",
    "PACKAGE_THRESHOLD",
    "ChiefOfficers",
    "PayMultiple",
    "band_label",
    "chief_officers",
    "earnings",
    "pay_bands",
    "pay_multiple",
]

#: Lowest earnings of the senior pay bands, and their width (statement of accounts note).
BAND_FLOOR = 50_000.0
BAND_WIDTH = 5_000.0
#: Packages at or above this need a vote of full council (DCLG guidance, 2012 and 2013).
PACKAGE_THRESHOLD = 100_000.0
_ELEMENT_WORDS = {"bonus_12m": "bonus", "overtime_12m": "overtime", "allowances_12m": "allowances"}


def _recorded(data: pd.DataFrame, column: str) -> bool:
    return column in data and bool(data[column].notna().any())


def earnings(data: pd.DataFrame, *, pay: str = "annual_basic_pay") -> tuple[pd.Series, tuple]:
    """Annual earnings of each employee and the pay elements included.

    ``pay`` plus each of bonus, overtime and allowances in the 12 months to the snapshot that the
    data record (a blank element of an employee is 0 when the element is recorded for others).

    Raises
    ------
    InputError
        When ``pay`` is missing or not positive for anyone.
    """
    if pay not in data:
        raise InputError(f"The data have no {pay!r} column: earnings cannot be worked out.")
    base = pd.to_numeric(data[pay], errors="coerce").astype("float64")
    if base.isna().any() or (base <= 0).any():
        raise InputError(
            f"{int(base.isna().sum() + (base <= 0).sum()):,} employees have no positive {pay!r}; "
            "every employee needs one for the pay multiple (fix the source or the mapping)."
        )
    included = tuple(c for c in PAY_ELEMENTS if _recorded(data, c))
    total = base.copy()
    for column in included:
        total = total + pd.to_numeric(data[column], errors="coerce").fillna(0.0)
    return total, included


def element_words(included: tuple[str, ...]) -> str:
    """``("bonus_12m", "overtime_12m")`` -> ``"bonus and overtime"``."""
    words = [_ELEMENT_WORDS.get(c, c) for c in included]
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class PayMultiple(Result):
    """The pay multiple and its variants (see the module docstring).

    Attributes
    ----------
    highest, median, mean, lowest
        Earnings of the highest-paid employee, and the median, mean and lowest earnings of the
        whole workforce (every employee, whatever their recorded sex).
    n
        Employees in the workforce.
    elements
        Pay elements included besides annual basic pay.
    """

    highest: float
    median: float
    mean: float
    lowest: float
    n: int
    elements: tuple[str, ...] = field(default_factory=tuple)
    title: str = "Pay multiple"

    @property
    def multiple(self) -> float:
        """Highest-paid employee's earnings / median earnings (Transparency Code 2015)."""
        return self.highest / self.median

    @property
    def highest_to_lowest(self) -> float:
        """Highest-paid employee's earnings / lowest-paid employee's earnings."""
        return self.highest / self.lowest

    @property
    def highest_to_mean(self) -> float:
        """Highest-paid employee's earnings / mean earnings."""
        return self.highest / self.mean

    def to_frame(self) -> pd.DataFrame:
        """One row per ratio: measure, ratio and the earnings it divides by."""
        return pd.DataFrame(
            {
                "measure": [
                    "Highest to median (the pay multiple)",
                    "Highest to lowest",
                    "Highest to mean",
                ],
                "ratio": [self.multiple, self.highest_to_lowest, self.highest_to_mean],
                "compared_with": [self.median, self.lowest, self.mean],
            }
        )


def pay_multiple(data: pd.DataFrame, *, pay: str = "annual_basic_pay") -> PayMultiple:
    """The pay multiple (highest earnings / median earnings) and its variants.

    Every employee counts, whatever their recorded sex: the Code's median is that of the whole
    workforce. See the module docstring for the sources and what earnings include.
    """
    total, included = earnings(data, pay=pay)
    if total.empty:
        raise InputError("The data hold no employees: there is no pay multiple.")
    values = total.to_numpy(dtype="float64")
    return PayMultiple(
        highest=float(values.max()),
        median=float(np.median(values)),
        mean=float(values.mean()),
        lowest=float(values.min()),
        n=int(values.size),
        elements=included,
    )


@dataclass(frozen=True)
class ChiefOfficers(Result):
    """Who counts as a chief officer under the chosen definition, and their pay by sex.

    ``mask`` marks the chief officers (rows of the data); ``definition`` says who they are in a
    sentence fragment ("employees in the top 2 grades (ranks 11 to 12)"); ``by_sex`` has one row
    per sex (``F``, ``M``): ``n``, ``mean`` and ``median`` earnings.
    """

    mask: np.ndarray
    definition: str
    by_sex: pd.DataFrame
    title: str = "Chief officer pay by sex"

    def to_frame(self) -> pd.DataFrame:
        return self.by_sex.copy()


def chief_officers(
    data: pd.DataFrame,
    pay: pd.Series,
    *,
    top_grades: int | None = None,
    threshold: float | None = None,
    currency: str = "GBP",
) -> ChiefOfficers:
    """Chief officers as the top ``top_grades`` grades, or earnings of ``threshold`` or more.

    Parameters
    ----------
    data
        Canonical workforce table (``grade_rank`` for the grade definition, ``sex``).
    pay
        Earnings of each row (:func:`earnings`).
    top_grades, threshold
        Exactly one: the number of highest grade ranks that count, or the earnings threshold.

    Raises
    ------
    InputError
        Neither or both given, no grade ranks for the grade definition, or nobody qualifies.
    """
    if (top_grades is None) == (threshold is None):
        raise InputError("Define chief officers by top_grades=N or by threshold=EARNINGS (one).")
    if top_grades is not None:
        if int(top_grades) < 1:
            raise InputError(f"top_grades must be 1 or more, got {top_grades!r}.")
        if "grade_rank" not in data:
            ranks = pd.Series(np.nan, index=data.index)
        else:
            ranks = pd.to_numeric(data["grade_rank"], errors="coerce")
        if ranks.isna().all():
            raise InputError(
                "This dataset records no ordered grades, so chief officers cannot be the top "
                "grades: define them by an earnings threshold instead."
            )
        distinct = np.sort(ranks.dropna().unique())
        chosen = distinct[-int(top_grades) :]
        mask = ranks.isin(chosen).to_numpy(dtype=bool)
        low, high = int(chosen.min()), int(chosen.max())
        span = f"rank {high}" if low == high else f"ranks {low} to {high}"
        grades = "grade" if len(chosen) == 1 else f"{len(chosen)} grades"
        definition = f"employees in the top {grades}, {span} of {len(distinct)}"
    else:
        mask = (pay >= float(threshold)).to_numpy(dtype=bool)
        definition = f"employees with earnings of {currency} {float(threshold):,.0f} or more"
    if not mask.any():
        raise InputError(f"No one counts as a chief officer ({definition}).")
    sex = data["sex"].astype("string")
    rows = []
    for code in ("F", "M"):
        chosen_pay = pay[mask & (sex == code).fillna(False).to_numpy(dtype=bool)]
        rows.append(
            (
                code,
                int(chosen_pay.size),
                float(chosen_pay.mean()) if chosen_pay.size else float("nan"),
                float(chosen_pay.median()) if chosen_pay.size else float("nan"),
            )
        )
    by_sex = pd.DataFrame(rows, columns=["sex", "n", "mean", "median"])
    return ChiefOfficers(mask=mask, definition=definition, by_sex=by_sex)


def band_label(low: float, width: float = BAND_WIDTH) -> str:
    """``50000`` -> ``"50,000 to 54,999"``."""
    return f"{low:,.0f} to {low + width - 1:,.0f}"


def pay_bands(
    pay: pd.Series, sex: pd.Series, *, floor: float = BAND_FLOOR, width: float = BAND_WIDTH
) -> pd.DataFrame:
    """Women and men with earnings of ``floor`` or more, in bands of ``width``.

    Every band from ``floor`` up to the highest occupied band is listed (empty bands as 0), lowest
    first: ``band_low``, ``band`` (label), ``n_female``, ``n_male``. Empty when nobody earns
    ``floor`` or more.
    """
    if width <= 0 or floor < 0:
        raise InputError(f"Pay bands need floor >= 0 and width > 0, got {floor!r}, {width!r}.")
    values = pay.to_numpy(dtype="float64")
    above = values >= floor
    if not above.any():
        return pd.DataFrame(columns=["band_low", "band", "n_female", "n_male"])
    index = np.floor((values[above] - floor) / width).astype(np.int64)
    k = int(index.max()) + 1
    codes = sex.astype("string").to_numpy(dtype=object, na_value="U")[above]
    lows = floor + width * np.arange(k)
    return pd.DataFrame(
        {
            "band_low": lows,
            "band": [band_label(low, width) for low in lows],
            "n_female": np.bincount(index[codes == "F"], minlength=k),
            "n_male": np.bincount(index[codes == "M"], minlength=k),
        }
    )
