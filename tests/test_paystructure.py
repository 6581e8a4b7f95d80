"""Pay structures: reading, assimilation onto a new structure and the equality impact assessment."""

import numpy as np
import pandas as pd
import pytest

from research import paystructure
from research.core.checks import InputError
from research.data import synth
from research.data.structures import example_structure, read_structure

# --------------------------------------------------------------------------- assimilation


STRUCTURE = {
    "name": "test",
    "grades": [{"grade": "X", "points": [100, 110, 120]}, {"grade": "Y", "points": [130, 140]}],
    "assimilation": {"rule": "grade_map", "map": {"G1": "X", "G2": "Y"}, "protection_years": 2},
}


@pytest.fixture
def small_workforce():
    frame = pd.DataFrame(
        {
            "grade": ["G1", "G1", "G1", "G2", "G2"],
            "sex": ["F", "M", "F", "M", "F"],
            "annual_basic_pay": [105.0, 125.0, 95.0, 130.0, 131.0],
            "fte": [1.0, 1.0, 0.5, 1.0, 1.0],
            "weekly_hours": [37.0, 37.0, 18.5, 37.0, 37.0],
        }
    )
    frame["hourly_pay"] = frame["annual_basic_pay"] * frame["fte"] / 52.143 / frame["weekly_hours"]
    frame["snapshot_date"] = pd.Timestamp("2025-03-31")
    frame["start_date"] = frame["snapshot_date"] - pd.to_timedelta([0, 400, 800, 0, 3000], unit="D")
    return frame


def test_assimilation_nearest_point_not_below_with_protection(small_workforce):
    result = paystructure.assimilate(small_workforce, paystructure.structure_from_dict(STRUCTURE))
    e = result.employees
    assert list(e["new_grade"]) == ["X", "X", "X", "Y", "Y"]
    assert list(e["new_salary"]) == [110.0, 120.0, 100.0, 130.0, 140.0]
    assert list(e["above_top"]) == [False, True, False, False, False]
    assert list(e["below_bottom"]) == [False, False, True, False, False]
    assert list(e["protected"]) == [False, True, False, False, False]
    assert list(e["pay_on_assimilation"]) == [110.0, 125.0, 100.0, 130.0, 140.0]
    assert list(e["pay_after_protection"]) == [110.0, 120.0, 100.0, 130.0, 140.0]
    # the part-timer's hourly pay scales with basic pay (same hours)
    after = result.after_protection
    assert after.loc[2, "hourly_pay"] == pytest.approx(100.0 * 0.5 / 52.143 / 18.5)


def test_pay_bill_counts_part_timers_by_fte(small_workforce):
    bill = paystructure.assimilate(
        small_workforce, paystructure.structure_from_dict(STRUCTURE)
    ).pay_bill()
    before = 105 + 125 + 0.5 * 95 + 130 + 131
    on_assim = 110 + 125 + 0.5 * 100 + 130 + 140
    after = 110 + 120 + 0.5 * 100 + 130 + 140
    assert list(bill["pay_bill"]) == pytest.approx([before, on_assim, after])
    assert bill["change"].iloc[2] == pytest.approx(after - before)


def test_no_protection_and_other_placements(small_workforce):
    s = paystructure.structure_from_dict(STRUCTURE)
    none = paystructure.assimilate(small_workforce, s, protection_years=0).employees
    assert not none["protected"].any() and none.loc[1, "pay_on_assimilation"] == 120.0
    nearest = paystructure.assimilate(small_workforce, s, placement="nearest").employees
    assert list(nearest["new_salary"]) == [110.0, 120.0, 100.0, 130.0, 130.0]  # 105: tie -> up
    assert bool(nearest.loc[4, "protected"])  # 131 -> 130
    bottom = paystructure.assimilate(small_workforce, s, placement="bottom").employees
    assert list(bottom["new_salary"]) == [100.0, 100.0, 100.0, 130.0, 130.0]
    service = paystructure.assimilate(small_workforce, s, placement="service").employees
    assert list(service["new_point"]) == [1, 2, 3, 1, 2]  # 0, 1.1, 2.2 years; 0, 8.2 (capped)


def test_structure_file_formats_and_errors(tmp_path, small_workforce):
    csv = tmp_path / "s.csv"
    csv.write_text("grade,salary\nX,100\nX,110\nX,120\nY,130\nY,140\n")
    s = paystructure.structure_from_dict(read_structure(csv))
    assert s.grades == ["X", "Y"] and s.grade_table()["maximum"].tolist() == [120.0, 140.0]
    with pytest.raises(InputError, match="does not cover"):
        paystructure.assimilate(small_workforce, s, rule="grade_map", map={"G1": "X"})
    with pytest.raises(InputError, match="not in the structure"):
        paystructure.assimilate(small_workforce, s, rule="grade_map", map={"G1": "X", "G2": "Z"})
    bands = [{"grade": "X", "min": 0}, {"grade": "Y", "min": 120}]
    scored = small_workforce.assign(je=[10, 50, 5, 150, 200])
    r = paystructure.assimilate(scored, s, rule="score_bands", column="je", bands=bands)
    assert list(r.employees["new_grade"]) == ["X", "X", "X", "Y", "Y"]


