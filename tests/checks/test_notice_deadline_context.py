"""notice.deadline-before-issue reports a task this notice sets with a deadline already past;
next year's deadline (明年3月底前), a recurring one (每年3月31日前) and an earlier notice's
deadline reported as met (此前…要求于6月30日前完成的…，已全部完成) are not such tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check

NOTICE = """青海省民政厅
关于进一步做好低保年审工作的通知
青民函〔2025〕120号
各市州民政局：
截至10月31日，全省已完成低保年审85%。现就有关事项通知如下。
一、{task}
青海省民政厅
2025年11月12日
"""


def deadlines(tmp_path: Path, task: str) -> list[str]:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE.format(task=task), encoding="utf-8")
    return [f.params["deadline"] for f in check(path).findings
            if f.rule == "notice.deadline-before-issue"]


@pytest.mark.parametrize("task", [
    "各地要在明年3月底前完成全部年审工作。",
    "今后每年3月31日前报送上年度年审情况。",
    "请于每月5日前报送上月工作进展。",
    "此前印发的通知要求各地于6月30日前完成的摸底工作，已全部完成。",
    "各地要在2026年3月底前完成全部年审工作。",
])
def test_not_a_past_task(tmp_path: Path, task: str) -> None:
    assert deadlines(tmp_path, task) == []


@pytest.mark.parametrize("task,deadline", [
    ("各地要于10月31日前完成入户走访排查。", "10月31日前"),
    ("各地要在3月底前完成全部年审工作；已完成的要做好归档。", "3月底前"),
])
def test_a_past_deadline_is_still_reported(tmp_path: Path, task: str, deadline: str) -> None:
    assert deadlines(tmp_path, task) == [deadline]
