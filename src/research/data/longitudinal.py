"""Longitudinal input: snapshots of one employer linked by ``employee_id``, and events.

Flows (who joined, who left, who was promoted) need the same people seen more than once. Two
inputs give them:

- **Linked snapshots**: canonical workforce rows with several ``snapshot_date`` values (one
  dataset holding them all, or a list of datasets loaded one by one), with ``employee_id`` stable
  from one extract to the next. :func:`link` compares each snapshot with the next: an id only in
  the later one is a **starter**, only in the earlier one a **leaver**, in both a stayer whose
  grade rank went up (**promotion**), down (**demotion**), changed grade without a rank change
  (**regrade**) or stayed (**stay**).
- An optional **events table** (one row per event: ``employee_id``, ``event`` = starter, leaver,
  promotion or regrade, ``event_date``, and for leavers ``reason`` = voluntary, dismissal,
  retirement, end_of_contract or redundancy), read with its own small mapping by
  :func:`read_events`. Snapshots say *who* moved; the events table adds what they cannot: why a
  leaver left (voluntary turnover needs it) and which grade changes were regradings rather than
  promotions. Without it, events are derived from the snapshots alone and reasons are "not
  recorded".

:func:`link` returns the **moves** table, one row per employee per period between consecutive
snapshots (``period_start``, ``period_end``, ``sex``, ``grade_from``/``grade_rank_from`` blank for
a starter, ``grade_to``/``grade_rank_to`` blank for a leaver, ``event``, ``reason``, and
``ethnicity``/``disability`` when recorded), which :mod:`research.flows` analyses. An id held
twice in one snapshot cannot be linked: :class:`LongitudinalError` says how many and in which
snapshot (never which ids). What cannot be linked otherwise is counted in :class:`Linkage`:
blank ids, people who leave and come back, sex recorded differently in two snapshots, events
whose id is in no snapshot or whose date falls outside the snapshots, leavers without a leaver
event. Ids themselves never leave this module.

Events mapping (YAML)::

    columns:
      employee_id: EMP_NO
      event: {column: EVENT_TYPE, codes: {New starter: starter, Leaver: leaver,
                                           Promotion: promotion, Regrade: regrade}}
      event_date: {column: EFFECTIVE_DATE, format: "%d/%m/%Y"}
      reason: {column: LEAVING_REASON, codes: {Resignation: voluntary, Retired: retirement,
                                               Dismissed: dismissal, End of FTC: end_of_contract,
                                               Redundant: redundancy}}

A value the codes do not list is refused with the values found (``reason`` may be blank for
events other than leavers). Without a mapping, the file's columns must already have the
canonical names and codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml

from research.data import datasets, readers

__all__ = [
    "EVENT_COLUMNS",
    "EVENTS",
    "LEAVER_REASONS",
    "MOVES",
    "GENERATED_IDS",
    "Linkage",
    "Linked",
    "LongitudinalError",
    "check_unique_ids",
    "link",
    "load_linked",
    "read_events",
]

#: Event codes of an events table.
EVENTS = ("starter", "leaver", "promotion", "regrade")
#: Reasons for leaving.
LEAVER_REASONS = ("voluntary", "dismissal", "retirement", "end_of_contract", "redundancy")
#: Canonical columns of an events table.
EVENT_COLUMNS = ("employee_id", "event", "event_date", "reason")
#: Kinds of move between two snapshots (the ``event`` column of the moves table).
MOVES = ("stay", "starter", "leaver", "promotion", "demotion", "regrade")
#: Reason of a leaver whose reason no events table gives.
NOT_RECORDED = "not recorded"

_CARRIED = ("ethnicity", "disability")


class LongitudinalError(datasets.DatasetError):
    """Snapshots or events that cannot be linked; the message says where and how to fix it."""


@dataclass(frozen=True)
class Linkage:
    """What could not be linked, as counts (the ids are never shown).

    Attributes
    ----------
    snapshots
        The snapshot dates, in order.
    counts
        One row per problem: ``problem`` (words), ``n`` (how many), ``effect`` (what was done).
    """

    snapshots: tuple[pd.Timestamp, ...]
    counts: pd.DataFrame

    @property
    def total(self) -> int:
        return int(self.counts["n"].sum()) if len(self.counts) else 0


class Linked(NamedTuple):
    """Linked snapshots: the rows, the moves between snapshots, the events table, the linkage."""

    data: pd.DataFrame
    moves: pd.DataFrame | None
    events: pd.DataFrame | None
    linkage: Linkage


def _date(value) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%B %Y}"


def check_unique_ids(data: pd.DataFrame, codes: np.ndarray | None = None) -> None:
    """Refuse a table in which an ``employee_id`` appears twice in one snapshot.

    The message gives the snapshot, how many ids repeat and the first rows concerned (row numbers
    counted from 1 in the table given), never the ids. ``codes``: the ids already factorized.
    """
    if codes is None:
        codes = pd.factorize(data["employee_id"].astype("string"))[0]  # -1 for a blank id
    code = np.asarray(codes)
    snap, snaps = pd.factorize(data["snapshot_date"])
    # an id counted more than once among its snapshot's rows (np.bincount per snapshot, no hash
    # table of (id, snapshot) pairs)
    dup = np.zeros(len(code), dtype=bool)
    n_ids = int(code.max()) + 1 if len(code) else 0
    for s in range(len(snaps)):
        mine = np.flatnonzero((snap == s) & (code >= 0))
        counts = np.bincount(code[mine], minlength=n_ids)
        dup[mine] = counts[code[mine]] > 1
        del mine, counts
    del snap
    if not dup.any():
        return
    ids = data["employee_id"].astype("string")
    dates = pd.to_datetime(data["snapshot_date"]).to_numpy()[dup]
    first = pd.Timestamp(np.sort(dates)[0])
    in_first = dup & (pd.to_datetime(data["snapshot_date"]).to_numpy() == first.to_datetime64())
    rows = np.flatnonzero(in_first)[:6] + 1
    n_ids = int(ids[in_first].nunique())
    snapshots = pd.Series(dates).nunique()
    raise LongitudinalError(
        f"{n_ids} employee id{'s' if n_ids != 1 else ''} appear{'s' if n_ids == 1 else ''} more "
        f"than once in the snapshot of {_date(first)} (rows {', '.join(map(str, rows))}"
        f"{', ...' if in_first.sum() > 6 else ''}; {snapshots} snapshot"
        f"{'s' if snapshots != 1 else ''} affected). Snapshots are linked by employee_id, so each "
        "id must be one person once per snapshot: an employee with two posts needs one row (their "
        "main post) or ids that tell the posts apart, consistently in every extract."
    )


#: What ``str.strip`` removes (Python's whitespace).
_SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()]


def _stripped(ids: pd.Series) -> pd.Series:
    """``ids.str.strip()``, without copying the ids when none has space around it (the first
    and last characters are looked at, not the ids one by one in Python)."""
    ends = (ids.str.slice(0, 1), ids.str.slice(-1))
    padded = ends[0].isin(_SPACES).to_numpy(dtype=bool) | ends[1].isin(_SPACES).to_numpy(dtype=bool)
    return ids.str.strip() if padded.any() else ids


def _take(values, index: np.ndarray):
    """``values[index]`` with ``-1`` giving a missing value (any array type)."""
    return pd.api.extensions.take(values, index, allow_fill=True)


def _codes_at(column: pd.Series, index: np.ndarray) -> np.ndarray:
    """Category codes of a categorical ``column`` at row positions ``index`` (-1: absent/blank)."""
    codes = np.asarray(column.array.codes)
    return np.where(index >= 0, codes[index], -1).astype(codes.dtype)


def _moves_between(
    frame: pd.DataFrame,
    code: np.ndarray,
    rows0: np.ndarray,
    rows1: np.ndarray,
    n_ids: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    carried: list[str],
) -> tuple[pd.DataFrame, int]:
    """The moves between two snapshots (row positions ``rows0``/``rows1`` of ``frame``, whose
    sex, grade and carried columns are categorical). Works on integer codes throughout: no
    string is copied per row."""
    present = np.zeros(n_ids, dtype=bool)
    present[code[rows0]] = True
    present[code[rows1]] = True
    ids = np.flatnonzero(present)  # sorted, as np.union1d but without its hashing
    where = np.full(n_ids, -1, dtype=np.int64)
    where[code[rows0]] = rows0
    i0 = where[ids]
    where[:] = -1
    where[code[rows1]] = rows1
    i1 = where[ids]
    del where, present
    present_from, present_to = i0 >= 0, i1 >= 0
    both = present_from & present_to
    ranks = frame["grade_rank"].to_numpy(dtype=float, na_value=np.nan)
    rank_from = np.where(present_from, ranks[i0], np.nan)
    rank_to = np.where(present_to, ranks[i1], np.nan)
    grade_from, grade_to = _codes_at(frame["grade"], i0), _codes_at(frame["grade"], i1)
    with np.errstate(invalid="ignore"):
        up = both & (rank_to > rank_from)
        down = both & (rank_to < rank_from)
    changed = both & ~up & ~down & (grade_from != grade_to)
    event = np.select(
        [~present_from, ~present_to, up, down, changed],
        [MOVES.index(m) for m in ("starter", "leaver", "promotion", "demotion", "regrade")],
        MOVES.index("stay"),
    ).astype(np.int8)
    sex_from, sex_to = _codes_at(frame["sex"], i0), _codes_at(frame["sex"], i1)
    sex_changed = int((both & (sex_from != sex_to)).sum())

    def categorical(column: str, codes: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, dtype=frame[column].dtype)

    def integers(values: np.ndarray) -> pd.arrays.IntegerArray:
        blank = np.isnan(values)
        return pd.arrays.IntegerArray(np.where(blank, 0, values).astype(np.int64), blank)

    moves = pd.DataFrame(
        {
            "employee_code": ids,
            "period_start": start,
            "period_end": end,
            "sex": categorical("sex", np.where(sex_from >= 0, sex_from, sex_to)),
            "grade_from": categorical("grade", grade_from),
            "grade_rank_from": integers(rank_from),
            "grade_to": categorical("grade", grade_to),
            "grade_rank_to": integers(rank_to),
            "event": pd.Categorical.from_codes(event, categories=list(MOVES)),
        }
    )
    for column in carried:
        before, after = _codes_at(frame[column], i0), _codes_at(frame[column], i1)
        moves[column] = categorical(column, np.where(before >= 0, before, after))
    return moves, sex_changed


def link(data: pd.DataFrame, events: pd.DataFrame | None = None) -> Linked:
    """Link snapshots by ``employee_id`` into moves, with reasons from ``events`` when given.

    Raises
    ------
    LongitudinalError
        An id repeated within a snapshot (:func:`check_unique_ids`), or an events table without
        the canonical columns.
    """
    for column in ("employee_id", "snapshot_date", "sex"):
        if column not in data:
            raise LongitudinalError(
                f"The snapshots have no {column} column: it is needed to link them."
            )
    problems: list[tuple[str, int, str]] = []
    ids = _stripped(data["employee_id"].astype("string"))
    blank = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
    if blank.any():
        problems.append(("rows without an employee id", int(blank.sum()), "left out of every flow"))
    keep = [c for c in ("snapshot_date", "sex", "grade", "grade_rank", *_CARRIED) if c in data]
    if blank.any():
        frame = data.loc[~blank, keep].reset_index(drop=True)
        frame["employee_id"] = ids[~blank].array
    else:  # every row kept: the columns as they are (no copy)
        frame = data[keep].reset_index(drop=True)
        frame["employee_id"] = ids.array
    del ids
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    for column in ("grade", "grade_rank"):
        if column not in frame:
            frame[column] = pd.Series(
                pd.NA, index=frame.index, dtype="Int64" if column == "grade_rank" else "string"
            )
    for column in ("sex", "grade", *(c for c in _CARRIED if c in frame)):
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("string").astype("category")
    code, uniques = pd.factorize(frame["employee_id"])
    check_unique_ids(frame, code)
    dates = tuple(pd.Timestamp(d) for d in np.sort(frame["snapshot_date"].unique()))
    checked = _check_events(events) if events is not None else None
    if len(dates) < 2:
        counts = pd.DataFrame(problems, columns=["problem", "n", "effect"])
        return Linked(data, None, checked, Linkage(dates, counts))
    carried = [c for c in _CARRIED if c in frame and frame[c].notna().any()]
    n_ids = len(uniques)
    snapshot = np.searchsorted(
        np.array([d.to_datetime64() for d in dates]), frame["snapshot_date"].to_numpy()
    )
    order = np.argsort(snapshot, kind="stable")
    bounds = np.searchsorted(snapshot[order], np.arange(len(dates) + 1))
    rows = [order[bounds[i] : bounds[i + 1]] for i in range(len(dates))]
    parts, sex_changed = [], 0
    for i in range(len(dates) - 1):
        part, changed = _moves_between(
            frame, code, rows[i], rows[i + 1], n_ids, dates[i], dates[i + 1], carried
        )
        parts.append(part)
        sex_changed += changed
    moves = pd.concat(parts, ignore_index=True)
    del parts, rows, order, frame  # the moves hold what is needed from here on
    if sex_changed:
        problems.append(
            (
                "employees whose recorded sex differs between two snapshots",
                sex_changed,
                "counted under their sex in the earlier snapshot",
            )
        )
    first_seen = np.full(n_ids, len(dates), dtype=np.int64)
    np.minimum.at(first_seen, code, snapshot)
    del code, snapshot
    period = np.searchsorted(
        np.array([d.to_datetime64() for d in dates]), moves["period_start"].to_numpy()
    )
    starter = (moves["event"] == "starter").to_numpy()
    back = int((starter & (first_seen[moves["employee_code"].to_numpy()] < period)).sum())
    if back:
        problems.append(
            (
                "employees who left and came back in a later snapshot",
                back,
                "counted as a leaver and again as a starter",
            )
        )
    reason = np.where((moves["event"] == "leaver").to_numpy(), NOT_RECORDED, None)
    if checked is not None:
        reason = _apply_events(moves, period, reason, checked, uniques, dates, problems)
    moves.insert(
        0,
        "employee_id",
        pd.array(_take(uniques, moves["employee_code"].to_numpy()), dtype="string"),
    )
    moves = moves.drop(columns="employee_code")
    moves["event"] = pd.Categorical(moves["event"], categories=MOVES)
    moves["sex"] = moves["sex"].astype("category")
    moves["reason"] = pd.array(reason, dtype="string")
    counts = pd.DataFrame(problems, columns=["problem", "n", "effect"])
    return Linked(data, moves, checked, Linkage(dates, counts))


def _period_of(dates: tuple[pd.Timestamp, ...], when: pd.Series) -> np.ndarray:
    """Index of the period (start, end] each date falls in; -1 outside the snapshots."""
    edges = np.array([d.to_datetime64() for d in dates])
    position = np.searchsorted(edges, when.to_numpy(dtype="datetime64[ns]"), side="left")
    inside = (position >= 1) & (position < len(edges)) & when.notna().to_numpy()
    return np.where(inside, position - 1, -1)


def _apply_events(moves, period, reason, events, uniques, dates, problems):
    """Leavers' reasons, and regrades, from the events table (in place on ``moves``)."""
    # the events' ids as codes of ``uniques`` (-1: in no snapshot), factorized together with them
    # (the uniques first, so their codes are their positions)
    together = pd.concat(
        [pd.Series(uniques, dtype="string"), events["employee_id"].astype("string")],
        ignore_index=True,
    )
    code = pd.factorize(together)[0][len(uniques) :]
    code = np.where(code < len(uniques), code, -1)
    del together
    unknown = code < 0
    if unknown.any():
        problems.append(
            ("events whose employee id is in no snapshot", int(unknown.sum()), "not used")
        )
    when = _period_of(dates, events["event_date"])
    outside = ~unknown & (when < 0)
    if outside.any():
        problems.append(
            (
                "events dated outside the snapshots' span",
                int(outside.sum()),
                f"not used (the snapshots run from {_date(dates[0])} to {_date(dates[-1])})",
            )
        )
    usable = ~unknown & (when >= 0)
    n_periods = len(dates) - 1
    move_key = moves["employee_code"].to_numpy() * n_periods + period
    event_key = code * n_periods + when
    kind = events["event"].astype("string")
    leaving = (moves["event"] == "leaver").to_numpy()
    mine = usable & (kind == "leaver").fillna(False).to_numpy(dtype=bool)
    found = pd.Series(
        events["reason"][mine].fillna(NOT_RECORDED).to_numpy(dtype=object), index=event_key[mine]
    )
    found = found[~found.index.duplicated(keep="last")]
    matched = found.reindex(move_key[leaving])
    has = matched.notna().to_numpy()
    positions = np.flatnonzero(leaving)
    reason[positions[has]] = matched.to_numpy()[has]
    if (~has).any():
        problems.append(
            (
                "leavers (absent from the next snapshot) without a leaver event",
                int((~has).sum()),
                "reason counted as not recorded",
            )
        )
    regrades = event_key[usable & (kind == "regrade").fillna(False).to_numpy(dtype=bool)]
    # membership by hashing the few regrade keys (np.isin would sort all the moves' keys)
    regrade = pd.Series(move_key).isin(regrades).to_numpy() if regrades.size else leaving & False
    relabel = regrade & moves["event"].isin(["promotion", "demotion"]).to_numpy()
    if relabel.any():
        moves.loc[relabel, "event"] = "regrade"
    return reason


