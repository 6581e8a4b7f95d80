"""The decomposition's gap in log points beside the pay gap report's percentage gaps.

The pay gap report (:mod:`research.paygap`) states the gap as the percentage by which women's mean
and median pay fall below men's; the decomposition splits the difference in *mean log pay* (log
points). Both are computed here on the same data, the percentages by the pay gap report's own
functions (:func:`research.paygap.statutory.uk_gpg`, worded by
:func:`research.paygap.findings.statutory_findings` and labelled by
:func:`research.paygap.tables.statutory_table`), so that the same number has the same words in both
reports and the reader can see why they differ: log points approximate percent only for small
gaps, and a mean of logs (a geometric mean) is not the log of a mean.

With annual pay and a recorded working pattern two populations are shown: the full-time
employees the decomposition compares, and every employee (as the pay gap report compares them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.source import Source
from research.decomposition.frame import MEN, WOMEN, AnalysisFrame
from research.decomposition.measure import FULL_TIME, PayMeasure
from research.paygap.findings import statutory_findings
from research.paygap.framing import Framing
from research.paygap.statutory import UKGenderPayGap, uk_gpg
from research.paygap.tables import statutory_table
from research.present import disclosure
from research.present.formats import fmt_int, fmt_pct
from research.present.report import Table, columns

__all__ = [
    "Reconciled",
    "pct_lower",
    "reconcile",
    "reconciliation_sentence",
    "reconciliation_table",
]

POPULATION_LABELS = {"full_time": "Full-time employees", "all": "All employees"}


def pct_lower(gap: float) -> float:
    """Women's geometric mean pay below men's, in % of men's: ``100 (1 - exp(-gap))``."""
    return 100.0 * (1.0 - math.exp(-gap))


@dataclass(frozen=True)
class Reconciled:
    """One population's gaps: the pay gap report's percentages and the gap in mean log pay.

    ``uk`` is ``None`` when the pay gap report's figures cannot be computed on these data (its
    ``error`` says why); ``log_gap`` is men minus women in mean log pay, over ``n_men`` men and
    ``n_women`` women with pay.
    """

    population: str
    measure: PayMeasure
    uk: UKGenderPayGap | None
    log_gap: float
    n_men: int
    n_women: int
    error: str = ""
    framing: Framing | None = None

    @property
    def compared(self) -> int:
        """Women and men the pay gap report's percentages are over (0 without them)."""
        if self.uk is None:
            return 0
        return self.uk.counts["full_pay_male"] + self.uk.counts["full_pay_female"]

    @property
    def label(self) -> str:
        return POPULATION_LABELS[self.population]

    @property
    def sentence_framing(self) -> Framing:
        """The pay gap report's framing of these figures, for one population at a time (each
        population is shown on its own here, so full-time employees are never put first)."""
        m = self.measure
        base = self.framing or Framing(
            framework="none",
            jurisdiction="",
            currency="",
            hours=m.hourly,
            fte=m.fte_known,
            pattern=False,
            reduced_pay=False,
            eu=False,
        )
        return replace(base, hours=m.hourly, fte=m.fte_known, pattern=False)

    def paygap_sentence(self, min_cell: int) -> str:
        """The pay gap report's headline sentence on these figures, as that report words it."""
        if self.uk is None:
            why = self.error[:1].lower() + self.error[1:]
            return f"The pay gap report's figures cannot be computed on these data: {why}"
        found = statutory_findings(self.uk, min_cell=min_cell, framing=self.sentence_framing)[
            0
        ].text
        compared = self.compared
        if 0 < self.n_men + self.n_women - compared < min_cell:
            # beside this report's own count, the exact count would give away how few
            # employees are not on full pay: the sentence keeps its words without the number
            found = found.replace(f" over {fmt_int(compared)} ", " over ")
        if self.population == "full_time":
            return "Among full-time employees, " + found[:1].lower() + found[1:]
        return found


def _gap_in_mean_log(data: pd.DataFrame, column: str) -> tuple[float, int, int]:
    pay = pd.to_numeric(data[column], errors="coerce").astype("float64")
    sex = data["sex"].astype("string")
    ok = pay.gt(0).to_numpy()
    logs = np.log(pay.where(pay > 0)).to_numpy()
    men = ok & sex.eq(MEN).fillna(False).to_numpy()
    women = ok & sex.eq(WOMEN).fillna(False).to_numpy()
    if not men.any() or not women.any():
        return float("nan"), int(men.sum()), int(women.sum())
    return float(logs[men].mean() - logs[women].mean()), int(men.sum()), int(women.sum())


def _paygap_figures(data: pd.DataFrame, column: str) -> tuple[UKGenderPayGap | None, str]:
    with_pay = data.loc[pd.to_numeric(data[column], errors="coerce").gt(0).to_numpy()]
    try:
        return uk_gpg(with_pay, hourly_pay=column, bonus=None), ""
    except InputError as err:
        return None, str(err)


