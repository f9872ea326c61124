"""Builds templates/annual_report.docx, the Word template of the 事业单位法人年度报告书.

Run from the repository with the project's virtualenv:

    python templates/make_annual_report_docx.py

The output is reproducible (fixed dates, fixed zip timestamps): running the script again gives
the same bytes, so the committed template can be checked against it. The template holds the
fixed texts of the form (labels from nianbao.generate.context.LABELS) and docxtpl/Jinja tags
for the values, e.g. ``{{ name }}`` or ``{%p for para in activities %}``; every value tag names
a key of `build_context()`.

Fonts: the official ones by name (仿宋_GB2312 body, 黑体 labels, 方正小标宋简体 title), set for
the East Asian and the Latin slots of w:rFonts, with the font table saying which standard face
Word or LibreOffice should substitute (GB2312 character set, FangSong / SimHei) when the
official font is not installed.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from nianbao.generate.context import LABELS
from nianbao.generate.docx_render import normalise_zip

OUT = HERE / "annual_report.docx"
FIXED_TIME = dt.datetime(2014, 4, 1, tzinfo=dt.UTC)

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"

# Font table entries: name, substitute, panose, pitch. Charset 86 is GB2312.
FONT_TABLE = (
    (BODY_FONT, "FangSong", "02010609030101010101", "modern", "fixed"),
    (HEADING_FONT, "SimHei", "02010609060101010101", "modern", "fixed"),
    (TITLE_FONT, "FZXiaoBiaoSong-B05S", "02000000000000000000", "auto", "variable"),
)

# Column widths (cm) of the field table; 16 cm between 2.5 cm margins.
COLUMNS = (2.3, 3.1, 4.8, 2.4, 3.4)
LONG_ROWS = (
    ("change_registration", 2.0),
    ("activities", 8.0),
    ("licenses", 1.6),
    ("awards_and_litigation", 1.6),
    ("donations", 1.6),
    ("entrust_opinion", 3.2),
    ("sponsor_opinion", 3.2),
)
CERT_ROWS = (
    ("name", "{{ name }}"),
    ("purpose_and_scope", None),
    ("address", "{{ address }}"),
    ("legal_representative", "{{ legal_representative }}"),
    ("registered_capital_wan", "{{ registered_capital }}"),
    ("funding_source", "{{ funding_source }}"),
    ("sponsor", "{{ sponsor }}"),
)


# --- fonts and styles -------------------------------------------------------------------------


def _child(parent: Any, tag: str, first: bool = False) -> Any:
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
    rpr = _child(rpr_parent, "rPr")
    fonts = _child(rpr, "rFonts", first=True)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)


def set_language(rpr_parent: Any) -> None:
    rpr = _child(rpr_parent, "rPr")
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(
        parse_xml(f'<w:lang {nsdecls("w")} w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/>')
    )


def setup_defaults(document: docx.document.Document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    set_fonts(rpr_default, BODY_FONT)
    set_language(rpr_default)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    ppr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:after="0" w:line="240" w:lineRule="auto"/>'))
    normal = document.styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = Pt(10.5)


def add_style(
    document: docx.document.Document,
    name: str,
    *,
    font: str = BODY_FONT,
    size: float = 10.5,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    before: float = 0,
    after: float = 0,
    indent_cm: float = 0,
    line: float | None = None,
) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_fonts(style.element, font)
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.widow_control = False
    if indent_cm:
        fmt.left_indent = Cm(indent_cm)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    return style


def setup_styles(document: docx.document.Document) -> None:
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    mark = add_style(document, "Copy Mark", font=HEADING_FONT, size=9, align=right)
    mark.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    add_style(document, "Cover Code Label", font=HEADING_FONT, size=14, before=6)
    add_style(document, "Cover Code", size=16, before=4)
    add_style(document, "Cover Title", font=TITLE_FONT, size=36, align=center, before=120)
    add_style(document, "Cover Year", size=16, align=center, before=18)
    field = add_style(document, "Cover Field", size=16, before=6, indent_cm=2.2, line=28)
    # A long name wraps under itself, not under its label (five characters of 16 pt).
    field.paragraph_format.left_indent = Cm(2.2) + Pt(80)
    field.paragraph_format.first_line_indent = -Pt(80)
    add_style(document, "Cover Issuer", size=16, align=center, before=140)
    add_style(document, "Form Label", font=HEADING_FONT, align=center)
    add_style(document, "Form Value", align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=18)
    add_style(document, "Form Number", align=center)
    add_style(document, "Form Signature", align=right, line=18)
    add_style(document, "Form Footer", size=12, before=8)


def setup_font_table(document: docx.document.Document) -> None:
    part = next(
        p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")
    )
    root = parse_xml(part.blob)
    for name, alt, panose, family, pitch in FONT_TABLE:
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}">'
                f'<w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
                "</w:font>"
            )
        )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_extras(document: docx.document.Document) -> None:
    """Leave out python-docx's sample thumbnail and the Word 2010 duplicate style part."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
            del document.part.rels[rid]


