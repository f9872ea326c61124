"""Cross-year rules: each fires on a made-up inconsistency and stays silent on a consistent pair."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from nianbao.checks import CheckContext, Registry, xyear
from nianbao.model import Fact, Finding, Record
from tests.conftest import clean_fields

XYEAR_RULES = ("xyear.net-assets-carryover", "xyear.unregistered-change", "xyear.identity",
               "xyear.claimed-delta", "xyear.staff-swing", "xyear.standard-decrease")


@pytest.fixture
def rules() -> Registry:
    registry = Registry()
    registry.add(*xyear.RULES)
    return registry


def report(year: int, changes: dict[str, Any] | None = None,
           facts: list[Fact] | None = None) -> Record:
    """A clean annual report of `year`; 2024's year-end net assets are 2025's opening ones."""
    fields = clean_fields() | {"report_year": year,
                               "change_registration": f"{year}年度未发生需办理变更登记的事项。"}
    if year == 2024:
        fields |= {"net_assets_begin_wan": Decimal("51.00"), "net_assets_end_wan": Decimal("50.10")}
    if year == 2026:
        fields |= {"net_assets_begin_wan": Decimal("48.20"), "net_assets_end_wan": Decimal("47.00")}
    fields |= changes or {}
    return Record(kind="annual_report", fields=fields, facts=facts or [], year=year,
                  org=str(fields["name"]))


def run(rules: Registry, record: Record, *history: Record) -> list[Finding]:
    return rules.run(CheckContext(record, history=list(history)))


def fired(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_consistent_years_have_no_findings(rules: Registry) -> None:
    assert run(rules, report(2025), report(2024), report(2026)) == []


def test_no_history_no_findings(rules: Registry) -> None:
    assert run(rules, report(2025, {"net_assets_begin_wan": Decimal("1.00")})) == []


def test_every_rule_is_tested() -> None:
    registry = Registry()
    registry.add(*xyear.RULES)
    assert sorted(r.id for r in registry) == sorted(XYEAR_RULES)
    for rule in registry:
        assert "条例" in rule.doc or "spec" in rule.doc or "《" in rule.doc or "GB" in rule.doc


# --------------------------------------------------------------------------- carry-over


def test_carryover_fires_on_a_wrong_opening_figure(rules: Registry) -> None:
    later = report(2025, {"net_assets_begin_wan": Decimal("259.90")})
    (finding,) = fired(run(rules, later, report(2024)), "xyear.net-assets-carryover")
    assert finding.severity == "error"
    assert finding.pointer == "/record/net_assets_begin_wan"
    assert finding.params["year"] == 2025 and finding.params["previous_year"] == 2024
    assert finding.params["begin"] == Decimal("259.90") and finding.params["end"] == Decimal("50.10")
    assert "259.90" in finding.message_zh and "50.10" in finding.message_zh
    assert "{" not in finding.message_zh + finding.message_en


def test_carryover_tolerates_rounding(rules: Registry) -> None:
    later = report(2025, {"net_assets_begin_wan": Decimal("50.1")})
    assert run(rules, later, report(2024, {"net_assets_end_wan": Decimal("50.14")})) == []


def test_late_filed_earlier_year_is_checked_against_the_later_one(rules: Registry) -> None:
    """2025 is in the store; 2024 arrives afterwards with a year-end figure 2025 did not carry."""
    earlier = report(2024, {"net_assets_end_wan": Decimal("60.00")})
    (finding,) = fired(run(rules, earlier, report(2025)), "xyear.net-assets-carryover")
    assert finding.pointer == "/record/net_assets_end_wan"
    assert (finding.params["previous_year"], finding.params["year"]) == (2024, 2025)


def test_years_that_are_not_adjacent_are_not_compared(rules: Registry) -> None:
    later = report(2025, {"net_assets_begin_wan": Decimal("1.00"), "legal_representative": "张三"})
    assert run(rules, later, report(2023)) == []


def test_both_neighbours_are_compared(rules: Registry) -> None:
    middle = report(2025, {"net_assets_begin_wan": Decimal("1.00"),
                           "net_assets_end_wan": Decimal("2.00")})
    found = fired(run(rules, middle, report(2024), report(2026)), "xyear.net-assets-carryover")
    assert sorted(f.pointer for f in found) == ["/record/net_assets_begin_wan",
                                                "/record/net_assets_end_wan"]


# --------------------------------------------------------------------------- unregistered change


@pytest.mark.parametrize(("field", "old", "new"), [
    ("legal_representative", "邹建波", "张三"),
    ("name", "汨罗市社会救助服务中心", "汨罗市社会救助管理服务中心"),
    ("address", "汨罗市城西开发区民政局机关大院内", "汨罗市归义镇建设路12号"),
    ("purpose_and_scope", "为城镇居民最低生活提供保障。", "为城乡居民最低生活提供保障。"),
    ("funding_source", "财政补助（全额）", "经费自理"),
    ("sponsor", "汨罗市民政局", "汨罗市人民政府办公室"),
    ("registered_capital_wan", Decimal("49.0"), Decimal("70.0")),
    ("registered_capital_wan", Decimal("49.0"), Decimal("30.0")),
])
def test_unregistered_change_fires(rules: Registry, field: str, old: Any, new: Any) -> None:
    earlier, later = report(2024, {field: old}), report(2025, {field: new})
    (finding,) = fired(run(rules, later, earlier), "xyear.unregistered-change")
    assert finding.severity == "error" and finding.pointer == f"/record/{field}"
    assert finding.params["field"] == field
    assert (finding.params["previous_value"], finding.params["value"]) == (old, new)
    assert (finding.params["previous_year"], finding.params["year"]) == (2024, 2025)
    assert "{" not in finding.message_zh + finding.message_en


@pytest.mark.parametrize(("field", "old", "new"), [
    ("registered_capital_wan", Decimal("49.0"), Decimal("55.0")),  # +12 %: no change due
    ("registered_capital_wan", Decimal("49.0"), Decimal("39.2")),  # exactly −20 %
    ("address", "汨罗市城西开发区民政局机关大院内", "汨罗市城西开发区 民政局机关大院内。"),
    ("name", "汨罗市社会救助服务中心", "汨罗市社会救助服务中心 "),
    ("purpose_and_scope", "为城镇居民最低生活提供保障。", "为城镇居民最低生活提供保障．"),
    ("credit_code", "12430681593289443F", "１２４３０６８１５９３２８９４４３Ｆ"),
    ("funding_source", "全额拨款", "财政补助（全额）"),
    ("legal_representative", "邹建波", None),  # unknown this year: nothing to compare
])
def test_unregistered_change_silent_on_non_changes(rules: Registry, field: str, old: Any,
                                                   new: Any) -> None:
    assert run(rules, report(2025, {field: new}), report(2024, {field: old})) == []


@pytest.mark.parametrize("declaration", [
    "2025年度按规定办理了法定代表人变更登记（李四→邹建波）。",
    "2025年3月法定代表人由李四变更为邹建波，已于4月办理变更登记。",
    "本年度已办理法定代表人变更。",
    "2025年度完成了法定代表人的变更登记手续，其他登记事项未发生变化。",
    "2025年度按规定办理了变更登记。",  # registered, items not named: not contradicted
])
def test_declared_registered_change_is_silent(rules: Registry, declaration: str) -> None:
    earlier = report(2024, {"legal_representative": "李四"})
    later = report(2025, {"change_registration": declaration})
    assert run(rules, later, earlier) == []


@pytest.mark.parametrize("declaration", [
    "2025年度未发生需办理变更登记的事项。",
    "我单位今年以来未发生变更事项",
    "2025年度未办理法定代表人变更登记。",
    "单位名称、住所、法定代表人等均未发生变化，无需办理变更登记。",
    "2025年度按规定办理了住所变更登记。",  # another item registered, not this one
    "法定代表人已变更为邹建波。",  # says it changed, not that it was registered
])
def test_undeclared_change_fires(rules: Registry, declaration: str) -> None:
    earlier = report(2024, {"legal_representative": "李四"})
    later = report(2025, {"change_registration": declaration})
    assert [f.params["field"] for f in run(rules, later, earlier)] == ["legal_representative"]


def test_declared_capital_change_is_silent(rules: Registry) -> None:
    earlier = report(2024, {"registered_capital_wan": Decimal("30.0")})
    later = report(2025, {"change_registration": "2025年度办理了开办资金变更登记（30万元→49万元）。"})
    assert run(rules, later, earlier) == []


def test_late_filed_earlier_year_sees_the_later_declaration(rules: Registry) -> None:
    earlier = report(2024, {"legal_representative": "李四"})
    assert fired(run(rules, earlier, report(2025)), "xyear.unregistered-change")
    declared = report(2025, {"change_registration": "2025年度办理了法定代表人变更登记。"})
    assert run(rules, earlier, declared) == []


# --------------------------------------------------------------------------- identity


def test_identity_same_name_different_code(rules: Registry) -> None:
    later = report(2025, {"credit_code": "12430681MB1234567X"})
    (finding,) = fired(run(rules, later, report(2024)), "xyear.identity")
    assert finding.pointer == "/record/credit_code"
    assert finding.params["previous_value"] == "12430681593289443F"


def test_identity_same_code_unrelated_name(rules: Registry) -> None:
    later = report(2025, {"name": "岳阳县殡仪馆"})
    found = run(rules, later, report(2024))
    assert [f.rule for f in found] == ["xyear.identity"]  # not also an unregistered renaming
    assert found[0].pointer == "/record/name"


def test_identity_silent_on_declared_rename(rules: Registry) -> None:
    later = report(2025, {"name": "岳阳县殡仪馆",
                          "change_registration": "2025年度办理了单位名称变更登记。"})
    assert run(rules, later, report(2024)) == []


# --------------------------------------------------------------------------- staff, claims, standards


@pytest.mark.parametrize(("old", "new", "fires"), [
    (14, 29, True), (14, 6, True), (14, 7, False), (14, 28, False), (14, 20, False),
    (2, 5, True), (2, 4, False), (0, 9, True), (0, 2, False),
])
def test_staff_swing(rules: Registry, old: int, new: int, fires: bool) -> None:
    found = run(rules, report(2025, {"staff_count": new}), report(2024, {"staff_count": old}))
    assert bool(fired(found, "xyear.staff-swing")) == fires
    for finding in found:
        assert finding.severity == "warning" and finding.pointer == "/record/staff_count"


def dibao(persons: int, text: str = "全市城乡低保对象6800户{n}人", qualifier: str | None = None
          ) -> Fact:
    return Fact("dibao_total", text.format(n=persons), persons=persons, qualifier=qualifier)


def test_claimed_delta_fires_when_last_year_disagrees(rules: Registry) -> None:
    claim = Fact("dibao_total", "与去年同期相比增加293人", persons=293, qualifier="yoy")
    change = Fact("dibao_total", "保障人数相较于6月实现净增787人", persons=787)  # not a level
    later = report(2025, facts=[dibao(14293), claim, change])
    (finding,) = fired(run(rules, later, report(2024, facts=[dibao(14100)])), "xyear.claimed-delta")
    assert finding.severity == "warning" and finding.pointer == "/facts/1"
    assert finding.params["claimed"] == 293 and finding.params["actual"] == 193
    assert finding.evidence == "与去年同期相比增加293人"


def test_claimed_delta_silent_when_it_matches_or_is_unsure(rules: Registry) -> None:
    claim = Fact("dibao_total", "与去年同期相比增加293人", persons=293, qualifier="yoy")
    later = report(2025, facts=[dibao(14293), claim])
    assert run(rules, later, report(2024, facts=[dibao(14000)])) == []
    assert run(rules, later, report(2024)) == []  # last year states no figure
    two = report(2024, facts=[dibao(14000), dibao(13000, "其中城市{n}人")])
    assert run(rules, later, two) == []  # which one? unsure: silent
    decrease = Fact("dibao_total", "比去年减少293人", persons=293, qualifier="yoy")
    assert run(rules, report(2025, facts=[dibao(14293), decrease]),
               report(2024, facts=[dibao(14586)])) == []


def test_standard_decrease(rules: Registry) -> None:
    def standard(value: int, qualifier: str | None = None) -> Fact:
        return Fact("dibao_standard_urban", f"城市低保标准每人每月{value}元",
                    rate_yuan_per_month=value, qualifier=qualifier)

    later = report(2025, facts=[standard(645)])
    (finding,) = fired(run(rules, later, report(2024, facts=[standard(697)])),
                       "xyear.standard-decrease")
    assert finding.params["value"] == 645 and finding.params["previous_value"] == 697
    raised = report(2025, facts=[standard(645, "before"), standard(697, "after")])
    assert run(rules, raised, report(2024, facts=[standard(645)])) == []


# --------------------------------------------------------------------------- the wording of row 5


@pytest.mark.parametrize(("text", "field", "declared"), [
    ("2025年度按规定办理了单位名称变更登记（原名称→新名称）", "name", True),
    ("2025年度按规定办理了单位名称变更登记（原名称→新名称）", "address", False),
    ("办理了住所变更登记", "address", True),
    ("办理了宗旨和业务范围变更登记", "purpose_and_scope", True),
    ("办理了开办资金变更登记", "registered_capital_wan", True),
    ("办理了经费来源变更登记", "funding_source", True),
    ("办理了举办单位变更登记", "sponsor", True),
    ("按照核准登记的宗旨和业务范围开展活动，没有涉及变更登记的事项", "purpose_and_scope", False),
    ("网上名称变更登记已办理", "name", False),
    ("", "name", False),
])
def test_declares_registered(text: str, field: str, declared: bool) -> None:
    assert xyear.declares_registered(text, field) is declared
