"""A city's statistics report that stacks its counties: one report per county.

A city report may give one block of rows per county (a row naming the county, then its rows),
or one sheet per county in a workbook. Each block becomes a report of its own, named after its
county, holding the facts of that block's rows; a block named after the city itself or 合计/全市
is the city's own total. A report with no stacked blocks is returned as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from nianbao.extract.statistics import StatTable
from nianbao.model import Fact, Record, Report

_PLACE = re.compile(r"^[^\s\d（(]{1,12}?(?:自治县|自治旗|县|区|市|旗)$")
_REGION_WORDS = re.compile(r"^(?:合计|总计|全市|全区|全县|全州|全盟|全市合计|[^\s]{1,12}[（(]合计[)）])$")


def split_stacked(report: Report, region: str) -> list[Report]:
    """One report per county block of a stacked statistics report; [report] when none."""
    groups = _row_groups(report.record.tables)
    if len(groups) < 2:
        return [report]
    facts_by_group: dict[str, list[Fact]] = {name: [] for name in groups}
    rest: list[Fact] = []
    owner = {key: name for name, keys in groups.items() for key in keys}
    for fact in report.record.facts:
        name = owner.get((fact.page, fact.row, fact.text))
        (facts_by_group[name] if name is not None else rest).append(fact)
    out: list[Report] = []
    for name, facts in facts_by_group.items():
        if not facts:
            continue
        org = region if _REGION_WORDS.match(name) else name
        record = Record(kind=report.record.kind, facts=facts, year=report.record.year,
                        as_of=report.record.as_of, org=org, fields={"title": name})
        out.append(replace(report, record=record, findings=[]))
    if any(f.row is None for f in rest):
        rest_record = replace(report.record, facts=rest, tables=[])
        out.append(replace(report, record=rest_record))
    return out


Key = tuple[int | None, int | None, str]


def _row_groups(tables: Sequence[object]) -> dict[str, set[Key]]:
    """County name → the (page, row, text) keys of its rows."""
    groups: dict[str, set[Key]] = {}
    stat_tables = [t for t in tables if isinstance(t, StatTable)]
    for table in stat_tables:
        for row in table.rows:
            if row.group:
                groups.setdefault(row.group, set()).add(
                    (row.row.page, row.row.number, row.row.text))
    if groups:
        return groups
    # One sheet (page) per county: the sheet's first paragraph names it.
    for table in stat_tables:
        name = table.table.page_head
        if _PLACE.match(name) or _REGION_WORDS.match(name):
            for row in table.rows:
                groups.setdefault(name, set()).add((row.row.page, row.row.number, row.row.text))
    return groups
