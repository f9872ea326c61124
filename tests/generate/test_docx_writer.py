"""The DOCX form, read back with python-docx the way the DOCX reader will read it."""

from __future__ import annotations

import importlib.util
import itertools
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate

from nianbao.errors import MissingGlyph, UsageError
from nianbao.generate.atomic import atomic_path, write_atomic
from nianbao.generate.context import build_context
from nianbao.generate.docx_writer import write_docx
from nianbao.resources import template_path
from tests.conftest import ROOT
from tests.generate.records import RECORD

INJECTIONS = ("{{ x }}", "{% if true %}", "<w:t>", "<script>alert(1)</script>", "R&D", "{_{ y }_}")


def table_rows(path: Path) -> list[list[str]]:
    """Each row's cell texts, a merged cell once (python-docx repeats it per grid column)."""
    table = docx.Document(str(path)).tables[0]
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if not cells or cells[-1] != cell.text:
                cells.append(cell.text)
        rows.append(cells)
    return rows


def all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(RECORD, tmp_path_factory.mktemp("docx") / "seed.docx")


def test_cover_lines(seed_docx: Path) -> None:
    lines = [p.text for p in docx.Document(str(seed_docx)).paragraphs if p.text]
    assert lines[:7] == [
        "统一社会信用代码",
        "12430681593289443F",
        "事业单位法人年度报告书",
        "（2025）年度",
        "单位名称：汨罗市社会救助服务中心",
        "法定代表人：邹建波",
        "国家事业单位登记管理局制",
    ]


def test_table_has_labels_and_values_in_official_order(seed_docx: Path) -> None:
    group, assets = "《事业单位法人证书》登载事项", "资产损益情况"
    assert table_rows(seed_docx) == [
        [group, "单位名称", RECORD["name"]],
        [group, "宗旨和业务范围", RECORD["purpose_and_scope"]],
        [group, "住所", RECORD["address"]],
        [group, "法定代表人", "邹建波"],
        [group, "开办资金", "49.0万元"],
        [group, "经费来源", "财政补助（全额）"],
        [group, "举办单位", "汨罗市民政局"],
        [assets, "净资产合计（所有者权益合计）"],
        [assets, "年初数（万元）", "年末数（万元）"],
        [assets, "50.10", "48.20"],
        ["网上名称", RECORD["online_name"], "从业人数", "14"],
        ["对《条例》和实施细则有关变更登记规定的执行情况", RECORD["change_registration"]],
        ["开展业务活动情况", RECORD["activities"]],
        ["相关资质认可或执业许可证明文件及有效期", "无"],
        ["绩效和受奖惩及诉讼投诉情况", "无"],
        ["接受捐赠资助及使用情况", "无"],
        [
            "事业单位委托意见",
            # the signer and date typed after the opinion go into the form's own lines
            "经委托登记管理机构公示我单位年度报告情况\n法定代表人（签名）：邹建波\n单位（盖章）\n"
            "2026年3月4日",
        ],
        [
            "举办单位意见\n（含保密审查意见）",  # broken before the bracket, not as a lone 见）
            RECORD["sponsor_opinion"] + "\n举办单位（盖章）\n\u3000\u3000年\u3000\u3000月\u3000\u3000日",
        ],
    ]


def test_footer_line(seed_docx: Path) -> None:
    last = [p.text for p in docx.Document(str(seed_docx)).paragraphs if p.text][-1]
    assert (
        last == "填表人：傅蔚霞\u3000\u3000联系电话：0730-5223456\u3000\u3000报送日期：2026年3月4日"
    )


def test_paragraph_breaks_become_word_paragraphs(seed_docx: Path) -> None:
    cell = docx.Document(str(seed_docx)).tables[0].rows[12].cells[2]
    assert [p.text for p in cell.paragraphs] == RECORD["activities"].split("\n")


def test_long_activities_are_kept_whole(tmp_path: Path) -> None:
    paras = [
        f"【{i:03d}】" + "困难群众基本生活得到有效保障，救助资金按时足额发放。" * 4
        for i in range(60)
    ]
    record = {**RECORD, "activities": "\n".join(paras)}
    assert len(record["activities"]) > 6000
    out = write_docx(record, tmp_path / "long.docx")
    cell = docx.Document(str(out)).tables[0].rows[12].cells[2]
    assert [p.text for p in cell.paragraphs] == paras


def test_injection_strings_come_out_literally(tmp_path: Path) -> None:
    text = " ".join(INJECTIONS)
    record = {**RECORD, "name": text, "activities": f"{text}。\n第二段 & 完"}
    out = write_docx(record, tmp_path / "inject.docx")
    with zipfile.ZipFile(out) as package:
        assert package.testzip() is None
    document = docx.Document(str(out))  # parses: the XML stayed valid
    assert f"单位名称：{text}" in [p.text for p in document.paragraphs]
    assert table_rows(out)[12] == ["开展业务活动情况", f"{text}。\n第二段 & 完"]


