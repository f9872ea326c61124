"""The pipeline in one call: read → detect kind → parse → check → Report.

    report = check("report.pdf")                        # default rules and settings
    with Store.open("filings.sqlite") as store:         # with the institution's other years,
        report = check("report.pdf", store=store)       # and the filing recorded

`check` is the one entry the command line, the batch and the web app use: `source` is a
document (.txt .docx .pdf), a record file (.json) written by nianbao, a `Document` already read,
or a `Loaded` record with its source. With a `store`, the institution's other filings are the
cross-year rules' history and the filing is recorded in the same transaction.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.checks import CheckContext, Registry, Settings, default_registry, ruleset_version
from nianbao.checks import ocr as ocr_rules
from nianbao.errors import UnreadableInput
from nianbao.extract import annual_report, meta, notice, read, sha256_file, summary
from nianbao.extract.structured import BadValue, load_json
from nianbao.model import Document, Finding, Record, Report, Source, plain
from nianbao.text.controls import printable_name

if TYPE_CHECKING:
    from nianbao.store.filings import Store

KINDS = ("annual_report", "work_summary", "statistics_report", "notice")


def detect_kind(document: Document) -> str:
    """Which kind of document this is, from its wording and its tables."""
    return meta.detect_kind(document)


def parse(document: Document, kind: str | None = None) -> Record:
    found = None  # the statistics tables, when telling the kind found them
    if not kind:
        kind, found = meta.classify(document)
    if kind == "annual_report":
        record = annual_report.parse(document)
    elif kind == "notice":
        record = notice.parse(document)
        prose = summary.parse(document, kind)  # a notice that sets standards has facts too
        record.sentences, record.facts = prose.sentences, prose.facts
        record.tables = prose.tables
        record.org = record.org if record.org and meta.valid_org(record.org) else prose.org
    else:
        return summary.parse(document, kind, found)
    if record.as_of is None:
        record.as_of = meta.report_as_of(document, kind, record.year)
    return record


@dataclass
class Loaded:
    """A parsed record with the source it came from, and the document when it was read from one
    (None for a record file)."""

    record: Record
    source: Source
    document: Document | None = None


STORE_RETRIES = 5  # a concurrent writer recording the same institution: try again


def load(path: str | Path, kind: str | None = None, ocr: str = "auto") -> Loaded:
    """A document (.txt .docx .pdf, a scan or a page image) read and parsed, or a record file
    (.json) loaded. `ocr` says when scanned pages are recognised (`nianbao.extract.read`)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        record, source = load_record(path)
        return Loaded(record, source)
    document = read(path, ocr=ocr)
    return Loaded(parse(document, kind), document.source, document)


def check(source: str | Path | Document | Loaded, *, registry: Registry | None = None,
          settings: Settings | None = None, store: Store | None = None,
          kind: str | None = None, ocr: str = "auto", inbox: str | Path | None = None) -> Report:
    """Check one filing: read and parse `source` (unless it is `Loaded`), run the rules and
    return the Report. With `store`, in one transaction: load the institution's other years
    (the cross-year rules' history), run the rules and record the filing (retried when a
    concurrent writer got there first); the store's notes (superseded, not recorded) follow the
    findings, naming another filing by its path (relative to `inbox` when it lies there) and
    sha256. Raises `UnreadableInput` for a file that cannot be read."""
    if isinstance(source, Loaded):
        loaded = source
    elif isinstance(source, Document):
        loaded = Loaded(parse(source, kind), source.source, source)
    else:
        loaded = load(source, kind, ocr)
    registry = registry or default_registry()
    settings = settings or Settings()
    if store is None:
        return _run(loaded, registry, settings, [])
    return _run_with_store(loaded, registry, settings, store, inbox=inbox)


def _run(loaded: Loaded, registry: Registry, settings: Settings,
         history: list[Record]) -> Report:
    record = loaded.record
    if record.kind == "annual_report" and not record.sentences and not record.facts:
        annual_report.fill_facts(record)  # a record loaded from JSON
    return Report(source=loaded.source, record=record,
                  findings=findings_of(record, loaded.document, registry, settings, history))


def findings_of(record: Record, document: Document | None, registry: Registry,
                settings: Settings, history: list[Record]) -> list[Finding]:
    """What checking gives for a parsed record: the parser's notes, every rule's findings (the
    cross-year rules against `history`), and a note on each finding whose figures OCR read
    from a doubtful line. `check`, the batch and the web app all report these."""
    ctx = CheckContext(record, document, settings, history=history)
    findings: list[Finding] = list(record.notes) + registry.run(ctx)
    return ocr_rules.annotate(findings, document)


