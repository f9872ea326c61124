"""One file of a batch: `check_file(task)` reads, parses and checks it (through the store when
one is given), writes the file's contract JSON atomically, and hands back a `FileResult` with the
findings and the sentence each one came from. Anything that goes wrong with the file becomes a
failed result with its reason; it never raises.

`check_file` runs in whichever process the batch gives the file to: a worker of
`nianbao.batch.pool.ProcessPool`, or a Dask worker (`nianbao.batch.dask_executor`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.batch.state import FileResult, FindingRow
from nianbao.checks import Registry, Settings, default_registry
from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.extract import FORMATS
from nianbao.model import Document, Finding, Report

if TYPE_CHECKING:
    from nianbao.pipeline import Loaded
    from nianbao.store.filings import Store

_SENTENCE_ENDS = "。；！？!?;\n"
_SENTENCE_MAX = 300


OCR_SECONDS_PER_PAGE = 20.0  # added to a file's time limit for each page OCR may have to read


def time_limit(path: Path, timeout: float, ocr: str) -> float:
    """One file's time limit: `timeout`, plus `OCR_SECONDS_PER_PAGE` for each page of a PDF or
    an image that OCR may read (a text PDF finishes long before; a 10-page scan needs minutes)."""
    if ocr == "never":
        return timeout
    return timeout + OCR_SECONDS_PER_PAGE * page_count(path)


def page_count(path: Path, fmt: str | None = None) -> int:
    """Pages of a PDF or frames of an image (0 for other files and for unreadable ones: the
    worker says what is wrong with them). `fmt` is the format the file is read as; by default
    it is found as the reader finds it, by content (a scan saved as .pdf.png, a PDF named .txt)."""
    try:
        if fmt is None:
            from nianbao.extract import format_to_read
            from nianbao.extract.sniff import content_format

            fmt = format_to_read(FORMATS.get(path.suffix.lower(), ""), content_format(path), path)
        if fmt == "pdf":
            import pypdfium2 as pdfium

            from nianbao.extract.pdf_reader import PDFIUM_LOCK

            with PDFIUM_LOCK:
                pdf = pdfium.PdfDocument(path)
                try:
                    return min(len(pdf), 500)
                finally:
                    pdf.close()
        if fmt == "image":
            from PIL import Image

            with Image.open(path) as image:
                return min(int(getattr(image, "n_frames", 1)), 500)
    except Exception:  # noqa: BLE001 - a damaged file: the worker reports it
        return 0
    return 0


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
    ocr: str = "auto"  # when scanned pages are recognised (nianbao.extract.read)
    timeout: float | None = None  # this file's time limit (it scales with its pages)
    settings: Settings = field(default_factory=Settings)  # the rule pack's thresholds
    # The second pass of a batch with a store: check a filing already recorded again, against
    # every filing of the batch (cross-year findings independent of order and worker count).
    recheck: bool = False
    # A private folder of this run where the first pass leaves each file as read and parsed,
    # so that the second pass does not read it again (a scan is not recognised twice).
    cache: str | None = None
    # The inbox: the store's notes name another filing of it by its path there.
    inbox: str | None = None


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
        report, document = _check(task, registry or default_registry())
        json_text = _contract_json(report)
        if task.write_json:
            write_json(Path(task.out) / task.json_name, json_text)
            json_text_back = None
        else:
            json_text_back = json_text
        result = _result(task, report, document)
        result.seconds = time.perf_counter() - start
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
    from nianbao.pipeline import check, load

    loaded = _cached(task) if task.recheck else None
    if loaded is None:
        loaded = load(task.path, ocr=task.ocr)
        if task.cache is not None and not task.recheck:
            _keep(task, loaded)
    if task.store is None:
        return check(loaded, registry=registry, settings=task.settings), loaded.document
    store = _open_store(task.store, os.getpid())
    if task.recheck:
        from nianbao.pipeline import recheck

        return (recheck(loaded, store, registry=registry, settings=task.settings,
                        inbox=task.inbox), loaded.document)
    return (check(loaded, registry=registry, settings=task.settings, store=store,
                  inbox=task.inbox), loaded.document)


def _cache_path(task: Task) -> Path | None:
    return None if task.cache is None else Path(task.cache) / f"{task.sha256}.pickle"


def _keep(task: Task, loaded: Loaded) -> None:
    """Leave the file as read for the second pass (skipped when it cannot be pickled)."""
    import pickle

    path = _cache_path(task)
    if path is None:
        return
    try:
        path.write_bytes(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - only a cache: the second pass reads the file again
        path.unlink(missing_ok=True)


def _cached(task: Task) -> Loaded | None:
    """The file as the first pass read it, from this run's private folder (None: read it)."""
    import pickle

    path = _cache_path(task)
    if path is None or not path.exists():
        return None
    try:
        loaded = pickle.loads(path.read_bytes())  # written by this run, in its 0700 folder
    except Exception:  # noqa: BLE001 - a damaged cache entry: read the file again
        return None
    from nianbao.pipeline import Loaded

    return loaded if isinstance(loaded, Loaded) else None


@cache
def _open_store(url: str, pid: int) -> Store:
    """The batch's store, opened once per worker process (engine, migration check) instead of
    once per file; keyed by process so that a forked worker never shares its parent's
    connection. It stays open for the life of the process."""
    from nianbao.store.filings import Store

    return Store.open(url)


def _contract_json(report: Report) -> str:
    from nianbao.pipeline import to_json

    return to_json(report.to_dict(), indent=None) + "\n"


def write_json(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a reader never sees half a file)."""
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
        ocr_pages=len(document.ocr.pages) if document is not None and document.ocr else 0,
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
    return FindingRow(finding, sentence)


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


