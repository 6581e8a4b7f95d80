"""Publishable tables of the senior pay report, and their counts declared for disclosure control.

Every table that counts people is declared (:func:`declare`) so that
:func:`research.present.counted.protect_sections` suppresses small counts and audits all tables
together: pay bands and the large-packages row share one dimension (the earnings band), so a
package count can never be differenced against hidden band counts; chief officers, part-time and
temporary groups are named by who is in them.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from research.present import counted
from research.present.disclosure import SUPPRESSED
from research.present.formats import SEX_LABELS
from research.present.report import Table, columns
from research.seniorpay import contract as c
from research.seniorpay.measures import BAND_WIDTH, ChiefOfficers, PayMultiple, band_label

#: The analysis's grouping of people by earnings (not a column of the data).
BAND_DIMENSION = "earnings band (senior pay)"


def pay_multiple_table(result: PayMultiple, currency: str, basis: str, elements: str) -> Table:
    frame = result.to_frame()
    return Table(
        "pay_multiple",
        frame,
        "The pay multiple: the highest-paid employee's earnings for the year divided by the "
        "median earnings of the whole workforce (Local Government Transparency Code 2015), and "
        f"two common variants, highest to lowest and highest to mean earnings. Earnings are "
        f"{basis}{elements}, over all {result.n:,} employees.",
        columns(
            ("measure", "Measure", "text"),
            ("ratio", "Ratio (times)", "float1", "ratio"),
            ("compared_with", "Earnings compared with", "money", currency),
        ),
        notes=(
            "The highest-paid employee is one person: apart from this figure the report states "
            "nothing about them (no grade, job or sex).",
        ),
        currency=currency,
    )


def chief_officer_table(result: ChiefOfficers, currency: str) -> Table:
    frame = result.by_sex.assign(sex=result.by_sex["sex"].map(SEX_LABELS))
    return Table(
        "chief_officer_pay",
        frame[["sex", "n", "mean", "median"]],
        f"Chief officers, here {result.definition}: how many women and men, and their mean and "
        "median earnings.",
        columns(
            ("sex", "Sex", "text"),
            ("n", "Chief officers", "int", "employees"),
            ("mean", "Mean earnings", "money", currency),
            ("median", "Median earnings", "money", currency),
        ),
        currency=currency,
    )


def bands_table(bands: pd.DataFrame, currency: str, floor: float) -> Table:
    return Table(
        "pay_bands",
        bands[["band", "n_female", "n_male"]],
        f"Women and men with earnings of {currency} {floor:,.0f} or more, in bands of "
        f"{BAND_WIDTH:,.0f}, lowest band first (every band up to the highest occupied one).",
        columns(
            ("band", f"Earnings band ({currency})", "text"),
            ("n_female", "Women", "int", "employees"),
            ("n_male", "Men", "int", "employees"),
        ),
        currency=currency,
    )


def packages_label(threshold: float) -> str:
    return f"{threshold:,.0f} or more"


def packages_table(pay: pd.Series, sex: pd.Series, threshold: float, currency: str) -> Table:
    mask = (pay >= threshold).to_numpy(dtype=bool)
    codes = sex.astype("string").to_numpy(dtype=object, na_value="U")
    frame = pd.DataFrame(
        {
            "group": [packages_label(threshold)],
            "n_female": [int((mask & (codes == "F")).sum())],
            "n_male": [int((mask & (codes == "M")).sum())],
        }
    )
    return Table(
        "large_packages",
        frame,
        f"Employees whose pay package (earnings) is {currency} {threshold:,.0f} or more. Under "
        "the statutory guidance on pay policy statements (Localism Act 2011 s. 40: DCLG, "
        "Openness and accountability in local pay, 2012 and 2013), full council should have the "
        "opportunity to vote before a package of GBP 100,000 or more is offered for a new "
        "appointment"
        + (
            "."
            if currency == "GBP"
            else f"; that guidance is English, and here the threshold is applied to {currency} pay "
            "as a plain number."
        ),
        columns(
            ("group", f"Package ({currency})", "text"),
            ("n_female", "Women", "int", "employees"),
            ("n_male", "Men", "int", "employees"),
        ),
        currency=currency,
    )


def contract_gaps_table(result: c.ContractGaps) -> Table:
    return Table(
        "contract_gaps",
        result.table,
        "Gaps in mean and median hourly pay between men and women, (men - women) / men x 100, "
        "for all employees, part-time employees and employees on temporary contracts, as Ireland's "
        "gender pay gap regulations (S.I. No. 264 of 2022) report them. A positive gap means "
        "women are paid less.",
        columns(
            ("group", "Employees", "text"),
            ("n_female", "Women", "int", "employees"),
            ("n_male", "Men", "int", "employees"),
            ("mean_gap", "Gap in mean hourly pay (%)", "pct", "%"),
            ("median_gap", "Gap in median hourly pay (%)", "pct", "%"),
        ),
    )


def contract_mix_table(mix: pd.DataFrame) -> Table:
    return Table(
        "contract_mix",
        mix[["label", "n_female", "n_male"]],
        "Women and men by contract type.",
        columns(
            ("label", "Contract type", "text"),
            ("n_female", "Women", "int", "employees"),
            ("n_male", "Men", "int", "employees"),
        ),
    )


def benefits_table(shares: pd.DataFrame) -> Table:
    frame = shares.assign(sex=shares["sex"].map(SEX_LABELS))
    return Table(
        "benefits_in_kind",
        frame[["sex", "n", "n_received", "pct_received"]],
        "Percentage of women and of men who received a benefit in kind (a non-cash benefit of "
        "economic value, such as a car or health insurance) in the 12 months to the snapshot, "
        "over those whose record says whether they did (S.I. No. 264 of 2022).",
        columns(
            ("sex", "Sex", "text"),
            ("n", "Employees", "int", "employees"),
            ("n_received", "Received a benefit in kind", "int", "employees"),
            ("pct_received", "Received a benefit in kind (%)", "pct", "%"),
        ),
    )


def hide_zero_beside_top(table: Table, row: int | None, cells: tuple[str, ...]) -> Table:
    """``table`` with a zero count of one sex hidden in the row holding the highest-paid employee.

    A row that holds the highest-paid employee and shows 0 women (or 0 men) tells the reader that
    employee's sex; the zero is hidden (``[c]``) like a small count, so nothing about that person
    beyond the pay multiple can be read from the tables. Disclosure control then treats it as a
    small count: no published total may pin it down to fewer than ``min_cell`` values.
    """
    if row is None:
        return table
    frame = table.data.copy()
    values = [frame[column].iloc[row] for column in cells]
    if not any(isinstance(v, int | np.integer) and v == 0 for v in values):
        return table
    for column, value in zip(cells, values, strict=True):
        if isinstance(value, int | np.integer) and value == 0:
            frame[column] = frame[column].astype(object)
            frame.iloc[row, frame.columns.get_loc(column)] = SUPPRESSED
    return dataclasses.replace(table, data=frame)


# ----------------------------------------------------------------------------- declarations


def band_members(labels: list[str], threshold: float, floor: float) -> frozenset[str] | None:
    """The band labels making up "threshold or more", when the threshold falls on a band edge."""
    if threshold < floor or (threshold - floor) % BAND_WIDTH:
        return None
    first = floor + BAND_WIDTH * ((threshold - floor) // BAND_WIDTH)
    low = {band_label(floor + BAND_WIDTH * k): floor + BAND_WIDTH * k for k in range(len(labels))}
    return frozenset(label for label in labels if low.get(label, -1) >= first)


class Declarations:
    """What :func:`declare` needs beyond the tables: masks and thresholds of the build."""

    def __init__(
        self,
        *,
        chief_mask: np.ndarray | None,
        chief_threshold: float | None,
        package_threshold: float,
        package_mask: np.ndarray,
        floor: float,
        band_labels: list[str],
        contract_masks: dict[str, np.ndarray],
        temporary: tuple[str, ...],
    ) -> None:
        self.chief_mask = chief_mask
        self.chief_threshold = chief_threshold
        self.package_threshold = package_threshold
        self.package_mask = package_mask
        self.floor = floor
        self.band_labels = band_labels
        self.contract_masks = contract_masks
        self.temporary = temporary

    def band_group(self, threshold: float, label: str, mask: np.ndarray) -> dict:
        """How a "threshold or more" row is declared: bands when it falls on a band edge."""
        covered = band_members(self.band_labels, threshold, self.floor)
        if covered is not None and self.band_labels:
            if not covered:  # above every band: nobody
                covered = frozenset({label})
            return {"groups": {"group": BAND_DIMENSION}, "members": {"group": {label: covered}}}
        return {"groups": {}, "common": counted.subpopulation(mask)}

    def __call__(self, tables: dict[str, Table]) -> list[counted.CountTable]:
        out = []
        by_sex = {"n_female": {"sex": "F"}, "n_male": {"sex": "M"}}
        if "pay_bands" in tables:
            out.append(
                counted.CountTable(
                    "pay_bands",
                    tables["pay_bands"].data,
                    {"band": BAND_DIMENSION},
                    counts=by_sex,
                    open_groups=True,
                )
            )
        if "large_packages" in tables:
            data = tables["large_packages"].data
            label = str(data["group"].iloc[0])
            mask = self.package_mask
            out.append(
                counted.CountTable(
                    "large_packages",
                    data,
                    counts=by_sex,
                    open_groups=True,
                    **self.band_group(self.package_threshold, label, mask),
                )
            )
        if "chief_officer_pay" in tables and self.chief_mask is not None:
            data = tables["chief_officer_pay"].data
            sexes = [(("sex", "F"),), (("sex", "M"),)]
            if self.chief_threshold is not None:
                spec = self.band_group(
                    self.chief_threshold, packages_label(self.chief_threshold), self.chief_mask
                )
            else:
                spec = {"groups": {}, "common": counted.subpopulation(self.chief_mask)}
            if spec["groups"]:  # the chief officers are a union of bands: a group column
                data = data.assign(group=packages_label(self.chief_threshold))
                spec["groups"] = {"group": BAND_DIMENSION}
            out.append(
                counted.CountTable(
                    "chief_officer_pay",
                    data,
                    counts={"n": {}},
                    row_conditions=sexes,
                    statistics={"n": ["mean", "median"]},
                    open_groups=bool(spec["groups"]),
                    **spec,
                )
            )
        if "contract_gaps" in tables:
            data = tables["contract_gaps"].data
            rows = []
            for group in data["group"]:
                mask = self.contract_masks[str(group)]
                if group == c.PART_TIME:
                    rows.append((("working_pattern", "part_time"),))
                elif group == c.TEMPORARY:
                    rows.append((("contract_type", frozenset(self.temporary)),))
                else:
                    rows.append(counted.subpopulation(mask))
            gaps = ["mean_gap", "median_gap"]
            out.append(
                counted.CountTable(
                    "contract_gaps",
                    data,
                    {},
                    counts=by_sex,
                    row_conditions=rows,
                    statistics={"n_female": gaps, "n_male": gaps},
                )
            )
        if "contract_mix" in tables:
            data = tables["contract_mix"].data
            codes = {v: k for k, v in c.CONTRACT_LABELS.items()}
            members = {
                label: frozenset({codes.get(label, counted.NOT_RECORDED)})
                for label in data["label"]
            }
            out.append(
                counted.CountTable(
                    "contract_mix",
                    data,
                    {"label": "contract_type"},
                    counts=by_sex,
                    members={"label": members},
                )
            )
        if "benefits_in_kind" in tables:
            data = tables["benefits_in_kind"].data
            out.append(
                counted.CountTable(
                    "benefits_in_kind",
                    data,
                    {},
                    counts={
                        "n": {"benefit_in_kind": frozenset({"True", "False"})},
                        "n_received": {"benefit_in_kind": "True"},
                    },
                    row_conditions=[(("sex", "F"),), (("sex", "M"),)],
                    statistics={"n": ["pct_received"], "n_received": ["pct_received"]},
                )
            )
        return out
