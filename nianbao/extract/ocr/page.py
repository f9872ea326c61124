"""One scanned page read into the same rows and lines the PDF reader gives a text page.

The recognised lines become characters with boxes (each line's box shared out among its
characters, a Chinese character one em wide, a Latin letter or digit half of one), and the
table's ruling lines, found in the pixels with OpenCV (a morphological opening keeps only long
straight runs of ink), become the ruling edges a PDF would have drawn. Both go, in PDF points
from the page's top-left corner, through the PDF reader's own layout: the same table finder
(rows and cells, cells spanning rows or columns), the same line grouping and cell unwrapping.
So the annual-report parser, the statistics tables and the facts see a scan exactly as they see
a text PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import cv2
import numpy as np

from nianbao.extract.ocr import engine
from nianbao.extract.ocr.fuse import fuse
from nianbao.extract.ocr.prepare import (
    Box,
    Image,
    Inks,
    Quad,
    separate,
    sideways,
    skew_of,
    turn_quads,
)
from nianbao.model import OcrRegion

LOW_CONFIDENCE = 0.80  # a line's mean confidence below this is reported
NOISE = 0.50  # a line read with less is dropped (pen residue, a speck): reported, not used
DOUBTFUL_CHAR = 0.60  # a character below this is doubtful (a digit then never counts silently)
_RULE_INCHES = 0.25  # a straight run of ink this long is a ruling line (a 10.5 pt glyph: 0.15)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_DIGIT = re.compile(r"\d")
_INK_REACH = 4  # pixels: a line this near coloured ink is read again (`_read_under_ink`)
_MAX_REREAD = 16  # lines read again under ink at most per page (each costs two more readings)
_MAX_MISSED = 40  # clusters of print no detected line covers, read at most per page
_SURE = 0.9  # such a cluster's reading is kept at this confidence or more
_WORD_GAP = 0.6  # em: a wider gap between two characters of a line is a space


@dataclass
class OcrPage:
    """A recognised page: characters and ruling edges in points, as the PDF reader's layout
    takes them, and what the page needed."""

    number: int
    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    rotation: int = 0
    skew: float = 0.0
    low_confidence: list[OcrRegion] = field(default_factory=list)
    seals: list[Box] = field(default_factory=list)
    marks: list[Box] = field(default_factory=list)


def read_page(image: Image, dpi: float, number: int) -> OcrPage:
    """Recognise one page image (BGR or grey) scanned at `dpi`."""
    inks = separate(image)
    quads = engine.detect(inks.grey)
    rotation = 0
    if sideways(quads):
        rotation = 90
        inks = inks.turned(90, 0.0)
        quads = engine.detect(inks.grey)
    skew = skew_of(quads)
    if skew:
        shape = inks.grey.shape
        inks = inks.turned(0, skew)
        quads = turn_quads(quads, shape, skew)
    if _upside_down(inks.grey, quads):
        rotation = (rotation + 180) % 360
        inks = inks.turned(180, 0.0)
        quads = _quads_turned_180(quads, inks.grey.shape)
    lines = _read_under_ink(inks, quads)
    lines += _read_missed(inks, quads, dpi)
    scale = 72.0 / dpi
    colour = cv2.dilate(np.maximum(inks.red, inks.blue), np.ones((5, 5), np.uint8))
    kept = [line for line in lines if line.score >= NOISE]
    # rules from the page with the ink erased outright: where ink crossed a rule, the gap is
    # bridged when coloured ink lies over it (`_bridged`), which traces of ink would break
    page = OcrPage(number, _chars(kept, scale), rulings(inks.erased, dpi, scale, colour), rotation,
                   skew)
    seals, marks = inks.seals(dpi), inks.marks(dpi)
    page.low_confidence = [_region(number, line, scale, _covered(line, seals, marks))
                           for line in lines if _doubtful(line) or _covered(line, seals, marks)]
    page.seals = [_scaled(box, scale) for box in seals]
    page.marks = [_scaled(box, scale) for box in marks]
    return page


def _read_under_ink(inks: Inks, quads: list[Quad]) -> list[engine.Line]:
    """Each line read from the page with the ink taken off; a line that coloured ink touches is
    read again from the page's other greys and the readings combined (`fuse`)."""
    lines = engine.recognise(inks.grey, quads)
    if not inks.others or not lines:
        return lines
    ink = inks.inked(_INK_REACH)
    height, width = ink.shape[:2]
    touched = []
    for i, line in enumerate(lines):
        x0, top, x1, bottom = (int(v) for v in line.box)
        if ink[max(0, top):min(height, bottom + 1), max(0, x0):min(width, x1 + 1)].any():
            touched.append(i)
    if not touched:
        return lines
    if len(touched) > _MAX_REREAD:  # a page written over in coloured ink: the least sure lines
        touched = sorted(sorted(touched, key=lambda i: lines[i].score)[:_MAX_REREAD])
    quads_of = [np.asarray(lines[i].quad, dtype=np.float32) for i in touched]
    readings = [{line.box: line for line in engine.recognise(other, quads_of)}
                for other in inks.others]
    out = list(lines)
    for i in touched:
        again = [reading[lines[i].box] for reading in readings if lines[i].box in reading]
        out[i] = fuse([lines[i], *again])
    return out


