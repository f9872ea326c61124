"""The reviewer's and the filer's pages, through the HTTP interface a browser uses."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from nianbao.model import Record, Report, Source
from nianbao.store import Store
from tests.conftest import clean_fields
from tests.web.conftest import MILUO, SEED_000, Site


def api_upload(site: Site, suffix: str = ".txt", name: str = "clerk") -> int:
    r = site.client.post("/api/check", headers={"Authorization": f"Bearer {site.tokens[name]}"},
                         files={"file": (f"miluo{suffix}", SEED_000.with_suffix(suffix).read_bytes())})
    assert r.status_code == 200, r.text
    return int(r.json()["filing_id"])


def test_reviewer_sees_the_inbox_with_counts_and_filters(site: Site) -> None:
    filing_id = api_upload(site)
    site.login("county")
    page = site.client.get("/inbox").text
    assert f"/filings/{filing_id}" in page and "汨罗市社会救助服务中心" in page
    assert "report.signer-mismatch" in page  # counts by rule
    assert f"/filings/{filing_id}" not in site.client.get("/inbox?q=麟游").text
    assert f"/filings/{filing_id}" in site.client.get(
        "/inbox?severity=error&rule=report.signer-mismatch&sort=errors").text


def test_reviewer_dismisses_a_finding_with_a_reason_and_the_audit_log_shows_it(site: Site) -> None:
    filing_id = api_upload(site)
    site.login("county")
    page = site.client.get(f"/filings/{filing_id}").text
    assert '<mark class="hl">' in page  # the selected finding's evidence in the text
    key = page.split('name="key" value="')[1].split('"')[0]
    csrf = site.csrf()
    no_reason = site.client.post(f"/filings/{filing_id}/decide",
                                 data={"csrf": csrf, "key": key, "action": "dismiss"})
    assert no_reason.status_code == 400
    reason = "=HYPERLINK(\"http://x\",\"签名系笔误\")"
    r = site.client.post(f"/filings/{filing_id}/decide", follow_redirects=False,
                         data={"csrf": csrf, "key": key, "action": "dismiss", "reason": reason})
    assert r.status_code == 303
    page = site.client.get(f"/filings/{filing_id}?f={key}").text
    assert "驳回" in page and "finding.dismiss" in page
    audit = site.client.get("/audit").text
    assert "finding.dismiss" in audit and "county" in audit and "签名系笔误" in audit
    csv_text = site.client.get("/export/decisions.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text  # a formula stays text
    book = load_workbook(io.BytesIO(site.client.get("/export/decisions.xlsx").content))
    cell = next(c for row in book.active.iter_rows() for c in row if c.value == reason)
    assert cell.data_type == "s"


def test_a_pdf_filing_shows_the_page_with_the_evidence_boxed(site: Site) -> None:
    filing_id = api_upload(site, ".pdf")
    site.login("county")
    page = site.client.get(f"/filings/{filing_id}").text
    shown = re.search(rf'href="(/filings/{filing_id}/page/\d+\.png)"', page)
    assert shown and 'class="evidence"' in page  # the page the evidence is on, boxed
    image = site.client.get(shown.group(1))
    assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
    assert site.client.get(f"/filings/{filing_id}/page/99.png").status_code == 404


def test_document_text_is_escaped_never_rendered_as_html(site: Site) -> None:
    hostile = SEED_000.with_suffix(".txt").read_text(encoding="utf-8").replace(
        "汨罗市城西开发区", "汨罗市城西<script>alert(1)</script>开发区", 1)
    r = site.client.post("/api/check", headers={"Authorization": f"Bearer {site.tokens['clerk']}"},
                         files={"file": ("x.txt", hostile.encode())})
    filing_id = r.json()["filing_id"]
    site.login("county")
    page = site.client.get(f"/filings/{filing_id}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_other_filers_and_other_regions_get_404_on_a_filing_page(site: Site) -> None:
    filing_id = api_upload(site)
    for name in ("other", "elsewhere"):
        site.client.cookies.clear()
        site.login(name)
        assert site.client.get(f"/filings/{filing_id}").status_code == 404, name
        assert site.client.get(f"/filings/{filing_id}/page/1.png").status_code == 404
        assert f"/filings/{filing_id}" not in site.client.get("/inbox").text
    site.client.cookies.clear()
    site.login("clerk")
    assert site.client.get(f"/filings/{filing_id}").status_code == 200


def test_filer_drafts_from_last_year_sees_findings_as_they_type_and_submits(site: Site) -> None:
    api_upload(site)  # the 2025 filing
    site.login("clerk")
    page = site.client.get("/report").text
    assert "从2025年度报告开始" in page
    csrf = site.csrf()
    site.client.post("/report/start", data={"csrf": csrf, "year": "2026"})
    page = site.client.get("/report?year=2026").text
    assert f'value="{MILUO}"' in page and "汨罗市社会救助服务中心" in page
    wrong = site.client.post("/report/fields", headers={"HX-Request": "true", "X-CSRF-Token": csrf},
                             data={"year": "2026", "credit_code": "12430681593289443A"})
    field_part = wrong.text.split('id="ff-credit_code"')[1].split("</div></div>")[0]
    assert "identity.credit-code" in field_part
    fixed = site.client.post("/report/fields", headers={"X-CSRF-Token": csrf},
                             data={"year": "2026", "credit_code": MILUO})
    assert 'data-rule="identity.credit-code"' not in fixed.text.split('id="ff-credit_code"')[1].split(
        'id="ff-')[0]
    pdf = site.client.get("/report/download/pdf?year=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    public = site.client.get("/report/download/public?year=2026")
    assert public.content.startswith(b"%PDF")
    docx = site.client.get("/report/download/docx?year=2026")
    assert docx.content.startswith(b"PK")
    unconfirmed = site.client.post("/report/submit", data={"csrf": csrf, "year": "2026"})
    assert unconfirmed.status_code == 409 and "确认" in unconfirmed.text
    done = site.client.post("/report/submit", follow_redirects=False,
                            data={"csrf": csrf, "year": "2026", "confirm_errors": "yes"})
    assert done.status_code == 303
    filing_id = int(done.headers["location"].rsplit("/", 1)[1])
    body = site.client.get(f"/filings/{filing_id}").text
    assert "填报人确认后带错误提交" in body and "schema.required" in body
    site.client.cookies.clear()
    site.login("county")
    body = site.client.get(f"/filings/{filing_id}").text
    assert "filing.submit" in body
    key = body.split('name="key" value="')[1].split('"')[0]
    site.client.post(f"/filings/{filing_id}/decide",
                     data={"csrf": site.csrf(), "key": key, "action": "ask", "reason": "请补填"})
    site.client.cookies.clear()
    site.login("clerk")
    asks = site.client.get("/report?year=2026").text.split('id="asks"')[1].split("</section>")[0]
    assert "审核人要求更正" in site.client.get("/report?year=2026").text and "请补填" in asks


def test_filer_prefills_activities_from_a_work_summary(site: Site) -> None:
    api_upload(site)
    site.login("clerk")
    csrf = site.csrf()
    site.client.post("/report/start", data={"csrf": csrf, "year": "2026"})
    summary = Path(__file__).resolve().parents[2] / "examples" / "work_summary" / "001_zhanhe_2025.txt"
    r = site.client.post("/report/summary", data={"csrf": csrf, "year": "2026"},
                         files={"file": ("summary.txt", summary.read_bytes())})
    assert r.status_code == 200
    assert "低保" in r.text.split('id="fld-activities"')[1].split("</textarea>")[0]


def test_filer_form_is_laid_out_in_the_sections_of_the_paper_form(site: Site) -> None:
    api_upload(site)
    site.login("clerk")
    site.client.post("/report/start", data={"csrf": site.csrf(), "year": "2026"})
    page = site.client.get("/report?year=2026").text
    cert, assets = page.index("《事业单位法人证书》登载事项"), page.index("资产损益情况")
    assert cert < page.index('id="fld-address"') < assets < page.index('id="fld-net_assets_end_wan"')
    # Each row says what to write in it (the form's hints), with the year filled in.
    assert 'placeholder="写明本年度办理了哪些变更登记' in page and "2026年度未发生需办理变更登记的事项" in page
    assert 'title="报送日期，须在2027年1月1日至3月31日之间"' in page


def _file(store: Store, code: str, name: str, year: int, submitted: str) -> None:
    fields = clean_fields() | {"credit_code": code, "name": name, "report_year": year,
                               "submitted_on": submitted, "net_assets_end_wan": Decimal(1)}
    record = Record("annual_report", fields, year=year, org=name)
    store.record_filing(Report(Source(f"{code}-{year}.json", f"{code}{year}".ljust(64, "0"), "json"),
                               record, []))


def test_status_board_counts_filed_late_and_missing_by_division(site: Site, tmp_path: Path) -> None:
    with Store.open(site.store) as store:
        _file(store, MILUO, "汨罗市社会救助服务中心", 2025, "2026-03-04")
        _file(store, "12430681MB0000001X", "汨罗市甲中心", 2025, "2026-05-10")
        _file(store, "12430681MB0000002X", "汨罗市乙中心", 2024, "2025-03-01")
        _file(store, "12610329MB0000003X", "麟游县丙中心", 2024, "2025-03-01")
    site.login("county")
    page = site.client.get("/status?year=2025").text
    assert "66.7%" in page and "逾期报送" in page and "未报" in page and "麟游" not in page
    book = load_workbook(io.BytesIO(site.client.get("/status.xlsx?year=2025").content))
    rates = list(book["年报率"].iter_rows(values_only=True))
    assert rates[1][:6] == ("430681", "湖南省岳阳市汨罗市", 3, 1, 1, 1)

    from nianbao.cli.main import main

    out = tmp_path / "status.xlsx"
    try:
        main(["status", "--year", "2025", "--store", site.store, "-o", str(out)])
    except SystemExit as exc:
        assert exc.code == 0
    assert out.exists()
    assert load_workbook(out)["年报率"].max_row == 3  # two divisions without --region


def test_a_document_uploaded_from_the_inbox_page_is_checked_and_stored(site: Site) -> None:
    site.login("clerk")
    csrf = site.csrf()
    r = site.client.post("/upload", data={"csrf": csrf}, follow_redirects=False,
                         files={"file": ("miluo.docx", SEED_000.with_suffix(".docx").read_bytes())})
    assert r.status_code == 303 and r.headers["location"].startswith("/filings/")
    page = site.client.get(r.headers["location"]).text
    assert "miluo.docx" in page and "report.signer-mismatch" in page
    refused = site.client.post("/upload", data={"csrf": csrf},
                               files={"file": ("x.pdf", b"not a pdf")})
    assert refused.status_code == 415
    no_csrf = site.client.post("/upload", files={"file": ("x.txt", b"text")})
    assert no_csrf.status_code == 403
    too_big = site.client.post("/upload", data={"csrf": csrf},
                               files={"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * 700_000)})
    assert too_big.status_code == 413
