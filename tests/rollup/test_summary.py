"""The roll-up of a region's counties, and `rollup.mismatch` when the region's own total is off."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.checks import Registry
from nianbao.checks.registry import CheckContext
from nianbao.checks.rollup import RULES, mismatch_findings
from nianbao.model import Record, Report
from nianbao.pipeline import check_path
from nianbao.rollup.indicators import CountyRow, row_from_record
from nianbao.rollup.summary import Summary, build_summary

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "counties"

COUNTY = """{name}2025年社会救助工作开展情况
一、救助基本情况
截至2025年12月，全县社会救助工作稳步推进：
	•	城市低保：保障{uh}户{up}人，累计发放救助资金{uf}万元；
	•	农村低保：保障{rh}户{rp}人，累计发放救助资金{rf}万元；
	•	特困供养：其中分散供养{d}户{d}人、集中供养{c}户{c}人；
	•	临时救助：累计救助{t}人次，发放救助资金{tf}万元。
自7月起，城市低保标准由每人每月640元提升至{su}元。
"""
FIELDS = ("uh", "up", "uf", "rh", "rp", "rf", "d", "c", "t", "tf", "su")
COUNTIES: dict[str, dict[str, str]] = {
    name: dict(zip(FIELDS, figures.split(), strict=True)) for name, figures in (
        ("东山县", "600 850 380.25 3000 4400 1200.10 500 100 1000 120.50 690"),
        ("西河区", "1200 1700 740.40 400 520 140.05 80 30 400 50.00 697"),
        ("南岭县", "500 700 310.33 4100 6000 1580.02 690 125 1400 170.15 690"),
    )
}
PERSONS = sum(int(c["up"]) + int(c["rp"]) for c in COUNTIES.values())
FUNDS = sum(Decimal(c["uf"]) + Decimal(c["rf"]) for c in COUNTIES.values())
CITY = """金川市2025年社会救助工作总结
截至2025年12月，全市城乡低保共保障{persons}人，累计发放低保资金{funds}万元。
"""


def write_counties(tmp_path: Path) -> list[Path]:
    paths = []
    for name, figures in COUNTIES.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(COUNTY.format(name=name, **figures), encoding="utf-8")
        paths.append(path)
    return paths


def city(tmp_path: Path, persons: int, funds: Decimal | str) -> Path:
    path = tmp_path / "city.txt"
    path.write_text(CITY.format(persons=persons, funds=funds), encoding="utf-8")
    return path


def summarise(paths: list[Path], previous: dict[str, CountyRow] | None = None,
              region_reports: list[Report] | None = None) -> Summary:
    return build_summary([check_path(p) for p in paths], "金川市", 2025, previous,
                         region_reports=region_reports or [])


def test_counties_are_summed_and_standards_are_ranges(tmp_path: Path) -> None:
    summary = summarise(write_counties(tmp_path))
    assert [r.name for r in summary.counties] == list(COUNTIES)
    assert summary.totals["dibao_persons"].value == PERSONS
    assert summary.totals["dibao_funds"].value == FUNDS
    assert summary.totals["tekun_centralized"].value == 255
    assert summary.totals["temp_cases"].value == 2800
    urban = summary.totals["std_dibao_urban"]
    assert (urban.low, urban.value) == (690, 697)  # a range, not 2077
    assert summary.mismatches == [] and summary.region_row is None


def test_a_wrong_city_total_gives_exactly_one_mismatch(tmp_path: Path) -> None:
    paths = write_counties(tmp_path) + [city(tmp_path, PERSONS - 6, FUNDS)]
    summary = summarise(paths)
    assert len(summary.counties) == 3  # the city's own document is not a county
    findings = mismatch_findings(summary)
    assert [(f.rule, f.severity) for f in findings] == [("rollup.mismatch", "error")]
    finding = findings[0]
    assert finding.message_zh == (
        f"各县（市、区）城乡低保人数之和 5250+2220+6700={PERSONS}人，"
        f"与金川市所述{PERSONS - 6}人不符（相差6人）")
    assert "the 3 counties add up to 5250+2220+6700" in finding.message_en
    assert finding.params["sum"] == PERSONS and finding.params["stated"] == PERSONS - 6
    assert finding.evidence == f"全市城乡低保共保障{PERSONS - 6}人"
    assert finding.pointer == "/rollup/dibao_persons"


def test_a_correct_city_total_gives_no_finding(tmp_path: Path) -> None:
    paths = write_counties(tmp_path) + [city(tmp_path, PERSONS, FUNDS)]
    assert mismatch_findings(summarise(paths)) == []


def test_money_rounded_to_one_decimal_is_within_tolerance(tmp_path: Path) -> None:
    rounded = FUNDS.quantize(Decimal("0.1"))
    assert rounded != FUNDS
    paths = write_counties(tmp_path) + [city(tmp_path, PERSONS, rounded)]
    assert mismatch_findings(summarise(paths)) == []
    off = FUNDS + Decimal("0.2")
    paths = write_counties(tmp_path) + [city(tmp_path, PERSONS, off)]
    assert [f.params["column"] for f in mismatch_findings(summarise(paths))] == ["dibao_funds"]


def test_a_total_is_not_checked_when_a_county_does_not_state_it(tmp_path: Path) -> None:
    paths = write_counties(tmp_path)
    paths[0].write_text("东山县2025年社会救助工作开展情况\n今年以来，工作稳步推进。\n", encoding="utf-8")
    summary = summarise(paths + [city(tmp_path, 1, FUNDS)])
    assert summary.mismatches == []
    assert any("东山县未给出该数" in n.zh for n in summary.notes)
    assert summary.totals["dibao_persons"].missing == ("东山县",)


def test_region_report_given_explicitly(tmp_path: Path) -> None:
    paths = write_counties(tmp_path)
    other = tmp_path / "bureau.txt"
    other.write_text("关于2025年社会救助工作情况的报告\n全市城乡低保共保障100人。\n",
                     encoding="utf-8")
    summary = summarise(paths + [other], region_reports=[check_path(other)])
    assert [r.name for r in summary.counties] == list(COUNTIES)  # not counted as a county too
    assert [m.column_id for m in summary.mismatches] == ["dibao_persons"]


def test_reports_of_another_year_are_left_out_with_a_note(tmp_path: Path) -> None:
    paths = write_counties(tmp_path)
    paths[2].write_text(paths[2].read_text(encoding="utf-8").replace("2025", "2024"),
                        encoding="utf-8")
    summary = summarise(paths)
    assert [r.name for r in summary.counties] == ["东山县", "西河区"]
    assert any("2024" in n.zh and "未计入" in n.zh for n in summary.notes)


def test_last_year_from_the_store_gives_year_over_year_totals(tmp_path: Path) -> None:
    paths = write_counties(tmp_path)
    previous = {name: row_from_record(check_path(p).record, str(p))
                for name, p in zip(COUNTIES, paths, strict=True)}
    summary = summarise(paths, previous=previous)
    assert summary.has_previous
    assert summary.previous_totals["dibao_persons"].value == PERSONS
    assert summary.previous_totals["dibao_persons"].complete


def test_the_examples_carry_one_planted_defect() -> None:
    reports: list[Report] = [check_path(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    summary = build_summary(reports, "云川市", 2025)
    assert [r.name for r in summary.counties] == ["北湖区", "南屏县", "青石县", "白沙县"]
    findings = mismatch_findings(summary)
    assert [f.params["column"] for f in findings] == ["dibao_persons"]
    assert findings[0].params["sum"] - findings[0].params["stated"] == 6


def test_the_rule_is_documented_and_silent_without_a_summary() -> None:
    registry = Registry()
    registry.add(*RULES)
    rule = registry["rollup.mismatch"]
    assert rule.severity == "error" and "sum over its counties" in rule.doc
    assert registry.run(CheckContext(Record(kind="work_summary"))) == []
    assert registry.run(CheckContext(Record(kind="region_summary"))) == []


@pytest.mark.parametrize("column", ["dibao_persons", "temp_funds"])
def test_every_summed_column_has_an_english_label(column: str) -> None:
    from nianbao.rollup.indicators import COLUMN

    assert COLUMN[column].label_en.isascii()
