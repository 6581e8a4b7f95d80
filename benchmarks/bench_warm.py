"""Warm reruns: cold and warm ``research run`` side by side, and the report tables compared.

``python benchmarks/bench_warm.py`` (part of ``make bench``) starts a workbench session
(``research session start``; one already running is used and left running), prepares the bundled
Cincinnati data, then for each of ``00_data_audit``, ``10_pay_gap`` and ``20_segregation`` reruns
the notebook ``ROUNDS`` times with new parameters (``min_cell`` 11, 12, ...), each time twice in a
row, in alternating order, both from a copy of the same reports folder (the earlier reports whose
counts disclosure control protects; it grows by the cold run of each pair): cold (``RESEARCH_SESSION=off``: a kernel of its own, as without a
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
import shutil
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


def _tables(run_dir: Path, folder: str = "tables", pattern: str = "*.csv") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run_dir / folder).glob(pattern))}


CPU_WRAPPER = """
import resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0, w0 = cpu(), time.perf_counter()
{code}
print(cpu() - c0, time.perf_counter() - w0, repr({extra}))
"""

TRIM_CASES = {
    # papermill as it imports by itself (rfc3987_syntax's grammar built) and as the runner imports it
    "import_papermill_eager": (
        "import papermill",
        "'rfc3987_syntax.syntax_helpers' in sys.modules",
    ),
    "import_papermill_deferred": (
        "import research.run, papermill",
        "'rfc3987_syntax.syntax_helpers' in sys.modules",
    ),
    # parameter validation and input hashing of the council benchmark: no reader imported
    "validate_and_hash_60": (
        "from research.run.params import read_parameters\n"
        "from research.run.runner import input_hashes\n"
        "d = read_parameters('notebooks/60_council_benchmark.ipynb')\n"
        "input_hashes(d.validate({}), d)",
        "sorted(m for m in ('pandera', 'research.data.ingest', 'research.data.readers', "
        "'research.data.gpg.panel') if m in sys.modules)",
    ),
}

SHUTDOWN = """
import json, tempfile, time
from pathlib import Path
from jupyter_client.manager import KernelManager
from research.run.runner import _kernel_config, _kernel_name
out = {"graceful": [], "immediate": []}
for _ in range(3):
    for mode in out:
        km = KernelManager(kernel_name=_kernel_name(), config=_kernel_config(Path(tempfile.mkdtemp())))
        km.start_kernel()
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(120)
        kc.execute_interactive("import pandas, matplotlib.pyplot", timeout=120, output_hook=print)
        kc.stop_channels()
        clock = time.perf_counter()
        km.shutdown_kernel(now=mode == "immediate")
        out[mode].append(round(time.perf_counter() - clock, 3))
print(json.dumps(out))
"""


def trims(repeats: int = 3) -> dict:
    """Item 1 of issue 17, measured: CPU seconds (user + sys; wall seconds beside them) of the
    imports, and wall seconds of a graceful and an immediate kernel shutdown."""
    out = {}
    for name, (code, extra) in TRIM_CASES.items():
        rows = []
        for _ in range(repeats):
            done = subprocess.run(
                [sys.executable, "-c", CPU_WRAPPER.format(code=code, extra=extra)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "RESEARCH_SESSION": "off"},
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-2000:])
            cpu, wall, shown = done.stdout.strip().split(" ", 2)
            rows.append((float(cpu), float(wall), shown))
        out[name] = {
            "cpu_seconds_median": round(statistics.median(r[0] for r in rows), 3),
            "wall_seconds_median": round(statistics.median(r[1] for r in rows), 3),
            "check": rows[0][2],
        }
    done = subprocess.run(
        [sys.executable, "-c", SHUTDOWN], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    times = json.loads(done.stdout.strip().splitlines()[-1])
    out["kernel_shutdown_wall_seconds"] = {
        mode: {"runs": values, "median": round(statistics.median(values), 3)}
        for mode, values in times.items()
    }
    for name, row in out.items():
        print(f"trim {name}: {row}", flush=True)
    return out


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
    trimmed = trims()
    reports = Path(tempfile.mkdtemp(prefix="bench_warm-"))
    base = reports / "empty"
    base.mkdir()
    results = {}
    try:
        for notebook in NOTEBOOKS:
            cold, warm, identical, pre_started, figures_same = [], [], True, True, True
            for round_ in range(ROUNDS):
                min_cell = 11 + round_
                order = (False, True) if round_ % 2 == 0 else (True, False)
                dirs = {}
                for is_warm in order:
                    if is_warm:
                        _wait_full(session)
                    # each run of the pair starts from the same reports folder (the same earlier
                    # reports to protect against), so the two must give the same tables
                    folder = reports / f"{notebook}-{min_cell}-{'warm' if is_warm else 'cold'}"
                    shutil.copytree(base, folder)
                    seconds, run_dir, manifest = _run(notebook, min_cell, folder, is_warm)
                    (warm if is_warm else cold).append(seconds)
                    dirs[is_warm] = run_dir
                    if is_warm:
                        pre_started &= bool(manifest.get("kernel", {}).get("pre_started"))
                base = dirs[False].parent.parent  # the researcher's folder grows run by run
                same = _tables(dirs[True]) == _tables(dirs[False]) and bool(_tables(dirs[True]))
                identical &= same
                figures_same &= _tables(dirs[True], "figures", "*.png") == _tables(
                    dirs[False], "figures", "*.png"
                )
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
                "figures_identical": figures_same,
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
        "trims": trimmed,
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
