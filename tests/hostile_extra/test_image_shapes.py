"""Images shaped like no page: a strip one pixel wide and sixty million long fits the pixel limit
(80 million) but the recogniser scales its short side up to 736 pixels, and the long one with
it. Before, such a 200 KB PNG took every GB of memory the machine had (killed by the system),
or ended in an internal error."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from nianbao.errors import UnreadableInput
from nianbao.extract import read
from nianbao.extract.ocr import engine
from tests.conftest import nianbao


def png(path: Path, width: int, height: int) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = (b"\x00" + b"\xff" * width) * height
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize(("width", "height"), [(1, 60_000), (60_000, 1), (30, 20_000)])
def test_a_strip_is_refused_before_recognition(tmp_path: Path, width: int, height: int) -> None:
    path = png(tmp_path / "strip.png", width, height)
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert f"{width:,}×{height:,}" in caught.value.message_en
    assert "not a document page" in caught.value.message_en


def test_a_strip_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = nianbao("check", str(png(tmp_path / "strip.png", 1, 60_000)))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "nianbao: 图像形状异常（1×60,000，长宽比超过 100:1），不是文件页面；"
        "如确需读取，请调高 Limits.max_image_ratio：strip.png"]


def test_the_detector_gets_a_narrow_page_padded_not_stretched() -> None:
    strip = np.full((1280, 20), 255, np.uint8)
    padded = engine._padded(strip)
    assert padded.shape == (1280, 160)
    assert (padded[:, :20] == strip).all() and (padded[:, 20:] == 255).all()
    page = np.full((1280, 905, 3), 255, np.uint8)  # A4: left as it is
    assert engine._padded(page) is page


def test_a_long_screenshot_is_still_read(tmp_path: Path) -> None:
    path = png(tmp_path / "screenshot.png", 300, 9_000)  # 30:1, blank: read, no text in it
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert "no text" in caught.value.message_en
