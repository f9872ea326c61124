"""Read a DOCX into a Document: body paragraphs and table rows in document order.

The file is checked as a zip before python-docx sees it: size, member count, total uncompressed
size and compression ratio (a zip bomb is refused without being inflated), encrypted members, the
main document part, and no DTD in any XML part (OOXML forbids them; python-docx's parser already
leaves entities unresolved, so this is a second lock on the same door).

The body is walked as XML, not through python-docx's Paragraph/Table objects, because those lose
what the parser downstream needs: `Table.rows[i].cells` repeats a cell spanning columns once per
grid column and gives the text of a vertically merged cell to every row it covers. Here a cell
appears once per `<w:tc>`; a vertical-merge continuation cell becomes "" so the other cells keep
their column positions; a cell's paragraphs and nested tables are joined with "\\n". Explicit page
breaks (`<w:br w:type="page"/>`, page-break-before, a section break to a new page) become
`page_break` blocks. A tab becomes a space and a soft line break a "\\n", so the tab stays the
cell separator of row text. Content embedded with `w:altChunk` (HTML, MHT, RTF, text, another
DOCX) is read in place (`nianbao.extract.docx_altchunk`). Headers, footers, comments, footnotes
and deleted text are not read; text boxes are read once (their VML fallback copy is skipped) as paragraphs after the one that
anchors them. DOCX has no fixed pages, so `page` is None on every block.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
from lxml import etree

from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.extract.docx_altchunk import MAX_DEPTH as MAX_CHUNK_DEPTH
from nianbao.extract.docx_altchunk import read_chunk
from nianbao.extract.docx_numbering import Numbering
from nianbao.extract.limits import DEFAULT_LIMITS, Limits, read_bytes
from nianbao.extract.ooxml import check_package
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
_TRUE = {None, "1", "true", "on"}

# Never read: properties (w:tab inside w:tabs is a tab stop, not a tab), deleted text, alternatives.
_SKIPPED = {
    _W + "pPr",
    _W + "rPr",
    _W + "sdtPr",
    _W + "sdtEndPr",
    _W + "del",
    _W + "moveFrom",
    _W + "instrText",
    _W + "delText",
    _W + "rt",  # ruby (phonetic guide) text over the base text
    _MC + "Fallback",
}
_TEXT_ELEMENTS = {_W + "t": None, _W + "tab": " ", _W + "cr": "\n", _W + "noBreakHyphen": "-"}

_PAGE_BREAK = object()  # a marker in a paragraph's pieces


def read(path: Path, source: Source, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the DOCX at `path`. Raises `UnreadableInput` and nothing else."""
    data = read_bytes(path, limits)
    _check_package(data, path.name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _Blocks(_numbering(document))
        _walk_body(document.element.body, blocks, _chunk_reader(document.part, path.name, limits))
    except NianbaoError:
        raise
    except ValueError as exc:
        if "not a Word file" not in str(exc):
            raise _damaged(path.name, exc) from exc
        raise UnreadableInput(
            f"不是Word文档（.docx），可能是改了扩展名的其他Office文件：{path.name}",
            f"not a Word .docx document (perhaps another Office file renamed): {path.name}",
        ) from exc
    except Exception as exc:  # python-docx and lxml raise KeyError, XMLSyntaxError...
        raise _damaged(path.name, exc) from exc
    return Document(source=source, blocks=blocks.finish(), pages=None)


def _numbering(document: Any) -> Numbering:
    """The document's list definitions (word/numbering.xml and the styles that number their
    paragraphs), or none when it has none."""
    part = document.part
    numbering = part.numbering_part.element if _has_part(part, "numbering") else None
    styles = part.styles.element if _has_part(part, "styles") else None
    return Numbering.of(numbering, styles)


def _has_part(part: Any, kind: str) -> bool:
    return any(rel.reltype.endswith(f"/{kind}") for rel in part.rels.values())


def _damaged(name: str, exc: Exception) -> UnreadableInput:
    return UnreadableInput(
        f"DOCX文件已损坏，无法解析：{name}",
        f"the DOCX is damaged and cannot be parsed: {name} ({type(exc).__name__})",
    )


# --- defences -----------------------------------------------------------------------------------


def _check_package(data: bytes, name: str, limits: Limits) -> None:
    """Refuse anything python-docx should not be handed: not a zip, a zip bomb, no document."""
    try:
        check_package(
            data, "DOCX", name, limits,
            old_format=(f"这是旧版Word（.doc）文件或加密的Word文件，请另存为未加密的 .docx：{name}",
                        f"this is an old Word .doc file or a password-protected Word file; "
                        f"save it as an unprotected .docx: {name}"),
            main_part=lambda package: _check_main_part(package, name))
    except NianbaoError:
        raise
    except Exception as exc:  # an unsupported compression method, malformed relationships...
        raise _damaged(name, exc) from exc


def _check_main_part(package: zipfile.ZipFile, name: str) -> None:
    names = set(package.namelist())
    main = "word/document.xml"
    if "_rels/.rels" in names:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        rels = etree.fromstring(package.read("_rels/.rels"), parser)
        for rel in rels.iter(_REL + "Relationship"):
            if rel.get("Type") in _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
                main = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                break
    if main not in names:
        raise UnreadableInput(
            f"DOCX文件中没有正文部分（{main}），可能已损坏或不是Word文档：{name}",
            f"the DOCX has no main document part ({main}); it is damaged or not a Word document: "
            f"{name}",
        )


# --- walking the body ---------------------------------------------------------------------------


class _Blocks:
    """Collects blocks: drops empty paragraphs and rows, and page breaks with nothing before them
    or after them, or right after another page break."""

    def __init__(self, numbering: Numbering | None = None) -> None:
        self.blocks: list[Block] = []
        self.numbering = numbering or Numbering()

    def paragraph(self, text: str) -> None:
        text = _clean(text)
        if text:
            self.blocks.append(Block(kind="paragraph", text=text, index=len(self.blocks)))

    def row(self, cells: tuple[str, ...], spans: tuple[int, ...] = ()) -> None:
        if any(cells):
            text = "\t".join(cells)
            spans = spans if any(n > 1 for n in spans) else ()
            self.blocks.append(Block(kind="row", text=text, cells=cells, index=len(self.blocks),
                                     spans=spans))

    def page_break(self) -> None:
        if self.blocks and self.blocks[-1].kind != "page_break":
            self.blocks.append(Block(kind="page_break", text="", index=len(self.blocks)))

    def finish(self) -> list[Block]:
        if self.blocks and self.blocks[-1].kind == "page_break":
            self.blocks.pop()
        return self.blocks


ChunkReader = Callable[[etree._Element, "_Blocks"], None]


def _walk_body(container: etree._Element, out: _Blocks, chunk: ChunkReader | None = None) -> None:
    """Paragraphs and tables of the body (or of a text box), in document order; `chunk` reads
    an embedded `w:altChunk` (`nianbao.extract.docx_altchunk`)."""
    for child in _block_children(container):
        if child.tag == _W + "p":
            _walk_paragraph(child, out)
        elif child.tag == _W + "tbl":
            for cells, spans in _table_rows(child, out.numbering):
                out.row(cells, spans)
        elif child.tag == _W + "altChunk" and chunk is not None:
            chunk(child, out)


def _chunk_reader(part: Any, name: str, limits: Limits, depth: int = 0) -> ChunkReader:
    """Reads the part an altChunk points at, through the document part's relationships."""

    def read_one(element: etree._Element, out: _Blocks) -> None:
        rel = part.rels.get(element.get(_R + "id") or "")
        if rel is None or rel.is_external:
            raise UnreadableInput(
                f"DOCX 中的嵌入内容（altChunk）指向不存在或外部的部件：{name}",
                f"an embedded chunk (altChunk) in the DOCX points at a missing or external "
                f"part: {name}")
        target = rel.target_part

        def emit(text: str, cells: tuple[str, ...] | None) -> None:
            if cells is None:
                out.paragraph(text)
            else:
                out.row(cells)

        read_chunk(target.content_type, target.blob, name, emit,
                   lambda blob: _embedded_docx(blob, name, limits, depth + 1))

    return read_one


def _embedded_docx(data: bytes, name: str, limits: Limits,
                   depth: int) -> Iterator[tuple[str, tuple[str, ...] | None]]:
    """The blocks of a DOCX embedded as an altChunk, checked like the outer file."""
    if depth > MAX_CHUNK_DEPTH:
        raise UnreadableInput(f"DOCX 中的嵌入内容层层嵌套过深：{name}",
                              f"the DOCX nests embedded documents too deeply: {name}")
    _check_package(data, name, limits)
    inner = docx.Document(io.BytesIO(data))
    blocks = _Blocks(_numbering(inner))
    _walk_body(inner.element.body, blocks, _chunk_reader(inner.part, name, limits, depth))
    for block in blocks.finish():
        if block.kind != "page_break":
            yield block.text, block.cells if block.kind == "row" else None


def _block_children(container: etree._Element) -> Iterator[etree._Element]:
    """The w:p, w:tbl and w:altChunk under `container`, looking through content controls and
    custom XML."""
    for child in container:
        if child.tag in (_W + "p", _W + "tbl", _W + "altChunk"):
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _block_children(child)
        elif child.tag == _MC + "AlternateContent":
            yield from _block_children(_first_choice(child))


def _walk_paragraph(p: etree._Element, out: _Blocks) -> None:
    if _breaks_page_before(p):
        out.page_break()
    text_boxes: list[etree._Element] = []
    text: list[str] = [out.numbering.label(p)]
    for piece in _pieces(p, text_boxes):
        if piece is _PAGE_BREAK:
            out.paragraph("".join(text))
            out.page_break()
            text = []
        else:
            text.append(str(piece))
    out.paragraph("".join(text))
    for box in text_boxes:
        _walk_body(box, out)
    if p.find(f"{_W}pPr/{_W}sectPr") is not None and _next_section_on_new_page(p):
        out.page_break()


def _pieces(element: etree._Element, text_boxes: list[etree._Element]) -> Iterator[object]:
    """A paragraph's text in order: strings and page-break markers. Text boxes are set aside."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag in _TEXT_ELEMENTS:
            fixed = _TEXT_ELEMENTS[tag]
            yield (child.text or "") if fixed is None else fixed
        elif tag == _W + "br":
            yield _PAGE_BREAK if child.get(_W + "type") == "page" else "\n"
        elif tag == _W + "txbxContent":
            text_boxes.append(child)
        elif tag == _MC + "AlternateContent":
            yield from _pieces(_first_choice(child), text_boxes)
        elif len(child):  # runs, hyperlinks, insertions, content controls, fields, drawings...
            yield from _pieces(child, text_boxes)


def _first_choice(alternate: etree._Element) -> etree._Element:
    choice = alternate.find(_MC + "Choice")
    return choice if choice is not None else etree.Element(_MC + "Choice")


def _breaks_page_before(p: etree._Element) -> bool:
    flag = p.find(f"{_W}pPr/{_W}pageBreakBefore")
    return flag is not None and flag.get(_W + "val") in _TRUE


def _next_section_on_new_page(p: etree._Element) -> bool:
    """`p` ends a section; the next section's own w:sectPr says whether it starts a new page."""
    for sibling in p.itersiblings():
        for section in sibling.iter(_W + "sectPr"):
            kind = section.find(_W + "type")
            return kind is None or kind.get(_W + "val") != "continuous"
    return False


def _table_rows(tbl: etree._Element, numbering: Numbering
                ) -> Iterator[tuple[tuple[str, ...], tuple[int, ...]]]:
    """One tuple of cell texts per row: one string per w:tc (so a cell spanning columns once),
    "" for a vertical-merge continuation, and "" for each grid column skipped before the row;
    with the number of grid columns each cell spans (w:gridSpan).
    A legacy horizontal-merge continuation (w:hMerge, from Word 97 files) is left out."""
    for tr in _children(tbl, _W + "tr"):
        cells: list[str] = [""] * _grid_before(tr)
        spans: list[int] = [1] * len(cells)
        for tc in _children(tr, _W + "tc"):
            if _continues(tc, "hMerge"):
                continue
            cells.append("" if _continues(tc, "vMerge") else _cell_text(tc, numbering))
            spans.append(_grid_span(tc))
        yield tuple(cells), tuple(spans)


def _grid_span(tc: etree._Element) -> int:
    span = tc.find(f"{_W}tcPr/{_W}gridSpan")
    value = span.get(_W + "val", "1") if span is not None else "1"
    return min(int(value), 64) if value.isdigit() and int(value) > 0 else 1


def _continues(tc: etree._Element, merge: str) -> bool:
    flag = tc.find(f"{_W}tcPr/{_W}{merge}")
    return flag is not None and flag.get(_W + "val") in (None, "continue")


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with `tag`, looking through content controls and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _children(child, tag)


def _grid_before(tr: etree._Element) -> int:
    skip = tr.find(f"{_W}trPr/{_W}gridBefore")
    value = skip.get(_W + "val", "0") if skip is not None else "0"
    return min(int(value), 64) if value.isdigit() else 0


def _cell_text(tc: etree._Element, numbering: Numbering) -> str:
    """A cell's paragraphs, nested tables (a row per line, cells by spaces) and text boxes,
    each non-empty line joined by "\\n"."""
    inner = _Blocks(numbering)
    _walk_body(tc, inner)
    lines = (" ".join(c for c in b.cells if c) if b.kind == "row" else b.text for b in inner.blocks)
    return "\n".join(line for line in lines if line)


# --- text ---------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Normalise each line of a paragraph (a soft line break stays a "\\n")."""
    lines = (normalize(line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
