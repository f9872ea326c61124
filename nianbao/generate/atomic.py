"""Write generated files atomically and never over one of the inputs.

The document is written to a temporary file in the target's folder and moved into place with
`os.replace`, so a reader never sees half a file and a failed render leaves the old file alone.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from nianbao.errors import OutputError, UsageError


@cache
def _file_mode() -> int:
    """rw for whoever the umask allows, as a plain `open()` would create the file."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:
        return False


def refuse_inputs(out: Path, inputs: Iterable[Path]) -> None:
    """Raise UsageError when `out` is the same file as one of `inputs`."""
    for source in inputs:
        if _same_file(Path(out), Path(source)):
            raise UsageError(
                f"输出文件与输入文件相同，拒绝覆盖：{out}",
                f"refusing to overwrite an input file: {out}",
            )


@contextmanager
def atomic_path(out: Path, *, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """A temporary path beside `out`; on a clean exit it replaces `out`, otherwise it goes.

    A failure to write (the output is a folder, the folder is read-only, the disk is full)
    becomes an OutputError that names `out`, never the temporary file."""
    out = Path(out)
    refuse_inputs(out, inputs)
    if not out.parent.is_dir():
        raise UsageError(
            f"输出目录不存在：{out.parent}",
            f"output folder does not exist: {out.parent}",
        )
    if out.is_dir():
        raise output_error(out, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    try:
        # The output's name, cut to leave room for mkstemp's part within the 255 bytes a file
        # name may have: an output named as long as allowed is written too.
        stem = os.fsdecode(os.fsencode(out.name)[:200])
        fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise output_error(out, exc) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _file_mode())
        os.replace(tmp, out)
    except OSError as exc:
        if not _about_writing(exc, tmp, out):
            raise
        raise output_error(out, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)


_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def _about_writing(exc: OSError, tmp: Path, out: Path) -> bool:
    """True when the error is the output's own (not, say, an input read inside the block)."""
    names = {str(exc.filename), str(exc.filename2)}
    return exc.errno in _WRITE_ERRORS or str(tmp) in names or str(out) in names


def output_error(out: Path, exc: OSError) -> OutputError:
    """One line about `out`: what went wrong in words a user can act on."""
    if isinstance(exc, IsADirectoryError) or out.is_dir():
        return OutputError(f"输出路径是一个文件夹，请给出文件名：{out}",
                           f"the output is a folder; give a file name: {out}")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"磁盘空间不足，未能写入 {out}（原有文件保持不变）",
                           f"no space left on the disk to write {out} (any old file is kept)")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"没有权限写入文件夹 {out.parent}（只读或无写权限），未能写入 {out}",
                           f"cannot write to the folder {out.parent} (read-only or no "
                           f"permission): {out} not written")
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"未能写入 {out}（{reason}）", f"cannot write {out} ({reason})")


def write_atomic(out: Path, data: bytes, *, inputs: Iterable[Path] = ()) -> Path:
    """Write `data` to `out` atomically; refuse if `out` is one of `inputs`. Returns `out`."""
    with atomic_path(out, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    return Path(out)
