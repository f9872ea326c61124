"""The table model every reader feeds: statistics tables found among a Document's blocks.

A table is a header (one column per cell, each with a role read from its words: label, unit,
code, current, previous_period, previous_year, cumulative, mom, yoy) and rows of cells aligned
to those columns. Rows come from whatever the reader gave:

- explicit grids (DOCX/XLSX/PDF table rows, tab- or pipe-separated text lines) are taken cell by
  cell when they have the header's width;
- everything else (space-separated lines after a web copy, one cell per line between lone `|`
  lines, pipe rows broken over lines) becomes a stream of cells that is aligned by type: the
  label, then a unit if it reads as one, then a code if the header has a code column, then the
  values in the order of the value columns.

The 甲/乙/丙/1/2/3 row numbers the columns and is skipped. A row that cannot be aligned keeps a
`fault` (a number in the unit column, more values than columns, a short row).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.extract.vocabulary import unit_of
from nianbao.model import Block

VALUE_ROLES = ("current", "previous_period", "previous_year", "cumulative")
CHANGE_ROLES = ("mom", "yoy")

# (role, pattern over a header cell with spaces removed); first match wins.
_ROLE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((r, re.compile(p)) for r, p in (
    ("label", r"^(?:指标名称|指标|项目|名称|项目名称|类别|地区|统计指标|单位名称|指标及单位)$"),
    ("unit", r"^(?:计量)?单位$|^计算单位$"),
    ("code", r"^(?:代码|编码|行次|序号|指标代码)$"),
    ("mom", r"环比|比上月|比上期|较上月"),
    ("yoy", r"同比|比上年|比去年|较上年"),
    ("change", r"增减|增长|增幅|变动|升降|±"),
    ("previous_year", r"上年|去年|同期"),
    ("previous_period", r"上月|上期|上季"),
    ("cumulative", r"累计|^\d{1,2}\s*[—\-–~至到]+\s*\d{1,2}\s*月|全年"),
    ("current", (r"本月|本期|当月|本季|数量|数值|^数据$|^期末|^年末|^金额$|^实际数|^\d{1,2}月份?$"
                r"|^(?:19|20)\d{2}年\d{1,2}月(?:份|末|底)?$|^(?:19|20)\d{2}\.\d{1,2}$|^合计$|^总计$|^人数$"
                r"|^(?:(?:19|20)\d{2}年)?(?:第?[一二三四1-4]|前三)季度$|^(?:19|20)\d{2}年(?:度|末)?$")),
    ("current", r"^(?:户数|人数|人次|户次|金额|资金|支出|支出金额|资金支出|发放金额|救助资金)"
                r"(?:[（(](?:户|人|人次|户次|元|万元|亿元|千元)[)）])?$"),
))
# A value column headed by what it counts (户数 | 人数 | 金额（元） | 资金（万元）): its cells are
# in that column's own unit, whatever the row's unit cell says.
_MEASURE_HEADER = _ROLE_WORDS[-1][1]
# Two counts in one cell under a paired unit (户/人 863/1542).
PAIR = re.compile(r"^(\d[\d,，]*(?:\.\d+)?)\s*/\s*(\d[\d,，]*(?:\.\d+)?)$")
_COLUMN_NUMBER = re.compile(r"^(?:[甲乙丙丁戊己]|\d{1,2}|[A-Z])$")
NUMBER = re.compile(r"^[-−+]?(?:\d[\d,，]*(?:\.\d+)?|\.\d+)(%|(?:万|亿)?(?:户次|人次|户|人|元|个|家|张))?$")
NOT_APPLICABLE = frozenset({"—", "-", "–", "——", "…", "……", "/", "－", "x", "X", "×", "--"})
_CODE = re.compile(r"^[A-Z]{0,4}\d{3,12}$")
_FURNITURE = re.compile(r"^(?:来源|时间|发布时间|阅读|浏览|附件下载|附件|扫一扫|分享|打印|关闭|【|上一篇|下一篇)")
_MONEY_UNIT = re.compile(r"单位\s*[：:]\s*(万元|元|亿元|千元)")


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    role: str | None  # label unit code current previous_period previous_year cumulative mom yoy


@dataclass
class Row:
    """One table row: its cells aligned to the columns ("" for an empty cell)."""

    cells: list[str]
    block: int  # the Document block it starts at
    page: int | None
    number: int  # 1-based position in the table (the header is row 1)
    text: str  # the row as written: cells joined by tabs
    fault: str | None = None  # a layout fault found while aligning
    sources: tuple[int, ...] = ()  # a regrouped row: the source column of each cell
    kind: str = ""  # "place" for a county's heading made from a regrouped row


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    page: int | None = None
    blocks: set[int] = field(default_factory=set)  # every block the table consumed
    money_unit: str | None = None  # 单位：万元 above the table
    caption: str = ""  # the paragraph before the table
    page_head: str = ""  # the first paragraph of the table's page (a sheet's name in a workbook)

    def role_index(self, role: str) -> int | None:
        for c in self.columns:
            if c.role == role:
                return c.index
        return None

    @property
    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role in VALUE_ROLES or c.role in CHANGE_ROLES]


@lru_cache(maxsize=4096)
def header_role(cell: str) -> str | None:
    text = re.sub(r"\s+", "", cell)
    if not text or len(text) > 16:
        return None
    for role, rx in _ROLE_WORDS:
        if rx.search(text):
            return role
    return None


@lru_cache(maxsize=8192)
def is_number(cell: str) -> bool:
    return bool(NUMBER.match(cell.strip()))


def _is_value(cell: str) -> bool:
    return is_number(cell) or cell.strip() in NOT_APPLICABLE or bool(PAIR.match(cell.strip()))


def pair_units(cell: str) -> tuple[str, str] | None:
    """The two units of a paired unit cell (户/人, 户/人次), or None."""
    parts = re.sub(r"\s+", "", cell).split("/")
    if len(parts) == 2 and all(unit_of(p) is not None and p != "元" for p in parts):
        return parts[0], parts[1]
    return None


def is_unit(cell: str) -> bool:
    return unit_of(cell) is not None or pair_units(cell) is not None


def column_unit(header: str, money_unit: str | None = None) -> str | None:
    """The unit a value column's header names (户数 → 户, 金额（元） → 元), or None."""
    from nianbao.extract.vocabulary import unit_from_label

    text = re.sub(r"\s+", "", header)
    return unit_from_label(text, money_unit) if _MEASURE_HEADER.match(text) else None


