"""Publishable tables of the ethnicity and disability pay gap report, and their count declarations.

Each table is made from a :class:`~research.diversity.groups.GroupGaps` result as tidy data (before
disclosure control), and declared (:class:`~research.present.counted.CountTable`) over the raw
values of the canonical column it groups (``ethnicity``, ``disability``, ``sex``): a broad group,
"White other", a combination of small groups or "All other groups" covers the raw values of its
members; "Not disclosed" covers blanks and the not-stated codes. Counts are of all employees
(representation), of full-pay relevant employees (gaps, quarters: a sub-population) or of
relevant employees (bonus proportions).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.diversity.groups import GroupGaps
from research.present import counted, tabulate
from research.present.counted import CountTable, Share

#: Label of the row of people with no recorded value.
NOT_DISCLOSED = "Not disclosed"
QUARTER_LABELS = {
    "lower": "Lower quarter",
    "lower_middle": "Lower middle quarter",
    "upper_middle": "Upper middle quarter",
    "upper": "Upper quarter",
}


def raw_members(
    data: pd.DataFrame, groups: pd.Series, column: str, result: GroupGaps
) -> dict[str, frozenset[str]]:
    """Label of every row of the tables -> the raw values of ``column`` it covers."""
    groups, values = tabulate.distinct_pairs(  # the distinct pairs, not every row's
        pd.Series(groups.array), data[column].reset_index(drop=True)
    )
    labels = groups.astype("object").where(groups.notna(), NOT_DISCLOSED)
    base = counted.members(pd.Series(labels.to_numpy()), values)
    out: dict[str, frozenset[str]] = {str(k): v for k, v in base.items()}
    for row in result.gaps.itertuples():
        if row.group not in out:
            out[row.group] = frozenset().union(*(base.get(m, frozenset()) for m in row.members))
    return out


def representation_table(result: GroupGaps) -> pd.DataFrame:
    """group, n, pct_all (reference first, not disclosed last)."""
    return result.representation[["group", "n", "pct_all"]].copy()


def gaps_table(result: GroupGaps) -> pd.DataFrame:
    """group, n, mean_gap, median_gap, robust: each compared group, then all other groups."""
    out = result.gaps[["group", "n", "mean_gap", "median_gap"]].copy()
    out["robust"] = result.gaps["robust"].map({True: "yes", False: "no"})
    return out


def bonus_table(result: GroupGaps, min_cell: int) -> pd.DataFrame:
    """group, n_relevant, pct_bonus, mean_bonus_gap, median_bonus_gap (reference first).

    Bonus gaps rest on the recipients: shown only where the group and the reference each have
    at least ``min_cell`` of them.
    """
    ref = result.reference_counts
    first = next(iter(result.comparisons.values()))
    rows = [
        {
            "group": result.reference,
            "n_relevant": ref["n_relevant"],
            "pct_bonus": first.pct_reference_bonus,
            "mean_bonus_gap": np.nan,
            "median_bonus_gap": np.nan,
        }
    ]
    for row in result.gaps.itertuples():
        enough = min(row.n_bonus or 0, ref["n_bonus"]) >= min_cell
        rows.append(
            {
                "group": row.group,
                "n_relevant": row.n_relevant,
                "pct_bonus": row.pct_bonus,
                "mean_bonus_gap": row.mean_bonus_gap if enough else np.nan,
                "median_bonus_gap": row.median_bonus_gap if enough else np.nan,
            }
        )
    return pd.DataFrame(rows)


def quarters_table(result: GroupGaps) -> pd.DataFrame:
    """band (lowest first), n, then the share of each group shown (reference first)."""
    out = result.quarters.copy()
    out["band"] = out["band"].map(QUARTER_LABELS)
    return out.rename(columns={g: _key(g) for g in out.columns if g not in ("band", "n")})


def _key(label: str) -> str:
    """A column key for a group's share (``pct_white_british``)."""
    text = "".join(ch if ch.isalnum() else "_" for ch in label.lower())
    return "pct_" + "_".join(part for part in text.split("_") if part)


def intersection_table(cells: pd.DataFrame) -> pd.DataFrame:
    """group, sex, n, mean_gap, median_gap (women first within each group)."""
    out = cells.copy()
    out["sex"] = out["sex"].map({"F": "Women", "M": "Men"})
    return out


