"""The workforce flows report (notebook 70): linked snapshots, one snapshot, and what it refuses."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research.core.checks import InputError  # noqa: E402
from research.data import datasets  # noqa: E402
from research.data.longitudinal import link, load_linked  # noqa: E402
from research.flows.report import build, parse_target  # noqa: E402
from research.present.disclosure import SUPPRESSED  # noqa: E402

SPEC = "synthetic_flows:n_employees=1500,seed=5"
COUNT_COLUMNS = {
    "flows_by_sex": ["headcount_start", "starters", "leavers", "voluntary_leavers", "promoted"],
    "flows_by_year": ["headcount_start", "starters", "leavers"],
    "flows_by_grade": ["headcount_start", "starters", "leavers", "promoted"],
    "flows_by_ethnicity": ["headcount_start", "starters", "leavers", "promoted"],
    "flows_by_disability": ["headcount_start", "starters", "leavers", "promoted"],
    "pipeline_by_grade": ["n_now", "n_starters", "n_promoted", "n_leavers"],
    "cohorts_by_hire_year": ["n_female", "n_male"],
    "tenure_by_grade": ["n"],
}


@pytest.fixture(scope="module")
def linked():
    return load_linked(SPEC)


@pytest.fixture(scope="module")
def report(linked):
    ds, found = linked
    return build(
        ds.data, moves=found.moves, linkage=found.linkage.counts, source=ds.source, n_boot=20
    )


def test_the_report_answers_every_question(report):
    keys = [s.key for s in report.sections]
    assert keys == [
        "recruitment",
        "retention",
        "groups",
        "progression",
        "projection",
        "service",
        "linkage",
        "disclosure",
    ]
    found = {f.key for f in report.findings}
    assert {
        "turnover",
        "voluntary_turnover",
        "stability",
        "promotion_relative_likelihood",
        "projection_top_share",
        "years_to_target_current",
        "years_to_target_equal_promotion",
    } <= found
    assert {f.name for f in report.figures()} == {"pipeline", "projection", "cohorts"}
    ethnicity = report["flows_by_ethnicity"].data
    assert {"White", "Not recorded"} & set(ethnicity["group"]) and len(ethnicity) >= 5


def test_findings_state_the_published_numbers(report, linked):
    table = report["flows_by_sex"].data.set_index("sex")
    turnover = next(f for f in report.findings if f.key == "turnover")
    assert turnover.value == pytest.approx(table.loc["Women", "turnover"])
    assert turnover.ci == pytest.approx(
        (table.loc["Women", "turnover_low"], table.loc["Women", "turnover_high"])
    )
    promotion = next(f for f in report.findings if f.key == "promotion_relative_likelihood")
    rl = report["relative_likelihood"].data
    overall = rl[(rl["band"] == "All grades") & (rl["outcome"] == "Promotion")].iloc[0]
    assert promotion.value == pytest.approx(overall["ratio"])
    flagged = "below the four-fifths line (adverse impact)" in promotion.text
    assert flagged == bool(overall["adverse_impact"])


def test_no_published_count_is_below_the_threshold(report):
    for name, columns in COUNT_COLUMNS.items():
        data = report[name].data
        for column in columns:
            values = pd.to_numeric(data[column].replace(SUPPRESSED, np.nan), errors="coerce")
            small = values[(values > 0) & (values < 10)]
            assert small.empty, (name, column, small.tolist())


def test_rates_of_hidden_counts_are_hidden(report):
    data = report["flows_by_grade"].data
    hidden = data["promoted"].eq(SUPPRESSED)
    assert hidden.any()
    assert data.loc[hidden, "promotion"].eq(SUPPRESSED).all()


def test_the_default_target_is_womens_share_of_the_workforce(report, linked):
    ds, _ = linked
    last = ds.data[ds.data["snapshot_date"] == ds.data["snapshot_date"].max()]
    women = (last["sex"] == "F").sum() / last["sex"].isin(["F", "M"]).sum()
    projection = report.results["projection"]
    assert projection.target == pytest.approx(100 * women)
    assert len(report["years_to_target"].data) == len(projection.parity) == 4
    shares = report["projection_top_grades"].data
    assert shares["calendar_year"].iloc[0] == "2025" and len(shares) == 4 * 11


def test_without_events_voluntary_turnover_is_said_to_be_absent(linked):
    ds, _ = linked
    found = link(ds.data)  # no events table: reasons not recorded
    report = build(ds.data, moves=found.moves, source=ds.source, n_boot=0, scenarios=("current",))
    voluntary = next(f for f in report.findings if f.key == "voluntary_turnover")
    assert voluntary.value is None and "not in the data" in voluntary.text
    assert "voluntary_leavers" not in report["flows_by_sex"].data


def test_one_snapshot_shows_cohorts_and_says_what_is_missing():
    ds = datasets.load_dataset("synthetic:n_employees=600,seed=11")
    report = build(ds.data, source=ds.source)
    assert next(iter(report.findings)).key == "one_snapshot"
    missing = report["flows_missing"].text
    assert "employee_id" in missing and "events table" in missing
    assert {"cohorts_by_hire_year", "tenure_by_grade"} <= {t.name for t in report.tables()}
    assert report.section("projection").items[0].name == "projection_missing"


def test_one_snapshot_without_start_dates_says_so():
    ds = datasets.load_dataset("synthetic:n_employees=600,seed=11,shape=no_dates_ages")
    report = build(ds.data, source=ds.source)
    assert any(f.key == "no_start_dates" for f in report.findings)
    assert "start_date" in report["cohorts_by_hire_year"].text


def test_linked_snapshots_without_grades_build_with_notes(linked):
    ds, _ = linked
    data = ds.data.assign(grade=pd.NA, grade_rank=pd.NA)
    report = build(data, moves=link(data).moves, source=ds.source, n_boot=0)
    assert "grade_rank" in report["flows_by_grade"].text
    assert "projection" not in report.results


def test_target_parameter():
    assert parse_target("workforce") is None and parse_target("") is None
    assert parse_target("0.5") == 0.5 and parse_target(50) == 0.5
    with pytest.raises(InputError, match="target"):
        parse_target("half")
    with pytest.raises(InputError, match="target"):
        parse_target(0)
