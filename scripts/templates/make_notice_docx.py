"""Builds templates/notice.docx, the Word template of a 通知 in the GB/T 9704-2012 layout.

Run from the repository with the project's virtualenv:

    python scripts/templates/make_notice_docx.py

The output is reproducible (fixed dates, fixed zip timestamps). The template holds docxtpl/Jinja
tags for the values of `nianbao.generate.notice_context.build_notice_context()`; paragraphs come
from loops over the context's paragraph lists, each paragraph one of three shapes (一、 heading
in 黑体, （一） heading in 楷体, anything else in 仿宋), the heading part in its own run.

Page (spec §3.1): A4, margins 37 / 26 / 35 / 28 mm, a line grid of 22 lines (pitch 579 twips
= 28.95 pt), every paragraph at an exact line spacing of 28.95 pt (not snapped to the grid), 3号
characters 0.25 pt tighter than their size (pitch 15.75 pt: 28 to the line). Word places lines
by their line boxes, so the DOCX keeps the standard's margins as they are (the PDF stylesheet
moves its content area instead).

- 发文机关标志: red 方正小标宋简体, 35 mm below the top of the 版心; its size from the context.
- 发文字号 two lines below, centred; the red rule is its paragraph's bottom border.
- 版记: a floating table placed to end at the bottom of the last page's 版心, thick first and last
  rules, thin rules between, 4号仿宋, one character in on both sides.
- 页码: different odd and even footers, `— PAGE —` in 4号宋体, odd right and even left, one
  character in, 7 mm below the 版心.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_build import (
    TEMPLATES,
    W,
    child,
    drop_extras,
    empty_body,
    set_fonts,
    set_language,
    set_properties,
    setup_font_table,
    to_bytes,
)

OUT = TEMPLATES / "notice.docx"
FIXED_TIME = dt.datetime(2012, 7, 1, tzinfo=dt.UTC)  # GB/T 9704-2012 in force

BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
SONG_FONT = "宋体"
RED = "E60012"

LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm 版心
CHAR = 315  # twips: one 3号 character (15.75 pt with the character spacing below)
CHAR_SPACING = -5  # twips between characters: 16 pt − 0.25 pt = 15.75 pt, 28 in 156 mm
TEXT_WIDTH = 8844  # twips: 156 mm
MARK_BEFORE = 2041  # twips: the 标志's top edge 35 mm below the top of the 版心 (measured)
# Word and LibreOffice set text low in a line of exact height (a 3号 line's characters start
# about 3.4 mm below its top), so the spaces of the 版头 are measured on a rendering
# (LibreOffice 7.4) to put two empty lines between the 标志 and the 发文字号 and between the red
# rule and the title, and one between the title and the 主送机关.
NUMBER_BEFORE = 910
TITLE_BEFORE = 1066
RECIPIENTS_BEFORE = 474

# Font table entries: name, substitute, panose, family, pitch. Charset 86 is GB2312.
FONT_TABLE = (
    (BODY_FONT, "FangSong", "02010609030101010101", "modern", "fixed"),
    (HEI_FONT, "SimHei", "02010609060101010101", "modern", "fixed"),
    (KAI_FONT, "KaiTi", "02010609030101010101", "modern", "fixed"),
    (TITLE_FONT, "FZXiaoBiaoSong-B05S", "02000000000000000000", "auto", "variable"),
    (SONG_FONT, "SimSun", "02010600030101010101", "auto", "variable"),
)


# --- fonts and styles -------------------------------------------------------------------------






def setup_defaults(document: Any) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    set_fonts(rpr_default, BODY_FONT)
    set_language(rpr_default)
    rpr = child(rpr_default, "rPr")
    # 3号 (16 pt = 32 half-points), drawn 0.25 pt tighter: 28 characters in 156 mm.
    for tag, val in (("spacing", CHAR_SPACING), ("sz", 32), ("szCs", 32)):
        for old in rpr.findall(qn(f"w:{tag}")):
            rpr.remove(old)
        rpr.append(parse_xml(f'<w:{tag} {W} w:val="{val}"/>'))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    ppr.append(parse_xml(f'<w:spacing {W} w:before="0" w:after="0" w:line="{LINE}" '
                         'w:lineRule="exact"/>'))
    # No extra space between Chinese and Latin text or digits ("2025年", not "2025 年").
    ppr.append(parse_xml(f'<w:autoSpaceDE {W} w:val="0"/>'))
    ppr.append(parse_xml(f'<w:autoSpaceDN {W} w:val="0"/>'))
    # Lines are placed by their exact spacing, not snapped to the grid (a 2号 title or the
    # 标志 would take two grid lines each).
    ppr.append(parse_xml(f'<w:snapToGrid {W} w:val="0"/>'))
    normal = document.styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = Pt(16)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE)
    fmt.space_before = fmt.space_after = Pt(0)


def add_style(document: Any, name: str, *, font: str = BODY_FONT, size: float = 16,
              align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False,
              before: int = 0, after: int = 0, line: int = LINE,
              loose: bool = False) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_fonts(style.element, font)
    style.font.size = Pt(size)
    if loose:  # titles, the 标志 and page numbers keep their font's own spacing
        child(style.element, "rPr").append(parse_xml(f'<w:spacing {W} w:val="0"/>'))
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Twips(before)
    fmt.space_after = Twips(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(line)
    fmt.widow_control = False
    ppr = style.element.get_or_add_pPr()
    if indent:  # two characters, in character units so Word keeps them on the grid
        ppr.append(parse_xml(f'<w:ind {W} w:firstLineChars="200" w:firstLine="{2 * CHAR}"/>'))
    else:
        ppr.append(parse_xml(f'<w:ind {W} w:firstLineChars="0" w:firstLine="0"/>'))
    return style


def setup_styles(document: Any) -> None:
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    mark = add_style(document, "Notice Mark", font=TITLE_FONT, size=42, align=center, loose=True)
    mark.font.color.rgb = RGBColor.from_string(RED)
    mark.font.bold = True
    add_style(document, "Notice Number", align=center)
    title = add_style(document, "Notice Title", font=TITLE_FONT, size=22, align=center,
                      loose=True)
    title.font.bold = True
    title.paragraph_format.keep_with_next = True
    add_style(document, "Notice Recipients", before=RECIPIENTS_BEFORE)
    add_style(document, "Notice Body", indent=True)
    add_style(document, "Notice Heading 1", indent=True)
    add_style(document, "Notice Heading 2", indent=True)
    add_style(document, "Notice Attachment")
    add_style(document, "Notice Signature", align=right)
    add_style(document, "Notice Note", indent=True)
    label = add_style(document, "Notice Plan Label", font=HEI_FONT)
    label.paragraph_format.page_break_before = True
    plan_title = add_style(document, "Notice Plan Title", font=TITLE_FONT, size=22,
                           align=center, after=LINE, loose=True)
    plan_title.font.bold = True
    add_style(document, "Notice Colophon", size=14, line=LINE, loose=True)
    add_style(document, "Notice Page Number", font=SONG_FONT, size=14, line=280, loose=True)






# --- page ------------------------------------------------------------------------------------


def setup_page(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's 14 pt line is centred 7 mm below the 版心 (262 mm + 7 mm): its
    # bottom edge is 297 − 269 − 2.5 = 25.5 mm above the page's bottom edge.
    section.footer_distance = Mm(25.5)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    sect_pr.append(parse_xml(f'<w:docGrid {W} w:type="lines" w:linePitch="{LINE}"/>'))
    document.settings.odd_and_even_pages_header_footer = True
    style = document.styles["Notice Page Number"]
    _page_number(section.footer, style, WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number(section.even_page_footer, style, WD_ALIGN_PARAGRAPH.LEFT, "left")


def _page_number(footer: Any, style: Any, align: WD_ALIGN_PARAGRAPH, side: str) -> None:
    """`— N —`, one character in from the 版心's edge (odd pages right, even pages left)."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = style
    paragraph.alignment = align
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:ind {W} w:{side}="{CHAR}"/>'))
    paragraph.add_run("— ")
    for xml in ('<w:fldChar {W} w:fldCharType="begin"/>',
                '<w:instrText {W} xml:space="preserve"> PAGE </w:instrText>',
                '<w:fldChar {W} w:fldCharType="separate"/>', '<w:t {W}>1</w:t>',
                '<w:fldChar {W} w:fldCharType="end"/>'):
        run = paragraph.add_run()
        run._r.append(parse_xml(xml.format(W=W)))
    paragraph.add_run(" —")


