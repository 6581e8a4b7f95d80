"""Scale benchmark (issue 17): every employee-level notebook on 0.2, 2 and 20 million synthetic employees.

Each run is ``research run <notebook> -p dataset synthetic:n_employees=N`` in a fresh process tree
(kernel start, the notebook with its default parameters, HTML export): wall seconds and peak memory.
Notebooks 00, 10, 11, 12, 20, 30, 40 and 50 read one snapshot of N employees. 70_workforce_flows
follows employees over five linked yearly snapshots (``synthetic_flows``): it is measured by
employee records too, so size N is N rows in all, ``synthetic_flows:n_employees={N // 5}``
(20 million records: 4 million employees in each of 5 snapshots). Each notebook's entry in the
results says what its size counts (``rows``).
Memory is sampled every 0.1 s over the whole tree (the ``research`` process and its kernel, summed)
and the largest single process is read from the operating system when the run ends; a run whose tree
passes ``--limit-gb`` (default 8) is stopped and recorded as over the limit. Per notebook the fitted
exponent is the slope of log seconds on log employee records (least squares over the sizes measured): 1.0
is linear.

    python benchmarks/scale.py                                   # every notebook, 0.2 and 2 million
    python benchmarks/scale.py --sizes 20000000 --notebooks 10   # add 20 million for one notebook

Results accumulate in ``benchmarks/scale.json`` (a size measured again replaces the old entry);
``make bench`` runs it after the micro-benchmarks. The machine is shared: run 20 million one notebook
at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "scale.json"
#: Notebooks that analyse employee rows (60_council_benchmark reads published GOV.UK figures).
NOTEBOOKS = {
    "00": "notebooks/00_data_audit.ipynb",
    "10": "notebooks/10_pay_gap.ipynb",
    "11": "notebooks/11_ethnicity_disability_pay_gap.ipynb",
    "12": "notebooks/12_senior_pay.ipynb",
    "20": "notebooks/20_segregation.ipynb",
    "30": "notebooks/30_decomposition.ipynb",
    "40": "notebooks/40_equal_pay_audit.ipynb",
    "50": "notebooks/50_pay_structure_eia.ipynb",
    "70": "notebooks/70_workforce_flows.ipynb",
}
#: The dataset of each run (``{n}``: the employee records); ``synthetic:n_employees={n}`` unless
#: named. 70_workforce_flows follows employees over 5 linked yearly snapshots
#: (``synthetic_flows``): n records are n // 5 employees in each snapshot.
DATASETS = {"70": "synthetic_flows:n_employees={n5}"}
DEFAULT_DATASET = "synthetic:n_employees={n}"
#: What a size counts, per notebook (in the results as ``rows``).
ROWS = {"70": "employee records: 5 linked yearly snapshots of size/5 employees each"}
DEFAULT_ROWS = "employees: one snapshot of size employees"
#: Largest size run per notebook (larger sizes are recorded as skipped, with the reason).
MAX_SIZE: dict[str, tuple[int, str]] = {}
SIZES = (200_000, 2_000_000)


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_once(
    notebook: str, n: int, limit_gb: float, timeout: float, dataset: str = DEFAULT_DATASET
) -> dict:
    """One run in a fresh ``research`` process: seconds, peak memory, and how it ended."""
    research = Path(sys.executable).with_name("research")
    command = [str(research), "run", notebook, "-p", "dataset", dataset.format(n=n, n5=n // 5)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    tree = psutil.Process(child.pid)
    peak, status = 0, "ok"
    while child.poll() is None:
        peak = max(peak, _tree_rss(tree))
        elapsed = time.perf_counter() - start
        if peak > limit_gb * 2**30 or elapsed > timeout:
            status = "over memory limit" if peak > limit_gb * 2**30 else "timed out"
            for p in [*tree.children(recursive=True), tree]:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            break
        time.sleep(0.1)
    output, _ = child.communicate()
    seconds = time.perf_counter() - start
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if status == "ok" and child.returncode != 0:
        status = "failed: " + output.strip().splitlines()[-1][-300:] if output.strip() else "failed"
    return {
        "seconds": round(seconds, 2),
        "peak_tree_mb": round(peak / 2**20, 1),
        # ru_maxrss of children is a running maximum: only meaningful when it grew in this run
        "peak_process_mb": round(largest / 1024, 1) if largest > before else None,
        "status": status,
    }


def exponent(points: dict[str, dict]) -> float | None:
    """Slope of log seconds on log n over the successful runs (None with fewer than two)."""
    xy = [
        (math.log(int(n)), math.log(r["seconds"]))
        for n, r in points.items()
        if r["status"] == "ok" and r["seconds"] > 0
    ]
    if len(xy) < 2:
        return None
    mx = sum(x for x, _ in xy) / len(xy)
    my = sum(y for _, y in xy) / len(xy)
    sxx = sum((x - mx) ** 2 for x, _ in xy)
    return round(sum((x - mx) * (y - my) for x, y in xy) / sxx, 3) if sxx else None


def _save(notebooks: dict, limit_gb: float) -> None:
    """Write the results so far (after every run: a stopped benchmark keeps what it measured)."""
    out = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "limit_gb": limit_gb,
        "method": (
            "research run NOTEBOOK -p dataset synthetic:n_employees=N (each notebook's "
            "dataset: its entry's dataset with {n} = N, {n5} = N // 5; its rows say what N "
            "counts), default parameters; "
            "peak_tree_mb: largest summed RSS of the research process and its kernel "
            "(sampled every 0.1 s); exponent: slope of log seconds on log n"
        ),
        "notebooks": dict(sorted(notebooks.items())),
    }
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--notebooks", nargs="+", default=list(NOTEBOOKS))
    parser.add_argument("--limit-gb", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    args = parser.parse_args(argv)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    notebooks = saved.get("notebooks", {})
    for key, notebook in NOTEBOOKS.items():  # what each notebook's sizes count
        if Path(notebook).stem in notebooks:
            notebooks[Path(notebook).stem]["rows"] = ROWS.get(key, DEFAULT_ROWS)
    for key in args.notebooks:
        notebook = NOTEBOOKS[key]
        entry = notebooks.setdefault(Path(notebook).stem, {"runs": {}})
        dataset = DATASETS.get(key, DEFAULT_DATASET)
        entry["dataset"] = dataset
        entry["rows"] = ROWS.get(key, DEFAULT_ROWS)
        entry.pop("skipped", None)  # recorded again below for the sizes still skipped
        for n in args.sizes:
            largest, why = MAX_SIZE.get(key, (None, ""))
            if largest is not None and n > largest:
                print(f"{Path(notebook).stem:<24} {n:>11,}  skipped: {why}", flush=True)
                entry["runs"].pop(str(n), None)
                entry.setdefault("skipped", {})[str(n)] = why
                continue
            result = run_once(notebook, n, args.limit_gb, args.timeout, dataset)
            result["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            entry["runs"][str(n)] = result
            entry["runs"] = dict(sorted(entry["runs"].items(), key=lambda kv: int(kv[0])))
            entry["exponent"] = exponent(entry["runs"])
            print(
                f"{Path(notebook).stem:<24} {n:>11,}  {result['seconds']:8.1f} s  "
                f"peak {result['peak_tree_mb']:8.1f} MB  {result['status']}",
                flush=True,
            )
            _save(notebooks, args.limit_gb)
        print(f"{Path(notebook).stem:<24} exponent {entry.get('exponent')}", flush=True)
    _save(notebooks, args.limit_gb)  # also the sizes skipped
    print(f"written {RESULTS}")
    failed = [
        (name, n)
        for name, e in notebooks.items()
        for n, r in e["runs"].items()
        if r["status"] != "ok"
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