def _check_events(events: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in EVENT_COLUMNS if c not in events]
    if missing:
        raise LongitudinalError(
            f"The events table has no {', '.join(missing)} column (columns: "
            f"{', '.join(map(str, events.columns))}). Give a mapping that names them "
            "(research.data.longitudinal module docstring)."
        )
    out = pd.DataFrame(
        {
            "employee_id": events["employee_id"].astype("string").str.strip(),
            "event": events["event"].astype("string").str.strip().str.lower(),
            "event_date": pd.to_datetime(events["event_date"], errors="coerce"),
            "reason": events["reason"].astype("string").str.strip().str.lower(),
        }
    )
    bad = sorted(set(out["event"].dropna().unique()) - set(EVENTS))
    if bad or out["event"].isna().any():
        raise LongitudinalError(
            f"Events table: event values {bad or ['(blank)']} are not among {', '.join(EVENTS)}; "
            "map them with the mapping's event codes."
        )
    reasons = out.loc[out["event"] == "leaver", "reason"]
    bad = sorted(set(reasons.dropna().unique()) - set(LEAVER_REASONS))
    if bad:
        raise LongitudinalError(
            f"Events table: leaving reasons {bad} are not among {', '.join(LEAVER_REASONS)}; map "
            "them with the mapping's reason codes."
        )
    undated = out["event_date"].isna()
    if undated.any():
        rows = np.flatnonzero(undated.to_numpy())[:5] + 1
        raise LongitudinalError(
            f"Events table: {int(undated.sum())} events have no readable date (rows "
            f"{', '.join(map(str, rows))}); give the date format in the mapping "
            '(event_date: {column: ..., format: "%d/%m/%Y"}).'
        )
    return out


