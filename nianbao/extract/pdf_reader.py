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
(`pdf_defences.recount`): PDFium keeps only the first 32,767 bytes of one string.

Each page is loaded once: the counts of its text layer that the OCR planner needs
(`text_layer.PageText`) are taken in the same pass (`read_surveyed`). Each character's box
costs three PDFium calls (~3,500 per filing), made without ctypes' argument conversion
(`text_layer.unchecked`: 0.6 µs a call instead of 2.7). PDFium's text-run API
(`FPDFText_CountRects`/`FPDFText_GetRect`) is not used for the boxes: it gives one rectangle
per text object, the union of its glyphs' ink boxes, with no character index range, while the
geometry needs each character's advance box (which cell its midpoint falls in, the width of a
line's first word, the gaps that become spaces, fake-bold duplicates); positions spread evenly
over a run would move characters whose glyphs are not one em wide or whose ink overhangs.

What PDFium does differently, and how it is evened out:
- It generates spaces (and line ends) from gaps ("第 1 页" for "第1页", where LibreOffice widened
  the gap between Chinese and Latin text). Generated characters are dropped and a gap becomes a
  space by the rule below, as before; but PDFium also reports some real space glyphs as
  generated ones, and those are put back by the width of the gap they leave (`_unfold_space`).
- Its character boxes run from the font's descent to its ascent, which differ between the
  Chinese and the Latin font of one line; here every character gets a box one em high on its
  baseline, so a line's characters share a top (`_chars`).
- Duplicate glyphs (fake bold) are dropped as pdfplumber's dedupe_chars did (`pdf_lines`).

How the characters and ruling lines become tables and lines: `nianbao.extract.pdf_geometry`.
What the reader refuses (not a PDF, cut off, encrypted, zip bomb, too dense):
`nianbao.extract.pdf_defences`.
"""


from __future__ import annotations

import array
import ctypes
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nianbao.errors import NeedsOCR, NianbaoError, UnreadableInput
from nianbao.extract.limits import DEFAULT_LIMITS, Limits, read_bytes
from nianbao.extract.pdf_defences import (
    check_envelope,
    check_streams,
    open_error,
    recount,
    too_dense,
)
from nianbao.extract.pdf_geometry import PageContent, page_blocks
from nianbao.extract.pdf_lines import Char
from nianbao.extract.text_layer import (
    IMAGE_OBJECTS_LOOKED_AT,
    PageText,
    count_text,
    is_image_kind,
    unchecked,
)
from nianbao.model import Document, Source

_ASCENT = 0.88  # of the em box above the baseline (Noto CJK; pdfminer: 1 + the font's descent)
_SPACE_GAP = (0.22, 0.40)  # em: the gap a folded space glyph leaves (see `_unfold_space`)
_FLAT = 0.01  # points: a segment this close to horizontal or vertical is a rule
# PDFium is not thread-safe: one thread of a process at a time reads with it (a Dask worker runs
# several tasks in threads).
PDFIUM_LOCK = threading.Lock()
# PDFium keeps at most 32,767 bytes of one string: half that many two-byte characters.
_PDFIUM_STRING_CAP = 16_383


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the PDF at `path`. Raises `UnreadableInput` (or `NeedsOCR`) and nothing else."""
    return read_surveyed(path, source, limits)[0]


def read_surveyed(path: Path, source: Source,
                  limits: Limits = DEFAULT_LIMITS) -> tuple[Document, list[PageText]]:
    """`read`, and what each page's text layer holds (`text_layer.PageText`, counted in the
    same pass: the OCR planner need not load every page again)."""
    data = read_bytes(path, limits)
    check_envelope(data)
    check_streams(data, limits)
    try:
        with PDFIUM_LOCK:
            surveyed = _survey(data, limits)
        pages = [page for page, _ in surveyed]
        blocks = page_blocks(pages)
    except NianbaoError:
        raise
    except Exception as exc:  # PDFium raises PdfiumError, pdfminer PSEOF, KeyError... on damage
        raise UnreadableInput(
            f"PDF文件已损坏，无法解析：{path.name}",
            f"the PDF is damaged and cannot be parsed: {path.name} ({type(exc).__name__})",
        ) from exc
    return Document(source=source, blocks=blocks, pages=len(pages)), [t for _, t in surveyed]


