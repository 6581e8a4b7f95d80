"""The GOV.UK pay gap data behind the council benchmark, loaded in one call.

``load("gpg")`` reads every service download in ``data/raw/gpg`` (cached; see
:mod:`research.data.gpg.panel`) and the project's check extract of council rows
(``gpg_local_authorities.csv.gz``), if present. The ``dataset`` parameter of
``notebooks/60_council_benchmark.ipynb`` names the source: only ``"gpg"`` exists today; a download
added to ``data/raw/gpg`` (listed in ``data/raw/README.md`` with its SHA-256) is picked up by it.
In Python, ``load(paths=[...])`` reads any other files.

Loading stops at the harmonised panel: which submissions are councils, their types and the
sector of every employer are the council benchmark's rules (:func:`research.gpg.selection.councils`,
:func:`research.gpg.sectors.with_sectors`), applied by :func:`research.gpg.report.build`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.core.paths import raw_dir
from research.data.gpg.panel import load_panel, panel_sources
from research.data.gpg_files import DATASETS, EXTRACT, input_files
from research.data.gpg_files import dataset_paths as _paths

__all__ = ["DATASETS", "EXTRACT", "GpgData", "input_files", "load", "read_extract"]


@dataclass(frozen=True, eq=False)
class GpgData:
    """The harmonised panel, the files it came from and the check extract.

    Attributes
    ----------
    dataset
        The source name (``"gpg"``) or ``"files"``.
    panel
        Every submission (:func:`research.data.gpg.panel.load_panel`), ``attrs`` cleared.
    sources
        :func:`research.data.gpg.panel.panel_sources`: one row per file read.
    extract
        The check extract of council rows as text (:func:`read_extract`), or ``None`` when
        there is none (files given with ``paths=``).
    seconds
        Time taken by :func:`load`.
    cache
        ``"hit"`` when the Parquet cache was read, ``"built"`` when the raw files were.
    """

    dataset: str
    panel: pd.DataFrame
    sources: pd.DataFrame
    extract: pd.DataFrame | None
    seconds: float
    cache: str


def read_extract(path: str | Path | None = None) -> pd.DataFrame | None:
    """The check extract as text (``data/raw/gpg/gpg_local_authorities.csv.gz`` by default), or
    ``None`` when the file does not exist."""
    file = Path(path) if path is not None else raw_dir() / "gpg" / EXTRACT
    if not file.is_file():
        return None
    return pd.read_csv(file, dtype="string", keep_default_na=False)


def load(
    dataset: str = "gpg",
    *,
    paths: Iterable[str | Path] | None = None,
    cache: bool | str | Path = True,
) -> GpgData:
    """Load the panel, the files read and the check extract (see the module docstring)."""
    start = time.perf_counter()
    files = list(paths) if paths is not None else _paths(dataset)
    panel = load_panel(files, cache=cache)
    state = panel.attrs.get("cache", "built")
    sources = panel_sources(panel)
    panel.attrs.clear()  # pandas deep-copies attrs on every operation: keep them off the hot path
    return GpgData(
        dataset=dataset if paths is None else "files",
        panel=panel,
        sources=sources,
        extract=read_extract() if paths is None else None,
        seconds=time.perf_counter() - start,
        cache=state,
    )
