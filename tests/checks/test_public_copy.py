"""The 公示 copy leaves out 填表人 and 联系电话: one info finding, never schema.required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nianbao.checks import CheckContext, default_registry
from nianbao.extract.annual_report import fill_facts
from nianbao.model import Document, Record
from nianbao.pipeline import check_path
from tests.conftest import SEED_000, clean_fields


def findings(changes: dict[str, Any], document: Document | None = None) -> list[tuple[str, str, str]]:
    record = Record(kind="annual_report", fields=clean_fields() | changes)
    fill_facts(record)
    return [(f.rule, f.severity, f.pointer)
            for f in default_registry().run(CheckContext(record, document))]


def seed_without(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED_000.with_suffix(".txt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "report.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def rules_of(path: Path) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.pointer) for f in check_path(path).findings]


def test_a_copy_printed_without_filler_and_phone_lines_is_said_once_as_info(
        tmp_path: Path) -> None:
    found = rules_of(seed_without(tmp_path, "填表人: 傅蔚霞 联系电话: _____", ""))
    assert ("report.public-copy", "info", "/record/filler") in found
    assert not [f for f in found if f[0] == "schema.required"]


@pytest.mark.parametrize("line", ["填表人: **** 联系电话: ***********", "填表人: 傅蔚霞"])
def test_masked_or_left_out_personal_lines_are_a_public_copy(tmp_path: Path, line: str) -> None:
    found = rules_of(seed_without(tmp_path, "填表人: 傅蔚霞 联系电话: _____", line))
    assert [f[0] for f in found if f[0] in ("report.public-copy", "schema.required")] == [
        "report.public-copy"]


def test_a_blank_phone_line_on_a_filed_report_is_still_missing(tmp_path: Path) -> None:
    # Every 委托意见 says 经委托登记管理机构公示…: that word alone does not make a public copy.
    found = rules_of(seed_without(tmp_path, "联系电话: _____", "联系电话: _____"))
    assert ("schema.required", "error", "/record/phone") in found
    assert "report.public-copy" not in [f[0] for f in found]


def test_a_copy_marked_as_published_is_public(tmp_path: Path) -> None:
    found = rules_of(seed_without(tmp_path, "联系电话: _____", "联系电话: _____\n（公示稿）"))
    assert "report.public-copy" in [f[0] for f in found]
    assert ("schema.required", "error", "/record/phone") not in found


def test_a_record_without_its_document_is_never_a_public_copy() -> None:
    found = findings({"filler": None, "phone": None})
    assert {f[0] for f in found if f[1] == "error"} == {"schema.required"}
    assert "report.public-copy" not in [f[0] for f in found]


def test_a_filing_that_is_not_published_still_needs_its_phone() -> None:
    found = findings({"phone": None, "entrust_opinion": "同意报送 法定代表人 邹建波 2026年3月4日",
                      "sponsor_opinion": "情况属实，同意报送。2026年3月4日"})
    assert ("schema.required", "error", "/record/phone") in found
    assert "report.public-copy" not in [f[0] for f in found]
