"""Which files make up the GOV.UK pay gap data: a listing only, no readers and no pandas.

Parameter validation and run manifests list and hash these files before any kernel starts
(:func:`research.data.datasets.resolve`); reading them is :mod:`research.data.gpg.panel`'s job.
"""

from __future__ import annotations

import os
from pathlib import Path

from research.core.paths import raw_dir

__all__ = ["DATASETS", "EXTRACT", "NOT_DOWNLOADS", "default_paths", "input_files"]

#: Named sources of GOV.UK gender pay gap data.
DATASETS: dict[str, str] = {
    "gpg": "GOV.UK gender pay gap service downloads in data/raw/gpg (every reporting year)",
}

#: The project's check extract of council submissions (read as text), beside the downloads.
EXTRACT = "gpg_local_authorities.csv.gz"

#: Files in the download folder that are not service downloads (derived extracts).
NOT_DOWNLOADS: tuple[str, ...] = ("gpg_local_authorities*",)


def _input_error(message: str) -> Exception:
    from research.core.checks import InputError  # imports pandas: only for the error

    return InputError(message)


def default_paths(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every ``.csv``/``.csv.gz`` in ``data/raw/gpg`` (or ``folder``) except derived extracts."""
    folder = Path(folder) if folder is not None else raw_dir() / "gpg"
    if not folder.is_dir():
        raise _input_error(f"Folder {folder} of gender pay gap downloads does not exist.")
    files = sorted(p for p in folder.iterdir() if p.name.lower().endswith((".csv", ".csv.gz")))
    return [p for p in files if not any(p.match(pattern) for pattern in NOT_DOWNLOADS)]


def dataset_paths(dataset: str) -> list[Path]:
    """The service downloads of a named source (:data:`DATASETS`)."""
    if dataset not in DATASETS:
        raise _input_error(
            f"Unknown pay gap dataset {dataset!r}; use one of {', '.join(DATASETS)} "
            "(add downloads to data/raw/gpg to include them)."
        )
    return default_paths()


def input_files(dataset: str = "gpg") -> list[Path]:
    """The raw files a dataset reads (for SHA-256 hashes in run manifests)."""
    files = dataset_paths(dataset)
    extract = raw_dir() / "gpg" / EXTRACT
    return [p.resolve() for p in (*files, *([extract] if extract.is_file() else []))]