def _header_roles(cells: Sequence[str]) -> list[str | None] | None:
    """Roles of a header row's cells, or None when the row is not a statistics header."""
    if len(cells) < 2 or any(is_number(c) for c in cells):
        return None
    roles = [header_role(c) for c in cells]
    values = sum(1 for r in roles if r in VALUE_ROLES or r in CHANGE_ROLES or r == "change")
    anchors = sum(1 for r in roles if r in ("label", "unit", "code"))
    if values >= 1 and (anchors >= 1 or values >= 2) and sum(r is not None for r in roles) >= 2:
        return _resolve_changes(_resolve_dates(cells, roles))
    return None


_DATE_HEADER = re.compile(r"^(?:((?:19|20)\d{2})\s*[年.．]\s*)?(\d{1,2})\s*月份?(?:末|底)?$")


def _resolve_dates(cells: Sequence[str], roles: list[str | None]) -> list[str | None]:
    """Columns headed by periods (2025年9月 | 2025年8月 | 2024年9月): the latest is the current
    period, the same month a year before is previous_year, any other previous_period."""
    dates: dict[int, tuple[int, int]] = {}
    for i, cell in enumerate(cells):
        m = _DATE_HEADER.match(re.sub(r"\s+", "", cell))
        if m and roles[i] == "current":
            dates[i] = (int(m.group(1) or 0), int(m.group(2)))
    if len(dates) < 2:
        return roles
    latest = max(dates.values())
    out = list(roles)
    for i, (year, month) in dates.items():
        if (year, month) == latest:
            continue
        out[i] = "previous_year" if month == latest[1] and year == latest[0] - 1 \
            else "previous_period"
    return out


