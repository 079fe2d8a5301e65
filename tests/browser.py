"""Debian's Chromium for the browser tests (the 云视频 page, the staff console), driven by
Playwright's driver only: the executable is the system's (`executable_path`), installed with
apt-get when missing; a test skips, saying why, only when it cannot be installed. No browser
is ever downloaded by Playwright. A CJK font (Debian's fonts-noto-cjk) is installed the same
way when there is none, so the screenshots show Chinese rather than boxes; without one the
tests still run (said once, on the terminal)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
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
        cjk_font()
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
    cjk_font()
    return found


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=60)
    return listed.returncode == 0 and bool(listed.stdout.strip())


@functools.cache
def cjk_font() -> bool:
    """Whether a font with Chinese glyphs is installed (`fc-list :lang=zh`), after installing
    Debian's fonts-noto-cjk with apt-get when none is. Never skips: without one the pages
    render the same, only the screenshots show boxes for Chinese, and the terminal is told
    once per test process."""
    if _has_cjk_font():
        return True
    why = "there is no apt-get to install fonts-noto-cjk"
    if shutil.which("apt-get") is not None:
        install = ["apt-get", "install", "-y", "--no-install-recommends"]
        install += ["-o", "DPkg::Lock::Timeout=300", "fonts-noto-cjk"]
        done = subprocess.run(install, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:  # an outdated package list: update once, then again
            subprocess.run(["apt-get", "update"], capture_output=True, text=True, timeout=900)
            done = subprocess.run(install, capture_output=True, text=True, timeout=900)
        why = (
            "fonts-noto-cjk is installed, yet fc-list names no font for zh"
            if done.returncode == 0
            else f"fonts-noto-cjk could not be installed: {done.stderr[-300:].strip()}"
        )
        if _has_cjk_font():
            return True
    print(
        f"\ntests/browser.py: no CJK font ({why}); the screenshots show boxes for Chinese",
        file=sys.__stderr__,
    )
    return False


def artefacts(tmp_path: Path, name: str) -> Path:
    """Where a browser test saves its screenshots: `$YISHI_ARTEFACTS/<name>` when set (CI
    keeps that folder), else the test's tmp_path."""
    root = os.environ.get("YISHI_ARTEFACTS")
    folder = Path(root) / name if root else tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
