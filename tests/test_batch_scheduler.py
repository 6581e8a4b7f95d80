"""A batch on a separately started Dask scheduler (issue 17 item 6), as README shows it.

Starts ``dask scheduler`` on 127.0.0.1 and ``dask worker --nworkers 2 --nthreads 1`` as real
processes of their own, then runs a plan of four tiny runs on them with ``--scheduler``: every run
succeeds, each worker has one thread, and both workers ran reports.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from tiny_notebooks import make_notebook

from research.run.execute import run_plan

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).parent / "dask"

BODY = """import os, pathlib
tables = pathlib.Path(os.environ["RESEARCH_RUN_DIR"]) / "tables"
tables.mkdir(exist_ok=True)
(tables / "square.csv").write_text(f"x,square\\n{x},{x * x}\\n")
"""


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group this test started (the CLI, its nannies and workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def scheduler(tmp_path):
    """``tcp://127.0.0.1:<port>`` of a scheduler with two single-threaded worker processes."""
    file = tmp_path / "scheduler.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "RESEARCH_ROOT": str(ROOT),
        "RESEARCH_PACKAGE_HASH": "test-scheduler",
        "RESEARCH_SESSION": "off",  # each run starts its own kernel, as on another machine
    }
    common = {"env": env, "cwd": ROOT, "start_new_session": True}
    logs = (tmp_path / "scheduler.log").open("w"), (tmp_path / "workers.log").open("w")
    started = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
            + ["--scheduler-file", str(file)],
            stdout=logs[0],
            stderr=subprocess.STDOUT,
            **common,
        )
    ]
    try:
        deadline = time.monotonic() + 30
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        started.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1"]
                + ["--memory-limit", "0", "--no-dashboard"],
                stdout=logs[1],
                stderr=subprocess.STDOUT,
                **common,
            )
        )
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=40)
            threads = client.nthreads()
        yield address, threads
    finally:
        for process in reversed(started):
            _stop(process)
        for log in logs:
            log.close()


def test_a_plan_runs_on_a_separately_started_scheduler(scheduler, tmp_path):
    address, threads = scheduler
    assert address.startswith("tcp://127.0.0.1:")
    assert sorted(threads.values()) == [1, 1]  # two workers of one thread each
    notebook = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", BODY)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        yaml.safe_dump(
            {
                "name": "scaled",
                "notebooks": [str(notebook)],
                "rows": [{"x": x} for x in range(1, 5)],
            }
        )
    )
    reports = tmp_path / "reports"
    clock = time.monotonic()
    result = run_plan(plan, reports=reports, scheduler=address, progress=False)
    assert result.ok and result.count("succeeded") == 4, result.summary()
    assert time.monotonic() - clock < 60
    pids = set()
    for outcome in result.outcomes:
        run_dir = Path(outcome.run_dir)
        x = int(outcome.label.rsplit("=", 1)[1])
        assert (run_dir / "tables" / "square.csv").read_text() == f"x,square\n{x},{x * x}\n"
        manifest = json.loads((run_dir / "manifest.json").read_text())
        assert manifest["status"] == "succeeded" and manifest["plan"]["name"] == "scaled"
        pids.add(manifest["pid"])
    assert len(pids) == 2 and os.getpid() not in pids  # both worker processes ran reports
