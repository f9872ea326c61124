"""Logging in: sessions, CSRF, throttling, disabled accounts, security headers."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from nianbao.errors import UsageError
from nianbao.store import Store
from nianbao.store.accounts import add_user, disable_user, list_users
from tests.web.conftest import PASSWORD, Site


def _login_token(client: TestClient) -> str:
    return client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]


def test_every_page_but_login_and_healthz_sends_a_stranger_to_login(site: Site) -> None:
    for path in ("/", "/inbox", "/report", "/status", "/audit", "/filings/1"):
        r = site.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", path
    assert site.client.get("/login").status_code == 200


def test_login_sets_a_session_and_logout_ends_it(site: Site) -> None:
    site.login("county")
    assert site.client.get("/inbox").status_code == 200
    csrf = site.csrf()
    r = site.client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert site.client.get("/inbox", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(site: Site) -> None:
    c = site.client
    for _ in range(5):
        r = c.post("/login", data={"name": "clerk", "password": "wrong-one",
                                   "login_csrf": _login_token(c)})
        assert r.status_code == 401
    r = c.post("/login", data={"name": "clerk", "password": PASSWORD,
                               "login_csrf": _login_token(c)})
    assert r.status_code == 429  # even the right password waits now


def test_login_without_its_form_token_is_refused(site: Site) -> None:
    r = site.client.post("/login", data={"name": "clerk", "password": PASSWORD})
    assert r.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(site: Site) -> None:
    site.login("county")
    r = site.client.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403
    assert site.client.get("/inbox").status_code == 200  # still logged in


def test_disabling_an_account_ends_its_session(site: Site) -> None:
    site.login("county")
    with Store.open(site.store) as store:
        disable_user(store, "county")
        assert [u.disabled for u in list_users(store) if u.name == "county"] == [True]
    assert site.client.get("/inbox", follow_redirects=False).status_code == 303


def test_pages_carry_a_strict_content_security_policy(site: Site) -> None:
    r = site.client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text and " style=" not in r.text


def test_static_files_come_from_a_fixed_table(site: Site) -> None:
    assert site.client.get("/static/htmx.min.js").status_code == 200
    for path in ("/static/..%2F..%2Fpyproject.toml", "/static/app.py", "/static/%2Fetc%2Fpasswd"):
        r = site.client.get(path, follow_redirects=False)
        assert r.status_code in (303, 404) and "[project]" not in r.text and "root:" not in r.text


def test_accounts_are_validated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "s.sqlite") as store:
        with pytest.raises(UsageError):
            add_user(store, "f", "filer", PASSWORD)  # a filer needs --org
        with pytest.raises(UsageError):
            add_user(store, "r", "reviewer", PASSWORD, region="43")
        with pytest.raises(UsageError):
            add_user(store, "x", "admin", "short")
        add_user(store, "x", "admin", PASSWORD)
        with pytest.raises(UsageError):
            add_user(store, "x", "admin", PASSWORD)
