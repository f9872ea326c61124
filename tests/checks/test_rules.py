"""Every rule fires on a case made to break it and stays silent on a clean report."""

from __future__ import annotations

from typing import Any

import pytest

from nianbao.checks import CheckContext, Registry, notes, rule
from nianbao.extract.annual_report import fill_facts
from nianbao.extract.txt_reader import blocks
from nianbao.model import Document, Record, Source
from tests.conftest import clean_fields

# Registered for the catalogue, made outside the runner (parser and store notes).
NOTES = {r.id for r in notes.RULES}

# rule id -> (changes to the clean record, document text or None)
FAILING: dict[str, tuple[dict[str, Any], str | None]] = {
    "schema.required": ({"credit_code": None}, None),
    "schema.type": ({"staff_count": "十四"}, None),
    "schema.pattern": ({"phone": "请联系办公室"}, None),
    "schema.minLength": ({"licenses": ""}, None),
    "schema.maxLength": ({"legal_representative": "邹" * 25}, None),
    "schema.minimum": ({"staff_count": -1}, None),
    "schema.maximum": ({"report_year": 3000}, None),
    "schema.enum": ({"layout": "handwritten"}, None),
    "schema.format": ({"submitted_on": "2026-02-30"}, None),
    "schema.additionalProperties": ({"seal": "有"}, None),
    "identity.credit-code": ({"credit_code": "12430681593289443E"}, None),
    "identity.credit-code-region": ({"credit_code": "12610329MB0000000F", "name": "汨罗市社会救助服务中心",
                                     "address": "汨罗市城西开发区"}, None),
    "report.signer-mismatch": ({"entrust_opinion": "经委托公示 法定代表人 傅蔚霞 2026年3月4日"}, None),
    "report.name-mismatch": ({}, "单位名称 汨罗市社会救助中心\n单位名称\t汨罗市社会救助服务中心\n"),
    "report.year-mismatch": ({"submitted_on": "2026-04-15"}, None),
    "report.online-name-suffix": ({"online_name": "汨罗市社会救助服务中心"}, None),
    "report.opinion-incomplete": ({"sponsor_opinion": "情况属实。2026年3月4日"}, None),
    "report.capital-drift": ({"net_assets_end_wan": 236.18}, None),
    "report.activities-outside-scope": ({"purpose_and_scope": "为城镇居民最低生活提供保障。",
                                         "activities": "农村低保……农村特困……乡村振兴……"}, None),
    "text.placeholder": ({"activities": "总计投入资金约〔*〕万元。"}, None),
    "arith.part-sum": ({"activities": "在册特困供养人员392户402人，其中集中供养222户227人，"
                                      "分散供养171户175人。"}, None),
    "arith.approx-total": ({"activities": "低收入人口约2.13万余人，其中低保对象14293人，特困人员4572人，"
                                          "边缘家庭1719人，刚性支出1236人。"}, None),
    "arith.subset-exceeds": ({"activities": "排查困难家庭600户，其中低保家庭350户，特困家庭180户，"
                                            "低保边缘家庭120户。"}, None),
    "arith.percent": ({"activities": "特困人员402人，其中集中供养227人，集中供养率为60.09%。"}, None),
    "arith.percent-range": ({"activities": "低保覆盖率达到20230%。"}, None),
    "arith.average-above-standard": ({"activities": "城市低保标准为每人每月645元，城市月人均补差"
                                                    "水平为700元。"}, None),
    "arith.average-product": ({"activities": "共救助250人，发放资金30万元，人均1500元。"}, None),
    "arith.cumulative-below-period": ({"activities": "本月救助120人次，累计救助100人次。"}, None),
    "text.unit": ({"activities": "为118户特困供养人员发放物资。为118名特困供养人员发放补贴。"}, None),
    "text.corrupted-number": ({"activities": "保障低保对象832户1155人，特困人员198人，边缘家庭541人，"
                                             "全年救助困难群众10521989人。"}, None),
    "text.split-number": ({}, "全年共救助困难群众12\n34人，发放资金5万元。\n"),
    "text.date-format": ({"activities": "于2025年13月32日完成复核。"}, None),
    "policy.tekun-standard-ratio": ({"activities": "城市低保标准为每人每月697元，城市特困供养标准为"
                                                   "每人每年10000元。"}, None),
    "policy.dibao-edge-multiple": ({"activities": "低保边缘家庭按收入低于低保标准2倍认定。"}, None),
    "text.foreign-script": ({"activities": "請就本報調查之情況，就下列各點發表意見。"}, None),
    "text.markup-artefact": ({"activities": "**一是政策引领到位。**"}, None),
    "report.public-copy": ({"filler": None, "phone": None}, "事业单位法人年度报告书（公示稿）\n单位名称: 汨罗市社会救助服务中心\n"),
    "text.injected-content": ({"activities": "全年发放低保资金1280万元，澳门威尼斯人官网真人娱乐百家乐。"}, None),
    "text.unit-mismatch": ({"activities": "临时救助18210人次，医疗救助20433人次，合计38643人。"}, None),
    "table.label-mismatch": ({"activities": "低保边缘家庭120户300人，城镇低保41户97人，农村79户203人。"},
                             None),
    "text.sentence-too-long": ({"activities": "全年保障" + "1户，" * 2000 + "。"}, None),
    "report.net-assets-carryover": ({"activities": "2024年末净资产为52.30万元，本年运行正常。"}, None),
}


