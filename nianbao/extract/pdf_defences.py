"""Defences of the PDF reader: what it refuses before or while reading a PDF.

- `check_envelope`: not a PDF at all, or cut off (no ``%%EOF`` near the end);
- `check_streams`: a compressed stream that inflates past `Limits.max_pdf_stream_bytes` (a zip
  bomb), found before PDFium or pdfminer inflate it whole;
- `open_error`: an encrypted or malformed file, as PDFium reports it;
- `too_dense`: a page with more characters or drawings than the limits allow;
- `recount`: a page counted again with pdfminer, which stops at the limit (PDFium keeps only the
  first 32,767 bytes of one string, so its count of a page near that size may be short).
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

from nianbao.errors import UnreadableInput
from nianbao.extract.limits import Limits

_HEADER_WINDOW = 1024  # "%PDF-" must start within the first 1,024 bytes (as Acrobat requires)
_TRAILER_WINDOW = 2048  # "%%EOF" must sit near the end; Acrobat looks in the last 1,024 bytes


def check_envelope(data: bytes) -> None:
    """Refuse files that are not PDFs at all, or whose end is missing (a cut-off download)."""
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise UnreadableInput(
            "不是PDF文件（文件开头没有 %PDF- 标记）",
            "not a PDF file (no %PDF- header at the start)",
        )
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise UnreadableInput(
            "PDF文件不完整（结尾缺少 %%EOF，可能下载或复制时被截断），请重新获取文件",
            "the PDF is incomplete (no %%EOF at the end; it was probably cut off while "
            "downloading or copying); get the file again",
        )



def open_error(exc: pdfium.PdfiumError) -> UnreadableInput:
    if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return UnreadableInput(
            "PDF文件已加密（需要密码才能打开），请提供未加密的文件",
            "the PDF is encrypted (it needs a password to open); provide an unencrypted copy",
        )
    return UnreadableInput(
        "PDF文件已损坏或格式不正确，无法打开",
        "the PDF is damaged or malformed and cannot be opened",
    )


def too_dense(number: int, what: str, limit: int) -> UnreadableInput:
    zh, en = ("字符", "characters") if what == "chars" else ("图形", "drawings (paths, images)")
    return UnreadableInput(
        f"PDF第 {number} 页的{zh}过多（上限 {limit:,}）；"
        f"如确需读取，请调高 Limits.max_{what}_per_page",
        f"page {number} of the PDF has too many {en} (limit {limit:,}); to read it anyway, "
        f"raise Limits.max_{what}_per_page",
    )


class _TooDense(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class _CappedAggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page parser, stopping as soon as a page holds more characters or drawings
    than the limits allow, before it has built them all."""

    def __init__(self, page: Page, limits: Limits) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        self.limits = limits
        self.chars = 0
        self.drawings = 0
        self.segments = 0
        self.in_path = False

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.chars += 1
        if self.chars > self.limits.max_chars_per_page:
            raise _TooDense("chars")
        return float(super().render_char(*args, **kwargs))

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._drew(0)
        super().render_image(*args, **kwargs)

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        if self.in_path:  # pdfminer paints each subpath of a path again: count the path once
            super().paint_path(gstate, stroke, fill, evenodd, path)
            return
        self._drew(len(path))
        self.in_path = True
        try:
            super().paint_path(gstate, stroke, fill, evenodd, path)
        finally:
            self.in_path = False

    def _drew(self, segments: int) -> None:
        self.drawings += 1
        self.segments += segments
        limit = self.limits.max_drawings_per_page
        if self.drawings > limit or self.segments > 50 * limit:
            raise _TooDense("drawings")


def _parse_page(page: Page, number: int, limits: Limits) -> None:
    """Parse `page` with the capped parser and hand the result to pdfplumber, which then uses it
    instead of parsing the page again (it keeps a parsed page in `Page._layout`)."""
    device = _CappedAggregator(page, limits)
    try:
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except _TooDense as exc:
        limit = limits.max_chars_per_page if exc.what == "chars" else limits.max_drawings_per_page
        raise too_dense(number, exc.what, limit) from None
    page._layout = device.get_result()


def recount(data: bytes, number: int, limits: Limits) -> None:
    """Count a page's characters again with pdfminer, which stops at the limit. PDFium reads at
    most 32,767 bytes of one string, so a page whose count reaches half of that may hold a
    string PDFium cut short (and more characters than it says)."""
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        page = pdf.pages[number - 1]
        try:
            _parse_page(page, number, limits)
        finally:
            page.close()


_STREAM_START = re.compile(rb"stream\r?\n")
_INFLATE_STEP = 1024 * 1024


def check_streams(data: bytes, limits: Limits) -> None:
    """Refuse a PDF with a compressed stream that inflates past the limit, before PDFium or
    pdfminer inflate it whole. Found by the `stream` keyword, so object streams count too."""
    view = memoryview(data)
    limit = limits.max_pdf_stream_bytes
    for match in _STREAM_START.finditer(data):
        start = match.end()
        if _is_zlib_header(data[start : start + 2]) and _inflated_size(view[start:], limit) > limit:
            raise UnreadableInput(
                f"PDF中有一个压缩数据流解压后超过 {limit:,} 字节，疑似压缩炸弹；"
                f"如确需读取，请调高 Limits.max_pdf_stream_bytes",
                f"a compressed stream in the PDF inflates past {limit:,} bytes; it looks like a "
                f"zip bomb (to read it anyway, raise Limits.max_pdf_stream_bytes)",
            )


def _is_zlib_header(two: bytes) -> bool:
    if len(two) < 2:
        return False
    cmf, flg = two
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf * 256 + flg) % 31 == 0


def _inflated_size(data: memoryview, limit: int) -> int:
    """How many bytes the zlib stream at the start of `data` inflates to, counting past `limit`
    by at most one step; a damaged stream counts up to where it breaks."""
    inflater = zlib.decompressobj()
    total = 0
    position = 0
    try:
        while not inflater.eof and total <= limit:
            if inflater.unconsumed_tail:
                piece: bytes | memoryview = inflater.unconsumed_tail
            elif position < len(data):
                piece = data[position : position + _INFLATE_STEP]
                position += _INFLATE_STEP
            else:
                break
            total += len(inflater.decompress(piece, _INFLATE_STEP))
    except zlib.error:
        pass
    return total


# --- extraction ---------------------------------------------------------------------------------
