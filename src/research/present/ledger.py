"""The per-dataset ledger of published counts, so later reports cannot undo earlier protection.

Every run that publishes counts records them in its run folder as ``disclosure_cells.json``: the
content hash of the data, the threshold, each published count with the conditions that say whom
it counts (see :mod:`research.present.counted`), and the conditions (never the value) of each
count it hid for being small. Before a later run on the same data (same hash) publishes,
:func:`earlier_cells` gathers the cells of every run folder under the same ``reports/`` folder,
failed and interrupted runs included (a run writes its tables as it goes, so a run that failed
later may still have published some). The audit treats the published ones as counts it cannot
hide and the hidden ones as counts it must keep protected: a later report that bands grades or
groups people differently cannot then give away, by difference, a count an earlier one hid.

The ledger holds published numbers and the description of hidden cells only; no hidden value and
no personal data.
Outside a run (working in JupyterLab) there is no run folder, so nothing is read or written.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from research.present.publication import CountCell, PublicationError
from research.present.show import run_dir

__all__ = ["FILE_NAME", "SCHEMA", "earlier_cells", "locked", "record"]

#: The ledger file in each run folder.
FILE_NAME = "disclosure_cells.json"
#: Version of the file's layout.
SCHEMA = 1
#: The lock file in the ``reports/`` folder that runs hold while they read, audit and record.
LOCK_NAME = ".disclosure.lock"


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """Hold the reports folder's ledger lock (nothing outside a run).

    Runs of the same data started side by side (a batch, two terminals) would otherwise each
    audit without the other's counts and could together give away what neither does alone.
    Holding the lock from :func:`earlier_cells` to :func:`record` puts their audits in turn.
    """
    folder = run_dir()
    if folder is None:
        yield
        return
    root = folder.resolve().parent.parent
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _encode(cell: CountCell) -> dict:
    conditions = sorted(
        [dim, sorted(value) if isinstance(value, frozenset) else value]
        for dim, value in cell.conditions
    )
    return {"conditions": conditions, "value": cell.value, "table": cell.table, "label": cell.label}


def _decode(entry: dict, origin: str) -> CountCell:
    conditions = frozenset(
        (dim, frozenset(value) if isinstance(value, list) else value)
        for dim, value in entry["conditions"]
    )
    value = entry["value"]
    return CountCell(
        conditions,
        f"{origin}: {entry['table']}",
        0,
        "",
        None if value is None else int(value),
        str(entry.get("label", "")),
    )


def record(
    data_hash: str, cells: Iterable[CountCell], min_cell: int, hidden: Iterable[CountCell] = ()
) -> Path | None:
    """Write this run's published counts, and the cells it hid for being small (without their
    values), to its run folder (nothing outside a run)."""
    folder = run_dir()
    if folder is None or not data_hash:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    known = _read(path, data_hash) if path.exists() else []
    entries = [_encode(c) for c in cells if c.value is not None]
    entries += [{**_encode(c), "value": None} for c in hidden if c.suppressed and c.sensitive]
    payload = {
        "schema": SCHEMA,
        "data_hash": data_hash,
        "min_cell": min_cell,
        "cells": [*map(_encode, known), *entries],
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)
    return path


def _read(path: Path, data_hash: str) -> list[CountCell]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(payload, dict) or payload.get("data_hash") != data_hash:
        return []
    origin = f"{path.parent.parent.name}/{path.parent.name}"
    try:
        return [_decode(entry, origin) for entry in payload.get("cells", [])]
    except (KeyError, TypeError, ValueError):
        return []


def earlier_cells(data_hash: str) -> list[CountCell]:
    """The counts published by earlier runs on the same data, one per distinct set of people,
    and the small counts they hid (suppressed cells, one per distinct set of people).

    Raises
    ------
    PublicationError
        When two earlier runs published different numbers for the same people (the ledger does
        not belong to this data).
    """
    folder = run_dir()
    if folder is None or not data_hash:
        return []
    root = folder.resolve().parent.parent
    seen: dict[frozenset, CountCell] = {}
    hidden: dict[frozenset, CountCell] = {}
    for path in sorted(root.glob(f"*/*/{FILE_NAME}")):
        if path.parent.resolve() == folder.resolve():
            continue
        for cell in _read(path, data_hash):
            if cell.suppressed:
                hidden.setdefault(cell.conditions, cell)
                continue
            known = seen.setdefault(cell.conditions, cell)
            if known.value != cell.value:
                raise PublicationError(
                    f"Earlier reports in {root} published different counts for the same people "
                    f"({known.table} and {cell.table}). Remove the run folders that were not made "
                    "from this data."
                )
    return [*seen.values(), *hidden.values()]
