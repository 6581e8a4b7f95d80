"""Checks of the published figures themselves, with the rows that fail them.

The service validates little of what employers type in, so a few published rows are impossible or
implausible. The checks (:data:`CHECKS`), each applied where the figures it needs are present:

``quartile_sum``
    In each pay quarter, men's and women's shares add up to 100 within 0.1 (rounding).
``percent_range``
    The eight shares (bonus receipt, each quarter) lie between 0 and 100.
``hourly_gap_range``
    Mean and median hourly pay gaps lie in [-100, 100). A gap of 100% or more would mean women
    are paid nothing or less; below -100% women would be paid more than twice what men are, over
    a whole employer of 250 or more staff, which is far more likely a typing error.
``bonus_gap_range``
    Mean and median bonus gaps lie in [-1000, 100]: above 100% is impossible (women's bonus
    negative); below -1000% women's bonus would be more than eleven times men's, which happens
    only with a handful of bonuses and is worth checking.
``bonus_gap_without_bonus``
    No bonus gap other than 0 is given when neither men nor women received a bonus.

Failing rows are kept in every analysis (they are the published figures); the checks tell a
reader which published numbers to treat with care.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.core.checks import require_columns
from research.data.schema import GOV_UK_COLUMNS as NUMERIC_COLUMNS

__all__ = ["CHECKS", "CHECK_TITLES", "check_published", "failing_rows", "summarise_checks"]

_QUARTERS = ("Lower", "LowerMiddle", "UpperMiddle", "Top")
_SHARES = [c for c in NUMERIC_COLUMNS if c.endswith(("BonusPercent", "Quartile"))]
_SHARES = [c for c in _SHARES if not c.startswith("Diff")]
_HOURLY = ["DiffMeanHourlyPercent", "DiffMedianHourlyPercent"]
_BONUS = ["DiffMeanBonusPercent", "DiffMedianBonusPercent"]

#: Check name -> what it asks, in plain words.
CHECKS: dict[str, str] = {
    "quartile_sum": "Men's and women's shares of each pay quarter add up to 100 (within 0.1)",
    "percent_range": "Shares receiving a bonus and shares of each quarter lie between 0 and 100",
    "hourly_gap_range": "Mean and median hourly pay gaps lie between -100% and 100%",
    "bonus_gap_range": "Mean and median bonus gaps lie between -1000% and 100%",
    "bonus_gap_without_bonus": "No bonus gap is given when nobody received a bonus",
}

#: Check name -> the short title a published table shows in its place.
CHECK_TITLES: dict[str, str] = {
    "quartile_sum": "Quarter shares add up to 100",
    "percent_range": "Shares lie between 0 and 100",
    "hourly_gap_range": "Hourly pay gaps lie between -100% and 100%",
    "bonus_gap_range": "Bonus gaps lie between -1000% and 100%",
    "bonus_gap_without_bonus": "No bonus gap without bonuses",
}


def _quartile_sum(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    male = rows[[f"Male{q}Quartile" for q in _QUARTERS]].to_numpy()
    female = rows[[f"Female{q}Quartile" for q in _QUARTERS]].to_numpy()
    total = pd.DataFrame(male + female, index=rows.index, columns=list(_QUARTERS))
    checked = total.notna()
    return checked, checked & (total - 100).abs().gt(0.1)


def _range(rows: pd.DataFrame, columns: list[str], low: float, high: float, *, high_open=False):
    values = rows[columns]
    checked = values.notna()
    above = values.ge(high) if high_open else values.gt(high)
    return checked, checked & (values.lt(low) | above)


def _bonus_without_bonus(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    nobody = rows["MaleBonusPercent"].eq(0) & rows["FemaleBonusPercent"].eq(0)
    gaps = rows[_BONUS]
    checked = gaps.notna() & nobody.to_numpy()[:, None]
    return checked, checked & gaps.ne(0)


def check_published(panel: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """For each check of :data:`CHECKS`: (values checked, values failing) as boolean frames."""
    require_columns(panel, list(NUMERIC_COLUMNS), role="published figures")
    return {
        "quartile_sum": _quartile_sum(panel),
        "percent_range": _range(panel, _SHARES, 0, 100),
        "hourly_gap_range": _range(panel, _HOURLY, -100, 100, high_open=True),
        "bonus_gap_range": _range(panel, _BONUS, -1000, 100),
        "bonus_gap_without_bonus": _bonus_without_bonus(panel),
    }


def summarise_checks(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per check: submissions checked, submissions failing, and the share failing."""
    results = check_published(panel)
    table = pd.DataFrame(
        {
            "check": list(results),
            "description": [CHECKS[name] for name in results],
            "n_checked": [int(c.any(axis=1).sum()) for c, _ in results.values()],
            "n_failing": [int(f.any(axis=1).sum()) for _, f in results.values()],
        }
    )
    table["pct_failing"] = (
        100.0 * table["n_failing"] / table["n_checked"].where(table["n_checked"] > 0)
    )
    return table


def failing_rows(panel: pd.DataFrame, name_column: str = "EmployerName") -> pd.DataFrame:
    """Every failing value: year, employer, check, the column and its value (and, for
    ``quartile_sum``, the quarter's men + women total), sorted by year and employer."""
    parts = []
    for name, (_, failing) in check_published(panel).items():
        long = failing.stack()
        long = long[long]
        if long.empty:
            continue
        rows, columns = long.index.get_level_values(0), long.index.get_level_values(1)
        part = pd.DataFrame(
            {
                "reporting_year": panel.loc[rows, "reporting_year"].to_numpy(),
                "employer": panel.loc[rows, name_column].to_numpy(),
                "check": name,
                "column": columns,
            }
        )
        if name == "quartile_sum":
            part["column"] = "Male+Female" + part["column"] + "Quartile"
            part["value"] = _quartile_totals(panel.loc[rows], columns)
        else:
            stacked = panel[list(dict.fromkeys(columns))].stack()
            part["value"] = stacked.reindex(list(zip(rows, columns, strict=True))).to_numpy()
        parts.append(part)
    columns = ["reporting_year", "employer", "check", "column", "value"]
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["reporting_year", "employer", "check"]).reset_index(drop=True)[
        columns
    ]


def _quartile_totals(rows: pd.DataFrame, quarters: pd.Index) -> np.ndarray:
    """Men's + women's share of the named quarter, one value per row."""
    male = rows[[f"Male{q}Quartile" for q in _QUARTERS]].to_numpy()
    female = rows[[f"Female{q}Quartile" for q in _QUARTERS]].to_numpy()
    position = pd.Index(_QUARTERS).get_indexer(quarters)
    index = np.arange(len(rows))
    return male[index, position] + female[index, position]
