"""OCR on a kept-aside set: documents the OCR code was not tuned on, scanned and scored.

    python benchmarks/ocr_aside.py DIR [--scans OUT] [--only STEM ...]

Each .txt file in DIR is laid out on A4 (tests/fixtures/scans/make_scans.py `layout_pdf`: the
first line a title, tab- or "|"-separated lines a ruled table, the rest paragraphs), and that
text PDF is scanned the way the bundled examples are (`scan`: paper tone, noise, a slight
rotation, blur, JPEG at quality 45; an annual report's opinion blocks get a seal and a signature
drawn from the seed; every third document has a page turned by 90°). Each scan and its text PDF
go through the whole pipeline and are compared as benchmarks/ocr_scans.py compares them:
- record fields equal to the text version's (annual reports);
- facts F1 against the text version's facts (every kind);
and the totals over the set. The documents' own gold is not used: the text version is the
reference, so the figures measure what reading the scan loses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scans"))

from make_scans import Scan, layout_pdf, scan
from ocr_scans import _pages, fact_key, field_agreement

from nianbao.pipeline import check_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=Path, help="a folder of .txt documents")
    parser.add_argument("--scans", type=Path, help="where the PDFs go (default: a temp folder)")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    work = args.scans or Path(tempfile.mkdtemp(prefix="nianbao-aside-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = sorted(p for p in args.docs.glob("*.txt") if not args.only or p.stem in args.only)
    from nianbao.extract.ocr import engine

    engine._engine()  # load the models before timing
    fields_equal = fields_total = 0
    hits = scanned_facts = text_facts = 0
    pages = 0
    wall = cpu = 0.0
    for number, txt in enumerate(texts):
        original = layout_pdf(txt, work)
        target = work / f"{txt.stem}-scan.pdf"
        if not target.exists():
            turned = 1 if number % 3 == 2 else None
            scan(Scan(f"{txt.stem}-scan", original, turned_page=turned, seed=100 + number,
                      vary=True), work)
        text = check_path(original).to_dict()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = check_path(target).to_dict()
        wall += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        doc_pages = _pages(target)
        pages += doc_pages
        row: dict[str, Any] = {"doc": txt.name, "kind": report["kind"], "kind_text": text["kind"],
                               "pages": doc_pages}
        if text["kind"] == "annual_report":
            share, wrong = field_agreement(report.get("record") or {}, text.get("record") or {})
            keys = set(report.get("record") or {}) | set(text.get("record") or {})
            fields_equal += len(keys) - len(wrong)
            fields_total += len(keys)
            row["fields"] = round(share, 3)
            row["fields_differing"] = wrong
        got = matched(report["facts"], text["facts"])
        hits += got
        scanned_facts += len(report["facts"])
        text_facts += len(text["facts"])
        row["facts"] = f"{got} matched of {len(report['facts'])} read / {len(text['facts'])} in text"
        print(json.dumps(row, ensure_ascii=False), flush=True)
    precision = hits / scanned_facts if scanned_facts else 1.0
    recall = hits / text_facts if text_facts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    print(json.dumps({
        "documents": len(texts), "pages": pages,
        "fields": f"{fields_equal}/{fields_total}",
        "fields_share": round(fields_equal / fields_total, 3) if fields_total else None,
        "facts_f1": round(f1, 3), "facts_precision": round(precision, 3),
        "facts_recall": round(recall, 3),
        "s_per_page": round(wall / pages, 2) if pages else None,
        "cpu_s_per_page": round(cpu / pages, 2) if pages else None,
        "load_average": round(os.getloadavg()[0], 1)}, ensure_ascii=False))


def matched(scanned: list[dict[str, Any]], text: list[dict[str, Any]]) -> int:
    """How many scanned facts match a text fact (each text fact matched once)."""
    pool = [fact_key(f) for f in text]
    hits = 0
    for fact in scanned:
        key = fact_key(fact)
        if key in pool:
            pool.remove(key)
            hits += 1
    return hits


if __name__ == "__main__":
    main()
