"""Shared fixtures."""

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


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
