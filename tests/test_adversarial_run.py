"""Adversarial cases for the running layer (issue 12, items 4 and 7).

Untrusted files: a downloaded run folder or a plan may not make ``research`` execute code that is
not the project's (``verify`` refuses, plan callables are limited to the ``research`` package's plan
sources, ``--dry-run`` calls nothing else). Faults: killed runs show as ``interrupted``, run folders
are unique, disk full / read-only folders / bad YAML / not-a-notebook are one line and a non-zero
exit, kernels start over IPC and are retried. Every case asserts the exit code and the message.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from tiny_notebooks import make_notebook

from research.core.hashing import sha256_file
from research.run import runner, verify
from research.run.cli import main
from research.run.manifest import Manifest, effective_status

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path(sys.executable).parent / "research"
AUDIT = ROOT / "notebooks" / "00_data_audit.ipynb"

EVIL = """import pathlib
pathlib.Path({marker!r}).write_text("pwned")
"""


def research(*args: str, env: dict | None = None, timeout: int = 180):
    """Run the ``research`` command; returns the completed process."""
    return subprocess.run(
        [str(RESEARCH), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def one_clean_line(stderr: str) -> str:
    """The only line of ``stderr``: an ``error:`` line, no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def cli(args: list[str], capsys) -> tuple[int, str, str]:
    """``research ARGS`` in this process (so that tests can monkeypatch); exit code, out, err."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    captured = capsys.readouterr()
    code = exited.value.code
    return (0 if code is None else int(code)), captured.out, captured.err


def evil_notebook(folder: Path, marker: Path) -> Path:
    return make_notebook(
        folder / "evil.ipynb", "# Evil", "x: int = 1", EVIL.format(marker=str(marker))
    )


def fake_run(folder: Path, notebook: str, code: dict | None = None) -> Path:
    """A downloaded run folder whose manifest names ``notebook``."""
    run_dir = folder / "reports" / "00_data_audit" / "20260101T000000-deadbeef"
    run_dir.mkdir(parents=True)
    (run_dir / "tables").mkdir()
    manifest = Manifest(
        run_id=run_dir.name,
        notebook=notebook,
        notebook_stem=Path(notebook).stem,
        parameters={"dataset": "synthetic"},
        code=code if code is not None else {"notebook": "0" * 64, "package": "x"},
        status="succeeded",
    )
    manifest.write(run_dir)
    return run_dir


# ----------------------------------------------------------------------------- 4. verify


def test_verify_refuses_a_manifest_naming_a_notebook_in_tmp(tmp_path):
    marker = tmp_path / "pwned.txt"
    evil = evil_notebook(tmp_path, marker)
    run_dir = fake_run(tmp_path, str(evil), {"notebook": sha256_file(evil), "package": "x"})
    done = research("verify", str(run_dir))
    assert done.returncode == 2
    line = one_clean_line(done.stderr)
    assert f"the manifest names notebook '{evil}', which is not a notebook of this project" in line
    assert "verify executes only the project's own notebooks" in line
    assert not marker.exists()
    assert not (tmp_path / "reports" / "_verify").exists()  # nothing re-executed


def test_verify_refuses_a_relative_path_that_climbs_out_of_notebooks(tmp_path):
    marker = tmp_path / "pwned.txt"
    evil = evil_notebook(tmp_path, marker)
    climbing = os.path.relpath(evil, ROOT)  # ../../tmp/.../evil.ipynb
    assert climbing.startswith("..")
    run_dir = fake_run(tmp_path, climbing, {"notebook": sha256_file(evil), "package": "x"})
    done = research("verify", str(run_dir))
    assert done.returncode == 2
    assert "which is not a notebook of this project (notebooks)" in one_clean_line(done.stderr)
    assert not marker.exists()


def test_verify_refuses_a_project_file_that_is_not_a_notebook(tmp_path):
    target = "src/research/run/cli.py"
    run_dir = fake_run(tmp_path, target, {"notebook": sha256_file(ROOT / target)})
    done = research("verify", str(run_dir))
    assert done.returncode == 2
    assert "names notebook 'src/research/run/cli.py', which is not a notebook of this project" in (
        one_clean_line(done.stderr)
    )


def test_verify_refuses_a_project_notebook_whose_hash_differs(tmp_path):
    run_dir = fake_run(tmp_path, "notebooks/00_data_audit.ipynb")
    done = research("verify", str(run_dir))
    assert done.returncode == 2
    line = one_clean_line(done.stderr)
    assert (
        "notebooks/00_data_audit.ipynb has changed since the run (sha256 recorded 000000000000"
        in (line)
    )
    assert "check out the commit the run was made with" in line


def test_verify_refuses_a_missing_project_notebook(tmp_path):
    run_dir = fake_run(tmp_path, "notebooks/99_missing.ipynb")
    done = research("verify", str(run_dir))
    assert done.returncode == 2
    line = one_clean_line(done.stderr)
    assert "notebook notebooks/99_missing.ipynb named by the manifest does not exist" in line


def test_verify_refuses_a_manifest_without_a_notebook_hash(tmp_path):
    run_dir = fake_run(tmp_path, "notebooks/00_data_audit.ipynb", code={})
    done = research("verify", str(run_dir))
    assert done.returncode == 2
    line = one_clean_line(done.stderr)
    assert "the manifest records no SHA-256 of notebooks/00_data_audit.ipynb" in line
    assert "run the notebook again" in line


def test_verify_refuses_a_symlink_in_notebooks_that_points_outside(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "pwned.txt"
    outside = tmp_path / "outside"
    outside.mkdir()
    evil = evil_notebook(outside, marker)
    trusted = tmp_path / "notebooks"
    trusted.mkdir()
    (trusted / "00_data_audit.ipynb").symlink_to(evil)
    monkeypatch.setattr(verify, "project_notebooks", lambda: trusted)
    started = []
    monkeypatch.setattr(runner, "run_notebook", lambda *a, **k: started.append(a))
    run_dir = fake_run(
        tmp_path, str(trusted / "00_data_audit.ipynb"), {"notebook": sha256_file(evil)}
    )
    code, _, err = cli(["verify", str(run_dir)], capsys)
    assert code == 2
    assert "which is not a notebook of this project" in one_clean_line(err)
    assert started == [] and not marker.exists()  # no kernel, no code


# ----------------------------------------------------------------------------- 4. batch plans


def plan_file(folder: Path, callable_name: str, kwargs: dict | None = None) -> Path:
    notebook = make_notebook(folder / "tiny.ipynb", "# Tiny", "x: int = 1", "print(x)")
    spec = {"from": "callable", "callable": callable_name}
    if kwargs:
        spec["kwargs"] = kwargs
    path = folder / "plan.yaml"
    path.write_text(
        yaml.safe_dump({"name": "p", "notebooks": [str(notebook)], "grid": {"x": spec}})
    )
    return path


@pytest.mark.parametrize(
    "target",
    ["os:system", "builtins:eval", "subprocess:run", "posix:system", "researchx.evil:values"],
)
def test_plan_callables_outside_research_are_refused_on_dry_run(target, tmp_path):
    marker = tmp_path / "pwned.txt"
    plan = plan_file(tmp_path, target, {"command": f"touch {marker}"})
    done = research("batch", str(plan), "--dry-run")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"grid x: callable '{target}' is refused: a plan may only call a plan source" in (
        done.stderr
    )
    assert "research.run.batch:gpg_councils" in done.stderr  # the fix: what is allowed
    assert not marker.exists()
    assert not (tmp_path / "reports").exists()


def test_the_allow_list_is_checked_before_the_named_module_is_imported(tmp_path):
    marker = tmp_path / "imported.txt"
    (tmp_path / "evil_source.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\n"
        "def values():\n    return [1]\n"
    )
    plan = plan_file(tmp_path, "evil_source:values")
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    done = research("batch", str(plan), "--dry-run", env={"PYTHONPATH": path})
    assert done.returncode == 2
    assert "callable 'evil_source:values' is refused" in done.stderr
    assert not marker.exists()


def test_a_research_function_that_is_not_a_plan_source_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    plan = plan_file(tmp_path, "research.run.runner:run_notebook", {"path": str(marker)})
    done = research("batch", str(plan), "--dry-run")
    assert done.returncode == 2
    assert "callable 'research.run.runner:run_notebook' is refused: it is not a plan source" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.rglob("manifest.json"))


def test_a_plan_naming_a_file_that_is_not_a_notebook_is_refused(tmp_path):
    fake = tmp_path / "fake.ipynb"
    fake.write_text("not json at all")
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump({"name": "p", "notebooks": [str(fake)]}))
    done = research("batch", str(plan), "--dry-run")
    assert done.returncode == 2
    assert "fake.ipynb is not a Jupyter notebook (no notebook JSON with cells)" in done.stderr
    assert "Traceback" not in done.stderr


# ----------------------------------------------------------------------------- 7c. bad inputs


def test_a_parameters_file_that_is_not_yaml_is_one_line(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("min_cell: [10\ndataset: synthetic\n")
    done = research("run", str(AUDIT), "-f", str(params))
    assert done.returncode == 2
    line = one_clean_line(done.stderr)
    assert f"parameters file {params} is not valid YAML (line 2, column 8)" in line
    assert "write one 'name: value' per line" in line


def test_a_parameters_file_that_is_a_list_is_one_line(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("- min_cell\n- 10\n")
    done = research("run", str(AUDIT), "-f", str(params))
    assert done.returncode == 2
    assert "must be a YAML dictionary of name: value" in one_clean_line(done.stderr)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.txt", "hello", "report.txt is not a Jupyter notebook (.ipynb)"),
        ("broken.ipynb", "{not json", "broken.ipynb is not a Jupyter notebook (no notebook JSON"),
        ("list.ipynb", "[1, 2]", "list.ipynb is not a Jupyter notebook (no notebook JSON"),
    ],
)
def test_a_file_that_is_not_a_notebook_is_one_line(name, content, expected, tmp_path):
    path = tmp_path / name
    path.write_text(content)
    done = research("run", str(path), "-p", "x", "1", env={"RESEARCH_REPORTS_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert expected in one_clean_line(done.stderr)
    assert not list(tmp_path.rglob("manifest.json"))
    params = research("params", str(path))
    assert params.returncode == 2 and expected in one_clean_line(params.stderr)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: bad\ncolumns:\n  sex: GENDER\n", "bad.yaml: no entry for employee_id. Add one"),
        ("name: bad\ncolumns: [\n", "bad.yaml: not valid YAML"),
    ],
)
def test_an_invalid_mapping_file_is_refused_without_a_traceback(content, expected, tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(content)
    done = research(
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
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")
    assert expected in done.stderr  # (the YAML parser's own message spans lines: data layer)
    assert not (tmp_path / "x.parquet").exists()


# ----------------------------------------------------------------------------- 7c. file system


def tiny(folder: Path, body: str = "print(x)") -> Path:
    return make_notebook(folder / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", body)


def test_disk_full_at_the_first_manifest_write_is_one_line_and_leaves_no_file(
    tmp_path, monkeypatch, capsys
):
    real_open = Path.open

    def full_disk_open(self, *args, **kwargs):
        stream = real_open(self, *args, **kwargs)
        if self.name.startswith(".manifest.json."):

            def write(_text):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            stream.write = write
        return stream

    monkeypatch.setattr(Path, "open", full_disk_open)
    reports = tmp_path / "reports"
    monkeypatch.setenv("RESEARCH_REPORTS_DIR", str(reports))
    code, _, err = cli(["run", str(tiny(tmp_path)), "-p", "x", "2"], capsys)
    assert code == 1
    line = one_clean_line(err)
    assert line.startswith("error: no space left on device (")
    assert "manifest.json): free some space, or set RESEARCH_REPORTS_DIR" in line
    assert not list(reports.rglob("*manifest*"))  # no 0-byte manifest, no temporary file
    assert not list(reports.glob("tiny/*"))  # and no empty run folder


def test_disk_full_at_the_final_manifest_write_keeps_the_first_manifest(
    tmp_path, monkeypatch, capsys
):
    real_write = Manifest.write
    calls = []

    def write(self, run_dir):
        calls.append(self.status)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(Path(run_dir) / "x"))
        return real_write(self, run_dir)

    monkeypatch.setattr(Manifest, "write", write)
    reports = tmp_path / "reports"
    monkeypatch.setenv("RESEARCH_REPORTS_DIR", str(reports))
    code, _, err = cli(["run", str(tiny(tmp_path)), "-p", "x", "2"], capsys)
    assert code == 1
    assert one_clean_line(err).startswith("error: no space left on device (")
    [manifest] = reports.glob("tiny/*/manifest.json")
    data = json.loads(manifest.read_text())  # complete JSON, not 0 bytes
    assert data["status"] == "running" and data["pid"] == os.getpid()


def test_a_read_only_reports_folder_is_one_line(tmp_path, monkeypatch, capsys):
    reports = tmp_path / "reports"
    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if self.is_relative_to(reports):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    monkeypatch.setenv("RESEARCH_REPORTS_DIR", str(reports))
    code, _, err = cli(["run", str(tiny(tmp_path)), "-p", "x", "2"], capsys)
    assert code == 1
    line = one_clean_line(err)
    assert line.startswith(f"error: read-only file system ({reports}/tiny")
    assert "make the folder writable for this user, or write elsewhere" in line


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a small tmpfs (root only): ``mount(options) -> folder``; unmounted afterwards."""
    mounted = []

    def mount(options: str) -> Path:
        folder = tmp_path / f"fs{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
        )
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_really_read_only_processed_folder_is_one_line_for_ingest(tmpfs):
    out = tmpfs("ro,size=1m")
    done = research(
        "ingest",
        "data/raw/cincinnati/cincinnati_employees_2020_noname.csv",
        "--mapping",
        "cincinnati",
        "--name",
        "cin",
        "--out-dir",
        str(out / "processed"),
    )
    assert done.returncode == 1
    line = one_clean_line(done.stderr)
    assert line.startswith(f"error: read-only file system ({out}/processed)")
    assert "--out-dir for ingest" in line


