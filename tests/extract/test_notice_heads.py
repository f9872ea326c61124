"""Heads of real notices: a 版头 with 份号, 紧急程度, a joint issue's marks and the 发文字号
above the title is still a notice (it was read as a work summary); a web copy's metadata block
(索引号：… 发文字号：…) is not the title; a joint signature on one line is two organs."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check

BODY = """关于提高2025年城乡低保标准的通知
各乡镇人民政府：
经区政府同意，城市低保标准由每人每月735元提高到765元。
{signature}
2025年2月18日
"""
JOINT = "平安区民政局\n平安区财政局\n文件\n平民〔2025〕5号\n" + BODY
URGENT = "000123\n特急\n平安区民政局文件\n平民〔2025〕5号\n" + BODY
WEB = ("索引号：11632100MB1234567X/2025-00123    主题分类：民政\n发布机构：平安区民政局    "
       "成文日期：2025年02月18日\n标题：关于提高2025年城乡低保标准的通知\n"
       "发文字号：平民〔2025〕5号    发布日期：2025年02月20日\n\n" + BODY)
SUMMARY = "平安区民政局\n平安区民政局2025年工作总结\n2025年，全区城市低保标准提高到每人每月765元。\n"


@pytest.mark.parametrize("head", [JOINT, URGENT, WEB])
def test_notice_heads(tmp_path: Path, head: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(head.format(signature="平安区民政局"), encoding="utf-8")
    report = check(path)
    assert report.record.kind == "notice"
    fields = report.record.fields
    assert fields["title"] == "关于提高2025年城乡低保标准的通知"
    assert fields["doc_number"] == "平民〔2025〕5号"
    assert fields["recipients"] == "各乡镇人民政府"
    assert [f for f in report.findings if f.severity == "error"] == []


def test_joint_signature_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(JOINT.format(signature="平安区民政局        平安区财政局"), encoding="utf-8")
    fields = check(path).record.fields
    assert fields["issuers"] == ["平安区民政局", "平安区财政局"]
    assert fields["signature"] == ["平安区民政局", "平安区财政局"]


def test_a_summary_under_its_organ_stays_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "summary.txt"
    path.write_text(SUMMARY, encoding="utf-8")
    assert check(path).record.kind == "work_summary"


PAGE = """首页 > 信息公开 > 通知公告
【字体：大 中 小】   发布时间：2025-02-20 10:21   来源：平安区民政局   浏览次数：1024
""" + BODY + """打印本页  关闭窗口
分享到：
"""


def test_a_web_page_around_the_notice(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(PAGE.format(signature="平安区民政局"), encoding="utf-8")
    report = check(path)
    fields = report.record.fields
    assert report.record.kind == "notice"
    assert fields["title"] == "关于提高2025年城乡低保标准的通知"
    assert fields["recipients"] == "各乡镇人民政府"
    assert fields["date"] == "2025-02-18"
    assert fields["plan"] is None


def test_a_letter_is_read_as_a_notice(tmp_path: Path) -> None:
    """A 函 has a notice's parts (标志, 发文字号, 主送, 成文日期) and is read the same way."""
    path = tmp_path / "letter.txt"
    path.write_text("青海省民政厅\n关于商请提供2025年度低保对象医疗救助数据的函\n青民函〔2025〕77号\n"
                    "省医保局：\n请于12月15日前提供2025年1—11月低保对象医疗救助数据。\n青海省民政厅\n"
                    "2025年12月1日\n", encoding="utf-8")
    report = check(path)
    assert report.record.kind == "notice"
    assert report.record.fields["doc_number"] == "青民函〔2025〕77号"
    assert report.record.fields["recipients"] == "省医保局"