def read_events(path: str | Path, mapping: str | Path | dict | None = None) -> pd.DataFrame:
    """Read an events table (CSV, Excel, ...) through its mapping (module docstring)."""
    raw = readers.read_table(path).frame
    if mapping is None or mapping == "":
        spec: dict = {"columns": {c: c for c in EVENT_COLUMNS}}
    elif isinstance(mapping, dict):
        spec = mapping
    else:
        spec = yaml.safe_load(Path(mapping).read_text(encoding="utf-8")) or {}
    columns = spec.get("columns") or {}
    out = {}
    for target in EVENT_COLUMNS:
        entry = columns.get(target)
        if entry is None:
            if target == "reason":
                out[target] = pd.Series(pd.NA, index=raw.index, dtype="string")
                continue
            raise LongitudinalError(
                f"The events mapping names no column for {target!r}: add 'columns: {target}: "
                "<column in the file>'."
            )
        entry = {"column": entry} if isinstance(entry, str) else dict(entry)
        source = entry.get("column")
        if source not in raw:
            raise LongitudinalError(
                f"Events file {Path(path).name} has no column {source!r} (for {target}); its "
                f"columns are {', '.join(map(str, raw.columns))}."
            )
        values = raw[source]
        if target == "event_date":
            values = pd.to_datetime(
                values.astype("string"), format=entry.get("format"), errors="coerce"
            )
        elif "codes" in entry:
            codes = {str(k): v for k, v in entry["codes"].items()}
            text = values.astype("string").str.strip()
            unknown = sorted(set(text.dropna()) - set(codes))
            if unknown:
                raise LongitudinalError(
                    f"Events file {Path(path).name}: values {unknown[:8]} of {source!r} are not in "
                    f"the mapping's codes for {target}; add them."
                )
            values = text.map(codes).astype("string")
        out[target] = values
    return _check_events(pd.DataFrame(out))


