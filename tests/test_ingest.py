"""Tests for research.data.ingest: source file + column mapping -> canonical table and quarantine."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from research.data.ingest import IngestError, IngestResult, ingest, write
from research.data.mapping import Mapping, mapping_from_dict
from research.data.schema import ALL_COLUMNS, WEEKS_PER_YEAR

CINCINNATI = (
    Path(__file__).resolve().parents[1] / "data/raw/cincinnati/cincinnati_employees_2020_noname.csv"
)

HEADER = [
    "Staff No",
    "Gender",
    "Job Title",
    "Grade",
    "Hours",
    "FTE",
    "Annual Salary",
    "Start Date",
]

#: A clean UK-style extract. Salaries are actual (part-time) pay; dates are dd/mm/yyyy.
ROWS: list[list[str]] = [
    ["E001", "Female", "Care Assistant", "SCP5", "37", "1", "23,456.00", "01/04/2015"],
    ["E002", "Male", "Care Assistant", "SCP5", "37", "1", "23,456.00", "15/06/2018"],
    ["E003", "Female", "Care Assistant", "SCP5", "18.5", "0.5", "11,728.00", "03/09/2020"],
    ["E004", "Female", "Admin Officer", "SCP7", "37", "1", "25,979.00", "22/11/2012"],
    ["E005", "Male", "Admin Officer", "SCP7", "22.2", "0.6", "15,587.40", "10/01/2019"],
    ["E006", "Female", "Social Worker", "PO1", "37", "1", "38,220.00", "05/05/2010"],
    ["E007", "Male", "Social Worker", "PO1", "37", "1", "38,220.00", "30/03/2016"],
    ["E008", "Female", "Team Manager", "PO4", "37", "1", "47,754.00", "12/12/2008"],
    ["E009", "Male", "Team Manager", "PO4", "29.6", "0.8", "38,203.20", "01/07/2011"],
    ["E010", "Female", "Cleaner", "SCP2", "15", "0.4", "8,800.00", "28/02/2021"],
    ["E011", "Male", "Head of Service", "CO2", "37", "1", "72,500.00", "09/10/2005"],
    ["E012", "Female", "Head of Service", "CO2", "37", "1", "72,500.00", "17/08/2007"],
]
GRADES_LOW_TO_HIGH = ["SCP2", "SCP5", "SCP7", "PO1", "PO4", "CO2"]

BASE_COLUMNS: dict[str, Any] = {
    "employee_id": "Staff No",
    "employer": {"value": "Anytown Borough Council"},
    "snapshot_date": {"value": "2024-03-31"},
    "sex": {"column": "Gender", "codes": {"Male": "M", "Female": "F"}},
    "occupation": "Job Title",
    "grade": "Grade",
    "weekly_hours": "Hours",
    "fte": "FTE",
    "annual_basic_pay": {"column": "Annual Salary", "unit": "annual", "basis": "actual"},
    "start_date": {"column": "Start Date", "format": "%d/%m/%Y"},
}


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def make_mapping(drop: tuple[str, ...] = (), **columns: Any) -> Mapping:
    """The base mapping with some canonical columns replaced, added or dropped."""
    spec_columns = copy.deepcopy(BASE_COLUMNS)
    for name in drop:
        spec_columns.pop(name)
    spec_columns.update(columns)
    return mapping_from_dict({"name": "anytown", "full_time_hours": 37, "columns": spec_columns})


def write_csv(
    path: Path,
    rows: list[list[str]] | None = None,
    header: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """Write rows (all text) as a CSV with exactly the given encoding."""
    frame = pd.DataFrame(ROWS if rows is None else rows, columns=header or HEADER)
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode(encoding))
    return path


def edited_rows(edits: dict[int, dict[str, str]]) -> list[list[str]]:
    """A copy of ROWS with cells changed: {row index: {column name: new text}}."""
    rows = [list(row) for row in ROWS]
    for i, changes in edits.items():
        for column, value in changes.items():
            rows[i][HEADER.index(column)] = value
    return rows


def assert_reconciles(result: IngestResult) -> None:
    """read == accepted + quarantined, in the result and in its summary."""
    counts = result.summary["counts"]
    assert result.n_read == result.n_accepted + result.n_quarantined
    assert counts["read"] == counts["accepted"] + counts["quarantined"]
    assert counts["accepted"] == result.n_accepted
    assert counts["quarantined"] == result.n_quarantined


def ingest_one_bad_row(
    tmp_path: Path, changes: dict[str, str], mapping: Mapping | None = None, row: int = 4
) -> IngestResult:
    """Ingest the clean extract with one row changed; that row must be the only one quarantined."""
    path = write_csv(tmp_path / "staff.csv", edited_rows({row: changes}))
    result = ingest(path, mapping or make_mapping())
    assert_reconciles(result)
    assert result.n_read == len(ROWS)
    assert result.n_quarantined == 1
    assert result.quarantine["source_row"].tolist() == [row + 1]
    assert ROWS[row][0] not in set(result.data["employee_id"])
    return result


def by_id(result: IngestResult) -> pd.DataFrame:
    return result.data.set_index("employee_id")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> IngestResult:
    """The clean extract ingested once (read-only in the tests)."""
    return ingest(write_csv(tmp_path_factory.mktemp("clean") / "staff.csv"), make_mapping())


# --------------------------------------------------------------------------------------------------
# A clean extract
# --------------------------------------------------------------------------------------------------


def test_clean_csv_accepts_every_row(clean: IngestResult) -> None:
    assert_reconciles(clean)
    assert (clean.n_read, clean.n_accepted, clean.n_quarantined) == (12, 12, 0)
    assert list(clean.quarantine.columns[:2]) == ["source_row", "reason"]
    assert clean.problems.empty


def test_clean_csv_has_canonical_columns_and_dtypes(clean: IngestResult) -> None:
    assert list(clean.data.columns) == [c.name for c in ALL_COLUMNS]
    for spec in ALL_COLUMNS:
        assert str(clean.data[spec.name].dtype) == spec.dtype, spec.name
    assert list(clean.data["sex"].cat.categories) == ["F", "M", "X", "U"]


def test_clean_csv_values(clean: IngestResult) -> None:
    data = clean.data
    assert data["employee_id"].tolist() == [row[0] for row in ROWS]
    assert data["sex"].tolist() == ["F", "M", "F", "F", "M", "F", "M", "F", "M", "F", "M", "F"]
    assert set(data["employer"]) == {"Anytown Borough Council"}
    assert (data["snapshot_date"] == pd.Timestamp("2024-03-31")).all()
    assert data["occupation"].tolist()[:3] == ["Care Assistant"] * 3
    assert data["grade"].tolist()[-1] == "CO2"
    assert data["weekly_hours"].tolist()[:3] == [37.0, 37.0, 18.5]
    assert data["fte"].tolist()[:3] == [1.0, 1.0, 0.5]
    # dd/mm/yyyy: 01/04/2015 is 1 April, 13th-of-month style dates parse too.
    assert data["start_date"].iloc[0] == pd.Timestamp("2015-04-01")
    assert data["start_date"].iloc[3] == pd.Timestamp("2012-11-22")
    # Optional columns the mapping does not fill are present and empty.
    assert data["bonus_12m"].isna().all()
    assert data["grade_rank"].isna().all()


def test_hourly_pay_from_annual_salary_by_hand(clean: IngestResult) -> None:
    rows = by_id(clean)
    # Full-time: 23,456 / 52.143 weeks / 37 hours.
    assert rows.loc["E001", "hourly_pay"] == pytest.approx(23456.0 / 52.143 / 37.0, rel=1e-12)
    # Part-time: FTE salary 23,456 x FTE 0.5 / 52.143 / 18.5 hours (same hourly rate as E001).
    assert rows.loc["E003", "hourly_pay"] == pytest.approx(
        23456.0 * 0.5 / WEEKS_PER_YEAR / 18.5, rel=1e-12
    )
    assert rows.loc["E003", "hourly_pay"] == pytest.approx(rows.loc["E001", "hourly_pay"])


def test_annual_pay_with_basis_actual_is_divided_by_fte(clean: IngestResult) -> None:
    rows = by_id(clean)
    assert rows.loc["E003", "annual_basic_pay"] == pytest.approx(11728.0 / 0.5)
    assert rows.loc["E005", "annual_basic_pay"] == pytest.approx(15587.40 / 0.6)
    assert rows.loc["E001", "annual_basic_pay"] == pytest.approx(23456.0)


def test_annual_pay_with_basis_fte_is_kept(tmp_path: Path) -> None:
    mapping = make_mapping(annual_basic_pay={"column": "Annual Salary", "basis": "fte"})
    rows = by_id(ingest(write_csv(tmp_path / "staff.csv"), mapping))
    assert rows.loc["E003", "annual_basic_pay"] == pytest.approx(11728.0)
    assert rows.loc["E003", "hourly_pay"] == pytest.approx(11728.0 * 0.5 / WEEKS_PER_YEAR / 18.5)


@pytest.mark.parametrize(
    ("unit", "amount", "annual"),
    [
        ("monthly", "1,954.67", 1954.67 * 12),
        ("weekly", "449.85", 449.85 * WEEKS_PER_YEAR),
    ],
)
def test_monthly_and_weekly_pay_are_converted_to_annual(
    tmp_path: Path, unit: str, amount: str, annual: float
) -> None:
    rows = [[*row[:6], amount, row[7]] for row in ROWS]
    mapping = make_mapping(
        annual_basic_pay={"column": "Annual Salary", "unit": unit, "basis": "fte"}
    )
    data = by_id(ingest(write_csv(tmp_path / "staff.csv", rows), mapping))
    assert data.loc["E001", "annual_basic_pay"] == pytest.approx(annual)
    assert data.loc["E001", "hourly_pay"] == pytest.approx(annual / WEEKS_PER_YEAR / 37.0)


def test_hourly_unit_gives_the_same_hourly_pay_and_fte_annual_pay(tmp_path: Path) -> None:
    rows = [[*row[:6], "12.50", row[7]] for row in ROWS]
    mapping = make_mapping(annual_basic_pay={"column": "Annual Salary", "unit": "hourly"})
    data = by_id(ingest(write_csv(tmp_path / "staff.csv", rows), mapping))
    assert data["hourly_pay"].tolist() == pytest.approx([12.5] * len(ROWS))
    full_time_annual = 12.5 * WEEKS_PER_YEAR * 37.0
    assert data.loc["E001", "annual_basic_pay"] == pytest.approx(full_time_annual)
    # Part-time 18.5 h at FTE 0.5: the FTE salary is the full-time one.
    assert data.loc["E003", "annual_basic_pay"] == pytest.approx(full_time_annual)


def test_hourly_pay_column_is_used_as_given(tmp_path: Path) -> None:
    rows = [[*row[:6], "12.50", row[7]] for row in ROWS]
    mapping = make_mapping(drop=("annual_basic_pay",), hourly_pay="Annual Salary")
    data = by_id(ingest(write_csv(tmp_path / "staff.csv", rows), mapping))
    assert data.loc["E003", "hourly_pay"] == 12.5
    assert data.loc["E003", "annual_basic_pay"] == pytest.approx(12.5 * WEEKS_PER_YEAR * 37.0)


REG6_HEADER = [*HEADER, "March Pay", "Full Pay"]


def reg6_rows() -> list[list[str]]:
    """ROWS with March ordinary pay; E002 is on reduced (half) pay in March."""
    out = []
    for row in ROWS:
        actual = float(row[6].replace(",", ""))
        month = actual * 31 / 365
        full = "Y"
        if row[0] == "E002":
            month, full = month / 2, "N"
        out.append([*row, f"{month:.2f}", full])
    return out


def reg6_mapping(**columns: Any) -> Mapping:
    return make_mapping(
        ordinary_pay_period="March Pay",
        pay_period_days={"value": 31},
        full_pay={"column": "Full Pay", "true_values": ["Y"]},
        **columns,
    )


def test_reg6_hourly_pay_from_ordinary_pay_for_full_pay_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "staff.csv", reg6_rows(), REG6_HEADER)
    data = by_id(ingest(path, reg6_mapping()))
    march = float(reg6_rows()[0][8])
    assert data.loc["E001", "ordinary_pay_period"] == march
    assert data.loc["E001", "pay_period_days"] == 31
    assert bool(data.loc["E001", "full_pay"]) is True
    assert data.loc["E001", "hourly_pay"] == pytest.approx(march * 7 / 31 / 37.0, rel=1e-12)
    march_e003 = float(reg6_rows()[2][8])
    assert data.loc["E003", "hourly_pay"] == pytest.approx(march_e003 * 7 / 31 / 18.5)


def test_reg6_includes_a_bonus_paid_in_the_period_pro_rated(tmp_path: Path) -> None:
    # A quarterly bonus of 900 paid in March (31 days) counts 31/92 of it (reg 6(1)(b)).
    rows = [[*row, "900" if row[0] == "E001" else "", "92"] for row in reg6_rows()]
    path = write_csv(tmp_path / "staff.csv", rows, [*REG6_HEADER, "March Bonus", "Bonus Days"])
    mapping = reg6_mapping(bonus_pay_period="March Bonus", bonus_period_days="Bonus Days")
    data = by_id(ingest(path, mapping))
    march = float(reg6_rows()[0][8])
    expected = (march + 900 * 31 / 92) * 7 / 31 / 37.0
    assert data.loc["E001", "hourly_pay"] == pytest.approx(expected, rel=1e-12)
    assert "bonus_pay_period" not in data.columns  # an input to reg 6, not a canonical column
    march_e003 = float(reg6_rows()[2][8])
    assert data.loc["E003", "hourly_pay"] == pytest.approx(march_e003 * 7 / 31 / 18.5)


def test_reg6_falls_back_to_annual_pay_for_reduced_pay_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "staff.csv", reg6_rows(), REG6_HEADER)
    data = by_id(ingest(path, reg6_mapping()))
    assert bool(data.loc["E002", "full_pay"]) is False
    assert data.loc["E002", "hourly_pay"] == pytest.approx(23456.0 / WEEKS_PER_YEAR / 37.0)
    reg6_reduced = float(reg6_rows()[1][8]) * 7 / 31 / 37.0
    assert data.loc["E002", "hourly_pay"] != pytest.approx(reg6_reduced)


def test_reg6_with_ordinary_pay_only_derives_annual_pay(tmp_path: Path) -> None:
    # A mapping may give ordinary pay as its only pay column (regression: this raised KeyError).
    path = write_csv(tmp_path / "staff.csv", reg6_rows(), REG6_HEADER)
    data = by_id(ingest(path, reg6_mapping(drop=("annual_basic_pay",))))
    march = float(reg6_rows()[2][8])
    hourly = march * 7 / 31 / 18.5
    assert data.loc["E003", "hourly_pay"] == pytest.approx(hourly)
    assert data.loc["E003", "annual_basic_pay"] == pytest.approx(
        hourly * WEEKS_PER_YEAR * 18.5 / 0.5
    )


def test_grade_rank_from_an_order_list(tmp_path: Path) -> None:
    mapping = make_mapping(grade_rank={"order": GRADES_LOW_TO_HIGH})
    data = ingest(write_csv(tmp_path / "staff.csv"), mapping).data
    expected = [GRADES_LOW_TO_HIGH.index(g) + 1 for g in data["grade"].astype(str)]
    assert data["grade_rank"].tolist() == expected
    assert str(data["grade_rank"].dtype) == "Int64"


def test_grade_not_in_the_order_list_is_quarantined(tmp_path: Path) -> None:
    mapping = make_mapping(grade_rank={"order": GRADES_LOW_TO_HIGH})
    result = ingest_one_bad_row(tmp_path, {"Grade": "ZZ9"}, mapping)
    assert "grade_rank" in result.quarantine["reason"].iloc[0]
    assert "ZZ9" in result.quarantine["reason"].iloc[0]


def test_grade_rank_derived_from_median_fte_pay(tmp_path: Path) -> None:
    mapping = make_mapping(grade_rank={"derive": "median_pay"})
    data = ingest(write_csv(tmp_path / "staff.csv"), mapping).data
    rank = data.groupby("grade", observed=True)["grade_rank"].first().to_dict()
    # FTE medians: SCP2 22,000 < SCP5 23,456 < SCP7 25,979 < PO1 38,220 < PO4 47,754 < CO2 72,500.
    assert rank == {g: i + 1 for i, g in enumerate(GRADES_LOW_TO_HIGH)}


def test_fte_derived_from_hours_and_full_time_hours(tmp_path: Path) -> None:
    data = by_id(ingest(write_csv(tmp_path / "staff.csv"), make_mapping(drop=("fte",))))
    assert data.loc["E001", "fte"] == 1.0
    assert data.loc["E003", "fte"] == pytest.approx(18.5 / 37)
    assert data.loc["E010", "fte"] == pytest.approx(15 / 37)
    # basis actual is divided by the derived FTE.
    assert data.loc["E010", "annual_basic_pay"] == pytest.approx(8800.0 / (15 / 37))


def test_hours_derived_from_fte_and_full_time_hours(tmp_path: Path) -> None:
    data = by_id(ingest(write_csv(tmp_path / "staff.csv"), make_mapping(drop=("weekly_hours",))))
    assert data.loc["E001", "weekly_hours"] == 37.0
    assert data.loc["E009", "weekly_hours"] == pytest.approx(0.8 * 37)
    assert data.loc["E009", "hourly_pay"] == pytest.approx(38203.20 / WEEKS_PER_YEAR / (0.8 * 37))


def test_working_pattern_derived_from_fte(clean: IngestResult) -> None:
    rows = by_id(clean)
    assert rows.loc["E001", "working_pattern"] == "full_time"
    assert rows.loc["E003", "working_pattern"] == "part_time"
    assert rows.loc["E009", "working_pattern"] == "part_time"
    assert set(clean.data["working_pattern"].astype(str)) == {"full_time", "part_time"}


def test_default_sex_labels_without_codes(tmp_path: Path) -> None:
    mapping = make_mapping(sex="Gender")
    data = ingest(write_csv(tmp_path / "staff.csv"), mapping).data
    assert data["sex"].tolist()[:2] == ["F", "M"]


# --------------------------------------------------------------------------------------------------
# Bad rows are quarantined with a reason naming the column
# --------------------------------------------------------------------------------------------------


def test_blank_occupation_is_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Job Title": ""})
    assert "occupation: missing" in result.quarantine["reason"].iloc[0]


def test_unknown_sex_code_is_quarantined_with_the_code(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Gender": "Q"})
    reason = result.quarantine["reason"].iloc[0]
    assert "sex" in reason
    assert "Q" in reason
    examples = result.problems.loc[result.problems["column"] == "sex", "examples"]
    assert any("'Q'" in text for text in examples)


def test_negative_pay_is_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Annual Salary": "-15,587.40"})
    assert "annual_basic_pay" in result.quarantine["reason"].iloc[0]


def test_zero_hours_is_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Hours": "0"})
    assert "weekly_hours" in result.quarantine["reason"].iloc[0]


def test_hours_above_100_are_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Hours": "120"})
    reason = result.quarantine["reason"].iloc[0]
    assert "weekly_hours" in reason
    assert "120" in reason


def test_fte_above_2_is_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"FTE": "2.5"})
    assert "fte" in result.quarantine["reason"].iloc[0]


def test_non_numeric_pay_is_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Annual Salary": "abc"})
    assert "annual_basic_pay: not a number (abc)" in result.quarantine["reason"].iloc[0]
    # The quarantine keeps the mapped source values as read, under their canonical names.
    assert result.quarantine["annual_basic_pay"].iloc[0] == "abc"
    assert result.quarantine["employee_id"].iloc[0] == "E005"


def test_bad_date_is_quarantined(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Start Date": "31/02/2019"})
    reason = result.quarantine["reason"].iloc[0]
    assert "start_date" in reason
    assert "31/02/2019" in reason


def test_duplicate_employee_ids_quarantine_every_copy(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "staff.csv", edited_rows({5: {"Staff No": "E001"}}))
    result = ingest(path, make_mapping())
    assert_reconciles(result)
    assert result.n_quarantined == 2
    assert result.quarantine["source_row"].tolist() == [1, 6]
    assert result.quarantine["reason"].str.contains("employee_id: duplicate id").all()
    assert "E001" not in set(result.data["employee_id"])


def test_several_problems_in_one_row_are_all_listed(tmp_path: Path) -> None:
    result = ingest_one_bad_row(tmp_path, {"Job Title": "", "Hours": "120"})
    reason = result.quarantine["reason"].iloc[0]
    assert "occupation" in reason
    assert "weekly_hours" in reason


def test_blank_sex_is_kept_as_not_recorded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "staff.csv", edited_rows({4: {"Gender": ""}}))
    result = ingest(path, make_mapping())
    assert_reconciles(result)
    assert result.n_quarantined == 0
    assert by_id(result).loc["E005", "sex"] == "U"
    assert result.summary["other_sex_codes"] == {"X": 0, "U": 1}


# --------------------------------------------------------------------------------------------------
# Whole-file errors
# --------------------------------------------------------------------------------------------------


def test_mapped_column_missing_from_file_names_it_and_the_closest(tmp_path: Path) -> None:
    mapping = make_mapping(occupation="Job Titel")
    with pytest.raises(IngestError) as err:
        ingest(write_csv(tmp_path / "staff.csv"), mapping)
    message = str(err.value)
    assert "occupation" in message
    assert "'Job Titel'" in message
    assert "closest: Job Title" in message
    assert "Fix:" in message


def test_more_than_half_rows_bad_raises_with_main_problems(tmp_path: Path) -> None:
    edits = {i: {"Annual Salary": "abc"} for i in range(7)}
    path = write_csv(tmp_path / "staff.csv", edited_rows(edits))
    with pytest.raises(IngestError) as err:
        ingest(path, make_mapping())
    message = str(err.value)
    assert "7 of 12 rows" in message
    assert "annual_basic_pay: not a number in 7 rows" in message
    assert "'abc'" in message
    assert "Fix:" in message


def test_exactly_half_rows_bad_is_still_ingested(tmp_path: Path) -> None:
    edits = {i: {"Annual Salary": "abc"} for i in range(6)}
    result = ingest(write_csv(tmp_path / "staff.csv", edited_rows(edits)), make_mapping())
    assert_reconciles(result)
    assert result.n_quarantined == 6


# --------------------------------------------------------------------------------------------------
# Encodings and formats
# --------------------------------------------------------------------------------------------------


def accented_rows() -> list[list[str]]:
    """ROWS with a job title with "é" and a salary written with "£"."""
    return edited_rows(
        {
            0: {"Job Title": "Café Assistant", "Annual Salary": "£23,456"},
            1: {"Job Title": "Café Assistant"},
        }
    )


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")],
)
def test_encodings_ingest_to_the_same_data(
    tmp_path: Path, clean: IngestResult, encoding: str, detected: str
) -> None:
    path = write_csv(tmp_path / "staff.csv", accented_rows(), encoding=encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbfStaff No,")
    result = ingest(path, make_mapping())
    assert result.summary["source"]["encoding"] == detected
    assert result.n_quarantined == 0
    rows = by_id(result)
    assert rows.loc["E001", "occupation"] == "Café Assistant"
    assert rows.loc["E002", "occupation"] == "Café Assistant"
    # Apart from the renamed job title, the data are those of the plain UTF-8 extract.
    pd.testing.assert_frame_equal(
        result.data.drop(columns="occupation"), clean.data.drop(columns="occupation")
    )
    titles = clean.data["occupation"].astype(str).tolist()
    titles[:2] = ["Café Assistant"] * 2
    assert result.data["occupation"].astype(str).tolist() == titles
    assert rows.loc["E001", "annual_basic_pay"] == 23456.0


def test_excel_with_title_and_blank_row_above_header(tmp_path: Path, clean: IngestResult) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Anytown Borough Council: staff at 31 March 2024"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(
            [
                row[0],
                row[1],
                row[2],
                row[3],
                float(row[4]),
                float(row[5]),
                float(row[6].replace(",", "")),
                datetime.strptime(row[7], "%d/%m/%Y"),
            ]
        )
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    result = ingest(path, make_mapping())
    assert result.summary["source"]["format"] == "excel"
    assert result.summary["source"]["header_row"] == 2
    assert_reconciles(result)
    pd.testing.assert_frame_equal(result.data, clean.data)


def binary_source() -> pd.DataFrame:
    """The clean extract with numbers and dates typed, names valid in SPSS and Stata."""
    return pd.DataFrame(
        {
            "staff_no": [row[0] for row in ROWS],
            "sex": [1.0 if row[1] == "Male" else 2.0 for row in ROWS],
            "job_title": [row[2] for row in ROWS],
            "grade": [row[3] for row in ROWS],
            "hours": [float(row[4]) for row in ROWS],
            "fte": [float(row[5]) for row in ROWS],
            "salary": [float(row[6].replace(",", "")) for row in ROWS],
            "start_date": [datetime.strptime(row[7], "%d/%m/%Y") for row in ROWS],
        }
    )


def binary_mapping(sex: Any) -> Mapping:
    return mapping_from_dict(
        {
            "name": "anytown",
            "full_time_hours": 37,
            "columns": {
                "employee_id": "staff_no",
                "employer": {"value": "Anytown Borough Council"},
                "snapshot_date": {"value": "2024-03-31"},
                "sex": sex,
                "occupation": "job_title",
                "grade": "grade",
                "weekly_hours": "hours",
                "fte": "fte",
                "annual_basic_pay": {"column": "salary", "basis": "actual"},
                "start_date": "start_date",
            },
        }
    )


def assert_same_as_clean_csv(result: IngestResult, reference: IngestResult) -> None:
    assert_reconciles(result)
    assert result.n_accepted == len(ROWS)
    columns = ["employee_id", "sex", "occupation", "weekly_hours", "fte", "annual_basic_pay"]
    pd.testing.assert_frame_equal(result.data[columns], reference.data[columns])
    assert result.data["hourly_pay"].tolist() == pytest.approx(reference.data["hourly_pay"])
    assert result.data["start_date"].tolist() == reference.data["start_date"].tolist()


def test_spss_with_value_labels_for_sex(tmp_path: Path, clean: IngestResult) -> None:
    path = tmp_path / "staff.sav"
    pyreadstat.write_sav(
        binary_source(), str(path), variable_value_labels={"sex": {1.0: "Male", 2.0: "Female"}}
    )
    result = ingest(path, binary_mapping({"column": "sex", "codes": {"Male": "M", "Female": "F"}}))
    assert result.summary["source"]["format"] == "spss"
    assert_same_as_clean_csv(result, clean)


def test_stata_source(tmp_path: Path, clean: IngestResult) -> None:
    path = tmp_path / "staff.dta"
    source = binary_source()
    source["sex"] = source["sex"].map({1.0: "M", 2.0: "F"})
    pyreadstat.write_dta(source, str(path))
    result = ingest(path, binary_mapping("sex"))
    assert result.summary["source"]["format"] == "stata"
    assert_same_as_clean_csv(result, clean)


def test_parquet_source(tmp_path: Path, clean: IngestResult) -> None:
    path = tmp_path / "staff.parquet"
    source = binary_source()
    source["sex"] = source["sex"].map({1.0: "Male", 2.0: "Female"})
    source.to_parquet(path, index=False)
    result = ingest(path, binary_mapping("sex"))
    assert result.summary["source"]["format"] == "parquet"
    assert_same_as_clean_csv(result, clean)


# --------------------------------------------------------------------------------------------------
# write()
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestResult, dict[str, Path], Path]:
    folder = tmp_path_factory.mktemp("written")
    source = write_csv(folder / "staff.csv", edited_rows({4: {"Annual Salary": "abc"}}))
    result = ingest(source, make_mapping())
    paths = write(result, "anytown", folder / "out")
    return result, paths, source


def test_write_creates_the_three_files(written) -> None:
    _, paths, _ = written
    assert {p.name for p in paths.values()} == {
        "anytown.parquet",
        "anytown.quarantine.csv",
        "anytown.ingest.json",
    }
    assert all(p.is_file() for p in paths.values())


def test_written_parquet_round_trips(written) -> None:
    result, paths, _ = written
    back = pd.read_parquet(paths["data"])
    assert list(back.columns) == list(result.data.columns)
    assert back.dtypes.astype(str).tolist() == result.data.dtypes.astype(str).tolist()
    # Categories come back as the default str dtype rather than "string": compare their values.
    pd.testing.assert_frame_equal(back, result.data, check_categorical=False)
    for name in result.data.select_dtypes("category"):
        assert back[name].cat.categories.tolist() == result.data[name].cat.categories.tolist()


def test_written_quarantine_keeps_original_text(written) -> None:
    _, paths, _ = written
    quarantine = pd.read_csv(paths["quarantine"], dtype=str, keep_default_na=False)
    mapped = [t for t, c in BASE_COLUMNS.items() if isinstance(c, str) or "column" in c]
    assert list(quarantine.columns) == ["source_row", "reason", *mapped]
    assert quarantine["source_row"].tolist() == ["5"]
    assert "annual_basic_pay" in quarantine["reason"].iloc[0]
    assert quarantine.loc[0, mapped].tolist() == edited_rows({4: {"Annual Salary": "abc"}})[4]


def test_written_summary_reconciles_and_has_source_hash(written) -> None:
    result, paths, source = written
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    counts = summary["counts"]
    assert counts == {"read": 12, "accepted": 11, "quarantined": 1}
    assert counts["read"] == counts["accepted"] + counts["quarantined"]
    assert summary["dataset"] == "anytown"
    assert summary["source"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert summary["source"]["bytes"] == source.stat().st_size
    assert summary["problems"][0]["column"] == "annual_basic_pay"


# --------------------------------------------------------------------------------------------------
# The bundled Cincinnati extract
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cincinnati() -> IngestResult:
    return ingest(CINCINNATI, "cincinnati")


def test_cincinnati_counts_reconcile(cincinnati: IngestResult) -> None:
    assert_reconciles(cincinnati)
    assert cincinnati.n_read == 6304
    assert cincinnati.n_accepted + cincinnati.n_quarantined == 6304


def test_cincinnati_sex_counts(cincinnati: IngestResult) -> None:
    accepted = cincinnati.data["sex"].astype(str).value_counts()
    quarantined = cincinnati.quarantine["sex"].value_counts() if cincinnati.n_quarantined else {}
    females = accepted.get("F", 0) + quarantined.get("F", 0)
    males = accepted.get("M", 0) + quarantined.get("M", 0)
    assert (females, males) == (2358, 3946)


def test_cincinnati_first_row_hourly_pay(cincinnati: IngestResult) -> None:
    first = by_id(cincinnati).loc["CIN0000001"]
    assert first["occupation_title"].startswith("Fire Fighter")
    assert first["weekly_hours"] == 48.0
    assert first["annual_basic_pay"] == pytest.approx(71296.74, abs=1e-9)
    assert abs(first["hourly_pay"] - 71296.74 / 52.143 / 48) < 1e-9
