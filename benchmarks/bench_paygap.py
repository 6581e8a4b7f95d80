"""Benchmarks of the pay gap metrics (issue targets: uk_gpg on 2,000,000 employees under 2 s;
gap_by over 400 groups with 1,000 bootstrap replicates under 10 s)."""

SETUP = (
    "import numpy as np\n"
    "from research import paygap\nfrom research.data import synth\n"
    "big = synth.generate(2_000_000, seed=1)\n"
    "mid = synth.generate(200_000, seed=2)\n"
    "# 400 groups of 500 employees: a team code drawn at random\n"
    "groups = mid.assign(team=np.random.default_rng(3).integers(0, 400, len(mid)))\n"
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
}

TARGETS: dict[str, dict[str, float]] = {
    "uk_gpg_2m": {"seconds": 2.0, "peak_mb": 4096.0},
    "gap_by_400_groups_1000_boot_median": {"seconds": 10.0},
    "gap_by_400_groups_1000_boot_mean": {"seconds": 10.0},
    "gap_by_2m_grade_x_pattern_1000_boot": {"peak_mb": 4096.0},
}
