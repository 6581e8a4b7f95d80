"""Warm reruns: cold and warm ``research run`` side by side, and the report tables compared.

``python benchmarks/bench_warm.py`` (part of ``make bench``) starts a workbench session
(``research session start``; one already running is used and left running), prepares the bundled
Cincinnati data, then for each of ``00_data_audit``, ``10_pay_gap`` and ``20_segregation`` reruns
the notebook ``ROUNDS`` times with new parameters (``min_cell`` 11, 12, ...), each time twice in a
row, in alternating order: cold (``RESEARCH_SESSION=off``: a kernel of its own, as without a
session) and warm (a pre-started kernel of the session; the pool is full before each warm run, as
when a researcher edits parameters between reruns). Times are wall-clock times of the whole
``research run`` command. Each cold/warm pair must give byte-identical ``tables/*.csv``.

Writes ``benchmarks/warm_runs.json``: per notebook the best and median cold and warm seconds, the
ratio warm/cold (of the medians), whether the target (a warm rerun under 2 s) was met, and whether
the tables were identical. The machine is shared, so the ratio is the number to read.

``benchmarks/run.py`` loads this module too; it has no ``CASES`` of its own.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ("00_data_audit", "10_pay_gap", "20_segregation")
ROUNDS = 3
TARGET_SECONDS = 2.0
CASES: dict[str, str] = {}  # measured by main(), not by run.py


def _research() -> list[str]:
    """The ``research`` command of this environment."""
    script = Path(sys.executable).parent / "research"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from research.run.cli import main; main()"]


def _run(notebook: str, min_cell: int, reports: Path, warm: bool) -> tuple[float, Path, dict]:
    env = {**os.environ, "RESEARCH_REPORTS_DIR": str(reports)}
    env["RESEARCH_SESSION"] = "on" if warm else "off"
    command = [
        *_research(),
        "run",
        "--no-progress",
        f"notebooks/{notebook}.ipynb",
        "-p",
        "dataset",
        "cincinnati",
        "-p",
        "min_cell",
        str(min_cell),
    ]
    clock = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - clock
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    html = Path(done.stdout.strip().splitlines()[-1].split(": ", 1)[1])
    manifest = json.loads((html.parent / "manifest.json").read_text())
    return seconds, html.parent, manifest


def _tables(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run_dir / "tables").glob("*.csv"))}


def _wait_full(session, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = session.status()
        if state and state["kernels"]["ready"] >= state["kernels"]["size"]:
            return
        time.sleep(0.2)
    raise RuntimeError("the session's kernels did not become ready")


def main() -> int:
    os.environ.setdefault("RESEARCH_ROOT", str(ROOT))
    from research.data.datasets import ingest_bundled
    from research.run import session

    ingest_bundled("cincinnati")
    state = session.status()
    if state is not None and state["stale"]:  # started before the code changed
        session.stop()
        state = None
    was_running = state is not None
    session.start(session.POOL_SIZE, wait=True)
    reports = Path(tempfile.mkdtemp(prefix="bench_warm-"))
    results = {}
    try:
        for notebook in NOTEBOOKS:
            cold, warm, identical, pre_started = [], [], True, True
            for round_ in range(ROUNDS):
                min_cell = 11 + round_
                order = (False, True) if round_ % 2 == 0 else (True, False)
                dirs = {}
                for is_warm in order:
                    if is_warm:
                        _wait_full(session)
                    seconds, run_dir, manifest = _run(notebook, min_cell, reports, is_warm)
                    (warm if is_warm else cold).append(seconds)
                    dirs[is_warm] = run_dir
                    if is_warm:
                        pre_started &= bool(manifest.get("kernel", {}).get("pre_started"))
                same = _tables(dirs[True]) == _tables(dirs[False]) and bool(_tables(dirs[True]))
                identical &= same
                print(
                    f"{notebook} min_cell={min_cell}: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s"
                    f"{'' if same else '  TABLES DIFFER'}",
                    flush=True,
                )
            cold_median, warm_median = statistics.median(cold), statistics.median(warm)
            results[f"warm_rerun_{notebook}_cincinnati"] = {
                "cold_seconds": [round(s, 2) for s in cold],
                "warm_seconds": [round(s, 2) for s in warm],
                "cold_best": round(min(cold), 2),
                "warm_best": round(min(warm), 2),
                "cold_median": round(cold_median, 2),
                "warm_median": round(warm_median, 2),
                "ratio_warm_to_cold": round(warm_median / cold_median, 3),
                "speed_up": round(cold_median / warm_median, 2),
                "target_seconds": TARGET_SECONDS,
                "target_met": min(warm) < TARGET_SECONDS,
                "tables_identical": identical,
                "manifest_says_pre_started": pre_started,
            }
    finally:
        if not was_running:
            session.stop()
    load = os.getloadavg()
    out = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in load],
        "method": "whole `research run` commands, cold (RESEARCH_SESSION=off) and warm "
        "(pre-started kernel) alternating, new min_cell each round",
        "results": results,
    }
    path = HERE / "warm_runs.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    for name, r in results.items():
        print(
            f"{name:<40} cold {r['cold_median']:6.2f} s  warm {r['warm_median']:6.2f} s  "
            f"ratio {r['ratio_warm_to_cold']:.2f}  tables identical: {r['tables_identical']}"
        )
    print(f"written {path}")
    return (
        0
        if all(r["tables_identical"] and r["manifest_says_pre_started"] for r in results.values())
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
