"""Council benchmark: name matching, years, percentile ranks, missing years, comparisons."""

import numpy as np
import pandas as pd
import pytest

from research.core.checks import InputError
from research.data.gpg import load
from research.gpg import benchmark as bm
from research.gpg.sectors import with_sectors
from research.gpg.selection import councils as select_councils


@pytest.fixture(scope="module")
def panel():
    return load("gpg").panel


@pytest.fixture(scope="module")
def councils(panel):
    return select_councils(panel)


@pytest.mark.parametrize(
    "name",
    ["Leeds City Council", "leeds city council", "LEEDS CITY COUNCIL.", "  Leeds  ", "leeds city"],
)
def test_names_match_whatever_the_case_and_punctuation(councils, name):
    assert bm.match_council(councils, name) == bm.match_council(councils, "Leeds City Council")


def test_punctuation_inside_names(councils):
    assert bm.match_council(councils, "st helens") == bm.match_council(
        councils, "St Helen's Metropolitan Borough Council"
    )
    assert bm.match_council(councils, "Brighton and Hove") == bm.match_council(
        councils, "Brighton & Hove City Council"
    )
    # a unique word is enough; a former name finds the council too
    assert bm.match_council(councils, "Hammersmith") == bm.match_council(
        councils, "London Borough of Hammersmith & Fulham"
    )
    assert bm.match_council(councils, "Shepway District Council") == bm.match_council(
        councils, "Folkestone and Hythe"
    )


def test_no_match_suggests_the_closest_names(councils):
    with pytest.raises(bm.EmployerNotFound) as err:
        bm.match_council(councils, "Leds City Council")
    assert "Leeds City Council" in err.value.suggestions
    assert "Did you mean" in str(err.value) and "Leeds City Council" in str(err.value)
    with pytest.raises(bm.EmployerNotFound, match="Only councils are benchmarked"):
        bm.match_council(councils, "Tesco Stores Limited")


def test_an_ambiguous_name_is_refused_with_the_candidates(councils):
    with pytest.raises(bm.AmbiguousEmployer) as err:
        bm.match_council(councils, "Dorset")
    assert err.value.candidates == ["Dorset Council", "Dorset County Council"]
    assert "Dorset Council" in str(err.value) and "full name" in str(err.value)
    # the exact full name is not ambiguous
    assert bm.match_council(councils, "Dorset Council") != bm.match_council(
        councils, "Dorset County Council"
    )


def test_empty_name_is_an_error(councils):
    with pytest.raises(InputError, match="No employer name"):
        bm.match_council(councils, "  ")


def test_years(councils):
    assert bm.resolve_year(councils, "latest") == "2024-25"
    assert bm.resolve_year(councils, "2021/22") == bm.resolve_year(councils, 2021) == "2021-22"
    with pytest.raises(InputError, match="partial download"):
        bm.resolve_year(councils, "2023-24")
    with pytest.raises(InputError, match="2017-18, 2018-19"):
        bm.resolve_year(councils, "2030-31")


def test_a_council_that_did_not_report_that_year(councils):
    # latest = its own latest year
    assert bm.benchmark(councils, "Dorset County Council").year == "2018-19"
    with pytest.raises(InputError, match="did not report for 2024-25") as err:
        bm.benchmark(councils, "Dorset County Council", "2024-25")
    assert "replaced by Dorset Council" in str(err.value)


def test_percentile_rank_counts_ties_as_half():
    values = pd.Series([1.0, 2.0, 3.0, 3.0, 5.0, np.nan])
    assert bm.percentile_rank(values, 3.0) == pytest.approx(100 * (2 + 1) / 5)
    assert bm.percentile_rank(values, 0.0) == 0.0
    assert bm.percentile_rank(values, 9.0) == 100.0
    assert np.isnan(bm.percentile_rank(values, np.nan))


@pytest.fixture(scope="module")
def leeds(councils):
    return bm.benchmark(councils, "Leeds City Council", "2024-25")


def test_position_agrees_with_the_published_row_and_the_distribution(councils, leeds):
    position = leeds.position.set_index("column")
    rows = bm.current(councils).query("reporting_year == '2024-25'")
    for column in bm.FIGURES["column"]:
        assert position.loc[column, "value"] == pytest.approx(leeds.record[column], nan_ok=True)
        expected = bm.percentile_rank(rows[column], leeds.record[column])
        assert position.loc[column, "percentile_rank"] == pytest.approx(expected, nan_ok=True)
        assert position.loc[column, "median"] == pytest.approx(rows[column].median())
    assert position.loc["DiffMedianHourlyPercent", "value"] == pytest.approx(5.8)
    assert position.loc["DiffMedianHourlyPercent", "n"] == 309
    assert leeds.to_frame() is leeds.position and "Leeds City Council" in leeds.summary()


def test_similar_councils_share_type_and_size(leeds):
    assert leeds.peers["this_council"].sum() == 1
    assert leeds.peer_rule.startswith("metropolitan districts with 5,000 to 19,999")
    assert len(leeds.peers) >= bm.MIN_PEERS


def test_missing_year_is_empty_never_interpolated(leeds, councils):
    trend = leeds.trend.set_index("reporting_year")
    assert list(trend.index) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2017, 2025)]
    assert trend.loc["2023-24", "status"] == "no complete data"
    assert trend.loc["2023-24", ["median_gap", "mean_gap", "all_median"]].isna().all()
    assert trend.loc["2024-25", "median_gap"] == pytest.approx(5.8)
    quarters = leeds.quartiles.set_index(["reporting_year", "quarter"])["pct_women"]
    assert quarters.loc["2023-24"].isna().all() and quarters.loc["2024-25"].notna().all()
    overview = bm.quartiles_over_time(councils).set_index("reporting_year")
    assert overview.loc["2023-24", "pct_women"].isna().all()


def test_late_submissions(councils, leeds):
    late = bm.late_submissions(councils).set_index("reporting_year")
    assert late.loc["2024-25", "n_late"] == 20 and late.loc["2019-20", "n_late"] == 0
    assert pd.isna(late.loc["2023-24", "pct_late"])
    assert not leeds.late["council_late"].dropna().astype(bool).any()


def test_comparisons(councils, panel):
    sectors = bm.sector_summary(with_sectors(panel), "2024-25").set_index("sector")
    assert sectors.loc["Council", "n_employers"] == 309
    assert (
        sectors["n_employers"].sum()
        == (~panel["superseded"] & (panel["reporting_year"] == "2024-25")).sum()
    )
    types = bm.summary_by(councils, "2024-25", "council_type")
    assert types["n_councils"].sum() == 309
    extremes = bm.extremes(councils, "2024-25", n=5)
    largest = extremes[extremes["group"] == "largest"]["DiffMedianHourlyPercent"]
    assert largest.is_monotonic_decreasing and len(extremes) == 10