def reconcile(
    data: pd.DataFrame, af: AnalysisFrame, log_gap: float, *, source: Source | None = None
) -> list[Reconciled]:
    """The gaps of each population shown: the one the decomposition compares (its gap
    ``log_gap`` and counts from ``af``), then every employee when only full-timers were compared.

    ``source`` gives the framework (GB, EU or none) the pay gap report's words follow."""
    measure = af.measure
    framing = Framing.of(data, source or Source("data given directly"))
    if measure.full_time_only:
        full_time = data["working_pattern"].astype("string").eq(FULL_TIME).fillna(False)
        populations = [("full_time", data.loc[full_time.to_numpy()]), ("all", data)]
    else:
        populations = [("all", data)]
    out = []
    for name, part in populations:
        uk, error = _paygap_figures(part, measure.column)
        if name == populations[0][0]:
            gap, men, women = log_gap, af.counts["men"], af.counts["women"]
        else:
            gap, men, women = _gap_in_mean_log(part, measure.column)
        out.append(Reconciled(name, measure, uk, gap, men, women, error, framing))
    return out


def reconciliation_table(rows: list[Reconciled], *, min_cell: int) -> Table:
    """The pay gap report's mean and median gaps (%) beside the gap in mean log pay (log points)
    and the geometric-mean gap it corresponds to (%), for each population compared."""
    records = []
    for r in rows:
        m = r.measure
        if r.uk is not None:
            framing = r.sentence_framing  # the pay gap report's names of these figures
            figures = statutory_table(
                r.uk, min_cell, pay_words=framing.pay_words, statutory=framing.statutory
            ).head(2)
            for figure, pct in zip(figures["figure"], figures["pct"], strict=True):
                records.append((r.label, figure, pct, "%", "pay gap report"))
        else:
            records.append((r.label, "Pay gap report's figures", "not calculated", "", ""))
        small = min(r.n_men, r.n_women) < min_cell or not np.isfinite(r.log_gap)
        log_points = disclosure.SUPPRESSED if small else 100 * r.log_gap
        geometric = disclosure.SUPPRESSED if small else pct_lower(r.log_gap)
        records.append((r.label, f"Gap in mean {m.log_words}", log_points, "log points", "this"))
        records.append(
            (
                r.label,
                f"Women's geometric mean {m.words} below men's",
                geometric,
                "%",
                "this",
            )
        )
    data = pd.DataFrame(records, columns=["population", "measure", "value", "unit", "report"])
    data["value"] = data["value"].astype(object)
    data["report"] = data["report"].map(
        {"pay gap report": "Pay gap report", "this": "This report", "": ""}
    )
    measure = rows[0].measure
    return Table(
        "pay_gap_measures",
        data,
        f"The gap in {measure.full_words} as the pay gap report states it (percentage gaps in "
        "mean and median pay, men's pay = 100) beside this report's gap in mean "
        f"{measure.log_words} (log points) and the percentage that corresponds to",
        columns(
            ("population", "Employees compared"),
            ("measure", "Measure"),
            ("value", "Value", "float1"),
            ("unit", "Unit"),
            ("report", "Stated in"),
        ),
        row_header="measure",
    )


def reconciliation_sentence(rows: list[Reconciled], *, min_cell: int) -> str:
    """The pay gap report's headline (its own words), then why it differs from the log points."""
    lead = rows[0]
    m = lead.measure
    text = lead.paygap_sentence(min_cell)
    too_few = lead.uk is not None and (
        min(lead.uk.counts["full_pay_male"], lead.uk.counts["full_pay_female"]) < min_cell
    )
    if lead.uk is None or too_few or not np.isfinite(lead.log_gap):
        return text
    points = 100 * lead.log_gap
    text += (
        f" Those percentages compare mean and median {m.words}; this report's {points:.1f} log "
        f"points are the gap in mean {m.log_words} (the ratio of geometric means), which "
        f"corresponds to a gap of {fmt_pct(pct_lower(lead.log_gap))} "
        "(100 x (1 - exp(-points / 100))): log points approximate percent only for small gaps, "
        "and a mean of logs is less pulled up by the highest salaries than the log of a mean."
    )
    for other in rows[1:]:
        basis = "full-time-equivalent" if m.fte_known else "part-time"
        found = other.paygap_sentence(min_cell)
        text += (
            f" Including part-time employees at their {basis} annual pay, as the pay gap report "
            f"compares everyone, {found[:1].lower()}{found[1:]}"
        )
    if lead.uk is not None and lead.compared != lead.n_men + lead.n_women:
        text += (
            " The percentages leave out employees not on full pay, as the pay gap report does; "
            f"the log points cover every woman and man with {m.words}."
        )
    return text
