"""The numbers of ``make bench`` in one page: ``benchmarks/SUMMARY.md``, also printed.

Reads what the benchmark scripts wrote (nothing is measured here):

- ``warm_runs.json`` (``bench_warm.py``): cold and warm reruns of 00, 10 and 20 on Cincinnati,
  their ratio and the 2-second target;
- ``scale.json`` (``scale.py``): every employee-level notebook at 0.2, 2 and 20 million synthetic
  employees, seconds and peak memory of the process tree, the fitted exponent, the 8 GB limit;
- ``pysal_comparison.json`` (``bench_segregation.py`` in the PySAL venv): D, H and Gini against
  PySAL ``segregation`` at three sizes;
- ``results.json`` (``run.py``): the micro-benchmarks, one line each.

A file that is missing is said to be missing, with the command that writes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "SUMMARY.md"


def _load(name: str) -> dict | None:
    path = HERE / name
    return json.loads(path.read_text()) if path.exists() else None


def _missing(name: str, command: str) -> list[str]:
    return [f"_{name} is missing: run `{command}`._", ""]


def warm_section(data: dict | None) -> list[str]:
    """Cold and warm reruns with their ratio."""
    lines = ["## Warm reruns (Cincinnati, `research run` wall seconds)", ""]
    if data is None:
        return lines + _missing("warm_runs.json", "python benchmarks/bench_warm.py")
    lines += [
        f"Measured {data['measured_at']}; load average {data.get('load_average_1_5_15')}.",
        "",
        "| notebook | cold (median s) | warm (median s) | warm best (s) | warm/cold | "
        "under 2 s | tables identical |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in data["results"].items():
        lines.append(
            f"| {name.removeprefix('warm_rerun_')} | {r['cold_median']:.2f} | "
            f"{r['warm_median']:.2f} | {r['warm_best']:.2f} | {r['ratio_warm_to_cold']:.2f} | "
            f"{'yes' if r['target_met'] else 'no'} | {'yes' if r['tables_identical'] else 'NO'} |"
        )
    return lines + [""]


def _size(n: str) -> str:
    return f"{int(n) / 1e6:g}M"


def _memory_exponent(runs: dict) -> float | None:
    """Slope of log peak memory on log employees over the runs that finished (1: linear)."""
    ok = [(int(n), r["peak_tree_mb"]) for n, r in runs.items() if r["status"] == "ok"]
    if len(ok) < 2:
        return None
    x = np.log([n for n, _ in ok])
    y = np.log([mb for _, mb in ok])
    return float(np.polyfit(x, y, 1)[0])


def scale_section(data: dict | None) -> list[str]:
    """Seconds and peak memory per notebook and size, with the exponent."""
    lines = ["## Scale (synthetic employees; peak = research process + kernel)", ""]
    if data is None:
        return lines + _missing("scale.json", "python benchmarks/scale.py")
    sizes = sorted({n for nb in data["notebooks"].values() for n in nb["runs"]}, key=int)
    header = " | ".join(f"{_size(n)} s / peak MB" for n in sizes)
    lines += [
        f"Limit {data.get('limit_gb')} GB. Exponents: slopes of log seconds and of log peak memory "
        "on log employees (1: linear; kernel start, imports and export, the same at every size, "
        "weigh most on the small runs).",
        "",
        f"| notebook | {header} | exponent (time) | exponent (memory) |",
        "|---|" + "---|" * len(sizes) + "---|---|",
    ]
    for name, nb in data["notebooks"].items():
        cells = []
        for n in sizes:
            run = nb["runs"].get(n)
            if run is None:
                cells.append("not run")
            elif run["status"] != "ok":
                cells.append(f"{run['status']} ({run['seconds']:.0f} s, {run['peak_tree_mb']:.0f})")
            else:
                cells.append(f"{run['seconds']:.0f} / {run['peak_tree_mb']:.0f}")
        exponent, memory = nb.get("exponent"), _memory_exponent(nb["runs"])
        lines.append(
            f"| {name} | {' | '.join(cells)} | {'' if exponent is None else f'{exponent:.2f}'} | "
            f"{'' if memory is None else f'{memory:.2f}'} |"
        )
    return lines + [""]


def pysal_section(data: dict | None) -> list[str]:
    """Speed-up over PySAL per index and size."""
    lines = ["## Against PySAL `segregation` (warm calls; speed-up > 1: the workbench is faster)"]
    lines.append("")
    if data is None:
        return lines + _missing("pysal_comparison.json", "make bench-pysal")
    lines += [
        f"PySAL segregation {data.get('pysal_segregation')}, measured {data['measured_at']}.",
        "",
        "| units | index | PySAL ms | workbench ms | speed-up | same value |",
        "|---|---|---|---|---|---|",
    ]
    for r in data["results"]:
        lines.append(
            f"| {r['units']:,} | {r['index']} | {r['pysal_ms']:.1f} | {r['workbench_ms']:.1f} | "
            f"{r['speedup']:.2f} | {'yes' if r['equal'] else 'NO'} |"
        )
    return lines + [""]


def micro_section(data: dict | None) -> list[str]:
    """One line per micro-benchmark."""
    lines = ["## Micro-benchmarks", ""]
    if data is None:
        return lines + _missing("results.json", "python benchmarks/run.py")
    lines += ["| case | median s | peak MB | target met |", "|---|---|---|---|"]
    for name, r in data["results"].items():
        seconds, peak = r.get("seconds_median"), r.get("peak_mb")
        met = r.get("target_met")
        lines.append(
            f"| {name} | {'' if seconds is None else f'{seconds:.3f}'} | "
            f"{'' if peak is None else f'{peak:.0f}'} | "
            f"{'' if met is None else ('yes' if met else 'no')} |"
        )
    return lines + [""]


def main() -> None:
    lines = [
        "# Benchmark summary",
        "",
        "Written by `python benchmarks/summary.py` (`make bench`).",
        "",
    ]
    lines += warm_section(_load("warm_runs.json"))
    lines += scale_section(_load("scale.json"))
    lines += pysal_section(_load("pysal_comparison.json"))
    lines += micro_section(_load("results.json"))
    text = "\n".join(lines)
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
