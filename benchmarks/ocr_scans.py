"""OCR quality and speed on scanned versions of the bundled examples.

    python benchmarks/ocr_scans.py [--scans DIR] [--only NAME ...]

Builds the scans with tests/fixtures/scans/make_scans.py (unless DIR already holds them), reads
each scan and its text original through the whole pipeline, and prints per document:
- annual reports: the share of record fields equal to the text version's (whitespace ignored);
- work summaries: facts F1 against the text version (a fact is its indicator with its values);
- pages, wall seconds and CPU seconds per page (the models are loaded before timing).
The figures go into docs/ocr.md.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scans"))

from make_scans import EXAMPLES, build, summary_pdf

from nianbao.pipeline import check_path

ORIGINALS = {
    "000_miluo_2025-scan": EXAMPLES / "annual_report" / "000_miluo_2025.pdf",
    "004_linyou_2022-scan": EXAMPLES / "annual_report" / "004_linyou_2022.pdf",
    "001_zhanhe_2025-scan": None,  # the WeasyPrint layout of the text, made beside the scans
    "002_kaifaqu_2025-scan": None,  # kept aside: scored, never tuned on
}
_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Whitespace dropped and punctuation width folded (NFKC): a scan cannot tell "," from "，"
    and the typed originals mix both."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return plain(a) == plain(b)
    return bool(a == b)


def similarity(a: Any, b: Any) -> float:
    """Character-level similarity of two values (1.0 when equal; difflib's ratio for text)."""
    if same(a, b):
        return 1.0
    if isinstance(a, str) and isinstance(b, str):
        return difflib.SequenceMatcher(None, plain(a), plain(b), autojunk=False).ratio()
    return 0.0


def field_agreement(scan: dict[str, Any], text: dict[str, Any]) -> tuple[float, list[str]]:
    keys = sorted(set(scan) | set(text))
    wrong = [k for k in keys if not same(scan.get(k), text.get(k))]
    return 1 - len(wrong) / len(keys), wrong


def fact_key(fact: dict[str, Any]) -> tuple[Any, ...]:
    measures = ("households", "persons", "person_times", "amount_yuan", "rate_yuan_per_month",
                "rate_yuan_per_year", "percent", "value")
    return (fact["indicator"],) + tuple(fact.get(m) for m in measures)


def facts_f1(scan: list[dict[str, Any]], text: list[dict[str, Any]]) -> float:
    a = [fact_key(f) for f in scan]
    b = [fact_key(f) for f in text]
    pool = list(b)
    hits = 0
    for key in a:
        if key in pool:
            pool.remove(key)
            hits += 1
    if not a or not b:
        return 1.0 if a == b else 0.0
    precision, recall = hits / len(a), hits / len(b)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=Path)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--details", type=Path, help="write the differing values here (JSON)")
    args = parser.parse_args()
    work = args.scans or Path(tempfile.mkdtemp(prefix="nianbao-scans-"))
    names = tuple(args.only) or tuple(ORIGINALS)
    missing = tuple(n for n in names if not (work / f"{n}.pdf").exists())
    if missing:
        build(work, missing)
    for stem in ("001_zhanhe_2025", "002_kaifaqu_2025"):
        if not (work / f"{stem}.pdf").exists():
            summary_pdf(EXAMPLES / "work_summary" / f"{stem}.txt", work)
    from nianbao.extract.ocr import engine

    engine.load_models()  # before timing
    rows = []
    details: dict[str, Any] = {}
    for name in names:
        original = ORIGINALS[name] or work / (name.removesuffix("-scan") + ".pdf")
        text = check_path(original).to_dict()
        wall, cpu = time.perf_counter(), time.process_time()
        report = check_path(work / f"{name}.pdf")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        scanned = report.to_dict()
        doc_pages = _pages(work / f"{name}.pdf")
        row: dict[str, Any] = {"scan": name, "kind": scanned["kind"], "pages": doc_pages,
                               "s_per_page": round(wall / doc_pages, 2),
                               "cpu_s_per_page": round(cpu / doc_pages, 2)}
        if scanned["kind"] == "annual_report":
            share, wrong = field_agreement(scanned["record"], text["record"])
            row["fields"] = round(share, 3)
            row["fields_differing"] = wrong
            keys = sorted(set(scanned["record"]) | set(text["record"]))
            row["chars"] = round(sum(similarity(scanned["record"].get(k), text["record"].get(k))
                                     for k in keys) / len(keys), 3)
            details[name] = {k: {"scan": scanned["record"].get(k), "text": text["record"].get(k)}
                             for k in wrong}
        row["facts_f1"] = round(facts_f1(scanned["facts"], text["facts"]), 3)
        row["findings_scan"] = sorted({f["rule"] for f in scanned["findings"]})
        row["findings_text"] = sorted({f["rule"] for f in text["findings"]})
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    if args.details:
        args.details.write_text(json.dumps(details, ensure_ascii=False, indent=1, default=str),
                                encoding="utf-8")


def _pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


if __name__ == "__main__":
    main()
