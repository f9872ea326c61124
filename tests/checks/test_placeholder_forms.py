"""A notice may attach a blank form for its recipients (样表): its ×× are the form's blanks,
so text.placeholder stays silent there; a ×× left in the notice itself is still an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check

NOTICE = """海东市民政局
关于报送2025年度养老服务统计数据的通知
海民函〔2025〕45号
各县区民政局：
请于12月20日前按附件格式报送{who}养老服务统计数据。
附件：养老服务统计表（样表）
海东市民政局
2025年12月1日
附件
养老服务统计表（样表）
填报单位：××县民政局（盖章）          填报时间：20××年××月××日
| 指标 | 单位 | 数量 |
| 养老机构数 | 个 | X |
填表人：×××    联系电话：××××××××
"""


@pytest.mark.parametrize("who,placeholders", [("本地区", []), ("××县", ["××"])])
def test_blank_forms_attached_to_a_notice(tmp_path: Path, who: str,
                                          placeholders: list[str]) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE.format(who=who), encoding="utf-8")
    report = check(path)
    assert report.record.kind == "notice"
    found = [f.params["placeholder"] for f in report.findings if f.rule == "text.placeholder"]
    assert found == placeholders


def test_a_summary_with_the_same_lines_is_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "summary.txt"
    path.write_text("××县民政局2025年工作总结\n填报单位：××县民政局（盖章）\n全年保障低保对象120户。\n",
                    encoding="utf-8")
    assert [f for f in check(path).findings if f.rule == "text.placeholder"]
