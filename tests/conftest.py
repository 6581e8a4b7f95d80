"""Shared fixtures."""

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True, scope="session")
def _away_from_a_running_session(tmp_path_factory):
    """Runs in tests never go to a workbench session the developer has running (``research
    session start``): sessions are found under ``$XDG_RUNTIME_DIR``, here a folder of the tests'
    own (the session tests start their own sessions there)."""
    old = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(tmp_path_factory.mktemp("runtime"))
    yield
    if old is None:
        os.environ.pop("XDG_RUNTIME_DIR", None)
    else:
        os.environ["XDG_RUNTIME_DIR"] = old


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium (``make setup`` installs it): installed with apt-get when missing, else
    the browser tests are skipped."""
    if not CHROMIUM.exists() and shutil.which("apt-get"):
        for command in (
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
        ):
            if CHROMIUM.exists():
                break
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(command, capture_output=True, timeout=900, check=False)
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed and `apt-get install -y chromium` did not work")
    return CHROMIUM


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))
