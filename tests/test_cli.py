"""The research command refuses bad parameters fast, before a kernel starts."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path(sys.executable).parent / "research"
AUDIT = "notebooks/00_data_audit.ipynb"


def research(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(RESEARCH), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )
    return done, time.perf_counter() - start


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-p", "min_cell", "notanumber"], "min_cell: expected int, at least 1; got 'notanumber'"),
        (["-p", "nosuchparam", "1"], "nosuchparam: not a parameter of 00_data_audit.ipynb"),
        (["-p", "dataset", "cincinnati", "-p", "min_cell", "notanumber"], "min_cell: expected int"),
        (["-p", "occupation_level", "grade"], "one of 'occupation', 'occupation_title'"),
    ],
)
def test_bad_parameters_fail_fast_with_a_clear_message(args, expected, tmp_path):
    done, _ = research("run", AUDIT, *args, env={"RESEARCH_REPORTS_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Parameters of 00_data_audit.ipynb" in done.stderr
    # refused before any kernel started: no run folder was made (speed is benchmarked, not here)
    assert not list(tmp_path.iterdir())


def test_params_command_lists_the_interface():
    done, _ = research("params", AUDIT)
    assert done.returncode == 0
    assert "min_cell (int, at least 1; default 10)" in done.stdout


def test_parameters_file_is_read_and_validated(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("min_cell: notanumber\n")
    done, _ = research("run", AUDIT, "-f", str(params))
    assert done.returncode == 2 and "min_cell: expected int" in done.stderr


def test_incomplete_parameter_pair_is_refused():
    done, _ = research("run", AUDIT, "-p", "min_cell")
    assert done.returncode == 2 and "needs a NAME and a VALUE" in done.stderr


def test_ingest_command_reports_reconciled_counts(tmp_path):
    done, _ = research(
        "ingest",
        "data/raw/cincinnati/cincinnati_employees_2020_noname.csv",
        "--mapping",
        "cincinnati",
        "--name",
        "cin_test",
        "--out-dir",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert "read 6,304 rows = 6,304 accepted + 0 quarantined" in done.stdout
    assert (tmp_path / "cin_test.parquet").exists()
    assert (tmp_path / "cin_test.quarantine.csv").exists()
    assert (tmp_path / "cin_test.ingest.json").exists()


def test_ingest_command_explains_a_bad_mapping(tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(
        "name: bad\ncolumns:\n  employee_id: {generate: row_number}\n  employer: {value: X}\n"
        "  snapshot_date: {value: '2020-12-01'}\n  sex: GENDER\n  occupation: JOBTITLE\n"
        "  weekly_hours: STD_HOURS\n  annual_basic_pay: {column: ANNUAL_RT, basis: actual}\n"
    )
    done, _ = research(
        "ingest",
        "data/raw/cincinnati/cincinnati_employees_2020_noname.csv",
        "--mapping",
        str(mapping),
        "--name",
        "x",
        "--out-dir",
        str(tmp_path),
    )
    assert done.returncode == 2
    assert "sex: column 'GENDER' is not in the file" in done.stderr


def test_relative_paths_are_taken_from_where_the_command_runs(tmp_path):
    from research.data import synth

    (tmp_path / "my").mkdir()
    synth.export_extract(synth.generate(300, seed=1), tmp_path / "my" / "x.csv")
    reports = tmp_path / "reports"
    done = subprocess.run(
        [str(RESEARCH), "run", str(ROOT / AUDIT), "-p", "dataset", "my/x.csv"]
        + ["-p", "mapping", "my/x.yaml", "--no-progress"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RESEARCH_REPORTS_DIR": str(reports)},
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads(next(reports.glob("00_data_audit/*/manifest.json")).read_text())
    assert str(tmp_path / "my" / "x.csv") in json.dumps(manifest)


def test_a_missing_relative_file_is_refused_naming_the_path_given_and_resolved(tmp_path):
    done = subprocess.run(
        [str(RESEARCH), "run", str(ROOT / AUDIT), "-p", "dataset", "synthetic"]
        + ["-p", "mapping", "my/x.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    line = next(x for x in done.stderr.splitlines() if x.startswith("- mapping:"))
    assert "'my/x.yaml'" in line and str(tmp_path / "my" / "x.yaml") in line


# ----------------------------------------------------------------------------- issue 14: setup and CLI


def test_datasets_lists_every_name_with_a_description_and_no_cache(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from research.data import datasets
    from research.run.cli import app

    (tmp_path / "gpg_panel-4b6472e1ff8f5e4c.parquet").write_bytes(b"")
    (tmp_path / "gpg_panel-4b6472e1ff8f5e4c.json").write_text("{}")
    monkeypatch.setattr(datasets, "processed_dir", lambda: tmp_path)
    done = CliRunner().invoke(app, ["datasets"])
    assert done.exit_code == 0, done.output
    rows = {line.split()[0]: line for line in done.output.splitlines()}
    assert set(rows) == {"cincinnati", "gpg", "synthetic", "synthetic_flows"}
    assert "City of Cincinnati employees" in rows["cincinnati"]
    assert "GOV.UK gender pay gap" in rows["gpg"] and "60_council_benchmark" in rows["gpg"]
    assert "synthetic council workforce" in rows["synthetic"]
    assert "linked annual snapshots" in rows["synthetic_flows"] and "70" in rows["synthetic_flows"]


@pytest.mark.parametrize(
    ("notebook", "args", "expected"),
    [
        (
            "10_pay_gap",
            ["-p", "dataset", "cincinatti"],
            "error: dataset: unknown dataset 'cincinatti'. Did you mean 'cincinnati'?",
        ),
        (
            "60_council_benchmark",
            ["-p", "dataset", "gpgg"],
            "error: dataset: unknown dataset 'gpgg'. Did you mean 'gpg'?",
        ),
        (
            "60_council_benchmark",
            ["-p", "employer", "Leedz"],
            "error: employer: no council matches 'Leedz'. Did you mean 'Leeds City Council'?",
        ),
    ],
)
def test_did_you_mean_is_one_line_before_any_kernel_starts(notebook, args, expected, tmp_path):
    if notebook.startswith("60") and not (ROOT / "data" / "raw" / "gpg").is_dir():
        pytest.skip("no GOV.UK downloads in data/raw/gpg")
    done = subprocess.run(
        [str(RESEARCH), "run", f"notebooks/{notebook}.ipynb", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RESEARCH_REPORTS_DIR": str(tmp_path)},
    )
    assert done.returncode == 2
    assert done.stderr.strip() == expected
    assert not list(tmp_path.iterdir())  # no run folder: nothing was executed


def test_run_help_lists_the_parameter_options():
    done, _ = research("run", "--help")
    assert done.returncode == 0
    assert "-p NAME VALUE" in done.stdout and "-f params.yaml" in done.stdout


def test_run_notebook_help_lists_its_parameters():
    from research.run.params import read_parameters

    done, _ = research("run", "notebooks/10_pay_gap.ipynb", "--help")
    assert done.returncode == 0, done.stderr
    assert "Parameters of notebooks/10_pay_gap.ipynb" in done.stdout
    for spec in read_parameters(ROOT / "notebooks" / "10_pay_gap.ipynb").specs.values():
        line = next(x for x in done.stdout.splitlines() if x.startswith(f"  {spec.name} ("))
        assert f"({spec.describe()}; default {spec.default!r})" in line
        assert spec.help in line
    assert "min_cell (int, at least 1; default 10)" in done.stdout
    assert "stat (str, one of 'median', 'mean'; default 'median')" in done.stdout


def test_run_without_a_notebook_says_what_to_give():
    done, _ = research("run")
    assert done.returncode == 2 and "give a notebook to run" in done.stderr


def make(*args: str) -> str:
    """The commands ``make`` would run (dry run; setup taken as done)."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.setup-stamp", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_lab_passes_arguments_and_allows_root():
    line = make("lab", "ARGS=--port 9999 --no-browser").strip().splitlines()[-1]
    assert line.endswith("--port 9999 --no-browser")
    assert ("--allow-root" in line) == (os.geteuid() == 0)
    assert "--allow-root" in make("lab", "ALLOW_ROOT=--allow-root")


def test_make_report_prints_one_line_per_report_and_says_what_it_installs():
    runs = [line for line in make("report").splitlines() if " run " in line]
    assert len(runs) == 20 and all("--no-progress" in line for line in runs)
    setup = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "setup"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    install = next(i for i, line in enumerate(setup) if "pip install" in line)
    assert any(line.startswith("echo") and "installing" in line for line in setup[:install])
    makefile = (ROOT / "Makefile").read_text()
    report = makefile[makefile.index("report: setup") : makefile.index("\nlint:")]
    assert all(
        line.startswith("\t@") for line in report.splitlines()[1:] if line.strip()
    )  # no command echoed: each run prints only its own result line
