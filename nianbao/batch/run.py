"""`run_batch`: check every document below an inbox, in worker processes, resumably.

The work is split three ways:

- `check_file(task)` does one file in whichever process runs it: read, parse, check (through the
  store when one is given), write the file's contract JSON atomically, and hand back a
  `FileResult` with the findings and the sentence each one came from. Anything that goes wrong
  with the file becomes a failed result with its reason; it never raises.
- `ProcessPool` runs `check_file` in worker processes it can kill: a file that takes longer than
  the time limit, or a worker that crashes (a segfault in a PDF engine, the memory limit), costs
  that file a failure row and the pool a fresh worker; the batch goes on.
- `run_batch` lists and hashes the inbox, skips what the ledger (`state.Ledger`) already holds
  for this rule set, feeds the rest to the pool (or to a Dask cluster), records each result as it
  arrives, and writes the reports at the end. Ctrl-C stops the workers and leaves the ledger and
  the outputs consistent; a rerun picks up where it stopped.

The library never prints: progress goes to a callback the caller gives.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao import __version__
from nianbao.batch.state import LEDGER_NAME, FileResult, FindingRow, Ledger
from nianbao.checks import Registry, default_registry
from nianbao.errors import NianbaoError, UnreadableInput, UsageError
from nianbao.extract import FORMATS, read, sha256_file
from nianbao.model import Document, Finding, Report

JSON_DIR = "json"
OUTPUTS = ("findings.csv", "findings.xlsx", "report.html")
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 2048
TASKS_PER_WORKER = 1000  # a worker is replaced after this many files, so no leak can pile up
HOOKS_ENV = "NIANBAO_BATCH_TEST_HOOKS"  # tests only: files starting with a marker misbehave
LOG_ENV = "NIANBAO_BATCH_TEST_LOG"  # tests only: where workers note each file they checked
_SENTENCE_ENDS = "。；！？!?;\n"
_SENTENCE_MAX = 300

ResultCallback = Callable[[FileResult], None]


# --- rule-set version ---------------------------------------------------------------------------


def ruleset_version(registry: Registry) -> str:
    """nianbao's version and a digest of the sorted rule ids: the results a rerun may reuse."""
    ids = ",".join(sorted(rule.id for rule in registry))
    return f"{__version__}+{hashlib.sha256(ids.encode()).hexdigest()[:12]}"


def batch_registry(store: str | None) -> Registry:
    """The rules a batch runs: the default set, plus the cross-year rules with a store."""
    registry = default_registry()
    if store is not None:
        from nianbao.store.cli_support import registry_with_xyear

        registry = registry_with_xyear(registry)
    return registry


# --- one file -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One file to check. `name` is its path inside the inbox (the reports' key)."""

    name: str
    path: str
    sha256: str
    json_name: str
    out: str
    store: str | None = None
    write_json: bool = True  # False: the JSON text travels back in the result (Dask)
    hooks: bool = False


@dataclass
class Outcome:
    """A `FileResult`, and the contract JSON when the worker did not write it itself."""

    result: FileResult
    json_text: str | None = None


def check_file(task: Task, registry: Registry | None = None) -> Outcome:
    """Check one file; any failure becomes a failed result with its reason. Never raises
    (except KeyboardInterrupt and SystemExit)."""
    start = time.perf_counter()
    try:
        if task.hooks:
            _test_hook(Path(task.path))
        report, document = _check(task, registry or batch_registry(task.store))
        json_text = _contract_json(report)
        if task.write_json:
            _write_json(Path(task.out) / task.json_name, json_text)
            json_text_back = None
        else:
            json_text_back = json_text
        result = _result(task, report, document)
        result.seconds = time.perf_counter() - start
        if task.hooks:
            _test_log(task)
        return Outcome(result, json_text_back)
    except UnreadableInput as exc:
        return Outcome(failure(task, exc.code, exc.message_zh, exc.message_en, start))
    except NianbaoError as exc:
        return Outcome(failure(task, exc.code, exc.message_zh, exc.message_en, start))
    except MemoryError:
        return Outcome(failure(task, "memory", "处理该文件时内存不足",
                               "ran out of memory on this file", start))
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        text = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return Outcome(failure(task, "internal", f"内部错误：{text}", f"internal error: {text}",
                               start))


