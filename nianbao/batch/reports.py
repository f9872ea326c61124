"""The batch's reports, built from the ledger: findings.csv, findings.xlsx and report.html.

- `findings.csv`: one row per finding (a filing without findings, and a failed file, get one row
  each), UTF-8 with a byte-order mark so that Excel and LibreOffice open it as Chinese text. A
  field that would start a formula (=, +, -, @, tab, CR) carries a leading ' (OWASP's advice for
  CSV injection), so a document cannot plant a live formula; a tool reading the CSV back drops it.
- `findings.xlsx` (`nianbao.batch.xlsx`, streamed, so memory stays flat): a summary sheet, one sheet with
  every filing, one with every finding, a sheet per rule and a sheet per filing (the first
  `MAX_FILING_SHEETS`); each with its header frozen and filters on.
- `report.html`: one self-contained page for a reviewer (templates/batch_report.html, inline CSS
  and JS, no network): totals by rule, severity and region, and every filing with its findings,
  the evidence and the sentence it sits in; sortable and filterable. The data is embedded as
  JSON; past `MAX_HTML_FILINGS` filings the page says how many it leaves out (the CSV has all).

Text from documents is written as text everywhere: XLSX cells are typed as strings (never
formulas or error values), and control characters (terminal escapes, C1 controls) are made visible.
Every file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao import __version__
from nianbao.batch.state import FileResult, FindingRow, Ledger
from nianbao.batch.xlsx import Sheet, Workbook
from nianbao.generate.atomic import atomic_path
from nianbao.model import plain
from nianbao.text.controls import visible, visible_all

MAX_FILING_SHEETS = 1000
KEEP_IN_MEMORY = 12_000  # results held in memory while the reports are written (~20 KB each)
MAX_SHEET_ROWS = 1_000_000  # a sheet holds at most 1,048,576 rows; the CSV has every row
MAX_HTML_FILINGS = 20000
MAX_CELL_CHARS = 32_767  # what one XLSX cell may hold; the CSV keeps the whole text
ROW_HEIGHT = 15.0  # points per line of text in the XLSX
MAX_ROW_LINES = 8
SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示", "failed": "失败"}
NO_REGION = "（未知地区）"

CSV_COLUMNS = [
    "path", "status", "failure", "format", "kind", "org", "credit_code", "region", "year",
    "rule", "severity", "message_zh", "message_en", "evidence", "sentence", "page", "pointer",
    "params", "json",
]
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Totals:
    """The batch's counts, over every file of the inbox (earlier runs included)."""

    files: int = 0
    ok: int = 0
    failed: int = 0
    filings_with_errors: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    ocr_pages: int = 0
    by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    filings_by_rule: Counter[str] = field(default_factory=Counter)
    by_failure: Counter[str] = field(default_factory=Counter)
    by_region: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, result: FileResult) -> None:
        self.files += 1
        region = self.by_region[result.region or NO_REGION]
        region["files"] += 1
        if not result.ok:
            self.failed += 1
            self.by_failure[result.failure or "failed"] += 1
            region["failed"] += 1
            return
        self.ok += 1
        self.ocr_pages += result.ocr_pages
        errors, warnings = result.count("error"), result.count("warning")
        self.errors += errors
        self.warnings += warnings
        self.infos += result.count("info")
        self.filings_with_errors += errors > 0
        region["errors"] += errors
        region["warnings"] += warnings
        region["with_errors"] += errors > 0
        for row in result.findings:
            self.by_rule[(row.finding.rule, row.finding.severity)] += 1
        for rule in {row.finding.rule for row in result.findings}:
            self.filings_by_rule[rule] += 1


