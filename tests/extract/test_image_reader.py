"""Page images are refused with one clear line when they are bombs, truncated or not images.

None of these reach the recogniser: each is refused from the file's header or while decoding.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from nianbao.errors import NeedsOCR, UnreadableInput
from nianbao.extract import read
from nianbao.extract.image_reader import frames
from nianbao.extract.limits import Limits


def png(width: int, height: int, mode: str = "1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else "white").save(buffer, "PNG")
    return buffer.getvalue()


def refused(path: Path) -> UnreadableInput:
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert "\n" not in caught.value.message_zh and "\n" not in caught.value.message_en
    return caught.value


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png(12_000, 12_000))  # 144 million pixels in a few hundred KB
    assert bomb.stat().st_size < 1_000_000

    error = refused(bomb)

    assert "解压炸弹" in error.message_zh and "max_image_pixels" in error.message_en


def test_the_pixel_limit_can_be_lowered_and_raised() -> None:
    small = png(400, 300)
    with pytest.raises(UnreadableInput):
        frames(small, "x.png", Limits(max_image_pixels=100_000))
    [(pixels, dpi)] = frames(small, "x.png", Limits(max_image_pixels=200_000))
    assert pixels.shape == (300, 400, 3)
    assert 50 <= dpi <= 1200


def test_a_truncated_jpeg_is_one_clear_line(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 40).convert("RGB").save(buffer, "JPEG", quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])

    error = refused(cut)

    assert "不完整或已损坏" in error.message_zh and "truncated" in error.message_en


def test_a_truncated_jpeg_is_refused_after_weasyprint_is_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    test_a_truncated_jpeg_is_one_clear_line(tmp_path)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was found


def test_text_named_png_is_not_an_image(tmp_path: Path) -> None:
    fake = tmp_path / "note.png"
    fake.write_text("这不是图片", encoding="utf-8")

    assert "不是可识别的图像文件" in refused(fake).message_zh


def test_too_many_tiff_pages_are_refused(tmp_path: Path) -> None:
    pages = [Image.new("L", (20, 20), 255) for _ in range(4)]
    tiff = tmp_path / "pages.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:])

    with pytest.raises(UnreadableInput) as caught:
        frames(tiff.read_bytes(), tiff.name, Limits(max_pages=3))
    assert "页数过多" in caught.value.message_zh
    assert len(frames(tiff.read_bytes(), tiff.name, Limits(max_pages=4))) == 4


def test_with_ocr_never_an_image_is_refused_as_needing_ocr(tmp_path: Path) -> None:
    image = tmp_path / "page.png"
    image.write_bytes(png(100, 100))

    with pytest.raises(NeedsOCR) as caught:
        read(image, ocr="never")
    assert "--ocr never" in caught.value.message_en


def test_a_transparent_image_is_read_on_white(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(buffer, "PNG")
    [(pixels, _)] = frames(buffer.getvalue(), "clear.png", Limits())
    assert pixels.min() == 255
