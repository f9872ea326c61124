"""Rebuild the DOCX and PDF examples of the two filed annual reports.

The forms are laid out the way a filer types them in Word or LibreOffice
Writer: (for the current national layout) a cover page, then one ruled table
with merged group-header cells, then the 填表人 / 报送日期 lines.  The PDFs are
exported by LibreOffice, as filers do.

The words and numbers come from the text copies next to this script
(``000_miluo_2025.txt`` and ``004_linyou_2022.txt``): the long narratives are
read from them, and every other value typed below is checked against them, so
the three formats of each report carry the same content.

Usage::

    python make_examples.py            # writes the .docx files and the .pdf files
    python make_examples.py --no-pdf   # .docx only

Needs python-docx and LibreOffice (``soffice``) on PATH.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent

# Fonts as a filer's Word would name them.  仿宋_GB2312 / 黑体 are rarely present
# on Linux; the PDF export (see to_pdf) falls back to Noto Serif/Sans CJK SC.
BODY_EA = "仿宋_GB2312"
TITLE_EA = "黑体"
LATIN = "Times New Roman"

SIZE_TABLE = Pt(12)      # 小四
SIZE_NARRATIVE = Pt(10.5)  # 五号
SIZE_COVER = Pt(16)      # 三号


# --------------------------------------------------------------------------- #
# low-level helpers
# --------------------------------------------------------------------------- #
def set_run_font(run, east_asia: str = BODY_EA, size=None, bold=None, underline=None):
    run.font.name = LATIN
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:ascii"), LATIN)
    rfonts.set(qn("w:hAnsi"), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), LATIN)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if underline is not None:
        run.font.underline = underline
    return run


def add_text(paragraph, text: str, bold=None, **font):
    """Add text to a paragraph; ``**bold**`` spans become bold runs."""
    parts = text.split("**")
    for i, part in enumerate(parts):
        if part:
            set_run_font(paragraph.add_run(part), bold=True if i % 2 else bold, **font)
    return paragraph


def para_format(p, align=None, first_indent=None, before=0, after=0, line=None):
    pf = p.paragraph_format
    if align is not None:
        p.alignment = align
    if first_indent is not None:
        pf.first_line_indent = first_indent
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    return p


def setup_document() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = SIZE_TABLE
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), BODY_EA)
    # Chinese Word default: no space after, single spacing.
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin = sec.bottom_margin = Cm(2.54)
    sec.left_margin = sec.right_margin = Cm(2.5)

    # Core properties as a filer's copy would have them (no generator name).
    doc.core_properties.author = ""
    doc.core_properties.last_modified_by = ""
    doc.core_properties.comments = ""
    return doc


def ruled_table(doc, rows: int, widths_cm: list[float]):
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    # Explicit single-line borders, so the rules do not depend on the style.
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    for row in table.rows:
        row.height = Cm(0.9)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)
    return table


def fill(cell, paragraphs, *, align=WD_ALIGN_PARAGRAPH.LEFT, size=SIZE_TABLE,
         indent=None, valign=WD_CELL_VERTICAL_ALIGNMENT.CENTER):
    """Write one or more paragraphs into a (possibly merged) cell."""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    # a merged cell keeps the empty paragraphs of its parts: drop all but one
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    cell.vertical_alignment = valign
    first = True
    for item in paragraphs:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        if callable(item):          # custom builder for signature lines
            item(p)
            continue
        para_format(p, align=align, first_indent=indent)
        add_text(p, item, size=size)
    return cell


def label(cell, text):
    return fill(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER)


def keep_rows_whole(table, except_rows=()):
    """Word's "allow row to break across pages" off, except for long rows."""
    for i, row in enumerate(table.rows):
        if i not in except_rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def merge(table, r, c1, c2):
    return table.cell(r, c1).merge(table.cell(r, c2))


def add_section_break(doc):
    doc.add_section(WD_SECTION.NEW_PAGE)


# --------------------------------------------------------------------------- #
# content, read from / checked against the text copies
# --------------------------------------------------------------------------- #
def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("**", "")


class Source:
    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self._flat = _norm(self.text)

    def check(self, *values: str) -> None:
        for v in values:
            if _norm(v) not in self._flat:
                raise SystemExit(f"{self.path.name}: text not in the source: {v!r}")


def miluo_narrative(src: Source) -> list[str]:
    """Paragraphs of 开展业务活动情况, from '2025年,社会救助工作…' to the
    traditional-character line, exactly as in the text copy."""
    lines = src.text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("2025年,社会救助工作坚持"))
    end = next(i for i, l in enumerate(lines) if l.startswith("請就本報調查之情況"))
    paras = [l for l in lines[start:end + 1] if l.strip()]
    assert paras[-2].endswith("救助帮扶“同心圆”。"), paras[-2][-20:]
    return paras


def linyou_rows(src: Source) -> list[list[str]]:
    rows = []
    for line in src.text.split("\n"):
        if " | " in line or line.endswith(" |"):
            cells = [c.strip() for c in line.split("|")]
            while cells and cells[-1] == "":
                cells.pop()
            rows.append(cells)
    return rows


