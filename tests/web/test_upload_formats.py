"""Uploads in every format `nianbao check` reads: a statistics workbook (.xlsx, old .xls), a CSV,
an HTML table, a scanned page as an image (read by OCR in the app's check worker), read by their
bytes like the command line reads them, with the same kind and findings; an old binary .doc
refused with the command line's advice; the filer's file name shown, never the worker's."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from nianbao.extract import FORMATS
from nianbao.pipeline import check
from nianbao.store import Store
from nianbao.store.accounts import new_token
from nianbao.web.checking import CheckPool, CheckResult, Scope, Task, UploadTask
from tests.fixtures.statistics.make_other_formats import csv_copy, html_copy
from tests.web.conftest import MILUO, ROOT, SEED_000, Site

STATISTICS = ROOT / "tests" / "fixtures" / "statistics"
PLANTED = STATISTICS / "form_planted.xlsx"  # 民政统计 form with two planted errors
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def admin(site: Site) -> dict[str, str]:
    """A bearer token for the admin (a statistics table names a bureau, not a credit code)."""
    if "boss" not in site.tokens:
        with Store.open(site.store) as store:
            site.tokens["boss"] = new_token(store, "boss")
    return {"Authorization": f"Bearer {site.tokens['boss']}"}


def post(site: Site, headers: dict[str, str], name: str, data: bytes) -> Any:
    return site.client.post("/api/check", headers=headers, files={"file": (name, data)})


def rows(body: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((f["rule"], f["severity"], f["message_zh"], f.get("evidence") or "")
                  for f in body["findings"])


def same_as_the_cli(body: dict[str, Any], path: Path) -> None:
    """What the web app answered is what `nianbao check` says about the same file."""
    cli = json.loads(json.dumps(check(path).to_dict(), default=str))
    assert body["kind"] == cli["kind"]
    assert body["record"] == cli["record"]
    assert rows(body) == rows(cli)
    assert body["source"]["format"] == cli["source"]["format"]
    assert body["source"]["sha256"] == cli["source"]["sha256"]  # of the bytes the filer sent
    assert body["source"]["path"] == path.name  # the filer's file name, not a scratch path
    assert "nianbao-web-" not in json.dumps(body, ensure_ascii=False)


def upload_and_compare(site: Site, path: Path, fmt: str) -> dict[str, Any]:
    r = post(site, admin(site), path.name, path.read_bytes())
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert body["source"]["format"] == fmt
    same_as_the_cli(body, path)
    return body


def table_copy(tmp_path: Path, shape: str) -> tuple[Path, str]:
    if shape == "xlsx":
        return PLANTED, "xlsx"
    if shape == "xls":
        return STATISTICS / "xls" / "form_planted.xls", "xls"
    if shape == "csv":
        return csv_copy(PLANTED, tmp_path / "民政统计.csv"), "csv"
    if shape == "html":
        return html_copy(PLANTED, tmp_path / "民政统计.html"), "html"
    # an HTML table exported from a web system and saved as .xls: read as the web page it is
    return html_copy(PLANTED, tmp_path / "民政统计导出.xls"), "html"


@pytest.mark.parametrize("shape", ["xlsx", "xls", "csv", "html", "html-named-xls"])
def test_a_statistics_table_in_any_shape_is_checked_as_the_cli_checks_it(
        site: Site, tmp_path: Path, shape: str) -> None:
    path, fmt = table_copy(tmp_path, shape)
    body = upload_and_compare(site, path, fmt)
    assert body["kind"] == "statistics_report"
    assert {"table.change-rate", "table.part-sum"} <= {f["rule"] for f in body["findings"]}


def test_the_filing_page_names_the_uploaded_workbook(site: Site) -> None:
    site.login("boss")
    r = site.client.post("/upload", data={"csrf": site.csrf()}, follow_redirects=False,
                         files={"file": ("民政统计2025.xlsx", PLANTED.read_bytes())})
    assert r.status_code == 303, r.text
    page = site.client.get(r.headers["location"]).text
    assert "民政统计2025.xlsx" in page and "table.part-sum" in page
    assert "upload.xlsx" not in page and "nianbao-web-" not in page


def scanned_cover() -> bytes:
    """The cover page of the seed report as a 150 dpi grey scan (name and credit code on it)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(SEED_000.with_suffix(".pdf"))
    try:
        image = pdf[0].render(scale=150 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


def test_a_scanned_page_is_read_by_ocr_in_the_worker_as_the_cli_reads_it(
        site: Site, tmp_path: Path) -> None:
    path = tmp_path / "年报封面扫描.png"
    path.write_bytes(scanned_cover())
    r = post(site, {"Authorization": f"Bearer {site.tokens['clerk']}"}, path.name,
             path.read_bytes())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"]["format"] == "image" and body["record"]["credit_code"] == MILUO
    same_as_the_cli(body, path)

    # the reviewer sees the scan itself, the selected finding's evidence boxed on it
    site.login("county")
    filing = f"/filings/{body['filing_id']}"
    boxed = next((f for f in body["findings"] if f.get("evidence") and f["severity"] == "error"),
                 None)
    assert boxed is not None
    key = site.client.get(filing).text.split(f"<code>{boxed['rule']}</code>")[0] \
        .rsplit('id="f-', 1)[1].split('"')[0]
    page = site.client.get(f"{filing}?f={key}").text
    assert f'href="{filing}/page/1.png"' in page and '<rect class="evidence"' in page
    assert "年报封面扫描.png" in page
    width, height = (float(v) for v in page.split('viewBox="0 0 ')[1].split('"')[0].split())
    assert 590 < width < 600 and 835 < height < 845  # A4 in points, from the scan's 150 dpi
    image = site.client.get(f"{filing}/page/1.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert site.client.get(f"{filing}/page/2.png").status_code == 404


def test_an_old_binary_word_file_is_refused_with_the_clis_advice(site: Site) -> None:
    for name in ("年度报告.doc", "年度报告.wps"):
        r = post(site, admin(site), name, OLE + bytes(2048))
        assert r.status_code == 415, r.text
        body = r.json()
        assert body["error"] == "old-word-format"
        assert "另存为 .docx 或 PDF" in body["message_zh"] and name in body["message_zh"]
        assert "save it as .docx or PDF" in body["message_en"]
        assert "\n" not in body["message_zh"] and "upload" not in body["message_en"]


def test_a_docx_or_rtf_named_doc_is_read_by_its_content(site: Site) -> None:
    r = post(site, {"Authorization": f"Bearer {site.tokens['clerk']}"}, "年度报告.doc",
             SEED_000.with_suffix(".docx").read_bytes())
    assert r.status_code == 200, r.text
    assert r.json()["source"]["format"] == "docx"


def test_a_type_no_reader_knows_is_refused_naming_what_is_accepted(site: Site) -> None:
    r = post(site, admin(site), "报告.zip", b"PK\x03\x04 whatever")
    assert r.status_code == 415
    body = r.json()
    assert body["message_zh"].startswith("不支持的文件类型.zip：报告.zip")
    assert ".xlsx" in body["message_zh"] and ".png" in body["message_zh"]
    assert "accepted" in body["message_en"] and "\n" not in body["message_zh"]


def test_a_binary_format_whose_bytes_are_something_else_is_415(site: Site) -> None:
    for name in ("scan.png", "table.xlsx", "report.pdf"):
        r = post(site, admin(site), name, "这只是一段文字".encode())
        assert r.status_code == 415, (name, r.text)
        assert name in r.json()["message_zh"]


def test_the_upload_forms_offer_every_format_the_cli_reads(site: Site) -> None:
    site.login("clerk")
    page = site.client.get("/inbox").text
    accept = page.split('name="file" accept="')[1].split('"')[0].split(",")
    assert set(accept) == set(FORMATS)
    assert "Excel .xlsx/.xls" in page and "扫描图片" in page


class Recording(CheckPool):
    """A pool that notes the time limit each task was given."""

    def __init__(self, size: int, timeout: float) -> None:
        super().__init__(size, timeout)
        self.limits: list[tuple[str, float]] = []

    def _ask(self, worker: Any, task: Task, limit: float) -> CheckResult:  # type: ignore[override]
        self.limits.append((type(task).__name__, limit))
        return CheckPool._ask(worker, task, limit)


def test_the_time_limit_grows_with_the_pages_ocr_may_read(site: Site) -> None:
    from nianbao.batch.task import OCR_SECONDS_PER_PAGE

    pool = Recording(1, 60)
    scope = Scope(None, "boss", "admin", None, None)
    try:
        pdf = pool.run(UploadTask(site.store, scope, "年报.txt", ".txt",
                                  SEED_000.with_suffix(".pdf").read_bytes()))  # a PDF named .txt
        xlsx = pool.run(UploadTask(site.store, scope, "统计.xlsx", ".xlsx", PLANTED.read_bytes()))
    finally:
        pool.close()
    assert pdf.report is not None and pdf.report.source.format == "pdf"
    assert xlsx.report is not None and xlsx.report.source.format == "xlsx"
    assert pool.limits == [("InspectTask", 60), ("UploadTask", 60 + 5 * OCR_SECONDS_PER_PAGE),
                           ("InspectTask", 60), ("UploadTask", 60)]



def test_a_file_name_cannot_pass_for_another(site: Site) -> None:
    # U+202E turns what follows around on screen: "年报\u202Excod.txt" would read as "年报txt.docx"
    r = post(site, {"Authorization": f"Bearer {site.tokens['clerk']}"}, "年报\u202excod.txt",
             SEED_000.with_suffix(".txt").read_bytes())
    assert r.status_code == 200, r.text
    assert r.json()["source"]["path"] == "年报<U+202E>xcod.txt"


def zip_bomb() -> bytes:
    """An .xlsx whose one sheet inflates to 300 MB (a few hundred KB on the wire)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(300):
                sheet.write(b" " * (1 << 20))
    return buffer.getvalue()


def png_bomb() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(buffer, "PNG")  # 144 million pixels
    return buffer.getvalue()


HOSTILE = [
    ("炸弹.xlsx", zip_bomb),
    ("炸弹.png", png_bomb),
    ("截断.jpg", lambda: b"\xff\xd8\xff\xe0" + bytes(300)),
    ("坏表.xls", lambda: OLE + b"\x00" * 600),
    ("乱码.html", lambda: b"<html><body>" + bytes(range(256)) * 8),
    ("乱码.csv", lambda: bytes(range(256)) * 8),
    ("乱码.rtf", lambda: b"{\\rtf1" + b"{" * 5000),
    ("乱码.mht", lambda: b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n"),
]


@pytest.mark.parametrize(("name", "make"), HOSTILE, ids=[n for n, _ in HOSTILE])
def test_a_hostile_file_in_any_format_is_one_clear_refusal(
        tmp_path: Path, name: str, make: Any) -> None:
    from nianbao.web.checking import InspectTask, run_task
    from nianbao.web.uploads import suffix_of
    from tests.web.conftest import make_store

    url, _ = make_store(tmp_path)
    data = make()
    assert len(data) < 600_000  # under the test site's upload limit: the readers refuse it
    scope = Scope(None, "boss", "admin", None, None)
    work = tmp_path / "work"
    work.mkdir()
    seen = run_task(InspectTask(name, suffix_of(name), data), work)
    result = seen if seen.status != 200 else run_task(
        UploadTask(url, scope, name, suffix_of(name), data), work)
    assert result.status in (415, 422), (result.status, result.message_en)
    assert result.filing_id is None
    assert "\n" not in result.message_zh and str(work) not in result.message_zh + result.message_en
    if result.error_code != "no-institution":  # read as text, but it names no institution
        assert name in result.message_zh and name in result.message_en, result.message_zh
        assert "upload" not in result.message_zh + result.message_en
    assert list(work.iterdir()) == []  # nothing left behind in the worker's folder


def test_a_work_summary_saved_as_a_web_page_fills_the_activities(site: Site) -> None:
    import html

    from tests.web.test_pages import api_upload

    api_upload(site)
    site.login("clerk")
    csrf = site.csrf()
    site.client.post("/report/start", data={"csrf": csrf, "year": "2026"})
    page = site.client.get("/report?year=2026").text
    assert page.split('name="file" accept="')[1].split('"')[0] == ",".join(sorted(FORMATS))
    text = (ROOT / "examples" / "work_summary" / "001_zhanhe_2025.txt").read_text(encoding="utf-8")
    web_page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>"
                                        for line in text.splitlines()) + "</body></html>"
    r = site.client.post("/report/summary", data={"csrf": csrf, "year": "2026"},
                         files={"file": ("工作总结.doc", web_page.encode("utf-8"))})
    assert r.status_code == 200
    assert "低保" in r.text.split('id="fld-activities"')[1].split("</textarea>")[0]
    refused = site.client.post("/report/summary", data={"csrf": csrf, "year": "2026"},
                               files={"file": ("工作总结.doc", OLE + bytes(2048))})
    assert refused.status_code == 415 and "另存为 .docx 或 PDF" in refused.text
