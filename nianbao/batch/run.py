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

import errno
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.batch import settle
from nianbao.batch.inputs import (
    JSON_DIR,
    NOT_READ_NAMES,
    NotRead,
    check_folders,
    hash_inputs,
    not_read_result,
)
from nianbao.batch.pool import CHECK_FILE, DEFAULT_MEMORY_MB, ProcessPool
from nianbao.batch.state import LEDGER_NAME, FileResult, Ledger
from nianbao.batch.task import Task, time_limit, write_json
from nianbao.checks import Settings, default_registry, ruleset_version
from nianbao.errors import NianbaoError, OutputError

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
    skipped: int = 0  # already done under this rule set (by an earlier run)
    copies: int = 0  # files whose content is another file's of the inbox (checked once)
    failed: int = 0  # failed, this run or before
    filings_with_errors: int = 0
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    not_read: dict[str, int] = field(default_factory=dict)  # links, pipes… by NotRead.why
    ocr_pages: int = 0  # pages read by OCR (scans, images, garbage text layers)

    def line(self, lang: str = "zh") -> str:
        rate = self.checked / self.seconds if self.seconds > 0 else 0.0
        en = lang == "en"
        if self.checked:
            speed = (f"{self.seconds:.1f} s ({rate:.1f} files/s)" if en
                     else f"用时 {self.seconds:.1f} 秒（{rate:.1f} 个/秒）")
        else:
            speed = "nothing new to check" if en else "没有需要新检查的文件"
        not_read = ""
        if self.not_read:
            names = NOT_READ_NAMES["en" if en else "zh"]
            parts = [f"{n} {names.get(why, why)}" for why, n in sorted(self.not_read.items())]
            not_read = (f"; not read: {', '.join(parts)} (listed in findings.csv)" if en
                        else f"；未读取：{'，'.join(parts)}（见 findings.csv）")
        if self.ocr_pages:
            not_read = (f", {self.ocr_pages} pages read by OCR" if en
                        else f"，OCR 识别 {self.ocr_pages} 页") + not_read
        if self.copies:
            not_read = (f", {self.copies} copies of another file" if en
                        else f"，与其他文件内容相同 {self.copies} 个") + not_read
        if en:
            return (f"{self.files} files: {self.checked} checked, {self.skipped} already done, "
                    f"{self.failed} failed{not_read}; {self.filings_with_errors} filings with "
                    f"errors ({self.errors} errors, {self.warnings} warnings); {speed} → {self.out}")
        return (f"共 {self.files} 个文件：本次检查 {self.checked} 个，已完成跳过 {self.skipped} 个，"
                f"失败 {self.failed} 个{not_read}；{self.filings_with_errors} 份报告有错误（错误 "
                f"{self.errors} 条，警告 {self.warnings} 条）；{speed} → {self.out}")


