"""Benchmarks of occupational segregation (issue 4), run by ``benchmarks/run.py segregation``.

Each case runs in a fresh interpreter after ``SETUP`` (not timed), which builds two data sets:

* ``TABLE_400``: a 400-occupation x 2-sex table in long form (800 rows with counts);
* ``COUNCILS``: 1,000,000 employees as individual rows in 300 councils (categorical columns
  ``council``, ``occupation``, ``sex``), occupations and sexes drawn with the synthetic council's
  shares (:func:`research.data.synth.truth`).

Targets from the issue, as ``TARGETS`` (seconds of the whole case, best of 3 runs):

* ``segregation_indices_400x2_x100`` makes **100 calls** of :func:`segregation_indices` (D, IP,
  Gini, Hutchens, Atkinson, Gibbs' D, isolation, exposure, M and H together, aggregation from the
  long table included), so its 1.0 s target is the issue's **10 ms per call**; per call = seconds/100.
* ``segregation_indices_400x2_boot1000``: the same with 1,000 bootstrap replicates, under 1 s.
* ``segregation_profile_300_councils_1m``: every index for each of 300 councils from 1,000,000
  individual rows, under 5 s.

Side by side with PySAL ``segregation`` (never a dependency of the workbench): run
``bash benchmarks/pysal_env.sh`` once to create ``.bench/venv-pysal`` (PySAL plus this workbench).
The case ``segregation_pysal_comparison`` then runs this file in that interpreter, which times D, H
and Gini of both libraries on the same tables in one process (PySAL on the wide table it needs,
already built; the workbench on the long table, aggregation included), checks that the values are
equal, and writes ``benchmarks/pysal_comparison.json``. Without that environment the case only
says so. The case's own seconds are those of the whole comparison, not of either library.
"""

from __future__ import annotations

import json
import platform
import sys
import timeit
from datetime import UTC, datetime
from pathlib import Path

SETUP = """
import numpy as np
import pandas as pd
from research import segregation as seg
from research.data import synth

_rng = np.random.default_rng(2025)
_f, _m = _rng.integers(0, 120, 400), _rng.integers(0, 120, 400)
TABLE_400 = pd.DataFrame({
    "occupation": np.repeat([f"occ{j:03d}" for j in range(400)], 2),
    "sex": ["F", "M"] * 400,
    "n": np.column_stack([_f, _m]).ravel(),
})
_truth = synth.truth().occupations
_occ = _rng.choice(len(_truth), 1_000_000, p=_truth["employment_share"] / _truth["employment_share"].sum())
_council = np.minimum(_rng.exponential(1.0, 1_000_000) * 60, 299).astype(int)
_female = _rng.random(1_000_000) < _truth["female_share"].to_numpy()[_occ]
COUNCILS = pd.DataFrame({
    "council": pd.Categorical.from_codes(_council, [f"council {c:03d}" for c in range(300)]),
    "occupation": pd.Categorical.from_codes(_occ, _truth["occupation"].tolist()),
    "sex": pd.Categorical.from_codes((~_female).astype(int), ["F", "M"]),
})
seg.segregation_indices(TABLE_400, "sex", "occupation", "n")  # warm-up: imports, caches
"""

CASES: dict[str, str] = {
    "segregation_indices_400x2_x100": (
        "for _ in range(100):\n    seg.segregation_indices(TABLE_400, 'sex', 'occupation', 'n')\n"
    ),
    "segregation_indices_400x2_boot1000": (
        "seg.segregation_indices(TABLE_400, 'sex', 'occupation', 'n', n_boot=1000, seed=1)\n"
    ),
    "segregation_profile_300_councils_1m": (
        "seg.segregation_profile(COUNCILS, 'sex', 'occupation', across='council')\n"
    ),
    "segregation_profile_300_councils_1m_boot100": (
        "seg.segregation_profile(COUNCILS, 'sex', 'occupation', across='council', n_boot=100, seed=1)\n"
    ),
    "segregation_change_schools_shapley": (
        "d0 = pd.read_csv('tests/data/segregation/schools00.csv')\n"
        "d5 = pd.read_csv('tests/data/segregation/schools05.csv')\n"
        "seg.decompose_change(d0, d5, 'race', 'school', 'n')\n"
    ),
    "segregation_pysal_comparison": (
        "import subprocess, sys\n"
        "from pathlib import Path\n"
        "python = Path('.bench/venv-pysal/bin/python')\n"
        "if python.exists():\n"
        "    subprocess.run([str(python), 'benchmarks/bench_segregation.py'], check=True,\n"
        "                   stdout=subprocess.DEVNULL)\n"
        "else:\n"
        "    print('PySAL environment missing: run bash benchmarks/pysal_env.sh', file=sys.stderr)\n"
    ),
}

