"""The library's own exceptions. Bad data becomes findings; these mean "cannot continue".

Each carries a stable `code`, the CLI exit status it maps to, and a message in Chinese and English.
Every one pickles (a worker process's error reaches the parent as itself).
"""

from __future__ import annotations

from typing import Any


class NianbaoError(Exception):
    """Base class: a clear one-line reason, in both languages."""

    code = "error"
    exit_status = 3

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def naming(self, path: object) -> None:
        """Name the file in the message when it does not already (a run over many files must
        say which one failed)."""
        name = str(path)
        short = name.rsplit("/", 1)[-1]
        if short not in self.message_zh:
            self.message_zh = f"{name}：{self.message_zh}"
        if short not in self.message_en:
            self.message_en = f"{name}: {self.message_en}"
            self.args = (self.message_en,)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole, whatever a subclass's `__init__` takes: an error raised in a worker
        process reaches the parent as itself, not as a BrokenProcessPool."""
        return (_rebuild, (type(self), self.message_zh, self.message_en, dict(self.__dict__)))


def _rebuild(cls: type[NianbaoError], message_zh: str, message_en: str,
             state: dict[str, Any]) -> NianbaoError:
    error = cls.__new__(cls)
    Exception.__init__(error, message_en)
    error.__dict__.update(state)
    error.message_zh, error.message_en = message_zh, message_en
    return error


class UnreadableInput(NianbaoError):
    """The input file is missing, empty, corrupt, encrypted, too large or of an unknown type."""

    code = "unreadable-input"
    exit_status = 2


class NeedsOCR(UnreadableInput):
    """A PDF without a text layer (a scan)."""

    code = "needs-ocr"


class UsageError(NianbaoError):
    """The request itself is wrong: a bad option, an output path that is an input."""

    code = "usage"
    exit_status = 2


class OutputError(NianbaoError):
    """An output cannot be written: it is a folder, its folder is read-only, the disk is full.
    The message names the user's path, never the temporary file."""

    code = "output"
    exit_status = 2


class RefusedToGenerate(NianbaoError):
    """A record with error findings is not generated unless forced."""

    code = "refused"
    exit_status = 1


class MissingGlyph(NianbaoError):
    """A character no configured font can draw: never print a blank instead."""

    code = "missing-glyph"
    exit_status = 3


class MissingFont(NianbaoError):
    """None of the fonts a PDF needs is installed: the message names the package to install."""

    code = "missing-font"
    exit_status = 2
