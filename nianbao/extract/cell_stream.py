"""Tables written one cell per line: a web page copied as text puts each cell on its own line,
with lone `|` lines between cells (two in a row enclose an empty cell), or a header of one short
paragraph per cell (指标 / 户数 / 人数 / 金额（元）). The cells are read as a stream and aligned to
the header's columns by type (`columns.align`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.extract.columns import (
    CODE,
    Column,
    align,
    header_role,
    header_roles,
    is_unit,
    is_value,
    resolve_changes,
)
from nianbao.extract.tables import FURNITURE, Row, Table, is_lone_pipe
from nianbao.model import Block


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
        if is_lone_pipe(block):
            if last_pipe and tokens:
                tokens.append(("", i))
            last_pipe = True
            i += 1
            continue
        text = block.text.strip()
        if (block.kind == "paragraph" and (len(text) > 40 or "。" in text)) or FURNITURE.match(text):
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


def cell_stream_table(blocks: Sequence[Block], start: int) -> tuple[Table | None, int]:
    tokens, end = _stream_tokens(blocks, start)
    texts = [re.sub(r"(?<=\S)\s(?=\S)", "", t) if len(t) <= 12 else t for t, _ in tokens]
    roles: list[str | None] = []
    for text in texts:
        role = header_role(text)
        if role is None:
            break
        roles.append(role)
    if header_roles(texts[:len(roles)]) is None:
        return None, start
    roles = resolve_changes(roles)
    columns = [Column(i, texts[i], r) for i, r in enumerate(roles)]
    first_block = tokens[0][1]
    table = Table(columns, page=blocks[first_block].page,
                  blocks=set(range(start, end)))
    table.rows.append(Row(texts[:len(roles)], first_block, blocks[first_block].page, 1,
                          "\t".join(texts[:len(roles)])))
    row: list[str] = []
    row_block = -1
    for (raw, index), text in zip(tokens[len(roles):], texts[len(roles):], strict=True):
        starts = bool(text) and not is_value(text) and not is_unit(text) \
            and not CODE.match(text)
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


def single_cell_header(blocks: Sequence[Block], i: int) -> bool:
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
    has_value = any(is_value(t) for t in row[1:])
    if not has_value and len(row) > 1:
        fault = fault or "short row"
    table.rows.append(Row(cells, block, blocks[block].page, len(table.rows) + 1,
                          "\t".join(t for t in row if t), fault))
