"""A province's county summaries regenerated: 100 synthetic counties → every county's page and
the roll-up, as DOCX and PDF, with charts.

    python benchmarks/summary_100.py [--counties 100] [--workers 2] [--out DIR]

Writes one work summary per county for this year and last (figures from a fixed seed, in the
style of examples/counties), then times, end to end in one process: read + parse + check every
input, build the summary (with last year's rows), the roll-up findings, and `write_all` with the
given number of worker processes (fresh interpreters: their start-up is included). Prints the
wall-clock seconds and the CPU seconds of all processes, and the load average before the run:
on a shared machine the wall clock says as much about the neighbours as about nianbao.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from nianbao.checks import default_registry
from nianbao.checks.rollup import mismatch_findings
from nianbao.pipeline import check_path
from nianbao.rollup.indicators import row_from_record
from nianbao.rollup.summary import build_summary
from nianbao.rollup.writers import write_all

REGION = "云川省"
SYLLABLES = "东西南北青白金石安平宁河山川林湖阳城丰泰和源长兴华康乐永新溪岭"
TEMPLATE = """{name}{year}年社会救助工作开展情况

今年以来，{name}认真落实各项社会救助政策，困难群众基本生活得到有效保障。
一、救助基本情况
截至{year}年12月，各项救助资金按时足额发放：
	•	城市低保：保障{uh}户{up}人，累计发放救助资金{uf}万元；
	•	农村低保：保障{rh}户{rp}人，累计发放救助资金{rf}万元；
	•	特困供养：农村特困{tr}户{tr}人（累计发放资金{trf}万元），城市特困{tu}户{tu}人（累计发放资金{tuf}万元），其中分散供养{d}户{d}人、集中供养{c}户{c}人；
	•	临时救助：累计救助{t}人次，发放救助资金{tf}万元。
二、重点工作
自7月起，城市低保标准由每人每月{su0}元提升至{su}元；农村低保标准由每人每月{sr0}元提升至{sr}元。城市特困供养标准由每人每年{tu0}元提高至{tus}元，农村特困供养标准由每人每年{tr0}元提高至{trs}元。
三、下步打算
持续完善低收入人口动态监测，推动分层分类社会救助体系建设。
"""


def county_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.sample(SYLLABLES, 2)) + rng.choice("县县县区市"))
    return sorted(names)


def figures(rng: random.Random, scale: float) -> dict[str, object]:
    up, rp = int(rng.randint(400, 2000) * scale), int(rng.randint(500, 7000) * scale)
    tr, tu = int(rng.randint(60, 900) * scale), rng.randint(3, 25)
    c = rng.randint(10, max(11, (tr + tu) // 4))
    su, sr = rng.choice((680, 690, 697, 705)), rng.choice((505, 515, 523, 530))
    return {
        "uh": up * 10 // 14, "up": up, "uf": f"{up * rng.uniform(0.40, 0.46):.2f}",
        "rh": rp * 10 // 15, "rp": rp, "rf": f"{rp * rng.uniform(0.24, 0.27):.2f}",
        "tr": tr, "trf": f"{tr * 0.87:.2f}", "tu": tu, "tuf": f"{tu * 1.15:.2f}",
        "d": tr + tu - c, "c": c, "t": int(rng.randint(200, 1500) * scale),
        "tf": f"{rng.uniform(30, 180) * scale:.2f}",
        "su0": su - 50, "su": su, "sr0": sr - 60, "sr": sr,
        "tu0": (su - 50) * 16, "tus": round(su * 12 * 1.3 + 10), "tr0": (sr - 60) * 16,
        "trs": round(sr * 12 * 1.3 + 10),
    }


def make_inputs(root: Path, n: int) -> tuple[list[Path], list[Path]]:
    rng = random.Random(2025)
    this_year, last_year = [], []
    for i, name in enumerate(county_names(n, rng), start=1):
        for year, scale, paths in ((2025, 1.0, this_year), (2024, 1.03, last_year)):
            path = root / str(year) / f"{i:03d}_{year}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(TEMPLATE.format(name=name, year=year, **figures(rng, scale)),
                            encoding="utf-8")
            paths.append(path)
    return this_year, last_year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-summary-") as tmp:
        root = Path(tmp)
        out = args.out or root / "out"
        out.mkdir(parents=True, exist_ok=True)
        this_year, last_year = make_inputs(root / "in", args.counties)
        registry = default_registry()
        load = os.getloadavg()
        start = time.perf_counter()
        reports = [check_path(p, registry=registry) for p in this_year]
        previous = {}
        for path in last_year:
            row = row_from_record(check_path(path, registry=registry).record, str(path))
            previous[row.name] = row
        checked = time.perf_counter()
        summary = build_summary(reports, REGION, 2025, previous)
        findings = mismatch_findings(summary)
        built = time.perf_counter()
        written = write_all(summary, out, findings=findings, workers=args.workers,
                            inputs=this_year + last_year)
        done = time.perf_counter()
    cpu = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    pdfs = sum(1 for p in written if p.suffix == ".pdf")
    print(f"python {sys.version.split()[0]}  {os.cpu_count()} CPUs visible, "
          f"{args.workers} workers, {len(summary.counties)} counties")
    print(f"read+check {2 * args.counties} inputs: {checked - start:.1f} s; "
          f"summary + findings: {built - checked:.2f} s; "
          f"write {pdfs} PDF + {len(written) - pdfs} DOCX: {done - built:.1f} s")
    print(f"total: {done - start:.1f} s wall clock; {cpu:.1f} s CPU in all processes "
          f"(load average before the run: {load[0]:.1f})")


if __name__ == "__main__":
    main()