def test_a_really_full_disk_is_one_line_and_leaves_no_empty_manifest(tmpfs, tmp_path):
    reports = tmpfs("size=64k")
    notebook = tiny(tmp_path, "print('x' * 200_000)")  # the executed notebook does not fit
    done = research(
        "run", str(notebook), "-p", "x", "2", env={"RESEARCH_REPORTS_DIR": str(reports)}
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: no space left on device")
    for manifest in reports.rglob("manifest.json"):
        assert json.loads(manifest.read_text())["status"] in ("running", "failed")


# ----------------------------------------------------------------------------- 7a. interrupted


def test_a_run_killed_with_sigkill_shows_as_interrupted_in_the_index_and_batch(tmp_path):
    from research.run.batch import PlannedRun, run_state
    from research.run.site import build_index, list_runs

    notebook = tiny(tmp_path, "import time\ntime.sleep(120)")
    reports = tmp_path / "reports"
    proc = subprocess.Popen(
        [str(RESEARCH), "run", str(notebook), "-p", "x", "3"],
        cwd=ROOT,
        env={**os.environ, "RESEARCH_REPORTS_DIR": str(reports)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kernel goes with it
    )
    try:
        deadline = time.monotonic() + 60
        while not list(reports.glob("tiny/*/manifest.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        [manifest] = reports.glob("tiny/*/manifest.json")
        data = json.loads(manifest.read_text())
        assert data["status"] == "running" and data["pid"] == proc.pid
        assert effective_status(data) == "running"  # alive
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    runs = list_runs(reports)
    assert runs["status"].tolist() == ["interrupted"]
    assert "interrupted" in build_index(reports).read_text()
    planned = PlannedRun("p", notebook, {"x": 3}, {}, manifest.parent.name, "k")
    assert run_state(planned, reports) == "interrupted"


def test_a_running_manifest_from_another_host_is_interrupted_after_its_time_limit():
    data = {"status": "running", "pid": 1, "host": "elsewhere", "started": "2026-01-01T00:00:00"}
    started = time.mktime(time.strptime("2026-01-01", "%Y-%m-%d"))
    assert effective_status(data, now=started + 3600) == "running"
    assert effective_status(data, now=started + 3 * 24 * 3600) == "interrupted"
    assert effective_status({"status": "succeeded", "pid": 999_999_999}) == "succeeded"
    import socket

    here = {**data, "host": socket.gethostname(), "pid": os.getpid()}  # alive: this process
    assert effective_status(here, now=started + 3600) == "running"
    assert effective_status(here, now=started + 3 * 24 * 3600) == "interrupted"  # pid reused?


# ----------------------------------------------------------------------------- 7b. unique folders


def test_run_folders_are_unique_when_many_runs_start_in_the_same_second(tmp_path):
    made: list[Path] = []
    barrier = threading.Barrier(16)

    def start():
        barrier.wait()
        made.append(runner._new_run_dir(tmp_path, "20260101T000000-abcdef12"))

    threads = [threading.Thread(target=start) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 16 and all(p.is_dir() for p in made)
    assert tmp_path / "20260101T000000-abcdef12" in made


def test_two_runs_with_the_same_id_get_two_folders(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "make_run_id", lambda values, started: "20260101T000000-same")
    notebook = tiny(tmp_path)
    first = runner.run_notebook(notebook, {"x": 1}, reports=tmp_path / "r", index=False)
    second = runner.run_notebook(notebook, {"x": 1}, reports=tmp_path / "r", index=False)
    assert first.ok and second.ok
    assert first.run_dir.name == "20260101T000000-same"
    assert second.run_dir.name.startswith("20260101T000000-same-")
    assert second.manifest["run_id"] == second.run_dir.name
    assert (first.run_dir / "manifest.json").is_file()  # the first run is untouched


# ----------------------------------------------------------------------------- 7d. kernels

IPC_BODY = """import json, os, pathlib
from ipykernel.connect import get_connection_file
info = json.loads(pathlib.Path(get_connection_file()).read_text())
out = pathlib.Path(os.environ["RESEARCH_RUN_DIR"]) / "kernel.json"
out.write_text(json.dumps({"transport": info["transport"], "ip": info["ip"]}))
"""


def test_kernels_start_over_ipc_in_a_fresh_socket_folder_without_the_tcp_warning(tmp_path):
    notebook = tiny(tmp_path, IPC_BODY)
    reports = tmp_path / "reports"
    done = research(
        "run", str(notebook), "-p", "x", "1", env={"RESEARCH_REPORTS_DIR": str(reports)}
    )
    assert done.returncode == 0, done.stderr
    assert "without encryption" not in done.stderr and "TCP" not in done.stderr
    [kernel] = reports.glob("tiny/*/kernel.json")
    info = json.loads(kernel.read_text())
    assert info["transport"] == "ipc"
    assert Path(info["ip"]).parent.name.startswith("research-kernel-")
    assert not Path(info["ip"]).parent.exists()  # socket folder removed after the run
    manifest = json.loads(next(reports.glob("tiny/*/manifest.json")).read_text())
    assert manifest["kernel_retries"] == 0 and manifest["status"] == "succeeded"


def flaky_kernel_manager(failures: int):
    """A kernel manager class whose first ``failures`` starts fail like the TCP port race."""
    from jupyter_client.manager import AsyncKernelManager

    class Flaky(AsyncKernelManager):
        attempts = 0

        async def start_kernel(self, **kwargs):
            type(self).attempts += 1
            if type(self).attempts <= failures:
                raise RuntimeError("Kernel died before replying to kernel_info")
            return await super().start_kernel(**kwargs)

    return Flaky


def test_a_kernel_that_fails_to_start_twice_is_retried_and_recorded(tmp_path, monkeypatch):
    flaky = flaky_kernel_manager(2)
    monkeypatch.setattr(runner, "_kernel_manager_class", lambda: flaky)
    result = runner.run_notebook(tiny(tmp_path), {"x": 4}, reports=tmp_path / "r", index=False)
    assert result.ok, result.error
    assert flaky.attempts == 3
    assert result.manifest["kernel_retries"] == 2
    assert json.loads((result.run_dir / "manifest.json").read_text())["kernel_retries"] == 2


def test_a_kernel_that_never_starts_fails_the_run_after_two_retries(tmp_path, monkeypatch, capsys):
    flaky = flaky_kernel_manager(99)
    monkeypatch.setattr(runner, "_kernel_manager_class", lambda: flaky)
    monkeypatch.setenv("RESEARCH_REPORTS_DIR", str(tmp_path / "r"))
    code, out, err = cli(["run", str(tiny(tmp_path)), "-p", "x", "4"], capsys)
    assert code == 1 and out.startswith("failed: ")
    assert flaky.attempts == 3
    assert "Traceback" not in err
    assert (
        "raised KernelStartError: the Jupyter kernel did not start (RuntimeError: Kernel died"
        in (err)
    )
    assert "after 3 attempts" in err
    [manifest] = (tmp_path / "r").glob("tiny/*/manifest.json")
    data = json.loads(manifest.read_text())
    assert data["status"] == "failed" and data["kernel_retries"] == 2
    assert data["error"]["ename"] == "KernelStartError"


def test_a_plan_run_may_only_execute_the_plans_own_notebook(tmp_path):
    marker = tmp_path / "pwned.txt"
    evil = evil_notebook(tmp_path, marker)
    planned = tiny(tmp_path)
    run_dir = fake_run(tmp_path, str(evil), {"notebook": sha256_file(evil)})
    outcome = verify.verify_run(run_dir, allowed=planned)
    assert outcome.status == "refused" and not marker.exists()
    assert (
        f"the manifest names notebook '{evil}', which is not a notebook of this project"
        in (outcome.messages[0])
    )


def test_a_genuine_run_of_a_project_notebook_still_verifies(tmp_path):
    reports = tmp_path / "reports"
    env = {"RESEARCH_REPORTS_DIR": str(reports), "RESEARCH_PACKAGE_HASH": "pinned"}
    done = research(
        "run", str(AUDIT), "-p", "dataset", "synthetic:n_employees=600,seed=11", env=env
    )
    assert done.returncode == 0, done.stderr
    [run_dir] = reports.glob("00_data_audit/*")
    again = research("verify", str(run_dir), env=env, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{run_dir}: reproducible" in again.stdout
