"""Arithmetic in the prose: totals vs parts, rates vs counts, averages vs standards (spec §4.2).

Every rule reads the sentences the parser kept (`record.sentences`) or the facts, shows the
arithmetic in its message and params, and stays silent within the rounding of the stated figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.percentages import change_hits, rate_hits, rate_name, share_hits
from nianbao.checks.programmes import family
from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.extract.claims import (
    SUMMABLE,
    Breakdown,
    Part,
    breakdowns,
    complementary,
    enumerations,
    lower,
    total_tolerance,
    upper,
)
from nianbao.extract.facts import Sentence, indicator_of
from nianbao.model import Fact
from nianbao.text.numbers import number_text
from nianbao.text.quantities import Quantity

MEASURE_ZH = {"households": "户数", "persons": "人数", "person_times": "人次",
              "amount_yuan": "金额"}
MEASURE_EN = {"households": "households", "persons": "persons", "person_times": "person-times",
              "amount_yuan": "amount"}
UNIT = {"households": "户", "persons": "人", "person_times": "人次", "amount_yuan": "元"}


def _expr(parts: list[Quantity]) -> str:
    return "+".join(number_text(p.value) for p in parts)


def _sum_hit(s: Sentence, start: int, end: int, measure: str, parts: list[Quantity],
             total: Quantity, label: str) -> Hit:
    got = sum((p.value for p in parts), Decimal(0))
    return Hit(
        params={"parts": [float(p.value) for p in parts], "sum": float(got),
                "stated": float(total.value), "expr": _expr(parts), "measure": measure,
                "subject": label, "measure_zh": MEASURE_ZH[measure],
                "measure_en": MEASURE_EN[measure], "unit": UNIT[measure],
                "sum_text": number_text(got), "stated_text": total.text},
        pointer="/facts", evidence=s.text[start:end].strip(), provenance=s.prov,
    )


def _sentences(ctx: CheckContext) -> list[Sentence]:
    return list(ctx.record.sentences)


@rule("arith.part-sum", "error",
      title=("分项之和与总数不符", "parts do not add up to the stated total"),
      message=("{subject}{measure_zh} {expr}={sum_text}，与所述{stated_text}不符",
               ("{subject} {measure_en}: {expr} = {sum_text}, but the text states "
               "{stated_text}")))
def part_sum(ctx: CheckContext) -> Iterator[Hit]:
    """A total must equal the sum of its parts when the parts are complete: 集中 + 分散 =
    特困 total, 城市 + 农村 = 城乡 total (spec §4.2 S1–S3), or "N类…" followed by N parts.
    Counts are exact; money tolerates half a unit of each item's last digit."""
    for b in breakdowns(_sentences(ctx)):
        pair = _complete(b)
        if pair is None:
            continue
        for measure in SUMMABLE:
            parts = [p.only(measure) for p in pair]
            totals = b.totals(measure)
            if None in parts or not totals:
                continue
            found = [p for p in parts if p is not None]
            if not _matches_any(found, totals):
                yield _sum_hit(b.sentence, b.start, b.end, measure, found, totals[-1],
                               _subject(b))
    for e in enumerations(_sentences(ctx)):
        got = sum((p.value for p in e.parts), Decimal(0))
        if e.total.exact and abs(got - e.total.value) > e.total.tolerance + total_tolerance(e.parts):
            subject = re.sub(r"(纳入|享受|获得).*$", "", e.sentence.text[e.total.end:e.total.end + 8])
            yield _sum_hit(e.sentence, e.total.start, e.parts[-1].end, e.total.measure,
                           e.parts, e.total, subject.strip("，,"))


@rule("arith.approx-total", "warning",
      title=("约数与分项之和相差过大", "an approximate total is far from its parts"),
      message=("{subject}{measure_zh}为{stated_text}，但其中各项之和为{expr}={sum_text}",
               ("{subject} {measure_en} is given as {stated_text}, but its parts add "
               "up to {expr} = {sum_text}")))
def approx_total(ctx: CheckContext) -> Iterator[Hit]:
    """A total written as 约/余/多 still bounds its parts: the parts of a "其中" list cannot
    add up to more than the largest value the wording allows (2.13万余人 < 21,400)."""
    for b, measure, parts, total in _exceeding(ctx):
        if total.approx:
            yield _sum_hit(b.sentence, b.start, b.end, measure, parts, total, _subject(b))


