"""A corpus of small invented documents, one per class of prose problem, with what a reviewer
expects: the findings that must be reported, the rules that must stay silent, the facts that
must be read and the figures that must not become facts.

Each `tests/fixtures/prose/NAME.txt` has a `NAME.json` beside it:

    findings   [{"rule", "evidence", "message"?}]  reported (warning/error/info), evidence overlapping
    count      {rule: n}                          exactly n findings of that rule
    silent     [rule, ...]                        never reported on this document
    facts      [{"measure", "value", "text", "indicator"?, "qualifier"?}]
    not_facts  [value, ...]                       no fact holds this value in any measure
    not_amounts [value, ...]                      no fact holds this value as amount_yuan
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from nianbao.model import Fact, Finding
from nianbao.pipeline import check_path

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "prose"
CASES = sorted(p.stem for p in CORPUS.glob("*.txt"))
MEASURES = ("households", "persons", "person_times", "amount_yuan", "rate_yuan_per_month",
            "rate_yuan_per_year", "percent", "value")


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=0.005)


def _overlaps(expected: str, evidence: str) -> bool:
    expected, evidence = expected.replace(" ", ""), evidence.replace(" ", "")
    return bool(evidence) and (expected in evidence or evidence in expected)


def _has_finding(findings: list[Finding], want: dict[str, Any]) -> bool:
    return any(f.rule == want["rule"] and _overlaps(want["evidence"], f.evidence)
               and want.get("message", "") in f.message_zh for f in findings)


def _has_fact(facts: list[Fact], want: dict[str, Any]) -> bool:
    return any(_close(getattr(f, want["measure"]), want["value"]) and want["text"] in f.text
               and all(getattr(f, k) == want[k] for k in ("indicator", "qualifier") if k in want)
               for f in facts)


@pytest.fixture(scope="module", params=CASES)
def case(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], Any]:
    name = request.param
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    return name, expected, check_path(CORPUS / f"{name}.txt")


def test_expected_findings_are_reported(case: tuple[str, dict[str, Any], Any]) -> None:
    name, expected, report = case
    missed = [w for w in expected.get("findings", []) if not _has_finding(report.findings, w)]
    assert not missed, (name, missed, [(f.rule, f.evidence) for f in report.findings])
    for rule_id, n in expected.get("count", {}).items():
        assert sum(f.rule == rule_id for f in report.findings) == n, (name, rule_id)


def test_ordinary_text_stays_silent(case: tuple[str, dict[str, Any], Any]) -> None:
    name, expected, report = case
    loud = [(f.rule, f.evidence) for f in report.findings if f.rule in expected.get("silent", [])]
    assert not loud, (name, loud)


def test_facts_are_read(case: tuple[str, dict[str, Any], Any]) -> None:
    name, expected, report = case
    facts = report.record.facts
    missed = [w for w in expected.get("facts", []) if not _has_fact(facts, w)]
    assert not missed, (name, missed, [f.to_dict() for f in facts])
    for value in expected.get("not_facts", []):
        wrong = [f.text for f in facts if any(_close(getattr(f, m), value) for m in MEASURES)]
        assert not wrong, (name, value, wrong)
    for value in expected.get("not_amounts", []):
        wrong = [f.text for f in facts if _close(f.amount_yuan, value)]
        assert not wrong, (name, value, wrong)
