"""Rendering with WeasyPrint, shared by every PDF nianbao writes (the form, the notice, the summaries).

- `LocalFetcher`: WeasyPrint may read files under templates/ and the images handed to it
  (`chart:<key>.png`), nothing else; the network and every other file stop the rendering.
- `environment()`: one Jinja2 environment with autoescaping over templates/ (a value such as
  ``<script>`` or ``&`` is printed as text) and `StrictUndefined`.
- `stylesheet(name)`: the parsed stylesheet and its FontConfiguration, built once per process
  and reused, which is what makes batch generation fast.
- `render_pdf(template, ctx, css=...)`: render, then write, with WeasyPrint's log watched: a
  missing glyph or an unusable font raises; other warnings go back to the caller. The PDF
  carries no clock (the caller's context fixes the dates), so one record gives the same bytes.
- Font checks: `require_fonts` says which package installs a missing face (exit 2, the fix
  named); `check_text` refuses a character no font of the stylesheet can draw.
- Chinese text is justified on both edges: WeasyPrint (checked up to version 70 and its main
  branch of August 2026) stretches only spaces, so a line of Chinese, which has none, stayed
  ragged. `justify_cjk` makes such a line fill its box by spacing every character evenly
  (as Word does for 两端对齐); lines without Chinese keep WeasyPrint's word spacing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.layout import inline as _inline
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from nianbao.errors import MissingFont, MissingGlyph, NianbaoError
from nianbao.generate.fonts import check_glyphs, describe, font_files, stylesheet_families
from nianbao.generate.weasy_fonts import keep_fonts
from nianbao.generate.weasy_html import keep_patterns
from nianbao.resources import resource_dir

_NOTDEF = re.compile(r"\(U\+([0-9A-Fa-f]{4,6})\)")

# Where the open fallback faces come from, for the message when none of a list is installed.
FONT_PACKAGES = "texlive-lang-chinese（Fandol 仿宋/楷体/宋体/黑体）、fonts-noto-cjk"
FONT_PACKAGES_EN = "texlive-lang-chinese (the Fandol faces), fonts-noto-cjk"


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `file:` URLs inside one folder and the given images; refuses everything else."""

    def __init__(self, root: Path, images: Mapping[str, bytes] | None = None) -> None:
        super().__init__(fail_on_errors=True)
        self.root = root.resolve()
        self.images = dict(images or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("chart:"):
            key = url.removeprefix("chart:").removesuffix(".png")
            if key in self.images:
                return URLFetcherResponse(url, self.images[key], {"Content-Type": "image/png"})
            raise ValueError(f"refused to fetch {url!r}: no such chart")
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url!r}: only files under {self.root}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"refused to fetch {url!r}: only files under {self.root}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())


@cache
def templates_dir() -> Path:
    return resource_dir("templates")


@cache
def environment() -> Environment:
    """The Jinja2 environment of the HTML templates (autoescaping, strict undefined)."""
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["keep_together"] = keep_together
    return env


_PART = re.compile(r"[^（]+|（[^）]*）?")


def keep_together(label: str) -> Markup:
    """A label that may wrap only between its parts: 举办单位意见 | （含保密审查意见）, so a
    line never holds a lone 见）."""
    return Markup("").join(Markup('<span class="keep">{}</span>').format(part)
                           for part in _PART.findall(str(label)))


def render_html(template: str, ctx: Mapping[str, Any]) -> str:
    return environment().get_template(template).render(**ctx)


@cache
def stylesheet(name: str) -> tuple[FontConfiguration, CSS]:
    """The parsed stylesheet templates/`name` and the font configuration it was parsed with."""
    fonts = FontConfiguration()
    root = templates_dir()
    css = CSS(filename=str(root / name), url_fetcher=LocalFetcher(root), font_config=fonts)
    return fonts, css


def families(css: str) -> tuple[str, ...]:
    """The font families a stylesheet names (official first, open fallbacks last)."""
    return stylesheet_families(templates_dir() / css)


def require_fonts(names: tuple[str, ...]) -> None:
    """Raise MissingFont, naming the package that provides one, when none of `names` is
    installed (a PDF cannot be drawn without at least one of them)."""
    if not font_files(names):
        raise MissingFont(
            f"未安装所需字体（{'、'.join(names)} 中的任何一种）；请安装 {FONT_PACKAGES}，"
            "或运行 scripts/setup",
            f"none of the fonts {', '.join(names)} is installed; install {FONT_PACKAGES_EN} "
            "or run scripts/setup",
        )


def check_text(text: str, css: str) -> None:
    """Refuse a character that no installed font of the stylesheet can draw (MissingGlyph),
    after making sure the stylesheet has a font at all (MissingFont)."""
    names = families(css)
    require_fonts(names)
    check_glyphs(text, names)


