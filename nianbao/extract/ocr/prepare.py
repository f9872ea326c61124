"""A scanned page made ready for recognition: upright, straight, without the seal and the pen.

- Colour first: a red seal is stamped over the print and a signature is written in blue-black
  ink; both are separated from the black print by their colour before recognition (their pixels
  become paper, while black print under them stays black), so the characters under them are
  read; where they were is kept as masks for the seal and signature checks.
- Orientation: the detector's text lines run up and down on a page scanned sideways (`sideways`);
  upside down is told apart by the recogniser, which reads lines confidently one way up only.
- Skew: the median slope of the long text lines the detector found (`skew_of`), to 0.01°; the
  page is turned back so that table rules are level and lines of text keep their rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[Any]
Quad = npt.NDArray[np.float32]
Box = tuple[float, float, float, float]

_SKEW_LIMIT = 5.0  # degrees: a steeper median slope is not taken as skew
_LEAST_INK = 50  # pixels: less coloured ink than this is noise, left alone
_INK_MARGIN = 3  # pixels around coloured ink read without it (JPEG smears colour ~2 px)
_INK_SHARE = 10  # percentile: the ink's transmittance is taken where it is densest
_PCT = float(__import__("os").environ.get("PCT", "50"))
_SMOOTH = int(__import__("os").environ.get("SM", "0"))


@dataclass(frozen=True)
class Inks:
    """A page split by colour: the print in grey with the coloured ink taken off, and masks of
    where the red (seal) and blue (pen) ink was."""

    grey: Image
    red: Image
    blue: Image
    others: tuple[Image, ...] = ()  # other greys of the page where ink lies (`others_of`)

    def turned(self, turn: int, skew: float) -> Inks:
        return Inks(rotate(self.grey, turn, skew), rotate(self.red, turn, skew, fill=0),
                    rotate(self.blue, turn, skew, fill=0),
                    tuple(rotate(other, turn, skew) for other in self.others))

    @property
    def erased(self) -> Image:
        """The page with the coloured ink made paper outright (the print under it lost)."""
        return self.others[-1] if self.others else self.grey

    def inked(self, margin: int) -> Image:
        """Where coloured ink lies, grown by `margin` pixels."""
        ink = np.maximum(self.red, self.blue)
        return cv2.dilate(ink, np.ones((2 * margin + 1,) * 2, np.uint8)) if ink.any() else ink

    def seals(self, dpi: float) -> list[Box]:
        """Round seals: red rings 20–50 mm across (two seals may overlap), or else red, roughly
        round clusters at least 8 mm across."""
        return _rings(self.red, dpi) or _blobs(self.red > 0, dpi, 8.0, round_only=True)

    def marks(self, dpi: float) -> list[Box]:
        """Clusters of pen strokes at least 6 mm across."""
        return _blobs(self.blue > 0, dpi, 6.0, round_only=False)


def separate(image: Image) -> Inks:
    """Take the red and blue ink off the page (they become paper); black print under them stays.

    Ink is a filter over the paper: each channel keeps a share of the light (its transmittance),
    and a stamp over print only darkens the print further. So near each ink (`_divide_out`) the
    page is read from the channel where that ink lets most light through (the red channel for a
    red seal, the blue one for blue-black pen) divided by the ink's own transmittance there: the
    ink alone comes out as paper, the print under it stays dark."""
    if image.ndim == 2:
        empty = np.zeros(image.shape, np.uint8)
        return Inks(image, empty, empty)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # red ink over paper (bright); red over print is dark and is the print's
    alone = ((hue <= 12) | (hue >= 160)) & (sat >= 50) & (val >= 120)
    pen = _pen(image, grey)
    if int(alone.sum()) < _LEAST_INK and int(pen.sum()) < _LEAST_INK:  # specks: no ink to read past
        return Inks(grey, alone.astype(np.uint8) * 255, pen.astype(np.uint8) * 255)
    paper_bgr = np.percentile(image[::4, ::4].reshape(-1, 3), 90, axis=0).astype(np.float32)
    paper = float(np.percentile(grey[::4, ::4], 90))
    cleaned = grey.astype(np.float32)
    near_ink = np.zeros(grey.shape, bool)
    for ink in (alone, pen):
        if int(ink.sum()) < _LEAST_INK:
            continue
        region, value = _divide_out(image, ink, paper_bgr, paper)
        cleaned[region] = np.where(near_ink[region], np.maximum(cleaned[region], value[region]),
                                   value[region])
        near_ink |= region
    return Inks(np.clip(cleaned, 0, 255).astype(np.uint8), alone.astype(np.uint8) * 255,
                pen.astype(np.uint8) * 255, others_of(image, grey, alone, pen, paper))


def others_of(image: Image, grey: Image, red: npt.NDArray[np.bool_], pen: npt.NDArray[np.bool_],
              paper: float) -> tuple[Image, ...]:
    """Two other ways to see the print where ink lies over it, for a second reading of those
    lines (`fuse`): the lightest channel of each pixel (every coloured ink lighter, black print
    as dark as ever), and the ink's pixels made paper outright (the print under them lost, the
    print beside them kept sharp)."""
    lightest = image.max(axis=2)
    erased = grey.copy()
    erased[red | pen] = int(paper)
    return (np.ascontiguousarray(lightest), erased)


def _divide_out(image: Image, ink: npt.NDArray[np.bool_], paper_bgr: npt.NDArray[np.float32],
                paper: float) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
    """Around `ink` (its pixels and a margin that takes in JPEG's colour smear), the page as it
    would be without that ink: the channel where the ink is lightest, divided by the ink's
    transmittance in it (where the ink is densest: its blurred rim then comes out as paper too),
    in the grey page's paper level."""
    pixels = image[ink].astype(np.float32)
    transmittance = np.median(pixels / np.maximum(paper_bgr, 1.0), axis=0)
    channel = int(np.argmax(transmittance))
    share = max(float(np.percentile(pixels[:, channel], _INK_SHARE))
                / max(float(paper_bgr[channel]), 1.0), 0.05)
    reach = 2 * _INK_MARGIN + 1
    region = cv2.dilate(ink.astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    value = image[:, :, channel].astype(np.float32) * (paper / (share * float(paper_bgr[channel])))
    return region, np.minimum(value, paper)


def _pen(image: Image, grey: Image) -> npt.NDArray[np.bool_]:
    """Blue and blue-black ink: bluer than the paper's own tint (black print is as neutral as
    the paper). JPEG smears colour over thin strokes, so a stroke is taken whole once its core
    is clearly blue."""
    blue_minus_red = image[:, :, 0].astype(np.int16) - image[:, :, 2].astype(np.int16)
    tint = int(np.median(blue_minus_red[::4, ::4]))
    core = (blue_minus_red > tint + 18) & (grey < 200)
    if not core.any():
        return core
    near = cv2.dilate(core.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pen: npt.NDArray[np.bool_] = core | (near & (blue_minus_red > tint + 4) & (grey < 200))
    return pen


def _rings(mask: Image, dpi: float) -> list[Box]:
    """Circles 30–50 mm across in the red mask (Hough transform on a quarter-size copy); of
    circles with nearly the same centre (a seal's rim and its inner text ring) the first."""
    if not mask.any():
        return []
    scale = 0.25
    small = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 1.5)
    mm = dpi / 25.4 * scale
    circles = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=8 * mm, param1=100,
                               param2=18, minRadius=int(15 * mm), maxRadius=int(25 * mm))
    if circles is None:
        return []
    boxes: list[Box] = []
    kept: list[tuple[float, float, float]] = []
    for x, y, r in circles[0]:
        if any(math.hypot(x - kx, y - ky) < 0.5 * kr for kx, ky, kr in kept):
            continue
        ring = cv2.circle(np.zeros_like(small), (int(x), int(y)), int(r), 255, max(2, int(mm)))
        covered = float((small[ring > 0] > 40).mean()) if ring.any() else 0.0
        if covered >= 0.5:  # most of the circle is red ink: a seal's rim, not chance
            kept.append((float(x), float(y), float(r)))
            boxes.append((float((x - r) / scale), float((y - r) / scale), float((x + r) / scale),
                          float((y + r) / scale)))
    return boxes


def _blobs(mask: npt.NDArray[np.bool_], dpi: float, min_mm: float, round_only: bool) -> list[Box]:
    """Boxes of the clusters of `mask` pixels at least `min_mm` across (a seal: roughly round)."""
    if not mask.any():
        return []
    reach = max(3, round(dpi / 25.4 * 2))  # strokes within 2 mm belong together
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((reach, reach), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    least = dpi / 25.4 * min_mm
    boxes: list[Box] = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if w < least or h < least:
            continue
        if round_only and not 0.6 <= w / h <= 1.6:
            continue
        boxes.append((float(x), float(y), float(x + w), float(y + h)))
    return boxes


def rotate(image: Image, turn: int, skew: float, fill: float | None = None) -> Image:
    """Turn by `turn` degrees clockwise (a multiple of 90), then by `skew` degrees
    counter-clockwise (OpenCV's sense) about the centre, filling with the paper's colour."""
    if turn % 360:
        image = np.ascontiguousarray(np.rot90(image, -(turn // 90)))
    if abs(skew) < 0.05:
        return image
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), skew, 1.0)
    if fill is None:
        fill = float(np.percentile(image[::4, ::4], 90))
    turned: Image = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=(fill,))
    return turned


def skew_of(quads: list[Quad]) -> float:
    """The page's skew in degrees (OpenCV's sense: turning by it straightens the page), the
    median slope of the long text lines the detector found."""
    angles: list[float] = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        width = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(*(quad[3] - quad[0]))
        if width > 4 * height and x1 > x0:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if len(angles) < 3:
        return 0.0
    angle = float(np.median(angles))
    return round(angle, 2) if abs(angle) <= _SKEW_LIMIT else 0.0


def sideways(quads: list[Quad]) -> bool:
    """Most text lines the detector found run up and down: the page was scanned turned by 90°."""
    tall = wide = 0
    for quad in quads:
        width, height = float(np.ptp(quad[:, 0])), float(np.ptp(quad[:, 1]))
        if height > 2.5 * width:
            tall += 1
        elif width > 2.5 * height:
            wide += 1
    return tall > max(3, 2 * wide)


def turn_quads(quads: list[Quad], shape: tuple[int, ...], skew: float) -> list[Quad]:
    """The quadrilaterals where `rotate(image, 0, skew)` puts them."""
    if abs(skew) < 0.05:
        return quads
    height, width = shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), skew, 1.0).astype(np.float32)
    return [(q @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32) for q in quads]
