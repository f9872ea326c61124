"""Policy rules whose thresholds differ between provinces and come from the rule pack."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from nianbao.checks.arith import paired
from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.checks.text import texts, window
from nianbao.model import Fact
from nianbao.text.numbers import number_text

# "收入低于城乡最低生活保障标准1.5倍", "不超过当地低保标准的2倍", "低保标准的两倍以内".
_MULTIPLE = re.compile(r"(?:最低生活保障|低保)标准的?\s*([0-9０-９]+(?:[.．][0-9０-９]+)?|[一二两三])\s*倍")
# The sentence must be about 低保边缘 (or the 低收入 families some counties call them), and not
# about the 特困 standard (also a multiple of the 低保 standard).
_EDGE = re.compile(r"边缘|低收入")
_OTHER = re.compile(r"特困|供养")
_END = re.compile(r"[。；;！？!?\n]")
_HAN_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3"}


@rule("policy.tekun-standard-ratio", "warning",
      title=("特困供养标准低于低保标准的规定倍数", ("特困 standard below the required "
             "multiple of the 低保 standard")),
      message=(("{scope_zh}特困基本生活标准{tekun}元/年，低于低保标准{dibao}元/月×12×"
               "{ratio}={required}元"),
               ("{scope_en} 特困 basic-living standard {tekun} yuan/year is below "
               "{ratio} × 12 × the 低保 standard {dibao} yuan/month = {required}")))
def tekun_standard_ratio(ctx: CheckContext) -> Iterator[Hit]:
    """Many provinces set the 特困 basic-living standard at no less than 1.3 times the local
    低保 standard (spec §4.2 S9; national basis unverified, so the ratio is a setting)."""
    ratio = Decimal(str(ctx.settings.tekun_standard_ratio))
    for scope, zh, en in (("urban", "城市", "urban"), ("rural", "农村", "rural")):
        for tekun, dibao in paired(ctx.record.facts, f"tekun_standard_{scope}",
                                    f"dibao_standard_{scope}"):
            yearly = _yearly(tekun)
            monthly = _monthly(dibao)
            if yearly is None or monthly is None:
                continue
            required = monthly * 12 * ratio
            if yearly + Decimal("0.5") < required:
                yield Hit({"tekun": number_text(yearly), "dibao": number_text(monthly), "ratio": number_text(ratio),
                           "required": number_text(required), "scope_zh": zh, "scope_en": en},
                          "/facts", tekun.text)


def _yearly(fact: Fact) -> Decimal | None:
    if fact.rate_yuan_per_year is not None:
        return Decimal(str(fact.rate_yuan_per_year))
    if fact.rate_yuan_per_month is not None:
        return Decimal(str(fact.rate_yuan_per_month)) * 12
    return None


def _monthly(fact: Fact) -> Decimal | None:
    if fact.rate_yuan_per_month is not None:
        return Decimal(str(fact.rate_yuan_per_month))
    if fact.rate_yuan_per_year is not None:
        return Decimal(str(fact.rate_yuan_per_year)) / 12
    return None


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
            yield Hit({"stated": number_text(stated), "expected": number_text(expected),
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


RULES: tuple[Rule, ...] = (tekun_standard_ratio, dibao_edge_multiple)
