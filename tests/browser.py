"""Debian's Chromium for the browser tests (the 云视频 page, the staff console), driven by
Playwright's driver only: the executable is the system's (`executable_path`), installed with
apt-get when missing; a test skips, saying why, only when it cannot be installed. No browser
is ever downloaded by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """Debian's chromium, installed with apt-get if it is missing (or a skip, with why)."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None:
        pytest.skip("chromium is not installed and there is no apt-get to install it")
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium", "chromium-driver"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if done.returncode != 0 and command[1] == "install":
            pytest.skip(f"chromium could not be installed: {done.stderr[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed no chromium executable")
    return found


def artefacts(tmp_path: Path, name: str) -> Path:
    """Where a browser test saves its screenshots: `$YISHI_ARTEFACTS/<name>` when set (CI
    keeps that folder), else the test's tmp_path."""
    root = os.environ.get("YISHI_ARTEFACTS")
    folder = Path(root) / name if root else tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