def write_reports(ledger: Ledger, ruleset: str, out: Path, *, inbox: str = "") -> Totals:
    """Write the three reports from the ledger's results for the current inbox."""
    totals = Totals()
    kept: list[FileResult] = []
    for result in ledger.results(ruleset):
        totals.add(result)
        if len(kept) <= KEEP_IN_MEMORY:
            kept.append(result)

    def results() -> Iterator[FileResult]:
        """The results again: from memory for a usual batch, from the ledger for a huge one."""
        return iter(kept) if len(kept) <= KEEP_IN_MEMORY else ledger.results(ruleset)

    meta = {"inbox": inbox, "ruleset": ruleset, "nianbao": __version__,
            "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    write_csv(results(), out / "findings.csv")
    write_xlsx(results(), totals, meta, out / "findings.xlsx")
    write_html(results(), totals, meta, out / "report.html")
    return totals


# --- CSV ----------------------------------------------------------------------------------------


def _csv_rows(result: FileResult) -> Iterator[list[Any]]:
    head = [result.path, result.status, result.failure or "", result.format or "",
            result.kind or "", result.org or "", result.credit_code or "", result.region or "",
            result.year if result.year is not None else ""]
    json_name = result.json_name or ""
    if not result.ok:
        yield head + ["", "failed", result.reason_zh or "", result.reason_en or "", "", "", "",
                      "", "", json_name]
        return
    if not result.findings:
        yield head + ["", "", "", "", "", "", "", "", "", json_name]
    for row in result.findings:
        f = row.finding
        yield head + [f.rule, f.severity, f.message_zh, f.message_en, f.evidence, row.sentence,
                      row.page if row.page is not None else "", f.pointer,
                      json.dumps(plain(f.params), ensure_ascii=False), json_name]


def write_csv(results: Iterator[FileResult], path: Path) -> None:
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for result in results:
            writer.writerows([_csv_value(v) for v in row] for row in _csv_rows(result))


_FORMULA_START = re.compile(r"[\t\r ]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _csv_value(value: Any) -> Any:
    """A CSV field a spreadsheet will not run: text that starts like a formula (=, +, -, @, their
    full-width forms, or a tab or CR first) gets a leading ' as OWASP recommends; control
    characters are made visible. Numbers, and text that is just a number ("-3.5"), stay as
    they are."""
    if not isinstance(value, str):
        return value
    value = visible(value, keep_lines=True)
    if _FORMULA_START.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


# --- XLSX ---------------------------------------------------------------------------------------

FILING_COLUMNS = [("文件 path", 36), ("状态 status", 9), ("格式", 6), ("单位 org", 28),
                  ("统一社会信用代码", 21), ("地区 region", 24), ("年度", 6), ("错误", 6),
                  ("警告", 6), ("原因 reason", 40)]
FINDING_COLUMNS = [("文件 path", 26), ("单位 org", 24), ("地区 region", 20), ("规则 rule", 22),
                   ("级别", 7), ("说明 message", 40), ("证据 evidence", 24),
                   ("原句 sentence", 44), ("页", 5), ("指针 pointer", 20)]
RULE_COLUMNS = FINDING_COLUMNS[:3] + FINDING_COLUMNS[4:]
OWN_COLUMNS = FINDING_COLUMNS[3:]


class _Sheets:
    """The workbook's sheets, each with a frozen, filtered header and its column widths."""

    def __init__(self) -> None:
        self.book = Workbook()
        self.names: set[str] = set()
        self.dropped = 0

    def new(self, title: str, columns: list[tuple[str, int]],
            intro: Sequence[Sequence[Any]] = ()) -> Sheet:
        sheet = self.book.sheet(self._unique(title), [width for _, width in columns],
                                header_row=len(intro) + 1)
        for line in intro:
            sheet.append([_cell_value(v) for v in line])
        sheet.append([name for name, _ in columns], ["head"] * len(columns))
        return sheet

    def append(self, sheet: Sheet, values: list[Any]) -> None:
        """One row; long text wraps, and the row is made tall enough for it (LibreOffice does
        not size the rows of a file that does not say their height)."""
        if sheet.count >= MAX_SHEET_ROWS:
            self.dropped += 1
            return
        cells = [_cell_value(v) for v in values]
        widths = sheet.widths + [20] * (len(cells) - len(sheet.widths))
        needs = [_lines(v, w) if isinstance(v, str) else 1 for v, w in zip(cells, widths)]
        lines = max(needs, default=1)
        if lines > 1:
            sheet.append(cells, ["wrap" if n > 1 else "top" for n in needs],
                         height=ROW_HEIGHT * min(lines, MAX_ROW_LINES))
        else:
            sheet.append(cells)

    def _unique(self, title: str) -> str:
        base = _SHEET_BAD.sub("_", visible(title)).strip("'")[:31] or "sheet"
        name, n = base, 1
        while name.lower() in self.names:
            n += 1
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)] + suffix
        self.names.add(name.lower())
        return name


