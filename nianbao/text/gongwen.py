"""The vocabulary of 公文 (GB/T 9704): 发文字号, heading numbers, document types, unit lists.

Shared by the notice parser (`nianbao.extract.notice`), its rules (`nianbao.checks.notice`) and
the generator, so that all three read a 发文字号 or a heading the same way.
"""

from __future__ import annotations

import re

# 发文字号 as GB/T 9704 wants it (spec §3.2): 机关代字〔YYYY〕N号, U+3014/U+3015.
DOC_NUMBER = re.compile(r"^(?P<org>[\u4e00-\u9fff]{1,12})〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
# Anything that reads as a 发文字号, with any bracket a writer may have used.
DOC_NUMBER_LIKE = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12}?)\s*(?P<open>[〔﹝［【\[（(〖])\s*(?P<year>\d{2}|\d{4})\s*"
    r"(?P<close>[〕﹞］】\]）)〗])\s*(?P<di>第)?\s*(?P<seq>\d{1,4})\s*号"
)
DOC_NUMBER_LINE = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔﹝［【\[（(〖]\s*(?:\d{2}|\d{4})\s*[〕﹞］】\]）)〗]\s*第?\s*\d{1,4}\s*号"
)
HEADING = {
    1: re.compile(r"^([一二三四五六七八九十百]+)\s*、\s*"),
    2: re.compile(r"^[（(]([一二三四五六七八九十百]+)[）)]\s*"),
    3: re.compile(r"^(\d{1,2})\s*[.．、](?![\d])\s*"),
    4: re.compile(r"^[（(](\d{1,2})[）)]\s*"),
}
DOC_TYPES = ("通知", "通报", "意见", "决定", "报告", "请示", "批复", "函", "纪要", "公告", "通告",
             "方案", "办法", "规定", "细则", "要点", "规划", "决议", "命令", "议案")
_LEAD_MAX = 25  # a run-in heading ("1.细化实化政策措施。") is at most this long


def split_units(text: str) -> list[str]:
    """'A、B，各镇（街道、社区）C' → ['A', 'B', '各镇（街道、社区）C']: split at 、，；
    outside brackets."""
    parts: list[str] = []
    depth, current = 0, ""
    for char in text:
        if char in "（(《【〔":
            depth += 1
        elif char in "）)》】〕" and depth:
            depth -= 1
        if char in "、，,；;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip(" 。.") for p in parts if p.strip(" 。.")]


def split_lead(text: str) -> tuple[str | None, str]:
    """'精准评估救助需求。根据…' → ('精准评估救助需求', '根据…'); (None, text) when the first
    sentence is not a short run-in heading."""
    cut = text.find("。")
    if cut <= 0 or cut > _LEAD_MAX or not text[cut + 1:].strip():
        return None, text
    lead = text[:cut]
    if any(c in lead for c in "，；：,;:"):
        return None, text
    return lead, text[cut + 1:].strip()


def heading_level(text: str) -> tuple[int, str] | None:
    """(level, text after the number) for 一、 / （一） / 1. / （1） headings."""
    for level, pattern in HEADING.items():
        m = pattern.match(text)
        if m and text[m.end():].strip():
            return level, text[m.end():]
    return None
