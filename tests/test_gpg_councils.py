"""Council selection rebuilds the shipped extract; linking, reorganisations, types, sectors."""

from types import SimpleNamespace

import pandas as pd
import pytest

from research.data.gpg import load
from research.gpg import datachecks, sectors, selection

EXTRACT_ROWS = {
    "2017-18": 328,
    "2018-19": 328,
    "2019-20": 275,
    "2020-21": 322,
    "2021-22": 321,
    "2022-23": 320,
    "2023-24": 6,
    "2024-25": 309,
}


@pytest.fixture(scope="module")
def loaded():
    return load("gpg")


@pytest.fixture(scope="module")
def councils(loaded):
    return selection.councils(loaded.panel)


@pytest.fixture(scope="module")
def data(loaded, councils):
    """The panel with sectors and the councils, as the report builds them."""
    return SimpleNamespace(panel=sectors.with_sectors(loaded.panel), councils=councils)


def test_council_rows_per_year_match_the_extract(councils):
    assert councils.groupby("reporting_year").size().to_dict() == EXTRACT_ROWS


def test_rebuild_matches_the_extract_row_by_row(councils, loaded):
    rows, cells = selection.compare_with_extract(councils, loaded.extract)
    assert (rows["only_extract"] == 0).all() and (rows["only_rebuilt"] == 0).all()
    assert rows.set_index("reporting_year")["matched"].to_dict() == EXTRACT_ROWS
    # the only differing cells are deliberate (see the report's method section)
    differing = {column: set(names) for column, names in cells.groupby("column")["EmployerName"]}
    assert differing == {
        "CompanyNumber": {"Westminster City Council"},  # leading zero restored
        "employer_id_linked": {"Shepway District Council"},  # renamed: Folkestone & Hythe
        "name_token_type": {"Peterborough City Council"},  # a city, not a BOROUGH
    }
    assert len(cells) == 10


def test_non_councils_called_council_are_excluded():
    names = pd.Series(
        [
            "Leeds City Council",
            "Cyngor Gwynedd",
            "Comhairle nan Eilean Siar",
            "City of London Corporation",
            "Royal Borough of Greenwich",
            "General Medical Council",
            "British Council(The)",
            "Medical Research Council",
            "National House-Building Council",
            "The Parochial Church Council of the Ecclesiastical Parish of Holy Trinity",
            "Field Studies Council",
            "Council for the Curriculum, Examinations and Assessment",
            "Kent County Council Trading Ltd",
            "Birmingham City Council Schools",
        ]
    )
    assert selection.is_council(names).tolist() == [True] * 5 + [False] * 9


def test_a_renamed_council_is_linked_across_years(councils):
    ids = {key: set(group) for key, group in councils.groupby("name_key")["council_id"]}
    assert ids["SHEPWAY DISTRICT COUNCIL"] == ids["FOLKESTONE AND HYTHE DISTRICT COUNCIL"]
    assert ids["COLCHESTER BOROUGH COUNCIL"] == ids["COLCHESTER CITY COUNCIL"]
    colchester = councils[councils["council_id"].isin(ids["COLCHESTER CITY COUNCIL"])]
    assert colchester["reporting_year"].nunique() == 7
    assert set(colchester["council_name"]) == {"Colchester City Council"}
    # 2017-18 and 2018-19 have no ids: linked by name
    first = councils[(councils["name_key"] == "LEEDS CITY COUNCIL")]
    assert first["employer_id_linked"].nunique() == 1
    assert set(first.loc[first["EmployerId"].isna(), "link_method"]) == {"name"}


def test_reorganisations_are_recorded(councils):
    rows = councils.drop_duplicates("council_id").set_index("name_key")
    dorset = rows.loc["DORSET COUNTY COUNCIL"]
    assert dorset["successor"] == "Dorset Council" and dorset["abolished"] == pd.Timestamp(
        "2019-04-01"
    )
    bcp = rows.loc["BOURNEMOUTH CHRISTCHURCH AND POOLE COUNCIL"]
    assert "Borough of Poole" in bcp["predecessors"] and bcp["created"].year == 2019
    assert "Wycombe District Council" in rows.loc["BUCKINGHAMSHIRE COUNCIL", "predecessors"]
    northants = rows.loc["NORTHAMPTONSHIRE COUNTY COUNCIL", "successor"]
    assert northants == "North Northamptonshire Council and West Northamptonshire Council"
    for new, year in (
        ("CUMBERLAND COUNCIL", 2023),
        ("WESTMORLAND AND FURNESS COUNCIL", 2023),
        ("NORTH YORKSHIRE COUNCIL", 2023),
        ("SOMERSET COUNCIL", 2023),
        ("NORTH NORTHAMPTONSHIRE COUNCIL", 2021),
        ("BUCKINGHAMSHIRE COUNCIL", 2020),
    ):
        assert rows.loc[new, "created"].year == year, new
    table = selection.reorganisations()
    assert {"2019-04-01", "2020-04-01", "2021-04-01", "2023-04-01"} == set(table["vesting_date"])


