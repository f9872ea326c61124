"""How much a reader will take before it refuses a file as unreadable.

The defaults are far above any real 年度报告书 (a few pages, a few MB) and far below what would
exhaust a laptop: a hostile or broken file is refused quickly with a message naming the limit, and
a caller with a genuinely large file passes its own `Limits` to the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import UnreadableInput

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size, page and archive limits for the DOCX and PDF readers."""

    max_file_bytes: int = 200 * MB
    """A file larger than this on disk is refused before it is opened."""

    max_pages: int = 500
    """A PDF with more pages than this is refused (pages are counted before parsing)."""

    max_chars_per_page: int = 100_000
    """A PDF page with more characters than this is refused; a dense A4 page holds ~5,000."""

    max_drawings_per_page: int = 10_000
    """A PDF page with more paths and images than this is refused (or with more than 50 times as
    many path segments): table detection compares every ruling line with every other, and a page
    of 20,000 ruled cells already takes seconds. A page ruled as a table holds a few hundred."""

    max_pdf_stream_bytes: int = 64 * MB
    """A compressed PDF stream (page content, font, image) that inflates past this is refused
    before either PDF engine decodes it: the PDF form of a zip bomb. A full embedded CJK font is
    about 20 MB."""

    max_image_pixels: int = 80_000_000
    """An image (or a scanned PDF page rendered for OCR) with more pixels than this is refused
    before it is decoded: an A3 page at 600 dpi has 70 million; a decompression bomb billions."""

    max_image_ratio: float = 100.0
    """An image (or a scanned PDF page) whose long side is more than this many times its short
    side is refused: no document page is such a strip (a phone's long screenshot is about 30:1),
    and the recogniser would scale a 1×60,000,000 strip to tens of GB."""

    max_zip_members: int = 5_000
    """A DOCX (a zip) with more members than this is refused."""

    max_zip_uncompressed_bytes: int = 200 * MB
    """A DOCX whose members add up to more than this once uncompressed is refused."""

    max_zip_ratio: float = 100.0
    """A DOCX member that expands more than this many times is refused, if it is large..."""

    zip_ratio_min_bytes: int = 1 * MB
    """...that is, if it is at least this large uncompressed (small XML can compress 100:1)."""


DEFAULT_LIMITS = Limits()

MAX_BLOCKS = 100_000
"""Paragraphs and table rows a document may have: a filed report has a few hundred, a 500-page
PDF about 25,000. Every rule reads every block (~0.1 ms each), so a 4 MB text of two million
one-character lines would take minutes; it is refused instead."""


def too_many_blocks(count: int | None = None) -> UnreadableInput:
    """The error for a document of more than `MAX_BLOCKS` paragraphs and rows."""
    many = f"{count:,} 个，" if count is not None else ""
    many_en = f"{count:,}, " if count is not None else ""
    return UnreadableInput(
        f"文件的段落和表格行过多（{many}上限 {MAX_BLOCKS:,}），不像一份报告或材料",
        f"the file has too many paragraphs and table rows ({many_en}limit {MAX_BLOCKS:,}); "
        "it does not look like a report")


def read_bytes(path: Path, limits: Limits) -> bytes:
    """The bytes of the file at `path`, refused if it is missing, not a file, empty or too large.

    A reader checks and parses these same bytes, so the file cannot change in between."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableInput(f"不是文件：{path}", f"not a file: {path}")
        if size == 0:
            raise UnreadableInput(f"文件是空的：{path.name}", f"the file is empty: {path.name}")
        if size > limits.max_file_bytes:
            raise UnreadableInput(
                f"文件过大（{size:,} 字节，上限 {limits.max_file_bytes:,}）：{path.name}",
                f"the file is too large ({size:,} bytes, limit {limits.max_file_bytes:,}; "
                f"raise Limits.max_file_bytes to read it): {path.name}",
            )
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(
            f"无法打开文件：{path}（{exc.strerror or exc}）",
            f"cannot open the file: {path} ({exc.strerror or exc})",
        ) from exc