def _lines(text: str, width: int) -> int:
    """How many lines `text` takes in a column `width` characters wide (a Chinese character,
    or anything past Latin-1, is a little over two columns wide)."""
    per_line = max(1, width - 1)
    if 2.1 * len(text) <= per_line and "\n" not in text:
        return 1
    total = 0
    for part in text.split("\n"):
        narrow = len(part.encode("latin-1", "ignore"))
        total += max(1, math.ceil((narrow + 2.1 * (len(part) - narrow)) / per_line))
    return total


def _cell_value(value: Any) -> Any:
    """A cell's value: text with its control characters made visible (XML cannot hold most of
    them, and a C1 control acts as an escape in some terminals); numbers stay numbers."""
    if isinstance(value, str):
        value = visible(value, keep_lines=True)
        return value if len(value) <= MAX_CELL_CHARS else value[: MAX_CELL_CHARS - 1] + "…"
    return value


def write_xlsx(results: Iterator[FileResult], totals: Totals, meta: dict[str, str],
               path: Path, *, max_filing_sheets: int = MAX_FILING_SHEETS) -> None:
    sheets = _Sheets()
    _summary_sheet(sheets, totals, meta, max_filing_sheets)
    filings = sheets.new("文件 Filings", FILING_COLUMNS)
    every = sheets.new("全部问题 Findings", FINDING_COLUMNS)
    by_rule: dict[str, Any] = {}
    for rule, _ in sorted(totals.by_rule):
        if rule not in by_rule:
            by_rule[rule] = sheets.new(rule, RULE_COLUMNS)
    own = 0
    for result in results:
        sheets.append(filings, [result.path, "ok" if result.ok else "失败 failed",
                                result.format, result.org,
                                result.credit_code, result.region, result.year,
                                result.count("error"), result.count("warning"),
                                result.reason_zh or ""])
        for row in result.findings:
            line = _finding_line(result, row)
            sheets.append(every, line)
            sheets.append(by_rule[row.finding.rule], line[:3] + line[4:])
        if own < max_filing_sheets:
            own += 1
            _filing_sheet(sheets, own, result)
    with atomic_path(path) as tmp:
        sheets.book.save(tmp)


def _finding_line(result: FileResult, row: FindingRow) -> list[Any]:
    f = row.finding
    return [result.path, result.org, result.region, f.rule,
            SEVERITY_ZH.get(f.severity, f.severity), f.message_zh, f.evidence, row.sentence,
            row.page, f.pointer]


