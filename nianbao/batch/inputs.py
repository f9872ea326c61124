"""The inbox of a batch: which files are read (documents below the inbox, in path order, links
not followed unless asked, never a pipe or a device), which are left out and why, and each
file's content hash and JSON name."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nianbao.batch.state import FileResult
from nianbao.errors import UsageError
from nianbao.extract import FORMATS, sha256_file
from nianbao.text.controls import printable_name

JSON_DIR = "json"

NOT_READ_NAMES = {
    "zh": {"link": "个符号链接", "dangling-link": "个失效链接", "link-loop": "个循环链接",
           "fifo": "个命名管道", "device": "个设备文件", "socket": "个套接字",
           "special": "个特殊文件", "bad-name": "个文件名编码无效的文件"},
    "en": {"link": "symbolic link(s)", "dangling-link": "dangling link(s)",
           "link-loop": "looping link(s)", "fifo": "named pipe(s)", "device": "device file(s)",
           "socket": "socket(s)", "special": "special file(s)",
           "bad-name": "file(s) whose name is not UTF-8"},
}


@dataclass(frozen=True)
class NotRead:
    """An entry of the inbox that looks like a document but is not read, and why."""

    name: str  # relative to the inbox
    why: str  # link | dangling-link | link-loop | fifo | device | socket | special | bad-name


NOT_READ_REASONS = {
    "link": ("符号链接，未跟随（默认不读取链接；确需读取请加 --follow-links）",
             "a symbolic link, not followed (links are not read by default; use --follow-links)"),
    "dangling-link": ("符号链接指向的文件不存在", "a symbolic link to a file that does not exist"),
    "link-loop": ("链接指向它所在的上级文件夹（循环），未读取",
                  "a link back to a folder above it (a loop): not read"),
    "fifo": ("命名管道（FIFO），不是普通文件，未读取", "a named pipe (FIFO), not a regular file: not read"),
    "device": ("设备文件，不是普通文件，未读取", "a device file, not a regular file: not read"),
    "socket": ("套接字，不是普通文件，未读取", "a socket, not a regular file: not read"),
    "special": ("不是普通文件，未读取", "not a regular file: not read"),
    "bad-name": ("文件名不是 UTF-8 编码（常见于 Windows 上打包的压缩文件，名称中无法识别的字节显示为 \\x..），"
                 "未读取；请改用 UTF-8 文件名，例如 convmv -f gbk -t utf-8 -r --notest 收件目录",
                 "the file name is not UTF-8 (common in archives made on Windows; its undecodable "
                 "bytes are shown as \\x..): not read; rename it in UTF-8, e.g. convmv -f gbk "
                 "-t utf-8 -r --notest INBOX"),
}


def find_inputs(inbox: Path, out: Path, *, follow_links: bool = False,
                not_read: list[NotRead] | None = None) -> Iterator[Path]:
    """Every .txt/.docx/.pdf/.xlsx below `inbox` (not under `out`, not hidden), in path order.

    Symbolic links are not followed unless `follow_links` (a link could lead out of the inbox,
    to /etc/passwd or another office's files); named pipes, devices and sockets are never read
    (a pipe would block the batch). Each entry left out this way, and each dangling link, is
    added to `not_read` so the batch can report it instead of dropping it silently."""
    out = out.resolve()
    seen_dirs: set[tuple[int, int]] = set()

    def skip(path: Path, why: str) -> None:
        if not_read is not None:
            not_read.append(NotRead(printable_name(path.relative_to(inbox).as_posix()), why))

    for root, dirs, files in os.walk(inbox, followlinks=follow_links):
        here = Path(root)
        if follow_links:
            st = os.stat(here)
            if (st.st_dev, st.st_ino) in seen_dirs:
                dirs[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
        kept = []
        for d in sorted(dirs):
            if d.startswith(".") or (here / d).resolve() == out:
                continue
            if (here / d).is_symlink():
                if not follow_links:
                    skip(here / d, "link")
                    continue
                target = (here / d).resolve()
                if target == here.resolve() or here.resolve().is_relative_to(target):
                    skip(here / d, "link-loop")
                    continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in FORMATS:
                continue
            path = here / name
            why = "bad-name" if printable_name(str(path)) != str(path) else why_not_read(
                path, follow_links)
            if why is None:
                yield path
            else:
                skip(path, why)


def why_not_read(path: Path, follow_links: bool) -> str | None:
    """None for a regular file to read; otherwise the NOT_READ_REASONS key."""
    try:
        st = os.lstat(path)
    except OSError:
        return None  # gone or unreadable: the reader says so as a failure row
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError:
            return "dangling-link"
        if not follow_links:
            return "link"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISFIFO(st.st_mode):
        return "fifo"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "device"
    if stat.S_ISSOCK(st.st_mode):
        return "socket"
    return "special"


def check_folders(inbox: Path, out: Path) -> None:
    if not inbox.is_dir():
        raise UsageError(f"收件目录不存在或不是目录：{inbox}", f"inbox is not a folder: {inbox}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"输出位置不是目录：{out}", f"output is not a folder: {out}")
    if out.resolve() == inbox.resolve():
        raise UsageError("输出目录不能与收件目录相同", "the output folder cannot be the inbox")


def hash_inputs(inbox: Path, out: Path, follow_links: bool = False,
                 not_read: list[NotRead] | None = None) -> Iterator[tuple[str, str, str]]:
    """(name in the inbox, sha256, JSON name) of every input, as they are hashed. A file that
    cannot be read gets a pseudo hash of its name, so that it still becomes a failure row; so
    does an entry that is not read (a link, a pipe), which is added to `not_read` as well."""
    skipped: list[NotRead] = [] if not_read is None else not_read
    listed = 0
    for path in find_inputs(inbox, out, follow_links=follow_links, not_read=skipped):
        for entry in skipped[listed:]:
            yield entry.name, _not_read_sha(entry), json_name(entry.name)
        listed = len(skipped)
        name = path.relative_to(inbox).as_posix()
        try:
            sha = sha256_file(path)
        except OSError:
            sha = "unreadable:" + hashlib.sha256(name.encode()).hexdigest()
        yield name, sha, json_name(name)
    for entry in skipped[listed:]:
        yield entry.name, _not_read_sha(entry), json_name(entry.name)


#: Bytes of one file or folder name: 255 on every common file system, less what the temporary
#: file written first adds (".NAME.xxxxxxxx.tmp").
NAME_MAX = 255 - 16


def json_name(name: str) -> str:
    """Where the contract JSON of the input `name` goes: json/<name>.json, each part of the
    path cut to what a file system holds. A name of 251 bytes is a valid file (Chinese names
    reach it at 83 characters); with ".json" it is not, and its filing failed although it was
    checked. A cut name ends in ~ and a hash of the whole, so two long names never meet."""
    parts = f"{name}.json".split("/")
    return "/".join([JSON_DIR, *(_fitted(part, i == len(parts) - 1)
                                 for i, part in enumerate(parts))])


def _fitted(part: str, last: bool) -> str:
    raw = part.encode("utf-8", "surrogateescape")
    if len(raw) <= NAME_MAX:
        return part
    tail = "~" + hashlib.sha256(raw).hexdigest()[:16] + (".json" if last else "")
    return raw[: NAME_MAX - len(tail)].decode("utf-8", "ignore") + tail


def _not_read_sha(entry: NotRead) -> str:
    return f"not-read:{entry.why}:" + hashlib.sha256(entry.name.encode()).hexdigest()


def not_read_result(entry: NotRead) -> FileResult:
    zh, en = NOT_READ_REASONS[entry.why]
    return FileResult(entry.name, _not_read_sha(entry), "failed", entry.why, zh, en,
                      format=FORMATS.get(Path(entry.name).suffix.lower()))
