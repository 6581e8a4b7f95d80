"""Earlier snapshots to compare a dataset with: found or generated here, never in an analysis.

A report on change over time (e.g. the segregation report's change section) needs the workforce of
an earlier date. Where it comes from depends on the data and on a notebook parameter, so the data
layer resolves it and the report's ``build`` receives the rows as data:

- ``compare_with="auto"``: for synthetic data, the generator's previous year (same options, its
  segregation weight set to ``synthetic_earlier_segregation``); for other data, the dataset's own
  earliest snapshot date when it holds more than one;
- ``"none"``: no comparison;
- anything else: a dataset name or file path, loaded like the main dataset, latest snapshot.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from research.data import datasets, synth


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
) -> EarlierSnapshot:
    """The snapshot to compare ``dataset``'s latest snapshot with (module docstring).

    Returns the earlier snapshot's rows (one snapshot date, every sex), a label for sentences
    ("Compared with the <label>, ...") and, when there is none, the reason (a clause that
    completes "Change over time is not shown: ...").
    """
    snapshot = pd.Timestamp(dataset.data["snapshot_date"].max())
    if compare_with == "none":
        return EarlierSnapshot(None, "", "no earlier snapshot was asked for (compare_with = none)")
    if compare_with != "auto":
        other = datasets.load_dataset(compare_with, mapping)
        raw = other.data[other.data["snapshot_date"] == other.data["snapshot_date"].max()]
        return EarlierSnapshot(raw, f"{compare_with} ({_date(raw['snapshot_date'].max())})")
    name, filters = datasets.split_filter(dataset.name)
    if name == "synthetic" or name.startswith("synthetic:"):
        options = datasets.parse_synthetic_spec(name)
        frames = synth.generate_years(
            [snapshot.year - 1, snapshot.year],
            n_employees=options.pop("n_employees"),
            seed=options.pop("seed"),
            segregation_start=synthetic_earlier_segregation,
            segregation_end=options.pop("segregation", 1.0),
            snapshot_day=f"{snapshot:%m-%d}",
            **options,
        )
        raw = frames[frames["snapshot_date"] < snapshot]
        if filters:
            raw = datasets.apply_filter(raw, filters, dataset.name)
        label = (
            f"synthetic snapshot of {_date(raw['snapshot_date'].max())} (generator "
            f"segregation weight {synthetic_earlier_segregation:g})"
        )
        return EarlierSnapshot(raw, label)
    raw = dataset.data[dataset.data["snapshot_date"] < snapshot]
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
