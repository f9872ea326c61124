"""Ingest benchmark: 10,000 filings into a fresh SQLite store.

    python benchmarks/store_ingest.py                 # 10,000 filings, cross-year rules
    python benchmarks/store_ingest.py --all-rules     # every rule, as `nianbao check --store`
    python benchmarks/store_ingest.py --store postgresql://…  # another backend

The filings are made from the bundled example reports: 2,000 institutions (each with a credit
code of its own, a name, staff and net assets varied from the examples) over five years, with
the net assets carried over from year to year and every 50th institution changing its 法定代表人
without declaring it. Each filing is ingested as `nianbao check --store` does it: in one
transaction, load the institution's other years, run the rules with that history, record it.
Parsing is left out (it does not touch the store); `--all-rules` adds the single-report rules.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.checks import Registry, Settings, default_registry, xyear
from nianbao.model import Record, Source
from nianbao.pipeline import Loaded, check, check_path
from nianbao.store import Store
from nianbao.text.credit_code import check_char, org_check_digit

EXAMPLES = ROOT / "examples" / "annual_report"
YEARS = (2021, 2022, 2023, 2024, 2025)


def credit_code(i: int) -> str:
    body = f"{i:08d}"
    first17 = "12430681" + body + org_check_digit(body)
    return first17 + check_char(first17)


def filings(n: int) -> Iterator[tuple[Record, Source]]:
    """`n` synthetic filings, year by year, as a bureau receives them season after season."""
    bases = [check_path(EXAMPLES / name).record for name in ("000_miluo_2025.txt",
                                                               "004_linyou_2022.txt")]
    institutions = max(1, n // len(YEARS))
    made = 0
    for y, year in enumerate(YEARS):
        for i in range(institutions):
            if made == n:
                return
            base = bases[i % len(bases)]
            end = Decimal(100 + i % 97) + Decimal(y) * Decimal("1.25")
            rep = "张三" if i % 50 == 0 and y >= 3 else base.fields.get("legal_representative")
            fields = dict(base.fields) | {
                "credit_code": credit_code(i), "name": f"{base.fields['name']}{i}",
                "report_year": year, "staff_count": 5 + i % 20, "legal_representative": rep,
                "net_assets_begin_wan": end - Decimal("1.25"), "net_assets_end_wan": end,
                "submitted_on": f"{year + 1}-03-0{1 + i % 9}",
            }
            record = Record(kind="annual_report", fields=fields, year=year,
                            as_of=f"{year}-12", org=str(fields["name"]))
            digest = f"{i:040x}{year:024x}"
            yield record, Source(f"synthetic/{i}/{year}.json", digest, "json")
            made += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="filings to ingest")
    parser.add_argument("--store", help="store path or URL (default: a fresh temporary file)")
    parser.add_argument("--all-rules", action="store_true",
                        help="run every rule, not only the cross-year ones")
    args = parser.parse_args()
    if args.all_rules:
        registry = default_registry()
    else:
        registry = Registry()
        registry.add(*xyear.RULES)
    inputs = list(filings(args.n))
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        where = args.store or str(Path(tmp) / "filings.sqlite")
        with Store.open(where) as store:
            settings = Settings()
            started = time.perf_counter()
            flagged = 0
            for record, source in inputs:
                report = check(Loaded(record, source), registry=registry, settings=settings,
                               store=store)
                flagged += any(f.rule.startswith("xyear.") for f in report.findings)
            seconds = time.perf_counter() - started
            stored = store.count_filings()
    print(f"ingested {len(inputs)} filings ({stored} stored, {flagged} with cross-year findings) "
          f"in {seconds:.1f} s: {len(inputs) / seconds:.0f} filings/s"
          f" [{'all rules' if args.all_rules else 'cross-year rules'}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
