"""The text reader: encodings detected, never guessed silently wrong; tables become rows."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.errors import UnreadableInput
from nianbao.extract import read
from nianbao.text.normalize import normalize

TEXT = "单位名称\t汨罗市社会救助服务中心\n开办资金 | 49.0 万元 |\n报送日期：２０２６年３月４日\n"


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("gbk", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
])
def test_encodings_give_the_same_document(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + TEXT.encode(encoding))
    doc = read(path)
    assert [b.cells for b in doc.blocks[:2]] == [
        ("单位名称", "汨罗市社会救助服务中心"), ("开办资金", "49.0 万元")]
    assert doc.blocks[2].text == "报送日期：2026年3月4日"  # full-width digits normalised


def test_gbk_file_is_decoded_as_gb18030_not_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("麟游县城乡居民最低生活保障管理中心".encode("gbk"))
    doc = read(path)
    assert doc.encoding == "gb18030"
    assert doc.blocks[0].text == "麟游县城乡居民最低生活保障管理中心"


def test_latin1_bytes_are_refused_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la cr\xe8me".encode("latin-1"))
    with pytest.raises(UnreadableInput, match="encoding"):
        read(path)


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x00\x01\x02binary\x00", "not a text file"),
    ("blank.txt", b"\n\n   \n", "no text"),
])
def test_bad_text_files(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableInput, match=reason):
        read(path)


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="not found"):
        read(tmp_path / "nope.txt")
    odd = tmp_path / "report.numbers"
    odd.write_bytes(b"x")
    with pytest.raises(UnreadableInput, match="unsupported file type"):
        read(odd)


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None)
def test_arbitrary_bytes_raise_only_our_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    try:
        read(path)
    except UnreadableInput:
        pass


@given(st.text(max_size=200))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
