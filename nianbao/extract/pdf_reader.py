"""Read a PDF into a Document: table rows and text lines per page, top to bottom, with boxes.

One engine reads, another's geometry finds the tables:

- pypdfium2 (PDFium) opens the file and does all the reading in one pass: it says whether the
  file is encrypted, counts the pages, counts the characters and objects on each page against
  the limits (refusing a scan, a file over the page limit or an absurdly dense page), and gives
  each character with its box and each painted path with its segments.
- pdfplumber's table finder (its "lines" strategy: snap and join the ruling edges, intersect
  them, build cells, group cells into tables) runs on those path segments, so ruled tables come
  out as before: each row a `row` Block with one string per cell, and the text outside the
  tables as `paragraph` Blocks, one per line (a wrapped paragraph gives several), each with its
  box (x0, top, x1, bottom) in PDF points from the page's top-left corner. Reading order is top
  to bottom, so two text columns side by side interleave line by line.

Until 2026-11 pdfplumber (pdfminer.six) parsed every page itself. Measured on
tests/fixtures/readers/three-pages-of-prose.pdf (3 A4 pages of Chinese prose, LibreOffice 7.4),
PDFium `get_text_range` took 0.7 ms a page, pdfplumber `extract_text` 24-26 ms a page and that
reader 38-45 ms a page; on the examples it took ~360 ms for a 5-page filing. This reader gives
the same blocks (kinds, texts, cells, pages; boxes differ by fractions of a point) on every PDF
under tests/fixtures, examples/ and the forms nianbao generates, and on a synthetic corpus of
LibreOffice exports (benchmarks/make_corpus.py), in ~4 ms a page (~9 ms for a 2-page filing;
docs/performance.md). pdfminer still recounts a page whose PDFium count is suspiciously high
(`_recount`): PDFium keeps only the first 32,767 bytes of one string.

What PDFium does differently, and how it is evened out:
- It generates spaces (and line ends) from gaps ("第 1 页" for "第1页", where LibreOffice widened
  the gap between Chinese and Latin text). Generated characters are dropped and a gap becomes a
  space by the rule below, as before; but PDFium also reports some real space glyphs as
  generated ones, and those are put back by the width of the gap they leave (`_unfold_space`).
- Its character boxes run from the font's descent to its ascent, which differ between the
  Chinese and the Latin font of one line; here every character gets a box one em high on its
  baseline, so a line's characters share a top (`_chars`).
- Duplicate glyphs (fake bold) are dropped as pdfplumber's dedupe_chars did (`_dedupe`).

A cell's text is joined as the DOCX reader gives it: lines wrapped by the layout are joined again
(nothing between CJK characters) and only paragraph ends stay "\\n" (see `_unwrap`). A table that
runs onto the next page continues there in rows whose label cells are "".

Chinese text: a line is joined from its characters: a space glyph in the PDF stays a space, and a
gap wider than `X_TOLERANCE` becomes a space only when the characters on both sides are not both
CJK ("年度报告", "第1页 工作总结", "Word 文档"), so a justified or letter-spaced Chinese line does
not come out as "年 度 报 告".
"""

from __future__ import annotations

