"""Mapping options for real extracts (issue 13): annual-pay-only extracts, missing-value tokens,
pay plans and grade ranks, jurisdiction, snapshot dates from a column or the file name, several
yearly files in one dataset, and pay elements besides basic pay."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
import yaml

from research.data import datasets
from research.data.ingest import IngestError, IngestResult, ingest, median_pay_ranks
from research.data.mapping import DEFAULT_NA_VALUES, MappingError, mapping_from_dict
from research.data.schema import ALL_OR_NONE, WORKFORCE_SCHEMA
from research.data.synth import generate

HEADER = ["Id", "Sex", "Title", "Dept", "Plan", "Grade", "Salary", "Pattern"]
ROWS = [
    ["A1", "F", "Clerk", "Finance", "GS", "7", "41000", "FT"],
    ["A2", "M", "Clerk", "Finance", "GS", "7", "43000", "FT"],
    ["A3", "F", "Officer", "Police", "POL", "7", "62000", "FT"],
    ["A4", "M", "Officer", "Police", "POL", "7", "64000", "FT"],
    ["A5", "F", "Analyst", "Finance", "GS", "9", "52000", "PT"],
    ["A6", "M", "Analyst", "Finance", "GS", "9", "54000", "FT"],
    ["A7", "F", "Director", "Finance", "EX", "1", "120000", "FT"],
    ["A8", "M", "Director", "Police", "EX", "1", "125000", "FT"],
]

#: An annual-pay-only extract: no hours, no FTE (a US county payroll, say).
ANNUAL_ONLY: dict[str, Any] = {
    "name": "county",
    "currency": "USD",
    "jurisdiction": "US",
    "columns": {
        "employee_id": "Id",
        "employer": {"value": "Anytown County"},
        "snapshot_date": {"value": "2023-12-01"},
        "sex": "Sex",
        "occupation": "Title",
        "department": "Dept",
        "grade": "Grade",
        "annual_basic_pay": {"column": "Salary", "basis": "actual"},
    },
}


def spec(drop: tuple[str, ...] = (), source: dict | None = None, **columns: Any) -> dict:
    out = copy.deepcopy(ANNUAL_ONLY)
    for name in drop:
        out["columns"].pop(name)
    out["columns"].update(columns)
    if source is not None:
        out["source"] = source
    return out


def write_csv(path: Path, rows: list[list[str]] | None = None, header=None) -> Path:
    frame = pd.DataFrame(ROWS if rows is None else rows, columns=header or HEADER)
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return path


def edited(edits: dict[int, dict[str, str]]) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    for i, changes in edits.items():
        for column, value in changes.items():
            rows[i][HEADER.index(column)] = value
    return rows


def run(tmp_path: Path, document: dict, rows=None, name: str = "staff.csv") -> IngestResult:
    result = ingest(write_csv(tmp_path / name, rows), mapping_from_dict(document))
    counts = result.summary["counts"]
    assert counts["read"] == counts["accepted"] + counts["quarantined"] == len(rows or ROWS)
    return result


def error(document: dict) -> str:
    with pytest.raises(MappingError) as err:
        mapping_from_dict(document)
    return str(err.value)


# --------------------------------------------------------------------------------------------------
# Annual-pay-only extracts
# --------------------------------------------------------------------------------------------------


def test_a_mapping_without_hours_or_fte_is_accepted_and_nothing_is_imputed(tmp_path) -> None:
    result = run(tmp_path, spec())
    data = result.data
    assert result.n_quarantined == 0
    for column in ("weekly_hours", "fte", "hourly_pay", "working_pattern"):
        assert data[column].isna().all(), column
    # Actual annual pay is kept as it is: not divided by an FTE nobody recorded.
    assert data["annual_basic_pay"].tolist() == [float(r[6]) for r in ROWS]
    summary = result.summary
    assert summary["hours"] == summary["fte"] == "not in the data"
    assert summary["hourly_pay"] == summary["working_pattern"] == "not in the data"
    assert summary["pay_basis"] == "actual"
    assert "actual annual pay is compared as it is" in summary["pay_note"]
    WORKFORCE_SCHEMA.validate(data)


def test_annual_only_fte_basis_and_monthly_unit(tmp_path) -> None:
    pay = {"column": "Salary", "basis": "fte", "unit": "monthly"}
    result = run(tmp_path, spec(annual_basic_pay=pay))
    assert result.data["annual_basic_pay"].iloc[0] == 41000 * 12
    assert result.summary["pay_basis"] == "fte"
    assert "full-time-equivalent annual salary" in result.summary["pay_note"]


def test_a_mapping_with_hours_says_they_are_recorded(tmp_path) -> None:
    rows = [r + ["40"] for r in ROWS]
    document = spec(weekly_hours="Hours")
    result = ingest(
        write_csv(tmp_path / "s.csv", rows, HEADER + ["Hours"]), mapping_from_dict(document)
    )
    assert result.summary["hours"] == "recorded"
    assert result.summary["fte"].startswith("derived from weekly hours")
    assert result.summary["working_pattern"].startswith("derived from FTE")
    assert result.data["hourly_pay"].notna().all()


def test_working_pattern_from_codes_when_hours_are_not_known(tmp_path) -> None:
    pattern = {"column": "Pattern", "codes": {"FT": "full_time", "PT": "part_time"}}
    result = run(tmp_path, spec(working_pattern=pattern))
    assert result.data["working_pattern"].tolist()[3:6] == ["full_time", "part_time", "full_time"]
    assert result.data["weekly_hours"].isna().all()
    assert result.summary["working_pattern"] == "recorded"


def test_working_pattern_common_labels_need_no_codes_and_unknown_codes_are_quarantined(
    tmp_path,
) -> None:
    rows = edited({2: {"Pattern": "Seasonal"}, 3: {"Pattern": ""}})
    result = run(tmp_path, spec(working_pattern="Pattern"), rows)
    assert result.data["working_pattern"].iloc[0] == "full_time"
    reasons = dict(zip(result.quarantine["source_row"], result.quarantine["reason"], strict=True))
    assert reasons == {
        3: "working_pattern: code not in the mapping (Seasonal)",
        4: "working_pattern: missing",
    }
    problems = result.problems.set_index("problem")
    assert "columns.working_pattern.codes" in problems.loc["code not in the mapping", "fix"]


def test_a_full_time_flag_is_mapped_through_codes(tmp_path) -> None:
    rows = [r[:-1] + ["Y" if r[-1] == "FT" else "N"] for r in ROWS]
    pattern = {"column": "Pattern", "codes": {"Y": "full_time", "N": "part_time"}}
    result = run(tmp_path, spec(working_pattern=pattern), rows)
    assert (result.data["working_pattern"] == "part_time").sum() == 1


def test_working_pattern_codes_must_be_patterns() -> None:
    message = error(spec(working_pattern={"column": "Pattern", "codes": {"Y": "yes"}}))
    assert "working patterns are full_time, part_time" in message


@pytest.mark.parametrize(
    ("columns", "text"),
    [
        ({"annual_basic_pay": {"column": "Salary", "unit": "hourly"}}, "unit hourly"),
        ({"hourly_pay": "Rate"}, "hourly_pay is an hourly measure"),
    ],
)
def test_hourly_measures_without_hours_are_refused_with_the_fix(columns, text) -> None:
    message = error(spec(**columns))
    assert text in message and "map weekly_hours or fte" in message.replace("Map", "map")
    assert "compared as annual pay" in message


def test_hourly_pay_alone_without_hours_is_refused() -> None:
    message = error(spec(drop=("annual_basic_pay",), hourly_pay="Rate"))
    assert "hourly_pay needs weekly hours to become annual pay" in message


def test_a_value_that_does_not_parse_is_quarantined_in_annual_only_data(tmp_path) -> None:
    result = run(tmp_path, spec(), edited({1: {"Salary": "tbc"}}))
    assert result.quarantine["reason"].tolist() == ["annual_basic_pay: not a number (tbc)"]


def test_schema_allows_all_missing_hours_but_not_some() -> None:
    data = generate(300, seed=3)
    annual = data.assign(weekly_hours=np.nan, fte=np.nan, hourly_pay=np.nan, working_pattern=pd.NA)
    WORKFORCE_SCHEMA.validate(annual)
    partial = data.copy()
    partial.loc[:4, "weekly_hours"] = np.nan
    with pytest.raises(pa.errors.SchemaError, match="for every row or for none"):
        WORKFORCE_SCHEMA.validate(partial)
    wrong = data.copy()
    wrong.loc[0, "fte"] = -1.0  # row rules apply where values exist
    with pytest.raises(pa.errors.SchemaError):
        WORKFORCE_SCHEMA.validate(wrong)
    assert set(ALL_OR_NONE) == {"weekly_hours", "fte", "hourly_pay", "working_pattern"}


# --------------------------------------------------------------------------------------------------
# Missing-value tokens
# --------------------------------------------------------------------------------------------------


def test_default_tokens_blank_text_columns_and_are_counted_per_column(tmp_path) -> None:
    rows = edited(
        {0: {"Grade": "NULL"}, 1: {"Grade": "N/A"}, 2: {"Dept": "-"}, 3: {"Grade": "NULL"}}
    )
    result = run(tmp_path, spec(), rows)
    assert result.n_quarantined == 0
    assert "NULL" not in set(result.data["grade"].dropna())
    assert result.data["grade"].isna().sum() == 3
    na = result.summary["na_values"]
    assert na["tokens"] == list(DEFAULT_NA_VALUES)
    assert na["blanked"] == {"Grade": {"NULL": 2, "N/A": 1}, "Dept": {"-": 1}}
    assert result.summary["grades"]["blank"] == 3


def test_declared_tokens_add_to_the_defaults(tmp_path) -> None:
    rows = edited({0: {"Grade": "n.k."}, 1: {"Grade": "NULL"}})
    result = run(tmp_path, spec(source={"na_values": ["n.k."]}), rows)
    assert result.summary["na_values"]["blanked"] == {"Grade": {"NULL": 1, "n.k.": 1}}


def test_column_tokens_and_the_old_name_null_values(tmp_path) -> None:
    rows = edited({0: {"Grade": "none given"}, 1: {"Dept": "none given"}})
    grade = {"column": "Grade", "null_values": ["none given"]}
    result = run(tmp_path, spec(grade=grade), rows)
    assert pd.isna(result.data["grade"].iloc[0])
    assert result.data["department"].iloc[1] == "none given"  # only the grade column declared it
    assert result.summary["na_values"]["columns"]["Grade"][-1] == "none given"


def test_defaults_can_be_turned_off_for_one_column_and_what_stays_is_reported(tmp_path) -> None:
    rows = edited({0: {"Dept": "None"}, 1: {"Grade": "None"}})
    dept = {"column": "Dept", "default_na_values": False}
    result = run(tmp_path, spec(department=dept), rows)
    assert result.data["department"].iloc[0] == "None"
    assert pd.isna(result.data["grade"].iloc[1])
    assert result.summary["na_values"]["kept"] == {"Dept": {"None": 1}}


def test_a_token_in_a_pay_column_is_missing_pay_quarantined(tmp_path) -> None:
    result = run(tmp_path, spec(), edited({4: {"Salary": "#N/A"}}))
    assert result.quarantine["reason"].tolist() == ["annual_basic_pay: missing"]
    assert result.summary["na_values"]["blanked"] == {"Salary": {"#N/A": 1}}


def test_bad_token_lists_name_the_key() -> None:
    assert "columns.grade.na_values must be a list" in error(
        spec(grade={"column": "Grade", "na_values": "NULL"})
    )
    assert "unquoted null" in error(spec(grade={"column": "Grade", "na_values": [None]}))
    assert "both na_values and null_values" in error(
        spec(grade={"column": "Grade", "na_values": ["x"], "null_values": ["y"]})
    )


# --------------------------------------------------------------------------------------------------
# Pay plans and grade ranks
# --------------------------------------------------------------------------------------------------


def test_grades_of_different_pay_plans_are_different_grades(tmp_path) -> None:
    result = run(tmp_path, spec(pay_plan="Plan", grade_rank={"derive": "median_pay"}))
    data = result.data
    assert sorted(data["grade"].unique()) == ["EX / 1", "GS / 7", "GS / 9", "POL / 7"]
    assert data["pay_plan"].tolist()[:3] == ["GS", "GS", "POL"]
    ranks = data.groupby("grade", observed=True)["grade_rank"].first().to_dict()
    assert ranks == {"GS / 7": 1, "GS / 9": 2, "POL / 7": 3, "EX / 1": 4}
    assert result.summary["pay_plan"]["distinct"] == 3
    assert result.summary["grade_rank"]["ties_broken"] == 0


def test_median_pay_ties_are_broken_by_label_in_natural_order(tmp_path) -> None:
    rows = [
        [f"B{i}", "F" if i % 2 else "M", "Clerk", "Finance", "GS", grade, "30000", "FT"]
        for i, grade in enumerate(["G10", "G10", "G2", "G2", "G1", "G1"])
    ] + [["B9", "F", "Head", "Finance", "GS", "G3", "90000", "FT"]]
    result = run(tmp_path, spec(grade_rank={"derive": "median_pay"}), rows)
    ranks = result.data.groupby("grade", observed=True)["grade_rank"].first().to_dict()
    assert ranks == {"G1": 1, "G2": 2, "G10": 3, "G3": 4}
    info = result.summary["grade_rank"]
    assert info["ties_broken"] == 2 and info["grades"] == 4
    assert "natural order" in info["rule"]
    # Row order does not matter.
    shuffled = run(tmp_path, spec(grade_rank={"derive": "median_pay"}), rows[::-1], "b.csv")
    again = shuffled.data.groupby("grade", observed=True)["grade_rank"].first().to_dict()
    assert again == ranks


def test_blank_grades_have_no_rank_and_are_counted(tmp_path) -> None:
    rows = edited({0: {"Grade": ""}, 1: {"Grade": "NULL"}})
    result = run(tmp_path, spec(grade_rank={"derive": "median_pay"}), rows)
    blank = result.data["grade"].isna()
    assert blank.sum() == 2 and result.data.loc[blank, "grade_rank"].isna().all()
    assert result.data.loc[~blank, "grade_rank"].notna().all()


def test_median_pay_ranks_every_grade_distinctly() -> None:
    frame = pd.DataFrame(
        {"grade": ["b", "a", "c", None], "annual_basic_pay": [10.0, 10.0, 5.0, 1.0]}
    )
    ranks, info = median_pay_ranks(frame)
    assert ranks.tolist()[:3] == [3, 2, 1] and pd.isna(ranks.iloc[3])
    assert info["ties_broken"] == 1


def test_an_order_list_names_plan_qualified_grades(tmp_path) -> None:
    order = ["GS / 7", "GS / 9", "POL / 7", "EX / 1"]
    result = run(tmp_path, spec(pay_plan="Plan", grade_rank={"order": order}))
    assert result.data["grade_rank"].tolist() == [1, 1, 3, 3, 2, 2, 4, 4]


# --------------------------------------------------------------------------------------------------
# Jurisdiction
# --------------------------------------------------------------------------------------------------


def test_jurisdiction_is_stored_and_reaches_the_source(tmp_path) -> None:
    document = spec()
    document["currency"] = "GBP"  # a declared jurisdiction wins over the currency
    yml = tmp_path / "county.yaml"
    yml.write_text(yaml.safe_dump(document), encoding="utf-8")
    csv = write_csv(tmp_path / "staff.csv")
    ds = datasets.load_dataset(csv, yml)
    assert ds.summary["jurisdiction"] == "US"
    assert ds.source.jurisdiction == "US" and ds.source.framework == "none"


def test_undeclared_jurisdiction_is_empty_and_the_currency_decides(tmp_path) -> None:
    document = spec()
    document.pop("jurisdiction")
    document["currency"] = "EUR"
    result = run(tmp_path, document)
    assert result.summary["jurisdiction"] == ""
    mapping = mapping_from_dict({**document, "jurisdiction": "fr"})
    assert mapping.jurisdiction == "FR"


def test_a_bad_jurisdiction_names_the_form() -> None:
    document = spec()
    document["jurisdiction"] = "United States of America"
    assert "country or region code such as GB, US or FR" in error(document)


# --------------------------------------------------------------------------------------------------
# Snapshot dates
# --------------------------------------------------------------------------------------------------


def test_snapshot_date_from_a_column_with_its_format(tmp_path) -> None:
    rows = [r + ["31/03/2023" if i < 4 else "31/03/2024"] for i, r in enumerate(ROWS)]
    header = HEADER + ["As at"]
    document = spec(snapshot_date={"column": "As at", "format": "%d/%m/%Y"})
    result = ingest(write_csv(tmp_path / "s.csv", rows, header), mapping_from_dict(document))
    assert result.summary["snapshot_dates"] == {
        "from": "column",
        "dates": ["2023-03-31", "2024-03-31"],
    }
    bad = [r + ["31/02/2023" if i == 0 else "31/03/2023"] for i, r in enumerate(ROWS)]
    quarantined = ingest(write_csv(tmp_path / "b.csv", bad, header), mapping_from_dict(document))
    assert quarantined.quarantine["reason"].tolist() == [
        "snapshot_date: not a date in format %d/%m/%Y (31/02/2023)"
    ]


def test_snapshot_date_from_the_file_name(tmp_path) -> None:
    date = {"from_file_name": r"(\d{4})", "format": "%Y", "month_day": "12-01"}
    result = run(tmp_path, spec(snapshot_date=date), name="payroll_2019.csv")
    assert (result.data["snapshot_date"] == pd.Timestamp("2019-12-01")).all()
    assert result.summary["snapshot_dates"] == {"from": "file name", "dates": ["2019-12-01"]}
    iso = {"from_file_name": r"\d{4}-\d{2}-\d{2}"}
    result = run(tmp_path, spec(snapshot_date=iso), name="staff 2024-03-31.csv")
    assert (result.data["snapshot_date"] == pd.Timestamp("2024-03-31")).all()


def test_a_file_name_without_the_date_is_a_whole_file_error(tmp_path) -> None:
    date = {"from_file_name": r"(\d{4})", "format": "%Y", "month_day": "12-01"}
    with pytest.raises(IngestError) as err:
        run(tmp_path, spec(snapshot_date=date), name="payroll_latest.csv")
    message = str(err.value)
    assert "payroll_latest.csv" in message and "does not match from_file_name" in message
    assert "rename the file" in message


def test_a_file_name_date_that_does_not_parse_is_a_whole_file_error(tmp_path) -> None:
    date = {"from_file_name": r"_([\d-]+)", "format": "%Y-%m-%d"}
    with pytest.raises(
        IngestError, match="'2019-02-30', taken from the file name.*format %Y-%m-%d"
    ):
        run(tmp_path, spec(snapshot_date=date), name="pay_2019-02-30.csv")


@pytest.mark.parametrize(
    ("date", "text"),
    [
        ({"from_file_name": r"(\d{4})", "format": "%Y"}, "add month_day"),
        ({"from_file_name": r"(\d{4})", "month_day": "31-12"}, 'month_day must be "MM-DD"'),
        ({"from_file_name": r"(\d{4}"}, "is not a regular expression"),
        ({"from_file_name": r"(\d{4})_(\d{2})"}, "keep one"),
        ({"value": "2024-03-31", "month_day": "03-31"}, "use it with from_file_name"),
        ({"from_file_name": r"(\d{4})", "column": "X"}, "needs exactly one of"),
    ],
)
def test_bad_file_name_dates_are_mapping_errors(date, text) -> None:
    assert text in error(spec(snapshot_date=date))


# --------------------------------------------------------------------------------------------------
# Several yearly files
# --------------------------------------------------------------------------------------------------


def multi_year(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "payroll"
    folder.mkdir()
    write_csv(folder / "payroll_2021.csv")
    write_csv(folder / "payroll_2022.csv", edited({2: {"Salary": "tbc"}}))
    no_grade = [r[:5] + r[6:] for r in ROWS]  # the 2023 file has no grade column
    header = HEADER[:5] + HEADER[6:]
    write_csv(folder / "payroll_2023.csv", no_grade, header)
    (folder / "notes.txt").write_text("not data", encoding="utf-8")
    document = spec(
        snapshot_date={"from_file_name": r"_(\d{4})\.", "format": "%Y", "month_day": "12-01"},
        grade_rank={"derive": "median_pay"},
    )
    document["files"] = "payroll_*.csv"
    yml = tmp_path / "county.yaml"
    yml.write_text(yaml.safe_dump(document), encoding="utf-8")
    return folder, yml


def test_one_mapping_ingests_every_yearly_file_of_a_folder(tmp_path) -> None:
    folder, yml = multi_year(tmp_path)
    result = ingest(folder, yml)
    assert result.summary["counts"] == {"read": 24, "accepted": 23, "quarantined": 1}
    dates = result.data["snapshot_date"].dt.year.value_counts().sort_index().to_dict()
    assert dates == {2021: 8, 2022: 7, 2023: 8}
    assert result.summary["snapshot_dates"]["dates"] == ["2021-12-01", "2022-12-01", "2023-12-01"]
    files = result.summary["source"]["files"]
    assert [Path(f["path"]).name for f in files] == [
        "payroll_2021.csv",
        "payroll_2022.csv",
        "payroll_2023.csv",
    ]
    assert files[2]["columns_not_in_file"] == {"grade": "Grade"}
    assert result.data.loc[result.data["snapshot_date"].dt.year == 2023, "grade"].isna().all()
    q = result.quarantine
    assert q[["source_row", "source_file"]].values.tolist() == [[3, "payroll_2022.csv"]]
    assert q["reason"].tolist() == ["annual_basic_pay: not a number (tbc)"]
    assert result.problems["examples"].iloc[0].startswith("payroll_2022.csv: data row 3")
    # One grade ranking over every year.
    assert result.data["grade_rank"].notna().sum() == 15


def test_a_folder_loads_as_a_dataset_with_every_file_as_an_input(tmp_path) -> None:
    folder, yml = multi_year(tmp_path)
    found = datasets.resolve(str(folder), str(yml))
    assert [p.name for p in found.files] == [
        "payroll_2021.csv",
        "payroll_2022.csv",
        "payroll_2023.csv",
        "county.yaml",
    ]
    ds = datasets.load_dataset(folder, yml)
    assert ds.data["snapshot_date"].nunique() == 3
    assert [p.name for p in ds.inputs][-1] == "county.yaml" and len(ds.inputs) == 4
    assert datasets.resolve(str(folder)).kind == "file"  # the mapping comes later (parameters)
    with pytest.raises(datasets.DatasetError, match="is a folder: give a column mapping"):
        datasets.load_dataset(folder)


def test_a_list_of_files_is_one_dataset(tmp_path) -> None:
    folder, yml = multi_year(tmp_path)
    files = [folder / "payroll_2021.csv", folder / "payroll_2023.csv"]
    result = ingest(files, yml)
    assert result.data["snapshot_date"].nunique() == 2


def test_the_same_extract_twice_is_a_whole_file_error(tmp_path) -> None:
    folder, _ = multi_year(tmp_path)
    document = spec()
    document["files"] = ["payroll_2021.csv", "payroll_2022.csv"]
    with pytest.raises(IngestError) as err:
        ingest(folder, mapping_from_dict(document))
    message = str(err.value)
    assert "payroll_2021.csv and payroll_2022.csv hold the same employees" in message
    assert "from_file_name" in message


def test_a_folder_needs_files_patterns_that_match(tmp_path) -> None:
    folder, _ = multi_year(tmp_path)
    with pytest.raises(IngestError, match="is a folder.*add files:"):
        ingest(folder, mapping_from_dict(spec()))
    document = spec()
    document["files"] = "salaries_*.xlsx"
    with pytest.raises(IngestError, match="No file in .* matches files:.*payroll_2021.csv"):
        ingest(folder, mapping_from_dict(document))
    document["files"] = []
    assert "files must be a file-name pattern" in error(document)


def test_a_required_column_missing_from_one_yearly_file_is_an_error(tmp_path) -> None:
    folder, yml = multi_year(tmp_path)
    write_csv(folder / "payroll_2024.csv", [r[:6] + r[7:] for r in ROWS], HEADER[:6] + HEADER[7:])
    with pytest.raises(IngestError, match="annual_basic_pay: column 'Salary' is not in the file"):
        ingest(folder, yml)


# --------------------------------------------------------------------------------------------------
# Pay elements and codes on any column
# --------------------------------------------------------------------------------------------------


def test_overtime_and_allowances_have_their_own_columns(tmp_path) -> None:
    rows = [r + ["1,200", "300"] for r in ROWS]
    rows[1][-2] = "-5"
    rows[2][-1] = "lots"
    header = HEADER + ["OT", "Longevity"]
    document = spec(overtime_12m="OT", allowances_12m="Longevity")
    result = ingest(write_csv(tmp_path / "s.csv", rows, header), mapping_from_dict(document))
    assert result.data["overtime_12m"].iloc[0] == 1200.0
    assert result.data["allowances_12m"].iloc[0] == 300.0
    reasons = dict(zip(result.quarantine["source_row"], result.quarantine["reason"], strict=True))
    assert reasons[2].startswith("overtime_12m: fails greater_than_or_equal_to(0)")
    assert reasons[3] == "allowances_12m: not a number (lots)"
    assert result.summary["pay_elements"] == {
        "bonus_12m": "not in the data",
        "overtime_12m": "recorded",
        "allowances_12m": "recorded",
    }


def test_pay_elements_are_empty_when_not_mapped(tmp_path) -> None:
    data = run(tmp_path, spec()).data
    assert data[["overtime_12m", "allowances_12m", "pay_plan"]].isna().all().all()


def test_codes_apply_to_any_column(tmp_path) -> None:
    dept = {"column": "Dept", "codes": {"Police": "Public Safety"}}
    result = run(
        tmp_path, spec(department=dept, grade={"column": "Grade", "codes": {"7": "Seven"}})
    )
    assert set(result.data["department"]) == {"Finance", "Public Safety"}
    assert result.data["grade"].iloc[0] == "Seven"
    pay = {"column": "Salary", "basis": "fte", "codes": {"tbc": "40000"}}
    coded = run(tmp_path, spec(annual_basic_pay=pay), edited({0: {"Salary": "tbc"}}), "c.csv")
    assert coded.data["annual_basic_pay"].iloc[0] == 40000.0


# --------------------------------------------------------------------------------------------------
# The README's examples
# --------------------------------------------------------------------------------------------------


def _readme_section() -> str:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index("## Adding your own data")
    return text[start : text.index("\n## ", start + 10)]


def test_the_readme_mapping_examples_are_valid_mappings() -> None:
    import re

    section = _readme_section()
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    full = yaml.safe_load("\n".join(line[3:] for line in blocks[0].splitlines()))
    assert mapping_from_dict(full).jurisdiction == "GB"
    declared = yaml.safe_load(blocks[1])
    document = spec(**declared["columns"])
    document["source"] = declared["source"]
    mapping = mapping_from_dict(document)
    assert "n.k." in mapping.na_values
    # Inline examples of the option list, each a columns entry.
    inline = {
        "working_pattern": "{column: Pattern, codes: {FT: full_time, PT: part_time}}",
        "pay_plan": "Pay Plan",
        "grade": "{column: Grade, na_values: [Unassigned]}",
        "disability": "{column: Disability, default_na_values: false}",
        "snapshot_date": '{from_file_name: \'_(\\d{4})\\.\', format: "%Y", month_day: "12-01"}',
        "fte": "{column: FTE, codes: {FT: 1}}",
        "overtime_12m": "OT Paid",
    }
    for target, text in inline.items():
        mapping_from_dict(spec(**{target: yaml.safe_load(text)}))


def test_annual_only_pay_still_declares_its_basis(tmp_path) -> None:
    with pytest.raises(MappingError, match="needs 'basis: fte'"):
        run(tmp_path, spec(annual_basic_pay="Salary"))