def _resolve_changes(roles: list[str | None]) -> list[str | None]:
    """A bare 增减% column compares with the value column before it (上月 → mom, else yoy)."""
    out: list[str | None] = []
    for role in roles:
        if role == "change":
            before = next((r for r in reversed(out) if r in VALUE_ROLES), None)
            role = "mom" if before == "previous_period" else "yoy"
        out.append(role)
    # Without a label column the first column holds the labels.
    if "label" not in out:
        out[0] = "label" if out[0] is None else out[0]
    return out


def _is_column_numbers(cells: Sequence[str]) -> bool:
    if any(len(c) > 4 for c in cells):
        return False
    filled = [re.sub(r"\s+", "", c) for c in cells if c.strip()]
    return (len(filled) >= 2 and all(_COLUMN_NUMBER.match(c) for c in filled) and \
        any(not c.isdigit() for c in filled)) or (len(filled) >= 3 and filled == [
            str(i) for i in range(1, len(filled) + 1)])


# --------------------------------------------------------------------------- finding tables


def _line_cells(block: Block) -> list[str]:
    if block.kind == "row":
        cells = [c.strip() for c in block.cells]
        if block.spans and len(block.spans) == len(cells):
            # A merged cell heads every grid column it spans; a number fills only the first.
            cells = [c if k == 0 or not is_number(c) else "" for c, n in
                     zip(cells, block.spans, strict=True) for k in range(n)]
        return cells
    words = block.text.split()
    if len(words) == 1 and len(words[0]) >= 6 and not is_number(words[0]):
        glued = split_glued_header(words[0])
        if glued is not None:
            return glued
    return words


def _is_lone_pipe(block: Block) -> bool:
    return (block.kind == "row" and not any(c.strip() for c in block.cells)) \
        or block.text.strip() == "|"


_LAST: list[tuple[Sequence[Block], int, list[Table]]] = []  # the last call's answer


def find_tables(blocks: Sequence[Block]) -> list[Table]:
    """Every statistics table among the blocks, in reading order. The answer for the same
    blocks (kind detection, then parsing) is computed once."""
    if _LAST and _LAST[0][0] is blocks and _LAST[0][1] == len(blocks):
        return _LAST[0][2]
    tables = _find_tables(blocks)
    _LAST[:] = [(blocks, len(blocks), tables)]
    return tables


def _find_tables(blocks: Sequence[Block]) -> list[Table]:
    tables: list[Table] = []
    i = 0
    n = len(blocks)
    while i < n:
        block = blocks[i]
        if block.kind == "page_break":
            i += 1
            continue
        if _is_lone_pipe(block) or (i + 1 < n and _is_lone_pipe(blocks[i + 1])
                                    and block.kind == "paragraph" and len(block.text) <= 24):
            table, i2 = _cell_stream_table(blocks, i)
            if table is not None:
                tables.append(table)
                i = i2
                continue
        if _single_cell_header(blocks, i):
            table, i2 = _cell_stream_table(blocks, i)
            if table is not None:
                tables.append(table)
                i = i2
                continue
        header = _header_at(blocks, i)
        if header is None:
            if _indicator_header(_line_cells(block)):
                roles: list[str | None] = ["label"]
                roles += ["current"] * (len(_line_cells(block)) - 1)
                table, i = _grid_table(blocks, i, roles)
                tables.append(_regroup(table))
                continue
            i += 1
            continue
        table, i = _grid_table(blocks, i, header)
        tables.append(table)
    for table in tables:
        _add_context(table, blocks)
    return [t for t in tables if any(_row_values(t, r) for r in t.rows)]


_REGION_HEADER = re.compile(r"^(?:地区|单位|区划|行政区划|县[（(]?市、?区[)）]?|县市区|乡镇[（(]?街道[)）]?|"
                            r"地区名称|单位名称|区县|县区|名称)$")


def _indicator_header(cells: Sequence[str]) -> bool:
    """A header naming places in its first column and indicators in the others (各县市区
    城市低保人数 | 农村低保人数 | …): rows are counties, columns indicators."""
    from nianbao.extract.vocabulary import lookup

    if len(cells) < 3 or not _REGION_HEADER.match(re.sub(r"\s+", "", cells[0])):
        return False
    known = sum(1 for c in cells[1:] if c and not is_number(c) and lookup(c) is not None)
    return known >= 2


