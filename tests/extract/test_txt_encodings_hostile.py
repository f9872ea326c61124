"""Text files whose encoding lies or is unmarked: one clear line, or the right text.

Before, a UTF-8 byte-order mark followed by invalid bytes and a UTF-16 byte-order mark followed by
a lone surrogate were internal errors (exit 3), and UTF-16 without a byte-order mark was called
"binary content".
"""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.errors import UnreadableInput
from nianbao.extract import read
from tests.conftest import ROOT, SEED_000

TEXT = "单位名称\t汨罗市社会救助服务中心\n开办资金 | 49.0 万元 |\n报送日期：2026年3月4日\n"


@pytest.mark.parametrize("name,data,words", [
    ("utf8-bom-bad.txt", codecs.BOM_UTF8 + "单位".encode() + b"\xff\xfe\xfd", "UTF-8 byte-order mark"),
    ("utf16-bom-surrogate.txt", codecs.BOM_UTF16_LE + "单位".encode("utf-16-le") + b"\x00\xd8"
     + "名称".encode("utf-16-le"), "UTF-16 byte-order mark"),
    ("utf16be-bom-surrogate.txt", codecs.BOM_UTF16_BE + b"\xdc\x00" + "名称".encode("utf-16-be"),
     "UTF-16 byte-order mark"),
])
def test_a_byte_order_mark_that_lies_is_one_clear_refusal(tmp_path: Path, name: str, data: bytes,
                                                          words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableInput) as caught:
        read(path)

    assert words in caught.value.message_en and str(path) in caught.value.message_en


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(TEXT.encode(encoding))
    doc = read(path)

    assert doc.encoding == encoding
    assert doc.blocks[0].cells == ("单位名称", "汨罗市社会救助服务中心")


def test_a_whole_report_in_utf16_without_bom_is_checked_like_the_utf8_one(tmp_path: Path) -> None:
    text = SEED_000.with_suffix(".txt").read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("utf-16-le"))

    assert read(path).text == read(SEED_000.with_suffix(".txt")).text


@pytest.mark.parametrize("data,encoding", [
    (b"Plain ASCII report text, even length!!", "utf-8"),
    ("麟游县城乡居民最低生活保障管理中心".encode("gbk"), "gb18030"),
    ("汨罗市 2025 年度报告 abc".encode("gb18030"), "gb18030"),
])
def test_other_encodings_are_not_taken_for_utf16(tmp_path: Path, data: bytes,
                                                 encoding: str) -> None:
    assert len(data) % 2 == 0
    path = tmp_path / "x.txt"
    path.write_bytes(data)

    assert read(path).encoding == encoding


def test_cli_exit_2_and_one_line_for_a_lying_bom(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"\xff" * 10)
    result = subprocess.run([sys.executable, "-m", "nianbao", "check", str(path), "--lang", "en"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.txt" in result.stderr
