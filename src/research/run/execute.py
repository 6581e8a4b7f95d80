"""Run many notebooks in parallel with Dask distributed: batch plans and plan verification.

:func:`run_plan` expands a plan (:mod:`research.run.batch`), skips the runs that are current, and
submits the others to a Dask cluster: a :class:`distributed.LocalCluster` of ``workers`` single
threaded worker processes by default, or an existing cluster at ``scheduler``. Each task calls
:func:`research.run.runner.run_notebook` on a worker, which starts its own Jupyter kernel, so runs are
isolated from each other; the run's time limit is enforced inside the kernel client (the cell that
is running when it expires is stopped and named in the report). A failing or hanging run is a
failed result, never an exception that stops the batch. Results land in the usual
``reports/<notebook>/<run-id>/`` folders; the site is rebuilt once at the end.

Workers of an existing cluster need the project installed and the same ``reports`` folder
(a shared file system); ``RESEARCH_ROOT`` tells them where the project is.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from research.core.paths import reports_dir
from research.run.batch import Plan, PlannedRun, load_plan, plan_runs, run_state, write_plan_record

__all__ = ["BatchResult", "RunOutcome", "cluster", "map_tasks", "run_plan"]


@dataclass(frozen=True)
class RunOutcome:
    """What happened to one planned run."""

    label: str
    status: str  # succeeded, failed, skipped
    run_dir: str
    error: dict[str, Any] | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("succeeded", "skipped")

    def describe_error(self) -> str:
        """``cell N raised Name: message`` (or the error as recorded)."""
        err = self.error or {}
        cell = err.get("cell_index")
        where = f"cell {cell} raised " if cell is not None else ""
        return f"{where}{err.get('ename') or 'Error'}: {err.get('evalue') or ''}".strip()


@dataclass
class BatchResult:
    """Outcome of a batch: one :class:`RunOutcome` per planned run, in plan order."""

    plan: Plan
    outcomes: list[RunOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failures(self) -> list[RunOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def summary(self) -> str:
        """A few lines: counts, then each failure with its failing cell, error and report."""
        lines = [
            f"Plan {self.plan.name}: {len(self.outcomes)} runs in {self.seconds:.1f} s: "
            f"{self.count('succeeded')} succeeded, {self.count('skipped')} skipped (unchanged), "
            f"{len(self.failures)} failed."
        ]
        for failure in self.failures:
            lines.append(f"  FAILED {failure.label}: {failure.describe_error()}")
            lines.append(f"         {failure.run_dir}/report.html")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- cluster


@contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None):
    """A Dask :class:`distributed.Client`: to ``scheduler``, or to a new local cluster.

    The local cluster has ``workers`` processes (default: the number of cores) of one thread
    each, its dashboard on a free port, and quiet logs; it is closed on exit.
    """
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    local = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # a free port, never a clash with 8787
        silence_logs=logging.ERROR,
        memory_limit=0,
    )
    client = Client(local)
    try:
        yield client
    finally:
        client.close()
        local.close()


class _Progress:
    """Progress bar (tqdm: done / failed / remaining and ETA), or one line per finished task."""

    def __init__(self, total: int, enabled: bool, stream=None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.bar = None
        if enabled and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="run", file=self.stream, dynamic_ncols=True)
            self._postfix()

    def _postfix(self) -> None:
        remaining = self.total - self.done - self.failed
        text = f"done {self.done}, failed {self.failed}, remaining {remaining}"
        if self.bar is not None:
            self.bar.set_postfix_str(text)

    def update(self, label: str, ok: bool, seconds: float) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self.bar is not None:
            self._postfix()
            self.bar.update(1)
        else:
            n = self.done + self.failed
            word = "ok    " if ok else "FAILED"
            print(f"[{n}/{self.total}] {word} {label} ({seconds:.1f} s)", file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def map_tasks(
    func: Callable[..., dict[str, Any]],
    calls: Sequence[tuple[str, tuple, dict]],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    is_ok: Callable[[dict[str, Any]], bool] = lambda r: r.get("status") == "succeeded",
) -> list[dict[str, Any]]:
    """Call ``func(*args, **kwargs)`` for each ``(label, args, kwargs)`` on a Dask cluster.

    ``func`` must be importable by the workers and return a dict; an exception on a worker (or a
    lost worker) becomes ``{"status": "failed", "error": {...}}`` for that call only. Results come
    back in the order of ``calls``.
    """
    from distributed import as_completed

    results: list[dict[str, Any] | None] = [None] * len(calls)
    if not calls:
        return []
    bar = _Progress(len(calls), progress)
    try:
        with cluster(workers, scheduler) as client:
            futures = {}
            batch_id = uuid.uuid4().hex[:8]  # keys stay unique on a shared scheduler
            for position, (label, args, kwargs) in enumerate(calls):
                key = f"research-{batch_id}-{position}"
                future = client.submit(func, *args, **kwargs, pure=False, key=key)
                futures[future] = (position, label)
            for future in as_completed(futures):
                position, label = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # worker died, task raised, ...
                    result = {"status": "failed", "error": _error_dict(exc), "seconds": 0.0}
                result.setdefault("label", label)
                results[position] = result
                bar.update(label, is_ok(result), float(result.get("seconds") or 0.0))
                future.release()
    finally:
        bar.close()
    return [r or {"status": "failed", "error": {"ename": "Lost"}} for r in results]


def _error_dict(exc: BaseException) -> dict[str, Any]:
    return {
        "ename": type(exc).__name__,
        "evalue": str(exc),
        "cell_index": None,
        "traceback": "".join(traceback.format_exception(exc))[-4000:],
    }


# ----------------------------------------------------------------------------- tasks


def execute_run(
    notebook: str,
    parameters: dict[str, Any],
    reports: str,
    run_id: str,
    run_timeout: float | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Worker task: one notebook run; never raises (an error becomes a failed outcome)."""
    from research.run.session import run  # a pre-started kernel when a session is running

    clock = time.perf_counter()
    run_dir = Path(reports) / Path(notebook).stem / run_id
    try:
        result = run(
            notebook,
            parameters,
            reports=reports,
            run_id=run_id,
            run_timeout=run_timeout,
            extra=extra,
            index=False,
        )
        status, error = result.status, result.error
    except Exception as exc:
        status, error = "failed", _error_dict(exc)
        _write_failed_manifest(run_dir, notebook, parameters, run_id, extra, error)
    return {
        "status": status,
        "error": error,
        "run_dir": str(run_dir),
        "seconds": round(time.perf_counter() - clock, 2),
    }


