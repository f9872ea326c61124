"""What the command line calls for `check --store`, `history` and `draft --store`.

Plain functions over the library: they return values and raise the library's own errors; the
CLI prints and picks exit codes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from nianbao import __version__
from nianbao.checks import CheckContext, Registry, Settings, default_registry, xyear
from nianbao.errors import UnreadableInput
from nianbao.extract import read
from nianbao.forms import ANNUAL_REPORT_FIELDS, LABEL_EN, LABEL_ZH
from nianbao.model import Document, Finding, Record, Report, Source
from nianbao.pipeline import load_record, parse, to_json
from nianbao.store.db import StoreError
from nianbao.store.filings import FilingRef, Institution, Store, StoredFiling, plain

RETRIES = 5
# Rows of the history table: the short fields of the form (long texts shown by length).
_LONG = frozenset({"purpose_and_scope", "change_registration", "activities", "entrust_opinion",
                   "sponsor_opinion"})
_CELL = 22  # display columns per year
# Fields whose change from one year to the next is worth a mark: the registered items (a
# change needs 变更登记), the code, the online name and the staff count.
_MARKED = frozenset({*xyear.REGISTERED_ITEMS, "credit_code", "online_name", "staff_count"})


class UnknownInstitution(StoreError):
    """No institution in the store matches the code or name asked for."""

    code = "not-found"


def registry_with_xyear(registry: Registry | None = None) -> Registry:
    """The default rule set, with the cross-year rules added when it lacks them."""
    registry = registry or default_registry()
    if not any(rule.id.startswith("xyear.") for rule in registry):
        registry.add(*xyear.RULES)
    return registry


def ruleset_version(registry: Registry) -> str:
    """nianbao's version plus a digest of the rule ids: which rules produced stored findings."""
    ids = ",".join(sorted(rule.id for rule in registry))
    return f"{__version__}+{hashlib.sha256(ids.encode()).hexdigest()[:12]}"


def check_with_store(paths: Iterable[str | Path], store_url: str | Path | None,
                     kind: str | None = None, *, registry: Registry | None = None,
                     settings: Settings | None = None,
                     store: Store | None = None) -> Iterator[Report | UnreadableInput]:
    """Check each file against the store: read and parse it, then in one transaction load the
    institution's other years, run every rule (cross-year ones included) and record the filing.
    Yields a Report per file, or the UnreadableInput that stopped it (the others go on).

    `store_url` is a path or URL (None: ``$NIANBAO_STORE`` or the default path); an open
    `store` may be passed instead and is then left open.
    """
    registry = registry_with_xyear(registry)
    version = ruleset_version(registry)
    opened = store is None
    active = store if store is not None else Store.open(store_url)
    try:
        for path in paths:
            try:
                record, source, document = read_input(Path(path), kind)
            except UnreadableInput as exc:
                yield exc
                continue
            yield check_and_record(active, record, source, document, registry,
                                   settings or Settings(), version)
    finally:
        if opened:
            active.close()


def read_input(path: Path, kind: str | None = None) -> tuple[Record, Source, Document | None]:
    """A document (.txt .docx .pdf) parsed, or a record file (.json) loaded."""
    if path.suffix.lower() == ".json":
        record, source = load_record(path)
        return record, source, None
    document = read(path)
    return parse(document, kind), document.source, document


def check_and_record(store: Store, record: Record, source: Source, document: Document | None,
                     registry: Registry, settings: Settings, version: str = "") -> Report:
    """Check one parsed filing with its history and record it, all in one transaction
    (retried when a concurrent writer got there first)."""
    for attempt in range(RETRIES):
        try:
            with store.transaction() as tx:
                history = tx.related_history(record)
                ctx = CheckContext(record, document, settings, history=history)
                report = Report(source, record, list(record.notes) + registry.run(ctx))
                ref = tx.record_filing(report, version)
            report.findings.extend(store_notes(ref))
            return report
        except (IntegrityError, StoreError, OperationalError):
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def store_notes(ref: FilingRef | None) -> list[Finding]:
    """The info findings that say what recording a filing did (not stored, superseding, older)."""
    if ref is None:
        return [Finding("store.not-recorded", "info",
                        "记录中既无统一社会信用代码也无单位名称，未存入存储库，也无法做跨年度检查",
                        "the record has neither a credit code nor a name: not stored, and no "
                        "cross-year checks")]
    if ref.status == "superseding":
        return [Finding("store.superseded", "info",
                        f"已取代存储库中同一单位{ref.year}年度此前存入的报告（保留为历史版本）",
                        f"replaces the earlier filing for {ref.year} in the store (kept as history)",
                        params={"filing": ref.id, "superseded": ref.superseded})]
    if ref.status == "older":
        return [Finding("store.older-version", "info",
                        f"该文件是同一单位{ref.year}年度已被更正取代的旧版本，存储库未改动",
                        f"this file is an older version of the {ref.year} filing, since "
                        "replaced; the store is unchanged", params={"filing": ref.id})]
    return []


# --------------------------------------------------------------------------- history


def _lookup(store: Store, key: str, kind: str) -> tuple[list[Institution], list[StoredFiling]]:
    with store.transaction(read_only=True) as tx:
        found = tx.find_institutions(key)
        if not found:
            raise UnknownInstitution(f"存储库中没有单位“{key}”的报告",
                                     f"no filings of {key} in the store")
        ids = [i.id for i in found]
        return found, tx.filings_of(ids, kind, current_only=False)


