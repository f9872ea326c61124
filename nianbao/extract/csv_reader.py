"""Read a CSV file (or tab-separated text saved as .xls) into a Document, like one sheet.

Statistics downloads come as CSV in UTF-8 or GBK, comma-, semicolon- or tab-separated, a title
line or two before the header. The text is decoded as a .txt is (`txt_reader.decode`), the
delimiter is the one that splits the most lines into the same number of cells, and the rows
become blocks as a workbook sheet's do (`xlsx_reader.grid_blocks`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from nianbao.errors import UnreadableInput
from nianbao.extract.txt_reader import MAX_TEXT_BYTES, decode
from nianbao.extract.xlsx_reader import MAX_CELLS, grid_blocks
from nianbao.model import Document, Source

_DELIMITERS = (",", "\t", ";", "，")


def read(path: Path, source: Source) -> Document:
    """Read `path` as delimited text. Raises `UnreadableInput` and nothing else."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise UnreadableInput(f"CSV文件过大（{size:,} 字节，上限 {MAX_TEXT_BYTES:,}）：{path.name}",
                              f"the CSV file is too large ({size:,} bytes, limit "
                              f"{MAX_TEXT_BYTES:,}): {path.name}")
    text, encoding = decode(path.read_bytes(), path)
    lines = text.splitlines()
    delimiter = max(_DELIMITERS, key=lambda d: _fit(lines, d))
    try:
        # newline=None: lines may end in CR alone (a CSV saved by Excel for Mac) as well as
        # LF or CRLF
        rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableInput(f"CSV文件格式有误（{exc}）：{path.name}",
                              f"the CSV file is malformed ({exc}): {path.name}") from exc
    if sum(len(r) for r in rows) > MAX_CELLS:
        raise UnreadableInput(f"CSV文件过大（超过 {MAX_CELLS:,} 个单元格）：{path.name}",
                              f"the CSV file is too large (over {MAX_CELLS:,} cells): {path.name}")
    return Document(source=source, blocks=grid_blocks(rows, None), encoding=encoding)


def _fit(lines: list[str], delimiter: str) -> tuple[int, int]:
    """How well `delimiter` splits the lines: the number of lines that split into the most
    common cell count above one, then that count."""
    counts: dict[int, int] = {}
    for line in lines[:200]:
        n = line.count(delimiter) + 1
        if n > 1:
            counts[n] = counts.get(n, 0) + 1
    if not counts:
        return (0, 0)
    width, lines_of_width = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return (lines_of_width, width)
