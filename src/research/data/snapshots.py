"""Earlier snapshots to compare a dataset with: found or generated here, never in an analysis.

A report on change over time (e.g. the segregation report's change section) needs the workforce of
an earlier date. Where it comes from depends on the data and on a notebook parameter, so the data
layer resolves it and the report's ``build`` receives the rows as data:

- ``compare_with="auto"``: for synthetic data, the generator's previous year (same options, its
  segregation weight set to ``synthetic_earlier_segregation``); for other data, the dataset's own
  earliest snapshot date when it holds more than one;
- ``"none"``: no comparison;
- anything else: a dataset name or file path, loaded like the main dataset, latest snapshot.

Units (departments, occupations, job titles) are often renamed between snapshots. A
**crosswalk** says which earlier name is which current one: a CSV file with the columns ``from``
(the earlier name) and ``to`` (the current name), one row per renamed unit, e.g.::

    from,to
    Adult Services,Adult Social Care
    6145,6135

:func:`load_crosswalk` reads it (notebook parameter ``crosswalk``) into a ``{from: to}`` dict that
the report's ``build`` applies to the earlier snapshot's units.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from research.data import datasets, synth

__all__ = ["CrosswalkError", "EarlierSnapshot", "earlier_snapshot", "load_crosswalk"]

CROSSWALK_COLUMNS = ("from", "to")


class CrosswalkError(datasets.DatasetError):
    """A crosswalk file that cannot be used; the message names the file, the rows and the fix."""


def load_crosswalk(path: str | Path | None) -> dict[str, str]:
    """Read a crosswalk CSV (columns ``from``, ``to``) into ``{earlier name: current name}``.

    An empty ``path`` (the notebook default) gives ``{}``. Column names are matched without
    regard to case or surrounding spaces, values are text with surrounding spaces removed, other
    columns (e.g. a note) are ignored, a row repeated exactly counts once, and the delimiter may
    be a comma, semicolon or tab.

    Raises
    ------
    CrosswalkError
        The file is missing, not UTF-8 text, has no ``from``/``to`` columns, no rows, a blank
        cell, or one earlier name mapped to two different current names; the message names the
        file, the lines and the fix.
    """
    if path is None or not str(path).strip():
        return {}
    file = Path(path).expanduser()
    fix = "Give a CSV with a header 'from,to' and one row per renamed unit."
    if not file.is_file():
        raise CrosswalkError(f"Crosswalk file {str(path)!r} not found (tried {file.resolve()}).")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CrosswalkError(
            f"Crosswalk {file.name} is not UTF-8 text: save it as UTF-8 CSV."
        ) from None
    lines = text.splitlines()
    header = lines[0] if lines else ""
    sep = max((",", ";", "\t"), key=header.count)
    try:
        table = pd.read_csv(file, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise CrosswalkError(
            f"Crosswalk {file.name} is not a readable CSV ({err}). {fix}"
        ) from None
    names = {str(c).strip().lower(): c for c in table.columns}
    missing = [c for c in CROSSWALK_COLUMNS if c not in names]
    if missing:
        raise CrosswalkError(
            f"Crosswalk {file.name} has no column {' or '.join(repr(c) for c in missing)} "
            f"(columns: {', '.join(map(str, table.columns)) or 'none'}). {fix}"
        )
    pairs = pd.DataFrame({c: table[names[c]].str.strip() for c in CROSSWALK_COLUMNS})
    if pairs.empty:
        raise CrosswalkError(f"Crosswalk {file.name} has a header but no rows. {fix}")
    blank = pairs.index[(pairs == "").any(axis=1)]
    if len(blank):
        rows = ", ".join(str(i + 2) for i in blank[:5])
        raise CrosswalkError(
            f"Crosswalk {file.name} has blank cells on line {rows}: every row needs an earlier "
            "name (from) and the current name (to)."
        )
    pairs = pairs.drop_duplicates()
    clash = pairs[pairs["from"].duplicated(keep=False)]
    if len(clash):
        name = clash["from"].iloc[0]
        targets = " and ".join(repr(t) for t in clash.loc[clash["from"] == name, "to"])
        raise CrosswalkError(
            f"Crosswalk {file.name} maps {name!r} to {targets}: give each earlier name one "
            "current name."
        )
    return dict(zip(pairs["from"], pairs["to"], strict=True))


class EarlierSnapshot(NamedTuple):
    """The earlier snapshot's canonical rows and how a report names it, or why there is none."""

    data: pd.DataFrame | None
    label: str
    reason: str = ""


