"""Read an old binary Excel workbook (.xls, BIFF) into a Document, as a .xlsx is read.

Many 民政统计 tables still come from reporting systems as .xls. xlrd reads the cells and the
merged ranges; each sheet becomes blocks as an .xlsx sheet does (`xlsx_reader.grid_blocks`):
a merged range gives its text to every cell it covers, a sheet of a workbook of several starts
with its name, `page` is the sheet's number. A password-protected workbook is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from nianbao.errors import UnreadableInput
from nianbao.extract.limits import DEFAULT_LIMITS, Limits, read_bytes
from nianbao.extract.xlsx_reader import DEFAULT_SHEET, MAX_CELLS, cell_text, grid_blocks
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the workbook at `path`. Raises `UnreadableInput` and nothing else."""
    data = read_bytes(path, limits)
    try:
        import xlrd

        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=_Silent())
    except Exception as exc:  # xlrd raises XLRDError, struct errors, IndexError... on bad files
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise UnreadableInput(f"Excel文件已加密，请去掉密码后再试：{path.name}",
                                  f"the workbook is password-protected; remove the password: "
                                  f"{path.name}") from exc
        raise UnreadableInput(f"Excel文件已损坏或不是 .xls 工作簿：{path.name}",
                              f"the workbook is damaged or not an .xls workbook: {path.name} "
                              f"({type(exc).__name__})") from exc
    try:
        names = book.sheet_names()
        blocks: list[Block] = []
        for number, name in enumerate(names, start=1):
            if number > 1:
                blocks.append(Block("page_break", "", page=number, index=len(blocks)))
            sheet = book.sheet_by_index(number - 1)
            if sheet.nrows * sheet.ncols > MAX_CELLS:
                raise UnreadableInput(
                    f"工作表“{name}”过大（{sheet.nrows:,} 行 × {sheet.ncols:,} 列）：{path.name}",
                    f"sheet {name!r} is too large ({sheet.nrows:,} rows × {sheet.ncols:,} "
                    f"columns): {path.name}")
            if len(names) > 1 and not DEFAULT_SHEET.match(name):
                blocks.append(Block("paragraph", normalize(name).strip(), page=number,
                                    index=len(blocks)))
            blocks.extend(grid_blocks(_grid(sheet, book.datemode), number, start=len(blocks)))
            book.unload_sheet(number - 1)
    except UnreadableInput:
        raise
    except Exception as exc:
        raise UnreadableInput(f"Excel文件已损坏，无法解析：{path.name}",
                              f"the workbook is damaged and cannot be parsed: {path.name} "
                              f"({type(exc).__name__})") from exc
    return Document(source=source, blocks=blocks, pages=len(names))


def _grid(sheet: Any, datemode: Literal[0, 1]) -> list[list[str]]:
    import xlrd

    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, r1, c0, c1 in sheet.merged_cells:
        for r in range(r0, min(r1, sheet.nrows)):
            for c in range(c0, min(c1, sheet.ncols)):
                origin[(r, c)] = (r0, c0)

    def value(r: int, c: int) -> str:
        cell = sheet.cell(*origin.get((r, c), (r, c)))
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return cell_text(xlrd.xldate_as_datetime(cell.value, datemode))
            except (ValueError, OverflowError):
                return cell_text(cell.value)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return ""
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return cell_text(bool(cell.value))
        return cell_text(cell.value)

    return [[value(r, c) for c in range(sheet.ncols)] for r in range(sheet.nrows)]


class _Silent:
    """xlrd writes warnings to a log file; a library prints nothing."""

    def write(self, _: str) -> int:
        return 0