@rule("arith.subset-exceeds", "error",
      title=("分项大于总数", "a part is larger than its whole"),
      message=("{subject}其中各项{measure_zh} {expr}={sum_text}，超过总数{stated_text}",
               "{subject}: the parts ({expr} = {sum_text}) exceed the total {stated_text}"),
      cases={"households": ("{households_text}{persons_text}：户数大于人数",
                            "{households_text}{persons_text}: more households than persons")})
def subset_exceeds(ctx: CheckContext) -> Iterator[Hit]:
    """A "其中" part (or all parts together) cannot exceed the whole, and a family count
    cannot exceed the persons in those families (spec §4.2 S4, S6)."""
    for b, measure, parts, total in _exceeding(ctx):
        if not total.approx:
            yield _sum_hit(b.sentence, b.start, b.end, measure, parts, total, _subject(b))
    for s in _sentences(ctx):
        for h, q in zip(s.quantities, s.quantities[1:], strict=False):
            if (h.measure, q.measure) == ("households", "persons") and q.start - h.end <= 1 \
                    and h.exact and q.exact and h.value > q.value:
                yield Hit({"households": float(h.value), "persons": float(q.value),
                           "households_text": h.text, "persons_text": q.text},
                          "/facts", s.text[h.start:q.end], s.prov, case="households")


@rule("arith.percent", "error",
      title=("百分比与其计算不符", "a percentage does not match its counts"),
      message=("{rate_name}{stated}%与计算不符：{expr}={computed}%",
               "{rate_name} is stated as {stated}% but {expr} = {computed}%"))
def percent(ctx: CheckContext) -> Iterator[Hit]:
    """Every stated rate must equal numerator ÷ denominator × 100 when both counts are in
    the same statement (spec §4.2 S5: 集中供养率, 兜底保障比例), and a stated increase must
    equal (new − old) ÷ old (S10). Tolerance: half a unit of the last stated digit."""
    for s in _sentences(ctx):
        yield from rate_hits(s)
        yield from change_hits(s)
    for b in breakdowns(_sentences(ctx)):
        yield from share_hits(b)


@rule("arith.percent-range", "error",
      title=("比例超出0–100%", "a share outside 0–100 %"),
      message=("{rate_name}为{stated}%，作为比例不可能超过100%",
               "{rate_name} is {stated}%, impossible for a share"))
def percent_range(ctx: CheckContext) -> Iterator[Hit]:
    """A share of a whole (…率, 比例, 占比) lies between 0 and 100 %; more is a typing or OCR
    error (a merged number such as 20230%)."""
    for s in _sentences(ctx):
        for q in s.quantities:
            name = rate_name(s, q)
            if q.measure == "percent" and name and q.role is None and q.value > 100:
                yield Hit({"rate_name": name, "stated": number_text(q.value)}, "/facts",
                          s.text[max(0, q.start - 12):q.end], s.prov)


@rule("arith.average-above-standard", "warning",
      title=("月人均补差高于低保标准", "average benefit above the standard"),
      message=("{scope_zh}月人均补差{average}元高于低保标准{standard}元/人·月",
               ("{scope_en} average monthly benefit {average} yuan is above the "
               "standard {standard} yuan per person-month")))
def average_above_standard(ctx: CheckContext) -> Iterator[Hit]:
    """低保 pays the gap between a family's income and the standard, so the average monthly
    payment per person cannot exceed the standard (spec §4.2 S7) unless 分类施保 top-ups
    are paid — then a reviewer should still look."""
    for scope, zh, en in (("urban", "城市", "urban"), ("rural", "农村", "rural")):
        for avg, std in paired(ctx.record.facts, f"{scope}_dibao_avg_benefit",
                                f"dibao_standard_{scope}"):
            a, b = avg.rate_yuan_per_month, std.rate_yuan_per_month
            if a is not None and b is not None and a > b:
                yield Hit({"average": a, "standard": b, "scope_zh": zh, "scope_en": en},
                          "/facts", avg.text)


