"""Matching the units of an earlier snapshot to the current one, for the change section.

Occupations and departments are renamed and recoded between snapshots. A unit found in only one
snapshot enters a change decomposition as an addition or a removal, so a renamed unit would be
counted twice over, and a wholesale renaming leaves nothing in common to compare. Here the
earlier snapshot's units are put into the current snapshot's names before change is computed:

- a ``crosswalk`` (earlier name -> current name, keyed by the unit's value or by its label) renames
  units first; units matched through it are counted as renamed, not as additions and removals;
- an occupation code found in both snapshots is the same unit even when its title changed;
- every unit still found in only one snapshot is counted, with examples, and :func:`explain`
  says so in words, suggesting a crosswalk or a coarser level that matches better.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.present import tabulate
from research.present.formats import fmt_int
from research.present.wording import join_words

#: Readable singular and plural of each unit level.
NOUNS = {
    "occupation": ("occupation", "occupations"),
    "occupation_title": ("job title", "job titles"),
    "department": ("department", "departments"),
    "job_family": ("job family", "job families"),
}
#: Coarser levels worth suggesting when units do not match, finest first.
COARSER = {
    "occupation_title": ("occupation", "job_family"),
    "occupation": ("job_family",),
    "department": ("job_family",),
}
#: Examples named per list of unmatched units.
EXAMPLES = 3


def noun(level: str, n: int = 2) -> str:
    """``"occupations"``, ``"departments"``, ... (``"values of <level>"`` otherwise); the
    singular when ``n`` is 1."""
    name = level.replace("_", " ")
    one, many = NOUNS.get(level, (f"value of {name}", f"values of {name}"))
    return one if n == 1 else many


def labels(data: pd.DataFrame, level: str) -> pd.Series:
    """The report's unit labels (code and title for occupations), ``"(missing)"`` when blank."""
    return tabulate.occupation_labels(data, level).fillna("(missing)")


@dataclass(frozen=True)
class UnitMatch:
    """How the units of an earlier snapshot match the current snapshot's.

    ``only_earlier`` and ``only_current`` list the unmatched units, largest first; ``renamed`` is
    the number of earlier units matched through the crosswalk; ``coarser`` holds, for each
    coarser level present in both snapshots, its name, matched units and all units.
    """

    level: str
    n_earlier: int
    n_current: int
    only_earlier: tuple[str, ...]
    only_current: tuple[str, ...]
    renamed: int
    crosswalk_given: bool
    coarser: tuple[tuple[str, int, int], ...] = ()

    @property
    def n_common(self) -> int:
        return self.n_current - len(self.only_current)

    @property
    def matched(self) -> bool:
        return not self.only_earlier and not self.only_current


def _largest_first(
    values: pd.Series, keep: set[str], weights: np.ndarray | None = None
) -> tuple[str, ...]:
    """The values in ``keep``, most rows first (``weights``: rows behind each value given)."""
    if weights is None:
        counts = values[values.isin(keep)].value_counts()
    else:
        counts = pd.Series(weights, index=values.to_numpy())[values.isin(keep).to_numpy()]
        counts = counts.groupby(level=0).sum().rename("count")
    order = (
        counts.rename_axis("unit")
        .reset_index()
        .sort_values(["count", "unit"], ascending=[False, True], kind="stable")
    )
    return tuple(order["unit"].astype(str))


def earlier_labels(
    earlier: pd.DataFrame,
    current: pd.DataFrame,
    level: str,
    crosswalk: Mapping[str, str] | None = None,
) -> tuple[pd.Series, UnitMatch]:
    """The earlier snapshot's unit labels in the current snapshot's names, and how they match.

    ``earlier`` and ``current`` are employee rows with the ``level`` column; ``crosswalk`` maps an
    earlier unit (its value, or its label) to its current name (value or label).
    """
    walk = {str(k): str(v) for k, v in (crosswalk or {}).items()}
    # Worked out once per distinct unit (value and title), then given to every row: the same
    # labels as row by row, without the text of every row.
    e_codes, e_first, e_rows = _distinct_units(earlier, level)
    c_codes, c_first, c_rows = _distinct_units(current, level)
    earlier_units = earlier.iloc[e_first]
    raw_e = earlier_units[level].astype("string")
    own = labels(earlier_units, level)
    current_labels = labels(current.iloc[c_first], level)
    # a value with several labels takes its last row's, as a dict built row by row would
    last = current.iloc[_last_rows(c_codes)]
    last_labels = labels(last, level)
    known = last[level].notna().to_numpy()
    by_value = dict(zip(last[level].astype("string")[known], last_labels[known], strict=True))
    target = raw_e.map(walk).astype("string").fillna(own.map(walk).astype("string"))
    renamed = target.notna()
    name = target.fillna(raw_e)
    label = name.map(by_value).astype("string")
    label = label.fillna(name.where(renamed)).fillna(own)
    units_c = set(current_labels)
    units_e = set(label)
    moved = renamed & label.isin(units_c) & (label != own)
    match = UnitMatch(
        level=level,
        n_earlier=len(units_e),
        n_current=len(units_c),
        only_earlier=_largest_first(label, units_e - units_c, e_rows),
        only_current=_largest_first(current_labels, units_c - units_e, c_rows),
        renamed=int(own[moved].nunique()),
        crosswalk_given=bool(walk),
        coarser=_coarser(earlier, current, level),
    )
    label = label.astype("string").array.take(e_codes)
    return pd.Series(label, index=earlier.index, dtype="string"), match