def _read_missed(inks: Inks, quads: list[Quad], dpi: float) -> list[engine.Line]:
    """Print the detector passed over: a lone short value in a wide table cell ("9" under 从业人数)
    is small once the page is scaled down for detection. Clusters of dark pixels of a
    character's height that no detected line covers, away from rules and coloured ink, are read
    as lines of their own; kept when the recogniser is sure of them."""
    grey = inks.grey
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                   31, 15)
    length = max(10, int(dpi * 0.1))
    for kernel in ((length, 1), (1, length)):  # rules out
        runs = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        binary[cv2.dilate(runs, np.ones((5, 5), np.uint8)) > 0] = 0
    blank: Image = np.zeros(grey.shape, np.uint8)
    for quad in quads:
        cv2.fillPoly(blank, [quad.astype(np.int32)], 255)
    covered = cv2.dilate(blank, np.ones((9, 9), np.uint8))
    binary[(covered > 0) | (inks.inked(int(dpi / 10)) > 0)] = 0
    low, high = dpi * 0.07, dpi * 0.3  # a character 5–22 pt high
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    keep = np.zeros(count, bool)
    for i in range(1, count):
        _, _, w, h, area = (int(v) for v in stats[i])
        keep[i] = low <= h <= high and 5 <= w <= high * 1.5 and area >= h
    if not keep.any():
        return []
    glyphs = (keep[labels]).astype(np.uint8) * 255
    words = cv2.dilate(glyphs, cv2.getStructuringElement(cv2.MORPH_RECT, (int(dpi / 8), 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(words, connectivity=8)
    found: list[Quad] = []
    for i in range(1, min(count, _MAX_MISSED + 1)):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if not low <= h <= high * 1.3:
            continue
        pad = 4
        x0, y0, x1, y1 = x - pad, y - pad, x + w + pad, y + h + pad
        found.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32))
    return [line for line in engine.recognise(grey, found)
            if line.score >= _SURE and any(c.isalnum() for c in line.text)]


def _covered(line: engine.Line, seals: list[Box], marks: list[Box]) -> str:
    """"seal" or "pen" when a seal or pen strokes lie over part of the line: the recogniser may
    have skipped a character there without saying so (its confidence stays high)."""
    for name, boxes in (("seal", seals), ("pen", marks)):
        for box in boxes:
            if (line.box[0] < box[2] and box[0] < line.box[2] and line.box[1] < box[3]
                    and box[1] < line.box[3]):
                return name
    return ""


def _upside_down(grey: Image, quads: list[Quad]) -> bool:
    """The page is upside down if most of its widest lines read so."""
    widest = sorted(quads, key=lambda q: -float(np.ptp(q[:, 0])))[:8]
    crops = [c for c in (_crop(grey, q) for q in widest) if c.size]
    return engine.upside_down(crops) > 0.5 * len(crops)


def _crop(grey: Image, quad: Quad) -> Image:
    x0, y0 = (max(0, int(v)) for v in quad.min(axis=0))
    x1, y1 = (int(v) + 1 for v in quad.max(axis=0))
    return grey[y0:y1, x0:x1]


def _quads_turned_180(quads: list[Quad], shape: tuple[int, ...]) -> list[Quad]:
    height, width = shape[:2]
    out = []
    for quad in quads:
        moved = np.stack([width - 1 - quad[:, 0], height - 1 - quad[:, 1]], axis=1)
        out.append(moved[[2, 3, 0, 1]].astype(np.float32))
    out.sort(key=lambda q: (float(q[:, 1].min()), float(q[:, 0].min())))
    return out


def _doubtful(line: engine.Line) -> bool:
    return line.score < LOW_CONFIDENCE or any(
        s < DOUBTFUL_CHAR and _DIGIT.match(c) for c, s in zip(line.text, line.scores, strict=False))


def _region(number: int, line: engine.Line, scale: float, covered_by: str = "") -> OcrRegion:
    doubtful = "".join(c for c, s in zip(line.text, line.scores, strict=False)
                       if s < DOUBTFUL_CHAR and not c.isspace())
    return OcrRegion(number, _scaled(line.box, scale), tidy(line.text), round(line.score, 3),
                     doubtful, covered_by)


def _scaled(box: Box, scale: float) -> Box:
    return (round(box[0] * scale, 2), round(box[1] * scale, 2), round(box[2] * scale, 2),
            round(box[3] * scale, 2))


# --- characters -------------------------------------------------------------------------------

_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}


