"""Characters of a PDF page into lines of text (the PDF reader's and the OCR layout's).

Chinese text: a line is joined from its characters: a space glyph in the PDF stays a space, and a
gap wider than `X_TOLERANCE` becomes a space only when the characters on both sides are not both
CJK ("年度报告", "第1页 工作总结", "Word 文档"), so a justified or letter-spaced Chinese line does
not come out as "年 度 报 告"; between two CJK characters only a gap of more than `COLUMN_GAP`
characters' width does (the columns of a table printed without rules). Duplicate glyphs (fake
bold) are dropped as pdfplumber's dedupe_chars did (`dedupe`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from nianbao.text.normalize import normalize

BBox = tuple[float, float, float, float]
Char = dict[str, Any]  # a pdfplumber character: text, x0, x1, top, bottom, size, fontname...

X_TOLERANCE = 3.0  # points: a wider gap between two characters is a space (pdfplumber's default)
Y_TOLERANCE = 3.0  # points: characters whose tops differ by less are on the same line

# Han ideographs (BMP, extensions and compatibility), CJK punctuation (not U+3000, a space),
# kana, bopomofo, and the full-width forms (，：（）and full-width digits before normalisation).
_CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")

COLUMN_GAP = 2.0  # character widths: a wider gap between two Chinese characters is a column

def dedupe(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
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


CLOSING = set("，。、；：？！）》」』】〕〉…%,.;:?!)]}")
OPENING = set("（《「『【〔〈([{")
QUOTES = set("“”‘’\"'")


def first_word_width(chars: list[Char]) -> float:
    """Width of the shortest start of a line that a line breaker could have put on the line
    before: one CJK character or a run of Latin letters and digits, with the punctuation and
    quotation marks glued to it."""
    solid = [c["text"] for c in chars if not c["text"].isspace()]
    boxes = [(c["x0"], c["x1"]) for c in chars if not c["text"].isspace()]
    if not solid:
        return 0.0
    i = 0
    while i < len(solid) - 1 and (solid[i] in OPENING or solid[i] in QUOTES):
        i += 1
    i += 1
    if not is_cjk(solid[i - 1]):
        while i < len(solid) and not is_cjk(solid[i]) and solid[i] not in QUOTES:
            if boxes[i][0] - boxes[i - 1][1] > X_TOLERANCE:
                break
            i += 1
    while i < len(solid) and (solid[i] in CLOSING or solid[i] in QUOTES):
        i += 2 if solid[i] in QUOTES else 1
    return float(boxes[min(i, len(solid)) - 1][1] - boxes[0][0])


@dataclass(frozen=True)
class Line:
    text: str
    bbox: BBox
    chars: list[Char]


def text_lines(chars: list[Char]) -> list[Line]:
    """Characters grouped into lines (by their top), top to bottom."""
    lines: list[Line] = []
    for group in _by_top(chars):
        group.sort(key=itemgetter("x0"))
        solid = [c for c in group if not c["text"].isspace()]
        text = clean_text(join_chars(group))
        if solid and text:
            bbox = (
                min(c["x0"] for c in solid),
                min(c["top"] for c in solid),
                max(c["x1"] for c in solid),
                max(c["bottom"] for c in solid),
            )
            lines.append(Line(text, rounded(bbox), group))
    lines.sort(key=lambda line: line.bbox[1])
    return lines


def _by_top(chars: list[Char]) -> list[list[Char]]:
    """pdfplumber's `cluster_objects(chars, "top", Y_TOLERANCE)`, the same groups in the same
    order: the distinct tops in chains no more than Y_TOLERANCE apart, each group's characters
    in their order."""
    cluster: dict[float, int] = {}
    count = 0
    last = float("-inf")
    for top in sorted({c["top"] for c in chars}):
        if top > last + Y_TOLERANCE:
            count += 1
        cluster[top] = count - 1
        last = top
    groups: list[list[Char]] = [[] for _ in range(count)]
    for char in chars:
        groups[cluster[char["top"]]].append(char)
    return groups


def join_chars(chars: list[Char]) -> str:
    """A line's characters, left to right. A space glyph in the PDF stays a space; a gap wider than
    X_TOLERANCE becomes a space, except between two CJK characters (justified Chinese text),
    where only a gap of more than two characters' width does (the columns of a table printed
    without rules: 户数    人数    支出)."""
    out: list[str] = []
    previous: Char | None = None
    for char in chars:
        text = char["text"]
        if text.isspace():
            out.append(" ")
        elif previous is not None and not previous["text"].isspace():
            gap = char["x0"] - previous["x1"]
            if gap > X_TOLERANCE and (not (is_cjk(previous["text"]) and is_cjk(text))
                                      or gap > COLUMN_GAP * (previous["x1"] - previous["x0"])):
                out.append(" ")
        if not text.isspace():
            out.append(text)
        previous = char
    return "".join(out)


def rounded(bbox: BBox) -> BBox:
    x0, top, x1, bottom = bbox
    return (round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))


def is_cjk(text: str) -> bool:
    return _CJK_CHAR.fullmatch(text) is not None


def clean_text(text: str) -> str:
    return normalize(text).strip()
