"""The arithmetic rules on real work summaries: silent on a clean one, loud on a broken one."""

from __future__ import annotations

from nianbao.pipeline import check_path
from tests.conftest import ROOT, SEED_000, SEED_004

SUMMARIES = ROOT / "examples" / "work_summary"


def rules(report: object) -> list[str]:
    return [f.rule for f in report.findings]  # type: ignore[attr-defined]


def test_clean_summary_has_no_arithmetic_findings() -> None:
    # 194+4 = 168+30 = 198, 9+25 = 34, 补差 = 50 % of the standard, 8160 ≥ 523×12×1.3.
    report = check_path(SUMMARIES / "001_zhanhe_2025.txt")
    assert report.record.kind == "work_summary"
    assert not [r for r in rules(report) if r.startswith(("arith.", "policy."))]
    assert len(report.record.facts) >= 35
    standards = {(f.indicator, f.qualifier): f.rate_yuan_per_month for f in report.record.facts
                 if f.indicator == "dibao_standard_urban"}
    assert standards == {("dibao_standard_urban", "before"): 645, ("dibao_standard_urban", "after"): 697}


def test_placeholders_and_unit_drift_in_a_summary() -> None:
    report = check_path(SUMMARIES / "002_kaifaqu_2025.txt")
    # 〔*〕开发区 twice is one masked name, said once; 〔*〕街道 and 约〔*〕万元 are two more
    assert rules(report).count("text.placeholder") == 3
    (unit,) = [f for f in report.findings if f.rule == "text.unit"]
    assert unit.evidence.startswith("118户")


def test_annual_report_arithmetic() -> None:
    found = {(f.rule, f.params.get("stated")) for f in check_path(SEED_004.with_suffix(".txt")).findings
             if f.rule.startswith("arith.")}
    assert found == {("arith.part-sum", 392), ("arith.part-sum", 1507), ("arith.percent", "60.09")}
    approx = [f for f in check_path(SEED_000.with_suffix(".txt")).findings
              if f.rule == "arith.approx-total"]
    assert [(f.params["sum"], f.params["stated"]) for f in approx] == [(21820, 21300)]
    assert "14293+4572+1719+1236=21820" in approx[0].message_zh