def failure(task: Task, code: str, zh: str, en: str, start: float | None = None) -> FileResult:
    seconds = time.perf_counter() - start if start is not None else 0.0
    fmt = FORMATS.get(Path(task.name).suffix.lower())
    return FileResult(task.name, task.sha256, "failed", code, zh, en, format=fmt, seconds=seconds)


def _check(task: Task, registry: Registry) -> tuple[Report, Document | None]:
    from nianbao.pipeline import check_document

    if task.store is None:
        document = read(task.path)
        return check_document(document, registry=registry), document
    from nianbao.store.cli_support import check_with_store

    outcome = next(iter(check_with_store([task.path], task.store, registry=registry)))
    if isinstance(outcome, UnreadableInput):
        raise outcome
    return outcome, None


def _contract_json(report: Report) -> str:
    from nianbao.pipeline import to_json

    return to_json(report.to_json(), indent=None) + "\n"


def _write_json(path: Path, text: str) -> None:
    from nianbao.generate.atomic import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))


def _result(task: Task, report: Report, document: Document | None) -> FileResult:
    record = report.record
    code = record.fields.get("credit_code")
    texts = _Texts(document, report)
    rows = [_row(f, texts) for f in report.findings]
    return FileResult(
        task.name, task.sha256, "ok", format=report.source.format, kind=record.kind,
        org=record.org, credit_code=code if isinstance(code, str) else None,
        region=region_of(code), year=record.year, json_name=task.json_name, findings=rows,
    )


def region_of(code: Any) -> str | None:
    """The registering authority's division, from the credit code: 湖南省岳阳市汨罗市."""
    if not isinstance(code, str) or len(code.strip()) != 18:
        return None
    from nianbao.text.credit_code import division
    from nianbao.text.regions import full_name

    try:
        return full_name(division(code))
    except (ValueError, KeyError):
        return None


class _Texts:
    """Where a finding's evidence can be looked up to give its whole sentence."""

    def __init__(self, document: Document | None, report: Report) -> None:
        self.document = document
        self.report = report
        self._all: str | None = None

    def block(self, finding: Finding) -> str:
        prov = finding.provenance
        if self.document is None or prov is None or prov.block is None:
            return ""
        blocks = self.document.blocks
        if not 0 <= prov.block < len(blocks):
            return ""
        block = blocks[prov.block]
        if prov.cell is not None and 0 <= prov.cell < len(block.cells):
            return block.cells[prov.cell]
        return block.text

    def everything(self) -> str:
        if self._all is None:
            if self.document is not None:
                self._all = self.document.text
            else:
                record = self.report.record
                parts = [v for v in record.fields.values() if isinstance(v, str)]
                self._all = "\n".join(parts + [f.text for f in record.facts])
        return self._all


def _row(finding: Finding, texts: _Texts) -> FindingRow:
    sentence = ""
    if finding.evidence:
        sentence = sentence_around(texts.block(finding), finding.evidence) or sentence_around(
            texts.everything(), finding.evidence)
    prov = finding.provenance
    return FindingRow(finding.rule, finding.severity, finding.message_zh, finding.message_en,
                      finding.pointer, finding.evidence, sentence,
                      prov.page if prov is not None else None, _plain(finding.params))


