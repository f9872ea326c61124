"""Load test of the web app's API on loopback: concurrent users uploading and checking filings.

    python benchmarks/web_load.py                    # 20 users for 60 s, text-layer PDF
    python benchmarks/web_load.py --users 5 --seconds 10 --format txt --workers 2

Starts `nianbao serve` on 127.0.0.1 (a free port) on a fresh SQLite store with one filer account
and its token, then runs USERS concurrent clients (httpx), each uploading the bundled example
report (000, text-layer PDF by default) with ``POST /api/check`` and reading the filing back
with ``GET /api/filings/{id}``, again and again, until SECONDS have passed (hard caps: 60 s,
100 users, 5,000 requests per user). Each upload carries a unique trailing comment, so every
request is a distinct source the store must keep (the current filing is superseded each time).

Reports the latency of the checks (p50, p95, max), the reads, the error count, and whether the
store holds exactly one filing per successful check ("nothing lost"). Traffic goes to 127.0.0.1
only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_SECONDS = 60.0
MAX_USERS = 100
MAX_PER_USER = 5000


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


async def user(base: str, token: str, payload: bytes, name: str, index: int, until: float,
               checks: list[float], reads: list[float], errors: list[str],
               ids: set[int]) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as client:
        for n in range(MAX_PER_USER):
            if time.monotonic() >= until:
                return
            body = payload + f"\n% load {index}-{n}\n".encode()
            start = time.perf_counter()
            try:
                r = await client.post("/api/check", files={"file": (name, body)})
            except httpx.HTTPError as exc:
                errors.append(f"check: {type(exc).__name__}")
                continue
            checks.append(time.perf_counter() - start)
            if r.status_code != 200:
                errors.append(f"check: HTTP {r.status_code}")
                continue
            filing_id = int(r.json()["filing_id"])
            ids.add(filing_id)
            start = time.perf_counter()
            try:
                got = await client.get(f"/api/filings/{filing_id}")
            except httpx.HTTPError as exc:
                errors.append(f"read: {type(exc).__name__}")
                continue
            reads.append(time.perf_counter() - start)
            if got.status_code != 200:
                errors.append(f"read: HTTP {got.status_code}")


async def run(base: str, token: str, payload: bytes, name: str, users: int,
              seconds: float) -> tuple[list[float], list[float], list[str], set[int], float]:
    checks: list[float] = []
    reads: list[float] = []
    errors: list[str] = []
    ids: set[int] = set()
    start = time.monotonic()
    until = start + seconds
    await asyncio.gather(*(user(base, token, payload, name, i, until, checks, reads, errors,
                                ids) for i in range(users)))
    return checks, reads, errors, ids, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="check processes of the server")
    parser.add_argument("--format", choices=("pdf", "txt", "docx"), default="pdf")
    args = parser.parse_args()
    users = max(1, min(args.users, MAX_USERS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))

    from sqlalchemy import func, select

    from nianbao.store import Store
    from nianbao.store.accounts import add_user, new_token
    from nianbao.store.schema import filings
    from nianbao.store.web_schema import filing_files
    from tests.web.browser import live_server

    source = ROOT / "examples" / "annual_report" / f"000_miluo_2025.{args.format}"
    payload = source.read_bytes()
    if args.format == "docx":
        raise SystemExit("--format docx: a trailing comment would break the zip; use pdf/txt")
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "load.sqlite"
        with Store.open(store_path) as store:
            add_user(store, "clerk", "filer", "load-test-pass", org="12430681593289443F")
            token = new_token(store, "clerk")
        with live_server(store_path, workers=args.workers) as base:
            checks, reads, errors, ids, wall = asyncio.run(
                run(base, token, payload, source.name, users, seconds))
        with Store.open(store_path) as store, store.transaction(read_only=True) as tx:
            stored = tx.conn.execute(select(func.count()).select_from(filings)).scalar() or 0
            files = tx.conn.execute(select(func.count()).select_from(filing_files)).scalar() or 0
    ok = len(checks) - sum(1 for e in errors if e.startswith("check"))
    print(f"web load: {users} users, {wall:.1f} s, {args.format.upper()} "
          f"({len(payload) // 1024} KB), {args.workers} check workers, 127.0.0.1")
    print(f"  checks: {len(checks)} done, {ok} ok, {ok / wall:.2f}/s; latency p50 "
          f"{percentile(checks, .5):.2f} s, p95 {percentile(checks, .95):.2f} s, max "
          f"{max(checks, default=float('nan')):.2f} s")
    print(f"  reads:  {len(reads)} done; latency p50 {percentile(reads, .5) * 1000:.0f} ms, "
          f"p95 {percentile(reads, .95) * 1000:.0f} ms")
    print(f"  errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    print(f"  store:  {stored} filings, {files} source files, {len(ids)} distinct ids returned "
          f"-> {'nothing lost' if stored == files == len(ids) == ok else 'MISMATCH'}")
    if checks:
        print(f"  mean check latency {statistics.mean(checks):.2f} s")


if __name__ == "__main__":
    main()
