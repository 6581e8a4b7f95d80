"""Adversarial tests of the data layer (issue 12, items 3 and 6).

Input is read as declared, never guessed silently: European numbers, ambiguous dates, UTF-16,
mixed encodings, header-only files and null tokens either follow the mapping's declaration or stop
with a whole-file error that names the problem and the mapping key to set. Personal data never
reach an output: messages and problem examples name row numbers, the quarantine keeps only the
mapped columns, and every file ingest writes is private. In every ingest that succeeds,
read = accepted + quarantined.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from research.data import synth
from research.data.datasets import DatasetError, load_dataset
from research.data.ingest import IngestError, IngestResult, ingest, write
from research.data.mapping import MappingError, load_mapping, mapping_from_dict
from research.data.readers import ReadError

HEADER = ["Staff Number", "Full Name", "NI Number", "Gender", "Job", "Hours", "Salary", "Start"]
#: Identifying values of the small extracts: none may appear in any output.
SECRET_IDS = [f"ID-SECRET-{k:03d}" for k in range(12)]
NAMES = [f"Person Surname{k}" for k in range(12)]
NI = [f"QQ{k:06d}A" for k in range(12)]


def rows(
    salary: list[str] | None = None, start: list[str] | None = None, **column: list[str]
) -> list[list[str]]:
    """Twelve rows in UK form; ``salary``/``start`` or any header column replaced."""
    out = []
    for k in range(12):
        row = {
            "Staff Number": SECRET_IDS[k],
            "Full Name": NAMES[k],
            "NI Number": NI[k],
            "Gender": "Female" if k % 2 else "Male",
            "Job": ["Cleaner", "Care Assistant", "Social Worker"][k % 3],
            "Hours": "37",
            "Salary": f"2{k},456.50",
            "Start": f"{13 + k}/04/2015",
        }
        if salary is not None:
            row["Salary"] = salary[k]
        if start is not None:
            row["Start"] = start[k]
        for name, values in column.items():
            row[name] = values[k]
        out.append([row[h] for h in HEADER])
    return out


def write_csv(
    path: Path, data: list[list[str]], *, sep: str = ",", encoding: str = "utf-8"
) -> Path:
    frame = pd.DataFrame(data, columns=HEADER)
    path.write_bytes(frame.to_csv(index=False, sep=sep, lineterminator="\n").encode(encoding))
    return path


def _mapping_columns() -> dict[str, Any]:
    return {
        "employee_id": "Staff Number",
        "employer": {"value": "Anytown Borough Council"},
        "snapshot_date": {"value": "2024-03-31"},
        "sex": {"column": "Gender", "codes": {"Male": "M", "Female": "F"}},
        "occupation": "Job",
        "weekly_hours": "Hours",
        "annual_basic_pay": {"column": "Salary", "basis": "fte"},
        "start_date": "Start",
    }


def mapping(source: dict[str, Any] | None = None, **columns: Any) -> Any:
    spec_columns = {**_mapping_columns(), **columns}
    return mapping_from_dict(
        {"name": "anytown", "full_time_hours": 37, "source": source or {}, "columns": spec_columns}
    )


def assert_reconciles(result: IngestResult, read: int) -> None:
    counts = result.summary["counts"]
    assert counts == {
        "read": read,
        "accepted": result.n_accepted,
        "quarantined": result.n_quarantined,
    }
    assert counts["read"] == counts["accepted"] + counts["quarantined"]


def assert_no_identifier(text: str) -> None:
    for secret in (*SECRET_IDS, *NAMES, *NI, "Full Name", "NI Number"):
        assert secret not in text, secret


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    frame = synth.generate(n_employees=400, seed=3)
    # Some missing cells, written as the null token, and three rows that must be quarantined.
    frame["bonus_12m"] = frame["bonus_12m"].astype("float64")
    frame.loc[frame.index[:5], "bonus_12m"] = np.nan
    frame.loc[frame.index[10:13], "weekly_hours"] = 0.0
    return frame


def test_european_extract_declared_round_trips_with_counts_reconciled(tmp_path, workforce) -> None:
    csv, yml = synth.export_extract(workforce, tmp_path / "extract.csv")
    assert b"26.098,32" in csv.read_bytes() or b";" in csv.read_bytes()
    result = ingest(csv, yml)
    assert_reconciles(result, 400)
    assert (result.n_accepted, result.n_quarantined) == (397, 3)
    assert result.quarantine["source_row"].tolist() == [11, 12, 13]
    kept = workforce.drop(index=workforce.index[10:13]).reset_index(drop=True)
    assert np.allclose(result.data["annual_basic_pay"], kept["annual_basic_pay"], atol=0.005)
    assert np.allclose(result.data["fte"], kept["fte"], atol=1e-6)
    assert (result.data["start_date"] == kept["start_date"]).all()
    assert result.data["bonus_12m"].isna().sum() == 5  # the NULL token is an empty cell
    assert result.summary["source"]["encoding"] == "cp1252"
    assert result.summary["readings"]["annual_basic_pay"] == "declared decimal ',', thousands '.'"


def test_european_extract_without_declaration_stops_and_names_the_keys(tmp_path, workforce) -> None:
    csv, yml = synth.export_extract(workforce, tmp_path / "extract.csv", declare=False)
    with pytest.raises(IngestError) as err:
        ingest(csv, yml)
    message = str(err.value)
    assert message.startswith("extract.csv: column weekly_hours (source column 'Contract Hours')")
    assert "decimal comma" in message
    assert 'decimal: ","' in message and 'thousands: "."' in message
    assert "data rows 1, 2" in message


def test_dot_grouped_thousands_without_declaration_are_refused(tmp_path) -> None:
    salaries = [f"{20 + k}.000" for k in range(12)]  # 20.000 ... 31.000: thirty or 30 000?
    path = write_csv(tmp_path / "staff.csv", rows(salary=salaries))
    with pytest.raises(IngestError, match=r"30\.000 that read as 30 or as 30 000") as err:
        ingest(path, mapping())
    assert "column annual_basic_pay (source column 'Salary')" in str(err.value)
    assert "data rows 1, 2, 3, 4, 5 and 7 more ('20.000', '21.000', '22.000')" in str(err.value)
    declared = ingest(path, mapping({"decimal": ",", "thousands": "."}))
    assert declared.data["annual_basic_pay"].tolist()[:2] == [20000.0, 21000.0]
    assert_reconciles(declared, 12)


def test_value_not_in_the_declared_form_is_quarantined_with_its_reason(tmp_path) -> None:
    salaries = [f"2{k}.456,50" for k in range(12)]
    salaries[4] = "24,456.50"  # UK form in a European column
    path = write_csv(tmp_path / "staff.csv", rows(salary=salaries), sep=";")
    result = ingest(path, mapping({"decimal": ","}))  # thousands "." follows from decimal ","
    assert_reconciles(result, 12)
    assert result.n_quarantined == 1
    assert result.quarantine["source_row"].tolist() == [5]
    assert result.quarantine["reason"].iloc[0] == (
        "annual_basic_pay: not a number with decimal ',' and thousands '.' (24,456.50)"
    )
    assert result.data["annual_basic_pay"].iloc[0] == 20456.5


def test_uk_and_european_numbers_mixed_without_declaration_are_refused(tmp_path) -> None:
    salaries = [f"2{k},456.50" for k in range(12)]
    salaries[7] = "27.456,50"
    with pytest.raises(IngestError, match=r"both UK \(23,456.78\) and European") as err:
        ingest(write_csv(tmp_path / "staff.csv", rows(salary=salaries)), mapping())
    assert "data row 8 ('27.456,50')" in str(err.value)


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


def test_ambiguous_dates_without_declaration_are_refused(tmp_path) -> None:
    starts = [f"{1 + k:02d}/03/2019" for k in range(12)]  # 01/03/2019: 1 March or 3 January?
    path = write_csv(tmp_path / "staff.csv", rows(start=starts))
    with pytest.raises(IngestError) as err:
        ingest(path, mapping())
    message = str(err.value)
    assert "column start_date (source column 'Start')" in message
    assert "read both as day/month and month/day" in message
    assert "columns.start_date.format" in message and "dayfirst: true" in message
    assert "data rows 1, 2, 4, 5, 6 and 6 more" in message  # 03/03 reads the same both ways


def test_declared_day_first_reads_uk_dates_and_quarantines_others(tmp_path) -> None:
    starts = [f"{1 + k:02d}/03/2019" for k in range(12)]
    starts[9] = "03/31/2019"  # month first: not a date under dayfirst
    path = write_csv(tmp_path / "staff.csv", rows(start=starts))
    result = ingest(path, mapping({"dayfirst": True}))
    assert_reconciles(result, 12)
    assert result.data["start_date"].iloc[0] == pd.Timestamp("2019-03-01")  # 1 March
    assert result.data["start_date"].iloc[8] == pd.Timestamp("2019-03-09")
    assert result.quarantine["reason"].tolist() == [
        "start_date: not a date in day/month/year (03/31/2019)"
    ]
    same = ingest(path, mapping(start_date={"column": "Start", "format": "%d/%m/%Y"}))
    assert same.data["start_date"].tolist() == result.data["start_date"].tolist()


def test_unambiguous_day_first_dates_are_read_and_the_reading_recorded(tmp_path) -> None:
    result = ingest(write_csv(tmp_path / "staff.csv", rows()), mapping())
    assert_reconciles(result, 12)
    assert result.data["start_date"].iloc[0] == pd.Timestamp("2015-04-13")
    assert result.summary["readings"]["start_date"] == (
        "numeric dates day first (d/m/y) (no declaration; no value reads both ways)"
    )


# --------------------------------------------------------------------------------------------------
# Encodings, empty files, null tokens
# --------------------------------------------------------------------------------------------------


def test_utf16_file_is_refused_unless_declared(tmp_path) -> None:
    path = write_csv(tmp_path / "staff.csv", rows(Job=["Café"] * 12), encoding="utf-16")
    with pytest.raises(ReadError) as err:
        ingest(path, mapping())
    assert "UTF-16 byte order mark" in str(err.value)
    assert "encoding: utf-16 under source" in str(err.value)
    result = ingest(path, mapping({"encoding": "utf-16"}))
    assert_reconciles(result, 12)
    assert set(result.data["occupation"]) == {"Café"}


def test_utf8_file_with_one_cp1252_line_is_not_reinterpreted(tmp_path) -> None:
    path = write_csv(tmp_path / "staff.csv", rows(Job=["Café"] * 12))
    lines = path.read_bytes().split(b"\n")
    lines[6] = lines[6].replace("Café".encode(), "Café".encode("cp1252"))
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ReadError) as err:
        ingest(path, mapping())
    message = str(err.value)
    assert "mixes encodings" in message and "line 7 is not UTF-8" in message
    assert "encoding under source" in message
    with pytest.raises(ReadError, match=r"utf-8 \(first at line 7\)"):
        ingest(path, mapping({"encoding": "utf-8"}))


def test_header_only_file_is_an_error_not_an_empty_dataset(tmp_path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        ingest(path, mapping())
    assert "staff.csv has a header but no data rows" in str(err.value)
    assert "source.header_row" in str(err.value)


def test_null_token_declared_is_empty_and_undeclared_is_not_a_number(tmp_path) -> None:
    salaries = [f"2{k},456.50" for k in range(12)]
    salaries[2] = "NULL"
    path = write_csv(tmp_path / "staff.csv", rows(salary=salaries, Gender=["NULL"] + ["Male"] * 11))
    declared = ingest(path, mapping({"null_values": ["NULL"]}))
    assert_reconciles(declared, 12)
    assert declared.quarantine["reason"].tolist() == ["annual_basic_pay: missing"]
    assert declared.data["sex"].iloc[0] == "U"  # a blank sex is counted as not recorded
    by_default = ingest(path, mapping())  # "NULL" is one of the default tokens
    assert by_default.quarantine["reason"].tolist() == ["annual_basic_pay: missing"]
    undeclared = ingest(path, mapping({"default_na_values": False}, sex="Gender"))
    assert_reconciles(undeclared, 12)
    assert set(undeclared.quarantine["source_row"]) == {1, 3}
    assert "annual_basic_pay: not a number (NULL)" in undeclared.quarantine["reason"].tolist()


def test_unquoted_yaml_null_token_is_a_mapping_error(tmp_path) -> None:
    yml = tmp_path / "m.yaml"
    spec = {"source": {"null_values": [None]}, "columns": _mapping_columns()}
    yml.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(MappingError, match=r"unquoted null .* \[\"NULL\"\]"):
        load_mapping(yml)


# --------------------------------------------------------------------------------------------------
# Personal data
# --------------------------------------------------------------------------------------------------


def test_whole_file_error_names_rows_never_ids_or_names(tmp_path) -> None:
    salaries = ["n.k."] * 8 + [f"2{k},456.50" for k in range(4)]
    path = write_csv(tmp_path / "staff.csv", rows(salary=salaries))
    with pytest.raises(IngestError) as err:
        ingest(path, mapping())
    message = str(err.value)
    assert "8 of 12 rows fail validation" in message
    assert "annual_basic_pay: not a number in 8 rows, e.g. data rows 1, 2, 3, 4, 5 and 3 more" in (
        message
    )
    assert "row 1 is the first row below the header" in message
    assert_no_identifier(message)


def test_duplicate_ids_are_named_by_row_with_no_id_anywhere(tmp_path) -> None:
    ids = list(SECRET_IDS)
    ids[5] = ids[0]
    result = ingest(write_csv(tmp_path / "staff.csv", rows(**{"Staff Number": ids})), mapping())
    assert_reconciles(result, 12)
    assert result.quarantine["source_row"].tolist() == [1, 6]
    problem = result.problems.set_index("column").loc["employee_id"]
    assert problem["examples"] == "data rows 1, 6"
    assert problem["rows"] == [1, 6]
    reasons = " ".join(result.quarantine["reason"])
    assert_no_identifier(reasons + json.dumps(result.summary, default=str))


def test_written_files_are_private_and_quarantine_has_mapped_columns_only(
    tmp_path, workforce
) -> None:
    csv, yml = synth.export_extract(workforce, tmp_path / "extract.csv")
    result = ingest(csv, yml)
    paths = write(result, "extract", tmp_path / "processed")
    for path in paths.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    quarantine = pd.read_csv(paths["quarantine"], dtype=str, keep_default_na=False)
    mapped = list(load_mapping(yml).source_columns)
    assert list(quarantine.columns) == ["source_row", "reason", *mapped]
    assert quarantine["source_row"].tolist() == ["11", "12", "13"]
    assert quarantine["reason"].str.startswith("weekly_hours: fails greater_than(0)").all()
    raw = pd.read_csv(csv, sep=";", dtype=str, encoding="cp1252")
    written = b"".join(p.read_bytes() for p in paths.values()).decode("utf-8", "replace")
    for column in synth.EXTRACT_IDENTIFYING:
        assert column not in written
    for value in raw["NI Number"]:
        assert value not in written
    for value in raw["Surname"].unique():
        assert value not in quarantine.to_csv()


def test_file_without_header_never_echoes_the_row_taken_as_header(tmp_path) -> None:
    path = write_csv(tmp_path / "staff.csv", rows())
    path.write_bytes(path.read_bytes().split(b"\n", 1)[1])  # the header line removed
    with pytest.raises(ReadError, match="no header row found") as err:
        ingest(path, mapping())
    assert_no_identifier(str(err.value))
    with pytest.raises(IngestError) as err:
        ingest(path, mapping({"header_row": 0}))
    message = str(err.value)
    assert "none of the 6 column(s) the mapping 'anytown' names is in the file's header row" in (
        message
    )
    assert "set source.header_row" in message
    assert_no_identifier(message)


def test_filter_on_employee_id_is_refused_without_echoing_the_id() -> None:
    with pytest.raises(DatasetError) as err:
        load_dataset("synthetic:n_employees=300?employee_id=SYN0000001")
    assert "cannot be filtered on employee_id" in str(err.value)
    assert "SYN0000001" not in str(err.value)


# --------------------------------------------------------------------------------------------------
# Through the command line and the runner: no identifier in any output
# --------------------------------------------------------------------------------------------------


def _research(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "research"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _yaml_mapping(path: Path, source: dict[str, Any] | None = None) -> Path:
    spec = {"name": "anytown", "source": source or {}, "columns": _mapping_columns()}
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_ingest_command_lists_rows_not_ids_and_writes_private_files(tmp_path) -> None:
    ids = list(SECRET_IDS)
    ids[5] = ids[0]
    salaries = [f"2{k},456.50" for k in range(12)]
    salaries[3] = "abc"
    csv = write_csv(tmp_path / "staff.csv", rows(salary=salaries, **{"Staff Number": ids}))
    out = tmp_path / "processed"
    done = _research(
        "ingest",
        str(csv),
        "-m",
        str(_yaml_mapping(tmp_path / "m.yaml")),
        "-n",
        "x",
        "--out-dir",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "x: read 12 rows = 9 accepted + 3 quarantined" in done.stdout
    assert "employee_id: duplicate id" in done.stdout and "e.g. data rows 1, 6" in done.stdout
    assert "annual_basic_pay: not a number: 1 rows, e.g. data row 4: 'abc'" in done.stdout
    assert_no_identifier(done.stdout + done.stderr)
    assert sorted(oct(stat.S_IMODE(p.stat().st_mode)) for p in out.iterdir()) == ["0o600"] * 3
    quarantine = (out / "x.quarantine.csv").read_text(encoding="utf-8")
    for secret in (*NAMES, *NI, "Full Name", "NI Number"):
        assert secret not in quarantine


def test_ingest_command_refuses_ambiguous_dates_with_one_line_and_exit_2(tmp_path) -> None:
    starts = [f"{1 + k:02d}/03/2019" for k in range(12)]
    csv = write_csv(tmp_path / "staff.csv", rows(start=starts))
    done = _research(
        "ingest",
        str(csv),
        "-m",
        str(_yaml_mapping(tmp_path / "m.yaml")),
        "-n",
        "x",
        "--out-dir",
        str(tmp_path / "processed"),
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: staff.csv: column start_date (source column 'Start')")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "processed").exists()
    assert_no_identifier(done.stderr)


# --------------------------------------------------------------------------------------------------
# Through the runner: failed and successful reports carry no identifier
# --------------------------------------------------------------------------------------------------


def _all_text(folder: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()
    )


@pytest.mark.notebook
def test_failed_audit_run_shows_rows_not_ids_in_report_manifest_notebook_and_index(
    tmp_path,
) -> None:
    from research.run.runner import run_notebook

    salaries = ["n.k."] * 8 + [f"2{k},456.50" for k in range(4)]
    ids = list(SECRET_IDS)
    ids[9] = ids[8]
    csv = write_csv(tmp_path / "staff.csv", rows(salary=salaries, **{"Staff Number": ids}))
    yml = tmp_path / "anytown.yaml"
    spec = {"name": "anytown", "columns": _mapping_columns()}
    yml.write_text(yaml.safe_dump(spec), encoding="utf-8")
    reports = tmp_path / "reports"
    result = run_notebook(
        Path(__file__).resolve().parents[1] / "notebooks" / "00_data_audit.ipynb",
        {"dataset": str(csv), "mapping": str(yml)},
        reports=reports,
    )
    assert result.status == "failed"
    assert "10 of 12 rows fail validation" in result.error["evalue"]
    html = result.html.read_text(encoding="utf-8")
    assert "data rows 1, 2, 3, 4, 5 and 3 more" in html
    assert "employee_id: duplicate id" in html and "data rows 9, 10." in html
    assert (reports / "index.html").is_file()
    assert_no_identifier(_all_text(reports))


@pytest.mark.notebook
def test_audit_of_a_messy_extract_publishes_no_identifier(tmp_path, workforce) -> None:
    from research.run.runner import run_notebook

    csv, yml = synth.export_extract(workforce, tmp_path / "extract.csv")
    reports = tmp_path / "reports"
    result = run_notebook(
        Path(__file__).resolve().parents[1] / "notebooks" / "00_data_audit.ipynb",
        {"dataset": str(csv), "mapping": str(yml)},
        reports=reports,
    )
    assert result.status == "succeeded", result.error
    text = _all_text(reports)
    raw = pd.read_csv(csv, sep=";", dtype=str, encoding="cp1252")
    for column in (*synth.EXTRACT_IDENTIFYING, "Staff Number"):
        assert column not in text, column
    for value in (*raw["NI Number"], *raw["Staff Number"]):
        assert value not in text
    assert "397" in text and "400" in text  # accepted and read


def test_the_quarantine_file_neutralises_formulas(tmp_path):
    """A rejected row whose text starts like a formula is written so a spreadsheet shows text."""
    from research.core.safe_csv import write_csv

    quarantine = pd.DataFrame(
        {"source_row": [3], "reason": ["sex: unknown code"], "occupation": ["=cmd|' /C calc'!A0"]}
    )
    path = write_csv(quarantine, tmp_path / "q.csv")
    assert "'=cmd" in path.read_text() and pd.read_csv(path)["source_row"].tolist() == [3]
