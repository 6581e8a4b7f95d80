"""Notebook parameters are declared in the parameters cell and checked before any kernel starts."""

import json

import pytest

from research.run.params import ParameterError, parse_parameters_source, read_parameters

SOURCE = """
dataset: str = "synthetic"  # Dataset to audit [dataset]
mapping: str = ""  # Column mapping file [path]
min_cell: int = 10  # Smallest count shown [min: 1]
share: float = 0.5  # A share [min: 0, max: 1]
level: str = "occupation"  # Occupation level [choices: occupation, job_family]
verbose = False  # Say more
"""


def write_notebook(tmp_path, source=SOURCE):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": source,
            "outputs": [],
            "execution_count": None,
        },
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def test_declarations_are_read_with_types_help_and_constraints():
    specs = parse_parameters_source(SOURCE)
    assert list(specs) == ["dataset", "mapping", "min_cell", "share", "level", "verbose"]
    assert specs["min_cell"].type is int and specs["min_cell"].minimum == 1
    assert specs["min_cell"].help == "Smallest count shown"
    assert specs["share"].maximum == 1
    assert specs["level"].choices == ("occupation", "job_family")
    assert specs["verbose"].type is bool and specs["verbose"].default is False
    assert specs["dataset"].kind == "dataset"


def test_strings_from_the_command_line_are_converted(tmp_path):
    declared = read_parameters(write_notebook(tmp_path))
    values = declared.validate({"min_cell": "5", "share": "0.25", "verbose": "yes"})
    assert values["min_cell"] == 5 and values["share"] == 0.25 and values["verbose"] is True
    assert values["dataset"] == "synthetic"  # defaults kept


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"min_cell": "notanumber"}, "min_cell: expected int, at least 1; got 'notanumber'"),
        ({"min_cell": 0}, "min_cell: expected int, at least 1; got 0"),
        ({"min_cell": 2.5}, "min_cell: expected int"),
        ({"share": "1.5"}, "share: expected float, at least 0, at most 1"),
        ({"level": "job_familly"}, "did you mean 'job_family'?"),
        ({"verbose": "maybe"}, "verbose: expected bool"),
        ({"nosuchparam": 1}, "nosuchparam: not a parameter of nb.ipynb"),
        ({"min_cel": 3}, "Did you mean 'min_cell'?"),
        ({"mapping": "no/such/file.yaml"}, "mapping: file 'no/such/file.yaml' not found"),
        ({"dataset": "nosuchdataset"}, "Unknown dataset 'nosuchdataset'. Allowed: "),
    ],
)
def test_bad_values_name_the_parameter_type_and_allowed_values(tmp_path, values, expected):
    declared = read_parameters(write_notebook(tmp_path))
    with pytest.raises(ParameterError) as info:
        declared.validate(values)
    message = str(info.value)
    assert expected in message
    assert "Parameters of nb.ipynb:" in message  # the full interface is listed


def test_every_problem_is_reported_at_once(tmp_path):
    declared = read_parameters(write_notebook(tmp_path))
    with pytest.raises(ParameterError) as info:
        declared.validate({"min_cell": "x", "nosuchparam": 1})
    assert "min_cell" in str(info.value) and "nosuchparam" in str(info.value)


def test_synthetic_spec_is_a_valid_dataset(tmp_path):
    declared = read_parameters(write_notebook(tmp_path))
    assert declared.validate({"dataset": "synthetic:n_employees=500,seed=3"})["dataset"].startswith(
        "synthetic:"
    )
    with pytest.raises(ParameterError, match="Bad synthetic option"):
        declared.validate({"dataset": "synthetic:n=5"})


def test_non_literal_default_is_refused():
    with pytest.raises(ParameterError, match="literal default"):
        parse_parameters_source("x = compute()\n")


def test_unsupported_type_is_refused():
    with pytest.raises(ParameterError, match="use one of"):
        parse_parameters_source("x: list = []\n")


def test_every_shipped_notebook_declares_typed_documented_parameters(notebooks):
    for path in notebooks:
        declared = read_parameters(path)
        assert "dataset" in declared.specs, f"{path.name} must accept a dataset parameter"
        for spec in declared.specs.values():
            assert spec.help, f"{path.name}: parameter {spec.name} needs a help comment"
        declared.validate({})  # defaults are valid


