"""The roll-up and county pages as PDF and DOCX: what a reader sees, read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from nianbao.checks.rollup import mismatch_findings
from nianbao.errors import MissingGlyph, UsageError
from nianbao.pipeline import check_path
from nianbao.rollup.indicators import row_from_record
from nianbao.rollup.summary import Summary, build_summary
from nianbao.rollup.writers import (
    write_all,
    write_county_docx,
    write_county_pdf,
    write_summary_docx,
    write_summary_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "counties"
DAY = dt.date(2026, 1, 8)
COUNTIES = ["北湖区", "南屏县", "青石县", "白沙县"]


@pytest.fixture(scope="module")
def summary() -> Summary:
    reports = [check_path(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    previous = {}
    for path in sorted((EXAMPLES / "2024").glob("*.txt")):
        row = row_from_record(check_path(path).record, str(path))
        previous[row.name] = row
    return build_summary(reports, "云川市", 2025, previous)


@pytest.fixture(scope="module")
def rollup_pdf(summary: Summary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "rollup.pdf"
    return write_summary_pdf(summary, out, findings=mismatch_findings(summary), generated=DAY)


@pytest.fixture(scope="module")
def rollup_docx(summary: Summary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "rollup.docx"
    return write_summary_docx(summary, out, findings=mismatch_findings(summary), generated=DAY)


def pdf_pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_rollup_pdf_shows_counties_totals_and_the_finding(rollup_pdf: Path) -> None:
    pages = pdf_pages(rollup_pdf)
    first = pages[0]
    assert "云川市2025年社会救助工作汇总" in first
    assert "数据截至2025年12月" in first and "2026年1月8日" in first
    for name in COUNTIES:
        assert name in first
    assert "19,578" in first  # 城乡低保 persons, summed
    assert "5,870.72" in first  # 城乡低保 funds in 万元
    assert "与云川市所述19572人不符（相差6人）" in first.replace("\n", "")
    text = "\n".join(pages)
    assert "690–697" in text  # the standard as a range
    assert "2,136" in text and "3,820" in text
    assert "01_beihu_2025.txt" in text  # sources in small print
    assert first.count("云川市2025年社会救助工作汇总") == 2  # the title and the page footer
    assert f"第 1 页 共 {len(pages)} 页" in first


def test_rollup_pdf_has_the_charts_as_images(rollup_pdf: Path) -> None:
    with pdfplumber.open(rollup_pdf) as pdf:
        images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 2


def test_rollup_docx_has_the_tables_and_two_pictures(rollup_docx: Path) -> None:
    document = docx.Document(str(rollup_docx))
    assert len(document.inline_shapes) == 2
    assert document.paragraphs[0].text == "云川市2025年社会救助工作汇总"
    dibao = next(t for t in document.tables if t.cell(0, 1).text == "城市低保")
    header = [c.text for c in dibao.rows[1].cells]
    assert header[1:4] == ["户数（户）", "人数（人）", "资金（万元）"]
    names = [row.cells[0].text for row in dibao.rows[2:]]
    assert names == [*COUNTIES, "合计", "云川市所述"]
    total = [c.text for c in dibao.rows[6].cells]
    assert total[7:] == ["13,496", "19,578", "5,870.72"]
    for row in dibao.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert dibao.cell(2, 2).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_county_page_in_both_formats(summary: Summary, tmp_path: Path) -> None:
    pdf = write_county_pdf(summary, "北湖区", tmp_path / "beihu.pdf", generated=DAY)
    text = "\n".join(pdf_pages(pdf))
    assert "北湖区2025年社会救助核心指标" in text
    assert "2,197" in text and "2,262" in text  # this year and last
    assert "“保障1210户1685人”" in text  # the source of the figure
    document = docx.Document(str(write_county_docx(summary, "北湖区", tmp_path / "b.docx")))
    assert len(document.inline_shapes) == 1
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows}
    assert rows["城乡低保人数"][2:6] == ["2,197", "2,262", "−65", "−2.9%"]


def test_write_all_writes_every_page_and_never_an_input(summary: Summary,
                                                        tmp_path: Path) -> None:
    written = write_all(summary, tmp_path, generated=DAY)
    assert len(written) == 2 * (1 + len(COUNTIES))
    assert all(p.stat().st_size > 0 for p in written)
    victim = tmp_path / "云川市2025年社会救助工作汇总.pdf"
    with pytest.raises(UsageError):
        write_all(summary, tmp_path, inputs=[victim])


def test_a_name_no_font_can_draw_is_an_error(summary: Summary, tmp_path: Path) -> None:
    row = summary.counties[0]
    odd = type(row)(name="北湖\ue000区", values=row.values, paths=row.paths)
    with pytest.raises(MissingGlyph):
        write_county_pdf(summary, odd, tmp_path / "odd.pdf")


def test_rollup_docx_reads_like_its_pdf(rollup_docx: Path, rollup_pdf: Path) -> None:
    """The DOCX names the PDF's face (not 宋体/黑体, which fall back to 楷体 where they are not
    installed), keeps every table's rows together, numbers its pages 第 N 页，共 M 页, carries
    the PDF's method note and leaves space above its headings."""
    document = docx.Document(str(rollup_docx))
    faces = {f.get(qn("w:eastAsia")) for f in document.element.body.iter(qn("w:rFonts"))}
    assert faces - {None} == {"Noto Sans CJK SC"}
    for table in document.tables[1:]:  # the data tables, after the key-figure cards
        rows = table.rows
        assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
                   for row in rows)
        kept = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
                for row in rows]
        assert all(kept[:-1]) and len(rows) > 2  # a table moves on whole, never after one row
    footer = document.sections[0].footer.paragraphs[0]
    fields = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"] and "共" in footer.text
    method = "本表由各县（市、区）报送材料自动汇总"
    assert any(p.text.startswith(method) for p in document.paragraphs)
    assert method in "".join(pdf_pages(rollup_pdf))
    titles = [p for p in document.paragraphs if p.text.startswith("表")]
    assert titles and all(p.paragraph_format.space_before.pt >= 6 for p in titles)


def test_rollup_pdf_tables_are_not_left_behind_after_a_row(tmp_path: Path) -> None:
    """Each table that fits on a page is printed whole: its title and its last row (合计 or
    全市) share a page. (The four counties alone put table 2's title at the foot of page 1.)"""
    counties = build_summary([check_path(p) for p in sorted(EXAMPLES.glob("0[1-4]*.txt"))],
                             "云川市", 2025, {})
    out = write_summary_pdf(counties, tmp_path / "rollup.pdf", generated=DAY)
    with pdfplumber.open(out) as pdf:
        pages = [[ln["text"] for ln in page.extract_text_lines()] for page in pdf.pages]
    for lines in pages:
        titles = [i for i, text in enumerate(lines) if text.startswith("表")]
        for start, end in zip(titles, [*titles[1:], len(lines)], strict=True):
            block = lines[start:end]
            assert any(t.startswith(("合计", "全市")) for t in block), block[:3]


def test_rollup_docx_marks_its_text_chinese_with_digits_in_english(rollup_docx: Path) -> None:
    styles = docx.Document(str(rollup_docx)).styles.element
    langs = {(e.get(qn("w:val")), e.get(qn("w:eastAsia"))) for e in styles.iter(qn("w:lang"))}
    assert langs == {("en-US", "zh-CN")}  # as Chinese Word writes it (was en-US, en-US)
