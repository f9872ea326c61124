"""Within one report: last year's closing net assets as the report states them against this
year's opening figure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.checks.text import texts
from nianbao.model import Provenance
from nianbao.text.numbers import decimals, number_text, to_decimal

_AMOUNT = r"(?P<num>\d[\d,，]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|万)"
_VERB = r"(?:的)?(?:总额|合计|总计)?\s*(?:为|是|达到|达|共|计)?\s*[:：]?\s*"
_LAST = r"(?P<when>上年|上一年度?|去年|(?P<year>(?:19|20)\d{2})\s*年)度?\s*"
_THIS = r"(?P<when>本年|今年|本年度|(?P<year>(?:19|20)\d{2})\s*年)?度?\s*"
# 上年末净资产X万元 / 2024年净资产年末数X万元; 年初净资产X万元 / 净资产年初数X万元.
_PREVIOUS_END = re.compile(
    rf"{_LAST}(?:(?:年末|年底|末|期末|12月31日)\s*(?:的)?净资产|(?:的)?净资产\s*(?:年末|期末)数?)"
    rf"{_VERB}{_AMOUNT}")
_OPENING = re.compile(
    rf"{_THIS}(?:(?:年初|期初|初|1月1日)\s*(?:的)?净资产|(?:的)?净资产\s*(?:年初|期初)数?)"
    rf"{_VERB}{_AMOUNT}")
_TO_WAN = {"万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}


def _wan(m: re.Match[str]) -> tuple[Decimal, Decimal] | None:
    """(value in 万元, half a unit of its last digit in 万元)."""
    value = to_decimal(m.group("num"))
    if value is None:
        return None
    scale = _TO_WAN[m.group("unit")]
    return value * scale, Decimal("0.5").scaleb(-decimals(m.group("num"))) * scale


@rule("report.net-assets-carryover", "error", kinds=("annual_report", "work_summary"),
      title=("上年末净资产与本年初净资产不一致", "last year's closing net assets ≠ this year's opening"),
      message=("文中所述上年末净资产{previous_end}万元与本年初净资产{begin}万元不一致",
               ("the report states last year's closing net assets as {previous_end} 万元 but this "
                "year's opening net assets as {begin} 万元")))
def net_assets_carryover(ctx: CheckContext) -> Iterator[Hit]:
    """This year's opening balance is last year's closing balance (《事业单位会计制度》: 年初数
    equals 上年年末数). A report that states last year's 年末净资产 in its text and a different
    年初净资产 in its form or text contradicts itself, with no store of last year's filing needed."""
    year = _year(ctx.record.year or ctx.record.fields.get("report_year"))
    begin = _form_opening(ctx)
    stated: list[tuple[Decimal, Decimal, str, Provenance | None]] = []
    for _, line, prov in texts(ctx):
        for m in _OPENING.finditer(line):
            if m.group("year") and year and int(m.group("year")) != year:
                continue
            if (value := _wan(m)) is not None:
                begin = begin or (value[0], value[1], m.group(0))
        for m in _PREVIOUS_END.finditer(line):
            if m.group("year") and (not year or int(m.group("year")) != year - 1):
                continue
            if (value := _wan(m)) is not None:
                stated.append((value[0], value[1], m.group(0), prov))
    if begin is None:
        return
    for end, tolerance, evidence, prov in stated:
        if abs(end - begin[0]) > tolerance + begin[1]:
            yield Hit({"previous_end": number_text(end), "begin": number_text(begin[0]), "stated": float(end)},
                      "/record/net_assets_begin_wan", evidence, prov)


def _year(value: object) -> int | None:
    """The report year as a number (2025, "2025", "2025年"); None when unreadable."""
    digits = re.match(r"\s*((?:19|20)\d{2})", str(value)) if value is not None else None
    return int(digits.group(1)) if digits else None


def _form_opening(ctx: CheckContext) -> tuple[Decimal, Decimal, str] | None:
    """The form's 年初数 (万元), with the rounding of how it was written."""
    value = ctx.record.fields.get("net_assets_begin_wan")
    number = to_decimal(str(value)) if isinstance(value, (int, float, Decimal, str)) else None
    if number is None or not number.is_finite():
        return None
    return number, Decimal("0.5").scaleb(-max(decimals(str(value)), 2)), str(value)


RULES: tuple[Rule, ...] = (net_assets_carryover,)
