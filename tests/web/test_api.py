"""The HTTP API and the accounts behind it: tokens, scopes, limits."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import MILUO, SEED_000, Site


def bearer(site: Site, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[name]}"}


def upload(site: Site, name: str, path=None, content: bytes | None = None,  # type: ignore[no-untyped-def]
           filename: str = "report.txt"):
    data = content if content is not None else (path or SEED_000.with_suffix(".txt")).read_bytes()
    return site.client.post("/api/check", headers=bearer(site, name),
                            files={"file": (filename, data)})


def test_healthz_needs_no_login(site: Site) -> None:
    assert site.client.get("/healthz").text == "ok"


def test_check_returns_the_contract_and_a_filing_id(site: Site) -> None:
    r = upload(site, "clerk")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["nianbao"] == "1" and body["kind"] == "annual_report" and body["year"] == 2025
    assert body["record"]["credit_code"] == MILUO
    assert any(f["rule"] == "report.signer-mismatch" for f in body["findings"])
    filing = site.client.get(f"/api/filings/{body['filing_id']}", headers=bearer(site, "clerk"))
    assert filing.status_code == 200
    assert filing.json()["institution"]["credit_code"] == MILUO
    assert filing.json()["source"]["path"] == "report.txt"
    assert filing.json()["errors_confirmed"] is False  # an upload is not a confirmed submission


def test_pdf_upload_is_checked_too(site: Site) -> None:
    r = upload(site, "county", SEED_000.with_suffix(".pdf"), filename="miluo.pdf")
    assert r.status_code == 200, r.text
    assert r.json()["source"]["format"] == "pdf"


def test_no_token_or_a_wrong_one_is_401(site: Site) -> None:
    data = SEED_000.with_suffix(".txt").read_bytes()
    assert site.client.post("/api/check", files={"file": ("a.txt", data)}).status_code == 401
    bad = {"Authorization": "Bearer nb_not-a-token"}
    assert site.client.post("/api/check", headers=bad,
                            files={"file": ("a.txt", data)}).status_code == 401
    assert site.client.get("/api/filings/1").status_code == 401


def test_over_the_size_limit_is_413(site: Site) -> None:
    r = upload(site, "clerk", content=b"%PDF-1.7\n" + b"0" * 700_000, filename="big.pdf")
    assert r.status_code == 413
    assert r.json()["error"] == "too-large"


def test_a_file_whose_content_is_not_its_type_is_415(site: Site) -> None:
    assert upload(site, "clerk", content=b"MZ\x90\x00 not a pdf", filename="x.pdf").status_code == 415
    assert upload(site, "clerk", content=b"#!/bin/sh", filename="x.sh").status_code == 415


def test_filings_outside_the_callers_scope_are_404(site: Site) -> None:
    filing_id = upload(site, "clerk").json()["filing_id"]
    for name, expected in (("clerk", 200), ("county", 200), ("other", 404), ("elsewhere", 404)):
        r = site.client.get(f"/api/filings/{filing_id}", headers=bearer(site, name))
        assert r.status_code == expected, name
    assert site.client.get("/api/filings/99999", headers=bearer(site, "clerk")).status_code == 404
    assert site.client.get("/api/filings/abc", headers=bearer(site, "clerk")).status_code == 404


def test_a_filer_cannot_file_another_institutions_document(site: Site) -> None:
    r = upload(site, "other")
    assert r.status_code == 403
    assert r.json()["error"] == "not-yours"


def test_a_check_over_the_time_limit_is_stopped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nianbao.web.app import create_app
    from nianbao.web.core import WebConfig
    from tests.web.conftest import make_store

    url, tokens = make_store(tmp_path)
    app = create_app(WebConfig(store=url, workers=1, timeout=0.001, secret="t"))
    with TestClient(app) as client:
        r = client.post("/api/check", headers={"Authorization": f"Bearer {tokens['clerk']}"},
                        files={"file": ("a.txt", SEED_000.with_suffix(".txt").read_bytes())})
        assert r.status_code == 504  # (a text file: no pages for OCR to lengthen the limit)
        assert r.json()["error"] == "timeout"
        assert client.get("/healthz").status_code == 200


def test_a_refused_upload_names_the_users_file_not_the_workers_folder(site: Site) -> None:
    r = upload(site, "clerk", content=b"%PDF-1.4\n" + b"\x00garbage" * 200, filename="我的年报.pdf")
    assert r.status_code == 422
    body = r.json()
    assert "upload.pdf" not in body["message_zh"] and "/tmp" not in body["message_en"]
    assert body["message_zh"].startswith("我的年报.pdf：")
