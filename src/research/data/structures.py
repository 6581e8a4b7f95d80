"""Reading the extra inputs of the equal pay audit and the pay structure assessment.

* :func:`read_structure` reads a proposed pay structure (YAML or CSV) into a plain mapping that
  :func:`research.paystructure.structure_from_dict` (and ``research.paystructure.report.build``)
  turns into a :class:`~research.paystructure.PayStructure`;
* :func:`example_structure` is the path of the example structure shipped for a dataset
  (``src/research/data/structures/``);
* :func:`read_job_mapping` reads a mapping of jobs to equal-work groups (CSV or YAML) into a table
  ``job, group, basis`` for ``research.audit.report.build(job_mapping=...)``.

Files are read here, in the data layer; the analysis packages receive the parsed objects. Each
result records the file it came from (display path and SHA-256), so reports can name it.

Structure files
---------------
YAML::

    name: Proposed structure 2026
    currency: GBP
    grades:
      - {grade: "A", points: [23800, 24300, 24800]}
      - {grade: "B", points: [25300, 25900, 26500]}
    assimilation: {rule: grade_map, column: grade, map: {...}, placement: nearest_not_below,
                   protection_years: 3}

CSV: columns ``grade, salary`` (one row per pay point), optionally ``grade_rank``; without it
grades are ordered by their lowest salary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.hashing import sha256_file
from research.core.paths import relative_to_root

__all__ = ["STRUCTURES_DIR", "example_structure", "read_job_mapping", "read_structure"]

#: Example structures shipped with the package.
STRUCTURES_DIR = Path(__file__).resolve().parent / "structures"


def example_structure(dataset: str) -> Path:
    """Path of the example structure shipped for ``synthetic`` or ``cincinnati``."""
    name = "cincinnati" if str(dataset).startswith("cincinnati") else "synthetic"
    return STRUCTURES_DIR / f"{name}_example.yaml"


def _file_record(path: Path) -> dict[str, str]:
    return {"path": relative_to_root(path), "sha256": sha256_file(path)}


def _existing(path: str | Path, what: str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} file {str(path)!r} not found.")
    return path


def read_structure(path: str | Path) -> dict[str, Any]:
    """Read a pay structure file (YAML or CSV, see the module docstring) into a mapping.

    Returns the file's mapping (``name``, ``currency``, ``description``, ``grades``,
    ``assimilation``) with a ``file`` entry ``{"path": ..., "sha256": ...}``. A CSV becomes the
    same shape: ``grades`` in rank order, each with its points; its ``name`` is the file stem.
    """
    path = _existing(path, "Pay structure")
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(spec, dict):
            raise InputError(f"Pay structure {path.name} must be a YAML mapping with 'grades'.")
        return {**spec, "file": _file_record(path)}
    table = pd.read_csv(path)
    require_columns(table, ["grade", "salary"], role=f"structure {path.name}")
    table["grade"] = table["grade"].astype(str)
    table["salary"] = pd.to_numeric(table["salary"], errors="coerce")
    if "grade_rank" not in table:
        lowest = table.groupby("grade")["salary"].transform("min")
        table["grade_rank"] = lowest.rank(method="dense")
    order = table.groupby("grade", sort=False)["grade_rank"].min().sort_values(kind="stable")
    grades = [
        {"grade": grade, "points": sorted(table.loc[table["grade"] == grade, "salary"].tolist())}
        for grade in order.index
    ]
    return {"name": path.stem, "grades": grades, "file": _file_record(path)}


def read_job_mapping(path: str | Path) -> pd.DataFrame:
    """Read a mapping of jobs to equal-work groups as a table ``job, group, basis`` (strings).

    A CSV with columns ``job`` and ``group`` (optional ``basis``), or a YAML file
    ``{groups: [{group:, basis:, jobs: [...]}, ...]}``. A missing basis is left empty (the audit
    reads it as "like work"); the audit checks the bases and duplicates. The table's
    ``attrs["source"]`` and ``attrs["sha256"]`` record the file.
    """
    path = _existing(path, "Job mapping")
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows = [
            (str(job), str(g["group"]), g.get("basis"))
            for g in spec.get("groups", [])
            for job in g.get("jobs", [])
        ]
        table = pd.DataFrame(rows, columns=["job", "group", "basis"])
    else:
        table = pd.read_csv(path, dtype="string")
    require_columns(table, ["job", "group"], role=f"job mapping {path.name}")
    if "basis" not in table:
        table["basis"] = pd.NA
    table = table[["job", "group", "basis"]].astype("string")
    record = _file_record(path)
    table.attrs["source"] = record["path"]
    table.attrs["sha256"] = record["sha256"]
    return table
