"""Figures of different units mixed up: persons added to person-times, an average per person
computed per household."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.arith import MEASURE_EN, UNIT
from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.extract.facts import Sentence
from nianbao.text.numbers import number_text
from nianbao.text.quantities import Quantity

COUNTS = ("households", "persons", "person_times")
_TOTAL_WORD = re.compile(r"(?:合计|共计|总计|总共|累计共|两项共|共)(?:为|达|达到)?\s*$")
_PER_PERSON = re.compile(r"(?:人均|每人|平均每人)(?:发放|救助|补助)?\s*$")
_PER_HOUSEHOLD = re.compile(r"(?:户均|每户|平均每户)(?:发放|救助|补助)?\s*$")


@rule("text.unit-mismatch", "warning",
      title=("不同计量单位混加或错配", "figures of different units mixed"),
      message=("{expr} = {sum}，却写作“{stated}”：{units_zh}不能直接相加为{total_unit_zh}",
               "{expr} is stated as {stated}: {unit_en} cannot be added up to {total_unit_en}"),
      cases={"denominator": (
          "{per_zh}{average}元等于{amount}元 ÷ {count}{count_unit_zh} = {ratio}元，"
          "是按{count_unit_zh}而不是按{per_unit_zh}计算的",
          "the average {average} yuan per {per_en} equals {amount} / {count} {count_unit_en}: "
          "computed on the wrong denominator")})
def unit_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """人次 counts services and 人 counts people (spec §4.2 S4): one person helped three times is
    three person-times. A total in 人 that equals the sum of person-times (or of households and
    persons) adds things that cannot be added; an average "per person" that equals the amount
    divided by households (or the reverse) was computed on the other denominator."""
    for s in ctx.record.sentences:
        yield from _mixed_sums(s)
        yield from _wrong_denominator(s)


def _mixed_sums(s: Sentence) -> Iterator[Hit]:
    """合计N人 equal to the sum of the figures before it, when those are in other units."""
    start = 0
    for i, total in enumerate(s.quantities):
        if not (total.measure in COUNTS and total.exact and total.role is None
                and _TOTAL_WORD.search(s.text, max(0, total.start - 6), total.start)):
            continue
        parts = [q for q in s.quantities[start:i] if q.measure in COUNTS and q.exact
                 and q.role is None]
        start = i + 1
        other = [q for q in parts if q.measure != total.measure]
        for group in (other, parts if other else []):
            if len(group) >= 2 and sum(q.value for q in group) == total.value:
                units = sorted({UNIT[q.measure] for q in group})
                expr = " + ".join(f"{number_text(q.value)}{UNIT[q.measure]}" for q in group)
                yield Hit({"parts": [number_text(q.value) for q in group], "sum": number_text(total.value),
                           "expr": expr, "stated": total.text, "units_zh": "与".join(units),
                           "unit_en": MEASURE_EN[group[0].measure],
                           "total_unit_zh": UNIT[total.measure],
                           "total_unit_en": MEASURE_EN[total.measure]},
                          "/facts", s.text[group[0].start:total.end], s.prov)
                break


def _wrong_denominator(s: Sentence) -> Iterator[Hit]:
    """人均/户均 X元 that matches the amount over the other count, not over its own."""
    amounts = [q for q in s.quantities if q.measure == "amount_yuan" and q.exact and q.role is None]
    for avg in amounts:
        per = "persons" if _PER_PERSON.search(s.text, max(0, avg.start - 6), avg.start) else \
            "households" if _PER_HOUSEHOLD.search(s.text, max(0, avg.start - 6), avg.start) else None
        if per is None:
            continue
        totals = [q for q in amounts if q.end <= avg.start and q.value > avg.value]
        counts = {m: [q for q in s.quantities if q.measure == m and q.exact and q.end <= avg.start
                      and q.role is None] for m in COUNTS}
        mismatched = "households" if per == "persons" else "persons"
        if len(totals) != 1 or len(counts[mismatched]) != 1 or len(counts[per]) > 1:
            continue
        total, other = totals[0], counts[mismatched][0]
        own = counts[per][0] if counts[per] else None  # 救助200户，资金30万元，人均1500元
        if other.value == 0 or (own is not None and own.value in (0, other.value)):
            continue
        if (own is None or not _agrees(total, own, avg)) and _agrees(total, other, avg):
            ratio = total.value / other.value
            yield Hit({"average": number_text(avg.value), "amount": number_text(total.value),
                       "count": number_text(other.value), "ratio": number_text(round(ratio, 2)),
                       "per_zh": "人均" if per == "persons" else "户均", "per_en": MEASURE_EN[per][:-1],
                       "per_unit_zh": UNIT[per], "count_unit_zh": UNIT[other.measure],
                       "count_unit_en": MEASURE_EN[other.measure]},
                      "/facts", s.text[min(own.start if own else other.start, other.start):avg.end],
                      s.prov, case="denominator")


def _agrees(total: Quantity, count: Quantity, avg: Quantity) -> bool:
    """amount ÷ count equals the stated average within the rounding of both."""
    slack = avg.tolerance + total.tolerance / count.value + avg.value * Decimal("0.002")
    return abs(total.value / count.value - avg.value) <= slack


RULES: tuple[Rule, ...] = (unit_mismatch,)
