"""The PDF form, read back with pdfplumber: text per page and the ruled table's cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from nianbao.errors import MissingGlyph, UsageError
from nianbao.generate.context import build_context
from nianbao.generate.fonts import check_glyphs, missing_glyphs, stylesheet_families
from nianbao.generate.pdf_writer import render_html, render_pdf, write_pdf
from nianbao.generate.weasy import LocalFetcher
from nianbao.resources import resource_dir
from tests.generate.records import RECORD

INJECTIONS = ("{{ x }}", "{% if true %}", "<w:t>", "<script>alert(1)</script>", "R&D", "&amp;")


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def table_rows(path: Path) -> list[list[str]]:
    """The ruled table's rows from page 2 on, cells without line wraps; a row continued on the
    next page (its label cell empty there) is joined to the row it continues."""
    rows: list[list[str]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[1:]:
            for table in page.extract_tables():
                for row in table:
                    cells = [c.replace("\n", "") for c in row if c is not None]
                    if rows and cells and cells[0] == "":
                        rows[-1][-1] += "".join(cells[1:])
                    else:
                        rows.append(cells)
    return rows


def render(record: dict[str, Any], out: Path, **kwargs: Any) -> Path:
    """write_pdf, failing on any WeasyPrint warning (a warning is a template bug)."""
    warnings: list[str] = []
    path = write_pdf(record, out, warnings=warnings, **kwargs)
    assert warnings == []
    return path


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(RECORD, tmp_path_factory.mktemp("pdf") / "seed.pdf")


def test_cover_is_page_one(seed_pdf: Path) -> None:
    cover = page_texts(seed_pdf)[0].splitlines()
    assert cover == [
        "统一社会信用代码",
        "12430681593289443F",
        "事业单位法人年度报告书",
        "（2025）年度",
        "单位名称：汨罗市社会救助服务中心",
        "法定代表人：邹建波",
        "国家事业单位登记管理局制",
    ]


def test_table_has_labels_and_values_in_official_order(seed_pdf: Path) -> None:
    assert table_rows(seed_pdf) == [
        ["《事业单位法人证书》登载事项", "单位名称", RECORD["name"]],
        ["宗旨和业务范围", RECORD["purpose_and_scope"]],
        ["住所", RECORD["address"]],
        ["法定代表人", "邹建波"],
        ["开办资金", "49.0万元"],
        ["经费来源", "财政补助（全额）"],
        ["举办单位", "汨罗市民政局"],
        ["资产损益情况", "净资产合计（所有者权益合计）"],
        ["年初数（万元）", "年末数（万元）"],
        ["50.10", "48.20"],
        ["网上名称", RECORD["online_name"], "从业人数", "14"],
        ["对《条例》和实施细则有关变更登记规定的执行情况", RECORD["change_registration"]],
        ["开展业务活动情况", RECORD["activities"].replace("\n", "")],
        ["相关资质认可或执业许可证明文件及有效期", "无"],
        ["绩效和受奖惩及诉讼投诉情况", "无"],
        ["接受捐赠资助及使用情况", "无"],
        [
            "事业单位委托意见",
            "经委托登记管理机构公示我单位年度报告情况法定代表人（签名）：邹建波单位（盖章）2026年3月4日",
        ],
        [
            "举办单位意见（含保密审查意见）",
            RECORD["sponsor_opinion"] + "举办单位（盖章）年 月 日",
        ],
    ]


def test_footer_line_follows_the_table(seed_pdf: Path) -> None:
    last = page_texts(seed_pdf)[-1].splitlines()[-1]
    assert last == "填表人：傅蔚霞 联系电话：0730-5223456 报送日期：2026年3月4日"


def test_metadata_is_pinned_to_the_record(seed_pdf: Path, tmp_path: Path) -> None:
    with pdfplumber.open(seed_pdf) as pdf:
        assert pdf.metadata["CreationDate"] == "D:20260304"
        assert pdf.metadata["Title"] == "汨罗市社会救助服务中心 事业单位法人年度报告书"
    again = render(RECORD, tmp_path / "again.pdf")
    assert again.read_bytes() == seed_pdf.read_bytes()


def test_long_activities_flow_over_pages_without_loss(tmp_path: Path) -> None:
    paras = [
        f"【{i:03d}】" + "困难群众基本生活得到有效保障，救助资金按时足额发放。" * 4
        for i in range(60)
    ]
    record = {**RECORD, "activities": "\n".join(paras)}
    assert len(record["activities"]) > 6000
    out = render(record, tmp_path / "long.pdf")
    assert len(page_texts(out)) >= 5
    rows = table_rows(out)
    activities = next(r for r in rows if r[0] == "开展业务活动情况")
    assert activities[1] == "".join(paras)
    assert rows[-1][0] == "举办单位意见（含保密审查意见）"


def test_injection_strings_come_out_literally(tmp_path: Path) -> None:
    text = " ".join(INJECTIONS)
    record = {**RECORD, "name": text, "activities": f"{text}\n第二段"}
    html = render_html(build_context(record))
    assert "<script>" not in html and "&lt;script&gt;" in html
    out = render(record, tmp_path / "inject.pdf")

    def squeeze(s: str) -> str:  # line wraps and word gaps are layout, not content
        return "".join(s.split())

    assert f"单位名称：{squeeze(text)}" in squeeze(page_texts(out)[0])
    rows = {r[-2]: r[-1] for r in table_rows(out) if len(r) >= 2}
    assert squeeze(rows["单位名称"]) == squeeze(text)
    assert squeeze(rows["开展业务活动情况"]) == squeeze(text) + "第二段"


def test_public_copy_has_no_filler_or_phone(tmp_path: Path) -> None:
    text = "\n".join(page_texts(render(RECORD, tmp_path / "public.pdf", public=True)))
    assert "傅蔚霞" not in text
    assert RECORD["phone"] not in text
    assert "公示版" in text


@pytest.mark.parametrize("char", ["\ue000", "\U0001f9ff"])
def test_missing_glyph_is_an_error_not_a_blank(tmp_path: Path, char: str) -> None:
    out = tmp_path / "glyph.pdf"
    with pytest.raises(MissingGlyph) as caught:
        write_pdf({**RECORD, "activities": f"正文{char}正文"}, out)
    assert f"U+{ord(char):04X}" in caught.value.message_en
    assert not out.exists()


def test_weasyprint_notdef_warning_is_raised_too() -> None:
    # Behind the cmap check: should a blank box still reach the renderer, its warning raises.
    # (U+E000 would not do here: Pango finds it in an unrelated installed symbol font.)
    ctx = build_context({**RECORD, "licenses": "证书\U0001f9ff"})
    with pytest.raises(MissingGlyph) as caught:
        render_pdf(ctx)
    assert "U+1F9FF" in caught.value.message_en


def test_glyph_check_knows_the_stylesheet_fonts() -> None:
    families = stylesheet_families()
    assert families[0] == "仿宋_GB2312"
    assert "Noto Serif CJK SC" in families and "Noto Sans CJK SC" in families
    check_glyphs("事业单位法人年度报告书 12430681593289443F（）《》、，。：；“”\u3000")
    assert missing_glyphs("正常文字\ue000\U0001f9ff\ue000") == ["\ue000", "\U0001f9ff"]


def test_fetcher_serves_only_template_files(tmp_path: Path) -> None:
    root = resource_dir("templates")
    fetcher = LocalFetcher(root)
    assert fetcher.fetch((root / "css" / "annual_report.css").as_uri()).read()
    outside = tmp_path / "secret.css"
    outside.write_text("body{}")
    for url in ("http://example.com/a.css", "https://example.com/", outside.as_uri(),
                (root / ".." / "pyproject.toml").as_uri()):  # fmt: skip
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF the filed report")
    with pytest.raises(UsageError):
        write_pdf(RECORD, source, inputs=[source])
    assert source.read_bytes() == b"%PDF the filed report"
