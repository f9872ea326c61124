"""Read a web page (.html/.htm), a web archive (.mht/.mhtml) or an RTF file into a Document.

Statistics tables and notices are published as web pages; a 民政统计 table exported from an
online system often arrives as an HTML table saved under .xls, and Word's "web page" and RTF
files under .doc (`nianbao.extract.sniff` tells them apart by their bytes). The page is read as
paragraphs and table rows by the same HTML, MHT and RTF readers that read content embedded in a
DOCX (`nianbao.extract.docx_altchunk`): no network, no scripts or styles, a table that lays out
the page read as text and the data table inside it as rows, merged cells (rowspan/colspan)
giving their text to every position they cover. A web page has no fixed pages: `page` is None.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from nianbao.errors import UnreadableInput
from nianbao.extract.docx_altchunk import read_chunk
from nianbao.extract.limits import Limits, read_bytes
from nianbao.extract.xlsx_reader import row_block
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize

MAX_MARKUP_BYTES = 20 * 1024 * 1024  # a published table or notice is well under 1 MB
CONTENT_TYPES = {"html": "text/html", "mht": "multipart/related", "rtf": "application/rtf"}
_BY_SUFFIX = {".mht": "mht", ".mhtml": "mht", ".rtf": "rtf"}


def read(path: Path, source: Source, kind: str | None = None) -> Document:
    """Read `path` as `kind` ("html", "mht" or "rtf"; by default from its name). Raises
    `UnreadableInput` and nothing else."""
    data = read_bytes(path, Limits(max_file_bytes=MAX_MARKUP_BYTES))
    kind = kind or _BY_SUFFIX.get(path.suffix.lower(), "html")
    blocks: list[Block] = []

    def emit(text: str, cells: tuple[str, ...] | None) -> None:
        if cells is None:
            text = normalize(text).strip()
            if text:
                blocks.append(Block("paragraph", text, index=len(blocks)))
            return
        block = row_block(cells, None, len(blocks))
        if block is not None:
            blocks.append(block)

    try:
        read_chunk(CONTENT_TYPES[kind], data, path.name, emit, _no_docx)
    except UnreadableInput:
        raise
    except (ValueError, LookupError, UnicodeError, RecursionError, etree.LxmlError) as exc:
        raise UnreadableInput(f"网页或RTF文件无法解析：{path.name}",
                              f"the web page or RTF file cannot be parsed: {path.name} "
                              f"({type(exc).__name__})") from exc
    return Document(source=source, blocks=blocks)


def _no_docx(blob: bytes) -> Iterator[tuple[str, tuple[str, ...] | None]]:
    raise UnreadableInput("文件中嵌入的 Word 文档无法读取", "an embedded Word document cannot be read")
