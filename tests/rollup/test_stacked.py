"""County summaries built from statistics reports: one file per county in any format, a city
report stacking its counties, one sheet per county; the city's totals checked per indicator."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from nianbao.checks.rollup import mismatch_findings
from nianbao.pipeline import check_path
from nianbao.rollup import build_summary

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "statistics"


@pytest.mark.parametrize("suffix", ["tab.txt", "xlsx", "pdf"])
def test_a_city_report_stacking_counties_is_split_into_counties(suffix: str) -> None:
    report = check_path(CORPUS / f"city_stacked_clean.{suffix}")
    summary = build_summary([report], "云川市", 2025)
    assert [(c.name, c.number("dibao_persons")) for c in summary.counties] == [
        ("青禾县", 5660), ("白石县", 5625)]
    assert summary.totals["urban_persons"].value == 3568
    assert summary.region_row is not None and summary.mismatches == []


@pytest.mark.parametrize("suffix", ["tab.txt", "docx", "xlsx"])
def test_city_total_its_counties_do_not_add_up_to(suffix: str) -> None:
    report = check_path(CORPUS / f"city_stacked_rollup_planted.{suffix}")
    findings = mismatch_findings(build_summary([report], "云川市", 2025))
    assert {(f.rule, f.params.get("stated", None) is not None) for f in findings} == {
        ("rollup.mismatch", True)}
    assert len(findings) == 2  # 城市低保人数 and 城乡低保人数: 2,048 + 1,520 = 3,568 ≠ 3,578
    assert any("3,568" in f.message_zh or "3568" in f.message_zh for f in findings)


def test_one_workbook_sheet_per_county(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = True
    for county, persons in (("青禾县", (2048, 3612)), ("白石县", (1520, 4105))):
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = county
        sheet.append([f"{county}2025年9月城乡低保统计月报"])
        sheet.append(["指标名称", "单位", "本月数"])
        sheet.append(["城市低保人数", "人", persons[0]])
        sheet.append(["农村低保人数", "人", persons[1]])
    book.save(tmp_path / "counties.xlsx")
    summary = build_summary([check_path(tmp_path / "counties.xlsx")], "云川市", 2025)
    assert [(c.name, c.number("dibao_persons")) for c in summary.counties] == [
        ("青禾县", 5660), ("白石县", 5625)]


def test_one_statistics_report_per_county_in_different_formats(tmp_path: Path) -> None:
    qinghe = tmp_path / "qinghe.txt"
    qinghe.write_text("青禾县民政局2025年9月份民政统计月报\n指标名称 单位 数量\n"
                      "城市低保人数 人 2,048\n农村低保人数 人 3,612\n", encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["白石县民政局2025年9月民政统计月报"], ["指标名称", "单位", "本月数"],
                ["城市低保人数", "人", 1520], ["农村低保人数", "人", 4105]):
        sheet.append(row)
    book.save(tmp_path / "baishi.xlsx")
    city = tmp_path / "city.txt"
    city.write_text("云川市民政局2025年9月份民政统计月报\n指标名称\t单位\t本月数\n"
                    "城乡低保人数\t人\t11,300\n", encoding="utf-8")
    reports = [check_path(p) for p in (qinghe, tmp_path / "baishi.xlsx")]
    summary = build_summary(reports, "云川市", 2025, region_reports=[check_path(city)])
    (finding,) = mismatch_findings(summary)
    assert finding.rule == "rollup.mismatch" and finding.severity == "error"
    assert summary.totals["dibao_persons"].value == 11285


@pytest.mark.parametrize(("name", "mismatches"), [
    ("by_county_clean.docx", 0), ("by_county_total_planted.xlsx", 1),
    ("by_county_total_planted.space.txt", 1)])
def test_counties_as_rows_and_indicators_as_columns(name: str, mismatches: int) -> None:
    summary = build_summary([check_path(CORPUS / name)], "云川市", 2025)
    assert [(c.name, c.number("dibao_persons")) for c in summary.counties] == [
        ("青禾县", 5660), ("白石县", 5625)]
    assert summary.region_row is not None
    assert len(mismatch_findings(summary)) == mismatches


def test_summary_command_on_a_workbook(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from nianbao.cli.main import cli

    result = CliRunner().invoke(cli, [
        "summary", str(CORPUS / "city_stacked_rollup_planted.xlsx"), "--region", "云川市",
        "--year", "2025", "-o", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "青禾县" in result.output and "白石县" in result.output
    assert result.output.count("rollup.mismatch") == 2
    assert (tmp_path / "out" / "云川市2025年社会救助工作汇总.pdf").exists()
