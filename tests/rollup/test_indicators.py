"""A county's row of core indicators: the right figure for each column, with its source."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.model import Fact, Record
from nianbao.pipeline import check_path
from nianbao.rollup.indicators import (
    COLUMN,
    CountyRow,
    county_name,
    county_row,
    is_region,
    merge,
    pick,
    row_from_record,
)

ROOT = Path(__file__).resolve().parents[2]
ZHANHE = ROOT / "examples" / "work_summary" / "001_zhanhe_2025.txt"
BAISHA = ROOT / "examples" / "counties" / "04_baisha_2025_stats.txt"


@pytest.fixture(scope="module")
def zhanhe() -> CountyRow:
    return county_row(check_path(ZHANHE), region="平顶山市")


def numbers(row: CountyRow) -> dict[str, Decimal]:
    return {k: v.number for k, v in row.values.items()}


def test_real_district_summary_gives_its_core_indicators(zhanhe: CountyRow) -> None:
    got = numbers(zhanhe)
    assert got["urban_households"] == 832 and got["urban_persons"] == 1155
    assert got["urban_funds"] == Decimal("498.08")
    assert (got["rural_households"], got["rural_persons"]) == (1040, 1256)
    assert got["rural_funds"] == Decimal("337.77")
    assert (got["tekun_centralized"], got["tekun_dispersed"]) == (30, 168)
    assert (got["temp_cases"], got["temp_funds"]) == (250, Decimal("30.37"))


def test_the_new_standard_wins_over_the_old_one(zhanhe: CountyRow) -> None:
    urban = zhanhe.values["std_dibao_urban"]
    assert (urban.number, urban.before, urban.qualifier) == (697, 645, "after")
    assert numbers(zhanhe)["std_dibao_rural"] == 523
    assert numbers(zhanhe)["std_tekun_urban"] == 10920
    assert numbers(zhanhe)["std_tekun_rural"] == 8160


def test_every_value_keeps_the_text_it_was_read_from(zhanhe: CountyRow) -> None:
    assert zhanhe.values["urban_persons"].source == "保障832户1155人"
    assert zhanhe.values["urban_funds"].source == "累计发放救助资金498.08万元"
    assert zhanhe.values["tekun_dispersed"].source == "其中分散供养168户168人"
    assert all(v.path == str(ZHANHE) for v in zhanhe.values.values())


def test_unstated_totals_are_sums_of_their_parts_and_say_so(zhanhe: CountyRow) -> None:
    total = zhanhe.values["dibao_persons"]
    assert total.number == 1155 + 1256
    assert total.derived_from == ("urban_persons", "rural_persons") and not total.stated
    funds = zhanhe.values["dibao_funds"]
    assert funds.number == Decimal("835.85")
    assert funds.tolerance == Decimal("0.010")  # half a cent-of-万 for each of the two parts
    assert zhanhe.values["tekun_persons"].number == 198


def test_statistics_table_takes_the_cumulative_funds_and_keeps_last_year() -> None:
    row = county_row(check_path(BAISHA))
    assert row.name == "白沙县"
    assert row.values["urban_funds"].number == Decimal("283.56")  # 本年累计, not 本月 24.10
    assert row.values["urban_persons"].number == 640  # 本月 stock
    assert row.values["temp_cases"].number == 902
    assert row.stated_previous["urban_persons"].number == 662
    assert row.stated_previous["dibao_persons"].number == 662 + 4302


def test_a_yearly_standard_becomes_monthly_with_a_note() -> None:
    fact = Fact("dibao_standard_rural", "农村低保标准每人每年6276元", rate_yuan_per_year=6276)
    value = pick(COLUMN["std_dibao_rural"], [fact])
    assert value is not None and value.number == 523 and value.note == "年标准÷12"


def test_same_year_change_and_plan_figures_are_never_picked() -> None:
    facts = [Fact("urban_dibao", "同比增加12人", persons=12, qualifier="yoy"),
             Fact("urban_dibao", "计划保障1300人", persons=1300, qualifier="plan"),
             Fact("urban_dibao", "上年同期1180人", persons=1180, qualifier="previous_year")]
    assert pick(COLUMN["urban_persons"], facts) is None


@pytest.mark.parametrize(("org", "region", "name"), [
    ("平顶山市湛河区民政局", "平顶山市", "湛河区"),
    ("湛河区社会救助服务中心", "平顶山市", "湛河区"),
    ("叶县", "平顶山市", "叶县"),
    ("舞钢市民政局", "平顶山市", "舞钢市"),
    ("平顶山市民政局", "平顶山市", "平顶山市"),
])
def test_county_name_from_the_org(org: str, region: str, name: str) -> None:
    assert county_name(Record(kind="work_summary", org=org), "x.txt", region) == name


def test_county_name_falls_back_to_the_file_name() -> None:
    assert county_name(Record(kind="work_summary"), "07_lushan_2025.txt") == "lushan"
    assert county_name(Record(kind="work_summary", org="关于"), "鲁山县.txt") == "鲁山县"


def test_the_region_document_is_recognised_by_its_org() -> None:
    assert is_region(Record(kind="work_summary", org="平顶山市"), "平顶山市")
    assert is_region(Record(kind="work_summary", org="平顶山市民政局"), "平顶山市")
    assert not is_region(Record(kind="work_summary", org="平顶山市湛河区"), "平顶山市")
    assert not is_region(Record(kind="work_summary", org="湛河区"), "平顶山市")
    whole = Record(kind="work_summary", fields={"title": "2025年全市社会救助工作总结"})
    assert is_region(whole, "平顶山市")
    county = Record(kind="work_summary", fields={"title": "2025年全区社会救助工作总结"})
    assert not is_region(county, "平顶山市")


def test_a_stored_record_without_sentences_still_gives_its_tagged_facts() -> None:
    record = Record(kind="work_summary", org="卫东区", year=2024, facts=[
        Fact("urban_dibao", "城市低保1200户1650人", households=1200, persons=1650),
        Fact("urban_dibao", "累计发放资金700.5万元", amount_yuan=7005000, qualifier="cumulative"),
    ])
    row = row_from_record(record)
    assert (row.name, numbers(row)["urban_persons"], numbers(row)["urban_funds"]) == (
        "卫东区", 1650, Decimal("700.5"))


def test_two_documents_of_one_county_fill_each_other_and_report_conflicts() -> None:
    a = row_from_record(Record(kind="work_summary", org="叶县", facts=[
        Fact("urban_dibao", "城市低保500户700人", households=500, persons=700)]), "a.txt")
    b = row_from_record(Record(kind="statistics_report", org="叶县", facts=[
        Fact("urban_dibao", "城市低保人数（人）\t702", persons=702),
        Fact("rural_dibao", "农村低保人数（人）\t3000", persons=3000)]), "b.txt")
    row = merge([a, b])
    assert numbers(row)["urban_persons"] == 700 and numbers(row)["rural_persons"] == 3000
    assert numbers(row)["dibao_persons"] == 3700
    assert [(c, kept.number, other.number) for c, kept, other in row.conflicts] == [
        ("urban_persons", 700, 702)]
    assert row.paths == ["a.txt", "b.txt"]
