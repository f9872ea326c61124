"""`-o` naming something that is not a regular file. Outputs are written to a temporary file and
renamed over the name, so before these cases were defended `extract -o PIPE` replaced a named
pipe, `-o LINK` replaced the link itself, and as root `-o /dev/null` would have replaced the
system's /dev/null with a plain file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import CLEAN_RECORD, SEED_000, nianbao

TEXT = SEED_000.with_suffix(".txt")


def test_a_named_pipe_is_refused_and_left_alone(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for args in (["extract", str(TEXT)], ["rules"],
                 ["generate", "annual-report", str(CLEAN_RECORD)]):
        result = nianbao(*args, "-o", str(pipe))
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"nianbao: 输出路径是设备、管道或套接字，不是普通文件：{pipe}（请给一个文件名）"]
        assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_refused_and_left_alone(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = nianbao("extract", str(TEXT), "-o", str(null), lang="en")
    assert result.returncode == 2
    assert "the output is a device, a pipe or a socket" in result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_a_link_is_written_through_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "current.json"
    link.symlink_to(target)
    result = nianbao("extract", str(TEXT), "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("{")


def test_a_link_to_the_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_bytes(TEXT.read_bytes())
    link = tmp_path / "out.json"
    link.symlink_to(source)
    result = nianbao("extract", str(source), "-o", str(link))
    assert result.returncode == 2
    assert source.read_bytes() == TEXT.read_bytes()
