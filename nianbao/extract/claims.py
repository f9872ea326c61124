"""Arithmetic claims a sentence makes: a total and its "其中" parts, a rate and its counts.

Reading is conservative: a "其中" list states a sum only when its parts are known to be complete
(集中 + 分散, 城市 + 农村, or "N类…" followed by N parts); any other list only promises that its
parts do not exceed the total. Ambiguous structure (a part naming two figures of one measure)
gives no claim at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.extract.facts import Sentence
from nianbao.text.quantities import Quantity

SUMMABLE = ("households", "persons", "person_times", "amount_yuan")
_SEGMENT = re.compile(r"[^；;]+[；;]?")
_PART_SPLIT = "，,、：:"
_QIZHONG = "其中"
_COMPLEMENTS = ((re.compile("集中"), re.compile("分散")),
                (re.compile("城市|城镇"), re.compile("农村")))
_CN_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_N_KINDS = re.compile(r"^[“\"‘]?([两二三四五六七八九十])(?:类|种|个方面|个类别)")


@dataclass
class Part:
    label: str
    quantities: list[Quantity]

    def only(self, measure: str) -> Quantity | None:
        """The part's single quantity of `measure`; None when it has none or several."""
        found = [q for q in self.quantities if q.measure == measure and q.role is None]
        return found[0] if len(found) == 1 else None

    def first(self, measure: str) -> Quantity | None:
        found = [q for q in self.quantities if q.measure == measure and q.role is None]
        return found[0] if found else None


@dataclass
class Breakdown:
    """A total stated before "其中" and the parts listed after it, in one sentence segment."""

    sentence: Sentence
    before: list[Quantity]  # quantities between the segment start and 其中
    parts: list[Part]
    start: int  # span of the segment in the sentence
    end: int
    notes: dict[str, str] = field(default_factory=dict)

    def totals(self, measure: str) -> list[Quantity]:
        return [q for q in self.before if q.measure == measure and q.role is None and q.op is None]

    @property
    def text(self) -> str:
        return self.sentence.text[self.start:self.end]


def breakdowns(sentences: list[Sentence]) -> Iterator[Breakdown]:
    """Every "其中" list with the figures stated before it."""
    previous: Sentence | None = None
    for s in sentences:
        for m in _SEGMENT.finditer(s.text):
            at = s.text.find(_QIZHONG, m.start(), m.end())
            if at < 0:
                continue
            before = [q for q in s.quantities if m.start() <= q.start < at]
            start = m.start()
            if not before and previous is not None and previous.block == s.block and m.start() == 0:
                yield from _continued(previous, s, at, m.end())
                continue
            yield Breakdown(s, before, _parts(s, at + len(_QIZHONG), m.end()), start, m.end())
        previous = s


def _continued(previous: Sentence, s: Sentence, at: int, end: int) -> Iterator[Breakdown]:
    """A sentence opening with 其中 breaks down the last figures of the sentence before it."""
    yield Breakdown(s, list(previous.quantities), _parts(s, at + len(_QIZHONG), end), 0, end)


def _parts(s: Sentence, start: int, end: int) -> list[Part]:
    parts: list[Part] = []
    span_start = start
    for i in range(start, end + 1):
        if i == end or s.text[i] in _PART_SPLIT:
            qs = [q for q in s.quantities if span_start <= q.start < i]
            if qs:
                parts.append(Part(s.text[span_start:qs[0].start].strip(), qs))
            span_start = i + 1
    return parts


#: Self-care ability of 特困 persons: every person is in exactly one of the three grades.
_CARE_GRADES = (re.compile("全自理|生活自理|能够自理"), re.compile("半失能|部分失能"),
                re.compile("全失能|完全失能"))


def complementary(parts: list[Part]) -> tuple[Part, ...] | None:
    """Parts that together make the whole: 集中/分散, 城市/农村, or 全自理/半失能/全失能."""
    counted = [p for p in parts if any(q.measure in SUMMABLE for q in p.quantities)]
    for first, second in _COMPLEMENTS:
        a = [p for p in counted if first.search(p.label) and not second.search(p.label)]
        b = [p for p in counted if second.search(p.label) and not first.search(p.label)]
        if len(a) == 1 and len(b) == 1:
            return a[0], b[0]
    grades = [[p for p in counted if rx.search(p.label)] for rx in _CARE_GRADES]
    if all(len(g) == 1 for g in grades) and len({id(g[0]) for g in grades}) == 3:
        return tuple(g[0] for g in grades)
    return None


@dataclass
class Enumeration:
    """"N类X" stated with a total, then N parts separated by ；."""

    sentence: Sentence
    total: Quantity
    count: int
    parts: list[Quantity]


def segment_of(s: Sentence, pos: int) -> tuple[int, int]:
    """The span of the ；-separated segment of `s` holding position `pos`."""
    for m in _SEGMENT.finditer(s.text):
        if m.start() <= pos < m.end():
            return m.start(), m.end()
    return 0, len(s.text)


def enumerations(sentences: list[Sentence]) -> Iterator[Enumeration]:
    for s in sentences:
        for q in s.quantities:
            if q.measure not in SUMMABLE or q.role is not None:
                continue
            m = _N_KINDS.match(s.text[q.end:q.end + 6])
            if not m:
                continue
            count = _CN_COUNT[m.group(1)]
            at = s.text.find(_QIZHONG, q.end)
            if at < 0:
                continue
            parts = []
            for seg in _SEGMENT.finditer(s.text, at):
                found = [p for p in s.quantities if seg.start() <= p.start < seg.end()
                         and p.measure == q.measure and p.role is None]
                if found:
                    parts.append(found[0])
            if len(parts) >= count:
                yield Enumeration(s, q, count, parts[:count])


def upper(q: Quantity) -> Decimal:
    """The largest value a stated figure allows: rounding, and 约/余/多 approximations."""
    unit = q.tolerance * 2
    return q.value + (unit if q.approx else q.tolerance)


def lower(q: Quantity) -> Decimal:
    unit = q.tolerance * 2
    return q.value - (unit if q.approx else q.tolerance)


def total_tolerance(parts: list[Quantity]) -> Decimal:
    """Rounding of summed items: half a unit of the last stated digit per item; counts exact."""
    return sum((p.tolerance for p in parts if p.measure == "amount_yuan"), Decimal(0))
