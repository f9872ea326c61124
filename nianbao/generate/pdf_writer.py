"""The annual-report form as PDF: templates/annual_report.html rendered by WeasyPrint.

The machinery (autoescaping Jinja2, WeasyPrint reading only templates/, the log watched for
font problems, the stylesheet parsed once per process, Chinese justified on both edges) is
nianbao.generate.weasy's. The PDF carries fixed metadata (creation date = 报送日期, no clock),
so one record always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nianbao.generate import weasy
from nianbao.generate.atomic import write_atomic
from nianbao.generate.context import build_context, context_text
from nianbao.generate.fonts import STYLESHEET

TEMPLATE = "annual_report.html"
WHAT = ("年报模板", "the annual-report template")


def render_html(ctx: Mapping[str, Any]) -> str:
    """The form as an HTML string (the same page a browser could show)."""
    return weasy.render_html(TEMPLATE, ctx)


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
    weasy.check_text(context_text(ctx), STYLESHEET)
    return write_atomic(Path(out), render_pdf(ctx, warnings=warnings), inputs=inputs)


def render_pdf(ctx: Mapping[str, Any], *, warnings: list[str] | None = None) -> bytes:
    """The filled form as PDF bytes: render, then write, with WeasyPrint's log watched."""
    return weasy.render_pdf(TEMPLATE, ctx, css=STYLESHEET, what=WHAT, warnings=warnings)
