"""`batch` reads only the regular files of its inbox: links are not followed unless asked, and
pipes, devices and dangling links are counted and listed instead of read or dropped silently.

Before, a link x.txt → /etc/passwd was read and its content written to the output.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.batch import run_batch
from tests.conftest import ROOT, SEED_000

SECRET = "TOP-SECRET-OUTSIDE-THE-INBOX"


def hostile_inbox(tmp_path: Path) -> Path:
    """good.txt, a link out of the inbox, a link inside it, a dangling link, a folder link out
    of the inbox, a named pipe, and (as root) a device."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(f"单位名称 {SECRET}\n", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "inner.txt").write_text(f"单位名称 {SECRET}\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_000.with_suffix(".txt"), inbox / "good.txt")
    (inbox / "leaves.txt").symlink_to(outside / "passwd.txt")
    (inbox / "stays.txt").symlink_to(inbox / "good.txt")
    (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (inbox / "linked-folder").symlink_to(outside / "folder")
    os.mkfifo(inbox / "pipe.txt")
    try:
        os.mknod(inbox / "null.pdf", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pass
    return inbox


def rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {r["path"]: r for r in csv.DictReader(fh)}


def everything_written(out: Path) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*")
                   if p.is_file() and not p.name.startswith(".nianbao"))


def test_links_are_not_followed_and_every_entry_is_accounted_for(tmp_path: Path) -> None:
    inbox = hostile_inbox(tmp_path)
    out = tmp_path / "out"
    summary = run_batch(inbox, out, workers=1, timeout=30)
    found = rows(out)

    assert SECRET not in everything_written(out)
    assert found["good.txt"]["status"] == "ok"
    expected = {"leaves.txt": "link", "stays.txt": "link", "linked-folder": "link",
                "dangling.txt": "dangling-link", "pipe.txt": "fifo"}
    if (inbox / "null.pdf").exists():
        expected["null.pdf"] = "device"
    assert {p: r["failure"] for p, r in found.items() if r["status"] == "failed"} == expected
    assert "--follow-links" in found["leaves.txt"]["message_en"]
    assert summary.not_read["link"] == 3 and summary.not_read["fifo"] == 1
    assert "not read: 1 dangling link(s)" in summary.line("en")
    assert "3 symbolic link(s)" in summary.line("en")


def test_follow_links_reads_them_but_never_a_pipe_or_a_dangling_link(tmp_path: Path) -> None:
    inbox = hostile_inbox(tmp_path)
    out = tmp_path / "out"
    summary = run_batch(inbox, out, workers=1, timeout=30, follow_links=True)
    found = rows(out)

    assert found["stays.txt"]["status"] == "ok"
    assert found["leaves.txt"]["status"] in ("ok", "failed")  # read: the user asked for it
    assert found["leaves.txt"]["failure"] != "link"
    assert "linked-folder/inner.txt" in found
    assert found["dangling.txt"]["failure"] == "dangling-link"
    assert found["pipe.txt"]["failure"] == "fifo"
    assert "link" not in summary.not_read


def test_a_link_back_up_the_tree_is_not_a_loop(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    shutil.copy(SEED_000.with_suffix(".txt"), inbox / "sub" / "good.txt")
    (inbox / "sub" / "up").symlink_to(inbox)
    summary = run_batch(inbox, tmp_path / "out", workers=1, timeout=30, follow_links=True)

    assert summary.not_read == {"link-loop": 1}
    assert summary.checked == 1


def test_cli_exit_2_and_a_rerun_says_nothing_new(tmp_path: Path) -> None:
    inbox = hostile_inbox(tmp_path)
    out = tmp_path / "out"

    def batch() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "nianbao", "batch", str(inbox), "--out",
                               str(out), "--workers", "1", "--lang", "en"], capture_output=True,
                              text=True, cwd=ROOT, timeout=300, check=False)

    first, second = batch(), batch()

    assert first.returncode == second.returncode == 2
    assert "not read:" in first.stdout and "Traceback" not in first.stderr
    assert "nothing new to check" in second.stdout and "0.0 files/s" not in second.stdout
    assert SECRET not in first.stdout + first.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_check_on_a_named_pipe_does_not_block(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    result = subprocess.run([sys.executable, "-m", "nianbao", "check", str(pipe), "--lang", "en"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)

    assert result.returncode == 2 and "not a file" in result.stderr
