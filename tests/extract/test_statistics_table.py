"""Statistics tables: units stated once in the row label or header, qualifiers from columns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from nianbao.extract import read
from nianbao.pipeline import detect_kind, parse

TABLE = """湛河区2025年10月社会救助统计月报
指标\t本月\t上月\t本年累计\t同比
城市低保户数（户）\t832\t830\t832\t1.2%
城市低保人数（人）\t1155\t1150\t1155\t-0.5%
城市低保资金（万元）\t45.28\t45.10\t453.10\t3.4%
临时救助（人次）\t21\t18\t230\t
"""


def test_statistics_table_facts(tmp_path: Path) -> None:
    path = tmp_path / "monthly.txt"
    path.write_text(TABLE, encoding="utf-8")
    document = read(path)
    assert detect_kind(document) == "statistics_report"
    facts = parse(document).facts
    funds = [f for f in facts if f.indicator == "urban_dibao" and f.amount_yuan is not None]
    assert [(f.amount_yuan, f.qualifier) for f in funds] == [
        (452800, "current"), (451000, "previous_period"), (4531000, "cumulative")]
    yoy = [f.percent for f in facts if f.indicator == "urban_dibao" and f.qualifier == "yoy"]
    assert yoy == [Decimal("1.2"), Decimal("-0.5"), Decimal("3.4")]  # exact, as written
    assert [f.person_times for f in facts if f.indicator == "temporary_assistance"] == [21, 18, 230]


def test_cumulative_below_current_in_a_table(tmp_path: Path) -> None:
    from nianbao.pipeline import check_path

    path = tmp_path / "monthly.txt"
    path.write_text(TABLE.replace("\t21\t18\t230", "\t21\t18\t12"), encoding="utf-8")
    findings = [f for f in check_path(path).findings if f.rule == "table.cumulative-below-period"]
    assert [f.params["cumulative"] for f in findings] == ["12"]
    assert findings[0].evidence.startswith("临时救助（人次）")