# ----------------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class PayPopulation:
    """Who is in the pay comparison (full-pay relevant) and who was paid a bonus, as one
    dimension the report makes, with a value for each combination.

    Two separate sub-populations (full pay; paid a bonus), each crossed with both ethnicity and
    disability, would make the audit's dimensions cyclic and its linear programme the product of
    them all; as one dimension of four values they stay acyclic. Conditions: :meth:`full`
    (full-pay relevant employees) and :meth:`paid` (paid a bonus).
    """

    dimension: str
    values: tuple[str, ...]
    full_pay: frozenset[str] | None
    bonus: frozenset[str] | None

    @classmethod
    def of(cls, fpre: np.ndarray, got_bonus: np.ndarray | None) -> PayPopulation:
        paid = (True, False) if got_bonus is not None else (None,)
        values = tuple(
            f"{'full' if f else 'reduced'} pay"
            + ("" if b is None else f", {'' if b else 'no '}bonus")
            for f in (True, False)
            for b in paid
        )
        full = frozenset(v for v in values if v.startswith("full"))
        bonus = frozenset(v for v in values if v.endswith(", bonus"))
        return cls(
            "pay population (diversity report)",
            values,
            None if bool(np.all(fpre)) else full,
            bonus if got_bonus is not None else None,
        )

    def full(self) -> dict[str, frozenset[str]]:
        return {} if self.full_pay is None else {self.dimension: self.full_pay}

    def paid(self) -> dict[str, frozenset[str]]:
        return {} if self.bonus is None else {self.dimension: self.bonus}

    @property
    def domains(self) -> dict[str, tuple[str, ...]]:
        return {self.dimension: self.values}

    def raw(self, fpre: np.ndarray, got_bonus: np.ndarray | None) -> pd.Categorical:
        """Each employee's value (for the data the audit reads its domains from), one of
        :attr:`values`: a categorical (a byte a row, not a text per row)."""
        code = np.where(np.asarray(fpre, dtype=bool), 0, 1).astype(np.int8)
        if got_bonus is not None:  # values: full pay (bonus, no bonus), reduced pay (...)
            code = 2 * code + np.where(np.asarray(got_bonus, dtype=bool), 0, 1).astype(np.int8)
        return pd.Categorical.from_codes(code, categories=list(self.values))


def declare(
    tables: Mapping[str, pd.DataFrame],
    *,
    prefix: str,
    column: str,
    covered: Mapping[str, frozenset[str]],
    result: GroupGaps,
    population: PayPopulation,
    pay: str,
) -> list[CountTable]:
    """The count tables of one characteristic (``prefix`` ``ethnicity`` or ``disability``)."""
    members = {"group": dict(covered)}
    declared: list[CountTable] = []
    name = f"{prefix}_representation"
    if name in tables:
        data = tables[name]
        declared.append(
            CountTable(
                name,
                data,
                {"group": column},
                counts={"n": {}},
                shares={"pct_all": Share({}, result.n_total)},
                members=members,
            )
        )
    name = f"{prefix}_pay_gaps"
    if name in tables:
        declared.append(
            CountTable(
                name,
                tables[name],
                {"group": column},
                counts={"n": population.full()},
                members=members,
                statistics={"n": ["mean_gap", "median_gap", "robust"]},
                domains=population.domains,
            )
        )
    name = f"{prefix}_bonus"
    if name in tables and population.bonus is not None:
        declared.append(
            CountTable(
                name,
                tables[name],
                {"group": column},
                counts={"n_relevant": {}},
                shares={"pct_bonus": Share(population.paid(), "n_relevant")},
                members=members,
                statistics={"n_relevant": ["mean_bonus_gap", "median_bonus_gap"]},
                domains=population.domains,
            )
        )
    name = f"{prefix}_pay_quarters"
    if name in tables:
        data = tables[name]
        shares: dict[str, Share] = {}
        for label in result.quarters.columns:
            if label in ("band", "n"):
                continue
            counted_in = {column: covered.get(label, frozenset({label})), **population.full()}
            shares[_key(label)] = Share(counted_in, "n")
        everyone = frozenset().union(*(v for k, v in covered.items() if k != NOT_DISCLOSED))
        declared.append(
            CountTable(
                name,
                data,
                {"band": f"quarter of {pay} ({prefix} recorded)"},
                counts={"n": {column: everyone, **population.full()}},
                shares=shares,
                open_groups=True,
                domains=population.domains,
            )
        )
    return declared


def declare_intersections(
    data: pd.DataFrame, covered: Mapping[str, frozenset[str]], population: PayPopulation
) -> CountTable:
    """The sex-by-ethnicity table: counts of full-pay relevant women and men of each group."""
    sexes: dict[Hashable, frozenset[str]] = {"Women": frozenset({"F"}), "Men": frozenset({"M"})}
    return CountTable(
        "intersection_gaps",
        data,
        {"group": "ethnicity", "sex": "sex"},
        counts={"n": population.full()},
        members={"group": dict(covered), "sex": sexes},
        statistics={"n": ["mean_gap", "median_gap"]},
        domains=population.domains,
    )
