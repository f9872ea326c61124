"""examples/serve's demo store: seeded from the bundled examples, ready for the three logins."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from nianbao.store import Store
from nianbao.store.accounts import authenticate
from nianbao.store.reviews import inbox, status_board

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_store_has_accounts_filings_and_a_status_board(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("web_demo", ROOT / "examples" / "web_demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    store_path = tmp_path / "web.sqlite"
    demo.seed(store_path)
    with Store.open(store_path) as store:
        county = authenticate(store, "county", demo.PASSWORD, "127.0.0.1")
        assert county is not None and authenticate(store, "clerk", demo.PASSWORD, "x")
        assert len(inbox(store, county.scope)) == 4
        rows, rates = status_board(store, county.scope, 2025)
        assert sorted(r.status for r in rows) == ["filed", "late", "missing"]
        assert [round(r.rate, 3) for r in rates] == [0.667]
