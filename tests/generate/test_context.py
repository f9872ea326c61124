"""The template context: every value formatted once, in Python, ready to print."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.forms import FIELD_NAMES
from nianbao.generate.context import (
    BLANK_DATE,
    BLANK_YEAR,
    LABELS,
    build_context,
    context_text,
    format_capital,
    format_date,
    format_net_assets,
    paragraphs,
)
from tests.generate.records import RECORD as SAMPLE

# The generator tests' sample record, with a two-heading activities text.
RECORD = {**SAMPLE, "activities": "一、基本情况\n二、主要工作"}


def test_record_fixture_has_exactly_the_contract_fields() -> None:
    assert set(RECORD) == set(FIELD_NAMES)


def test_values_are_ready_to_print() -> None:
    ctx = build_context(RECORD)
    assert ctx["credit_code"] == "12430681593289443F"
    assert ctx["report_year"] == "2025"
    assert ctx["registered_capital"] == "49.0万元"
    assert ctx["net_assets_begin"] == "50.10"
    assert ctx["net_assets_end"] == "48.20"
    assert ctx["staff_count"] == "14"
    assert ctx["submitted_on"] == "2026年3月4日"
    # The signer and date typed after the 委托意见 go into the form's own lines; the 举办单位意见
    # has none, so its date line stays blank for the pen.
    assert (ctx["entrust_signer"], ctx["entrust_date"]) == ("邹建波", "2026年3月4日")
    assert ctx["sponsor_date"] == BLANK_DATE
    assert ctx["activities"] == ("一、基本情况", "二、主要工作")
    assert ctx["created"] == "2026-03-04"
    assert ctx["copy_mark"] == ""


@pytest.mark.parametrize(
    ("given_", "printed"),
    [
        (49.0, "49.0"),
        (49, "49.0"),
        ("49", "49.0"),
        (Decimal("49.25"), "49.25"),
        (0.1 + 0.2, "0.3"),  # no float artefact
        (1e2, "100.0"),
        (12.3456789, "12.3457"),  # to the yuan
    ],
)
def test_registered_capital_keeps_at_least_one_decimal(given_: object, printed: str) -> None:
    assert format_capital(given_) == printed


@pytest.mark.parametrize(
    ("given_", "printed"),
    [(259.9, "259.90"), (236.18, "236.18"), (0, "0.00"), (-1.5, "-1.50"), (1.005, "1.01")],
)
def test_net_assets_have_two_decimals(given_: object, printed: str) -> None:
    assert format_net_assets(given_) == printed


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_capital_reads_back_as_the_same_amount(amount: Decimal) -> None:
    assert Decimal(format_capital(amount)) == amount


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False))
def test_net_assets_read_back_as_the_same_amount(amount: Decimal) -> None:
    assert Decimal(format_net_assets(float(amount))) == amount


@pytest.mark.parametrize(
    ("given_", "printed"),
    [
        ("2026-03-04", "2026年3月4日"),
        ("2025-12-31", "2025年12月31日"),
        ("2026-13-01", "2026-13-01"),
    ],
)
def test_dates_are_written_out_without_padding(given_: str, printed: str) -> None:
    assert format_date(given_) == printed


def test_nulls_print_as_blanks() -> None:
    ctx = build_context(dict.fromkeys(FIELD_NAMES))
    assert ctx["name"] == ""
    assert ctx["registered_capital"] == ""  # no lone 万元
    assert ctx["net_assets_begin"] == ""
    assert ctx["report_year"] == BLANK_YEAR
    assert ctx["entrust_date"] == ctx["sponsor_date"] == BLANK_DATE
    assert ctx["activities"] == ("",)  # a cell always gets one paragraph
    assert ctx["created"] == ""


def test_public_copy_leaves_out_the_filler_and_the_phone() -> None:
    ctx = build_context(RECORD, public=True)
    assert ctx["filler"] == "" and ctx["phone"] == ""
    assert ctx["copy_mark"] == "公示版"
    text = context_text(ctx)
    assert "傅蔚霞" not in text and RECORD["phone"] not in text


def test_text_loses_what_a_document_cannot_hold() -> None:
    assert paragraphs("第一段。\r\n第二段。\r第三段。\n") == ("第一段。", "第二段。", "第三段。")
    assert paragraphs("a\x00b\x07c\x0cd\ufffe") == ("abcd",)
    # The form indents each paragraph itself: the text's own leading blanks go.
    assert paragraphs("\u3000\u3000缩进由表格排") == ("缩进由表格排",)
    ctx = build_context({**RECORD, "name": "汨罗市\n社会救助服务中心"})
    assert ctx["name"] == "汨罗市 社会救助服务中心"


def test_labels_are_the_canonical_ones_of_the_current_form() -> None:
    assert [
        LABELS[key]
        for key in (
            "credit_code", "name", "legal_representative", "cert_group", "purpose_and_scope",
            "address", "registered_capital_wan", "funding_source", "sponsor", "assets_group",
            "net_assets", "net_assets_begin_wan", "net_assets_end_wan", "online_name",
            "staff_count", "change_registration", "activities", "licenses",
            "awards_and_litigation", "donations", "entrust_opinion", "sponsor_opinion",
            "filler", "phone", "submitted_on",
        )
    ] == [
        "统一社会信用代码", "单位名称", "法定代表人", "《事业单位法人证书》登载事项",
        "宗旨和业务范围", "住所", "开办资金", "经费来源", "举办单位", "资产损益情况",
        "净资产合计（所有者权益合计）", "年初数（万元）", "年末数（万元）", "网上名称",
        "从业人数", "对《条例》和实施细则有关变更登记规定的执行情况", "开展业务活动情况",
        "相关资质认可或执业许可证明文件及有效期", "绩效和受奖惩及诉讼投诉情况",
        "接受捐赠资助及使用情况", "事业单位委托意见", "举办单位意见（含保密审查意见）",
        "填表人", "联系电话", "报送日期",
    ]  # fmt: skip


def test_context_text_holds_every_value_and_label() -> None:
    text = context_text(build_context(RECORD))
    for needle in ("汨罗市民政局", "二、主要工作", "49.0万元", "开展业务活动情况"):
        assert needle in text


def test_lines_broken_by_a_page_break_are_joined_again() -> None:
    text = ("切实解决群众“急难愁盼”，全年共新增城乡低保1845人、低保边缘家庭686人；动态调整低保、\n"
            "特困供养对象 3331 人。\n二、聚焦问题整改，深入开展专项行动\n针对省、市反馈的问题，\n"
            "我市高位推进。\n1.细化政策\n2.确保应保尽保")
    paras = paragraphs(text)
    assert paras == (
        ("切实解决群众“急难愁盼”，全年共新增城乡低保1845人、低保边缘家庭686人；动态调整低保、"
         "特困供养对象 3331 人。"),
        "二、聚焦问题整改，深入开展专项行动",
        "针对省、市反馈的问题，我市高位推进。",
        "1.细化政策",
        "2.确保应保尽保",
    )
    assert [p.heading for p in paras] == [False, True, False, False, False]  # type: ignore[attr-defined]
    assert paragraphs("a line of English\nthat goes on") == ("a line of English that goes on",)


def test_signer_and_date_go_into_the_forms_own_lines() -> None:
    record = {**RECORD, "entrust_opinion": "经委托登记管理机构公示我单位年度报告情况\n法定代表人 傅蔚霞",
              "sponsor_opinion": "该年度报告书情况属实。\n举办单位（盖章）\n2026年3月4日",
              "legal_representative": "邹建波"}
    ctx = build_context(record)
    assert ctx["entrust_opinion"] == ("经委托登记管理机构公示我单位年度报告情况",)
    assert ctx["entrust_signer"] == "傅蔚霞"
    assert ctx["sponsor_opinion"] == ("该年度报告书情况属实。",)
    assert ctx["sponsor_date"] == "2026年3月4日"
    assert ctx["entrust_date"] == BLANK_DATE
    # The 公示 copy names no one but the legal representative.
    public = build_context(record, public=True)
    assert public["entrust_signer"] == ""
    assert "傅蔚霞" not in context_text(public)
    signed = build_context({**record, "entrust_opinion": "同意。\n法定代表人（签名）：邹建波"},
                           public=True)
    assert signed["entrust_signer"] == "邹建波"


@pytest.mark.parametrize(("typed", "body", "signer", "date"), [
    ("经委托登记管理机构公示我单位年度报告情况 法定代表人 邹建波 2026年3月4日",
     ("经委托登记管理机构公示我单位年度报告情况",), "邹建波", "2026年3月4日"),
    ("同意。 单位（盖章） 2026年3月4日", ("同意。",), "", "2026年3月4日"),
    ("我单位于2026年3月4日开会研究，同意。", ("我单位于2026年3月4日开会研究，同意。",), "", BLANK_DATE),
])
def test_a_signature_typed_on_the_opinions_own_line_goes_to_the_forms_lines(
        typed: str, body: tuple[str, ...], signer: str, date: str) -> None:
    ctx = build_context({**SAMPLE, "entrust_opinion": typed})
    assert (ctx["entrust_opinion"], ctx["entrust_signer"], ctx["entrust_date"]) == (body, signer, date)
