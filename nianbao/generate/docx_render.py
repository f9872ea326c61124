"""Filling a DOCX template with docxtpl, shared by the form and the notice.

- The template is parsed once per process, its XML cleaned for Jinja once and its Jinja sources
  (body, headers, footers, core properties) compiled once: docxtpl does all three again on each
  render (seven compiles per form), most of the time a DOCX took. After each document the
  template is restored, so nothing carries over from one document to the next; the zip is
  written once with fixed member times.
- Autoescaping is on, braces are written as character references (`literal_braces`), so a value
  such as ``<w:t>``, ``&`` or ``{{ x }}`` is printed literally and the file stays valid XML;
  `StrictUndefined` makes a template asking for a value the context lacks fail loudly.
- Core properties carry the document's own date, never the clock, and the zip is rewritten with
  fixed timestamps (`normalise_zip`): the same record gives the same bytes.
- A DOCX names the official fonts and is drawn by the reader's Word or WPS, so it needs no font
  on this machine; only characters no font anywhere can draw (private-use, unassigned) refuse.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import threading
import unicodedata
import zipfile
from collections.abc import Mapping
from functools import cache
from typing import Any

from docx import Document
from docx.opc.pkgwriter import PackageWriter
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


class _Prepared(DocxTemplate):  # type: ignore[misc]
    """One template per process, parsed once and restored after each document.

    docxtpl parses the template's parts, cleans its XML for Jinja (a dozen regular expressions
    over the whole body) and compiles it on every render. Here the package is parsed once, the
    cleaning and the compiled templates are kept, and after each document the body and the
    header and footer parts are put back as they were, so nothing carries over from one
    document to the next. A lock keeps threads (the Dask executor's) from sharing one render.
    """

    def __init__(self, name: str) -> None:
        super().__init__(io.BytesIO(_template_bytes(name)))
        self._patched: dict[str, str] = {}
        self.docx = Document(io.BytesIO(_template_bytes(name)))
        self._body = copy.deepcopy(self.docx.element.body)
        self._targets = {rid: rel._target for rid, rel in self.docx.part.rels.items()}
        self.lock = threading.Lock()
        # Parts no render changes (styles, settings, fonts, theme…), serialised once.
        self.static = {part: part.blob for part in self.docx.part.package.parts
                       if part is not self.docx.part and not part.partname.endswith("core.xml")}

    def init_docx(self, reload: bool = True) -> None:
        """Keep the parsed package (`restore` puts the template back between documents)."""

    def restore(self) -> None:
        root = self.docx.element
        root.replace(root.body, copy.deepcopy(self._body))
        for rid, rel in self.docx.part.rels.items():
            rel._target = self._targets[rid]
        self.is_rendered = self.is_saved = False

    def patch_xml(self, src_xml: str) -> str:
        found = self._patched.get(src_xml)
        if found is None:
            found = self._patched[src_xml] = super().patch_xml(src_xml)
        return found


@cache
def _prepared(name: str) -> _Prepared:
    return _Prepared(name)


def render_bytes(name: str, ctx: Mapping[str, Any], *, what: tuple[str, str], created: str,
                 title: str | None = None) -> bytes:
    """templates/`name` filled from `ctx` as reproducible DOCX bytes, dated `created` (an ISO
    date; never the clock) and titled `title` when given."""
    tpl = _prepared(name)
    with tpl.lock:
        try:
            tpl.render(dict(ctx), jinja_env=_environment(name), autoescape=True)
            props = tpl.docx.core_properties
            when = created_time(created)
            props.created = props.modified = props.last_printed = when
            if title is not None:
                props.title = title
            return package_bytes(tpl.docx, tpl.static)
        except TemplateError as exc:
            around = " | ".join(line.strip() for line in getattr(exc, "docx_context", []) or [])
            raise NianbaoError(f"{what[0]}无法填写：{exc}（{around}）",
                               f"{what[1]} failed: {exc} ({around})") from exc
        finally:
            tpl.restore()


def package_bytes(document: Any, static: Mapping[Any, bytes] | None = None) -> bytes:
    """`document` (python-docx) as a zip with fixed member times: written once, where saving
    and then normalising (`normalise_zip`) would deflate every part twice. `static` gives the
    serialised XML of parts known not to have changed."""
    package = document.part.package
    static = static or {}
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _FixedTimeZip(buffer)
    api: Any = PackageWriter  # python-docx's own writer steps (untyped)
    api._write_content_types_stream(writer, parts)
    api._write_pkg_rels(writer, package.rels)
    for part in parts:
        kept = static.get(part)
        if kept is not None:
            writer.write_deflated(part.partname, kept)
        else:
            writer.write(part.partname, part.blob)
        if len(part.rels):
            writer.write(part.partname.rels_uri, part.rels.xml)
    writer.close()
    return buffer.getvalue()


class _FixedTimeZip:
    """python-docx's physical package writer, with fixed member timestamps and attributes."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self._zip.writestr(_member(pack_uri.membername), blob)

    def write_deflated(self, pack_uri: Any, blob: bytes) -> None:
        """Write a member that is the same in every document (styles.xml is 350 KB) from its
        entry deflated once per process: the same bytes as `write` gives."""
        entry, data = _deflated(pack_uri.membername, blob)
        archive: Any = self._zip  # zipfile's own bookkeeping of the members written
        member = copy.copy(entry)
        member.header_offset = archive.fp.tell()
        archive.fp.write(data)
        archive.start_dir = archive.fp.tell()
        archive.filelist.append(member)
        archive.NameToInfo[member.filename] = member
        archive._didModify = True

    def close(self) -> None:
        self._zip.close()


# (member name, content) → its zip entry and local header + deflated data, for static parts.
_DEFLATED: dict[tuple[str, bytes], tuple[zipfile.ZipInfo, bytes]] = {}


def _deflated(name: str, blob: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    key = (name, blob)
    found = _DEFLATED.get(key)
    if found is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as alone:
            alone.writestr(_member(name), blob)
            end = alone.start_dir
            entry = alone.getinfo(name)
        found = _DEFLATED[key] = (entry, buffer.getvalue()[:end])
    return found


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16
    return member


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
            dst.writestr(_member(info.filename), src.read(info.filename))
    return out.getvalue()
