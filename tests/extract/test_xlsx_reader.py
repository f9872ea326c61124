"""The Excel reader: sheets become rows with provenance; hostile workbooks are refused."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from nianbao.errors import UnreadableInput
from nianbao.extract import read
from nianbao.pipeline import check_path


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        for row in rows:
            sheet.append(row)
        first = False
    book.save(path)
    return path


def test_one_sheet_per_county_gives_facts_with_their_sheet(tmp_path: Path) -> None:
    rows: list[list[object]] = [["编制单位：青禾县民政局 2025年9月"],
                                ["指标名称", "单位", "本月数", "上月数"],
                                ["城市低保人数", "人", 2048, "2,071"],
                                ["城市低保累计支出", "万元", 1371.52, None]]
    path = _workbook(tmp_path / "monthly.xlsx", {"青禾县": rows, "白石县": rows})
    document = read(path)
    assert document.source.format == "xlsx" and document.pages == 2
    assert [b.text for b in document.blocks if b.kind == "paragraph"][:2] == [
        "青禾县", "编制单位：青禾县民政局 2025年9月"]
    facts = [f for f in check_path(path).record.facts if f.row is not None]
    assert [(f.page, f.persons or f.amount_yuan, f.qualifier) for f in facts] == [
        (1, 2048, "current"), (1, 2071, "previous_period"), (1, 13715200, "current"),
        (2, 2048, "current"), (2, 2071, "previous_period"), (2, 13715200, "current")]


def test_merged_header_cells_head_every_column_they_span(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["指标名称", "单位", "本期", None, "上期"])
    sheet.merge_cells("C1:D1")
    sheet.append([None, None, "数量", "环比(%)", None])
    sheet.append(["城市低保人数", "人", 2048, -1.11, 2071])
    book.save(tmp_path / "merged.xlsx")
    facts = check_path(tmp_path / "merged.xlsx").record.facts
    assert [(f.qualifier, f.persons, f.percent) for f in facts] == [
        ("current", 2048, None), ("mom", None, Decimal("-1.11")), ("previous_period", 2071, None)]


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "reason"), [
    (b"not a zip at all", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    (_zip({"xl/workbook.xml": b"<w/>", "xl/big.xml": b"0" * 5_000_000}), "zip bomb"),
    (_zip({"xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><w>&e;</w>'}),
     "DTD"),
    (_zip({"word/document.xml": b"<w/>"}), "workbook"),
])
def test_hostile_workbooks_are_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    with pytest.raises(UnreadableInput) as info:
        read(path)
    assert reason in info.value.message_en