# --- body ------------------------------------------------------------------------------------


def _run(text: str = "", font: str | None = None, extra: str = "") -> str:
    fonts = (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
             if font else "")
    props = f"<w:rPr>{fonts}{extra}</w:rPr>" if fonts or extra else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _p(style: str, *runs: str, ppr: str = "") -> str:
    return f'<w:p {W}><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{"".join(runs)}</w:p>'


def _tag(tag: str, style: str = "NoticeBody") -> str:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes it."""
    return _p(style, _run(tag))


def _paragraph_loop(items: str) -> list[str]:
    """The three paragraph shapes of the context's paragraph list `items`."""
    keep = '<w:keepNext w:val="{{ \'on\' if p.alone else \'off\' }}"/>'
    return [
        _tag(f"{{%p for p in {items} %}}"),
        _tag("{%p if p.style == 'h1' %}"),
        _p("NoticeHeading1", _run("{{ p.lead }}", HEI_FONT), _run("{{ p.text }}"), ppr=keep),
        _tag("{%p elif p.style == 'h2' %}"),
        _p("NoticeHeading2", _run("{{ p.lead }}", KAI_FONT), _run("{{ p.text }}"), ppr=keep),
        _tag("{%p else %}"),
        _p("NoticeBody", _run("{{ p.lead }}{{ p.text }}")),
        _tag("{%p endif %}"),
        _tag("{%p endfor %}"),
    ]