def _write_failed_manifest(run_dir, notebook, parameters, run_id, extra, error) -> None:
    """Mark a run failed that raised outside its kernel (the runner's manifest, else a new one)."""
    from datetime import UTC, datetime

    from research.core.paths import relative_to_root
    from research.run.manifest import Manifest, ManifestError, read

    try:
        manifest = read(run_dir)  # written with status "running" when the run started
    except ManifestError:
        manifest = Manifest(
            run_id=run_id,
            notebook=relative_to_root(notebook),
            notebook_stem=Path(notebook).stem,
            title=Path(notebook).stem,
            parameters=dict(parameters),
            started=datetime.now(UTC).isoformat(timespec="seconds"),
        ).update(**extra)
    run_dir.mkdir(parents=True, exist_ok=True)
    manifest.update(status="failed", error=error).write(run_dir)


# ----------------------------------------------------------------------------- plans


def run_plan(
    plan: Plan | str | Path,
    *,
    reports: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    force: bool = False,
    progress: bool = True,
    runs: list[PlannedRun] | None = None,
) -> BatchResult:
    """Run every run of a plan that is not current, in parallel; rebuild the site.

    Parameters
    ----------
    plan
        A :class:`~research.run.batch.Plan` or a plan file.
    reports
        Reports folder (default ``reports/``).
    workers, scheduler
        Local cluster size (default: the number of cores), or the address of an existing Dask
        scheduler (``tcp://host:8786``).
    timeout
        Time limit per run in seconds (default: the plan's ``timeout``, else none).
    force
        Run everything again, even runs that are current.
    progress
        Show a progress bar (else one line per finished run).
    runs
        Already expanded runs (default: :func:`research.run.batch.plan_runs`).

    Raises
    ------
    research.run.batch.PlanError
        Before anything runs, when the plan or any combination of parameters is invalid.
    """
    from research.run.site import build_index

    plan = plan if isinstance(plan, Plan) else load_plan(plan)
    reports = Path(reports or reports_dir())
    runs = runs if runs is not None else plan_runs(plan)
    clock = time.perf_counter()
    write_plan_record(plan, runs, reports)
    limit = timeout or plan.timeout
    todo = [r for r in runs if force or run_state(r, reports) != "current"]
    calls = [
        (
            r.label,
            (str(r.notebook), r.parameters, str(reports), r.run_id, limit, r.manifest_extra(plan)),
            {},
        )
        for r in todo
    ]
    try:
        done = map_tasks(
            execute_run, calls, workers=workers, scheduler=scheduler, progress=progress
        )
    finally:  # an interrupted batch still leaves an index of what finished
        build_index(reports)
    by_id = {(r.stem, r.run_id): d for r, d in zip(todo, done, strict=True)}
    outcomes = []
    for r in runs:
        result = by_id.get((r.stem, r.run_id))
        if result is None:
            outcomes.append(RunOutcome(r.label, "skipped", str(r.run_dir(reports))))
        else:
            outcomes.append(
                RunOutcome(
                    r.label,
                    str(result["status"]),
                    str(r.run_dir(reports)),
                    result.get("error"),
                    float(result.get("seconds") or 0.0),
                )
            )
    return BatchResult(plan, outcomes, time.perf_counter() - clock)
