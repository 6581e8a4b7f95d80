"""Warm reruns (issue 17): the workbench session, and the cheap trims of every run.

One session (a pool of one kernel) serves a tiny notebook: a warm run gives the same tables and
notebook as a cold one, each kernel serves one run (no state crosses reports), the manifest says a
pre-started kernel ran it, and the socket is private. The trims are checked in fresh interpreters:
``import papermill`` without ``rfc3987_syntax``'s grammar, input hashing without the ingest or
GOV.UK readers, and papermill asked for an immediate kernel shutdown.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_notebooks import make_notebook

from research.run import runner, session

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path(sys.executable).parent / "research"

BODY = """import os, pathlib
tables = pathlib.Path(os.environ["RESEARCH_RUN_DIR"]) / "tables"
tables.mkdir(exist_ok=True)
leaked = "yes" if "secret" in globals() else "no"
(tables / "square.csv").write_text(f"x,square,leaked\\n{x},{x * x},{leaked}\\n")
secret = 42
print(os.getpid())
"""


def _fresh(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_papermill_imports_without_the_iri_grammar_which_still_works_when_used():
    out = _fresh(
        "import sys, research.run, papermill, nbconvert\n"
        "print('rfc3987_syntax.syntax_helpers' in sys.modules)\n"
        "import jsonschema\n"
        "v = jsonschema.Draft7Validator({'format': 'iri'},"
        " format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)\n"
        "print(len(list(v.iter_errors('not an iri'))), len(list(v.iter_errors('http://a.b/c'))))\n"
        "print('rfc3987_syntax.syntax_helpers' in sys.modules)"
    )
    assert out.splitlines() == ["False", "1 0", "True"]


def test_input_hashing_and_path_resolution_import_no_reader():
    out = _fresh(
        "import sys\n"
        "from research.run.params import read_parameters\n"
        "from research.run.runner import input_hashes\n"
        "for nb, p in [('60_council_benchmark', {}), ('10_pay_gap', {'dataset': 'synthetic'})]:\n"
        "    d = read_parameters(f'notebooks/{nb}.ipynb')\n"
        "    input_hashes(d.validate(p), d)\n"
        "heavy = ['pandera', 'research.data.schema', 'research.data.ingest',"
        " 'research.data.readers', 'research.data.gpg', 'research.data.gpg.panel']\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    assert out == "[]"


def test_gpg_files_are_listed_as_before(root):
    import research.data.gpg
    from research.data.gpg import panel
    from research.data.gpg_files import default_paths, input_files

    assert research.data.gpg.input_files is input_files
    assert panel.default_paths is default_paths
    if (root / "data" / "raw" / "gpg").is_dir():
        assert all(p.is_file() for p in input_files("gpg"))


def test_kernels_are_shut_down_at_once_after_the_last_cell(tmp_path, monkeypatch):
    import papermill

    seen = {}

    def fake_execute(source, target, **kwargs):
        seen.update(kwargs)
        Path(target).write_text(Path(source).read_text())

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    nb = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", "pass")
    runner._execute(nb, tmp_path / "out.ipynb", {"x": 1}, tmp_path, False, None)
    assert seen["engine_name"] == runner.ENGINE
    assert seen["config"].KernelManager.transport == "ipc"  # issue 12: IPC, a folder per kernel


def test_only_a_run_whose_cells_all_completed_stops_its_kernel_at_once(tmp_path, monkeypatch):
    """Immediate after the last cell; graceful after a timeout, so the stuck cell's traceback
    (from the interrupt sent before the shutdown) is still in the report."""
    from jupyter_client.manager import AsyncKernelManager

    calls = []

    class Recording(AsyncKernelManager):
        async def shutdown_kernel(self, now=False, restart=False):
            calls.append(now)
            return await super().shutdown_kernel(now=now, restart=restart)

    monkeypatch.setattr(runner, "_kernel_manager_class", lambda: Recording)
    body = "import time\nif x == 0:\n    time.sleep(60)"
    nb = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", body)
    ok = runner.run_notebook(nb, {"x": 1}, reports=tmp_path / "r", index=False)
    hung = runner.run_notebook(nb, {"x": 0}, reports=tmp_path / "r", index=False, run_timeout=4)
    assert ok.ok and hung.error["ename"] == "TimeoutError"
    assert calls == [True, False]
    executed = json.loads((hung.run_dir / "tiny.ipynb").read_text())
    assert executed["cells"][-1]["outputs"][0]["ename"] == "KeyboardInterrupt"


@pytest.fixture(scope="module")
def warm_session(tmp_path_factory):
    """A session with one pre-started kernel, its socket in a private folder of this test."""
    runtime = tmp_path_factory.mktemp("runtime")
    runtime.chmod(0o700)
    old = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "RESEARCH_PACKAGE_HASH")}
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    os.environ["RESEARCH_PACKAGE_HASH"] = "test-session"
    try:
        state = session.start(1, wait=True, timeout=240)
        yield state
    finally:
        session.stop()
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


pytestmark = pytest.mark.notebook


def _outputs(run_dir: Path) -> list:
    nb = json.loads((run_dir / "tiny.ipynb").read_text())
    return [
        (c.get("execution_count"), [o.get("name") for o in c.get("outputs", [])])
        for c in nb["cells"]
        if c["cell_type"] == "code"
    ]


def test_a_warm_run_equals_a_cold_run_and_each_kernel_serves_one_run(
    warm_session, tmp_path, monkeypatch
):
    assert warm_session["kernels"] == {
        "size": 1,
        "ready": 1,
        "starting": 0,
        "failures": 0,
        "last_error": "",
    }
    nb = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", BODY)
    reports = tmp_path / "reports"
    monkeypatch.setenv("RESEARCH_SESSION", "off")
    cold = session.run(nb, {"x": "3"}, reports=reports, index=False)
    monkeypatch.delenv("RESEARCH_SESSION")
    warm = session.run(nb, {"x": "3"}, reports=reports, index=False)
    again = session.run(nb, {"x": "4"}, reports=reports, index=False)
    assert cold.ok and warm.ok and again.ok
    assert "kernel" not in cold.manifest
    assert warm.manifest["kernel"]["pre_started"] is True
    assert again.manifest["kernel"]["pre_started"] is True
    assert warm.manifest["pid"] != os.getpid()  # run in the session's process
    table = (warm.run_dir / "tables" / "square.csv").read_text()
    assert (
        table == (cold.run_dir / "tables" / "square.csv").read_text() == "x,square,leaked\n3,9,no\n"
    )
    assert (again.run_dir / "tables" / "square.csv").read_text() == "x,square,leaked\n4,16,no\n"
    assert _outputs(warm.run_dir) == _outputs(cold.run_dir)  # execution counts start at 1
    assert warm.html.is_file() and "<html" in warm.html.read_text()[:2000].lower()

    def pid(result) -> str:
        nb_json = json.loads((result.run_dir / "tiny.ipynb").read_text())
        return "".join(nb_json["cells"][-1]["outputs"][0]["text"]).strip()

    assert pid(warm) != pid(again)  # a new kernel for every run
    assert session.status()["runs"] == 2


def test_parameters_are_refused_by_the_session_with_the_usual_message(warm_session, tmp_path):
    from research.run.params import ParameterError

    nb = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number [min: 0]", BODY)
    with pytest.raises(ParameterError, match="x"):
        session.run(nb, {"x": "-1"}, reports=tmp_path / "reports", index=False)
    with pytest.raises(ParameterError, match="Did you mean 'x'"):
        session.run(nb, {"xx": "1"}, reports=tmp_path / "reports", index=False)


def test_the_session_is_private_and_the_command_line_uses_it(warm_session, tmp_path):
    path = Path(warm_session["socket"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.stat().st_uid == os.getuid()
    body = BODY + "print(os.environ.get('RESEARCH_REPORTS_DIR'), os.getcwd())\n"
    nb = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", body)
    env = {**os.environ, "RESEARCH_REPORTS_DIR": str(tmp_path / "reports")}
    done = subprocess.run(
        [str(RESEARCH), "run", "--no-progress", str(nb), "-p", "x", "5"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    run_dir = Path(done.stdout.strip().split(": ", 1)[1]).parent
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["kernel"]["pre_started"] is True
    executed = json.loads((run_dir / "tiny.ipynb").read_text())
    printed = "".join(executed["cells"][-1]["outputs"][0]["text"]).split()
    assert printed[1:] == [str(tmp_path / "reports"), str(tmp_path)]  # the caller's, as cold
    status = subprocess.run(
        [str(RESEARCH), "session", "status"], env=env, capture_output=True, text=True
    )
    assert status.returncode == 0 and "pool of 1" in status.stdout


def test_a_session_with_other_code_is_not_used(warm_session, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RESEARCH_PACKAGE_HASH", "edited-since")  # as if the code had changed
    nb = make_notebook(tmp_path / "tiny.ipynb", "# Tiny", "x: int = 1  # A number", BODY)
    result = session.run(nb, {"x": "2"}, reports=tmp_path / "reports", index=False)
    assert result.ok and "kernel" not in result.manifest
    assert "research session stop, then start" in capsys.readouterr().err


def test_without_a_session_runs_start_their_own_kernel(tmp_path, monkeypatch):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert session.status() is None
    assert not session.stop()