def _lines_run(items: str) -> list[str]:
    """Runs printing the strings of `items` with a line break between them."""
    return [_run(f"{{%r for line in {items} %}}"), _run("{{ line }}"),
            _run("{%r if not loop.last %}"), "<w:r><w:br/></w:r>", _run("{%r endif %}"),
            _run("{%r endfor %}")]


DRAWING_NS = (
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def _colophon() -> list[str]:
    """版记 (GB/T 9704-2012 §7.4): a table inside a text box anchored to the page, placed (from
    the page's top edge: `notice_context.colophon_top`) so that its last rule meets the bottom
    of the 版心. A shape's page position is what Word and LibreOffice both honour; LibreOffice
    puts a table floated to the margin's bottom (or a framed paragraph) right after the text.
    The table: a thick rule above the first row and below the last, thin rules between, 4号仿宋,
    one character in on both sides, each row a line (28.95 pt) high."""
    thick = 'w:val="single" w:sz="8" w:space="0" w:color="000000"'
    thin = 'w:val="single" w:sz="6" w:space="0" w:color="000000"'
    # One character in on both sides as paragraph indents: LibreOffice drops the cell margins
    # of a table inside a text box.
    indent = f'<w:ind w:left="{CHAR}" w:right="{CHAR}"/>'
    cell = f'<w:tcPr><w:tcW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
    row = f'<w:trPr><w:trHeight w:val="{LINE}" w:hRule="atLeast"/></w:trPr>'
    tabs = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH - CHAR}"/></w:tabs>'

    def tr(paragraph: str) -> str:
        return f"<w:tr>{row}<w:tc>{cell}{paragraph.replace(f'<w:p {W}>', '<w:p>')}</w:tc></w:tr>"

    def tag_row(tag: str) -> str:
        return f"<w:tr><w:tc>{cell}<w:p><w:r><w:t>{tag}</w:t></w:r></w:p></w:tc></w:tr>"

    table = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/>'
        f'<w:tblBorders><w:top {thick}/><w:bottom {thick}/><w:insideH {thin}/></w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
        f'</w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="{TEXT_WIDTH}"/></w:tblGrid>'
        + tag_row("{%tr if colophon.cc %}")
        + tr(_p("NoticeColophon", _run("{{ colophon.cc }}"), ppr=indent))
        + tag_row("{%tr endif %}")
        + tr(_p("NoticeColophon", _run("{{ colophon.printer }}"), "<w:r><w:tab/></w:r>",
                _run("{{ colophon.printed_on }}"), ppr=tabs + indent))
        + "</w:tbl>"
    )
    emu = 635  # per twip
    width = TEXT_WIDTH * emu
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    box = (
        '<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="2" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="0">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:posOffset>{{ colophon.y_emu }}</wp:posOffset>'
        f'</wp:positionV><wp:extent cx="{width}" cy="{{{{ colophon.h_emu }}}}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="900" name="版记"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic {a}><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{width}" cy="{{{{ colophon.h_emu }}}}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        '</wps:spPr><wps:txbx><w:txbxContent>'
        + table
        + _p("NoticeColophon", ppr='<w:spacing w:line="20" w:lineRule="exact"/>').replace(
            f'<w:p {W}>', '<w:p>')
        + '</w:txbxContent></wps:txbx><wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" '
        'tIns="0" rIns="0" bIns="0" anchor="t"><a:noAutofit/></wps:bodyPr></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>'
    )
    holder = _p("NoticeBody", box, ppr='<w:spacing w:line="20" w:lineRule="exact"/>').replace(
        f"<w:p {W}>", f"<w:p {W} {DRAWING_NS}>", 1)
    return [_tag("{%p if colophon %}"), holder, _tag("{%p endif %}")]