# --------------------------------------------------------------------------- #
# 000 — current national layout, 汨罗市社会救助服务中心, 2025
# --------------------------------------------------------------------------- #
def build_miluo(out: Path) -> None:
    src = Source(HERE / "000_miluo_2025.txt")
    uscc = "12430681593289443F"
    name = "汨罗市社会救助服务中心"
    rep = "邹建波"
    cert = [
        ("单位名称", name),
        ("宗旨和业务范围", "为城镇居民最低生活提供保障。负责全市未达到城市最低贫困保障线的"
                        "城镇居民调查、审批及保障金的发放工作等。"),
        ("住所", "汨罗市城西开发区民政局机关大院内"),
        ("法定代表人", rep),
        ("开办资金", "49.0 万元"),
        ("经费来源", "财政补助（全额）"),
        ("举办单位", "汨罗市民政局"),
    ]
    begin, end = "259.90", "236.18"
    staff = "14"
    change = "我单位今年以来未发生变更事项"
    narrative = miluo_narrative(src)
    short_rows = [
        ("相关资质认可或执业许可证证明文件的有效期", "无"),
        ("诉讼和受罚情况及诉讼投诉情况", "无"),
        ("接受捐赠资助及其使用情况", "无"),
    ]
    entrust = "经委托登记管理机构公示我单位年度报告情况"
    signer = "傅蔚霞"
    opinion = "该年度报告书情况属实, 并经保密审查, 可对外公示。"
    opinion_date = "2026年3月4日"
    filler_line = f"填表人: {signer} 联系电话: _____"
    submit_line = "报送日期: 2026年3月4日"

    src.check(uscc, name, rep, "事业单位法人年度报告书", "国家事业单位登记管理局制",
              "《事业单位法人证书》登载事项", "资产损益情况", "净资产合计（所有者权益合计）",
              "年初数（万元）", "年末数（万元）", begin, end, "网上名称", "从业人数",
              change, "对《条例》和实施细则有关变更登记规定的执行情况",
              "事业单位委托意见", entrust, "法定代表人 <u>" + signer,
              "举办单位意见(含保密审查意见)", opinion, opinion_date,
              filler_line, submit_line,
              *[x for pair in cert + short_rows for x in pair])

    doc = setup_document()

    # ---- cover -------------------------------------------------------------
    p = para_format(doc.add_paragraph(), before=0)
    add_text(p, "统一社会信用代码", size=Pt(14))
    p = para_format(doc.add_paragraph(), before=2)
    add_text(p, uscc, size=Pt(14))
    p = para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=150)
    add_text(p, "事业单位法人年度报告书", east_asia=TITLE_EA, size=Pt(30), bold=True)
    p = para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=24)
    add_text(p, "（2025）年度", east_asia=TITLE_EA, size=Pt(18))
    for lab, val, before in (("单位名称", name, 150), ("法定代表人", rep, 20)):
        p = para_format(doc.add_paragraph(), first_indent=Cm(2.5), before=before)
        add_text(p, lab + " ", size=SIZE_COVER)
        set_run_font(p.add_run(val), size=SIZE_COVER, underline=True)
    p = para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=130)
    add_text(p, "国家事业单位登记管理局制", size=SIZE_COVER)
    add_section_break(doc)

    # ---- the form table ----------------------------------------------------
    # columns: group | label | value | label2 | value2
    widths = [1.6, 3.6, 5.2, 2.4, 3.2]
    n_rows = len(cert) + 3 + 1 + 2 + len(short_rows) + 2
    t = ruled_table(doc, n_rows, widths)
    r = 0
    # 《事业单位法人证书》登载事项 (vertically merged group cell)
    group = t.cell(r, 0).merge(t.cell(r + len(cert) - 1, 0))
    label(group, "《事业单位法人证书》登载事项")
    for lab, val in cert:
        label(t.cell(r, 1), lab)
        fill(merge(t, r, 2, 4), val)
        r += 1
    # 资产损益情况
    group = t.cell(r, 0).merge(t.cell(r + 2, 0))
    label(group, "资产损益情况")
    label(merge(t, r, 1, 4), "净资产合计（所有者权益合计）")
    label(merge(t, r + 1, 1, 2), "年初数（万元）")
    label(merge(t, r + 1, 3, 4), "年末数（万元）")
    label(merge(t, r + 2, 1, 2), begin)
    label(merge(t, r + 2, 3, 4), end)
    r += 3
    # 网上名称 | … | 从业人数 | …
    label(merge(t, r, 0, 1), "网上名称")
    fill(t.cell(r, 2), name)
    label(t.cell(r, 3), "从业人数")
    label(t.cell(r, 4), staff)
    r += 1
    label(merge(t, r, 0, 1), "对《条例》和实施细则有关变更登记规定的执行情况")
    fill(merge(t, r, 2, 4), change)
    r += 1
    label(merge(t, r, 0, 1), "开展业务活动情况")
    narrative_row = r
    fill(merge(t, r, 2, 4), narrative, align=WD_ALIGN_PARAGRAPH.LEFT,
         size=SIZE_NARRATIVE, indent=Pt(21), valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
    r += 1
    for lab, val in short_rows:
        label(merge(t, r, 0, 1), lab)
        fill(merge(t, r, 2, 4), val)
        r += 1

    def signature_line(prefix, name_=None):
        def build(p):
            para_format(p, align=WD_ALIGN_PARAGRAPH.RIGHT, before=12)
            p.paragraph_format.right_indent = Cm(1)
            add_text(p, prefix)
            if name_:
                set_run_font(p.add_run(name_), underline=True)
        return build

    label(merge(t, r, 0, 1), "事业单位委托意见")
    fill(merge(t, r, 2, 4), [entrust, signature_line("法定代表人 ", signer)])
    r += 1
    label(merge(t, r, 0, 1), "举办单位意见(含保密审查意见)")
    fill(merge(t, r, 2, 4), [opinion, signature_line(opinion_date)])
    r += 1
    assert r == n_rows
    keep_rows_whole(t, except_rows={narrative_row})

    # ---- footer lines ------------------------------------------------------
    p = para_format(doc.add_paragraph(), before=12)
    add_text(p, filler_line)
    p = para_format(doc.add_paragraph(), before=6)
    add_text(p, submit_line)

    doc.save(out)


# --------------------------------------------------------------------------- #
# 004 — older provincial layout, 麟游县, 2022 (no cover, flat rows)
# --------------------------------------------------------------------------- #
def build_linyou(out: Path) -> None:
    src = Source(HERE / "004_linyou_2022.txt")
    rows = linyou_rows(src)
    labels = [r[0] for r in rows]
    expected = ["单位名称", "宗旨和业务范围", "住所", "法定代表人", "开办资金", "经济来源",
                "举办单位", "资产损益情况", "年初数(万元)", "0.75万元", "网上名称",
                "对《条例》和实施细则有关变更登记规定的执行情况", "开展业务活动情况",
                "相关资质认可或执业许可证明文件及有效期", "绩效和受奖惩及诉讼投诉情况",
                "接收捐赠资助及使用情况"]
    if labels != expected:
        raise SystemExit(f"unexpected rows in {src.path.name}: {labels}")

    doc = setup_document()
    # columns: label | value | label2 | value2
    widths = [3.8, 6.4, 2.4, 3.4]
    t = ruled_table(doc, len(rows), widths)
    for r, cells in enumerate(rows):
        first = cells[0]
        if first == "网上名称":
            # seed: "网上名称 | <name> | 从业人数 7" -> four cells
            staff_label, staff = cells[2].split()
            label(t.cell(r, 0), first)
            fill(t.cell(r, 1), cells[1])
            label(t.cell(r, 2), staff_label)
            label(t.cell(r, 3), staff)
        elif first in ("年初数(万元)", "0.75万元"):
            label(t.cell(r, 0), first)
            label(merge(t, r, 1, 3), cells[1])
        elif first == "开展业务活动情况":
            label(t.cell(r, 0), first)
            fill(merge(t, r, 1, 3), cells[1], align=WD_ALIGN_PARAGRAPH.LEFT,
                 size=SIZE_NARRATIVE, indent=Pt(21),
                 valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
        else:
            label(t.cell(r, 0), first)
            fill(merge(t, r, 1, 3), cells[1] if len(cells) > 1 else "")
    keep_rows_whole(t, except_rows={labels.index("开展业务活动情况")})
    doc.save(out)


# --------------------------------------------------------------------------- #
# fontconfig fallback for the conversion: if the fonts a filer's Word names are
# not installed, use the Noto CJK faces (<accept> keeps a real 仿宋_GB2312 / 黑体
# first when present).
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>仿宋_GB2312</family>
    <accept><family>FangSong</family><family>Noto Serif CJK SC</family></accept></alias>
  <alias binding="same"><family>黑体</family>
    <accept><family>SimHei</family><family>Noto Sans CJK SC</family></accept></alias>
</fontconfig>
"""


def to_pdf(docx_files: list[Path], outdir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice not found; install LibreOffice or use --no-pdf")
    with tempfile.TemporaryDirectory(prefix="nb-examples-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(FONTS_CONF, encoding="utf-8")
        env = dict(os.environ, FONTCONFIG_FILE=str(conf))
        # A throw-away profile, so a running LibreOffice does not swallow the job.
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files)]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    for f in docx_files:
        pdf = outdir / (f.stem + ".pdf")
        if not pdf.exists():
            raise SystemExit(f"LibreOffice did not write {pdf}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-pdf", action="store_true", help="write the .docx files only")
    ap.add_argument("--outdir", type=Path, default=HERE)
    args = ap.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    outs = [args.outdir / "000_miluo_2025.docx", args.outdir / "004_linyou_2022.docx"]
    build_miluo(outs[0])
    build_linyou(outs[1])
    if not args.no_pdf:
        to_pdf(outs, args.outdir)
    for f in outs + ([] if args.no_pdf else [o.with_suffix(".pdf") for o in outs]):
        print(f"{f}  {f.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