# --- page and cover ---------------------------------------------------------------------------


def setup_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.5)


def para(document_or_cell: object, text: str, style: str) -> Paragraph:
    paragraph: Paragraph = document_or_cell.add_paragraph(style=style)  # type: ignore[attr-defined]
    if text:
        paragraph.add_run(text)
    return paragraph


def add_cover(document: docx.document.Document) -> None:
    para(document, "{%p if copy_mark %}", "Copy Mark")
    para(document, "{{ copy_mark }}", "Copy Mark")
    para(document, "{%p endif %}", "Copy Mark")
    para(document, LABELS["credit_code"], "Cover Code Label")
    para(document, "{{ credit_code }}", "Cover Code")
    para(document, LABELS["title"], "Cover Title")
    para(document, "（{{ report_year }}）年度", "Cover Year")
    for key in ("name", "legal_representative"):
        paragraph = para(document, f"{LABELS[key]}：", "Cover Field")
        paragraph.add_run(f"{{{{ {key} }}}}").underline = True
        if key == "name":
            paragraph.paragraph_format.space_before = Pt(120)
    issuer = para(document, LABELS["issuer"], "Cover Issuer")
    issuer.add_run().add_break(WD_BREAK.PAGE)


# --- the field table --------------------------------------------------------------------------


def cell_text(cell: _Cell, text: str, style: str) -> None:
    first = cell.paragraphs[0]
    first.style = cell.part.document.styles[style]
    first.add_run(text)


def cell_paragraphs(cell: _Cell, key: str) -> None:
    """A loop printing the context's paragraph tuple `key`, one Word paragraph each."""
    first = cell.paragraphs[0]
    first.style = cell.part.document.styles["Form Value"]
    first.add_run(f"{{%p for para in {key} %}}")
    para(cell, "{{ para }}", "Form Value")
    para(cell, "{%p endfor %}", "Form Value")


def label(cell: _Cell, key: str) -> None:
    cell_text(cell, LABELS[key], "Form Label")
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def value(cell: _Cell, template: str, style: str = "Form Value") -> None:
    cell_text(cell, template, style)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def set_table_layout(table: Table) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = parse_xml(f'<w:tblW {nsdecls("w")} w:w="{int(sum(COLUMNS) * 567)}" w:type="dxa"/>')
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    margins = parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="57" w:type="dxa"/>'
        '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    )
    tbl_pr.append(margins)
    for index, column in enumerate(table.columns):
        column.width = Cm(COLUMNS[index])
        for cell in column.cells:
            cell.width = Cm(COLUMNS[index])


def side_margins(cell: _Cell, cm: float) -> None:
    twips = int(cm * 567)
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(
        parse_xml(
            f'<w:tcMar {nsdecls("w")}><w:left w:w="{twips}" w:type="dxa"/>'
            f'<w:right w:w="{twips}" w:type="dxa"/></w:tcMar>'
        )
    )


