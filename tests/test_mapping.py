"""Tests for research.data.mapping: loading and validating YAML column mappings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from research.core.paths import mappings_dir
from research.data.ingest import ingest
from research.data.mapping import FieldMap, Mapping, MappingError, load_mapping, mapping_from_dict

BASE: dict[str, Any] = {
    "name": "anytown",
    "description": "Anytown Borough Council staff",
    "currency": "gbp",
    "full_time_hours": 37,
    "source": {"encoding": "auto"},
    "columns": {
        "employee_id": "Staff No",
        "employer": {"value": "Anytown Borough Council"},
        "snapshot_date": {"value": "2024-03-31"},
        "sex": {"column": "Gender", "codes": {"Male": "M", "Female": "F"}},
        "occupation": "Job Title",
        "grade": "Grade",
        "weekly_hours": "Hours",
        "fte": "FTE",
        "annual_basic_pay": {"column": "Annual Salary", "unit": "annual", "basis": "fte"},
    },
}

SOURCE_CSV = (
    "Staff No,Gender,Job Title,Grade,Hours,FTE,Annual Salary\n"
    'E001,Female,Clerk,SCP5,37,1,"23,456.00"\n'
    'E002,Male,Clerk,SCP5,37,1,"23,456.00"\n'
)


def spec(drop: tuple[str, ...] = (), **columns: Any) -> dict[str, Any]:
    """A fresh copy of BASE with canonical columns replaced, added or dropped."""
    out = copy.deepcopy(BASE)
    for name in drop:
        out["columns"].pop(name)
    out["columns"].update(columns)
    return out


def mapping_error(document: dict[str, Any]) -> str:
    """The message of the MappingError that ``document`` raises."""
    with pytest.raises(MappingError) as err:
        mapping_from_dict(document)
    return str(err.value)


def write_yaml(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


def test_load_shipped_mapping_by_name() -> None:
    mapping = load_mapping("cincinnati")
    assert isinstance(mapping, Mapping)
    assert mapping.name == "cincinnati"
    assert mapping.currency == "USD"
    assert mapping.full_time_hours == 40.0
    assert mapping.path == (mappings_dir() / "cincinnati.yaml").resolve()
    assert mapping.source_columns["sex"] == "SEX"
    assert mapping.fields["annual_basic_pay"].basis == "actual"
    assert mapping.fields["employee_id"].generate == "row_number"
    assert mapping.fields["grade_rank"].derive == "median_pay"
    assert mapping.fields["sex"].codes == {"M": "M", "F": "F"}
    assert "ANNUAL_RT" in mapping.notes


def test_load_mapping_from_a_path(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "anytown.yaml", BASE)
    for given in (path, str(path)):
        mapping = load_mapping(given)
        assert mapping.name == "anytown"
        assert mapping.path == path.resolve()
        assert mapping.currency == "GBP"
        assert mapping.full_time_hours == 37.0
        assert mapping.source == {"encoding": "auto"}


def test_shorthand_entry_is_a_source_column() -> None:
    mapping = mapping_from_dict(spec())
    assert mapping.fields["occupation"] == FieldMap(target="occupation", column="Job Title")
    assert mapping.has("grade")
    assert not mapping.has("bonus_12m")
    assert "employer" not in mapping.source_columns


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    document = copy.deepcopy(BASE)
    del document["name"]
    mapping = load_mapping(write_yaml(tmp_path / "my_council.yaml", document))
    assert mapping.name == "my_council"


def test_defaults_without_optional_keys() -> None:
    document = {"columns": copy.deepcopy(BASE["columns"])}
    mapping = mapping_from_dict(document)
    assert mapping.name == "dataset"
    assert mapping.currency == "GBP"
    assert mapping.full_time_hours == 37.0
    assert mapping.source == {}


def test_numeric_codes_and_true_values_are_text() -> None:
    mapping = mapping_from_dict(
        spec(
            sex={"column": "Gender", "codes": {1: "M", 2: "F"}},
            full_pay={"column": "Full Pay", "true_values": ["Y", "YES"]},
        )
    )
    assert mapping.fields["sex"].codes == {"1": "M", "2": "F"}
    assert mapping.fields["full_pay"].true_values == ("y", "yes")


def test_grade_rank_from_an_order_list_is_accepted() -> None:
    mapping = mapping_from_dict(spec(grade_rank={"order": ["SCP2", "SCP5", 10]}))
    assert mapping.fields["grade_rank"].order == ("SCP2", "SCP5", "10")


# --------------------------------------------------------------------------------------------------
# Every MappingError
# --------------------------------------------------------------------------------------------------


def test_unknown_canonical_column_suggests_the_closest() -> None:
    message = mapping_error(spec(weekly_hour="Hours"))
    assert "columns.weekly_hour is not a canonical column" in message
    assert "Did you mean 'weekly_hours'?" in message
    assert "annual_basic_pay" in message  # the valid columns are listed


def test_unknown_option_lists_the_allowed_ones() -> None:
    message = mapping_error(spec(sex={"column": "Gender", "code": {"Male": "M"}}))
    assert "columns.sex has unknown option(s) ['code']" in message
    assert "codes" in message


def test_two_sources_for_one_column() -> None:
    message = mapping_error(spec(employer={"column": "Employer", "value": "Anytown"}))
    assert "columns.employer needs exactly one of" in message
    assert "'column'" in message
    assert "'value'" in message


def test_no_source_for_a_column() -> None:
    message = mapping_error(spec(occupation={"codes": {"A": "B"}}))
    assert "columns.occupation needs exactly one of" in message
    assert "found none" in message


def test_entry_that_is_neither_name_nor_mapping() -> None:
    message = mapping_error(spec(occupation=["Job Title"]))
    assert "columns.occupation must be a source column name" in message


@pytest.mark.parametrize(
    ("drop", "label"),
    [
        (("sex",), "sex"),
        (("annual_basic_pay",), "pay"),
        (("occupation",), "occupation"),
        (("employee_id",), "employee_id"),
    ],
)
def test_missing_essential_entry(drop: tuple[str, ...], label: str) -> None:
    message = mapping_error(spec(drop=drop))
    assert f"no entry for {label}." in message


def test_hours_alone_or_fte_alone_is_enough() -> None:
    assert not mapping_from_dict(spec(drop=("fte",))).has("fte")
    assert not mapping_from_dict(spec(drop=("weekly_hours",))).has("weekly_hours")


def test_hourly_pay_alone_is_enough() -> None:
    mapping = mapping_from_dict(spec(drop=("annual_basic_pay",), hourly_pay="Rate"))
    assert mapping.source_columns["hourly_pay"] == "Rate"


def test_bad_unit() -> None:
    pay = {"column": "Annual Salary", "unit": "yearly", "basis": "fte"}
    message = mapping_error(spec(annual_basic_pay=pay))
    assert "columns.annual_basic_pay: unit 'yearly'" in message
    assert "annual, monthly, weekly, hourly" in message


def test_bad_basis() -> None:
    message = mapping_error(spec(annual_basic_pay={"column": "Annual Salary", "basis": "gross"}))
    assert "columns.annual_basic_pay: basis 'gross'" in message
    assert "fte, actual" in message


def test_sex_codes_must_map_to_canonical_codes() -> None:
    codes = {"Male": "M", "Female": "F", "Other": "O", "Unknown": "N"}
    message = mapping_error(spec(sex={"column": "Gender", "codes": codes}))
    assert "columns.sex: codes map to ['N', 'O']" in message
    assert "F, M, X, U" in message


def test_sex_codes_may_map_to_x_and_u() -> None:
    codes = {"Male": "M", "Female": "F", "Non-binary": "X", "Not stated": "U"}
    assert mapping_from_dict(spec(sex={"column": "Gender", "codes": codes})).has("sex")


def test_ordinary_pay_period_needs_pay_period_days() -> None:
    message = mapping_error(spec(ordinary_pay_period="March Pay"))
    assert "ordinary_pay_period needs pay_period_days" in message
    mapping = mapping_from_dict(
        spec(ordinary_pay_period="March Pay", pay_period_days={"value": 31})
    )
    assert mapping.fields["pay_period_days"].value == 31


def test_bad_generate() -> None:
    message = mapping_error(spec(employee_id={"generate": "uuid"}))
    assert "generate must be 'row_number'" in message


def test_derive_only_for_grade_rank_median_pay() -> None:
    assert "derive is only available" in mapping_error(spec(grade_rank={"derive": "mean_pay"}))
    assert "derive is only available" in mapping_error(spec(grade={"derive": "median_pay"}))


def test_grade_rank_from_grades_needs_grade() -> None:
    message = mapping_error(spec(drop=("grade",), grade_rank={"derive": "median_pay"}))
    assert "columns.grade must be mapped" in message


def test_unknown_top_level_key() -> None:
    document = copy.deepcopy(BASE)
    document["colums"] = {}
    assert "unknown key(s) ['colums']" in mapping_error(document)


def test_unknown_source_option() -> None:
    document = copy.deepcopy(BASE)
    document["source"] = {"encoding": "auto", "sheet_name": "Staff"}
    assert "source has unknown option(s) ['sheet_name']" in mapping_error(document)


@pytest.mark.parametrize("columns", [None, {}, ["sex"]])
def test_columns_must_be_a_non_empty_dictionary(columns: Any) -> None:
    document = copy.deepcopy(BASE)
    document["columns"] = columns
    assert "'columns' must list" in mapping_error(document)


def test_document_must_be_a_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(MappingError, match="must be a YAML dictionary"):
        load_mapping(path)


def test_missing_file_lists_shipped_mappings(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as err:
        load_mapping(tmp_path / "nowhere.yaml")
    message = str(err.value)
    assert "nowhere.yaml" in message
    assert "not found" in message
    assert "cincinnati" in message


def test_unknown_shipped_name_lists_shipped_mappings() -> None:
    with pytest.raises(MappingError, match="shipped mapping name: .*cincinnati"):
        load_mapping("cincinatti")


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\ncolumns: {sex: [Gender\n", encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert "broken.yaml" in str(err.value)
    assert "not valid YAML" in str(err.value)


def test_error_names_the_mapping_file(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "anytown.yaml", spec(drop=("sex",)))
    with pytest.raises(MappingError, match=r"anytown\.yaml: no entry for sex"):
        load_mapping(path)


def test_annual_pay_without_basis_fails_at_ingest(tmp_path: Path) -> None:
    source = tmp_path / "staff.csv"
    source.write_text(SOURCE_CSV, encoding="utf-8")
    mapping = mapping_from_dict(spec(annual_basic_pay={"column": "Annual Salary"}))
    with pytest.raises(MappingError) as err:
        ingest(source, mapping)
    message = str(err.value)
    assert "columns.annual_basic_pay needs 'basis: fte'" in message
    assert "basis: actual" in message


def test_hourly_pay_unit_needs_no_basis(tmp_path: Path) -> None:
    source = tmp_path / "staff.csv"
    source.write_text(SOURCE_CSV.replace('"23,456.00"', "12.50"), encoding="utf-8")
    mapping = mapping_from_dict(
        spec(annual_basic_pay={"column": "Annual Salary", "unit": "hourly"})
    )
    result = ingest(source, mapping)
    assert result.data["hourly_pay"].tolist() == pytest.approx([12.5, 12.5])


# --------------------------------------------------------------------------------------------------
# Declared forms: decimal, thousands, dates, null values, encoding
# --------------------------------------------------------------------------------------------------


def test_declarations_resolve_per_column_over_source() -> None:
    document = spec(
        annual_basic_pay={"column": "Annual Salary", "basis": "fte", "thousands": " "},
        start_date={"column": "Start", "dayfirst": False},
    )
    document["source"] = {
        "encoding": "cp1252",
        "decimal": ",",
        "dayfirst": True,
        "null_values": ["NULL"],
    }
    mapping = mapping_from_dict(document)
    assert mapping.reader_options == {"encoding": "cp1252"}
    assert mapping.number_format("weekly_hours") == (",", ".")
    assert mapping.number_format("annual_basic_pay") == (",", " ")
    assert mapping.date_format("start_date") == (None, False)
    assert mapping.date_format("snapshot_date") == (None, True)
    assert mapping.source["na_values"] == ["NULL"]  # null_values: the old name, still read
    assert {"NULL", "N/A", "#N/A", "-"} <= set(mapping.na_values)
    assert mapping_from_dict(spec()).number_format("weekly_hours") is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"decimal": ";"}, 'source: decimal must be "." or ","'),
        ({"thousands": "_"}, "source: thousands must be one of"),
        ({"decimal": ",", "thousands": ","}, "decimal and thousands cannot both be ','"),
        ({"dayfirst": "yes"}, "source.dayfirst must be true or false"),
        ({"null_values": "NULL"}, "source.na_values must be a list"),
        ({"na_values": "NULL"}, "source.na_values must be a list"),
        ({"na_values": ["NULL"], "null_values": ["NULL"]}, "both na_values and null_values"),
        ({"default_na_values": "no"}, "source.default_na_values must be true or false"),
        ({"null_values": [None]}, "unquoted null"),
        ({"decimals": ","}, "source has unknown option(s) ['decimals']"),
    ],
)
def test_bad_declarations_name_the_key(source: dict[str, Any], message: str) -> None:
    document = spec()
    document["source"] = source
    assert message in mapping_error(document)


def test_bad_column_declaration_names_the_column() -> None:
    document = spec(weekly_hours={"column": "Hours", "decimal": "x"})
    assert 'columns.weekly_hours: decimal must be "." or ","' in mapping_error(document)
