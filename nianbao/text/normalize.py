"""Text normalisation shared by every reader.

Only what never changes meaning: full-width digits and Latin letters become ASCII, odd spaces
become plain spaces, invisible characters go, line ends become "\\n". Chinese punctuation is kept
as written (the hygiene rules look at it), so this is not NFKC.
"""

from __future__ import annotations

import re

_FULLWIDTH: dict[int, int | None] = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x202F: 0x20})
_FULLWIDTH.update({0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None, 0x00AD: None})
_FULLWIDTH.update({0x3000: 0x20})  # ideographic space: layout, not content
# A lone UTF-16 surrogate (an RTF \u-10240, a damaged .xls string) is no character: it cannot be
# written as UTF-8 (JSON, the store, the terminal), so it becomes U+FFFD like any undecodable byte.
_FULLWIDTH.update(dict.fromkeys(range(0xD800, 0xE000), 0xFFFD))
# NUL likewise: no text holds it (a damaged file past the first 4 KB a reader sniffs), and a
# PostgreSQL store cannot (the filing failed with a message blaming the store).
_FULLWIDTH[0x0000] = 0xFFFD

_SPACES = re.compile(r"[ ]{2,}")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def normalize(text: str) -> str:
    """Normalise one block of text; idempotent."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_FULLWIDTH)
    return _SPACES.sub(" ", text)


def squeeze_cjk(text: str) -> str:
    """Drop whitespace between two Han characters ("汨罗市 社会救助" → "汨罗市社会救助").

    For short values such as names and labels, where OCR or layout inserts spaces.
    """
    return _CJK_GAP.sub("", text).strip()


def is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
