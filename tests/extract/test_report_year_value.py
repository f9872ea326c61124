"""报告年度 written as 2024年度 or （2024）年度 — the way most forms print it — is the year
2024, with no “cannot read” warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check

REPORT = """单位名称 | 门源回族自治县殡葬服务站
统一社会信用代码 | 1263212371205543X2
宗旨和业务范围 | 为群众提供殡葬服务。
住所 | 门源县浩门镇西郊路6号
法定代表人 | 韩德福
开办资金 | 45万元
举办单位 | 门源回族自治县民政局
开展业务活动情况 | 我站共接运遗体412具。
报告年度 | {year}
报送日期 | 2025年3月8日
"""


@pytest.mark.parametrize("written,year", [("2024年度", 2024), ("（2024）年度", 2024), ("2024", 2024),
                                          ("2024年", 2024)])
def test_report_year_as_written(tmp_path: Path, written: str, year: int) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT.format(year=written), encoding="utf-8")
    report = check(path)
    assert report.record.fields["report_year"] == year
    assert not [f for f in report.findings if f.params.get("field") == "report_year"
                and f.severity != "info"]


def test_an_unreadable_year_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT.format(year="二〇二四年度上半年"), encoding="utf-8")
    found = [f for f in check(path).findings if f.rule == "text.unit"]
    assert [f.params["field"] for f in found] == ["report_year"]


NET_ASSETS = """单位名称 | 门源回族自治县殡葬服务站
开办资金 | 45万元
净资产合计（所有者权益合计） | 年初数（万元） {begin} | 年末数（万元） {end}
从业人数 | 9
报告年度 | 2024
"""


@pytest.mark.parametrize("begin,end,expected", [("128.60", "131.25", (128.6, 131.25)),
                                                ("", "", (None, None))])
def test_a_label_with_its_figure_in_one_cell(tmp_path: Path, begin: str, end: str,
                                             expected: tuple[float | None, float | None]) -> None:
    """The 公示 layout prints 年初数（万元） 128.60 in one cell: label and figure are split."""
    path = tmp_path / "report.txt"
    path.write_text(NET_ASSETS.format(begin=begin, end=end), encoding="utf-8")
    fields = check(path, kind="annual_report").record.fields
    got = (fields["net_assets_begin_wan"], fields["net_assets_end_wan"])
    assert tuple(None if v is None else float(v) for v in got) == expected
