"""Sector of every employer in the panel: councils, other public sector, private and voluntary.

The strongest evidence is the service's own: public authorities listed in Schedule 2 of the
Equality Act 2010 (Specific Duties and Public Authorities) Regulations 2017 take their snapshot on
31 March and have a 30/31 March deadline, while private and voluntary employers (Equality Act 2010
(Gender Pay Gap Information) Regulations 2017) take theirs on 5 April with a 4/5 April deadline. So:

1. **Council**: the council selection rule (:func:`research.gpg.selection.is_council`).
2. **Other public sector**: a 31 March ``DueDate``. In 2020-21 every deadline was moved to
   5 October 2021, so the employer's deadline in its other years is used (same ``EmployerId``,
   else same normalised name). When the employer has no other year, the SIC code and name decide:
   SIC 84 (public administration and defence), or a name with NHS, POLICE, FIRE AND RESCUE,
   FIRE AUTHORITY, COMBINED AUTHORITY, MINISTRY OF, DEPARTMENT FOR/OF, HM or HER/HIS MAJESTY'S.
3. **Private and voluntary**: everyone else (companies, charities, independent schools,
   housing associations...). The data cannot tell private firms from voluntary bodies reliably.

``sector_basis`` records which evidence decided (``"deadline"``, ``"deadline in other years"``,
``"SIC code or name"``). Public bodies are split further in ``sector_detail`` by SIC code and
name: health (NHS, SIC 86), education (SIC 85, schools, academies, colleges, universities),
police, fire and justice (SIC 84230-84250), central government and other public bodies.
"""

from __future__ import annotations

import pandas as pd

from research.core.checks import require_columns
from research.gpg.selection import STRING, is_council, on_unique

__all__ = ["SECTORS", "SECTOR_DETAILS", "classify", "with_sectors"]

#: Coarse sectors, in display order.
SECTORS: tuple[str, ...] = ("Council", "Other public sector", "Private and voluntary")

#: Finer public sector groups (``sector_detail``), in display order.
SECTOR_DETAILS: tuple[str, ...] = (
    "Council",
    "Health",
    "Education",
    "Police, fire and justice",
    "Central government and other public bodies",
    "Private and voluntary",
)

_PUBLIC_NAMES = (
    r"\bNHS\b|\bN H S\b|\bPOLICE\b|\bFIRE AND RESCUE\b|\bFIRE AUTHORITY\b|\bCOMBINED AUTHORITY\b"
    r"|\bMINISTRY OF\b|\bDEPARTMENT (?:FOR|OF)\b|^HM |\bHER MAJESTYS\b|\bHIS MAJESTYS\b"
)
_HEALTH = r"\bNHS\b|\bN H S\b|\bHEALTH\b|\bHOSPITALS?\b|\bAMBULANCE\b|\bINTEGRATED CARE BOARD\b"
_EDUCATION = r"\bSCHOOLS?\b|\bACADEM(?:Y|IES)\b|\bCOLLEGE\b|\bUNIVERSITY\b|\bEDUCATION\b"
_POLICE = r"\bPOLICE\b|\bFIRE\b|\bCONSTABULARY\b|\bPROBATION\b|\bPRISON\b|\bCOURTS?\b"


def _codes_start(codes: pd.Series, prefixes: str) -> pd.Series:
    """True where any SIC code in the comma list starts with one of ``prefixes`` (a regex)."""
    pattern = rf"(?:^|,)(?:{prefixes})"
    return on_unique(codes, lambda s: s.str.contains(pattern, regex=True).fillna(False)).astype(
        bool
    )


def _named(names: pd.Series, pattern: str) -> pd.Series:
    """True where a normalised name matches ``pattern``."""
    return on_unique(names, lambda s: s.str.contains(pattern, regex=True).fillna(False)).astype(
        bool
    )


def _regime(panel: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Public-sector deadline (True/False/NA) per row, and whether it came from other years."""
    extended = panel["reporting_year"] == "2020-21"
    own = pd.Series(panel["DueDate"].dt.month == 3, dtype="boolean").mask(extended)
    known = pd.DataFrame(
        {"id": panel["EmployerId"], "name": panel["name_key"], "march": own.astype("Float64")}
    ).dropna(subset=["march"])
    share_by_id = known.dropna(subset=["id"]).groupby("id")["march"].mean()
    share_by_name = known.groupby("name")["march"].mean()
    share = panel["EmployerId"].map(share_by_id).fillna(panel["name_key"].map(share_by_name))
    other = (share >= 0.5).astype("boolean").mask(share.isna())
    return own.fillna(other), own.isna() & other.notna()


def classify(panel: pd.DataFrame) -> pd.DataFrame:
    """Sector of each row of the panel (rule in the module docstring).

    Returns
    -------
    pandas.DataFrame
        Same index as ``panel``: ``sector`` (one of :data:`SECTORS`), ``sector_detail`` (one of
        :data:`SECTOR_DETAILS`) and ``sector_basis``.
    """
    require_columns(
        panel, ["EmployerName", "EmployerId", "name_key", "SicCodes", "DueDate"], role="panel"
    )
    names = panel["name_key"].astype(STRING).fillna("")
    codes = panel["SicCodes"].astype(STRING).fillna("")
    council = is_council(panel["EmployerName"])
    march, borrowed = _regime(panel)
    fallback = _codes_start(codes, "84") | _named(names, _PUBLIC_NAMES)
    public = march.fillna(fallback).astype(bool) | council

    basis = pd.Series("deadline", index=panel.index, dtype="string")
    basis = basis.mask(borrowed, "deadline in other years").mask(march.isna(), "SIC code or name")
    basis = basis.mask(council, "council name rule")
    sector = pd.Series("Private and voluntary", index=panel.index, dtype="string")
    sector = sector.mask(public, "Other public sector").mask(council, "Council")

    detail = pd.Series("Central government and other public bodies", index=panel.index)
    detail = detail.mask(
        _codes_start(codes, "8423|8424|8425") | _named(names, _POLICE),
        "Police, fire and justice",
    )
    detail = detail.mask(_codes_start(codes, "85") | _named(names, _EDUCATION), "Education")
    detail = detail.mask(_codes_start(codes, "86") | _named(names, _HEALTH), "Health")
    detail = detail.where(public, "Private and voluntary").mask(council, "Council")
    return pd.DataFrame(
        {
            "sector": pd.Categorical(sector, categories=SECTORS),
            "sector_detail": pd.Categorical(detail, categories=SECTOR_DETAILS),
            "sector_basis": basis,
        },
        index=panel.index,
    )


def with_sectors(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with the columns of :func:`classify` added."""
    return panel.join(classify(panel))