# --------------------------------------------------------------------------------------------------
# Paths are taken from where the user runs the command (the kernel runs in notebooks/)
# --------------------------------------------------------------------------------------------------

PATHS_SOURCE = """
dataset: str = "synthetic"  # Dataset [dataset]
mapping: str = ""  # Column mapping [path]
job_mapping: str = ""  # Jobs to equal-work groups
crosswalk: str = ""  # Earlier unit names -> current ones
"""


@pytest.fixture
def user_folder(tmp_path, monkeypatch):
    """A user's folder with an extract, its mapping, a job mapping and a crosswalk; cwd there."""
    from research.data import synth

    folder = tmp_path / "work"
    (folder / "my").mkdir(parents=True)
    synth.export_extract(synth.generate(300, seed=1), folder / "my" / "x.csv")
    (folder / "jobs.csv").write_text("job,group,basis\n6135,A,job evaluation\n", encoding="utf-8")
    (folder / "units.csv").write_text("from,to\nAdult Services,Adult Social Care\n", "utf-8")
    monkeypatch.chdir(folder)
    return folder


def test_relative_paths_are_resolved_against_the_working_directory(tmp_path, user_folder):
    declared = read_parameters(write_notebook(tmp_path / "..", PATHS_SOURCE))
    values = declared.validate(
        {
            "dataset": "my/x.csv",
            "mapping": "my/x.yaml",
            "job_mapping": "jobs.csv",
            "crosswalk": "units.csv",
        }
    )
    assert values == {
        "dataset": str(user_folder / "my" / "x.csv"),
        "mapping": str(user_folder / "my" / "x.yaml"),
        "job_mapping": str(user_folder / "jobs.csv"),
        "crosswalk": str(user_folder / "units.csv"),
    }
    assert declared.validate(values) == values  # resolving twice changes nothing
    assert {p.name for p in declared.input_files(values)} == {
        "x.csv",
        "x.yaml",
        "jobs.csv",
        "units.csv",
    }


@pytest.mark.parametrize("name", ["dataset", "mapping", "job_mapping", "crosswalk"])
def test_a_missing_file_is_one_line_naming_the_path_given_and_resolved(tmp_path, user_folder, name):
    declared = read_parameters(write_notebook(tmp_path / "..", PATHS_SOURCE))
    with pytest.raises(ParameterError) as info:
        declared.validate({name: "sub/missing.csv"})
    line = next(x for x in str(info.value).splitlines() if x.startswith(f"- {name}:"))
    assert "'sub/missing.csv'" in line
    assert str(user_folder / "sub" / "missing.csv") in line


