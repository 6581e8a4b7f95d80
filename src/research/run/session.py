"""Warm reruns: a workbench session keeping a small pool of pre-started kernels.

``research session start`` starts a long-lived local process (one per user and project) that
keeps :data:`POOL_SIZE` kernels of the project's ``research`` kernel started, each with the
notebooks' imports done (pandas, numpy, matplotlib, seaborn, statsmodels, scipy, pyarrow and the
``research`` packages the notebooks use). While it runs, ``research run``, the workers of
``research batch`` and :func:`run` (for JupyterLab users: ``from research.run.session import run``)
hand their runs to it; without a session they run as before, each on a kernel of its own.

Nothing is shared between reports: each kernel serves exactly one run and is then shut down and
replaced; imports are the only thing done ahead (no data is loaded, nothing is left in the
kernel's namespace: the imports run silently, so even execution counts start at 1). The session
validates the parameters (relative paths against the caller's working directory), runs the
notebook with papermill on the pre-started kernel (:func:`research.run.runner.run_notebook` with
``kernel=``) and exports the HTML in its own process, where nbconvert is already imported. The
manifest's ``kernel`` field records ``{"pre_started": true, ...}``. A pre-started kernel that has
died is replaced by a new one, as a kernel that fails to start.

Safe by default: the session listens only on a Unix socket in a folder of its own
(``$XDG_RUNTIME_DIR/research`` or ``<tmp>/research-<uid>``, mode 0700; the socket mode 0600), checks
that every caller is the same user (``SO_PEERCRED``), and a caller checks that the socket belongs
to it before connecting. It runs the code it was started with: when the ``research`` package
changes on disk (or a caller imports another copy of it), the session declines and the run starts
its own kernel, with a note to restart the session. ``RESEARCH_SESSION=off`` makes a run ignore a
session.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import queue
import shutil
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from research.core.paths import project_root, reports_dir

__all__ = [
    "POOL_SIZE",
    "SessionError",
    "WarmKernel",
    "run",
    "socket_path",
    "start",
    "status",
    "stop",
]

POOL_SIZE = 2
"""Kernels kept started by default."""

WARM_MODULES = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "pyarrow.dataset",  # pandas.read_parquet
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",  # the kernel's backend, loaded with the first figure
    "PIL.features",
    "seaborn",
    "statsmodels.api",
    "research.core.checks",
    "research.data.datasets",
    "research.data.ingest",
    "research.data.snapshots",
    "research.present.show",
    "research.present.report",
    "research.present.plots",
)
"""Modules imported in every pre-started kernel, besides each topic's ``research.<topic>.report``."""

START_TIMEOUT = 120.0
"""Seconds a kernel may take to start and import :data:`WARM_MODULES`."""

#: Environment variables a notebook reads, passed from the caller to the kernel of its run (a
#: cold kernel inherits them from the caller; a pre-started one from the session otherwise).
CALLER_ENVIRONMENT = ("RESEARCH_REPORTS_DIR",)

#: ``RESEARCH_SESSION`` values that make runs ignore a session.
OFF_WORDS = {"off", "0", "no", "false", "cold"}


class SessionError(RuntimeError):
    """No session to talk to, or the session failed to do what it was asked."""


# ----------------------------------------------------------------------------- where


def _private_dir() -> Path:
    """A folder only this user can enter (created mode 0700; refused if anyone else can)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = (
        Path(runtime) / "research"
        if runtime and Path(runtime).is_dir()
        else Path(tempfile.gettempdir()) / f"research-{os.getuid()}"
    )
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = base.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not base.is_dir():
        raise SessionError(
            f"{base} is not a private folder of this user (owner and mode 0700 expected); "
            "remove it and start the session again."
        )
    return base


def _key(root: Path) -> str:
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]


def socket_path(root: Path | None = None) -> Path:
    """The session socket of the project at ``root`` (default: this project)."""
    return _private_dir() / f"session-{_key(root or project_root())}.sock"


def _log_path(root: Path) -> Path:
    return _private_dir() / f"session-{_key(root)}.log"


def _package_hash() -> str:
    from research.run.runner import package_hash

    return package_hash()


# ----------------------------------------------------------------------------- kernels


def warm_modules(root: Path) -> list[str]:
    """:data:`WARM_MODULES` and every topic's ``research.<topic>.report`` that exists."""
    package = Path(__file__).resolve().parents[1]
    topics = sorted(
        f"research.{p.parent.name}.report"
        for p in package.glob("*/report.py")
        if p.parent.name not in ("run", "present", "data", "core")
    )
    return [*WARM_MODULES, *topics]


