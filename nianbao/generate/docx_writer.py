"""The annual-report form as DOCX: templates/annual_report.docx filled by docxtpl.

The filling (template compiled once per process, a fresh copy per document, autoescaping with
braces as character references, `StrictUndefined`, fixed core properties and zip timestamps so
the same record gives the same bytes, no local font needed) is nianbao.generate.docx_render's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nianbao.generate import docx_render
from nianbao.generate.atomic import write_atomic
from nianbao.generate.context import build_context, context_text

TEMPLATE = "annual_report.docx"
WHAT = ("年报 DOCX 模板", "the annual-report DOCX template")


def write_docx(
    record: Mapping[str, Any],
    out: Path,
    *,
    public: bool = False,
    inputs: Iterable[Path] = (),
) -> Path:
    """Write the form for `record` to `out` (atomically, never over one of `inputs`)."""
    ctx = build_context(record, public=public)
    docx_render.check_printable(context_text(ctx))
    return write_atomic(Path(out), render_docx(ctx), inputs=inputs)


def render_docx(ctx: Mapping[str, Any]) -> bytes:
    """The filled template as DOCX bytes."""
    return docx_render.render_bytes(TEMPLATE, ctx, what=WHAT, created=str(ctx.get("created") or ""))
