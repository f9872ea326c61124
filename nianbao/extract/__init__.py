"""Readers (one per format) and parsers (one per document kind).

`read(path)` is the single entry point: it checks the file, picks the reader by extension and
returns a format-free `Document`. Nothing downstream knows which format a document came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from nianbao.errors import UnreadableInput
from nianbao.extract.limits import MAX_BLOCKS, too_many_blocks
from nianbao.extract.sniff import content_format
from nianbao.model import Document, Source
from nianbao.text.controls import printable_name

FORMATS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx",
           ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
           ".html": "html", ".htm": "html", ".xhtml": "html", ".mht": "mht", ".mhtml": "mht",
           ".rtf": "rtf", ".csv": "csv", ".xls": "xls", ".et": "xls", ".doc": "doc", ".wps": "doc"}
SUPPORTED = ".txt .docx .pdf .xlsx .xls .csv .html .mht .rtf .png .jpg .tif"
OCR_MODES = ("auto", "always", "never")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read(path: str | Path, ocr: str = "auto") -> Document:
    """Read a .txt, .docx, .pdf, .xlsx or image file into a Document; raise UnreadableInput on bad
    input. `ocr`: "auto" recognises scanned pages (no text layer, or a garbage one) and images,
    "always" recognises every PDF page, "never" refuses what would need OCR (NeedsOCR)."""
    path = Path(path)
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}, not {ocr!r}")
    fmt = FORMATS.get(path.suffix.lower())
    if path.is_dir():
        raise UnreadableInput(f"这是文件夹，不是文件：{path}（检查整个文件夹请用 nianbao batch）",
                              f"this is a folder, not a file: {path} (to check a whole folder, "
                              "use nianbao batch)")
    if fmt is None:
        raise UnreadableInput(
            f"不支持的文件类型{path.suffix or '（无扩展名）'}：{path}"
            f"（支持 {SUPPORTED}）",
            f"unsupported file type {path.suffix or '(no extension)'}: {path} "
            f"(supported: {SUPPORTED})",
        )
    if not path.exists():
        raise UnreadableInput(f"文件不存在：{path}", f"file not found: {path}")
    if not path.is_file():
        raise UnreadableInput(f"不是文件：{path}", f"not a file: {path}")
    if path.stat().st_size == 0:
        raise UnreadableInput(f"文件为空：{path}", f"file is empty: {path}")
    fmt = format_to_read(fmt, content_format(path), path)
    try:
        source = Source(printable_name(str(path)), sha256_file(path), fmt)
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件：{path}（{exc.strerror}）",
                              f"cannot read file: {path} ({exc.strerror})") from exc
    try:
        if fmt == "image":
            from nianbao.extract import image_reader

            document = image_reader.read(path, source, ocr=ocr)
        elif fmt == "pdf":
            from nianbao.extract import pdf_ocr

            document = pdf_ocr.read(path, source, ocr=ocr)
        else:
            document = _reader(fmt)(path, source)
    except UnreadableInput as exc:
        exc.naming(path)
        raise
    if not any(b.text.strip() for b in document.blocks):
        raise UnreadableInput(f"文件中没有文字内容：{path}", f"no text in file: {path}")
    if len(document.blocks) > MAX_BLOCKS:
        error = too_many_blocks(len(document.blocks))
        error.naming(path)
        raise error
    return document


Reader = Callable[[Path, Source], Document]


def format_to_read(named: str, found: str | None, path: Path) -> str:
    """The format to read `path` as: what its bytes clearly are (a PDF named .txt, an HTML table
    named .xls, an RTF or a .docx named .doc), else what its name says."""
    if found in ("docx", "xlsx") and named in ("docx", "xlsx"):
        return named  # one Office package for another: its own reader says what is missing
    if found in ("pdf", "docx", "xlsx", "image", "html", "mht", "rtf"):
        return found
    if found == "ole":
        if named == "doc":
            raise UnreadableInput(
                f"这是旧版 Word（.doc/.wps）二进制文件，无法直接读取；请用 Word 或 WPS 另存为 .docx 或 PDF"
                f"后再试：{path}",
                f"this is an old binary Word (.doc/.wps) file, which cannot be read directly; save "
                f"it as .docx or PDF in Word or WPS and try again: {path}")
        return named
    return {"doc": "txt", "xls": "csv"}.get(named, named)  # text saved under an office name


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
    if fmt == "xls":
        from nianbao.extract import xls_reader

        return xls_reader.read
    if fmt == "csv":
        from nianbao.extract import csv_reader

        return csv_reader.read
    if fmt in ("html", "mht", "rtf"):
        from nianbao.extract import markup_reader

        return lambda path, source: markup_reader.read(path, source, fmt)
    from nianbao.extract import pdf_reader

    return pdf_reader.read
