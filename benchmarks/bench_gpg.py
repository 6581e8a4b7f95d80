"""Benchmarks of the GOV.UK pay gap panel: loading all years cold and warm, the council benchmark.

Each case is code run in a fresh interpreter by ``benchmarks/run.py`` (imports and ``SETUP`` not
timed). ``SETUP`` builds a warm Parquet cache in ``.bench/gpg-cache`` (git-ignored) and an empty
folder for the cold case, so neither case touches ``data/processed``.
"""

SETUP = (
    "import tempfile\n"
    "from research.data.gpg import load, panel as gpg_panel\n"
    "from research.gpg import benchmark as gpg_benchmark, datachecks\n"
    "from research.gpg.report import build\n"
    "from research.gpg.sectors import with_sectors\n"
    "from research.gpg.selection import councils\n"
    "COLD = tempfile.mkdtemp(prefix='gpg-cold-')\n"
    "WARM = '.bench/gpg-cache'\n"
    "gpg_panel.load_panel(cache=WARM)\n"
)

CASES: dict[str, str] = {
    # every shipped download read, harmonised and written to Parquet
    "gpg_load_panel_cold": "gpg_panel.load_panel(cache=COLD)\n",
    # the same from the Parquet cache (raw files hashed to check the cache is current)
    "gpg_load_panel_warm": "gpg_panel.load_panel(cache=WARM)\n",
    # what the notebook loads (panel from cache, check extract), then sectors and councils
    "gpg_load_data_warm": (
        "data = load('gpg', cache=WARM)\nwith_sectors(data.panel); councils(data.panel)\n"
    ),
    # one council against all councils, all years
    "gpg_benchmark_one_council": (
        "data = load('gpg', cache=WARM)\n"
        "gpg_benchmark.benchmark(councils(data.panel), 'Leeds City Council', '2024-25')\n"
    ),
    # the whole report of notebook 60 for one council (tables, sentences, seven charts)
    "gpg_report_one_council": (
        "data = load('gpg', cache=WARM)\n"
        "build(data.panel, sources=data.sources, extract=data.extract,"
        " employer='Leeds City Council')\n"
    ),
    # checks of the published figures on all 71,313 submissions
    "gpg_checks_all_submissions": (
        "panel = gpg_panel.load_panel(cache=WARM)\n"
        "datachecks.summarise_checks(panel); datachecks.failing_rows(panel)\n"
    ),
}

#: Targets: seconds and peak memory (MB) a case must stay under.
TARGETS: dict[str, dict[str, float]] = {
    "gpg_load_panel_cold": {"seconds": 10.0, "peak_mb": 1024.0},
    "gpg_load_panel_warm": {"seconds": 1.0},
    "gpg_load_data_warm": {"seconds": 3.0},
    "gpg_benchmark_one_council": {"seconds": 5.0},
    "gpg_report_one_council": {"seconds": 10.0},
}
