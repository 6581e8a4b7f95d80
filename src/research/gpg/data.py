"""The GOV.UK pay gap data behind the council benchmark, loaded in one call.

``load("gpg")`` reads every service download in ``data/raw/gpg`` (cached; see
:mod:`research.gpg.panel`), adds the sector of every employer and selects the councils. The
``dataset`` parameter of ``notebooks/60_council_benchmark.ipynb`` names the source: only
``"gpg"`` exists today; a download added to ``data/raw/gpg`` (listed in ``data/raw/README.md``
with its SHA-256) is picked up by it. In Python, ``load(paths=[...])`` reads any other files.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.core.checks import InputError
from research.gpg.panel import default_paths, load_panel, panel_sources
from research.gpg.sectors import with_sectors
from research.gpg.selection import councils as select_councils

__all__ = ["DATASETS", "GpgData", "input_files", "load"]

#: Named sources of GOV.UK gender pay gap data.
DATASETS: dict[str, str] = {
    "gpg": "GOV.UK gender pay gap service downloads in data/raw/gpg (every reporting year)",
}


@dataclass(frozen=True, eq=False)
class GpgData:
    """The harmonised panel with sectors, the council rows, and how they were loaded.

    Attributes
    ----------
    dataset
        The source name (``"gpg"``) or ``"files"``.
    panel
        Every submission (:func:`research.gpg.panel.load_panel`) with ``sector``,
        ``sector_detail`` and ``sector_basis``.
    councils
        :func:`research.gpg.selection.councils` of the panel.
    sources
        :func:`research.gpg.panel.panel_sources`: one row per file read.
    seconds
        Time taken by :func:`load`.
    cache
        ``"hit"`` when the Parquet cache was read, ``"built"`` when the raw files were.
    """

    dataset: str
    panel: pd.DataFrame
    councils: pd.DataFrame
    sources: pd.DataFrame
    seconds: float
    cache: str


def _paths(dataset: str) -> list[Path]:
    if dataset not in DATASETS:
        raise InputError(
            f"Unknown pay gap dataset {dataset!r}; use one of {', '.join(DATASETS)} "
            "(add downloads to data/raw/gpg to include them)."
        )
    return default_paths()


def input_files(dataset: str = "gpg") -> list[Path]:
    """The raw files a dataset reads (for SHA-256 hashes in run manifests)."""
    return [p.resolve() for p in _paths(dataset)]


def load(
    dataset: str = "gpg",
    *,
    paths: Iterable[str | Path] | None = None,
    cache: bool | str | Path = True,
) -> GpgData:
    """Load the panel, its sectors and its councils (see the module docstring)."""
    start = time.perf_counter()
    files = list(paths) if paths is not None else _paths(dataset)
    panel = load_panel(files, cache=cache)
    state = panel.attrs.get("cache", "built")
    sources = panel_sources(panel)
    panel.attrs.clear()  # pandas deep-copies attrs on every operation: keep them off the hot path
    with_sector = with_sectors(panel)
    return GpgData(
        dataset=dataset if paths is None else "files",
        panel=with_sector,
        councils=select_councils(panel),
        sources=sources,
        seconds=time.perf_counter() - start,
        cache=state,
    )