def min_height(table: Table, row: int, cm: float) -> None:
    table.rows[row].height = Cm(cm)
    table.rows[row].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def add_table(document: docx.document.Document) -> Table:
    rows = len(CERT_ROWS) + 3 + 1 + len(LONG_ROWS)
    table = document.add_table(rows=rows, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    set_table_layout(table)
    cells = [[table.cell(r, c) for c in range(len(COLUMNS))] for r in range(rows)]

    # 《事业单位法人证书》登载事项: group cell over seven rows.
    group = cells[0][0].merge(cells[len(CERT_ROWS) - 1][0])
    label(group, "cert_group")
    for r, (key, template) in enumerate(CERT_ROWS):
        label(cells[r][1], key)
        target = cells[r][2].merge(cells[r][4])
        if template is None:
            cell_paragraphs(target, key)
        else:
            value(target, template)
        min_height(table, r, 0.9)

    # 资产损益情况: header, sub-headers, the two figures.
    r = len(CERT_ROWS)
    assets = cells[r][0].merge(cells[r + 2][0])
    label(assets, "assets_group")
    side_margins(assets, 0.35)  # four characters a line: 资产损益 / 情况
    label(cells[r][1].merge(cells[r][4]), "net_assets")
    label(cells[r + 1][1].merge(cells[r + 1][2]), "net_assets_begin_wan")
    label(cells[r + 1][3].merge(cells[r + 1][4]), "net_assets_end_wan")
    value(cells[r + 2][1].merge(cells[r + 2][2]), "{{ net_assets_begin }}", "Form Number")
    value(cells[r + 2][3].merge(cells[r + 2][4]), "{{ net_assets_end }}", "Form Number")
    for offset in range(3):
        min_height(table, r + offset, 0.8)

    # 网上名称 | value | 从业人数 | value
    r += 3
    label(cells[r][0].merge(cells[r][1]), "online_name")
    value(cells[r][2], "{{ online_name }}")
    label(cells[r][3], "staff_count")
    value(cells[r][4], "{{ staff_count }}", "Form Number")
    min_height(table, r, 0.9)

    # The narrative rows, each label over two columns and its text over three.
    for offset, (key, height) in enumerate(LONG_ROWS, start=1):
        row = r + offset
        label(cells[row][0].merge(cells[row][1]), key)
        target = cells[row][2].merge(cells[row][4])
        cell_paragraphs(target, key)
        if key == "entrust_opinion":
            signature(
                target, (f"{LABELS['legal_rep_signature']}：{{{{ signer }}}}", LABELS["unit_seal"])
            )
        elif key == "sponsor_opinion":
            signature(target, (LABELS["sponsor_seal"],))
        min_height(table, row, height)
    return table


def signature(cell: _Cell, lines: tuple[str, ...]) -> None:
    first = para(cell, lines[0], "Form Signature")
    first.paragraph_format.space_before = Pt(10)
    for text in lines[1:]:
        para(cell, text, "Form Signature")
    para(cell, "{{ signature_date }}", "Form Signature")


def add_footer_line(document: docx.document.Document) -> None:
    gap = "\u3000\u3000"
    para(
        document,
        f"{LABELS['filler']}：{{{{ filler }}}}{gap}{LABELS['phone']}：{{{{ phone }}}}{gap}"
        f"{LABELS['submitted_on']}：{{{{ submitted_on }}}}",
        "Form Footer",
    )


def set_properties(document: docx.document.Document) -> None:
    props = document.core_properties
    props.title = LABELS["title"]
    props.subject = ""
    props.author = "nianbao"
    props.last_modified_by = "nianbao"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = FIXED_TIME


def build() -> bytes:
    document = docx.Document()
    drop_extras(document)
    setup_defaults(document)
    setup_styles(document)
    setup_font_table(document)
    setup_page(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    add_cover(document)
    add_table(document)
    add_footer_line(document)
    set_properties(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def main() -> None:
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