def test_council_type_and_nation(councils):
    rows = councils.drop_duplicates("council_id", keep="last").set_index("name_key")
    expected = {
        "LEEDS CITY COUNCIL": ("Metropolitan district", "England"),
        "DURHAM COUNTY COUNCIL": ("English unitary", "England"),
        "KENT COUNTY COUNCIL": ("County council", "England"),
        "NORTH YORKSHIRE COUNCIL": ("English unitary", "England"),
        "NORTH YORKSHIRE COUNTY COUNCIL": ("County council", "England"),
        "LONDON BOROUGH OF CAMDEN": ("London borough", "England"),
        "CITY OF LONDON CORPORATION": ("London borough", "England"),
        "ADUR DISTRICT COUNCIL": ("Shire district", "England"),
        "CARDIFF COUNCIL": ("Welsh unitary", "Wales"),
        "ISLE OF ANGLESEY COUNTY COUNCIL": ("Welsh unitary", "Wales"),
        "RENFREWSHIRE COUNCIL": ("Scottish council", "Scotland"),
        "SHROPSHIRE COUNCIL": ("English unitary", "England"),  # SY postcode, but England
    }
    for key, (kind, nation) in expected.items():
        assert (rows.loc[key, "council_type"], rows.loc[key, "nation"]) == (kind, nation), key
    assert councils["council_type"].notna().all()


def test_every_employer_has_a_sector(data):
    panel = data.panel
    assert panel["sector"].notna().all() and panel["sector_detail"].notna().all()
    assert (panel["sector"] == "Council").sum() == len(data.councils)
    by_name = panel.drop_duplicates("name_key").set_index("name_key")
    assert by_name.loc["TESCO STORES LIMITED", "sector"] == "Private and voluntary"
    nhs = panel[panel["name_key"].str.contains("NHS FOUNDATION TRUST")]
    assert (nhs["sector"] == "Other public sector").mean() > 0.95
    assert (nhs["sector_detail"] == "Health").mean() > 0.95
    # 2020-21 had one extended deadline for all: the regime comes from the employer's other years
    extended = panel[panel["reporting_year"] == "2020-21"]
    assert (extended["sector_basis"] != "deadline").all()
    assert (extended["sector"] == "Other public sector").sum() > 1000


def test_sector_rule_on_a_small_table():
    rows = pd.DataFrame(
        {
            "reporting_year": ["2021-22", "2020-21", "2020-21", "2021-22"],
            "EmployerName": ["Some NHS Trust", "Some NHS Trust", "A Police Force", "A Shop Ltd"],
            "EmployerId": pd.array([1, 1, 2, 3], dtype="Int64"),
            "SicCodes": ["86101", "86101", "", "47110"],
            "DueDate": pd.to_datetime(["2022-03-31", "2021-10-06", "2021-10-06", "2022-04-05"]),
        }
    )
    rows["name_key"] = rows["EmployerName"].str.upper()
    out = sectors.classify(rows)
    assert out["sector"].tolist() == [
        "Other public sector",
        "Other public sector",
        "Other public sector",
        "Private and voluntary",
    ]
    assert out["sector_basis"].tolist() == [
        "deadline",
        "deadline in other years",
        "SIC code or name",
        "deadline",
    ]
    assert out["sector_detail"].tolist()[:3] == ["Health", "Health", "Police, fire and justice"]


def _figures(**values) -> pd.DataFrame:
    row = {c: 50.0 for c in datachecks.NUMERIC_COLUMNS}
    row.update(DiffMeanHourlyPercent=5.0, DiffMedianHourlyPercent=4.0, DiffMeanBonusPercent=10.0)
    row.update(DiffMedianBonusPercent=8.0, MaleBonusPercent=20.0, FemaleBonusPercent=15.0)
    row.update(values)
    return pd.DataFrame([row]).assign(reporting_year="2024-25", EmployerName="X")


@pytest.mark.parametrize(
    ("values", "check"),
    [
        ({"MaleTopQuartile": 60.0}, "quartile_sum"),
        ({"FemaleBonusPercent": 100.4}, "percent_range"),
        ({"MaleLowerQuartile": -1.0, "FemaleLowerQuartile": 101.0}, "percent_range"),
        ({"DiffMedianHourlyPercent": 100.0}, "hourly_gap_range"),
        ({"DiffMeanHourlyPercent": -150.0}, "hourly_gap_range"),
        ({"DiffMeanBonusPercent": 120.0}, "bonus_gap_range"),
        ({"DiffMedianBonusPercent": -5846.0}, "bonus_gap_range"),
        ({"MaleBonusPercent": 0.0, "FemaleBonusPercent": 0.0}, "bonus_gap_without_bonus"),
    ],
)
def test_each_check_catches_its_failure(values, check):
    assert datachecks.failing_rows(_figures()).empty
    failures = datachecks.failing_rows(_figures(**values))
    assert set(failures["check"]) == {check}


def test_quartile_sum_failure_reports_the_total():
    failures = datachecks.failing_rows(_figures(MaleTopQuartile=60.0))
    assert failures[["column", "value"]].values.tolist() == [["Male+FemaleTopQuartile", 110.0]]


def test_published_data_checks(data):
    summary = datachecks.summarise_checks(data.panel).set_index("check")
    assert summary.loc["quartile_sum", "n_failing"] == 0
    assert summary.loc["percent_range", "n_failing"] == 1
    assert summary.loc["hourly_gap_range", "n_failing"] > 0
    council_failures = datachecks.failing_rows(data.councils, "council_name")
    assert set(council_failures["check"]) == {"bonus_gap_range"}
    assert "Ashford Borough Council" in set(council_failures["employer"])
