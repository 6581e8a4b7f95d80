"""Batch plans: expansion, value sources, validation before anything runs, deterministic ids.

Nothing here starts a kernel; execution is in ``test_batch_run.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from research.data import datasets
from research.run.batch import (
    PlanError,
    expand,
    load_plan,
    parameters_for,
    plan_runs,
    run_state,
)

ROOT = Path(__file__).resolve().parents[1]
SMALL = "synthetic:n_employees=600,seed=11"


def tiny_notebook(folder: Path, name: str = "tiny.ipynb", extra: str = "") -> Path:
    """A notebook declaring a few typed parameters (never executed here)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny"),
        nbformat.v4.new_code_cell(
            'dataset: str = "synthetic"  # Data [dataset]\n'
            "year: int = 2024  # Year [min: 2017, max: 2030]\n"
            'level: str = "occupation"  # Level [choices: occupation, job_family]\n' + extra
        ),
        nbformat.v4.new_code_cell("print(year)"),
    ]
    nb.cells[1].metadata["tags"] = ["parameters"]
    path = folder / name
    nbformat.write(nb, path)
    return path


def plan(folder: Path, **fields) -> dict:
    return {"name": "t", "notebooks": [str(tiny_notebook(folder))], **fields}


def test_grid_is_a_product_and_rows_combine_with_it(tmp_path):
    loaded = load_plan(
        plan(tmp_path, grid={"year": [2023, 2024], "level": ["occupation", "job_family"]})
    )
    combos = expand(loaded)
    assert len(combos) == 4
    assert {(c["year"], c["level"]) for c in combos} == {
        (2023, "occupation"),
        (2023, "job_family"),
        (2024, "occupation"),
        (2024, "job_family"),
    }
    rows = load_plan(plan(tmp_path, rows=[{"year": 2018}, {"year": 2019}], grid={"level": ["x"]}))
    assert expand(rows) == [{"year": 2018, "level": "x"}, {"year": 2019, "level": "x"}]
    explicit = load_plan(plan(tmp_path, rows=[{"year": 2020, "level": "job_family"}]))
    assert expand(explicit) == [{"year": 2020, "level": "job_family"}]


def test_value_sources_dataset_range_csv_and_callable(tmp_path):
    csv = tmp_path / "years.csv"
    csv.write_text("year\n2019\n2020\n2019\n")
    loaded = load_plan(
        plan(
            tmp_path,
            grid={
                "family": {
                    "from": "dataset",
                    "dataset": SMALL,
                    "column": "job_family",
                    "min_rows": 20,
                },
            },
        )
    )
    families = [c["family"] for c in expand(loaded)]
    counts = datasets.load(SMALL)["job_family"].value_counts()
    assert families == sorted(counts[counts >= 20].index.astype(str))
    assert "Regulatory services" not in families  # 5 employees, below min_rows
    years = expand(
        load_plan(plan(tmp_path, grid={"year": {"from": "range", "first": 2017, "last": 2019}}))
    )
    assert [c["year"] for c in years] == [2017, 2018, 2019]
    from_csv = expand(
        load_plan(
            plan(tmp_path, grid={"year": {"from": "csv", "path": str(csv), "column": "year"}})
        )
    )
    assert [c["year"] for c in from_csv] == ["2019", "2020"]


def test_callable_source_with_limit_and_exclude(tmp_path, monkeypatch):
    import types

    from research.run.batch import plan_source

    module = types.ModuleType("research.plan_source_for_test")

    def values(start=0):
        return [start, start + 1, start + 2, start + 3]

    values.__module__ = module.__name__
    module.values = plan_source(values)
    monkeypatch.setitem(__import__("sys").modules, module.__name__, module)
    spec = {
        "from": "callable",
        "callable": "research.plan_source_for_test:values",
        "kwargs": {"start": 2020},
        "exclude": [2021],
        "limit": 2,
    }
    assert [c["year"] for c in expand(load_plan(plan(tmp_path, grid={"year": spec})))] == [
        2020,
        2022,
    ]


def test_templates_fill_parameters_and_consume_their_variables(tmp_path):
    loaded = load_plan(
        plan(
            tmp_path,
            parameters={"dataset": "cincinnati?job_family={family|url}", "year": "{y}"},
            grid={"family": ["A&B C"], "y": [2020], "level": ["job_family"]},
        )
    )
    given = parameters_for(loaded, loaded.notebooks[0], expand(loaded)[0])
    assert given == {
        "dataset": "cincinnati?job_family=A%26B%20C",
        "year": 2020,  # a whole-string template keeps the variable's type
        "level": "job_family",  # not used by a template: passed as a parameter
    }
    base, filters = datasets.split_filter(given["dataset"])
    assert base == "cincinnati" and filters == {"job_family": ("A&B C",)}


