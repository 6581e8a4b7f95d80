"""Equality impact assessment (EIA) of a proposed pay structure.

Before a council adopts a new pay and grading structure it must have due regard to its effect on
women and men (public sector equality duty, Equality Act 2010 s.149), and the EHRC advises an equal pay
audit of the proposed structure before implementation (EHRC, *Equal pay audit for larger
organisations*, 2010, and the *Equal Pay Statutory Code of Practice*, 2011, paras 150-170 on pay
protection). :func:`equality_impact` assimilates every employee
(:func:`research.paystructure.assimilate`) and compares the workforce before and after:

* the six UK statutory gender pay gap figures and the quartile bands (:func:`research.paygap.uk_gpg`)
  now, on assimilation (with pay protection) and once protection ends, when the data records hourly
  pay; otherwise the gaps in mean and median annual basic pay (``pay_basis == "annual"``);
* grade-level figures (women's share of the top grades, glass-ceiling ratio, like-for-like gap within
  grades: :func:`research.paygap.representation_by_grade`);
* the equal pay audit flags within grades (:func:`research.audit.equal_pay_audit`);
* who gains and who loses (count, share, mean change) by sex, occupation and working pattern, and
  employees on protected pay by sex;
* the annual basic pay bill ``sum(FTE x salary)``;
* the mean hourly pay gap (annual basic pay gap without hours) within each group of each breakdown
  before and after: a group whose gap *widens*, ``|g_after| - |g_before| > widen_tolerance``
  percentage points, is highlighted.

Grade figures and the audit of the current grades need recorded grades: without any, they are
missing (NaN, and ``audits["before"]`` is ``None``); employees with a blank grade are left out of
them and counted in ``n_no_grade``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.audit.equal_pay import EqualPayAudit, equal_pay_audit, has_values
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
    pay_basis
        ``"hourly"`` (hourly pay recorded: statutory figures in ``uk``) or ``"annual"`` (no hours:
        annual basic pay as recorded, ``uk`` empty).
    n_no_grade
        Employees with no recorded current grade, left out of the grade figures and audit now.
    counts
        Women and men behind the headline gaps (``n_female``, ``n_male``).
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
    pay_basis: str = "hourly"
    n_no_grade: int = 0
    counts: dict[str, int] = field(default_factory=dict)
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


#: The headline measures when pay is compared as annual basic pay (no hours in the data).
ANNUAL_MEASURES = ("Gap in mean annual basic pay", "Gap in median annual basic pay")


def _annual_gaps(frames: dict[str, pd.DataFrame], sex: str) -> tuple[pd.DataFrame, dict]:
    """Gaps in mean and median annual basic pay (everyone with pay) at each moment."""
    rows = {}
    counts: dict[str, int] = {}
    for m in MOMENTS:
        d = frames[m].assign(_all="all")
        values = []
        for stat in ("mean", "median"):
            t = gap_by(d, "_all", stat=stat, pay="annual_basic_pay", by=sex, full_pay=None).table
            values.append(float(t["gap"].iloc[0]))
            counts = {"n_female": int(t["n_female"].iloc[0]), "n_male": int(t["n_male"].iloc[0])}
        rows[m] = values
    table = pd.DataFrame(rows, index=list(ANNUAL_MEASURES)).rename_axis("measure").reset_index()
    table["change"] = table["after_protection"] - table["before"]
    return table, counts


def _grade_metrics(frames: dict[str, pd.DataFrame], top: int, pay: str) -> pd.DataFrame:
    rows = {}
    for m in MOMENTS:
        graded = frames[m].dropna(subset=["grade", "grade_rank"])
        if graded.empty:
            rows[m] = pd.Series(np.nan, index=_grade_measures(top))
            continue
        rep = representation_by_grade(graded, top=top, stat="mean", pay=pay)
        head = rep.headline().set_index("measure")["value"]
        head.loc["Number of grades"] = float(graded["grade"].nunique())
        rows[m] = head
    table = pd.DataFrame(rows).reset_index().rename(columns={"index": "measure"})
    table["change"] = table["after_protection"] - table["before"]
    return table


def _grade_measures(top: int) -> list[str]:
    return [
        "Women's share of all employees",
        f"Women's share of the top {top} grades",
        "Glass ceiling ratio (top share / overall share)",
        "Overall pay gap",
        "Average pay gap within grades (like for like)",
        "Number of grades",
    ]


def _fte(data: pd.DataFrame) -> pd.Series:
    """FTE of each employee; 1 where not recorded (annual pay as recorded is what is paid)."""
    if "fte" not in data:
        return pd.Series(1.0, index=data.index)
    return data["fte"].astype("float64").fillna(1.0)


def _sorted_categorical(values: pd.Series, missing: str | None = None) -> pd.Categorical:
    """``values`` as text in a categorical with the categories in text order (so grouping on it
    orders groups as grouping on the text would), missing values ``missing`` (or left missing),
    without a string per row."""
    codes, uniques = pd.factorize(values, sort=False)
    text = [str(u) for u in np.asarray(uniques, dtype=object)]
    if missing is not None and (codes < 0).any():
        text.append(missing)
        codes = np.where(codes < 0, len(text) - 1, codes)
    categories = sorted(set(text))
    position = {t: i for i, t in enumerate(categories)}
    lookup = np.array([position[t] for t in text] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(lookup[codes], categories=categories)


def _gains(assim: Assimilation, breakdowns: dict[str, str], sex: str) -> pd.DataFrame:
    e = assim.employees
    data = assim.before
    parts = []
    sexes = _sorted_categorical(data[sex])
    for title, column in {"All employees": None, **breakdowns}.items():
        key = (
            pd.Categorical.from_codes(np.zeros(len(data), dtype=np.int8), categories=["all"])
            if column is None
            else _sorted_categorical(data[column], missing="(missing)")
        )
        frame = pd.DataFrame(
            {
                "group": key,
                "sex": sexes,
                "gain": (e["change"] > 0.005).to_numpy(),
                "loss": (e["change"] < -0.005).to_numpy(),
                "change_pct": e["change_pct"].to_numpy(),
                "change": (e["change"] * _fte(data)).to_numpy(),
            },
            index=data.index,
        )
        g = frame.groupby(["group", "sex"], observed=True)
        out = g.agg(
            n=("gain", "size"),
            n_gain=("gain", "sum"),
            n_loss=("loss", "sum"),
            mean_change_pct=("change_pct", "mean"),
            cost=("change", "sum"),
        ).reset_index()
        out["group"] = out["group"].astype("string")  # labels as text, as before grouping
        out["sex"] = out["sex"].astype("string")
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
    frames: dict[str, pd.DataFrame], breakdowns: dict[str, str], tolerance: float, pay: str
) -> pd.DataFrame:
    parts = []
    for title, column in {"All employees": None, **breakdowns}.items():
        tables = {}
        for m in ("before", "after_protection"):
            d = frames[m]
            by = "_all" if column is None else column
            d = d.assign(_all="all") if column is None else d
            full_pay = "full_pay" if pay == "hourly_pay" and "full_pay" in d else None
            t = gap_by(d, by, stat="mean", pay=pay, full_pay=full_pay).table
            t = t.rename(columns={by: "group"})
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
            if has_values(data, v)
        }
    assim = assimilate(data, structure, **assimilation_options)
    frames = {
        "before": assim.before,
        "on_assimilation": assim.on_assimilation,
        "after_protection": assim.after_protection,
    }
    hourly = has_values(data, "hourly_pay")
    pay = "hourly_pay" if hourly else "annual_basic_pay"
    if hourly:
        uks = {m: uk_gpg(frames[m]) for m in MOMENTS}
        statutory = _statutory(uks)
        c = uks["before"].counts
        counts = {"n_female": int(c["full_pay_female"]), "n_male": int(c["full_pay_male"])}
    else:
        uks = {}
        statutory, counts = _annual_gaps(frames, sex)
    elements = ["basic", "hourly"] if hourly else ["basic"]
    graded = has_values(data, "grade")
    audits = {
        m: equal_pay_audit(
            frames[m],
            group_by="grade",
            elements=elements,
            gap_threshold=gap_threshold,
            pattern_threshold=pattern_threshold,
        )
        if graded or m != "before"
        else None
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
            if a is not None
            else (m, np.nan, np.nan, np.nan)
            for m, a in audits.items()
        ],
        columns=["moment", "groups", "flagged_groups", "gaps_of_threshold_or_more"],
    )
    return EqualityImpact(
        assimilation=assim,
        statutory=statutory,
        grade_metrics=_grade_metrics(frames, top_grades, pay),
        audits=audits,
        flags=flags,
        gains=_gains(assim, breakdowns, sex),
        protected=_protected(assim, sex),
        pay_bill=assim.pay_bill(),
        gaps=_gap_table(frames, breakdowns, widen_tolerance, pay),
        uk=uks,
        widen_tolerance=widen_tolerance,
        pay_basis="hourly" if hourly else "annual",
        n_no_grade=int(data["grade"].isna().sum()) if graded else len(data),
        counts=counts,
    )


__all__ = ["ANNUAL_MEASURES", "MOMENTS", "MOMENT_LABELS", "EqualityImpact", "equality_impact"]
