"""Where the project's folders are.

The project root is found once: the ``RESEARCH_ROOT`` environment variable when set, otherwise the
nearest folder above the working directory that holds ``pyproject.toml`` and ``src/research``,
otherwise the checkout this package was installed from (editable install).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


def _is_root(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "src" / "research").is_dir()


@cache
def project_root() -> Path:
    """Return the project root folder (see module docstring for the search order)."""
    if env := os.environ.get("RESEARCH_ROOT"):
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_root(folder):
            return folder
    installed = Path(__file__).resolve().parents[3]
    if _is_root(installed):
        return installed
    return here


def raw_dir() -> Path:
    """``data/raw``: immutable inputs."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``data/processed``: outputs of ingest, rebuilt by code."""
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    """``reports``: one folder per notebook, one sub-folder per run."""
    return Path(os.environ.get("RESEARCH_REPORTS_DIR") or project_root() / "reports")


def notebooks_dir() -> Path:
    """``notebooks``: the parameterised notebooks."""
    return project_root() / "notebooks"


def mappings_dir() -> Path:
    """Column mappings shipped with the package (one YAML file per bundled source)."""
    return Path(__file__).resolve().parents[1] / "data" / "mappings"


def relative_to_root(path: Path | str) -> str:
    """``path`` relative to the project root when it lies inside it, else absolute (POSIX form)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return path.as_posix()
