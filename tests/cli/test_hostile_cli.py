"""Hostile input at the command line: what a user sees is one safe line and a documented exit code.

Each hostile file is made here from a recipe, in a temporary folder. docs/hostile-inputs.md lists
the cases with the behaviour and exit code these tests hold.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from nianbao.cli.main import main
from tests.conftest import SEED_000, nianbao

# What a terminal would act on: ESC, BEL, the C1 controls, bidi overrides.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ATTACK = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[8m\x9b32mOK 没有发现问题\u202e"



def seed_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = SEED_000.with_suffix(".txt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_terminal_escapes_in_a_document_are_shown_not_obeyed(tmp_path: Path) -> None:
    path = seed_with(tmp_path, "escape.txt", "汨罗市城西开发区民政局机关大院内",
                     "汨罗市城西开发区" + ATTACK)
    for args in (["--record"], ["--lang", "en", "--record"]):
        result = nianbao("check", str(path), *args)
        assert result.returncode == 1
        assert not ACTIVE.search(result.stdout + result.stderr)
        assert "␛[2J" in result.stdout and "<U+009B>" in result.stdout


def test_a_file_name_with_escapes_is_printed_safely(tmp_path: Path) -> None:
    path = tmp_path / "a\x1b[2Jb.txt"
    path.write_text("没有表格的一句话。", encoding="utf-8")
    missing = tmp_path / "x\x1b]0;t\x07.txt"
    result = nianbao("check", str(path), str(missing))

    assert not ACTIVE.search(result.stdout + result.stderr)
    assert "a␛[2Jb.txt" in result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and result.returncode == 2


def test_json_output_is_valid_and_carries_controls_only_as_escapes(tmp_path: Path) -> None:
    path = seed_with(tmp_path, "escape.txt", "汨罗市城西开发区民政局机关大院内",
                     "汨罗市城西开发区" + ATTACK)
    result = nianbao("check", str(path), "--format", "json")
    data = json.loads(result.stdout)

    assert not ACTIVE.search(result.stdout)
    assert ATTACK.rstrip("\u202e") in data["record"]["address"]  # the value itself is kept


def test_an_unreadable_file_among_good_ones_is_one_line_and_the_others_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("单位名称 x\n", encoding="utf-8")
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads any file: make this one behave as mode 000 does for everyone else
        real_access, real_open = os.access, Path.open

        def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
            return False if str(path) == str(locked) else real_access(path, mode, *args, **kwargs)

        def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(os, "access", access)
        monkeypatch.setattr(Path, "open", open_)
    good = SEED_000.with_suffix(".txt")
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(good), str(locked), str(good), "--lang", "en"])
    out, err = capsys.readouterr()

    assert stopped.value.code == 2
    assert err.strip() == f"nianbao: cannot read file: {locked} (Permission denied)"
    assert out.count("== ") == 2  # both good files were checked


def test_english_severities_keep_their_column() -> None:
    from nianbao.cli.output import report_table
    from nianbao.pipeline import check_path

    report = check_path(SEED_000.with_suffix(".txt"))
    lines = [line for line in report_table(report, "en").splitlines()
             if line.startswith(("  error", "  warning", "  info"))]

    assert any(line.startswith("  warning ") for line in lines)
    assert len({line.index(f.rule) for line, f in zip(lines, sorted(
        report.findings, key=lambda f: ("error", "warning", "info").index(f.severity)))}) == 1
    assert "warningreport" not in "".join(lines)
