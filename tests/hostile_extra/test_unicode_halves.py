"""Half a UTF-16 pair (a lone surrogate) can come in as an RTF `\\u55296?`, a JSON `"\\ud800"`
escape or a damaged .xls string. It is no character: no UTF-8 output can hold it, and before
these cases were defended `check` stopped with an internal error (exit 3) on each of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.extract import read
from nianbao.extract.docx_altchunk import rtf_text
from nianbao.pipeline import parse, to_json
from nianbao.text.normalize import normalize
from tests.conftest import CLEAN_RECORD, SEED_000, nianbao


def test_an_rtf_with_lone_surrogates_is_checked_and_its_json_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "halves.rtf"
    path.write_bytes(b"{\\rtf1 \\u55296? \\u-10240? \\u-10179?\\u-8704? 2025\\u24180?"
                     b"\\u24230?\\u25253?\\u21578?}")
    for args in ([], ["--format", "json"]):
        result = nianbao("check", str(path), *args)
        assert result.returncode in (0, 1), result.stderr
        assert "内部错误" not in result.stderr
    data = json.loads(nianbao("check", str(path), "--format", "json").stdout)
    assert "2025年度报告" in json.dumps(data, ensure_ascii=False)


def test_rtf_surrogate_pairs_make_one_character_and_halves_a_replacement() -> None:
    assert rtf_text(b"{\\rtf1 \\u-10179?\\u-8704? \\u55296? x}") == "\U0001F600 \ufffd x"


def test_normalize_replaces_lone_surrogates_and_keeps_real_characters() -> None:
    assert normalize("a\ud800b\udfff\U0001F600") == "a\ufffdb\ufffd\U0001F600"


def test_a_record_with_an_escaped_lone_surrogate_is_refused_naming_the_field(
        tmp_path: Path) -> None:
    text = CLEAN_RECORD.read_text(encoding="utf-8").replace(
        '"邹建波"', '"\\ud800邹建波"', 1)
    path = tmp_path / "half.json"
    path.write_text(text, encoding="utf-8")
    for args in (["check", str(path)], ["check", str(path), "--format", "json"],
                 ["generate", "annual-report", str(path), "-o", str(tmp_path / "out.docx")]):
        result = nianbao(*args)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"nianbao: 无法读取记录文件 {path}：/record/legal_representative 含有不成对的代理码 "
            "\\ud800（不是有效字符）"]
    assert not (tmp_path / "out.docx").exists()


def test_a_record_with_an_escaped_surrogate_pair_is_read(tmp_path: Path) -> None:
    text = CLEAN_RECORD.read_text(encoding="utf-8").replace(
        '"邹建波"', '"邹建波\\ud83d\\ude00"', 1)
    path = tmp_path / "pair.json"
    path.write_text(text, encoding="utf-8")
    result = nianbao("check", str(path), "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "邹建波\U0001F600" in result.stdout


def test_json_output_escapes_a_lone_surrogate_instead_of_failing() -> None:
    text = to_json({"name": "a\ud800"})
    assert text.encode("utf-8") and json.loads(text) == {"name": "a\ud800"}


@pytest.mark.parametrize(("edit", "expected"), [
    ({"record": {"name": ["汨罗", "市"]}}, "/record/name must be text (not list)"),
    ({"org": 5, "record": {"name": "x"}}, "/org must be text (not int)"),
    ({"year": {"a": 1}, "record": {"name": "x"}}, "/year must be an integer (not dict)"),
    ({"record": {"report_year": "2025年", "name": "x"}},
     "/record/report_year must be an integer (not str)"),
])
def test_a_record_value_of_the_wrong_type_is_refused_naming_it(
        tmp_path: Path, edit: dict[str, object], expected: str) -> None:
    # Before, every one of these said "year must be an integer, as_of and org text", whichever
    # it was (and a list as the unit's name is not "org" to the user).
    path = tmp_path / "typed.json"
    path.write_text(json.dumps(edit, ensure_ascii=False), encoding="utf-8")
    result = nianbao("check", str(path), lang="en")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"nianbao: cannot read record file {path}: {expected}"]


def test_a_record_with_an_escaped_nul_is_refused_naming_the_field(tmp_path: Path) -> None:
    # A PostgreSQL store cannot hold NUL: the filing failed with a message blaming the store.
    text = CLEAN_RECORD.read_text(encoding="utf-8").replace('"邹建波"', '"邹\\u0000建波"', 1)
    path = tmp_path / "nul.json"
    path.write_text(text, encoding="utf-8")
    result = nianbao("check", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"nianbao: 无法读取记录文件 {path}：/record/legal_representative 含有空字符 \\u0000（不是文字）"]


def test_a_nul_in_a_document_past_the_sniffed_start_becomes_a_replacement(tmp_path: Path) -> None:
    text = SEED_000.with_suffix(".txt").read_text(encoding="utf-8")
    path = tmp_path / "nul.txt"
    path.write_text("说明" + "。" * 1500 + "\n" + text.replace(
        "汨罗市城西开发区民政局机关大院内", "汨罗市城西开发区\x00民政局机关大院内"), encoding="utf-8")
    assert normalize("a\x00b") == "a\ufffdb"
    record = parse(read(path))
    assert record.fields["address"] == "汨罗市城西开发区\ufffd民政局机关大院内"