def _summary_sheet(sheets: _Sheets, totals: Totals, meta: dict[str, str],
                   max_filing_sheets: int) -> None:
    intro: list[list[Any]] = [
        ["nianbao 批量检查 / batch check", meta["generated"]],
        ["收件目录 inbox", meta["inbox"]], ["规则集 rule set", meta["ruleset"]],
        ["文件 files", totals.files], ["已检查 checked", totals.ok], ["失败 failed", totals.failed],
        ["有错误的报告 filings with errors", totals.filings_with_errors],
        ["错误 errors", totals.errors], ["警告 warnings", totals.warnings],
        ["每个文件一张表 sheet per filing",
         f"前 {max_filing_sheets} 个文件 / first {max_filing_sheets} files"
         if totals.files > max_filing_sheets else "全部 / all"],
        ["每张表行数上限 rows per sheet",
         f"{MAX_SHEET_ROWS:,}（全部数据见 findings.csv / the CSV has every row）"], []]
    sheet = sheets.new("汇总 Summary", [("类别 totals by", 14), ("名称 name", 34),
                                        ("级别 severity", 12), ("问题数 findings", 14),
                                        ("文件数 filings", 14), ("失败 failed", 10)], intro)
    for (rule, severity), count in sorted(totals.by_rule.items(), key=lambda kv: -kv[1]):
        sheets.append(sheet, ["规则 rule", rule, SEVERITY_ZH.get(severity, severity), count,
                              totals.filings_by_rule[rule], None])
    for failure, count in sorted(totals.by_failure.items()):
        sheets.append(sheet, ["失败 failure", failure, SEVERITY_ZH["failed"], None, count, count])
    for region, c in sorted(totals.by_region.items(), key=lambda kv: -kv[1]["files"]):
        sheets.append(sheet, ["地区 region", region, None, c["errors"] + c["warnings"],
                              c["files"], c["failed"]])


def _filing_sheet(sheets: _Sheets, number: int, result: FileResult) -> None:
    stem = Path(result.path).name
    intro: list[list[Any]] = [[result.path, result.org or "", result.credit_code or "", result.region or "",
              result.year], [result.reason_zh or f"错误 {result.count('error')} 条，"
                                                 f"警告 {result.count('warning')} 条"]]
    sheet = sheets.new(f"{number:04d} {stem}", OWN_COLUMNS, intro)
    for row in result.findings:
        sheets.append(sheet, _finding_line(result, row)[3:])


# --- HTML ---------------------------------------------------------------------------------------


def html_data(results: Iterator[FileResult], totals: Totals, meta: dict[str, str],
              limit: int = MAX_HTML_FILINGS) -> dict[str, Any]:
    """What report.html embeds: totals and the filings (short keys keep the page small)."""
    filings = []
    shown = 0
    for result in results:
        if shown >= limit:
            break
        shown += 1
        filings.append(visible_all({
            "p": result.path, "j": result.json_name, "s": result.status, "f": result.failure,
            "r": result.reason_zh, "re": result.reason_en, "fmt": result.format,
            "k": result.kind, "o": result.org, "c": result.credit_code,
            "g": result.region or NO_REGION, "y": result.year, "e": result.count("error"),
            "w": result.count("warning"), "i": result.count("info"), "ocr": result.ocr_pages,
            "x": [[r.finding.rule, r.finding.severity, r.finding.message_zh,
                   r.finding.message_en, r.finding.evidence, r.sentence, r.page,
                   r.finding.pointer] for r in result.findings],
        }, keep_lines=True))
    return {
        "meta": visible_all(meta),
        "totals": {"files": totals.files, "ok": totals.ok, "failed": totals.failed,
                   "with_errors": totals.filings_with_errors, "errors": totals.errors,
                   "warnings": totals.warnings, "infos": totals.infos,
                   "ocr_pages": totals.ocr_pages},
        "by_rule": [{"rule": r, "severity": s, "count": n, "filings": totals.filings_by_rule[r]}
                    for (r, s), n in sorted(totals.by_rule.items(), key=lambda kv: -kv[1])],
        "by_failure": dict(totals.by_failure),
        "by_region": [{"region": g, **c} for g, c in
                      sorted(totals.by_region.items(), key=lambda kv: -kv[1]["files"])],
        "filings": filings,
        "left_out": max(0, totals.files - shown),
    }


def write_html(results: Iterator[FileResult], totals: Totals, meta: dict[str, str],
               path: Path) -> None:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from nianbao.resources import resource_dir

    env = Environment(loader=FileSystemLoader(resource_dir("templates")), autoescape=True,
                      undefined=StrictUndefined)
    data = html_data(results, totals, meta)
    page = env.get_template("batch_report.html").render(
        meta=data["meta"], totals=data["totals"], data_json=_script_json(data))
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside <script type="application/json">: no "</" and no "<!--"."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
