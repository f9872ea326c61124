"""The notice parser's lines and paragraphs: blocks → lines → paragraphs joined again.

Lines broken by the layout are joined into paragraphs again: in a PDF by geometry (a line that
starts at the left edge continues a full line above it; a paragraph's first line is indented two
characters), elsewhere by wording (a line that stops mid-sentence, or inside an open bracket,
continues on the next one unless that one starts a heading or a label).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from nianbao.forms import Form, notice
from nianbao.model import Block, Document, Provenance, Record
from nianbao.text.cn_dates import date_line
from nianbao.text.gongwen import heading_level


def part_words(part: str, form: Form | None = None) -> str:
    """A regex alternation of the labels a notice's part is printed with (附件, 抄送|主送), from
    the notice's schema (`nianbao.forms.notice`, or `form`: a plan's task parts)."""
    return "|".join(map(re.escape, (form or notice()).field(part).variants))


_PAGE_NUMBER = re.compile(r"^(?:[-—–－一]\s*\d{1,4}\s*[-—–－一]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)$")
LABEL = re.compile(r"^(?:工作目标|工作内容|主要内容|责任单位|牵头单位|配合单位|完成时限|时间安排|"
                   rf"{part_words('attachments')}|{part_words('colophon/cc')}|联系人)\s*[:：]")
_TERMINAL = "。；！？：:;!?…”’）)】》」』"
_CLOSERS = {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】", "〔": "〕"}
_STANDALONE_MAX = 40  # a heading alone on its line


@dataclass
class Line:
    text: str
    block: Block

    @property
    def prov(self) -> Provenance:
        return Provenance(page=self.block.page, block=self.block.index, bbox=self.block.bbox)


@dataclass
class Para:
    text: str
    lines: list[Line]

    @property
    def source(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def prov(self) -> Provenance:
        return self.lines[0].prov


@dataclass(frozen=True)
class Geometry:
    """Where a PDF notice's text lines start and end, and how high a character is."""

    left: float
    right: float
    char: float


def document_lines(document: Document) -> list[Line]:
    """The document's lines without page numbers; a table row is one line."""
    out: list[Line] = []
    for block in document.blocks:
        if block.kind == "page_break":
            continue
        if block.kind == "row":
            text = " ".join(c.strip() for c in block.cells if c.strip())
        else:
            text = _join_soft_breaks(block.text)
        text = text.strip()
        if text and not _PAGE_NUMBER.match(text.replace(" ", "")):
            out.append(Line(text, block))
    return out


def _join_soft_breaks(text: str) -> str:
    pieces = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for piece in pieces:
        if out and (_is_wide(out[-1]) or _is_wide(piece[0])):
            out += piece
        elif out:
            out += " " + piece
        else:
            out = piece
    return out


def _is_wide(char: str) -> bool:
    return ord(char) > 0x2E80


def geometry(lines: list[Line]) -> Geometry | None:
    """The left and right text edges and the character height of a PDF's lines; None without
    boxes."""
    boxes = [ln.block.bbox for ln in lines if ln.block.bbox is not None]
    if not boxes or len(boxes) < len(lines) // 2:
        return None
    left = Counter(round(b[0]) for b in boxes).most_common(1)[0][0]
    heights = sorted(b[3] - b[1] for b in boxes)
    char = heights[len(heights) // 2] or 16.0
    right = max(b[2] for b in boxes if b[0] >= left - char)
    return Geometry(float(left), right, char)


def _continues(prev: Line, line: Line, geo: Geometry | None) -> bool:
    """Whether `line` carries on the paragraph `prev` ends."""
    if standalone_heading(prev.text) or _starts_structure(line.text):
        return False
    if geo is not None and prev.block.bbox is not None and line.block.bbox is not None:
        full = prev.block.bbox[2] >= geo.right - 1.6 * geo.char
        flush = line.block.bbox[0] <= geo.left + 0.4 * geo.char
        return full and flush
    if _unclosed(prev.text):
        return True
    last = prev.text[-1]
    return last not in _TERMINAL and (last.isalnum() or last in "，、,《“‘（(—")


def _unclosed(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in _CLOSERS.items())


def _starts_structure(text: str) -> bool:
    return bool(heading_level(text) or LABEL.match(text) or date_line(text)
                or text.startswith(("（责任单位", "(责任单位", "（牵头单位")))


def standalone_heading(text: str) -> bool:
    found = heading_level(text)
    if not found:
        return False
    rest = found[1].rstrip("。.")
    return (len(rest) <= _STANDALONE_MAX and not any(c in rest for c in "。；;，,")
            and not _unclosed(rest))


def paragraphs(lines: list[Line], geo: Geometry | None) -> list[Para]:
    """Lines joined into paragraphs (see the module docstring)."""
    out: list[Para] = []
    for line in lines:
        if out and _continues(out[-1].lines[-1], line, geo):
            out[-1].text += line.text
            out[-1].lines.append(line)
        else:
            out.append(Para(line.text, [line]))
    return out


@dataclass
class ParseState:
    """What the parser carries from part to part: the record (with its evidence) and the year
    the notice's date names (it resolves deadlines written without a year)."""

    record: Record
    year: int | None = None

    def note(self, key: str, source: str, prov: Provenance) -> None:
        self.record.evidence[key] = (source, prov)
