"""An X in a 统一社会信用代码 (the organisation-code check digit, 1 code in 11) or in a 身份证号
is a digit, not a masked figure: text.placeholder stays silent there and still fires on masked
figures next to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.checks.text import PLACEHOLDER
from nianbao.pipeline import check

REPORT = """门源回族自治县殡葬服务站2024年度事业单位法人年度报告书（公示）

单位名称 | 门源回族自治县殡葬服务站
统一社会信用代码 | 1263212371205543X2
宗旨和业务范围 | 为群众提供殡葬服务。
住所 | 门源县浩门镇西郊路6号
法定代表人 | 韩德福
开办资金 | 45万元
经费来源 | 财政补助（差额）
举办单位 | 门源回族自治县民政局
开展业务活动情况 | 2024年，我站共接运遗体{bodies}具，惠及群众398户。
报告年度 | 2024
报送日期 | 2025年3月8日
"""


@pytest.mark.parametrize("text", ["统一社会信用代码\t1263212371205543X2", "代码：12632221439587346X。",
                                  "身份证号63212319800101123X"])
def test_an_x_inside_an_18_character_code_is_not_a_placeholder(text: str) -> None:
    assert PLACEHOLDER.search(text) is None


@pytest.mark.parametrize("text,masked", [("共8472.X万元", "8472.X"), ("保障3xx61人", "3xx61"),
                                         ("20xx7人", "20xx7"), ("XX街道", "XX")])
def test_masked_figures_are_still_placeholders(text: str, masked: str) -> None:
    found = PLACEHOLDER.search(text)
    assert found is not None and found.group(0) == masked


def test_a_report_with_an_x_in_its_code(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT.format(bodies="412"), encoding="utf-8")
    assert not [f for f in check(path).findings if f.rule == "text.placeholder"]
    path.write_text(REPORT.format(bodies="4X2"), encoding="utf-8")
    found = [f for f in check(path).findings if f.rule == "text.placeholder"]
    assert [f.params.get("found", f.evidence) for f in found] != []
    assert all("1263212371205543X2" not in f.message_zh for f in found)