def render_pdf(
    template: str,
    ctx: Mapping[str, Any],
    *,
    css: str,
    what: tuple[str, str],
    images: Mapping[str, bytes] | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    """templates/`template` filled from `ctx` and styled by templates/`css`, as PDF bytes.

    `what` names the document in messages (e.g. ``("年报模板", "the annual-report template")``).
    WeasyPrint warnings that are not about fonts are appended to `warnings` when given.
    """
    justify_cjk()
    fast_deflate()
    keep_fonts()
    keep_patterns()
    fonts, sheet = stylesheet(css)
    root = templates_dir()
    fetcher = LocalFetcher(root, images)
    html = HTML(string=render_html(template, ctx), base_url=str(root), url_fetcher=fetcher)
    with watch_log() as messages:
        try:
            document = html.render(font_config=fonts, stylesheets=[sheet])
            data = document.write_pdf(pdf_identifier=True)  # an md5 of the content
        except FatalURLFetchingError as exc:
            raise NianbaoError(
                f"{what[0]}引用了不允许读取的资源：{exc}",
                f"{what[1]} asked for a resource it may not read: {exc}",
            ) from exc
    raise_on_font_problems(messages)
    if warnings is not None:
        warnings.extend(messages)
    assert isinstance(data, bytes)
    return data


def raise_on_font_problems(messages: list[str]) -> None:
    notdef = [m for m in messages if ".notdef" in m or "glyph" in m.lower()]
    if notdef:
        chars = [chr(int(code, 16)) for m in notdef for code in _NOTDEF.findall(m)]
        names = describe(dict.fromkeys(chars)) if chars else "; ".join(notdef)
        raise MissingGlyph(
            f"PDF 中有字符没有字形，无法打印：{names}",
            f"the PDF would show blank boxes for: {names}",
        )
    font = [m for m in messages if "font" in m.lower()]
    if font:
        text = "; ".join(font)
        raise NianbaoError(f"PDF 字体无法使用：{text}", f"a font of the PDF cannot be used: {text}")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def watch_log() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings and errors while the block runs."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    level = logger.level
    if not logger.isEnabledFor(logging.WARNING):
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# --------------------------------------------------------------------------- justification


def is_cjk(char: str) -> bool:
    """A character set solid in Chinese text: ideographs, CJK punctuation, full-width forms."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK symbols and punctuation, kana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    )


def _text_boxes(box: Any) -> Iterator[Any]:
    if isinstance(box, _inline.boxes.TextBox):
        yield box
    elif isinstance(box, (_inline.boxes.LineBox, _inline.boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _gaps(text: str) -> int:
    """Places between two visible characters of `text` (where letter spacing goes)."""
    visible = sum(1 for c in text if not unicodedata.combining(c) and c != "\u200b")
    return max(visible - 1, 0)


def _justify_line(original: Callable[..., Any]) -> Callable[..., Any]:
    def justify_line(context: Any, line: Any, extra_width: float) -> Any:
        texts = list(_text_boxes(line))
        gaps = sum(_gaps(box.text) for box in texts)
        if not gaps or not any(is_cjk(c) for box in texts for c in box.text):
            return original(context, line, extra_width)
        if line.style["text_align_last"] == "justify" and _inline.count_expandable_spaces(line):
            # A line spread to both edges on purpose (印发机关 left, date right): at its spaces.
            return original(context, line, extra_width)
        _spread(context, line, extra_width / gaps, 0.0)
        return None

    return justify_line


def _spread(context: Any, box: Any, spacing: float, x_advance: float) -> float:
    """Add `spacing` between the characters of every text box of `box` (as WeasyPrint's own
    `add_word_spacing` adds it at spaces), moving what follows; the new x advance."""
    if isinstance(box, _inline.boxes.TextBox):
        box.position_x += x_advance
        extra = spacing * _gaps(box.text)
        if extra:
            style = box.style.copy()
            base = style["letter_spacing"]
            style["letter_spacing"] = (0 if base == "normal" else base) + spacing
            box.style = style
            layout = _inline.create_layout(
                box.text, style, context, max_width=None, justification_spacing=0)
            layout.deactivate()
            box.pango_layout = layout
            box.width += extra
            x_advance += extra
    elif isinstance(box, (_inline.boxes.LineBox, _inline.boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, x_advance)
        box.width += x_advance - before
    else:  # an atomic inline (an image): moved, not stretched
        box.translate(x_advance, 0)
    return x_advance


class _Deflate:
    """zlib as pydyf (WeasyPrint's PDF writer) sees it: streams deflated at level 1, not 9.
    On a form's font and page streams level 9 takes 1.8 times as long for 2.5 % fewer bytes.
    Embedded fonts (the CFF outlines of a few hundred Chinese characters, 0.3–0.5 MB per face
    and form) are deflated with run-length matching only (`zlib.Z_RLE`): 40 % less time than
    level 1 for 2 % more bytes; page streams, which repeat whole operators, keep level 1."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = -1) -> Any:
        return _Deflater(min(level, DEFLATE_LEVEL))


_FONT_FILES = (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf")


class _Deflater:
    """A zlib compressor that picks its strategy from the first bytes it is given."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.zlib: Any = None

    def compress(self, data: bytes) -> bytes:
        if self.zlib is None:
            strategy = zlib.Z_RLE if data[:4] in _FONT_FILES else zlib.Z_DEFAULT_STRATEGY
            self.zlib = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS,
                                         zlib.DEF_MEM_LEVEL, strategy)
        return bytes(self.zlib.compress(data))

    def flush(self) -> bytes:
        if self.zlib is None:
            self.zlib = zlib.compressobj(self.level)
        return bytes(self.zlib.flush())


DEFLATE_LEVEL = 1


@cache
def fast_deflate() -> None:
    """Make pydyf deflate at `DEFLATE_LEVEL` (once per process)."""
    pydyf.zlib = _Deflate


@cache
def justify_cjk() -> None:
    """Install the inter-character justification into WeasyPrint's inline layout (once).

    It replaces `weasyprint.layout.inline.justify_line` (WeasyPrint 70 calls it for every
    justified line but the last); should a later WeasyPrint lay lines out otherwise, Chinese
    stays ragged on the right and tests/generate/test_weasy.py says so."""
    original = getattr(_inline, "justify_line", None)
    if callable(original):
        _inline.justify_line = _justify_line(original)
