"""Equality impact assessment (EIA) of a proposed pay structure.

Before a council adopts a new pay and grading structure it must have due regard to its effect on
women and men (public sector equality duty, Equality Act 2010 s.149), and the EHRC advises an equal pay
audit of the proposed structure before implementation (EHRC, *Equal pay audit for larger
organisations*, 2010, and the *Equal Pay Statutory Code of Practice*, 2011, paras 150-170 on pay
protection). :func:`equality_impact` assimilates every employee
(:func:`research.paystructure.assimilate`) and compares the workforce before and after:

* the six UK statutory gender pay gap figures and the quartile bands (:func:`research.paygap.uk_gpg`)
  now, on assimilation (with pay protection) and once protection ends;
* grade-level figures (women's share of the top grades, glass-ceiling ratio, like-for-like gap within
  grades: :func:`research.paygap.representation_by_grade`);
* the equal pay audit flags within grades (:func:`research.audit.equal_pay_audit`);
* who gains and who loses (count, share, mean change) by sex, occupation and working pattern, and
  employees on protected pay by sex;
* the annual basic pay bill ``sum(FTE x salary)``;
* the mean hourly pay gap within each group of each breakdown before and after: a group whose gap
  *widens*, ``|g_after| - |g_before| > widen_tolerance`` percentage points, is highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.audit.equal_pay import EqualPayAudit, equal_pay_audit
from research.core.results import Result
from research.paygap import gap_by, representation_by_grade, uk_gpg
from research.paygap.statutory import UKGenderPayGap
from research.paystructure.structure import Assimilation, PayStructure, assimilate

MOMENTS = ("before", "on_assimilation", "after_protection")
MOMENT_LABELS = {
    "before": "now",
    "on_assimilation": "on assimilation",
    "after_protection": "after protection",
}


@dataclass(frozen=True)
class EqualityImpact(Result):
    """Before/after comparison of a proposed structure (see the module docstring).

    Attributes
    ----------
    assimilation
        The employee-level assimilation.
    statutory
        ``measure, before, on_assimilation, after_protection, change`` (after protection minus
        before) for the statutory figures.
    grade_metrics
        The same layout for grade-level figures.
    audits
        :class:`EqualPayAudit` by grade at each moment.
    flags
        Flagged grade comparisons at each moment (``moment, groups, flagged_groups,
        flagged_comparisons``).
    gains
        Gains and losses by ``breakdown, group, sex``.
    protected
        Employees on protected pay and above the top of their new grade, by sex.
    pay_bill
        Annual basic pay bill at each moment.
    gaps
        Mean hourly gap in each group of each breakdown, before and after protection, with
        ``widens``.
    """

    assimilation: Assimilation
    statutory: pd.DataFrame
    grade_metrics: pd.DataFrame
    audits: dict[str, EqualPayAudit]
    flags: pd.DataFrame
    gains: pd.DataFrame
    protected: pd.DataFrame
    pay_bill: pd.DataFrame
    gaps: pd.DataFrame
    uk: dict[str, UKGenderPayGap] = field(default_factory=dict)
    widen_tolerance: float = 0.1
    title: str = "Equality impact assessment of a proposed pay structure"

    def to_frame(self) -> pd.DataFrame:
        return pd.concat([self.statutory, self.grade_metrics], ignore_index=True)

    @property
    def widened(self) -> pd.DataFrame:
        """Groups whose gap widens (after protection ends)."""
        return self.gaps[self.gaps["widens"]].reset_index(drop=True)


def _statutory(uks: dict[str, UKGenderPayGap]) -> pd.DataFrame:
    frames = [uks[m].to_frame().set_index("measure")["pct"].rename(m) for m in MOMENTS]
    table = pd.concat(frames, axis=1).reset_index()
    table["change"] = table["after_protection"] - table["before"]
    return table


def _grade_metrics(frames: dict[str, pd.DataFrame], top: int) -> pd.DataFrame:
    rows = {}
    for m in MOMENTS:
        rep = representation_by_grade(frames[m], top=top, stat="mean")
        head = rep.headline().set_index("measure")["value"]
        head.loc["Number of grades"] = float(frames[m]["grade"].nunique())
        rows[m] = head
    table = pd.DataFrame(rows).reset_index().rename(columns={"index": "measure"})
    table["change"] = table["after_protection"] - table["before"]
    return table


def _gains(assim: Assimilation, breakdowns: dict[str, str], sex: str) -> pd.DataFrame:
    e = assim.employees
    data = assim.before
    parts = []
    for title, column in {"All employees": None, **breakdowns}.items():
        key = (
            pd.Series("all", index=data.index, dtype="string")
            if column is None
            else data[column].astype("string").fillna("(missing)")
        )
        frame = pd.DataFrame(
            {
                "group": key,
                "sex": data[sex].astype("string"),
                "gain": e["change"] > 0.005,
                "loss": e["change"] < -0.005,
                "change_pct": e["change_pct"],
                "change": e["change"] * data["fte"],
            }
        )
        g = frame.groupby(["group", "sex"], observed=True)
        out = g.agg(
            n=("gain", "size"),
            n_gain=("gain", "sum"),
            n_loss=("loss", "sum"),
            mean_change_pct=("change_pct", "mean"),
            cost=("change", "sum"),
        ).reset_index()
        out["pct_gain"] = 100 * out["n_gain"] / out["n"]
        out["pct_loss"] = 100 * out["n_loss"] / out["n"]
        out.insert(0, "breakdown", title)
        parts.append(out)
    table = pd.concat(parts, ignore_index=True)
    return table[table["sex"].isin(["F", "M"])].reset_index(drop=True)


def _protected(assim: Assimilation, sex: str) -> pd.DataFrame:
    e = assim.employees
    frame = pd.DataFrame(
        {
            "sex": assim.before[sex].astype("string"),
            "protected": e["protected"],
            "above_top": e["above_top"],
            "protected_amount": (e["pay_before"] - e["new_salary"]).where(e["protected"]),
        }
    )
    g = frame[frame["sex"].isin(["F", "M"])].groupby("sex", observed=True)
    out = g.agg(
        n=("protected", "size"),
        n_protected=("protected", "sum"),
        n_above_top=("above_top", "sum"),
        mean_protected_amount=("protected_amount", "mean"),
    ).reset_index()
    out["pct_protected"] = 100 * out["n_protected"] / out["n"]
    return out


def _gap_table(
    frames: dict[str, pd.DataFrame], breakdowns: dict[str, str], tolerance: float
) -> pd.DataFrame:
    parts = []
    for title, column in {"All employees": None, **breakdowns}.items():
        tables = {}
        for m in ("before", "after_protection"):
            d = frames[m]
            by = "_all" if column is None else column
            d = d.assign(_all="all") if column is None else d
            t = gap_by(d, by, stat="mean").table.rename(columns={by: "group"})
            tables[m] = t.set_index("group")
        t = tables["before"][["n_female", "n_male", "gap"]].rename(columns={"gap": "gap_before"})
        t["gap_after"] = tables["after_protection"]["gap"]
        t = t.reset_index()
        t.insert(0, "breakdown", title)
        parts.append(t)
    table = pd.concat(parts, ignore_index=True)
    table["change"] = table["gap_after"].abs() - table["gap_before"].abs()
    table["widens"] = np.round(table["change"].fillna(-np.inf), 9) > tolerance
    return table


def equality_impact(
    data: pd.DataFrame,
    structure: PayStructure,
    *,
    breakdowns: dict[str, str] | None = None,
    top_grades: int = 2,
    widen_tolerance: float = 0.1,
    gap_threshold: float = 5.0,
    pattern_threshold: float = 3.0,
    sex: str = "sex",
    **assimilation_options,
) -> EqualityImpact:
    """Assimilate every employee onto ``structure`` and compare before and after.

    Parameters
    ----------
    data
        Canonical workforce table.
    structure
        The proposed structure (:func:`research.paystructure.structure_from_dict`).
    breakdowns
        ``{title: column}`` for the gains/losses and gap tables (default: occupation group and
        working pattern, when present).
    top_grades
        How many of the highest grades count as the top for the glass-ceiling figures.
    widen_tolerance
        A group's gap "widens" when its absolute value grows by more than this many percentage
        points once protection ends.
    gap_threshold, pattern_threshold
        Equal pay audit flag rules (:func:`research.audit.equal_pay_audit`).
    **assimilation_options
        Passed to :func:`research.paystructure.assimilate` (``rule``, ``placement``,
        ``protection_years``, ...).
    """
    if breakdowns is None:
        breakdowns = {
            k: v
            for k, v in (("Occupation", "occupation_group"), ("Working pattern", "working_pattern"))
            if v in data
        }
    assim = assimilate(data, structure, **assimilation_options)
    frames = {
        "before": assim.before,
        "on_assimilation": assim.on_assimilation,
        "after_protection": assim.after_protection,
    }
    uks = {m: uk_gpg(frames[m]) for m in MOMENTS}
    audits = {
        m: equal_pay_audit(
            frames[m],
            group_by="grade",
            elements=["basic", "hourly"],
            gap_threshold=gap_threshold,
            pattern_threshold=pattern_threshold,
        )
        for m in MOMENTS
    }
    flags = pd.DataFrame(
        [
            (
                m,
                a.n_groups,
                int(a.table.groupby("group")["flag"].any().sum()),
                int(a.table["flag_gap"].sum()),
            )
            for m, a in audits.items()
        ],
        columns=["moment", "groups", "flagged_groups", "gaps_of_threshold_or_more"],
    )
    return EqualityImpact(
        assimilation=assim,
        statutory=_statutory(uks),
        grade_metrics=_grade_metrics(frames, top_grades),
        audits=audits,
        flags=flags,
        gains=_gains(assim, breakdowns, sex),
        protected=_protected(assim, sex),
        pay_bill=assim.pay_bill(),
        gaps=_gap_table(frames, breakdowns, widen_tolerance),
        uk=uks,
        widen_tolerance=widen_tolerance,
    )


__all__ = ["MOMENTS", "MOMENT_LABELS", "EqualityImpact", "equality_impact"]