def _regroup(table: Table) -> Table:
    """A county-by-indicator table as a stacked one: each county row becomes a heading with
    one row per indicator column under it, so every rule and the summary read it alike."""
    columns = [Column(0, table.columns[0].header, "label"), Column(1, "数值", "current")]
    out = Table(columns, page=table.page, blocks=table.blocks, money_unit=table.money_unit)
    out.rows.append(Row([columns[0].header, "数值"], table.rows[0].block, table.page, 1,
                        table.rows[0].text))
    headers = [c.header for c in table.columns]
    for row in table.rows[1:]:
        if _is_unit_row(row.cells):  # a row of units under the header: each column's unit
            headers = [h if not u or "（" in h or "(" in h else f"{h}（{u}）"
                       for h, u in zip(headers, row.cells + [""] * len(headers), strict=False)]
            continue
        place = row.cells[0]
        out.rows.append(Row([place, ""], row.block, row.page, row.number, row.text, kind="place"))
        for index in range(1, len(headers)):
            cell = row.cells[index] if index < len(row.cells) else ""
            out.rows.append(Row([headers[index], cell], row.block, row.page, row.number,
                                row.text, row.fault, sources=(0, index)))
    return out


def _is_unit_row(cells: Sequence[str]) -> bool:
    """单位 | 人 | 户 | 万元: the label cell empty or 单位, every other filled cell a unit."""
    rest = [c for c in cells[1:] if c.strip()]
    return re.sub(r"\s+", "", cells[0]) in ("", "单位", "计量单位") and len(rest) >= 2 and \
        all(unit_of(c) is not None for c in rest)


def _header_at(blocks: Sequence[Block], i: int) -> list[str | None] | None:
    cells = _line_cells(blocks[i])
    if blocks[i].kind == "paragraph" and len(blocks[i].text) > 80:
        return None
    return _header_roles(cells)


_HEADER_WORDS = sorted((
    "指标名称", "指标", "项目", "名称", "计量单位", "单位", "代码", "行次", "本月数", "本月", "上月数",
    "上月", "本期数", "本期", "上期数", "上期", "本季", "上季度", "上季", "本年累计", "累计", "上年同期",
    "去年同期", "同期", "数量", "环比(%)", "环比（%）", "环比%", "环比", "同比(%)", "同比（%）", "同比%",
    "同比", "增减(%)", "增减（%）", "增减%", "增长(%)", "增长（%）", "增长%", "甲", "乙", "丙",
), key=len, reverse=True)


def split_glued_header(text: str) -> list[str] | None:
    """A header whose cells a PDF's text layer glued together ("指标名称单位代码本月数上月数
    环比(%)"), cut at known header words; None unless the words cover the whole line."""
    text = re.sub(r"\s+", "", text)
    out: list[str] = []
    i = 0
    while i < len(text):
        word = next((w for w in _HEADER_WORDS if text.startswith(w, i)), None)
        if word is None:
            return None
        out.append(word)
        i += len(word)
    return out if len(out) >= 3 else None


def _row_values(table: Table, row: Row) -> bool:
    return any(is_number(row.cells[c.index]) for c in table.value_columns if c.index < len(row.cells))


def _add_context(table: Table, blocks: Sequence[Block]) -> None:
    first = min(table.blocks) if table.blocks else 0
    j = first - 1
    while j >= 0 and blocks[j].page == table.page and blocks[j].kind != "page_break":
        if blocks[j].kind == "paragraph" and blocks[j].text.strip():
            table.page_head = blocks[j].text.strip()
        j -= 1
    for j in range(first - 1, max(-1, first - 12), -1):
        text = blocks[j].text
        m = _MONEY_UNIT.search(text)
        if m and table.money_unit is None:
            table.money_unit = m.group(1)
        if not table.caption and blocks[j].kind == "paragraph" and text.strip():
            table.caption = text.strip()


