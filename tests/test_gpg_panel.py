"""GOV.UK pay gap downloads: every shipped year loads, every quirk is survived, the cache works."""

import gzip
from pathlib import Path

import pandas as pd
import pytest

from research.data import schema
from research.data.gpg import panel as gp
from research.gpg import benchmark as bm

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "gpg"

#: Rows, columns and first/only reporting year of each shipped file (data/shared MANIFEST.md).
SHIPPED = {
    "UK_GPG_2017-18.csv.gz": (10534, 25, "2017-18"),
    "UK_GPG_2018-19.csv.gz": (10812, 25, "2018-19"),
    "UK_GPG_2019-20.csv.gz": (6921, 27, "2019-20"),
    "UK_GPG_2020-21.csv.gz": (10383, 27, "2020-21"),
    "UK_GPG_2021-22.csv.gz": (10465, 27, "2021-22"),
    "UK_GPG_2022-23.csv.gz": (10622, 27, "2022-23"),
    "UK_GPG_2023-24_PARTIAL_as_of_2023-09-22.csv.gz": (341, 27, "2023-24"),
    "UK_GPG_2024-25.csv.gz": (11235, 27, "2024-25"),
}


@pytest.fixture(scope="module")
def panel():
    return gp.load_panel()


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_shipped_year_loads_with_its_rows_columns_and_year(name):
    rows, columns, year = SHIPPED[name]
    frame, info = gp.read_download(RAW / name)
    assert len(frame) == rows and info["columns"] == columns
    assert set(frame["reporting_year"]) == {year}
    assert info["problems"] == []
    assert info["partial"] == ("PARTIAL" in name)
    # every date, boolean and hourly gap was understood
    assert frame[["DueDate", "DateSubmitted"]].notna().all().all()
    assert frame["SubmittedAfterTheDeadline"].notna().all()
    assert frame["DiffMedianHourlyPercent"].notna().all()
    assert "ResponsiblePerson" not in frame


def test_the_four_date_formats_are_recognised(panel):
    formats = gp.panel_sources(panel).set_index("file")["date_format"]
    assert formats["UK_GPG_2017-18.csv.gz"] == "dd/mm/yyyy hh:mm:ss"
    assert formats["UK_GPG_2018-19.csv.gz"] == "dd/mm/yyyy hh:mm"
    assert formats["UK_GPG_2021-22.csv.gz"] == "yyyy/mm/dd hh:mm:ss"
    assert formats["UK_GPG_2024-25.csv.gz"] == "dd-mm-yyyy hh:mm"
    # day before month: the 2024-25 private-sector deadline is 5 April 2025
    due = panel.loc[panel["reporting_year"] == "2024-25", "DueDate"]
    assert set(due.dt.strftime("%d %m")) == {"31 03", "05 04"}


def test_quirks_are_ironed_out(panel):
    # lost leading zeros (2018-19 re-saved by a spreadsheet) are restored
    bryanston = panel.loc[panel["name_key"].str.contains("BRYANSTON"), "CompanyNumber"]
    assert set(bryanston) == {"00226143"}
    # SicCodes with whitespace and line breaks
    assert not panel["SicCodes"].str.contains(r"\s", regex=True).fillna(False).any()
    assert (panel["SicCodes"] == "1,84110").any()
    for column in ("EmployerName", "CurrentName", "Address"):
        assert not panel[column].str.contains(r"[\r\n\t]|  ", regex=True).fillna(False).any()
    # booleans spelt True/False and TRUE/FALSE
    assert panel["SubmittedAfterTheDeadline"].dtype == "boolean"
    late = panel.groupby("reporting_year")["SubmittedAfterTheDeadline"].sum()
    assert late["2018-19"] == 460 and late["2024-25"] == 603
    # 25- and 27-column years: ids only from 2019-20
    has_id = panel.groupby("reporting_year")["EmployerId"].count()
    assert has_id["2017-18"] == 0 and has_id["2019-20"] == 6921


def test_duplicate_submissions_are_kept_and_the_earlier_flagged(panel):
    stroud = panel[panel["name_key"].eq("STROUD DISTRICT COUNCIL")]
    stroud = stroud[stroud["reporting_year"] == "2019-20"].sort_values("DateSubmitted")
    assert len(stroud) == 2
    assert stroud["superseded"].tolist() == [True, False]
    latest = panel[~panel["superseded"] & panel["EmployerId"].notna()]
    assert not latest.duplicated(["reporting_year", "EmployerId"]).any()


def test_partial_year_is_kept_but_not_complete(panel):
    assert panel.loc[panel["reporting_year"] == "2023-24", "partial_year"].all()
    assert "2023-24" not in bm.complete_years(panel)
    assert bm.all_years(panel) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2017, 2025)]


def _download(rows: list[dict], columns=gp.SERVICE_COLUMNS) -> str:
    frame = pd.DataFrame(rows).reindex(columns=list(columns)).fillna("")
    return frame.to_csv(index=False)


