"""The roll-up and each county's page as PDF (WeasyPrint) and DOCX (python-docx).

Both formats are filled from the same context (`nianbao.rollup.context`) and show the same
chart PNGs. The PDF follows the project's WeasyPrint rules (`nianbao.generate.weasy`): Jinja2
with autoescaping, no resource outside templates/ — the charts are served from memory under
`chart:` URLs — WeasyPrint's log watched so a missing glyph raises, fixed metadata. The DOCX has
its header rows repeated on every page, numbers right-aligned, and a zip with fixed timestamps.
Files are written atomically and never over an input.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import pickle
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.run import Run

from nianbao.errors import NianbaoError
from nianbao.generate import weasy
from nianbao.generate.atomic import refuse_inputs, write_atomic
from nianbao.generate.context import context_text
from nianbao.generate.docx_render import normalise_zip
from nianbao.model import Finding
from nianbao.rollup.charts import Chart, county_chart, summary_charts
from nianbao.rollup.context import Context, county_context, summary_context
from nianbao.rollup.indicators import CountyRow
from nianbao.rollup.summary import Summary

TEMPLATE = "county_summary.html"
STYLESHEET = "css/county_summary.css"
BLUE = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x55, 0x55, 0x55)
RED = RGBColor(0xA1, 0x28, 0x1B)
# The PDF's face. Named 宋体/黑体, the DOCX came out in 楷体 wherever those are not installed
# (LibreOffice, and fontconfig's first Chinese face, took AR PL UKai); Word without Noto uses
# its default Chinese face instead.
BODY_FONT = HEAD_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Arial"
TEXT_WIDTH_CM = 17.8  # A4 less 1.6 cm margins
WHAT = ("汇总模板", "the summary template")
# How the figures were made: printed under the sources in the PDF and the DOCX alike.
METHOD = ("本表由各县（市、区）报送材料自动汇总，数字均取自原文；合计为各县数之和，"
          "标准为各县执行标准的最低–最高值。")


# --------------------------------------------------------------------------- PDF


def families() -> tuple[str, ...]:
    return weasy.families(STYLESHEET)


def page(summary: Summary, county: str | CountyRow | None = None,
         findings: Sequence[Finding] = (),
         generated: dt.date | None = None) -> tuple[Context, list[Chart]]:
    """The context and charts of the roll-up (`county` None) or of one county's page, its text
    checked against the fonts (a character no font can draw raises MissingGlyph)."""
    if county is None:
        charts = summary_charts(summary)
        ctx = summary_context(summary, findings, generated)
    else:
        row = _row(summary, county)
        charts = [county_chart(summary, row)]
        ctx = county_context(summary, row, generated)
    ctx["charts"] = [{"key": c.key, "caption": f"图{i}　{c.caption}", "src": f"chart:{c.key}.png",
                      "width": f"{c.width_cm:.2f}cm", "height": f"{c.height_cm:.2f}cm"}
                     for i, c in enumerate(charts, start=1)]
    ctx["method"] = METHOD
    weasy.check_text(context_text(ctx), STYLESHEET)
    return ctx, charts


def render_pdf(ctx: Context, charts: Sequence[Chart], *,
               warnings: list[str] | None = None) -> bytes:
    """The page as PDF bytes: render, then write, with WeasyPrint's log watched. A missing
    glyph or an unusable font raises; other warnings go to `warnings` when given."""
    return weasy.render_pdf(TEMPLATE, ctx, css=STYLESHEET, what=WHAT,
                            images={c.key: c.png for c in charts}, warnings=warnings)


def write_summary_pdf(summary: Summary, out: Path, *, findings: Sequence[Finding] = (),
                      generated: dt.date | None = None, inputs: Iterable[Path] = (),
                      warnings: list[str] | None = None) -> Path:
    """The roll-up as PDF: key figures, findings, charts, tables, notes and sources."""
    inputs = list(inputs)
    refuse_inputs(Path(out), inputs)
    ctx, charts = page(summary, None, findings, generated)
    return write_atomic(Path(out), render_pdf(ctx, charts, warnings=warnings), inputs=inputs)


def write_county_pdf(summary: Summary, county: str | CountyRow, out: Path, *,
                     generated: dt.date | None = None, inputs: Iterable[Path] = (),
                     warnings: list[str] | None = None) -> Path:
    """One county's page as PDF."""
    inputs = list(inputs)
    refuse_inputs(Path(out), inputs)
    ctx, charts = page(summary, county, (), generated)
    return write_atomic(Path(out), render_pdf(ctx, charts, warnings=warnings), inputs=inputs)


