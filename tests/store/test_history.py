"""An institution's years side by side: one column a year, the value the year before beside
each value, the first filing of a year standing for it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nianbao.model import Finding, Record
from nianbao.store.history import Years


def filing(year: int | None, fields: dict[str, Any], *severities: str) -> Any:
    findings = [Finding(rule="r", severity=s, message_zh="", message_en="")  # type: ignore[arg-type]
                for s in severities]
    return SimpleNamespace(year=year, record=Record(kind="annual_report", fields=fields),
                           findings=findings)


def test_years_ascend_and_the_first_filing_of_a_year_stands_for_it() -> None:
    table = Years.of([filing(2025, {"name": "乙"}), filing(2024, {"name": "甲"}),
                      filing(2025, {"name": "丙"}), filing(None, {"name": "丁"})])
    assert table.years == [2024, 2025]
    rows = {name: values for name, _, values in table.rows()}
    assert rows["name"] == [("甲", None), ("乙", "甲")]
    assert "report_year" not in rows and "layout" not in rows


def test_counts_are_errors_then_warnings() -> None:
    table = Years.of([filing(2024, {}, "error", "warning", "warning", "info")])
    assert table.counts(2024) == (1, 2)
