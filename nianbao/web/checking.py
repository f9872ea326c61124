"""Checking an upload or a submitted draft, and storing it, in a worker process with a time limit.

An upload is checked like a batch file: in a separate process that can be killed when it takes
longer than the batch's time limit (`nianbao.batch.run.DEFAULT_TIMEOUT`, plus
`OCR_SECONDS_PER_PAGE` for each page of a PDF or an image OCR may have to read), so a hostile
file costs one request a clear error and the server stays up. Every format the command line
reads is taken, by its bytes (`nianbao.web.uploads`): the worker first inspects the file (its
format, its pages), then reads and checks it. The worker writes the bytes to a file of its own
making (a fixed name in its own temporary folder, the suffix from the readers' allow-list): no
name or path from a request reaches the filesystem, and no message shows the worker's path.

In one store transaction the worker loads the institution's other years, runs every rule
(cross-year ones included), records the filing and its source (`filing_files`) and writes the
audit line: a check is either stored whole or not at all.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.batch.pool import DEFAULT_MEMORY_MB, Worker
from nianbao.batch.task import OCR_SECONDS_PER_PAGE
from nianbao.errors import NianbaoError
from nianbao.model import Document, Finding, Record, Report, Source
from nianbao.web.uploads import Refused


@dataclass(frozen=True)
class Scope:
    """Who is storing the filing (picklable copy of the account's scope)."""

    user_id: int | None
    user_name: str
    role: str
    org: str | None
    region: str | None


@dataclass(frozen=True)
class UploadTask:
    store: str
    scope: Scope
    filename: str
    suffix: str
    content: bytes
    kind: str | None = None


@dataclass(frozen=True)
class DraftTask:
    store: str
    scope: Scope
    year: int
    fields: dict[str, Any]
    confirm_errors: bool


@dataclass(frozen=True)
class TextTask:
    """Read an uploaded document and hand back its text (the work summary a draft is filled
    from); nothing is stored."""

    suffix: str
    content: bytes
    filename: str = ""


@dataclass(frozen=True)
class InspectTask:
    """Before an upload is read: the format it will be read as and the pages OCR may read in
    it (`CheckResult.extra`), or why its type is refused."""

    filename: str
    suffix: str
    content: bytes


@dataclass
class CheckResult:
    """What the worker hands back: the report and the stored filing's id, or a refusal."""

    report: Report | None = None
    filing_id: int | None = None
    status: int = 200
    error_code: str = ""
    message_zh: str = ""
    message_en: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    text: str = ""


def refusal(status: int, code: str, zh: str, en: str) -> CheckResult:
    return CheckResult(status=status, error_code=code, message_zh=zh, message_en=en)


# --------------------------------------------------------------------------- in the worker


Task = UploadTask | DraftTask | TextTask | InspectTask


def run_task(task: Task, workdir: Path) -> CheckResult:
    """Do one task (in the worker); every failure becomes a CheckResult, never an exception."""
    try:
        if isinstance(task, UploadTask):
            return _upload(task, workdir)
        if isinstance(task, TextTask):
            return _text(task, workdir)
        if isinstance(task, InspectTask):
            return _inspect(task, workdir)
        return _draft(task)
    except Refused as exc:
        return refusal(exc.status, exc.code, exc.zh, exc.en)
    except NianbaoError as exc:  # the worker's own folder is no business of the filer's
        return refusal(422, exc.code, _outside(exc.message_zh, task, workdir),
                       _outside(exc.message_en, task, workdir))
    except MemoryError:
        return refusal(422, "memory", "处理该文件时内存不足", "ran out of memory on this file")


def _outside(message: str, task: Task, workdir: Path) -> str:
    """A reader's message as the filer should see it: the uploaded file by its own name, not
    by the worker's scratch path."""
    if isinstance(task, UploadTask | TextTask | InspectTask):
        scratch = _scratch(task, workdir)
        # the whole path, or the bare name some readers use (not inside a longer name)
        pattern = re.compile(rf"{re.escape(str(scratch))}|(?<![\w./-]){re.escape(scratch.name)}"
                             r"(?![\w.-])")
        name = task.filename or "上传的文件"
        message = pattern.sub(lambda _: name, message)
    return message.replace(str(workdir), "")


def _scratch(task: UploadTask | TextTask | InspectTask, workdir: Path) -> Path:
    """Where the worker keeps an upload while it reads it: a fixed name, the filer's suffix
    (one of the readers', `nianbao.extract.FORMATS`), so it is read as `nianbao check` reads
    the filer's file."""
    return workdir / f"upload{task.suffix}"


def _inspect(task: InspectTask, workdir: Path) -> CheckResult:
    from nianbao.web.uploads import inspect

    path = _scratch(task, workdir)
    path.write_bytes(task.content)
    try:
        found = inspect(path, task.filename or "上传的文件")
    finally:
        path.unlink(missing_ok=True)
    return CheckResult(extra={"format": found.format, "pages": found.pages})


def _upload(task: UploadTask, workdir: Path) -> CheckResult:
    from dataclasses import replace

    from nianbao.extract import read
    from nianbao.pipeline import parse
    from nianbao.web.uploads import media_type

    path = _scratch(task, workdir)
    path.write_bytes(task.content)
    try:
        document = read(path)
    finally:
        path.unlink(missing_ok=True)
    record = parse(document, task.kind)
    sha = hashlib.sha256(task.content).hexdigest()
    source = Source(task.filename, sha, document.source.format)
    document = replace(document, source=source)  # the filer's name; OCR details kept
    return store_checked(task.store, task.scope, record, source, document,
                         filename=task.filename,
                         media_type=media_type(source.format, task.content),
                         content=task.content, origin="upload", confirm_errors=True)


def _text(task: TextTask, workdir: Path) -> CheckResult:
    from nianbao.extract import read

    path = _scratch(task, workdir)
    path.write_bytes(task.content)
    try:
        return CheckResult(text=read(path).text)
    finally:
        path.unlink(missing_ok=True)


def _draft(task: DraftTask) -> CheckResult:
    from nianbao.model import plain

    fields = dict(task.fields)
    fields["report_year"] = task.year
    data = plain(fields)
    text = _canonical(data)
    record = draft_record(fields, task.year)
    sha = hashlib.sha256(text.encode()).hexdigest()
    source = Source(f"web:draft:{task.year}", sha, "json")
    return store_checked(task.store, task.scope, record, source, None,
                         filename=f"{task.year}年度报告（网上填报）", media_type="application/json",
                         content=None, origin="draft", confirm_errors=task.confirm_errors)


def draft_record(fields: dict[str, Any], year: int) -> Record:
    """The annual-report record of a draft's fields (amounts as Decimal, facts filled)."""
    from decimal import Decimal, InvalidOperation

    from nianbao.extract import annual_report
    from nianbao.forms import AMOUNT_FIELDS

    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name in AMOUNT_FIELDS and value not in (None, ""):
            try:
                values[name] = Decimal(str(value).replace(",", "").strip())
            except InvalidOperation:
                values[name] = value
        elif name == "staff_count" and isinstance(value, str) and value.strip().isdigit():
            values[name] = int(value.strip())
        else:
            values[name] = value if value != "" else None
    values["report_year"] = year
    org = values.get("name")
    record = Record(kind="annual_report", fields=values, year=year, as_of=f"{year}-12",
                    org=org if isinstance(org, str) else None)
    annual_report.fill_facts(record)
    return record


def _canonical(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def store_checked(store_url: str, scope: Scope, record: Record, source: Source,
                  document: Document | None, *, filename: str, media_type: str,
                  content: bytes | None, origin: str, confirm_errors: bool) -> CheckResult:
    """Check `record` with its history and store it with its source, in one transaction."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from nianbao.checks import default_registry, ruleset_version
    from nianbao.model import plain
    from nianbao.store.accounts import Scope as AccountScope
    from nianbao.store.accounts import audit
    from nianbao.store.db import StoreError
    from nianbao.store.filings import code_if_valid_looking, institution_key, recording_notes
    from nianbao.store.schema import utcnow
    from nianbao.store.web_schema import filing_files

    key = institution_key(record)
    code = code_if_valid_looking(record.fields.get("credit_code"))
    account = AccountScope(scope.role, scope.org, scope.region)
    if key is None:
        return refusal(422, "no-institution", "文件中既无统一社会信用代码也无单位名称，无法归档",
                       "the document names neither a credit code nor a name; cannot be filed")
    if not account.sees(key, code):
        return refusal(403, "not-yours",
                       f"该文件属于单位 {key}，不在本账户的范围内，未保存",
                       f"this document belongs to {key}, outside this account's scope; not stored")
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = default_registry()
    registry = _REGISTRY
    version = ruleset_version(registry)
    store = _open_store(store_url)
    # The rules run before the write transaction, on the history as read then; the write
    # transaction reads it again and runs them again only when it changed meanwhile. So the
    # store's write lock (SQLite: the whole file) is held for the writing, not the checking.
    with store.transaction(read_only=True) as tx:
        history = tx.related_history(record)
    findings = _findings(registry, record, document, history)
    for attempt in range(5):
        try:
            with store.transaction() as tx:
                now_history = tx.related_history(record)
                if _history_key(now_history) != _history_key(history):
                    history = now_history
                    findings = _findings(registry, record, document, history)
                errors = [f for f in findings if f.severity == "error"]
                if origin == "draft" and errors and not confirm_errors:
                    return CheckResult(report=Report(source, record, findings), status=409,
                                       error_code="needs-confirmation",
                                       message_zh="报告仍有错误，须确认后才能提交",
                                       message_en="the report still has errors; confirm to submit")
                report = Report(source, record, findings)
                ref = tx.record_filing(report, version)
                if ref is None:
                    return refusal(422, "no-institution", "无法归档", "cannot be filed")
                now = utcnow()
                values = {"org": key, "uploaded_by": scope.user_id, "filename": filename[:300],
                          "media_type": media_type, "content": content,
                          "blocks": _blocks_json(document), "origin": origin,
                          "submitted_at": now,
                          "errors_confirmed": bool(origin == "draft" and errors and confirm_errors)}
                exists = tx.conn.execute(filing_files.select().where(
                    filing_files.c.filing_id == ref.id)).first()
                if exists is None:
                    tx.conn.execute(filing_files.insert().values(filing_id=ref.id, **values))
                else:
                    tx.conn.execute(filing_files.update().where(
                        filing_files.c.filing_id == ref.id).values(**values))
                audit(tx.conn, scope.user_id, scope.user_name,
                      "filing.submit" if origin == "draft" else "filing.upload", ref.id, key,
                      None, {"year": record.year, "source": filename[:300], "status": ref.status,
                             "errors": len(errors),
                             "errors_confirmed": bool(origin == "draft" and errors
                                                      and confirm_errors)})
            report.findings.extend(recording_notes(ref))
            return CheckResult(report=report, filing_id=ref.id,
                               extra={"record": plain(record.fields)})
        except (IntegrityError, OperationalError, StoreError):
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _findings(registry: Any, record: Record, document: Document | None,
              history: list[Record]) -> list[Finding]:
    """The findings `nianbao check` gives (`nianbao.pipeline.findings_of`)."""
    from nianbao.checks import Settings
    from nianbao.pipeline import findings_of

    return findings_of(record, document, registry, Settings(), history)


def _history_key(history: list[Record]) -> list[tuple[Any, ...]]:
    return [(r.year, r.kind, sorted((k, str(v)) for k, v in r.fields.items())) for r in history]


_STORES: dict[str, Any] = {}
_REGISTRY: Any = None


def warm_up() -> None:
    """Import what a check needs before the first request arrives (a worker starts cold)."""
    global _REGISTRY
    import nianbao.extract.docx_reader
    import nianbao.extract.pdf_reader
    import nianbao.extract.txt_reader
    import nianbao.pipeline  # noqa: F401
    from nianbao.checks import default_registry

    if _REGISTRY is None:
        _REGISTRY = default_registry()


def _open_store(url: str) -> Any:
    from nianbao.store.filings import Store

    if url not in _STORES:
        _STORES[url] = Store.open(url)
    return _STORES[url]


def _blocks_json(document: Document | None) -> list[dict[str, Any]]:
    if document is None:
        return []
    return [b.to_dict() for b in document.blocks if b.kind != "page_break"]


CHECK = "nianbao.web.checking:check"  # what the pool's workers run (`nianbao.batch.pool`)
_WORKDIR: tempfile.TemporaryDirectory[str] | None = None


def prepare() -> None:
    """Once per worker, when it starts: the imports and the rule set a check needs, and the
    worker's own scratch folder (removed when the worker ends)."""
    import logging

    global _WORKDIR
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    warm_up()
    _WORKDIR = tempfile.TemporaryDirectory(prefix="nianbao-web-")


def check(task: Task, registry: object = None) -> CheckResult:
    """One task in a worker (`run_task` in the worker's scratch folder); even an unexpected
    error becomes a refusal, so the worker goes on."""
    if _WORKDIR is None:
        prepare()
    assert _WORKDIR is not None
    try:
        return run_task(task, Path(_WORKDIR.name))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the worker
        text = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return refusal(500, "internal", f"内部错误：{text}", f"internal error: {text}")


# --------------------------------------------------------------------------- the pool


class _Stopped(Exception):
    """The worker ran over the time limit or died: it is gone, the request gets `result`."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message_en)
        self.result = result


class CheckPool:
    """A few worker processes; `run` gives one a task and waits at most `timeout` seconds (an
    upload: the time limit a batch gives the file, longer by `OCR_SECONDS_PER_PAGE` for each
    page OCR may have to read).

    Called from a thread (the web app runs it off the event loop). A task that runs over the
    limit, or a worker that dies, costs that request an error and the pool a fresh worker.
    Workers are capped in memory and share the cores for OCR as a batch's are."""

    def __init__(self, size: int, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        import os

        self.size = max(1, size)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.threads = max(1, (os.cpu_count() or 1) // self.size)
        self._idle: list[Worker] = []
        self._all = 0
        self._cond = threading.Condition()
        self._closed = False

    def _worker(self) -> Worker:
        return Worker(self.memory_mb, CHECK, self.threads)

    def start(self) -> None:
        with self._cond:
            while self._all < self.size:
                self._idle.append(self._worker())
                self._all += 1

    def _take(self) -> Worker:
        with self._cond:
            while not self._idle:
                if self._closed:
                    raise RuntimeError("the check pool is closed")
                if self._all < self.size:
                    self._all += 1
                    break
                self._cond.wait()
            else:
                return self._idle.pop()
        try:
            return self._worker()
        except BaseException:
            with self._cond:
                self._all -= 1
                self._cond.notify()
            raise

    def _give_back(self, worker: Worker | None) -> None:
        with self._cond:
            if worker is None or self._closed:
                self._all -= 1
                if worker is not None:
                    worker.stop()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def run(self, task: Task) -> CheckResult:
        """Do `task` in a worker. An upload is inspected first (its format and pages, or the
        reason its type is refused), on the same worker, within the plain time limit."""
        worker = self._take()
        try:
            limit = self.timeout
            if isinstance(task, UploadTask | TextTask):
                seen = self._ask(worker, InspectTask(task.filename, task.suffix, task.content),
                                 limit)
                if seen.status != 200:
                    self._give_back(worker)
                    return seen
                limit += OCR_SECONDS_PER_PAGE * int(seen.extra.get("pages", 0))
            result = self._ask(worker, task, limit)
        except _Stopped as stopped:
            worker.stop(kill=True)
            self._give_back(None)
            return stopped.result
        self._give_back(worker)
        return result

    @staticmethod
    def _ask(worker: Worker, task: Task, limit: float) -> CheckResult:
        try:
            worker.conn.send(task)
            if worker.conn.poll(limit):
                result: CheckResult = worker.conn.recv()
                return result
        except (EOFError, OSError):
            raise _Stopped(refusal(500, "crashed", "处理该文件时工作进程崩溃",
                                   "the worker process crashed on this file")) from None
        raise _Stopped(refusal(504, "timeout", f"处理超时（超过 {limit:g} 秒），已中止",
                               f"timed out (over {limit:g} s); stopped"))

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
