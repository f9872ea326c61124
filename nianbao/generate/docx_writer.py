"""The annual-report form as DOCX: templates/annual_report.docx filled by docxtpl.

A new `DocxTemplate` per document (rendering mutates it), Jinja autoescaping on so that a value
such as ``<w:t>``, ``&`` or ``{{ x }}`` is printed literally and the file stays valid XML (braces
are written as character references, see `literal_braces`), and `StrictUndefined` so that a
template asking for a value the context lacks fails loudly. The zip
is rewritten with fixed timestamps: the same record gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError
from markupsafe import Markup, escape

from nianbao.errors import NianbaoError
from nianbao.generate.atomic import write_atomic
from nianbao.generate.context import build_context, context_text
from nianbao.generate.fonts import check_glyphs
from nianbao.resources import template_path

TEMPLATE = "annual_report.docx"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Creation time written when the record has no 报送日期: never the clock.
FALLBACK_CREATED = dt.datetime(2014, 4, 1, tzinfo=dt.UTC)


def write_docx(
    record: Mapping[str, Any],
    out: Path,
    *,
    public: bool = False,
    inputs: Iterable[Path] = (),
) -> Path:
    """Write the form for `record` to `out` (atomically, never over one of `inputs`)."""
    ctx = build_context(record, public=public)
    check_glyphs(context_text(ctx))
    return write_atomic(Path(out), render_docx(ctx), inputs=inputs)


def render_docx(ctx: Mapping[str, Any]) -> bytes:
    """The filled template as DOCX bytes."""
    tpl = DocxTemplate(template_path(TEMPLATE))
    env = Environment(autoescape=True, undefined=StrictUndefined, finalize=literal_braces)
    try:
        tpl.render(dict(ctx), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        around = " | ".join(line.strip() for line in getattr(exc, "docx_context", []) or [])
        raise NianbaoError(
            f"年报 DOCX 模板无法填写：{exc}（{around}）",
            f"the annual-report DOCX template failed: {exc} ({around})",
        ) from exc
    props = tpl.docx.core_properties
    created = created_datetime(str(ctx.get("created") or ""))
    props.created = created
    props.modified = created
    props.last_printed = created
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalise_zip(buffer.getvalue())


def literal_braces(value: Any) -> Markup:
    """Escape a printed value for XML, braces as character references.

    docxtpl turns ``{_{`` ``}_}`` ``{_%`` ``%_}`` into Jinja delimiters after rendering, which
    would change a value that happens to contain them; written as ``&#123;``/``&#125;`` the
    braces come out of the XML parser unchanged.
    """
    text = str(escape(value))
    return Markup(text.replace("{", "&#123;").replace("}", "&#125;"))


def created_datetime(iso: str) -> dt.datetime:
    """The document's creation time for its properties, from an ISO date (else a fixed one)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return FALLBACK_CREATED
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def normalise_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps and attributes, so output is reproducible."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
