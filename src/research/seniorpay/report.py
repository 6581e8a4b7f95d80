"""The senior pay and contract type report (notebook 12).

``build(data, ...) -> SeniorPayReport``: the pay multiple and its variants, chief officer pay by
sex, earnings of 50,000 or more in bands of 5,000, packages that need a vote of full council, and
the pay gaps of part-time and temporary-contract employees with the shares of women and men who
received benefits in kind. Sources are in :mod:`research.seniorpay.measures` and
:mod:`research.seniorpay.contract`. Every count table passes disclosure control across the report
(:mod:`research.seniorpay.tables`); a sentence never states a count that a table hides, and says
nothing about the highest-paid employee beyond the pay multiple.

It never loads files and never generates data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.present import counted, disclosure
from research.present.disclosure import SUPPRESSED
from research.present.report import Finding, Note, Report, Section, Table, findings
from research.present.wording import count_words, title_block
from research.seniorpay import contract as c
from research.seniorpay import tables as t
from research.seniorpay.measures import (
    BAND_FLOOR,
    PACKAGE_THRESHOLD,
    chief_officers,
    earnings,
    element_words,
    pay_bands,
    pay_multiple,
)

__all__ = ["CHIEF_OFFICER_DEFINITIONS", "SeniorPayReport", "build"]

#: How chief officers are told apart in the data (the ``chief_officers`` parameter).
CHIEF_OFFICER_DEFINITIONS = ("top_grades", "threshold")


class SeniorPayReport(Report):
    """Senior pay and pay by contract type.

    ``results`` holds ``"pay_multiple"`` (:class:`~research.seniorpay.measures.PayMultiple`),
    ``"chief_officers"`` (:class:`~research.seniorpay.measures.ChiefOfficers` or ``None``),
    ``"pay_bands"`` (DataFrame), ``"contract_gaps"``
    (:class:`~research.seniorpay.contract.ContractGaps` or ``None``), ``"benefits_in_kind"``
    (DataFrame or ``None``) and ``"disclosure_audit"``.
    """


def _shown(value) -> bool:
    return not (isinstance(value, str) and value == SUPPRESSED) and not (
        isinstance(value, float) and math.isnan(value)
    )


def _basis(data: pd.DataFrame) -> str:
    if c.recorded(data, "fte"):
        return "full-time-equivalent annual basic pay"
    return "annual basic pay as recorded (the data record no hours or FTE, so part-time salaries count at their part-time level)"


def _multiple_findings(result, currency: str) -> list[Finding]:
    return [
        Finding(
            f"The pay multiple is {result.multiple:.1f}: the highest-paid employee's earnings "
            f"are {result.multiple:.1f} times the median earnings of the whole workforce "
            f"({currency} {result.median:,.0f}), as the Local Government Transparency Code 2015 "
            f"{'defines it' if currency == 'GBP' else 'for English councils defines it'}.",
            value=round(result.multiple, 1),
            key="pay_multiple",
        ),
        Finding(
            f"The highest-paid employee's earnings are {result.highest_to_lowest:.1f} times those "
            f"of the lowest-paid and {result.highest_to_mean:.1f} times the mean.",
            value=round(result.highest_to_lowest, 1),
            key="pay_multiple_variants",
        ),
    ]


def _band_findings(table: Table | None, packages: Table, threshold: float, currency: str):
    out = []
    if table is not None:
        data = table.data
        women, men = data["n_female"], data["n_male"]
        if all(_shown(v) for v in women) and all(_shown(v) for v in men):
            out.append(
                Finding(
                    f"{int(women.sum()):,} women and {int(men.sum()):,} men earn {currency} "
                    f"{BAND_FLOOR:,.0f} or more.",
                    value=float(women.sum() + men.sum()),
                    key="pay_bands",
                )
            )
    row = packages.data.iloc[0]
    women, men = row["n_female"], row["n_male"]
    guidance = (
        "The statutory guidance on pay policy statements asks that full council may vote before "
        "such a package is offered to a new appointment."
        if currency == "GBP"
        else "In England, statutory guidance asks that full council may vote before a package of "
        "GBP 100,000 or more is offered; the same number is used here for pay in "
        f"{currency}."
    )
    if _shown(women) and _shown(men):
        total = int(women) + int(men)
        text = (
            f"No employee has a pay package of {currency} {threshold:,.0f} or more."
            if total == 0
            else f"{int(women):,} women and {int(men):,} men have pay packages of {currency} "
            f"{threshold:,.0f} or more. {guidance}"
        )
        out.append(Finding(text, value=float(total), key="large_packages"))
    else:
        out.append(
            Finding(
                f"Some employees have pay packages of {currency} {threshold:,.0f} or more; how "
                f"many women and men is not shown, to protect small numbers. {guidance}",
                key="large_packages",
            )
        )
    return out


def _chief_findings(table: Table, definition: str, currency: str) -> list[Finding]:
    data = table.data.set_index("sex")
    women, men = data.loc["Women"], data.loc["Men"]
    if not (_shown(women["median"]) and _shown(men["median"])):
        return [
            Finding(
                f"Chief officers ({definition}): the pay of women and men is not compared, "
                "because one of the two groups is too small to publish.",
                key="chief_officers",
            )
        ]
    gap = 100.0 * (float(men["median"]) - float(women["median"])) / float(men["median"])
    word = "lower" if gap > 0 else "higher"
    return [
        Finding(
            f"Among chief officers ({definition}), {int(women['n']):,} women and "
            f"{int(men['n']):,} men, women's median earnings are {abs(gap):.1f}% {word} than "
            f"men's ({currency} {float(women['median']):,.0f} against "
            f"{float(men['median']):,.0f}).",
            value=round(gap, 1),
            key="chief_officers",
        )
    ]


def _contract_findings(table: Table | None, data: pd.DataFrame, hours: bool) -> list[Finding]:
    if not hours:
        return [
            Finding(
                "Working hours are not in the data, so the hourly pay gaps of part-time and "
                "temporary-contract employees are not calculated.",
                key="contract_gaps",
            )
        ]
    out = []
    rows = table.data.set_index("group") if table is not None else pd.DataFrame()
    for group, column, absent in (
        (c.PART_TIME, "working_pattern", "The working pattern is not in the data"),
        (c.TEMPORARY, "contract_type", "Contract types are not in the data"),
    ):
        if group not in rows.index:
            out.append(
                Finding(
                    f"{absent}, so there is no pay gap for {group.lower()} (nobody is assumed to "
                    f"be {'full time' if column == 'working_pattern' else 'permanent'}).",
                    key=f"gap_{column}",
                )
            )
            continue
        row = rows.loc[group]
        if not (_shown(row["mean_gap"]) and _shown(row["median_gap"])):
            out.append(
                Finding(
                    f"{group}: the gap is not published, because there are too few women or men.",
                    key=f"gap_{column}",
                )
            )
            continue
        out.append(
            Finding(
                f"{group}: the gap in median hourly pay is {float(row['median_gap']):.1f}% and "
                f"in mean hourly pay {float(row['mean_gap']):.1f}% ({int(row['n_female']):,} "
                f"women, {int(row['n_male']):,} men).",
                value=round(float(row["median_gap"]), 1),
                key=f"gap_{column}",
            )
        )
    return out


def _benefit_findings(table: Table | None) -> list[Finding]:
    if table is None:
        return [
            Finding(
                "Benefits in kind are not in the data: who received one is not known.",
                key="benefits_in_kind",
            )
        ]
    data = table.data.set_index("sex")
    women, men = data.loc["Women", "pct_received"], data.loc["Men", "pct_received"]
    if not (_shown(women) and _shown(men)):
        return [
            Finding(
                "The shares of women and men who received a benefit in kind are not published, "
                "because too few did.",
                key="benefits_in_kind",
            )
        ]
    return [
        Finding(
            f"{float(women):.1f}% of women and {float(men):.1f}% of men received a benefit in "
            "kind in the 12 months to the snapshot.",
            value=round(float(women) - float(men), 1),
            key="benefits_in_kind",
        )
    ]


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    chief_officers_by: str = "top_grades",
    top_grades: int = 2,
    chief_threshold: float = PACKAGE_THRESHOLD,
    band_floor: float = BAND_FLOOR,
    package_threshold: float = PACKAGE_THRESHOLD,
    casual_as_temporary: bool = False,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
) -> SeniorPayReport:
    """Build the senior pay and contract type report.

    Parameters
    ----------
    data
        Canonical workforce table.
    source
        Where the data came from (title block, currency).
    chief_officers_by
        ``"top_grades"`` (the ``top_grades`` highest grade ranks) or ``"threshold"`` (earnings of
        ``chief_threshold`` or more): who counts as a chief officer, stated in the report.
    band_floor
        Lowest earnings of the pay band table (bands of 5,000).
    package_threshold
        Packages at or above it are flagged (100,000: the DCLG guidance's full council vote).
    casual_as_temporary
        Count casual (bank, relief) staff with the temporary-contract employees.
    min_cell
        Smallest number of people behind any published count or statistic.

    Raises
    ------
    InputError
        An unknown chief officer definition, or too few women or men to publish anything.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    if chief_officers_by not in CHIEF_OFFICER_DEFINITIONS:
        raise InputError(
            f"chief_officers_by must be one of {', '.join(CHIEF_OFFICER_DEFINITIONS)}, got "
            f"{chief_officers_by!r}."
        )
    source = source or Source("data given directly")
    currency = source.currency
    pay, included = earnings(data)
    elements = (
        f" plus {element_words(included)} in the 12 months to the snapshot" if included else ""
    )
    basis = _basis(data)
    multiple = pay_multiple(data)
    sex = data["sex"]

    senior_items: list = [t.pay_multiple_table(multiple, currency, basis, elements)]
    top = int(np.argmax(pay.to_numpy(dtype="float64")))  # the highest-paid employee's row
    chiefs = None
    try:
        chiefs = chief_officers(
            data,
            pay,
            top_grades=int(top_grades) if chief_officers_by == "top_grades" else None,
            threshold=float(chief_threshold) if chief_officers_by == "threshold" else None,
            currency=currency,
        )
        chief_item: Table | Note = t.chief_officer_table(chiefs, currency)
        if chiefs.mask[top]:  # rows are Women, Men: hide a zero beside the highest-paid
            chief_item = t.hide_zero_beside_top(chief_item, 0, ("n",))
            chief_item = t.hide_zero_beside_top(chief_item, 1, ("n",))
    except InputError as err:
        chief_item = Note("chief_officer_pay", f"Chief officer pay by sex is not shown: {err}")
    bands = pay_bands(pay, sex, floor=band_floor)
    band_item: Table | Note = (
        t.hide_zero_beside_top(
            t.bands_table(bands, currency, band_floor), len(bands) - 1, ("n_female", "n_male")
        )
        if len(bands)
        else Note(
            "pay_bands",
            f"No employee earns {currency} {band_floor:,.0f} or more, so there is no pay band "
            "table.",
        )
    )
    packages = t.packages_table(pay, sex, package_threshold, currency)
    if multiple.highest >= package_threshold:
        packages = t.hide_zero_beside_top(packages, 0, ("n_female", "n_male"))

    hours = c.recorded(data, "hourly_pay")
    gaps = c.contract_gaps(data, casual_as_temporary=casual_as_temporary) if hours else None
    contract_items: list = []
    if gaps is not None:
        contract_items.append(t.contract_gaps_table(gaps))
    else:
        contract_items.append(
            Note(
                "contract_gaps",
                "Working hours are not in the data, so there is no hourly pay: the gaps of "
                "part-time and temporary-contract employees, which Ireland's regulations define "
                "on hourly remuneration, are not calculated.",
            )
        )
    if c.recorded(data, "contract_type"):
        contract_items.append(t.contract_mix_table(c.contract_mix(data)))
    else:
        contract_items.append(
            Note(
                "contract_mix",
                "Contract types (permanent, fixed-term, temporary, casual) are not in the data: "
                "there is no gap for employees on temporary contracts, and no one is assumed to "
                "be permanent.",
            )
        )
    shares = c.benefit_shares(data) if c.recorded(data, "benefit_in_kind") else None
    benefit_item: Table | Note = (
        t.benefits_table(shares)
        if shares is not None
        else Note(
            "benefits_in_kind",
            "Benefits in kind are not in the data: the shares of women and men who received one "
            "cannot be calculated (not received is not the same as not recorded).",
        )
    )

    sections = (
        Section("multiple", "What is the pay multiple?", tuple(senior_items)),
        Section("chief_officers", "How are chief officers paid, women and men?", (chief_item,)),
        Section(
            "bands",
            f"How many women and men earn {currency} {band_floor:,.0f} or more?",
            (band_item,),
        ),
        Section("packages", "Which pay packages need a vote of full council?", (packages,)),
        Section(
            "contracts",
            "Are part-time and temporary-contract employees paid less, women or men?",
            tuple(contract_items),
        ),
        Section("benefits", "Who receives benefits in kind, women or men?", (benefit_item,)),
    )
    declare = t.Declarations(
        chief_mask=chiefs.mask if chiefs is not None else None,
        chief_threshold=float(chief_threshold) if chief_officers_by == "threshold" else None,
        package_threshold=float(package_threshold),
        package_mask=(pay >= package_threshold).to_numpy(dtype=bool),
        floor=float(band_floor),
        band_labels=list(bands["band"]) if len(bands) else [],
        contract_masks=gaps.masks if gaps is not None else {},
        temporary=c.temporary_types(casual_as_temporary),
    )
    sections, protected = counted.protect_sections(
        sections, declare, data, min_cell=min_cell, source=source
    )
    sections += (
        Section(
            "disclosure",
            "How are small numbers protected?",
            (Note("disclosure_audit", protected.note()),),
        ),
    )
    shown = {i.name: i for s in sections for i in s.items if isinstance(i, Table)}
    sentences = _multiple_findings(multiple, currency)
    if "chief_officer_pay" in shown and chiefs is not None:
        sentences += _chief_findings(shown["chief_officer_pay"], chiefs.definition, currency)
    sentences += _band_findings(
        shown.get("pay_bands"), shown["large_packages"], package_threshold, currency
    )
    sentences += _contract_findings(shown.get("contract_gaps"), data, hours)
    sentences += _benefit_findings(shown.get("benefits_in_kind"))
    n_other = int((~sex.astype("string").isin(["F", "M"]).fillna(False)).sum())
    if n_other:
        sentences.append(
            Finding(
                f"{count_words(n_other, min_cell).capitalize()} employees with another or no "
                "recorded sex count in the pay multiple (the whole workforce) but in no "
                "comparison of women and men.",
                value=float(n_other) if n_other >= min_cell else None,
                key="other_sex",
            )
        )
    return SeniorPayReport(
        title=title_block(data, "Senior pay and pay by contract type", source),
        findings=findings(sentences),
        sections=sections,
        results={
            "pay_multiple": multiple,
            "chief_officers": chiefs,
            "pay_bands": bands,
            "contract_gaps": gaps,
            "benefits_in_kind": shares,
            "disclosure_audit": protected.audit,
        },
    )


def chief_officer_mask(report: SeniorPayReport) -> np.ndarray | None:
    """The rows counted as chief officers (for JupyterLab users; never published)."""
    chiefs = report.results.get("chief_officers")
    return None if chiefs is None else chiefs.mask
