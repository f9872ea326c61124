"""Builds templates/annual_report.docx, the Word template of the 事业单位法人年度报告书.

Run from the repository with the project's virtualenv:

    python scripts/templates/make_annual_report_docx.py

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
import sys
from pathlib import Path

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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_build import (
    TEMPLATES,
    drop_extras,
    empty_body,
    set_fonts,
    set_language,
    set_properties,
    setup_font_table,
    to_bytes,
)

from nianbao.generate.context import LABELS

OUT = TEMPLATES / "annual_report.docx"
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
WRAP_BEFORE_PAREN = {"sponsor_opinion"}
PROSE_ROWS = {"activities"}
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
    blank = add_style(document, "Cover Code Blank", size=16, before=4, line=22)
    blank.paragraph_format.right_indent = Cm(16 - 18 * 0.62)  # 18 characters' width
    ppr = blank.element.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="1" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right")) + "</w:pBdr>"))
    add_style(document, "Cover Title", font=TITLE_FONT, size=36, align=center, before=120)
    add_style(document, "Cover Year", size=16, align=center, before=18)
    field = add_style(document, "Cover Field", size=16, before=6, indent_cm=2.2, line=28)
    # A long name wraps under itself, not under its label (five characters of 16 pt).
    field.paragraph_format.left_indent = Cm(2.2) + Pt(80)
    field.paragraph_format.first_line_indent = -Pt(80)
    add_style(document, "Cover Issuer", size=16, align=center, before=140)
    add_style(document, "Form Label", font=HEADING_FONT, align=center)
    add_style(document, "Form Value", align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=18)
    prose = add_style(document, "Form Prose", align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=18)
    prose.paragraph_format.first_line_indent = Pt(21)  # two 5号 characters
    heading = add_style(document, "Form Heading", font=HEADING_FONT,
                        align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=18)
    heading.paragraph_format.first_line_indent = Pt(21)
    add_style(document, "Form Number", align=center)
    add_style(document, "Form Signature", align=right, line=18)
    add_style(document, "Form Footer", size=12, before=8)






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
    para(document, "{%p if credit_code %}", "Cover Code")
    para(document, "{{ credit_code }}", "Cover Code")
    para(document, "{%p else %}", "Cover Code")
    para(document, "", "Cover Code Blank")  # the code's box, left for the pen
    para(document, "{%p endif %}", "Cover Code")
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
    """A loop printing the context's paragraph tuple `key`, one Word paragraph each; in the
    prose rows a section heading (`para.heading`) in 黑体, every paragraph indented two
    characters."""
    first = cell.paragraphs[0]
    first.style = cell.part.document.styles["Form Value"]
    first.add_run(f"{{%p for para in {key} %}}")
    if key in PROSE_ROWS:
        para(cell, "{%p if para.heading is true %}", "Form Value")
        para(cell, "{{ para }}", "Form Heading")
        para(cell, "{%p else %}", "Form Value")
        para(cell, "{{ para }}", "Form Prose")
        para(cell, "{%p endif %}", "Form Value")
    else:
        para(cell, "{{ para }}", "Form Value")
    para(cell, "{%p endfor %}", "Form Value")


def label(cell: _Cell, key: str) -> None:
    text = LABELS[key]
    head, paren, tail = text.partition("（")
    if key in WRAP_BEFORE_PAREN and paren:
        # 举办单位意见 / （含保密审查意见）: broken before the bracket, never as a lone 见）.
        cell_text(cell, head, "Form Label")
        cell.paragraphs[0].add_run().add_break()
        cell.paragraphs[0].add_run(paren + tail)
    else:
        cell_text(cell, text, "Form Label")
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
                target, (f"{LABELS['legal_rep_signature']}：{{{{ entrust_signer }}}}",
                         LABELS["unit_seal"]), "{{ entrust_date }}")
        elif key == "sponsor_opinion":
            signature(target, (LABELS["sponsor_seal"],), "{{ sponsor_date }}")
        min_height(table, row, height)
    return table


def signature(cell: _Cell, lines: tuple[str, ...], date: str) -> None:
    first = para(cell, lines[0], "Form Signature")
    first.paragraph_format.space_before = Pt(10)
    for text in lines[1:]:
        para(cell, text, "Form Signature")
    para(cell, date, "Form Signature")


def add_footer_line(document: docx.document.Document) -> None:
    gap = "\u3000\u3000"
    para(
        document,
        f"{LABELS['filler']}：{{{{ filler }}}}{gap}{LABELS['phone']}：{{{{ phone }}}}{gap}"
        f"{LABELS['submitted_on']}：{{{{ submitted_on }}}}",
        "Form Footer",
    )




def build() -> bytes:
    document = docx.Document()
    drop_extras(document)
    setup_defaults(document)
    setup_styles(document)
    setup_font_table(document, FONT_TABLE)
    setup_page(document)
    empty_body(document)
    add_cover(document)
    add_table(document)
    add_footer_line(document)
    set_properties(document, LABELS["title"], FIXED_TIME)
    return to_bytes(document)


def main() -> None:
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
