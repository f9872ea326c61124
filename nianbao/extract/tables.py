"""Facts from statistics tables: a header row names the columns (本期, 上期, 累计, 同比, 环比 …),
each later row names an indicator in its first cell with the unit stated once ("城市低保资金
（万元）") and gives one figure per column."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.extract.facts import indicator_of
from nianbao.model import Block, Fact
from nianbao.text.numbers import to_decimal

COLUMN_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("同比", "yoy"), ("环比", "mom"), ("上年同期", "previous_year"), ("去年同期", "previous_year"),
    ("上期", "previous_period"), ("上月", "previous_period"), ("累计", "cumulative"),
    ("本年", "cumulative"), ("本期", "current"), ("本月", "current"), ("当月", "current"),
    ("计划", "plan"),
)
_UNIT = re.compile(r"[（(]\s*(户|人次|人|万元|元|亿元|%|元/人·月|元/人·年|个|张)\s*[)）]")
_NUMBER = re.compile(r"^[-−]?\d[\d,，]*(?:\.\d+)?%?$")
_MEASURE = {"户": ("households", 1), "人": ("persons", 1), "人次": ("person_times", 1),
            "元": ("amount_yuan", 1), "万元": ("amount_yuan", 10_000),
            "亿元": ("amount_yuan", 100_000_000), "%": ("percent", 1),
            "元/人·月": ("rate_yuan_per_month", 1), "元/人·年": ("rate_yuan_per_year", 1)}


def column_qualifier(cell: str) -> str | None:
    for word, qualifier in COLUMN_QUALIFIERS:
        if word in cell:
            return qualifier
    return None


def table_facts(blocks: list[Block]) -> tuple[list[Fact], set[int]]:
    """Facts of every statistics table among the blocks, and the indices of the blocks read."""
    facts: list[Fact] = []
    used: set[int] = set()
    header: list[str | None] | None = None
    header_unit: str | None = None
    for block in blocks:
        if block.kind != "row":
            header = None if block.kind == "paragraph" else header
            continue
        qualifiers = [column_qualifier(c) for c in block.cells]
        if sum(q is not None for q in qualifiers) >= 2:
            header, header_unit = qualifiers, _unit(block.text)
            used.add(block.index)
        elif header is not None:
            facts.extend(_row_facts(block, header, header_unit))
            used.add(block.index)
    return facts, used


def _row_facts(block: Block, header: list[str | None], header_unit: str | None) -> Iterator[Fact]:
    label = block.cells[0] if block.cells else ""
    unit = _unit(label) or header_unit
    if unit is None or unit not in _MEASURE:
        return
    measure, scale = _MEASURE[unit]
    indicator = indicator_of(label) or re.sub(r"[（(].*$", "", label).strip() or "count"
    for i, cell in enumerate(block.cells[1:], start=1):
        qualifier = header[i] if i < len(header) else None
        if not _NUMBER.match(cell.strip()):
            continue
        percent = cell.strip().endswith("%") or qualifier in ("yoy", "mom")
        value = to_decimal(cell.strip().rstrip("%").replace("−", "-"))
        if value is None:
            continue
        fact = Fact(indicator=indicator, text=f"{label}\t{cell}", qualifier=qualifier, page=block.page)
        if percent:
            fact.percent = float(value)
        else:
            setattr(fact, measure, _number(value * scale))
        yield fact


def _unit(text: str) -> str | None:
    m = _UNIT.search(text)
    return m.group(1) if m else None


def _number(value: Decimal) -> float:
    return int(value) if value == value.to_integral_value() else float(value)
