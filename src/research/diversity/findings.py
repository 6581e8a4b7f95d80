"""Sentences of the ethnicity and disability pay gap report: findings, captions, alt texts.

Every sentence is written from the published (disclosure-controlled) tables: a figure hidden in
a table ([c]) is never stated, and no sentence gives the count or share of a group of fewer than
``min_cell`` people. Gaps are "(reference - group) / reference x 100": positive when the group is
paid less than the reference group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from research.core.source import Source
from research.diversity.groups import ALL_OTHERS, ROBUST_GROUP, GroupGaps
from research.paygap.framing import Framing
from research.present.disclosure import SUPPRESSED
from research.present.formats import fmt_int
from research.present.report import Finding
from research.present.wording import count_words, join_words

#: The characteristic in words.
NOUNS = {"ethnicity": "ethnicity", "disability": "disability status"}


@dataclass(frozen=True)
class Context:
    framing: Framing
    min_cell: int
    currency: str = "GBP"

    @property
    def population(self) -> str:
        return self.framing.population


def _value(value) -> float | None:
    if value is None or (isinstance(value, str) and value == SUPPRESSED):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _gap(value: float) -> str:
    return _pct(value) if value >= 0 else f"{_pct(value)} (paid more)"


def _who(group: str, key: str) -> str:
    """A group as a noun phrase: "Black employees", "disabled employees"."""
    if key == "disability":
        return f"{group.lower()} employees"
    if group == ALL_OTHERS:
        return "employees of all other recorded ethnic groups"
    return f"{group} employees"


def _row(table: pd.DataFrame, group: str) -> pd.Series | None:
    rows = table[table["group"] == group]
    return None if rows.empty else rows.iloc[0]


# ----------------------------------------------------------------------------- findings


def hours_findings(framing: Framing) -> list[Finding]:
    """What pay is compared when the data hold no working hours: the first finding."""
    if framing.hours:
        return []
    return [
        Finding(
            f"Working hours are not in the data, so pay is compared as {framing.pay_words}, "
            "not hourly pay: these are not the hourly pay gaps the guidance describes.",
            key="no_hours",
        )
    ]


def categories_findings(source: Source, eth: GroupGaps | None, why: str) -> list[Finding]:
    """Ethnic categories that are not the GSS ones (data from outside England and Wales), and a
    reference group other than the one asked for."""
    out = []
    if eth is not None and source.framework != "GB":
        where = source.jurisdiction or f"pay in {source.currency}"
        text = (
            f"The employer is not in England and Wales ({where}): its ethnic categories are its "
            "own, not the GSS harmonised categories for England and Wales, and the column mapping "
            "assigns them to the five GSS broad groups only approximately, so the groups are not "
            "comparable with those of an English or Welsh employer."
        )
        if source.jurisdiction.upper() == "US":
            text += (
                " US categories such as Hispanic or Latino and American Indian or Alaska Native "
                "have no GSS equivalent: see the column mapping for where each was counted."
            )
        out.append(Finding(text, key="not_gss_categories"))
    if why:
        out.append(Finding(why, key="reference_group"))
    return out


def characteristic_findings(
    key: str, result: GroupGaps | None, absent: str, tables: dict, context: Context
) -> list[Finding]:
    """Share not disclosed, the headline gap, the largest group gap, small groups, bonus."""
    noun = NOUNS[key]
    if result is None:
        return [Finding(absent.split(". ")[0].rstrip(".") + ".", key=f"{key}_absent")]
    out = [_not_disclosed(key, result, context)]
    gaps = tables[f"{key}_pay_gaps"]
    pay = context.framing.pay_words
    ref = result.reference
    headline = ALL_OTHERS if key == "ethnicity" else gaps["group"].iloc[0]
    row = _row(gaps, headline)
    mean, median = (
        (_value(row["mean_gap"]), _value(row["median_gap"]))
        if row is not None
        else (
            None,
            None,
        )
    )
    if mean is not None and median is not None:
        out.append(
            Finding(
                f"The gap in mean {pay} between {_who(ref, key)} and {_who(headline, key)} is "
                f"{_gap(mean)} of {_who(ref, key)}' pay (median {_gap(median)}).",
                value=mean,
                key=f"{key}_mean_gap",
            )
        )
    else:
        out.append(
            Finding(
                f"The {noun} pay gap is not published: fewer than {context.min_cell} employees "
                "stand behind it.",
                key=f"{key}_mean_gap",
            )
        )
    if key == "ethnicity":
        out += _largest_group(result, gaps, context)
    if result.combination:
        out.append(Finding(result.combination, key=f"{key}_combined"))
    out += _bonus(key, result, tables, context)
    return out


def _not_disclosed(key: str, result: GroupGaps, context: Context) -> Finding:
    n, noun = result.n_not_disclosed, NOUNS[key]
    if n == 0:
        text = f"Every employee's {noun} is recorded."
        return Finding(text, value=0.0, key=f"{key}_not_disclosed")
    if n < context.min_cell:
        text = (
            f"Fewer than {context.min_cell} employees did not disclose their {noun} (no recorded "
            "value, or prefer not to say)."
        )
        return Finding(text, key=f"{key}_not_disclosed")
    text = (
        f"{_pct(result.pct_not_disclosed)} of employees ({fmt_int(n)}) did not disclose their "
        f"{noun} (no recorded value, or prefer not to say): they are counted, but in no pay "
        "comparison."
    )
    return Finding(text, value=result.pct_not_disclosed, key=f"{key}_not_disclosed")


def _largest_group(result: GroupGaps, gaps: pd.DataFrame, context: Context) -> list[Finding]:
    shown = [
        (r.group, _value(r.mean_gap), _value(r.median_gap))
        for r in gaps.itertuples()
        if r.group != ALL_OTHERS and _value(r.mean_gap) is not None
    ]
    if not shown:
        return []
    group, mean, median = max(shown, key=lambda r: r[1])
    text = (
        f"The largest gap in mean {context.framing.pay_words} against {result.reference} "
        f"employees is that of {group} employees: {_gap(mean)}"
        + (f" (median {_gap(median)})." if median is not None else ".")
    )
    small = result.gaps.loc[~result.gaps["robust"], "group"].tolist()
    if small:
        text += (
            f" Groups of fewer than {ROBUST_GROUP} employees ({join_words(small)}) give figures "
            "that can change a lot from year to year: read them with care."
        )
    return [Finding(text, value=mean, key="ethnicity_largest_gap")]


def _bonus(key: str, result: GroupGaps, tables: dict, context: Context) -> list[Finding]:
    if not result.bonus_recorded:
        return [
            Finding(
                f"Bonus pay is not in the data, so no bonus measures by {NOUNS[key]} are "
                "calculated.",
                key=f"{key}_bonus",
            )
        ]
    table = tables[f"{key}_bonus"]
    ref = _row(table, result.reference)
    other = _row(table, ALL_OTHERS if key == "ethnicity" else table["group"].iloc[1])
    if ref is None or other is None:
        return []
    a, b = _value(ref["pct_bonus"]), _value(other["pct_bonus"])
    if a is None or b is None:
        return []
    return [
        Finding(
            f"{_pct(a)} of {_who(result.reference, key)} and {_pct(b)} of "
            f"{_who(str(other['group']), key)} were paid a bonus in the 12 months to the snapshot.",
            value=b,
            key=f"{key}_bonus",
        )
    ]


def intersection_findings(
    cells: pd.DataFrame | None, tables: dict, eth: GroupGaps | None, context: Context
) -> list[Finding]:
    """The largest gap of women or men of an ethnic group against the reference cell."""
    if cells is None or eth is None:
        return []
    table = tables["intersection_gaps"]
    shown = [
        (r.group, r.sex, _value(r.mean_gap))
        for r in table.itertuples()
        if _value(r.mean_gap) is not None
    ]
    if not shown:
        return []
    group, sex, mean = max(shown, key=lambda r: r[2])
    return [
        Finding(
            f"Of women and men of each ethnic group, {group} {sex.lower()} have the largest gap in "
            f"mean {context.framing.pay_words} against {eth.reference} men: {_gap(mean)}.",
            value=mean,
            key="intersection_largest_gap",
        )
    ]


# ----------------------------------------------------------------------------- captions


def representation_caption(result: GroupGaps, context: Context) -> str:
    noun = NOUNS[result.characteristic]
    what = (
        "ethnic group (the broad groups of the GSS harmonised classification for England and "
        f"Wales, with {result.reference} as the reference group)"
        if result.characteristic == "ethnicity"
        else "disability status (disabled under the Equality Act 2010, self-reported)"
    )
    n = count_words(result.n_not_disclosed, context.min_cell)
    return (
        f"Employees by {what}: number and share of all employees. Not disclosed ({n}) means "
        f"no recorded {noun} or prefer not to say."
    )


def gaps_caption(result: GroupGaps, context: Context) -> str:
    ref = result.reference
    pay = context.framing.pay_words
    groups = "ethnic group" if result.characteristic == "ethnicity" else "group"
    text = (
        f"Gap in mean and median {pay} of each {groups} against {ref} employees, as a percentage "
        f"of {ref} employees' pay, over {context.population}: positive when the group is paid "
        "less, negative when it is paid more."
    )
    if result.characteristic == "ethnicity":
        text += (
            f" {ALL_OTHERS} compares {ref} employees with everyone else whose ethnicity is "
            "recorded."
        )
    return text + (
        f" Figures of fewer than {ROBUST_GROUP} employees are not robust (the guidance's advice)."
    )


def bonus_caption(result: GroupGaps, context: Context) -> str:
    return (
        "Share of employees paid a bonus in the 12 months to the snapshot, and the gap in mean "
        f"and median bonus pay against {result.reference} employees among those paid one (shown "
        f"where both groups have at least {context.min_cell} recipients)."
    )


def quarters_caption(result: GroupGaps, context: Context) -> str:
    return (
        f"Each quarter of {context.framing.pay_words} (lowest paid first) of the "
        f"{context.population} with a recorded {NOUNS[result.characteristic]}, and the share of "
        "each group in it; tied rates are shared between quarters in whole people, in proportion "
        "to the groups at that rate (as regulation 13(2) of the gender pay gap regulations "
        "requires for women and men). Groups of fewer than four times the smallest group size are "
        "not shown by quarter."
    )


def intersection_caption(eth: GroupGaps | None, context: Context, other_sex: int = 0) -> str:
    ref = eth.reference if eth is not None else "the reference group"
    return (
        f"Gap in mean and median {context.framing.pay_words} of women and men of each ethnic "
        f"group against {ref} men, as a percentage of their pay, over {context.population}. "
        "Small groups are combined as in the ethnicity pay gaps; cells of fewer than "
        f"{context.min_cell} are hidden ([c])."
    ) + (
        f" {count_words(other_sex, context.min_cell).capitalize()} employees with another or no "
        "recorded sex are not in this table (they are in every other figure)."
        if other_sex
        else ""
    )


# ----------------------------------------------------------------------------- alt text


def gap_alt(result: GroupGaps, rows: list, context: Context) -> str:
    pay = context.framing.pay_words
    listed = "; ".join(f"{g}: mean {_pct(m)}, median {_pct(d)}" for g, m, d in rows)
    group, mean, _ = max(rows, key=lambda r: r[1])
    return (
        f"Dot chart of the gap in mean and median {pay} of each group against {result.reference} "
        f"employees, as a percentage of their pay. Largest mean gap: {group}, {_pct(mean)}. "
        f"{listed}."
    )


def quarters_alt(result: GroupGaps, labels: list, values: list, context: Context) -> str:
    listed = "; ".join(f"{b}: {_pct(v)}" for b, v in zip(labels, values, strict=True))
    return (
        f"Stacked bars of the share of {result.reference} employees, and of everyone else with a "
        f"recorded {NOUNS[result.characteristic]}, in each quarter of "
        f"{context.framing.pay_words} (lowest first). {result.reference} employees' share: "
        f"{listed}."
    )
