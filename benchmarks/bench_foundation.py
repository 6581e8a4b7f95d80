"""Benchmarks of the foundation: synthetic generation, ingest, data audit tables at 2,000,000 rows.

Each case is code run in a fresh interpreter by ``benchmarks/run.py`` (imports not timed).
"""

CASES: dict[str, str] = {
    "synth_generate_2m": ("from research.data import synth\nsynth.generate(2_000_000, seed=1)\n"),
    "ingest_cincinnati": (
        "from research.data import ingest\n"
        "ingest.ingest('data/raw/cincinnati/cincinnati_employees_2020_noname.csv', 'cincinnati')\n"
    ),
    "data_audit_tables_2m": (
        "from research.data import datasets\nfrom research.data_audit import quality\nfrom research.data_audit import report as data_audit\nfrom research.present import disclosure\n"
        "ds = datasets.load_dataset('synthetic:n_employees=2000000,seed=1')\n"
        "quality.completeness(ds.data); quality.quality_checks(ds.data)\n"
        "for by, *_ in data_audit.HEADCOUNT_TABLES:\n"
        "    disclosure.suppress_counts(data_audit.headcount(ds.data, by), 10)\n"
        "data_audit.pay_and_hours(ds.data)\n"
    ),
}

#: Targets from the issues: seconds and peak memory (MB) a case must stay under.
TARGETS: dict[str, dict[str, float]] = {
    "synth_generate_2m": {"seconds": 30.0, "peak_mb": 4096.0},
    "data_audit_tables_2m": {"peak_mb": 4096.0},
}
