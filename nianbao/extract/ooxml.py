"""Defences shared by the OOXML readers (DOCX, XLSX): a zip package is checked before any XML
library sees it — member count, expanded size, per-member compression ratio (zip bombs),
encrypted members, and DTD declarations (OOXML forbids them; they carry entity attacks)."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.extract.limits import Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .doc/.xls, or an encrypted OOXML file
_DOCTYPE = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_CHUNK = 1024 * 1024


def check_package(data: bytes, fmt: str, name: str, limits: Limits, *,
                  old_format: tuple[str, str],
                  main_part: Callable[[zipfile.ZipFile], None]) -> None:
    """Refuse a file of `fmt` ("DOCX", "XLSX") before any XML library sees it: an old binary
    Office file or an encrypted one (`old_format`: what to tell the user, zh and en), a file
    that is no zip, a zip bomb, encrypted members, a DTD, or a package without its main part
    (`main_part` raises UnreadableInput)."""
    if data.startswith(OLE_MAGIC):
        raise UnreadableInput(*old_format)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_members(package, fmt, name, limits)
            check_no_dtd(package, fmt)
            main_part(package)
    except NianbaoError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError) as exc:
        raise UnreadableInput(
            f"不是有效的{fmt}文件（zip压缩包已损坏或不是zip）：{name}",
            f"not a valid {fmt} file (the zip is damaged or it is not a zip): {name}",
        ) from exc


def check_members(package: zipfile.ZipFile, fmt: str, name: str, limits: Limits) -> None:
    """Refuse a package of `fmt` ("DOCX", "XLSX") that is too large, a zip bomb or encrypted."""
    members = package.infolist()
    if len(members) > limits.max_zip_members:
        raise UnreadableInput(
            f"{fmt}压缩包内文件过多（{len(members):,} 个，上限 {limits.max_zip_members:,}）：{name}",
            f"the {fmt} holds too many files ({len(members):,}, limit "
            f"{limits.max_zip_members:,}; raise Limits.max_zip_members to read it): {name}",
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_zip_uncompressed_bytes:
        raise UnreadableInput(
            f"{fmt}解压后过大（{total:,} 字节，上限 {limits.max_zip_uncompressed_bytes:,}），"
            f"疑似压缩炸弹：{name}",
            f"the {fmt} would expand to {total:,} bytes (limit "
            f"{limits.max_zip_uncompressed_bytes:,}; raise Limits.max_zip_uncompressed_bytes to "
            f"read it); it looks like a zip bomb: {name}",
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise UnreadableInput(
                f"{fmt}压缩包内的文件已加密，无法读取：{name}",
                f"the {fmt}'s zip members are encrypted and cannot be read: {name}",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= limits.zip_ratio_min_bytes and ratio > limits.max_zip_ratio:
            raise UnreadableInput(
                f"{fmt}中的 {member.filename} 压缩比异常（{ratio:,.0f}:1，上限 "
                f"{limits.max_zip_ratio:,.0f}:1），疑似压缩炸弹：{name}",
                f"{member.filename} in the {fmt} expands {ratio:,.0f} times (limit "
                f"{limits.max_zip_ratio:,.0f}; raise Limits.max_zip_ratio to read it); "
                f"it looks like a zip bomb: {name}",
            )


def check_no_dtd(package: zipfile.ZipFile, fmt: str) -> None:
    """OOXML parts may not declare a DTD (ECMA-376 Part 2); one that does is refused, unparsed."""
    overlap = max(len(d) for d in _DOCTYPE) - 1
    for member in package.infolist():
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        with package.open(member) as stream:
            tail = b""
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if any(d in window for d in _DOCTYPE):
                    raise UnreadableInput(
                        f"{fmt}中的 {member.filename} 含有DTD声明（可能是XML外部实体攻击），"
                        f"拒绝读取",
                        f"{member.filename} in the {fmt} declares a DTD (OOXML forbids it; it may "
                        f"be an XML external entity attack); refusing to read it",
                    )
                tail = window[-overlap:]
