"""An output that cannot be written is one line naming the user's path (exit 2), never the
hidden temporary file; a full disk keeps the old file and says which file it could not write.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from nianbao.cli.main import main
from nianbao.errors import OutputError
from nianbao.generate.atomic import write_atomic
from tests.conftest import SEED_000, one_line
from tests.conftest import nianbao as cli
from tests.hostile import full_folder, sealable_folder

SEED = SEED_000.with_suffix(".txt")




def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return cli(*args, lang="en")


def test_an_output_that_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out.json"
    folder.mkdir()
    line = one_line(nianbao("extract", str(SEED), "-o", str(folder)))

    assert "is a folder" in line and str(folder) in line and ".tmp" not in line
    assert list(folder.iterdir()) == []


def test_an_output_in_a_read_only_folder(tmp_path: Path) -> None:
    with sealable_folder(tmp_path) as (folder, seal):
        seal()
        line = one_line(nianbao("extract", str(SEED), "-o", str(folder / "rec.json")))

    assert "cannot write to the folder" in line and str(folder / "rec.json") in line
    assert ".tmp" not in line


def test_a_full_disk_names_the_file_and_keeps_the_old_one(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    out = tmp_path / "rec.json"
    out.write_text("old", encoding="utf-8")

    def no_space(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", no_space)
    with pytest.raises(SystemExit) as stopped:
        main(["extract", str(SEED), "-o", str(out), "--lang", "en"])
    err = capsys.readouterr().err

    assert stopped.value.code == 2
    assert err.strip() == f"nianbao: no space left on the disk to write {out} (any old file is kept)"
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["rec.json"]  # no temporary file left


def test_a_really_full_disk(tmp_path: Path) -> None:
    with full_folder(tmp_path) as folder:
        out = folder / "big.bin"
        with pytest.raises(OutputError) as caught:
            write_atomic(out, b"x" * 200_000)
        assert "no space left" in caught.value.message_en
        assert str(out) in caught.value.message_en
        assert list(folder.iterdir()) == []


def test_an_output_named_as_long_as_allowed_is_written(tmp_path: Path) -> None:
    out = tmp_path / ("汇" * 81 + ".pdf")  # 247 bytes: the temporary name must not be longer
    assert len(os.fsencode(out.name)) <= 255
    write_atomic(out, b"%PDF-1.4")
    assert out.read_bytes() == b"%PDF-1.4"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left