def _warm_code(modules: list[str]) -> str:
    """Code importing ``modules`` without leaving a name in the kernel's namespace."""
    return (
        "def __research_warm(names):\n"
        "    import importlib\n"
        "    failed = []\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            failed.append(name)\n"
        "    return failed\n"
        f"__research_warm_failed = __research_warm({modules!r})\n"
        "del __research_warm\n"
    )


class WarmKernel:
    """A started kernel with the notebooks' imports done, for one run (then shut down).

    :meth:`start` starts it; :meth:`prepare` gives it the run's environment and folder;
    :meth:`manager_class` hands it to papermill (nbclient then uses it and shuts it down at the
    end as it would a kernel it started); :meth:`discard` makes sure it is gone.
    """

    def __init__(self, manager, socket_dir: Path, seconds: float, failed: list[str]):
        self.manager = manager
        self.socket_dir = socket_dir
        self.start_seconds = seconds
        self.failed_imports = failed
        self.ready_at = time.time()
        self.used = False
        self.caller_env: dict[str, str | None] = {}

    @classmethod
    def start(cls, root: Path, modules: list[str] | None = None) -> WarmKernel:
        """Start the project's kernel over IPC and import ``modules`` (default
        :func:`warm_modules`) silently."""
        from jupyter_client.manager import KernelManager

        from research.run.runner import _kernel_config, _kernel_name

        clock = time.perf_counter()
        socket_dir = Path(tempfile.mkdtemp(prefix="research-kernel-"))
        manager = KernelManager(kernel_name=_kernel_name(), config=_kernel_config(socket_dir))
        env = {k: v for k, v in os.environ.items() if k != "RESEARCH_RUN_DIR"}
        env["RESEARCH_ROOT"] = str(root)
        try:
            manager.start_kernel(cwd=str(root), env=env)
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=START_TIMEOUT)
                code = _warm_code(modules if modules is not None else warm_modules(root))
                reply = client.execute_interactive(
                    code,
                    silent=True,
                    store_history=False,
                    user_expressions={"failed": "__research_warm_failed"},
                    timeout=START_TIMEOUT,
                    output_hook=lambda msg: None,
                )
                client.execute_interactive(
                    "del __research_warm_failed",
                    silent=True,
                    store_history=False,
                    timeout=START_TIMEOUT,
                    output_hook=lambda msg: None,
                )
            finally:
                client.stop_channels()
        except BaseException:
            with contextlib.suppress(Exception):
                manager.shutdown_kernel(now=True)
            shutil.rmtree(socket_dir, ignore_errors=True)
            raise
        failed = []
        expression = reply.get("content", {}).get("user_expressions", {}).get("failed", {})
        if expression.get("status") == "ok":
            text = expression.get("data", {}).get("text/plain", "[]")
            failed = [t.strip(" '\"") for t in text.strip("[]").split(",") if t.strip()]
        return cls(manager, socket_dir, time.perf_counter() - clock, failed)

    def alive(self) -> bool:
        try:
            return bool(self.manager.is_alive())
        except Exception:
            return False

    def prepare(self, env: dict[str, str], cwd: Path) -> None:
        """Set the run's environment variables and working folder in the kernel, silently
        (a cold kernel gets them when it starts)."""
        if self.used:
            raise SessionError("a pre-started kernel serves one run only")
        self.used = True
        values = {**{k: v for k, v in self.caller_env.items() if v is not None}, **env}
        unset = [k for k, v in self.caller_env.items() if v is None and k not in env]
        code = (
            f"(lambda os: (os.environ.update({values!r}), [os.environ.pop(k, None) for k in "
            f"{unset!r}], os.chdir({str(cwd)!r})))(__import__('os'))"
        )
        client = self.manager.client()
        client.start_channels()
        try:
            reply = client.execute_interactive(
                code, silent=True, store_history=False, timeout=30, output_hook=lambda msg: None
            )
        finally:
            client.stop_channels()
        if reply.get("content", {}).get("status") != "ok":
            raise SessionError(f"the pre-started kernel refused its run's setup: {reply}")

    def manager_class(self) -> type:
        """A kernel manager class whose every instance is this kernel's manager (papermill's
        ``kernel_manager_class``): nbclient finds the kernel started and uses it."""
        manager = self.manager

        class PreStarted(type(manager)):
            def __new__(cls, *args, **kwargs):
                return manager

        return PreStarted

    def discard(self) -> None:
        """Shut the kernel down (now) and remove its sockets; safe to call twice."""
        self.used = True
        with contextlib.suppress(Exception):
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            self.manager.cleanup_resources()
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def describe(self, used: bool = True) -> dict[str, Any]:
        """The manifest's ``kernel`` field."""
        return {
            "pre_started": bool(used),
            "waited_seconds": round(time.time() - self.ready_at, 1),
            "start_seconds": round(self.start_seconds, 2),
            "failed_imports": list(self.failed_imports),
        }


