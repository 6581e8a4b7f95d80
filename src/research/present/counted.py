"""Declaring what a report's tables count, and protecting them all together.

A topic's ``build`` describes each table that publishes counts of people (or shares that imply
them) as a :class:`CountTable`: which columns hold the groups and which the counts, and what
people each count covers. :func:`protect_tables` then

1. turns every declared number into a :class:`~research.present.publication.CountCell` whose
   conditions are stated over the *raw* canonical values (a pooled band of grades becomes the set
   of grades it pools; a sub-population becomes a dimension named by who is in it), so counts of
   different tables, reports and runs of the same data can be compared;
2. hides every count, and every share implying a count, of fewer than ``min_cell`` people
   (primary suppression; zeros are shown, as in :mod:`research.present.disclosure`);
3. audits all cells together with the counts published earlier for the same data (the ledger,
   :mod:`research.present.ledger`) and adds complementary suppression across tables
   (:func:`research.present.publication.protect`), or stops with a clear message;
4. hides the statistics that rest on a hidden count (a pay gap whose headcount is hidden), and
5. records this run's published counts in the ledger.

Shares
------
A percentage published beside a count gives a count away: 8.3% women among 12 is 1 woman. A
:class:`Share` declares the count a share implies, ``round(denominator * share / scale)``, where
the denominator is the row's count column or a fixed total (a share of all men, say). The implied
counts enter the audit as published counts; hiding one hides the share.

References: GSS/GSR *Disclosure Control Guidance for Tables Produced from Administrative Sources*
(2014), on the threshold rule, on percentages as disclosive as the counts they rest on, and on
disclosure by differencing across tables and publications.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from research.core.hashing import sha256_bytes
from research.core.source import Source
from research.present import ledger
from research.present.disclosure import SUPPRESSED, check_min_cell
from research.present.publication import (
    SUBSET_PREFIX,
    CountCell,
    PublicationAudit,
    audit,
    protect,
)
from research.present.report import Table

__all__ = [
    "NOT_RECORDED",
    "GRADE_UNIT",
    "CountTable",
    "Protected",
    "Share",
    "members",
    "protect_sections",
    "protect_tables",
    "total_members",
    "with_grade_unit",
    "subpopulation",
    "subpopulation_of",
]

#: The raw value standing for a blank (missing) value in conditions.
NOT_RECORDED = "(not recorded)"

Condition = tuple[str, Hashable]


def raw(value: object) -> str:
    """A raw canonical value as conditions state it: text, blanks as :data:`NOT_RECORDED`."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return NOT_RECORDED
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Share:
    """A column of shares (percentages by default) that implies a count.

    Attributes
    ----------
    counted
        Conditions of the people counted in the numerator beyond the row's groups, e.g.
        ``{"sex": "F"}``.
    denominator
        The row's count column the share is of (``"n"``), or a fixed total (all men: 1234).
    rest
        For a share of the row's count: conditions of the people in the denominator who are not
        counted (``{"sex": "M"}`` when the count is of women and men only); their number,
        ``denominator - implied``, is implied too. ``None`` when it is not (the row's count
        includes other sexes, or the denominator is a fixed total).
    scale
        100 for percentages, 1 for proportions.
    """

    counted: Mapping[str, Hashable]
    denominator: str | int
    rest: Mapping[str, Hashable] | None = None
    scale: float = 100.0


