"""Verify a report: re-execute it from its manifest and compare every table with the original.

:func:`verify_run` reads ``RUN_DIR/manifest.json``, checks that every input file still has the
SHA-256 recorded in the manifest (if not, it stops with a message naming each changed or missing
file: the data, not the code, would explain any difference), re-executes the same notebook with the
same parameters (and so the same seed) into a scratch folder ``reports/_verify/``, and compares
each ``tables/*.csv`` cell by cell, as text. The verdict is ``reproducible`` or a list of the
differing tables and cells. It also notes when the notebook or package code changed since the run
(its ``code`` hashes), which is not an error but often the reason for a difference.

A run folder may come from elsewhere (a download, an e-mail), and re-executing it runs code, so
:func:`verify_run` executes only a notebook of this project, ``notebooks/*.ipynb`` (symbolic links
resolved), whose SHA-256 is the one the manifest records (``code.notebook``). Anything else (a
path outside ``notebooks/``, a missing notebook, a changed notebook, a manifest with no notebook
hash) is ``refused`` before any kernel starts, with one line naming the problem and the fix;
``research verify`` then exits with code 2.
:func:`verify_plan` verifies every run of a batch plan, in parallel on a Dask cluster.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.core.paths import project_root, relative_to_root

__all__ = ["CellDiff", "TableDiff", "Verification", "compare_tables", "verify_plan", "verify_run"]

MAX_CELLS = 10
"""Differing cells listed per table."""


@dataclass(frozen=True)
class CellDiff:
    """One cell that differs: row number (0-based, header excluded), column and both values."""

    row: int
    column: str
    original: str
    rerun: str


@dataclass(frozen=True)
class TableDiff:
    """How one table differs: a problem in words and up to :data:`MAX_CELLS` cells."""

    table: str
    problem: str
    cells: tuple[CellDiff, ...] = ()
    n_cells: int = 0

    def describe(self) -> str:
        lines = [f"{self.table}: {self.problem}"]
        for cell in self.cells:
            lines.append(
                f"    row {cell.row}, column {cell.column}: {cell.original!r} -> {cell.rerun!r}"
            )
        if self.n_cells > len(self.cells):
            lines.append(f"    ... and {self.n_cells - len(self.cells)} more cells")
        return "\n".join(lines)


@dataclass
class Verification:
    """Outcome of verifying one run.

    ``status`` is ``reproducible``, ``differs`` (tables differ), ``inputs changed`` (an input
    file no longer matches its recorded hash; nothing re-executed), ``failed`` (the re-execution
    failed), ``unreadable`` (no usable manifest) or ``refused`` (the manifest names a notebook
    that is not a project notebook with the recorded hash; nothing executed).
    """

    run_dir: Path
    status: str
    messages: list[str] = field(default_factory=list)
    diffs: list[TableDiff] = field(default_factory=list)
    rerun_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status == "reproducible"

    def describe(self) -> str:
        head = f"{self.run_dir}: {self.status}"
        body = [*self.messages, *(d.describe() for d in self.diffs)]
        return "\n".join([head, *("  " + line for text in body for line in text.splitlines())])

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_dir": str(self.run_dir),
            "status": self.status,
            "messages": self.messages,
            "diffs": [d.describe() for d in self.diffs],
            "rerun_dir": str(self.rerun_dir) if self.rerun_dir else None,
        }


def _read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def compare_tables(original: Path, rerun: Path) -> list[TableDiff]:
    """Differences between the ``*.csv`` tables of two folders (empty list: identical)."""
    first = {p.name: p for p in Path(original).glob("*.csv")}
    second = {p.name: p for p in Path(rerun).glob("*.csv")}
    diffs = [
        TableDiff(name, "missing from the re-run") for name in sorted(set(first) - set(second))
    ]
    diffs += [TableDiff(name, "new in the re-run") for name in sorted(set(second) - set(first))]
    for name in sorted(set(first) & set(second)):
        if first[name].read_bytes() == second[name].read_bytes():
            continue
        a, b = _read_table(first[name]), _read_table(second[name])
        if list(a.columns) != list(b.columns):
            diffs.append(TableDiff(name, f"columns differ: {list(a.columns)} -> {list(b.columns)}"))
            continue
        if a.shape != b.shape:
            diffs.append(TableDiff(name, f"{len(a)} rows -> {len(b)} rows"))
            continue
        unequal = a.to_numpy() != b.to_numpy()
        rows, cols = unequal.nonzero()
        cells = tuple(
            CellDiff(int(r), str(a.columns[c]), str(a.iat[r, c]), str(b.iat[r, c]))
            for r, c in zip(rows[:MAX_CELLS], cols[:MAX_CELLS], strict=True)
        )
        problem = f"{len(rows)} cell{'s' if len(rows) != 1 else ''} differ"
        if not len(rows):
            problem = "same cells, different bytes (quoting or line endings)"
        diffs.append(TableDiff(name, problem, cells, int(len(rows))))
    return diffs


class Refused(ValueError):
    """A manifest whose notebook may not be executed (the message names the problem and fix)."""


def project_notebooks() -> Path:
    """The folder of the notebooks ``verify`` may execute: ``notebooks/`` of the project."""
    return project_root() / "notebooks"


def trusted_notebook(manifest: dict[str, Any], allowed: Path | None = None) -> Path:
    """The project notebook a manifest names, checked against the hash the manifest records.

    Parameters
    ----------
    manifest
        The run's manifest.
    allowed
        A folder of trusted notebooks (default :func:`project_notebooks`) or one trusted
        notebook file (a batch plan's).

    Raises
    ------
    Refused
        When the notebook is outside ``allowed``, missing, not a ``.ipynb`` file, or its SHA-256
        differs from the manifest's ``code.notebook`` (or the manifest records none).
    """
    from research.core.hashing import sha256_file

    allowed = (allowed or project_notebooks()).resolve()
    named = manifest.get("notebook")
    if not isinstance(named, str) or not named.strip():
        raise Refused("the manifest names no notebook; run the notebook again with research run.")
    path = Path(named)
    path = (path if path.is_absolute() else project_root() / path).resolve()
    inside = path == allowed if allowed.suffix == ".ipynb" else path.is_relative_to(allowed)
    if not inside or path.suffix != ".ipynb":
        where = relative_to_root(allowed)
        raise Refused(
            f"the manifest names notebook {named!r}, which is not a notebook of this project "
            f"({where}); verify executes only the project's own notebooks."
        )
    if not path.is_file():
        raise Refused(
            f"notebook {named} named by the manifest does not exist; check out the commit the "
            f"run was made with ({_commit(manifest)}) and verify again."
        )
    recorded = (manifest.get("code") or {}).get("notebook")
    if not isinstance(recorded, str) or not recorded:
        raise Refused(
            f"the manifest records no SHA-256 of {named}, so the notebook cannot be matched; "
            "run the notebook again to get a verifiable run."
        )
    now = sha256_file(path)
    if now != recorded:
        raise Refused(
            f"{named} has changed since the run (sha256 recorded {recorded[:12]}..., now "
            f"{now[:12]}...); check out the commit the run was made with ({_commit(manifest)}) "
            "or run the notebook again."
        )
    return path


def _commit(manifest: dict[str, Any]) -> str:
    commit = (manifest.get("git") or {}).get("commit")
    return f"git checkout {str(commit)[:12]}" if commit else "commit not recorded"


def _check_inputs(manifest: dict[str, Any]) -> list[str]:
    """Messages for every recorded input whose file is missing or has another SHA-256."""
    from research.core.hashing import sha256_file

    problems = []
    for item in manifest.get("inputs") or []:
        path = Path(item["path"])
        path = path if path.is_absolute() else project_root() / path
        if not path.is_file():
            problems.append(f"input {item['path']} is missing (recorded sha256 {item['sha256']}).")
            continue
        now = sha256_file(path)
        if now != item["sha256"]:
            problems.append(
                f"input {item['path']} has changed since the run: recorded sha256 "
                f"{item['sha256'][:16]}..., now {now[:16]}... The report cannot be reproduced "
                "from these data; restore the original file or run the notebook again."
            )
    return problems


def _code_notes(manifest: dict[str, Any], notebook: Path) -> list[str]:
    from research.run.runner import code_hashes

    recorded = manifest.get("code") or {}
    if not recorded:
        return ["note: the manifest records no code hashes (run made before they existed)."]
    now = code_hashes(notebook)
    return [
        f"note: the {part} code changed since the run."
        for part in ("notebook", "package")
        if recorded.get(part) and recorded.get(part) != now[part]
    ]


def verify_run(
    run_dir: str | Path,
    *,
    scratch: str | Path | None = None,
    keep: bool = False,
    allowed: Path | None = None,
) -> Verification:
    """Re-execute a run from its manifest and compare its tables with the original's.

    Parameters
    ----------
    run_dir
        A run folder ``reports/<notebook>/<run-id>/`` holding ``manifest.json`` and ``tables/``.
    scratch
        Folder for the re-execution (default ``reports/_verify`` next to the run, ignored by the
        site); the re-run is deleted when reproducible unless ``keep``.
    keep
        Keep the re-run folder even when reproducible.
    allowed
        Trusted notebooks: a folder (default ``notebooks/`` of the project) or one notebook file
        (a batch plan's). See :func:`trusted_notebook`.

    Returns
    -------
    Verification
        The verdict with messages and the differing tables and cells.
    """
    from research.run.manifest import ManifestError, read
    from research.run.runner import run_notebook

    run_dir = Path(run_dir).resolve()
    try:
        manifest = read(run_dir).to_dict()
    except ManifestError as err:
        return Verification(run_dir, "unreadable", [f"no usable manifest.json: {err}"])
    try:
        notebook = trusted_notebook(manifest, allowed)
    except Refused as err:
        return Verification(run_dir, "refused", [str(err)])
    problems = _check_inputs(manifest)
    if problems:
        return Verification(run_dir, "inputs changed", problems)
    notes = _code_notes(manifest, notebook)
    base = Path(scratch) if scratch else run_dir.parent.parent / "_verify"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{run_dir.name}-", dir=base))
    result = run_notebook(notebook, manifest.get("parameters") or {}, reports=folder, index=False)
    if not result.ok:
        err = result.error or {}
        return Verification(
            run_dir,
            "failed",
            [*notes, f"re-execution failed: {err.get('ename')}: {err.get('evalue')}"],
            rerun_dir=result.run_dir,
        )
    if manifest.get("status") != "succeeded":
        notes.append(f"note: the original run's status was {manifest.get('status')!r}.")
    diffs = compare_tables(run_dir / "tables", result.run_dir / "tables")
    if diffs:
        return Verification(run_dir, "differs", notes, diffs, result.run_dir)
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    n = len(list((run_dir / "tables").glob("*.csv")))
    return Verification(
        run_dir,
        "reproducible",
        [*notes, f"{n} table{'s' if n != 1 else ''} identical."],
        rerun_dir=result.run_dir if keep else None,
    )


def _verify_task(run_dir: str, notebook: str | None = None) -> dict[str, Any]:
    """Worker task for :func:`verify_plan` (``notebook``: the plan's notebook, trusted)."""
    import time

    clock = time.perf_counter()
    try:
        outcome = verify_run(run_dir, allowed=Path(notebook) if notebook else None).to_dict()
    except Exception as exc:
        outcome = {
            "run_dir": run_dir,
            "status": "failed",
            "messages": [f"{type(exc).__name__}: {exc}"],
        }
    outcome["seconds"] = round(time.perf_counter() - clock, 2)
    return outcome


def verify_plan(
    plan: str | Path,
    *,
    reports: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Verify every run of a plan (in parallel); runs never executed are reported as missing.

    Returns
    -------
    list of dict
        One per planned run: ``run_dir``, ``status``, ``messages`` and ``diffs`` (text).
    """
    from research.core.paths import reports_dir
    from research.run.batch import plan_runs
    from research.run.execute import map_tasks
    from research.run.manifest import FILE_NAME

    reports = Path(reports or reports_dir())
    runs = plan_runs(plan)
    present = [r for r in runs if (r.run_dir(reports) / FILE_NAME).is_file()]
    # the plan names its notebooks (research batch ran them): each run may execute only its own
    calls = [(r.label, (str(r.run_dir(reports)), str(r.notebook)), {}) for r in present]
    done = map_tasks(
        _verify_task,
        calls,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        is_ok=lambda r: r.get("status") == "reproducible",
    )
    results = {r.run_id + r.stem: d for r, d in zip(present, done, strict=True)}
    out = []
    for r in runs:
        item = results.get(r.run_id + r.stem) or {
            "run_dir": str(r.run_dir(reports)),
            "status": "missing",
            "messages": ["never run: run the plan with research batch first."],
            "diffs": [],
        }
        item["label"] = r.label
        out.append(item)
    return out