def test_every_combination_is_validated_before_anything_runs(tmp_path):
    bad = plan(
        tmp_path,
        grid={"year": [2020, 1999, "soon"], "level": ["occupation", "grade"]},
    )
    with pytest.raises(PlanError) as err:
        plan_runs(load_plan(bad))
    text = str(err.value)
    assert "5 of 6 runs have invalid parameters; nothing was run" in text
    assert "year=1999" in text and "at least 2017" in text
    assert "year=soon" in text and "expected int" in text
    assert "level=grade" in text and "one of 'occupation', 'job_family'" in text
    unknown = plan(tmp_path, grid={"yaer": [2020]})
    with pytest.raises(PlanError, match="yaer: not a parameter of tiny.ipynb. Did you mean 'year'"):
        plan_runs(load_plan(unknown))


def test_plan_shape_errors_are_listed_together(tmp_path):
    with pytest.raises(PlanError) as err:
        load_plan(
            {
                "name": "bad name!",
                "notebooks": ["notebooks/nope.ipynb"],
                "grid": [1, 2],
                "timeout": -1,
                "extra": 1,
            }
        )
    text = str(err.value)
    for expected in (
        "unknown keys ['extra']",
        "name 'bad name!'",
        "nope.ipynb not found",
        "grid: give a mapping",
        "timeout: give seconds",
    ):
        assert expected in text, expected
    with pytest.raises(PlanError, match="'from' must be one of dataset, callable, csv, range"):
        expand(load_plan(plan(tmp_path, grid={"year": {"from": "sql"}})))
    with pytest.raises(PlanError, match="has no column 'jobfamily'"):
        expand(
            load_plan(
                plan(
                    tmp_path,
                    grid={"f": {"from": "dataset", "dataset": SMALL, "column": "jobfamily"}},
                )
            )
        )
    with pytest.raises(PlanError, match="not found"):
        load_plan(tmp_path / "missing.yaml")


def test_run_ids_are_deterministic_and_keys_follow_code_and_data(tmp_path):
    data = tmp_path / "data.parquet"
    datasets.load(SMALL).head(50).to_parquet(data)
    spec = plan(tmp_path, parameters={"dataset": str(data)}, grid={"year": [2020, 2021]})
    first, again = plan_runs(load_plan(spec)), plan_runs(load_plan(spec))
    assert [r.run_id for r in first] == [r.run_id for r in again]
    assert [r.key for r in first] == [r.key for r in again]
    assert len({r.run_id for r in first}) == 2 and all(r.run_id.startswith("t-") for r in first)
    assert first[0].inputs and first[0].inputs[0]["sha256"]
    # new data: same ids (same folders), new keys (so the runs are no longer current)
    datasets.load(SMALL).head(60).to_parquet(data)
    changed = plan_runs(load_plan(spec))
    assert [r.run_id for r in changed] == [r.run_id for r in first]
    assert all(a.key != b.key for a, b in zip(first, changed, strict=True))
    # new notebook code: new keys too
    tiny_notebook(tmp_path, extra="# an edit\n")
    edited = plan_runs(load_plan(spec))
    assert all(a.key != b.key for a, b in zip(changed, edited, strict=True))


def test_run_state_reads_the_manifest(tmp_path):
    run = plan_runs(load_plan(plan(tmp_path, grid={"year": [2020]})))[0]
    reports = tmp_path / "reports"
    assert run_state(run, reports) == "missing"
    folder = run.run_dir(reports)
    folder.mkdir(parents=True)
    manifest = {"status": "failed", "plan": {"key": run.key}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert run_state(run, reports) == "failed"
    manifest["status"] = "succeeded"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert run_state(run, reports) == "current"
    manifest["plan"]["key"] = "old"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert run_state(run, reports) == "stale"


def test_dataset_filter_keeps_a_subset_and_is_backwards_compatible():
    whole = datasets.load(SMALL)
    subset = datasets.load_dataset(SMALL + "?job_family=Education&sex=F")
    expected = whole[(whole["job_family"] == "Education") & (whole["sex"] == "F")]
    assert len(subset.data) == len(expected) > 0
    assert subset.summary["filter"]["rows_after"] == len(expected)
    assert subset.data["job_family"].cat.categories.tolist() == ["Education"]
    assert subset.data["sex"].cat.categories.tolist() == whole["sex"].cat.categories.tolist()
    either = datasets.load(SMALL + "?job_family=Education&job_family=Housing")
    assert set(either["job_family"]) == {"Education", "Housing"}
    assert datasets.split_filter(SMALL) == (SMALL, {})
    assert "rows where job_family in ['Education']" in datasets.describe(
        SMALL + "?job_family=Education"
    )
    with pytest.raises(datasets.DatasetError, match="not a canonical column"):
        datasets.describe("cincinnati?family=D1AFS")
    with pytest.raises(datasets.DatasetError, match="Values of job_family: .*Education"):
        datasets.load(SMALL + "?job_family=Nope")


def test_example_plans_are_valid():
    for name in ("small", "cincinnati_by_family"):
        runs = plan_runs(ROOT / "plans" / f"{name}.yaml")
        assert runs, name
    family = plan_runs(ROOT / "plans" / "cincinnati_by_family.yaml")
    assert {r.stem for r in family} == {"10_pay_gap", "20_segregation"}
    assert all(r.parameters["dataset"].startswith("cincinnati?job_family=D") for r in family)
    assert all(r.inputs for r in family)  # the real extract's hash is part of each key