def _survey(data: bytes, limits: Limits) -> list[tuple[PageContent, PageText]]:
    """Open the PDF with PDFium: refuse it if encrypted, too long, a scan or absurdly dense;
    otherwise read every page's characters and ruling lines."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise open_error(exc) from exc
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
    if not any(not c["text"].isspace() for page, _ in pages for c in page.chars):
        raise NeedsOCR(
            "该PDF没有文字层（扫描件），需要先做OCR识别",
            "the PDF has no text layer (a scan); it needs OCR first",
        )
    return pages


def _survey_page(pdf: pdfium.PdfDocument, number: int, limits: Limits,
                 data: bytes) -> tuple[PageContent, PageText]:
    """Check one page against the limits and read its characters and ruling lines; count its
    text layer as `text_layer.survey` does."""
    page = pdf[number - 1]
    try:
        raw = page.raw
        objects = pdfium_c.FPDFPage_CountObjects(raw)
        if objects > limits.max_drawings_per_page + limits.max_chars_per_page:
            raise too_dense(number, "drawings", limits.max_drawings_per_page)
        left, top = _origin(raw)
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count > limits.max_chars_per_page:
                raise too_dense(number, "chars", limits.max_chars_per_page)
            if count >= _PDFIUM_STRING_CAP:
                recount(data, number, limits)
            chars = _chars(textpage.raw, count, left, top)
            text = textpage.get_text_range(0, count) if count > 0 else ""
            counts = count_text(textpage.raw, text, count)
        finally:
            textpage.close()
        found = _Edges(number, limits, left, top)
        edges = found.of_page(raw, objects)
    finally:
        page.close()
    return PageContent(number, chars, edges), PageText(number, *counts, found.images)


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
    at_rect, at_x, at_y = ctypes.byref(rect), ctypes.byref(x), ctypes.byref(y)
    calls = _calls()
    box, origin = calls.loose_box, calls.origin
    generated, object_of = calls.generated, calls.text_object
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
        if not box(textpage, i, at_rect) or not origin(textpage, i, at_x, at_y):
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


@dataclass(frozen=True)
class _Calls:
    """PDFium's per-character text functions, called without ctypes' argument conversion
    (`text_layer.unchecked`): three calls per character, 3,500 per filing."""

    loose_box: Any  # (textpage, index, FS_RECTF*) -> int
    origin: Any  # (textpage, index, double*, double*) -> int
    generated: Any  # (textpage, index) -> int
    text_object: Any  # (textpage, index) -> the object's address, comparable between calls
    font_size: Any  # (textpage, index) -> double
    matrix: Any  # (textpage, index, FS_MATRIX*) -> int


@cache
def _calls() -> _Calls:
    return _Calls(
        loose_box=unchecked("FPDFText_GetLooseCharBox", ctypes.c_int),
        origin=unchecked("FPDFText_GetCharOrigin", ctypes.c_int),
        generated=unchecked("FPDFText_IsGenerated", ctypes.c_int),
        text_object=unchecked("FPDFText_GetTextObject", ctypes.c_void_p),
        font_size=unchecked("FPDFText_GetFontSize", ctypes.c_double),
        matrix=unchecked("FPDFText_GetMatrix", ctypes.c_int),
    )


def _em(textpage: Any, index: int) -> float:
    """The character's font size scaled by its matrix (WeasyPrint sets 14 px type under a
    0.75 px-to-pt matrix: 10.5 pt)."""
    calls = _calls()
    size = float(calls.font_size(textpage, index))
    matrix = pdfium_c.FS_MATRIX()
    if calls.matrix(textpage, index, ctypes.byref(matrix)):
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
        self.images = 0  # images and form XObjects among the page's first objects (text_layer)

    def of_page(self, page: Any, objects: int) -> list[dict[str, Any]]:
        get = pdfium_c.FPDFPage_GetObject
        self._objects((get(page, i) for i in range(objects)), None)
        return self.edges

    def _objects(self, objects: Iterable[Any], outer: _Matrix | None) -> None:
        kind_of = pdfium_c.FPDFPageObj_GetType
        for i, obj in enumerate(objects):
            kind = kind_of(obj)
            if outer is None and i < IMAGE_OBJECTS_LOOKED_AT and is_image_kind(kind):
                self.images += 1
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
            raise too_dense(self.number, "drawings", limit)

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
