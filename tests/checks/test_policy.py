"""policy.dibao-edge-multiple: the 低保边缘 income multiple stated in a report against the pack."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.checks import Settings, load_settings
from nianbao.checks.policy import dibao_edge_multiple
from nianbao.model import Finding
from nianbao.pipeline import check

HEAD = "2025年社会救助工作总结\n\n某某县民政局\n\n2025年，全县保障城乡低保对象1200户2300人。"


def edge_findings(tmp_path: Path, sentence: str, settings: Settings | None = None) -> list[Finding]:
    path = tmp_path / "summary.txt"
    path.write_text(f"{HEAD}{sentence}\n", encoding="utf-8")
    report = check(path, settings=settings)
    return [f for f in report.findings if f.rule == dibao_edge_multiple.id]


@pytest.mark.parametrize("sentence", [
    "对家庭人均收入高于我县城乡最低生活保障标准，但低于城乡最低生活保障标准2倍的，认定为低保边缘家庭。",
    "低保边缘家庭认定标准调整为不超过当地低保标准的两倍。",
    "低收入家庭按收入低于低保标准的１．８倍认定。",
])
def test_another_multiple_than_the_pack_is_reported(tmp_path: Path, sentence: str) -> None:
    found = edge_findings(tmp_path, sentence)
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert "规则包“national”规定为1.5倍" in found[0].message_zh
    assert found[0].params["expected"] == "1.5"


@pytest.mark.parametrize("sentence", [
    # the national multiple
    "对家庭人均收入高于我县城乡最低生活保障标准，但低于城乡最低生活保障标准1.5倍的，认定为低收入家庭。",
    # a multiple of the 低保 standard that is the 特困 standard, not the 边缘 line
    "特困人员基本生活标准按不低于当地低保标准的1.3倍确定，低保边缘家庭同步纳入监测。",
    # a multiple with no 边缘/低收入 families in its sentence
    "城市低保标准提高到每人每月800元。农村低保标准为城市低保标准的0.8倍。",
])
def test_the_national_multiple_and_other_multiples_are_silent(tmp_path: Path, sentence: str) -> None:
    assert edge_findings(tmp_path, sentence) == []


def test_the_multiple_comes_from_the_rule_pack(tmp_path: Path) -> None:
    sentence = "低保边缘家庭按收入低于低保标准2倍认定。"
    gansu = load_settings("gansu")
    assert gansu.dibao_edge_multiple == Decimal("2.0")
    assert edge_findings(tmp_path, sentence, gansu) == []
    found = edge_findings(tmp_path, "低保边缘家庭按收入低于低保标准1.5倍认定。", gansu)
    assert [f.params["expected"] for f in found] == ["2"]
