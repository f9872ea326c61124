"""The form as a clerk reads it: signature lines filled in place, labels wrapped whole, headings
as headings, the blank code boxes — read back from the PDF (pdfplumber) and the DOCX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest

from nianbao.generate.docx_writer import write_docx
from nianbao.generate.pdf_writer import write_pdf
from tests.generate.records import RECORD

SIGNED: dict[str, Any] = {
    **RECORD,
    "entrust_opinion": "经委托登记管理机构公示我单位年度报告情况\n法定代表人 傅蔚霞",
    "sponsor_opinion": "该年度报告书情况属实，并经保密审查，可对外公示。\n2026年3月4日",
    "activities": "2025年，社会救助工作坚持兜底线、保民生、促公平。\n一、基本情况\n"
                  "全市城乡低保对象6800户14293人，动态调整低保、\n特困供养对象 3331 人。",
}


def lines(path: Path) -> list[dict[str, Any]]:
    out = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for line in page.extract_text_lines(return_chars=True):
                out.append({"page": number, "text": line["text"], "x0": line["x0"],
                            "font": line["chars"][0]["fontname"]})
    return out


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf(SIGNED, tmp_path_factory.mktemp("form") / "signed.pdf")


def test_signer_and_date_are_printed_once_in_the_forms_own_lines(signed_pdf: Path) -> None:
    texts = [ln["text"] for ln in lines(signed_pdf)]
    assert any(t.endswith("法定代表人（签名）：傅蔚霞") for t in texts)
    assert not any("法定代表人 傅蔚霞" in t for t in texts)
    dates = [t for t in texts if "2026年3月4日" in t and "报送日期" not in t]
    assert len(dates) == 1 and dates[0].endswith("2026年3月4日")
    assert not any("年\u3000\u3000月" in t or "年 月 日" in t for t in texts if "举办" in t)


def test_public_copy_leaves_out_a_filler_who_signed(tmp_path: Path) -> None:
    out = write_pdf(SIGNED, tmp_path / "public.pdf", public=True)
    text = "\n".join(ln["text"] for ln in lines(out))
    assert "傅蔚霞" not in text
    assert "法定代表人（签名）" in text
    document = docx.Document(str(write_docx(SIGNED, tmp_path / "public.docx", public=True)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert not any("傅蔚霞" in c for c in cells)


def test_sponsor_label_wraps_before_its_bracket(signed_pdf: Path) -> None:
    texts = [ln["text"] for ln in lines(signed_pdf)]
    assert any(t.startswith("举办单位意见") for t in texts)
    assert any(t.startswith("（含保密审查意见）") for t in texts)
    assert not any(t.startswith("见）") for t in texts)


def test_section_headings_are_headings_with_the_body_indent(signed_pdf: Path) -> None:
    printed = lines(signed_pdf)
    heading = next(ln for ln in printed if ln["text"].endswith("一、基本情况"))
    first = next(ln for ln in printed if ln["text"].startswith("2025年，社会救助"))
    body = next(ln for ln in printed if ln["text"].startswith("全市城乡低保"))
    assert "Sans" in heading["font"] or "Hei" in heading["font"]  # 黑体, not the body face
    assert "Sans" not in body["font"]
    # the heading starts where a body paragraph's first line does, two characters in
    assert heading["x0"] == pytest.approx(body["x0"], abs=0.5)
    assert heading["x0"] == pytest.approx(first["x0"], abs=0.5)
    assert not any(ln["text"].startswith("特困供养对象") for ln in printed)  # joined again


def test_missing_credit_code_prints_the_blank_boxes(tmp_path: Path) -> None:
    out = write_pdf({**RECORD, "credit_code": None}, tmp_path / "legacy.pdf")
    with pdfplumber.open(out) as pdf:
        cover = pdf.pages[0]
        words = cover.extract_text().splitlines()
        label = cover.search("统一社会信用代码")[0]
        # A border is drawn as the ring between an outer and an inner rectangle: count outers.
        boxes = [r for r in cover.rects if label["bottom"] < r["top"] < label["bottom"] + 40
                 and r["width"] > 18]  # the box is 0.62 cm (17.6 pt) inside its border
    assert words[1] == "事业单位法人年度报告书"  # no empty code line, no stray text
    assert len(boxes) == 18
    document = docx.Document(str(write_docx({**RECORD, "credit_code": None},
                                            tmp_path / "legacy.docx")))
    blank = [p for p in document.paragraphs if p.style.name == "Cover Code Blank"]
    assert len(blank) == 1 and blank[0].text == ""
