"""Each thing a rule reports has its own message template on the rule: the words come from
the declaration (and so appear in `nianbao rules` and docs/rules.md), the rule gives values."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest

import nianbao.checks
from nianbao.checks import CheckContext, Registry, default_registry
from nianbao.checks.registry import Rule
from nianbao.extract.annual_report import fill_facts, parse
from nianbao.extract.txt_reader import blocks
from nianbao.model import Document, Finding, Record, Source
from tests.conftest import EXAMPLES, clean_fields

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


def messages(registry: Registry, rule_id: str, changes: dict[str, Any]) -> list[tuple[str, str]]:
    fields = clean_fields()
    fields.update(changes)
    record = Record(kind="annual_report", fields=fields)
    fill_facts(record)
    return [(f.message_zh, f.message_en) for f in registry.run(CheckContext(record))
            if f.rule == rule_id]


def test_every_declared_rule_is_registered(registry: Registry) -> None:
    """A rule left out of its module's RULES would fire nowhere and be missing from the docs."""
    ids = {r.id for r in registry}
    for info in pkgutil.iter_modules(nianbao.checks.__path__):
        module = importlib.import_module(f"nianbao.checks.{info.name}")
        declared = {v.id for v in vars(module).values() if isinstance(v, Rule)}
        assert declared <= ids, info.name


def test_every_template_has_words_of_its_own(registry: Registry) -> None:
    for rule in registry:
        for zh, en in [rule.messages()] + [rule.messages(name) for name, _, _ in rule.cases]:
            assert _PLACEHOLDER.sub("", zh).strip(), rule.id
            assert _PLACEHOLDER.sub("", en).strip(), rule.id


CASES = [
    ("report.opinion-incomplete", {"entrust_opinion": "经委托，同意公示。"},
     ("事业单位委托意见没有法定代表人签名",
      "the entrustment opinion is not signed by the legal representative")),
    ("report.opinion-incomplete", {"sponsor_opinion": "情况属实。"},
     ("举办单位意见没有日期", "the sponsor's opinion has no date")),
    ("text.unit-mismatch", {"activities": "救助困难家庭200户，发放资金30万元，人均1500元。"},
     ("人均1500元等于300000元 ÷ 200户 = 1500元，是按户而不是按人计算的",
      "the average 1500 yuan per person equals 300000 / 200 households: computed on the wrong "
      "denominator")),
    ("arith.subset-exceeds", {"activities": "共有500户300人。"},
     ("500户300人：户数大于人数", "500户300人: more households than persons")),
    ("identity.credit-code", {"credit_code": "12AB0681593289443F"},
     ("统一社会信用代码 12AB0681593289443F 第3–8位登记管理机关行政区划码“AB0681”应为6位数字",
      "unified social credit code 12AB0681593289443F: positions 3–8 (registering authority's "
      "division code) 'AB0681' must be 6 digits")),
]


@pytest.mark.parametrize("rule_id, changes, expected", CASES, ids=[c[0] for c in CASES])
def test_each_case_reads_as_before(registry: Registry, rule_id: str, changes: dict[str, Any],
                                   expected: tuple[str, str]) -> None:
    assert expected in messages(registry, rule_id, changes)


def test_an_unreadable_form_value_is_a_registered_finding(registry: Registry) -> None:
    text = (EXAMPLES / "000_miluo_2025.txt").read_text(encoding="utf-8")
    record = parse(Document(Source("t.txt", "0" * 64, "txt"),
                            blocks(text.replace("49.0 万元", "四十九万"))))
    (note,) = [n for n in record.notes if n.pointer == "/record/registered_capital_wan"]
    assert note.rule in {r.id for r in registry}
    assert (note.message_zh, note.message_en) == (
        "无法识别“开办资金”的值：四十九万", "cannot read the value of registered_capital_wan: 四十九万")
    assert isinstance(note, Finding) and note.severity == "warning"


def test_the_rule_catalogue_for_tools_lists_every_case(registry: Registry) -> None:
    import json

    from nianbao.cli.output import rules_text

    (entry,) = [r for r in json.loads(rules_text(registry, "json", "en"))
                if r["id"] == "report.opinion-incomplete"]
    assert entry["message_zh"] == "事业单位委托意见没有签署日期"
    assert {c["case"] for c in entry["cases"]} == {"entrust-unsigned", "sponsor-no-review",
                                                   "sponsor-undated"}