@rule("arith.average-product", "warning",
      title=("人均数与总额、人数不符", "average × count ≠ stated amount"),
      message=("人均{average}元 × {count}{unit} = {product}元，与所述{amount}元不符",
               ("average {average} yuan × {count} = {product} yuan, but the amount "
               "stated is {amount} yuan")))
def average_product(ctx: CheckContext) -> Iterator[Hit]:
    """When one statement gives a count, a total amount and the average per head
    ("共救助N人，发放资金M元，人均X元"), the three must agree within the rounding of the
    average (spec §4.2 S8, S12)."""
    for s in _sentences(ctx):
        for avg in s.quantities:
            if avg.measure != "amount_yuan" or "人均" not in s.text[max(0, avg.start - 4):avg.start]:
                continue
            counts = [q for q in s.quantities if q.end <= avg.start and q.exact
                      and q.measure in ("persons", "person_times")]
            amounts = [q for q in s.quantities if q.end <= avg.start and q.exact
                       and q.measure == "amount_yuan" and q is not avg]
            if len(counts) != 1 or len(amounts) != 1:
                continue
            count, amount = counts[0], amounts[0]
            product = avg.value * count.value
            slack = avg.tolerance * count.value + amount.tolerance
            households = [q for q in s.quantities if q.end <= avg.start and q.exact
                          and q.measure == "households" and q.value]
            if any(abs(avg.value * h.value - amount.value) <= avg.tolerance * h.value
                   + amount.tolerance for h in households):
                continue  # per household, not per person: text.unit-mismatch says so
            if abs(product - amount.value) > slack:
                yield Hit({"average": number_text(avg.value), "count": number_text(count.value),
                           "unit": UNIT[count.measure], "product": number_text(product),
                           "amount": number_text(amount.value)}, "/facts",
                          s.text[count.start:avg.end], s.prov)


@rule("arith.cumulative-below-period", "error",
      title=("累计数小于本期数", "a cumulative figure below the period's"),
      message=("累计{cumulative}小于本期{current}",
               "the cumulative figure {cumulative} is below this period's {current}"))
def cumulative_below_period(ctx: CheckContext) -> Iterator[Hit]:
    """A figure accumulated since 1 January includes the current month or quarter, so it
    cannot be smaller (民政统计月报: 累计 vs 本月/本期 columns)."""
    for s in _sentences(ctx):
        periods = _periods(s)
        current = [q for q, p in periods if p == "current"]
        total = [q for q, p in periods if p == "cumulative"]
        for c in current:
            for t in total:
                if c.measure == t.measure and c.exact and t.exact and upper(t) < lower(c) \
                        and _same_subject(s, c, t):
                    yield Hit({"cumulative": t.text, "current": c.text}, "/facts",
                              s.text[min(c.start, t.start):max(c.end, t.end)], s.prov)


_PERIOD_WORD = re.compile(r"(本月|当月|本期|本季度|本季)|(累计)")
#: A clause this short without figures before a figure's clause only says which period it is
#: ("9月份当月，全县实施临时救助1150人次").
_LEAD_IN = 12


def _periods(s: Sentence) -> list[tuple[Quantity, str | None]]:
    """Each figure with "current" (本月, 当月, 本期) or "cumulative" (累计) from the nearest such
    word before it in its clause or a figure-less lead-in clause; a figure right after another
    in the same clause ("本月新增10户20人") shares its period."""
    out: list[tuple[Quantity, str | None]] = []
    previous: Quantity | None = None
    for q in sorted(s.quantities, key=lambda q: q.start):
        start, _ = s.clause_of(q.start)
        lead = [c for c in s.clauses if c[1] < start]
        if lead and lead[-1][1] - lead[-1][0] <= _LEAD_IN \
                and not any(lead[-1][0] <= o.start < lead[-1][1] for o in s.quantities):
            start = lead[-1][0]
        if previous is not None:
            start = max(start, previous.end)
        words = list(_PERIOD_WORD.finditer(s.text, start, q.start))
        if words:
            period: str | None = "current" if words[-1].group(1) else "cumulative"
        elif previous is not None and s.clause_of(previous.start) == s.clause_of(q.start):
            period = out[-1][1]
        else:
            period = None
        out.append((q, period))
        previous = q
    return out


