"""Finds templates/ and schemas/ in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """`templates` or `schemas`: inside the package (wheel) or beside it (checkout)."""
    for base in (_PACKAGE, _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"nianbao resource folder {name!r} not found")


def template_path(name: str) -> Path:
    return resource_dir("templates") / name


def schema_path(name: str) -> Path:
    return resource_dir("schemas") / name
