"""The web app's store tables on both backends: accounts, a stored upload with its source,
decisions, audit log, drafts, inbox and status board (SQLite, and PostgreSQL when one runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("argon2")

from nianbao.store import Store
from nianbao.store.accounts import (
    add_user,
    authenticate,
    new_session,
    new_token,
    session_user,
    token_user,
)
from nianbao.store.reviews import (
    audit_entries,
    decide,
    decisions_for,
    filing_content,
    filing_view,
    get_draft,
    inbox,
    save_draft,
    status_board,
)
from nianbao.web.checking import Scope, UploadTask, run_task
from tests.store.test_store import store_at  # noqa: F401 - the two-backend fixture
from tests.web.conftest import MILUO, PASSWORD, SEED_000


def test_web_tables_work_on_each_backend(store_at: str, tmp_path: Path) -> None:  # noqa: F811
    with Store.open(store_at) as store:
        clerk = add_user(store, "clerk", "filer", PASSWORD, org=MILUO)
        county = add_user(store, "county", "reviewer", PASSWORD, region="430600")
        assert authenticate(store, "county", PASSWORD, "127.0.0.1") == county
        assert authenticate(store, "county", "nope-nope", "127.0.0.1") is None
        sid, csrf = new_session(store, county)
        assert session_user(store, sid) == (county, csrf)
        assert token_user(store, new_token(store, "clerk")) == clerk

    pdf = SEED_000.with_suffix(".pdf").read_bytes()
    scope = Scope(clerk.id, "clerk", "filer", MILUO, None)
    result = run_task(UploadTask(store_at, scope, "miluo.pdf", ".pdf", pdf), tmp_path)
    assert result.filing_id is not None, result.message_en

    with Store.open(store_at) as store:
        view = filing_view(store, result.filing_id, county.scope)
        assert view is not None and view.blocks and view.filename == "miluo.pdf"
        assert filing_content(store, result.filing_id, clerk.scope) == (pdf, "application/pdf")
        finding = next(f for f in view.filing.findings if f.severity == "error")
        from nianbao.store.reviews import finding_key

        key = finding_key(finding)
        assert decide(store, county, result.filing_id, key, "dismiss", "已核实") is not None
        assert decisions_for(store, result.filing_id)[key].reason == "已核实"
        actions = [e.action for e in audit_entries(store, county.scope)]
        assert actions[:2] == ["finding.dismiss", "filing.upload"]
        rows = inbox(store, county.scope)
        assert [r.filing_id for r in rows] == [result.filing_id]
        board, rates = status_board(store, county.scope, 2025)
        assert [r.status for r in board] == ["filed"] and rates[0].rate == 1.0
        save_draft(store, clerk, MILUO, 2026, {"credit_code": MILUO, "name": "x"},
                   action="draft.start-empty")
        draft = get_draft(store, MILUO, 2026)
        assert draft is not None and draft.fields["name"] == "x"
