"""Is a PDF page's text layer worth reading? A verdict per page, from PDFium's own view of it.

A PDF can carry text that is not the text on the page: a font embedded without a ToUnicode map
(and with no standard encoding) gives glyph numbers, which come out as control characters and
Latin punctuation ("!\\"#$%&'"); some producers map glyphs into the private-use area. Such a page
reads as nonsense, and before this check it was accepted as a clean work summary. A page is
judged garbage when, of its non-space characters,

- at least 30 % are glyphs PDFium could not map to Unicode (`FPDFText_HasUnicodeMapError`), or
- at least 20 % are private-use characters or U+FFFD, or
- at least 10 % are control characters, or
- fewer than 5 % are Chinese and more than 35 % are punctuation and symbols (a Chinese filing is
  never mostly "#$%&"; an English page of words is not affected).

A page with no text at all is "empty"; it needs OCR when it shows an image (a scan) and is
simply blank otherwise.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MIN_CHARS = 10  # fewer characters than this say too little to judge
UNMAPPED = 0.30
PRIVATE = 0.20
CONTROL = 0.10
CHINESE_FLOOR = 0.05
SYMBOLS = 0.35


@dataclass(frozen=True)
class PageText:
    """What a page's text layer holds, counted."""

    number: int
    chars: int  # non-space characters
    unmapped: int
    private: int
    control: int
    chinese: int
    symbols: int
    images: int

    @property
    def verdict(self) -> str:
        """"" (usable), "empty", "unmapped", "private-use" or "implausible"."""
        if self.chars == 0:
            return "empty"
        if self.chars < MIN_CHARS:
            return ""
        if self.unmapped >= UNMAPPED * self.chars:
            return "unmapped"
        if self.private >= PRIVATE * self.chars:
            return "private-use"
        if self.control >= CONTROL * self.chars:
            return "implausible"
        if self.chinese < CHINESE_FLOOR * self.chars and self.symbols > SYMBOLS * self.chars:
            return "implausible"
        return ""

    @property
    def garbage(self) -> bool:
        return self.verdict not in ("", "empty")

    @property
    def scanned(self) -> bool:
        """No text but an image: a scanned page."""
        return self.chars == 0 and self.images > 0


def survey(pdf: pdfium.PdfDocument) -> list[PageText]:
    """Count every page's text layer (the caller holds the PDFium lock)."""
    return [_page(pdf, number) for number in range(1, len(pdf) + 1)]


def _page(pdf: pdfium.PdfDocument, number: int) -> PageText:
    page = pdf[number - 1]
    try:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count > 0 else ""
            counts = count_text(textpage.raw, text, count)
        finally:
            textpage.close()
        images = _images(page.raw)
    finally:
        page.close()
    return PageText(number, *counts, images)


_SAMPLE = 256  # characters per page asked about their Unicode mapping


@dataclass(frozen=True)
class _Kinds:
    """What `count_text` counts, each as one character class (a regex counts a page's text
    ~10x faster than a loop asking `unicodedata` about every character): white space; the
    private-use characters and U+FFFD; controls that are not white space; Chinese characters
    (CJK unified ideographs and extension A, compatibility ideographs, the planes above);
    punctuation and symbols below U+3000."""

    space: re.Pattern[str]
    private: re.Pattern[str]
    control: re.Pattern[str]
    chinese: re.Pattern[str]
    symbols: re.Pattern[str]


@cache
def _kinds() -> _Kinds:
    def among(codes: range, test: Callable[[str], bool]) -> str:
        return "".join(re.escape(chr(c)) for c in codes if test(chr(c)))

    low = range(0x3000)
    control = among(low, lambda c: unicodedata.category(c) == "Cc" and not c.isspace())
    symbols = among(low, lambda c: unicodedata.category(c)[0] in "PS" and not c.isspace())
    return _Kinds(
        space=re.compile(r"\s"),  # for str, re's \s is str.isspace
        private=re.compile("[\ue000-\uf8ff\ufffd\U000f0000-\U000ffffd\U00100000-\U0010fffd]"),
        control=re.compile(f"[{control}]"),
        # from U+20000 up, what is not private use (U+FFFFE, U+FFFFF… are unassigned: Chinese)
        chinese=re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U000effff"
                           "\U000ffffe\U000fffff\U0010fffe\U0010ffff]"),
        symbols=re.compile(f"[{symbols}]"),
    )


def count_text(textpage: object, text: str, count: int) -> tuple[int, int, int, int, int, int]:
    """Counted from the page's `text` (its `count` characters in one string); the unmapped
    glyphs from an even sample of at most `_SAMPLE` characters (PDFium answers that one
    character at a time). The PDF reader counts so while it reads the page."""
    kinds = _kinds()
    chars = len(text) - len(kinds.space.findall(text))
    private = len(kinds.private.findall(text))
    control = len(kinds.control.findall(text))
    chinese = len(kinds.chinese.findall(text))
    symbols = len(kinds.symbols.findall(text))
    unmapped = 0
    if count > 0 and chars:
        step = max(1, count // _SAMPLE)
        sample = range(0, count, step)
        unmapped_at = unchecked("FPDFText_HasUnicodeMapError", ctypes.c_int)
        errors = sum(1 for i in sample if unmapped_at(textpage, i) == 1)
        unmapped = round(errors * count / len(sample) * chars / count)
    return chars, unmapped, private, control, chinese, symbols


def _images(page: object) -> int:
    kind_of, get = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDFPage_GetObject
    count = pdfium_c.FPDFPage_CountObjects(page)
    return sum(1 for i in range(min(count, IMAGE_OBJECTS_LOOKED_AT))
               if is_image_kind(kind_of(get(page, i))))


IMAGE_OBJECTS_LOOKED_AT = 10_000  # of a page's objects, the first this many are looked at


def is_image_kind(kind: int) -> bool:
    """An image, or a form XObject, which may hold the scan (some scanners wrap it in one)."""
    return kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)


@cache
def unchecked(name: str, restype: Any) -> Any:
    """A copy of one of pypdfium2's C functions (`pypdfium2.raw.<name>`) that ctypes calls without converting its
    arguments: pypdfium2 declares argument types, so ctypes checks and converts every argument
    of every call (2.3-2.7 µs a call here); called with arguments of exactly the C types (the
    text page pointer, a Python int for an index, `ctypes.byref` of preallocated results) it
    costs 0.6-0.7 µs. For the functions called once per character."""
    bound = getattr(pdfium_c, name)
    function = type(bound).from_address(ctypes.addressof(bound))
    function.argtypes = None
    function.restype = restype
    return function


REASONS_ZH = {"unmapped": "字体缺少 ToUnicode 映射，字形无法对应到文字",
              "private-use": "文字多为私用区字符", "implausible": "字符统计不像正常文字"}
REASONS_EN = {"unmapped": "its fonts have no ToUnicode map, so glyphs do not map to characters",
              "private-use": "its text is mostly private-use characters",
              "implausible": "its character statistics are not those of real text"}