def test_shipped_examples_load_and_cover_their_datasets():
    for name in ("synthetic", "cincinnati"):
        s = paystructure.structure_from_dict(read_structure(example_structure(name)))
        assert len(s.grades) >= 10 and s.assimilation["rule"] in ("grade_map", "score_bands")
    data = synth.generate(800, seed=5)
    structure = paystructure.structure_from_dict(read_structure(example_structure("synthetic")))
    result = paystructure.assimilate(data, structure)
    assert result.employees["new_grade"].notna().all()


# --------------------------------------------------------------------------- impact assessment


def test_a_structure_designed_to_close_the_gap_closes_it():
    """Same grades, one point per year of service: no room for a within-grade difference."""
    data = synth.generate(3000, seed=8, within_job_gap=0.05)
    spec = {
        "grades": [{"grade": g.name, "points": list(g.points)} for g in synth.GRADES],
        "assimilation": {
            "rule": "grade_map",
            "map": {g.name: g.name for g in synth.GRADES},
            "placement": "service",
            "protection_years": 0,
        },
    }
    impact = paystructure.equality_impact(
        data,
        paystructure.structure_from_dict(spec),
        breakdowns={"Working pattern": "working_pattern"},
    )
    s = impact.statutory.set_index("measure")
    mean = s.loc["Mean gender pay gap in hourly pay"]
    assert mean["after_protection"] < mean["before"] - 2
    g = impact.grade_metrics.set_index("measure")
    within = g.loc["Average pay gap within grades (like for like)"]
    assert within["before"] > 3 and abs(within["after_protection"]) < 1.5
    flags = impact.flags.set_index("moment")["gaps_of_threshold_or_more"]
    assert flags["after_protection"] < flags["before"]
    # women gain more than men on average
    gains = impact.gains[impact.gains["breakdown"] == "All employees"].set_index("sex")
    assert gains.loc["F", "mean_change_pct"] > gains.loc["M", "mean_change_pct"]


def test_a_structure_that_widens_a_gap_is_highlighted(small_workforce):
    data = small_workforce.assign(
        grade_rank=[1, 1, 1, 2, 2],
        working_pattern=np.where(small_workforce["fte"] < 1, "part_time", "full_time"),
        full_pay=True,
        occupation=["cleaner", "driver", "cleaner", "manager", "officer"],
    )
    spec = {
        "grades": [{"grade": "X", "points": [100]}, {"grade": "Y", "points": [130, 200]}],
        "assimilation": {
            "rule": "job_map",
            "column": "occupation",
            "protection_years": 0,
            "map": {"cleaner": "X", "officer": "X", "driver": "Y", "manager": "Y"},
        },
    }
    impact = paystructure.equality_impact(
        data,
        paystructure.structure_from_dict(spec),
        breakdowns={"Working pattern": "working_pattern"},
    )
    # women 105, 95, 131 -> 100, 100, 100; men 125, 130 -> 130, 130 (hourly pay is proportional)
    gaps = impact.gaps.set_index("group")
    assert gaps.loc["all", "gap_before"] == pytest.approx(100 * (127.5 - 331 / 3) / 127.5)
    assert gaps.loc["all", "gap_after"] == pytest.approx(100 * 30 / 130)
    assert gaps.loc["full_time", "gap_before"] == pytest.approx(100 * (127.5 - 118) / 127.5)
    assert set(impact.widened["group"]) == {"all", "full_time"}  # part_time has no men
    assert impact.protected["n_protected"].sum() == 0  # no protection asked for
    bill = impact.pay_bill["pay_bill"]
    assert bill.iloc[2] - bill.iloc[0] == pytest.approx(-5 + 5 + 0.5 * 5 + 0 - 31)


def test_eia_counts_protected_employees_by_sex(small_workforce):
    data = small_workforce.assign(
        grade_rank=[1, 1, 1, 2, 2], working_pattern="full_time", full_pay=True
    )
    impact = paystructure.equality_impact(
        data,
        paystructure.structure_from_dict(STRUCTURE),
        breakdowns={"Working pattern": "working_pattern"},
    )
    p = impact.protected.set_index("sex")
    assert p.loc["M", "n_protected"] == 1 and p.loc["F", "n_protected"] == 0
    assert p.loc["M", "mean_protected_amount"] == pytest.approx(5.0)