class BatchInterrupted(NianbaoError):
    """Ctrl-C: the workers were stopped; the ledger holds every finished file."""

    code = "interrupted"
    exit_status = 130

    def __init__(self, summary: BatchSummary, reports_written: bool = False) -> None:
        if reports_written:
            super().__init__(
                f"已中断：全部 {summary.files} 个文件已检查，报告已写完 → {summary.out}",
                f"interrupted: all {summary.files} files were checked and the reports finished "
                f"→ {summary.out}")
        else:
            super().__init__(
                f"已中断：{summary.checked} 个文件已完成并记录；再次运行同一命令即可继续",
                f"interrupted: {summary.checked} files finished and recorded; run the same "
                "command again to resume")
        self.summary = summary


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
    follow_links: bool = False,
    ocr: str = "auto",
    settings: Settings | None = None,
) -> BatchSummary:
    """Check every .txt/.docx/.pdf/.xlsx below `inbox`; write the results to `out`.

    `workers` processes (default: all cores), each file limited to `timeout` seconds and each
    worker to `memory_mb` of address space; `scheduler` (tcp://host:port) runs the files on a
    Dask cluster instead; `store` checks through the filings store (cross-year rules).
    `ocr` says when scanned pages and images are recognised (`nianbao.extract.read`); a file's
    time limit grows by `task.OCR_SECONDS_PER_PAGE` for each page OCR may read.
    Files already done under the same rule set are skipped; `retry_failed` tries failed files
    again. `check` names the function that checks one file ("module:function", called in the
    worker processes; `nianbao.batch.task.check_file` unless a test gives another). `settings`
    (a rule pack, `nianbao.checks.load_settings`) is part of the rule set a rerun matches. Symbolic
    links are read only with `follow_links`; links not followed, dangling links, pipes and
    devices become failure rows with their reason and are counted in `summary.not_read`. Raises `BatchInterrupted` on Ctrl-C, `UsageError` for a bad inbox or output folder.
    """
    started = time.monotonic()
    inbox, out = Path(inbox), Path(out)
    check_folders(inbox, out)
    registry = default_registry()
    settings = settings or Settings()
    ruleset = ruleset_version(registry, settings)
    if store is not None:  # cross-year findings depend on the store checked against
        ruleset += "+store-" + hashlib.sha256(str(store).encode()).hexdigest()[:8]
    summary = BatchSummary(out=out, ruleset=ruleset)
    (out / JSON_DIR).mkdir(parents=True, exist_ok=True)
    if store is not None:
        _open_store(store)
    with _disk_full_is_one_line(out), Ledger.in_folder(out) as ledger:
        if retry_failed:
            ledger.forget_failures(ruleset, ("timeout", "crashed", "internal", "memory"))
        not_read: list[NotRead] = []
        summary.files = ledger.set_paths(ruleset, hash_inputs(inbox, out, follow_links,
                                                               not_read))
        for entry in not_read:
            ledger.record(ruleset, not_read_result(entry))
            summary.not_read[entry.why] = summary.not_read.get(entry.why, 0) + 1
        planned = ledger.plan(ruleset)
        # done before (copies of another file and entries not read are counted apart)
        summary.copies = ledger.copies(ruleset)
        summary.skipped = summary.files - planned - len(not_read) - summary.copies
        # With a store, the first pass leaves each file as read in a private folder for the
        # second (only on this machine: Dask workers may be elsewhere).
        cache = (tempfile.mkdtemp(prefix="nianbao-batch-")
                 if store is not None and planned and scheduler is None else None)
        todo = (Task(name, str(inbox / name), sha, json_name, str(out), store,
                     write_json=scheduler is None, ocr=ocr,
                     timeout=time_limit(inbox / name, timeout, ocr), settings=settings,
                     cache=cache, inbox=str(inbox))
                for name, sha, json_name in ledger.todo())
        state = BatchProgress(planned, 0, 0, summary.skipped, 0.0)
        if progress is not None:
            progress(state)

        fresh: list[tuple[str | None, str | None]] = []  # (code, name) of new annual reports

        def on_result(result: FileResult) -> None:
            if result.ok and result.kind == "annual_report":
                fresh.append((result.credit_code, result.org))
            ledger.record(ruleset, result)
            state.done += 1
            state.failed += not result.ok
            state.elapsed = time.monotonic() - started
            state.path = result.path
            summary.checked += 1
            if progress is not None:
                progress(state)

        def recheck() -> Iterator[Task]:
            """The second pass with a store: the batch's duplicates settled, every annual
            report again, against everything the batch stored, and every file of a key the
            batch stored several files for (made when the first pass has finished)."""
            assert store is not None
            near = None if resumed else fresh
            todo = _cross_year_todo(ledger, ruleset, near)
            seen = {sha for _, sha, _ in todo}
            todo += [entry for entry in settle.settle(ledger, ruleset, store, since)
                     if entry[1] not in seen]
            for name, sha, json_name in todo:
                yield Task(name, str(inbox / name), sha, json_name, str(out), store,
                           write_json=scheduler is None, ocr=ocr,
                           timeout=time_limit(inbox / name, timeout, ocr), settings=settings,
                           recheck=True, cache=cache, inbox=str(inbox))

        def on_recheck(result: FileResult) -> None:
            if result.ok:  # a recheck that failed keeps the first result
                ledger.record(ruleset, result)

        # A run stopped before the second pass finished leaves it pending for the next run.
        pending = f"cross-year-pending:{ruleset}"
        resumed = ledger.get_meta(pending) == "1"  # which reports were new then is not known
        second = store is not None and (planned > 0 or resumed)
        passes = [(recheck, on_recheck)] if second else []
        if second:
            assert store is not None
            since = settle.since(ledger, ruleset, store, resumed)
            ledger.set_meta(pending, "1")
        try:
            if not planned and not passes:
                pass  # nothing new: no workers to start
            elif scheduler is None:
                pool = ProcessPool(workers or _cores(), timeout, memory_mb, check)
                pool.run(todo, on_result, then=passes)
            else:
                from nianbao.batch.dask_executor import run_on_cluster

                run_on_cluster(scheduler, todo, on_result, timeout=timeout, check=check)
                for later, on_later in passes:
                    run_on_cluster(scheduler, later(), on_later, timeout=timeout, check=check)
            if second:
                ledger.set_meta(pending, "0")
                ledger.set_meta("reports", "{}")  # findings changed: write the reports again
        except KeyboardInterrupt:
            summary.seconds = time.monotonic() - started
            raise BatchInterrupted(summary) from None
        finally:
            if cache is not None:
                shutil.rmtree(cache, ignore_errors=True)
        with _finish_on_ctrl_c() as stopped:
            _copy_duplicates(ledger, ruleset, inbox, out)
            counts = _reports(ledger, ruleset, out, inbox)
        if stopped:
            summary.seconds = time.monotonic() - started
            raise BatchInterrupted(summary, reports_written=True)
    summary.failed = counts["failed"]
    summary.filings_with_errors = counts["filings_with_errors"]
    summary.errors, summary.warnings = counts["errors"], counts["warnings"]
    summary.ocr_pages = counts.get("ocr_pages", 0)
    summary.outputs = [out / name for name in OUTPUTS]
    summary.seconds = time.monotonic() - started
    return summary


