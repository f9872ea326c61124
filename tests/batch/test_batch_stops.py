"""A batch stopped while it writes its reports, or by a full disk: one line, nothing half-written.

Before, Ctrl-C while the reports were written flooded stderr with tracebacks and left no
findings.xlsx or report.html until a rerun, and a full disk was an internal error (exit 3).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nianbao.batch import BatchInterrupted, Ledger, run_batch
from nianbao.batch import reports as batch_reports
from nianbao.cli.main import main
from nianbao.errors import OutputError
from tests.conftest import ROOT, SEED_000, SEED_004
from tests.hostile import full_folder

REPORTS = ("findings.csv", "findings.xlsx", "report.html")


def inbox_of(tmp_path: Path, *seeds: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for seed in seeds:
        shutil.copy(seed.with_suffix(".txt"), inbox / seed.with_suffix(".txt").name)
    return inbox


def ctrl_c_before(monkeypatch: pytest.MonkeyPatch, name: str, times: int = 1) -> None:
    """Press Ctrl-C `times` times just as the report writer `name` starts."""
    real = getattr(batch_reports, name)

    def pressed(*args: Any, **kwargs: Any) -> Any:
        for _ in range(times):
            os.kill(os.getpid(), signal.SIGINT)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_reports, name, pressed)


def test_ctrl_c_while_reports_are_written_lets_them_finish(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out"
    ctrl_c_before(monkeypatch, "write_csv")
    with pytest.raises(BatchInterrupted) as stopped:
        run_batch(inbox_of(tmp_path, SEED_000), out, workers=1, timeout=60)

    assert "reports finished" in stopped.value.message_en
    assert all((out / name).is_file() for name in REPORTS)
    assert load_workbook(out / "findings.xlsx")["文件 Filings"].max_row == 2
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_second_ctrl_c_stops_at_once_and_keeps_the_old_reports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out"
    run_batch(inbox_of(tmp_path, SEED_000), out, workers=1, timeout=60)
    before = (out / "findings.xlsx").read_bytes()
    ctrl_c_before(monkeypatch, "write_xlsx", times=2)
    with pytest.raises(KeyboardInterrupt):
        run_batch(inbox_of(tmp_path, SEED_004), out, workers=1, timeout=60)

    assert (out / "findings.xlsx").read_bytes() == before
    assert load_workbook(out / "findings.xlsx")["文件 Filings"].max_row == 2
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_ctrl_c_at_the_command_line_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    ctrl_c_before(monkeypatch, "write_html")
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(inbox_of(tmp_path, SEED_000)), "--out", str(tmp_path / "out"),
              "--workers", "1", "--no-progress", "--lang", "en"])
    err = capsys.readouterr().err

    assert stopped.value.code == 130
    assert len(err.strip().splitlines()) == 1 and "reports finished" in err


def test_a_full_disk_under_the_ledger_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def full(self: Ledger, *args: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Ledger, "record", full)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="no space left"):
        run_batch(inbox_of(tmp_path, SEED_000), out, workers=1, timeout=60)
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(tmp_path / "inbox"), "--out", str(out), "--workers", "1",
              "--no-progress", "--lang", "en"])
    err = capsys.readouterr().err

    assert stopped.value.code == 2
    assert err.strip() == (f"nianbao: no space left on the disk for {out}; every file finished "
                           "so far is recorded: free some space and run the same command again "
                           "to resume")


def test_a_really_full_disk(tmp_path: Path) -> None:
    inbox = inbox_of(tmp_path, SEED_000, SEED_004)
    with full_folder(tmp_path, "96k") as folder:
        result = subprocess.run(
            [sys.executable, "-m", "nianbao", "batch", str(inbox), "--out", str(folder / "out"),
             "--workers", "1", "--lang", "en"], capture_output=True, text=True, cwd=ROOT,
            timeout=300, check=False)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "no space left" in result.stdout + result.stderr
