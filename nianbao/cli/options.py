"""Options several `nianbao` commands share, and the exit statuses."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from nianbao.errors import UsageError
from nianbao.pipeline import KINDS

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

#: A report year (`--year`): a year past 2100 or before 1900 is a typo, and one past 1e15 could
#: not even be stored or read back (it ended in an internal error, or in a draft that `check`
#: refuses).
YEAR = click.IntRange(1900, 2100)


class OutputFile(click.Path):
    """An output file (`-o`): written by a temporary file renamed over it, so it must be a
    regular file or a new name. A device (`-o /dev/null`), a named pipe or a socket is refused:
    the rename would replace it with a plain file (as root, /dev/null for the whole system).
    A symbolic link is followed: its target is written and the link stays."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = None
        if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise UsageError(f"输出路径是设备、管道或套接字，不是普通文件：{path}（请给一个文件名）",
                             f"the output is a device, a pipe or a socket, not a regular file: "
                             f"{path} (give a file name)")
        if path.is_symlink():
            return Path(os.path.realpath(path))
        return path


OUTPUT_FILE = OutputFile()


def lang_option(func: F) -> F:
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default=lambda: os.environ.get("NIANBAO_LANG", "zh"),
        show_default="zh, or $NIANBAO_LANG", help="Language of messages: zh (中文) or en.",
    )(func)


def store_option(func: F) -> F:
    return click.option(
        "--store", default=None, is_flag=False, flag_value="", metavar="PATH|URL",
        help="Filings store: an SQLite path or postgresql://… URL; a bare --store uses "
             "$NIANBAO_STORE or the default path (~/.local/share/nianbao/filings.sqlite).",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config", default=None, metavar="FILE|PACK",
        help="Rule pack: a TOML file or a shipped pack (national, gansu, guizhou) with the "
             "thresholds, severities and disabled rules; default $NIANBAO_CONFIG, else the "
             "national rules.",
    )(func)


def ocr_option(func: F) -> F:
    return click.option(
        "--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
        show_default=True,
        help="auto: recognise scanned pages, images and PDFs whose text layer is garbage; "
             "always: recognise every PDF page; never: refuse what would need OCR (exit 2).",
    )(func)


def kind_option(func: F) -> F:
    return click.option(
        "--kind", type=click.Choice(KINDS), default=None,
        help="Document kind; detected from the wording when not given.",
    )(func)


def store_location(store: str | None) -> str | None:
    """None without --store; a bare --store means $NIANBAO_STORE or the default path."""
    if store is None:
        return None
    from nianbao.store.db import resolve_store

    return resolve_store(store or None)
