"""Seed a demo store for the web app from the bundled examples (used by examples/serve).

    python examples/web_demo.py out/demo/web.sqlite

Makes a fresh SQLite store with three accounts (password for each: demo-pass-1):

- clerk   — filer of 汨罗市社会救助服务中心 (12430681593289443F): starts its 2026 report from 2025
- county  — reviewer of 汨罗市 (430681): the inbox, the filings, the status board
- admin   — sees everything

and filings: seed 000 (汨罗, 2025, the PDF: page images with the evidence boxed) as uploaded by
the clerk, the same institution's 2024 report (from the same record, a year earlier) for the
years side by side, two more institutions of 汨罗市 for the status board (one filed 2025 late,
one filed 2024 and not 2025), and seed 004 (麟游, 2022; only the admin sees it).
"""

from __future__ import annotations

import hashlib
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-pass-1"


def code(body8: str) -> str:
    """A well-formed 统一社会信用代码 of a 事业单位 registered in 汨罗市 (430681)."""
    from nianbao.text.credit_code import check_char, org_check_digit

    first = "12430681" + body8 + org_check_digit(body8)
    return first + check_char(first)


def earlier(fields: dict[str, object]) -> dict[str, object]:
    """The 2025 report's fields moved to 2024 (years in the texts one earlier)."""
    out: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.replace("2025", "2024").replace("2026", "2025")
        out[name] = value
    out["report_year"] = 2024
    return out


def seed(store_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from nianbao.model import Source
    from nianbao.store import Store
    from nianbao.store.accounts import add_user, get_user
    from nianbao.web.checking import Scope, UploadTask, run_task

    for suffix in ("", "-wal", "-shm"):
        Path(str(store_path) + suffix).unlink(missing_ok=True)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(store_path) as store:
        add_user(store, "clerk", "filer", PASSWORD, org="12430681593289443F", by="demo")
        add_user(store, "county", "reviewer", PASSWORD, region="430681", by="demo")
        add_user(store, "admin", "admin", PASSWORD, by="demo")
        clerk = get_user(store, "clerk")
        assert clerk is not None
        miluo = ROOT / "examples" / "annual_report" / "000_miluo_2025.pdf"
        from nianbao.extract import read
        from nianbao.pipeline import parse

        previous = parse(read(miluo)).fields
        # The same institution a year earlier (for the years side by side and the draft).
        older = dict(earlier(previous), net_assets_end_wan=previous.get("net_assets_begin_wan"),
                     net_assets_begin_wan=Decimal("52.30"), submitted_on="2025-03-12",
                     staff_count=15)
        others = [
            (older, 2024, "demo:miluo-2024"),
            (dict(previous, credit_code=code("MB1C1111"), name="汨罗市救助管理站",
                  online_name="汨罗市救助管理站.公益", submitted_on="2026-04-20"),
             2025, "demo:jiuzhu-2025"),
            (dict(earlier(previous), credit_code=code("MB1C2222"), name="汨罗市社会福利院",
                  online_name="汨罗市社会福利院.公益", submitted_on="2025-03-20"),
             2024, "demo:fuliyuan-2024"),
        ]
        from nianbao.pipeline import Loaded, check
        from nianbao.web.checking import draft_record

        for fields, year, name in others:
            record = draft_record(dict(fields), year)
            sha = hashlib.sha256(name.encode()).hexdigest()
            check(Loaded(record, Source(name, sha, "json")), store=store)
    work = store_path.parent / "demo-work"
    work.mkdir(exist_ok=True)
    uploads = [(Scope(clerk.id, "clerk", "filer", clerk.org, None), miluo),
               (Scope(None, "demo", "admin", None, None),
                ROOT / "examples" / "annual_report" / "004_linyou_2022.pdf")]
    for scope, path in uploads:
        result = run_task(UploadTask(str(store_path), scope, path.name, ".pdf",
                                     path.read_bytes()), work)
        if result.filing_id is None:
            raise SystemExit(f"seeding {path.name} failed: {result.message_en}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python examples/web_demo.py STORE.sqlite")
    seed(Path(sys.argv[1]))
    print(f"demo store ready: {sys.argv[1]}  (accounts clerk, county, admin; password "
          f"{PASSWORD})")