def tidy(text: str) -> str:
    """Chinese punctuation where the recogniser gave the Latin form next to Chinese text
    ("补助(全额)" → "补助（全额）"; "10:30" and "1,200" stay), without spaces around it."""
    return "".join(c for c, _ in _spaced_labels(_tidied([(c, 0.0) for c in text.strip()])))


def _tidied(chars: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """`tidy` on characters that carry a position."""
    text = "".join(c for c, _ in chars)
    out: list[tuple[str, float]] = []
    opened = False  # the last quotation mark of the line opened a quotation
    for i, (char, where) in enumerate(chars):
        if char in "“”":
            opened = char == "“"
        elif char == '"':
            quote = _curly(text[:i].rstrip()[-1:], text[i + 1:].lstrip()[:1], opened)
            if quote:
                opened = quote == "“"
                out.append((quote, where))
                continue
        if char in _FULL:
            before = text[:i].rstrip()[-1:]
            after = text[i + 1:].lstrip()[:1]
            beside_cjk = bool((before and _CJK.match(before)) or (after and _CJK.match(after)))
            if beside_cjk and not (before.isdigit() and after.isdigit()):
                while out and out[-1][0] == " ":
                    out.pop()
                out.append((_FULL[char], where))
                continue
        if char == " " and (not out or out[-1][0] in _FULL.values()):
            continue
        out.append((char, where))
    while out and out[-1][0] == " ":
        out.pop()
    return out


@cache
def _inline_label() -> re.Pattern[str]:
    """A form label that may follow a value on one line ("联系电话："), glued to that value."""
    return re.compile(r"(?<=[^\s：:])(?=(?:" + _label_words() + r")[：:])")


@cache
def _bare_label() -> re.Pattern[str]:
    """Such a label written without a colon at the start of the line or after a space, glued to
    the value after it ("填表人李秀兰")."""
    return re.compile(r"(?:^|(?<=\s))(?:" + _label_words() + r")(?=[^\s：:])")


@cache
def _label_words() -> str:
    from nianbao.extract.labels import INLINE_FIELDS, LABELS

    words = sorted({v for label in LABELS if label.field in INLINE_FIELDS for v in label.variants
                    if len(v) >= 3}, key=len, reverse=True)
    return "|".join(map(re.escape, words))


def _spaced_labels(chars: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """A space before a form label that the recogniser read glued to the value before it, and
    after one without a colon glued to its value: a space one third of an em wide is below what
    the line's columns resolve, and the form parser needs it ("填表人：傅蔚霞联系电话：" →
    "填表人：傅蔚霞 联系电话：", "填表人李秀兰 联系电话0970-…" → "填表人 李秀兰 联系电话 0970-…")."""
    text = "".join(c for c, _ in chars)
    starts = [m.start() for m in _inline_label().finditer(text)]
    starts += [m.end() for m in _bare_label().finditer(text)]
    for at in sorted(set(starts), reverse=True):
        chars.insert(at, (" ", (chars[at - 1][1] + chars[at][1]) / 2))
    return chars


_CJK_PUNCT = set("，。、；：？！（）《》【】…")


def _curly(before: str, after: str, opened: bool) -> str:
    """The Chinese quotation mark a straight one next to Chinese text stands for ("" if it is
    not next to Chinese text): closing before punctuation, opening after it, else the one that
    pairs with the line's last quotation mark."""
    if not ((before and _CJK.match(before)) or (after and _CJK.match(after))):
        return ""
    if not after or after in _CJK_PUNCT:
        return "”"
    if not before or before in _CJK_PUNCT:
        return "“"
    return "”" if opened else "“"


def _width(char: str) -> float:
    if char.isspace():
        return 0.35
    return 1.0 if _CJK.match(char) else 0.55


def _chars(lines: list[engine.Line], scale: float) -> list[dict[str, Any]]:
    """Each line's characters with boxes in points, all one em high on the line's centre (so a
    line groups as one), each where the recogniser placed it (or, failing that, the line's box
    shared out by width: a Chinese character one em, a Latin letter or digit half of one). A
    gap of more than `_WORD_GAP` em between two characters, or of an em between two lines of one
    row, becomes a space, as a space glyph would in a PDF ("填表人：傅蔚霞 联系电话")."""
    if not lines:
        return []
    em = float(np.median([line.box[3] - line.box[1] for line in lines])) * scale * 0.9
    chars: list[dict[str, Any]] = []
    placed: list[tuple[float, float, float]] = []  # (centre, x0, x1) of each line, in points
    for line in sorted(lines, key=lambda ln: (ln.box[0])):
        x0, top, x1, bottom = (v * scale for v in line.box)
        centre = (top + bottom) / 2
        positioned = _positions(line, scale)
        if not positioned:
            continue
        for other_centre, _, other_x1 in placed:
            gap = x0 - other_x1
            if abs(other_centre - centre) < em / 2 and em < gap < 40 * em:
                chars.append(_char(" ", other_x1, x0, centre, em))
                break
        placed.append((centre, x0, x1))
        previous: dict[str, Any] | None = None
        own_em = (bottom - top) * 0.9
        for char, (left, right) in positioned:
            if previous is not None and char != " " and previous["text"] != " " and (
                    left - previous["x1"] > _WORD_GAP * own_em):
                chars.append(_char(" ", previous["x1"], left, centre, em))
            previous = _char(char, left, right, centre, em)
            chars.append(previous)
    return chars


def _positions(line: engine.Line, scale: float) -> list[tuple[str, tuple[float, float]]]:
    """The line's characters (tidied) with their extent across, in points."""
    x0, top, x1, bottom = (v * scale for v in line.box)
    height = (bottom - top) * 0.9
    if line.centres:
        located = _spaced_labels(_tidied(list(zip(line.text, (c * scale for c in line.centres),
                                                  strict=True))))
        out = []
        for char, middle in located:
            half = _width(char) * height / 2
            out.append((char, (max(x0, middle - half), min(x1, middle + half))))
        return out
    text = tidy(line.text)
    total = sum(_width(c) for c in text)
    step = (x1 - x0) / total if total else 0.0
    spread = []
    x = x0
    for char in text:
        width = _width(char) * step
        spread.append((char, (x, x + width)))
        x += width
    return spread


def _char(text: str, x0: float, x1: float, centre: float, em: float) -> dict[str, Any]:
    return {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": centre - em / 2,
            "bottom": centre + em / 2}


# --- ruling lines -------------------------------------------------------------------------------


def rulings(grey: Image, dpi: float, scale: float,
            colour: Image | None = None) -> list[dict[str, Any]]:
    """The long straight runs of ink, level or upright, as ruling edges in points. Where a seal
    or a pen stroke lay over a rule, taking the colour off left a gap: two pieces of one rule
    with coloured ink between them are joined again (`_bridged`)."""
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                   31, 15)
    length = max(10, int(dpi * _RULE_INCHES))
    bridge = max(3, int(dpi / 40))
    edges: list[dict[str, Any]] = []
    for orientation, kernel, closing in (("h", (length, 1), (bridge, 1)),
                                         ("v", (1, length), (1, bridge))):
        runs = cv2.morphologyEx(binary, cv2.MORPH_CLOSE,
                                cv2.getStructuringElement(cv2.MORPH_RECT, closing))
        runs = cv2.morphologyEx(runs, cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        count, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        segments: list[tuple[float, float, float]] = []  # (position across, start, end) pixels
        for i in range(1, count):
            x, y, w, h = (int(v) for v in stats[i][:4])
            if orientation == "h" and h <= dpi / 12:
                segments.append((y + h / 2, x, x + w))
            elif orientation == "v" and w <= dpi / 12:
                segments.append((x + w / 2, y, y + h))
        if colour is not None and colour.any():
            mask = colour if orientation == "h" else colour.T
            segments = _bridged(segments, mask, reach=int(dpi * 1.5))
        for across, start, end in segments:
            if orientation == "h":
                edges.append(_edge("h", start * scale, end * scale, across * scale, across * scale))
            else:
                edges.append(_edge("v", across * scale, across * scale, start * scale, end * scale))
    return edges


def _bridged(segments: list[tuple[float, float, float]], mask: Image,
             reach: int) -> list[tuple[float, float, float]]:
    """Join pieces of one rule (same position across, within 4 px) whose gap, at most `reach`
    long, is mostly covered by coloured ink (`mask`, rows = the position across); and carry a
    rule that stops in coloured ink on to where the table's other rules end."""
    if not segments:
        return segments
    first = min(s[1] for s in segments)
    last = max(s[2] for s in segments)
    out: list[tuple[float, float, float]] = []
    for segment in sorted(segments, key=lambda s: (round(s[0] / 4), s[1])):
        if out:
            across, start, end = out[-1]
            gap = segment[1] - end
            if abs(segment[0] - across) <= 4 and 0 < gap <= reach and _inked(mask, across, end,
                                                                              segment[1]):
                out[-1] = ((across + segment[0]) / 2, start, max(end, segment[2]))
                continue
        out.append(segment)
    carried = []
    for across, start, end in out:
        if end - start < (last - first) / 3:  # a piece of a stroke, not a rule
            carried.append((across, start, end))
            continue
        if 0 < last - end <= reach and _inked(mask, across, end, last):
            end = last
        if 0 < start - first <= reach and _inked(mask, across, first, start):
            start = first
        carried.append((across, start, end))
    return carried


def _inked(mask: Image, across: float, start: float, end: float) -> bool:
    """Most of the stretch [start, end) along row `across` lies under coloured ink."""
    row = round(across)
    band = mask[max(0, row - 4):row + 5, int(start):int(end)]
    return bool(band.size) and float((band.max(axis=0) > 0).mean()) >= 0.5


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}