def _grid_table(blocks: Sequence[Block], start: int,
                roles: list[str | None]) -> tuple[Table, int]:
    header_cells = _line_cells(blocks[start])
    lead = 1 if header_cells and header_cells[0] == "" else 0  # "| 指标 | …" pipe rows
    header_cells, roles = header_cells[lead:], roles[lead:]
    header_cells, roles = _merge_header_rows(blocks, start, header_cells, roles)
    columns = [Column(i, h, r) for i, (h, r) in enumerate(zip(header_cells, roles, strict=True))]
    table = Table(columns, page=blocks[start].page, blocks={start})
    table.rows.append(Row(list(header_cells), start, blocks[start].page, 1,
                          "\t".join(header_cells)))
    i = start + 1
    if i < len(blocks) and _header_roles(_line_cells(blocks[i])) is not None and \
            not any(is_number(c) for c in _line_cells(blocks[i])):
        table.blocks.add(i)  # the second header row merged above
        i += 1
    pending: list[str] = []
    pending_block = -1
    pending_whole = False
    misses = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "page_break":
            # A grid goes on over a page break only when the next page starts with its rows
            # (a workbook's next sheet starts afresh with its name or title).
            if blocks[start].kind == "row" and i + 1 < len(blocks) and \
                    blocks[i + 1].kind == "paragraph":
                break
            i += 1
            continue
        cells = _line_cells(block)
        if lead and cells and cells[0] == "" and block.kind == "row":
            cells = cells[1:]
        text = block.text.strip()
        if _is_lone_pipe(block):
            if pending:
                pending.append("")
                pending_whole = False
            table.blocks.add(i)
            i += 1
            continue
        if _FURNITURE.match(text) or (len(table.rows) > 1 and _header_roles(cells) is not None):
            break
        if block.kind == "paragraph" and (len(text) > 60 or "。" in text):
            break
        if _is_column_numbers(cells):
            table.blocks.add(i)
            i += 1
            continue
        if pending and cells and block.kind == "row" and not pending_whole and \
                not _starts_label(cells, table):
            pending.extend(cells)  # a pipe row broken over lines
            pending_whole = False
            table.blocks.add(i)
            i += 1
            continue
        if pending:
            _add_row(table, pending, pending_block, blocks, pending_whole)
            pending = []
        if not cells:
            i += 1
            continue
        if not _looks_like_row(cells, table):
            misses += 1
            if misses >= 2 or (block.kind == "paragraph" and len(text) > 30):
                break
            i += 1
            continue
        misses = 0
        table.blocks.add(i)
        if block.kind == "row" and len(cells) < len(columns) and not _continues(blocks, i + 1,
                                                                                table):
            cells = cells + [""] * (len(columns) - len(cells))  # trailing empty cells trimmed
        if block.kind == "row" and len(cells) == len(columns):
            table.rows.append(Row(list(cells), i, block.page, len(table.rows) + 1,
                                  block.text.strip()))
            _positional_fault(table, table.rows[-1])
        else:
            pending, pending_block, pending_whole = list(cells), i, block.kind == "paragraph"
        i += 1
    if pending:
        _add_row(table, pending, pending_block, blocks, pending_whole)
    return table, i


def _merge_header_rows(blocks: Sequence[Block], start: int, cells: list[str],
                       roles: list[str | None]) -> tuple[list[str], list[str | None]]:
    """A two-row header (本期 over 数量 | 增减%): the second row's words complete the first's."""
    j = start + 1
    if j >= len(blocks):
        return cells, roles
    below = _line_cells(blocks[j])
    below += [""] * (len(cells) - len(below))
    if not below or any(is_number(c) for c in below) or _is_column_numbers(below):
        return cells, roles
    below_roles = [header_role(c) for c in below]
    if sum(r is not None for r in below_roles) < 2 or len(below) != len(cells):
        return cells, roles
    merged = [f"{a}{b}" if b and b != a else a for a, b in zip(cells, below, strict=True)]
    new_roles = _resolve_changes([header_role(b) or header_role(a) for a, b in
                                  zip(cells, below, strict=True)])
    return merged, new_roles


def _continues(blocks: Sequence[Block], j: int, table: Table) -> bool:
    """Whether block j carries on the row before it (a pipe row broken over lines)."""
    while j < len(blocks) and blocks[j].kind == "page_break":
        j += 1
    if j >= len(blocks):
        return False
    if _is_lone_pipe(blocks[j]):
        return True
    cells = [c for c in _line_cells(blocks[j]) if c]
    return blocks[j].kind == "row" and bool(cells) and not _starts_label(cells, table)


