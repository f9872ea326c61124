"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 (with or without BOM), UTF-32 (with
BOM), GB18030/GBK.

The encoding is decided by strict decoding, never by a silent guess: UTF-8 first (a GBK file
of Chinese text almost never decodes as UTF-8), then GB18030 when the result reads as Chinese.
Anything else is refused with a clear reason.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from nianbao.errors import UnreadableInput
from nianbao.extract.limits import MAX_BLOCKS, too_many_blocks
from nianbao.model import Block, Document, Source
from nianbao.text.normalize import normalize

_PIPE_ROW = re.compile(r"\s\|\s|\|\s*$|^\s*\|")


MAX_TEXT_BYTES = 20_000_000  # a filed report is ~30 KB; 20 MB is a mistake, not a report


def read(path: Path, source: Source, max_bytes: int = MAX_TEXT_BYTES) -> Document:
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableInput(
            f"文本文件过大（{size // 1_000_000} MB，上限 {max_bytes // 1_000_000} MB）：{path}",
            f"text file too large ({size // 1_000_000} MB, limit {max_bytes // 1_000_000} MB): {path}",
        )
    data = path.read_bytes()
    text, encoding = decode(data, path)
    return Document(source=source, blocks=list(blocks(text)), encoding=encoding)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Return (text, encoding name) or raise UnreadableInput."""
    for bom, name, label in ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
                             (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),  # before UTF-16's FF FE
                             (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
                             (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
                             (codecs.BOM_UTF16_BE, "utf-16", "UTF-16")):
        if data.startswith(bom):
            try:
                return data.decode(name, errors="strict"), name
            except UnicodeDecodeError as exc:
                raise UnreadableInput(
                    f"文件以 {label} 字节顺序标记开头，但第 {exc.start:,} 字节处不是有效的 {label}"
                    f"（文件已损坏，或被另一种编码改写过）：{path}",
                    f"the file starts with a {label} byte-order mark but is not valid {label} at "
                    f"byte {exc.start:,} (damaged, or re-encoded by another program): {path}",
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data[:4096]:
        raise UnreadableInput(f"不是文本文件（含二进制内容）：{path}",
                              f"not a text file (binary content): {path}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _reads_as_chinese(text):
        return text, "gb18030"
    raise UnreadableInput(
        f"无法确定文本编码（既不是 UTF-8 也不是 GB18030/GBK 中文）：{path}",
        f"cannot determine the text encoding (neither UTF-8 nor GB18030/GBK Chinese): {path}",
    )


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark (Windows "Unicode" from some programs).

    Tried only when the bytes could be UTF-16 (an even length, and NUL bytes or no valid
    UTF-8); taken only when the result reads as text: nine in ten characters are printable
    ASCII, white space or in GB 2312. ASCII or GBK bytes read as UTF-16 give rare characters
    and fail this."""
    if len(data) % 2 or len(data) < 4:
        return None
    if b"\x00" not in data[:4096]:
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        sample = text[:20_000]
        good = sum(1 for c in sample if c in "\t\n\r\f" or " " <= c <= "~" or (
            ord(c) > 127 and _in_gb2312(c)))
        if good >= 0.9 * len(sample):
            return text, name
    return None


def _reads_as_chinese(text: str) -> bool:
    """True when a GB18030 decoding looks like real text: nine in ten non-ASCII characters are in
    GB 2312 (common Han characters, Chinese punctuation, full-width forms) and no control
    characters. Bytes of another encoding decode to rare characters outside GB 2312."""
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return False
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return True
    common = sum(1 for c in wide if _in_gb2312(c))
    return common / len(wide) >= 0.9


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def blocks(text: str) -> list[Block]:
    """One block per non-empty line; a line with tabs or table pipes is a row of cells."""
    out: list[Block] = []
    page = 1
    for raw in normalize(text).split("\n"):
        for i, part in enumerate(raw.split("\f")):
            if i:
                if len(out) >= MAX_BLOCKS:
                    raise too_many_blocks()
                page += 1
                out.append(Block("page_break", "", page=page, index=len(out)))
            line = part.rstrip()
            if not line.strip():
                continue
            if len(out) >= MAX_BLOCKS:
                raise too_many_blocks()
            cells = _cells(line)
            if cells is None:
                out.append(Block("paragraph", line.strip(), page=page, index=len(out)))
            else:
                out.append(Block("row", "\t".join(cells), cells=cells, page=page, index=len(out)))
    return out


def _cells(line: str) -> tuple[str, ...] | None:
    if "\t" in line:
        parts = line.split("\t")
    elif _PIPE_ROW.search(line):
        parts = line.split("|")
    else:
        return None
    cells = [p.strip() for p in parts]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)
