"""Batch execution on a local Dask cluster: failures and hangs are contained, reruns skip.

Tiny notebooks made in ``tmp_path`` keep this fast: one plan of four runs where one run raises and
one hangs past the time limit while the others succeed, then reruns through the command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tiny_notebooks import make_notebook

from research.run.batch import load_plan, plan_runs
from research.run.execute import run_plan

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path(sys.executable).parent / "research"

BODY = """import os, pathlib, time
if mode == "fail":
    raise ValueError(f"no data for x={x}")
if mode == "hang":
    time.sleep(300)
tables = pathlib.Path(os.environ["RESEARCH_RUN_DIR"]) / "tables"
tables.mkdir(exist_ok=True)
(tables / "square.csv").write_text(f"x,square\\n{x},{x * x}\\n")
"""


def tiny_notebook(folder: Path) -> Path:
    return make_notebook(
        folder / "tiny.ipynb",
        "# Tiny batch report\n\n## Squares",
        'x: int = 1  # A number [min: 0]\nmode: str = "ok"  # Behaviour [choices: ok, fail, hang]',
        BODY,
    )


@pytest.fixture(scope="module", autouse=True)
def pinned_package_hash():
    """Other modules of the package may change while the suite runs; the notebook is what counts."""
    old = os.environ.get("RESEARCH_PACKAGE_HASH")
    os.environ["RESEARCH_PACKAGE_HASH"] = "test-package"
    yield
    if old is None:
        os.environ.pop("RESEARCH_PACKAGE_HASH", None)
    else:
        os.environ["RESEARCH_PACKAGE_HASH"] = old


@pytest.fixture(scope="module")
def batch(tmp_path_factory, pinned_package_hash):
    folder = tmp_path_factory.mktemp("batch")
    notebook = tiny_notebook(folder)
    plan_file = folder / "mixed.yaml"
    plan_file.write_text(
        yaml.safe_dump(
            {
                "name": "mixed",
                "title": "Two good runs, one failing, one hanging",
                "notebooks": [str(notebook)],
                "rows": [
                    {"x": 2, "mode": "ok"},
                    {"x": 3, "mode": "ok"},
                    {"x": 4, "mode": "fail"},
                    {"x": 5, "mode": "hang"},
                ],
                "timeout": 10,
            },
            sort_keys=False,
        )
    )
    reports = folder / "reports"
    result = run_plan(plan_file, reports=reports, workers=2, progress=False)
    return plan_file, reports, result


def test_one_failing_and_one_hanging_run_do_not_stop_the_others(batch):
    _, reports, result = batch
    statuses = {o.label: o.status for o in result.outcomes}
    assert statuses == {
        "tiny x=2 mode=ok": "succeeded",
        "tiny x=3 mode=ok": "succeeded",
        "tiny x=4 mode=fail": "failed",
        "tiny x=5 mode=hang": "failed",
    }
    assert not result.ok
    failed = {o.label: o for o in result.failures}
    fail = failed["tiny x=4 mode=fail"]
    assert fail.error["ename"] == "ValueError" and "no data for x=4" in fail.error["evalue"]
    hang = failed["tiny x=5 mode=hang"]
    assert hang.error["ename"] == "TimeoutError" and "time limit of 10 s" in hang.error["evalue"]
    assert hang.seconds < 60
    summary = result.summary()
    assert "2 succeeded, 0 skipped (unchanged), 2 failed" in summary
    assert "FAILED tiny x=4 mode=fail: cell 3 raised ValueError: no data for x=4" in summary
    assert "FAILED tiny x=5 mode=hang: cell 3 raised TimeoutError" in summary


def test_results_land_in_the_usual_layout_with_plan_manifests(batch):
    plan_file, reports, result = batch
    runs = plan_runs(load_plan(plan_file))
    for run in runs:
        folder = run.run_dir(reports)
        manifest = json.loads((folder / "manifest.json").read_text())
        assert (folder / "report.html").is_file() and (folder / "tiny.ipynb").is_file()
        assert manifest["plan"]["name"] == "mixed" and manifest["plan"]["key"] == run.key
        assert manifest["run_id"] == run.run_id and manifest["code"]["notebook"]
    good = runs[0].run_dir(reports)
    assert (good / "tables" / "square.csv").read_text() == "x,square\n2,4\n"
    hang_html = (runs[3].run_dir(reports) / "report.html").read_text()
    assert "TimeoutError" in hang_html and "time.sleep(300)" in hang_html
    index = (reports / "index.html").read_text()
    assert "_plans/mixed.html" in index
    page = (reports / "_plans" / "mixed.html").read_text()
    assert page.count("data-search=") == 4 and "../tiny/" in page


def research(*args: str, reports: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RESEARCH_REPORTS_DIR": str(reports)}
    return subprocess.run(
        [str(RESEARCH), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def subplan(plan_file: Path, folder: Path, name: str, rows: list[dict]) -> Path:
    """The same plan (same notebook and name, so the same run ids) with fewer rows."""
    spec = yaml.safe_load(plan_file.read_text())
    spec["rows"] = rows
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_rerun_skips_current_runs_and_resumes_failed_ones(batch, tmp_path):
    plan_file, reports, _ = batch
    good = plan_runs(load_plan(plan_file))[0].run_dir(reports)
    started = json.loads((good / "manifest.json").read_text())["started"]
    dry = research("batch", str(plan_file), "--dry-run", reports=reports)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.count("skip current") == 2 and dry.stdout.count("run  failed") == 2
    assert "4 runs valid, 2 to run" in dry.stdout
    forced_dry = research("batch", str(plan_file), "--dry-run", "--force", reports=reports)
    assert "4 runs valid, 4 to run" in forced_dry.stdout
    # resume without the hanging run: the failed run runs again, the good ones are skipped
    rows = yaml.safe_load(plan_file.read_text())["rows"]
    resume = subplan(plan_file, tmp_path, "resume", rows[:3])
    again = research("batch", str(resume), "--workers", "1", "--no-progress", reports=reports)
    assert again.returncode == 1, again.stderr
    assert "0 succeeded, 2 skipped (unchanged), 1 failed" in again.stdout
    assert "FAILED tiny x=4 mode=fail: cell 3 raised ValueError: no data for x=4" in again.stdout
    assert json.loads((good / "manifest.json").read_text())["started"] == started


def test_force_and_verify_plan_on_an_existing_cluster(batch, tmp_path):
    from distributed import LocalCluster

    from research.run.verify import verify_plan

    plan_file, reports, _ = batch
    rows = yaml.safe_load(plan_file.read_text())["rows"]
    one = subplan(plan_file, tmp_path, "one", rows[:1])
    with LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0", memory_limit=0
    ) as existing:
        address = existing.scheduler_address
        forced = run_plan(one, reports=reports, scheduler=address, force=True, progress=False)
        assert forced.ok and forced.count("succeeded") == 1 and forced.count("skipped") == 0
        verified = verify_plan(one, reports=reports, scheduler=address, progress=False)
    assert [v["status"] for v in verified] == ["reproducible"], verified
    never = subplan(plan_file, tmp_path, "never", [{"x": 9, "mode": "ok"}])
    done = research("verify", "--plan", str(never), reports=reports)
    assert done.returncode == 1 and "never run" in done.stdout
    assert "0 of 1 runs reproducible." in done.stdout


def test_invalid_plans_exit_2_before_anything_runs(batch, tmp_path):
    plan_file, reports, _ = batch
    spec = yaml.safe_load(plan_file.read_text())
    spec["rows"] = [{"x": -1}, {"x": 1, "mode": "sometimes"}]
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(yaml.safe_dump(spec, sort_keys=False))
    bad = research("batch", str(invalid), reports=reports)
    assert bad.returncode == 2
    assert "2 of 2 runs have invalid parameters; nothing was run" in bad.stderr
    assert "x: expected int, at least 0; got -1" in bad.stderr
    assert "mode: expected str, one of 'ok', 'fail', 'hang'; got 'sometimes'" in bad.stderr