def body_xml() -> list[str]:
    mark_size = '<w:sz w:val="{{ mark.half_points }}"/><w:szCs w:val="{{ mark.half_points }}"/>'
    mark_line = f'<w:spacing w:before="{MARK_BEFORE}" w:line="{{{{ mark.half_points|int * 10 }}}}" ' \
                'w:lineRule="exact"/>'
    rule = (f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="6" w:color="{RED}"/></w:pBdr>'
            f'<w:spacing w:before="{NUMBER_BEFORE}"/>')
    out = [
        _tag("{%p for line in mark.lines %}", "NoticeMark"),
        _p("NoticeMark", _run("{{ line }}{% if loop.last %}{{ mark.suffix }}{% endif %}",
                              extra=mark_size),
           ppr="{% if loop.first %}" + mark_line + "{% else %}" +
           '<w:spacing w:line="{{ mark.half_points|int * 10 }}" w:lineRule="exact"/>'
           + "{% endif %}"),
        _tag("{%p endfor %}", "NoticeMark"),
        _p("NoticeNumber", _run("{{ doc_number }}"), ppr=rule),
        _p("NoticeTitle", *_lines_run("title_lines"), ppr=f'<w:spacing w:before="{TITLE_BEFORE}"/>'),
        _tag("{%p if recipients %}"),
        _p("NoticeRecipients", _run("{{ recipients }}")),
        _tag("{%p endif %}"),
        *_paragraph_loop("body"),
        _tag("{%p for a in attachments %}"),
        _p("NoticeAttachment", _run("{{ a.label }}{{ a.number }}{{ a.name }}"),
           ppr="{% if loop.first %}" + f'<w:spacing w:before="{LINE}"/>'
           f'<w:ind w:left="{5 * CHAR}" w:hanging="{3 * CHAR}"/>' + "{% else %}"
           f'<w:ind w:left="{5 * CHAR}"/>' + "{% endif %}"),
        _tag("{%p endfor %}"),
        _tag("{%p for line in signature.lines %}"),
        _p("NoticeSignature", _run("{{ line.text }}"),
           ppr='<w:keepNext/><w:spacing w:before="{{ line.before_twips }}"/>'
               '<w:ind w:right="{{ line.right_twips }}"/>'),
        _tag("{%p endfor %}"),
        _p("NoticeSignature", _run("{{ signature.date }}"),
           ppr='<w:ind w:right="{{ signature.date_right_twips }}"/>'),
        _tag("{%p if note %}"),
        _p("NoticeNote", _run("{{ note }}")),
        _tag("{%p endif %}"),
        _tag("{%p if plan %}"),
        _tag("{%p if plan.label %}"),
        _p("NoticePlanLabel", _run("{{ plan.label }}")),
        _tag("{%p endif %}"),
        _p("NoticePlanTitle", *_lines_run("plan.title_lines"),
           ppr="{% if plan.label %}" + f'<w:spacing w:before="{LINE}"/>' + "{% else %}"
           "<w:pageBreakBefore/>{% endif %}"),
        *_paragraph_loop("plan.paragraphs"),
        _tag("{%p endif %}"),
        *_colophon(),
    ]
    return out




def build() -> bytes:
    document = docx.Document()
    drop_extras(document)
    setup_defaults(document)
    setup_styles(document)
    setup_font_table(document, FONT_TABLE)
    setup_page(document)
    body = empty_body(document)
    sect_pr = body.find(qn("w:sectPr"))
    for xml in body_xml():
        sect_pr.addprevious(parse_xml(xml))
    # A document ends with a paragraph: an empty one of no height after the 版记's table.
    sect_pr.addprevious(parse_xml(_p("NoticeBody", ppr='<w:spacing w:line="20" '
                                     'w:lineRule="exact"/>')))
    set_properties(document, "通知", FIXED_TIME)
    return to_bytes(document)


def main() -> None:
    OUT.write_bytes(build())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
