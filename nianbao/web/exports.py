"""Exports of the web app: the reviewer's decisions (XLSX, CSV) and the year's status board
(XLSX), as bytes.

Text stays text: in the XLSX every string cell is written with the string type (a value that
starts with "=" is shown as typed, never run as a formula); in the CSV a value that starts with
= + - @ or a tab/CR gets a leading apostrophe, the usual guard when a spreadsheet opens it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.store.reviews import ACTION_ZH, DivisionRate, StatusRow

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DECISION_COLUMNS = (("filing_id", "报告编号"), ("year", "年度"), ("credit_code", "统一社会信用代码"),
                    ("name", "单位名称"), ("rule", "规则"), ("message", "问题"),
                    ("action", "处理"), ("reason", "理由"), ("user", "审核人"), ("at", "时间"))
STATUS_ZH = {"filed": "已报", "late": "逾期报送", "missing": "未报"}


def csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def _sheet_rows(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for row in rows:
        ws.append([_CONTROL.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "="
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    for i, _ in enumerate(header):
        ws.column_dimensions[chr(ord("A") + i)].width = 18


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _decision_values(row: dict[str, Any]) -> list[Any]:
    values = [row.get(k) for k, _ in DECISION_COLUMNS]
    values[6] = ACTION_ZH.get(str(values[6]), values[6])
    return values


def decisions_xlsx(rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "审核决定"
    _sheet_rows(ws, [zh for _, zh in DECISION_COLUMNS], (_decision_values(r) for r in rows))
    return _workbook_bytes(wb)


def decisions_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([zh for _, zh in DECISION_COLUMNS])
    for row in rows:
        writer.writerow([csv_cell(v) for v in _decision_values(row)])
    return buffer.getvalue().encode("utf-8-sig")


def status_xlsx(rows: list[StatusRow], rates: list[DivisionRate], year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "年报率"
    _sheet_rows(ws, ["区划代码", "区划", "应报", "已报", "逾期报送", "未报", "年报率"],
                ([r.division, r.name, r.expected, r.filed, r.late, r.missing, round(r.rate, 4)]
                 for r in rates))
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "0.0%"
    detail = wb.create_sheet(f"{year}年度报送情况")
    _sheet_rows(detail, ["状态", "统一社会信用代码", "单位名称", "区划代码", "收到日期", "报告编号"],
                ([STATUS_ZH[r.status], r.credit_code, r.name, r.division,
                  r.received.isoformat() if r.received else None, r.filing_id] for r in rows))
    return _workbook_bytes(wb)
