"""What a dataset is, in the words a title block needs, without loading anything."""

from __future__ import annotations

from dataclasses import dataclass

#: Legal frameworks a report can frame its figures in.
FRAMEWORKS = ("GB", "EU", "none")

#: EU and EEA member states (ISO 3166-1 alpha-2) whose employers the EU Pay Transparency
#: Directive (EU) 2023/970 covers once transposed.
_EU_CODES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)
_GB_CODES = frozenset({"GB", "UK", "ENGLAND", "SCOTLAND", "WALES"})
_CURRENCY_FRAMEWORK = {"GBP": "GB", "EUR": "EU"}


@dataclass(frozen=True)
class Source:
    """A dataset's name, description, pay currency and jurisdiction, as reports state them.

    The data layer gives one with every dataset (``Dataset.source``); topics' ``build`` functions
    take it so that a report can say where its numbers come from without knowing how they were
    loaded.

    Attributes
    ----------
    jurisdiction
        Where the employer is, as the mapping declares it (``"GB"``, ``"US"``, ``"FR"``, ...);
        empty when not declared, and then :attr:`framework` follows the currency.
    data_hash
        Content hash of the canonical data (empty when not known): reports published from the same
        data share it, so disclosure control can audit their counts together.
    """

    name: str
    description: str = ""
    currency: str = "GBP"
    jurisdiction: str = ""
    data_hash: str = ""

    @property
    def label(self) -> str:
        """The description when there is one, else the name."""
        return self.description or self.name

    @property
    def framework(self) -> str:
        """The statutory framework that applies: ``"GB"`` (Equality Act 2010 gender pay gap
        regulations), ``"EU"`` (Pay Transparency Directive) or ``"none"``.

        From :attr:`jurisdiction` when declared (GB/UK and its nations -> GB, EU/EEA member
        states or ``EU`` -> EU, anything else -> none); otherwise from the currency (GBP -> GB,
        EUR -> EU, any other -> none).
        """
        code = self.jurisdiction.strip().upper()
        if code:
            if code in _GB_CODES:
                return "GB"
            if code == "EU" or code in _EU_CODES:
                return "EU"
            return "none"
        return _CURRENCY_FRAMEWORK.get(self.currency.upper(), "none")
