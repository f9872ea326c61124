"""What the DOCX template builders share (scripts/templates/make_*.py); not part of the package.

The builders write templates/*.docx with python-docx: fonts named for every script slot, the
font table saying which standard face Word or LibreOffice substitutes for an official font that
is not installed, fixed core properties and zip timestamps so that a rebuild gives the same
bytes as the committed template.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
sys.path.insert(0, str(ROOT))

from nianbao.generate.docx_render import normalise_zip

W = nsdecls("w")


def child(parent: Any, tag: str, first: bool = False) -> Any:
    """`parent`'s w:`tag` child, created (first or last) when missing."""
    found = parent.find(qn(f"w:{tag}"))
    if found is None:
        found = OxmlElement(f"w:{tag}")
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def set_fonts(rpr_parent: Any, name: str) -> None:
    """Name `name` for every script slot of w:rFonts and drop the theme-font attributes."""
    rpr = child(rpr_parent, "rPr")
    fonts = child(rpr, "rFonts", first=True)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)


def set_language(rpr_parent: Any) -> None:
    """Chinese text, with digits and Latin letters in English, as Chinese Word sets its defaults
    (w:val is the language of Latin-script text). Marked zh-CN, digits are Chinese too and
    LibreOffice breaks a line inside a number (低保12 / 10户)."""
    rpr = child(rpr_parent, "rPr")
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(parse_xml(f'<w:lang {W} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))


def setup_font_table(document: Any, table: tuple[tuple[str, str, str, str, str], ...]) -> None:
    """Font table entries (name, substitute, panose, family, pitch), GB2312 character set."""
    from lxml import etree

    part = next(p for p in document.part.package.iter_parts()
                if p.partname.endswith("fontTable.xml"))
    root = parse_xml(part.blob)
    for name, alt, panose, family, pitch in table:
        root.append(parse_xml(
            f'<w:font {W} w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
            "</w:font>"))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_extras(document: Any) -> None:
    """Leave out python-docx's sample thumbnail and the Word 2010 duplicate style part."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
            del document.part.rels[rid]


def empty_body(document: Any) -> Any:
    """The document's body without python-docx's starting paragraphs."""
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    return body


def set_properties(document: Any, title: str, when: dt.datetime) -> None:
    props = document.core_properties
    props.title = title
    props.subject = ""
    props.author = "nianbao"
    props.last_modified_by = "nianbao"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = when


def to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())
