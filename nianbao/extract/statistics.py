"""Statistics tables read: each row's place in the hierarchy, its indicator, unit and values,
and one fact per non-empty value cell.

Hierarchy (statistics.md §1): 一、 > （一） > 1. > （1） > A. > I.; 其中： opens the children of the
row above, and unmarked rows after it are its siblings until a numbered row climbs back; an
unmarked row elsewhere is a sibling of the unmarked row before it, or a child of the numbered
row above. 小计/合计/总计 rows are totals of their siblings. Each row's indicator is read from its
label below its parent (the vocabulary data file), its unit from the unit column, the label or
the header (单位：万元), and its values are scaled exactly with Decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from nianbao.extract.columns import (
    CHANGE_ROLES,
    NOT_APPLICABLE,
    NUMBER,
    PAIR,
    VALUE_ROLES,
    column_unit,
    pair_units,
)
from nianbao.extract.grid import find_tables
from nianbao.extract.tables import Row, Table
from nianbao.extract.vocabulary import (
    Entry,
    Unit,
    identities,
    lookup,
    normalise_label,
    readable_id,
    unit_from_label,
    unit_of,
    vocabulary,
)
from nianbao.model import Block, Fact, fact_number

_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = tuple((lvl, re.compile(p)) for lvl, p in (
    (1, r"^\s*[一二三四五六七八九十]+\s*[、.．]"),
    (2, r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[)）]"),
    (3, r"^\s*\d{1,2}\s*[.．、](?!\d)"),
    (4, r"^\s*[（(]\s*\d{1,2}\s*[)）]"),
    (5, r"^\s*[A-Z]\s*[.．、]"),
    (6, r"^\s*(?:Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|Ⅶ|Ⅷ|I{1,3}|IV|VI{0,3})\s*[.．、]"),
))
_QIZHONG = re.compile(r"^\s*其中")
_TOTAL = re.compile(r"^\s*(?:小计|合计|总计|合\s+计|总\s+计)\s*$")
_FLOW_NEW = re.compile(r"新增|增加|新纳入")
_FLOW_EXIT = re.compile(r"退出|减少|停保|注销")
_PLACE = re.compile(r"^[^\s\d（(一二三四五六七八九十]{1,12}?(?:自治县|自治旗|县|区|市|旗|镇|乡|街道)(?:[（(]合计[)）])?$")
_PAIRS = (("城市", "农村"), ("城镇", "农村"), ("集中", "分散"), ("男", "女"))


@dataclass
class StatRow:
    """A table row read: where it sits, what it counts, its values by column."""

    row: Row
    label: str
    level: float
    marked: bool
    qizhong: bool  # opens or continues a 其中 list
    parent: int | None = None  # index into StatTable.rows
    entry: Entry | None = None
    unit: Unit | None = None
    kind: str = "item"  # item heading total flow_new flow_exit place
    group: str = ""  # the county a stacked city report gives this row under
    values: dict[int, Decimal] = field(default_factory=dict)  # column → value in the row's unit
    cells: dict[int, str] = field(default_factory=dict)  # column → the cell as written
    pairs: dict[int, tuple[tuple[str, Decimal], tuple[str, Decimal]]] = field(
        default_factory=dict)  # column → two counts under a paired unit (户/人 863/1542)

    @property
    def indicator(self) -> str | None:
        return self.entry.id if self.entry else None

    @property
    def measure(self) -> str | None:
        if self.unit is not None:
            return self.unit.measure
        return self.entry.measure if self.entry else None


@dataclass
class StatTable:
    table: Table
    rows: list[StatRow]
    kids: dict[int | None, list[int]] = field(default_factory=dict)  # parent → its rows
    units: dict[int, Unit] = field(default_factory=dict)  # column → the unit its header names

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            self.kids.setdefault(row.parent, []).append(i)

    def column_role(self, index: int) -> str | None:
        return self.table.columns[index].role if index < len(self.table.columns) else None

    def columns_with(self, *roles: str) -> list[int]:
        return [c.index for c in self.table.columns if c.role in roles]


def read_tables(blocks: list[Block]) -> list[StatTable]:
    """Every statistics table of a document, read."""
    return [read_table(t) for t in find_tables(blocks)]


def read_table(table: Table) -> StatTable:
    label_i = table.role_index("label")
    label_i = 0 if label_i is None else label_i
    unit_i = table.role_index("unit")
    value_cols = [c.index for c in table.columns if c.role in VALUE_ROLES + CHANGE_ROLES]
    rows: list[StatRow] = []
    for row in table.rows[1:]:
        label = row.cells[label_i].strip() if label_i < len(row.cells) else ""
        level, marked = _level(label)
        stat = StatRow(row, label, level, marked, bool(_QIZHONG.match(label)))
        for index in value_cols:
            cell = row.cells[index].strip() if index < len(row.cells) else ""
            if cell and cell not in NOT_APPLICABLE:
                stat.cells[index] = cell
                value = _decimal(cell)
                if value is not None:
                    stat.values[index] = value
        unit_cell = row.cells[unit_i] if unit_i is not None and unit_i < len(row.cells) else ""
        stat.unit = unit_of(unit_cell) if unit_cell else None
        _read_pairs(stat, unit_cell)
        if stat.unit is None:
            stat.unit = next((u for u in map(_cell_unit, stat.cells.values()) if u), None)
        if not stat.cells and (_PLACE.match(label) or row.kind == "place"):
            stat.kind = "place"
        group = label if stat.kind == "place" else (rows[-1].group if rows else "")
        stat.group = group
        rows.append(stat)
    _link(rows)
    for stat in rows:
        _identify(stat, rows, table)
    for i, stat in enumerate(rows):
        if stat.kind == "total" and stat.entry is None:
            # 合计 over rows the vocabulary does not know (乡镇, 街道): counted as they are.
            ids = {rows[j].entry for j in total_parts(rows, i) if rows[j].entry is not None}
            stat.entry = ids.pop() if len(ids) == 1 else None
    units = {c.index: u for c in table.columns if c.role in VALUE_ROLES
             and (u := unit_of(column_unit(c.header, table.money_unit) or "")) is not None}
    own_units = [c.index for c in table.columns if c.role in VALUE_ROLES]
    if own_units and all(i in units for i in own_units):
        # 户数 | 人数 | 金额（元）: every value column names its unit, so a row has none of its own
        for stat in rows:
            stat.unit = None
    return StatTable(table, rows, units=units)


def _read_pairs(stat: StatRow, unit_cell: str) -> None:
    """Cells holding two counts under a paired unit (户/人 | 863/1542): both kept, neither read
    as one value."""
    units = pair_units(unit_cell) if unit_cell else None
    if units is None:
        return
    for index, cell in stat.cells.items():
        m = PAIR.match(cell)
        first, second = (_decimal(m.group(1)), _decimal(m.group(2))) if m else (None, None)
        if first is not None and second is not None:
            stat.pairs[index] = ((units[0], first), (units[1], second))


def _decimal(cell: str) -> Decimal | None:
    m = NUMBER.match(cell.strip())
    if m is None:
        return None
    text = cell.strip()[:m.start(1)] if m.group(1) else cell.strip()
    text = text.replace(",", "").replace("，", "").replace("−", "-").lstrip("+")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _cell_unit(cell: str) -> Unit | None:
    """The unit written inside a value cell ("1,236户"), if any."""
    m = NUMBER.match(cell.strip())
    return unit_of(m.group(1)) if m and m.group(1) and m.group(1) != "%" else None


def _level(label: str) -> tuple[float, bool]:
    for level, rx in _LEVELS:
        if rx.match(label):
            return float(level), True
    return 0.0, False


def _link(rows: list[StatRow]) -> None:
    """Each row's parent from the numbering, 其中 and the rows around it."""
    stack: list[int] = []  # indices of open rows, outermost first
    for i, stat in enumerate(rows):
        if stat.kind == "place":  # a county's block starts afresh
            stack.clear()
            continue
        if _TOTAL.match(stat.label):
            stat.kind = "total"
            stat.parent = rows[i - 1].parent if i else None
            stat.level = rows[i - 1].level if i else 0.0
            continue
        if stat.qizhong and i:
            parent = _qizhong_parent(rows, i)
            stat.parent = parent
            stat.level = rows[parent].level + 0.5 if parent is not None else 0.5
            while stack and rows[stack[-1]].level >= stat.level:
                stack.pop()
            stack.append(i)
            continue
        if stat.marked:
            while stack and rows[stack[-1]].level >= stat.level:
                stack.pop()
        else:
            sibling = next((j for j in reversed(stack) if not rows[j].marked), None)
            if sibling is not None and rows[sibling].qizhong and \
                    _leaves_list(stat.label, rows[sibling].parent, rows):
                sibling = rows[sibling].parent  # 农村低保人数 after 城市低保人数's 其中 list
            if sibling is not None:
                stat.level = rows[sibling].level
                stat.qizhong = rows[sibling].qizhong
                while stack and stack[-1] != sibling:
                    stack.pop()
                stack.pop()
            else:
                stat.level = rows[stack[-1]].level + 0.5 if stack else 0.0
        stat.parent = stack[-1] if stack else None
        stack.append(i)