import array
import ctypes
import io
import math
import re
import threading
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.table import (
    Table,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.geometry import filter_edges

from nianbao.errors import NeedsOCR, NianbaoError, UnreadableInput
from nianbao.extract.limits import DEFAULT_LIMITS, Limits, read_bytes
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize

BBox = tuple[float, float, float, float]
Char = dict[str, Any]  # a pdfplumber character: text, x0, x1, top, bottom, size, fontname...

TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
X_TOLERANCE = 3.0  # points: a wider gap between two characters is a space (pdfplumber's default)
Y_TOLERANCE = 3.0  # points: characters whose tops differ by less are on the same line

# Han ideographs (BMP, extensions and compatibility), CJK punctuation (not U+3000, a space),
# kana, bopomofo, and the full-width forms (，：（）and full-width digits before normalisation).
_CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")

_HEADER_WINDOW = 1024  # "%PDF-" must start within the first 1,024 bytes (as Acrobat requires)
_TRAILER_WINDOW = 2048  # "%%EOF" must sit near the end; Acrobat looks in the last 1,024 bytes
_EDGE = 1.0  # points: how far apart two ruling positions may be and still be the same line
_CELL_PADDING = 6.0  # points: Word's default cell margin is 5.4, LibreOffice's 2.8
_ASCENT = 0.88  # of the em box above the baseline (Noto CJK; pdfminer: 1 + the font's descent)
_SPACE_GAP = (0.22, 0.40)  # em: the gap a folded space glyph leaves (see `_unfold_space`)
_FLAT = 0.01  # points: a segment this close to horizontal or vertical is a rule
# PDFium is not thread-safe: one thread of a process at a time reads with it (a Dask worker runs
# several tasks in threads).
_PDFIUM = threading.Lock()
# PDFium keeps at most 32,767 bytes of one string: half that many two-byte characters.
_PDFIUM_STRING_CAP = 16_383


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the PDF at `path`. Raises `UnreadableInput` (or `NeedsOCR`) and nothing else."""
    data = read_bytes(path, limits)
    _check_envelope(data)
    _check_streams(data, limits)
    try:
        with _PDFIUM:
            pages = _survey(data, limits)
        blocks = _extract(pages)
    except NianbaoError:
        raise
    except Exception as exc:  # PDFium raises PdfiumError, pdfminer PSEOF, KeyError... on damage
        raise UnreadableInput(
            f"PDF文件已损坏，无法解析：{path.name}",
            f"the PDF is damaged and cannot be parsed: {path.name} ({type(exc).__name__})",
        ) from exc
    return Document(source=source, blocks=blocks, pages=len(pages))


# --- defences -----------------------------------------------------------------------------------


def _check_envelope(data: bytes) -> None:
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


def _survey(data: bytes, limits: Limits) -> list[_Page]:
    """Open the PDF with PDFium: refuse it if encrypted, too long, a scan or absurdly dense;
    otherwise read every page's characters and ruling lines."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(exc) from exc
    try:
        count = len(pdf)
        if count == 0:
            raise UnreadableInput("PDF文件没有任何页面", "the PDF has no pages")
        if count > limits.max_pages:
            raise UnreadableInput(
                f"PDF页数过多（{count:,} 页，上限 {limits.max_pages:,} 页）；"
                f"如确需读取，请调高 Limits.max_pages",
                f"the PDF has too many pages ({count:,}, limit {limits.max_pages:,}); "
                f"to read it anyway, raise Limits.max_pages",
            )
        pages = [_survey_page(pdf, number, limits, data) for number in range(1, count + 1)]
    except pdfium.PdfiumError as exc:
        raise UnreadableInput(
            "PDF文件已损坏，无法读取页面", f"the PDF is damaged; a page cannot be loaded ({exc})"
        ) from exc
    finally:
        pdf.close()
    if not any(not c["text"].isspace() for page in pages for c in page.chars):
        raise NeedsOCR(
            "该PDF没有文字层（扫描件），需要先做OCR识别",
            "the PDF has no text layer (a scan); it needs OCR first",
        )
    return pages


def _open_error(exc: pdfium.PdfiumError) -> UnreadableInput:
    if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return UnreadableInput(
            "PDF文件已加密（需要密码才能打开），请提供未加密的文件",
            "the PDF is encrypted (it needs a password to open); provide an unencrypted copy",
        )
    return UnreadableInput(
        "PDF文件已损坏或格式不正确，无法打开",
        "the PDF is damaged or malformed and cannot be opened",
    )


@dataclass(frozen=True)
class _Page:
    """One page as PDFium reads it: characters and ruling edges in pdfplumber's terms (points
    from the page's top-left corner)."""

    number: int
    chars: list[Char]
    edges: list[dict[str, Any]]


def _survey_page(pdf: pdfium.PdfDocument, number: int, limits: Limits, data: bytes) -> _Page:
    """Check one page against the limits and read its characters and ruling lines."""
    page = pdf[number - 1]
    try:
        raw = page.raw
        objects = pdfium_c.FPDFPage_CountObjects(raw)
        if objects > limits.max_drawings_per_page + limits.max_chars_per_page:
            raise _too_dense(number, "drawings", limits.max_drawings_per_page)
        left, top = _origin(raw)
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count > limits.max_chars_per_page:
                raise _too_dense(number, "chars", limits.max_chars_per_page)
            if count >= _PDFIUM_STRING_CAP:
                _recount(data, number, limits)
            chars = _chars(textpage.raw, count, left, top)
        finally:
            textpage.close()
        edges = _Edges(number, limits, left, top).of_page(raw, objects)
    finally:
        page.close()
    return _Page(number, chars, edges)


def _origin(page: Any) -> tuple[float, float]:
    """The media box's left edge and top, to turn PDF coordinates into pdfplumber's."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pdfium_c.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        return float(left.value), float(max(top.value, bottom.value))
    return 0.0, float(pdfium_c.FPDF_GetPageHeightF(page))


def _chars(textpage: Any, count: int, left: float, top: float) -> list[Char]:
    """The page's characters in content order, without the ones PDFium generates (spaces it
    infers from gaps, line ends): a gap becomes a space in `_join`, as it did with pdfplumber.

    A character's box is its advance width across (PDFium's loose box, as pdfminer's) and one
    em (the font size scaled by the character's matrix) up and down from its baseline, 0.88 em
    above and 0.12 below, whatever its font: so the
    characters of one line have the same top even where a Latin font with another ascent sets
    the digits of a Chinese line (pdfminer's boxes differ there by the fonts' descents)."""
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(
        ctypes.c_ushort)))
    units = array.array("H", buffer.raw[: 2 * max(0, min(written - 1, count))])
    if len(units) < count:
        units.extend(pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(len(units), count))
    rect = pdfium_c.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    box, origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    generated, object_of = pdfium_c.FPDFText_IsGenerated, _text_object_address()
    chars: list[Char] = []
    skip = False
    folded = False  # a generated space since the last character: maybe a folded space glyph
    last_object: Any = None
    em = 0.0
    for i, unit in enumerate(units):
        if skip:
            skip = False
            continue
        if unit <= 0x20 and (unit < 0x20 or generated(textpage, i) == 1):
            folded = folded or unit == 0x20  # PDFium generates spaces, CR and LF only
            continue
        if unit == 0xFFFE:
            continue
        text = chr(unit)
        if 0xD800 <= unit < 0xDC00 and i + 1 < count and 0xDC00 <= units[i + 1] < 0xE000:
            text = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00))
            skip = True
        if not box(textpage, i, rect) or not origin(textpage, i, x, y):
            continue
        text_object = object_of(textpage, i)
        if text_object != last_object or not em:  # one size per text object
            last_object = text_object
            em = _em(textpage, i) or rect.top - rect.bottom
        baseline = top - y.value
        char = {"object_type": "char", "text": text, "x0": rect.left - left,
                "x1": rect.right - left, "top": baseline - _ASCENT * em,
                "bottom": baseline + (1 - _ASCENT) * em}
        if folded and chars:
            _unfold_space(chars, char)
        folded = False
        chars.append(char)
    return chars


@cache
def _text_object_address() -> Any:
    """FPDFText_GetTextObject returning the object's address, so that two calls compare equal
    when they name the same text object (pypdfium2's pointer objects never do)."""
    bound = pdfium_c.FPDFText_GetTextObject
    function = type(bound).from_address(ctypes.addressof(bound))
    function.argtypes = [ctypes.c_void_p, ctypes.c_int]
    function.restype = ctypes.c_void_p
    return function


def _em(textpage: Any, index: int) -> float:
    """The character's font size scaled by its matrix (WeasyPrint sets 14 px type under a
    0.75 px-to-pt matrix: 10.5 pt)."""
    size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
    matrix = pdfium_c.FS_MATRIX()
    if pdfium_c.FPDFText_GetMatrix(textpage, index, matrix):
        size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
    return size


def _unfold_space(chars: list[Char], char: Char) -> None:
    """Put back a space glyph that PDFium folded into a generated space.

    PDFium reports some real space glyphs of a LibreOffice export (one that ends a run before a
    change of font: "跨 16", "傅蔚霞 联系电话") as spaces it generated itself, like the ones it
    infers from gaps. Measured on LibreOffice exports, the gap a real space leaves is 0.22–0.36
    em (its advance), the gaps PDFium fills on its own are 0.17–0.21 em (LibreOffice's spacing
    between Chinese and Latin text) or much wider (justification, tab stops); so a generated
    space over a gap of 0.22–0.40 em on the same line is taken as the glyph it was."""
    previous = chars[-1]
    em = previous["bottom"] - previous["top"]
    gap = char["x0"] - previous["x1"]
    if em > 0 and abs(char["bottom"] - previous["bottom"]) < 0.1 * em and (
        _SPACE_GAP[0] * em <= gap <= _SPACE_GAP[1] * em
    ):
        chars.append({"object_type": "char", "text": " ", "x0": previous["x1"],
                      "x1": char["x0"], "top": previous["top"], "bottom": previous["bottom"]})


def _recount(data: bytes, number: int, limits: Limits) -> None:
    """Count a page's characters again with pdfminer, which stops at the limit. PDFium reads at
    most 32,767 bytes of one string, so a page whose count reaches half of that may hold a
    string PDFium cut short (and more characters than it says)."""
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        page = pdf.pages[number - 1]
        try:
            _parse_page(page, number, limits)
        finally:
            page.close()


class _Edges:
    """A page's painted paths as pdfplumber's edges (straight segments, horizontal or vertical),
    counting drawings against the limits as pdfplumber's capped parser did."""

    def __init__(self, number: int, limits: Limits, left: float, top: float) -> None:
        self.number = number
        self.limits = limits
        self.left = left
        self.top = top
        self.drawings = 0
        self.segments = 0
        self.edges: list[dict[str, Any]] = []

    def of_page(self, page: Any, objects: int) -> list[dict[str, Any]]:
        get = pdfium_c.FPDFPage_GetObject
        self._objects((get(page, i) for i in range(objects)), None)
        return self.edges

    def _objects(self, objects: Iterable[Any], outer: _Matrix | None) -> None:
        kind_of = pdfium_c.FPDFPageObj_GetType
        for obj in objects:
            kind = kind_of(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self._drew(obj, outer)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE or kind == pdfium_c.FPDF_PAGEOBJ_SHADING:
                self._count(0)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                inner = _compose(_matrix(obj), outer)
                n = pdfium_c.FPDFFormObj_CountObjects(obj)
                self._objects((pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)), inner)

    def _count(self, segments: int) -> None:
        self.drawings += 1
        self.segments += segments
        limit = self.limits.max_drawings_per_page
        if self.drawings > limit or self.segments > 50 * limit:
            raise _too_dense(self.number, "drawings", limit)

    def _drew(self, obj: Any, outer: _Matrix | None) -> None:
        n = pdfium_c.FPDFPath_CountSegments(obj)
        self._count(max(0, n))
        if n < 2:
            return
        matrix = _compose(_matrix(obj), outer)
        x, y = ctypes.c_float(), ctypes.c_float()
        start: tuple[float, float] | None = None
        previous: tuple[float, float] | None = None
        for i in range(n):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            point = _apply(matrix, x.value, y.value)
            if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = point
            elif previous is not None:
                self._edge(previous, point)
            if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
                self._edge(point, start)
            previous = point

    def _edge(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        x0, x1 = sorted((a[0] - self.left, b[0] - self.left))
        top, bottom = sorted((self.top - a[1], self.top - b[1]))
        if abs(x1 - x0) < _FLAT:
            orientation = "v"
        elif abs(bottom - top) < _FLAT:
            orientation = "h"
        else:
            return  # a slanted segment is no table rule
        self.edges.append({"object_type": "line", "orientation": orientation, "x0": x0,
                           "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                           "width": x1 - x0, "height": bottom - top})


_Matrix = tuple[float, float, float, float, float, float]


def _matrix(obj: Any) -> _Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: _Matrix, outer: _Matrix | None) -> _Matrix:
    """`inner` followed by `outer` (an object's matrix inside a form, then the form's)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _too_dense(number: int, what: str, limit: int) -> UnreadableInput:
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
        raise _too_dense(number, exc.what, limit) from None
    page._layout = device.get_result()


_STREAM_START = re.compile(rb"stream\r?\n")
_INFLATE_STEP = 1024 * 1024


def _check_streams(data: bytes, limits: Limits) -> None:
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


@dataclass(frozen=True)
class _Item:
    """A row or a line before it gets its index: sorted by where it sits on the page."""

    kind: str
    text: str
    cells: tuple[str, ...]
    bbox: BBox


def _extract(pages: list[_Page]) -> list[Block]:
    blocks: list[Block] = []
    for page in pages:
        if page.number > 1:
            blocks.append(Block(kind="page_break", text="", page=page.number, index=len(blocks)))
        for item in _page_items(page):
            blocks.append(
                Block(
                    kind="row" if item.kind == "row" else "paragraph",
                    text=item.text,
                    cells=item.cells,
                    page=page.number,
                    index=len(blocks),
                    bbox=item.bbox,
                )
            )
    return blocks


def _page_items(page: _Page) -> list[_Item]:
    tables = [t for t in _find_tables(page.edges) if len(t.cells) > 1]
    chars = _dedupe(page.chars)  # fake bold draws each character twice
    items: list[_Item] = []
    outside = chars
    for table in tables:
        box = table.bbox  # a property that walks every cell: once per table
        inside: list[Char] = []
        rest: list[Char] = []
        for char in outside:
            (inside if _midpoint_in(char, box) else rest).append(char)
        outside = rest
        items.extend(_table_rows(table, inside))
    for line in _lines(outside):
        items.append(_Item("paragraph", line.text, (), line.bbox))
    items.sort(key=lambda item: (round(item.bbox[1], 1), item.bbox[0]))
    return items


def _find_tables(edges: list[dict[str, Any]]) -> list[Table]:
    """Ruled tables from the page's edges: pdfplumber's "lines" strategy, step by step."""
    if not edges:
        return []
    settings = TableSettings.resolve(TABLE_SETTINGS)
    kept = filter_edges(edges, min_length=settings.edge_min_length_prefilter)
    merged = merge_edges(kept, settings.snap_x_tolerance, settings.snap_y_tolerance,
                         settings.join_x_tolerance, settings.join_y_tolerance)
    merged = filter_edges(merged, min_length=settings.edge_min_length)
    points = edges_to_intersections(merged, settings.intersection_x_tolerance,
                                    settings.intersection_y_tolerance)
    cells = intersections_to_cells(points)
    return [Table(cast(Page, None), group) for group in cells_to_tables(cells)]


def _dedupe(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """Drop a character drawn again at (nearly) the same place, as pdfplumber's dedupe_chars:
    fake bold draws every glyph twice, a hair apart."""
    kept: list[Char] = []
    recent: dict[str, list[Char]] = {}
    for char in chars:
        same = recent.get(char["text"])
        if same is None:
            recent[char["text"]] = [char]
        else:
            x0, top = char["x0"], char["top"]
            for other in same[-4:]:  # a plain loop: a generator costs more than the test
                if abs(other["x0"] - x0) <= tolerance and abs(other["top"] - top) <= tolerance:
                    break
            else:
                same.append(char)
                kept.append(char)
            continue
        kept.append(char)
    return kept


def _table_rows(table: Table, chars: list[Char]) -> list[_Item]:
    """One item per table row. A cell spanning columns appears once; a cell spanning rows gives
    its text to its first row and "" to the rows below, so the columns stay where they are."""
    grid = _Grid(table.cells)
    texts = _cell_texts(grid, chars)
    items: list[_Item] = []
    for row in table.rows:
        present = [c for c in row.cells if c is not None]
        top = min(c[1] for c in present)
        i = bisect_right(grid.tops, top + _EDGE) - 1
        values: list[str] = []
        last_cover: BBox | None = None
        for j, cell in enumerate(row.cells):
            if cell is not None:
                values.append(texts[cell])
                last_cover = None
                continue
            cover = grid.slots.get((i, j))
            if cover is not None and abs(cover[1] - top) <= _EDGE:
                continue  # a cell of this row spanning columns: it appears once
            if cover is None or cover != last_cover:
                values.append("")  # under a cell spanning rows: one "" however wide it is
            last_cover = cover
        if any(values):
            x0, x1 = min(c[0] for c in present), max(c[2] for c in present)
            bottom = max(c[3] for c in present)
            bbox = _rounded((x0, top, x1, bottom))
            items.append(_Item("row", "\t".join(values), tuple(values), bbox))
    return items


class _Grid:
    """A table's cells on the grid of their left edges and tops: `slots[(i, j)]` is the cell
    covering the i-th top and the j-th left edge, whichever row or column it starts in."""

    def __init__(self, cells: Sequence[BBox]) -> None:
        self.xs = sorted({c[0] for c in cells})  # the same columns as pdfplumber's Table.rows
        self.tops = sorted({c[1] for c in cells})
        self.slots: dict[tuple[int, int], BBox] = {}
        for cell in cells:
            rows = range(
                bisect_left(self.tops, cell[1] - _EDGE), bisect_left(self.tops, cell[3] - _EDGE)
            )
            columns = range(
                bisect_left(self.xs, cell[0] - _EDGE), bisect_left(self.xs, cell[2] - _EDGE)
            )
            for i in rows:
                for j in columns:
                    self.slots.setdefault((i, j), cell)

    def cell_at(self, x: float, y: float) -> BBox | None:
        cell = self.slots.get((bisect_right(self.tops, y) - 1, bisect_right(self.xs, x) - 1))
        if cell is not None and cell[0] <= x < cell[2] and cell[1] <= y < cell[3]:
            return cell
        return None


def _cell_texts(grid: _Grid, chars: Iterable[Char]) -> dict[BBox, str]:
    """Each cell's text, from the characters whose midpoint lies in it."""
    members: dict[BBox, list[Char]] = {cell: [] for cell in grid.slots.values()}
    for char in chars:
        cell = grid.cell_at((char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2)
        if cell is not None:
            members[cell].append(char)
    return {cell: _unwrap(cell, _lines(own)) for cell, own in members.items()}


def _unwrap(cell: BBox, lines: list[_Line]) -> str:
    """A cell's lines joined as the DOCX reader would give the cell: "\\n" between paragraphs,
    nothing where a line was wrapped between CJK characters, a space where it was wrapped between
    words.

    The cell's right text edge is where its widest line ends, if that is near the cell's border
    (else no line in the cell was wrapped). A line was wrapped if the next line's first word would
    not have fitted between its end and that edge; the next line starts a paragraph if the word
    would have fitted, or if it is indented (and not merely centred)."""
    if len(lines) < 2:
        return "".join(line.text for line in lines)
    size = max(line.bbox[3] - line.bbox[1] for line in lines)
    widest = max(line.bbox[2] for line in lines)
    wraps = widest >= cell[2] - _CELL_PADDING - 3 * size
    left = min(line.bbox[0] for line in lines)
    out = lines[0].text
    for previous, line in pairwise(lines):
        x0, _, x1, _ = line.bbox
        centred = abs((x0 - cell[0]) - (cell[2] - x1)) < size / 2
        indented = x0 > left + 0.9 * size and not centred
        fits = _first_word_width(line.chars) + size / 4 < widest - previous.bbox[2]
        if not wraps or indented or fits:
            out += "\n"
        elif not (_is_cjk(previous.text[-1]) or _is_cjk(line.text[0])):
            out += " "
        out += line.text
    return out


# Line-breaking classes that glue characters together (Unicode UAX #14, as LibreOffice and Word
# apply it): no break before closing punctuation, none after opening punctuation, none on either
# side of a quotation mark. They make the first "word" of a wrapped Chinese line longer than one
# character: 金“一 of 金“一卡通”, 颈。 of 颈。四是.
_CLOSING = set("，。、；：？！）》」』】〕〉…%,.;:?!)]}")
_OPENING = set("（《「『【〔〈([{")
_QUOTES = set("“”‘’\"'")


def _first_word_width(chars: list[Char]) -> float:
    """Width of the shortest start of a line that a line breaker could have put on the line
    before: one CJK character or a run of Latin letters and digits, with the punctuation and
    quotation marks glued to it."""
    solid = [c["text"] for c in chars if not c["text"].isspace()]
    boxes = [(c["x0"], c["x1"]) for c in chars if not c["text"].isspace()]
    if not solid:
        return 0.0
    i = 0
    while i < len(solid) - 1 and (solid[i] in _OPENING or solid[i] in _QUOTES):
        i += 1
    i += 1
    if not _is_cjk(solid[i - 1]):
        while i < len(solid) and not _is_cjk(solid[i]) and solid[i] not in _QUOTES:
            if boxes[i][0] - boxes[i - 1][1] > X_TOLERANCE:
                break
            i += 1
    while i < len(solid) and (solid[i] in _CLOSING or solid[i] in _QUOTES):
        i += 2 if solid[i] in _QUOTES else 1
    return float(boxes[min(i, len(solid)) - 1][1] - boxes[0][0])


@dataclass(frozen=True)
class _Line:
    text: str
    bbox: BBox
    chars: list[Char]


def _lines(chars: list[Char]) -> list[_Line]:
    """Characters grouped into lines (by their top), top to bottom."""
    lines: list[_Line] = []
    for group in cluster_objects(chars, itemgetter("top"), Y_TOLERANCE):
        group.sort(key=itemgetter("x0"))
        solid = [c for c in group if not c["text"].isspace()]
        text = _clean(_join(group))
        if solid and text:
            bbox = (
                min(c["x0"] for c in solid),
                min(c["top"] for c in solid),
                max(c["x1"] for c in solid),
                max(c["bottom"] for c in solid),
            )
            lines.append(_Line(text, _rounded(bbox), group))
    lines.sort(key=lambda line: line.bbox[1])
    return lines


def _join(chars: list[Char]) -> str:
    """A line's characters, left to right. A space glyph in the PDF stays a space; a gap wider than
    X_TOLERANCE becomes a space, except between two CJK characters (justified Chinese text)."""
    out: list[str] = []
    previous: Char | None = None
    for char in chars:
        text = char["text"]
        if text.isspace():
            out.append(" ")
        elif previous is not None and not previous["text"].isspace():
            gap = char["x0"] - previous["x1"]
            if gap > X_TOLERANCE and not (_is_cjk(previous["text"]) and _is_cjk(text)):
                out.append(" ")
        if not text.isspace():
            out.append(text)
        previous = char
    return "".join(out)


def _midpoint_in(obj: dict[str, Any], box: BBox) -> bool:
    if obj.get("object_type") != "char":
        return False
    mx: float = (obj["x0"] + obj["x1"]) / 2
    my: float = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= mx < box[2] and box[1] <= my < box[3]


def _rounded(bbox: BBox) -> BBox:
    x0, top, x1, bottom = bbox
    return (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))


# --- text ---------------------------------------------------------------------------------------


def _is_cjk(text: str) -> bool:
    return _CJK_CHAR.fullmatch(text) is not None


def _clean(text: str) -> str:
    return normalize(text).strip()
