"""Tests for research.data.readers: reading HR extracts of every supported format."""

from __future__ import annotations

import gzip
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from research.data.readers import RawTable, ReadError, read_table, supported_suffixes

CINCINNATI = (
    Path(__file__).resolve().parents[1] / "data/raw/cincinnati/cincinnati_employees_2020_noname.csv"
)

STAFF_CSV = 'employee_id,sex,grade,salary\n007,F,SO1,"28,500.00"\n012,M,SO2,31000\n'


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` with exactly the given encoding and no newline translation."""
    path.write_bytes(text.encode(encoding))
    return path


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write an .xlsx workbook with one sheet per entry; each row is a list of cell values."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


# --------------------------------------------------------------------------------------------------
# Text files
# --------------------------------------------------------------------------------------------------


def test_utf8_csv_reads_every_column_as_string(tmp_path: Path) -> None:
    table = read_table(write_text(tmp_path / "staff.csv", STAFF_CSV))

    assert isinstance(table, RawTable)
    assert table.format == "csv"
    assert table.encoding == "utf-8"
    assert table.header_row == 0
    assert table.n_rows == 2
    assert table.path == tmp_path / "staff.csv"
    assert list(table.frame.columns) == ["employee_id", "sex", "grade", "salary"]
    assert all(dtype == "string" for dtype in table.frame.dtypes)
    assert table.frame["salary"].tolist() == ["28,500.00", "31000"]


def test_leading_zeros_are_kept_and_empty_cells_are_na(tmp_path: Path) -> None:
    path = write_text(tmp_path / "codes.csv", "code,post\n007,\n0100,P01\n")

    frame = read_table(path).frame

    assert frame["code"].tolist() == ["007", "0100"]
    assert frame["post"].isna().tolist() == [True, False]


def test_utf8_bom_does_not_reach_first_column_name(tmp_path: Path) -> None:
    table = read_table(write_text(tmp_path / "bom.csv", STAFF_CSV, encoding="utf-8-sig"))

    assert table.encoding == "utf-8-sig"
    assert table.frame.columns[0] == "employee_id"


def test_bom_is_removed_when_encoding_is_given(tmp_path: Path) -> None:
    path = write_text(tmp_path / "bom.csv", STAFF_CSV, encoding="utf-8-sig")

    table = read_table(path, encoding="utf-8")

    assert table.encoding == "utf-8"
    assert table.frame.columns[0] == "employee_id"


def test_cp1252_csv_is_detected_and_decoded(tmp_path: Path) -> None:
    text = "name,allowance\nRené,£1,200\n"
    path = write_text(tmp_path / "windows.csv", text.replace("£1,200", '"£1,200"'), "cp1252")

    table = read_table(path)

    assert table.encoding == "cp1252"
    assert table.frame.loc[0, "name"] == "René"
    assert table.frame.loc[0, "allowance"] == "£1,200"


def test_undecodable_csv_names_encodings_tried(tmp_path: Path) -> None:
    path = write_text(tmp_path / "windows.csv", "name\nRené\n", "cp1252")

    with pytest.raises(ReadError, match=r"utf-8.*encoding="):
        read_table(path, encoding="utf-8")


def test_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv.gz"
    path.write_bytes(gzip.compress(STAFF_CSV.encode("utf-8")))

    table = read_table(path)

    assert table.format == "csv"
    assert table.n_rows == 2
    assert table.frame["employee_id"].tolist() == ["007", "012"]


@pytest.mark.parametrize(("delimiter", "suffix"), [(";", ".csv"), ("\t", ".tsv"), ("|", ".txt")])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str, suffix: str) -> None:
    text = f"id{delimiter}salary{delimiter}dept\n1{delimiter}28500,50{delimiter}Parks\n"
    path = write_text(tmp_path / f"staff{suffix}", text * 1)

    frame = read_table(path).frame

    assert list(frame.columns) == ["id", "salary", "dept"]
    assert frame.loc[0, "salary"] == "28500,50"


def test_explicit_delimiter(tmp_path: Path) -> None:
    path = write_text(tmp_path / "staff.csv", "id;name\n1;Ann\n")

    frame = read_table(path, delimiter=";").frame

    assert list(frame.columns) == ["id", "name"]


def test_quoted_field_with_newline_survives(tmp_path: Path) -> None:
    text = 'id,note,salary\n1,"line one\nline two","71,296.74"\n2,plain,"1,000.00"\n'

    table = read_table(write_text(tmp_path / "notes.csv", text))

    assert table.n_rows == 2
    assert table.frame.loc[0, "note"] == "line one\nline two"
    assert table.frame["salary"].tolist() == ["71,296.74", "1,000.00"]


def test_column_names_are_stripped(tmp_path: Path) -> None:
    frame = read_table(write_text(tmp_path / "s.csv", " id ,  sex\n1,F\n")).frame

    assert list(frame.columns) == ["id", "sex"]


def test_duplicate_column_names_after_stripping_are_an_error(tmp_path: Path) -> None:
    path = write_text(tmp_path / "dup.csv", "id,grade, grade\n1,A,B\n")

    with pytest.raises(ReadError, match=r"duplicate column names \['grade'\]"):
        read_table(path)


def test_csv_title_rows_are_skipped(tmp_path: Path) -> None:
    text = "Payroll extract March 2025\n\nid,sex,salary\n1,F,100\n2,M,200\n"

    table = read_table(write_text(tmp_path / "titled.csv", text))

    assert table.header_row == 2
    assert list(table.frame.columns) == ["id", "sex", "salary"]
    assert table.n_rows == 2


def test_explicit_header_row(tmp_path: Path) -> None:
    path = write_text(tmp_path / "titled.csv", "Extract\nid,sex\n1,F\n")

    table = read_table(path, header_row=1)

    assert table.header_row == 1
    assert list(table.frame.columns) == ["id", "sex"]


def test_header_row_beyond_the_end_is_an_error(tmp_path: Path) -> None:
    path = write_text(tmp_path / "staff.csv", STAFF_CSV)

    with pytest.raises(ReadError, match=r"header_row=10 is beyond the end.*3 row"):
        read_table(path, header_row=10)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = write_text(tmp_path / "empty.csv", "\n\n")

    with pytest.raises(ReadError, match="is empty"):
        read_table(path)


def test_no_header_found_is_an_error(tmp_path: Path) -> None:
    path = write_text(tmp_path / "numbers.csv", "1,2,3\n4,5,6\n")

    with pytest.raises(ReadError, match="no header row found.*header_row="):
        read_table(path)


# --------------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------------


def test_excel_header_below_title_and_blank_row(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "payroll.xlsx",
        {
            "Payroll": [
                ["Payroll extract March 2025"],
                [],
                ["Employee ID", "Sex", "Grade", "Annual salary", None],
                ["007", "F", "SO1", 28500.5],
                ["012", "M", None, 31000],
                [],
                ["020", "F", "SO2", 30000],
            ]
        },
    )

    table = read_table(path)

    assert table.format == "excel"
    assert table.encoding is None
    assert table.header_row == 2
    assert list(table.frame.columns) == ["Employee ID", "Sex", "Grade", "Annual salary"]
    assert table.n_rows == 3
    assert table.frame["Employee ID"].tolist() == ["007", "012", "020"]
    assert table.frame["Annual salary"].tolist() == [28500.5, 31000, 30000]


def test_excel_sheet_by_name_and_index(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "book.xlsx",
        {"Notes": [["Read me"]], "Staff": [["id", "sex"], [1, "F"], [2, "M"]]},
    )

    by_name = read_table(path, sheet="Staff")
    by_index = read_table(path, sheet=1)

    assert by_name.n_rows == by_index.n_rows == 2
    assert list(by_name.frame.columns) == ["id", "sex"]


def test_excel_missing_sheet_lists_available_sheets(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", {"Notes": [["x"]], "Staff": [["id"], [1]]})

    with pytest.raises(ReadError, match=r"'Payroll' not found.*'Notes', 'Staff'"):
        read_table(path, sheet="Payroll")
    with pytest.raises(ReadError, match="sheet index 5 is out of range"):
        read_table(path, sheet=5)


def test_excel_header_row_beyond_the_end(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", {"Staff": [["id"], [1]]})

    with pytest.raises(ReadError, match="header_row=7 is beyond the end"):
        read_table(path, header_row=7)


# --------------------------------------------------------------------------------------------------
# Binary formats
# --------------------------------------------------------------------------------------------------


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "staff.parquet"
    pd.DataFrame({" id ": ["007", "012"], "salary": [28500.0, 31000.0]}).to_parquet(path)

    table = read_table(path)

    assert table.format == "parquet"
    assert table.encoding is None
    assert table.header_row is None
    assert list(table.frame.columns) == ["id", "salary"]
    assert table.frame["id"].tolist() == ["007", "012"]


def test_spss_value_labels_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "staff.sav"
    frame = pd.DataFrame({"id": [1.0, 2.0, 3.0], "sex": [1.0, 2.0, 2.0]})
    pyreadstat.write_sav(frame, path, variable_value_labels={"sex": {1: "Male", 2: "Female"}})

    table = read_table(path)

    assert table.format == "spss"
    assert table.n_rows == 3
    assert table.frame["sex"].astype(str).tolist() == ["Male", "Female", "Female"]


def test_stata_value_labels_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "staff.dta"
    frame = pd.DataFrame({"id": [1, 2, 3], "sex": [1, 2, 1]})
    pyreadstat.write_dta(frame, path, variable_value_labels={"sex": {1: "Male", 2: "Female"}})

    table = read_table(path)

    assert table.format == "stata"
    assert table.frame["sex"].astype(str).tolist() == ["Male", "Female", "Male"]


def test_options_that_do_not_fit_the_format_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "staff.parquet"
    pd.DataFrame({"id": [1]}).to_parquet(path)

    with pytest.raises(ReadError, match="sheet do not apply to parquet"):
        read_table(path, sheet="Staff")


# --------------------------------------------------------------------------------------------------
# Paths and suffixes
# --------------------------------------------------------------------------------------------------


def test_unsupported_suffix_lists_supported_ones(tmp_path: Path) -> None:
    path = write_text(tmp_path / "staff.json", "{}")

    with pytest.raises(ReadError, match=r"unsupported file suffix '\.json'.*\.csv.*\.xlsx"):
        read_table(path)


def test_missing_file_names_the_absolute_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(ReadError, match="file not found") as info:
        read_table("missing.csv")
    assert str(tmp_path / "missing.csv") in str(info.value)


def test_supported_suffixes() -> None:
    suffixes = supported_suffixes()

    for suffix in (".csv", ".csv.gz", ".tsv", ".xlsx", ".parquet", ".sav", ".zsav", ".dta"):
        assert suffix in suffixes


# --------------------------------------------------------------------------------------------------
# Real data
# --------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not CINCINNATI.exists(), reason="bundled Cincinnati extract not present")
def test_cincinnati_extract() -> None:
    table = read_table(CINCINNATI)

    assert table.n_rows == 6304
    assert table.frame.shape == (6304, 23)
    assert table.header_row == 0
    assert table.frame.columns[0] == "AGE_RANGE"
    assert table.frame["ANNUAL_RT"].dtype == "string"
    assert table.frame.loc[0, "ANNUAL_RT"] == "71,296.74"


def test_utf16_is_an_error_under_auto_and_read_when_given(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("name,pay\nRené,1\n".encode("utf-16"))
    with pytest.raises(ReadError, match="UTF-16 byte order mark.*encoding: utf-16"):
        read_table(path)
    table = read_table(path, encoding="utf-16")
    assert table.frame["name"].tolist() == ["René"]


def test_nul_bytes_without_bom_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "utf16le.csv"
    path.write_bytes("name,pay\nRené,1\n".encode("utf-16-le"))
    with pytest.raises(ReadError, match="NUL bytes.*utf-16-le"):
        read_table(path)


def test_mixed_utf8_and_cp1252_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("name,pay\nRené,1\n".encode() + "Zoë,2\n".encode("cp1252"))
    with pytest.raises(ReadError, match="mixes encodings.*line 3 is not UTF-8"):
        read_table(path)
    # Declared, the one encoding is used as declared.
    assert read_table(path, encoding="cp1252").frame["name"].tolist() == ["RenÃ©", "Zoë"]
