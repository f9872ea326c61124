"""Read an Excel workbook (.xlsx) into a Document: one table row block per non-empty row.

Statistics reports (民政统计月报/季报) often come as workbooks: one sheet per month or per county,
merged header cells, numbers stored as numbers or as text with thousands commas. In a workbook
of several sheets each sheet starts with a paragraph holding its name (unless it is a default
name such as Sheet1: one sheet per month or per county names them); `page` is the sheet's number (1-based), so a fact's provenance names its sheet.
A merged range gives its text to every cell it covers (a header 本期 merged over 数量 | 增减%
heads both columns). Formulas are read as their cached values; a formula without one is empty.

The file is checked as a zip before openpyxl sees it, with the same limits as a DOCX: size,
member count, total uncompressed size and compression ratio (a zip bomb is refused without
being inflated), encrypted members, no DTD in any XML part. Sheets larger than
`MAX_CELLS` cells are refused, and so are merged ranges covering more than that (openpyxl builds
an object per merged cell: one range A1:XFD1048576 in a 10 KB file would take minutes and GBs).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.extract.limits import DEFAULT_LIMITS, Limits, read_bytes
from nianbao.extract.ooxml import check_package
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize

MAX_CELLS = 2_000_000  # a statistics workbook has a few thousand cells
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
                    rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?")
_SECTION = re.compile(r"[\u4e00-\u9fff]")  # a text merged across a row, not a repeated number
DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|sheet)\s*\d*$")


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the workbook at `path`. Raises `UnreadableInput` and nothing else."""
    data = read_bytes(path, limits)
    _check_package(data, path.name, limits)
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except NianbaoError:
        raise
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors...
        raise UnreadableInput(f"Excel文件已损坏，无法解析：{path.name}",
                              f"the workbook is damaged and cannot be parsed: {path.name} "
                              f"({type(exc).__name__})") from exc
    blocks: list[Block] = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        if number > 1:
            blocks.append(Block("page_break", "", page=number, index=len(blocks)))
        _read_sheet(sheet, number, blocks, path.name, len(workbook.worksheets) > 1)
    return Document(source=source, blocks=blocks, pages=len(workbook.worksheets))


def _read_sheet(sheet: Any, number: int, blocks: list[Block], name: str, several: bool) -> None:
    rows, cols = sheet.max_row or 0, sheet.max_column or 0
    if rows * cols > MAX_CELLS:
        raise UnreadableInput(
            f"工作表“{sheet.title}”过大（{rows:,} 行 × {cols:,} 列）：{name}",
            f"sheet {sheet.title!r} is too large ({rows:,} rows × {cols:,} columns): {name}")
    if several and not DEFAULT_SHEET.match(str(sheet.title)):
        blocks.append(Block("paragraph", normalize(str(sheet.title)).strip(), page=number,
                            index=len(blocks)))
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in sheet.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = (rng.min_row, rng.min_col)
    values: dict[tuple[int, int], str] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                values[(cell.row, cell.column)] = cell_text(cell.value)
    grid = ([values.get(merged.get((r, c), (r, c)), "") for c in range(1, cols + 1)]
            for r in range(1, rows + 1))
    blocks.extend(grid_blocks(grid, number, start=len(blocks)))


def grid_blocks(grid: Iterable[list[str]], page: int | None, start: int = 0) -> list[Block]:
    """Blocks of one sheet given as rows of cell texts (a merged cell's text already in every
    cell it covers), one per non-empty row (`row_block`)."""
    out: list[Block] = []
    for row in grid:
        block = row_block(row, page, start + len(out))
        if block is not None:
            out.append(block)
    return out


def row_block(row: Iterable[str], page: int | None, index: int) -> Block | None:
    """A table row's block: None when it is empty; a paragraph when it holds one text (a title,
    a note or a section name such as 青禾县 in the first cell alone, or merged across the row);
    else a row of its cells, trailing empty cells dropped."""
    cells = [normalize(c).strip() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    filled = [c for c in cells if c]
    if not filled:
        return None
    if (len(filled) == 1 and cells[0]) or (len(set(filled)) == 1 and _SECTION.search(filled[0])):
        return Block("paragraph", filled[0], page=page, index=index)
    return Block("row", "\t".join(cells), cells=tuple(cells), page=page, index=index)


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\t", " ")


# --- defences -----------------------------------------------------------------------------------


def _check_package(data: bytes, name: str, limits: Limits) -> None:
    def workbook(package: zipfile.ZipFile) -> None:
        if "xl/workbook.xml" not in package.namelist():
            raise UnreadableInput(f"不是Excel工作簿（缺少 xl/workbook.xml）：{name}",
                                  f"not an Excel workbook (no xl/workbook.xml): {name}")
        for member in package.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                _check_merges(package.read(member), name)

    check_package(
        data, "XLSX", name, limits,
        old_format=(f"这是旧版Excel（.xls）文件或加密的Excel文件，请另存为未加密的 .xlsx：{name}",
                    f"this is an old Excel .xls file or a password-protected workbook; save it "
                    f"as an unprotected .xlsx: {name}"),
        main_part=workbook)




def _check_merges(sheet_xml: bytes, name: str) -> None:
    """Refuse a sheet whose merged ranges cover more than `MAX_CELLS` cells in all."""
    covered = 0
    for m in _MERGE.finditer(sheet_xml):
        c0, r0 = _column(m.group(1)), int(m.group(2))
        c1, r1 = (_column(m.group(3)), int(m.group(4))) if m.group(3) else (c0, r0)
        covered += (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)
        if covered > MAX_CELLS:
            raise UnreadableInput(
                f"工作表的合并单元格过大（超过 {MAX_CELLS:,} 个单元格），文件可能已损坏：{name}",
                f"the sheet's merged cells cover over {MAX_CELLS:,} cells; the file may be "
                f"damaged: {name}")


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
