"""OCR: scanned pages and images read into the same Document the text readers give.

`read_pages(images)` recognises page images (`page.read_page`), lays each out with the PDF
reader's table and line layout, and returns the blocks with what OCR found on the way (the
doubtful lines, the red seals, the pen marks) as the document's `OcrInfo`.
"""

from __future__ import annotations

from collections.abc import Iterable

from nianbao.extract.ocr.page import OcrPage, read_page
from nianbao.extract.ocr.prepare import Image
from nianbao.model import Block, OcrInfo

MODES = ("auto", "always", "never")
DPI = 200  # PDF pages are rendered at this resolution for OCR (at 150 dpi lines drop out)

__all__ = ["DPI", "MODES", "OcrPage", "blocks_of", "info_of", "read_page"]


def blocks_of(page: OcrPage) -> list[Block]:
    """The page's rows and lines, as the PDF reader's layout gives them (no page breaks)."""
    from nianbao.extract.pdf_geometry import PageContent, page_blocks

    content = PageContent(page.number, page.chars, page.edges)
    return [b for b in page_blocks([content]) if b.kind != "page_break"]


def info_of(pages: Iterable[OcrPage], reason: str) -> OcrInfo:
    pages = list(pages)
    return OcrInfo(
        pages=tuple(p.number for p in pages), reason=reason,
        low_confidence=[r for p in pages for r in p.low_confidence],
        seals=[(p.number, box) for p in pages for box in p.seals],
        marks=[(p.number, box) for p in pages for box in p.marks],
    )


def recognise(image: Image, dpi: float, number: int) -> OcrPage:
    """One page image (BGR or grey, scanned at `dpi`) recognised."""
    return read_page(image, dpi, number)