def _row(name: str, **values) -> dict:
    row = {column: "" for column in gp.SERVICE_COLUMNS}
    row.update(
        EmployerName=name,
        CurrentName=name,
        DiffMeanHourlyPercent="10.5",
        DiffMedianHourlyPercent="8",
        MaleLowerQuartile="40",
        FemaleLowerQuartile="60",
        EmployerSize="250 to 499",
        SubmittedAfterTheDeadline="False",
        DueDate="31/03/2018 00:00:00",
        DateSubmitted="01/03/2018 09:00:00",
        ResponsiblePerson="A Person (Chief Executive)",
    )
    row.update(values)
    return row


def test_a_users_download_with_every_quirk_loads(tmp_path):
    old = tmp_path / "UK Gender Pay Gap Data - 2017 to 2018.csv"
    old.write_text(
        _download(
            [
                _row("Some\nCouncil", SicCodes="1,\n84110", CompanyNumber="226143"),
                _row("Some Council", DateSubmitted="02/03/2018 10:00:00"),
                _row("A Firm LTD", SubmittedAfterTheDeadline="TRUE", DueDate="05/04/2018 00:00"),
            ],
            columns=[c for c in gp.SERVICE_COLUMNS if c not in gp.OPTIONAL_COLUMNS],
        ),
        encoding="utf-8",
    )
    new = tmp_path / "later.csv.gz"
    with gzip.open(new, "wt", encoding="utf-8") as handle:
        handle.write(
            _download(
                [
                    _row(
                        "A Firm LTD",
                        EmployerId="42",
                        DueDate="05-04-2025 00:00",
                        DateSubmitted="28-03-2025 09:02",
                    )
                ]
            )  # fmt: skip
        )
    panel = gp.load_panel([old, new], cache=False)
    assert panel["reporting_year"].tolist() == ["2017-18", "2017-18", "2017-18", "2024-25"]
    council = panel[panel["name_key"] == "SOME COUNCIL"]
    assert council["EmployerName"].tolist() == ["Some Council", "Some Council"]
    assert council["superseded"].tolist() == [True, False]
    assert council["SicCodes"].iloc[0] == "1,84110"
    assert council["CompanyNumber"].iloc[0] == "00226143"
    late = panel.set_index(["reporting_year", "name_key"])["SubmittedAfterTheDeadline"]
    assert late[("2017-18", "A FIRM LTD")] and not late[("2024-25", "A FIRM LTD")]
    assert not council["SubmittedAfterTheDeadline"].any()
    firm = panel[panel["name_key"] == "A FIRM LTD"]
    assert firm["DueDate"].dt.strftime("%Y-%m-%d").tolist() == ["2018-04-05", "2025-04-05"]
    assert panel["EmployerId"].iloc[-1] == 42


def test_a_file_that_is_not_a_download_names_the_missing_columns(tmp_path):
    other = tmp_path / "payroll.csv"
    other.write_text("EmployerName,Salary\nA,1\n", encoding="utf-8")
    with pytest.raises(gp.GpgFormatError, match="DiffMeanHourlyPercent") as err:
        gp.load_panel([other], cache=False)
    assert "payroll.csv" in str(err.value) and "DueDate" in str(err.value)
    # the derived council extract is not a download either (it has no ResponsiblePerson)
    with pytest.raises(gp.GpgFormatError, match="ResponsiblePerson"):
        gp.load_panel([RAW / "gpg_local_authorities.csv.gz"], cache=False)


def test_default_paths_skip_the_derived_extract():
    names = {p.name for p in gp.default_paths()}
    assert names == set(SHIPPED)


def test_a_complete_file_replaces_a_partial_one_for_the_same_year(tmp_path):
    partial = tmp_path / "UK_GPG_2024-25_PARTIAL.csv"
    complete = tmp_path / "UK_GPG_2024-25.csv"
    due = {"DueDate": "05-04-2025 00:00", "DateSubmitted": "28-03-2025 09:02"}
    partial.write_text(_download([_row("A LTD", **due)]), encoding="utf-8")
    complete.write_text(_download([_row("A LTD", **due), _row("B LTD", **due)]), encoding="utf-8")
    panel = gp.load_panel([partial, complete], cache=False)
    assert len(panel) == 2 and not panel["partial_year"].any()
    sources = gp.panel_sources(panel).set_index("file")
    assert "complete file" in sources.loc[partial.name, "skipped"]


def test_cache_is_rebuilt_when_a_file_changes(tmp_path):
    file = tmp_path / "UK_GPG_2024-25.csv"
    due = {"DueDate": "05-04-2025 00:00", "DateSubmitted": "28-03-2025 09:02"}
    file.write_text(_download([_row("A LTD", **due)]), encoding="utf-8")
    cache = tmp_path / "processed"
    first = gp.load_panel([file], cache=cache)
    again = gp.load_panel([file], cache=cache)
    assert first.attrs["cache"] == "built" and again.attrs["cache"] == "hit"
    pd.testing.assert_frame_equal(first, again)
    file.write_text(_download([_row("A LTD", **due), _row("B LTD", **due)]), encoding="utf-8")
    changed = gp.load_panel([file], cache=cache)
    assert changed.attrs["cache"] == "built" and len(changed) == 2


def test_normalised_names_ignore_case_punctuation_and_the():
    names = pd.Series(["The London Borough of Hammersmith & Fulham", "ST. HELEN'S council"])
    assert schema.normalise_employer_name(names).tolist() == [
        "LONDON BOROUGH OF HAMMERSMITH AND FULHAM",
        "ST HELENS COUNCIL",
    ]
