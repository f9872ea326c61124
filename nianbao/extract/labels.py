"""The annual-report label table, shared by every format, built from the form's schema
(`nianbao.forms`).

Each entry maps the printed label of the official form (and its known variants: the older
provincial layout, OCR distortions, spacing) to a record field. Matching works on a key with all
whitespace removed and brackets unified, so `《事业 单位 法人 证书》`, `住 所` and `年初数(万元)` match.
A label no variant names exactly is still recognised by its signature (a regex over the key) when
the text is short and label-like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.forms import annual_report

# How a label's value is laid out.
SHORT = "short"  # one value, in the next cell or after the label on the same line
LONG = "long"  # free text that may run over several paragraphs, rows or pages
HEADER = "header"  # a group header that carries no value of its own


@dataclass(frozen=True)
class Label:
    field: str
    variants: tuple[str, ...]
    signature: str = ""  # regex over the key, for distorted labels
    layout: str = SHORT
    zh: str = ""  # the canonical label, for messages


def _labels() -> tuple[Label, ...]:
    """The form's fields (labels, variants, signatures from the schema), then the section
    headers and fixed lines it prints: recognised so they are not taken for values."""
    form = annual_report()
    fields = [Label(f.name, f.variants, f.signature, LONG if f.layout == "long" else SHORT,
                    zh=f.label_zh) for f in form.fields if f.variants]
    headers = [Label("", t.variants, t.signature, HEADER, zh=t.label_zh)
               for t in (*form.groups, *form.texts) if t.variants]
    return (*fields, *headers)


LABELS: tuple[Label, ...] = _labels()

BY_FIELD = {label.field: label for label in LABELS if label.field}

_BRACKETS = str.maketrans({"（": "(", "）": ")", "：": ":", "【": "(", "】": ")", "［": "(", "］": ")"})
_SPACE = re.compile(r"\s+")

# Variants, longest first, so that 举办单位意见 wins over 举办单位.
_VARIANTS = sorted(((key, label) for label in LABELS for key in label.variants),
                   key=lambda kv: -len(kv[0]))
# The label of each variant's key; of two variants with the same key, the first in order.
_BY_KEY = {k.translate(_BRACKETS): label for k, label in reversed(_VARIANTS)}
# Labels that may carry their value on the same line ("单位名称 汨罗市…", "填表人: 傅蔚霞").
_SENTENCE_END = re.compile(r"[。；;！？!?]")
MAX_LABEL_CHARS = 40


def key(text: str) -> str:
    """The matching key: no whitespace, ASCII brackets and colon, no trailing colon."""
    return _SPACE.sub("", text).translate(_BRACKETS).rstrip(":")


def match(text: str) -> Label | None:
    """The label `text` is, when the whole text is a label (exactly or by signature)."""
    k = key(text)
    if not k or len(k) > MAX_LABEL_CHARS or _SENTENCE_END.search(k):
        return None
    exact = _BY_KEY.get(k)
    if exact is not None:
        return exact
    for label in LABELS:
        if label.signature and re.search(label.signature, k):
            return label
    return None


def split_leading(text: str) -> tuple[Label, str] | None:
    """A label at the start of `text` followed by its value: ("单位名称 汨罗市…") → (label, value).

    The label must be followed by a separator (space or colon) in the original text, so a
    sentence that merely begins with a label word is not split.
    """
    stripped = text.strip()
    m = _LEADING.match(stripped)
    if m is None or m.lastindex is None:
        return None
    return _VARIANTS[m.lastindex - 1][1], stripped[m.end():].lstrip(" \t:：")


def _spaced(variant: str) -> re.Pattern[str]:
    """A regex for `variant` allowing whitespace between characters and either bracket style."""
    pattern = _SPACED.get(variant)
    if pattern is None:
        pattern = _SPACED[variant] = re.compile(r"\s*".join(_char_class(c) for c in variant))
    return pattern


_SPACED: dict[str, re.Pattern[str]] = {}
_PAIRS = {"(": "[(（]", ")": "[)）]", ":": "[:：]"}


def _char_class(char: str) -> str:
    return _PAIRS.get(char.translate(_BRACKETS), re.escape(char))


def _leading_pattern() -> re.Pattern[str]:
    """Every variant as one alternation, in `_VARIANTS` order (the first that fits wins, as a
    loop over them would find it, in one pass): group i is the i-th variant, followed by what
    must follow a label with its value on the same line, a space or colon, or anything after a
    closing bracket."""
    parts = []
    for variant, _ in _VARIANTS:
        after = "(?=.)" if variant.translate(_BRACKETS).endswith(")") else "(?=[ \t:：])"
        parts.append(f"({_spaced(variant).pattern}){after}")
    return re.compile("|".join(parts), re.DOTALL)


_LEADING = _leading_pattern()


INLINE_FIELDS = frozenset(f.name for f in annual_report().fields if f.inline)


def find_inline(text: str) -> list[tuple[int, Label]]:
    """Positions of footer-style labels inside one line ("填表人: 傅蔚霞 联系电话: ___")."""
    found: list[tuple[int, Label]] = []
    for variant, label in _VARIANTS:
        if label.field not in INLINE_FIELDS:
            continue
        for m in _spaced(variant).finditer(text):
            after = text[m.end():m.end() + 1]
            before = text[m.start() - 1:m.start()] if m.start() else " "
            separated = after in (" ", ":", "：", "\t") and before in (" ", "\t", "　")
            if separated and not any(start <= m.start() < start + len(v.variants[0])
                                     for start, v in found):
                found.append((m.start(), label))
    return sorted(found, key=lambda pair: pair[0])
