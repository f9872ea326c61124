"""Bad input gets one clear UnreadableInput (or NeedsOCR), never another exception, never a hang.

The hostile files are made here, in a temporary folder, from a few bytes of recipe: random bytes,
cut-off files, zip bombs, a DTD with an external entity, a 2,000-page PDF, a page with 150,000
characters. Where the point is that a file is refused *before* the expensive parser opens it, the
parser is replaced by one that fails the test if it is called.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import NeedsOCR, NianbaoError, UnreadableInput
from nianbao.extract import docx_reader, pdf_reader
from nianbao.extract.limits import DEFAULT_LIMITS, Limits
from nianbao.model import Document, Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"
GOOD_DOCX = FIXTURES / "merged-cells-between-paragraphs.docx"
GOOD_PDF = FIXTURES / "merged-cells-between-paragraphs.pdf"

Reader = Callable[..., Document]
READERS: dict[str, Reader] = {".pdf": pdf_reader.read, ".docx": docx_reader.read}


def read(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    return READERS[path.suffix](path, Source(str(path), "0" * 64, path.suffix[1:]), limits)


def refused(path: Path, limits: Limits = DEFAULT_LIMITS) -> UnreadableInput:
    """Read `path`, expecting an UnreadableInput that is not NeedsOCR, with both messages."""
    with pytest.raises(UnreadableInput) as caught:
        read(path, limits)
    error = caught.value
    assert not isinstance(error, NeedsOCR)
    assert error.message_zh and error.message_en
    assert "\n" not in error.message_zh + error.message_en
    return error


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def never_called(*args: object, **kwargs: object) -> None:
    # pytest.fail raises a BaseException, which the readers' "damaged file" handlers do not catch.
    pytest.fail("the file should have been refused before this parser was called")


# --- any file -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_random_bytes_are_refused(tmp_path: Path, suffix: str) -> None:
    error = refused(write(tmp_path / f"random{suffix}", os.urandom(4096)))

    assert ("PDF" if suffix == ".pdf" else "DOCX") in error.message_en


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_empty_missing_and_folder_paths_are_refused(tmp_path: Path, suffix: str) -> None:
    assert "empty" in refused(write(tmp_path / f"empty{suffix}", b"")).message_en
    assert "cannot open" in refused(tmp_path / f"missing{suffix}").message_en
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    assert "not a file" in refused(folder).message_en


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, suffix: str) -> None:
    good = GOOD_PDF if suffix == ".pdf" else GOOD_DOCX
    path = write(tmp_path / f"big{suffix}", good.read_bytes())

    error = refused(path, Limits(max_file_bytes=1000))

    assert "Limits.max_file_bytes" in error.message_en


# --- PDF ----------------------------------------------------------------------------------------


def minimal_pdf(content: bytes, pages: int = 1) -> bytes:
    """A valid PDF whose every page draws `content` with Helvetica as /F1."""
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects += [page] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_the_minimal_pdf_recipe_reads(tmp_path: Path) -> None:
    # The hostile PDFs below are refused for what they hold, not because the recipe is broken.
    path = write(tmp_path / "hello.pdf", minimal_pdf(b"BT /F1 12 Tf 72 720 Td (Hello world) Tj ET"))

    assert [b.text for b in read(path).blocks] == ["Hello world"]


def test_a_cut_off_pdf_is_refused_as_incomplete(tmp_path: Path) -> None:
    data = GOOD_PDF.read_bytes()
    error = refused(write(tmp_path / "cut.pdf", data[: len(data) // 2]))

    assert "incomplete" in error.message_en and "不完整" in error.message_zh


def test_a_pdf_with_a_broken_body_is_refused(tmp_path: Path) -> None:
    data = bytearray(GOOD_PDF.read_bytes())
    data[200:-200] = b"\0" * (len(data) - 400)  # header and trailer intact, everything else gone

    refused(write(tmp_path / "zeroed.pdf", bytes(data)))


def test_2000_pages_are_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = b"BT /F1 12 Tf 72 720 Td (Page) Tj ET"
    path = write(tmp_path / "long.pdf", minimal_pdf(content, pages=2000))
    monkeypatch.setattr("pdfplumber.open", never_called)

    error = refused(path)

    assert "2,000" in error.message_en and "500" in error.message_en
    assert "Limits.max_pages" in error.message_en and "Limits.max_pages" in error.message_zh


def test_a_page_with_150000_characters_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = b"BT /F1 1 Tf 10 10 Td " + b"(AAAAAAAAAA) Tj " * 15_000 + b"ET"
    path = write(tmp_path / "dense.pdf", minimal_pdf(content))
    monkeypatch.setattr("pdfplumber.open", never_called)

    error = refused(path)

    assert "page 1" in error.message_en and "Limits.max_chars_per_page" in error.message_en


def test_150000_characters_in_one_string_are_refused_while_parsing(tmp_path: Path) -> None:
    # PDFium reads only the first 32,767 characters of a string, so this page passes its count;
    # pdfplumber's parse of the page stops at the limit instead of building 150,000 characters.
    content = b"BT /F1 1 Tf 10 10 Td (" + b"A" * 150_000 + b") Tj ET"
    path = write(tmp_path / "one-long-string.pdf", minimal_pdf(content))

    error = refused(path)

    assert "page 1" in error.message_en and "Limits.max_chars_per_page" in error.message_en


def test_a_page_with_120000_drawings_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = b"BT /F1 12 Tf 72 720 Td (Grid) Tj ET\n" + b"0 0 1 1 re f\n" * 120_000
    path = write(tmp_path / "busy.pdf", minimal_pdf(content))
    monkeypatch.setattr("pdfplumber.open", never_called)

    error = refused(path)

    assert "Limits.max_drawings_per_page" in error.message_en


def test_a_page_with_12000_drawings_is_refused_while_parsing(tmp_path: Path) -> None:
    # Under PDFium's coarse count (drawings + characters), over the drawings limit.
    content = b"BT /F1 12 Tf 72 720 Td (Grid) Tj ET\n" + b"0 0 1 1 re f\n" * 12_000
    path = write(tmp_path / "ruled.pdf", minimal_pdf(content))

    error = refused(path)

    assert "page 1" in error.message_en and "Limits.max_drawings_per_page" in error.message_en


def test_a_compressed_stream_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET\n" + b" " * (80 * 1024 * 1024), 1)
    data = minimal_pdf(bomb).replace(b"/Length", b"/Filter /FlateDecode /Length", 1)
    path = write(tmp_path / "bomb.pdf", data)
    assert path.stat().st_size < 1_000_000
    monkeypatch.setattr("pypdfium2.PdfDocument", never_called)

    error = refused(path)

    assert "zip bomb" in error.message_en and "Limits.max_pdf_stream_bytes" in error.message_en


def test_a_compressed_stream_under_the_limit_reads(tmp_path: Path) -> None:
    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Compressed) Tj ET")
    data = minimal_pdf(content).replace(b"/Length", b"/Filter /FlateDecode /Length", 1)

    assert [b.text for b in read(write(tmp_path / "small.pdf", data)).blocks] == ["Compressed"]


def test_a_pdf_of_blank_pages_needs_ocr(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.pdf", minimal_pdf(b"", pages=3))

    with pytest.raises(NeedsOCR):
        read(path)


# --- DOCX ---------------------------------------------------------------------------------------


def rebuilt_docx(path: Path, replace: dict[str, bytes | None]) -> Path:
    """GOOD_DOCX with some members replaced (or removed, for None), written to `path`."""
    with (
        zipfile.ZipFile(GOOD_DOCX) as good,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in good.infolist():
            if info.filename not in replace:
                out.writestr(info.filename, good.read(info))
        for name, data in replace.items():
            if data is not None:
                out.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_before_python_docx_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = b"<w:document>" + b" " * (20 * 1024 * 1024) + b"</w:document>"
    path = rebuilt_docx(tmp_path / "bomb.docx", {"word/document.xml": body})
    assert path.stat().st_size < 100_000
    monkeypatch.setattr("docx.Document", never_called)

    error = refused(path)

    assert "zip bomb" in error.message_en and "压缩炸弹" in error.message_zh


def test_a_docx_expanding_past_the_total_limit_is_refused(tmp_path: Path) -> None:
    noise = os.urandom(400_000)  # incompressible: the ratio rule does not fire, the total does
    path = rebuilt_docx(
        tmp_path / "large.docx", {f"word/media/image{i}.bin": noise for i in range(3)}
    )

    error = refused(path, Limits(max_zip_uncompressed_bytes=1_000_000))

    assert "Limits.max_zip_uncompressed_bytes" in error.message_en


def test_a_docx_with_too_many_members_is_refused(tmp_path: Path) -> None:
    path = rebuilt_docx(
        tmp_path / "crowded.docx", {f"customXml/item{i}.xml": b"<a/>" for i in range(60)}
    )

    error = refused(path, Limits(max_zip_members=50))

    assert "Limits.max_zip_members" in error.message_en


def test_a_cut_off_docx_is_refused_as_a_broken_zip(tmp_path: Path) -> None:
    data = GOOD_DOCX.read_bytes()
    error = refused(write(tmp_path / "cut.docx", data[: len(data) // 2]))

    assert "zip" in error.message_en


def test_a_docx_with_a_corrupted_member_is_refused(tmp_path: Path) -> None:
    data = bytearray(GOOD_DOCX.read_bytes())
    start = data.find(b"word/document.xml") + len("word/document.xml")  # its local header
    data[start + 10 : start + 400] = os.urandom(390)

    refused(write(tmp_path / "corrupt.docx", bytes(data)))


def test_a_docx_without_word_document_xml_is_refused(tmp_path: Path) -> None:
    path = rebuilt_docx(tmp_path / "hollow.docx", {"word/document.xml": None})

    error = refused(path)

    assert "word/document.xml" in error.message_en and "word/document.xml" in error.message_zh


def test_an_old_doc_or_encrypted_docx_says_so(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(1024)

    error = refused(write(tmp_path / "old.docx", ole))

    assert ".doc" in error.message_en and "password" in error.message_en


def test_a_spreadsheet_renamed_to_docx_is_not_a_word_document(tmp_path: Path) -> None:
    with zipfile.ZipFile(GOOD_DOCX) as good:
        types = good.read("[Content_Types].xml")
    wrong = types.replace(b"wordprocessingml.document.main", b"spreadsheetml.sheet.main")
    path = rebuilt_docx(tmp_path / "sheet.docx", {"[Content_Types].xml": wrong})

    error = refused(path)

    assert "not a Word" in error.message_en


XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file://%s">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""


def test_a_docx_with_an_external_entity_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.txt", b"TOP-SECRET-VALUE")
    path = rebuilt_docx(tmp_path / "xxe.docx", {"word/document.xml": XXE % str(secret).encode()})

    error = refused(path)

    assert "DTD" in error.message_en
    assert "TOP-SECRET" not in error.message_en + error.message_zh


def test_python_docx_itself_does_not_resolve_external_entities(tmp_path: Path) -> None:
    # The second lock: even without the DTD check, python-docx's parser leaves entities alone.
    from docx.oxml.parser import parse_xml
    from lxml import etree

    secret = write(tmp_path / "secret.txt", b"TOP-SECRET-VALUE")
    element = parse_xml(XXE % str(secret).encode())

    assert b"TOP-SECRET" not in etree.tostring(element)


def test_a_dtd_in_utf16_is_found_too(tmp_path: Path) -> None:
    xml = XXE.replace(b"UTF-8", b"UTF-16") % b"/etc/hostname"
    path = rebuilt_docx(
        tmp_path / "xxe16.docx", {"word/document.xml": xml.decode().encode("utf-16")}
    )

    assert "DTD" in refused(path).message_en


# --- anything at all ----------------------------------------------------------------------------


def assert_only_project_errors(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / f"fuzz{suffix}", data)
        try:
            read(path)
        except NianbaoError:
            pass


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".pdf", ".docx"]))
def test_arbitrary_bytes_raise_only_project_errors(data: bytes, suffix: str) -> None:
    assert_only_project_errors(suffix, data)


@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_inside_a_pdf_envelope_raise_only_project_errors(data: bytes) -> None:
    assert_only_project_errors(".pdf", b"%PDF-1.4\n" + data + b"\n%%EOF\n")


def _mutated(good: Path) -> st.SearchStrategy[bytes]:
    original = good.read_bytes()

    def mutate(edits: list[tuple[int, int]]) -> bytes:
        data = bytearray(original)
        for position, value in edits:
            data[position % len(data)] = value
        return bytes(data)

    edit = st.tuples(st.integers(min_value=0, max_value=len(original) - 1), st.integers(0, 255))
    return st.lists(edit, min_size=1, max_size=8).map(mutate)


@FUZZ
@given(data=_mutated(GOOD_PDF))
def test_a_damaged_real_pdf_raises_only_project_errors(data: bytes) -> None:
    assert_only_project_errors(".pdf", data)


@FUZZ
@given(data=_mutated(GOOD_DOCX))
def test_a_damaged_real_docx_raises_only_project_errors(data: bytes) -> None:
    assert_only_project_errors(".docx", data)
