"""Word's altChunk (embedded HTML, MHT, RTF, text or DOCX) is read in place, or refused by name.

Before, its content was dropped silently: a report whose 开展业务活动情况 was pasted in as HTML
was checked as if that section were empty. The files are built here with python-docx.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from nianbao.errors import UnreadableInput
from nianbao.extract import read
from nianbao.extract.docx_altchunk import rtf_text

AF_CHUNK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

HTML = ("<html><head><style>p {color: red}</style><script>alert(1)</script></head><body>"
        "<h2>开展业务活动情况</h2><p>全年保障城乡低保对象<b>6800</b>户14293人。</p>"
        "<table><tr><th>项目</th><th>户数</th></tr><tr><td>城市低保</td><td>832</td></tr></table>"
        "<p>发放资金<br>498.08万元。</p></body></html>")
RTF = (rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0 SimSun;}}{\*\generator Word;}\f0 "
       rb"\'c8\'ab\'c4\'ea\'b1\'a3\'d5\'cf 120\'bb\'a7\par "
       rb"\uc1\u20020?\u31561? done\par}")
DOCX_PACKAGE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def with_chunks(path: Path, *chunks: tuple[str, str, bytes]) -> Path:
    """A DOCX with a paragraph, then one altChunk per (part name, content type, bytes)."""
    document = docx.Document()
    document.add_paragraph("单位名称 汨罗市社会救助服务中心")
    body = document.element.body
    for name, content_type, blob in chunks:
        part = Part(PackURI(f"/word/{name}"), content_type, blob, document.part.package)
        rid = document.part.relate_to(part, AF_CHUNK)
        body.sectPr.addprevious(parse_xml(f'<w:altChunk xmlns:w="{W}" xmlns:r="{R}" r:id="{rid}"/>'))
    document.add_paragraph("报送日期 2026年3月4日")
    document.save(str(path))
    return path


def inner_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("嵌入的文档：特困人员402人。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "集中供养", "227"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_html_chunk_is_read_in_place_with_its_table(tmp_path: Path) -> None:
    doc = read(with_chunks(tmp_path / "html.docx", ("afchunk.htm", "text/html", HTML.encode())))
    texts = [b.text for b in doc.blocks]

    assert texts == ["单位名称 汨罗市社会救助服务中心", "开展业务活动情况",
                     "全年保障城乡低保对象6800户14293人。", "项目\t户数", "城市低保\t832",
                     "发放资金", "498.08万元。", "报送日期 2026年3月4日"]
    assert doc.blocks[4].kind == "row" and doc.blocks[4].cells == ("城市低保", "832")
    assert "alert" not in doc.text and "color" not in doc.text


def test_rtf_text_mht_and_docx_chunks(tmp_path: Path) -> None:
    mht = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
           b"--b\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\n"
           + "<html><body><p>网页存档：临时救助18210人次。</p></body></html>".encode()
           + b"\r\n--b--\r\n")
    doc = read(with_chunks(tmp_path / "all.docx",
                           ("afchunk.rtf", "application/rtf", RTF),
                           ("afchunk.txt", "text/plain", "纯文本：边缘家庭541人。\n".encode()),
                           ("afchunk.mht", "message/rfc822", mht),
                           ("afchunk.docx", DOCX_PACKAGE, inner_docx())))
    text = doc.text

    assert "全年保障 120户" in text and "临等 done" in text
    assert "纯文本：边缘家庭541人。" in text
    assert "网页存档：临时救助18210人次。" in text
    assert "嵌入的文档：特困人员402人。" in text
    assert ("集中供养", "227") in [b.cells for b in doc.blocks]
    assert "SimSun" not in text and "Word;" not in text


def test_an_unknown_chunk_type_is_refused_by_name(tmp_path: Path) -> None:
    path = with_chunks(tmp_path / "odd.docx", ("afchunk.bin", "application/x-odd", b"\x00\x01"))
    with pytest.raises(UnreadableInput) as caught:
        read(path)

    assert "altChunk of type application/x-odd" in caught.value.message_en
    assert "odd.docx" in caught.value.message_en


def test_rtf_stripper_keeps_escaped_braces_and_drops_destinations() -> None:
    assert rtf_text(rb"{\rtf1{\*\bkmkstart x}a\{b\}c\tab d\par}") == "a{b}c\td\n"
