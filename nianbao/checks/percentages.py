"""Percentages stated in the prose and the counts they come from: a rate (集中供养率 12.5%) over
the two counts its name points to, a part's share of the total before 其中 (占15.0%), a stated
increase over the before and after figures (分别提高5.6%、5.2%). Each yields the hits of
`arith.percent`; `rate_name` also tells `arith.percent-range` what a percentage is a share of."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.registry import Hit
from nianbao.extract.claims import SUMMABLE, Breakdown, segment_of
from nianbao.extract.facts import Sentence
from nianbao.text.numbers import number_text
from nianbao.text.quantities import Quantity

_RATE_WORD = re.compile(r"(.{0,12}?)(?:的)?(率|比例|占比|比重)(?:为|达到|达|是|约|近|高达)*\s*$")


def rate_name(s: Sentence, q: Quantity) -> str | None:
    start, _ = s.clause_of(q.start)
    m = _RATE_WORD.search(s.text[start:q.start])
    return (m.group(1) + m.group(2)).strip() if m else None


def rate_hits(s: Sentence) -> Iterator[Hit]:
    for q in s.quantities:
        name = rate_name(s, q)
        if q.measure != "percent" or q.role is not None or not name or q.value > 100:
            continue
        stem = re.sub(r"(率|比例|占比|比重)$", "", name)
        candidates = list(_ratio_candidates(s, q, stem))
        if not candidates:
            continue
        tolerance = max(q.tolerance, Decimal("0.005"))
        if any(abs(value - q.value) <= tolerance for value, _, _ in candidates):
            continue
        value, num, den = candidates[0]
        yield Hit({"rate_name": name, "stated": number_text(q.value), "expr": f"{number_text(num.value)}÷{number_text(den.value)}",
                   "computed": number_text(value.quantize(Decimal("0.01"))), "numerator": float(num.value),
                   "denominator": float(den.value), "percent": float(q.value)}, "/facts",
                  s.text[den.start:q.end], s.prov)


_SHARE = re.compile(r"^\s*[，,]?\s*(?:占|约占|占比|占比为)\s*$")


def share_hits(b: Breakdown) -> Iterator[Hit]:
    """"其中城市低保1852户3016人，占15.0%": a part's share of the total stated before 其中 must be
    part ÷ total (households or persons, whichever the writer meant)."""
    s = b.sentence
    for previous, part in zip([None, *b.parts], b.parts, strict=False):
        rates = [q for q in part.quantities if q.measure == "percent" and q.role is None]
        counts = [q for q in part.quantities if q.measure in SUMMABLE and q.exact]
        if not counts and previous is not None:  # "…1852户3016人，占15.0%": the share is a part
            counts = [q for q in previous.quantities if q.measure in SUMMABLE and q.exact]
        if len(rates) != 1 or not counts or rates[0].start < counts[-1].end \
                or not _SHARE.match(s.text[counts[-1].end:rates[0].start]):
            continue
        rate = rates[0]
        candidates = []
        for num in counts:
            totals = b.totals(num.measure)
            if len(totals) == 1 and totals[0].exact and totals[0].value > 0:
                candidates.append((num.value / totals[0].value * 100, num, totals[0]))
        if not candidates:
            continue
        tolerance = max(rate.tolerance, Decimal("0.005"))
        if any(abs(value - rate.value) <= tolerance for value, _, _ in candidates):
            continue
        value, num, den = candidates[-1]
        yield Hit({"rate_name": "占比", "stated": number_text(rate.value),
                   "expr": f"{number_text(num.value)}÷{number_text(den.value)}",
                   "computed": number_text(value.quantize(Decimal("0.01"))), "numerator": float(num.value),
                   "denominator": float(den.value), "percent": float(rate.value)}, "/facts",
                  s.text[den.start:rate.end], s.prov)


def _ratio_candidates(s: Sentence, rate: Quantity,
                      stem: str) -> Iterator[tuple[Decimal, Quantity, Quantity]]:
    """(ratio × 100, numerator, denominator) for numerator figures whose words share the rate's name
    (集中供养率 ↔ 集中供养227人) over every larger figure of the same measure before them."""
    if len(stem) < 2:
        return
    seg_start, seg_end = segment_of(s, rate.start)
    counts = [q for q in s.quantities if q.measure in ("households", "persons", "person_times")
              and q.role is None and q.op is None and seg_start <= q.start < seg_end]
    counts.sort(key=lambda q: ("persons", "households", "person_times").index(q.measure))
    for num in counts:
        start, _ = s.clause_of(num.start)
        words = s.text[start:num.start] + s.text[num.end:num.end + 8]
        if not _shares(words, stem):
            continue
        for den in counts:
            if den is num or den.measure != num.measure or den.start > num.start or den.value <= num.value:
                continue
            yield num.value / den.value * 100, num, den


def _shares(words: str, stem: str) -> bool:
    """`words` contain two consecutive characters of `stem` (集中供养 ↔ 集中供养222户)."""
    return any(stem[i:i + 2] in words for i in range(len(stem) - 1))


_RESPECTIVELY = re.compile(r"分别(?:提高|提升|增长|增加|上涨|上调|下降|降低|减少)?了?\s*$")
_LIST_GAP = re.compile(r"\s*[、，,和及与]\s*")


def _change_pairs(s: Sentence) -> Iterator[tuple[Quantity, Quantity, Quantity]]:
    """(before, after, stated change %): the pair just before a change, or — after 分别 — the
    k-th pair of the sentence with the k-th percentage of the list ("分别提高5.6%、5.2%")."""
    befores = [q for q in s.quantities if q.role == "before"]
    listed: set[int] = set()
    for change in (q for q in s.quantities if q.role == "change" and q.measure == "percent"):
        if id(change) in listed:
            continue
        after = [q for q in s.quantities if q.role == "after" and q.end <= change.start]
        before = [q for q in befores if q.end <= change.start]
        if _RESPECTIVELY.search(s.text, max(0, change.start - 8), change.start):
            rates = [change]
            for q in s.quantities:
                if q.start > rates[-1].end and q.measure == "percent" \
                        and _LIST_GAP.fullmatch(s.text, rates[-1].end, q.start):
                    rates.append(q)
            listed.update(id(q) for q in rates)
            if len(rates) == len(before) == len(after):
                yield from zip(before, after, rates, strict=True)
            continue
        if after and before:
            yield before[-1], after[-1], change


def change_hits(s: Sentence) -> Iterator[Hit]:
    for old_q, new_q, change in _change_pairs(s):
        if new_q.measure != old_q.measure or not old_q.value:
            continue
        old, new = old_q.value, new_q.value
        before = [old_q]
        value = (new - old) / old * 100
        if abs(abs(value) - abs(change.value)) > max(change.tolerance, Decimal("0.005")):
            yield Hit({"rate_name": "增幅", "stated": number_text(abs(change.value)),
                       "expr": f"({number_text(new)}-{number_text(old)})÷{number_text(old)}",
                       "computed": number_text(value.quantize(Decimal("0.01")))}, "/facts",
                      s.text[before[-1].start:change.end], s.prov)