def history_data(store: Store, key: str, kind: str = "annual_report") -> dict[str, Any]:
    """The institution's filings by year: the current one and the ones it superseded."""
    found, all_filings = _lookup(store, key, kind)
    years: dict[int | None, dict[str, Any]] = {}
    for filing in all_filings:
        entry = years.setdefault(filing.year, {"year": filing.year, "current": None,
                                               "superseded": []})
        if filing.is_current and entry["current"] is None:
            entry["current"] = _filing_json(filing)
        else:
            entry["superseded"].append(_filing_json(filing))
    first = found[0]
    return {"institution": {"key": first.key, "credit_code": first.credit_code, "name": first.name},
            "institutions": [{"key": i.key, "credit_code": i.credit_code, "name": i.name}
                             for i in found],
            "kind": kind,
            "years": sorted(years.values(), key=lambda e: (e["year"] is None, e["year"] or 0))}


def history_json(store: Store, key: str, kind: str = "annual_report") -> str:
    return to_json(history_data(store, key, kind))


def _filing_json(filing: StoredFiling) -> dict[str, Any]:
    return {"id": filing.id, "year": filing.year, "source": filing.source.to_json(),
            "created_at": filing.created_at.isoformat(),
            "checked_at": filing.checked_at.isoformat() if filing.checked_at else None,
            "ruleset_version": filing.ruleset_version, "superseded_by": filing.superseded_by,
            "record": plain(filing.record.fields),
            "findings": [plain(f.to_json()) for f in filing.findings]}


def history_table(store: Store, key: str, lang: str = "zh",
                  kind: str = "annual_report") -> str:
    """The years side by side: one column per year, one row per field of the form; a
    registered item, code, online name or staff count that differs from the year before is
    marked with *."""
    zh = lang != "en"
    found, all_filings = _lookup(store, key, kind)
    current = [f for f in all_filings if f.is_current and f.year is not None]
    by_year: dict[int, StoredFiling] = {}
    for filing in current:
        by_year.setdefault(filing.year, filing)  # type: ignore[arg-type]
    years = sorted(by_year)
    first = found[0]
    title = (f"{first.name or '—'}  {first.credit_code or '（无统一社会信用代码）'}" if zh
             else f"{first.name or '-'}  {first.credit_code or '(no credit code)'}")
    labels = LABEL_ZH if zh else LABEL_EN
    head_width = 28
    lines = [title, _pad("" , head_width) + "".join(_pad(str(y), _CELL) for y in years)]
    for name, _, _ in ANNUAL_REPORT_FIELDS:
        if name in ("report_year", "layout"):
            continue
        cells = []
        previous: Any = None
        for i, year in enumerate(years):
            value = by_year[year].record.fields.get(name)
            text = _cell(name, value, zh)
            changed = (name in _MARKED and i > 0 and years[i - 1] == year - 1
                       and _differs(previous, value))
            cells.append(_pad(_fit(("*" if changed else "") + text, _CELL - 1), _CELL))
            previous = value
        lines.append(_pad(_fit(labels.get(name, name), head_width - 1), head_width) + "".join(cells))
    counts = []
    for year in years:
        f = by_year[year].findings
        errors = sum(1 for x in f if x.severity == "error")
        warnings = sum(1 for x in f if x.severity == "warning")
        counts.append(_pad(f"{errors}/{warnings}", _CELL))
    lines.append(_pad("错误/警告" if zh else "errors/warnings", head_width) + "".join(counts))
    versions = [_pad(str(sum(1 for f in all_filings if f.year == y)), _CELL) for y in years]
    lines.append(_pad("存入版本数" if zh else "versions stored", head_width) + "".join(versions))
    lines.append("* 登记事项等与上一年度不同" if zh else "* a registered item etc. differs from the year before")
    return "\n".join(lines) + "\n"


def _differs(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    return xyear.comparable(a) != xyear.comparable(b)


def _cell(name: str, value: Any, zh: bool) -> str:
    if value is None:
        return "—"
    if name in _LONG:
        text = str(value)
        return f"（{len(text)}字）" if zh else f"({len(text)} chars)"
    if name in ("net_assets_begin_wan", "net_assets_end_wan") and isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value).replace("\n", " ")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, cols: int) -> str:
    if _width(text) <= cols:
        return text
    out = ""
    for char in text:
        if _width(out + char) > cols - 1:
            break
        out += char
    return out + "…"


def _pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - _width(text))


# --------------------------------------------------------------------------- draft


def previous_record(store: Store, key: str, year: int,
                    kind: str = "annual_report") -> Record:
    """The institution's current filing for `year - 1` (the base of next year's draft)."""
    _, all_filings = _lookup(store, key, kind)
    for filing in all_filings:
        if filing.is_current and filing.year == year - 1:
            return filing.record
    stored = sorted({f.year for f in all_filings if f.year is not None})
    raise UnknownInstitution(
        f"存储库中没有“{key}”的{year - 1}年度报告（已有年度：{'、'.join(map(str, stored)) or '无'}）",
        f"no {year - 1} filing of {key} in the store (years stored: "
        f"{', '.join(map(str, stored)) or 'none'})")
