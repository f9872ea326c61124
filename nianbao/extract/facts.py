"""Every figure in the prose and tables as a Fact tied to the clause it came from.

Text is cut into sentences (。！？ and line ends) and clauses (，；：、 and brackets); each quantity
of `nianbao.text.quantities` becomes part of a fact. Quantities of different measures in one
clause ("保障832户1155人") form one fact; the indicator comes from the words of the clause, or of
the sentence before it when the clause names no subject ("城市低保：保障832户1155人，累计发放
救助资金498.08万元" — the money is 城市低保's too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from nianbao.model import Fact, Provenance
from nianbao.text.quantities import Quantity, find_quantities

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CLAUSE_END = "，,；;：:、（）()"


@dataclass
class Sentence:
    """One sentence with its quantities (spans relative to `text`) and where it sits."""

    text: str
    quantities: list[Quantity]
    prov: Provenance | None = None
    block: int = -1  # index of the source text it came from; sentences of one block share it
    clauses: list[tuple[int, int]] = field(default_factory=list)

    def clause_of(self, pos: int) -> tuple[int, int]:
        for start, end in self.clauses:
            if start <= pos < end:
                return start, end
        return 0, len(self.text)


_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")
_WRAP_MIN = 20  # a line this long that stops mid-sentence was wrapped by the layout


def unwrap(text: str) -> str:
    """Join lines a layout wrapped inside a sentence (a PDF cell: "兜\n底保障比例"), keeping real
    paragraph ends: a line ending in 。！？；： or a short line (a heading) stays a line."""
    lines = text.split("\n")
    out = lines[0]
    for line in lines[1:]:
        last = out.rsplit("\n", 1)[-1]
        wrapped = len(last) >= _WRAP_MIN and last[-1:] not in "。！？；：!?;:" and line.strip() \
            and not _HEADING_START.match(line)
        out += line if wrapped else "\n" + line
    return out


def sentences(texts: Iterable[tuple[str, Provenance | None]]) -> list[Sentence]:
    """Sentences of every text, with their quantities."""
    out: list[Sentence] = []
    for i, (text, prov) in enumerate(texts):
        for m in _SENTENCE.finditer(unwrap(text)):
            raw = m.group(0)
            stripped = raw.strip()
            if not stripped:
                continue
            quantities = find_quantities(stripped)
            out.append(Sentence(stripped, quantities, prov, i, _clauses(stripped)))
    return out


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, char in enumerate(text):
        if char in _CLAUSE_END:
            if i > start:
                spans.append((start, i))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


# --------------------------------------------------------------------------- indicators

# (indicator, regex over the clause's words); first match wins, so specific before general.
INDICATORS: tuple[tuple[str, str], ...] = (
    ("temporary_assistance_reserve", r"备用金"),
    ("tekun_centralized_rate", r"集中供养率"),
    ("tekun_standard_urban", r"(城市|城镇)特困.{0,6}标准|特困.{0,6}(城市|城镇).{0,4}标准"),
    ("tekun_standard_rural", r"农村特困.{0,6}标准|特困.{0,6}农村.{0,4}标准"),
    ("dibao_standard_urban", r"(城市|城镇)低保.{0,4}标准|城市最低生活保障标准"),
    ("dibao_standard_rural", r"农村低保.{0,4}标准|农村最低生活保障标准"),
    ("urban_dibao_avg_benefit", r"(城市|城镇).{0,8}(补差|补助水平)"),
    ("rural_dibao_avg_benefit", r"农村.{0,8}(补差|补助水平)"),
    ("dibao_new", r"新增.{0,6}低保|新纳入.{0,4}低保|低保.{0,4}新增"),
    ("dibao_exit", r"(退出|停保|取消).{0,6}低保|低保.{0,6}(退出|停保)"),
    ("de_facto_unsupported_children", r"事实无人抚养"),
    ("orphans", r"孤儿"),
    ("dibao_edge", r"低保边缘|低边"),
    ("rigid_expense_hardship", r"刚性支出|支出型"),
    ("low_income_total", r"低收入人口"),
    ("temporary_assistance", r"临时救助"),
    ("tekun_centralized", r"集中供养"),
    ("tekun_dispersed", r"分散供养"),
    ("tekun_urban", r"(城市|城镇)特困"),
    ("tekun_rural", r"农村特困|农村五保"),
    ("tekun_total", r"特困|五保"),
    ("urban_dibao", r"(城市|城镇)低保|城市居民最低生活保障"),
    ("rural_dibao", r"农村低保|农村居民最低生活保障"),
    ("dibao_total", r"低保|最低生活保障"),
    ("staff_count", r"从业人[数员]"),
)
_INDICATOR_RES = tuple((name, re.compile(rx)) for name, rx in INDICATORS)
_AVG_FROM_STANDARD = {"urban_dibao_avg_benefit", "rural_dibao_avg_benefit"}


def indicator_of(words: str) -> str | None:
    for name, rx in _INDICATOR_RES:
        if rx.search(words):
            return name
    return None


_QUALIFIERS = (
    ("yoy", re.compile(r"同比|去年同期|上年同期")),
    ("mom", re.compile(r"环比")),
    ("previous_year", re.compile(r"上年|去年")),
    ("previous_period", re.compile(r"上期|上月")),
    ("plan", re.compile(r"计划|争取|力争|预计|目标")),
    ("cumulative", re.compile(r"累计")),
    ("monthly", re.compile(r"本月|当月")),
)


def qualifier_of(q: Quantity, before: str) -> str | None:
    if q.role in ("before", "after"):
        return q.role
    for name, rx in _QUALIFIERS:
        if rx.search(before):
            return name
    return None


# --------------------------------------------------------------------------- facts


def facts_of(sentence_list: list[Sentence]) -> list[Fact]:
    """The facts of the sentences, in reading order."""
    out: list[Fact] = []
    for s in sentence_list:
        out.extend(_sentence_facts(s))
    return out


def _sentence_facts(s: Sentence) -> Iterator[Fact]:
    subject: str | None = None
    current: Fact | None = None
    current_clause: tuple[int, int] | None = None
    for q in _expanded(s.quantities):
        clause = s.clause_of(q.start)
        words = s.text[clause[0]:q.start]
        own = indicator_of(words) or indicator_of(s.text[clause[0]:clause[1]])
        if own is None and _BENEFIT.search(words):
            own = _avg_benefit(subject)
        if own in _AVG_FROM_STANDARD and q.measure == "amount_yuan" and q.scale is None:
            q = replace(q, measure="rate_yuan_per_month", unit="元/人·月")
        if own is None and subject is None:
            subject = _earlier_subject(s, clause[0])
        indicator = own or subject or _generic(q)
        if own:
            subject = own
        same_clause = current is not None and clause == current_clause
        if same_clause and current is not None and _free(current, q):
            _add(current, q)
            continue
        if current is not None:
            yield current
        current = _fact(q, indicator, s, clause)
        current_clause = clause
    if current is not None:
        yield current


def _earlier_subject(s: Sentence, before: int) -> str | None:
    """The subject named in an earlier clause of the sentence ("城市低保：保障832户…")."""
    for start, end in reversed(s.clauses):
        if end <= before:
            found = indicator_of(s.text[start:end])
            if found:
                return found
    return None


_BENEFIT = re.compile(r"补差|补助水平")


def _avg_benefit(subject: str | None) -> str | None:
    """"人均补差" without 城市/农村 takes the scope of the sentence's subject."""
    if subject and ("urban" in subject or "rural" in subject):
        return "urban_dibao_avg_benefit" if "urban" in subject else "rural_dibao_avg_benefit"
    return None


