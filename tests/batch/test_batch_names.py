"""File names that are not UTF-8 (a GBK name from an archive made on Windows): Python keeps
their bytes as lone surrogates, which no ledger, JSON or report can encode. Before, one such
name stopped the whole batch with an internal error, and `check --store` too."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

from nianbao.batch import run_batch
from tests.conftest import SEED_000, nianbao

GBK_NAME = "工作总结".encode("gbk") + b".txt"
# As it is shown: every byte that is not UTF-8 as \xNN (\xdc\xbd happens to be UTF-8: ܽ).
SHOWN = "\\xb9\\xa4\\xd7\\xf7\\xd7\u073d\\xe1.txt"


def inbox_with_a_gbk_name(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_000.with_suffix(".txt"), inbox / "good.txt")
    shutil.copy(SEED_000.with_suffix(".txt"), os.fsdecode(bytes(inbox) + b"/" + GBK_NAME))
    (inbox / os.fsdecode("县".encode("gbk"))).mkdir()
    shutil.copy(SEED_000.with_suffix(".txt"), os.fsdecode(
        bytes(inbox) + b"/" + "县".encode("gbk") + b"/a.txt"))
    return inbox


def test_a_batch_lists_a_name_that_is_not_utf8_and_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(inbox_with_a_gbk_name(tmp_path), out, workers=1, timeout=30)
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}

    assert summary.checked == 1 and summary.not_read == {"bad-name": 2}
    assert rows[SHOWN]["failure"] == "bad-name"
    assert rows["\\xcf\\xd8/a.txt"]["failure"] == "bad-name"
    assert "convmv" in rows["\\xcf\\xd8/a.txt"]["message_zh"]
    assert rows["good.txt"]["status"] == "ok"
    assert (out / "findings.xlsx").exists() and (out / "report.html").exists()


def test_check_names_such_a_file_in_json_a_store_can_hold(tmp_path: Path) -> None:
    path = os.fsdecode(bytes(tmp_path) + b"/" + GBK_NAME)
    shutil.copy(SEED_000.with_suffix(".txt"), path)
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"

    done = nianbao("check", path, "--format", "json", "--store", store)
    data = json.loads(done.stdout)

    assert done.returncode == 1  # the seed's own error findings, not a crash
    assert data["source"]["path"].endswith("/" + SHOWN)
