"""Reporting under the EU Pay Transparency Directive, (EU) 2023/970, Article 9.

Article 9(1) asks employers to report: (a) the gender pay gap; (b) the gender pay gap in complementary
or variable components; (c) the median gender pay gap; (d) the median gap in complementary or variable
components; (e) the proportion of female and male workers receiving complementary or variable
components; (f) the proportion of female and male workers in each quartile pay band; and (g) the
gender pay gap between workers by categories of workers, broken down by ordinary basic wage or salary
and complementary or variable components. Article 3(1) defines the pay gap as the difference of
average pay levels of female and male workers as a percentage of the male average, and a pay level as
gross annual pay and the corresponding gross hourly pay. Article 10 requires a joint pay assessment
where a category of workers shows a difference in average pay of at least 5% that is not justified by
objective, gender-neutral criteria and not remedied within six months; this module flags the
categories that meet the 5% condition (justification is for people, not code).

Interpretive choices are parameters, stated in every result:

* ``pay_basis="hourly"``: pay per contracted hour (annual pay / 52.143 / weekly hours), comparable
  across full- and part-time workers; ``"annual_fte"``: full-time-equivalent annual pay.
* ``variable_over="recipients"``: gaps in variable pay among workers who received some (as the UK
  bonus gaps); ``"all"``: over all workers, with zeros for non-recipients.
* Ordinary basic pay is ``annual_basic_pay``; complementary or variable pay is ``bonus_12m`` (the
  canonical table holds no separate allowances). When the data hold no variable pay (no column,
  or no value in it), items (b), (d) and (e) and the variable-pay gaps of (g) are missing, not
  zero: nobody's receipt of variable pay is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.results import Result
from research.data.schema import WEEKS_PER_YEAR
from research.paygap.breakdown import gap_by, shared_sorts
from research.paygap.quartiles import quartile_bands
from research.paygap.statutory import pay_gap

PAY_BASES = ("hourly", "annual_fte")
VARIABLE_OVER = ("recipients", "all")
ARTICLE_10_THRESHOLD = 5.0


@dataclass(frozen=True)
class EUPayTransparency(Result):
    """Article 9 items (a)-(f), item (g) by category, and the Article 10 flags.

    Attributes
    ----------
    items
        Tidy table of items (a)-(f): ``item, measure, value`` (percentages).
    categories
        Item (g): per category, headcounts and mean and median gaps in basic, variable and total pay,
        ``flag_article_10`` where the mean total gap is 5% or more in either direction.
    quartiles
        Item (f) with counts (reg 13(2)-style sharing of tied pay levels).
    category, pay_basis, variable_over
        The choices the figures rest on.
    notes
        What the pay basis could not do with these data (e.g. no recorded full-time equivalent).
    variable
        The column of complementary or variable pay used, or ``None`` when the data hold none
        (the variable-pay items are then missing, not zero).
    """

    items: pd.DataFrame
    categories: pd.DataFrame
    quartiles: pd.DataFrame
    category: str
    pay_basis: str
    variable_over: str
    threshold: float = ARTICLE_10_THRESHOLD
    notes: tuple[str, ...] = ()
    variable: str | None = "bonus_12m"
    title: str = "EU Pay Transparency Directive, Article 9"

    def to_frame(self) -> pd.DataFrame:
        return self.items.copy()

    @property
    def flagged(self) -> pd.DataFrame:
        """Categories meeting the Article 10 condition on the size of the gap."""
        return self.categories[self.categories["flag_article_10"]]


def _pay_components(data: pd.DataFrame, pay_basis: str, variable: str | None) -> pd.DataFrame:
    """Basic, variable and total pay per worker on the chosen basis."""
    basic_fte = data["annual_basic_pay"].astype("float64")
    bonus = (
        data[variable].astype("float64").fillna(0.0)
        if variable
        else pd.Series(0.0, index=data.index)
    )
    if pay_basis == "hourly":
        hours_year = WEEKS_PER_YEAR * data["weekly_hours"].astype("float64")
        basic = basic_fte * data["fte"].astype("float64") / hours_year
        varpay = bonus / hours_year
    else:  # variable pay scaled to full time; as paid where no FTE is recorded (see notes)
        fte = data["fte"].astype("float64")
        basic, varpay = basic_fte, bonus / fte.where(fte.notna(), 1.0)
    return pd.DataFrame(
        {"basic": basic, "variable": varpay, "total": basic + varpay}, index=data.index
    )


def _basis_notes(data: pd.DataFrame, pay_basis: str, variable: str | None) -> tuple[str, ...]:
    """What the chosen pay basis could not do with these data, in words."""
    if pay_basis != "annual_fte" or variable is None:
        return ()
    unknown = int(data["fte"].isna().sum())
    if not unknown:
        return ()
    who = "No worker has" if unknown == len(data) else f"{unknown:,} workers have"
    return (
        f"{who} a recorded full-time equivalent: their variable pay is compared as paid, "
        "not scaled to full time.",
    )


def _variable_gaps(varpay: pd.Series, is_male: pd.Series, over: str) -> tuple[float, float]:
    chosen = varpay if over == "all" else varpay[varpay > 0]
    men, women = chosen[is_male.loc[chosen.index]], chosen[~is_male.loc[chosen.index]]
    if men.empty or women.empty:
        return np.nan, np.nan
    return pay_gap(men.mean(), women.mean()), pay_gap(men.median(), women.median())


def _items(pay: pd.DataFrame, is_male: pd.Series, over: str, recorded: bool) -> pd.DataFrame:
    """Items (a)-(e); without recorded variable pay (b), (d) and (e) are missing, not zero."""
    total_m, total_f = pay.loc[is_male, "total"], pay.loc[~is_male, "total"]
    mean_var, median_var = _variable_gaps(pay["variable"], is_male, over)
    got = pay["variable"] > 0
    women_paid, men_paid = 100 * got[~is_male].mean(), 100 * got[is_male].mean()
    if not recorded:
        mean_var = median_var = women_paid = men_paid = np.nan
    rows = [
        ("a", "Gender pay gap (mean)", pay_gap(total_m.mean(), total_f.mean())),
        ("b", "Gender pay gap in complementary or variable components (mean)", mean_var),
        ("c", "Median gender pay gap", pay_gap(total_m.median(), total_f.median())),
        ("d", "Median gender pay gap in complementary or variable components", median_var),
        ("e", "Women receiving complementary or variable components", women_paid),
        ("e", "Men receiving complementary or variable components", men_paid),
    ]
    return pd.DataFrame(rows, columns=["item", "measure", "value"])


def _category_table(
    frame: pd.DataFrame, category: str, over: str, groups: dict[str, str], recorded: bool = True
) -> pd.DataFrame:
    """Item (g): mean and median gaps in basic, variable and total pay by category.

    ``groups`` holds the ``by``, ``reference`` and ``compare`` arguments of :func:`gap_by`;
    without recorded variable pay (``recorded=False``) the variable-pay gaps are missing.
    """
    with shared_sorts():  # one sort per pay column, one coding of the categories
        total = gap_by(frame, category, stat="mean", pay="total", full_pay=None, **groups).table
        out = total[[category, "n_female", "n_male"]].copy()
        recipients = frame[frame["variable"] > 0]
        for component in ("basic", "variable", "total"):
            subset = recipients if component == "variable" and over == "recipients" else frame
            for stat in ("mean", "median"):
                column = f"{stat}_gap_{component}"
                if subset.empty or (component == "variable" and not recorded):
                    out[column] = np.nan
                    continue
                gaps = (
                    total
                    if (component, stat, subset is frame) == ("total", "mean", True)
                    else gap_by(
                        subset, category, stat=stat, pay=component, full_pay=None, **groups
                    ).table
                )
                out[column] = out[category].map(gaps.set_index(category)["gap"])
    out["flag_article_10"] = out["mean_gap_total"].abs() >= ARTICLE_10_THRESHOLD
    return out


def eu_pay_transparency(
    data: pd.DataFrame,
    *,
    category: str = "grade",
    pay_basis: str = "hourly",
    variable_over: str = "recipients",
    variable: str | None = "bonus_12m",
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
) -> EUPayTransparency:
    """Compute the Article 9 indicators and the Article 10 flags.

    Parameters
    ----------
    data
        Canonical workforce rows (``annual_basic_pay``, ``fte``, ``weekly_hours``, ``sex``, the
        category column and, optionally, the variable pay column).
    category
        Column defining categories of workers (e.g. ``grade``, a job evaluation band, ``occupation``).
    pay_basis
        ``"hourly"`` or ``"annual_fte"`` (see module docstring).
    variable_over
        ``"recipients"`` or ``"all"`` for the variable-pay gaps (b), (d) and in (g).
    variable
        Column of complementary or variable pay over 12 months; ``None`` if there is none.
    by, reference, compare
        Column of the compared groups, the reference group's code (men) and the compared group's
        (women); gaps are ``(reference - compare) / reference x 100``.
    """
    sex, male, female = by, reference, compare
    if pay_basis not in PAY_BASES:
        raise InputError(f"pay_basis must be one of {PAY_BASES}, got {pay_basis!r}.")
    if variable_over not in VARIABLE_OVER:
        raise InputError(f"variable_over must be one of {VARIABLE_OVER}, got {variable_over!r}.")
    variable = variable if variable and variable in data else None
    if variable is not None and data[variable].isna().all():
        variable = None  # a column with no value records nothing: not zero variable pay
    require_columns(
        data, [sex, category, "annual_basic_pay", "fte", "weekly_hours"], role="EU reporting"
    )
    used = list(dict.fromkeys([sex, category, "annual_basic_pay", "fte", "weekly_hours"]))
    used += [variable] if variable is not None and variable not in used else []
    chosen = data[sex].isin([male, female]).to_numpy(dtype=bool, na_value=False)
    binary = data.loc[chosen, used]  # the columns used, not a copy of every column
    is_male = (binary[sex] == male).astype(bool)
    if is_male.all() or not is_male.any():
        raise InputError("EU pay transparency indicators need both women and men in the data.")
    pay = _pay_components(binary, pay_basis, variable)
    frame = pd.concat([binary[[sex, category]], pay], axis=1)
    quartiles = quartile_bands(pay["total"].to_numpy(), is_male.to_numpy())
    return EUPayTransparency(
        items=_items(pay, is_male, variable_over, variable is not None),
        categories=_category_table(
            frame,
            category,
            variable_over,
            {"by": sex, "reference": male, "compare": female},
            variable is not None,
        ),
        quartiles=quartiles,
        category=category,
        pay_basis=pay_basis,
        variable_over=variable_over,
        notes=_basis_notes(binary, pay_basis, variable),
        variable=variable,
    )
