"""Filling a DOCX template with docxtpl, shared by the form and the notice.

- The template is read once per process and its Jinja sources (body, headers, footers, core
  properties) are compiled once: docxtpl compiles every part again on each render, seven
  compiles per form, most of the time a DOCX took. Each document is still rendered into a fresh
  copy of the template, so nothing carries over from one document to the next.
- Autoescaping is on, braces are written as character references (`literal_braces`), so a value
  such as ``<w:t>``, ``&`` or ``{{ x }}`` is printed literally and the file stays valid XML;
  `StrictUndefined` makes a template asking for a value the context lacks fail loudly.
- Core properties carry the document's own date, never the clock, and the zip is rewritten with
  fixed timestamps (`normalise_zip`): the same record gives the same bytes.
- A DOCX names the official fonts and is drawn by the reader's Word or WPS, so it needs no font
  on this machine; only characters no font anywhere can draw (private-use, unassigned) refuse.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Mapping
from functools import cache
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, TemplateError
from markupsafe import Markup, escape

from nianbao.errors import MissingGlyph, NianbaoError
from nianbao.generate.fonts import describe
from nianbao.resources import template_path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Creation time written when the record has no date of its own: never the clock.
FALLBACK_CREATED = dt.datetime(2014, 4, 1, tzinfo=dt.UTC)
_NO_GLYPH_ANYWHERE = {"Co", "Cn", "Cs"}  # private use, unassigned, lone surrogates


class _CompilingOnce(Environment):
    """An environment that compiles each template source once and keeps it."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, finalize=literal_braces)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None
                    ) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            found = self._compiled[source] = super().from_string(source)
        return found


@cache
def _environment(name: str) -> _CompilingOnce:
    return _CompilingOnce()


@cache
def _template_bytes(name: str) -> bytes:
    return template_path(name).read_bytes()


def render(name: str, ctx: Mapping[str, Any], *, what: tuple[str, str]) -> DocxTemplate:
    """templates/`name` filled from `ctx` (a fresh copy of the template each time)."""
    tpl = DocxTemplate(io.BytesIO(_template_bytes(name)))
    try:
        tpl.render(dict(ctx), jinja_env=_environment(name), autoescape=True)
    except TemplateError as exc:
        around = " | ".join(line.strip() for line in getattr(exc, "docx_context", []) or [])
        raise NianbaoError(f"{what[0]}无法填写：{exc}（{around}）",
                           f"{what[1]} failed: {exc} ({around})") from exc
    return tpl


def to_bytes(tpl: DocxTemplate, created: str, *, title: str | None = None) -> bytes:
    """The rendered document as reproducible DOCX bytes, dated `created` (ISO date)."""
    props = tpl.docx.core_properties
    when = created_time(created)
    props.created = props.modified = props.last_printed = when
    if title is not None:
        props.title = title
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


def created_time(iso: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return FALLBACK_CREATED
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def check_printable(text: str) -> None:
    """Raise MissingGlyph for characters no font can draw (private use, unassigned)."""
    bad = [c for c in dict.fromkeys(text) if unicodedata.category(c) in _NO_GLYPH_ANYWHERE]
    if bad:
        names = describe(bad)
        raise MissingGlyph(f"以下字符没有任何字体可以显示，无法打印：{names}",
                           f"no font can draw these characters: {names}")


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
