"""Extraction + checks of a work summary, per document, on one core.

    python benchmarks/extract_check.py [--repeat N]

Builds a ~5,000-character summary from the bundled examples' prose, then times read → parse
(facts) → all rules, in-process (no interpreter start-up), and prints the median and p95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from nianbao.checks import default_registry
from nianbao.extract import read
from nianbao.pipeline import check

ROOT = Path(__file__).resolve().parent.parent


def make_summary(path: Path) -> Path:
    prose = [check(read(ROOT / f"examples/annual_report/{name}.txt")).record.fields["activities"]
             for name in ("004_linyou_2022", "000_miluo_2025")]
    text = "2025年社会救助工作总结\n" + "\n".join(str(p) for p in prose)
    path.write_text(text[:5000], encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    path = make_summary(Path("/tmp/nianbao-bench-summary.txt"))
    registry = default_registry()
    times, findings, facts = [], 0, 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = check(read(path), registry=registry)
        times.append(time.perf_counter() - start)
        facts, findings = len(report.record.facts), len(report.findings)
    times.sort()
    chars = len(path.read_text(encoding="utf-8"))
    print(f"python {sys.version.split()[0]}  document {chars} characters, {facts} facts, "
          f"{findings} findings")
    print(f"read+parse+check: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms over {args.repeat} runs")


if __name__ == "__main__":
    main()
