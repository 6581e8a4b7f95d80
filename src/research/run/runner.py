"""Run a parameterised notebook: validate, execute with papermill, export HTML, write the manifest.

Every run gets a folder ``reports/<notebook>/<run-id>/`` with the executed notebook, ``report.html``,
``tables/``, ``figures/`` and ``manifest.json`` (parameters, SHA-256 of every input file, git commit
and dirty flag, Python and package versions, timings, seed, status). The run id is the start time
plus a hash of the parameters, so runs sort by time and identical parameters are recognisable; the
folder is created with ``mkdir(exist_ok=False)`` and gets a random suffix when another run already
has it (two runs in the same second with the same parameters never share a folder).
Kernels talk to the runner over IPC (Unix sockets in a fresh temporary folder per kernel), not TCP:
no port race between kernels starting together, no "running over TCP without encryption" warning.
Once every cell has completed the kernel is stopped at once instead of being asked to shut down
(papermill engine :data:`ENGINE`). With a workbench session running (:mod:`research.run.session`),
runs go to it and execute on a kernel started ahead with the imports done (``kernel=``), one run
per kernel. A kernel that does not start is started again, at most :data:`KERNEL_RETRIES` (2)
times; the manifest records the retries (``kernel_retries``) and a run whose kernel never starts
fails with a ``KernelStartError``.
A failed run keeps its partial notebook, writes an HTML report that names the failing cell, and
reports ``status == "failed"``. The manifest (:mod:`research.run.manifest`) is written when the run
starts (status ``running``) and again when it ends. Path-typed parameters are resolved against the
caller's working directory before the kernel starts (:mod:`research.run.params`), and every file
behind them is hashed into the manifest's ``inputs``.

Batch runs (:mod:`research.run.batch`) pass their own deterministic ``run_id``, a whole-run time limit
(``run_timeout``), extra manifest fields (the plan) and ``index=False`` (the site is built once at
the end). The manifest's ``code`` entry holds SHA-256 hashes of the notebook and of the package
sources, so a later run can tell whether the code changed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import platform
import secrets
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from research.core.hashing import sha256_bytes, sha256_file, sha256_json
from research.core.paths import project_root, relative_to_root, reports_dir
from research.run.manifest import Manifest
from research.run.params import NotebookParameters, read_parameters

KERNEL_NAME = "research"
KEY_PACKAGES = (
    "research",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "seaborn",
    "matplotlib",
    "pandera",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
)


@dataclass(frozen=True)
class RunResult:
    """Outcome of one notebook run."""

    status: str
    run_dir: Path
    html: Path
    manifest: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    @property
    def error(self) -> dict[str, Any] | None:
        return self.manifest.get("error")


def git_state(root: Path | None = None) -> dict[str, Any]:
    """Current commit and whether the work tree has uncommitted changes (``None`` outside git)."""
    root = root or project_root()

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (subprocess.CalledProcessError, FileNotFoundError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def package_versions() -> dict[str, str]:
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


CODE_SUFFIXES = (".py", ".j2", ".css", ".js", ".yaml", ".json", ".tpl")
_PACKAGE_HASH_CACHE: dict[str, Any] = {}


def package_hash() -> str:
    """SHA-256 over the source files of the ``research`` package (paths and contents, sorted).

    ``RESEARCH_PACKAGE_HASH``, when set, is used instead (tests pin it while the package is being
    edited; a deployment can pin it to a release).
    """
    if pinned := os.environ.get("RESEARCH_PACKAGE_HASH"):
        return pinned
    package = Path(__file__).resolve().parents[1]
    files = [
        path
        for path in sorted(package.rglob("*"))
        if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file()
    ]
    signature = tuple((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if _PACKAGE_HASH_CACHE.get("signature") != signature:  # reread only what may have changed
        listing = b"".join(
            path.relative_to(package).as_posix().encode() + bytes.fromhex(sha256_file(path))
            for path in files
        )
        _PACKAGE_HASH_CACHE.update(signature=signature, digest=sha256_bytes(listing))
    return _PACKAGE_HASH_CACHE["digest"]


def code_hashes(notebook: str | Path) -> dict[str, str]:
    """``{"notebook": sha256 of the notebook file, "package": package_hash()}``."""
    return {
        "notebook": sha256_file(notebook),
        "package": package_hash(),
    }


def make_run_id(parameters: dict[str, Any], started: datetime) -> str:
    """``YYYYmmddTHHMMSS-<8 hex of the parameters>``."""
    return f"{started:%Y%m%dT%H%M%S}-{sha256_json(parameters)[:8]}"


def _new_run_dir(base: Path, run_id: str) -> Path:
    """Create a run folder that no other run has: ``run_id``, else ``run_id-<6 random hex>``.

    ``mkdir(exist_ok=False)`` is atomic, so two runs started in the same second with the same
    parameters (two processes, or two threads) never share a folder.
    """
    base.mkdir(parents=True, exist_ok=True)
    candidate = base / run_id
    for _ in range(20):
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            candidate = base / f"{run_id}-{secrets.token_hex(3)}"
    raise FileExistsError(f"cannot create a new run folder in {base}")


def input_hashes(
    values: dict[str, Any], declared: NotebookParameters | None = None
) -> list[dict[str, Any]]:
    """Path, SHA-256 and size of every file behind the path-typed parameters of ``values``.

    ``declared`` gives the parameters' kinds (``[path]``, ``[dataset]``); without it, the names in
    :data:`research.run.params.PATH_PARAMETERS` are taken as path-typed.
    """
    if declared is None:
        from research.run.params import ParamSpec

        declared = NotebookParameters("values", {name: ParamSpec(name, str, "") for name in values})
    return [
        {"path": relative_to_root(p), "sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in declared.input_files(values)
    ]


def _kernel_name() -> str:
    from jupyter_client.kernelspec import find_kernel_specs

    return KERNEL_NAME if KERNEL_NAME in find_kernel_specs() else "python3"


@contextmanager
def _environment(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _title(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def _error_from(exc: Exception) -> dict[str, Any]:
    info = {
        "ename": getattr(exc, "ename", type(exc).__name__),
        "evalue": getattr(exc, "evalue", str(exc)),
        "cell_index": getattr(exc, "cell_index", None),
        "execution_count": getattr(exc, "exec_count", None),
        "source": getattr(exc, "source", None),
    }
    return info


def _command(notebook: Path, values: dict[str, Any]) -> str:
    """The shell command that reruns this notebook with these parameters."""
    pairs = " ".join(f"-p {k} {shlex.quote(str(v))}" for k, v in values.items())
    return f"research run {relative_to_root(notebook)} {pairs}".strip()


def run_notebook(
    path: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    reports: str | Path | None = None,
    progress: bool = False,
    timeout: int | None = None,
    run_id: str | None = None,
    run_timeout: float | None = None,
    extra: dict[str, Any] | None = None,
    index: bool = True,
    base: str | Path | None = None,
    kernel: Any = None,
) -> RunResult:
    """Validate parameters, execute the notebook with papermill, export HTML, write the manifest.

    Parameters
    ----------
    path
        The notebook (``notebooks/00_data_audit.ipynb``).
    parameters
        Values for the notebook's declared parameters; strings are converted to the declared type.
    reports
        Reports folder (default ``reports/`` in the project, or ``RESEARCH_REPORTS_DIR``).
    progress
        Show papermill's progress bar.
    timeout
        Per-cell timeout in seconds (``None``: no limit).
    run_id
        Folder name of the run, emptied first if it exists (batch runs). Default: the start time
        and a hash of the parameters, with a random suffix when another run already has that
        folder (two runs in the same second).
    run_timeout
        Time limit in seconds for the whole execution (``None``: none); a run past it is stopped
        and recorded as failed with a ``TimeoutError`` naming the cell it was in.
    extra
        More manifest fields (e.g. ``{"plan": {...}}`` for batch runs).
    index
        Rebuild ``reports/index.html`` after the run.
    base
        Folder that relative paths in ``parameters`` are taken from (default: the working
        directory; the workbench session passes its caller's).
    kernel
        A pre-started kernel (:class:`research.run.session.WarmKernel`) to run on instead of
        starting one; it serves this run only and is shut down after it. A kernel that turns out
        dead is replaced by a new one, as a kernel that fails to start. The manifest's ``kernel``
        says whether the run used a pre-started kernel.

    Raises
    ------
    research.run.params.ParameterError
        Before any kernel starts, when a parameter is unknown or has a bad value.
    """
    notebook = Path(path).resolve()
    declared: NotebookParameters = read_parameters(notebook)
    values = declared.validate(parameters, base)
    started = datetime.now(UTC)
    base = Path(reports or reports_dir()) / notebook.stem
    if run_id:
        out_dir = base / run_id
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
    else:
        out_dir = _new_run_dir(base, make_run_id(values, started))
        run_id = out_dir.name
    manifest = Manifest(
        run_id=run_id,
        notebook=relative_to_root(notebook),
        notebook_stem=notebook.stem,
        title=_title(notebook),
        parameters=values,
        seed=values.get("seed"),
        started=started.isoformat(timespec="seconds"),
        command=_command(notebook, values),
    ).update(**(extra or {}))
    try:  # status "running" at once, so that a run killed from here on leaves a trace
        manifest.write(out_dir)
    except OSError:
        shutil.rmtree(out_dir, ignore_errors=True)  # nothing of this run exists yet
        raise
    manifest.update(
        inputs=input_hashes(values, declared),
        git=git_state(),
        python=platform.python_version(),
        packages=package_versions(),
        platform=platform.platform(),
        code=code_hashes(notebook),
    )
    manifest.write(out_dir)  # status "running" until the end
    executed = out_dir / notebook.name
    clock = time.perf_counter()
    status, error, retries = _execute(
        notebook, executed, values, out_dir, progress, timeout, run_timeout, kernel
    )
    finished = datetime.now(UTC)
    if kernel is not None:
        manifest.update(kernel=kernel.describe(used=retries == 0))
    manifest.update(
        kernel_retries=retries,
        finished=finished.isoformat(timespec="seconds"),
        duration_seconds=round(time.perf_counter() - clock, 2),
        status=status,
        error=error,
    )
    return _publish(executed, out_dir, manifest, index=index)


def _deadline_timeouts(run_timeout: float | None, timeout: int | None) -> dict[str, Any]:
    """nbclient keyword arguments that stop the run ``run_timeout`` seconds from now."""
    if not run_timeout:
        return {}
    deadline = time.monotonic() + run_timeout

    def remaining(cell) -> int:
        left = max(1, int(deadline - time.monotonic() + 0.999))
        return min(left, timeout) if timeout else left

    return {"timeout_func": remaining}


_ENV_LOCK = threading.Lock()


@contextmanager
def _kernel_environment(env: dict[str, str]):
    """``env`` set in this process while a new kernel is started and runs (one at a time)."""
    with _ENV_LOCK, _environment(**env):
        yield


KERNEL_RETRIES = 2
"""Times a kernel that fails to start is started again before the run fails."""


class KernelStartError(RuntimeError):
    """The kernel did not start (after :data:`KERNEL_RETRIES` retries)."""


def _kernel_config(socket_dir: Path):
    """traitlets config: kernels talk over IPC (Unix sockets) in ``socket_dir``, not over TCP.

    Over TCP, jupyter_client picks free ports, releases them and the kernel binds them later: a
    kernel starting at the same moment can take one ("Kernel died before replying to kernel_info").
    IPC sockets under a fresh folder per kernel cannot collide, need no encryption warning, and
    start faster.
    """
    from traitlets.config import Config

    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(socket_dir / "kernel")
    return config


ENGINE = "research"
"""papermill engine of the runner: papermill's own, with the kernel shut down at once after a run
whose cells all completed (see :func:`_register_engine`)."""


#: Seconds between papermill's saves of the notebook while cells run (it saves at every cell's
#: start and end; the last save, once the run ends, always happens).
SAVE_EVERY = 5.0


def _throttled(save):
    """``save`` called at most once per :data:`SAVE_EVERY` seconds (the first call saves)."""
    last = [-math.inf]

    def maybe_save(**kwargs):
        now = time.monotonic()
        if now - last[0] >= SAVE_EVERY:
            last[0] = now
            save(**kwargs)

    return maybe_save


@functools.cache
def _register_engine() -> str:
    """Register :data:`ENGINE` with papermill (once) and return its name.

    While cells run, the notebook is saved at most every :data:`SAVE_EVERY` seconds instead of
    at every cell's start and end (45 writes of the whole notebook in a short report); papermill
    saves it in full once the run has ended, whatever happened.

    A kernel is shut down gracefully by default: it is asked to stop and given up to a second or
    more. Once every cell has completed (a cell that raised included: its traceback arrived before
    its reply), the notebook and the tables and figures it wrote are saved and nothing is left to
    wait for, so the kernel is stopped at once. After a cell timed out (or the kernel died) the
    shutdown stays graceful: the interrupt it sends first makes the stuck cell record its
    traceback, which the report shows.
    """
    import papermill.engines as engines
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class Client(PapermillNotebookClient):
        def papermill_execute_cells(self):
            self.shutdown_kernel = "graceful"
            super().papermill_execute_cells()
            self.shutdown_kernel = "immediate"

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            # papermill's engine makes its client by the module name PapermillNotebookClient;
            # for this call the name is the client above (a papermill without that name keeps
            # its own client: graceful shutdown, same results)
            if not hasattr(engines, "PapermillNotebookClient"):
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            own = engines.PapermillNotebookClient
            engines.PapermillNotebookClient = Client
            save = nb_man.save
            nb_man.save = _throttled(save)  # papermill saves once more, in full, after this
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                engines.PapermillNotebookClient = own
                nb_man.save = save

    papermill_engines.register(ENGINE, Engine)
    return ENGINE


def _kernel_manager_class():
    """The kernel manager class nbclient creates (tests replace it to simulate failed starts)."""
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager


def _execute(
    notebook, executed, values, out_dir, progress, timeout, run_timeout=None, kernel=None
) -> tuple[str, dict | None, int]:
    """Execute with papermill; returns status, error and the number of kernel start retries.

    With a pre-started ``kernel``, the first attempt runs on it (papermill's kernel manager is
    that kernel's, so nbclient shuts it down at the end as it would its own); a retry starts a
    new kernel as usual.
    """
    import papermill as pm

    env = {"RESEARCH_RUN_DIR": str(out_dir), "RESEARCH_ROOT": str(project_root())}
    retries = 0
    started: list[int] = []  # attempts whose kernel became ready
    while True:
        engine_kwargs = _deadline_timeouts(run_timeout, timeout)
        socket_dir = Path(tempfile.mkdtemp(prefix="research-kernel-"))
        warm = kernel if retries == 0 else None
        try:
            if warm is not None:
                warm.prepare(env, cwd=notebook.parent)  # the kernel's environment and folder
                manager_class = warm.manager_class()
            else:
                manager_class = _kernel_manager_class()
            # A new kernel inherits this process's environment: one at a time per process (the
            # workbench session runs several notebooks at once); a pre-started one was told.
            with contextlib.nullcontext() if warm is not None else _kernel_environment(env):
                pm.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters=values,
                    kernel_name=_kernel_name(),
                    progress_bar=progress,
                    cwd=str(notebook.parent),
                    execution_timeout=timeout,
                    config=_kernel_config(socket_dir),
                    kernel_manager_class=manager_class,
                    engine_name=_register_engine(),  # kernel stopped at once after the last cell
                    on_notebook_start=lambda attempt=retries, **_: started.append(attempt),
                    **engine_kwargs,
                )
        except pm.PapermillExecutionError as exc:
            return "failed", _error_from(exc), retries
        except Exception as exc:  # kernel did not start or died, timeout, ...
            if (
                retries not in started
            ):  # the kernel never became ready: start it again, twice at most
                if retries < KERNEL_RETRIES:
                    retries += 1
                    continue
                error = _error_from(exc)
                error["ename"] = "KernelStartError"
                error["evalue"] = (
                    f"the Jupyter kernel did not start ({type(exc).__name__}: "
                    f"{str(exc).strip().splitlines()[0] if str(exc).strip() else 'no message'}) "
                    f"after {1 + KERNEL_RETRIES} attempts; check that the 'research' kernel is "
                    "installed (make kernel) and run again."
                )
                return "failed", error, retries
            if not executed.exists():
                raise
            return "failed", _timeout_details(_error_from(exc), exc, executed, run_timeout), retries
        finally:
            shutil.rmtree(socket_dir, ignore_errors=True)
            if warm is not None:
                warm.discard()  # one run per kernel, whatever happened
        return "succeeded", None, retries


def _timeout_details(error: dict, exc: Exception, executed: Path, run_timeout) -> dict:
    """For a timeout: name the cell that was running, keep the message short, state the limit."""
    if "Timeout" not in type(exc).__name__:
        return error
    try:
        cells = json.loads(executed.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    started = [
        i
        for i, c in enumerate(cells)
        if c.get("cell_type") == "code"
        and c.get("metadata", {}).get("papermill", {}).get("status") in ("running", "completed")
    ]
    if started:
        error["cell_index"] = started[-1]
        error["source"] = "".join(cells[started[-1]].get("source", ""))
    first = str(error.get("evalue") or "").strip().splitlines()
    message = first[0] if first else "a cell timed out"
    if run_timeout:
        message = f"run stopped at its time limit of {run_timeout:g} s ({message})"
    error["ename"] = "TimeoutError"
    error["evalue"] = message
    return error


def _publish(executed: Path, out_dir: Path, manifest: Manifest, *, index: bool = True) -> RunResult:
    from research.run.export import notebook_to_html
    from research.run.export.spreadsheet import write_spreadsheet
    from research.run.site import build_index

    html = out_dir / "report.html"
    try:  # a spreadsheet that cannot be written never costs the run its report
        spreadsheet = write_spreadsheet(out_dir, manifest.to_dict())
    except Exception as err:  # noqa: BLE001
        warnings.warn(f"report.xlsx not written: {type(err).__name__}: {err}", stacklevel=2)
        spreadsheet = None
    manifest.outputs = {
        "notebook": executed.name,
        "html": html.name,
        **({"spreadsheet": spreadsheet.name} if spreadsheet else {}),
        "tables": sorted(p.name for p in (out_dir / "tables").glob("*.csv")),
        "figures": sorted(p.name for p in (out_dir / "figures").glob("*.png")),
    }
    manifest.write(out_dir)
    data = manifest.to_dict()
    notebook_to_html(executed, data, html)
    if index:
        build_index(out_dir.parent.parent)
    return RunResult(manifest.status, out_dir, html, data)