class Pool:
    """``size`` pre-started kernels; a kernel taken is replaced once its run is done (at once
    when none is left)."""

    def __init__(self, root: Path, size: int = POOL_SIZE):
        self.root = root
        self.size = max(1, int(size))
        self.ready: queue.Queue[WarmKernel] = queue.Queue()
        self.starting = 0
        self.failures = 0
        self.last_error = ""
        self.closed = False
        self.lock = threading.Lock()
        self.modules = warm_modules(root)

    def fill(self) -> None:
        """Start kernels until ``size`` are ready or starting."""
        with self.lock:
            missing = self.size - self.ready.qsize() - self.starting
            if self.closed or missing <= 0 or self.failures >= 3 * self.size:
                return
            self.starting += missing
        for _ in range(missing):
            threading.Thread(target=self._start_one, daemon=True).start()

    def _start_one(self) -> None:
        kernel = None
        try:
            kernel = WarmKernel.start(self.root, self.modules)
        except Exception as exc:
            with self.lock:
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
        finally:
            with self.lock:
                self.starting -= 1
                closed = self.closed
        if kernel is not None:
            if closed:
                kernel.discard()
            else:
                self.ready.put(kernel)
                with self.lock:
                    self.failures = 0
        if kernel is None:
            time.sleep(1.0)
        self.fill()

    def take(self, timeout: float = START_TIMEOUT) -> WarmKernel | None:
        """A ready kernel (waiting for one being started), or ``None`` when none comes."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    kernel = self.ready.get(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
                except queue.Empty:
                    with self.lock:
                        hopeless = self.starting == 0 and self.failures >= 3 * self.size
                    if hopeless or time.monotonic() >= deadline:
                        return None
                    continue
                if kernel.alive():
                    return kernel
                kernel.discard()
        finally:
            if self.ready.empty():  # else the replacement starts once the run is done
                self.fill()

    def close(self) -> None:
        with self.lock:
            self.closed = True
        while True:
            try:
                self.ready.get_nowait().discard()
            except queue.Empty:
                break

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "size": self.size,
                "ready": self.ready.qsize(),
                "starting": self.starting,
                "failures": self.failures,
                "last_error": self.last_error,
            }


# ----------------------------------------------------------------------------- server


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        if not server.same_user(self.request):
            return
        try:
            message = json.loads(self.rfile.readline().decode("utf-8") or "{}")
        except ValueError:
            self._reply({"ok": False, "error": "bad request"})
            return
        op = message.get("op")
        if op == "status":
            self._reply({"ok": True, **server.describe()})
        elif op == "run":
            self._reply(server.run(message))
        elif op == "stop":
            self._reply({"ok": True, "stopping": True})
            threading.Thread(target=server.shutdown, daemon=True).start()
        else:
            self._reply({"ok": False, "error": f"unknown op {op!r}"})

    def _reply(self, value: dict[str, Any]) -> None:
        self.wfile.write(json.dumps(value, default=str).encode("utf-8") + b"\n")
        self.wfile.flush()


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path, root: Path, size: int):
        self.path = path
        self.root = root
        self.package = _package_hash()
        self.pool = Pool(root, size)
        self.started = datetime.now(UTC)
        self.runs = 0
        self.cold_runs = 0
        old = os.umask(0o177)  # the socket is created mode 0600
        try:
            super().__init__(str(path), _Handler)
        finally:
            os.umask(old)
        os.chmod(path, 0o600)

    def same_user(self, connection: socket.socket) -> bool:
        """Whether the peer is this user (Linux ``SO_PEERCRED``; elsewhere the folder's mode)."""
        option = getattr(socket, "SO_PEERCRED", None)
        if option is None:
            return True
        data = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", data)
        return uid == os.getuid()

    def describe(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "root": str(self.root),
            "socket": str(self.path),
            "started": self.started.isoformat(timespec="seconds"),
            "package": self.package,
            "stale": _package_hash() != self.package,
            "runs": self.runs,
            "cold_runs": self.cold_runs,
            "kernels": self.pool.state(),
        }

    def run(self, message: dict[str, Any]) -> dict[str, Any]:
        from research.run.params import ParameterError, read_parameters
        from research.run.runner import run_notebook

        current = _package_hash()
        if message.get("package") != self.package or current != self.package:
            return {
                "ok": False,
                "stale": True,
                "error": "the session runs another version of the research package than this "
                "run (code changed since it started): research session stop, then start",
            }
        kwargs = message["kwargs"]
        kernel = None
        try:
            # Bad parameters are refused before a kernel is taken (run_notebook checks again).
            read_parameters(kwargs["path"]).validate(kwargs.get("parameters"), kwargs.get("base"))
            kernel = self.pool.take()
            if kernel is None:
                self.cold_runs += 1
            else:
                kernel.caller_env = dict(message.get("environment") or {})
            result = run_notebook(**kwargs, kernel=kernel)
        except ParameterError as err:
            return {"ok": False, "parameter_error": {"message": str(err), "line": err.line}}
        except Exception as err:
            return {"ok": False, "error": f"{type(err).__name__}: {err}"}
        finally:
            if kernel is not None:
                kernel.discard()
            # Replaced after the run, not during it: starting a kernel takes the CPU the run needs.
            self.pool.fill()
        self.runs += 1
        return {
            "ok": True,
            "status": result.status,
            "run_dir": str(result.run_dir),
            "html": str(result.html),
            "manifest": result.manifest,
        }

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _warm_up() -> None:
    """Import what every run needs and compile the report templates, once per session: a run
    then pays for neither (parameter paths resolve through the dataset registry)."""
    import nbformat

    from research.data import datasets  # noqa: F401
    from research.run import runner, site  # noqa: F401
    from research.run.export import html, spreadsheet  # noqa: F401

    html.render_report(nbformat.v4.new_notebook(), {}, Path.cwd())


def serve(root: Path | None = None, size: int = POOL_SIZE) -> None:
    """Run the session in this process until it is asked to stop (or gets SIGTERM)."""
    import signal

    root = (root or project_root()).resolve()
    os.environ["RESEARCH_ROOT"] = str(root)
    path = socket_path(root)
    if _ping(path) is not None:
        raise SessionError(f"a session is already running on {path}")
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # left by a session that was killed
    _warm_up()

    server = _Server(path, root, size)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.pool.fill()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


# ----------------------------------------------------------------------------- client


def _connect(path: Path, timeout: float | None) -> socket.socket:
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise SessionError("no session is running") from None
    if info.st_uid != os.getuid():
        raise SessionError(f"{path} belongs to another user: not used")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except OSError as err:
        sock.close()
        raise SessionError(f"no session answers on {path} ({err.strerror or err})") from None
    return sock


def _request(
    message: dict[str, Any], root: Path | None = None, timeout: float | None = None
) -> dict[str, Any]:
    path = socket_path(root)
    with _connect(path, timeout) as sock:
        sock.sendall(json.dumps(message, default=str).encode("utf-8") + b"\n")
        chunks = []
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                break
    if not chunks:
        raise SessionError("the session closed the connection without an answer")
    return json.loads(b"".join(chunks).decode("utf-8"))


def _ping(path: Path) -> dict[str, Any] | None:
    try:
        with _connect(path, 5.0) as sock:
            sock.sendall(b'{"op": "status"}\n')
            data = sock.makefile("rb").readline()
        return json.loads(data.decode("utf-8")) if data else None
    except (SessionError, OSError, ValueError):
        return None


def status(root: Path | None = None) -> dict[str, Any] | None:
    """The running session's state (pid, kernels ready and starting, runs), or ``None``."""
    try:
        return _ping(socket_path(root))
    except SessionError:
        return None


def start(
    size: int = POOL_SIZE, *, root: Path | None = None, wait: bool = True, timeout: float = 180.0
) -> dict[str, Any]:
    """Start a session in the background (if none is running) and return its state.

    With ``wait``, return once its ``size`` kernels are ready (or ``timeout`` seconds have passed).
    Its log is ``session-<key>.log`` beside its socket.
    """
    root = (root or project_root()).resolve()
    current = status(root)
    if current is None:
        log = _log_path(root)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        env = {**os.environ, "RESEARCH_ROOT": str(root)}
        env.pop("RESEARCH_RUN_DIR", None)
        subprocess.Popen(
            [sys.executable, "-m", "research.run.session", "serve", "--kernels", str(size)],
            cwd=str(root),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(fd)
    deadline = time.monotonic() + timeout
    while True:
        current = status(root)
        if current is not None and (
            not wait or current["kernels"]["ready"] >= current["kernels"]["size"]
        ):
            return current
        if time.monotonic() > deadline:
            if current is None:
                raise SessionError(
                    f"the session did not start within {timeout:g} s; see {_log_path(root)}"
                )
            return current
        time.sleep(0.2)


def stop(root: Path | None = None, timeout: float = 30.0) -> bool:
    """Stop the running session (its kernels are shut down); ``False`` when none was running."""
    try:
        _request({"op": "stop"}, root, timeout=10.0)
    except (SessionError, OSError):
        return False
    deadline = time.monotonic() + timeout
    path = socket_path(root)
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def run(
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
):
    """Run a notebook like :func:`research.run.runner.run_notebook`: on a pre-started kernel of
    the running session when there is one, else on a kernel of its own.

    From JupyterLab: ``from research.run.session import run`` then
    ``run("../notebooks/10_pay_gap.ipynb", {"dataset": "cincinnati"})``; the result's ``html``
    is the report and ``manifest["kernel"]`` says whether a pre-started kernel ran it.
    """
    from research.run.runner import RunResult, run_notebook

    kwargs = {
        "reports": reports,
        "progress": progress,
        "timeout": timeout,
        "run_id": run_id,
        "run_timeout": run_timeout,
        "extra": extra,
        "index": index,
    }
    if os.environ.get("RESEARCH_SESSION", "").strip().lower() not in OFF_WORDS:
        try:
            reply = _request(
                {
                    "op": "run",
                    "package": _package_hash(),
                    "environment": {k: os.environ.get(k) for k in CALLER_ENVIRONMENT},
                    "kwargs": {
                        **kwargs,
                        "path": str(Path(path).resolve()),
                        "parameters": dict(parameters or {}),
                        "reports": str(Path(reports or reports_dir()).resolve()),
                        "progress": False,
                        "base": str(Path(base).resolve() if base else Path.cwd()),
                    },
                }
            )
        except SessionError:
            reply = None  # no session: a kernel of its own
        if reply is not None:
            if reply.get("ok"):
                return RunResult(
                    reply["status"], Path(reply["run_dir"]), Path(reply["html"]), reply["manifest"]
                )
            if "parameter_error" in reply:
                from research.run.params import ParameterError

                err = reply["parameter_error"]
                raise ParameterError(err["message"], err.get("line") or "")
            if not reply.get("stale"):
                raise SessionError(f"the session failed to run {path}: {reply.get('error')}")
            print(f"note: {reply.get('error')}; running without it.", file=sys.stderr)
    return run_notebook(path, parameters, base=base, **kwargs)


def main(argv: list[str] | None = None) -> None:
    """``python -m research.run.session serve [--kernels N]`` (what ``research session start``
    runs in the background)."""
    parser = argparse.ArgumentParser(prog="python -m research.run.session")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--kernels", type=int, default=POOL_SIZE)
    args = parser.parse_args(argv)
    serve(size=args.kernels)


if __name__ == "__main__":
    main()
