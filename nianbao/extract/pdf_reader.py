"""Read a PDF into a Document: table rows and text lines per page, top to bottom, with boxes.

Two engines, two jobs:

- pypdfium2 (PDFium) opens the file first, because it is fast and robust: it says whether the file
  is encrypted, counts the pages, and counts the characters and objects on each page. That is
  enough to refuse a scan (no text anywhere: `NeedsOCR`), a file over the page limit, or an
  absurdly dense page before the slow parser sees any of it.
- pdfplumber (pdfminer.six) then reads every page, through a parser that stops at the same limits:
  ruled tables by their lines, each row a `row` Block with one string per cell, and the text
  outside the tables as `paragraph` Blocks, one per line (a wrapped paragraph gives several), each
  with its box (x0, top, x1, bottom) in PDF points from the page's top-left corner. Reading order
  is top to bottom, so two text columns side by side interleave line by line.

Measured on tests/fixtures/readers/three-pages-of-prose.pdf (3 A4 pages of Chinese prose, ~1,000
characters each, exported by LibreOffice 7.4), median of 9 runs, three sessions: PDFium
`get_text_range` 0.7 ms a page; pdfplumber `extract_text` 24-26 ms a page; this reader, all checks
and tables included, 38-45 ms a page (so the 500-page limit costs at most ~25 s). PDFium's text is not the same as pdfplumber's: it
adds generated spaces where LibreOffice widened the gap between Chinese and Latin text ("第 1 页"
for "第1页"). Dropping PDFium's generated spaces made the two agree on that file, but would glue
together the words of PDFs that draw no space glyphs, and two engines would give a document
different lines and boxes depending on whether a page holds a table. So PDFium only does the cheap
checks, and pdfplumber reads every page.

A cell's text is joined as the DOCX reader gives it: lines wrapped by the layout are joined again
(nothing between CJK characters) and only paragraph ends stay "\\n" (see `_unwrap`). A table that
runs onto the next page continues there in rows whose label cells are "".

Chinese text: pdfplumber puts a space wherever two characters are more than `x_tolerance` apart,
so a justified or letter-spaced Chinese line comes out as "年 度 报 告". Here the line is joined
from its characters: a space glyph in the PDF stays a space, and a gap becomes a space only when
the characters on both sides are not both CJK ("年度报告", "第1页 工作总结", "Word 文档").
"""

from __future__ import annotations

import io
import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.table import Table
from pdfplumber.utils.clustering import cluster_objects

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


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the PDF at `path`. Raises `UnreadableInput` (or `NeedsOCR`) and nothing else."""
    data = read_bytes(path, limits)
    _check_envelope(data)
    _check_streams(data, limits)
    try:
        pages = _survey(data, limits)
        blocks = _extract(data, pages, limits)
    except NianbaoError:
        raise
    except Exception as exc:  # pdfminer raises PSEOF, KeyError, TypeError... on damaged PDFs
        raise UnreadableInput(
            f"PDF文件已损坏，无法解析：{path.name}",
            f"the PDF is damaged and cannot be parsed: {path.name} ({type(exc).__name__})",
        ) from exc
    return Document(source=source, blocks=blocks, pages=pages)


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


def _survey(data: bytes, limits: Limits) -> int:
    """Open the PDF with PDFium: refuse it if encrypted, too long, a scan or absurdly dense.

    Returns the page count.
    """
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
        text_chars = 0
        for number in range(1, count + 1):
            text_chars += _survey_page(pdf, number, limits)
    except pdfium.PdfiumError as exc:
        raise UnreadableInput(
            "PDF文件已损坏，无法读取页面", f"the PDF is damaged; a page cannot be loaded ({exc})"
        ) from exc
    finally:
        pdf.close()
    if text_chars == 0:
        raise NeedsOCR(
            "该PDF没有文字层（扫描件），需要先做OCR识别",
            "the PDF has no text layer (a scan); it needs OCR first",
        )
    return count


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


def _survey_page(pdf: pdfium.PdfDocument, number: int, limits: Limits) -> int:
    """Check one page against the limits; return how many non-blank characters it holds.

    PDFium reads at most 32,767 characters of one string, so a page can hold more characters than
    it counts here; the pdfplumber pass counts them again (see `_CappedAggregator`).
    """
    page = pdf[number - 1]
    try:
        objects = pdfium_c.FPDFPage_CountObjects(page)
        if objects > limits.max_drawings_per_page + limits.max_chars_per_page:
            raise _too_dense(number, "drawings", limits.max_drawings_per_page)
        textpage = page.get_textpage()
        try:
            if textpage.count_chars() > limits.max_chars_per_page:
                raise _too_dense(number, "chars", limits.max_chars_per_page)
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    return sum(1 for ch in text if not ch.isspace())


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


def _extract(data: bytes, page_count: int, limits: Limits) -> list[Block]:
    blocks: list[Block] = []
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        for number, page in enumerate(pdf.pages[:page_count], start=1):
            if number > 1:
                blocks.append(Block(kind="page_break", text="", page=number, index=len(blocks)))
            try:
                _parse_page(page, number, limits)
                items = _page_items(page)
            finally:
                page.close()
            for item in items:
                blocks.append(
                    Block(
                        kind="row" if item.kind == "row" else "paragraph",
                        text=item.text,
                        cells=item.cells,
                        page=number,
                        index=len(blocks),
                        bbox=item.bbox,
                    )
                )
    return blocks


def _page_items(page: Page) -> list[_Item]:
    tables = [t for t in page.find_tables(TABLE_SETTINGS) if len(t.cells) > 1]
    chars = page.dedupe_chars(tolerance=1).chars  # fake bold draws each character twice
    items: list[_Item] = []
    outside = chars
    for table in tables:
        inside = [c for c in outside if _midpoint_in(c, table.bbox)]
        outside = [c for c in outside if not _midpoint_in(c, table.bbox)]
        items.extend(_table_rows(table, inside))
    for line in _lines(outside):
        items.append(_Item("paragraph", line.text, (), line.bbox))
    items.sort(key=lambda item: (round(item.bbox[1], 1), item.bbox[0]))
    return items


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
