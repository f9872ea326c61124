"""A notice as PDF in the GB/T 9704-2012 layout: templates/notice.html rendered by WeasyPrint.

The same machinery as the annual-report form (nianbao.generate.weasy): Jinja2 with
autoescaping, WeasyPrint reading only files under templates/, its log watched (a missing glyph
or an unusable font raises), Chinese justified on both edges, fixed metadata (the 成文日期, never
the clock), the stylesheet parsed once per process. Before any of it the record is checked as
the generator's input (`notice_input.preflight`): a notice without 发文字号 or 版记, or with a
malformed one, is refused unless forced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nianbao.generate import weasy
from nianbao.generate.atomic import write_atomic
from nianbao.generate.context import context_text
from nianbao.generate.notice_input import writing_context
from nianbao.model import Finding

TEMPLATE = "notice.html"
STYLESHEET = "css/notice.css"
WHAT = ("通知模板", "the notice template")


def families() -> tuple[str, ...]:
    """The font families the notice's stylesheet names (official first, open fallbacks last)."""
    return weasy.families(STYLESHEET)


def render_notice_html(ctx: Mapping[str, Any]) -> str:
    return weasy.render_html(TEMPLATE, ctx)


def render_notice_pdf(ctx: Mapping[str, Any], *, warnings: list[str] | None = None) -> bytes:
    """The notice as PDF bytes: render, then write, with WeasyPrint's log watched."""
    return weasy.render_pdf(TEMPLATE, ctx, css=STYLESHEET, what=WHAT, warnings=warnings)


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
    ctx = writing_context(record_fields, Path(out), inputs=inputs, force=force, findings=findings)
    weasy.check_text(context_text(ctx), STYLESHEET)
    return write_atomic(Path(out), render_notice_pdf(ctx, warnings=warnings), inputs=inputs)