#: Targets from issue 4: seconds (of the whole case) and peak memory (MB) a case must stay under.
TARGETS: dict[str, dict[str, float]] = {
    "segregation_indices_400x2_x100": {"seconds": 1.0},  # 100 calls: 10 ms per call
    "segregation_indices_400x2_boot1000": {"seconds": 1.0},
    "segregation_profile_300_councils_1m": {"seconds": 5.0, "peak_mb": 2048.0},
}


# --------------------------------------------------------------------------------------------------
# Side-by-side comparison with PySAL (run in .bench/venv-pysal: python benchmarks/bench_segregation.py)
# --------------------------------------------------------------------------------------------------


def _best_seconds(function) -> float:
    """Best time per call: timeit's autorange sets the calls per run (>= 0.2 s), best of 3 runs."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=3, number=number)) / number


def _tables(n_units: int, seed: int = 2025):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    f, m = rng.integers(0, 120, n_units), rng.integers(0, 120, n_units)
    f[0] += 1
    long = pd.DataFrame(
        {
            "occupation": np.repeat(np.arange(n_units), 2),
            "sex": ["F", "M"] * n_units,
            "n": np.column_stack([f, m]).ravel(),
        }
    )
    wide = pd.DataFrame({"women": f, "total": f + m})
    return long, wide


def compare_with_pysal(sizes=(400, 10_000, 50_000)) -> dict:
    """Time D, H and Gini in PySAL and in the workbench on the same tables; check equal values."""
    import warnings

    import segregation as pysal_segregation
    from segregation.singlegroup import Dissim, Entropy, Gini

    from research import segregation as seg

    warnings.filterwarnings("ignore")
    rows = []
    for n_units in sizes:
        long, wide = _tables(n_units)
        pairs = {
            "D": (
                lambda w=wide: Dissim(w, "women", "total").statistic,
                lambda d=long: float(seg.dissimilarity(d, "sex", "occupation", "n")),
            ),
            "H": (
                lambda w=wide: Entropy(w, "women", "total").statistic,
                lambda d=long: seg.mutual_information(d, "sex", "occupation", "n").H.value,
            ),
            "Gini": (
                lambda w=wide: Gini(w, "women", "total").statistic,
                lambda d=long: float(seg.gini(d, "sex", "occupation", "n")),
            ),
        }
        for index, (pysal_call, ours_call) in pairs.items():
            pysal_value, ours_value = pysal_call(), ours_call()  # also warms up (numba, caches)
            pysal_seconds, ours_seconds = _best_seconds(pysal_call), _best_seconds(ours_call)
            rows.append(
                {
                    "units": n_units,
                    "index": index,
                    "pysal_value": float(pysal_value),
                    "workbench_value": float(ours_value),
                    "equal": abs(float(pysal_value) - float(ours_value)) <= 1e-9,
                    "pysal_ms": round(1e3 * pysal_seconds, 4),
                    "workbench_ms": round(1e3 * ours_seconds, 4),
                    "speedup": round(pysal_seconds / ours_seconds, 2),
                }
            )
    try:
        import numba

        numba_version = numba.__version__
    except ImportError:  # pragma: no cover - depends on the environment
        numba_version = None
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "pysal_segregation": pysal_segregation.__version__,
        "numba": numba_version,
        "method": (
            "best of 3 runs of timeit autorange; PySAL on a ready wide table (women, total per "
            "occupation), the workbench on the long table (occupation, sex, n) with aggregation"
        ),
        "results": rows,
    }


def main() -> int:
    out = compare_with_pysal()
    path = Path(__file__).resolve().parent / "pysal_comparison.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    for row in out["results"]:
        print(
            f"{row['index']:<5} {row['units']:>6} units  PySAL {row['pysal_ms']:9.3f} ms  "
            f"workbench {row['workbench_ms']:8.3f} ms  x{row['speedup']:<8} "
            f"{'equal' if row['equal'] else 'DIFFERENT'}"
        )
    print(f"written {path}")
    return 0 if all(row["equal"] for row in out["results"]) else 1


if __name__ == "__main__":
    sys.exit(main())
