"""Word's `altChunk`: content embedded in a DOCX as another format, read as blocks of text.

A `<w:altChunk r:id="…"/>` in the body points at a part that Word converts when it opens the
file: HTML or XHTML, MHT (a web archive), RTF, plain text, or a whole other DOCX. Generators and
mail-merge tools use it to paste a formatted section (often the 开展业务活动情况) into a
template, so its text belongs to the document. Each type is read here into paragraphs and table
rows; a type nianbao cannot read is refused with a clear reason, never dropped in silence.

HTML is parsed by lxml's HTML parser without network access; scripts, styles and comments are
left out. RTF is read by a small stripper (control words dropped, `\\'hh` bytes decoded in the
document's code page, `\\uN` characters kept). An embedded DOCX goes through the same checks
as the outer one, one level deep.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from collections.abc import Callable, Iterator

from lxml import etree
from lxml import html as lxml_html

from nianbao.errors import UnreadableInput

Emit = Callable[[str, tuple[str, ...] | None], None]  # (paragraph text, or row cells)

MAX_DEPTH = 1  # a DOCX inside a chunk is read; a chunk inside that one is refused


def read_chunk(content_type: str, blob: bytes, name: str, emit: Emit,
               read_docx: Callable[[bytes], Iterator[tuple[str, tuple[str, ...] | None]]]
               ) -> None:
    """Emit the text of one embedded part, or raise UnreadableInput naming its type."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml", "text/xml", "application/xml") and (
            b"<html" in blob[:4096].lower() or kind != "text/xml"):
        _html(blob, emit)
    elif kind in ("message/rfc822", "multipart/related"):
        _mht(blob, emit, name)
    elif kind in ("application/rtf", "text/rtf"):
        for line in rtf_text(blob).split("\n"):
            emit(line, None)
    elif kind == "text/plain":
        for line in _decode(blob).split("\n"):
            emit(line, None)
    elif "wordprocessingml" in kind or kind.endswith("macroenabled.main+xml"):
        for text, cells in read_docx(blob):
            emit(text, cells)
    else:
        raise UnreadableInput(
            f"DOCX 中嵌入了无法读取的内容（altChunk，类型 {kind}）：{name}；请在 Word 中打开后另存为"
            " .docx 再试",
            f"the DOCX embeds content nianbao cannot read (altChunk of type {kind}): {name}; "
            "open it in Word and save it again as .docx",
        )


def _decode(blob: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if blob.startswith(bom):
            return blob.decode(codec, errors="replace")
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        return blob.decode("gb18030", errors="replace")


# --- HTML -----------------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "dd", "dt",
           "caption", "section", "article", "header", "footer", "address", "center", "title"}
_SKIP = {"script", "style", "head", "template", "noscript", "object", "iframe"}


def _html(blob: bytes, emit: Emit) -> None:
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                  encoding=_html_encoding(blob))
    try:
        root = lxml_html.fromstring(blob, parser=parser) if blob.strip() else None
    except etree.ParserError:  # nothing but bytes the parser drops: no text
        return
    if root is None:
        return
    line: list[str] = []
    _walk_html(root, emit, line)
    emit("".join(line), None)


