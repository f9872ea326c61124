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


@dataclass(frozen=True)
class Inks:
    """A page split by colour: the print in grey with the coloured ink taken off, and masks of
    where the red (seal) and blue (pen) ink was."""

    grey: Image
    red: Image
    blue: Image

    def turned(self, turn: int, skew: float) -> Inks:
        return Inks(rotate(self.grey, turn, skew), rotate(self.red, turn, skew, fill=0),
                    rotate(self.blue, turn, skew, fill=0))

    def seals(self, dpi: float) -> list[Box]:
        """Red, roughly round clusters at least 8 mm across."""
        return _blobs(self.red > 0, dpi, 8.0, round_only=True)

    def marks(self, dpi: float) -> list[Box]:
        """Clusters of pen strokes at least 4 mm across."""
        return _blobs(self.blue > 0, dpi, 4.0, round_only=False)


def separate(image: Image) -> Inks:
    """Take the red and blue ink off the page (they become paper); black print under them stays."""
    if image.ndim == 2:
        empty = np.zeros(image.shape, np.uint8)
        return Inks(image, empty, empty)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    reddish = ((hue <= 12) | (hue >= 160)) & (sat >= 50)
    bluish = (hue >= 90) & (hue <= 140) & (sat >= 35)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # Under red ink, the red channel is what the print alone would give: a seal over paper is
    # light in it, print under the seal stays dark.
    cleaned = np.where(reddish, np.maximum(grey, image[:, :, 2]), grey).astype(np.uint8)
    paper = int(np.percentile(grey[::4, ::4], 90))
    if bluish.any():
        near = cv2.dilate(bluish.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        cleaned[bluish | (near & (grey > 90))] = paper  # the pen's strokes and their halo
    red = reddish & (val >= 110)
    return Inks(cleaned, red.astype(np.uint8) * 255, bluish.astype(np.uint8) * 255)


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
