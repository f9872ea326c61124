"""Helpers for the hostile-input tests: places a program cannot write to, or that fill up.

Root ignores permission bits, so as root a read-only or full folder is a small tmpfs mounted for
the test (and unmounted after); without root, permission bits do. When neither is possible the
test is skipped, never passed silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount_tmpfs(folder: Path, size: str) -> bool:
    mount = shutil.which("mount")
    return bool(mount) and subprocess.run(
        [str(mount), "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True, check=False).returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True, check=False)


@contextmanager
def sealable_folder(parent: Path) -> Iterator[tuple[Path, Callable[[], None]]]:
    """(folder, seal): fill the folder, then call seal() to make it read-only."""
    folder = parent / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        def seal() -> None:
            for path in folder.iterdir():
                path.chmod(0o444)
            folder.chmod(0o555)
        try:
            yield folder, seal
        finally:
            folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "8m"):
        pytest.skip("running as root without a way to make a read-only folder")

    def remount() -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    try:
        yield folder, remount
    finally:
        _umount(folder)


@contextmanager
def full_folder(parent: Path, size: str = "64k") -> Iterator[Path]:
    """A folder on a tiny tmpfs (root only); skips the test when one cannot be mounted."""
    folder = parent / "full"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount_tmpfs(folder, size):
        pytest.skip("cannot mount a small tmpfs here (the ENOSPC case is also injected)")
    try:
        yield folder
    finally:
        _umount(folder)
