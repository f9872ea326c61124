"""Every figure in the prose and tables as a Fact tied to the clause it came from.

Text is cut into sentences (。！？ and line ends) and clauses (，；：、 and brackets); each quantity
of `nianbao.text.quantities` becomes part of a fact. Quantities of different measures in one
clause ("保障832户1155人") form one fact; the indicator comes from the words of the clause, or of
the sentence before it when the clause names no subject ("城市低保：保障832户1155人，累计发放
救助资金498.08万元" — the money is 城市低保's too).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from nianbao.model import Fact, Provenance, fact_number
from nianbao.text.quantities import Quantity, find_quantities
from nianbao.text.script import simplified

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
    _starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _figure_starts: list[int] = field(default_factory=list, init=False, repr=False,
                                      compare=False)

    def clause_of(self, pos: int) -> tuple[int, int]:
        """The clause span holding `pos` (the whole sentence when none does); a binary search,
        so a sentence of a million characters costs no more per figure than a short one."""
        if len(self._starts) != len(self.clauses):
            self._starts = [start for start, _ in self.clauses]
        i = bisect_right(self._starts, pos) - 1
        if i >= 0:
            start, end = self.clauses[i]
            if start <= pos < end:
                return start, end
        return 0, len(self.text)

    def next_figure_start(self, pos: int) -> int | None:
        """Where the first figure at or after `pos` starts (binary search, like clause_of)."""
        if len(self._figure_starts) != len(self.quantities):
            self._figure_starts = sorted(q.start for q in self.quantities)
        i = bisect_left(self._figure_starts, pos)
        return self._figure_starts[i] if i < len(self._figure_starts) else None


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


#: A sentence longer than this is not prose (a real one has a few hundred characters): its
#: figures are not read, and the rule text.sentence-too-long says so. Reading them would cost
#: time in proportion to the sentence's length for each of its figures.
MAX_SENTENCE_CHARS = 5_000


def sentences(texts: Iterable[tuple[str, Provenance | None]]) -> list[Sentence]:
    """Sentences of every text, with their quantities (none for a sentence past
    `MAX_SENTENCE_CHARS`)."""
    out: list[Sentence] = []
    for i, (text, prov) in enumerate(texts):
        for m in _SENTENCE.finditer(unwrap(text)):
            raw = m.group(0)
            stripped = raw.strip()
            if not stripped:
                continue
            if len(stripped) > MAX_SENTENCE_CHARS:  # not prose: its figures are not read
                out.append(Sentence(stripped, [], prov, i, []))
                continue
            quantities = find_quantities(stripped)
            out.append(Sentence(stripped, quantities, prov, i, _clauses(stripped, quantities)))
    return out


_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def _clauses(text: str, quantities: Iterable[Quantity] = ()) -> list[tuple[int, int]]:
    """Clause spans; a thousands separator (3,418.27) or a mark inside a figure (7800元/人、年)
    never ends a clause."""
    spans, start = [], 0
    grouping = {m.start() for m in _THOUSANDS.finditer(text)}
    grouping.update(i for q in quantities for i in range(q.start, q.end))
    for i, char in enumerate(text):
        if char in _CLAUSE_END and i not in grouping:
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
    ("dibao_standard_urban", r"(城市|城镇)(居民)?(低保|最低生活保障).{0,4}标准"),
    ("dibao_standard_rural", r"农村(居民)?(低保|最低生活保障).{0,4}标准"),
    ("urban_dibao_avg_benefit", r"(城市|城镇).{0,8}(补差|补助水平)"),
    ("rural_dibao_avg_benefit", r"农村.{0,8}(补差|补助水平)"),
    ("dibao_new", r"新增.{0,6}低保|新纳入.{0,4}低保|低保.{0,4}新增"),
    ("dibao_exit", r"(退出|停保|取消).{0,6}低保|低保.{0,6}(退出|停保)"),
    ("de_facto_unsupported_children", r"事实无人抚养"),
    ("orphans", r"孤儿"),
    ("dibao_edge", r"低保边缘|低边|最低生活保障边缘"),
    ("rigid_expense_hardship", r"刚性支出|支出型"),
    ("low_income_total", r"低收入人口"),
    ("temporary_assistance", r"临时救助"),
    ("tekun_self_care", r"全自理|生活自理"),
    ("tekun_semi_disabled", r"半失能|部分失能"),
    ("tekun_disabled", r"全失能|完全失能"),
    ("tekun_centralized", r"集中供养"),
    ("tekun_dispersed", r"分散供养"),
    ("tekun_urban", r"(城市|城镇)特困"),
    ("tekun_rural", r"农村特困|农村五保"),
    ("tekun_total", r"特困|五保"),
    ("urban_dibao", r"(城市|城镇)低保|(城市|城镇)(居民)?最低生活保障"),
    ("rural_dibao", r"农村低保|农村(居民)?最低生活保障"),
    ("dibao_total", r"低保|最低生活保障|在保家庭|在保对象"),
    ("staff_count", r"从业人[数员]"),
)
_INDICATOR_RES = tuple((name, re.compile(rx)) for name, rx in INDICATORS)
_AVG_FROM_STANDARD = {"urban_dibao_avg_benefit", "rural_dibao_avg_benefit"}


def indicator_of(words: str) -> str | None:
    """The programme the words name (traditional script read like simplified)."""
    words = simplified(words)
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
    """The period or comparison a figure belongs to; a change (提高35元, 减少12户) is "change"
    unless the words say which comparison (同比, 环比)."""
    if q.role in ("before", "after"):
        return q.role
    before = simplified(before)
    for name, rx in _QUALIFIERS[:2] if q.role == "change" else _QUALIFIERS:
        if rx.search(before):
            return name
    if q.role == "change":
        return "change"
    for name, rx in _QUALIFIERS:
        if rx.search(before):
            return name
    return None


# --------------------------------------------------------------------------- facts


def facts_of(sentence_list: list[Sentence]) -> list[Fact]:
    """The facts of the sentences, in reading order.

    A clause that names no programme takes its subject from the sentence, then — for a sentence
    that continues the one before it (其中…, 城镇…, 分别…) — from that sentence, then from the
    section heading it sits under ("七、最低生活保障边缘家庭" … "城镇41户97人").
    """
    out: list[Fact] = []
    section: str | None = None
    last: str | None = None
    previous: Sentence | None = None
    per_block = Counter(s.block for s in sentence_list)
    for s in sentence_list:
        if per_block[s.block] == 1 and _is_heading(s):
            section = indicator_of(s.text)
            last = None
        carried = last if previous is not None and s.block - previous.block in (0, 1) \
            and _CONTINUES.match(s.text) else None
        facts = list(_sentence_facts(s, carried or section))
        out.extend(facts)
        wholes = [f.indicator for f in facts if f.indicator in _PROGRAMMES]
        if wholes:
            last = wholes[-1]  # the total a following 城镇…/其中… row breaks down
        previous = s
    return out


_PARTS = {"urban_dibao", "rural_dibao", "tekun_urban", "tekun_rural", "tekun_centralized",
          "tekun_dispersed", "tekun_self_care", "tekun_semi_disabled", "tekun_disabled"}
_PROGRAMMES = {name for name, _ in INDICATORS} - _PARTS - {
    "tekun_standard_urban", "tekun_standard_rural", "dibao_standard_urban", "dibao_standard_rural",
    "urban_dibao_avg_benefit", "rural_dibao_avg_benefit", "temporary_assistance_reserve",
    "tekun_centralized_rate", "staff_count"}
_CONTINUES = re.compile(r"^\s*(?:其中|分别|城镇|城市|农村|全自理|半失能|全失能|集中|分散)")
_HEADING_MAX = 30


def _is_heading(s: Sentence) -> bool:
    """A line of its own, numbered or short, without figures: a section heading."""
    if s.quantities or len(s.text) > _HEADING_MAX:
        return False
    return bool(_HEADING_START.match(s.text)) or s.text[-1:] not in "。；;，,"


#: How far before a figure (and around it, in a clause without marks) its words are looked for.
#: A real clause is far shorter; the cap keeps a hostile sentence with no marks linear.
WORDS_WINDOW = 400


def _sentence_facts(s: Sentence, inherited: str | None = None) -> Iterator[Fact]:
    subject: str | None = None
    current: Fact | None = None
    current_clause: tuple[int, int] | None = None
    current_own: str | None = None
    previous_end = 0
    earlier = _EarlierSubjects(s)
    for q in _expanded([q for q in s.quantities if not _age_bound(s.text, q)]):
        clause = s.clause_of(q.start)
        low = max(clause[0], q.start - WORDS_WINDOW)
        words = s.text[low:q.start]
        around = s.text[low:min(clause[1], q.end + WORDS_WINDOW)]
        near = s.text[max(low, previous_end):q.start]
        previous_end = max(previous_end, q.end)
        own = indicator_of(_noun_after(s, q, clause[1])) or indicator_of(near) \
            or indicator_of(words) or indicator_of(around)
        if own is None and _BENEFIT.search(words):
            own = _avg_benefit(subject)
        q = _as_rate(q, own or subject)
        if own is None and subject is None:
            subject = earlier.before(clause[0])
        if own is None and subject is None and inherited is not None:
            own = _scoped(inherited, around)
        carried = subject if subject is not None and _fits(subject, q) else None
        indicator = own or carried or _generic(q)
        if own:
            subject = own
        same_clause = current is not None and clause == current_clause
        if same_clause and current is not None and _free(current, q) \
                and (own is None or current_own in (None, own)):
            _add(current, q)
            continue
        if current is not None:
            yield current
        current = _fact(q, indicator, s, clause)
        current_clause, current_own = clause, own
    if current is not None:
        yield current


#: After an age, the people it bounds: "60岁以上老人", "80周岁老年人", "16周岁的未成年人".
_AGE_NOUN = re.compile(r"\s?(?:的|老|儿童|少年|青少年|未成年|成年|人|居民|群众|妇女|男性|女性|学生|残疾|村民|以[上下内])")
_AGE_LEFT = re.compile(r"(?:满|不满|未满|年满|已满|超过|达到|年龄在)\s?$")


#: Indicators of one kind of figure: a subject carried from an earlier clause names a figure of
#: another kind only by accident ("集中供养率不低于20%，每个乡镇至少建成1个服务中心").
_KIND_OF: dict[str, frozenset[str]] = {
    "tekun_centralized_rate": frozenset({"percent"}),
    "temporary_assistance_reserve": frozenset({"amount_yuan"}),
    "staff_count": frozenset({"persons"}),
}
_MONEY = frozenset({"amount_yuan", "rate_yuan_per_month", "rate_yuan_per_year"})


def _fits(indicator: str, q: Quantity) -> bool:
    """Whether a figure can belong to a subject named in an earlier clause: a rate takes a
    percentage, a standard or average benefit an amount of money, a staff count persons."""
    kinds = _KIND_OF.get(indicator)
    if kinds is None and indicator in _LEVELS:
        return q.measure in _MONEY or q.unit.startswith("元")
    return kinds is None or q.measure in kinds


def _age_bound(text: str, q: Quantity) -> bool:
    """An age that says who qualifies ("80周岁以上老年人", "年满16周岁", "18-60岁") is an
    eligibility bound, not a statistic (an average age, "平均年龄78岁", still is one)."""
    if q.unit != "岁":
        return False
    return q.op is not None or q.high is not None \
        or bool(_AGE_LEFT.search(text, max(0, q.start - 3), q.start)) \
        or bool(_AGE_NOUN.match(text, q.end))


_STANDARDS = {"dibao_standard_urban", "dibao_standard_rural", "tekun_standard_urban",
              "tekun_standard_rural"}
_LEVELS = _STANDARDS | _AVG_FROM_STANDARD
#: A plain 元 standard at or above this is a yearly one (低保 and 特困 monthly standards stay below).
_YEARLY_FROM = Decimal(3000)


def _as_rate(q: Quantity, indicator: str | None) -> Quantity:
    """A standard or an average benefit written in plain 元 ("标准由610元提高到650元") is a rate per
    person: per month for an average benefit, per month or per year for a standard by its size."""
    per_head = q.measure == "value" and q.unit == "元/人"  # 低保标准为650元/人
    if indicator not in _LEVELS or (q.measure != "amount_yuan" and not per_head) \
            or q.scale is not None:
        return q
    if indicator in _STANDARDS and abs(q.value) >= _YEARLY_FROM:
        return replace(q, measure="rate_yuan_per_year", unit="元/人·年")
    return replace(q, measure="rate_yuan_per_month", unit="元/人·月")


def _noun_after(s: Sentence, q: Quantity, clause_end: int) -> str:
    """The words a figure counts when it stands before its noun ("196户在保家庭及118户特困供养
    人员"): up to the next figure, at most a dozen characters."""
    later = s.next_figure_start(q.end)
    return s.text[q.end:min(clause_end, q.end + 12, clause_end if later is None else later)]


def _earlier_subject(s: Sentence, before: int) -> str | None:
    """The subject named in an earlier clause of the sentence ("城市低保：保障832户…")."""
    return _EarlierSubjects(s).before(before)


class _EarlierSubjects:
    """`_earlier_subject` for the figures of one sentence, in order: each clause is read once,
    so a sentence of many clauses and many figures stays linear."""

    def __init__(self, s: Sentence) -> None:
        self.s = s
        self.next = 0  # the first clause not read yet
        self.found: str | None = None  # the subject of the last clause read that names one

    def before(self, pos: int) -> str | None:
        clauses = self.s.clauses
        if self.next and clauses[self.next - 1][1] > pos:  # asked about an earlier place
            self.next, self.found = 0, None
        while self.next < len(clauses) and clauses[self.next][1] <= pos:
            start, end = clauses[self.next]
            self.found = indicator_of(self.s.text[start:end][:WORDS_WINDOW * 4]) or self.found
            self.next += 1
        return self.found


_BENEFIT = re.compile(r"补差|补助水平")
_URBAN, _RURAL = re.compile(r"城镇|城市|城区"), re.compile(r"农村|乡村")
_SCOPED = {"dibao_total": ("urban_dibao", "rural_dibao"), "tekun_total": ("tekun_urban", "tekun_rural"),
           "urban_dibao": ("urban_dibao", "rural_dibao"), "rural_dibao": ("urban_dibao", "rural_dibao"),
           "tekun_urban": ("tekun_urban", "tekun_rural"), "tekun_rural": ("tekun_urban", "tekun_rural")}


def _scoped(subject: str, words: str) -> str:
    """An inherited subject narrowed by 城镇/农村 in the clause (低保边缘 → dibao_edge_urban)."""
    urban, rural = bool(_URBAN.search(words)), bool(_RURAL.search(words))
    if urban == rural:
        return subject
    base = subject.removesuffix("_urban").removesuffix("_rural")
    pair = _SCOPED.get(subject, (f"{base}_urban", f"{base}_rural"))
    return pair[0] if urban else pair[1]


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
    if clause[1] - clause[0] > 2 * WORDS_WINDOW:  # a clause without marks: the words around it
        clause = (max(clause[0], q.start - WORDS_WINDOW), min(clause[1], q.end + WORDS_WINDOW))
    text = s.text[clause[0]:clause[1]].strip() or q.text
    if q.role == "change" and indicator in _LEVELS:
        indicator += "_change"  # 每人每月提高35元 is a change of the standard, never the standard
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
        fact.unit = q.unit or None
    setattr(fact, _measure(q), fact_number(value))
    fact.approx = fact.approx or q.approx


def _generic(q: Quantity) -> str:
    return {"households": "households", "persons": "persons", "person_times": "person_times",
            "amount_yuan": "funds", "percent": "rate", "rate_yuan_per_month": "standard_monthly",
            "rate_yuan_per_year": "standard_yearly"}.get(q.measure, "count")
