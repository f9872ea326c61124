"""identity.credit-code and identity.credit-code-region on hand-built records."""

from __future__ import annotations

from typing import Any

from nianbao.checks.identity import RULES
from nianbao.checks.registry import CheckContext, Registry
from nianbao.model import Finding, Provenance, Record
from nianbao.text.credit_code import check_char

SEED_000_CODE = "12430681593289443F"
SEED_000_NAME = "汨罗市社会救助服务中心"
SEED_000_ADDRESS = "汨罗市城西开发区民政局机关大院内"


def run(
    fields: dict[str, Any],
    evidence: dict[str, tuple[str, Provenance]] | None = None,
    kind: str = "annual_report",
) -> list[Finding]:
    registry = Registry()
    registry.add(*RULES)
    record = Record(kind=kind, fields=fields, evidence=evidence or {})
    return registry.run(CheckContext(record))


def code_for(first17: str) -> str:
    return first17 + check_char(first17)


def test_both_rules_are_registered_with_their_reasons() -> None:
    registry = Registry()
    registry.add(*RULES)
    assert [r.id for r in registry] == ["identity.credit-code", "identity.credit-code-region"]
    assert all(r.doc and r.kinds == ("annual_report",) for r in registry)
    assert registry["identity.credit-code"].severity == "error"
    assert registry["identity.credit-code-region"].severity == "warning"


def test_seed_000_gives_no_finding() -> None:
    fields = {"credit_code": SEED_000_CODE, "name": SEED_000_NAME, "address": SEED_000_ADDRESS}
    assert run(fields) == []


def test_absent_or_null_code_is_left_to_the_schema_rules() -> None:
    assert run({"name": SEED_000_NAME}) == []
    assert run({"credit_code": None, "name": SEED_000_NAME}) == []


def test_wrong_check_character_is_an_error() -> None:
    (finding,) = run({"credit_code": "12430681593289443E", "name": SEED_000_NAME})
    assert (finding.rule, finding.severity) == ("identity.credit-code", "error")
    assert finding.message_zh == "统一社会信用代码 12430681593289443E 第18位校验码应为 F，实为 E"
    assert finding.params["problem"] == "check-char"
    assert (finding.params["expected"], finding.params["actual"]) == ("F", "E")
    assert finding.pointer == "/record/credit_code"
    assert finding.evidence == "12430681593289443E"


def test_evidence_and_provenance_come_from_the_record() -> None:
    prov = Provenance(page=1, block=3)
    evidence = {"credit_code": ("统一社会信用代码 1243068159328944F", prov)}
    (finding,) = run({"credit_code": "1243068159328944F"}, evidence)
    assert finding.params["problem"] == "length"
    assert finding.evidence == "统一社会信用代码 1243068159328944F"
    assert finding.provenance == prov


def test_warning_problems_lower_the_finding_to_a_warning() -> None:
    findings = run({"credit_code": "12430681953289443F", "name": SEED_000_NAME})
    got = [(f.params["problem"], f.severity) for f in findings]
    assert got == [("org-check-digit", "warning"), ("check-char", "error")]
    (lower,) = run({"credit_code": SEED_000_CODE.lower(), "name": SEED_000_NAME})
    assert (lower.params["problem"], lower.severity) == ("lowercase", "warning")


def test_a_government_organ_code_is_a_warning_on_an_annual_report() -> None:
    (finding,) = run({"credit_code": code_for("11430681593289443"), "name": SEED_000_NAME})
    assert (finding.rule, finding.severity) == ("identity.credit-code", "warning")
    assert (finding.params["problem"], finding.params["actual"]) == ("department", "11")


def test_rules_apply_to_annual_reports_only() -> None:
    assert run({"credit_code": "12430681593289443E"}, kind="notice") == []


def test_code_from_another_county_is_a_region_warning() -> None:
    fields = {
        "credit_code": SEED_000_CODE,
        "name": "麟游县城乡居民最低生活保障管理中心",
        "address": "麟游县市民中心8楼",
    }
    (finding,) = run(fields)
    assert (finding.rule, finding.severity) == ("identity.credit-code-region", "warning")
    assert finding.params["division"] == "430681"
    assert finding.params["division_name"] == "湖南省岳阳市汨罗市"
    assert finding.params["name"] == fields["name"]
    assert finding.params["address"] == fields["address"]
    assert "430681（湖南省岳阳市汨罗市）" in finding.message_zh


def test_region_is_consistent_for_the_right_county_or_its_city() -> None:
    linyou = {"name": "麟游县城乡居民最低生活保障管理中心", "address": "麟游县市民中心8楼"}
    assert run({"credit_code": code_for("12610329593289443"), **linyou}) == []
    assert run({"credit_code": code_for("12610300593289443"), **linyou}) == []  # 宝鸡市


def test_region_is_silent_when_nothing_can_be_compared() -> None:
    unknown = code_for("12999999593289443")
    assert run({"credit_code": unknown, "name": SEED_000_NAME}) == []
    assert run({"credit_code": SEED_000_CODE, "name": "社会救助服务中心"}) == []
    (finding,) = run({"credit_code": "12A30681593289443P", "name": "麟游县救助站"})
    assert finding.params["problem"] == "structure"  # no region finding on top
