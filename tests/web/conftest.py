"""A web app on a fresh SQLite store with demo accounts, driven through Starlette's TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient

from nianbao.store import Store
from nianbao.store.accounts import add_user, new_token
from nianbao.web.app import create_app
from nianbao.web.core import WebConfig

ROOT = Path(__file__).resolve().parents[2]
SEED_000 = ROOT / "examples" / "annual_report" / "000_miluo_2025"
MILUO = "12430681593289443F"
OTHER = "12610329MB1234567X"
PASSWORD = "correct horse 1"


@dataclass
class Site:
    client: TestClient
    store: str
    tokens: dict[str, str]

    def login(self, name: str, client: TestClient | None = None) -> TestClient:
        c = client or self.client
        page = c.get("/login")
        token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
        r = c.post("/login", data={"name": name, "password": PASSWORD, "login_csrf": token},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        return c

    def csrf(self, client: TestClient | None = None) -> str:
        html = (client or self.client).get("/inbox").text
        return html.split('"X-CSRF-Token": "')[1].split('"')[0]


def make_store(path: Path) -> tuple[str, dict[str, str]]:
    url = str(path / "web.sqlite")
    tokens = {}
    with Store.open(url) as store:
        add_user(store, "clerk", "filer", PASSWORD, org=MILUO)
        add_user(store, "other", "filer", PASSWORD, org=OTHER)
        add_user(store, "county", "reviewer", PASSWORD, region="430681")
        add_user(store, "elsewhere", "reviewer", PASSWORD, region="610329")
        add_user(store, "boss", "admin", PASSWORD)
        for name in ("clerk", "other", "county", "elsewhere"):
            tokens[name] = new_token(store, name)
    return url, tokens


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url, tokens = make_store(tmp_path)
    app = create_app(WebConfig(store=url, workers=1, timeout=60, max_upload_bytes=600_000,
                               secret="test"))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Site(client, url, tokens)