def _date(value) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%B %Y}"


def earlier_snapshot(
    dataset: datasets.Dataset,
    compare_with: str = "auto",
    *,
    synthetic_earlier_segregation: float = 0.7,
    mapping: str | None = None,
    columns: Sequence[str] | None = None,
) -> EarlierSnapshot:
    """The snapshot to compare ``dataset``'s latest snapshot with (module docstring).

    Returns the earlier snapshot's rows (one snapshot date, every sex), a label for sentences
    ("Compared with the <label>, ...") and, when there is none, the reason (a clause that
    completes "Change over time is not shown: ...").

    ``columns``: only these columns of the earlier rows (those of them the data have), e.g. the
    ``EARLIER_COLUMNS`` a report declares; ``None`` keeps every column. A synthetic earlier
    year then keeps only those columns from the moment it is drawn, and rows taken from the
    dataset itself are copied with those columns only.
    """
    raw = _earlier(dataset, compare_with, synthetic_earlier_segregation, mapping, columns)
    if raw.data is None or columns is None:
        return raw
    kept = [c for c in raw.data.columns if c in set(columns)]
    return raw._replace(data=raw.data[kept])


def _select(frame: pd.DataFrame, columns: Sequence[str] | None) -> pd.DataFrame:
    """``frame`` with only ``columns`` (those it has; all when ``None``), before rows are taken."""
    if columns is None:
        return frame
    keep = {*columns, "snapshot_date"}  # the date picks the snapshot
    return frame[[c for c in frame.columns if c in keep]]


def _earlier(
    dataset: datasets.Dataset,
    compare_with: str,
    synthetic_earlier_segregation: float,
    mapping: str | None,
    columns: Sequence[str] | None,
) -> EarlierSnapshot:
    snapshot = pd.Timestamp(dataset.data["snapshot_date"].max())
    if compare_with == "none":
        return EarlierSnapshot(None, "", "no earlier snapshot was asked for (compare_with = none)")
    if compare_with != "auto":
        other = datasets.load_dataset(compare_with, mapping)
        data = _select(other.data, columns)
        raw = data[data["snapshot_date"] == data["snapshot_date"].max()]
        return EarlierSnapshot(raw, f"{compare_with} ({_date(raw['snapshot_date'].max())})")
    name, filters = datasets.split_filter(dataset.name)
    linked = datasets.is_synthetic(name) and "years" in datasets.parse_synthetic_spec(name)
    if (name == "synthetic" or name.startswith("synthetic:")) and not linked:
        options = datasets.parse_synthetic_spec(name)
        raw = synth.generate_year_before(  # the earlier year only (the same rows as drawing both)
            snapshot.year,
            n_employees=options.pop("n_employees"),
            seed=options.pop("seed"),
            segregation_start=synthetic_earlier_segregation,
            segregation_end=options.pop("segregation", 1.0),
            snapshot_day=f"{snapshot:%m-%d}",
            columns=None if columns is None else [*columns, *filters],
            **options,
        )
        if filters:
            raw = datasets.apply_filter(raw, filters, dataset.name)
        label = (
            f"synthetic snapshot of {_date(raw['snapshot_date'].max())} (generator "
            f"segregation weight {synthetic_earlier_segregation:g})"
        )
        return EarlierSnapshot(raw, label)
    data = _select(dataset.data, columns)
    raw = data[data["snapshot_date"] < snapshot]
    if raw.empty:
        return EarlierSnapshot(
            None,
            "",
            f"the dataset holds one snapshot only ({_date(snapshot)}), so change over time "
            "cannot be measured; rerun with compare_with set to an earlier extract",
        )
    raw = raw[raw["snapshot_date"] == raw["snapshot_date"].min()]
    return EarlierSnapshot(
        raw, f"snapshot of {_date(raw['snapshot_date'].max())} in the same dataset"
    )