def load_linked(
    dataset: str | Sequence[str],
    *,
    mapping: str | None = None,
    events: str | Path | None = None,
    events_mapping: str | Path | None = None,
    base: str | Path | None = None,
) -> tuple[datasets.Dataset, Linked]:
    """Load snapshots (one dataset, or several loaded one by one and stacked) and link them.

    For linked synthetic snapshots (``synthetic_flows``, ``synthetic:years=5``) the generator's
    events table is used unless ``events`` names a file.
    """
    names = [dataset] if isinstance(dataset, str) else list(dataset)
    loaded = [datasets.load_dataset(n, mapping, base=base) for n in names]
    first = loaded[0]
    if len(loaded) > 1:
        data = pd.concat([d.data for d in loaded], ignore_index=True)
        summary = {**first.summary, "dataset": ", ".join(names)}
        first = datasets.Dataset(", ".join(names), data, summary, first.quarantine, first.inputs)
    table = None
    if events:
        table = read_events(events, events_mapping or None)
    else:
        head, _ = datasets.split_filter(names[0])
        if datasets.is_synthetic(head) and len(names) == 1:
            options = datasets.parse_synthetic_spec(head)
            if "years" in options:
                from research.data import synth_flows

                table = synth_flows.generate_flow_events(**options)
    found = link(first.data, table)
    generated = sum(len(d.data) for d in loaded if _generated_ids(d.summary))
    if generated:
        extra = pd.DataFrame(
            [(GENERATED_IDS, generated, "they cannot follow anyone from one extract to the next")],
            columns=["problem", "n", "effect"],
        )
        counts = pd.concat([found.linkage.counts, extra], ignore_index=True)
        found = found._replace(linkage=Linkage(found.linkage.snapshots, counts))
    return first, found


#: The linkage problem of ids a mapping generates from row numbers.
GENERATED_IDS = "rows whose employee id the mapping generates from the row number"


def _generated_ids(summary: dict) -> bool:
    """Whether the dataset's mapping generates employee ids (row numbers are not stable ids)."""
    path = (summary.get("mapping") or {}).get("path")
    if not path or not Path(path).is_file():
        return False
    from research.data.mapping import load_mapping

    field = load_mapping(path).fields.get("employee_id")
    return bool(field is not None and field.generate)