def _distinct_units(data: pd.DataFrame, level: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's code into the distinct units (value of ``level``, and title when the labels
    show one), the first row of each and the number of rows of each."""
    columns = [level]
    if level == "occupation" and "occupation_title" in data:
        columns.append("occupation_title")
    codes, first = tabulate.distinct_rows(data, columns)
    return codes, first, np.bincount(codes, minlength=len(first))


def _last_rows(codes: np.ndarray) -> np.ndarray:
    """The last row of each code."""
    return np.flatnonzero(~pd.Series(codes).duplicated(keep="last").to_numpy())


def _coarser(earlier: pd.DataFrame, current: pd.DataFrame, level: str) -> tuple:
    out = []
    for other in COARSER.get(level, ()):
        if other in earlier and other in current:
            a = set(pd.Series(earlier[other].dropna().unique()).astype(str))
            b = set(pd.Series(current[other].dropna().unique()).astype(str))
            if a and b:
                out.append((other, len(a & b), len(a | b)))
    return tuple(out)


def _examples(units: tuple[str, ...]) -> str:
    shown = join_words([f'"{u}"' for u in units[:EXAMPLES]])
    return f" (for example {shown})" if units else ""


def _of(units: tuple[str, ...], total: int) -> str:
    """``"5 of the 47"``, or ``"All 47"``."""
    if len(units) == total:
        return f"All {fmt_int(total)}" if total > 1 else "The"
    return f"{fmt_int(len(units))} of the {fmt_int(total)}"


def _are(units: tuple[str, ...]) -> str:
    return "is" if len(units) == 1 else "are"


def describe(match: UnitMatch, earlier_label: str) -> str:
    """What matched: counts of units in only one snapshot, with examples (sentences)."""
    parts = []
    if match.only_earlier:
        parts.append(
            f"{_of(match.only_earlier, match.n_earlier)} {noun(match.level, match.n_earlier)} "
            f"of the {earlier_label} "
            f"{_are(match.only_earlier)} not in the current snapshot"
            f"{_examples(match.only_earlier)}"
        )
    if match.only_current:
        parts.append(
            f"{_of(match.only_current, match.n_current)} current "
            f"{noun(match.level, match.n_current)} "
            f"{_are(match.only_current)} not in the {earlier_label}"
            f"{_examples(match.only_current)}"
        )
    text = (
        "; ".join(parts) + "." if parts else f"Every {noun(match.level, 1)} is in both snapshots."
    )
    if match.renamed:
        text += (
            f" {fmt_int(match.renamed)} earlier {noun(match.level, match.renamed)} "
            f"{'was' if match.renamed == 1 else 'were'} matched to "
            f"{'its current name' if match.renamed == 1 else 'their current names'} through the "
            "crosswalk."
        )
    return text


def suggest(match: UnitMatch) -> str:
    """What would match units better: a crosswalk, or a coarser level that matches more."""
    what = noun(match.level)
    share = match.n_common / max(match.n_current, 1)
    better = [
        f"{noun(level)} ({fmt_int(common)} of {fmt_int(total)} in both)"
        for level, common, total in match.coarser
        if total and common / total > share
    ]
    text = (
        f"If {what} were renamed or recoded rather than created or closed, give a crosswalk of "
        f"earlier to current names (the notebook's crosswalk parameter, or codes: in the mapping)"
        + (" with more entries" if match.crosswalk_given else "")
    )
    if better:
        text += f", or compare a coarser level: {join_words(better, 'or')}"
    return text + "."


def explain(match: UnitMatch, earlier_label: str) -> str:
    """:func:`describe` and, when units are unmatched, how they enter the change and :func:`suggest`."""
    text = describe(match, earlier_label)
    if match.matched:
        return text
    return (
        f"{text} {noun(match.level).capitalize()} found in only one snapshot enter the change "
        f"as additions and removals, not as change within matched {noun(match.level)}. "
        + suggest(match)
    )
