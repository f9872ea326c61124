"""The recogniser: PP-OCR text detection and recognition models, run with ONNX Runtime on the CPU.

The models come inside the `rapidocr_onnxruntime` wheel (PP-OCRv4 det and rec, Chinese and
English), so nothing is downloaded at run time: an offline bureau machine reads scans as well as
a connected one. They are loaded once per process (a batch worker loads them on its first scan
and keeps them) and guarded by a lock, since one ONNX session is not meant to run two images at
once from two threads.

Detection runs on the page scaled down to `DET_SIDE` pixels on its longer side (text at 200 dpi is
three times taller than the detector needs); recognition crops each detected line from the full
200 dpi page. Each line comes back with its box, its text and the recogniser's confidence in each
character, so a doubtful digit can be named later.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from nianbao.errors import NianbaoError

Image = npt.NDArray[Any]
DET_SIDE = 1280  # pixels: the detector's input, longer side
MAX_DET_RATIO = 8  # the detector's input is padded to at most 8:1 (`_padded`)
DET_BOX_THRESHOLD = 0.4  # the detector's mean score a text box needs
REC_HEIGHT = 48  # pixels: the recogniser reads lines scaled to this height
REC_BATCH = 1  # line images per recogniser run (sorted by width, so similar widths together)
THREADS_ENV = "NIANBAO_OCR_THREADS"  # threads for ONNX Runtime; a batch worker gets its share
_LOCK = threading.Lock()


class OcrUnavailable(NianbaoError):
    """The OCR package is not installed (it ships with nianbao; a broken install)."""

    code = "ocr-unavailable"
    exit_status = 2


@dataclass(frozen=True)
class Line:
    """One recognised line: its text, box (x0, top, x1, bottom, in the image's pixels) and the
    recogniser's confidence in each character (0–1, same length as `text`)."""

    text: str
    box: tuple[float, float, float, float]
    scores: tuple[float, ...]
    quad: tuple[tuple[float, float], ...] = ()
    centres: tuple[float, ...] = ()  # each character's centre across, in image pixels

    @property
    def score(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0


@cache
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - a dependency
        raise OcrUnavailable(
            "未安装OCR组件 rapidocr_onnxruntime，请重新安装 nianbao（scripts/setup）",
            "the OCR package rapidocr_onnxruntime is not installed; reinstall nianbao "
            "(scripts/setup)",
        ) from exc
    from rapidocr_onnxruntime.utils import infer_engine

    # ONNX Runtime's threads spin while they wait for work by default: on a machine shared with
    # other work (or another batch worker) that burns a core for nothing. They sleep instead.
    session = infer_engine.OrtInferSession
    plain = session.__dict__["_init_sess_opts"]

    def options(config: dict[str, Any]) -> Any:
        made = plain.__func__(config)
        made.add_session_config_entry("session.intra_op.allow_spinning", "0")
        made.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return made

    session._init_sess_opts = staticmethod(options)
    try:
        # box_thresh 0.4 (default 0.5): a lone "无" in a wide cell scores ~0.45 at DET_SIDE
        return RapidOCR(use_cls=False, print_verbose=False, det_box_thresh=DET_BOX_THRESHOLD,
                        rec_batch_num=REC_BATCH, intra_op_num_threads=threads())
    finally:
        session._init_sess_opts = plain


def threads() -> int:
    """ONNX Runtime's threads: $NIANBAO_OCR_THREADS (a batch worker's share of the cores), else
    every core (-1)."""
    try:
        wanted = int(os.environ.get(THREADS_ENV, "-1"))
    except ValueError:
        return -1
    return wanted if 1 <= wanted <= (os.cpu_count() or 1) else -1


def load_models() -> None:
    """Load the models now rather than on the first page read (a benchmark times reading,
    not loading)."""
    _engine()


def detect(image: Image) -> list[npt.NDArray[np.float32]]:
    """Text line quadrilaterals (4 points each, in `image` pixels), top to bottom."""
    height, width = image.shape[:2]
    scale = min(1.0, DET_SIDE / max(height, width))
    small = image if scale == 1.0 else cv2.resize(
        image, (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA)
    with _LOCK:
        boxes, _ = _engine().text_det(_bgr(_padded(small)))
    if boxes is None or len(boxes) == 0:
        return []
    quads = [np.asarray(box, dtype=np.float32) / scale for box in boxes]
    quads.sort(key=lambda q: (float(q[:, 1].min()), float(q[:, 0].min())))
    return quads


def _padded(image: Image) -> Image:
    """`image` with white added below or to the right up to a side ratio of `MAX_DET_RATIO`.

    The detector scales the shorter side up to 736 pixels, and the longer one with it: a strip
    of 1×60,000 pixels would become 736×44,000,000 (tens of GB). Padding keeps every text line
    where it was, so the boxes need no change."""
    height, width = image.shape[:2]
    short = -(-max(height, width) // MAX_DET_RATIO)
    if min(height, width) >= short:
        return image
    bottom, right = max(0, short - height), max(0, short - width)
    return cv2.copyMakeBorder(image, 0, bottom, 0, right, cv2.BORDER_CONSTANT,
                              value=(255, 255, 255) if image.ndim == 3 else 255)


def recognise(image: Image, quads: list[npt.NDArray[np.float32]]) -> list[Line]:
    """Read each quadrilateral's text from `image`."""
    if not quads:
        return []
    engine = _engine()
    crops = engine.get_crop_img_list(_bgr(image), [q.copy() for q in quads])
    with _LOCK:
        results, _ = engine.text_rec(crops, True)
    lines: list[Line] = []
    for quad, result in zip(quads, results, strict=True):
        text = str(result[0])
        scores = tuple(float(s) for s in result[2][4]) if len(result) > 2 and text else ()
        if len(scores) != len(text):
            scores = (float(result[1]),) * len(text)
        if not text.strip():
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        lines.append(Line(text, (float(xs.min()), float(ys.min()), float(xs.max()),
                                 float(ys.max())), scores,
                          tuple((float(x), float(y)) for x, y in quad),
                          _centres(result, quad, len(text))))
    return lines


def _centres(result: Any, quad: npt.NDArray[np.float32], count: int) -> tuple[float, ...]:
    """Where each character sits along the line: the recogniser's output column of each
    character (one column per 8 pixels of the line scaled to 48 pixels high) back in the page's
    pixels. Empty when the line was not read left to right (a tall crop is turned)."""
    if len(result) < 3:
        return ()
    columns = [c for word in result[2][2] for c in word]
    width = float(np.linalg.norm(quad[1] - quad[0]))
    height = float(np.linalg.norm(quad[3] - quad[0]))
    if len(columns) != count or height <= 0 or height >= 1.5 * width:
        return ()
    left = float(quad[:, 0].min())
    return tuple(left + (c * 8 + 4) * height / REC_HEIGHT for c in columns)


def upside_down(crops: list[Image]) -> float:
    """How many of these line images the direction classifier (PP-OCR's small 0°/180° model)
    reads as upside down, less those it reads as upright, weighted by its confidence."""
    if not crops:
        return 0.0
    with _LOCK:
        _, results, _ = _engine().text_cls([_bgr(c) for c in crops])
    return float(sum(score if label == "180" else -score for label, score in results))


def _bgr(image: Image) -> Image:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image
