"""Women's representation by grade: shares, the glass ceiling, and gaps within each grade.

The "glass ceiling" comparison sets women's share of the top grades against their share of the whole
workforce: a ratio below 1 means women are under-represented at the top (the ratio form follows the
representation ratios of segregation research, e.g. Blackburn, Jarman and Siltanen 1993). The interval
for the top-grade share is Wilson's score interval (Wilson 1927), reading the workforce as one draw
from the process that fills posts. The pay gap within each grade (like for like) is set next to the
overall gap: when grades differ in pay and women are concentrated in the lower ones, the overall gap
is mostly a difference in where women and men work, not in pay for the same grade.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from research.core.checks import InputError, require_columns
from research.core.results import Estimate, Result
from research.paygap.breakdown import GapBreakdown, gap_by


def wilson_interval(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (returned on the 0-1 scale)."""
    if n <= 0:
        return (np.nan, np.nan)
    z = stats.norm.ppf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


@dataclass(frozen=True)
class GradeRepresentation(Result):
    """Women's share by grade and in the top grades, and the within-grade pay gaps.

    Attributes
    ----------
    table
        One row per grade in rank order: ``grade_rank, grade, n_female, n_male, pct_female,
        representation_ratio`` (women's share in the grade / their share overall).
    pct_female_overall
        Women's share of all women and men (percent).
    top_share
        Women's share of the ``top`` highest grades (percent) with a Wilson interval.
    glass_ceiling_ratio
        ``top_share / pct_female_overall`` (1 = proportional representation).
    within_grade
        :class:`GapBreakdown` of the gap by grade.
    like_for_like_gap
        Headcount-weighted average of the within-grade gaps.
    overall_gap
        The gap over everyone, on the same pay measure and statistic.
    """

    table: pd.DataFrame
    pct_female_overall: float
    top: int
    top_share: Estimate
    glass_ceiling_ratio: Estimate
    within_grade: GapBreakdown
    like_for_like_gap: float
    overall_gap: Estimate
    title: str = "Women's representation by grade"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def headline(self) -> pd.DataFrame:
        """The summary numbers as a tidy table."""
        low, high = self.top_share.ci
        rows = [
            ("Women's share of all employees", self.pct_female_overall, np.nan, np.nan),
            (f"Women's share of the top {self.top} grades", self.top_share.value, low, high),
            (
                "Glass ceiling ratio (top share / overall share)",
                self.glass_ceiling_ratio.value,
                *self.glass_ceiling_ratio.ci,
            ),
            ("Overall pay gap", self.overall_gap.value, *(self.overall_gap.ci or (np.nan, np.nan))),
            (
                "Average pay gap within grades (like for like)",
                self.like_for_like_gap,
                np.nan,
                np.nan,
            ),
        ]
        return pd.DataFrame(rows, columns=["measure", "value", "ci_low", "ci_high"])


def _grade_table(
    data: pd.DataFrame, grade: str, rank: str, sex: str, male: str, female: str
) -> pd.DataFrame:
    frame = data[[grade, rank, sex]].assign(
        female=(data[sex] == female).to_numpy(dtype=bool, na_value=False),
        male=(data[sex] == male).to_numpy(dtype=bool, na_value=False),
    )
    table = frame.groupby([rank, grade], observed=True, sort=True)[["female", "male"]].sum()
    table = table.rename(columns={"female": "n_female", "male": "n_male"}).reset_index()
    table = table[(table["n_female"] + table["n_male"]) > 0].reset_index(drop=True)
    table["pct_female"] = 100 * table["n_female"] / (table["n_female"] + table["n_male"])
    return table.rename(columns={rank: "grade_rank", grade: "grade"})


def representation_by_grade(
    data: pd.DataFrame,
    *,
    grade: str = "grade",
    rank: str = "grade_rank",
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
    top: int = 2,
    stat: str = "median",
    pay: str = "hourly_pay",
    n_boot: int = 0,
    seed: int | None = None,
    level: float = 0.95,
) -> GradeRepresentation:
    """Women's share by grade, the glass-ceiling comparison and the within-grade pay gaps.

    Parameters
    ----------
    grade, rank
        Grade label and its order (1 = lowest). Grades are listed in rank order; rows with no
        rank (e.g. a blank grade) are left out of the table, the shares and the gaps.
    by, reference, compare
        Column of the compared groups and the codes of the reference group (men) and the compared
        group (women, whose share is reported).
    top
        How many of the highest grades count as "the top".
    stat, pay, n_boot, seed, level
        Passed to :func:`~research.paygap.gap_by` for the within-grade gaps.
    """
    sex, male, female = by, reference, compare
    require_columns(data, [grade, rank, sex], role="representation by grade")
    if data[rank].isna().all():
        raise InputError(
            f"Column {rank!r} has no grade order; map grade_rank (e.g. an order list) first."
        )
    data = data.dropna(subset=[rank])  # no grade order (a blank grade): left out of every index
    table = _grade_table(data, grade, rank, sex, male, female)
    n_f, n_m = table["n_female"].sum(), table["n_male"].sum()
    if n_f == 0 or n_m == 0:
        raise InputError("Representation by grade needs both women and men with a grade.")
    overall_share = 100 * n_f / (n_f + n_m)
    table["representation_ratio"] = table["pct_female"] / overall_share
    top_ranks = np.sort(table["grade_rank"].unique())[-top:]
    top_rows = table[table["grade_rank"].isin(top_ranks)]
    women, total = top_rows["n_female"].sum(), top_rows[["n_female", "n_male"]].to_numpy().sum()
    low, high = wilson_interval(women, total, level)
    share = Estimate(
        "women's share of the top grades", 100 * women / total, ci=(100 * low, 100 * high)
    )
    ratio = Estimate(
        "glass ceiling ratio",
        share.value / overall_share,
        ci=(100 * low / overall_share, 100 * high / overall_share),
    )
    within = gap_by(
        data,
        grade,
        stat=stat,
        pay=pay,
        by=sex,
        reference=male,
        compare=female,
        n_boot=n_boot,
        seed=seed,
        level=level,
    )
    gaps = within.table.dropna(subset=["gap"])
    weights = gaps["n_female"] + gaps["n_male"]
    like_for_like = float(np.average(gaps["gap"], weights=weights)) if len(gaps) else np.nan
    return GradeRepresentation(
        table=table,
        pct_female_overall=overall_share,
        top=top,
        top_share=share,
        glass_ceiling_ratio=ratio,
        within_grade=within,
        like_for_like_gap=like_for_like,
        overall_gap=within.overall,
    )
