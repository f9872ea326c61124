"""Small files that describe something enormous: refused (or read) at once, never a hang.

Each hostile file is built here from a real fixture, in a temporary folder."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from nianbao.errors import UnreadableInput
from nianbao.extract import read
from nianbao.text import regions
from tests.conftest import CLEAN_RECORD, nianbao

STATISTICS = Path(__file__).resolve().parent.parent / "fixtures" / "statistics"


def patched_workbook(target: Path, edit: str) -> Path:
    """form_planted.xlsx with every sheet's merged ranges replaced by `edit`."""
    source = zipfile.ZipFile(STATISTICS / "form_planted.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<mergeCells[^>]*>.*?</mergeCells>", b"", data, flags=re.S)
                data = data.replace(b"</sheetData>", b"</sheetData>" + edit.encode())
            out.writestr(item.filename, data)
    target.write_bytes(buffer.getvalue())
    return target


def test_a_merged_range_over_the_whole_sheet_is_refused_before_loading(tmp_path: Path) -> None:
    # One range A1:XFD1048576 in a 10 KB file: openpyxl would build an object per cell
    # (minutes, then out of memory); the package check refuses it first.
    path = patched_workbook(tmp_path / "merged.xlsx", '<mergeCells count="1">'
                            '<mergeCell ref="A1:XFD1048576"/></mergeCells>')
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert "merged cells cover over 2,000,000 cells" in caught.value.message_en
    result = nianbao("check", str(path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "合并单元格过大" in result.stderr


def test_ordinary_merged_headers_are_still_read(tmp_path: Path) -> None:
    path = patched_workbook(tmp_path / "merged.xlsx", '<mergeCells count="2">'
                            '<mergeCell ref="A1:F1"/><mergeCell ref="$B$2:$C$3"/></mergeCells>')
    assert read(path).blocks


def test_a_region_name_deep_inside_a_huge_name_is_not_searched() -> None:
    # A name (schema limit 100 characters) or an address (200) longer than 1,000 characters is
    # already an error; the region check looks at its start only, so 10 MB costs no minutes.
    assert regions.matches("430681", "汨罗市" + "x" * 5_000) is True
    assert regions.matches("430681", "x" * 10_000_000 + "汨罗市") is None


@pytest.mark.slow
def test_a_record_with_a_10_mb_name_is_checked(tmp_path: Path) -> None:
    data = json.loads(CLEAN_RECORD.read_text(encoding="utf-8"))
    data["record"]["name"] = "汨" * 3_000_000 + "x" * 7_000_000
    path = tmp_path / "long-name.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = nianbao("check", str(path), "--format", "json")
    assert result.returncode == 1
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "schema.maxLength" in rules


@pytest.mark.parametrize(("name", "data"), [
    ("lines.txt", "测\n".encode() * 2_000_000),  # 6 MB: minutes of rules before
    ("pages.txt", b"x\f" * 300_000),
    ("rows.csv", b"a,1\n" * 150_000),
])
def test_a_document_of_too_many_paragraphs_or_rows_is_refused(tmp_path: Path, name: str,
                                                               data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert "too many paragraphs and table rows" in caught.value.message_en
    assert name in caught.value.message_en


def test_blank_lines_do_not_count_as_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"\n" * 1_000_000 + "2025年度报告。".encode())
    assert [b.text for b in read(path).blocks] == ["2025年度报告。"]
