"""The notice parser: seed 003 as a structured record, and the parts other notices have."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.extract import read
from nianbao.extract.notice import parse
from nianbao.extract.txt_reader import blocks
from nianbao.model import Document, Record, Source
from nianbao.text.cn_dates import find_deadlines, parse_period
from nianbao.text.gongwen import split_lead, split_units
from tests.conftest import ROOT

SEED_003 = ROOT / "examples" / "notice" / "003_yunxi_notice.txt"


def notice(text: str) -> Record:
    return parse(Document(Source("notice.txt", "0" * 64, "txt"), blocks(text)))


@pytest.fixture(scope="module")
def seed() -> tuple[Document, Record]:
    document = read(SEED_003)
    return document, parse(document)


def test_example_is_a_byte_copy_of_the_seed() -> None:
    for seeds in (ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")):
        seed = seeds / "003_736aed071ea21500.txt"
        if seed.exists():
            assert SEED_003.read_bytes() == seed.read_bytes()


def test_seed_003_head_and_letter(seed: tuple[Document, Record]) -> None:
    _, record = seed
    fields = record.fields
    assert (record.kind, record.year, record.as_of, record.org) == (
        "notice", 2023, "2023-07", "岳阳市云溪区民政局")
    assert fields["issuers"] == ["岳阳市云溪区民政局"]
    assert fields["doc_number"] is None  # the seed has none (spec §5.5 #1)
    assert fields["title"] == "岳阳市云溪区民政局关于开展社会救助效能提升行动的通知"
    assert fields["recipients"] == "局机关各相关股室（站所、中心），各镇（街道）社会事务综合服务中心"
    assert len(fields["body"]) == 1 and fields["body"][0].startswith("为深入学习贯彻党的二十大精神")
    assert fields["signature"] == ["岳阳市云溪区民政局"]
    assert fields["date"] == "2023-07-06"
    assert fields["attachments"] == [] and fields["note"] is None and fields["colophon"] is None


def test_seed_003_plan_structure(seed: tuple[Document, Record]) -> None:
    plan = seed[1].fields["plan"]
    assert plan["title"] == "岳阳市云溪区社会救助效能提升行动实施方案"
    assert [s["heading"] for s in plan["sections"]] == ["总体要求", "重点工作", "实施步骤", "组织保障"]
    requirements, tasks, steps, safeguards = plan["sections"]
    assert len(requirements["paragraphs"]) == 1
    assert [t["title"] for t in tasks["tasks"]] == [
        "强化社会救助政策制度落实", "推行精准社会救助", "规范社会救助资金管理使用",
        "简化优化社会救助程序", "提升社会救助数智化水平", "加强基层救助经办服务能力建设"]
    assert all(t["owners"] and t["goal"] and t["items"] for t in tasks["tasks"])
    assert tasks["tasks"][2]["owners"] == [
        "规划财务股", "社会救助服务中心", "局机关相关股室", "各镇（街道）社会事务综合服务中心"]
    first = tasks["tasks"][0]
    assert [i["title"] for i in first["items"]] == ["细化实化政策措施", "确保应保尽保、应救尽救",
                                                    "及时足额发放救助保障金"]
    assert first["deadlines"] == [{"text": "4月底", "date": "2023-04-30"}]
    assert [(p["name"], p["period"], p["start"], p["end"]) for p in steps["phases"]] == [
        ("制定方案", "6月", "2023-06", "2023-06"), ("动员部署", "7月", "2023-07", "2023-07"),
        ("组织实施", "7月—11月", "2023-07", "2023-11"), ("建章立制", "9月—10月", "2023-09", "2023-10"),
        ("总结提升", "11月—12月", "2023-11", "2023-12")]
    assert [i["title"] for i in safeguards["items"]] == [
        "加强组织领导", "务求工作实效", "强化督导检查", "强化信息报送"]


def test_page_break_splits_are_joined(seed: tuple[Document, Record]) -> None:
    """'（责任单位：' / '社会救助服务中心…', '基本社' / '会保障性支出', '共享和' / '数据利用…'."""
    tasks = seed[1].fields["plan"]["sections"][1]["tasks"]
    assert tasks[0]["owners"] == ["社会救助服务中心", "各镇（街道）社会事务综合服务中心"]
    assert "基本社会保障性支出" in tasks[1]["items"][0]["text"]
    assert "《社会救助信息共享和数据利用管理办法》" in tasks[4]["items"][0]["text"]
    assert "\n" not in tasks[4]["items"][0]["text"]


def test_evidence_is_the_source_text(seed: tuple[Document, Record]) -> None:
    document, record = seed
    lines = {b.text for b in document.blocks}
    for key in ("issuers", "title", "recipients", "date", "signature", "body/0", "plan/title",
                "plan/sections/1/tasks/0/owners", "plan/sections/2/phases/4"):
        text, prov = record.evidence[key]
        assert all(line in lines for line in text.split("\n")), key
        assert prov.block is not None and document.blocks[prov.block].text == text.split("\n")[0]


NOTICE = """\
岳阳市云溪区民政局
岳阳市民政局
文件
云民发﹝2023﹞第07号
岳阳市云溪区民政局关于做好
困难群众冬春救助工作的通知
各镇（街道）：
现将有关事项通知如下：
一、工作要求
（一）加强组织领导。各镇（街道）要明确专人负责。
（二）严格审核
1.摸排。12月底前完成。
附件：1.冬春救助对象花名册
2.冬春救助资金分配表
岳阳市云溪区民政局
岳阳市民政局
二〇二三年十一月二十日
（联系人：王敏，电话：0730-3722415）
抄送：区人民政府办公室，区财政局。
岳阳市云溪区民政局办公室　2023年11月20日印发
"""


def test_joint_issue_with_document_suffix_and_colophon() -> None:
    fields = notice(NOTICE).fields
    assert fields["issuers"] == ["岳阳市云溪区民政局", "岳阳市民政局"]
    assert fields["mark_suffix"] == "文件"
    assert fields["doc_number"] == "云民发﹝2023﹞第07号"  # kept as written, for the rules
    assert fields["title"] == "岳阳市云溪区民政局关于做好困难群众冬春救助工作的通知"
    assert fields["recipients"] == "各镇（街道）"
    assert fields["body"] == [
        "现将有关事项通知如下：",
        {"level": 1, "title": "工作要求", "text": None},
        {"level": 2, "title": "加强组织领导", "text": "各镇（街道）要明确专人负责。"},
        {"level": 2, "title": "严格审核", "text": None},
        {"level": 3, "title": "摸排", "text": "12月底前完成。"},
    ]
    assert fields["attachments"] == ["冬春救助对象花名册", "冬春救助资金分配表"]
    assert fields["signature"] == ["岳阳市云溪区民政局", "岳阳市民政局"]
    assert fields["date"] == "2023-11-20"  # Chinese numerals read (and flagged by a rule)
    assert fields["note"] == "联系人：王敏，电话：0730-3722415"
    assert fields["colophon"] == {"cc": ["区人民政府办公室", "区财政局"],
                                  "printer": "岳阳市云溪区民政局办公室", "printed_on": "2023-11-20"}
    assert fields["plan"] is None


def test_a_notice_without_date_or_header_still_parses() -> None:
    record = notice("关于开展救助帮扶行动的通知\n各单位：\n请认真落实。\n")
    assert record.fields["title"] == "关于开展救助帮扶行动的通知"
    assert record.fields["body"] == ["请认真落实。"]
    assert record.fields["date"] is None and record.year is None and record.org is None


@pytest.mark.parametrize(("text", "expected"), [
    ("4月底，全面落实", [("4月底", dt.date(2023, 4, 30))]),
    ("于9月5日前报送，11月10日前报送总结", [("9月5日前", dt.date(2023, 9, 5)),
                                           ("11月10日前", dt.date(2023, 11, 10))]),
    ("2024年2月底前完成", [("2024年2月底前", dt.date(2024, 2, 29))]),
    ("10月中旬前", [("10月中旬前", dt.date(2023, 10, 20))]),
    ("年底对全区进行评价", [("年底", dt.date(2023, 12, 31))]),
    ("截至4月底，全区共有", []),  # a past reference, not a deadline
    ("市局将于9月份督导", []),  # an event, not a deadline
    ("制定方案（6月）", []),
])
def test_deadlines(text: str, expected: list[tuple[str, dt.date]]) -> None:
    assert [(d.text, d.date) for d in find_deadlines(text, 2023)] == expected


def test_small_helpers() -> None:
    assert split_units("A、B，各镇（街道、社区）C。") == ["A", "B", "各镇（街道、社区）C"]
    assert split_lead("精准评估救助需求。根据情形开展评估。") == ("精准评估救助需求", "根据情形开展评估。")
    assert split_lead("加强部门信息数据共享利用，落实办法。") == (None, "加强部门信息数据共享利用，落实办法。")
    assert parse_period("7月—11月", 2023) == ("2023-07", "2023-11")
    assert parse_period("2023年12月—2024年2月", None) == ("2023-12", "2024-02")
    assert parse_period("全年", 2023) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="一二（）、。：，1.年月日关于通知局抄送印发附件 \n", max_size=30),
                max_size=25))
def test_arbitrary_lines_never_raise(lines: list[str]) -> None:
    record = notice("\n".join(lines))
    assert record.kind == "notice"
