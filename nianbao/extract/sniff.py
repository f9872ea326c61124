"""What a file really is, from its first bytes, when its name says something else.

Files reach a bureau under names that lie: a statistics table exported from a web system as
HTML and saved as .xls, a Word "web page" (MHT) or an RTF named .doc, a .docx renamed .doc, a
PDF named .txt. The reader goes by what the bytes say when they say it clearly; otherwise by
the name. Only the start of the file (and a zip's directory) is looked at.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from nianbao.extract.ooxml import OLE_MAGIC

HEAD_BYTES = 4096

_IMAGES = ((b"\x89PNG\r\n\x1a\n", "image"), (b"\xff\xd8\xff", "image"),
           (b"II*\x00", "image"), (b"MM\x00*", "image"))
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                   rb"(?:<!doctype\s+html|<html|<head|<body|<table|<meta)", re.IGNORECASE | re.DOTALL)
_MHT = re.compile(rb"^(?:[\w-]+:[^\r\n]*\r?\n)*?MIME-Version:.*?multipart/related",
                  re.IGNORECASE | re.DOTALL)


def content_format(path: Path) -> str | None:
    """The format the file's bytes announce ("pdf", "docx", "xlsx", "html", "mht", "rtf", "ole",
    "image"), or None when they announce nothing definite (plain text, damaged, unknown)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    body = head.removeprefix(b"\xef\xbb\xbf")
    if body.lstrip().startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and not _text(head)):
        return "pdf"  # junk before the header is allowed; a text merely quoting "%PDF-" is no PDF
    if head.startswith(OLE_MAGIC):
        return "ole"
    for magic, name in _IMAGES:
        if head.startswith(magic):
            return name
    if body.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _MHT.match(body[:2048]):
        return "mht"
    if _HTML.match(body):
        return "html"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    return None


def _text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # only a character cut at the end of the sample
    return True


def _zip_format(path: Path) -> str | None:
    """"docx" or "xlsx" from the zip's directory (read without inflating anything)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None

