"""The DOCX reader: body paragraphs and table rows in document order, merged cells as the parser
expects them. Fixtures are made by tests/fixtures/readers/make_fixtures.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from nianbao.extract import docx_reader
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def norm(text: str) -> str:
    """What the readers make of `text`: each line normalised (full-width digits, spaces)."""
    return "\n".join(normalize(line).strip() for line in text.split("\n"))


def row(*cells: str) -> tuple[str, ...]:
    return tuple(norm(c) for c in cells)


MERGED_ROWS = [
    row("类别", "项目", "本年度金额"),
    row("资金来源", "财政拨款", "1,200.50", "万元"),
    row("", "事业收入", "300.00", "万元"),
    row("支出", "人员经费", "800.00", "万元"),
]


def read(path: Path) -> Document:
    source = Source(str(path), hashlib.sha256(path.read_bytes()).hexdigest(), "docx")
    return docx_reader.read(path, source)


def shape(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in blocks]


def expected(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [(kind, norm(text)) for kind, text in pairs]


def test_table_between_paragraphs_keeps_document_order_and_merged_cells() -> None:
    doc = read(FIXTURES / "merged-cells-between-paragraphs.docx")

    assert [b.kind for b in doc.blocks] == ["paragraph"] * 3 + ["row"] * 4 + ["paragraph"] * 2
    assert [b.text for b in doc.blocks[:3]] == [
        norm("事业单位法人年度报告书"),
        norm("一、基本情况"),
        norm("本单位2023年度收支情况如下表所示。"),
    ]
    # The header cell spanning two columns appears once; the first column's merged cell gives its
    # text to its first row and "" below, so 事业收入 stays in the second column.
    assert [b.cells for b in doc.blocks if b.kind == "row"] == MERGED_ROWS
    assert [b.text for b in doc.blocks[-2:]] == [norm("二、其他说明"), norm("以上数据已经审计。")]


def test_row_text_is_its_cells_joined_by_tabs_and_index_is_the_position() -> None:
    doc = read(FIXTURES / "merged-cells-between-paragraphs.docx")

    assert doc.blocks[4].text == "\t".join(row("资金来源", "财政拨款", "1,200.50", "万元"))
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))
    assert doc.source.format == "docx"
    assert doc.text.endswith("\n" + norm("以上数据已经审计。"))


def test_empty_paragraphs_are_dropped() -> None:
    doc = read(FIXTURES / "merged-cells-between-paragraphs.docx")

    assert all(b.text for b in doc.blocks)


def test_cell_paragraphs_and_nested_table_are_joined_by_newlines_in_one_cell() -> None:
    doc = read(FIXTURES / "multiline-and-nested-cells.docx")

    assert shape(doc.blocks[:1]) == expected(("paragraph", "表前段落"))
    rows = [b.cells for b in doc.blocks if b.kind == "row"]
    assert rows == [
        row("开展业务情况", "第一段：开展救助工作。\n第二段：完成年度目标。"),
        row("明细", "低保 120户\n特困 35人"),  # a nested row per line
    ]


def test_underlined_run_is_plain_text() -> None:
    doc = read(FIXTURES / "multiline-and-nested-cells.docx")

    assert doc.blocks[-1].text == norm("法定代表人：张三（签字）")


def test_explicit_page_breaks_split_paragraphs_and_text_box_is_read_once() -> None:
    doc = read(FIXTURES / "page-breaks-and-text-box.docx")

    assert shape(doc.blocks) == expected(
        ("paragraph", "第一页正文"),
        ("page_break", ""),
        ("paragraph", "第二页正文"),
        ("paragraph", "正文旁边有一个文本框"),
        ("paragraph", "文本框：本报告数据截至12月31日"),  # not twice (shape + VML fallback)
        ("page_break", ""),  # page-break-before on the next paragraph
        ("paragraph", "第三页标题"),
    )
    assert "第一页正文\n第二页正文" in doc.text  # page breaks are not lines of text


def test_rows_and_paragraphs_alternate_in_body_order(tmp_path: Path) -> None:
    word = WordDocument()
    word.add_paragraph("甲")
    word.add_table(rows=1, cols=2).rows[0].cells[0].text = "表一"
    word.add_paragraph("乙")
    second = word.add_table(rows=1, cols=2)
    second.cell(0, 1).text = "表二右"
    word.add_paragraph("丙")
    path = tmp_path / "alternating.docx"
    word.save(str(path))

    doc = read(path)

    assert [(b.kind, b.cells or b.text) for b in doc.blocks] == [
        ("paragraph", norm("甲")),
        ("row", row("表一", "")),
        ("paragraph", norm("乙")),
        ("row", row("", "表二右")),
        ("paragraph", norm("丙")),
    ]


def test_a_row_with_only_empty_cells_is_dropped(tmp_path: Path) -> None:
    word = WordDocument()
    table = word.add_table(rows=2, cols=2)
    table.cell(1, 0).text = "有内容"
    path = tmp_path / "blank-row.docx"
    word.save(str(path))

    assert [b.cells for b in read(path).blocks] == [row("有内容", "")]


@pytest.mark.parametrize("spaces", ["\u3000\u3000", "\u00a0\u00a0", "   ", "\t\t"])
def test_runs_of_spaces_collapse_and_ends_are_trimmed(tmp_path: Path, spaces: str) -> None:
    word = WordDocument()
    word.add_paragraph(f"{spaces}单位名称{spaces}某某福利院{spaces}")
    path = tmp_path / "spaces.docx"
    word.save(str(path))

    text = read(path).blocks[0].text
    assert text.startswith("单位名称") and text.endswith("某某福利院")
    assert len(text) <= len("单位名称 某某福利院")


def test_a_legacy_horizontal_merge_appears_once(tmp_path: Path) -> None:
    word = WordDocument()
    table = word.add_table(rows=1, cols=3)
    for cell, text, merge in zip(
        table.rows[0].cells, ["合并", "", "右"], ["restart", "continue", None]
    ):
        cell.text = text
        if merge:
            flag = OxmlElement("w:hMerge")
            flag.set(qn("w:val"), merge)
            cell._tc.get_or_add_tcPr().append(flag)
    path = tmp_path / "hmerge.docx"
    word.save(str(path))

    assert [b.cells for b in read(path).blocks] == [row("合并", "右")]


def test_section_break_to_a_new_page_is_a_page_break(tmp_path: Path) -> None:
    word = WordDocument()
    word.add_paragraph("第一节")
    word.add_section(WD_SECTION.NEW_PAGE)
    word.add_paragraph("第二节")
    word.add_section(WD_SECTION.CONTINUOUS)
    word.add_paragraph("同页续写")
    path = tmp_path / "sections.docx"
    word.save(str(path))

    assert [b.kind for b in read(path).blocks] == [
        "paragraph",
        "page_break",
        "paragraph",
        "paragraph",
    ]
