"""A notice as PDF in the GB/T 9704-2012 layout: templates/notice.html rendered by WeasyPrint.

The same machinery as the annual-report form (nianbao.generate.pdf_writer): Jinja2 with
autoescaping, WeasyPrint reading only files under templates/, its log watched (a missing glyph
or an unusable font raises), render and write as two steps, fixed metadata (the 成文日期, never
the clock), the stylesheet parsed once per process. Before any of it the record is checked as
the generator's input (`notice_input.preflight`): a notice without 发文字号 or 版记, or with a
malformed one, is refused unless forced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from nianbao.errors import NianbaoError
from nianbao.generate.atomic import refuse_inputs, write_atomic
from nianbao.generate.context import context_text
from nianbao.generate.fonts import check_glyphs, stylesheet_families
from nianbao.generate.notice_context import build_notice_context
from nianbao.generate.notice_input import preflight
from nianbao.generate.pdf_writer import (
    LocalFetcher,
    environment,
    raise_on_font_problems,
    templates_dir,
    watch_log,
)
from nianbao.model import Finding
from nianbao.resources import template_path

TEMPLATE = "notice.html"
STYLESHEET = "css/notice.css"


@cache
def _style() -> tuple[FontConfiguration, CSS]:
    """The parsed stylesheet and the font configuration it was parsed with (reused)."""
    fonts = FontConfiguration()
    root = templates_dir()
    css = CSS(filename=str(root / STYLESHEET), url_fetcher=LocalFetcher(root), font_config=fonts)
    return fonts, css


def families() -> tuple[str, ...]:
    """The font families the notice's stylesheet names (official first, open fallbacks last)."""
    return stylesheet_families(template_path(STYLESHEET))


def render_notice_html(ctx: Mapping[str, Any]) -> str:
    return environment().get_template(TEMPLATE).render(**ctx)


def render_notice_pdf(ctx: Mapping[str, Any], *, warnings: list[str] | None = None) -> bytes:
    """The notice as PDF bytes: render, then write, with WeasyPrint's log watched."""
    fonts, css = _style()
    root = templates_dir()
    html = HTML(string=render_notice_html(ctx), base_url=str(root),
                url_fetcher=LocalFetcher(root))
    with watch_log() as messages:
        try:
            document = html.render(font_config=fonts, stylesheets=[css])
            data = document.write_pdf(pdf_identifier=True)
        except FatalURLFetchingError as exc:
            raise NianbaoError(f"通知模板引用了不允许读取的资源：{exc}",
                               f"the notice template asked for a resource it may not read: {exc}"
                               ) from exc
    raise_on_font_problems(messages)
    if warnings is not None:
        warnings.extend(messages)
    assert isinstance(data, bytes)
    return data


def write_notice_pdf(
    record_fields: dict[str, Any],
    out: Path,
    *,
    inputs: Iterable[Path] = (),
    force: bool = False,
    warnings: list[str] | None = None,
    findings: list[Finding] | None = None,
) -> Path:
    """Write the notice to `out` (atomically, never over one of `inputs`).

    Raises RefusedToGenerate when the notice has error findings and `force` is false. The
    findings (warnings included) are appended to `findings` when given; WeasyPrint warnings
    that are not about fonts to `warnings`.
    """
    inputs = list(inputs)
    refuse_inputs(Path(out), inputs)
    found = preflight(record_fields, force=force)
    if findings is not None:
        findings.extend(found)
    ctx = build_notice_context(record_fields)
    check_glyphs(context_text(ctx), families())
    return write_atomic(Path(out), render_notice_pdf(ctx, warnings=warnings), inputs=inputs)