@dataclass(frozen=True)
class CountTable:
    """A published table, as disclosure control needs to know it.

    Attributes
    ----------
    name
        The table's name (its CSV file name).
    data
        Its data as it will be published (hidden cells ``"[c]"``), one row per group.
    groups
        Group column -> the canonical column it groups (``{"grade_group": "grade"}``); a column
        whose labels are not raw values says what each label covers in :attr:`members`.
    counts
        Count column -> conditions of the people it counts beyond the row's groups
        (``{"n_female": {"sex": "F"}, "n": {}}``).
    shares
        Share column -> :class:`Share`.
    members
        Group column -> label -> raw values it covers (pooled bands, "All other", totals).
    common
        Conditions every count of the table shares (its sub-population, :func:`subpopulation`).
    statistics
        Count or share column -> columns hidden with it in the same row (a gap with its
        headcount).
    primary
        For cells the table already hides: mask (rows in the order of ``data``) of those hidden
        for being small; the others were hidden to protect them and need no protection interval.
    row_conditions
        Conditions of each row beyond its groups (rows in the order of ``data``), for a table
        whose rows count different sub-populations (employees with hours recorded, with pay
        recorded, ...).
    domains
        For a dimension the analysis makes (not a column of the data): every value it takes,
        when the table's values are all there are (gain, loss, no change).
    open_groups
        The group labels are not values of a column of the data (categories made by an
        analysis) and need not be all there are: the audit allows people in none of them.
    fixed
        The table is published as it is whatever the audit finds (figures the law requires, such
        as the statutory quartile pay bands): its counts constrain the others but are never
        hidden here.
    """

    name: str
    data: pd.DataFrame
    groups: Mapping[str, str]
    counts: Mapping[str, Mapping[str, Hashable]] = field(default_factory=dict)
    shares: Mapping[str, Share] = field(default_factory=dict)
    members: Mapping[str, Mapping[Hashable, Iterable]] = field(default_factory=dict)
    common: tuple[Condition, ...] = ()
    statistics: Mapping[str, Sequence[str]] = field(default_factory=dict)
    primary: pd.DataFrame | None = None
    row_conditions: Sequence[Iterable[Condition]] | None = None
    domains: Mapping[str, Sequence[str]] = field(default_factory=dict)
    open_groups: bool = False
    fixed: bool = False


@dataclass(frozen=True)
class Protected:
    """The tables after disclosure control across the publication.

    Attributes
    ----------
    tables
        Table name -> data with every hidden cell ``"[c]"``.
    audit
        The final :class:`~research.present.publication.PublicationAudit`.
    earlier
        Number of counts published by earlier runs on the same data that took part.
    earlier_hidden
        Number of small counts earlier runs on the same data hid, kept protected here.
    """

    tables: dict[str, pd.DataFrame]
    audit: PublicationAudit
    earlier: int = 0
    earlier_hidden: int = 0

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def get(self, name: str, default: pd.DataFrame | None = None) -> pd.DataFrame | None:
        return self.tables.get(name, default)

    def note(self) -> str:
        """The audit's sentence, with the earlier runs taken into account."""
        return self.audit.note(earlier=self.earlier, earlier_hidden=self.earlier_hidden)


# ----------------------------------------------------------------------------- declarations

#: The grade as a unit when grades of several pay plans share names.
GRADE_UNIT = "pay_plan / grade"


