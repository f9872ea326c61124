"""Read a page image (.png, .jpg/.jpeg, .tif/.tiff) with OCR into a Document.

A photographed or scanned filing comes in as images: one page per file, or one page per frame of
a multi-page TIFF. Each page is checked before it is decoded (its pixel count against
`Limits.max_image_pixels`, the frames against `Limits.max_pages`: a decompression bomb is refused
from its header), turned as its EXIF orientation says, brought to about 200 dpi and recognised
(`nianbao.extract.ocr`). A truncated or corrupt image is refused with one line.

The resolution comes from the file's DPI field when it is plausible (72–1200); otherwise the page
is taken to be A4, 210 mm across its shorter side.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from nianbao.errors import NeedsOCR, UnreadableInput
from nianbao.extract.limits import DEFAULT_LIMITS, Limits, read_bytes
from nianbao.model import Block, Document, Source

FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}
A4_SHORT_INCHES = 210 / 25.4
TARGET_DPI = 200
_MAX_DPI_KEPT = 260  # a sharper image is scaled down to TARGET_DPI (the recogniser gains nothing)


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS, ocr: str = "auto") -> Document:
    """Recognise the image at `path`. Raises `UnreadableInput` (or `NeedsOCR` with ocr="never")."""
    data = read_bytes(path, limits)
    if ocr == "never":
        raise NeedsOCR(
            f"图像文件只能通过OCR识别，而当前设置为 --ocr never：{path.name}",
            f"an image can only be read with OCR, and --ocr never is set: {path.name}",
        )
    from nianbao.extract import ocr as recogniser

    pages = []
    for number, (pixels, dpi) in enumerate(frames(data, path.name, limits), start=1):
        pages.append(recogniser.read_page(pixels, dpi, number))
    blocks: list[Block] = []
    for page in pages:
        if page.number > 1:
            blocks.append(Block(kind="page_break", text="", page=page.number))
        blocks.extend(recogniser.blocks_of(page))
    blocks = [replace(b, index=i) for i, b in enumerate(blocks)]
    return Document(source=source, blocks=blocks, pages=len(pages),
                    ocr=recogniser.info_of(pages, "image"))


def frames(data: bytes, name: str, limits: Limits) -> list[tuple[np.ndarray, float]]:
    """The image's pages as BGR arrays at about 200 dpi, with their resolution."""
    try:
        with warnings.catch_warnings(), _strict_loading():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            count = int(getattr(image, "n_frames", 1))
            if count > limits.max_pages:
                raise UnreadableInput(
                    f"图像页数过多（{count:,} 页，上限 {limits.max_pages:,}）：{name}",
                    f"the image has too many pages ({count:,}, limit {limits.max_pages:,}): {name}",
                )
            out = []
            for index in range(count):
                image.seek(index)
                _check_size(image, name, limits)
                out.append(_page(image))
            return out
    except UnreadableInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large(name, limits) from exc
    except UnidentifiedImageError as exc:
        raise UnreadableInput(f"不是可识别的图像文件：{name}",
                              f"not an image file that can be read: {name}") from exc
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise UnreadableInput(
            f"图像文件不完整或已损坏，无法读取：{name}",
            f"the image is truncated or damaged and cannot be read: {name} "
            f"({type(exc).__name__})",
        ) from exc


@contextlib.contextmanager
def _strict_loading() -> Iterator[None]:
    """Pillow pads a truncated image silently when `ImageFile.LOAD_TRUNCATED_IMAGES` is set, and
    WeasyPrint sets it for the whole process when imported: refuse truncated input here anyway."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _check_size(image: Image.Image, name: str, limits: Limits) -> None:
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > limits.max_image_pixels:
        raise too_large(name, limits, width, height)
    check_shape(width, height, name, limits)


def check_shape(width: float, height: float, name: str, limits: Limits) -> None:
    """Refuse a strip no page is (long side over `Limits.max_image_ratio` times the short)."""
    if max(width, height) > limits.max_image_ratio * max(min(width, height), 1e-6):
        size = f"{round(width):,}×{round(height):,}"
        raise UnreadableInput(
            f"图像形状异常（{size}，长宽比超过 {limits.max_image_ratio:,.0f}:1），不是文件页面；"
            f"如确需读取，请调高 Limits.max_image_ratio：{name}",
            f"the image is a strip ({size}, sides over {limits.max_image_ratio:,.0f}:1), not a "
            f"document page (to read it anyway, raise Limits.max_image_ratio): {name}")


def too_large(name: str, limits: Limits, width: int = 0, height: int = 0) -> UnreadableInput:
    size = f"{width:,}×{height:,}，" if width else ""
    size_en = f"{width:,}×{height:,}, " if width else ""
    return UnreadableInput(
        f"图像像素过多（{size}上限 {limits.max_image_pixels:,} 像素），疑似解压炸弹；"
        f"如确需读取，请调高 Limits.max_image_pixels：{name}",
        f"the image has too many pixels ({size_en}limit {limits.max_image_pixels:,}); it looks "
        f"like a decompression bomb (to read it anyway, raise Limits.max_image_pixels): {name}",
    )


def _page(image: Image.Image) -> tuple[np.ndarray, float]:
    dpi = _dpi(image)
    image.load()
    page = ImageOps.exif_transpose(image)
    if page.mode in ("RGBA", "LA", "PA") or (page.mode == "P" and "transparency" in page.info):
        rgba = page.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
    elif page.mode.startswith("I") or page.mode == "F":
        page = page.point(lambda v: v / 256).convert("L").convert("RGB")
    else:
        page = page.convert("RGB")
    if dpi > _MAX_DPI_KEPT:
        factor = TARGET_DPI / dpi
        page = page.resize((max(1, round(page.width * factor)), max(1, round(page.height * factor))),
                           Image.Resampling.LANCZOS)
        dpi = TARGET_DPI
    pixels = np.asarray(page, dtype=np.uint8)[:, :, ::-1].copy()
    return pixels, dpi


def _dpi(image: Image.Image) -> float:
    value = image.info.get("dpi")
    try:
        dpi = float(value[0]) if value else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if 72 <= dpi <= 1200:
        return dpi
    return max(50.0, min(image.size) / A4_SHORT_INCHES)
