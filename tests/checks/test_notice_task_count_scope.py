"""notice.task-count compares the tasks the text announces with the tasks listed; a task that
counts its own things (组织开展三项行动，即…) announces nothing about the task list."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check

PLAN = """化隆县民政局
关于印发《化隆县社会救助集中整治工作方案》的通知
各乡镇人民政府：
现将工作方案印发给你们，请认真贯彻执行。
化隆县民政局
2025年3月3日
化隆县社会救助集中整治工作方案
一、工作目标
{goal}
二、主要任务
（一）开展低保对象排查。全面排查在保对象。（责任单位：社会救助股）
（二）开展特困人员核查。重点核查生活自理能力评估情况。（责任单位：社会救助股）
（三）开展资金专项检查。联合财政部门开展两次专项检查。（责任单位：计划财务股）
（四）开展作风纪律整顿。组织开展三项行动，即政策宣讲、入户走访、问题整改。（责任单位：办公室）
"""


@pytest.mark.parametrize("goal,announced", [
    ("通过集中整治，推动解决一批群众急难愁盼问题。", []),
    ("围绕四项重点任务开展集中整治。", []),
    ("围绕五项重点任务开展集中整治。", [5]),
])
def test_only_text_outside_the_tasks_announces_them(tmp_path: Path, goal: str,
                                                     announced: list[int]) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.format(goal=goal), encoding="utf-8")
    found = [f for f in check(path).findings if f.rule == "notice.task-count"]
    assert [f.params["announced"] for f in found] == announced
    assert all(f.params["listed"] == 4 for f in found)