def _leaves_list(label: str, parent: int | None, rows: list[StatRow]) -> bool:
    """Whether an unmarked row after a 其中 list is not one of its parts but the next
    indicator: its label is one the vocabulary knows by name, of another indicator than the
    list's total, and not one of the parts the total is known to have."""
    if parent is None or rows[parent].marked:
        return False
    own = _known_id(label)
    total = _known_id(rows[parent].label)
    if own is None or total is None or own == total:
        return False
    return not any(t == total and own in parts for t, parts in identities())


def _known_id(label: str) -> str | None:
    """The id of a label the vocabulary lists by name (not by pattern, not below a parent)."""
    entries = vocabulary().exact.get(normalise_label(label), ())
    ids = {e.id for e, under in entries if not under}
    return ids.pop() if len(ids) == 1 else None


def _qizhong_parent(rows: list[StatRow], i: int) -> int | None:
    """The row a 其中 list belongs to: the row above, unless that row is a 其中 itself (then
    its parent), so 其中：A, 其中：B lists stay under one total."""
    j = i - 1
    if rows[j].qizhong and rows[j].parent is not None and not rows[j].values:
        return rows[j].parent
    return j


def _identify(stat: StatRow, rows: list[StatRow], table: Table) -> None:
    if stat.kind == "place":
        return
    parent = rows[stat.parent] if stat.parent is not None else None
    parent_id = parent.indicator if parent else None
    if stat.unit is None:
        implied = unit_from_label(stat.label, table.money_unit)
        stat.unit = unit_of(implied) if implied else None
    if stat.unit is None and parent is not None and parent.unit is not None and \
            parent.values and stat.kind == "item":
        stat.unit = parent.unit  # a part is counted in its total's unit
    measure = stat.unit.measure if stat.unit else None
    entry = lookup(stat.label, parent_id, measure)
    key = normalise_label(stat.label)
    if stat.kind != "total":
        if _FLOW_NEW.search(key) and parent is not None and (entry is None or entry.id == parent_id
                                                             or entry.id.endswith("_new")):
            stat.kind = "flow_new"
        elif _FLOW_EXIT.search(key) and parent is not None and (
                entry is None or entry.id == parent_id or entry.id.endswith("_exit")):
            stat.kind = "flow_exit"
    if stat.kind == "total" and parent is not None:
        entry = parent.entry
    elif stat.kind == "total":
        entry = _total_of_siblings(stat, rows) or entry
    elif stat.kind in ("flow_new", "flow_exit") and (entry is None or entry.id == parent_id):
        suffix = "new" if stat.kind == "flow_new" else "exit"
        base = parent_id or readable_id(stat.label)
        entry = Entry(f"{base}_{suffix}", measure or "persons", stat.unit.text if stat.unit else "人",
                      known=False)
    elif entry is not None and parent is not None and entry.id == parent_id and \
            parent.values and parent.measure == entry.measure and key != normalise_label(parent.label):
        entry = _part_entry(stat, parent, entry)
    elif entry is None:
        own = readable_id(stat.label)
        if parent is not None and parent_id and parent.values and not own.startswith(parent_id):
            own = f"{parent_id}_{own}" if own != "indicator" else f"{parent_id}_part"
        entry = Entry(own, measure or "value", stat.unit.text if stat.unit else "", known=False)
    stat.entry = entry
    if entry is None:
        return
    if stat.unit is None and entry.known:
        stat.unit = unit_of(entry.unit)
    if not stat.values and not stat.cells:
        stat.kind = "heading" if stat.kind == "item" else stat.kind