def _starts_label(cells: list[str], table: Table) -> bool:
    first = next((c for c in cells if c.strip()), "")
    return bool(first) and not _is_value(first) and not is_unit(first) \
        and not _CODE.match(first)


def _looks_like_row(cells: list[str], table: Table) -> bool:
    if table.columns and table.columns[0].role == "code" and cells and \
            re.fullmatch(r"\d{1,4}", cells[0].strip()):
        cells = cells[1:]  # a 序号 column before the label
    first = next((c for c in cells if c.strip()), "")
    if not first or _is_value(first):
        return False
    # A heading row (一、社会救助) or a county's name has no values; other rows need one.
    return len(first) <= 40


def _add_row(table: Table, tokens: list[str], block: int, blocks: Sequence[Block],
             whole: bool = False) -> None:
    cells, fault = align(tokens, table.columns)
    # A row read from one line keeps the line as written (spaces and all); a row assembled
    # from several lines joins its cells with tabs.
    text = blocks[block].text.strip() if whole else "\t".join(t for t in tokens if t)
    table.rows.append(Row(cells, block, blocks[block].page if block >= 0 else None,
                          len(table.rows) + 1, text, fault))


def align(tokens: list[str], columns: list[Column]) -> tuple[list[str], str | None]:
    """Cells of a row from its tokens, by type: label, unit, code, then values in order."""
    tokens = [t.strip() for t in tokens]
    cells = [""] * len(columns)
    label_i = next((c.index for c in columns if c.role == "label"), 0)
    unit_i = next((c.index for c in columns if c.role == "unit"), None)
    code_i = next((c.index for c in columns if c.role == "code"), None)
    value_cols = [c.index for c in columns if c.index not in (label_i, unit_i, code_i)]
    k = 0
    while k < len(tokens) and not tokens[k]:
        k += 1
    if code_i is not None and code_i < label_i and k < len(tokens) and \
            re.fullmatch(r"\d{1,4}", tokens[k]):
        cells[code_i] = tokens[k]  # 序号 before the label
        k += 1
    label_parts: list[str] = []
    while k < len(tokens) and tokens[k] and not _is_value(tokens[k]) \
            and (not is_unit(tokens[k]) or not label_parts):
        label_parts.append(tokens[k])
        k += 1
    cells[label_i] = "".join(label_parts)
    rest = [t for t in tokens[k:] if t]
    fault = None
    if unit_i is not None and rest and is_unit(rest[0]):
        cells[unit_i] = rest.pop(0)
    elif unit_i is not None:
        cells[label_i], cells[unit_i] = _glued_unit(cells[label_i])
    if code_i is not None and not cells[code_i] and rest and _CODE.match(rest[0]) and \
            len(rest) > 1 and \
            (len(rest) > len(value_cols) or ("," not in rest[0] and len(rest[0]) >= 4)):
        cells[code_i] = rest.pop(0)
    if any(not _is_value(t) for t in rest):
        fault = "non-numeric value"
    if len(rest) > len(value_cols):
        fault = "more values than columns"
    for index, token in zip(_fit(rest, value_cols, columns), rest, strict=False):
        cells[index] = token
    return cells, fault


_COUNT_UNITS = frozenset({"户", "人", "人次", "户次"})


def _fit(values: list[str], value_cols: list[int], columns: list[Column]) -> list[int]:
    """The columns a short row's values go to (a flattened copy leaves empty cells out): in
    order, except that a value with decimals skips a column headed by a count (城市低保 215 402
    98.6 under 户数 | 人数 | 人次 | 资金（万元）: 98.6 is the money, not 人次)."""
    if len(values) >= len(value_cols):
        return value_cols
    out: list[int] = []
    k = 0
    for n, value in enumerate(values):
        while "." in value and len(value_cols) - k > len(values) - n and \
                column_unit(columns[value_cols[k]].header) in _COUNT_UNITS:
            k += 1
        out.append(value_cols[k])
        k += 1
    return out


_GLUED_UNITS = ("元/人、月", "元/人·月", "元/人·年", "元/人、年", "万人次", "人次", "户次", "万人",
                "万户", "万元", "亿元", "户", "人", "个", "%")


