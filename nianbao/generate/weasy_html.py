"""WeasyPrint's HTML parser (tinyhtml5) with the cache of its scanning patterns working.

tinyhtml5 (checked with version 2.1.0) scans text with `HTMLUnicodeInputStream.chars_until`,
which keeps one compiled pattern per set of stop characters, but stores it under the compiled
pattern instead of the characters (``characters = cache[(characters, opposite)] = regex``
rebinds `characters` first), so it never finds it again: every call rebuilds the pattern
string character by character. About half of the 14 ms it takes to parse a form's HTML.
`keep_patterns()` fills the cache under the key tinyhtml5 looks for; the parsing is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cache
from typing import Any

from tinyhtml5 import inputstream as _inputstream


def pattern(characters: Collection[str], opposite: bool) -> re.Pattern[str]:
    """The pattern tinyhtml5 builds for `characters` (a run of them, or of anything else when
    not `opposite`)."""
    escaped = "".join(f"\\x{ord(character):02x}" for character in characters)
    return re.compile(f"[{escaped}]+" if opposite else f"[^{escaped}]+")


def _cached(original: Callable[..., str]) -> Callable[..., str]:
    patterns: dict[Any, Any] = _inputstream.characters_until_regex

    def chars_until(self: Any, characters: Any, opposite: bool = False) -> str:
        key = (characters, opposite)
        if key not in patterns:
            patterns[key] = pattern(characters, opposite)
        return original(self, characters, opposite)

    return chars_until


CHECKED_VERSION = "2.1."  # the tinyhtml5 whose cache this mends


@cache
def keep_patterns() -> None:
    """Make tinyhtml5 find its patterns in its cache (once per process); another tinyhtml5
    than the one checked is left as it is."""
    from importlib.metadata import version

    if not version("tinyhtml5").startswith(CHECKED_VERSION):
        return
    stream = _inputstream.HTMLUnicodeInputStream
    if isinstance(getattr(_inputstream, "characters_until_regex", None), dict):
        stream.chars_until = _cached(stream.chars_until)
