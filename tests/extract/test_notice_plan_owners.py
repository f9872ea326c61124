"""A 实施方案 task written as one paragraph ends with its owners in brackets:
（一）标题。内容。（责任单位：县民政局、县消防救援大队）. They are the task's owners, so
notice.task-without-owner stays silent; a task without them is still reported."""

from __future__ import annotations

from nianbao.checks import CheckContext, Registry
from nianbao.checks import notice as notice_rules
from nianbao.extract.notice import parse
from nianbao.extract.txt_reader import blocks
from nianbao.model import Document, Source

PLAN = """互助土族自治县民政局
关于印发《互助县养老服务质量提升行动实施方案》的通知
各乡镇人民政府：
现将实施方案印发给你们，请认真贯彻落实。
互助土族自治县民政局
2025年4月15日
互助县养老服务质量提升行动实施方案
一、重点任务
（一）开展养老机构安全隐患排查。6月底前完成全县12家养老机构消防安全排查。（责任单位：县民政局、县消防救援大队）
（二）提升护理服务能力。全年培训养老护理员不少于150人次。
（责任单位：县民政局、县人社局）
（三）推进居家社区养老服务。为300户特殊困难老年人家庭实施适老化改造。
"""


def test_owners_at_the_end_of_a_one_paragraph_task() -> None:
    document = Document(Source("plan.txt", "0" * 64, "txt"), blocks(PLAN))
    record = parse(document)
    tasks = record.fields["plan"]["sections"][0]["tasks"]
    assert [t["owners"] for t in tasks] == [["县民政局", "县消防救援大队"], ["县民政局", "县人社局"], []]
    assert tasks[0]["paragraphs"] == ["6月底前完成全县12家养老机构消防安全排查。"]
    registry = Registry()
    registry.add(notice_rules.task_without_owner)
    found = registry.run(CheckContext(record, document))
    assert [f.params["task"] for f in found] == ["推进居家社区养老服务"]
