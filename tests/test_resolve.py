"""One dataset resolver (datasets.resolve) behind loading, input files, descriptions and parameters."""

from pathlib import Path

import pytest

from research.data import datasets
from research.run.params import NotebookParameters, parse_parameters_source

ROOT = Path(__file__).resolve().parents[1]


def test_named_references_resolve_to_their_kind_and_files():
    synthetic = datasets.resolve("synthetic:n_employees=600,seed=11?sex=F")
    assert synthetic.kind == "synthetic" and synthetic.files == ()
    assert synthetic.options["n_employees"] == 600 and synthetic.filter == {"sex": ("F",)}
    assert synthetic.argument == "synthetic:n_employees=600,seed=11?sex=F"
    bundled = datasets.resolve("cincinnati?job_family=D1AFS")
    assert bundled.kind == "bundled" and bundled.spec == "cincinnati"
    assert [p.name for p in bundled.files] == [
        "cincinnati_employees_2020_noname.csv",
        "cincinnati.yaml",
    ]
    assert all(p.is_absolute() for p in bundled.files)
    assert bundled.argument == "cincinnati?job_family=D1AFS"  # names pass through unchanged


def test_the_gpg_downloads_are_those_the_gpg_loader_reads():
    from research.data.gpg.load import input_files

    found = datasets.resolve("gpg")
    assert found.kind == "gpg" and list(found.files) == input_files("gpg")


def test_a_relative_file_is_resolved_against_the_base_folder(tmp_path):
    data = tmp_path / "in" / "extract.parquet"
    data.parent.mkdir()
    data.write_bytes(b"x")
    found = datasets.resolve("in/extract.parquet?sex=F", base=tmp_path)
    assert found.kind == "file" and found.path == data.resolve()
    assert found.argument == f"{data.resolve()}?sex=F" and found.files == (data.resolve(),)
    assert datasets.input_files("in/extract.parquet", base=tmp_path) == [data.resolve()]
    with pytest.raises(datasets.DatasetError, match=str(tmp_path / "nope.csv")):
        datasets.resolve("nope.csv", base=tmp_path)


def test_describe_display_name_and_input_files_use_the_resolver():
    assert datasets.describe("cincinnati") == datasets.BUNDLED["cincinnati"].description
    assert datasets.display_name(str(ROOT / "notebooks" / "00_data_audit.ipynb")) == (
        "notebooks/00_data_audit.ipynb"
    )
    assert datasets.input_files("synthetic") == []
    assert len(datasets.input_files("cincinnati")) == 2


SOURCE = """
dataset: str = "synthetic"  # Dataset [dataset]
mapping: str = ""  # Mapping [path]
structure: str = ""  # Structure [path]
compare_with: str = "auto"  # Earlier snapshot, auto, none or a dataset
label: str = "x"  # Not a path
"""


@pytest.mark.parametrize("value", ["auto", "none", "synthetic:n_employees=600", "cincinnati"])
def test_values_that_are_not_paths_pass_through(value):
    declared = NotebookParameters("nb", parse_parameters_source(SOURCE))
    assert declared.validate({"compare_with": value})["compare_with"] == value
    assert declared.specs["compare_with"].path_kind == "dataset"
    assert declared.specs["label"].path_kind == ""


def test_path_values_become_absolute_and_all_their_files_are_listed(tmp_path):
    (tmp_path / "s.yaml").write_text("name: s\n")
    (tmp_path / "x.parquet").write_bytes(b"p")
    declared = NotebookParameters("nb", parse_parameters_source(SOURCE))
    values = declared.validate(
        {"structure": "s.yaml", "compare_with": "x.parquet", "label": "s.yaml"}, base=tmp_path
    )
    assert values["structure"] == str((tmp_path / "s.yaml").resolve())
    assert values["compare_with"] == str((tmp_path / "x.parquet").resolve())
    assert values["label"] == "s.yaml"  # not path-typed
    assert declared.input_files(values) == [
        (tmp_path / "s.yaml").resolve(),
        (tmp_path / "x.parquet").resolve(),
    ]
    assert declared.validate(values) == values  # resolving twice changes nothing


def test_keywords_pass_only_for_dataset_parameters_and_errors_name_the_parameter(tmp_path):
    from research.run.params import ParameterError

    declared = NotebookParameters("nb", parse_parameters_source(SOURCE))
    assert declared.validate({"structure": ""}, base=tmp_path)["structure"] == ""
    with pytest.raises(ParameterError) as info:
        declared.validate({"structure": "none", "dataset": "data/x.csv"}, base=tmp_path)
    message = str(info.value)
    assert f"- structure: file 'none' not found (tried {tmp_path / 'none'}" in message
    assert "Give an existing file, or empty for none." in message
    assert "- dataset: Unknown dataset 'data/x.csv'." in message
    assert str(tmp_path / "data" / "x.csv") in message
