"""Equal pay audit and Logib regression (the pay structure assessment: test_paystructure.py)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research import audit
from research.audit.logib import logib_rating
from research.core.checks import InputError
from research.data import synth
from research.data.structures import read_job_mapping

DATA = Path(__file__).parent / "data"


# --------------------------------------------------------------------------- equal pay audit


def workforce(rows):
    """Employee rows (group, sex, basic, bonus, years of service, part time) -> canonical-ish."""
    frame = pd.DataFrame(
        rows, columns=["grade", "sex", "annual_basic_pay", "bonus_12m", "years", "pt"]
    )
    snapshot = pd.Timestamp("2025-03-31")
    frame["snapshot_date"] = snapshot
    frame["start_date"] = snapshot - pd.to_timedelta(frame.pop("years") * 365.25, unit="D")
    frame["working_pattern"] = np.where(frame.pop("pt"), "part_time", "full_time")
    frame["hourly_pay"] = frame["annual_basic_pay"] / 52.143 / 37
    frame["occupation"] = "job " + frame["grade"]
    return frame


@pytest.fixture
def boundary_audit():
    rows = [
        # A: men 100, women 95 -> exactly 5%
        ("A", "M", 100.0, 0, 10, False),
        ("A", "M", 100.0, 0, 10, False),
        ("A", "F", 95.0, 0, 2, False),
        ("A", "F", 95.0, 0, 2, False),
        # B: 4.99% (not a 5% gap, but >= 3%: with A it forms a pattern across groups)
        ("B", "M", 100.0, 0, 5, False),
        ("B", "F", 95.01, 0, 5, True),
        # C: exactly 3% in basic pay and exactly 3% in bonus -> pattern across elements
        ("C", "M", 200.0, 50.0, 5, False),
        ("C", "F", 194.0, 48.5, 5, False),
        # D: 2.99%, women paid more: no flag of any kind
        ("D", "M", 100.0, 0, 5, False),
        ("D", "F", 102.99, 0, 5, False),
    ]
    return audit.equal_pay_audit(workforce(rows), group_by="grade")


def row(result, group, element="basic", stat="mean"):
    t = result.table
    return t[(t["group"] == group) & (t["element"] == element) & (t["stat"] == stat)].iloc[0]


def test_gaps_are_hand_computed(boundary_audit):
    a = row(boundary_audit, "A")
    assert (a["n_female"], a["n_male"], a["female"], a["male"]) == (2, 2, 95.0, 100.0)
    assert a["gap"] == pytest.approx(5.0)
    assert row(boundary_audit, "B")["gap"] == pytest.approx(4.99)
    assert row(boundary_audit, "C", "bonus")["gap"] == pytest.approx(3.0)
    assert row(boundary_audit, "D")["gap"] == pytest.approx(-2.99)
    assert row(boundary_audit, "D")["direction"] == "women paid more"


def test_exactly_five_percent_is_flagged_and_just_below_is_not(boundary_audit):
    assert bool(row(boundary_audit, "A")["flag_gap"])
    assert bool(row(boundary_audit, "A", stat="median")["flag_gap"])
    assert not bool(row(boundary_audit, "B")["flag_gap"])


def test_exactly_three_percent_forms_patterns(boundary_audit):
    # A (5%) and B (4.99%) and C (3%) are >= 3% with men paid more in basic pay: a pattern
    for group in "ABC":
        assert bool(row(boundary_audit, group)["pattern_groups"]), group
    # C: basic pay and bonus both exactly 3% -> recurring across pay elements
    assert bool(row(boundary_audit, "C")["pattern_elements"])
    assert bool(row(boundary_audit, "C", "bonus")["pattern_elements"])
    # D: 2.99% is below the pattern threshold
    d = row(boundary_audit, "D")
    assert not (d["flag_gap"] or d["pattern_groups"] or d["pattern_elements"] or d["flag"])


def test_hourly_pay_is_not_a_separate_element_for_patterns(boundary_audit):
    # In A, basic and hourly are both 5% but hourly restates basic: no cross-element pattern
    assert not bool(row(boundary_audit, "A")["pattern_elements"])


def test_floating_point_cannot_move_an_exact_boundary():
    rows = [
        ("A", "M", 30.3, 0, 1, False),
        ("A", "F", 30.3 * 0.95, 0, 1, False),
        ("B", "M", 0.7, 0, 1, False),
        ("B", "F", 0.7 * 0.97, 0, 1, False),
        ("C", "M", 1.0, 0, 1, False),
        ("C", "F", 0.9, 0, 1, False),
    ]
    result = audit.equal_pay_audit(workforce(rows), elements=["basic"], min_pattern=3)
    assert bool(row(result, "A")["flag_gap"])
    assert bool(row(result, "B")["pattern_groups"])  # exactly 3% counts, with A and C


def test_a_single_group_over_three_percent_is_not_a_pattern():
    rows = [
        ("A", "M", 100.0, 0, 1, False),
        ("A", "F", 96.0, 0, 1, False),
        ("B", "M", 100.0, 0, 1, False),
        ("B", "F", 100.0, 0, 1, False),
    ]
    result = audit.equal_pay_audit(workforce(rows), elements=["basic"])
    assert not result.table["flag"].any()


def test_action_list_is_ordered_by_gap_then_headcount():
    rows = [
        ("A", "M", 100.0, 0, 1, False),
        ("A", "F", 90.0, 0, 1, False),
        ("B", "M", 100.0, 0, 1, False),
        ("B", "F", 94.0, 0, 1, False),
        ("C", "M", 100.0, 0, 1, False),
        ("C", "M", 100.0, 0, 1, False),
        ("C", "F", 94.0, 0, 1, False),
    ]
    actions = audit.equal_pay_audit(workforce(rows), elements=["basic"]).action_list()
    assert list(actions["group"]) == ["A", "C", "B"]  # 10%, then 6% with 3 people before 6% with 2
    assert list(actions["priority"]) == [1, 2, 3]
    assert actions.loc[0, "gap"] == pytest.approx(10.0)
    assert actions.loc[0, "elements"] == "basic pay (mean, median)"


def test_publishable_hides_small_groups():
    rows = [("A", "M", 100.0, 0, 1, False)] * 12 + [("A", "F", 90.0, 0, 1, False)] * 3
    shown, _ = audit.equal_pay_audit(workforce(rows), elements=["basic"]).publishable("mean", 10)
    assert shown.loc[0, "gap_basic"] == "[c]" and shown.loc[0, "flag_gap"] == "[c]"
    assert shown.loc[0, "n_female"] == "[c]" and shown.loc[0, "n_male"] == 12


def test_job_mapping_groups_jobs_of_equal_value(tmp_path):
    rows = [("A", "M", 100.0, 0, 1, False), ("B", "F", 90.0, 0, 1, False)]
    path = tmp_path / "map.csv"
    path.write_text("job,group,basis\njob A,G1,equal value\njob B,G1,equal value\n")
    result = audit.equal_pay_audit(
        workforce(rows), mapping=read_job_mapping(path), elements=["basic"]
    )
    assert result.n_groups == 1 and row(result, "G1")["gap"] == pytest.approx(10.0)
    assert row(result, "G1")["basis"] == "equal value"
    with pytest.raises(InputError, match="not in the job mapping"):
        audit.equal_pay_audit(workforce(rows), mapping={"job A": "G1"})


def test_job_mapping_files_are_read_by_the_data_layer(tmp_path):
    rows = [("A", "M", 100.0, 0, 1, False), ("B", "F", 90.0, 0, 1, False)]
    yaml_path = tmp_path / "map.yaml"
    yaml_path.write_text("groups:\n  - {group: G1, jobs: [job A, job B]}\n")
    table = read_job_mapping(yaml_path)
    assert list(table.columns) == ["job", "group", "basis"] and table.attrs["sha256"]
    result = audit.equal_pay_audit(workforce(rows), mapping=table, elements=["basic"])
    assert row(result, "G1")["basis"] == "like work"  # no basis given
    with pytest.raises(InputError, match="read_job_mapping"):
        audit.equal_pay_audit(workforce(rows), mapping=str(yaml_path), elements=["basic"])
    bad = table.assign(basis="similar")
    with pytest.raises(InputError, match="Unknown basis"):
        audit.equal_pay_audit(workforce(rows), mapping=bad, elements=["basic"])


def test_contributing_factors_are_hand_computed(boundary_audit):
    f = boundary_audit.factors.set_index(["group", "sex"])
    assert f.loc[("A", "M"), "mean_service"] == pytest.approx(10.0, abs=0.01)
    assert f.loc[("A", "F"), "mean_service"] == pytest.approx(2.0, abs=0.01)
    assert f.loc[("B", "F"), "pct_part_time"] == 100.0
    assert f.loc[("A", "F"), "mean_position"] == 0.0 and f.loc[("A", "M"), "mean_position"] == 1.0
    first = boundary_audit.action_list().iloc[0]
    assert first["group"] == "A" and "length of service (men" in first["check"]


# --------------------------------------------------------------------------- Logib


def published(case):
    values = json.loads((DATA / "published_values.json").read_text())["paygap"]
    return next(v for v in values if v["case"] == case)


@pytest.fixture(scope="module")
def logib_example():
    datalist = pd.read_csv(DATA / "paygap" / "logib_datalist_example.csv")
    return audit.logib_regression(audit.prepare_logib_datalist(datalist, usual_weekly_hours=40))


@pytest.mark.parametrize(
    ("case", "attribute"),
    [
        ("logib_example_sex_coef", "coef"),
        ("logib_example_sex_se", "se"),
        ("logib_example_df", "df"),
        ("logib_example_r2", "r2"),
        ("logib_example_abs_t", "abs_t"),
    ],
)
def test_logib_reference_values(logib_example, case, attribute):
    ref = published(case)
    assert getattr(logib_example, attribute) == pytest.approx(ref["expected"], abs=ref["tolerance"])


def test_logib_kennedy_reference_value(logib_example):
    ref = published("logib_example_kennedy")
    assert logib_example.kennedy / 100 == pytest.approx(ref["expected"], abs=ref["tolerance"])
    b, se = logib_example.coef, logib_example.se
    assert logib_example.kennedy == pytest.approx(100 * (np.exp(b - se**2 / 2) - 1), rel=1e-12)
    assert logib_example.n == 280 and len(logib_example.dropped) == 1  # one aliased dummy
    assert logib_example.ci[0] < logib_example.kennedy < logib_example.ci[1]
    assert logib_example.rating == "at most 5%"


def test_logib_rating_boundaries():
    assert logib_rating(0.05, -10.0) == "not significant"  # significant means p < 0.05
    assert logib_rating(0.049, -2.5) == "at most 2.5%"
    assert logib_rating(0.049, 2.5000001) == "at most 5%"
    assert logib_rating(0.001, -5.0) == "at most 5%"
    assert logib_rating(0.001, -5.0001) == "above 5%"


def test_logib_on_synthetic_recovers_the_within_job_gap():
    data = synth.generate(4000, seed=3, within_job_gap=0.08)
    frame = audit.workforce_logib_frame(data, requirement="grade", position="occupation")
    result = audit.logib_regression(frame, education=None, categorical=("requirement", "position"))
    assert result.kennedy == pytest.approx(-8.0, abs=0.5)
    assert result.rating == "above 5%"


def test_a_band_of_several_grades_is_called_neighbouring_grades_not_the_same_grade():
    data = pd.DataFrame(
        {
            "grade": ["G1", "G2", "G3", "G3"],
            "grade_group": ["ranks 001-002", "ranks 001-002", "ranks 003-003", "ranks 003-003"],
        }
    )
    groups = audit.equal_work_groups(data, "grade_group")
    assert groups["basis"].tolist() == [
        "neighbouring grades",
        "neighbouring grades",
        "same grade",
        "same grade",
    ]
