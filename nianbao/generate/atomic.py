"""Write generated files atomically and never over one of the inputs.

The document is written to a temporary file in the target's folder and moved into place with
`os.replace`, so a reader never sees half a file and a failed render leaves the old file alone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from nianbao.errors import UsageError


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
    """A temporary path beside `out`; on a clean exit it replaces `out`, otherwise it goes."""
    out = Path(out)
    refuse_inputs(out, inputs)
    if not out.parent.is_dir():
        raise UsageError(
            f"输出目录不存在：{out.parent}",
            f"output folder does not exist: {out.parent}",
        )
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _file_mode())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(out: Path, data: bytes, *, inputs: Iterable[Path] = ()) -> Path:
    """Write `data` to `out` atomically; refuse if `out` is one of `inputs`. Returns `out`."""
    with atomic_path(out, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    return Path(out)
