"""What the web app takes as an upload: every format the command line and the batch read
(`nianbao.extract.FORMATS`), read by its bytes, not its name, with the readers' own limits.

The server process looks only at the upload's name (a suffix the readers know) and its size.
Everything that opens the bytes runs in a check worker (`nianbao.web.checking`): `inspect` says
which format the reader will take the file for (an HTML table saved as .xls is a web page, a
PDF named .txt a PDF), refuses an old binary Word file with the command line's advice and a file
whose bytes are not the binary format its name claims, and counts the pages OCR may have to read
so that the check's time limit grows with them as a batch's does.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nianbao.extract import FORMATS

# The upload form's accept= list and its help text (the readers' suffixes, nothing else).
ACCEPT = ",".join(sorted(FORMATS))
HELP_ZH = ("PDF（含扫描件）、Word .docx、Excel .xlsx/.xls、WPS 表格 .et、CSV、网页 .html/.mht、"
           "RTF、文本 .txt、扫描图片 .png/.jpg/.tif")
HELP_EN = ("PDF (scans too), Word .docx, Excel .xlsx/.xls, WPS .et, CSV, web pages .html/.mht, "
           "RTF, text .txt, scanned pages as .png/.jpg/.tif")

_ZIP = b"PK\x03\x04"
_NAMES = {"pdf": "PDF", "docx": "Word .docx", "xlsx": "Excel .xlsx", "image": "图片"}
_MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv",
    "html": "text/html",
    "mht": "multipart/related",
    "rtf": "application/rtf",
}
_IMAGES = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"II*\x00", "image/tiff"),
           (b"MM\x00*", "image/tiff"))


class Refused(Exception):
    """An upload refused for its type: the HTTP status, a stable code and one line each."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en


def file_name(sent: str | None) -> str:
    """The filer's file name as it is shown and stored: no folders, at most 200 characters,
    control characters and bidi overrides shown as signs (`nianbao.text.controls.visible`), so
    that a name cannot pass for another in a page, a report or a terminal."""
    from nianbao.text.controls import visible

    name = PurePosixPath((sent or "upload").replace("\\", "/")).name
    return visible(name)[:200] or "upload"


def suffix_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def refuse_name(name: str) -> Refused | None:
    """Why an upload is refused from its name alone (a type no reader knows), or None."""
    suffix = suffix_of(name)
    if suffix in FORMATS:
        return None
    shown = suffix or "（无扩展名）"
    return Refused(415, "unsupported-type",
                   f"不支持的文件类型{shown}：{name}（可上传 {HELP_ZH}）",
                   f"unsupported file type {suffix or '(no extension)'}: {name} "
                   f"(accepted: {HELP_EN})")


@dataclass(frozen=True)
class Inspected:
    """What the reader will take a file for, and the pages OCR may have to read in it."""

    format: str
    pages: int


def inspect(path: Path, name: str) -> Inspected:
    """The format `nianbao.extract.read` will read the file at `path` as (its suffix is the
    filer's), refusing (`Refused`, 415) an old binary Word file with the command line's advice
    and a file whose bytes are not the binary format its name claims. `name` is the filer's
    file name, for the messages. Runs in a worker: it opens the bytes."""
    from nianbao.errors import UnreadableInput
    from nianbao.extract import format_to_read
    from nianbao.extract.sniff import content_format

    suffix = path.suffix.lower()
    found = content_format(path)
    try:
        fmt = format_to_read(FORMATS[suffix], found, path)
    except UnreadableInput as exc:  # an old binary .doc/.wps: the CLI's own advice
        raise Refused(415, "old-word-format", exc.message_zh.replace(str(path), name),
                      exc.message_en.replace(str(path), name)) from None
    with path.open("rb") as fh:
        head = fh.read(8)
    wanted = _NAMES.get(fmt)
    if wanted is not None and not _agrees(fmt, found, head):
        raise Refused(415, "unsupported-type",
                      f"文件内容不是 {wanted} 格式（按内容核对）：{name}",
                      f"the content is not {'an image' if fmt == 'image' else wanted} "
                      f"as its name {suffix} says (checked by content): {name}")
    return Inspected(fmt, pages(path, fmt))


def _agrees(fmt: str, found: str | None, head: bytes) -> bool:
    if fmt in ("docx", "xlsx"):
        return head.startswith(_ZIP)  # a zip: its own reader says what is missing in it
    return found == fmt


def pages(path: Path, fmt: str) -> int:
    """The pages OCR may read in a PDF or an image (`nianbao.batch.task.page_count`)."""
    from nianbao.batch.task import page_count

    with warnings.catch_warnings():  # a bomb's header: the reader refuses it with one line
        warnings.simplefilter("ignore")
        return page_count(path, fmt)


def media_type(fmt: str, content: bytes) -> str:
    """The stored media type of an upload, from the format it was read as."""
    if fmt == "image":
        return next((media for magic, media in _IMAGES if content.startswith(magic)),
                    "application/octet-stream")
    return _MEDIA.get(fmt, "application/octet-stream")