def recheck(loaded: Loaded, store: Store, *, registry: Registry | None = None,
            settings: Settings | None = None, inbox: str | Path | None = None) -> Report:
    """Check a filing that is already in `store` again, against everything stored now: a
    batch's second pass, after every filing of the batch was recorded (and its duplicates
    settled, `Store.settle_batch`), so that its cross-year findings and the store's notes do not
    depend on which filings happened to be stored first. The stored findings are replaced; the
    notes say where the filing stands now (current, replacing another; or an older version)."""
    registry = registry or default_registry()
    settings = settings or Settings()
    return _run_with_store(loaded, registry, settings, store, again=True, inbox=inbox)


def _run_with_store(loaded: Loaded, registry: Registry, settings: Settings, store: Store, *,
                    again: bool = False, inbox: str | Path | None = None) -> Report:
    from sqlalchemy.exc import IntegrityError, OperationalError

    from nianbao.store.db import StoreError
    from nianbao.store.filings import recording_notes

    version = ruleset_version(registry, settings)
    for attempt in range(STORE_RETRIES):
        try:
            with store.transaction() as tx:
                report = _run(loaded, registry, settings, tx.related_history(loaded.record))
                ref = tx.record_filing(report, version)
            report.findings.extend(recording_notes(ref, again=again, inbox=inbox))
            return report
        except (IntegrityError, StoreError, OperationalError):
            if attempt == STORE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def check_path(path: str | Path, kind: str | None = None, registry: Registry | None = None,
               settings: Settings | None = None, ocr: str = "auto") -> Report:
    """`check(path)` without a store (kept for callers that pass the kind positionally)."""
    return check(path, registry=registry, settings=settings, kind=kind, ocr=ocr)


MAX_RECORD_BYTES = 20_000_000  # a record is ~30 KB; its envelope with facts a few hundred KB


def load_record(path: Path) -> tuple[Record, Source]:
    """A record JSON: either nianbao's output object (with "record") or the bare record fields.

    Refused with one clear line: a file that is not UTF-8 JSON, non-finite or out-of-range
    numbers (NaN, Infinity, 1e400, a 5,000-digit integer), nesting deeper than a record has,
    and a year, kind or organisation of the wrong type (see `nianbao.extract.structured`)."""
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise _bad_record(path, f"文件过大（{size:,} 字节，上限 {MAX_RECORD_BYTES:,}）",
                              f"too large ({size:,} bytes, limit {MAX_RECORD_BYTES:,})")
        data = load_json(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise _bad_record(path, f"无法打开（{exc.strerror or exc}）",
                          f"cannot open it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise _bad_record(path, f"不是 UTF-8 文本（第 {exc.start} 字节）",
                          f"not UTF-8 text (at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise _bad_record(path, f"JSON 格式错误，第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}",
                          f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
                          ) from exc
    except BadValue as exc:
        raise _bad_record(path, exc.zh, exc.en) from exc
    if not isinstance(data, dict):
        raise UnreadableInput(f"记录文件不是 JSON 对象：{path}", f"record file is not a JSON object: {path}")
    fields = data.get("record", data)
    kind = data.get("kind", "annual_report")
    if not isinstance(fields, dict) or not isinstance(kind, str) or kind not in KINDS:
        raise UnreadableInput(f"记录文件格式不对：{path}", f"not a nianbao record: {path}")
    year = data.get("year", fields.get("report_year"))
    as_of, org = data.get("as_of"), data.get("org", fields.get("name"))
    if not (year is None or (isinstance(year, int) and not isinstance(year, bool))):
        where = "/year" if "year" in data else "/record/report_year"
        raise _bad_record(path, f"{where} 须为整数（而不是 {type(year).__name__}）",
                          f"{where} must be an integer (not {type(year).__name__})")
    for where, value in (("/as_of", as_of), ("/org" if "org" in data else "/record/name", org)):
        if not (value is None or isinstance(value, str)):
            raise _bad_record(path, f"{where} 须为文字（而不是 {type(value).__name__}）",
                              f"{where} must be text (not {type(value).__name__})")
    record = Record(kind=kind, fields=fields, year=year, as_of=as_of, org=org)
    return record, Source(printable_name(str(path)), sha256_file(path), "json")


def _bad_record(path: Path, zh: str, en: str) -> UnreadableInput:
    return UnreadableInput(f"无法读取记录文件 {path}：{zh}", f"cannot read record file {path}: {en}")


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def to_json(value: Any, indent: int | None = 2) -> str:
    """JSON text of a contract object (a `Report` or any model object, or its `to_dict()`);
    Decimal amounts become JSON numbers.

    Always valid JSON, safe to print: DEL, the C1 controls, bidi overrides and line separators
    are written as \\u escapes like the C0 controls (the same strings, but nothing a terminal
    acts on), and so is half a UTF-16 pair (which no UTF-8 text can hold). A number that is
    not finite (NaN, Infinity) is written as null, never as the bare NaN that JSON does not
    allow."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    text = json.dumps(plain(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
