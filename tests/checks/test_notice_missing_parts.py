"""A notice, 实施方案 or 填写说明 read from a document that lacks a required part (成文日期,
发文机关, 标题) is what it is: info saying that generating it needs the part. The generator's
input without the part is an error: one severity per situation, like notice.missing-doc-number
and notice.missing-colophon."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from nianbao.checks import CheckContext, default_registry
from nianbao.generate.notice_input import load_notice
from nianbao.model import Finding, Record
from nianbao.pipeline import check
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "notice" / "my_notice.yaml"

NO_DATE_WITH_PLAN = """互助县民政局

关于印发《互助县养老服务质量提升行动实施方案》的通知
互民字〔2025〕15号

各乡镇人民政府：

现将《互助县养老服务质量提升行动实施方案》印发给你们，请认真贯彻落实。

附件：互助县养老服务质量提升行动实施方案

互助县养老服务质量提升行动实施方案

一、工作目标

到2025年底，全县养老机构护理型床位占比达到60%。

二、实施步骤

（一）动员部署阶段（5月—6月）。
（二）组织实施阶段（7月—11月）。
"""

FILLING_GUIDE = """2025年度社会组织年度检查填写说明

一、填写要求。各社会组织应如实填写年检报告书，不得漏项。

二、报送时间。请于2026年3月31日前报送。

三、联系人：王芳，电话：0971-1234567。
"""

ANNUAL_REPORT_NOTICE = """海东市民政局文件

海民发〔2025〕21号                签发人：李明

关于开展2025年度事业单位法人年度报告工作的通知

各县区民政局，局属各事业单位：

根据《事业单位登记管理暂行条例》，现就2025年度事业单位法人年度报告工作通知如下。

一、报告时间。2026年1月1日至3月31日。

二、报告内容。包括开办资金、净资产、从业人数等，请按时报送。

海东市民政局
2025年12月5日
"""

UNDATED_NOTICE = """关于开展困难群众救助政策宣传月活动的通知

各乡镇民政办：

现就开展宣传月活动有关事项通知如下，请认真组织。

一、活动时间：6月1日至6月30日。
"""


def findings(tmp_path: Path, name: str, text: str) -> list[Finding]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = check(path)
    assert report.record.kind == "notice"
    return report.findings


@pytest.mark.parametrize("name,text", [
    ("plan.txt", NO_DATE_WITH_PLAN), ("guide.txt", FILLING_GUIDE), ("undated.txt", UNDATED_NOTICE),
])
def test_a_missing_date_read_from_a_document_is_info(tmp_path: Path, name: str,
                                                     text: str) -> None:
    found = findings(tmp_path, name, text)
    assert [f for f in found if f.severity == "error"] == []
    missing = [f for f in found if f.rule == "schema.required"]
    assert [f.params["field"] for f in missing] == ["date"]
    assert missing[0].severity == "info"
    assert "成文日期" in missing[0].message_zh and "generate notice" in missing[0].message_zh
    assert "generate notice" in missing[0].message_en


def test_an_annual_report_notice_stays_a_clean_notice(tmp_path: Path) -> None:
    """A notice about annual reports is a notice, and a complete one has no error or warning."""
    found = findings(tmp_path, "annual-report-notice.txt", ANNUAL_REPORT_NOTICE)
    assert [(f.rule, f.severity) for f in found if f.severity != "info"] == []
    assert not [f for f in found if f.rule.startswith("schema.")]


def test_the_generators_input_without_a_date_is_an_error() -> None:
    fields = copy.deepcopy(load_notice(EXAMPLE))
    fields.pop("date")
    context = CheckContext(Record(kind="notice", fields=fields), None)
    missing = [f for f in default_registry().run(context) if f.rule == "schema.required"]
    assert [(f.params["field"], f.severity) for f in missing] == [("date", "error")]
    assert "成文日期" in missing[0].message_zh
    assert "generate notice" not in missing[0].message_zh


def test_an_undated_guide_is_about_the_year_in_its_title(tmp_path: Path) -> None:
    path = tmp_path / "guide.txt"
    path.write_text(FILLING_GUIDE, encoding="utf-8")
    assert check(path).record.year == 2025
    numbered = "2025年度社会组织年度检查填写说明\n门民发〔2026〕3号\n" + FILLING_GUIDE.split("\n", 1)[1]
    path.write_text(numbered, encoding="utf-8")
    report = check(path)
    assert report.record.fields["doc_number"] == "门民发〔2026〕3号"
    assert [f for f in report.findings if f.rule == "notice.doc-number"] == []
