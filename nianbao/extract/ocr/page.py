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
from typing import Any

import cv2
import numpy as np

from nianbao.extract.ocr import engine
from nianbao.extract.ocr.prepare import Box, Image, Quad, separate, sideways, skew_of, turn_quads
from nianbao.model import OcrRegion

LOW_CONFIDENCE = 0.80  # a line's mean confidence below this is reported
DOUBTFUL_CHAR = 0.60  # a character below this is doubtful (a digit then never counts silently)
_RULE_INCHES = 0.25  # a straight run of ink this long is a ruling line (a 10.5 pt glyph: 0.15)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_DIGIT = re.compile(r"\d")


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
    lines = engine.recognise(inks.grey, quads)
    scale = 72.0 / dpi
    page = OcrPage(number, _chars(lines, scale), rulings(inks.grey, dpi, scale), rotation, skew)
    page.low_confidence = [_region(number, line, scale) for line in lines if _doubtful(line)]
    page.seals = [_scaled(box, scale) for box in inks.seals(dpi)]
    page.marks = [_scaled(box, scale) for box in inks.marks(dpi)]
    return page


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


def _region(number: int, line: engine.Line, scale: float) -> OcrRegion:
    doubtful = "".join(c for c, s in zip(line.text, line.scores, strict=False)
                       if s < DOUBTFUL_CHAR and not c.isspace())
    return OcrRegion(number, _scaled(line.box, scale), tidy(line.text), round(line.score, 3),
                     doubtful)


def _scaled(box: Box, scale: float) -> Box:
    return (round(box[0] * scale, 2), round(box[1] * scale, 2), round(box[2] * scale, 2),
            round(box[3] * scale, 2))


# --- characters -------------------------------------------------------------------------------

_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}


def tidy(text: str) -> str:
    """Chinese punctuation where the recogniser gave the Latin form next to Chinese text
    ("补助(全额)" → "补助（全额）"; "10:30" and "1,200" stay), without spaces around it."""
    out: list[str] = []
    stripped = text.strip()
    for i, char in enumerate(stripped):
        if char in _FULL:
            before = stripped[:i].rstrip()[-1:]
            after = stripped[i + 1:].lstrip()[:1]
            beside_cjk = bool((before and _CJK.match(before)) or (after and _CJK.match(after)))
            if beside_cjk and not (before.isdigit() and after.isdigit()):
                while out and out[-1] == " ":
                    out.pop()
                out.append(_FULL[char])
                continue
        if char == " " and out and out[-1] in _FULL.values():
            continue
        out.append(char)
    return "".join(out)


def _width(char: str) -> float:
    if char.isspace():
        return 0.35
    return 1.0 if _CJK.match(char) else 0.55


def _chars(lines: list[engine.Line], scale: float) -> list[dict[str, Any]]:
    """Each line's characters with boxes in points: the line's box shared out by width, all of
    a line's characters one em high on the line's centre, so a line groups as one; a space
    where two lines of one row leave a gap of more than an em between them."""
    if not lines:
        return []
    em = float(np.median([line.box[3] - line.box[1] for line in lines])) * scale * 0.9
    chars: list[dict[str, Any]] = []
    placed: list[tuple[float, float, float]] = []  # (centre, x0, x1) of each line, in points
    for line in sorted(lines, key=lambda ln: (ln.box[0])):
        text = tidy(line.text)
        if not text:
            continue
        x0, top, x1, bottom = (v * scale for v in line.box)
        centre = (top + bottom) / 2
        for other_centre, _, other_x1 in placed:
            gap = x0 - other_x1
            if abs(other_centre - centre) < em / 2 and em < gap < 40 * em:
                chars.append(_char(" ", other_x1, x0, centre, em))
                break
        placed.append((centre, x0, x1))
        total = sum(_width(c) for c in text)
        step = (x1 - x0) / total if total else 0.0
        x = x0
        for char in text:
            width = _width(char) * step
            chars.append(_char(char, x, x + width, centre, em))
            x += width
    return chars


def _char(text: str, x0: float, x1: float, centre: float, em: float) -> dict[str, Any]:
    return {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": centre - em / 2,
            "bottom": centre + em / 2}


# --- ruling lines -------------------------------------------------------------------------------


def rulings(grey: Image, dpi: float, scale: float) -> list[dict[str, Any]]:
    """The long straight runs of ink, level or upright, as ruling edges in points."""
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
        for i in range(1, count):
            x, y, w, h = (int(v) for v in stats[i][:4])
            if orientation == "h" and h <= dpi / 12:
                mid = (y + h / 2) * scale
                edges.append(_edge("h", x * scale, (x + w) * scale, mid, mid))
            elif orientation == "v" and w <= dpi / 12:
                mid = (x + w / 2) * scale
                edges.append(_edge("v", mid, mid, y * scale, (y + h) * scale))
    return edges


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}
