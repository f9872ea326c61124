"""Reading a PDF with OCR where it needs it: which pages, and their recognition.

`read` is the PDF entry point: the PDF reader reads the text layer (with all its defences and
limits), `plan` picks the pages OCR must read, and the recognised pages replace theirs in the
document, so a filing scanned in part (a typed form with a scanned signature page) reads whole.

`plan` reads every page's text layer (`text_layer.survey`) and, by the `--ocr` mode, picks the
pages to recognise: with "auto" the scanned pages (no text, an image) and the pages whose text
layer is garbage; with "always" every page; with "never" none, and a PDF whose text layer is
garbage is refused (NeedsOCR) rather than read as nonsense. `recognise` renders each chosen page
at 200 dpi (at 150 dpi thin table rules and strokes drop out) and reads it with
`nianbao.extract.ocr`, one page at a time, so memory stays at one page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium

from nianbao.errors import NeedsOCR, NianbaoError, UnreadableInput
from nianbao.extract import pdf_reader, text_layer
from nianbao.extract.limits import DEFAULT_LIMITS, Limits
from nianbao.model import Block, Document, Source

if TYPE_CHECKING:  # the OCR modules (OpenCV, ONNX Runtime) load only when a page needs them
    from nianbao.extract.ocr import OcrPage

_DPI = 200  # PDF pages are rendered at this resolution for OCR (at 150 dpi lines drop out)
_LOCK = pdf_reader.PDFIUM_LOCK  # PDFium is not thread-safe: one call at a time per process


def read(path: Path, source: Source, ocr: str = "auto",
         limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the PDF at `path`, recognising the pages `plan` picks for the `ocr` mode."""
    found: Plan | None = None
    document: Document | None
    try:
        document, texts = pdf_reader.read_surveyed(path, source, limits)
    except NeedsOCR as exc:
        if ocr == "never":
            raise NeedsOCR(f"{exc.message_zh}；当前设置为 --ocr never，去掉它（或用 --ocr auto）即可识别",
                           f"{exc.message_en}; --ocr never is set: drop it (or use --ocr auto) "
                           "to recognise it") from exc
        document = None  # no page has text: perhaps a scan
    else:
        found = plan_texts(texts, ocr)  # counted as the reader read: no second pass
        if not found.pages:
            return document
    try:
        with _LOCK:
            pdf = pdfium.PdfDocument(path.read_bytes())
        try:
            if found is None:
                with _LOCK:
                    found = plan(pdf, ocr)
            if not found.pages:
                if document is None:
                    raise _no_text_layer()
                return document
            pages = recognise(pdf, found.pages, limits, _LOCK)
        finally:
            with _LOCK:
                pdf.close()
    except NianbaoError:
        raise
    except (pdfium.PdfiumError, OSError) as exc:
        raise UnreadableInput(f"PDF文件已损坏，无法识别：{path.name}",
                              f"the PDF is damaged and cannot be recognised: {path.name}") from exc
    return _merged(source, document, pages, found)


def _no_text_layer() -> NeedsOCR:
    return NeedsOCR("该PDF没有文字层（扫描件），需要先做OCR识别",
                    "the PDF has no text layer (a scan); it needs OCR first")


def _merged(source: Source, document: Document | None, pages: list[OcrPage],
            found: Plan) -> Document:
    """The text pages' blocks and the recognised pages' blocks, in page order."""
    from nianbao.extract.ocr import blocks_of, info_of

    recognised = {p.number: p for p in pages}
    by_page: dict[int, list[Block]] = {}
    if document is not None:
        for block in document.blocks:
            if block.kind != "page_break" and block.page not in recognised:
                by_page.setdefault(block.page or 1, []).append(block)
    for page in pages:
        by_page[page.number] = blocks_of(page)
    count = max([document.pages or 0 if document else 0, *recognised, *by_page])
    blocks: list[Block] = []
    for number in range(1, count + 1):
        if number > 1:
            blocks.append(Block(kind="page_break", text="", page=number, index=len(blocks)))
        for block in by_page.get(number, []):
            blocks.append(replace(block, page=number, index=len(blocks)))
    return Document(source=source, blocks=blocks, pages=count,
                    ocr=info_of(pages, found.reason))


@dataclass(frozen=True)
class Plan:
    """The pages to recognise (1-based) and why: "no-text-layer", "garbage-text-layer" or
    "forced"; `garbage` names the pages with a garbage text layer and the verdict."""

    pages: tuple[int, ...] = ()
    reason: str = ""
    garbage: tuple[tuple[int, str], ...] = ()


def plan(pdf: pdfium.PdfDocument, mode: str) -> Plan:
    """Decide, from the open document (the caller holds the PDFium lock)."""
    return plan_texts(text_layer.survey(pdf), mode)


def plan_texts(texts: list[text_layer.PageText], mode: str) -> Plan:
    """Decide from every page's text layer, counted."""
    garbage = tuple((t.number, t.verdict) for t in texts if t.garbage)
    if mode == "always":
        return Plan(tuple(t.number for t in texts), "forced", garbage)
    if mode == "never":
        if garbage:
            raise garbage_refused(garbage)
        return Plan(garbage=garbage)
    scanned = [t.number for t in texts if t.scanned]
    pages = tuple(sorted({n for n, _ in garbage} | set(scanned)))
    reason = "garbage-text-layer" if garbage else "no-text-layer" if pages else ""
    return Plan(pages, reason, garbage)


def garbage_refused(garbage: tuple[tuple[int, str], ...]) -> NeedsOCR:
    pages = "、".join(str(n) for n, _ in garbage[:5]) + ("…" if len(garbage) > 5 else "")
    pages_en = ", ".join(str(n) for n, _ in garbage[:5]) + ("…" if len(garbage) > 5 else "")
    verdict = garbage[0][1]
    return NeedsOCR(
        f"PDF的文字层是乱码（第 {pages} 页：{text_layer.REASONS_ZH[verdict]}），"
        "需要OCR识别；当前设置为 --ocr never，请改用 --ocr auto",
        f"the PDF's text layer is garbage (page {pages_en}: {text_layer.REASONS_EN[verdict]}); "
        "it needs OCR, and --ocr never is set (use --ocr auto)",
    )


def recognise(pdf: pdfium.PdfDocument, pages: tuple[int, ...], limits: Limits,
              lock: threading.Lock) -> list[OcrPage]:
    """Render and recognise the given pages (PDFium calls under `lock`)."""
    from nianbao.extract.ocr import read_page

    out: list[OcrPage] = []
    for number in pages:
        with lock:
            image = _render(pdf, number, limits)
        out.append(read_page(image, _DPI, number))
    return out


def _render(pdf: pdfium.PdfDocument, number: int, limits: Limits) -> Any:
    """The page as a BGR array at 200 dpi (refused first if that would be too many pixels)."""
    import numpy as np

    from nianbao.extract.image_reader import check_shape, too_large

    page = pdf[number - 1]
    try:
        width, height = page.get_size()
        scale = _DPI / 72
        if width * scale * height * scale > limits.max_image_pixels:
            raise too_large(f"page {number}", limits, round(width * scale), round(height * scale))
        check_shape(width * scale, height * scale, f"page {number}", limits)
        bitmap = page.render(scale=scale)
        try:
            array = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
        finally:
            bitmap.close()
    finally:
        page.close()
    if array.ndim == 3 and array.shape[2] == 4:
        array = np.ascontiguousarray(array[:, :, :3])
    return array