def _expanded(quantities: list[Quantity]) -> Iterator[Quantity]:
    """A range ("2-3个", "1万元到3万元") gives both of its ends."""
    for q in quantities:
        yield q
        if q.high is not None:
            yield replace(q, value=q.high, high=None)


def _fact(q: Quantity, indicator: str, s: Sentence, clause: tuple[int, int]) -> Fact:
    text = s.text[clause[0]:clause[1]].strip() or q.text
    fact = Fact(indicator=indicator, text=text, page=s.prov.page if s.prov else None)
    fact.qualifier = qualifier_of(q, s.text[clause[0]:q.start])
    _add(fact, q)
    return fact


def _free(fact: Fact, q: Quantity) -> bool:
    """The fact has no value yet for this quantity's measure."""
    measure = _measure(q)
    return getattr(fact, measure) is None and (q.role is None or fact.qualifier == q.role)


def _measure(q: Quantity) -> str:
    return "value" if q.measure == "household_times" else q.measure


def _add(fact: Fact, q: Quantity) -> None:
    value = q.value
    if q.measure in ("value", "household_times"):
        fact.unit = q.unit
    setattr(fact, _measure(q), _number(value))
    fact.approx = fact.approx or q.approx


def _number(value: Decimal) -> float:
    """A JSON-friendly number: 832 stays an integer, 498.08 a decimal."""
    return int(value) if value == value.to_integral_value() else float(value)


def _generic(q: Quantity) -> str:
    return {"households": "households", "persons": "persons", "person_times": "person_times",
            "amount_yuan": "funds", "percent": "rate", "rate_yuan_per_month": "standard_monthly",
            "rate_yuan_per_year": "standard_yearly"}.get(q.measure, "count")
