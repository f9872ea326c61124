"""The annual-report form as PDF: templates/annual_report.html rendered by WeasyPrint.

- Jinja2 with autoescaping fills the HTML from the shared context; a value such as
  ``<script>`` or ``&`` is printed as text.
- WeasyPrint may only read files under templates/ (`LocalFetcher`); anything else, the network
  included, stops the rendering.
- Render and write are two steps. WeasyPrint's log is captured over both: a missing glyph or a
  font that cannot be used raises; other warnings are handed back to the caller.
- The PDF carries fixed metadata (creation date = 报送日期, no clock), so one record always gives
  the same bytes.
- The stylesheet and its FontConfiguration are built once per process and reused, which is what
  makes batch generation fast.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import (
    FatalURLFetchingError,
    URLFetcher,
    URLFetcherResponse,
)

from nianbao.errors import MissingGlyph, NianbaoError
from nianbao.generate.atomic import write_atomic
from nianbao.generate.context import build_context, context_text
from nianbao.generate.fonts import STYLESHEET, check_glyphs, describe
from nianbao.resources import resource_dir

TEMPLATE = "annual_report.html"
_NOTDEF = re.compile(r"\(U\+([0-9A-Fa-f]{4,6})\)")


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `file:` URLs inside one folder and refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to fetch {url!r}: only files under {self.root}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"refused to fetch {url!r}: only files under {self.root}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())


@cache
def templates_dir() -> Path:
    """The folder of the HTML templates and their stylesheet."""
    return resource_dir("templates")


@cache
def environment() -> Environment:
    """The Jinja environment of the HTML templates (autoescaping, strict undefined)."""
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _template() -> Template:
    return environment().get_template(TEMPLATE)


@cache
def stylesheet() -> tuple[FontConfiguration, CSS]:
    """The parsed stylesheet and the font configuration it was parsed with (reused)."""
    fonts = FontConfiguration()
    root = templates_dir()
    css = CSS(
        filename=str(root / STYLESHEET),
        url_fetcher=LocalFetcher(root),
        font_config=fonts,
    )
    return fonts, css


def render_html(ctx: Mapping[str, Any]) -> str:
    """The form as an HTML string (the same page a browser could show)."""
    return _template().render(**ctx)


def write_pdf(
    record: Mapping[str, Any],
    out: Path,
    *,
    public: bool = False,
    inputs: Iterable[Path] = (),
    warnings: list[str] | None = None,
) -> Path:
    """Write the form for `record` to `out` (atomically, never over one of `inputs`).

    WeasyPrint warnings that are not about fonts are appended to `warnings` when given.
    """
    ctx = build_context(record, public=public)
    check_glyphs(context_text(ctx))
    return write_atomic(Path(out), render_pdf(ctx, warnings=warnings), inputs=inputs)


def render_pdf(ctx: Mapping[str, Any], *, warnings: list[str] | None = None) -> bytes:
    """The filled form as PDF bytes: render, then write, with WeasyPrint's log watched."""
    fonts, css = stylesheet()
    root = templates_dir()
    html = HTML(string=render_html(ctx), base_url=str(root), url_fetcher=LocalFetcher(root))
    with watch_log() as messages:
        try:
            document = html.render(font_config=fonts, stylesheets=[css])
            data = document.write_pdf(pdf_identifier=True)  # an md5 of the content
        except FatalURLFetchingError as exc:
            raise NianbaoError(
                f"年报模板引用了不允许读取的资源：{exc}",
                f"the annual-report template asked for a resource it may not read: {exc}",
            ) from exc
    raise_on_font_problems(messages)
    if warnings is not None:
        warnings.extend(messages)
    assert isinstance(data, bytes)
    return data


def raise_on_font_problems(messages: list[str]) -> None:
    """Raise if WeasyPrint reported a missing glyph or font among `messages`."""
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
