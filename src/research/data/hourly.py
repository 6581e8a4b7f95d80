"""Hourly pay and full-pay relevant employees as the UK gender pay gap regulations define them.

The Equality Act 2010 (Gender Pay Gap Information) Regulations 2017 (SI 2017/172) and, for English
public bodies, Schedule 1 of the Equality Act 2010 (Specific Duties and Public Authorities)
Regulations 2017 (SI 2017/353) use the same rules:

* reg 6: hourly rate = (ordinary pay + bonus pay paid in the relevant pay period, a bonus that relates
  to a longer period pro-rated to the pay period) x 7 / days in the pay period / weekly working hours;
* reg 7: weekly working hours are the contractual hours (an average over 12 weeks for variable hours);
* reg 1(2): a *full-pay relevant employee* is a relevant employee who is not, in the relevant pay
  period, paid at a reduced rate or nil *as a result of being on leave*. Pay reduced for another
  reason (e.g. strike action) does not remove an employee from the hourly metrics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.data.schema import WEEKS_PER_YEAR


def reg6_hourly_pay(
    ordinary_pay: pd.Series,
    period_days: pd.Series,
    weekly_hours: pd.Series,
    period_bonus: pd.Series | None = None,
    bonus_period_days: pd.Series | None = None,
) -> pd.Series:
    """Hourly rate of pay by reg 6: ``(ordinary + bonus share) * 7 / days / weekly hours``.

    Parameters
    ----------
    ordinary_pay
        Ordinary pay (reg 3) paid in the relevant pay period.
    period_days
        Length of the relevant pay period in days (e.g. 31 for monthly pay in March).
    weekly_hours
        Weekly working hours (reg 7).
    period_bonus
        Bonus pay (reg 4) paid in the relevant pay period; missing counts as none.
    bonus_period_days
        Length of the period the bonus relates to. When longer than the pay period only the share
        ``period_days / bonus_period_days`` is included (reg 6(1)(b)); missing means it relates to
        the pay period itself.
    """
    days = period_days.astype("float64")
    bonus = 0.0
    if period_bonus is not None:
        covers = (
            days if bonus_period_days is None else bonus_period_days.astype("float64").fillna(days)
        )
        share = np.minimum(1.0, days / covers.where(covers > 0, days))
        bonus = period_bonus.astype("float64").fillna(0.0) * share
    return (ordinary_pay.astype("float64") + bonus) * 7.0 / days / weekly_hours.astype("float64")


def annual_hourly_pay(
    annual_fte_pay: pd.Series, fte: pd.Series, weekly_hours: pd.Series
) -> pd.Series:
    """Hourly pay from annual pay when no period pay is recorded: ``annual x FTE / 52.143 / hours``.

    ``annual_fte_pay`` is the full-time-equivalent salary, so ``annual x FTE`` is the actual pay for
    the contracted hours, spread over 52.143 weeks (365.25 / 7).
    """
    return annual_fte_pay * fte / WEEKS_PER_YEAR / weekly_hours


def full_pay_relevant(
    period_pay: pd.Series, usual_pay: pd.Series, reduced_reason: pd.Series, *, leave: str = "leave"
) -> pd.Series:
    """Whether each employee is a full-pay relevant employee (reg 1(2)).

    An employee paid less than usual in the relevant pay period (or not paid at all: missing
    ``period_pay``) is excluded only when the reason is leave (``reduced_reason == leave``).

    Examples
    --------
    The GEO/Acas worked example: an employee whose pay is cut by two days' strike action stays a
    full-pay relevant employee; one on unpaid special leave does not.
    """
    paid = period_pay.astype("float64")
    reduced = paid.isna() | (paid < usual_pay.astype("float64"))
    on_leave = (
        reduced_reason.astype("string").str.strip().str.lower().eq(leave.lower()).fillna(False)
    )
    return ~(reduced & on_leave)
