"""The table model every reader feeds: a `Table` of `Row`s under `Column`s
(`nianbao.extract.columns`), and the marks around tables in a document's blocks (a lone `|`
line, a web page's furniture) that the table finders (`grid`, `cell_stream`) share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from nianbao.extract.columns import CHANGE_ROLES, VALUE_ROLES, Column
from nianbao.model import Block

# A web page's furniture: where a table copied from a page ends.
FURNITURE = re.compile(r"^(?:来源|时间|发布时间|阅读|浏览|附件下载|附件|扫一扫|分享|打印|关闭|【|上一篇|下一篇)")


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


def data_rows(table: Table) -> Iterator[Row]:
    """The rows after the header."""
    yield from table.rows[1:]


def is_lone_pipe(block: Block) -> bool:
    """A row of empty cells or a line holding only `|`: a cell break in a copied table."""
    return (block.kind == "row" and not any(c.strip() for c in block.cells)) \
        or block.text.strip() == "|"
