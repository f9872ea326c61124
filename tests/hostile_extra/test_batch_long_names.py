"""Inputs whose names are as long as a file system allows (255 bytes: 83 Chinese characters)
are checked like any other. Before, their contract JSON (name + ".json", written first under a
temporary name) could not be created, and a filing that had been checked became a failure row."""

from __future__ import annotations

import csv
from pathlib import Path

from nianbao.batch.inputs import json_name
from tests.conftest import SEED_000, SEED_004, nianbao


def test_inputs_with_the_longest_names_are_checked(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    folder = inbox / ("乙" * 83)
    folder.mkdir(parents=True)
    (inbox / ("a" * 251 + ".txt")).write_bytes(SEED_000.with_suffix(".txt").read_bytes())
    (folder / ("甲" * 83 + ".txt")).write_bytes(SEED_004.with_suffix(".txt").read_bytes())
    result = nianbao("batch", str(inbox), "--out", str(out), "--workers", "1")
    assert result.returncode == 1, result.stderr + result.stdout
    with (out / "findings.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["status"] for r in rows} == {"ok"}
    for name in {r["json"] for r in rows}:
        assert (out / name).is_file()


def test_json_names_fit_and_stay_apart() -> None:
    long_a, long_b = "甲" * 83 + "一.txt", "甲" * 83 + "二.txt"
    assert json_name("sub/report.txt") == "json/sub/report.txt.json"
    first, second = json_name(long_a), json_name(long_b)
    assert first != second
    assert all(len(part.encode()) <= 239 for part in first.split("/"))
    assert first.endswith(".json") and "~" in first
