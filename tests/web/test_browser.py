"""The issue's flows in headless Chromium against a live server on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright")
pytest.importorskip("starlette")

from tests.web.browser import CHROMIUM, MILUO, chromium, live_server, login, seed

if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (scripts/setup test installs it)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("web") / "web.sqlite"
    seed(store)
    with live_server(store) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_filer_to_reviewer_round_trip(server: str, browser: Any, tmp_path: Path) -> None:
    filer = browser.new_context(accept_downloads=True)
    page = filer.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, "clerk")
    assert page.url.endswith("/report")
    page.click("#start")  # from last year's filing
    code = page.locator("#fld-credit_code")
    assert code.input_value() == MILUO
    code.fill("12430681593289443A")  # a wrong check character
    finding = page.locator('#ff-credit_code [data-rule="identity.credit-code"]')
    finding.wait_for(state="visible")
    assert "统一社会信用代码" in finding.inner_text()
    code.fill(MILUO)
    finding.wait_for(state="detached")
    with page.expect_download() as download:
        page.click("#download-pdf")
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.click("#submit")  # still has errors (fields to fill): asks for confirmation
    page.locator("#confirm-errors").check()
    page.click("#submit")
    page.wait_for_url("**/filings/*")
    filing_url = page.url
    assert not [e for e in errors if "Content Security Policy" in e], errors

    reviewer = browser.new_context()
    rpage = reviewer.new_page()
    login(rpage, server, "county")
    rpage.goto(filing_url)
    assert rpage.locator("mark.hl").first.is_visible()  # the selected finding's evidence
    card = rpage.locator("article.finding:has(form.dismiss)").first
    rule = card.locator("code").inner_text()
    card.locator("input[name=reason]").fill("网上填报时已电话核实")
    card.locator("form.dismiss button").click()
    rpage.wait_for_load_state("load")
    assert rpage.locator("article.finding.selected .badge.dismiss").is_visible()
    trail = rpage.locator("table.audit").inner_text()
    assert "finding.dismiss" in trail and "网上填报时已电话核实" in trail and rule in trail

    other = browser.new_context()
    opage = other.new_page()
    login(opage, server, "other")
    response = opage.goto(filing_url)
    assert response is not None and response.status == 404
    for context in (filer, reviewer, other):
        context.close()


def test_a_logged_out_browser_is_sent_to_login(server: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/inbox")
    assert page.url == server + "/login"
    assert page.locator("input[name=password]").is_visible()
    context.close()
