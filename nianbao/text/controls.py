"""Control characters in text that came from a document, made harmless for every output.

A document (or a file name) can carry terminal escape sequences: ESC `[2J` clears the screen,
ESC `[8m` hides what follows, OSC sequences set the window title or write to the clipboard, and
the C1 controls U+0080–U+009F act as escapes on their own in some terminals. Printed as they are,
a document could erase the findings table and print a fake "OK" line. Bidirectional overrides
(U+202A–U+202E, U+2066–U+2069) can make a line read differently from what it holds.

`visible()` turns each of these into something a reader can see and no terminal acts on: a C0
control becomes its Unicode control picture (ESC → ␛), DEL becomes ␡, and a C1 control or a
bidi override becomes `<U+009B>`. A tab becomes a space; tab and newline are kept as they are
when asked for.
"""

from __future__ import annotations

import os
import re
from typing import Any

# C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_CONTROLS_NO_NL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code == 0x09:
        return " "  # a tab only moves the cursor right: a space reads the same
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def visible(text: str, keep_lines: bool = False) -> str:
    """`text` with every control character shown as a visible sign instead of acting.

    With `keep_lines`, tab and newline stay as they are (for multi-line text such as a cell)."""
    pattern = _CONTROLS_NO_NL if keep_lines else _CONTROLS
    return pattern.sub(_picture, text) if pattern.search(text) else text


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def visible_all(value: Any, keep_lines: bool = False) -> Any:
    """`visible()` applied to every string inside lists, tuples and dicts (keys included)."""
    if isinstance(value, str):
        return visible(value, keep_lines)
    if isinstance(value, dict):
        return {visible_all(k, keep_lines): visible_all(v, keep_lines) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(visible_all(v, keep_lines) for v in value)
    return value


def printable_name(name: str) -> str:
    """A file name as text every output can hold: bytes that are not UTF-8 (a GBK name from an
    archive made on Windows), which Python keeps as lone surrogates that no JSON, database or
    report can encode, written as \\xb9."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")
