"""Scans and page images read by OCR give the rows, cells and lines a text PDF gives.

The fixtures are made by tests/fixtures/scans/make_scans.py from the bundled 000 report: its
signature page printed, stamped with red seals, signed in blue-black ink, turned by a degree or
two, blurred, greyed and saved as a 150 dpi JPEG inside a PDF with no text layer. The full
five-page scan (with a page turned by 90°) is built at test time for the slow test.
"""

from __future__ import annotations

import io
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from nianbao.checks import Registry
from nianbao.errors import NeedsOCR
from nianbao.extract import read
from nianbao.model import Document
from nianbao.pipeline import check, check_path

ROOT = Path(__file__).resolve().parents[2]
SCANS = ROOT / "tests" / "fixtures" / "scans"
STAMPED = SCANS / "opinion-blocks-stamped.pdf"
UNSTAMPED = SCANS / "opinion-blocks-sponsor-unstamped.pdf"
NONE_ROWS = [("相关资质认可或执业许可证证明文件的有效期", "无"), ("诉讼和受罚情况及诉讼投诉情况", "无"),
             ("接受捐赠资助及其使用情况", "无")]


@pytest.fixture(scope="module")
def stamped() -> Document:
    return read(STAMPED)


def rows(document: Document) -> list[tuple[str, ...]]:
    return [b.cells for b in document.blocks if b.kind == "row"]


def test_a_scanned_form_comes_back_as_its_table_rows(stamped: Document) -> None:
    got = rows(stamped)

    for row in NONE_ROWS:
        assert row in got
    labels = [cells[0] for cells in got]
    assert "事业单位委托意见" in labels
    assert any(label.startswith("举办单位意见") for label in labels)
    assert stamped.ocr is not None and stamped.ocr.reason == "no-text-layer"
    assert stamped.ocr.pages == (1,)


def test_the_lines_below_the_table_are_read_in_order(stamped: Document) -> None:
    lines = [b.text for b in stamped.blocks if b.kind == "paragraph"]
    assert lines[-2].startswith("填表人：傅蔚霞")
    assert lines[-1] == "报送日期：2026年3月4日"


def test_every_block_has_its_page_and_a_box_in_points(stamped: Document) -> None:
    for block in stamped.blocks:
        assert block.page == 1 and block.bbox is not None
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= 596 and 0 <= top < bottom <= 842  # A4 in points


def test_the_seal_over_the_text_does_not_hide_it(stamped: Document) -> None:
    sponsor = next(b for b in stamped.blocks if b.kind == "row" and "举办单位意见" in b.cells[0])
    assert "2026年3月4日" in sponsor.cells[-1]
    assert "情况属实" in sponsor.cells[-1]


def test_seals_and_signature_are_found_on_the_stamped_scan(stamped: Document,
                                                          registry: Registry) -> None:
    report = check(stamped, registry=registry, kind="annual_report")
    assert stamped.ocr is not None and len(stamped.ocr.seals) == 2
    assert not {"report.seal-missing", "report.signature-missing"} & set(report.flatten()[0])
    assert [f.rule for f in report.findings if f.rule.startswith("report.s")] == []


def test_an_unstamped_sponsor_block_is_reported(registry: Registry) -> None:
    report = check(read(UNSTAMPED), registry=registry, kind="annual_report")

    missing = [f for f in report.findings if f.rule == "report.seal-missing"]
    assert [f.params["block"] for f in missing] == ["sponsor"]


def page_image(turn: int = 0, fmt: str = "PNG") -> bytes:
    """The top third of the stamped scan as an image file (turned clockwise by `turn`)."""
    pdf = pdfium.PdfDocument(STAMPED)
    image = pdf[0].render(scale=150 / 72).to_pil().convert("RGB")
    pdf.close()
    part = image.crop((0, int(image.height * 0.32), image.width, int(image.height * 0.56)))
    if turn:
        part = part.rotate(-turn, expand=True)
    buffer = io.BytesIO()
    part.save(buffer, fmt, dpi=(150, 150))
    return buffer.getvalue()


@pytest.mark.parametrize(("turn", "suffix", "fmt"), [(0, ".png", "PNG"), (90, ".jpg", "JPEG"),
                                                      (180, ".tif", "TIFF")])
def test_an_image_is_read_whichever_way_up(tmp_path: Path, turn: int, suffix: str,
                                           fmt: str) -> None:
    path = tmp_path / f"part{suffix}"
    path.write_bytes(page_image(turn, fmt))

    document = read(path)

    assert document.ocr is not None and document.ocr.reason == "image"
    assert NONE_ROWS[2] in rows(document)


def test_ocr_never_refuses_a_scan_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(NeedsOCR):
        read(STAMPED, ocr="never")
    done = subprocess.run([sys.executable, "-m", "nianbao", "check", "--ocr", "never",
                           str(STAMPED)], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1


def test_a_garbage_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    wrapped = ROOT / "tests" / "fixtures" / "readers" / "wrapped-cells.pdf"
    broken = tmp_path / "no-tounicode.pdf"
    broken.write_bytes(wrapped.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    typed = read(wrapped)

    document = read(broken)

    assert document.ocr is not None and document.ocr.reason == "garbage-text-layer"
    typed_rows = [b.cells for b in typed.blocks if b.kind == "row"]
    assert typed_rows[0] in rows(document)


@pytest.mark.slow
def test_a_scanned_annual_report_gives_the_record_of_its_text_version(tmp_path: Path) -> None:
    sys.path.insert(0, str(SCANS))
    from make_scans import build

    scan = build(tmp_path, ("000_miluo_2025-scan",))["000_miluo_2025-scan"]
    text = check_path(ROOT / "examples" / "annual_report" / "000_miluo_2025.pdf").record.fields

    fields = check_path(scan).record.fields

    def plain(value: object) -> str:  # a scan cannot tell "," from "，": fold the width
        return "".join(unicodedata.normalize("NFKC", str(value)).split())

    same = [k for k in text if plain(text[k]) == plain(fields.get(k))]
    # Measured 21 of 24 (docs/ocr.md): the two opinion blocks lie under the seal and the
    # signature, and the narrative has two traditional characters the model does not know.
    assert len(same) / len(text) >= 0.85, sorted(set(text) - set(same))
    for key in ("credit_code", "name", "net_assets_begin_wan", "net_assets_end_wan",
                "staff_count", "registered_capital_wan", "legal_representative", "sponsor"):
        assert fields[key] == text[key], key
