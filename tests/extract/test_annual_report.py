"""The annual-report parser on both layouts and the label variants filers and OCR produce."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.extract import read
from nianbao.extract.annual_report import infer_year, parse
from nianbao.model import Record
from tests.conftest import SEED_000, SEED_004


def parse_text(tmp_path: Path, text: str) -> Record:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return parse(read(path))


def test_current_layout_seed_000() -> None:
    f = parse(read(SEED_000.with_suffix(".txt"))).fields
    assert f["credit_code"] == "12430681593289443F"
    assert f["report_year"] == 2025
    assert f["name"] == "汨罗市社会救助服务中心"
    assert f["legal_representative"] == "邹建波"
    assert f["address"] == "汨罗市城西开发区民政局机关大院内"
    assert f["registered_capital_wan"] == Decimal("49.0")
    assert (f["net_assets_begin_wan"], f["net_assets_end_wan"]) == (Decimal("259.90"), Decimal("236.18"))
    assert f["staff_count"] == 14
    assert f["submitted_on"] == "2026-03-04"
    assert f["filler"] == "傅蔚霞" and f["phone"] is None  # "_____" is a blank, not a number
    # The change row sits above its label and the activities label is missing:
    assert f["change_registration"] == "我单位今年以来未发生变更事项"
    assert f["activities"].startswith("2025年,社会救助工作坚持")
    assert "同心圆" in f["activities"]
    # Distorted labels still map to their rows.
    assert f["licenses"] == f["awards_and_litigation"] == f["donations"] == "无"
    assert f["layout"] == "current_2014plus"


def test_legacy_layout_seed_004() -> None:
    record = parse(read(SEED_004.with_suffix(".txt")))
    f = record.fields
    assert f["credit_code"] is None and f["submitted_on"] is None
    assert f["funding_source"] == "全额拨款"  # label printed as 经济来源
    assert f["registered_capital_wan"] == Decimal("1.45")  # "1.45万元"
    assert (f["net_assets_begin_wan"], f["net_assets_end_wan"]) == (Decimal("0.75"), Decimal("0.93"))
    assert f["online_name"] == "麟游县城乡居民最低生活保障管理中心.公益"
    assert f["staff_count"] == 7  # "从业人数 7" in one cell
    assert f["donations"] == "无"  # label printed as 接收捐赠…
    assert f["report_year"] == 2022  # not on the form: inferred from the text, with a note
    assert [n.rule for n in record.notes] == ["report.year-inferred"]
    assert f["layout"] == "legacy"


def test_value_printed_above_its_label(tmp_path: Path) -> None:
    f = parse_text(tmp_path, "单位名称 甲中心\n网上名称\t甲中心.公益\t从业人数\t3\n"
                   "本年度未发生变更事项\n对《条例》和实施细则有关变更登记规定的执行情况\n"
                   "2024年，我中心完成了低保审核工作。\n相关资质认可或执业许可证明文件及有效期\t无\n").fields
    assert f["change_registration"] == "本年度未发生变更事项"
    assert f["activities"] == "2024年，我中心完成了低保审核工作。"
    assert f["licenses"] == "无"


def test_label_split_across_lines_and_spaced(tmp_path: Path) -> None:
    f = parse_text(tmp_path, "宗旨和 业务范围\t负责低保审批。\n住 所\t某县民政局\n"
                   "对《条例》和\n实施细则有关\n变更登记规定的执行\n情况\n无变更。\n"
                   "开展业务活动情况\n全年保障低保对象100户。\n").fields
    assert f["purpose_and_scope"] == "负责低保审批。"
    assert f["address"] == "某县民政局"
    assert f["change_registration"] == "无变更。"
    assert f["activities"] == "全年保障低保对象100户。"


def test_footer_line_with_several_labels(tmp_path: Path) -> None:
    f = parse_text(tmp_path, "填表人：张三 联系电话：0731-1234567\n报送日期：2026年2月1日\n").fields
    assert (f["filler"], f["phone"], f["submitted_on"]) == ("张三", "0731-1234567", "2026-02-01")


def test_amount_in_yuan_is_converted_and_bad_amount_noted(tmp_path: Path) -> None:
    record = parse_text(tmp_path, "开办资金\t490000元\n年初数（万元）\t年末数（万元）\n十二点五\t3.50\n")
    assert record.fields["registered_capital_wan"] == Decimal("49.0000")
    assert record.fields["net_assets_begin_wan"] is None
    assert record.fields["net_assets_end_wan"] == Decimal("3.50")
    assert [(n.rule, n.pointer) for n in record.notes] == [("text.unit", "/record/net_assets_begin_wan")]


@pytest.mark.parametrize("texts,year", [
    (("2022年能遵守…", "2022年我单位…2023年工作计划"), 2022),
    (("无",), None),
])
def test_infer_year(texts: tuple[str, ...], year: int | None) -> None:
    assert infer_year(*texts) == year


def test_the_year_of_a_form_without_one_is_the_year_before_its_submission() -> None:
    from nianbao.extract.annual_report import year_before

    assert year_before("2026-03-04") == 2025
    assert year_before("2026-06-30") == 2025
    assert year_before("2025-12-20") is None  # not the spring after a year: no guess
    assert year_before(None) is None and year_before("2026年3月") is None


def test_figures_of_every_prose_row_are_facts(tmp_path: Path) -> None:
    text = SEED_000.with_suffix(".txt").read_text(encoding="utf-8").replace(
        "接受捐赠资助及其使用情况\t无",
        "接受捐赠资助及其使用情况\t接受社会捐赠物资折合3.2万元，全部用于改善供养人员生活。")
    record = parse_text(tmp_path, text)
    donated = [f for f in record.facts if f.text.startswith("接受社会捐赠物资折合3.2万元")]

    assert len(donated) == 1 and donated[0].amount_yuan == Decimal("32000")
    assert record.facts[-1] is donated[0]  # after the activities' figures, in form order
