"""Equal pay audit after the Equality and Human Rights Commission's five-step method.

The EHRC's *Equal pay audit for larger organisations* (Equality and Human Rights Commission, 2010;
kept in its equal pay guidance and the *Code of Practice on Equal Pay*, 2011) sets out five steps:

1. decide the scope of the audit and the information needed;
2. identify where women and men do **equal work**: like work, work rated as equivalent under a job
   evaluation scheme, or work of equal value;
3. collect and compare pay data for each group doing equal work, for every element of pay, to find
   significant gaps;
4. establish the causes of any significant gap and whether they are free of sex discrimination;
5. develop an equal pay action plan and keep it under review.

This module does the computable parts of steps 2-5. :func:`equal_work_groups` forms the groups (same
grade, same job evaluation band, or a user's mapping of jobs to groups); :func:`equal_pay_audit`
compares women's and men's mean and median pay for each pay element within each group, flags the gaps
the guidance calls significant, lists the contributing factors the data can show, and orders an action
list.

Flags (percentages on the 0-100 scale; ``g = (men - women) / men x 100``)
--------------------------------------------------------------------------
* **Significant gap**: ``|g| >= gap_threshold`` (default 5). The EHRC advises investigating "differences
  of 5% or more"; a gap of exactly 5.0% is flagged, 4.99% is not. Gaps in favour of women count too.
* **Pattern**: ``|g| >= pattern_threshold`` (default 3) in the *same direction* in at least
  ``min_pattern`` (default 2) groups for the same pay element and statistic (*recurring across groups*),
  or in at least ``min_pattern`` pay elements of the same group for the same statistic (*recurring
  across pay elements*; hourly pay restates basic pay per hour, so when both are compared hourly pay
  is not counted as a separate element). The EHRC advises investigating "a pattern of differences of
  3% or more"; exactly 3.0% counts.

Gaps are rounded to 9 decimal places before the comparisons, so that floating-point error cannot move
an exact 5% (e.g. men 20.00, women 19.00) across the boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.audit.logib import _age_midpoint
from research.core.checks import InputError, require_columns
from research.core.results import Result
from research.present import disclosure

#: Bases of equal work under the Equality Act 2010 s.65.
EQUAL_WORK_BASES = ("like work", "rated as equivalent", "equal value")


@dataclass(frozen=True)
class PayElement:
    """One element of pay compared in the audit.

    Attributes
    ----------
    name
        Short name used in tables (``"basic"``, ``"hourly"``, ``"bonus"``, ``"allowances"``).
    column
        Column of the workforce table holding it.
    label
        Words for a report.
    recipients_only
        Compare only employees who receive the element (value > 0), as for bonus and allowances;
        the share of each sex receiving it is reported separately.
    """

    name: str
    column: str
    label: str
    recipients_only: bool = False


#: The canonical table's pay elements; each is used only when the data has that column with at
#: least one value (an element not in the data is "not in the data", never 0 recipients).
DEFAULT_ELEMENTS: tuple[PayElement, ...] = (
    PayElement("basic", "annual_basic_pay", "basic pay (full-time equivalent, annual)"),
    PayElement("hourly", "hourly_pay", "hourly pay"),
    PayElement("allowances", "allowances_12m", "allowances (recipients)", True),
    PayElement("overtime", "overtime_12m", "overtime pay (recipients)", True),
    PayElement("bonus", "bonus_12m", "bonus pay (recipients)", True),
)

#: Basic pay when neither hours nor FTE are recorded: annual pay as recorded, not full-time
#: equivalent.
ANNUAL_BASIC = PayElement("basic", "annual_basic_pay", "annual basic pay (as recorded)")

STATS = ("mean", "median")


def has_values(data: pd.DataFrame, column: str) -> bool:
    """Whether ``data`` has ``column`` with at least one value."""
    return column in data and bool(data[column].notna().any())


def hours_known(data: pd.DataFrame) -> bool:
    """Whether the data records hours, FTE or hourly pay for anyone (else pay is annual pay as
    recorded)."""
    return any(has_values(data, c) for c in ("weekly_hours", "fte", "hourly_pay"))


def default_elements(data: pd.DataFrame) -> tuple[PayElement, ...]:
    """:data:`DEFAULT_ELEMENTS` whose column exists in ``data`` and has at least one value.

    Without hours or FTE, basic pay is :data:`ANNUAL_BASIC` (annual pay as recorded).
    """
    out = tuple(e for e in DEFAULT_ELEMENTS if has_values(data, e.column))
    if not hours_known(data):
        out = tuple(ANNUAL_BASIC if e.name == "basic" else e for e in out)
    return out


def absent_elements(data: pd.DataFrame) -> tuple[PayElement, ...]:
    """:data:`DEFAULT_ELEMENTS` the data does not hold (no column or no value in it)."""
    return tuple(e for e in DEFAULT_ELEMENTS if not has_values(data, e.column))


def _as_elements(
    data: pd.DataFrame, elements: Sequence[PayElement | str] | Mapping[str, str] | None
) -> tuple[PayElement, ...]:
    if elements is None:
        return default_elements(data)
    if isinstance(elements, Mapping):
        elements = [PayElement(name, column, name) for name, column in elements.items()]
    out = []
    known = {e.name: e for e in DEFAULT_ELEMENTS} | {e.column: e for e in DEFAULT_ELEMENTS}
    for item in elements:
        element = known.get(item, PayElement(item, item, item)) if isinstance(item, str) else item
        out.append(element)
    require_columns(data, [e.column for e in out], role="pay element")
    if not out:
        raise InputError("No pay elements to compare: give at least one pay column.")
    return tuple(out)


def job_mapping_table(mapping: pd.DataFrame | Mapping) -> pd.DataFrame:
    """A mapping of jobs to equal-work groups as a checked table ``job, group, basis``.

    Parameters
    ----------
    mapping
        A DataFrame with columns ``job`` and ``group`` (optional ``basis``: one of
        :data:`EQUAL_WORK_BASES`; missing means "like work"), e.g. from
        :func:`research.data.structures.read_job_mapping`, or a dict ``{job: group}``.
    """
    if isinstance(mapping, Mapping):
        table = pd.DataFrame({"job": list(mapping), "group": list(mapping.values())})
    elif isinstance(mapping, pd.DataFrame):
        table = mapping.copy()
    else:
        raise InputError(
            f"A job mapping must be a table (job, group, basis) or a dict, not "
            f"{type(mapping).__name__}; read a file with research.data.structures.read_job_mapping."
        )
    require_columns(table, ["job", "group"], role="job mapping")
    if "basis" not in table:
        table["basis"] = pd.NA
    table = table.astype({"job": "string", "group": "string", "basis": "string"})
    table["basis"] = table["basis"].fillna("like work")
    bad = sorted(set(table["basis"]) - set(EQUAL_WORK_BASES))
    if bad:
        raise InputError(f"Unknown basis {bad} in the job mapping; use one of {EQUAL_WORK_BASES}.")
    dup = table["job"][table["job"].duplicated()]
    if len(dup):
        raise InputError(f"Jobs mapped twice in the job mapping: {sorted(set(dup))[:5]}.")
    out = table[["job", "group", "basis"]].reset_index(drop=True)
    out.attrs = dict(getattr(mapping, "attrs", {}))
    return out


def grouping_basis(group_by: str) -> str:
    """What groups formed from column ``group_by`` share, in words (``"same grade"``).

    Without a job mapping or a declared job evaluation the audit claims no legal basis of equal
    work: employees in the same grade are work *rated as equivalent* only where the grades come
    from an analytical job evaluation scheme, which the user declares (``basis=`` of
    :func:`equal_work_groups`) or a job mapping with that basis records.
    """
    return "same " + grouping_words(group_by)


def grouping_words(group_by: str) -> str:
    """The grouping column in words: ``"grade_group"`` -> ``"grade"``."""
    words = {"grade_group": "grade", "occupation_group": "occupation"}
    return words.get(group_by, group_by).replace("_", " ")


def equal_work_groups(
    data: pd.DataFrame,
    group_by: str = "grade",
    *,
    mapping: pd.DataFrame | Mapping | None = None,
    job: str = "occupation",
    basis: str | None = None,
) -> pd.DataFrame:
    """Step 2: the equal-work group of every employee, and the basis of the comparison.

    Employees whose ``group_by`` value is missing (a blank grade) have no group (``<NA>``) and
    the basis ``"not recorded"``: they are counted, never compared.

    Parameters
    ----------
    group_by
        Column whose values define groups when no mapping is given: a grade or a job evaluation
        band. The basis is then descriptive (``"same grade"``, see :func:`grouping_basis`).
    basis
        The basis of groups of a single grade when no mapping is given, e.g. ``"rated as
        equivalent"`` for grades the user declares to come from a job evaluation scheme; a band
        pooling several grades is always ``"neighbouring grades"``. Default:
        :func:`grouping_basis`.
    mapping
        Jobs (values of ``job``) mapped to groups (see :func:`job_mapping_table`), with the basis
        of equal work each group rests on. Every job in the data must be mapped; the error lists
        those that are not.
    job
        Column holding the job when a mapping is used.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``data``: ``group`` (string) and ``basis``.
    """
    if mapping is None:
        require_columns(data, [group_by], role="equal-work groups")
        groups = data[group_by].astype("string")
        if groups.isna().all():
            raise InputError(
                f"Column {group_by!r} has no values: choose another grouping or a mapping."
            )
        words = basis or grouping_basis(group_by)
        out_basis = pd.Series(words, index=data.index, dtype="string")
        if group_by == "grade_group" and "grade" in data:  # a band pools several grades
            n_grades = data["grade"].groupby(groups, observed=True).transform("nunique")
            out_basis = out_basis.where(n_grades.fillna(1).to_numpy() <= 1, "neighbouring grades")
        out_basis = out_basis.where(groups.notna(), "not recorded")
        return pd.DataFrame({"group": groups, "basis": out_basis})
    require_columns(data, [job], role="job for the mapping")
    table = job_mapping_table(mapping)
    jobs = data[job].astype("string")
    found = jobs.map(dict(zip(table["job"], table["group"], strict=True)))
    missing = jobs[found.isna()]
    if len(missing):
        examples = ", ".join(repr(v) for v in missing.value_counts().index[:5])
        raise InputError(
            f"{len(missing):,} employees have a {job!r} not in the job mapping (e.g. {examples}). "
            "Add those jobs to the mapping."
        )
    basis = jobs.map(dict(zip(table["job"], table["basis"], strict=True)))
    return pd.DataFrame({"group": found.astype("string"), "basis": basis.astype("string")})


def _round_gap(gap: np.ndarray) -> np.ndarray:
    return np.round(gap, 9)


def _compare(
    frame: pd.DataFrame, element: PayElement, is_female: np.ndarray, is_male: np.ndarray
) -> pd.DataFrame:
    """Mean and median of one element for women and men in each group (vectorised groupby)."""
    values = frame[element.column].astype("float64")
    keep = values.notna().to_numpy()
    if element.recipients_only:
        keep = keep & (values.fillna(0).to_numpy() > 0)
    # Groups and sexes as codes (a label per row would be a Python string per employee).
    codes, labels = pd.factorize(frame["group"], sort=True)
    sex = np.where(is_female, 0, np.where(is_male, 1, -1))
    chosen = keep & (sex >= 0) & (codes >= 0)
    rows = pd.DataFrame(
        {"group": codes[chosen], "sex": sex[chosen], "value": values.to_numpy()[chosen]}
    )
    stats = rows.groupby(["group", "sex"])["value"].agg(["size", "mean", "median"])
    stats.index = stats.index.set_levels(
        [
            pd.Index(np.asarray(labels, dtype=object)[stats.index.levels[0]]),
            pd.Index(["F", "M"])[stats.index.levels[1]],
        ]
    )
    wide = stats.unstack("sex")
    out = []
    for stat in STATS:
        part = pd.DataFrame(
            {
                "n_female": wide.get(("size", "F"), pd.Series(0, index=wide.index)),
                "n_male": wide.get(("size", "M"), pd.Series(0, index=wide.index)),
                "female": wide.get((stat, "F"), pd.Series(np.nan, index=wide.index)),
                "male": wide.get((stat, "M"), pd.Series(np.nan, index=wide.index)),
            }
        )
        part.insert(0, "stat", stat)
        out.append(part)
    table = pd.concat(out).reset_index()
    table.insert(1, "element", element.name)
    table[["n_female", "n_male"]] = table[["n_female", "n_male"]].fillna(0).astype("int64")
    return table


def _flag_patterns(table: pd.DataFrame, pattern_threshold: float, min_pattern: int) -> pd.DataFrame:
    """Add ``pattern_groups`` and ``pattern_elements`` (booleans) to the comparison table."""
    gap = _round_gap(table["gap"].to_numpy(dtype="float64"))
    direction = np.sign(gap)
    over = np.abs(np.nan_to_num(gap)) >= pattern_threshold
    sign = pd.Series(np.where(over, direction, 0), index=table.index)
    keys = [table["element"], table["stat"], sign]
    count = sign.groupby(keys, observed=True).transform("size").to_numpy()
    table["pattern_groups"] = over & (count >= min_pattern)
    # hourly pay restates basic pay per hour: it is not a separate element for this pattern
    distinct = ~((table["element"] == "hourly") & table["element"].eq("basic").any()).to_numpy()
    sign_e = sign.where(distinct, 0)
    count = sign_e.groupby([table["group"], table["stat"], sign_e], observed=True).transform("size")
    table["pattern_elements"] = over & distinct & (count.to_numpy() >= min_pattern)
    return table


@dataclass(frozen=True)
class EqualPayAudit(Result):
    """Results of an equal pay audit.

    Attributes
    ----------
    table
        One row per group x pay element x statistic: ``group, basis, element, stat, n_female,
        n_male, female, male, gap`` (percent of men's pay), ``direction``, ``flag_gap``
        (``|gap| >= gap_threshold``), ``pattern_groups``, ``pattern_elements`` and ``flag``
        (any of the three).
    receipt
        Share of women and men in each group receiving each recipients-only element (bonus,
        allowances).
    factors
        Contributing factors by group and sex (see :func:`contributing_factors`).
    actions
        Flagged comparisons ordered by size of gap, then headcount (see :meth:`action_list`).
    hours_known
        Whether the data records hours or FTE; if not, basic pay is annual pay as recorded.
    not_recorded, not_recorded_label
        Women and men with no value of the grouping column (e.g. a blank grade): counted, not
        compared; the label names them (``"grade not recorded"``).
    """

    table: pd.DataFrame
    receipt: pd.DataFrame
    factors: pd.DataFrame
    elements: tuple[PayElement, ...]
    group_by: str
    gap_threshold: float = 5.0
    pattern_threshold: float = 3.0
    min_pattern: int = 2
    n_other: int = 0
    hours_known: bool = True
    not_recorded: tuple[int, int] = (0, 0)
    not_recorded_label: str = ""
    title: str = "Equal pay audit: gaps within groups doing equal work"
    by: str = "sex"
    reference: str = "M"
    compare: str = "F"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def n_groups(self) -> int:
        return int(self.table["group"].nunique())

    def comparable(self, min_cell: int = 1) -> pd.DataFrame:
        """Rows with at least ``min_cell`` women and men (a gap that can be published)."""
        t = self.table
        return t[(t["n_female"] >= min_cell) & (t["n_male"] >= min_cell) & t["gap"].notna()]

    def group_summary(self, stat: str = "mean") -> pd.DataFrame:
        """One row per group: headcounts, the gap in each element (``gap_<element>``), flags."""
        t = self.table[self.table["stat"] == stat]
        gaps = t.pivot(index="group", columns="element", values="gap")
        gaps = gaps.reindex(columns=[e.name for e in self.elements if e.name in gaps.columns])
        gaps.columns = [f"gap_{c}" for c in gaps.columns]
        first = self.elements[0].name
        counts = t[t["element"] == first].set_index("group")[["basis", "n_female", "n_male"]]
        flags = self.table.groupby("group").agg(
            flag_gap=("flag_gap", "any"),
            pattern=("pattern_groups", "any"),
            pattern_elements=("pattern_elements", "any"),
        )
        flags["pattern"] = flags["pattern"] | flags.pop("pattern_elements")
        out = counts.join(gaps).join(flags).reset_index()
        return out.sort_values("group", kind="stable").reset_index(drop=True)

    def publishable(self, stat: str = "mean", min_cell: int = disclosure.DEFAULT_MIN_CELL):
        """:meth:`group_summary` ready to publish, and the statistics-suppression record.

        Each element's gap is governed by the smaller of that element's counts of women and men
        (for bonus and allowances: recipients), so a bonus gap of a large grade with few bonus
        recipients is hidden. The flag columns show only flags raised by publishable comparisons;
        a group with no publishable comparison shows ``[c]``.
        """
        table = self.group_summary(stat)
        t = self.table
        ok = (t["n_female"] >= min_cell) & (t["n_male"] >= min_cell)
        counts = t[t["stat"] == stat].assign(n_smaller=t[["n_female", "n_male"]].min(axis=1))
        smaller = counts.pivot(index="group", columns="element", values="n_smaller")
        governing = {}
        for column in [c for c in table if c.startswith("gap_")]:
            name = f"n_{column}"
            table[name] = table["group"].map(smaller[column.removeprefix("gap_")]).fillna(0)
            table[name] = table[name].astype("int64")
            governing[column] = name
        flags = (
            t[ok]
            .groupby("group")
            .agg(
                flag_gap=("flag_gap", "any"),
                p1=("pattern_groups", "any"),
                p2=("pattern_elements", "any"),
            )
        )
        flags["pattern"] = flags.pop("p1") | flags.pop("p2")
        hidden = disclosure.suppress_statistics(
            table.drop(columns=["flag_gap", "pattern"]), governing, list(governing), min_cell
        )
        shown = hidden.table.drop(columns=list(governing.values()))
        for column, word in (("flag_gap", "gap"), ("pattern", "pattern")):
            value = table["group"].map(flags[column])
            shown[column] = np.where(
                value.isna(),
                disclosure.SUPPRESSED,
                np.where(value.eq(True).to_numpy(dtype=bool), f"{word} flagged", ""),
            )
        for column in ("n_female", "n_male"):
            n = table[column]
            shown[column] = n.astype("object").where(
                ~((n > 0) & (n < min_cell)), disclosure.SUPPRESSED
            )
        return shown, hidden

    def action_list(self, min_cell: int = 1) -> pd.DataFrame:
        """Step 5: one row per group with a flag, largest gap first, then largest headcount.

        Only comparisons with at least ``min_cell`` women and men count (the rest are counted by
        :meth:`n_hidden_flags`). Each row gives the group's largest flagged gap (its pay element,
        statistic and direction), every flagged pay element, what was found, and what the
        contributing factors suggest checking first.
        """
        rows = self.comparable(min_cell)
        rows = rows[rows["flag"]].copy()
        columns = ["priority", "group", "n_female", "n_male", "gap", "element", "stat"]
        columns += ["direction", "elements", "finding", "check"]
        if rows.empty:
            return pd.DataFrame(columns=columns)
        rows["abs_gap"] = rows["gap"].abs()
        order = {e.name: i for i, e in enumerate(self.elements)}
        rows["_order"] = rows["element"].map(order)
        rows = rows.sort_values(["group", "abs_gap", "_order"], ascending=[True, False, True])
        top = rows.groupby("group", sort=False).head(1).set_index("group")
        flagged = rows.sort_values(["_order", "stat"]).groupby("group")
        top["elements"] = flagged.apply(
            lambda g: _element_list(g, self.hours_known), include_groups=False
        )
        top["finding"] = flagged.apply(
            lambda g: _finding(g, self.gap_threshold, self.pattern_threshold), include_groups=False
        )
        counts = self.comparable(1)
        counts = counts[counts["element"] == self.elements[0].name].groupby("group").first()
        top["n_female"] = counts["n_female"].reindex(top.index).fillna(top["n_female"])
        top["n_male"] = counts["n_male"].reindex(top.index).fillna(top["n_male"])
        top["headcount"] = top["n_female"] + top["n_male"]
        top = top.reset_index().sort_values(
            ["abs_gap", "headcount", "group"], ascending=[False, False, True], kind="stable"
        )
        top["check"] = [
            _next_step(r.group, r.direction, self.factors, r.element, self.reference, self.compare)
            for r in top.itertuples()
        ]
        top.insert(0, "priority", np.arange(1, len(top) + 1))
        top[["n_female", "n_male"]] = top[["n_female", "n_male"]].astype("int64")
        return top[columns].reset_index(drop=True)

    def n_hidden_flags(self, min_cell: int) -> int:
        """Flagged comparisons resting on fewer than ``min_cell`` women or men (not published)."""
        t = self.table
        small = (t["n_female"] < min_cell) | (t["n_male"] < min_cell)
        return int((small & t["flag"]).sum())


_ELEMENT_WORDS = {
    "basic": "basic pay",
    "hourly": "hourly pay",
    "bonus": "bonus",
    "allowances": "allowances",
    "overtime": "overtime pay",
}


def element_name_words(name: str, hours_known: bool = True) -> str:
    """A pay element's short name in words; basic pay is *annual* basic pay when the data
    records neither hours nor FTE."""
    if name == "basic" and not hours_known:
        return "annual basic pay"
    return _ELEMENT_WORDS.get(name, name.replace("_", " "))


def _element_list(rows: pd.DataFrame, hours_known: bool = True) -> str:
    """``"basic pay (mean, median); bonus (mean)"`` for the flagged rows of one group."""
    parts = []
    for element, g in rows.groupby("element", sort=False):
        parts.append(f"{element_name_words(element, hours_known)} ({', '.join(g['stat'])})")
    return "; ".join(parts)


def _finding(rows: pd.DataFrame, gap_threshold: float, pattern_threshold: float) -> str:
    parts = []
    if rows["flag_gap"].any():
        parts.append(f"gap of {gap_threshold:g}% or more")
    if rows["pattern_groups"].any():
        parts.append(f"{pattern_threshold:g}%+ gaps recur across groups")
    if rows["pattern_elements"].any():
        parts.append(f"{pattern_threshold:g}%+ gaps recur across pay elements")
    return "; ".join(parts)


def _next_step(
    group: str,
    direction: str,
    factors: pd.DataFrame,
    element: str = "",
    reference: str = "M",
    compare: str = "F",
) -> str:
    """What the data suggests checking first for this group, from the factors it records.

    Each factor is looked at only when the data records it for this group: length of service
    (start dates), age (age bands), part-time work (a working pattern), contracted hours (weekly
    hours; only for a gap in hourly pay, as full-time-equivalent pay already allows for hours)
    and position in the group's pay range (always, from pay). Longer service or greater age is
    suggested only when the better-paid sex has it. A factor the data does not record is named
    as not in the data, never said to have been checked.
    """
    f = factors[factors["group"] == group]
    if f.empty or not {compare, reference} <= set(f["sex"]):
        return "Check the reasons for the difference with HR records."
    women, men = f.set_index("sex").loc[compare], f.set_index("sex").loc[reference]
    favoured = "men" if direction == "men paid more" else "women"
    hints: list[str] = []
    checked: list[str] = []
    absent: list[str] = []

    def known(column: str) -> bool:
        return pd.notna(women.get(column)) and pd.notna(men.get(column))

    def recorded(column: str) -> bool:
        return column in factors and bool(factors[column].notna().any())

    if known("mean_service"):
        checked.append("length of service")
        extra = men["mean_service"] - women["mean_service"]
        more = "men" if extra > 0 else "women"
        if abs(extra) >= 2 and more == favoured:
            hints.append(f"length of service ({more} average {abs(extra):.1f} years more)")
    elif not recorded("mean_service"):
        absent.append("length of service")
    if known("mean_age"):
        checked.append("age")
        extra = men["mean_age"] - women["mean_age"]
        more = "men" if extra > 0 else "women"
        if abs(extra) >= 5 and more == favoured:
            hints.append(f"age and experience ({more} are {abs(extra):.0f} years older on average)")
    elif not recorded("mean_age"):
        absent.append("age")
    if known("pct_part_time"):
        checked.append("part-time work")
        if abs(men["pct_part_time"] - women["pct_part_time"]) >= 20:
            hints.append(
                f"part-time work ({women['pct_part_time']:.0f}% of women, "
                f"{men['pct_part_time']:.0f}% of men work part time)"
            )
    elif not recorded("pct_part_time"):
        absent.append("working pattern")
    if not recorded("mean_hours"):
        absent.append("hours")
    elif element == "hourly" and known("mean_hours"):
        checked.append("hours")
        if abs(men["mean_hours"] - women["mean_hours"]) >= 2:
            hints.append(
                f"contracted hours, for hourly pay (women average {women['mean_hours']:.1f} hours "
                f"a week, men {men['mean_hours']:.1f})"
            )
    checked.append("pay position")
    if abs(men["mean_position"] - women["mean_position"]) >= 0.2:
        hints.append("position in the pay range (starting salaries, progression)")
    missing = f" Not in the data: {_join(absent)}." if absent else ""
    if not hints:
        listed = _join(checked)
        verb = "does" if len(checked) == 1 else "do"
        return (
            f"{listed[0].upper()}{listed[1:]} {verb} not explain it: review the pay decisions."
            + missing
        )
    return "Check whether it is explained by " + " and by ".join(hints) + "." + missing


def _join(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def contributing_factors(
    data: pd.DataFrame,
    groups: pd.Series,
    *,
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
    pay: str = "annual_basic_pay",
    elements: Sequence[PayElement] = (),
) -> pd.DataFrame:
    """Step 4 evidence: what differs between women and men in each group.

    For each group and sex: headcount, mean years of service (snapshot date minus ``start_date``,
    when both exist; a proxy for time in grade, which the canonical table does not record), mean
    contracted weekly hours (which move hourly pay away from full-time salary), mean position in
    the group's pay range ``(pay - min) / (max - min)`` (0 = bottom, 1 = top; a proxy
    for the step or spinal point), the percentage working part time, the mean age (age-band
    mid-points) and the percentage receiving each recipients-only element (bonus, allowances).
    Service, hours, part-time share and age are missing (NaN) when the data has no start dates,
    hours, working pattern or age bands. ``by`` is the column of the compared groups (its codes are in
    the output's ``sex`` column), ``reference`` and ``compare`` their codes.
    """
    # Groups and sexes as codes, each factor reduced as soon as it is computed: no string per
    # employee and no table of every factor.
    g_codes, g_labels = pd.factorize(groups, sort=True)
    s_codes, s_labels = pd.factorize(data[by], sort=False)
    s_text = np.array([str(v) for v in np.asarray(s_labels, dtype=object)], dtype=object)
    order = np.argsort(s_text, kind="stable")  # sexes in text order, as a groupby on text
    s_text = s_text[order]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    binary_labels = np.isin(s_text, [reference, compare])
    n_sexes = max(len(s_text), 1)
    chosen = (g_codes >= 0) & (s_codes >= 0)
    s_ranked = rank[np.maximum(s_codes, 0)]
    chosen &= binary_labels[s_ranked] if len(s_text) else False
    key = g_codes[chosen] * n_sexes + s_ranked[chosen]
    del s_ranked, s_codes
    size = len(g_labels) * n_sexes
    n = np.bincount(key, minlength=size)
    present = np.flatnonzero(n > 0)
    out = pd.DataFrame(
        {
            "group": pd.Index(np.asarray(g_labels, dtype=object)[present // n_sexes]),
            "sex": pd.Index(s_text[present % n_sexes]),
            "n": n[present],
        }
    )

    def mean(values: np.ndarray) -> np.ndarray:
        """Mean of the non-missing values of each group and sex (NaN when none)."""
        v = values[chosen]
        ok = ~np.isnan(v)
        total = np.bincount(key[ok], weights=v[ok], minlength=size)[present]
        count = np.bincount(key[ok], minlength=size)[present]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    missing = np.full(len(data), np.nan)
    if "start_date" in data and "snapshot_date" in data and data["start_date"].notna().any():
        days = (data["snapshot_date"] - data["start_date"]).dt.days
        out["mean_service"] = mean(days.astype("float64").to_numpy() / 365.25)
        del days
    else:
        out["mean_service"] = mean(missing)
    pay_values = data[pay].astype("float64").to_numpy()
    by_group = pd.Series(pay_values).groupby(g_codes)
    lows, highs = by_group.min(), by_group.max()  # per group (codes >= 0)
    known = g_codes >= 0
    at = np.maximum(g_codes, 0)
    low = np.where(known, lows.reindex(range(len(g_labels))).to_numpy()[at], np.nan)
    high = np.where(known, highs.reindex(range(len(g_labels))).to_numpy()[at], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        position = (pay_values - low) / np.where(high > low, high - low, np.nan)
    del low, high
    out["mean_position"] = mean(np.where(np.isnan(position), 0.5, position))
    del position
    if has_values(data, "working_pattern"):
        p_codes, p_labels = pd.factorize(data["working_pattern"])
        part = np.array([str(v) == "part_time" for v in np.asarray(p_labels, dtype=object)])
        out["pct_part_time"] = mean(
            np.where(p_codes < 0, np.nan, part[np.maximum(p_codes, 0)].astype("float64") * 100)
        )
        del p_codes
    else:
        out["pct_part_time"] = mean(missing)
    hours = data["weekly_hours"] if "weekly_hours" in data else pd.Series(np.nan, index=data.index)
    out["mean_hours"] = mean(hours.astype("float64").to_numpy())
    if has_values(data, "age_band"):
        out["mean_age"] = mean(_age_midpoint(data["age_band"]).to_numpy())
    else:
        out["mean_age"] = mean(missing)
    for element in elements:
        if element.recipients_only:
            paid = (data[element.column].astype("float64").fillna(0) > 0).to_numpy() * 100.0
            out[f"pct_{element.name}"] = mean(paid)
    return out


def equal_pay_audit(
    data: pd.DataFrame,
    *,
    group_by: str = "grade",
    mapping: pd.DataFrame | Mapping | None = None,
    job: str = "occupation",
    elements: Sequence[PayElement | str] | Mapping[str, str] | None = None,
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
    gap_threshold: float = 5.0,
    pattern_threshold: float = 3.0,
    min_pattern: int = 2,
    basis: str | None = None,
) -> EqualPayAudit:
    """Equal pay audit: compare women's and men's pay within each group doing equal work.

    For group ``k``, pay element ``e`` and statistic ``s`` (mean or median),

    .. math:: g_{kes} = 100\\,\\frac{s(\\text{men}) - s(\\text{women})}{s(\\text{men})}

    over the employees of each sex in the group (only recipients for bonus and allowances). See the
    module docstring for the flags and how their boundaries are treated.

    Parameters
    ----------
    data
        Employee rows (canonical workforce table).
    group_by, mapping, job
        How equal-work groups are formed (:func:`equal_work_groups`); ``mapping`` is a table
        ``job, group, basis`` (:func:`research.data.structures.read_job_mapping`) or a dict.
    elements
        Pay elements: :class:`PayElement` objects, names of the defaults (``"basic"``, ``"hourly"``,
        ``"bonus"``, ``"allowances"``) or column names, or ``{name: column}``. Default: those of
        :data:`DEFAULT_ELEMENTS` present in the data (allowances only if a column exists).
    by, reference, compare
        Column of the compared groups and the codes of the reference group (men, whose pay is the
        base of the gap) and the compared group (women).
    gap_threshold, pattern_threshold, min_pattern
        Flag rules (defaults 5%, 3% and 2 recurrences, after the EHRC guidance).
    basis
        The basis of equal work of single-grade groups without a mapping (see
        :func:`equal_work_groups`), e.g. ``"rated as equivalent"`` when the user declares the
        grades to come from a job evaluation scheme.

    Employees with no value in ``group_by`` (a blank grade) are not compared: they are counted
    in ``not_recorded``.

    Returns
    -------
    EqualPayAudit

    References
    ----------
    Equality and Human Rights Commission (2010), *Equal pay audit for larger organisations*;
    EHRC (2011), *Equal Pay Statutory Code of Practice*; Equality Act 2010 ss.65-66.
    """
    require_columns(data, [by], role="compared groups")
    if not gap_threshold > 0 or not pattern_threshold > 0 or min_pattern < 2:
        raise InputError(
            "gap_threshold and pattern_threshold must be positive and min_pattern at least 2."
        )
    element_list = _as_elements(data, elements)
    groups = equal_work_groups(data, group_by, mapping=mapping, job=job, basis=basis)
    recorded = groups["group"].notna().to_numpy()
    all_female = (data[by] == compare).to_numpy(dtype=bool, na_value=False)
    all_male = (data[by] == reference).to_numpy(dtype=bool, na_value=False)
    not_recorded = (int((all_female & ~recorded).sum()), int((all_male & ~recorded).sum()))
    n_other = int((~(all_female | all_male)).sum())
    if not recorded.all():  # boolean selection copies every column: only when needed
        data, groups = data[recorded], groups[recorded]
    is_female, is_male = all_female[recorded], all_male[recorded]
    if not is_female.any() or not is_male.any():
        raise InputError(
            f"An equal pay audit needs both groups, {compare!r} and {reference!r}, in column "
            f"{by!r}."
        )
    frame = pd.concat([groups, data[[e.column for e in element_list]]], axis=1)
    table = pd.concat(
        [_compare(frame, e, is_female, is_male) for e in element_list], ignore_index=True
    )
    basis = groups.groupby("group", observed=True)["basis"].first()
    table.insert(1, "basis", table["group"].map(basis).astype("string"))
    with np.errstate(divide="ignore", invalid="ignore"):
        table["gap"] = np.where(
            table["male"] > 0, 100 * (table["male"] - table["female"]) / table["male"], np.nan
        )
    gap = _round_gap(table["gap"].to_numpy(dtype="float64"))
    table["direction"] = np.select(
        [gap > 0, gap < 0, gap == 0], ["men paid more", "women paid more", "equal"], ""
    )
    table["flag_gap"] = np.abs(np.nan_to_num(gap)) >= gap_threshold
    table = _flag_patterns(table, pattern_threshold, min_pattern)
    table["flag"] = table["flag_gap"] | table["pattern_groups"] | table["pattern_elements"]
    order = {e.name: i for i, e in enumerate(element_list)}
    table["_order"] = table["element"].map(order)
    table = (
        table.sort_values(["group", "_order", "stat"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    factors = contributing_factors(
        data,
        groups["group"],
        by=by,
        reference=reference,
        compare=compare,
        elements=element_list,
        pay=element_list[0].column,
    )
    receipt = factors[["group", "sex", *[c for c in factors if c.startswith("pct_")]]]
    return EqualPayAudit(
        table=table,
        receipt=receipt.drop(columns="pct_part_time"),
        factors=factors,
        elements=element_list,
        group_by="mapping" if mapping is not None else group_by,
        gap_threshold=float(gap_threshold),
        pattern_threshold=float(pattern_threshold),
        min_pattern=int(min_pattern),
        n_other=n_other,
        hours_known=hours_known(data),
        not_recorded=not_recorded,
        not_recorded_label=(
            "" if mapping is not None else f"{grouping_words(group_by)} not recorded"
        ),
        by=by,
        reference=reference,
        compare=compare,
    )


__all__ = [
    "ANNUAL_BASIC",
    "DEFAULT_ELEMENTS",
    "EQUAL_WORK_BASES",
    "EqualPayAudit",
    "PayElement",
    "absent_elements",
    "contributing_factors",
    "default_elements",
    "element_name_words",
    "equal_pay_audit",
    "equal_work_groups",
    "grouping_basis",
    "grouping_words",
    "has_values",
    "hours_known",
    "job_mapping_table",
]