def _glued_unit(label: str) -> tuple[str, str]:
    """A unit a PDF glued to the label ("1.城市低保户数户" → "1.城市低保户数", "户")."""
    for unit in _GLUED_UNITS:
        if label.endswith(unit) and len(label) > len(unit) + 1 and (
                len(unit) > 1 or label[-2] in "数次员额"):
            return label[:-len(unit)], unit
    return label, ""


def _positional_fault(table: Table, row: Row) -> None:
    unit_i = table.role_index("unit")
    if unit_i is not None and is_number(row.cells[unit_i]):
        row.fault = "number in unit column"


# --------------------------------------------------------------------------- one cell per line


def _stream_tokens(blocks: Sequence[Block], start: int) -> tuple[list[tuple[str, int]], int]:
    """Cells of a one-cell-per-line region: each short line is a cell, two lone `|` lines in a
    row enclose an empty cell. Returns the tokens with their block indices and the end index."""
    tokens: list[tuple[str, int]] = []
    last_pipe = True
    i = start
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "page_break":
            i += 1
            continue
        if _is_lone_pipe(block):
            if last_pipe and tokens:
                tokens.append(("", i))
            last_pipe = True
            i += 1
            continue
        text = block.text.strip()
        if (block.kind == "paragraph" and (len(text) > 40 or "。" in text)) or _FURNITURE.match(text):
            break
        if block.kind == "row":
            parts = [c.strip() for c in block.cells]
            if parts and parts[0] == "":
                parts = parts[1:]
            tokens.extend((p, i) for p in parts)
        else:
            tokens.append((text, i))
        last_pipe = False
        i += 1
    return tokens, i


def _cell_stream_table(blocks: Sequence[Block], start: int) -> tuple[Table | None, int]:
    tokens, end = _stream_tokens(blocks, start)
    texts = [re.sub(r"(?<=\S)\s(?=\S)", "", t) if len(t) <= 12 else t for t, _ in tokens]
    roles: list[str | None] = []
    for text in texts:
        role = header_role(text)
        if role is None:
            break
        roles.append(role)
    if _header_roles(texts[:len(roles)]) is None:
        return None, start
    roles = _resolve_changes(roles)
    columns = [Column(i, texts[i], r) for i, r in enumerate(roles)]
    first_block = tokens[0][1]
    table = Table(columns, page=blocks[first_block].page,
                  blocks=set(range(start, end)))
    table.rows.append(Row(texts[:len(roles)], first_block, blocks[first_block].page, 1,
                          "\t".join(texts[:len(roles)])))
    row: list[str] = []
    row_block = -1
    for (raw, index), text in zip(tokens[len(roles):], texts[len(roles):], strict=True):
        starts = bool(text) and not _is_value(text) and not is_unit(text) \
            and not _CODE.match(text)
        if row and (starts or _filled(row) >= len(columns)):
            _add_stream_row(table, row, row_block, blocks)
            row = []
        if not row:
            if not text:
                continue
            row_block = index
        row.append(raw)
    if row:
        _add_stream_row(table, row, row_block, blocks)
    return table, end


def _single_cell_header(blocks: Sequence[Block], i: int) -> bool:
    """One header cell per line without `|` lines between (指标 / 户数 / 人数 / 金额（元）): a
    label header then at least two more header cells, each a short paragraph of its own."""
    roles: list[str | None] = []
    for block in blocks[i:i + 3]:
        text = block.text.strip()
        if block.kind != "paragraph" or not text or len(text) > 16:
            return False
        roles.append(header_role(text))
    return len(roles) == 3 and roles[0] == "label" and None not in roles


def _filled(row: list[str]) -> int:
    return len(row)


def _add_stream_row(table: Table, row: list[str], block: int, blocks: Sequence[Block]) -> None:
    while row and not row[-1]:
        row.pop()
    cells, fault = align(row, table.columns)
    has_value = any(_is_value(t) for t in row[1:])
    if not has_value and len(row) > 1:
        fault = fault or "short row"
    table.rows.append(Row(cells, block, blocks[block].page, len(table.rows) + 1,
                          "\t".join(t for t in row if t), fault))


def data_rows(table: Table) -> Iterator[Row]:
    """The rows after the header."""
    yield from table.rows[1:]
