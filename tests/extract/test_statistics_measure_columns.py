"""Value columns headed by what they count (户数 | 人数 | 金额（元）), tables flattened to one
cell per line without `|` lines, and two counts in one cell under a paired unit (户/人
863/1542): every count lands in its own measure, scaled by its column's unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check_path

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "statistics"
MEASURES = ("households", "persons", "person_times", "amount_yuan")


def _measures(name: str) -> set[tuple[str, str, float]]:
    record = check_path(CORPUS / name).record
    return {(f.indicator, m, getattr(f, m)) for f in record.facts if f.row is not None
            for m in MEASURES if getattr(f, m) is not None}


@pytest.mark.parametrize("shape", ["bare.txt", "cells.txt", "space.txt", "tab.txt", "xlsx"])
def test_measure_columns_give_households_persons_and_yuan(shape: str) -> None:
    got = _measures(f"measure_columns_planted.{shape}")
    assert got == {
        ("urban_dibao", "households", 402), ("urban_dibao", "persons", 811),
        ("urban_dibao", "amount_yuan", 561200), ("rural_dibao", "households", 2950),
        ("rural_dibao", "persons", 6630), ("rural_dibao", "amount_yuan", 3315000),
        ("dibao_total", "households", 3352), ("dibao_total", "persons", 7441),
        ("dibao_total", "amount_yuan", 3867200)}


def test_only_the_column_that_does_not_add_up_is_reported() -> None:
    report = check_path(CORPUS / "measure_columns_planted.bare.txt")
    found = [f.message_zh for f in report.findings if f.rule == "table.part-sum"]
    assert found == ["合计（金额（元））：561200 + 3315000 = 3,876,200，而表中合计为3867200"]


@pytest.mark.parametrize("shape", ["bare.txt", "tab.txt", "docx"])
def test_a_money_column_in_wan_yuan_is_scaled(shape: str) -> None:
    got = _measures(f"measure_columns_clean.{shape}")
    assert ("rural_dibao", "amount_yuan", 7024000) in got
    assert ("temporary_assistance", "person_times", 316) in got
    assert ("temporary_assistance", "amount_yuan", 642000) in got
    assert ("dibao_total", "persons", 4323) in got


@pytest.mark.parametrize("shape", ["space.txt", "tab.txt"])
def test_paired_counts_under_a_paired_unit(shape: str) -> None:
    got = _measures(f"paired_units_clean.{shape}")
    assert {("urban_dibao", "households", 640), ("urban_dibao", "persons", 1188),
            ("urban_dibao", "amount_yuan", 2453000), ("dibao_edge", "households", 398),
            ("dibao_edge", "persons", 1020), ("tekun_dispersed", "persons", 730),
            ("temporary_assistance", "person_times", 712),
            ("temporary_assistance", "amount_yuan", 1468000)} <= got
    assert len(got) == 14


def test_a_short_flattened_row_puts_money_under_the_money_column() -> None:
    from nianbao.extract.columns import Column, align

    columns = [Column(0, "类别", "label"), Column(1, "户数", "current"),
               Column(2, "人数", "current"), Column(3, "人次", "current"),
               Column(4, "资金（万元）", "current")]
    assert align(["城市低保", "215", "402", "98.6"], columns)[0] == [
        "城市低保", "215", "402", "", "98.6"]
    assert align(["城市低保", "215", "402", "7"], columns)[0] == [
        "城市低保", "215", "402", "7", ""]
