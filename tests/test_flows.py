"""Workforce flows (issue 16): linking snapshots, flow measures, the Markov projection, truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.core.checks import InputError
from research.data import datasets
from research.data.longitudinal import LongitudinalError, link, load_linked, read_events
from research.data.synth_flows import flow_truth, generate_flows
from research.flows import flow_rates, four_fifths, half_life, project, relative_likelihood
from research.flows.markov import ManpowerModel, estimate, flow_counts, project_model, scenario

# --------------------------------------------------------------------------- small linked snapshots

Y1, Y2 = pd.Timestamp("2023-03-31"), pd.Timestamp("2024-03-31")
#: id -> (sex, grade rank) in each snapshot (None: absent)
PEOPLE = {
    "EMP01": ("F", 1, 1),  # stays
    "EMP02": ("F", 1, 2),  # promoted
    "EMP03": ("F", 1, None),  # leaves (voluntary)
    "EMP04": ("F", 2, 2),
    "EMP05": ("F", 2, None),  # leaves (retirement)
    "EMP06": ("M", 1, 2),  # promoted
    "EMP07": ("M", 1, 1),
    "EMP08": ("M", 2, 2),
    "EMP09": ("M", 2, None),  # leaves, no event
    "EMP10": ("M", 2, 2),
    "EMP11": ("F", None, 1),  # starter
    "EMP12": ("M", None, 2),  # starter
}


def small_snapshots() -> pd.DataFrame:
    rows = []
    for person, (sex, first, second) in PEOPLE.items():
        for date, rank in ((Y1, first), (Y2, second)):
            if rank is not None:
                rows.append(
                    {
                        "employee_id": person,
                        "snapshot_date": date,
                        "sex": sex,
                        "grade": f"G{rank}",
                        "grade_rank": rank,
                    }
                )
    return pd.DataFrame(rows)


EVENTS = pd.DataFrame(
    {
        "employee_id": ["EMP03", "EMP05", "EMP99"],
        "event": ["leaver", "leaver", "leaver"],
        "event_date": pd.to_datetime(["2023-06-01", "2023-09-01", "2023-10-01"]),
        "reason": ["voluntary", "retirement", "voluntary"],
    }
)


@pytest.fixture(scope="module")
def linked():
    return link(small_snapshots(), EVENTS)


def test_link_classifies_every_move(linked):
    events = linked.moves.set_index("employee_id")["event"].astype(str)
    assert events["EMP02"] == events["EMP06"] == "promotion"
    assert set(events[["EMP03", "EMP05", "EMP09"]]) == {"leaver"}
    assert set(events[["EMP11", "EMP12"]]) == {"starter"}
    assert (events == "stay").sum() == 5
    reasons = linked.moves.set_index("employee_id")["reason"]
    assert reasons["EMP03"] == "voluntary" and reasons["EMP05"] == "retirement"
    assert reasons["EMP09"] == "not recorded"


def test_linkage_counts_what_cannot_be_linked_without_naming_anyone(linked):
    counts = linked.linkage.counts.set_index("problem")["n"]
    assert counts["events whose employee id is in no snapshot"] == 1
    assert counts["leavers (absent from the next snapshot) without a leaver event"] == 1
    assert "EMP" not in linked.linkage.counts.to_string()


def test_hand_computed_turnover_stability_and_promotion(linked):
    table = flow_rates(linked.moves, ["sex"]).set_index("sex")
    women, men = table.loc["F"], table.loc["M"]
    assert (women["headcount_start"], women["headcount_end"]) == (5, 4)
    assert (women["leavers"], women["starters"], women["stayers"], women["promoted"]) == (
        2,
        1,
        3,
        1,
    )
    assert women["turnover"] == pytest.approx(100 * 2 / 4.5)
    assert women["voluntary_turnover"] == pytest.approx(100 * 1 / 4.5)
    assert women["stability"] == pytest.approx(60.0)
    assert women["promotion"] == pytest.approx(20.0)
    assert women["leaving"] == pytest.approx(40.0)
    assert men["turnover"] == pytest.approx(20.0)
    assert men["voluntary_turnover"] == 0  # the man who left has no recorded reason
    assert men["stability"] == pytest.approx(80.0)
    assert men["promotion"] == pytest.approx(20.0)
    assert women["turnover_low"] < women["turnover"] < women["turnover_high"]


def test_grade_rates_use_the_grade_at_the_start_for_leavers_and_promotions(linked):
    table = flow_rates(linked.moves, ["sex", "grade_rank"]).set_index(["sex", "grade_rank"])
    grade1 = table.loc[("F", 1)]
    # women in grade 1 in 2023: EMP01-03; EMP03 left, EMP02 promoted; in 2024: EMP01, EMP11
    assert (grade1["headcount_start"], grade1["headcount_end"]) == (3, 2)
    assert grade1["promotion"] == pytest.approx(100 / 3)
    assert grade1["turnover"] == pytest.approx(100 * 1 / 2.5)
    assert table.loc[("F", 2), "starters"] == 0 and table.loc[("M", 2), "starters"] == 1


def test_wilson_interval_is_statsmodels(linked):
    from statsmodels.stats.proportion import proportion_confint

    table = flow_rates(linked.moves, ["sex"]).set_index("sex")
    low, high = proportion_confint(3, 5, method="wilson")
    assert table.loc["F", "stability_low"] == pytest.approx(100 * low)
    assert table.loc["F", "stability_high"] == pytest.approx(100 * high)


def test_ids_duplicated_within_a_snapshot_are_refused_without_naming_them():
    data = small_snapshots()
    data = pd.concat([data, data.iloc[[0]]], ignore_index=True)
    with pytest.raises(
        LongitudinalError,
        match="1 employee id appears more than once in the snapshot of 31 March 2023",
    ) as err:
        link(data)
    assert "EMP01" not in str(err.value)


def test_events_with_unknown_codes_are_refused(tmp_path):
    path = tmp_path / "events.csv"
    pd.DataFrame(
        {"ID": ["EMP03"], "TYPE": ["Leaver"], "DATE": ["01/06/2023"], "WHY": ["Resigned"]}
    ).to_csv(path, index=False)
    mapping = {
        "columns": {
            "employee_id": "ID",
            "event": {"column": "TYPE", "codes": {"Leaver": "leaver"}},
            "event_date": {"column": "DATE", "format": "%d/%m/%Y"},
            "reason": {"column": "WHY", "codes": {"Resignation": "voluntary"}},
        }
    }
    with pytest.raises(LongitudinalError, match="Resigned"):
        read_events(path, mapping)
    mapping["columns"]["reason"]["codes"]["Resigned"] = "voluntary"
    events = read_events(path, mapping)
    assert events.loc[0, "reason"] == "voluntary"
    assert events.loc[0, "event_date"] == pd.Timestamp("2023-06-01")


def test_a_regrade_event_turns_a_promotion_into_a_regrade():
    events = pd.DataFrame(
        {
            "employee_id": ["EMP02"],
            "event": ["regrade"],
            "event_date": [pd.Timestamp("2023-12-01")],
            "reason": [None],
        }
    )
    moves = link(small_snapshots(), events).moves.set_index("employee_id")
    assert moves.loc["EMP02", "event"] == "regrade"
    assert moves.loc["EMP06", "event"] == "promotion"


def test_four_fifths_boundary_is_exact():
    # 8/100 against 10/100 is exactly four-fifths: not adverse impact (in floating point,
    # 0.08 / 0.1 = 0.7999999999999999 would wrongly be flagged)
    assert 0.08 / 0.1 < 0.8
    assert not four_fifths(8, 100, 10, 100)
    assert not four_fifths(10, 100, 8, 100)
    assert four_fifths(79, 1000, 100, 1000)
    assert not four_fifths(0, 10, 0, 10)
    table = pd.DataFrame(
        {"sex": ["F", "M"], "promoted": [8, 10], "headcount_start": [100, 100], "stayers": [90, 90]}
    )
    rl = relative_likelihood(table).set_index("outcome")
    assert rl.loc["promotion", "ratio"] == pytest.approx(0.8)
    assert not rl.loc["promotion", "adverse_impact"]
    table.loc[0, "promoted"] = 7
    assert relative_likelihood(table).set_index("outcome").loc["promotion", "adverse_impact"]


def test_half_life_of_a_cohort_by_hand():
    # 4 women start in 2021; one leaves in each of the first two years; 2 stay to 2024
    dates = pd.to_datetime(["2020-03-31", "2021-03-31", "2022-03-31", "2023-03-31", "2024-03-31"])
    presence = {
        "A": [0, 1, 0, 0, 0],
        "B": [0, 1, 1, 0, 0],
        "C": [0, 1, 1, 1, 1],
        "D": [0, 1, 1, 1, 1],
        "Z": [1, 1, 1, 1, 1],
    }
    rows = [
        {"employee_id": p, "snapshot_date": d, "sex": "F", "grade": "G1", "grade_rank": 1}
        for p, flags in presence.items()
        for d, flag in zip(dates, flags, strict=True)
        if flag
    ]
    result = half_life(link(pd.DataFrame(rows)).moves)
    # survival 3/4 after one year, 1/2 after two: half-life exactly 2 years
    assert result.values.set_index("sex").loc["F", "half_life"] == pytest.approx(2.0)
    assert not result.values.set_index("sex").loc["F", "extrapolated"]


# --------------------------------------------------------------------------- the Markov model


def known_model(growth: float = 0.0) -> ManpowerModel:
    P = np.array(
        [
            [[0.80, 0.08, 0.00], [0.00, 0.85, 0.05], [0.00, 0.00, 0.92]],
            [[0.78, 0.12, 0.00], [0.00, 0.83, 0.09], [0.00, 0.00, 0.93]],
        ]
    )
    wastage = 1 - P.sum(axis=2)
    recruitment = np.array([0.40, 0.12, 0.03, 0.25, 0.15, 0.05])
    initial = np.array([500.0, 200.0, 40.0, 300.0, 150.0, 60.0])
    return ManpowerModel(np.array([1, 2, 3]), P, wastage, recruitment, growth, initial)


@pytest.mark.parametrize("growth", [0.0, 0.02])
def test_projection_matches_the_closed_form_matrix_power(growth):
    model = known_model(growth)
    path = project_model(model, 10)
    Q = model.matrix()
    for t in (1, 5, 10):
        assert path[t] == pytest.approx(model.initial @ np.linalg.matrix_power(Q, t))
    assert path[10].sum() == pytest.approx(model.initial.sum() * (1 + growth) ** 10)


def test_estimates_are_flows_over_stocks(linked):
    counts = flow_counts(linked.moves)
    model = estimate(counts)
    # women in grade 1 at the start: 3; one stayed, one promoted, one left
    assert model.P[0, 0] == pytest.approx([1 / 3, 1 / 3])
    assert model.wastage[0, 0] == pytest.approx(1 / 3)
    assert model.recruitment.sum() == pytest.approx(1.0)
    assert model.growth == pytest.approx((2 - 3) / 10)


def test_scenarios_keep_what_they_promise():
    model = known_model()
    equal = scenario(model, "equal_promotion")
    assert equal.P[0, 0, 1] == model.P[1, 0, 1]
    assert equal.P[0].sum(axis=1) == pytest.approx(model.P[0].sum(axis=1))  # wastage kept
    fair = scenario(model, "equal_recruitment").recruitment.reshape(2, -1)
    before = model.recruitment.reshape(2, -1)
    assert fair.sum(axis=1) == pytest.approx(before.sum(axis=1))
    assert fair.sum(axis=0) == pytest.approx(before.sum(axis=0))
    shares = fair[0] / fair.sum(axis=0)
    assert shares == pytest.approx(np.full(3, before[0].sum()))
    with pytest.raises(InputError, match="Unknown scenario"):
        scenario(model, "magic")


# --------------------------------------------------------------------------- synthetic truth


@pytest.fixture(scope="module")
def synthetic():
    return generate_flows(8000, years=6, seed=7)


def test_the_generator_links_the_same_people(synthetic):
    data = synthetic.data
    assert data["snapshot_date"].nunique() == 6
    assert not data.duplicated(["snapshot_date", "employee_id"]).any()
    first, second = (
        data[data["snapshot_date"] == d] for d in sorted(data["snapshot_date"].unique())[:2]
    )
    assert first["employee_id"].isin(second["employee_id"]).mean() == pytest.approx(0.88, abs=0.02)


def test_estimates_recover_the_synthetic_truth_within_their_intervals(synthetic):
    moves = link(synthetic.data, synthetic.events).moves
    truth = synthetic.truth.rates.set_index(["sex", "grade_rank"])
    table = flow_rates(moves, ["sex", "grade_rank"]).set_index(["sex", "grade_rank"])
    covered = {}
    for rate, column in (("leaving", "leave"), ("promotion", "promote")):
        cells = table.index.intersection(truth.index)
        expected = 100 * truth.loc[cells, column].to_numpy()
        if rate == "promotion":  # nobody is promoted from the top grade
            cells = cells[cells.get_level_values(1) < truth.index.get_level_values(1).max()]
            expected = 100 * truth.loc[cells, column].to_numpy()
        inside = (table.loc[cells, f"{rate}_low"] <= expected) & (
            expected <= table.loc[cells, f"{rate}_high"]
        )
        covered[rate] = inside.mean()
    assert covered["leaving"] >= 0.85 and covered["promotion"] >= 0.85, covered
    # pooled by sex: the truth is the mean rate over the people at risk
    by_sex = flow_rates(moves, ["sex"]).set_index("sex")
    at_risk = moves[moves["event"].astype(str) != "starter"]
    keys = pd.MultiIndex.from_arrays(
        [at_risk["sex"].astype(str), at_risk["grade_rank_from"].astype(int)]
    )
    for sex in ("F", "M"):
        mine = keys.get_level_values(0) == sex
        for rate, column in (("leaving", "leave"), ("promotion", "promote")):
            expected = 100 * truth[column].reindex(keys[mine]).mean()
            assert by_sex.loc[sex, f"{rate}_low"] <= expected <= by_sex.loc[sex, f"{rate}_high"]
    voluntary = by_sex["voluntary_leavers"].sum() / by_sex["leavers"].sum()
    assert voluntary == pytest.approx(0.6, abs=0.03)


def test_promotion_ratio_by_grade_recovers_the_truth(synthetic):
    moves = link(synthetic.data, synthetic.events).moves
    table = flow_rates(moves, ["sex"]).pipe(lambda t: t)
    counts = flow_counts(moves)
    # pooled over grades 1-9 weighted by women's stocks, women / men = 0.75 in every grade
    upper = counts.flows[:, np.arange(8), np.arange(1, 9)]
    rates = upper / counts.stock[:, :8]
    ratio = (rates[0] * counts.stock[0, :8]).sum() / (rates[1] * counts.stock[0, :8]).sum()
    assert ratio == pytest.approx(0.75, abs=0.08)
    assert len(table) == 2


def test_projection_band_covers_the_true_model(synthetic):
    moves = link(synthetic.data, synthetic.events).moves
    result = project(moves, years=10, n_boot=60, seed=3, scenarios=("current",), target=0.5)
    truth = synthetic.truth
    true_model = ManpowerModel(
        result.model.grades,
        np.stack([truth.transition_matrix("F"), truth.transition_matrix("M")]),
        np.stack([truth.wastage("F"), truth.wastage("M")]),
        truth.recruitment(),
        0.0,
        result.model.initial,
    )
    path = project_model(true_model, 10)
    top = np.arange(9, 12)
    share = 100 * path[10, top].sum() / (path[10, top].sum() + path[10, 12 + top].sum())
    row = result.shares.query("year == 10").iloc[0]
    assert row["low"] <= share <= row["high"]
    assert result.parity.loc[0, "long_run"] > 0


def test_projection_refuses_data_without_grades(linked):
    moves = linked.moves.assign(grade_rank_from=pd.NA, grade_rank_to=pd.NA)
    with pytest.raises(InputError, match="no grade ranks"):
        project(moves)


# --------------------------------------------------------------------------- datasets


def test_synthetic_flows_is_a_named_dataset():
    assert "synthetic_flows" in datasets.named_datasets()
    assert datasets.parse_synthetic_spec("synthetic_flows")["years"] == 5
    assert datasets.parse_synthetic_spec("synthetic:years=3")["years"] == 3
    with pytest.raises(datasets.DatasetError, match="years=5"):
        datasets.parse_synthetic_spec("synthetic:promotion_ratio=0.5")
    with pytest.raises(datasets.DatasetError, match="no shape"):
        datasets.parse_synthetic_spec("synthetic:years=3,shape=no_grades")
    ds, linked = load_linked("synthetic:n_employees=600,seed=3,years=3")
    assert ds.data["snapshot_date"].nunique() == 3
    assert linked.moves["reason"].eq("voluntary").any()
    assert linked.linkage.total == 0


def test_truth_rates_are_probabilities():
    truth = flow_truth()
    for sex in ("F", "M"):
        rows = truth.transition_matrix(sex).sum(axis=1) + truth.wastage(sex)
        assert rows == pytest.approx(np.ones(rows.size))
    assert truth.recruitment().sum() == pytest.approx(1.0)
