"""Stores that are missing, read-only, damaged or named by a broken URL: one line, exit 2.

Before, `history` created an empty store at a mistyped path and could not read a store in a
read-only folder; a store with damaged pages was an internal error (exit 3) that printed SQL and
record values; a PostgreSQL URL with an unclosed "[::1" was an internal error.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from nianbao.pipeline import check
from nianbao.store import Store, StoreError
from tests.conftest import ROOT, SEED_000, one_line
from tests.conftest import nianbao as cli
from tests.hostile import sealable_folder
from tests.store.test_store import store_at  # noqa: F401 - the sqlite/postgresql fixture

CODE = "12430681593289443F"




def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return cli(*args, lang="en")


def make_store(path: Path) -> Path:
    with Store.open(path) as store:
        check(SEED_000.with_suffix(".txt"), store=store)
    return path


def test_history_on_a_mistyped_path_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "filings.sqlite"
    line = one_line(nianbao("history", CODE, "--store", str(path)))

    assert "no store at" in line and str(path) in line
    assert not path.exists() and not path.parent.exists()


def test_reading_does_not_write_the_store(tmp_path: Path) -> None:
    path = make_store(tmp_path / "filings.sqlite")
    before = path.read_bytes()
    result = nianbao("history", CODE, "--store", str(path))

    assert result.returncode == 0 and "2025" in result.stdout
    assert path.read_bytes() == before


def test_history_reads_a_store_in_a_read_only_folder(tmp_path: Path) -> None:
    path = make_store(tmp_path / "filings.sqlite")
    with sealable_folder(tmp_path) as (folder, seal):
        shutil.copy(path, folder / "filings.sqlite")
        seal()
        result = nianbao("history", CODE, "--store", str(folder / "filings.sqlite"))

    assert result.returncode == 0, result.stderr
    assert "2025" in result.stdout


def test_a_store_with_damaged_pages_is_one_line(tmp_path: Path) -> None:
    path = make_store(tmp_path / "filings.sqlite")
    with sqlite3.connect(path) as conn:
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'filings'").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * size: page * size] = b"\xab" * size  # the filings table's root page
    path.write_bytes(bytes(data))
    for args in (["history", CODE], ["check", str(SEED_000.with_suffix(".txt"))]):
        line = one_line(nianbao(*args, "--store", str(path)))
        assert "filings.sqlite" in line and "SELECT" not in line and "INSERT" not in line


@pytest.mark.parametrize("url", ["postgresql://[::1", "postgresql://u:secret@[::1/db",
                                 "postgresql://host:port/db"])
def test_a_malformed_database_url_is_one_line(url: str) -> None:
    line = one_line(nianbao("history", CODE, "--store", url))

    assert "store URL" in line and "secret" not in line


def test_a_mistyped_path_is_refused_by_the_library_too(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store.open(tmp_path / "nope.sqlite", read_only=True)
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_read_only_store_reads_and_refuses_to_write(store_at: str) -> None:  # noqa: F811
    from nianbao.pipeline import check_path

    with Store.open(store_at) as store:
        store.record_filing(check_path(SEED_000.with_suffix(".txt")))
    with Store.open(store_at, read_only=True) as store:
        assert [r.year for r in store.history(CODE)] == [2025]
        with pytest.raises(StoreError):
            store.record_filing(check_path(ROOT / "examples/annual_report/004_linyou_2022.txt"))
