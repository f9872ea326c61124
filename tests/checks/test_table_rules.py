"""The table rules on the shapes of statistics.md: planted errors found, clean tables silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check_path

FORM = """社会服务统计月报表
表    号：MZ-01          制表机关：民政部          批准机关：国家统计局
编制单位：青禾县民政局    地区编码：430999000000    2025年9月

| 指标名称 | 单位 | 代码 | 本月数 | 上月数 | 环比(%) |
| 甲 | 乙 | 丙 | 1 | 2 | 3 |
| 一、社会救助 | | | | | |
| （一）最低生活保障 | | | | | |
| 1.城市低保户数 | 户 | 1101 | 1,236 | 1,250 | -1.12 |
| 2.城市低保人数 | 人 | 1102 | 2,048 | 2,071 | -1.11 |
| 其中：当月新增 | 人 | 1103 | 35 | | |
| 当月退出 | 人 | 1104 | 58 | | |
| 3.城市低保累计支出 | 万元 | 1105 | 1,371.52 | 1,218.40 | 12.57 |
| （1）城市低保金 | 万元 | 1106 | 1,282.30 | 1,139.06 | 12.58 |
| （2）城市低保临时补助 | 万元 | 1107 | 89.22 | 79.34 | 12.45 |
| 4.城市低保平均标准 | 元/人、月 | 1108 | 780 | 780 | 0.00 |
| 5.城市低保月人均补助水平 | 元/人、月 | 1109 | 652 | 650 | 0.31 |
| （二）特困人员救助供养 | | | | | |
| 1.特困人员人数 | 人 | 1201 | 642 | 640 | 0.31 |
| 其中：集中供养人数 | 人 | 1202 | 198 | 197 | 0.51 |
| 分散供养人数 | 人 | 1203 | 440 | 443 | -0.68 |
| 2.特困供养累计支出 | 万元 | 1204 | 1,105.6 | 980.2 | 11.79 |
"""
CLEAN_FORM = FORM.replace("| 642 | 640 | 0.31 |", "| 638 | 640 | -0.31 |").replace("11.79", "12.79")

SPACES = """青禾县民政局2025年9月份民政统计月报
来源：青禾县民政局 时间：2025-10-10
指标名称 单位 数量 上期 环比
城乡低保支出 万元 2,310.8 2,051.6 12.63
(1)城市低保支出 万元 1,371.5 1,218.4 12.57
(2)农村低保支出 万元 939.3 833.2 12.73
城市低保人数 2,048 2,071 -1.11
农村低保人数 3,612 3,650 -1.04
附件下载
"""

CELLS = ("指 标\n|\n单 位\n|\n数 量\n|\n城市居民最低生活保障人数\n|\n万人\n|\n1.86\n|\n"
         "城市最低生活保障月人均支出水平\n|\n元/人、月\n|\n655\n|\n"
         "城市最低生活保障当月计划支出\n|\n万元\n|\n1218.3\n|\n")


def check(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    report = check_path(path)
    return [(f.rule, f.message_zh) for f in report.findings if f.rule.startswith("table.")]


def test_the_form_of_statistics_md_has_its_two_planted_errors(tmp_path: Path) -> None:
    assert check(tmp_path, FORM) == [
        ("table.part-sum", "1.特困人员人数（本月数）：198 + 440 = 638，而表中合计为642"),
        ("table.change-rate", ("2.特困供养累计支出（环比(%)）：(1,105.6 − 980.2) ÷ 980.2 × 100 "
                              "= 12.79%，表中为11.79%")),
    ]


def test_the_corrected_form_is_silent(tmp_path: Path) -> None:
    assert check(tmp_path, CLEAN_FORM) == []


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("| 197 | 0.51", "| 199 | -0.50", "table.part-sum"),  # the previous-month column
    ("| 35 |", "| 45 |", "table.stock-flow"),  # 2,071 + 45 − 58 ≠ 2,048
    ("| 652 | 650 | 0.31", "| 790 | 650 | 21.54", "table.average-above-standard"),
    ("| 万元 | 1105 |", "| 1105 | 万元 |", "table.layout-fault"),
])
def test_each_planted_error_is_found(tmp_path: Path, old: str, new: str, rule: str) -> None:
    assert old in CLEAN_FORM
    assert [r for r, _ in check(tmp_path, CLEAN_FORM.replace(old, new))] == [rule]


def test_space_separated_web_copy(tmp_path: Path) -> None:
    assert check(tmp_path, SPACES) == []
    # Within rounding (one decimal, two parts: ±0.1) stays silent; beyond it is an error.
    assert check(tmp_path, SPACES.replace("2,310.8 2,051.6 12.63", "2,310.9 2,051.6 12.64")) == []
    found = check(tmp_path, SPACES.replace("2,310.8 2,051.6 12.63", "2,320.8 2,051.6 13.12"))
    assert found == [("table.part-sum",
                      "城乡低保支出（数量）：1,371.5 + 939.3 = 2,310.8，而表中合计为2,320.8")]


def test_one_cell_per_line_average_product(tmp_path: Path) -> None:
    assert check(tmp_path, CELLS) == []  # 1.86万人 × 655元 = 1,218.3万元
    (rule, message), = check(tmp_path, CELLS.replace("1218.3", "1518.3"))
    assert rule == "table.average-product" and "1,218.3万元" in message


def test_cumulative_below_the_quarter(tmp_path: Path) -> None:
    text = ("青禾县民政局2025年三季度社会救助统计季报\n"
            "指标\t单位\t本季\t本年累计\t上年同期\t同比(%)\n"
            "临时救助\t人次\t310\t290\t876\t-66.89\n"
            "临时救助支出\t万元\t38.6\t110.58\t104.22\t6.10\n")
    assert [r for r, _ in check(tmp_path, text)] == ["table.cumulative-below-period"]


def test_partial_qizhong_list_only_bounds_its_total(tmp_path: Path) -> None:
    text = "指标名称\t单位\t本月数\n临时救助\t人次\t500\n其中：因病\t人次\t120\n因灾\t人次\t80\n"
    assert check(tmp_path, text) == []
    (rule, message), = check(tmp_path, text.replace("\t120", "\t320").replace("\t80", "\t260"))
    assert rule == "table.part-sum" and "320 + 260 = 580" in message


def test_the_next_indicator_after_a_qizhong_list_is_not_one_of_its_parts(tmp_path: Path) -> None:
    text = ("指标名称 单位 本月数\n城市低保人数 人 2,048\n其中：女性 人 1,100\n"
            "农村低保人数 人 3,612\n城乡低保人数 人 5,660\n")
    assert check(tmp_path, text) == []
    (rule, message), = check(tmp_path, text.replace("5,660", "5,760"))
    assert rule == "table.part-sum" and "2,048 + 3,612 = 5,660" in message