def _same_subject(s: Sentence, a: Quantity, b: Quantity) -> bool:
    """Both figures name the same programme, or one of them names none."""
    first, second = (indicator_of(s.text[s.clause_of(q.start)[0]:q.end]) for q in (a, b))
    return first is None or second is None or first == second


_COUNT_MEASURES = ("households", "persons", "person_times", "amount_yuan")


def _matches_any(parts: list[Quantity], totals: list[Quantity]) -> bool:
    """The parts add up to the nearest stated total, or to all totals stated before them
    ("农村194户，城市4户，其中分散168户、集中30户": 168+30 = 194+4)."""
    got = sum((p.value for p in parts), Decimal(0))
    slack = total_tolerance(parts)
    nearest = totals[-1]
    if lower(nearest) - slack <= got <= upper(nearest) + slack:
        return True
    together = sum((t.value for t in totals), Decimal(0))
    return len(totals) > 1 and abs(together - got) <= slack + total_tolerance(totals)


def _exceeding(ctx: CheckContext) -> Iterator[tuple[Breakdown, str, list[Quantity], Quantity]]:
    """(breakdown, measure, parts, total) where the parts of a "其中" list add up to more than
    the total allows. Every part must name exactly one figure of the measure."""
    for b in breakdowns(_sentences(ctx)):
        if _complete(b) is not None:
            continue  # a complete breakdown: arith.part-sum judges it
        overlapping = sum(bool(_ATTRIBUTE.search(p.label)) for p in b.parts) >= 2
        for measure in SUMMABLE:
            totals = b.totals(measure)
            parts = [p.only(measure) for p in b.parts if p.first(measure) is not None]
            if not totals or not parts or None in parts:
                continue
            found = [p for p in parts if p is not None]
            if len(found) < 2 or overlapping:
                # one person can be old and disabled: only a single part can overflow the whole
                found = [p for p in found if p.exact and p.value > upper(totals[-1])][:1]
                if found and not _matches_any(found, totals):
                    yield b, measure, found, totals[-1]
                continue
            got = sum((p.value for p in found), Decimal(0))
            if got > upper(totals[-1]) + total_tolerance(found) and not _matches_any(found, totals):
                yield b, measure, found, totals[-1]


#: Attributes of people, not programmes: one person can be in several of these groups, so a
#: "其中" list of them need not add up to at most the whole.
_ATTRIBUTE = re.compile(r"老年|老人|岁以上|残疾|重残|重病|大病|慢性病|儿童|未成年|学生|妇女|女性|失能|"
                        r"单亲|留守|困境|孤寡|独居|空巢|脱贫|监测|易返贫|易致贫|退役|军人|党员|劳动力")


def _complete(b: Breakdown) -> tuple[Part, ...] | None:
    """The parts that make up the whole (城市 + 农村, 集中 + 分散, the care grades) — unless
    every one of them names another programme than the total: 低收入人口21820人，其中城市低保
    3016人，农村低保18462人 lists the 低保 share, not the whole."""
    parts = complementary(b.parts)
    if parts is None:
        return None
    whole = family(indicator_of(_subject(b)))
    named = [family(indicator_of(p.label)) for p in parts]
    if whole is not None and all(n is not None and n != whole for n in named):
        return None
    return parts


def _subject(b: Breakdown) -> str:
    """The words naming the total: the text before its figure in the same clause."""
    if not b.before:
        return ""
    start, _ = b.sentence.clause_of(b.before[-1].start)
    first = min(q.start for q in b.before if q.start >= start)
    words = b.sentence.text[start:first]
    words = re.sub(r"^(全[市县区省州旗]|有|共有|共|全年|累计|在册|纳入|为)+", "", words)
    return re.sub(r"(约|近|共|达|为|总计|合计)+$", "", words).strip("，,：: ")


def paired(facts: list[Fact], first: str, second: str) -> Iterator[tuple[Fact, Fact]]:
    """Facts of two indicators that belong together: the same qualifier (before with before)."""
    for a in facts:
        if a.indicator != first:
            continue
        for b in facts:
            if b.indicator == second and (a.qualifier == b.qualifier or not b.qualifier):
                yield a, b
                break


RULES: tuple[Rule, ...] = (part_sum, approx_total, subset_exceeds, percent, percent_range, average_above_standard, average_product, cumulative_below_period)
