"""Policy rules whose thresholds differ between provinces and come from the rule pack."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.checks.text import texts, window

# "收入低于城乡最低生活保障标准1.5倍", "不超过当地低保标准的2倍", "低保标准的两倍以内".
_MULTIPLE = re.compile(r"(?:最低生活保障|低保)标准的?\s*([0-9０-９]+(?:[.．][0-9０-９]+)?|[一二两三])\s*倍")
# The sentence must be about 低保边缘 (or the 低收入 families some counties call them), and not
# about the 特困 standard (also a multiple of the 低保 standard).
_EDGE = re.compile(r"边缘|低收入")
_OTHER = re.compile(r"特困|供养")
_END = re.compile(r"[。；;！？!?\n]")
_HAN_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3"}


@rule("policy.dibao-edge-multiple", "warning",
      title=("低保边缘认定倍数与规则包不符", "低保边缘 income multiple differs from the rule pack"),
      message=(("文中低保边缘家庭的收入线为低保标准的{stated}倍，规则包“{pack}”规定为{expected}倍；"
                "请核对本地认定办法，或改用本省的规则包（--config）"),
               ("the text puts the 低保边缘 income line at {stated} × the 低保 standard; the rule "
                "pack \"{pack}\" says {expected} ×; check the local rules or use the province's "
                "pack (--config)")))
def dibao_edge_multiple(ctx: CheckContext) -> Iterator[Hit]:
    """低保边缘 families are those whose income lies above the 低保 standard and below a
    multiple of it: 1.5 in the national 认定办法 (民政部 2021), more in some provinces
    (spec §4.1). A report that states another multiple either applies the wrong rule or was
    checked against the wrong province's pack; both are for a reviewer to settle."""
    expected = Decimal(str(ctx.settings.dibao_edge_multiple))
    for pointer, text, prov in texts(ctx):
        for m in _MULTIPLE.finditer(text):
            stated = _multiple(m.group(1))
            if stated is None or stated == expected or not _about_edge(text, m.start(), m.end()):
                continue
            yield Hit({"stated": _plain(stated), "expected": _plain(expected),
                       "pack": ctx.settings.pack},
                      pointer, window(text, m.start(), m.end(), before=40), prov)


def _about_edge(text: str, start: int, end: int) -> bool:
    """The sentence around the multiple names 低保边缘/低收入 families and not 特困 or 供养."""
    ends_before = [m.end() for m in _END.finditer(text, 0, start)]
    after = _END.search(text, end)
    sentence = text[ends_before[-1] if ends_before else 0:after.start() if after else len(text)]
    return bool(_EDGE.search(sentence)) and not _OTHER.search(sentence)


def _multiple(raw: str) -> Decimal | None:
    raw = _HAN_DIGITS.get(raw, unicodedata.normalize("NFKC", raw))
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if Decimal(1) < value <= Decimal(5) else None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


RULES: tuple[Rule, ...] = (dibao_edge_multiple,)