def sentence_around(text: str, evidence: str) -> str:
    """The sentence of `text` that holds `evidence` (at most ~300 characters), or ""."""
    at = text.find(evidence)
    end_of_evidence = at + len(evidence)
    if at < 0:  # the evidence may span a line the layout wrapped: match without whitespace
        found = _find_ignoring_space(text, evidence)
        if found is None:
            return ""
        at, end_of_evidence = found
    start = max(text.rfind(c, 0, at) for c in _SENTENCE_ENDS) + 1
    ends = [i for i in (text.find(c, end_of_evidence) for c in _SENTENCE_ENDS) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    start = max(start, at - _SENTENCE_MAX // 2)
    end = min(end, max(end_of_evidence, start + _SENTENCE_MAX))
    return text[start:end].strip()


def _find_ignoring_space(text: str, needle: str) -> tuple[int, int] | None:
    """Where `needle` occurs in `text` when whitespace is ignored in both: (start, end)."""
    wanted = "".join(needle.split())
    if not wanted:
        return None
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    squeezed = "".join(text[i] for i in positions)
    at = squeezed.find(wanted)
    if at < 0:
        return None
    return positions[at], positions[at + len(wanted) - 1] + 1


def _plain(value: Any) -> Any:
    """Params as JSON-ready values (Decimal → int or float)."""
    import json

    from nianbao.pipeline import to_json

    return json.loads(to_json(value, indent=None))


def _test_log(task: Task) -> None:
    """Tests only: note each file checked in $NIANBAO_BATCH_TEST_LOG (one line per check)."""
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(task.name + "\n")


def _test_hook(path: Path) -> None:
    """Tests only ($NIANBAO_BATCH_TEST_HOOKS): a file starting with a marker misbehaves."""
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.startswith(b"NIANBAO-TEST-HANG"):
        time.sleep(3600)
    elif head.startswith(b"NIANBAO-TEST-CRASH"):
        os.kill(os.getpid(), signal.SIGKILL)
    elif head.startswith(b"NIANBAO-TEST-SLOW"):
        time.sleep(float(head.split(b":")[1].split()[0]))


# --- the process pool ---------------------------------------------------------------------------


def worker_main() -> None:
    """A worker process: take a task, send back its Outcome, until told to stop or the batch is
    gone. Started by `_Worker` as ``python -c "...; worker_main()" FD MEMORY_MB``."""
    import socket
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    _die_with_parent()
    fd, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    conn = multiprocessing.connection.Connection(socket.socket(fileno=fd).detach())
    registries: dict[str | None, Registry] = {}
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the main process is gone
        if task is None:
            return
        if task.store not in registries:
            registries[task.store] = batch_registry(task.store)
        try:
            conn.send(check_file(task, registries[task.store]))
        except OSError:
            return


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when its parent dies, even in the middle of a file."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


_WORKER_CODE = "from nianbao.batch.run import worker_main; worker_main()"


class _Worker:
    """One worker: a fresh interpreter (no fork of a process that may run threads, no copy of
    the caller's state), talking over a socket pair, in its own session so that Ctrl-C in the
    terminal reaches only the main process."""

    def __init__(self, memory_mb: int) -> None:
        import socket
        import subprocess
        import sys

        import nianbao

        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        root = str(Path(nianbao.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno()), str(memory_mb)],
            pass_fds=[theirs.fileno()], env=env, start_new_session=True,
            stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        self.task: Task | None = None
        self.started = 0.0
        self.count = 0

    def give(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.count += 1
        self.conn.send(task)

    def exit_status(self) -> int | None:
        try:
            return self.process.wait(1)
        except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
            return None

    def stop(self, *, kill: bool = False) -> None:
        if kill or self.task is not None:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        try:
            self.process.wait(2)
        except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
            self.process.kill()
            self.process.wait()
        self.conn.close()


class ProcessPool:
    """Worker processes with a hard per-file time limit; a crash or a hang costs one file."""

    def __init__(self, workers: int, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        self.size = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb

    def run(self, tasks: Iterable[Task], on_result: ResultCallback) -> None:
        queue = iter(tasks)
        workers = [_Worker(self.memory_mb) for _ in range(self.size)]
        try:
            self._loop(queue, workers, on_result)
        finally:
            for worker in workers:
                worker.stop()

    def _loop(self, queue: Iterator[Task], workers: list[_Worker],
              on_result: ResultCallback) -> None:
        exhausted = False
        while True:
            for i, worker in enumerate(workers):
                if worker.task is None and not exhausted:
                    if worker.count >= TASKS_PER_WORKER:
                        worker.stop()
                        worker = workers[i] = _Worker(self.memory_mb)
                    task = next(queue, None)
                    if task is None:
                        exhausted = True
                    else:
                        worker.give(task)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            deadline = min(w.started for w in busy) + self.timeout
            wait = max(0.0, deadline - time.monotonic())
            ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=wait)
            for i, worker in enumerate(workers):
                if worker.task is None:
                    continue
                outcome = self._collect(worker, ready)
                if outcome is None:
                    continue
                if outcome.result.failure in ("timeout", "crashed"):
                    worker.stop(kill=True)
                    workers[i] = _Worker(self.memory_mb)
                else:
                    worker.task = None
                on_result(outcome.result)

    def _collect(self, worker: _Worker, ready: list[Any]) -> Outcome | None:
        task = worker.task
        assert task is not None
        if worker.conn in ready:
            try:
                outcome: Outcome = worker.conn.recv()
                return outcome
            except (EOFError, OSError):
                pass
            code = worker.exit_status()
            how = (f"signal {-code}" if code is not None and code < 0 else f"exit status {code}")
            return Outcome(failure(task, "crashed",
                                   f"处理该文件时工作进程崩溃（{how}）",
                                   f"the worker process crashed on this file ({how})"))
        if time.monotonic() - worker.started > self.timeout:
            return Outcome(failure(task, "timeout",
                                   f"处理超时（超过 {self.timeout:g} 秒），已中止",
                                   f"timed out (over {self.timeout:g} s); stopped"))
        return None


# --- the batch ----------------------------------------------------------------------------------


@dataclass
class BatchProgress:
    """What the progress callback gets after each file."""

    total: int  # files to check in this run (not counting the ones skipped as done)
    done: int
    failed: int
    skipped: int
    elapsed: float
    path: str | None = None

    @property
    def rate(self) -> float:
        """Files per second in this run."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate, or None before the first file."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None


ProgressCallback = Callable[[BatchProgress], None]


@dataclass
class BatchSummary:
    """What a batch did; `line()` is the one-line summary the CLI prints."""

    out: Path
    ruleset: str
    files: int = 0  # documents found in the inbox
    checked: int = 0  # checked in this run
    skipped: int = 0  # already done under this rule set (resumed), or a copy of another file
    failed: int = 0  # failed, this run or before
    filings_with_errors: int = 0
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)

    def line(self, lang: str = "zh") -> str:
        rate = self.checked / self.seconds if self.seconds > 0 else 0.0
        if lang == "en":
            return (f"{self.files} files: {self.checked} checked, {self.skipped} already done, "
                    f"{self.failed} failed; {self.filings_with_errors} filings with errors "
                    f"({self.errors} errors, {self.warnings} warnings); {self.seconds:.1f} s "
                    f"({rate:.1f} files/s) → {self.out}")
        return (f"共 {self.files} 个文件：本次检查 {self.checked} 个，已完成跳过 {self.skipped} 个，"
                f"失败 {self.failed} 个；{self.filings_with_errors} 份报告有错误（错误 {self.errors} "
                f"条，警告 {self.warnings} 条）；用时 {self.seconds:.1f} 秒（{rate:.1f} 个/秒）→ {self.out}")


class BatchInterrupted(NianbaoError):
    """Ctrl-C: the workers were stopped; the ledger holds every finished file."""

    code = "interrupted"
    exit_status = 130

    def __init__(self, summary: BatchSummary) -> None:
        super().__init__(
            f"已中断：{summary.checked} 个文件已完成并记录；再次运行同一命令即可继续",
            f"interrupted: {summary.checked} files finished and recorded; run the same command "
            "again to resume")
        self.summary = summary


def find_inputs(inbox: Path, out: Path) -> Iterator[Path]:
    """Every .txt/.docx/.pdf below `inbox` (not under `out`, not hidden), in path order."""
    out = out.resolve()
    for root, dirs, files in os.walk(inbox):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (here / d).resolve() != out)
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in FORMATS:
                continue
            path = here / name
            if path.is_file():
                yield path


def run_batch(
    inbox: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    scheduler: str | None = None,
    store: str | None = None,
    progress: ProgressCallback | None = None,
    retry_failed: bool = False,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> BatchSummary:
    """Check every .txt/.docx/.pdf below `inbox`; write the results to `out`.

    `workers` processes (default: all cores), each file limited to `timeout` seconds and each
    worker to `memory_mb` of address space; `scheduler` (tcp://host:port) runs the files on a
    Dask cluster instead; `store` checks through the filings store (cross-year rules).
    Files already done under the same rule set are skipped; `retry_failed` tries failed files
    again. Raises `BatchInterrupted` on Ctrl-C, `UsageError` for a bad inbox or output folder.
    """
    started = time.monotonic()
    inbox, out = Path(inbox), Path(out)
    _check_folders(inbox, out)
    registry = batch_registry(store)
    ruleset = ruleset_version(registry)
    if store is not None:  # cross-year findings depend on the store checked against
        ruleset += "+store-" + hashlib.sha256(str(store).encode()).hexdigest()[:8]
    summary = BatchSummary(out=out, ruleset=ruleset)
    (out / JSON_DIR).mkdir(parents=True, exist_ok=True)
    hooks = os.environ.get(HOOKS_ENV) == "1"
    if store is not None:
        _open_store(store)
    with Ledger.in_folder(out) as ledger:
        if retry_failed:
            ledger.forget_failures(ruleset, ("timeout", "crashed", "internal", "memory"))
        summary.files = ledger.set_paths(ruleset, _hash_inputs(inbox, out))
        planned = ledger.plan(ruleset)
        summary.skipped = summary.files - planned  # done before, or a copy of another file
        todo = (Task(name, str(inbox / name), sha, json_name, str(out), store,
                     write_json=scheduler is None, hooks=hooks)
                for name, sha, json_name in ledger.todo())
        state = BatchProgress(planned, 0, 0, summary.skipped, 0.0)
        if progress is not None:
            progress(state)

        def on_result(result: FileResult) -> None:
            ledger.record(ruleset, result)
            state.done += 1
            state.failed += not result.ok
            state.elapsed = time.monotonic() - started
            state.path = result.path
            summary.checked += 1
            if progress is not None:
                progress(state)

        try:
            if scheduler is None:
                pool = ProcessPool(workers or _cores(), timeout, memory_mb)
                pool.run(todo, on_result)
            else:
                from nianbao.batch.dask_executor import run_on_cluster

                run_on_cluster(scheduler, todo, on_result, timeout=timeout)
        except KeyboardInterrupt:
            summary.seconds = time.monotonic() - started
            raise BatchInterrupted(summary) from None
        _copy_duplicates(ledger, ruleset, inbox, out)
        from nianbao.batch.reports import write_reports

        totals = write_reports(ledger, ruleset, out, inbox=str(inbox))
    summary.failed = totals.failed
    summary.filings_with_errors = totals.filings_with_errors
    summary.errors, summary.warnings = totals.errors, totals.warnings
    summary.outputs = [out / name for name in OUTPUTS]
    summary.seconds = time.monotonic() - started
    return summary


def _open_store(store: str) -> None:
    """Create or migrate the store here, once, before the workers race to do it."""
    from nianbao.store.cli_support import check_with_store

    for _ in check_with_store([], store):  # no files: it only opens (creates, migrates) it
        pass


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _check_folders(inbox: Path, out: Path) -> None:
    if not inbox.is_dir():
        raise UsageError(f"收件目录不存在或不是目录：{inbox}", f"inbox is not a folder: {inbox}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"输出位置不是目录：{out}", f"output is not a folder: {out}")
    if out.resolve() == inbox.resolve():
        raise UsageError("输出目录不能与收件目录相同", "the output folder cannot be the inbox")


def _hash_inputs(inbox: Path, out: Path) -> Iterator[tuple[str, str, str]]:
    """(name in the inbox, sha256, JSON name) of every input, as they are hashed. A file that
    cannot be read gets a pseudo hash of its name, so that it still becomes a failure row."""
    for path in find_inputs(inbox, out):
        name = path.relative_to(inbox).as_posix()
        try:
            sha = sha256_file(path)
        except OSError:
            sha = "unreadable:" + hashlib.sha256(name.encode()).hexdigest()
        yield name, sha, f"{JSON_DIR}/{name}.json"


def _copy_duplicates(ledger: Ledger, ruleset: str, inbox: Path, out: Path) -> None:
    """A file whose content was checked under another name gets its own JSON: a copy of that
    result with its own path."""
    import json

    rows = ledger.db.execute(
        "SELECT p.path, p.json_name, r.json_name FROM paths p JOIN results r "
        "ON r.sha256 = p.sha256 AND r.ruleset = p.ruleset WHERE p.ruleset = ? AND r.status = 'ok' "
        "AND p.json_name != r.json_name", (ruleset,)).fetchall()
    for name, json_name, original in rows:
        target, source = out / json_name, out / original
        if target.exists() or not source.exists():
            continue
        data = json.loads(source.read_text(encoding="utf-8"))
        data["source"]["path"] = str(inbox / name)
        _write_json(target, json.dumps(data, ensure_ascii=False) + "\n")


def remove_outputs(out: Path) -> None:
    """Delete a batch's outputs and ledger (a fresh start)."""
    for name in (*OUTPUTS, LEDGER_NAME):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / JSON_DIR, ignore_errors=True)


__all__ = [
    "BatchInterrupted", "BatchProgress", "BatchSummary", "ProcessPool", "Task", "check_file",
    "find_inputs", "remove_outputs", "ruleset_version", "run_batch", "sentence_around",
]
