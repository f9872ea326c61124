"""A batch over an inbox mixing text PDFs and scans: the scans are read, their pages counted."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from nianbao.batch import BatchSummary, run_batch
from nianbao.batch.task import OCR_SECONDS_PER_PAGE, page_count, time_limit
from tests.conftest import EXAMPLES, ROOT

STAMPED = ROOT / "tests" / "fixtures" / "scans" / "opinion-blocks-stamped.pdf"


def png_of_part_of_a_scan() -> bytes:
    """A strip of the stamped scan (three rows of the form) as a PNG: quick to recognise."""
    pdf = pdfium.PdfDocument(STAMPED)
    image = pdf[0].render(scale=150 / 72).to_pil().convert("RGB")
    pdf.close()
    strip = image.crop((0, int(image.height * 0.36), image.width, int(image.height * 0.5)))
    buffer = io.BytesIO()
    strip.save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchSummary, Path]:
    inbox = tmp_path_factory.mktemp("mixed")
    shutil.copy(EXAMPLES / "000_miluo_2025.pdf", inbox / "typed.pdf")
    (inbox / "scanned-part.png").write_bytes(png_of_part_of_a_scan())
    out = tmp_path_factory.mktemp("out")
    return run_batch(inbox, out, workers=1), out


def test_the_summary_line_counts_the_pages_read_by_ocr(
        done: tuple[BatchSummary, Path]) -> None:
    summary, _ = done
    assert summary.checked == 2 and summary.failed == 0
    assert summary.ocr_pages == 1
    assert "OCR 识别 1 页" in summary.line("zh")
    assert "1 pages read by OCR" in summary.line("en")


def test_the_html_report_shows_the_ocr_pages(done: tuple[BatchSummary, Path]) -> None:
    _, out = done
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "pages read by OCR" in html
    data = html.split('type="application/json"', 1)[1].split(">", 1)[1].split("</script>")[0]
    filings = {f["p"]: f for f in json.loads(data)["filings"]}
    assert filings["scanned-part.png"]["ocr"] == 1
    assert filings["typed.pdf"]["ocr"] == 0


def test_the_time_limit_grows_with_the_pages_ocr_may_read(tmp_path: Path) -> None:
    five = EXAMPLES / "000_miluo_2025.pdf"
    assert page_count(five) == 5
    assert time_limit(five, 60, "auto") == 60 + 5 * OCR_SECONDS_PER_PAGE
    assert time_limit(five, 60, "never") == 60
    text = EXAMPLES / "000_miluo_2025.txt"
    assert time_limit(text, 60, "auto") == 60
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing")
    assert time_limit(broken, 60, "auto") == 60
    misnamed = tmp_path / "scan.txt"  # counted as the reader reads it: by its content
    misnamed.write_bytes(five.read_bytes())
    assert page_count(misnamed) == 5