def test_a_shipped_mapping_name_is_accepted(tmp_path):
    from research.core.paths import mappings_dir

    declared = read_parameters(write_notebook(tmp_path, PATHS_SOURCE))
    values = declared.validate({"mapping": "cincinnati"})
    assert values["mapping"] == str((mappings_dir() / "cincinnati.yaml").resolve())
    with pytest.raises(ParameterError, match="mapping: file 'cincinnatti' not found"):
        declared.validate({"mapping": "cincinnatti"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("before,after\nA,B\n", "has no column 'from' or 'to' (columns: before, after)"),
        ("from,to\n", "has a header but no rows"),
        ("from,to\nA,\n,C\n", "has blank cells on line 2, 3"),
        ("from,to\nA,B\nA,C\n", "maps 'A' to 'B' and 'C'"),
    ],
)
def test_a_bad_crosswalk_is_refused_before_the_kernel_starts(tmp_path, text, expected):
    declared = read_parameters(write_notebook(tmp_path, PATHS_SOURCE))
    (tmp_path / "units.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        declared.validate({"crosswalk": "units.csv"}, base=tmp_path)
    assert f"- crosswalk: Crosswalk units.csv {expected}" in str(info.value)


def test_load_crosswalk_reads_from_to_pairs(tmp_path):
    from research.data.snapshots import CrosswalkError, load_crosswalk

    assert load_crosswalk("") == {} and load_crosswalk(None) == {}
    file = tmp_path / "units.csv"
    file.write_text(
        "\ufeff From ; TO ;note\n Adult Services ;Adult Social Care;renamed 2024\n"
        "6145;6135;SOC 2010\n6145;6135;again\n",
        encoding="utf-8",
    )
    assert load_crosswalk(file) == {"Adult Services": "Adult Social Care", "6145": "6135"}
    file.write_bytes("from,to\nCaf\xe9,Cafe\n".encode("latin-1"))
    with pytest.raises(CrosswalkError, match="not UTF-8 text"):
        load_crosswalk(file)
    with pytest.raises(CrosswalkError, match="Crosswalk file 'nope.csv' not found"):
        load_crosswalk("nope.csv")


def test_the_segregation_notebook_declares_a_crosswalk(root):
    spec = read_parameters(root / "notebooks" / "20_segregation.ipynb").specs["crosswalk"]
    assert spec.type is str and spec.default == "" and spec.path_kind == "path"


# ----------------------------------------------------------------------------- did you mean


def test_a_misspelt_dataset_is_one_line_with_the_closest_name(root):
    declared = read_parameters(root / "notebooks" / "10_pay_gap.ipynb")
    with pytest.raises(ParameterError) as caught:
        declared.validate({"dataset": "cincinatti"})
    assert caught.value.line == "dataset: unknown dataset 'cincinatti'. Did you mean 'cincinnati'?"


def test_a_misspelt_gpg_dataset_is_one_line(root):
    declared = read_parameters(root / "notebooks" / "60_council_benchmark.ipynb")
    with pytest.raises(ParameterError) as caught:
        declared.validate({"dataset": "gpgg"})
    assert caught.value.line == "dataset: unknown dataset 'gpgg'. Did you mean 'gpg'?"


@pytest.mark.parametrize(
    "values",
    [
        {"dataset": "cincinatti.csv"},  # a missing file: the path tried, not a name
        {"dataset": "cincinatti", "min_cell": "x"},  # several problems: the full list
        {"dataset": "zzzzqqq"},  # nothing close
    ],
)
def test_no_one_line_hint_without_a_single_close_name(root, values):
    declared = read_parameters(root / "notebooks" / "10_pay_gap.ipynb")
    with pytest.raises(ParameterError) as caught:
        declared.validate(values)
    assert caught.value.line == ""
    assert "Parameters of 10_pay_gap.ipynb" in str(caught.value)


def test_processed_caches_are_not_dataset_names(tmp_path, monkeypatch):
    from research.data import datasets
    from research.run.params import dataset_names

    for name in ("gpg_panel-00001bc7903230fc.parquet", "gpg_panel-00001bc7903230fc.json"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "my_extract.parquet").write_bytes(b"")  # ingested: with its summary
    (tmp_path / "my_extract.ingest.json").write_bytes(b"{}")
    monkeypatch.setattr(datasets, "processed_dir", lambda: tmp_path)
    assert dataset_names() == ["cincinnati", "gpg", "my_extract", "synthetic", "synthetic_flows"]
    assert dataset_names(workforce=True) == [
        "cincinnati",
        "my_extract",
        "synthetic",
        "synthetic_flows",
    ]


@pytest.fixture(scope="module")
def council_benchmark(root):
    if not (root / "data" / "raw" / "gpg").is_dir():
        pytest.skip("no GOV.UK downloads in data/raw/gpg")
    return read_parameters(root / "notebooks" / "60_council_benchmark.ipynb")


def test_a_misspelt_council_is_one_line_with_the_closest_council(council_benchmark):
    with pytest.raises(ParameterError) as caught:
        council_benchmark.validate({"employer": "Leedz"})
    assert (
        caught.value.line
        == "employer: no council matches 'Leedz'. Did you mean 'Leeds City Council'?"
    )


@pytest.mark.parametrize("employer", ["Leeds", "leeds city council", ""])
def test_council_names_the_benchmark_finds_pass(council_benchmark, employer):
    assert council_benchmark.validate({"employer": employer})["employer"] == employer


def test_a_council_name_matching_nothing_lists_the_parameters(council_benchmark):
    with pytest.raises(ParameterError) as caught:
        council_benchmark.validate({"employer": "Xqwzzz"})
    assert caught.value.line == ""
    assert "No council matches 'Xqwzzz'" in str(caught.value)
