"""`run_batch`: check every document below an inbox, in worker processes, resumably.

The work is split three ways:

- `check_file(task)` (`nianbao.batch.task`) does one file in whichever process runs it: read,
  parse, check (through the store when one is given), write the file's contract JSON atomically,
  and hand back a `FileResult` with the findings and the sentence each one came from. Anything
  that goes wrong with the file becomes a failed result with its reason; it never raises.
- `ProcessPool` (`nianbao.batch.pool`) runs `check_file` in worker processes it can kill: a file
  that takes longer than the time limit, or a worker that crashes (a segfault in a PDF engine,
  the memory limit), costs that file a failure row and the pool a fresh worker; the batch goes on.
- `run_batch` lists and hashes the inbox, skips what the ledger (`state.Ledger`) already holds
  for this rule set, feeds the rest to the pool (or to a Dask cluster), records each result as it
  arrives, and writes the reports at the end. Ctrl-C stops the workers and leaves the ledger and
  the outputs consistent; a rerun picks up where it stopped.

The library never prints: progress goes to a callback the caller gives.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.batch.pool import CHECK_FILE, DEFAULT_MEMORY_MB, ProcessPool
from nianbao.batch.state import LEDGER_NAME, FileResult, Ledger
from nianbao.batch.task import Task, batch_registry, ruleset_version, time_limit, write_json
from nianbao.errors import NianbaoError, UsageError
from nianbao.extract import FORMATS, sha256_file

JSON_DIR = "json"
OUTPUTS = ("findings.csv", "findings.xlsx", "report.html")
DEFAULT_TIMEOUT = 60.0


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
    ocr_pages: int = 0  # pages read by OCR (scans, images, garbage text layers)

    def line(self, lang: str = "zh") -> str:
        rate = self.checked / self.seconds if self.seconds > 0 else 0.0
        if lang == "en":
            ocr = f", {self.ocr_pages} pages read by OCR" if self.ocr_pages else ""
            return (f"{self.files} files: {self.checked} checked, {self.skipped} already done, "
                    f"{self.failed} failed{ocr}; {self.filings_with_errors} filings with errors "
                    f"({self.errors} errors, {self.warnings} warnings); {self.seconds:.1f} s "
                    f"({rate:.1f} files/s) → {self.out}")
        ocr = f"，OCR 识别 {self.ocr_pages} 页" if self.ocr_pages else ""
        return (f"共 {self.files} 个文件：本次检查 {self.checked} 个，已完成跳过 {self.skipped} 个，"
                f"失败 {self.failed} 个{ocr}；{self.filings_with_errors} 份报告有错误（错误 {self.errors} "
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
    check: str = CHECK_FILE,
    ocr: str = "auto",
) -> BatchSummary:
    """Check every .txt/.docx/.pdf below `inbox`; write the results to `out`.

    `workers` processes (default: all cores), each file limited to `timeout` seconds and each
    worker to `memory_mb` of address space; `scheduler` (tcp://host:port) runs the files on a
    Dask cluster instead; `store` checks through the filings store (cross-year rules).
    `ocr` says when scanned pages and images are recognised (`nianbao.extract.read`); a file's
    time limit grows by `task.OCR_SECONDS_PER_PAGE` for each page OCR may read.
    Files already done under the same rule set are skipped; `retry_failed` tries failed files
    again. `check` names the function that checks one file ("module:function", called in the
    worker processes; `nianbao.batch.task.check_file` unless a test gives another). Raises `BatchInterrupted` on Ctrl-C, `UsageError` for a bad inbox or output folder.
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
    if store is not None:
        _open_store(store)
    with Ledger.in_folder(out) as ledger:
        if retry_failed:
            ledger.forget_failures(ruleset, ("timeout", "crashed", "internal", "memory"))
        summary.files = ledger.set_paths(ruleset, _hash_inputs(inbox, out))
        planned = ledger.plan(ruleset)
        summary.skipped = summary.files - planned  # done before, or a copy of another file
        todo = (Task(name, str(inbox / name), sha, json_name, str(out), store,
                     write_json=scheduler is None, ocr=ocr,
                     timeout=time_limit(inbox / name, timeout, ocr))
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
                pool = ProcessPool(workers or _cores(), timeout, memory_mb, check)
                pool.run(todo, on_result)
            else:
                from nianbao.batch.dask_executor import run_on_cluster

                run_on_cluster(scheduler, todo, on_result, timeout=timeout, check=check)
        except KeyboardInterrupt:
            summary.seconds = time.monotonic() - started
            raise BatchInterrupted(summary) from None
        _copy_duplicates(ledger, ruleset, inbox, out)
        from nianbao.batch.reports import write_reports

        totals = write_reports(ledger, ruleset, out, inbox=str(inbox))
    summary.failed = totals.failed
    summary.filings_with_errors = totals.filings_with_errors
    summary.errors, summary.warnings = totals.errors, totals.warnings
    summary.ocr_pages = totals.ocr_pages
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
        write_json(target, json.dumps(data, ensure_ascii=False) + "\n")


def remove_outputs(out: Path) -> None:
    """Delete a batch's outputs and ledger (a fresh start)."""
    for name in (*OUTPUTS, LEDGER_NAME):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / JSON_DIR, ignore_errors=True)


__all__ = [
    "BatchInterrupted", "BatchProgress", "BatchSummary", "find_inputs", "remove_outputs",
    "run_batch",
]
