"""Which characters the form's fonts can draw, so that nothing prints as a blank box.

The stylesheet names the official fonts first (仿宋_GB2312, 黑体, 方正小标宋简体) and an open
font last (Noto Serif/Sans CJK SC). A character is drawable when at least one *installed* font of
those families has it in its character map. fontconfig (`fc-list`) is asked once for the font
files and fontTools reads their cmaps; both answers are cached for the life of the process.

Families are matched by name exactly (case-insensitive), never through fontconfig's catch-all
substitution: a font that only turns up because fontconfig falls back to "something installed"
would not be there on the machine that opens the DOCX either.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import tinycss2
from fontTools.ttLib import TTFont

from nianbao.errors import MissingGlyph, NianbaoError
from nianbao.resources import template_path

STYLESHEET = "css/annual_report.css"

# Characters that are laid out without a glyph of their own (line breaks, joiners, selectors).
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _is_invisible(char: str) -> bool:
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES


def stylesheet_families(css: Path | None = None) -> tuple[str, ...]:
    """Every family named in a `font-family` declaration of the stylesheet, in order, once."""
    path = css if css is not None else template_path(STYLESHEET)
    return _families_in(path.read_text(encoding="utf-8"))


@cache
def _families_in(css_text: str) -> tuple[str, ...]:
    rules = tinycss2.parse_stylesheet(css_text, skip_comments=True, skip_whitespace=True)
    found: list[str] = []
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        for decl in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        ):
            if decl.type == "declaration" and decl.lower_name == "font-family":
                found.extend(_family_names(decl.value))
    return tuple(dict.fromkeys(found))


def _family_names(tokens: list[tinycss2.ast.Node]) -> list[str]:
    names: list[str] = []
    current: list[str] = []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            names.append(" ".join(current))
            current = []
        elif token.type == "string" or token.type == "ident":
            current.append(token.value)
    names.append(" ".join(current))
    return [n for n in names if n]


@cache
def _installed_fonts() -> tuple[tuple[frozenset[str], str, int], ...]:
    """(family names in lower case, file, face index) for every font fontconfig knows."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise NianbaoError(
            "找不到 fc-list（fontconfig），无法检查字形；请安装 fontconfig。",
            "fc-list (fontconfig) not found, so glyph coverage cannot be checked; "
            "install fontconfig.",
        )
    out = subprocess.run(
        [fc_list, "--format", "%{family}\t%{file}\t%{index}\n"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fonts = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1]:
            continue
        families = frozenset(f.strip().lower() for f in parts[0].split(",") if f.strip())
        # The low 16 bits are the face in a collection; the rest names a variable instance.
        fonts.append((families, parts[1], int(parts[2] or 0) & 0xFFFF))
    return tuple(sorted(set(fonts), key=lambda f: (f[1], f[2], sorted(f[0]))))


def font_files(families: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """The installed (file, face index) pairs that belong to any of the named families."""
    wanted = {f.lower() for f in families}
    return tuple((file, index) for names, file, index in _installed_fonts() if names & wanted)


@cache
def _cmap(file: str, index: int) -> frozenset[int]:
    font = TTFont(file, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@cache
def coverage(families: tuple[str, ...]) -> frozenset[int]:
    """Code points drawable by at least one installed font of the given families."""
    files = font_files(families)
    if not files:
        raise NianbaoError(
            f"未安装表格所需的任何字体：{'、'.join(families)}",
            f"none of the form's fonts is installed: {', '.join(families)}",
        )
    covered: set[int] = set()
    for file, index in files:
        covered |= _cmap(file, index)
    return frozenset(covered)


def missing_glyphs(text: str, families: tuple[str, ...] | None = None) -> list[str]:
    """The distinct characters of `text` that no font of `families` can draw, in text order."""
    covered = coverage(families if families is not None else stylesheet_families())
    missing = [c for c in dict.fromkeys(text) if ord(c) not in covered and not _is_invisible(c)]
    return missing


def describe(chars: Iterable[str]) -> str:
    """`U+E000 '\\ue000'`-style list for messages (the glyph itself may not display)."""
    return ", ".join(f"U+{ord(c):04X} {c!r}" for c in chars)


def check_glyphs(text: str, families: tuple[str, ...] | None = None) -> None:
    """Raise MissingGlyph naming every character of `text` the form's fonts cannot draw."""
    missing = missing_glyphs(text, families)
    if missing:
        names = describe(missing)
        raise MissingGlyph(
            f"以下字符在表格所用字体中没有字形，无法打印：{names}",
            f"no font of the form can draw these characters: {names}",
        )