def _total_of_siblings(stat: StatRow, rows: list[StatRow]) -> Entry | None:
    """A top-level 合计 row under parts a known identity adds up (城市低保 + 农村低保 → the
    城乡 total): that total's entry."""
    i = next(k for k, r in enumerate(rows) if r is stat)
    ids = {r.indicator for r in rows[:i] if r.parent is None and r.kind == "item"
           and r.group == stat.group}
    for total, members in identities():
        if ids and ids == set(members):
            return next((e for es in vocabulary().exact.values() for e, _ in es
                         if e.id == total), None)
    return None


def _part_entry(stat: StatRow, parent: StatRow, entry: Entry) -> Entry:
    """A part of its parent's total that the vocabulary reads as the total itself
    (城市低保金 under 城市低保累计支出): a readable id of its own."""
    own = readable_id(stat.label)
    if own in (entry.id, "indicator") or not own.startswith(entry.id.split("_")[0]):
        own = f"{entry.id}_{own}" if own not in (entry.id, "indicator") else f"{entry.id}_part"
    return Entry(own, entry.measure, entry.unit, known=False)


def total_parts(rows: list[StatRow], i: int) -> list[int]:
    """The rows a 合计/小计 row at `i` adds up: the items under the same parent since the
    previous total; or, for a total written first (合计 above the counties), the items after
    it, of its measure."""
    parent = rows[i].parent
    last_total = max((j for j in range(i) if rows[j].parent == parent
                      and rows[j].kind == "total"), default=-1)
    before = [j for j in range(last_total + 1, i) if rows[j].parent == parent
              and rows[j].kind == "item"]
    if before:
        return before
    after: list[int] = []
    for j in range(i + 1, len(rows)):
        if rows[j].parent == parent and rows[j].kind == "total":
            break
        if rows[j].parent == parent and rows[j].kind == "item" and \
                (rows[i].measure is None or rows[j].measure == rows[i].measure):
            after.append(j)
    return after


