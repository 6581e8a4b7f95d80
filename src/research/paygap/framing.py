"""How the pay gap report frames its figures: which pay it compares, and under which law.

Two things decide every caption, label and sentence of the report:

* **what the data hold** (read from the data, never assumed): working hours (then hourly pay is
  compared), full-time equivalents (then annual pay is full-time-equivalent pay), a working
  pattern (then, on annual pay as paid, full-time employees are compared first), a reduced-pay
  flag (then employees on reduced pay are left out of the pay comparison);
* **the framework** (:attr:`research.core.source.Source.framework`): the Great Britain gender pay
  gap regulations (``"GB"``: statutory names, the GOV.UK submission table), the EU Pay
  Transparency Directive (``"EU"``: its Article 9 indicators) or none (``"none"``). The statutory
  names are used only when the regulations apply *and* the figures are the hourly ones they
  define; elsewhere the same figures carry neutral names ("gap in mean hourly pay", "women's
  share of each quarter of pay") and a note says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research.core.checks import InputError
from research.core.source import Source

__all__ = ["Framing", "eu_choice", "hours_recorded"]

#: What each framework is, in words.
FRAMEWORK_WORDS = {
    "GB": "the Great Britain gender pay gap regulations",
    "EU": "the EU Pay Transparency Directive",
    "none": "no statutory pay gap reporting framework known to the workbench",
}
_YES = {"yes", "true", "on", "1"}
_NO = {"no", "false", "off", "0"}
_AUTO = {"auto", "", "none"}


def _has_values(data: pd.DataFrame, column: str) -> bool:
    return column in data and bool(data[column].notna().any())


def hours_recorded(data: pd.DataFrame) -> bool:
    """Whether hourly pay can be compared: hours recorded and hourly pay known for every row."""
    return (
        _has_values(data, "weekly_hours")
        and "hourly_pay" in data
        and bool(data["hourly_pay"].notna().all())
    )


def eu_choice(value: bool | str | None) -> bool | None:
    """``eu_indicators`` as ``True``/``False``, or ``None`` to follow the framework.

    Accepts booleans and, from a notebook's parameters cell, ``"auto"``, ``"yes"`` or ``"no"``.
    """
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _AUTO:
        return None
    if word in _YES | _NO:
        return word in _YES
    raise InputError(
        f"eu_indicators must be auto (follow the data's framework), yes or no; got {value!r}."
    )


@dataclass(frozen=True)
class Framing:
    """What the data hold and which framework applies, with the words that follow from them.

    Attributes
    ----------
    framework
        ``"GB"``, ``"EU"`` or ``"none"`` (from the source).
    jurisdiction, currency
        As the source declares them (jurisdiction empty when not declared).
    hours
        Hourly pay is known for every employee.
    fte
        Full-time equivalents are known (annual pay is then full-time-equivalent pay).
    pattern
        A working pattern (full or part time) is recorded.
    reduced_pay
        Some employees are flagged as not on full pay (they are left out of the pay comparison).
    eu
        The EU Directive's indicators are shown.
    eu_requested
        ``eu_indicators`` as given (``None``: follow the framework).
    """

    framework: str
    jurisdiction: str
    currency: str
    hours: bool
    fte: bool
    pattern: bool
    reduced_pay: bool
    eu: bool
    eu_requested: bool | None = None

    @classmethod
    def of(
        cls, data: pd.DataFrame, source: Source, eu_indicators: bool | str | None = None
    ) -> Framing:
        """Read the framing from the data and the source."""
        requested = eu_choice(eu_indicators)
        flag = data["full_pay"].astype("boolean") if "full_pay" in data else None
        return cls(
            framework=source.framework,
            jurisdiction=source.jurisdiction.strip(),
            currency=source.currency,
            hours=hours_recorded(data),
            fte="fte" in data and bool(data["fte"].notna().all()),
            pattern=_has_values(data, "working_pattern"),
            reduced_pay=flag is not None and bool((flag == False).any()),  # noqa: E712
            eu=source.framework == "EU" if requested is None else requested,
            eu_requested=requested,
        )

    # ------------------------------------------------------------------ what is compared

    @property
    def statutory(self) -> bool:
        """The GB regulations apply and the figures are the hourly ones they define."""
        return self.framework == "GB" and self.hours

    @property
    def pay(self) -> str:
        """The pay column compared."""
        return "hourly_pay" if self.hours else "annual_basic_pay"

    @property
    def pay_words(self) -> str:
        """The pay compared, in words: what every measure is named after."""
        if self.hours:
            return "hourly pay"
        if self.fte:
            return "full-time-equivalent annual basic pay"
        return "annual basic pay"

    @property
    def part_time_pay(self) -> bool:
        """Annual pay as paid: part-timers' annual pay is their part-time pay."""
        return not self.hours and not self.fte

    @property
    def full_time_first(self) -> bool:
        """Full-time employees are compared first (annual pay as paid, working pattern known)."""
        return self.part_time_pay and self.pattern

    @property
    def population(self) -> str:
        """Who the pay comparison covers, in words."""
        if self.statutory:
            return "full-pay relevant employees"
        return "employees on full pay" if self.reduced_pay else "employees"

    @property
    def pay_caveat(self) -> str:
        """A sentence for captions on annual pay ("" on hourly pay)."""
        if self.hours:
            return ""
        text = "Working hours are not in the data, so this is annual basic pay, not hourly pay"
        if self.fte:
            return text + ", scaled to full time."
        return text + "; part-timers' annual pay is their part-time pay."

    # ------------------------------------------------------------------ the framework

    @property
    def where(self) -> str:
        """Where the framework comes from, in words."""
        if self.jurisdiction:
            return f"the data's jurisdiction is {self.jurisdiction}"
        return f"no jurisdiction is declared and pay is in {self.currency}"

    @property
    def framework_words(self) -> str:
        return FRAMEWORK_WORDS.get(self.framework, FRAMEWORK_WORDS["none"])

    def details(self) -> tuple[tuple[str, str], ...]:
        """Title block lines: the pay compared and the framework."""
        framework = {
            "GB": "Great Britain gender pay gap regulations",
            "EU": "EU Pay Transparency Directive",
        }.get(self.framework, "none applies (figures under neutral names)")
        return (("Pay compared", self.pay_words), ("Reporting framework", framework))

    def gov_uk_note(self) -> str:
        """Why the GOV.UK submission table is not shown (when :attr:`statutory` is false)."""
        if self.framework == "GB":
            return (
                "The GOV.UK submission table is not shown: its figures need working hours, "
                "which are not in the data, so the figures above are not the statutory ones."
            )
        if self.framework == "EU":
            applies = (
                f"so the framework is {self.framework_words}, not the Great Britain regulations"
            )
        else:
            applies = (
                "so neither the Great Britain gender pay gap regulations nor the EU Pay "
                "Transparency Directive applies"
            )
        then = (
            " The Directive's indicators are in their own section."
            if self.framework == "EU" and self.eu
            else ""
        )
        return (
            f"The GOV.UK submission table and the statutory names of the Great Britain "
            f"regulations are not used: {self.where}, {applies} (framework: {self.framework}). "
            f"The same figures are shown under neutral names.{then}"
        )

    def eu_note(self) -> str:
        """Why the EU Directive's indicators are not shown (when :attr:`eu` is false)."""
        if self.eu_requested is False:
            return (
                "The EU Pay Transparency Directive indicators are not shown: eu_indicators is "
                "set to no."
            )
        why = (
            "the Directive, which covers employers in the EU and EEA, does not apply"
            if self.framework == "none"
            else f"the framework is {self.framework_words}, not the Directive"
        )
        return (
            f"The EU Pay Transparency Directive indicators are not shown: {self.where}, so "
            f"{why}. Set eu_indicators to yes to show them anyway."
        )
