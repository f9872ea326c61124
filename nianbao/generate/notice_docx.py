"""A notice as DOCX in the GB/T 9704-2012 layout: templates/notice.docx filled by docxtpl.

As for the annual-report form (nianbao.generate.docx_render): the template compiled once per
process and filled into a fresh copy per document, autoescaping on (braces written as character
references), `StrictUndefined`, fixed core properties (the 成文日期, never the clock) and fixed
zip timestamps, so one record always gives the same bytes; no local font needed. The record is checked first (`notice_input.preflight`) and refused on error
findings unless forced. scripts/templates/make_notice_docx.py builds the template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nianbao.generate import docx_render
from nianbao.generate.atomic import write_atomic
from nianbao.generate.context import context_text
from nianbao.generate.notice_input import writing_context
from nianbao.model import Finding

TEMPLATE = "notice.docx"
WHAT = ("通知 DOCX 模板", "the notice DOCX template")


def render_notice_docx(ctx: Mapping[str, Any]) -> bytes:
    """The filled template as DOCX bytes."""
    return docx_render.render_bytes(TEMPLATE, ctx, what=WHAT, created=str(ctx.get("created") or ""),
                                    title=str(ctx.get("title") or ""))


def write_notice_docx(
    record_fields: dict[str, Any],
    out: Path,
    *,
    inputs: Iterable[Path] = (),
    force: bool = False,
    findings: list[Finding] | None = None,
) -> Path:
    """Write the notice to `out` (atomically, never over one of `inputs`).

    Raises RefusedToGenerate when the notice has error findings and `force` is false; the
    findings (warnings included) are appended to `findings` when given.
    """
    inputs = list(inputs)
    ctx = writing_context(record_fields, Path(out), inputs=inputs, force=force, findings=findings)
    docx_render.check_printable(context_text(ctx))
    return write_atomic(Path(out), render_notice_docx(ctx), inputs=inputs)
