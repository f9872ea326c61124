"""Options several `nianbao` commands share, and the exit statuses."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from nianbao.pipeline import KINDS

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

#: A report year (`--year`): a year past 2100 or before 1900 is a typo, and one past 1e15 could
#: not even be stored or read back (it ended in an internal error, or in a draft that `check`
#: refuses).
YEAR = click.IntRange(1900, 2100)


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
