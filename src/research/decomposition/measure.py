"""Which pay the decomposition compares, read from what the data hold.

Hourly pay when the data record it. Otherwise (an annual-pay-only extract: no hours, hence no
hourly pay) *annual basic pay*: full-time equivalent when FTE is known (the canonical
``annual_basic_pay`` is then full-time equivalent), otherwise as recorded, which for part-time
employees may be their part-time pay. Every caption and sentence of the report names the measure
through a :class:`PayMeasure`, so that annual pay is never called hourly.

Where the data record a working pattern but no hours, the comparison that leads is of full-time
employees only (:attr:`PayMeasure.full_time_only`): their annual pay is comparable whatever the
data say about FTE.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["FULL_TIME", "PayMeasure", "pay_measure"]

#: The working pattern code of full-time employees (research.data.schema.WORKING_PATTERNS).
FULL_TIME = "full_time"


def _has_values(data: pd.DataFrame, column: str) -> bool:
    return column in data and bool(pd.to_numeric(data[column], errors="coerce").gt(0).any())


@dataclass(frozen=True)
class PayMeasure:
    """The pay compared and how to name it.

    Attributes
    ----------
    column
        Column of the canonical table holding the pay (``hourly_pay`` or ``annual_basic_pay``).
    hours_known, fte_known, pattern_known
        Whether the data record hours (hourly pay), FTE and a working pattern.
    """

    column: str
    hours_known: bool
    fte_known: bool
    pattern_known: bool

    @property
    def hourly(self) -> bool:
        return self.hours_known

    @property
    def key(self) -> str:
        """Short name in table column keys: ``hourly_pay`` or ``annual_pay``."""
        return "hourly_pay" if self.hourly else "annual_pay"

    @property
    def words(self) -> str:
        """``"hourly pay"`` or ``"annual basic pay"``."""
        return "hourly pay" if self.hourly else "annual basic pay"

    @property
    def basis(self) -> str:
        """``""`` (hourly), ``"full-time equivalent"`` or ``"as recorded"``."""
        if self.hourly:
            return ""
        return "full-time equivalent" if self.fte_known else "as recorded"

    @property
    def full_words(self) -> str:
        """The measure with its basis: ``"hourly pay"``, ``"full-time-equivalent annual basic
        pay"`` or ``"annual basic pay as recorded"``."""
        if self.hourly:
            return self.words
        if self.fte_known:
            return f"full-time-equivalent {self.words}"
        return f"{self.words} as recorded"

    @property
    def log_words(self) -> str:
        """``"log hourly pay"`` / ``"log annual basic pay"``."""
        return f"log {self.words}"

    @property
    def gap_words(self) -> str:
        """The name of the gap the decompositions split: ``"gap in log annual basic pay"``."""
        return f"gap in {self.log_words}"

    @property
    def unit(self) -> str:
        """Unit of a pay amount: ``"per hour"`` or ``"per year"``."""
        return "per hour" if self.hourly else "per year"

    @property
    def full_time_only(self) -> bool:
        """Whether the comparison that leads is of full-time employees only (annual pay with a
        recorded working pattern)."""
        return not self.hourly and self.pattern_known

    @property
    def part_time_pay_mixed(self) -> bool:
        """Whether part-timers' pay may be part-time pay in the comparison (annual pay as
        recorded, all employees compared)."""
        return not self.hourly and not self.fte_known and not self.pattern_known

    def description(self) -> str:
        """What pay is compared, in a sentence or two, for the report's pay measure note."""
        if self.hourly:
            return (
                "Pay is compared as hourly pay, on a logarithmic scale: the data record working "
                "hours."
            )
        if self.fte_known:
            text = (
                "Hours were not in the data, so pay is compared as full-time-equivalent annual "
                "basic pay, not hourly pay (FTE is recorded)."
            )
        else:
            text = (
                "Hours were not in the data, so pay is compared as annual basic pay as recorded, "
                "not hourly pay (FTE is not in the data either)."
            )
        if self.pattern_known:
            text += (
                " The data record a working pattern, so the comparison is of full-time employees "
                "only"
            )
            text += (
                ": part-timers' pay is full-time equivalent, but without hours it cannot be put on "
                "an hourly basis."
                if self.fte_known
                else ": the annual pay of part-time employees is their part-time pay, which "
                "reflects the hours they work as well as their rate of pay."
            )
        else:
            text += (
                " Working pattern is not in the data, so full-time and part-time employees cannot "
                "be told apart"
            )
            text += (
                "."
                if self.fte_known
                else ": any part-timer's annual pay is their part-time pay, "
                "so the gap mixes differences in rates of pay with differences in hours worked."
            )
        return text


def pay_measure(data: pd.DataFrame) -> PayMeasure:
    """The pay measure of ``data``: hourly pay when recorded, otherwise annual basic pay."""
    hours = _has_values(data, "hourly_pay")
    pattern = "working_pattern" in data and bool(data["working_pattern"].notna().any())
    return PayMeasure(
        column="hourly_pay" if hours else "annual_basic_pay",
        hours_known=hours,
        fte_known=_has_values(data, "fte"),
        pattern_known=pattern,
    )
