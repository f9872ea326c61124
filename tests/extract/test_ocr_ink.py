"""Seal and pen ink taken off a page, and lines under ink read more than once and combined.

Fast: synthetic pixels and made-up readings; no model runs.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from nianbao.extract.ocr.engine import Line
from nianbao.extract.ocr.fuse import fuse
from nianbao.extract.ocr.prepare import separate

PAPER = (207, 217, 219)  # BGR: a greyish scan
PRINT = 0.1  # black print lets this share of the light through


def page_with(ink_bgr: tuple[int, int, int]) -> np.ndarray:
    """A page with a black bar (print) half under a block of coloured ink, and ink alone beside."""
    page = np.empty((120, 200, 3), np.float32)
    page[:] = PAPER
    page[40:60, 20:120] *= PRINT  # the print
    page[20:100, 70:180] *= np.array(ink_bgr, np.float32) / 255  # the ink over part of it
    return page.clip(0, 255).astype(np.uint8)


def test_print_under_a_red_seal_stays_and_the_seal_alone_becomes_paper() -> None:
    inks = separate(page_with((40, 45, 214)))

    assert inks.grey[50, 95] < 80  # print under the seal: still dark
    assert inks.grey[50, 40] < 80  # print beside it
    assert inks.grey[80, 150] > 190  # the seal alone: paper
    assert inks.red[80, 150] > 0  # and remembered as red ink


def test_print_under_blue_black_pen_stays_and_the_pen_alone_becomes_paper() -> None:
    inks = separate(page_with((96, 36, 28)))

    assert inks.grey[50, 95] < 80
    assert inks.grey[80, 150] > 190
    assert inks.blue[80, 150] > 0


def test_a_page_without_coloured_ink_is_left_as_it_is() -> None:
    page = page_with((255, 255, 255))
    inks = separate(page)

    assert not inks.red.any() and not inks.blue.any()
    assert inks.others == ()


def reading(text: str, score: float = 0.95, low: dict[int, float] | None = None) -> Line:
    scores = tuple((low or {}).get(i, score) for i in range(len(text)))
    return Line(text, (0.0, 0.0, 10.0 * len(text), 10.0), scores,
                centres=tuple(10.0 * i + 5 for i in range(len(text))))


def test_a_character_one_reading_skips_under_the_ink_comes_back_from_the_others() -> None:
    fused = fuse([reading("并经保密查，可对外公示。", 0.99),  # confident, one character short
                  reading("并经保密审查，可对外公示。", 0.95),
                  reading("并经保密审查，可对外公第。", 0.96)])

    assert fused.text == "并经保密审查，可对外公示。"


def test_a_character_the_readings_disagree_on_is_doubtful() -> None:
    fused = fuse([reading("2026年3月4日"), reading("2026年2月4日"), reading("2026年3月4日")])

    assert fused.text == "2026年3月4日"
    assert fused.scores[5] < fused.scores[0]
    assert len(fused.centres) == len(fused.text)


def test_one_reading_is_taken_as_it_is() -> None:
    only = reading("无")
    assert fuse([only]) == only


def test_ocr_threads_follow_the_batch_workers_share(monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.batch.pool import THREADS_ENV, ProcessPool
    from nianbao.extract.ocr import engine

    assert THREADS_ENV == engine.THREADS_ENV
    assert ProcessPool(workers=os.cpu_count() or 1, timeout=1).threads == 1
    monkeypatch.setenv(THREADS_ENV, "1")
    assert engine.threads() == 1
    monkeypatch.setenv(THREADS_ENV, "many")
    assert engine.threads() == -1  # every core
    monkeypatch.delenv(THREADS_ENV)
    assert engine.threads() == -1


def test_a_form_label_glued_to_its_value_gets_its_space_back() -> None:
    from nianbao.extract.ocr.page import tidy

    assert tidy("填表人李秀兰 联系电话0970-8613562") == "填表人 李秀兰 联系电话 0970-8613562"
    assert tidy("填表人：傅蔚霞联系电话：") == "填表人：傅蔚霞 联系电话："
    assert tidy("由填表人负责") == "由填表人负责"  # inside a sentence: not a label
