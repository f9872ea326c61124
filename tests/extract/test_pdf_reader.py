"""The PDF reader: ruled tables as rows of cells, the text around them as lines, top to bottom.

The PDFs are LibreOffice exports of DOCX files made by tests/fixtures/readers/make_fixtures.py,
so the same table can be read from both formats and must give the same cells.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from nianbao.errors import NeedsOCR, UnreadableInput
from nianbao.extract import docx_reader, pdf_reader
from nianbao.extract.limits import DEFAULT_LIMITS, Limits
from nianbao.model import Document, Source
from nianbao.text.normalize import normalize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"
HAN = "\u4e00-\u9fff"


def norm(text: str) -> str:
    """What the readers make of `text`: each line normalised (full-width digits, spaces)."""
    return "\n".join(normalize(line).strip() for line in text.split("\n"))


def row(*cells: str) -> tuple[str, ...]:
    return tuple(norm(c) for c in cells)


def source(path: Path, fmt: str) -> Source:
    return Source(str(path), hashlib.sha256(path.read_bytes()).hexdigest(), fmt)


def read(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    return pdf_reader.read(path, source(path, "pdf"), limits)


@pytest.fixture(scope="module")
def merged() -> Document:
    return read(FIXTURES / "merged-cells-between-paragraphs.pdf")


@pytest.fixture(scope="module")
def prose() -> Document:
    return read(FIXTURES / "three-pages-of-prose.pdf")


def test_ruled_table_rows_sit_between_the_paragraphs_around_them(merged: Document) -> None:
    assert [(b.kind, b.cells or b.text) for b in merged.blocks] == [
        ("paragraph", norm("事业单位法人年度报告书")),
        ("paragraph", norm("一、基本情况")),
        ("paragraph", norm("本单位2023年度收支情况如下表所示。")),
        ("row", row("类别", "项目", "本年度金额")),  # the merged header cell appears once
        ("row", row("资金来源", "财政拨款", "1,200.50", "万元")),
        ("row", row("", "事业收入", "300.00", "万元")),  # under the vertically merged cell
        ("row", row("支出", "人员经费", "800.00", "万元")),
        ("paragraph", norm("二、其他说明")),
        ("paragraph", norm("以上数据已经审计。")),
    ]


def test_letter_spaced_chinese_comes_out_without_spaces(merged: Document) -> None:
    # The title is spaced 6 pt apart, twice pdfplumber's word gap; plain extract_text gives
    # "事 业 单 位 法 人 年 度 报 告 书".
    assert merged.blocks[0].text == "事业单位法人年度报告书"
    for block in merged.blocks:
        assert not re.search(f"[{HAN}] +[{HAN}]", block.text), block.text


def test_pdf_and_docx_of_the_same_table_give_the_same_rows(merged: Document) -> None:
    path = FIXTURES / "merged-cells-between-paragraphs.docx"
    docx = docx_reader.read(path, source(path, "docx"))

    assert [b.cells for b in merged.blocks if b.kind == "row"] == [
        b.cells for b in docx.blocks if b.kind == "row"
    ]
    assert [b.text for b in merged.blocks] == [b.text for b in docx.blocks]


def test_wrapped_lines_in_a_cell_are_joined_and_its_paragraphs_kept_apart() -> None:
    pdf = read(FIXTURES / "wrapped-cells.pdf")
    path = FIXTURES / "wrapped-cells.docx"
    docx = docx_reader.read(path, source(path, "docx"))

    rows = [b.cells for b in pdf.blocks if b.kind == "row"]
    assert rows[0][0] == norm("对《条例》和实施细则有关变更登记规定的执行情况")  # centred, 2 lines
    paragraphs = rows[1][1].split("\n")
    assert len(paragraphs) == 2  # 8 lines in the PDF, 2 paragraphs in the DOCX
    assert norm("低保对象1,234户2,345人") in paragraphs[0]  # wrapped after 低 and before 567.89
    assert norm("发放低保金567.89万元") in paragraphs[0]
    assert norm("全面推行“一卡通”发放") in paragraphs[0]  # wrapped after 推
    assert paragraphs[1] == norm("二、存在问题：基层经办力量薄弱。")
    assert rows == [b.cells for b in docx.blocks if b.kind == "row"]


def test_every_block_has_a_page_a_box_and_its_position(merged: Document) -> None:
    assert merged.pages == 1
    assert [b.index for b in merged.blocks] == list(range(len(merged.blocks)))
    tops = []
    for block in merged.blocks:
        assert block.page == 1
        assert block.bbox is not None
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= 595.5 and 0 <= top < bottom <= 842.5  # A4, points
        tops.append(top)
    assert tops == sorted(tops)


def test_a_row_box_covers_its_cells(merged: Document) -> None:
    rows = [b for b in merged.blocks if b.kind == "row"]
    title = merged.blocks[1]
    assert rows[0].bbox is not None and title.bbox is not None
    assert rows[0].bbox[2] - rows[0].bbox[0] > 4 * (title.bbox[2] - title.bbox[0])


def test_page_boundaries_are_page_breaks_and_lines_keep_their_page(prose: Document) -> None:
    assert prose.pages == 3
    breaks = [b for b in prose.blocks if b.kind == "page_break"]
    assert [b.page for b in breaks] == [2, 3]
    assert all(b.text == "" and b.bbox is None for b in breaks)
    for number in (1, 2, 3):
        first = next(b for b in prose.blocks if b.page == number and b.kind == "paragraph")
        assert first.text == norm(f"第{number}页 工作总结")  # the real space stays


def test_wrapped_lines_are_separate_paragraph_blocks_in_order(prose: Document) -> None:
    page_one = [b.text for b in prose.blocks if b.page == 1]
    joined = "".join(page_one[1:4])
    assert joined.startswith(norm("1. 本单位严格执行国家有关法律法规和政策"))
    assert joined.endswith(norm("临时救助456人次。"))
    assert "低保金567.89万元" in joined


def test_a_scan_needs_ocr() -> None:
    with pytest.raises(NeedsOCR) as caught:
        read(FIXTURES / "scanned-page-no-text-layer.pdf")

    assert caught.value.message_zh == "该PDF没有文字层（扫描件），需要先做OCR识别"
    assert caught.value.message_en == "the PDF has no text layer (a scan); it needs OCR first"


def test_a_password_protected_pdf_is_refused_as_encrypted() -> None:
    with pytest.raises(UnreadableInput) as caught:
        read(FIXTURES / "encrypted-needs-password.pdf")

    assert not isinstance(caught.value, NeedsOCR)
    assert "加密" in caught.value.message_zh
    assert "encrypted" in caught.value.message_en


def test_page_limit_is_checked_and_can_be_raised() -> None:
    path = FIXTURES / "three-pages-of-prose.pdf"
    with pytest.raises(UnreadableInput) as caught:
        read(path, Limits(max_pages=2))

    assert "Limits.max_pages" in caught.value.message_en
    assert "3" in caught.value.message_zh and "2" in caught.value.message_zh
    assert read(path, Limits(max_pages=3)).pages == 3


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "annual_report"


def test_a_cell_split_by_a_page_break_is_one_cell_with_its_sentence_whole() -> None:
    """The 开展业务活动情况 cell of the example runs over four pages. Where a page break cut a
    sentence (…共同 | 生活成员界定…, …服务能力， | 夯实乡村治理基础) the paragraph is whole in the
    row of the page it starts on, as in the DOCX, and the paragraphs after it stay on their page;
    where a paragraph ended at the break (…0.26%。 | 二、…) it stays ended; the rows after the
    cell (their labels on the new page) stay their own."""
    from nianbao.pipeline import parse

    document = read(EXAMPLES / "000_miluo_2025.pdf")
    rows = [b for b in document.blocks if b.kind == "row"]
    continued = {r.page: r.cells[1] for r in rows if r.page and r.page > 2 and r.cells[0] == ""}
    assert sorted(continued) == [3, 4, 5]
    assert "共同生活成员界定" in continued[3]
    assert continued[3].endswith("打造忠诚干净担当的队伍。")
    assert continued[4].startswith("四、勇于实践创新")
    assert continued[4].endswith("提升基层民政服务能力，夯实乡村治理基础。")
    assert continued[5].startswith("六、正视存在问题") and "請就本報調查" in continued[5]
    assert [r.cells[0] for r in rows if r.page == 5][1].startswith("相关资质认可或执业许可证")

    activities = parse(document).fields["activities"]
    docx = docx_reader.read(EXAMPLES / "000_miluo_2025.docx",
                            source(EXAMPLES / "000_miluo_2025.docx", "docx"))
    assert "0.26%。\n二、聚焦问题整改" in activities
    assert activities.count("\n") == parse(docx).fields["activities"].count("\n")
