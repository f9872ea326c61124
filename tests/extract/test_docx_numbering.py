"""Word's automatic numbering is read as the numbers Word shows: 一、 headings, （一） and 1.
items, a statistics table's numbered rows. Before, a summary whose headings Word numbered had
no 一、 in its text, and a table numbered by Word lost its hierarchy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph

from nianbao.extract import read
from nianbao.extract.docx_numbering import _format
from nianbao.pipeline import check_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
          ("decimalEnclosedCircle", "%4")]


def numbered_docx(path: Path, paragraphs: list[tuple[int | None, str]],
                  table: Sequence[tuple[int | None, str, str]] = ()) -> Path:
    """A DOCX whose paragraphs (level, text) Word numbers with one list of LEVELS; table rows
    (level, label, value) numbered by the same list in their first cell."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text) in enumerate(LEVELS))
    numbering.append(parse_xml(f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="90">{levels}'
                               f'</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W}" w:numId="90"><w:abstractNumId w:val="90"/>'
                               f'</w:num>'))

    def number(paragraph: Paragraph, level: int | None) -> None:
        if level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    for level, text in paragraphs:
        number(document.add_paragraph(text), level)
    if table:
        grid = document.add_table(rows=len(table) + 1, cols=3)
        for cell, text in zip(grid.rows[0].cells, ("指标名称", "单位", "本月数"), strict=True):
            cell.text = text
        for row, (level, label, value) in zip(grid.rows[1:], table, strict=True):
            row.cells[0].text, row.cells[2].text = label, value
            row.cells[1].text = "人" if "人数" in label else "户"
            number(row.cells[0].paragraphs[0], level)
    document.save(str(path))
    return path


def test_headings_and_items_get_the_numbers_word_shows(tmp_path: Path) -> None:
    path = numbered_docx(tmp_path / "summary.docx", [
        (None, "青禾县民政局2025年社会救助工作总结"),
        (0, "主要工作"), (1, "低保"), (2, "城市低保"), (2, "农村低保"), (1, "特困"),
        (0, "存在问题"), (1, "人手不足"), (3, "第一点"), (3, "第二点"),
    ])
    assert [b.text for b in read(path).blocks] == [
        "青禾县民政局2025年社会救助工作总结",
        "一、主要工作", "（一）低保", "1.城市低保", "2.农村低保", "（二）特困",
        "二、存在问题", "（一）人手不足", "①第一点", "②第二点",
    ]


def test_a_table_numbered_by_word_keeps_its_hierarchy(tmp_path: Path) -> None:
    rows = [(0, "城市低保户数", "1,236"), (None, "城市低保人数", "2,048"),
            (None, "其中：老年人数", "700"), (None, "其中：儿童人数", "300"),
            (0, "农村低保户数", "3,100"), (None, "农村低保人数", "5,900")]
    path = numbered_docx(tmp_path / "stats.docx", [(None, "青禾县2025年9月民政统计月报"),
                                                   (None, "编制单位：青禾县民政局")], rows)
    cells = [b.cells[0] for b in read(path).blocks if b.kind == "row"]
    assert cells[1] == "一、城市低保户数" and cells[5] == "二、农村低保户数"
    report = check_path(path)
    assert report.record.kind == "statistics_report"
    assert [f.rule for f in report.findings if f.severity == "error"] == []


@pytest.mark.parametrize(("n", "fmt", "shown"), [
    (12, "chineseCounting", "十二"), (3, "ideographTraditional", "丙"), (2, "upperLetter", "B"),
    (28, "lowerLetter", "bb"), (14, "upperRoman", "XIV"), (7, "decimalFullWidth", "７"),
    (3, "decimalZero", "03"), (5, "decimal", "5")])
def test_formats(n: int, fmt: str, shown: str) -> None:
    assert _format(n, fmt) == shown


def test_a_document_without_lists_and_a_broken_list_reference_read_as_before(tmp_path: Path) -> None:
    document = docx.Document()
    p = document.add_paragraph("全年保障120户")
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="7"/><w:numId w:val="4242"/></w:numPr>'))
    document.save(str(tmp_path / "plain.docx"))
    assert [b.text for b in read(tmp_path / "plain.docx").blocks] == ["全年保障120户"]
