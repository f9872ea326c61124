"""Seed 003 → record → generated PDF and DOCX → read and parsed again → the same record.

The generated notice is what a clerk would send; reading it back must give the record it was
made from, field for field (line wrapping, page breaks, page numbers and the 版头's furniture
included). Seed 003 has no 发文字号 and no 版记, so it is generated with force.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from nianbao.extract import read
from nianbao.extract.notice import parse
from nianbao.generate.notice_docx import write_notice_docx
from nianbao.generate.notice_input import load_notice
from nianbao.generate.notice_pdf import write_notice_pdf
from nianbao.model import Record
from tests.conftest import ROOT

NOTICES = ROOT / "examples" / "notice"


def squeezed(value: Any) -> Any:
    """The record with whitespace removed from every string (line wrapping may add breaks)."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    if isinstance(value, dict):
        return {k: squeezed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [squeezed(v) for v in value]
    return value


@pytest.fixture(scope="module")
def seed() -> Record:
    return parse(read(NOTICES / "003_yunxi_notice.txt"))


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_seed_003_round_trip(seed: Record, suffix: str, tmp_path: Path) -> None:
    out = tmp_path / f"notice{suffix}"
    write = write_notice_pdf if suffix == ".pdf" else write_notice_docx
    write(seed.fields, out, force=True)
    again = parse(read(out))
    assert squeezed(again.fields) == squeezed(seed.fields)
    assert again.fields == seed.fields  # in fact nothing is lost, not even a space
    assert (again.year, again.as_of, again.org) == (seed.year, seed.as_of, seed.org)


def test_example_round_trip_is_stable(tmp_path: Path) -> None:
    """YAML → PDF → record → PDF → record: the second generation reads back the same."""
    first = parse(read(write_notice_pdf(load_notice(NOTICES / "my_notice.yaml"),
                                        tmp_path / "first.pdf")))
    second = parse(read(write_notice_pdf(first.fields, tmp_path / "second.pdf")))
    assert second.fields == first.fields
    docx = parse(read(write_notice_docx(first.fields, tmp_path / "third.docx")))
    assert docx.fields == first.fields
