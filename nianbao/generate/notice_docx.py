"""A notice as DOCX in the GB/T 9704-2012 layout: templates/notice.docx filled by docxtpl.

As for the annual-report form (nianbao.generate.docx_writer): a new `DocxTemplate` per document,
autoescaping on (braces written as character references), `StrictUndefined`, fixed core
properties (the 成文日期, never the clock) and fixed zip timestamps, so one record always gives
the same bytes. The record is checked first (`notice_input.preflight`) and refused on error
findings unless forced. templates/make_notice_docx.py builds the template.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError

from nianbao.errors import NianbaoError
from nianbao.generate.atomic import refuse_inputs, write_atomic
from nianbao.generate.context import context_text
from nianbao.generate.docx_writer import created_datetime, literal_braces, normalise_zip
from nianbao.generate.fonts import check_glyphs
from nianbao.generate.notice_context import build_notice_context
from nianbao.generate.notice_input import preflight
from nianbao.generate.notice_pdf import families
from nianbao.model import Finding
from nianbao.resources import template_path

TEMPLATE = "notice.docx"


def render_notice_docx(ctx: Mapping[str, Any]) -> bytes:
    """The filled template as DOCX bytes."""
    tpl = DocxTemplate(template_path(TEMPLATE))
    env = Environment(autoescape=True, undefined=StrictUndefined, finalize=literal_braces)
    try:
        tpl.render(dict(ctx), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        around = " | ".join(line.strip() for line in getattr(exc, "docx_context", []) or [])
        raise NianbaoError(f"通知 DOCX 模板无法填写：{exc}（{around}）",
                           f"the notice DOCX template failed: {exc} ({around})") from exc
    props = tpl.docx.core_properties
    created = created_datetime(str(ctx.get("created") or ""))
    props.created = props.modified = props.last_printed = created
    props.title = str(ctx.get("title") or "")
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalise_zip(buffer.getvalue())


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
    refuse_inputs(Path(out), inputs)
    found = preflight(record_fields, force=force)
    if findings is not None:
        findings.extend(found)
    ctx = build_notice_context(record_fields)
    check_glyphs(context_text(ctx), families())
    return write_atomic(Path(out), render_notice_docx(ctx), inputs=inputs)
