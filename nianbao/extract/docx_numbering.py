"""Word's automatic numbering: the "一、", "（二）", "3." that Word draws before a paragraph.

A heading or list item numbered by Word (`w:numPr` on the paragraph or on its style) holds no
number in its text: Word computes it from `word/numbering.xml` while it lays the page out. The
parsers read the numbers (一、 opens a section of a summary, 1. and （1） build a statistics
table's hierarchy), so the reader computes them the same way: a counter per list and level,
deeper levels restarting when a shallower one advances, the level's format (decimal, 一二三,
甲乙丙, ①②③, letters, roman) and its text pattern ("%1、", "（%1）", "%1.%2").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from nianbao.text.numbers import to_chinese_count

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LEVELS = 9
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    separator: str  # what Word puts after the number: a tab or a space (shown as one space)
    legal: bool = False  # w:isLgl: every level's number in Arabic digits (1.2.1)


@dataclass
class Numbering:
    """The numbering definitions of one document and the counters of a reading of it."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId → levels
    lists: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId → …
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, ilvl)
    counters: dict[str, list[int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, numbering: etree._Element | None, styles: etree._Element | None) -> Numbering:
        out = cls()
        if numbering is not None:
            for abstract in numbering.iter(_W + "abstractNum"):
                out.levels[_val(abstract, "abstractNumId")] = {
                    int(_val(lvl, "ilvl", "0") or 0): _level(lvl)
                    for lvl in abstract.iter(_W + "lvl")}
            for num in numbering.iter(_W + "num"):
                abstract_id = _child_val(num, "abstractNumId")
                overrides = {int(_val(o, "ilvl", "0") or 0): _int(_child_val(o, "startOverride"), 1)
                             for o in num.iter(_W + "lvlOverride")
                             if o.find(_W + "startOverride") is not None}
                out.lists[_val(num, "numId")] = (abstract_id, overrides)
        if styles is not None:
            for style in styles.iter(_W + "style"):
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None:
                    out.styles[_val(style, "styleId")] = (
                        _child_val(num_pr, "numId"), _int(_child_val(num_pr, "ilvl"), 0))
        return out

    def label(self, p: etree._Element) -> str:
        """The number Word shows before paragraph `p` (advancing its list), with the separator
        after it; "" for a paragraph that is not numbered, or a bullet."""
        num_id, ilvl = self._list_of(p)
        if not num_id or num_id == "0" or num_id not in self.lists:
            return ""
        abstract_id, overrides = self.lists[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counts = self.counters.setdefault(abstract_id, [0] * _LEVELS)
        if num_id not in self.started:
            self.started.add(num_id)
            for k, start in overrides.items():
                if 0 <= k < _LEVELS:
                    counts[k] = start - 1
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, _LEVELS):
            counts[deeper] = 0
        level = levels[ilvl]
        if level.fmt in ("bullet", "none"):
            return ""
        text = level.text
        for k in range(ilvl + 1):
            shown = counts[k] or (levels[k].start if k in levels else 1)
            fmt = level.fmt if k == ilvl else (levels[k].fmt if k in levels else "decimal")
            fmt = "decimal" if level.legal and k < ilvl else fmt
            text = text.replace(f"%{k + 1}", _format(shown, fmt))
        return text + (level.separator if text and text[-1] not in "、.．)）:：" else "")

    def _list_of(self, p: etree._Element) -> tuple[str, int]:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        style = p.find(f"{_W}pPr/{_W}pStyle")
        num_id, ilvl = self.styles.get(_val(style, "val") if style is not None else "", ("", 0))
        if num_pr is not None:
            num_id = _child_val(num_pr, "numId") or num_id
            ilvl = _int(_child_val(num_pr, "ilvl"), ilvl)
        return num_id, min(max(ilvl, 0), _LEVELS - 1)


def _level(lvl: etree._Element) -> _Level:
    suffix = _child_val(lvl, "suff") or "tab"
    return _Level(fmt=_child_val(lvl, "numFmt") or "decimal", text=_child_val(lvl, "lvlText"),
                  start=_int(_child_val(lvl, "start"), 1),
                  separator="" if suffix == "nothing" else " ",
                  legal=lvl.find(_W + "isLgl") is not None)


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographDigital", "taiwanCounting", "taiwanCountingThousand"):
        return to_chinese_count(n)
    if fmt in ("ideographTraditional", "ideographZodiac") and 1 <= n <= len(_STEMS):
        return _STEMS[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 4000:
        roman = ""
        for value, symbol in _ROMAN:
            while n >= value:
                roman, n = roman + symbol, n - value
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _val(element: etree._Element | None, name: str, default: str = "") -> str:
    if element is None:
        return default
    return str(element.get(_W + name, default))


def _child_val(element: etree._Element, name: str) -> str:
    return _val(element.find(_W + name), "val")


def _int(text: str, default: int) -> int:
    try:
        return max(0, min(int(text), 10_000))
    except ValueError:
        return default
