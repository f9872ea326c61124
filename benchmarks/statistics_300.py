"""Reading and checking a 300-row statistics table, per document, on one core.

    python benchmarks/statistics_300.py [--repeat N]

Builds a monthly report of 300 indicator rows (the form of statistics.md repeated: numbered
hierarchy, 其中 lists, units, codes, 本月/上月/环比 columns, one planted part-sum error per
block) as a pipe-table text file, then times read → kind → parse (table model, facts) → every
rule, in-process, and prints the median and p95 with the facts and findings found.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from nianbao.checks import default_registry
from nianbao.extract import read
from nianbao.pipeline import check


def rate(now: int, base: int) -> str:
    return f"{(Decimal(now - base) / base * 100).quantize(Decimal('0.01'))}"


def make_report(path: Path, rows: int = 300) -> Path:
    lines = ["社会服务统计月报表", "编制单位：青禾县民政局    地区编码：430999000000    2025年9月", "",
             "| 指标名称 | 单位 | 代码 | 本月数 | 上月数 | 环比(%) |", "| 甲 | 乙 | 丙 | 1 | 2 | 3 |"]
    block = 0
    written = 0
    while written < rows:
        block += 1
        code = 1000 + block * 10
        total, prev = 600 + block, 590 + block
        a, b = 200 + block, total - 200 - block - (1 if block % 5 == 0 else 0)
        pa, pb = 195 + block, prev - 195 - block
        lines += [
            f"| （{block}）第{block}片区特困人员救助供养 | | | | | |",
            f"| 1.特困人员人数 | 人 | {code + 1} | {total:,} | {prev:,} | {rate(total, prev)} |",
            f"| 其中：集中供养人数 | 人 | {code + 2} | {a} | {pa} | {rate(a, pa)} |",
            f"| 分散供养人数 | 人 | {code + 3} | {b} | {pb} | {rate(b, pb)} |",
            f"| 2.城市低保人数 | 人 | {code + 4} | 2,048 | 2,071 | -1.11 |",
            "| 其中：当月新增 | 人 | 0 | 35 | | |",
            "| 当月退出 | 人 | 0 | 58 | | |",
            f"| 3.城市低保累计支出 | 万元 | {code + 5} | 1,371.52 | 1,218.40 | 12.57 |",
            f"| （1）城市低保金 | 万元 | {code + 6} | 1,282.30 | 1,139.06 | 12.58 |",
            f"| （2）城市低保临时补助 | 万元 | {code + 7} | 89.22 | 79.34 | 12.45 |",
        ]
        written += 10
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    path = make_report(Path("/tmp/nianbao-bench-statistics-300.txt"))
    registry = default_registry()
    times: list[float] = []
    facts = findings = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = check(read(path), registry=registry)
        times.append(time.perf_counter() - start)
        facts, findings = len(report.record.facts), len(report.findings)
    times.sort()
    median = statistics.median(times) * 1000
    p95 = times[int(len(times) * 0.95) - 1] * 1000
    print(f"300-row statistics table: {facts} facts, {findings} findings; read+check best "
          f"{times[0] * 1000:.1f} ms, median {median:.1f} ms, p95 {p95:.1f} ms "
          f"({args.repeat} runs, one core)")
    print("stages (best of 20): " + ", ".join(f"{k} {v:.1f} ms" for k, v in stages(path).items()))


def stages(path: Path) -> dict[str, float]:
    """Best time of each stage: read, kind + tables + parse, the table rules, the other rules."""
    from nianbao.checks import CheckContext
    from nianbao.pipeline import parse

    registry = default_registry()

    def best(step: Callable[[], object]) -> float:
        out = []
        for _ in range(20):
            start = time.perf_counter()
            step()
            out.append(time.perf_counter() - start)
        return min(out) * 1000

    document = read(path)
    record = parse(document)
    table = [r for r in registry if r.id.startswith("table.") and r.applies_to(record.kind)]
    other = [r for r in registry if not r.id.startswith("table.") and r.applies_to(record.kind)]
    return {
        "read": best(lambda: read(path)),
        "kind+tables+facts": best(lambda: parse(document)),
        "table rules": best(lambda: [list(r.func(CheckContext(record, document))) for r in table]),
        "other rules": best(lambda: [list(r.func(CheckContext(record, document))) for r in other]),
    }


if __name__ == "__main__":
    main()
