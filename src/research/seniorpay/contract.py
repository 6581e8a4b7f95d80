"""Pay gaps of part-time and temporary-contract employees, and benefits in kind, by sex.

Ireland's gender pay gap regulations, the Employment Equality Act 1998 (Section 20A) (Gender Pay
Gap Information) Regulations 2022 (S.I. No. 264 of 2022, made under the Gender Pay Gap Information
Act 2021), ask employers to publish, besides the gaps of all employees:

* the difference between the mean, and the median, hourly remuneration of male and of female
  **part-time employees**, as a percentage of the men's (regs 7(1)(b) and 8(1)(b) as amended);
* the same for employees on **temporary contracts** (regs 7(1)(c) and 8(1)(c));
* the **percentage of male and of female employees who received benefits in kind** (reg
  9(1)(d)); reg 2 defines a benefit in kind as including any non-cash benefit of economic value.

(The measures are those the regulations list; the regulation numbers are as secondary sources cite
the text amended by S.I. No. 259 of 2024 and were not checked here against the official
consolidated text.) Here the gaps are taken on the workbench's hourly pay (``hourly_pay``: the UK
reg 6 rate or annual pay spread over contractual hours), over every woman and man of the group
with hourly pay, as ``(men - women) / men x 100`` (:func:`research.paygap.statutory.pay_gap`).
Irish "hourly remuneration" is measured over the 12 months to the snapshot date, so the figures
follow the Irish definitions of who is compared but are not a filing under them.

* **Part-time** employees are those whose working pattern is ``part_time`` (recorded, or FTE below
  1): the Irish definition is an employee whose normal hours are less than those of a comparable
  full-time employee (Protection of Employees (Part-Time Work) Act 2001).
* **Temporary contract** employees are those whose ``contract_type`` is one of
  :data:`~research.data.schema.TEMPORARY_CONTRACTS` (fixed-term or temporary); casual (bank,
  relief) staff are counted with them only when asked (``casual_as_temporary``).

Absent inputs are said to be absent, never inferred: without a contract type no one is taken to be
permanent, and without a benefit-in-kind flag no one is taken to have received none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.core.results import Result
from research.data.schema import CONTRACT_TYPES, TEMPORARY_CONTRACTS
from research.paygap.statutory import pay_gap

__all__ = [
    "CONTRACT_LABELS",
    "ContractGaps",
    "benefit_shares",
    "contract_gaps",
    "contract_mix",
    "temporary_types",
]

CONTRACT_LABELS = {
    "permanent": "Permanent",
    "fixed_term": "Fixed-term",
    "temporary": "Temporary",
    "casual": "Casual (bank, relief)",
}
ALL_EMPLOYEES = "All employees"
PART_TIME = "Part-time employees"
TEMPORARY = "Employees on temporary contracts"


def temporary_types(casual_as_temporary: bool = False) -> tuple[str, ...]:
    """The contract types counted as temporary."""
    return TEMPORARY_CONTRACTS + (("casual",) if casual_as_temporary else ())


def recorded(data: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` holds a value for anyone."""
    return column in data and bool(data[column].notna().any())


@dataclass(frozen=True)
class ContractGaps(Result):
    """Mean and median hourly gaps of each compared group (rows: all, part-time, temporary).

    ``table`` columns: ``group``, ``n_female``, ``n_male``, ``mean_gap``, ``median_gap`` (NaN
    when a sex is absent from the group); ``masks`` the rows of each group.
    """

    table: pd.DataFrame
    masks: dict[str, np.ndarray]
    title: str = "Hourly pay gaps by working pattern and contract"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _gap_row(name: str, hourly: np.ndarray, sex: np.ndarray, mask: np.ndarray) -> tuple:
    women = hourly[mask & (sex == "F")]
    men = hourly[mask & (sex == "M")]
    both = women.size > 0 and men.size > 0
    return (
        name,
        int(women.size),
        int(men.size),
        pay_gap(float(men.mean()), float(women.mean())) if both else float("nan"),
        pay_gap(float(np.median(men)), float(np.median(women))) if both else float("nan"),
    )


def contract_gaps(
    data: pd.DataFrame, *, hourly_pay: str = "hourly_pay", casual_as_temporary: bool = False
) -> ContractGaps:
    """Hourly gaps of all employees, part-time employees and temporary-contract employees.

    A group whose defining column is not in the data (no working pattern, no contract type) is
    left out of the table, never guessed. Rows without hourly pay are left out of every group.
    """
    hourly = pd.to_numeric(data[hourly_pay], errors="coerce").to_numpy(dtype="float64")
    has_pay = ~np.isnan(hourly)
    sex = data["sex"].astype("string").to_numpy(dtype=object, na_value="U")
    masks = {ALL_EMPLOYEES: has_pay}
    if recorded(data, "working_pattern"):
        pattern = data["working_pattern"].astype("string")
        masks[PART_TIME] = has_pay & (pattern == "part_time").to_numpy(dtype=bool, na_value=False)
    if recorded(data, "contract_type"):
        kinds = data["contract_type"].astype("string").isin(temporary_types(casual_as_temporary))
        masks[TEMPORARY] = has_pay & kinds.to_numpy(dtype=bool, na_value=False)
    rows = [_gap_row(name, hourly, sex, mask) for name, mask in masks.items()]
    table = pd.DataFrame(rows, columns=["group", "n_female", "n_male", "mean_gap", "median_gap"])
    return ContractGaps(table=table, masks=masks)


def contract_mix(data: pd.DataFrame) -> pd.DataFrame:
    """Women and men on each contract type (and not recorded, when any is blank).

    Columns ``contract_type`` (raw code, ``None`` for not recorded), ``label``, ``n_female``,
    ``n_male``; contract types in the order of :data:`~research.data.schema.CONTRACT_TYPES`.
    """
    kinds = data["contract_type"].astype("string")
    sex = data["sex"].astype("string")
    rows = []
    for code in (*CONTRACT_TYPES, None):
        mask = kinds.isna() if code is None else (kinds == code).fillna(False)
        if code is None and not mask.any():
            continue
        rows.append(
            (
                code,
                CONTRACT_LABELS[code] if code else "Not recorded",
                int((mask & (sex == "F")).sum()),
                int((mask & (sex == "M")).sum()),
            )
        )
    return pd.DataFrame(rows, columns=["contract_type", "label", "n_female", "n_male"])


def benefit_shares(data: pd.DataFrame) -> pd.DataFrame:
    """Percentage of women and of men who received a benefit in kind.

    Over the women and men whose benefit-in-kind flag is recorded: ``sex``, ``n`` (recorded),
    ``n_received``, ``pct_received``.
    """
    flag = data["benefit_in_kind"].astype("boolean")
    sex = data["sex"].astype("string")
    rows = []
    for code in ("F", "M"):
        known = flag.notna() & (sex == code).fillna(False)
        n = int(known.sum())
        got = int((flag[known] == True).sum())  # noqa: E712 - nullable boolean
        rows.append((code, n, got, 100.0 * got / n if n else float("nan")))
    return pd.DataFrame(rows, columns=["sex", "n", "n_received", "pct_received"])
