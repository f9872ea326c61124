"""The pipeline in one call: read → detect kind → parse → check → Report."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.checks import CheckContext, Registry, Settings, default_registry
from nianbao.checks import ocr as ocr_rules
from nianbao.errors import UnreadableInput
from nianbao.extract import annual_report, notice, read, sha256_file, summary
from nianbao.model import Document, Finding, Record, Report, Source

KINDS = ("annual_report", "work_summary", "statistics_report", "notice")
_FORM_LABELS = re.compile(r"宗旨和\s*业务范围|开办资金|举办单位|经[费济]来源|网上名称|从业人数")
_NOTICE = re.compile(r"^.{0,60}(?:关于.{2,60})?通知\s*$", re.MULTILINE)
_STATISTICS = re.compile(r"本期|上期|同比|环比|本月|累计")


def detect_kind(document: Document) -> str:
    """Which kind of document this is, from its wording."""
    text = document.text[:6000]
    if "事业单位法人年度报告书" in text or len(set(_FORM_LABELS.findall(text))) >= 3:
        return "annual_report"
    head = "\n".join(b.text for b in document.blocks[:8])
    if _NOTICE.search(head) or "实施方案" in head:
        return "notice"
    rows = [b for b in document.blocks if b.kind == "row"]
    headers = sum(1 for b in rows if len(set(_STATISTICS.findall(b.text))) >= 2)
    if len(rows) >= 5 and headers:
        return "statistics_report"
    return "work_summary"


def parse(document: Document, kind: str | None = None) -> Record:
    kind = kind or detect_kind(document)
    if kind == "annual_report":
        return annual_report.parse(document)
    if kind == "notice":
        record = notice.parse(document)
        prose = summary.parse(document, kind)  # a notice that sets standards has facts too
        record.sentences, record.facts = prose.sentences, prose.facts
        return record
    return summary.parse(document, kind)


def check_document(document: Document, kind: str | None = None,
                   registry: Registry | None = None, settings: Settings | None = None) -> Report:
    record = parse(document, kind)
    return check_record(record, document.source, document, registry, settings)


def check_record(record: Record, source: Source, document: Document | None = None,
                 registry: Registry | None = None, settings: Settings | None = None) -> Report:
    registry = registry or default_registry()
    if record.kind == "annual_report" and not record.sentences and not record.facts:
        annual_report.fill_facts(record)  # a record loaded from JSON
    ctx = CheckContext(record, document, settings or Settings())
    findings: list[Finding] = list(record.notes) + registry.run(ctx)
    findings = ocr_rules.annotate(findings, document)
    return Report(source=source, record=record, findings=findings)


def check_path(path: str | Path, kind: str | None = None, registry: Registry | None = None,
               settings: Settings | None = None, ocr: str = "auto") -> Report:
    """Check one file: a .txt/.docx/.pdf document or a page image, or a record .json written by
    nianbao. `ocr` says when scanned pages are recognised (see `nianbao.extract.read`)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        record, source = load_record(path)
        return check_record(record, source, None, registry, settings)
    return check_document(read(path, ocr=ocr), kind, registry, settings)


def load_record(path: Path) -> tuple[Record, Source]:
    """A record JSON: either nianbao's output object (with "record") or the bare record fields."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableInput(f"无法读取记录文件 {path}：{exc}",
                              f"cannot read record file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise UnreadableInput(f"记录文件不是 JSON 对象：{path}", f"record file is not a JSON object: {path}")
    fields = data.get("record", data)
    kind = data.get("kind", "annual_report")
    if not isinstance(fields, dict) or kind not in KINDS:
        raise UnreadableInput(f"记录文件格式不对：{path}", f"not a nianbao record: {path}")
    fields = {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in fields.items()}
    record = Record(kind=kind, fields=fields, year=data.get("year", fields.get("report_year")),
                    as_of=data.get("as_of"), org=data.get("org", fields.get("name")))
    return record, Source(str(path), sha256_file(path), "json")


def to_json(value: Any, indent: int | None = 2) -> str:
    """JSON text of a contract object; Decimal amounts become JSON numbers."""
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