_COUNTS = ("failed", "filings_with_errors", "errors", "warnings", "ocr_pages")


def _reports(ledger: Ledger, ruleset: str, out: Path, inbox: Path) -> dict[str, int]:
    """Write the reports and return their counts; when the inbox and its results are what
    they were when the reports were last written (a rerun with nothing new) and the reports
    are still there, keep them and return the counts noted then."""
    digest = f"{inbox}\0{ledger.inbox_digest(ruleset)}"
    noted = json.loads(ledger.get_meta("reports") or "{}")
    if noted.get("digest") == digest and all((out / name).is_file() for name in OUTPUTS):
        return {key: int(noted.get(key, 0)) for key in _COUNTS}
    from nianbao.batch.reports import write_reports

    totals = write_reports(ledger, ruleset, out, inbox=str(inbox))
    counts = {key: int(getattr(totals, key)) for key in _COUNTS}
    ledger.set_meta("reports", json.dumps({"digest": digest, **counts}))
    return counts


@contextmanager
def _finish_on_ctrl_c() -> Iterator[list[bool]]:
    """Ctrl-C while the reports are written lets them finish (they take seconds, and a batch
    without its findings.xlsx and report.html is no use); the list it yields is then non-empty
    and the batch stops after. A second Ctrl-C stops at once, and each report being written
    atomically, the ones from the run before are left as they were."""
    stopped: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return

    def later(signum: int, frame: object) -> None:
        if stopped:
            raise KeyboardInterrupt
        stopped.append(True)

    previous = signal.signal(signal.SIGINT, later)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _disk_full_is_one_line(out: Path) -> Iterator[None]:
    """A full disk under the output folder (the ledger, a report) is one OutputError naming it;
    the ledger keeps every result recorded before, so a rerun after freeing space resumes."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "full" not in str(exc) and "disk" not in str(exc):
            raise
        raise _disk_full(out) from exc
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise _disk_full(out) from exc


def _disk_full(out: Path) -> OutputError:
    return OutputError(
        f"磁盘空间不足，无法继续写入 {out}；已完成的文件都已记录，腾出空间后再次运行即可继续",
        f"no space left on the disk for {out}; every file finished so far is recorded: free "
        "some space and run the same command again to resume")


def _cross_year_todo(ledger: Ledger, ruleset: str,
                     near: list[tuple[str | None, str | None]] | None = None,
                     ) -> list[tuple[str, str, str]]:
    """(name, sha256, JSON name) of the annual reports of the inbox checked under `ruleset`, by
    content: the second pass checks them again against every filing the batch stored, so their
    cross-year findings do not depend on which were stored first. With `near` (the credit
    codes and names of the annual reports this run checked), only the reports a new one can be
    compared with: of the same code or the same name (the cross-year rules' history, see
    `Store.related_history`), and of the codes and names those share; without, every one (a
    run that resumes a second pass cut short does not know which reports were new)."""
    from nianbao.store.filings import normalise_name

    rows = ledger.db.execute(
        "SELECT r.sha256, min(p.path), r.json_name, r.credit_code, r.org FROM results r "
        "JOIN paths p ON p.sha256 = r.sha256 AND p.ruleset = r.ruleset WHERE r.ruleset = ? "
        "AND r.status = 'ok' AND r.kind = 'annual_report' AND r.year IS NOT NULL "
        "GROUP BY r.sha256 ORDER BY r.sha256", (ruleset,)).fetchall()
    if near is None:
        return [(path, sha, json_name) for sha, path, json_name, _, _ in rows]
    codes = {code for code, _ in near if code}
    names = {normalise_name(org) for _, org in near if org}
    for _ in range(2):  # a code's other names, a name's other codes
        for _, _, _, code, org in rows:
            name = normalise_name(org) if org else ""
            if (code and code in codes) or (name and name in names):
                codes.update([code] if code else [])
                names.update([name] if name else [])
    return [(path, sha, json_name) for sha, path, json_name, code, org in rows
            if (code and code in codes) or (org and normalise_name(org) in names)]


def _open_store(store: str) -> None:
    """Create or migrate the store here, once, before the workers race to do it."""
    from nianbao.store.filings import Store

    Store.open(store).close()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _copy_duplicates(ledger: Ledger, ruleset: str, inbox: Path, out: Path) -> None:
    """A file whose content was checked under another name gets its own JSON: a copy of that
    result with its own path."""
    import json

    from nianbao.pipeline import to_json

    rows = ledger.db.execute(
        "SELECT p.path, p.json_name, r.json_name FROM paths p JOIN results r "
        "ON r.sha256 = p.sha256 AND r.ruleset = p.ruleset WHERE p.ruleset = ? AND r.status = 'ok' "
        "AND p.json_name != r.json_name", (ruleset,)).fetchall()
    for name, json_name, original in rows:
        target, source = out / json_name, out / original
        if not source.exists() or (target.exists()
                                   and target.stat().st_mtime_ns >= source.stat().st_mtime_ns):
            continue  # missing, or copied since the original was last written
        data = json.loads(source.read_text(encoding="utf-8"))
        data["source"]["path"] = str(inbox / name)
        write_json(target, to_json(data, indent=None) + "\n")


def remove_outputs(out: Path) -> None:
    """Delete a batch's outputs and ledger (a fresh start)."""
    for name in (*OUTPUTS, LEDGER_NAME):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / JSON_DIR, ignore_errors=True)


__all__ = ["BatchInterrupted", "BatchProgress", "BatchSummary", "remove_outputs", "run_batch"]
