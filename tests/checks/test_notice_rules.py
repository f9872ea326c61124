"""The notice rules: each fires on a broken notice and stays silent on a correct one, and they
fire on the seeds where the audit (spec §5.3, §5.5) says they should."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nianbao.checks import CheckContext, Registry
from nianbao.checks import notice as notice_rules
from nianbao.extract import read
from nianbao.extract.notice import parse
from nianbao.generate.notice_input import load_notice
from nianbao.model import Document, Finding, Record
from tests.conftest import ROOT

# The seeds live in the shared folder beside the repository (CI clones it there too).
SEEDS = next((p for p in (ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds"))
              if p.is_dir()), ROOT.parent / "shared" / "seeds")
EXAMPLE = ROOT / "examples" / "notice" / "my_notice.yaml"
SEED_003 = ROOT / "examples" / "notice" / "003_yunxi_notice.txt"
RULE_IDS = ("notice.doc-number", "notice.missing-doc-number", "notice.missing-colophon",
            "notice.date-style", "notice.deadline-before-issue", "notice.phase-order",
            "notice.phase-range", "notice.task-count", "notice.task-without-owner",
            "notice.personal-phone")


@pytest.fixture(scope="module")
def rules() -> Registry:
    registry = Registry()
    registry.add(*notice_rules.RULES)
    return registry


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return load_notice(EXAMPLE)


def run(rules: Registry, fields: dict[str, Any], document: Document | None = None,
        kind: str = "notice") -> list[Finding]:
    date = fields.get("date")
    year = int(date[:4]) if isinstance(date, str) else None
    return rules.run(CheckContext(Record(kind=kind, fields=fields, year=year), document))


def broken(good: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    fields = copy.deepcopy(good)
    change(fields)
    return fields


def test_every_rule_is_documented(rules: Registry) -> None:
    assert tuple(rule.id for rule in rules) == RULE_IDS
    for rule in rules:
        assert len(rule.doc) > 80, rule.id
        assert rule.kinds == (() if rule.id == "notice.doc-number" else ("notice",))


def test_silent_on_a_correct_notice(rules: Registry, good: dict[str, Any]) -> None:
    assert run(rules, good) == []


def _tasks(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return fields["plan"]["sections"][1]["tasks"]


def _phases(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return fields["plan"]["sections"][2]["phases"]


def _set_body(text: str) -> Callable[[dict[str, Any]], None]:
    def change(fields: dict[str, Any]) -> None:
        fields["body"] = [text]
    return change


CASES: list[tuple[str, Callable[[dict[str, Any]], None], dict[str, Any]]] = [
    ("notice.doc-number", lambda f: f.update(doc_number="临民发﹝2025﹞8号"),
     {"found": "临民发﹝2025﹞8号", "expected": "临民发〔2025〕8号"}),
    ("notice.doc-number", lambda f: f.update(doc_number="临民发〔2025〕第08号"),
     {"expected": "临民发〔2025〕8号"}),
    ("notice.doc-number", lambda f: f.update(doc_number="临民发〔2024〕8号"),
     {"found": "临民发〔2024〕8号"}),
    ("notice.doc-number", _set_body("根据《关于做好低保工作的通知》（湘民发[2024]3号）办理。"),
     {"found": "湘民发[2024]3号", "expected": "湘民发〔2024〕3号"}),
    ("notice.missing-doc-number", lambda f: f.update(doc_number=None), {}),
    ("notice.missing-colophon", lambda f: f.update(colophon=None), {}),
    ("notice.missing-colophon", lambda f: f["colophon"].update(printed_on=None),
     {"missing": ["printed_on"]}),
    ("notice.deadline-before-issue", lambda f: _tasks(f)[0].update(deadline="2月底前"),
     {"deadline": "2月底前", "deadline_date": "2025-02-28", "issued": "2025-03-12"}),
    ("notice.phase-order", lambda f: _phases(f).insert(1, _phases(f).pop(2)),
     {"phase": "集中排查", "period": "4月—6月", "previous": "巩固提升"}),
    ("notice.phase-range", lambda f: _phases(f)[1].update(period="6月—4月"),
     {"period": "6月—4月"}),
    ("notice.phase-range", lambda f: _phases(f)[1].update(period="4月-6月"),
     {"period": "4月-6月", "dash": "-"}),
    ("notice.task-count", lambda f: _tasks(f).pop(), {"announced": 4, "listed": 3}),
    ("notice.task-without-owner", lambda f: _tasks(f)[2].update(owners=[]),
     {"task": "强化资金监管"}),
    ("notice.personal-phone", _set_body("请联系王敏（13907301234）。"), {"masked": "139****1234"}),
]


@pytest.mark.parametrize(("rule", "change", "params"), CASES,
                         ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_fires_on_a_broken_notice(rules: Registry, good: dict[str, Any], rule: str,
                                  change: Callable[[dict[str, Any]], None],
                                  params: dict[str, Any]) -> None:
    findings = run(rules, broken(good, change))
    assert [f.rule for f in findings] == [rule]
    finding = findings[0]
    assert params.items() <= finding.params.items()
    assert "{" not in finding.message_zh and "{" not in finding.message_en
    assert finding.pointer.startswith("/record/")


def test_generated_notices_are_strict(rules: Registry, good: dict[str, Any]) -> None:
    """Without a document (the generator's input) a missing 发文字号 or 版记, and a malformed
    发文字号, are errors."""
    fields = broken(good, lambda f: f.update(colophon=None, doc_number="临民发[2025]8号"))
    severities = {f.rule: f.severity for f in run(rules, fields)}
    assert severities == {"notice.doc-number": "error", "notice.missing-colophon": "error"}
    fields = broken(good, lambda f: f.update(doc_number=None))
    assert [(f.rule, f.severity) for f in run(rules, fields)] == [
        ("notice.missing-doc-number", "error")]


def test_date_style_needs_the_written_date(rules: Registry, tmp_path: Path) -> None:
    text = ("岳阳市民政局\n关于开展救助的通知\n各镇：\n请落实。\n岳阳市民政局\n二〇二三年七月六日\n"
            "抄送：市财政局。\n岳阳市民政局办公室 2023年7月6日印发\n")
    path = tmp_path / "notice-date-in-chinese-numerals.txt"
    path.write_text(text, encoding="utf-8")
    document = read(path)
    findings = rules.run(CheckContext(parse(document), document))
    styles = [f for f in findings if f.rule == "notice.date-style"]
    assert [(f.evidence, f.params["expected"]) for f in styles] == [("二〇二三年七月六日",
                                                                       "2023年7月6日")]
    assert styles[0].provenance is not None and styles[0].provenance.block == 5


@pytest.fixture(scope="module")
def seed_003() -> tuple[Document, Record]:
    document = read(SEED_003)
    return document, parse(document)


def test_seed_003(rules: Registry, seed_003: tuple[Document, Record]) -> None:
    """Spec §5.5: no 发文字号 (#1), no 版记 (#3): info for a notice read from a file; the 4月底
    task in a notice dated 7月6日 (#6); a mobile number in the text (#10). Silent on the six
    tasks announced and listed (#8), on every task's 责任单位 and on the phases' order (#7)."""
    document, record = seed_003
    findings = rules.run(CheckContext(record, document))
    assert [(f.rule, f.severity) for f in findings] == [
        ("notice.missing-doc-number", "info"),
        ("notice.missing-colophon", "info"),
        ("notice.deadline-before-issue", "warning"),
        ("notice.personal-phone", "warning"),
    ]
    deadline, phone = findings[2], findings[3]
    assert deadline.evidence == "4月底，全面落实重点民生实事任务"
    assert deadline.params == {"deadline": "4月底", "deadline_date": "2023-04-30",
                               "issued": "2023-07-06", "deadline_zh": "2023年4月30日",
                               "issued_zh": "2023年7月6日"}
    assert phone.evidence == "（联系人：李颖，15842869509）"
    for finding in findings[2:]:
        assert finding.evidence in document.text
        assert finding.provenance is not None
        block = document.blocks[finding.provenance.block or 0]
        start, end = finding.provenance.start, finding.provenance.end
        assert block.text[start:end] == finding.evidence


def test_seed_003_as_generator_input(rules: Registry, seed_003: tuple[Document, Record]) -> None:
    findings = rules.run(CheckContext(seed_003[1]))
    assert {f.rule for f in findings if f.severity == "error"} == {
        "notice.missing-doc-number", "notice.missing-colophon"}


@pytest.mark.skipif(not SEEDS.exists(), reason="the seeds live in the shared folder")
@pytest.mark.parametrize("seed", ["000_93cb33c6abd76e15", "001_83d197f7b21802c4",
                                  "002_2db2e9afa2397ebc", "004_5c5e57e4bebc7c30"])
def test_other_seeds(rules: Registry, seed: str) -> None:
    """Seed 001 cites 平湛民﹝2025﹞6号 (U+FE5D/FE5E) and, correctly, 平湛民〔2025〕9号 (spec §5.3
    #8): one warning. The other seeds cite no document numbers."""
    document = read(SEEDS / f"{seed}.txt")
    findings = rules.run(CheckContext(Record(kind="work_summary"), document))
    if seed.startswith("001"):
        assert [(f.rule, f.severity, f.evidence) for f in findings] == [
            ("notice.doc-number", "warning", "平湛民﹝2025﹞6号")]
        assert findings[0].params["expected"] == "平湛民〔2025〕6号"
        assert findings[0].provenance is not None and findings[0].provenance.page == 1
    else:
        assert findings == []