def run(registry: Registry, changes: dict[str, Any], text: str | None = None) -> list[Any]:
    fields = clean_fields() | changes
    record = Record(kind="annual_report", fields=fields)
    fill_facts(record)
    document = None
    if text is not None:
        from nianbao.extract.annual_report import parse

        document = Document(Source("t.txt", "0" * 64, "txt"), blocks(text))
        record.evidence = parse(document).evidence
    return registry.run(CheckContext(record, document))


def test_clean_report_has_no_findings(registry: Registry) -> None:
    assert [(f.rule, f.message_en) for f in run(registry, {})] == []


def test_every_rule_has_a_failing_case(registry: Registry) -> None:
    # Cross-year, notice and scan rules have their own tests (test_xyear.py,
    # test_notice_rules.py, test_ocr_rules.py).
    scans = ("report.seal-missing", "report.signature-missing")
    annual = {r.id for r in registry if r.applies_to("annual_report")
              and not r.id.startswith(("xyear.", "notice.", "rollup.", "ocr.", "nianbao."))
              and r.id not in scans and r.id not in NOTES}
    assert sorted(annual) == sorted(FAILING)


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_rule_fires(registry: Registry, rule_id: str) -> None:
    changes, text = FAILING[rule_id]
    findings = run(registry, changes, text)
    fired = [f for f in findings if f.rule == rule_id]
    assert fired, f"{rule_id} did not fire; got {[f.rule for f in findings]}"
    for finding in fired:
        assert "{" not in finding.message_zh and "{" not in finding.message_en
        assert finding.severity == registry[rule_id].severity or rule_id == "identity.credit-code"


def test_signer_mismatch_names_both_people(registry: Registry) -> None:
    findings = run(registry, *FAILING["report.signer-mismatch"])
    (finding,) = [f for f in findings if f.rule == "report.signer-mismatch"]
    assert finding.params["legal_representative"] == "邹建波"
    assert finding.params["signer"] == "傅蔚霞"
    assert "傅蔚霞" in finding.message_zh and "邹建波" in finding.message_en


def test_year_mismatch_on_narrative_about_another_year(registry: Registry) -> None:
    findings = run(registry, {"activities": "2023年，我中心保障城乡低保对象6800户。",
                              "change_registration": "2023年度无变更。"})
    assert [f.params["content_year"] for f in findings if f.rule == "report.year-mismatch"] == [2023]


def test_placeholder_does_not_fire_on_blank_form_lines(registry: Registry) -> None:
    findings = run(registry, {}, "联系电话: _____\n")
    assert not [f for f in findings if f.rule == "text.placeholder"]


def test_a_crashing_rule_becomes_a_finding() -> None:
    registry = Registry()

    @rule("test.boom", "error", title=("t", "t"), message=("m", "m"))
    def boom(ctx: CheckContext) -> list[Any]:
        raise RuntimeError("broken")

    registry.add(boom)

    (finding,) = registry.run(CheckContext(Record(kind="annual_report")))
    assert finding.rule == "nianbao.rule-crashed" and finding.params["rule"] == "test.boom"
    assert finding.severity == "error"  # the record was not fully checked: exit status 1
    assert "test.boom" in finding.message_zh and "RuntimeError: broken" in finding.message_en
