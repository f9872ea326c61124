"""The 公示 copy leaves out 填表人 and 联系电话: one info finding, never schema.required."""

from __future__ import annotations

from typing import Any

from nianbao.checks import CheckContext, default_registry
from nianbao.extract.annual_report import fill_facts
from nianbao.model import Record
from tests.conftest import clean_fields


def findings(changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    record = Record(kind="annual_report", fields=clean_fields() | changes)
    fill_facts(record)
    return [(f.rule, f.severity, f.pointer)
            for f in default_registry().run(CheckContext(record))]


def test_public_copy_without_filler_and_phone_is_said_once_as_info() -> None:
    found = findings({"filler": None, "phone": None})
    assert found == [("report.public-copy", "info", "/record/filler")]


def test_blanked_phone_on_a_published_report_is_not_an_error() -> None:
    found = findings({"phone": "_____"})  # the 委托意见 says the report is published (公示)
    assert [f for f in found if f[1] == "error"] == []
    assert [f[0] for f in found if f[0].startswith(("report.", "schema."))] == ["report.public-copy"]


def test_a_filing_that_is_not_published_still_needs_its_phone() -> None:
    found = findings({"phone": None, "entrust_opinion": "同意报送 法定代表人 邹建波 2026年3月4日",
                      "sponsor_opinion": "情况属实，同意报送。2026年3月4日"})
    assert ("schema.required", "error", "/record/phone") in found
    assert "report.public-copy" not in [f[0] for f in found]