def children(table: StatTable, index: int) -> list[int]:
    return table.kids.get(index, [])


def complete_parts(table: StatTable, parent: int, parts: list[int]) -> bool:
    """Whether the parts claim to complete the total: numbered breakdown items, a 小计 row's
    siblings, a known identity (集中 + 分散 = 特困人员), or a complementary pair of words."""
    rows = table.rows
    if len(parts) < 2:
        return False
    ids = {rows[i].indicator for i in parts}
    total_id = rows[parent].indicator

    for total, members in identities():
        if total == total_id and set(members) == ids:
            return True
    labels = [normalise_label(rows[i].label) for i in parts]
    if len(labels) == 2:
        for a, b in _PAIRS:
            if (a in labels[0] and b in labels[1]) or (b in labels[0] and a in labels[1]):
                return True
    return all(rows[i].marked and not rows[i].qizhong for i in parts)


# --------------------------------------------------------------------------- facts


def facts(tables: list[StatTable]) -> list[Fact]:
    """One fact per non-empty value cell of every table."""
    out: list[Fact] = []
    for table in tables:
        for stat in table.rows:
            out.extend(_row_facts(table, stat))
            out.extend(_pair_facts(table, stat))
    return out


def _row_facts(table: StatTable, stat: StatRow) -> list[Fact]:
    if stat.entry is None or not (stat.values or stat.pairs):
        return []
    out: list[Fact] = []
    for index, value in stat.values.items():
        unit = table.units.get(index, stat.unit)
        role = table.column_role(index)
        column = stat.row.sources[index] if index < len(stat.row.sources) else index
        fact = Fact(indicator=stat.entry.id, text=stat.row.text, qualifier=role,
                    page=stat.row.page, row=stat.row.number, column=column + 1)
        if role in CHANGE_ROLES or (stat.cells[index].endswith("%") and (
                unit is None or unit.measure != "percent")):
            fact.percent = fact_number(value)
        elif unit is None:
            fact.value = fact_number(value)
        else:
            scaled = value * unit.scale
            setattr(fact, unit.measure, fact_number(scaled))
            fact.approx = unit.approx
            if unit.measure == "value":
                fact.unit = unit.text
        out.append(fact)
    return out


def _pair_facts(table: StatTable, stat: StatRow) -> list[Fact]:
    """One fact per paired cell, carrying both counts (户/人 863/1542 → 863户, 1542人)."""
    out: list[Fact] = []
    if stat.entry is None:
        return out
    for index, parts in stat.pairs.items():
        column = stat.row.sources[index] if index < len(stat.row.sources) else index
        fact = Fact(indicator=stat.entry.id, text=stat.row.text,
                    qualifier=table.column_role(index), page=stat.row.page,
                    row=stat.row.number, column=column + 1)
        for unit_text, value in parts:
            unit = unit_of(unit_text)
            if unit is not None and getattr(fact, unit.measure, None) is None:
                setattr(fact, unit.measure, fact_number(value * unit.scale))
        out.append(fact)
    return out
