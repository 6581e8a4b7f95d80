"""Notebooks run end to end through the runner: reports, manifests, failures, reproducibility."""

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from tiny_notebooks import make_notebook

from research.run.runner import make_run_id, run_notebook

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
SMALL = "synthetic:n_employees=600,seed=11"


class Links(HTMLParser):
    """Collects every src/href attribute of a page."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append((tag, value))


def external_resources(html: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html)
    return [(t, u) for t, u in parser.urls if t != "a" and re.match(r"^(https?:)?//", u)]


AUDIT = ROOT / "notebooks" / "00_data_audit.ipynb"


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    """The data audit twice on a small synthetic workforce (the only real notebook run here).

    Each notebook has its own test file (tests/test_nb_<NN>_<topic>.py) that runs it on small
    data; this file tests what the runner does for any notebook.
    """
    reports = tmp_path_factory.mktemp("reports")
    first = run_notebook(AUDIT, {"dataset": SMALL}, reports=reports)
    repeat = run_notebook(AUDIT, {"dataset": SMALL}, reports=reports)
    return reports, {AUDIT.stem: first}, repeat


def test_the_audit_runs_on_a_small_synthetic_workforce(small_runs):
    _, runs, repeat = small_runs
    for stem, result in [*runs.items(), (AUDIT.stem, repeat)]:
        assert result.ok, f"{stem} failed: {result.error}"
        assert result.html.exists() and (result.run_dir / f"{stem}.ipynb").exists()


def test_run_folder_has_tables_figures_and_a_complete_manifest(small_runs):
    _, runs, _ = small_runs
    result = runs["00_data_audit"]
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    for key in (
        "run_id",
        "parameters",
        "inputs",
        "git",
        "python",
        "packages",
        "started",
        "finished",
        "duration_seconds",
        "seed",
        "status",
        "command",
        "outputs",
        "code",
        "schema",
    ):
        assert key in manifest, key
    assert manifest["schema"] == 1
    assert manifest == result.manifest  # what the run returned is what it wrote
    assert manifest["parameters"]["dataset"] == SMALL and manifest["parameters"]["min_cell"] == 10
    assert manifest["status"] == "succeeded" and manifest["error"] is None
    assert set(manifest["git"]) == {"commit", "dirty"}
    assert {"pandas", "papermill", "nbconvert", "research"} <= set(manifest["packages"])
    assert manifest["duration_seconds"] > 0
    tables = sorted(p.name for p in (result.run_dir / "tables").glob("*.csv"))
    assert tables == manifest["outputs"]["tables"]
    assert "headcount_by_occupation.csv" in tables and "quality_warnings.csv" in tables
    assert manifest["outputs"]["figures"], "the audit draws figures"


def test_html_is_offline_hides_code_and_the_injected_parameters(small_runs):
    _, runs, _ = small_runs
    html = runs["00_data_audit"].html.read_text()
    assert external_resources(html) == []
    assert "injected-parameters" not in html
    assert f'dataset = "{SMALL}"' not in html  # the injected cell's code
    assert "report.show_table" not in html and "import " not in html  # code is hidden
    assert SMALL in html  # the parameters are shown in the appendix
    assert "Appendix: parameters and run manifest" in html and "Key findings" in html


def test_same_parameters_and_data_give_byte_identical_tables(small_runs):
    _, runs, repeat = small_runs
    first = runs["00_data_audit"].run_dir / "tables"
    second = repeat.run_dir / "tables"
    names = sorted(p.name for p in first.glob("*.csv"))
    assert names == sorted(p.name for p in second.glob("*.csv"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_no_table_shows_a_count_below_the_threshold(small_runs):
    _, runs, _ = small_runs
    folder = runs["00_data_audit"].run_dir / "tables"
    for name in (
        "headcount_by_occupation.csv",
        "headcount_by_grade.csv",
        "headcount_by_working_pattern.csv",
    ):
        text = (folder / name).read_text().splitlines()[1:]
        for line in text:
            for cell in line.split(",")[1:]:
                if cell not in ("[c]", ""):
                    assert int(cell) == 0 or int(cell) >= 10, (name, line)


def test_no_employee_identifier_reaches_the_report(small_runs):
    _, runs, _ = small_runs
    html = runs["00_data_audit"].html.read_text()
    assert not re.search(r"SYN\d{7}", html)


def test_index_lists_every_run(small_runs):
    reports, runs, repeat = small_runs
    index = (reports / "index.html").read_text()
    for result in [*runs.values(), repeat]:
        assert result.run_dir.name in index


def loading_notebook(folder: Path) -> Path:
    """A tiny notebook with every kind of path parameter, checking what its kernel receives."""
    folder.mkdir(parents=True, exist_ok=True)
    return make_notebook(
        folder / "98_loading.ipynb",
        "# Loading inputs",
        "\n".join(
            [
                'dataset: str = "synthetic"  # Dataset [dataset]',
                'mapping: str = ""  # Column mapping [path]',
                'structure: str = ""  # Proposed structure [path]',
                'job_mapping: str = ""  # Job mapping [path]',
                'compare_with: str = "auto"  # Earlier snapshot, auto, none or a dataset',
                "min_cell: int = 10  # Smallest count [min: 1]",
            ]
        ),
        "from pathlib import Path\n"
        "from research.data import datasets\n"
        "ds = datasets.load_dataset(dataset, mapping or None)\n"
        "print(ds.counts['accepted'], 'rows of', ds.source.name, ':', ds.description)",
        "for value in (structure, job_mapping):\n"
        "    assert not value or (Path(value).is_absolute() and Path(value).is_file()), value\n"
        "if compare_with not in ('auto', 'none'):\n"
        "    earlier = datasets.load_dataset(compare_with, mapping or None)\n"
        "    print('earlier:', earlier.counts['accepted'])",
    )


def test_real_dataset_manifest_records_input_hashes(tmp_path):
    result = run_notebook(
        loading_notebook(tmp_path / "nb"),
        {"dataset": "cincinnati", "min_cell": "5"},
        reports=tmp_path / "reports",
    )
    assert result.ok, result.error
    inputs = {i["path"]: i for i in result.manifest["inputs"]}
    raw = "data/raw/cincinnati/cincinnati_employees_2020_noname.csv"
    assert raw in inputs and "src/research/data/mappings/cincinnati.yaml" in inputs
    import hashlib

    assert inputs[raw]["sha256"] == hashlib.sha256((ROOT / raw).read_bytes()).hexdigest()
    assert result.manifest["parameters"]["min_cell"] == 5
    assert result.manifest["parameters"]["compare_with"] == "auto"  # not a path: unchanged
    assert "City of Cincinnati" in result.html.read_text()


def write_own_extract(folder: Path, rows: int = 400) -> dict[str, Path]:
    """A small extract of the Cincinnati file with a copy of its mapping, and two other inputs."""
    raw = ROOT / "data/raw/cincinnati/cincinnati_employees_2020_noname.csv"
    lines = raw.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    files = {
        "dataset": folder / "data" / "extract.csv",
        "compare_with": folder / "data" / "earlier.csv",
        "mapping": folder / "maps" / "our mapping.yaml",
        "structure": folder / "inputs" / "structure.yaml",
        "job_mapping": folder / "inputs" / "jobs.csv",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    files["dataset"].write_text("".join(lines[: rows + 1]), encoding="utf-8")
    files["compare_with"].write_text("".join(lines[:1] + lines[rows + 1 : 2 * rows + 1]))
    shipped = ROOT / "src/research/data/mappings/cincinnati.yaml"
    files["mapping"].write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    files["structure"].write_text("name: test structure\n", encoding="utf-8")
    files["job_mapping"].write_text("job,group,basis\nClerk,A,like work\n", encoding="utf-8")
    return files


def test_relative_paths_are_resolved_from_the_callers_directory_and_hashed(tmp_path, monkeypatch):
    from research.core.hashing import sha256_file

    notebook = loading_notebook(tmp_path / "notebooks")
    work = tmp_path / "work"
    files = write_own_extract(work)
    monkeypatch.chdir(work)  # the kernel runs in tmp_path/notebooks: relative paths fail there
    given = {name: str(path.relative_to(work)) for name, path in files.items()}
    result = run_notebook(notebook, given, reports=tmp_path / "reports", index=False)
    assert result.ok, result.error
    params = result.manifest["parameters"]
    for name, path in files.items():
        assert params[name] == str(path.resolve()), name  # the kernel got absolute paths
    recorded = {Path(i["path"]).resolve(): i for i in result.manifest["inputs"]}
    for name, path in files.items():
        item = recorded.get(path.resolve())
        assert item is not None, f"{name} missing from the manifest inputs"
        assert item["sha256"] == sha256_file(path) and item["bytes"] == path.stat().st_size
    assert len(recorded) == len(files)  # the mapping, used twice, is listed once
    executed = nbformat.read(result.run_dir / notebook.name, as_version=4)
    printed = "".join(
        o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "400 rows of" in printed and "earlier: 400" in printed


def test_a_missing_relative_path_names_the_parameter_the_path_tried_and_the_fix(
    tmp_path, monkeypatch
):
    from research.run.params import ParameterError

    notebook = loading_notebook(tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as info:
        run_notebook(notebook, {"structure": "inputs/nope.yaml"}, reports=tmp_path / "r")
    message = str(info.value)
    assert "- structure: file 'inputs/nope.yaml' not found" in message
    assert str(tmp_path / "inputs" / "nope.yaml") in message
    assert "relative paths are taken from the working directory" in message
    assert not (tmp_path / "r").exists()  # refused before anything ran


def failing_notebook(tmp_path) -> Path:
    return make_notebook(
        tmp_path / "99_failing.ipynb",
        "# Failing analysis\n\n## Before the failure",
        'dataset: str = "synthetic"  # Dataset [dataset]',
        "print('partial output kept')",
        "raise ValueError('occupation column is empty')",
        "print('never printed')",
    )


def test_failed_run_keeps_the_partial_notebook_and_names_the_failing_cell(tmp_path):
    result = run_notebook(failing_notebook(tmp_path), {}, reports=tmp_path / "reports")
    assert result.status == "failed"
    assert result.error["ename"] == "ValueError"
    assert "occupation column is empty" in result.error["evalue"]
    executed = nbformat.read(result.run_dir / "99_failing.ipynb", as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("partial output kept" in o.get("text", "") for o in outputs)
    html = result.html.read_text()
    assert "ValueError" in html and "occupation column is empty" in html
    assert "raise ValueError" in html  # the failing cell's source is shown
    assert "\x1b[" not in html
    assert json.loads((result.run_dir / "manifest.json").read_text())["status"] == "failed"


def test_failed_run_exits_non_zero_from_the_command_line(tmp_path):
    env_reports = tmp_path / "reports"
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "research"),
            "run",
            str(failing_notebook(tmp_path)),
            "--no-progress",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "RESEARCH_REPORTS_DIR": str(env_reports)},
    )
    assert done.returncode == 1
    assert "ValueError" in done.stderr and "occupation column is empty" in done.stderr
    assert list(env_reports.glob("99_failing/*/report.html"))


def test_run_ids_sort_by_time_and_identify_parameters():
    from datetime import UTC, datetime

    t = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    a = make_run_id({"dataset": "x", "min_cell": 10}, t)
    assert a.startswith("20260102T030405-") and a == make_run_id(
        {"min_cell": 10, "dataset": "x"}, t
    )
    assert a != make_run_id({"dataset": "y", "min_cell": 10}, t)


def test_notebook_saves_while_cells_run_are_throttled(monkeypatch):
    """papermill saves the notebook at every cell's start and end; the runner lets one save
    through per SAVE_EVERY seconds (the save once the run ends is papermill's own, not throttled)."""
    from research.run import runner

    clock = [100.0]
    monkeypatch.setattr(runner.time, "monotonic", lambda: clock[0])
    saved = []
    save = runner._throttled(lambda **kwargs: saved.append(clock[0]))
    monkeypatch.setattr(runner, "SAVE_EVERY", 5.0)
    for step in (0.0, 1.0, 2.0, 5.5, 0.1, 5.0):  # at 100, 101, 103, 108.5, 108.6, 113.6
        clock[0] += step
        save()
    assert saved == pytest.approx([100.0, 108.5, 113.6])


def test_a_run_saves_the_finished_notebook_in_full(tmp_path, monkeypatch):
    """With saves throttled, the notebook on disk still holds every cell's output."""
    notebook = make_notebook(
        tmp_path / "nb.ipynb", "# Tiny", "x = 1", "print('first')", "print('second')"
    )
    monkeypatch.setenv("RESEARCH_REPORTS_DIR", str(tmp_path / "reports"))
    result = run_notebook(notebook, {})
    executed = nbformat.read(next(result.run_dir.glob("*.ipynb")), as_version=4)
    outputs = [
        o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    ]
    assert "first\n" in outputs and "second\n" in outputs