def test_public_copy_has_no_filler_or_phone(tmp_path: Path) -> None:
    out = write_docx(RECORD, tmp_path / "public.docx", public=True)
    text = all_text(out)
    assert "傅蔚霞" not in text
    assert RECORD["phone"] not in text
    assert "公示版" in text
    assert "公示版" not in all_text(write_docx(RECORD, tmp_path / "filed.docx"))


def test_missing_glyph_is_an_error_not_a_blank(tmp_path: Path) -> None:
    out = tmp_path / "glyph.docx"
    with pytest.raises(MissingGlyph) as caught:
        write_docx({**RECORD, "donations": "无\ue000"}, out)
    assert "U+E000" in caught.value.message_en
    assert not out.exists()


def test_all_null_record_gives_a_blank_form(tmp_path: Path) -> None:
    out = write_docx(dict.fromkeys(RECORD), tmp_path / "blank.docx")
    rows = table_rows(out)
    assert rows[0] == ["《事业单位法人证书》登载事项", "单位名称", ""]
    assert rows[12] == ["开展业务活动情况", ""]


def test_same_record_same_bytes(tmp_path: Path) -> None:
    first = write_docx(RECORD, tmp_path / "a.docx").read_bytes()
    assert write_docx(RECORD, tmp_path / "b.docx").read_bytes() == first


def test_unchanged_parts_are_the_templates_in_every_form(tmp_path: Path) -> None:
    """styles.xml and the other parts no form changes are written from one deflated copy:
    each file is still a sound zip with the template's parts in the template's order."""
    with zipfile.ZipFile(template_path("annual_report.docx")) as template:
        original = {name: template.read(name) for name in template.namelist()}
    for i, record in enumerate((RECORD, RECORD | {"activities": "另一份表格。"}, RECORD)):
        out = write_docx(record, tmp_path / f"form-{i}.docx")
        with zipfile.ZipFile(out) as written:
            assert written.testzip() is None
            names = written.namelist()
            assert len(names) == len(set(names))
            for name in ("word/styles.xml", "word/theme/theme1.xml", "word/fontTable.xml"):
                assert written.read(name) == original[name]
            assert ("另一份表格" in written.read("word/document.xml").decode()) == (i == 1)


def test_east_asian_fonts_are_named() -> None:
    with zipfile.ZipFile(template_path("annual_report.docx")) as package:
        styles = package.read("word/styles.xml").decode()
        fonts = package.read("word/fontTable.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in styles
    assert 'w:eastAsia="黑体"' in styles
    assert 'w:eastAsia="方正小标宋简体"' in styles
    assert 'w:name="仿宋_GB2312"' in fonts


def test_template_asks_only_for_context_values() -> None:
    wanted = DocxTemplate(template_path("annual_report.docx")).get_undeclared_template_variables()
    assert wanted <= set(build_context(RECORD))


def test_committed_template_is_what_the_script_builds() -> None:
    script = ROOT / "scripts" / "templates" / "make_annual_report_docx.py"
    spec = importlib.util.spec_from_file_location("make_annual_report_docx", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == template_path("annual_report.docx").read_bytes()


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(b"the filed report")
    with pytest.raises(UsageError):
        write_docx(RECORD, tmp_path / "." / "report.docx", inputs=[source])
    assert source.read_bytes() == b"the filed report"


def test_atomic_write_leaves_nothing_behind_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_bytes(b"half a fi")
        raise RuntimeError("renderer crashed")
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]


def test_libreoffice_never_breaks_a_line_inside_a_number(tmp_path: Path) -> None:
    """Digits are marked as Latin-script text (w:lang w:val="en-US", w:eastAsia="zh-CN", as
    Chinese Word writes); marked zh-CN, LibreOffice broke 1210户 over two lines (12 / 10户)."""
    import os
    import re
    import subprocess

    import pdfplumber

    from tests.generate.test_notice_docx import soffice

    figures = "".join(f"第{i}批保障城市低保{1000 + 37 * i}户{5000 + 101 * i}人，发放{12345 + i}元；"
                      for i in range(1, 40))
    out = write_docx({**RECORD, "activities": figures + "。"}, tmp_path / "figures.docx")
    subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(out)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp_path)})
    with pdfplumber.open(tmp_path / "figures.pdf") as pdf:
        lines = [ln["text"] for page in pdf.pages for ln in page.extract_text_lines()]
    broken = [(a, b) for a, b in itertools.pairwise(lines)
              if re.search(r"\d$", a) and re.match(r"\d", b)]
    assert len(lines) > 40 and not broken, broken
