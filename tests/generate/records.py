"""The record the generator tests render: the tests' clean record, with an activities text of
several paragraphs under a section heading (what the form's long rows lay out)."""

from __future__ import annotations

from typing import Any

from tests.conftest import clean_fields

RECORD: dict[str, Any] = clean_fields() | {
    "activities": "2025年，社会救助工作坚持兜底线、保民生、促公平。\n一、基本情况\n"
                  "全市城乡低保对象6800户14293人。",
}