def _html_encoding(blob: bytes) -> str | None:
    """The page's encoding: its byte-order mark (Notepad's "Unicode" is UTF-16), else its
    declared charset when Python knows it, else UTF-8 when it decodes, else GB18030."""
    for bom, codec in _HTML_BOMS:
        if blob.startswith(bom):
            return codec
    if blob[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a mark: the page opens with "<"
        return "UTF-16LE" if blob[0] else "UTF-16BE"
    head = blob[:2048].decode("ascii", "ignore")
    found = re.search(r"charset\s*=\s*[\"']?([\w-]+)", head, re.IGNORECASE)
    if found and _known_codec(found.group(1)):
        return found.group(1)
    try:
        blob.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


_HTML_BOMS = ((b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE"))


def _known_codec(name: str) -> bool:
    """Whether Python can decode `name` (a page may declare charset=x-user-defined or a typo)."""
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _walk_html(element: etree._Element, emit: Emit, line: list[str]) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _SKIP:
        _tail(element, line)
        return
    if tag == "table":
        _flush(emit, line)
        if _is_layout(element):
            for cell in _cells_of(element):
                _walk_html(cell, emit, line)
                _flush(emit, line)
        else:
            for cells in table_grid(element):
                emit("\t".join(cells), tuple(cells))
        _tail(element, line)
        return
    if tag == "br":
        _flush(emit, line)
        _tail(element, line)
        return
    block = tag in _BLOCKS
    if block:
        _flush(emit, line)
    if element.text:
        line.append(element.text)
    for child in element:
        _walk_html(child, emit, line)
    if block:
        _flush(emit, line)
    _tail(element, line)


def _rows_of(table: etree._Element) -> Iterator[etree._Element]:
    """The table's own rows (not those of a table nested in one of its cells)."""
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if isinstance(row.tag, str) and row.tag.lower() == "tr")


def _cells_of(table: etree._Element) -> Iterator[etree._Element]:
    for row in _rows_of(table):
        yield from (c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th"))


def _is_layout(table: etree._Element) -> bool:
    """A table holding another table in a cell lays out a web page; its cells are read as
    flowing text (the data table inside is read as rows)."""
    return any(cell.find(".//table") is not None for cell in _cells_of(table))


MAX_TABLE_CELLS = 2_000_000  # as for a workbook sheet; a statistics table has a few thousand


def table_grid(table: etree._Element, max_span: int = 100) -> list[list[str]]:
    """The rows of an HTML data table as cell texts, with a cell spanning rows or columns
    (rowspan, colspan) giving its text to every grid position it covers, as a merged range of
    a workbook does."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    rows = list(_rows_of(table))
    for r, row in enumerate(rows):
        c = 0
        for cell in (x for x in row if isinstance(x.tag, str) and x.tag.lower() in ("td", "th")):
            while (r, c) in grid:
                c += 1
            text = " ".join("".join(str(t) for t in cell.itertext()).split())
            down, across = _span(cell, "rowspan", max_span), _span(cell, "colspan", max_span)
            for dr in range(down):
                for dc in range(across):
                    grid.setdefault((r + dr, c + dc), text)
            c += across
            width = max(width, c)
        if len(grid) > MAX_TABLE_CELLS or len(rows) * width > MAX_TABLE_CELLS:
            raise UnreadableInput(f"网页中的表格过大（超过 {MAX_TABLE_CELLS:,} 个单元格）",
                                  f"a table in the web page is too large (over "
                                  f"{MAX_TABLE_CELLS:,} cells)")
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(cell: etree._Element, name: str, most: int) -> int:
    try:
        return max(1, min(int(str(cell.get(name, "1")).strip() or 1), most))
    except ValueError:
        return 1


def _tail(element: etree._Element, line: list[str]) -> None:
    if element.tail:
        line.append(element.tail)


def _flush(emit: Emit, line: list[str]) -> None:
    text = " ".join("".join(line).split())
    line.clear()
    if text:
        emit(text, None)


def _mht(blob: bytes, emit: Emit, name: str) -> None:
    message = email.message_from_bytes(blob, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() in ("text/html", "application/xhtml+xml"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset and _known_codec(charset):
                    payload = payload.decode(charset, errors="replace").encode("utf-8")
                _html(payload, emit)
                return
    raise UnreadableInput(f"网页存档（MHT）中没有 HTML 正文：{name}",
                          f"the web archive (MHT) has no HTML body: {name}")


# --- RTF ------------------------------------------------------------------------------------------

_RTF_TOKEN = re.compile(r"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|"
                        r"([^\\{}]+)")
_RTF_SKIP_GROUPS = {"fonttbl", "colortbl", "stylesheet", "info", "pict", "header", "footer",
                    "headerl", "headerr", "footerl", "footerr", "footnote", "fldinst",
                    "themedata", "colorschememapping", "datastore", "latentstyles", "listtable",
                    "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "object"}
_RTF_BREAKS = {"par": "\n", "line": "\n", "row": "\n", "sect": "\n", "page": "\n",
               "tab": "\t", "cell": "\t", "emdash": "—", "endash": "–", "bullet": "•",
               "lquote": "‘", "rquote": "’", "ldblquote": "“", "rdblquote": "”"}


def rtf_text(blob: bytes) -> str:
    """The text of an RTF document: good enough to check its figures, not to lay it out."""
    source = blob.decode("latin-1")
    codepage = re.search(r"\\ansicpg(\d+)", source[:2000])
    codec = f"cp{codepage.group(1)}" if codepage else "gb18030"
    out: list[str] = []
    pending = bytearray()
    stack: list[tuple[bool, int]] = []
    skipping, skip_chars, uc = False, 0, 1

    def flush_bytes() -> None:
        if pending:
            try:
                out.append(pending.decode(codec, errors="replace"))
            except LookupError:
                out.append(pending.decode("gb18030", errors="replace"))
            pending.clear()

    for m in _RTF_TOKEN.finditer(source):
        word, arg, hexbyte, symbol, brace, text = m.groups()
        if brace == "{":
            stack.append((skipping, uc))
            continue
        if brace == "}":
            flush_bytes()
            skipping, uc = stack.pop() if stack else (False, 1)
            continue
        if skip_chars and (hexbyte or text):
            if hexbyte:
                skip_chars -= 1
                continue
            text = text[skip_chars:] if text else text
            skip_chars = 0
        if skipping:
            continue
        if hexbyte:
            pending.append(int(hexbyte, 16))
            continue
        flush_bytes()
        if word:
            if word in _RTF_SKIP_GROUPS:
                skipping = True
            elif word == "uc" and arg:
                uc = int(arg)
            elif word == "u" and arg:
                out.append(chr(int(arg) % 65536))
                skip_chars = uc
            elif word in _RTF_BREAKS:
                out.append(_RTF_BREAKS[word])
        elif symbol:
            if symbol == "*":
                skipping = True
            elif symbol in "\\{}":
                out.append(symbol)
            elif symbol == "~":
                out.append(" ")
            elif symbol in "\n\r":
                out.append("\n")
        elif text:
            out.append(text.replace("\r", "").replace("\n", ""))
    flush_bytes()
    # \uN gives UTF-16 code units: a pair is one character beyond U+FFFF, a lone half is none.
    return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
