"""Benchmarks of the equal pay audit and the impact assessment (no issue targets; a council of
200,000 employees should audit and assess within seconds)."""

SETUP = (
    "from research import audit, paystructure\nfrom research.data import synth\n"
    "from research.data.structures import example_structure, read_structure\n"
    "big = synth.generate(200_000, seed=1)\n"
    "structure = paystructure.structure_from_dict(read_structure(example_structure('synthetic')))\n"
)

CASES: dict[str, str] = {
    "equal_pay_audit_200k": "audit.equal_pay_audit(big, group_by='grade').action_list(10)\n",
    "logib_regression_200k": (
        "frame = audit.workforce_logib_frame(big, requirement='grade', position='occupation')\n"
        "audit.logib_regression(frame, education=None, categorical=('requirement', 'position'))\n"
    ),
    "assimilate_200k": "paystructure.assimilate(big, structure).pay_bill()\n",
    "equality_impact_200k": (
        "paystructure.equality_impact(big, structure, breakdowns={'Pattern': 'working_pattern'})\n"
    ),
}

TARGETS: dict[str, dict[str, float]] = {
    "equal_pay_audit_200k": {"seconds": 10.0},
    "logib_regression_200k": {"seconds": 30.0},
    "assimilate_200k": {"seconds": 5.0},
    "equality_impact_200k": {"seconds": 60.0},
}
