"""The decomposition report: ``build(data, ...) -> DecompositionReport``.

The seam between the decompositions and ``notebooks/30_decomposition.ipynb``: :func:`build`
prepares the analysis frame (:mod:`research.decomposition.frame`), runs every decomposition
(:mod:`research.decomposition.suite`), applies disclosure control, and writes every caption,
label, sentence and alt text (:mod:`.tables`, :mod:`.findings`, :mod:`.figures`). It never loads
files and never generates data: the known answer of a synthetic dataset comes in as ``truth=``
from the data layer (:func:`research.data.truth.synthetic_truth`).

Men are group A and women group B throughout, so every gap is men minus women in log pay,
positive when men are paid more, as in the UK statutory gender pay gap. The pay is hourly pay,
or annual basic pay when the data hold no hours (:mod:`research.decomposition.measure`): then
the first key finding says so, nothing is called hourly, and with a recorded working pattern the
decomposition compares full-time employees only. The first section puts the pay gap report's
percentage gaps beside the gap in log points (:mod:`research.decomposition.reconcile`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.decomposition import figures, findings, published, reconcile, suite, tables
from research.decomposition.frame import analysis_frame, parse_quantiles
from research.decomposition.measure import pay_measure
from research.present import disclosure, plots
from research.present.formats import fmt_int
from research.present.report import Note, Report, Section
from research.present.wording import title_block

__all__ = ["TOPIC", "DecompositionReport", "build"]

TOPIC = "Pay gap decomposition"


class DecompositionReport(Report):
    """The pay gap decomposition report: how much of the gap characteristics account for, how
    much is occupational segregation, and how the gap varies across the pay distribution.

    ``results`` holds the analysis frame (``"frame"``, with the pay ``measure``), the result
    objects (``"oaxaca"``, ``"sensitivity"``, ``"bmz"``, ``"rif"``, ``"dfl"``) and the pay gap
    report's figures beside the gap in log points (``"pay_gaps"``, a list of
    :class:`~research.decomposition.reconcile.Reconciled`).
    """


def known_gap(truth: Any) -> float | None:
    """The known within-job gap, men minus women in log pay, from ``truth``.

    ``truth`` is ``None`` (real data), a number (the gap itself), or an object with
    ``log_within_job_gap`` (women minus men, as :class:`research.data.synth.SyntheticTruth`).
    """
    if truth is None:
        return None
    if isinstance(truth, int | float):
        return float(truth)
    return -float(truth.log_within_job_gap)


def build(
    data: pd.DataFrame,
    *,
    source: Source | None = None,
    truth: Any = None,
    min_cell: int = 10,
    occupation_level: str = "occupation",
    min_group: int = 10,
    include_grade: bool = True,
    max_grade_groups: int = 30,
    reference: str = "pooled",
    se: str = "analytic",
    n_boot: int = 200,
    seed: int = 2025,
    quantiles: str | Sequence[float] = "10, 25, 50, 75, 90",
) -> DecompositionReport:
    """Compute the decomposition report of a canonical workforce table.

    Parameters
    ----------
    data
        Canonical workforce table (``sex``, ``hourly_pay`` or, without hours,
        ``annual_basic_pay``, and the characteristics recorded).
    source
        Where the data come from (title block, chart source lines, pay currency).
    truth
        The known answer of a synthetic dataset (see :func:`known_gap`), or ``None``.
    min_cell
        Smallest headcount shown; smaller cells and the statistics resting on them are ``[c]``.
    occupation_level, min_group, include_grade, max_grade_groups
        The analysis frame (:func:`research.decomposition.frame.analysis_frame`); categories
        are pooled below ``max(min_group, min_cell)`` women or men.
    reference
        Benchmark pay structure of the two-fold split: ``pooled``, ``men``, ``women``,
        ``neumark``, ``reimers`` or ``cotton``.
    se, n_boot, seed
        Standard errors of the Blinder-Oaxaca decomposition (``analytic`` or ``bootstrap``), and
        the bootstrap of every decomposition.
    quantiles
        Percentiles of the quantile profile, as text (``"10, 50, 90"``) or probabilities.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    disclosure.check_population(data, min_cell)
    source = source or Source("data given directly")
    probs = parse_quantiles(
        quantiles if isinstance(quantiles, str) else ",".join(map(str, quantiles))
    )
    if reference not in tables.REFERENCE_LABELS:
        known = ", ".join(tables.REFERENCE_LABELS)
        raise InputError(f"reference {reference!r} is not one of {known}.")
    measure = pay_measure(data)
    af = analysis_frame(
        data,
        occupation_level=occupation_level,
        min_group=max(min_group, min_cell),
        max_grade_groups=max_grade_groups,
        include_grade=include_grade,
        measure=measure,
    )
    dec = suite.run(af, reference=reference, se=se, n_boot=n_boot, seed=seed, quantiles=probs)
    gaps = reconcile.reconcile(data, af, dec.ob.gap.value, source=source)
    reconciled = reconcile.reconciliation_sentence(gaps, min_cell=min_cell)
    truth_gap = known_gap(truth)
    currency = source.currency
    credit = f"{source.label}; research workbench decomposition"
    plots.set_style()

    segregation: list = []
    if dec.bmz is None:
        segregation.append(
            Note(
                "occupational_split",
                "There are not enough occupations with at least the threshold number of women "
                "and men to separate between- from within-occupation gaps.",
            )
        )
    else:
        segregation += [
            figures.occupational_split_figure(dec, source=credit),
            tables.bmz_table(dec.bmz),
            tables.occupation_table(dec.bmz, min_cell=min_cell),
        ]
    if truth_gap is None:
        check = Note(
            "known_answer_check",
            "This is real data: the true gap within jobs is unknown. Run the report on the "
            "synthetic dataset to see the check.",
        )
    else:
        check = tables.truth_table(truth_gap, dec)
    pooling: list = [
        tables.characteristics_table(af, tables.design_variables(dec.ob)),
        Note("pooling_summary", " ".join(findings.pooling_sentences(af, dec, min_cell))),
    ]
    if len(af.pooled):
        pooling += [tables.pooled_table(af), tables.pooled_list(af)]
    counts = af.counts
    sections = (
        Section(
            "gap",
            "How large is the gap?",
            (
                Note("pay_measure", measure.description()),
                tables.pay_table(af, currency=currency, min_cell=min_cell),
                reconcile.reconciliation_table(gaps, min_cell=min_cell),
                Note("pay_gap_measures_explained", reconciled),
            ),
        ),
        Section(
            "explained",
            "How much of the gap do differences in jobs and characteristics account for?",
            (
                figures.waterfall_figure(dec, source=credit),
                tables.summary_table(dec.ob, reference=reference),
            ),
        ),
        Section(
            "characteristics",
            "Which characteristics matter?",
            (
                figures.contributions_figure(dec, source=credit),
                tables.contributions_table(dec.ob),
            ),
        ),
        Section(
            "benchmark",
            "Does the answer depend on the benchmark?",
            (tables.sensitivity_table(dec),),
        ),
        Section(
            "segregation",
            "How much of the gap is occupational segregation?",
            tuple(segregation),
        ),
        Section(
            "distribution",
            "Is the gap larger at the top or at the bottom of the pay distribution?",
            (
                figures.quantile_figure(dec, source=credit),
                tables.quantile_table(dec.rif),
                tables.dfl_table(dec.dfl, log_words=measure.log_words),
            ),
        ),
        Section("known_answer", "Does the method find a known answer?", (check,)),
        Section("pooling", "What was pooled or left out", tuple(pooling)),
    )
    sections, protected = published.protect(sections, data, min_cell=min_cell, source=source)
    return DecompositionReport(
        title=title_block(
            data,
            TOPIC,
            source,
            details=(
                (
                    "Compared",
                    f"{fmt_int(counts['men'])} men and {fmt_int(counts['women'])} women"
                    + (" working full time" if measure.full_time_only else "")
                    + f" with {measure.full_words}",
                ),
                (
                    "Disclosure threshold",
                    f"counts below {min_cell} are shown as {disclosure.SUPPRESSED}; categories "
                    f"with fewer than {af.min_group} women or men are pooled",
                ),
                ("Benchmark pay structure", tables.REFERENCE_LABELS[reference]),
            ),
        ),
        findings=findings.key_findings(
            af,
            dec,
            currency=currency,
            truth=truth_gap,
            occupation_level=occupation_level,
            reconciled=reconciled,
        ),
        sections=(
            *sections,
            Section(
                "disclosure",
                "How are small numbers protected?",
                (Note("disclosure_audit", protected.note()),),
            ),
        ),
        results={
            "disclosure_audit": protected.audit,
            "frame": af,
            "oaxaca": dec.ob,
            "sensitivity": dec.sensitivity,
            "bmz": dec.bmz,
            "rif": dec.rif,
            "dfl": dec.dfl,
            "pay_gaps": gaps,
        },
    )
