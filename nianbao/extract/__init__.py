"""Readers (one per format) and parsers (one per document kind).

`read(path)` is the single entry point: it checks the file, picks the reader by extension and
returns a format-free `Document`. Nothing downstream knows which format a document came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from nianbao.errors import UnreadableInput
from nianbao.model import Document, Source

FORMATS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read(path: str | Path) -> Document:
    """Read a .txt, .docx, .pdf or .xlsx file into a Document; raise UnreadableInput on bad input."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableInput(
            f"不支持的文件类型 {path.suffix or '（无扩展名）'}：{path}（支持 .txt .docx .pdf .xlsx）",
            f"unsupported file type {path.suffix or '(no extension)'}: {path} "
            "(supported: .txt .docx .pdf .xlsx)",
        )
    if not path.exists():
        raise UnreadableInput(f"文件不存在：{path}", f"file not found: {path}")
    if not path.is_file():
        raise UnreadableInput(f"不是文件：{path}", f"not a file: {path}")
    if path.stat().st_size == 0:
        raise UnreadableInput(f"文件为空：{path}", f"file is empty: {path}")
    try:
        source = Source(str(path), sha256_file(path), fmt)
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件：{path}（{exc.strerror}）",
                              f"cannot read file: {path} ({exc.strerror})") from exc
    document = _reader(fmt)(path, source)
    if not any(b.text.strip() for b in document.blocks):
        raise UnreadableInput(f"文件中没有文字内容：{path}", f"no text in file: {path}")
    return document


Reader = Callable[[Path, Source], Document]


def _reader(fmt: str) -> Reader:
    if fmt == "txt":
        from nianbao.extract import txt_reader

        return txt_reader.read
    if fmt == "docx":
        from nianbao.extract import docx_reader

        return docx_reader.read
    if fmt == "xlsx":
        from nianbao.extract import xlsx_reader

        return xlsx_reader.read
    from nianbao.extract import pdf_reader

    return pdf_reader.read
