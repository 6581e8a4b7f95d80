"""Benchmarks of the pay gap metrics (issue targets: uk_gpg on 2,000,000 employees under 2 s;
gap_by over 400 groups with 1,000 bootstrap replicates under 10 s)."""

SETUP = (
    "import numpy as np\n"
    "from research import paygap\nfrom research.data import synth\n"
    "big = synth.generate(2_000_000, seed=1)\n"
    "mid = synth.generate(200_000, seed=2)\n"
    "# 400 groups of 500 employees: a team code drawn at random\n"
    "groups = mid.assign(team=np.random.default_rng(3).integers(0, 400, len(mid)))\n"
    "# the pay gap report's breakdowns and EU tables (issue 17: compute once), before and after\n"
    "import sys\nsys.path.insert(0, 'tests')\nimport speed_reference\n"
    "from research.paygap import breakdown, eu, report\n"
    "framed = report.with_groupings(big, occupation_level='occupation', top_n=20, "
    "max_grade_groups=15)\n"
    "splits = [list(w) for _, w in report.available_breakdowns(framed)]\n"
)

CASES: dict[str, str] = {
    "uk_gpg_2m": "paygap.uk_gpg(big)\n",
    "gap_by_400_groups_1000_boot_median": (
        "r = paygap.gap_by(groups, 'team', n_boot=1000, seed=1)\nassert len(r.table) == 400\n"
    ),
    "gap_by_400_groups_1000_boot_mean": (
        "r = paygap.gap_by(groups, 'team', stat='mean', n_boot=1000, seed=1)\n"
        "assert len(r.table) == 400\n"
    ),
    "gap_by_2m_grade_x_pattern_1000_boot": (
        "paygap.gap_by(big, ['grade', 'working_pattern'], n_boot=1000, seed=1)\n"
    ),
    # 13 breakdowns of the pay gap report plus its EU tables on 2,000,000 employees (no
    # bootstrap: the sorting and grouping work). "before" is the code before issue 17, frozen in
    # tests/speed_reference.py (one full sort per call, a string per row); "after" shares sorts.
    "gap_by_report_2m_before": (
        "for w in splits:\n    speed_reference.gap_by(framed, w)\n"
        "eu.gap_by, eu.shared_sorts = speed_reference.gap_by, speed_reference.nullcontext\n"
        "eu.eu_pay_transparency(framed, category='grade_group')\n"
    ),
    "gap_by_report_2m_after": (
        "with breakdown.shared_sorts():\n"
        "    for w in splits:\n        breakdown.gap_by(framed, w)\n"
        "    eu.eu_pay_transparency(framed, category='grade_group')\n"
    ),
}

TARGETS: dict[str, dict[str, float]] = {
    "uk_gpg_2m": {"seconds": 2.0, "peak_mb": 4096.0},
    "gap_by_400_groups_1000_boot_median": {"seconds": 10.0},
    "gap_by_400_groups_1000_boot_mean": {"seconds": 10.0},
    "gap_by_2m_grade_x_pattern_1000_boot": {"peak_mb": 4096.0},
}
