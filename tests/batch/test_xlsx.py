"""The streaming XLSX writer of findings.xlsx, read back with openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook

from nianbao.batch.xlsx import Workbook, column_letter


def _book(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.sheet("文件 Filings", [30, 8, 40], header_row=2)
    sheet.append(["nianbao 批量检查", "2026-12-02"])
    sheet.append(["文件 path", "年度", "说明"], ["head"] * 3)
    sheet.append(["a<b>&c.pdf", 2025, "=SUM(A1:A2)"])
    sheet.append(["  两端空格 ", 1.5, "第一行\n第二行"], ["top", "top", "wrap"], height=30)
    sheet.append([None, float("nan"), "", "#N/A"])
    other = book.sheet("O'Brien & <子>", [10], header_row=1)
    other.append(["only"], ["head"])
    path = tmp_path / "out.xlsx"
    book.save(path)
    return path


def test_values_read_back_as_written_text_never_a_formula(tmp_path: Path) -> None:
    book = load_workbook(_book(tmp_path))
    sheet = book["文件 Filings"]
    rows = [tuple(c.value for c in row)[:4] for row in sheet.iter_rows()]

    assert rows[2] == ("a<b>&c.pdf", 2025, "=SUM(A1:A2)", None)
    assert sheet["C3"].data_type == "s"  # text, not a formula
    assert rows[3] == ("  两端空格 ", 1.5, "第一行\n第二行", None)
    assert rows[4] == (None, "nan", None, "#N/A") and sheet["D5"].data_type == "s"
    assert book.sheetnames == ["文件 Filings", "O'Brien & <子>"]


def test_layout_header_style_widths_heights_freeze_filter_page(tmp_path: Path) -> None:
    sheet = load_workbook(_book(tmp_path))["文件 Filings"]

    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:C5"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [30, 8, 40]
    assert sheet.row_dimensions[4].height == 30
    head = sheet["A2"]
    assert head.font.b and head.fill.fgColor.rgb == "FFDDE6F0"
    assert sheet["C4"].alignment.wrap_text and sheet["A4"].alignment.vertical == "top"
    assert not sheet["A3"].font.b
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9


def test_the_same_rows_give_the_same_bytes(tmp_path: Path) -> None:
    first = _book(tmp_path).read_bytes()
    second = _book(tmp_path).read_bytes()

    assert first == second
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        assert z.testzip() is None
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_column_letters() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
