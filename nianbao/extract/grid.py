"""Finding the statistics tables among a Document's blocks (`find_tables`).

A table (`nianbao.extract.tables`) is a header, one `Column` per cell with a role read from its
words (`nianbao.extract.columns`), and rows of cells aligned to those columns. Rows come from
whatever the reader gave:

- explicit grids (DOCX/XLSX/PDF table rows, tab- or pipe-separated text lines) are taken cell by
  cell when they have the header's width, across page breaks (a repeated header or a page
  number between the parts is skipped);
- space-separated lines after a web copy and pipe rows broken over lines are aligned by type
  (`columns.align`); one cell per line is read by `nianbao.extract.cell_stream`.

A table of counties by indicators is regrouped as a stacked one. The 甲/乙/丙/1/2/3 row numbers
the columns and is skipped. A row that cannot be aligned keeps a `fault` (a number in the unit
column, more values than columns, a short row).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.extract.cell_stream import cell_stream_table, single_cell_header
from nianbao.extract.columns import (
    CODE,
    Column,
    align,
    header_role,
    header_roles,
    is_column_numbers,
    is_number,
    is_unit,
    is_value,
    resolve_changes,
    split_glued_header,
)
from nianbao.extract.tables import FURNITURE, Row, Table, is_lone_pipe
from nianbao.extract.vocabulary import unit_of
from nianbao.model import Block

_MONEY_UNIT = re.compile(r"单位\s*[：:]\s*(万元|元|亿元|千元)")


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
    if words and len("".join(words)) >= 6 and not any(is_number(w) for w in words):
        # a header the text layer glued together, wholly or in part (代码本月数 上月数)
        glued = split_glued_header("".join(words))
        if glued is not None:
            return glued
    return words


def find_tables(blocks: Sequence[Block]) -> list[Table]:
    """Every statistics table among the blocks, in reading order."""
    tables: list[Table] = []
    i = 0
    n = len(blocks)
    while i < n:
        block = blocks[i]
        if block.kind == "page_break":
            i += 1
            continue
        if is_lone_pipe(block) or (i + 1 < n and is_lone_pipe(blocks[i + 1])
                                    and block.kind == "paragraph" and len(block.text) <= 24) \
                or single_cell_header(blocks, i):
            table, i2 = cell_stream_table(blocks, i)
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
        if "label" not in header and _indicator_header([c.header for c in table.columns]):
            table = _regroup(table)  # an unruled 地区 | 城市低保户数 … header put back together
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
    return header_roles(cells)



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
    used: set[int] = set()
    if blocks[start].kind == "paragraph":
        header_cells, roles, used = _unruled_header(blocks, start, header_cells, roles)
    columns = [Column(i, h, r) for i, (h, r) in enumerate(zip(header_cells, roles, strict=True))]
    table = Table(columns, page=blocks[start].page, blocks={start} | used)
    table.rows.append(Row(list(header_cells), start, blocks[start].page, 1,
                          "\t".join(header_cells)))
    i = start + 1
    if i < len(blocks) and header_roles(_line_cells(blocks[i])) is not None and \
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
            # or its repeated header (a workbook's next sheet starts afresh with its name or
            # title); a page number or 续表 line does not count.
            nxt = _past_page_furniture(blocks, i + 1)
            if blocks[start].kind == "row" and nxt < len(blocks) and \
                    blocks[nxt].kind == "paragraph":
                break
            table.blocks.update(range(i + 1, nxt))
            i = nxt
            continue
        cells = _line_cells(block)
        if lead and cells and cells[0] == "" and block.kind == "row":
            cells = cells[1:]
        text = block.text.strip()
        if len(table.rows) > 1 and _page_top(blocks, i) and _same_header(cells, header_cells):
            table.blocks.add(i)  # the header repeated at the top of the next page
            i += 1
            continue
        if _PAGE_FURNITURE.match(text) and _page_end(blocks, i):
            table.blocks.add(i)  # the page number under the table
            i += 1
            continue
        if is_lone_pipe(block):
            if pending:
                pending.append("")
                pending_whole = False
            table.blocks.add(i)
            i += 1
            continue
        if FURNITURE.match(text) or (len(table.rows) > 1 and header_roles(cells) is not None):
            break
        if block.kind == "paragraph" and (len(text) > 60 or "。" in text):
            break
        if is_column_numbers(cells):
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


# A page's number or a 续表 line, between the two parts of a table broken over pages.
_PAGE_FURNITURE = re.compile(r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页.{0,12}|共\s*\d+\s*页|"
                             r"\d+\s*/\s*\d+|续表.{0,20}|续上表|[（(]续(?:表)?[)）])$")


def _past_page_furniture(blocks: Sequence[Block], i: int) -> int:
    while i < len(blocks) and blocks[i].kind == "paragraph" and \
            _PAGE_FURNITURE.match(blocks[i].text.strip()):
        i += 1
    return i


def _page_top(blocks: Sequence[Block], i: int) -> bool:
    """Whether block i is the first one of its page, past any page furniture."""
    j = i - 1
    while j >= 0 and blocks[j].kind == "paragraph" and _PAGE_FURNITURE.match(blocks[j].text.strip()):
        j -= 1
    return j < 0 or blocks[j].kind == "page_break" or blocks[j].page != blocks[i].page


def _page_end(blocks: Sequence[Block], i: int) -> bool:
    """Whether only page furniture lies between block i and the next page (or the end)."""
    j = _past_page_furniture(blocks, i)
    return j >= len(blocks) or blocks[j].kind == "page_break"


def _same_header(cells: Sequence[str], header: Sequence[str]) -> bool:
    def key(values: Sequence[str]) -> list[str]:
        return [re.sub(r"\s+", "", v) for v in values if v.strip()]

    return bool(key(cells)) and key(cells) == key(header)


def _unruled_header(blocks: Sequence[Block], start: int, cells: list[str],
                    roles: list[str | None]) -> tuple[list[str], list[str | None], set[int]]:
    """A two-row header printed without rules comes apart into lines: the group names over the
    value columns (城市低保 农村低保), the label's heading centred beside both rows (地区) and the
    value headings (户数 人数 支出 户数 人数 支出). When the rows below have one cell more than
    these headings, the label column is put back first, and group names that divide the value
    columns evenly head their share of them (城市低保户数 …). Returns the header, its roles and
    the blocks it took."""
    if any(r in ("label", "unit", "code") for r in roles):
        return cells, roles, set()
    row = next((_line_cells(b) for b in blocks[start + 1:start + 4]
                if any(is_number(c) for c in _line_cells(b))), None)
    if row is None or len(row) != len(cells) + 1 or is_number(row[0]):
        return cells, roles, set()
    label, groups, used = "", None, set()
    for j in range(start - 1, max(-1, start - 4), -1):
        block = blocks[j]
        words = _line_cells(block)
        if block.kind != "paragraph" or block.page != blocks[start].page or not words:
            break
        if not label and len(words) == 1 and header_role(words[0]) == "label":
            label = words[0]
        elif groups is None and len(words) >= 2 and len(cells) % len(words) == 0 and \
                all(len(w) <= 12 and not is_number(w) and header_role(w) is None for w in words):
            groups = words
        else:
            break
        used.add(j)
    if groups:
        width = len(cells) // len(groups)
        cells = [f"{groups[k // width]}{c}" for k, c in enumerate(cells)]
    return [label, *cells], ["label", *roles], used


def _merge_header_rows(blocks: Sequence[Block], start: int, cells: list[str],
                       roles: list[str | None]) -> tuple[list[str], list[str | None]]:
    """A two-row header (本期 over 数量 | 增减%): the second row's words complete the first's."""
    j = start + 1
    if j >= len(blocks):
        return cells, roles
    below = _line_cells(blocks[j])
    below += [""] * (len(cells) - len(below))
    if not below or any(is_number(c) for c in below) or is_column_numbers(below):
        return cells, roles
    below_roles = [header_role(c) for c in below]
    if sum(r is not None for r in below_roles) < 2 or len(below) != len(cells):
        return cells, roles
    merged = [f"{a}{b}" if b and b != a else a for a, b in zip(cells, below, strict=True)]
    new_roles = resolve_changes([header_role(b) or header_role(a) for a, b in
                                  zip(cells, below, strict=True)])
    return merged, new_roles


def _continues(blocks: Sequence[Block], j: int, table: Table) -> bool:
    """Whether block j carries on the row before it (a pipe row broken over lines)."""
    while j < len(blocks) and blocks[j].kind == "page_break":
        j += 1
    if j >= len(blocks):
        return False
    if is_lone_pipe(blocks[j]):
        return True
    cells = [c for c in _line_cells(blocks[j]) if c]
    return blocks[j].kind == "row" and bool(cells) and not _starts_label(cells, table)


def _starts_label(cells: list[str], table: Table) -> bool:
    first = next((c for c in cells if c.strip()), "")
    return bool(first) and not is_value(first) and not is_unit(first) \
        and not CODE.match(first)


def _looks_like_row(cells: list[str], table: Table) -> bool:
    if table.columns and table.columns[0].role == "code" and cells and \
            re.fullmatch(r"\d{1,4}", cells[0].strip()):
        cells = cells[1:]  # a 序号 column before the label
    first = next((c for c in cells if c.strip()), "")
    if not first or is_value(first):
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


def _positional_fault(table: Table, row: Row) -> None:
    unit_i = table.role_index("unit")
    if unit_i is not None and is_number(row.cells[unit_i]):
        row.fault = "number in unit column"
