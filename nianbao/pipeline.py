"""The pipeline in one call: read → detect kind → parse → check → Report."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.checks import CheckContext, Registry, Settings, default_registry
from nianbao.errors import UnreadableInput
from nianbao.extract import annual_report, meta, notice, read, sha256_file, summary
from nianbao.model import Document, Finding, Record, Report, Source

KINDS = ("annual_report", "work_summary", "statistics_report", "notice")


def detect_kind(document: Document) -> str:
    """Which kind of document this is, from its wording and its tables."""
    return meta.detect_kind(document)


def parse(document: Document, kind: str | None = None) -> Record:
    kind = kind or detect_kind(document)
    if kind == "annual_report":
        record = annual_report.parse(document)
    elif kind == "notice":
        record = notice.parse(document)
        prose = summary.parse(document, kind)  # a notice that sets standards has facts too
        record.sentences, record.facts = prose.sentences, prose.facts
        record.tables = prose.tables
        record.org = record.org if record.org and meta.valid_org(record.org) else prose.org
    else:
        return summary.parse(document, kind)
    if record.as_of is None:
        record.as_of = meta.report_as_of(document, kind, record.year)
    return record


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
    return Report(source=source, record=record, findings=findings)


def check_path(path: str | Path, kind: str | None = None, registry: Registry | None = None,
               settings: Settings | None = None) -> Report:
    """Check one file: a .txt/.docx/.pdf document, or a record .json written by nianbao."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        record, source = load_record(path)
        return check_record(record, source, None, registry, settings)
    return check_document(read(path), kind, registry, settings)


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
