"""Benchmarks of record: wall time and peak memory of each case, each in a fresh process.

``make bench`` runs every ``CASES`` entry of every ``benchmarks/bench_*.py`` module (or only the
modules named on the command line, e.g. ``python benchmarks/run.py foundation``) and writes
``benchmarks/results.json``: best-of-3 seconds, peak resident memory, the target and whether it was
met. A module may also define ``SETUP`` (code run before each case, not timed) and ``TARGETS``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPEATS = 3

WRAPPER = """
import json, resource, time
import numpy, pandas
{setup}
start = time.perf_counter()
{code}
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb}}))
"""


def load_modules(names: list[str]) -> dict[str, object]:
    """The ``bench_*.py`` modules (all, or those named; ``topic:prefix`` keeps only the cases
    whose names start with ``prefix``)."""
    modules = {}
    wanted = {name.split(":")[0]: name.partition(":")[2] for name in names}
    for path in sorted(HERE.glob("bench_*.py")):
        topic = path.stem.removeprefix("bench_")
        if names and topic not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if wanted.get(topic):
            module.CASES = {k: v for k, v in module.CASES.items() if k.startswith(wanted[topic])}
        modules[topic] = module
    return modules


def measure(code: str, setup: str = "") -> dict[str, float]:
    """Seconds and peak RSS of ``code`` in a fresh interpreter; ``setup`` runs first, untimed."""
    script = WRAPPER.format(setup=setup, code=code)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=HERE.parent
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def met(result: dict, target: dict | None) -> bool | None:
    if not target:
        return None
    return all(
        result[key if key != "seconds" else "seconds_best"] <= limit
        for key, limit in target.items()
    )


def main(argv: list[str]) -> int:
    results_path = HERE / "results.json"
    previous = (
        json.loads(results_path.read_text()).get("results", {}) if results_path.exists() else {}
    )
    results = dict(previous)
    for topic, module in load_modules(argv).items():
        setup = getattr(module, "SETUP", "")
        targets = getattr(module, "TARGETS", {})
        for name, code in module.CASES.items():
            runs = [measure(code, setup) for _ in range(REPEATS)]
            result = {
                "topic": topic,
                "seconds_best": round(min(r["seconds"] for r in runs), 4),
                "seconds_median": round(sorted(r["seconds"] for r in runs)[REPEATS // 2], 4),
                "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
                "target": targets.get(name),
            }
            result["target_met"] = met(result, result["target"])
            results[name] = result
            flag = {True: "ok", False: "MISSED", None: ""}[result["target_met"]]
            print(
                f"{name:<32} {result['seconds_best']:9.3f} s  peak {result['peak_mb']:8.1f} MB  {flag}"
            )
    out = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "results": dict(sorted(results.items())),
    }
    results_path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written {results_path}")
    return 0 if all(r.get("target_met") is not False for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