def _row(summary: Summary, county: str | CountyRow) -> CountyRow:
    if isinstance(county, CountyRow):
        return county
    for row in summary.counties:
        if row.name == county:
            return row
    raise NianbaoError(f"汇总中没有“{county}”", f"no county named {county!r} in the summary")


# --------------------------------------------------------------------------- DOCX


def write_summary_docx(summary: Summary, out: Path, *, findings: Sequence[Finding] = (),
                       generated: dt.date | None = None, inputs: Iterable[Path] = ()) -> Path:
    """The roll-up as DOCX, with the same content and chart pictures as the PDF."""
    inputs = list(inputs)
    refuse_inputs(Path(out), inputs)
    ctx, charts = page(summary, None, findings, generated)
    return write_atomic(Path(out), render_docx(ctx, charts), inputs=inputs)


def write_county_docx(summary: Summary, county: str | CountyRow, out: Path, *,
                      generated: dt.date | None = None, inputs: Iterable[Path] = ()) -> Path:
    """One county's page as DOCX."""
    inputs = list(inputs)
    refuse_inputs(Path(out), inputs)
    ctx, charts = page(summary, county, (), generated)
    return write_atomic(Path(out), render_docx(ctx, charts), inputs=inputs)


def render_docx(ctx: Context, charts: Sequence[Chart]) -> bytes:
    """The page as DOCX bytes (python-docx; zip with fixed timestamps)."""
    doc = new_docx()
    _page_setup(doc)
    _heading(doc, ctx)
    _highlights(doc, ctx["highlights"])
    if ctx["findings"]:
        _para(doc, f"需要核对（{len(ctx['findings'])}）", 10.5, bold=True, color=RED, head=True)
        for f in ctx["findings"]:
            _para(doc, f["text"], 9.5, color=RED)
    parts = [_charts, _tables] if ctx["charts_first"] else [_tables, _charts]
    for part in parts:
        part(doc, ctx, charts)
    if ctx["notes"]:
        _para(doc, "说明", 8, bold=True, color=GREY, head=True)
        for note in ctx["notes"]:
            _para(doc, note, 7, color=GREY)
    _para(doc, "资料来源", 8, bold=True, color=GREY, head=True)
    for source in ctx["sources"]:
        _para(doc, f"{source['name']}：{'；'.join(source['items'])}", 7, color=GREY)
    _para(doc, ctx["method"], 7, color=GREY)
    _footer(doc, ctx["footer"])
    props = doc.core_properties
    created = dt.datetime.combine(dt.date.fromisoformat(ctx["created"]), dt.time(),
                                  tzinfo=dt.UTC)
    props.title, props.author = ctx["title"], "nianbao"
    props.created = props.modified = props.last_printed = created
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def _charts(doc: DocxDocument, ctx: Context, charts: Sequence[Chart]) -> None:
    for chart, meta in zip(charts, ctx["charts"], strict=True):
        _para(doc, meta["caption"], 9.5, bold=True, color=BLUE, head=True, keep=True)
        doc.add_paragraph().add_run().add_picture(io.BytesIO(chart.png), width=Cm(chart.width_cm))


def _tables(doc: DocxDocument, ctx: Context, charts: Sequence[Chart]) -> None:
    if ctx["kind"] == "rollup":
        for table in ctx["tables"]:
            _data_table(doc, table)
    else:
        _indicator_table(doc, ctx)


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(9.5)
    normal.font.name = LATIN_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    # Chinese text with digits and Latin letters in English, as Chinese Word writes it (the
    # default template says en-US for both: no Chinese line breaking, spell-checked as English).
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")


def _font(run: Run, head: bool) -> None:
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(
        qn("w:eastAsia"), HEAD_FONT if head else BODY_FONT)


