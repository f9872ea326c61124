"""A PDF whose text layer is garbage (fonts without a ToUnicode map) is detected, not accepted."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from nianbao.errors import NeedsOCR
from nianbao.extract import read, text_layer

ROOT = Path(__file__).resolve().parents[2]
PROSE = ROOT / "tests" / "fixtures" / "readers" / "three-pages-of-prose.pdf"
REPORT = ROOT / "examples" / "annual_report" / "000_miluo_2025.pdf"


def without_tounicode(source: Path, target: Path) -> Path:
    """The same PDF with its fonts' ToUnicode maps unhooked (same length: offsets stay valid)."""
    data = source.read_bytes()
    assert b"/ToUnicode" in data
    target.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))
    return target


def verdicts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [page.verdict for page in text_layer.survey(pdf)]
    finally:
        pdf.close()


def test_fonts_without_tounicode_make_every_page_garbage(tmp_path: Path) -> None:
    broken = without_tounicode(REPORT, tmp_path / "no-tounicode.pdf")

    assert verdicts(broken) == ["unmapped"] * 5


def test_real_text_layers_are_usable() -> None:
    assert verdicts(REPORT) == [""] * 5
    assert verdicts(PROSE) == [""] * 3


def test_with_ocr_never_a_garbage_text_layer_is_refused_with_the_reason(tmp_path: Path) -> None:
    broken = without_tounicode(PROSE, tmp_path / "no-tounicode.pdf")

    with pytest.raises(NeedsOCR) as caught:
        read(broken, ocr="never")

    assert "ToUnicode" in caught.value.message_zh and "乱码" in caught.value.message_zh
    assert "garbage" in caught.value.message_en and "--ocr never" in caught.value.message_en
    assert "\n" not in caught.value.message_en


def test_private_use_and_control_characters_are_implausible_text() -> None:
    page = text_layer.PageText(1, chars=100, unmapped=0, private=30, control=0, chinese=70,
                               symbols=0, images=0)
    assert page.verdict == "private-use"
    controls = text_layer.PageText(1, 100, 0, 0, 15, 40, 10, 0)
    assert controls.verdict == "implausible"
    symbols = text_layer.PageText(1, 100, 0, 0, 0, 2, 60, 0)
    assert symbols.verdict == "implausible"
    english = text_layer.PageText(1, 100, 0, 0, 0, 0, 8, 0)
    assert english.verdict == ""


def test_a_page_without_text_is_a_scan_only_if_it_shows_an_image() -> None:
    assert text_layer.PageText(1, 0, 0, 0, 0, 0, 0, images=1).scanned
    assert not text_layer.PageText(1, 0, 0, 0, 0, 0, 0, images=0).scanned


@pytest.mark.parametrize("name", ["report", "prose", "no-tounicode", "scanned", "statistics"])
def test_the_reader_counts_each_text_layer_as_the_survey_does(name: str, tmp_path: Path) -> None:
    """The PDF reader counts the text layer while it reads (the OCR planner uses its counts
    instead of loading every page again): the counts are those of `text_layer.survey`."""
    from nianbao.extract.pdf_reader import read_surveyed
    from nianbao.model import Source

    path = {
        "report": REPORT,
        "prose": PROSE,
        "no-tounicode": without_tounicode(REPORT, tmp_path / "no-tounicode.pdf"),
        "scanned": ROOT / "tests" / "fixtures" / "scans" / "opinion-blocks-stamped.pdf",
        "statistics": ROOT / "tests" / "fixtures" / "statistics" / "form_clean.pdf",
    }[name]
    pdf = pdfium.PdfDocument(path)
    try:
        surveyed = text_layer.survey(pdf)
    finally:
        pdf.close()
    try:
        _, counted = read_surveyed(path, Source(str(path), "", "pdf"))
    except NeedsOCR:
        assert all(page.chars == 0 for page in surveyed)
        return
    assert counted == surveyed


def _counted_one_by_one(text: str) -> tuple[int, int, int, int, int]:
    """What `count_text` counts, by its definition, one character at a time."""
    import unicodedata

    chars = private = control = chinese = symbols = 0
    for char in text:
        if char.isspace():
            continue
        chars += 1
        code, category = ord(char), unicodedata.category(char)
        if category == "Co" or code == 0xFFFD:
            private += 1
        elif category == "Cc":
            control += 1
        elif 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000:
            chinese += 1
        elif category[0] in "PS" and code < 0x3000:
            symbols += 1
    return chars, private, control, chinese, symbols


def test_count_text_counts_every_code_point_as_its_definition_says() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    chars, unmapped, private, control, chinese, symbols = text_layer.count_text(None, every, 0)

    assert (chars, private, control, chinese, symbols) == _counted_one_by_one(every)
    assert unmapped == 0  # nothing asked of PDFium without a count
