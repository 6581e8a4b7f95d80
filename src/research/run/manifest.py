"""The run manifest: ``reports/<notebook>/<run-id>/manifest.json``, typed, with one writer and one reader.

A :class:`Manifest` records what a run did: the notebook, its validated parameters, the SHA-256 of
every input file, git state, Python and package versions, code hashes, timings, the seed, the
status and the error of a failed run, its outputs, and (batch runs) its plan. The runner writes it
twice through :meth:`Manifest.write`: at the start with status ``running`` (so an interrupted run
leaves a trace) and at the end with the outcome. :func:`read` and :func:`read_lenient` are the only
ways the runner, batch, verify and the site read it. ``schema`` is the version of this layout;
manifests written before it existed have none and read as schema 0.

JSON fields (schema 1): ``schema``, ``run_id``, ``notebook``, ``notebook_stem``, ``title``,
``parameters``, ``seed``, ``inputs`` (``path``, ``sha256``, ``bytes``), ``git`` (``commit``,
``dirty``), ``python``, ``packages``, ``platform``, ``started``, ``finished``,
``duration_seconds``, ``command``, ``code`` (``notebook``, ``package``), ``status``
(``running``, ``succeeded``, ``failed``), ``error``, ``outputs`` (``notebook``, ``html``,
``spreadsheet`` when the run published tables, ``tables``, ``figures``), ``pid`` and ``host`` (the process that ran it), ``kernel_retries`` (kernel
starts that failed and were retried), ``plan`` (batch runs only), and any extra fields a caller adds.

Interrupted runs: a run killed outright (SIGKILL, power cut) leaves its manifest with status
``running``. :func:`effective_status` reads such a manifest as ``interrupted`` when it was written on
this host and its process ``pid`` no longer exists (or is a zombie). Any ``running`` manifest
(another host, no ``pid`` in older manifests, or a process number that may have been reused) is
``interrupted`` once its start is more than :data:`STALE_AFTER` seconds (48 hours) ago.
``interrupted`` is never written to a file: it is how the site index and ``research batch`` read a
``running`` manifest whose process is gone (a batch runs it again).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = [
    "FILE_NAME",
    "SCHEMA",
    "Manifest",
    "effective_status",
    "ManifestError",
    "read",
    "read_lenient",
]

SCHEMA = 1
"""Version of the manifest layout written by this code."""

FILE_NAME = "manifest.json"
REQUIRED_FIELDS = ("status",)
"""A manifest without these fields is partial (e.g. written by an interrupted run)."""

STATUSES = ("running", "succeeded", "failed")
INTERRUPTED = "interrupted"
STALE_AFTER = 48 * 3600
"""Seconds after which a ``running`` manifest whose process cannot be checked is interrupted."""


class ManifestError(ValueError):
    """A manifest file that cannot be read (missing, not JSON, not an object)."""


@dataclass
class Manifest:
    """One run's manifest (see the module docstring for the fields)."""

    run_id: str
    notebook: str
    notebook_stem: str
    title: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    seed: Any = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    git: dict[str, Any] = field(default_factory=dict)
    python: str = ""
    packages: dict[str, str] = field(default_factory=dict)
    platform: str = ""
    started: str = ""
    finished: str | None = None
    duration_seconds: float | None = None
    command: str = ""
    code: dict[str, str] = field(default_factory=dict)
    status: str = "running"
    error: dict[str, Any] | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] | None = None
    pid: int | None = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    kernel_retries: int = 0
    schema: int = SCHEMA
    extra: dict[str, Any] = field(default_factory=dict)
    """Fields this class does not know (kept as they are on reading and writing)."""

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: ``schema`` first, ``plan`` only for batch runs, extra fields last."""
        data = asdict(self)
        extra = data.pop("extra")
        if data["plan"] is None:
            data.pop("plan")
        return {"schema": data.pop("schema"), **data, **extra}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Manifest:
        """A manifest from its JSON object; older manifests (no ``schema``) read as schema 0."""
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {k: v for k, v in data.items() if k in known}
        values.setdefault("schema", 0)
        values.setdefault("run_id", "")
        values.setdefault("notebook", "")
        values.setdefault("notebook_stem", Path(str(values["notebook"])).stem)
        for name in ("parameters", "git", "packages", "code", "outputs"):
            if not isinstance(values.get(name), Mapping):
                values.pop(name, None)
        if not isinstance(values.get("inputs"), list):
            values.pop("inputs", None)
        extra = {k: v for k, v in data.items() if k not in known}
        return cls(**values, extra=extra)

    def update(self, **values: Any) -> Manifest:
        """Set fields (unknown names go to ``extra``); returns ``self``."""
        known = {f.name for f in fields(self)} - {"extra"}
        for name, value in values.items():
            if name in known:
                setattr(self, name, value)
            else:
                self.extra[name] = value
        return self

    def write(self, run_dir: str | Path) -> Path:
        """Write ``run_dir/manifest.json`` atomically (the one writer of manifests)."""
        from research.run.export.files import write_atomically

        path = Path(run_dir) / FILE_NAME
        try:  # atomic: a failed write (disk full) leaves the previous file or none, never 0 bytes
            write_atomically(path, json.dumps(self.to_dict(), indent=2, default=str) + "\n")
        except OSError as err:
            if err.filename:
                raise
            raise OSError(err.errno, err.strerror or str(err), str(path)) from err
        return path


def _path(run_dir_or_file: str | Path) -> Path:
    path = Path(run_dir_or_file)
    return path / FILE_NAME if path.is_dir() else path


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read file: {exc.__class__.__name__}") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ManifestError("not a JSON object")
    return data


def read(run_dir_or_file: str | Path) -> Manifest:
    """Read a run's manifest (a run folder or the file itself).

    Raises
    ------
    ManifestError
        When the file is missing, unreadable, not JSON or not a JSON object.
    """
    return Manifest.from_dict(_load_json(_path(run_dir_or_file)))


def read_lenient(run_dir_or_file: str | Path) -> tuple[dict[str, Any], str | None]:
    """Read a manifest as its JSON object without ever raising.

    Returns
    -------
    tuple of (dict, str or None)
        The manifest's fields (possibly partial, ``{}`` when unreadable) and the reason it cannot
        be trusted, or ``None`` when it is complete.
    """
    try:
        data = _load_json(_path(run_dir_or_file))
    except ManifestError as err:
        return {}, str(err)
    missing = [name for name in REQUIRED_FIELDS if not data.get(name)]
    if missing:
        return data, "missing " + ", ".join(missing)
    return data, None


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    try:  # a killed child not yet reaped by its parent is a zombie: gone for our purpose
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def effective_status(data: Mapping[str, Any], *, now: float | None = None) -> str:
    """The status to show for a manifest: ``interrupted`` for a ``running`` one whose process is gone.

    See the module docstring for the rule (same host and dead ``pid``; otherwise older than
    :data:`STALE_AFTER`).
    """
    import time
    from datetime import datetime

    status = str(data.get("status") or "")
    if status != "running":
        return status
    pid, host = data.get("pid"), data.get("host")
    here = isinstance(pid, int) and not isinstance(pid, bool) and host == socket.gethostname()
    if here and not _process_alive(pid):
        return INTERRUPTED
    try:
        started = datetime.fromisoformat(str(data.get("started"))).timestamp()
    except ValueError:
        return INTERRUPTED
    # a process of that number may be another one by now (or on another host): time decides
    return INTERRUPTED if (now or time.time()) - started > STALE_AFTER else "running"