def with_grade_unit(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with :data:`GRADE_UNIT` (pay plan and grade) when it records pay plans: a
    grade "3" of two plans is two groups of people, so tables of grades are declared over it."""
    if "pay_plan" in data and "grade" in data and data["pay_plan"].notna().any():
        plan = data["pay_plan"].astype("string").fillna("")
        return data.assign(**{GRADE_UNIT: plan + " / " + data["grade"].astype("string")})
    return data


def members(labels: pd.Series, values: pd.Series) -> dict[Hashable, frozenset[str]]:
    """Label -> the raw values it covers, from a grouping's labels and the raw values beside them.

    For a pooled grouping a topic makes from a raw column (grade bands, the largest occupations
    and "All other", blanks labelled "(missing)"): ``members(frame["grade_group"],
    frame["grade"])``.
    """
    # distinct (label, value) pairs from integer codes: no Python object per row (a categorical
    # is coded already), so 20 million rows cost two code arrays, not a table of strings
    label_codes, label_uniques = pd.factorize(labels, use_na_sentinel=False)
    value_codes, value_uniques = pd.factorize(values, use_na_sentinel=False)
    pairs = pd.unique(label_codes.astype(np.int64) * len(value_uniques) + value_codes)
    out: dict[Hashable, set[str]] = {}
    for pair in pairs:
        label, value = divmod(int(pair), len(value_uniques))
        out.setdefault(raw(label_uniques[label]), set()).add(raw(value_uniques[value]))
    return {key: frozenset(found) for key, found in out.items()}


def total_members(covered: Mapping[Hashable, frozenset], listed: Iterable) -> frozenset[str]:
    """What a Total row covers: the raw values of every listed label."""
    return frozenset().union(
        *(covered.get(raw(label), frozenset({raw(label)})) for label in listed)
    )


def subpopulation(mask: pd.Series | np.ndarray) -> tuple[Condition, ...]:
    """The condition marking a sub-population of the data (the rows where ``mask`` is true).

    The dimension is named by a hash of who is in it, so tables of different reports counting
    the same people share it, and tables counting different people never wrongly do. Empty when
    the mask covers every row (no sub-population).
    """
    values = np.asarray(mask, dtype=bool)
    if values.all():
        return ()
    digest = sha256_bytes(np.packbits(values).tobytes() + str(values.size).encode())
    return ((f"subset:{digest[:16]}", "in"),)


def subpopulation_of(
    data: pd.DataFrame,
    counts: object,
    name: str,
    *,
    known: Iterable[pd.Series | np.ndarray] = (),
) -> tuple[Condition, ...]:
    """The sub-population of women and men a table counts, judged from its counts alone.

    None when the counts add up to every woman and man of ``data`` (or some are hidden or
    missing: nothing to judge by); the rows of a ``known`` mask whose size they add up to; else
    a sub-population of its own called ``name``, whose members are not known here.
    """
    values = pd.to_numeric(pd.Series(np.ravel(np.asarray(counts, dtype=object))), errors="coerce")
    if values.isna().any():
        return ()
    size = int(values.sum())
    everyone = int(data["sex"].isin(["F", "M"]).to_numpy(dtype=bool, na_value=False).sum())
    if size == everyone:
        return ()
    for mask in known:
        if int(np.asarray(mask, dtype=bool).sum()) == size:
            return subpopulation(mask)
    return ((f"{SUBSET_PREFIX}{name}", "in"),)


def _condition(dimension: str, value: object, table: CountTable, column: str | None) -> Condition:
    covered = table.members.get(column, {}) if column else {}
    key = raw(value)
    if key in covered:
        values = frozenset(raw(v) for v in covered[key])
        return (dimension, values if len(values) != 1 else next(iter(values)))
    return (dimension, key)


def _value(value: object) -> int | None:
    if isinstance(value, str) and value == SUPPRESSED:
        return None
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(round(float(value)))  # type: ignore[arg-type]


def _extra(conditions: Mapping[str, Hashable]) -> frozenset:
    return frozenset(
        (d, frozenset(raw(x) for x in v) if isinstance(v, (set, frozenset)) else raw(v))
        for d, v in conditions.items()
    )


def _cells(table: CountTable, min_cell: int) -> list[CountCell]:
    """Every count a table publishes or implies; small ones hidden (sensitive)."""
    cells = []
    for position in range(len(table.data)):
        row = table.data.iloc[position]
        keys = frozenset(_condition(d, row[c], table, c) for c, d in table.groups.items())
        if table.row_conditions is not None:
            keys |= frozenset(table.row_conditions[position])
        cell = partial(
            _cell,
            table,
            position,
            keys | frozenset(table.common),
            " / ".join(raw(row[c]) for c in table.groups),
        )
        for column, conditions in table.counts.items():
            value = _value(row[column])
            small = _was_small(table, position, column, value)
            cells.append(cell(column, _extra(conditions), value, small))
        for column, share in table.shares.items():
            cells += _share_cells(row, column, share, cell)
    return _hide_together([_hide_small(c, min_cell) for c in cells])


def _cell(
    table: CountTable,
    position: int,
    keys: frozenset,
    label: str,
    column: str,
    extra: frozenset,
    value: int | None,
    small: bool,
) -> CountCell:
    return CountCell(keys | extra, table.name, position, column, value, label, small)


def _was_small(table: CountTable, position: int, column: str, value: int | None) -> bool:
    if value is not None or table.primary is None or column not in table.primary:
        return True
    return bool(table.primary[column].iloc[position])


def _share_cells(row: pd.Series, column: str, share: Share, cell) -> list:
    fraction = _value_float(row[column])
    base = (
        share.denominator
        if isinstance(share.denominator, (int, np.integer))
        else _value(row[share.denominator])
    )
    if base == 0:  # nobody to take a share of: the share implies nothing
        return []
    if fraction is None or base is None:
        implied = rest = None
    else:
        implied = int(round(base * fraction / share.scale))
        rest = int(base) - implied
    out = [cell(column, _extra(share.counted), implied, True)]
    if share.rest is not None:
        out.append(cell(column, _extra(share.rest), rest, True))
    return out


def _value_float(value: object) -> float | None:
    if isinstance(value, str) and value == SUPPRESSED:
        return None
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def _hide_small(cell: CountCell, min_cell: int) -> CountCell:
    if cell.value is not None and 0 < cell.value < min_cell:  # min_cell 0: nothing hidden
        return CountCell(cell.conditions, cell.table, cell.row, cell.column, None, cell.label)
    return cell


def _hide_together(cells: list[CountCell]) -> list[CountCell]:
    """A hidden share hides every count it implies (the count of women and of men)."""
    hidden = {(c.table, c.row, c.column) for c in cells if c.suppressed}
    return [
        CountCell(c.conditions, c.table, c.row, c.column, None, c.label, sensitive=False)
        if not c.suppressed and (c.table, c.row, c.column) in hidden
        else c
        for c in cells
    ]


# ----------------------------------------------------------------------------- protecting


#: The value standing for everyone outside the listed groups of an open grouping.
ANY_OTHER = "(any other group)"


def _domains(
    data: pd.DataFrame, cells: Sequence[CountCell], tables: Sequence[CountTable] = ()
) -> dict[str, list[str]]:
    """Every raw value of each canonical dimension the cells use (closed domains), and for the
    groups of open groupings their labels and :data:`ANY_OTHER`."""
    used = {d for c in cells for d in c.dimensions}
    out = {
        d: sorted({raw(v) for v in data[d].astype(object).unique()})
        for d in used
        if d in data.columns
    }
    for table in tables:
        out.update({d: sorted(map(raw, values)) for d, values in table.domains.items()})
    for dimension in used - set(out):  # made by an analysis: the values listed may not be all
        if not dimension.startswith(SUBSET_PREFIX):
            values = {
                v
                for c in cells
                for d, value in c.conditions
                if d == dimension
                for v in (value if isinstance(value, frozenset) else (value,))
            }
            out[dimension] = sorted(values | {ANY_OTHER})
    for table in tables:
        if not table.open_groups:
            continue
        found: dict[str, set[str]] = {}
        for column, dimension in table.groups.items():
            found.setdefault(dimension, set()).update(raw(v) for v in table.data[column])
        for conditions in table.row_conditions or ():
            for dimension, value in conditions:
                if dimension != "sex" and not dimension.startswith(SUBSET_PREFIX):
                    found.setdefault(dimension, set()).add(raw(value))
        for dimension, labels in found.items():
            out[dimension] = sorted(set(out.get(dimension, [])) | labels | {ANY_OTHER})
    return out


def protect_tables(
    tables: Sequence[CountTable],
    data: pd.DataFrame,
    *,
    min_cell: int,
    source: Source | None = None,
    across_runs: bool = True,
) -> Protected:
    """Disclosure control over every count a report publishes, with earlier reports' counts.

    Parameters
    ----------
    tables
        The report's count tables.
    data
        The canonical data the report was built on (its raw values define the dimensions).
    min_cell
        Threshold: counts of fewer people are hidden, and a hidden count must not be narrowed
        to a range of fewer people.
    source
        The data's source; with a ``data_hash`` and a run folder, this run's published counts are
        recorded in the ledger (:mod:`research.present.ledger`).
    across_runs
        Also audit against the counts earlier runs on the same data published and the small
        counts they hid (the ledger, :mod:`research.present.ledger`); on by default. Off only
        for tests of one report's own tables.

    Returns
    -------
    Protected

    Raises
    ------
    research.present.publication.PublicationError
        When a hidden count cannot be protected; the message names the table and cell.
    """
    min_cell = check_min_cell(min_cell)
    with ledger.locked() if across_runs else contextlib.nullcontext():
        return _protect_tables(tables, data, min_cell, source, across_runs)


def _protect_tables(
    tables: Sequence[CountTable],
    data: pd.DataFrame,
    min_cell: int,
    source: Source | None,
    across_runs: bool,
) -> Protected:
    hideable = [t for t in tables if not t.fixed]
    cells = [c for table in hideable for c in _cells(table, min_cell)]
    required = [c for table in tables if table.fixed for c in _cells(table, 0)]
    earlier = ledger.earlier_cells(source.data_hash if source else "") if across_runs else []
    fixed = [*required, *earlier]
    domains = _domains(data, [*cells, *fixed], tables)
    frames = {t.name: _with_hidden(t, cells) for t in hideable}
    if any(c.suppressed for c in cells) or fixed:
        frames, result = protect(frames, cells, min_cell, fixed=fixed, domains=domains)
    else:
        result = audit(cells, min_cell, domains=domains)
    frames = {t.name: _hide_statistics(t, frames[t.name]) for t in hideable}
    frames.update({t.name: t.data for t in tables if t.fixed})
    published = [*_published(frames, cells), *(c for c in required if not c.suppressed)]
    ledger.record(source.data_hash if source else "", published, min_cell, hidden=cells)
    return Protected(
        frames,
        result,
        earlier=sum(not c.suppressed for c in earlier),
        earlier_hidden=sum(c.suppressed for c in earlier),
    )


def _with_hidden(table: CountTable, cells: Sequence[CountCell]) -> pd.DataFrame:
    """The table with ``[c]`` in every cell hidden for being small."""
    frame = table.data.copy()
    for cell in cells:
        if cell.table == table.name and cell.suppressed:
            _mark(frame, cell.row, cell.column)
    return frame


def _mark(frame: pd.DataFrame, row: int, column: str) -> None:
    if frame[column].dtype != object:
        frame[column] = frame[column].astype(object)
    frame.iloc[row, frame.columns.get_loc(column)] = SUPPRESSED


def _hide_statistics(table: CountTable, frame: pd.DataFrame) -> pd.DataFrame:
    for column, dependent in table.statistics.items():
        hidden = frame[column].astype(object).eq(SUPPRESSED).to_numpy()
        for position in np.flatnonzero(hidden):
            for other in dependent:
                if other in frame:
                    _mark(frame, int(position), other)
    return frame


def _published(frames: Mapping[str, pd.DataFrame], cells: Sequence[CountCell]) -> list[CountCell]:
    """The cells whose value this run publishes (shown in the final tables)."""
    out = []
    for cell in cells:
        if cell.suppressed:
            continue
        shown = frames[cell.table].iloc[cell.row][cell.column]
        if not (isinstance(shown, str) and shown == SUPPRESSED):
            out.append(cell)
    return out


def protect_sections(
    sections: Sequence,
    declare: Callable[[dict[str, Table]], Sequence[CountTable]],
    data: pd.DataFrame,
    *,
    min_cell: int,
    source: Source | None = None,
) -> tuple[tuple, Protected]:
    """:func:`protect_tables` for tables already made into report :class:`Table` items.

    ``declare`` gets the sections' tables by name and returns their declarations; the sections
    come back with each declared table's data replaced by its protected data.
    """
    tables = {
        item.name: item for section in sections for item in section.items if isinstance(item, Table)
    }
    declared = declare(tables)
    protected = protect_tables(declared, data, min_cell=min_cell, source=source)
    names = {d.name for d in declared}

    def swap(item):
        if isinstance(item, Table) and item.name in names:
            return dataclasses.replace(item, data=protected[item.name][list(item.data.columns)])
        return item

    out = tuple(
        dataclasses.replace(section, items=tuple(swap(i) for i in section.items))
        for section in sections
    )
    return out, protected
