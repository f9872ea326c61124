"""Fonts kept between PDFs of one process: the same PDF as WeasyPrint's own fonts give, and
nothing of one form (its glyphs, a fallback face) carried into the next."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pdfplumber
import pytest
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.pdf import stream as pdf_stream

from nianbao.generate import weasy, weasy_fonts
from nianbao.generate.context import build_context
from nianbao.generate.pdf_writer import render_pdf
from tests.generate.records import RECORD

# 況 is not in the Fandol faces: the form falls back to a Noto CJK face for it.
TRADITIONAL = RECORD | {"activities": "一、基本情况\n全市城乡低保对象6800户。\n二、執行情況\n已完成。"}


def pdf(record: dict[str, Any]) -> bytes:
    return render_pdf(build_context(record))


def test_kept_fonts_give_the_same_pdf_as_weasyprints_own() -> None:
    first = pdf(RECORD)  # the kept fonts are in use from the first render on
    assert pdf_stream.Font is weasy_fonts.font
    kept = [pdf(TRADITIONAL), pdf(RECORD)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_stream, "Font", pdf_fonts.Font)
        own = [pdf(TRADITIONAL), pdf(RECORD)]
    assert kept == own
    assert first == own[1]  # the fallback face of the form before did not carry over


def fonts_of(data: bytes) -> set[str]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return {char["fontname"].split("+")[-1] for page in document.pages for char in page.chars}


def test_fallback_face_is_embedded_only_where_used() -> None:
    with_noto, without = fonts_of(pdf(TRADITIONAL)), fonts_of(pdf(RECORD))
    assert any(name.startswith("Noto") for name in with_noto)
    assert not any(name.startswith("Noto") for name in without)
    assert without <= with_noto


def test_a_kept_font_starts_each_document_empty() -> None:
    pdf(RECORD)
    template = next(iter(weasy_fonts._TEMPLATES.values()))
    copy = weasy_fonts.fresh(template)
    assert (copy.widths, copy.to_unicode, copy.missing, copy.used_in_forms) == ({}, {}, {}, False)
    assert copy.file_content is template.file_content  # the face's bytes are shared, not copied



@pytest.mark.parametrize("data", [b"OTTO" + bytes(range(256)) * 64, b"BT /F1 12 Tf ET\n" * 500, b""])
def test_streams_deflate_to_what_a_reader_inflates(data: bytes) -> None:
    """Fonts are deflated with run-length matching only, page streams at level 1: both are
    plain deflate data that every PDF reader inflates."""
    deflater = weasy._Deflate.compressobj(9)
    packed = deflater.compress(data) + deflater.flush() if data else deflater.flush()
    assert zlib.decompress(packed) == data
