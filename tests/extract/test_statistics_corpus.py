"""The statistics-table corpus (tests/fixtures/statistics, made by make_corpus.py): every shape
of statistics.md in .txt, .docx, .pdf and .xlsx. Every planted error is found, clean tables stay
silent, every value cell is a fact, and kind, period and organisation are right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.pipeline import check_path

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "statistics"
EXPECTED: dict[str, dict[str, object]] = json.loads(
    (CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_covers_every_shape_and_format() -> None:
    assert len(EXPECTED) >= 40
    suffixes = {name.split(".", 1)[1] for name in EXPECTED}
    assert {"pipe.txt", "tab.txt", "space.txt", "cells.txt", "broken.txt", "docx", "pdf",
            "unruled.pdf", "xlsx"} <= suffixes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_statistics_file(name: str) -> None:
    expected = EXPECTED[name]
    report = check_path(CORPUS / name)
    record = report.record
    assert (record.kind, record.as_of, record.org) == (
        expected["kind"], expected["as_of"], expected["org"])
    found = sorted(f.rule for f in report.findings if f.rule.startswith("table."))
    assert found == expected["findings"]
    others = [(f.rule, f.message_zh) for f in report.findings
              if not f.rule.startswith("table.") and f.severity == "error"]
    assert others == []
    cells = [f for f in record.facts if f.row is not None]
    assert len(cells) == expected["value_cells"]