def _para(doc: DocxDocument | _Cell, text: str, size: float, *, bold: bool = False,
          color: RGBColor | None = None, head: bool = False, keep: bool = False,
          align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    if head:  # a heading stands clear of the table or chart above it
        paragraph.paragraph_format.space_before = Pt(8)
    paragraph.paragraph_format.keep_with_next = keep or head
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    if color is not None:
        run.font.color.rgb = color
    _font(run, head)


def _footer(doc: DocxDocument, title: str) -> None:
    """The title and 第 N 页，共 M 页 (PAGE and NUMPAGES fields Word and LibreOffice fill in)
    at the foot of every page."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    for text in (f"{title}　　第 ", "PAGE", " 页，共 ", "NUMPAGES", " 页"):
        if text in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), text)
            paragraph._p.append(field)
            continue
        run = paragraph.add_run(text)
        run.font.size, run.font.color.rgb = Pt(7.5), GREY
        _font(run, False)


def _heading(doc: DocxDocument, ctx: Context) -> None:
    _para(doc, ctx["title"], 17, bold=True, color=BLUE, head=True)
    _para(doc, ctx["subtitle"], 10.5)
    _para(doc, "　|　".join(ctx["meta"]), 8.5, color=GREY)


def _highlights(doc: DocxDocument, cards: list[Context]) -> None:
    table = doc.add_table(rows=1, cols=len(cards))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [TEXT_WIDTH_CM / len(cards)] * len(cards))
    for cell, card in zip(table.rows[0].cells, cards, strict=True):
        _shade(cell, "F5F8FB")
        cell.paragraphs[0].add_run(card["label"]).font.size = Pt(8.5)
        value = cell.add_paragraph()
        run = value.add_run(card["value"])
        run.font.size, run.font.bold, run.font.color.rgb = Pt(14), True, BLUE
        unit = value.add_run(" " + card["unit"])
        unit.font.size = Pt(8)
        _para(cell, card["detail"], 7.5, color=GREY)
        if card["trend"]:
            _para(cell, card["trend"], 7.5, color=BLUE)


def _data_table(doc: DocxDocument, table_ctx: Context) -> None:
    _para(doc, table_ctx["title"], 10.5, bold=True, color=BLUE, head=True)
    columns = table_ctx["columns"]
    rows = table_ctx["rows"] + table_ctx["foot"]
    table = doc.add_table(rows=2 + len(rows), cols=1 + len(columns))
    table.style = "Table Grid"
    first = table.cell(0, 0).merge(table.cell(1, 0))
    _cell(first, table_ctx["first"], header=True)
    col = 1
    for group in table_ctx["groups"]:
        cell = table.cell(0, col)
        if group["span"] > 1:
            cell = cell.merge(table.cell(0, col + group["span"] - 1))
        _cell(cell, group["label"], header=True)
        col += group["span"]
    for i, column in enumerate(columns, start=1):
        _cell(table.cell(1, i), column["label"] + column["unit"], header=True)
    table_rows = table.rows  # row by row: table.cell() rescans the whole table on every call
    for header_row in table_rows[:2]:
        _repeat_header(header_row._tr)
    for row, table_row in zip(rows, table_rows[2:], strict=True):
        strong = row["cls"] == "total"
        cells = table_row.cells
        _cell(cells[0], row["name"], bold=strong, fill="EEF3F8" if strong else None)
        for cell, cell_ctx in zip(cells[1:], row["cells"], strict=True):
            bad = cell_ctx["cls"] == "bad"
            _cell(cell, cell_ctx["text"], number=True, bold=strong or bad,
                  fill="F9D6D1" if bad else ("EEF3F8" if strong else None),
                  color=RED if bad else None)
    first = 2.3
    _widths(table, [first] + [(TEXT_WIDTH_CM - first) / len(columns)] * len(columns))
    _keep_together(table)
    for note in table_ctx["notes"]:
        _para(doc, note, 7, color=GREY)


def _indicator_table(doc: DocxDocument, ctx: Context) -> None:
    _para(doc, "核心指标", 10.5, bold=True, color=BLUE, head=True)
    heads = ["指标", "单位", ctx["columns"]["this"], ctx["columns"]["last"], "增减", "增幅",
             "来源（原文）"]
    table = doc.add_table(rows=1 + len(ctx["indicators"]), cols=len(heads))
    table.style = "Table Grid"
    table_rows = table.rows
    for cell, text in zip(table_rows[0].cells, heads, strict=True):
        _cell(cell, text, header=True)
    _repeat_header(table_rows[0]._tr)
    for item, table_row in zip(ctx["indicators"], table_rows[1:], strict=True):
        cells = table_row.cells
        _cell(cells[0], item["label"])
        _cell(cells[1], item["unit"], size=7.5)
        for cell, key in zip(cells[2:6], ("value", "last", "change", "pct"), strict=True):
            _cell(cell, item[key], number=True)
        _cell(cells[6], item["source"], size=6.5, color=GREY)
    _widths(table, [3.2, 1.6, 1.8, 1.8, 1.7, 1.6, 6.1])
    _keep_together(table)


KEEP_WHOLE_ROWS = 30  # a table this long or shorter moves to the next page whole


def _keep_together(table: Table) -> None:
    """No row split across pages, and a short table kept on one page (a long one keeps at
    least its header and three rows together), as Word does with "keep with next" on every
    row's paragraphs but the last."""
    rows = table.rows
    keep = len(rows) - 1 if len(rows) <= KEEP_WHOLE_ROWS else min(len(rows) - 1, 5)
    for index, row in enumerate(rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if index < keep:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths in cm, in the grid and on every cell (merged cells span theirs)."""
    table.autofit = False
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Cm(width)
    for tr in table._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            tc.width = Cm(sum(widths[col:col + tc.grid_span]))
            col += tc.grid_span


def _cell(cell: _Cell, text: str, *, header: bool = False, number: bool = False,
          bold: bool = False, size: float = 8, fill: str | None = None,
          color: RGBColor | None = None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if header:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fill = fill or "E4ECF4"
    elif number:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold or header
    if color is not None:
        run.font.color.rgb = color
    _font(run, header)
    if fill:
        _shade(cell, fill)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(tr: Any) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(flag)


# --------------------------------------------------------------------------- all at once

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def summary_stem(summary: Summary) -> str:
    return _UNSAFE.sub("_", f"{summary.region}{summary.year}年社会救助工作汇总")


def county_stem(summary: Summary, row: CountyRow) -> str:
    return _UNSAFE.sub("_", f"{row.name}{summary.year}年社会救助核心指标")


def write_all(summary: Summary, out_dir: Path, *, findings: Sequence[Finding] = (),
              generated: dt.date | None = None, inputs: Iterable[Path] = (),
              workers: int = 1) -> list[Path]:
    """The roll-up and every county's page, PDF and DOCX, into `out_dir`; with `workers` > 1
    in that many fresh interpreters (multiprocessing "spawn": call it from a program's main,
    under ``if __name__ == "__main__":``, as the CLI does). Returns the files written, roll-up
    first."""
    out_dir = Path(out_dir)
    inputs = [Path(p) for p in inputs]
    pages: list[tuple[str | None, Path]] = [(None, out_dir / summary_stem(summary))]
    pages += [(row.name, out_dir / county_stem(summary, row)) for row in summary.counties]
    for _, stem in pages:
        for suffix in (".pdf", ".docx"):
            refuse_inputs(stem.with_name(stem.name + suffix), inputs)
    if workers <= 1 or len(pages) <= 2:
        return [path for county, stem in pages
                for path in _write_page(summary, findings, generated, county, stem)]
    # The summary goes to the workers pickled once, with a few pages per job: pickling a
    # province's summary for every page would cost more than drawing it.
    blob = pickle.dumps((summary, list(findings), generated))
    size = max(1, len(pages) // (workers * 4))
    chunks = [pages[i:i + size] for i in range(0, len(pages), size)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_pages, blob, chunk) for chunk in chunks]
        return [path for future in futures for path in future.result()]


def _pages(blob: bytes, pages: list[tuple[str | None, Path]]) -> list[Path]:
    summary, findings, generated = pickle.loads(blob)  # bytes this process wrote
    return [path for county, stem in pages
            for path in _write_page(summary, findings, generated, county, stem)]


def _write_page(summary: Summary, findings: Sequence[Finding], generated: dt.date | None,
          county: str | None, stem: Path) -> tuple[Path, Path]:
    """One page in both formats, its charts drawn once."""
    ctx, charts = page(summary, county, findings, generated)
    pdf, docx = stem.with_name(stem.name + ".pdf"), stem.with_name(stem.name + ".docx")
    write_atomic(pdf, render_pdf(ctx, charts))
    write_atomic(docx, render_docx(ctx, charts))
    return pdf, docx
