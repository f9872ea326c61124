"""A rerun with nothing new starts no workers and keeps the reports; with a store, each worker
opens it once, not once per file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from nianbao.batch import run, run_batch, task
from tests.conftest import EXAMPLES


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    root = tmp_path / "inbox"
    root.mkdir()
    for name in ("000_miluo_2025.txt", "004_linyou_2022.txt"):
        shutil.copy(EXAMPLES / name, root / name)
    return root


def test_rerun_with_nothing_new_starts_no_workers_and_keeps_the_reports(
        inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = run_batch(inbox, out, workers=1)
    assert first.checked == 2
    written = {name: (out / name).stat().st_mtime_ns for name in run.OUTPUTS}

    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a worker pool was started with nothing to do")

    monkeypatch.setattr(run, "ProcessPool", no_pool)
    again = run_batch(inbox, out, workers=1)
    assert again.checked == 0 and again.skipped == 2
    assert {name: (out / name).stat().st_mtime_ns for name in run.OUTPUTS} == written
    assert (again.errors, again.warnings, again.failed) == (first.errors, first.warnings,
                                                             first.failed)
    # a report removed by hand is written again; a changed inbox rewrites them all
    (out / "findings.csv").unlink()
    run_batch(inbox, out, workers=1)
    assert (out / "findings.csv").is_file()
    (inbox / "004_linyou_2022.txt").rename(inbox / "linyou.txt")
    run_batch(inbox, out, workers=1)
    assert "linyou.txt" in (out / "findings.csv").read_text(encoding="utf-8")


def test_store_is_opened_once_per_worker(inbox: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.store.filings import Store

    opened: list[str] = []
    real = Store.open

    def counting(location: Any = None, **kwargs: Any) -> Store:
        opened.append(str(location))
        return real(location, **kwargs)

    monkeypatch.setattr(Store, "open", staticmethod(counting))
    store = str(tmp_path / "filings.sqlite")
    names = sorted(p.name for p in inbox.iterdir())
    for i, name in enumerate(names):
        result = task.check_file(task.Task(name, str(inbox / name), f"sha{i}", f"{name}.json",
                                           str(tmp_path), store))
        assert result.result.ok, result.result
    assert opened.count(store) == 1
