"""What every generated PDF shares: Chinese justified on both edges, fonts checked with the fix
named, DOCX output needing no local font."""

from __future__ import annotations

from pathlib import Path

import docx
import pdfplumber
import pytest

from nianbao.errors import MissingFont
from nianbao.generate import weasy
from nianbao.generate.docx_writer import write_docx
from nianbao.generate.fonts import STYLESHEET
from nianbao.generate.pdf_writer import write_pdf
from tests.generate.records import RECORD

LONG = (
    "针对省、市考核评估反馈及自查发现的突出问题，我市将整治工作列为重点民生实事，高位推进，"
    "精准施策。一是强化组织领导，压实整改责任。成立由市委、市政府主要领导挂帅的整改领导小组，"
    "制定专项方案，建立问题台账，实行销号管理。设立镇村两级服务窗口，推行“一次申请、分类认定”，"
    "畅通诉求渠道，切实解决群众“急难愁盼”。截至12月，全年共新增城乡低保1845人、低保边缘家庭"
    "686人，特困供养对象259人；动态调整低保、特困供养对象 3331 人。二是深化精准施策，提升救助"
    "效能。织密防返贫监测网，联合多部门出台《社会救助家庭经济状况核算评估办法实施细则》。"
)


def body_lines(path: Path, marker: str) -> list[dict[str, float | str]]:
    """The printed lines of the paragraph that starts with `marker` (x0, x1 in pt, text), in
    the value column (right of the labels, which start 7.9 cm from the paper's edge)."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            found = page.crop((7.9 / 2.54 * 72, 0, page.width, page.height)).extract_text_lines()
            for i, line in enumerate(found):
                if line["text"].startswith(marker):
                    out = []
                    for ln in found[i:]:
                        out.append({"x0": ln["x0"], "x1": ln["x1"], "text": ln["text"]})
                        if ln["text"].endswith("》。"):
                            return out
    raise AssertionError(f"{marker} not found")


def test_chinese_lines_end_flush_on_both_edges(tmp_path: Path) -> None:
    out = write_pdf({**RECORD, "activities": LONG}, tmp_path / "form.pdf")
    lines = body_lines(out, "针对省")
    assert len(lines) >= 6
    *full, last = lines
    left = min(float(ln["x0"]) for ln in full)
    right = max(float(ln["x1"]) for ln in full)
    assert float(full[0]["x0"]) == pytest.approx(left + 21, abs=0.6)  # indented two characters
    for ln in full:  # every line but the last reaches both edges of the cell
        assert float(ln["x0"]) == pytest.approx(left, abs=0.6) or ln is full[0], ln
        assert float(ln["x1"]) == pytest.approx(right, abs=0.6), ln
    assert float(last["x1"]) < right - 5  # the last line stays short, as typeset text does
    # 禁则: no line starts with closing punctuation or ends with an opening one
    for ln in lines:
        text = str(ln["text"])
        assert text[0] not in "，。、；：）》”", text
        assert text[-1] not in "（《“", text


def test_justify_leaves_latin_lines_alone(tmp_path: Path) -> None:
    latin = "This is an English paragraph with ordinary spaces between its words. " * 6
    out = write_pdf({**RECORD, "activities": latin + "\n" + LONG}, tmp_path / "latin.pdf")
    with pdfplumber.open(out) as pdf:
        words = pdf.pages[2].extract_words() + pdf.pages[1].extract_words()
    assert any(w["text"] == "English" for w in words)  # words were not spaced apart


def test_missing_fonts_name_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasy, "font_files", lambda names: ())
    with pytest.raises(MissingFont) as caught:
        weasy.check_text("正文", STYLESHEET)
    assert caught.value.exit_status == 2  # bad setup, not an internal failure
    assert "texlive-lang-chinese" in caught.value.message_zh
    assert "scripts/setup" in caught.value.message_en


def test_docx_needs_no_local_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasy, "font_files", lambda names: ())
    with pytest.raises(MissingFont):
        write_pdf(RECORD, tmp_path / "form.pdf")
    out = write_docx(RECORD, tmp_path / "form.docx")
    document = docx.Document(str(out))
    fonts = {f.get(docx.oxml.ns.qn("w:eastAsia"))
             for part in (document.element, document.styles.element)
             for f in part.xpath(".//w:rFonts")} - {None}
    assert fonts & {"仿宋_GB2312", "黑体", "方正小标宋简体"}  # the DOCX names the official faces


def test_fallback_faces_are_the_open_gb2312_fonts() -> None:
    families = weasy.families(STYLESHEET)
    assert families.index("FandolFang") < families.index("Noto Serif CJK SC")
