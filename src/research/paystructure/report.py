"""The pay structure equality impact assessment report (notebook 50).

``build(data, structure, ...) -> PayStructureReport`` assimilates every employee onto a proposed
structure (:func:`research.paystructure.equality_impact`) and turns the before/after comparison
into publishable tables, a figure and key findings, with disclosure control applied.

It never loads files: the structure arrives parsed, as a
:class:`~research.paystructure.PayStructure` or the mapping
:func:`research.data.structures.read_structure` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.paystructure import published
from research.paystructure import tables as t
from research.paystructure.eia import equality_impact
from research.paystructure.findings import impact_findings
from research.paystructure.structure import PayStructure, as_structure, assimilation_column
from research.present import disclosure, tabulate
from research.present.report import Finding, Note, Report, Section, findings
from research.present.wording import count_words, title_block

__all__ = ["PayStructureReport", "build"]


class PayStructureReport(Report):
    """Equality impact assessment of a proposed pay structure.

    ``results`` holds ``"impact"`` (:class:`~research.paystructure.EqualityImpact`) and
    ``"structure"`` (:class:`~research.paystructure.PayStructure`).
    """


def _structure_line(structure: PayStructure) -> str:
    parts = [structure.source] if structure.source else []
    parts += [f"SHA-256 {structure.sha256[:12]}"] if structure.sha256 else []
    return f"{structure.name} ({', '.join(parts)})" if parts else structure.name


def _other_sex_findings(n: int, min_cell: int) -> list[Finding]:
    """The employees recorded with another sex or none (X, U), said as a count."""
    if not n:
        return []
    return [
        Finding(
            f"{count_words(n, min_cell).capitalize()} employees in the data have another or no "
            "recorded sex (codes X and U): they are not part of any comparison of women and men.",
            value=float(n) if n >= min_cell else None,
            key="other_sex",
        )
    ]


def build(
    data: pd.DataFrame,
    structure: PayStructure | Mapping[str, Any],
    *,
    source: Source | None = None,
    placement: str | None = None,
    protection_years: float | None = None,
    widen_tolerance: float = 0.1,
    gap_threshold: float = 5.0,
    pattern_threshold: float = 3.0,
    top_grades: int = 2,
    top_n: int = 15,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
) -> PayStructureReport:
    """Assess the equality impact of ``structure`` on ``data`` and build the report.

    Parameters
    ----------
    data
        Canonical workforce table.
    structure
        The proposed structure: a :class:`PayStructure` or a parsed mapping
        (:func:`research.data.structures.read_structure`).
    source
        Where the data came from (title block, chart source line).
    placement
        How employees move onto pay points; ``None`` or ``"from_file"``: as the structure says.
    protection_years
        Years of pay protection; ``None`` or negative: as the structure says.
    widen_tolerance, gap_threshold, pattern_threshold, top_grades
        See :func:`research.paystructure.equality_impact`.
    top_n
        Largest occupations shown one by one in the breakdowns; the rest are pooled.
    min_cell
        Smallest number of women or men behind any published figure.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    source = source or Source("data given directly")
    proposal = as_structure(structure)
    rule, column = assimilation_column(proposal)
    blank = data[column].isna() if column in data else pd.Series(False, index=data.index)
    if blank.all():
        raise InputError(
            f"This dataset records no {column.replace('_', ' ')}, so the structure's {rule} "
            "rule cannot place anyone: give a structure whose assimilation rule reads a column "
            "the data has (job_map on occupation, or score_bands on a score)."
        )
    left_out = int(blank.sum())
    n_other_sex = int((~data["sex"].astype("string").isin(["F", "M"]).fillna(False)).sum())
    everyone = data  # the audit's dimensions take every value the dataset holds
    if left_out:  # boolean selection copies every column: only when someone is left out
        data = data[~blank]
    # kept as a categorical: the labels once, not a string per employee
    occupations = tabulate.lump_rare(tabulate.occupation_labels(data, "occupation"), top_n)
    frame = data.assign(occupation_group=occupations.astype("category"))
    del occupations
    options: dict[str, Any] = {}
    if placement is not None and placement != "from_file":
        options["placement"] = placement
    if protection_years is not None and protection_years >= 0:
        options["protection_years"] = protection_years
    impact = equality_impact(
        frame,
        proposal,
        top_grades=top_grades,
        widen_tolerance=widen_tolerance,
        gap_threshold=gap_threshold,
        pattern_threshold=pattern_threshold,
        **options,
    )
    currency = source.currency
    chart_source = f"{source.label}; {proposal.name}; research workbench equality impact assessment"
    breakdowns = ["All employees"]
    breakdowns += [b for b in impact.gains["breakdown"].unique() if b != "All employees"]
    sections = (
        Section(
            "structure",
            "What is proposed, and how would staff move onto it?",
            (
                t.grades_table(impact, proposal, currency),
                t.new_grade_table(impact, proposal, frame["sex"], min_cell),
            ),
        ),
        Section(
            "gains",
            "Who gains and who loses?",
            tuple(t.gains_table(impact, b, min_cell, currency) for b in breakdowns),
        ),
        Section(
            "protection",
            "Who would need pay protection?",
            (t.protected_table(impact, min_cell, currency),),
        ),
        Section("cost", "What would it cost?", (t.pay_bill_table(impact, currency),)),
        Section(
            "statutory",
            "What happens to the gender pay gap figures?",
            (t.statutory_table(impact, min_cell, source.framework),),
        ),
        Section(
            "grades",
            "What happens to women's place in the grades and to equal pay within grades?",
            (
                t.grade_metrics_table(impact),
                t.flags_table(impact, gap_threshold),
                t.new_grades_audit_table(impact, min_cell),
            ),
        ),
        Section(
            "widening",
            "Does any group's gap widen?",
            (
                t.widening_table(impact, min_cell),
                t.before_after_figure(impact, min_cell, chart_source),
            ),
        ),
    )
    sections, protected = published.protect(
        sections, everyone, min_cell=min_cell, source=source, assessed=~blank
    )
    sections += (
        Section(
            "disclosure",
            "How are small numbers protected?",
            (Note("disclosure_audit", protected.note()),),
        ),
    )
    return PayStructureReport(
        title=title_block(
            data,
            "Equality impact assessment of a proposed pay structure",
            source,
            details=(("Proposed structure", _structure_line(proposal)),),
        ),
        findings=findings(
            impact_findings(impact, min_cell, currency, source.framework, (left_out, column))
            + _other_sex_findings(n_other_sex, min_cell)
        ),
        sections=sections,
        results={"impact": impact, "structure": proposal, "disclosure_audit": protected.audit},
    )
