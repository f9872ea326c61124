"""Web pages and CSV files as Windows and Mac programs save them: read, not refused or emptied.

Before: a page saved as UTF-16 ("Unicode" in Notepad) read as "no text in file"; a page or an MHT
part declaring a charset Python does not know was refused whole; a CSV whose lines end in CR
alone (Excel for Mac) was refused with Python's own English message."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from nianbao.extract import read

PAGE = "<html><body><p>汨罗市社会救助服务中心 2025年度报告</p></body></html>"


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"),
    PAGE.encode("utf-16-le"),
    PAGE.encode("utf-16-be"),
    codecs.BOM_UTF8 + PAGE.replace("<html>", '<html><meta charset="gbk">').encode("utf-8"),
    PAGE.replace("<html>", '<html><meta charset="x-user-defined-typo">').encode("utf-8"),
    PAGE.replace("<html>", '<html><meta charset="x-user-defined-typo">').encode("gb18030"),
], ids=["utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf8-bom-over-meta",
        "unknown-charset-utf8", "unknown-charset-gbk"])
def test_a_web_page_is_read_whatever_its_encoding_says(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(data)
    assert read(path).text == "汨罗市社会救助服务中心 2025年度报告"


def test_an_mht_part_with_an_unknown_charset_is_read(tmp_path: Path) -> None:
    path = tmp_path / "page.mht"
    path.write_bytes(b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n'
                     b'--B\r\nContent-Type: text/html; charset="zz-bogus"\r\n\r\n'
                     + PAGE.encode("utf-8") + b"\r\n--B--\r\n")
    assert read(path).text == "汨罗市社会救助服务中心 2025年度报告"


def test_a_csv_with_mac_line_ends_reads_as_with_windows_ones(tmp_path: Path) -> None:
    lines = ["社会服务统计月报表", "指标,本月数", "城市低保人数,\"1,234\"", "农村低保人数,5678"]
    mac, windows = tmp_path / "mac.csv", tmp_path / "windows.csv"
    mac.write_bytes("\r".join(lines).encode("gb18030"))
    windows.write_bytes("\r\n".join(lines).encode("gb18030"))
    blocks = [(b.kind, b.text) for b in read(mac).blocks]
    assert blocks == [(b.kind, b.text) for b in read(windows).blocks]
    assert blocks == [("paragraph", "社会服务统计月报表"), ("row", "指标\t本月数"),
                      ("row", "城市低保人数\t1,234"), ("row", "农村低保人数\t5678")]


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_a_utf32_text_with_its_mark_is_read_as_utf32(tmp_path: Path, codec: str) -> None:
    # Its mark FF FE 00 00 begins like UTF-16's FF FE: before, it was read as UTF-16 with a NUL
    # after every character, so no field matched and the report looked clean.
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    path = tmp_path / "report.txt"
    path.write_bytes(bom + "统一社会信用代码\n12430681593289443F\n".encode(codec))
    document = read(path)
    assert document.text == "统一社会信用代码\n12430681593289443F"
    assert document.encoding == "utf-32"
