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
