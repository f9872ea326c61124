"""The 委托意见's signer written without brackets (法定代表人签字：马志强) is a signature: no
report.opinion-incomplete, and report.signer-mismatch compares that name."""

from __future__ import annotations

from typing import Any

import pytest

from nianbao.checks import CheckContext, Registry
from nianbao.checks import report as report_rules
from nianbao.model import Finding, Record

ENTRUST = "本单位委托门源回族自治县事业单位登记管理局向社会公示本报告书内容。法定代表人{how}{name} 2026年3月18日"
SPONSOR = "经保密审查，同意报送。2026年3月16日"


def run(**fields: Any) -> list[Finding]:
    registry = Registry()
    registry.add(report_rules.opinion_incomplete, report_rules.signer_mismatch)
    return registry.run(CheckContext(Record(kind="annual_report", fields=fields), None))


@pytest.mark.parametrize("how", ["签字：", "签名：", "签章:", "（签字）：", "："])
def test_a_signature_in_any_common_wording_is_found(how: str) -> None:
    found = run(entrust_opinion=ENTRUST.format(how=how, name="马志强"), sponsor_opinion=SPONSOR,
                legal_representative="马志强")
    assert found == []


def test_another_signer_is_reported_and_no_signer_is_incomplete() -> None:
    found = run(entrust_opinion=ENTRUST.format(how="签字：", name="韩德福"),
                sponsor_opinion=SPONSOR, legal_representative="马志强")
    assert [(f.rule, f.params.get("signer")) for f in found] == [
        ("report.signer-mismatch", "韩德福")]
    unsigned = ENTRUST.format(how="", name="").replace("法定代表人", "")
    found = run(entrust_opinion=unsigned, sponsor_opinion=SPONSOR, legal_representative="马志强")
    assert [f.message_zh for f in found] == ["事业单位委托意见没有法定代表人签名"]
