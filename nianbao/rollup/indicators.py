"""One county's row of core indicators, picked from the facts of its report.

Each column names the fact indicators and the measure it reads (城市低保 persons: indicator
`urban_dibao`, measure `persons`). Among the facts that qualify, the current value wins over the
old one: a figure after a change (由645元提高至697元 → 697), a cumulative amount (累计发放) or the
本期 column of a statistics table beats a "before" or "上年同期" figure; 同比/环比/计划 figures are
never picked. Every value keeps the text it was read from, so a table can show its source.

A total the county does not state (城乡低保 = 城市 + 农村) is the sum of its stated parts and says
so (`derived_from`); a standard stated per year where the column is per month is divided by 12
and says so (`note`).

The fact extractor sometimes leaves a figure without its subject when the subject stands before
a colon ("城市低保：保障832户1155人" gives a generic "households" fact). When the record still has
its sentences, such a figure takes the nearest indicator named earlier in its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Literal

from nianbao.extract.facts import Sentence, indicator_of
from nianbao.extract.vocabulary import summary_columns
from nianbao.model import Fact, Record, Report
from nianbao.text.numbers import decimals
from nianbao.text.quantities import find_quantities

WAN = Decimal(10_000)
Combine = Literal["sum", "range"]


@dataclass(frozen=True)
class Column:
    """One core indicator as a table column: where its value comes from and how it rolls up."""

    id: str
    group_zh: str  # header group: 城市低保
    short_zh: str  # header cell under the group: 人数
    unit: str  # 户 人 人次 万元 元/人·月 元/人·年
    label_en: str
    indicators: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    parts: tuple[tuple[str, ...], ...] = ()  # alternative sets of columns summed when not stated
    combine: Combine = "sum"
    flow: bool = False  # spending and cases accumulate over the year; stocks are at period end
    shown: bool = True
    long_zh: str = ""  # the indicator's name when group + short does not read well

    @property
    def label_zh(self) -> str:
        return self.long_zh or self.group_zh + self.short_zh


def _columns() -> tuple[Column, ...]:
    """The columns of the indicator data file (nianbao/data/indicators.toml, summary_column)."""
    return tuple(Column(
        id=c["id"], group_zh=c["group_zh"], short_zh=c["short_zh"], unit=c["unit"],
        label_en=c["label_en"], indicators=tuple(c["indicators"]), measures=tuple(c["measures"]),
        parts=tuple(tuple(p) for p in c.get("parts", ())), combine=c.get("combine", "sum"),
        flow=bool(c.get("flow", False)), shown=bool(c.get("shown", True)),
        long_zh=c.get("long_zh", "")) for c in summary_columns())


COLUMNS: tuple[Column, ...] = _columns()
COLUMN = {c.id: c for c in COLUMNS}

# Facts whose indicator says only what was counted, not of whom.
GENERIC = frozenset({"households", "persons", "person_times", "funds", "rate", "count",
                     "standard_monthly", "standard_yearly"})
_NEVER = frozenset({"yoy", "mom", "plan", "previous_year", "previous_period"})
_RANK_STOCK = {"after": 0, "current": 0, None: 1, "annual": 1, "cumulative": 2, "monthly": 2,
               "before": 5}
_RANK_FLOW = {"cumulative": 0, "annual": 0, "after": 1, None: 1, "current": 2, "monthly": 3,
              "before": 5}


@dataclass(frozen=True)
class Value:
    """One cell: the number in its column's unit and where it came from."""

    number: Decimal
    source: str = ""  # the fact's text; empty when computed
    path: str = ""  # the file the fact was read from
    page: int | None = None
    qualifier: str | None = None
    derived_from: tuple[str, ...] = ()  # the columns summed when the county states no total
    tolerance: Decimal = Decimal(0)  # half a unit of the last stated digit (summed for totals)
    note: str = ""  # how a stated figure was converted (年标准÷12)
    approx: bool = False
    before: Decimal | None = None  # the old figure of a change (由645元提高至697元 → 645)

    @property
    def stated(self) -> bool:
        return not self.derived_from


@dataclass
class CountyRow:
    """A county's core indicators, one Value per column that its documents give."""

    name: str
    paths: list[str] = field(default_factory=list)
    org: str | None = None
    year: int | None = None
    as_of: str | None = None
    values: dict[str, Value] = field(default_factory=dict)
    # Figures the document itself gives for the year before (上年同期 columns).
    stated_previous: dict[str, Value] = field(default_factory=dict)
    # Columns two documents of the county state differently: (column id, kept, other).
    conflicts: list[tuple[str, Value, Value]] = field(default_factory=list)

    def number(self, column_id: str) -> Decimal | None:
        value = self.values.get(column_id)
        return value.number if value is not None else None


# --------------------------------------------------------------------------- names

_COUNTY = re.compile(r"^(.+?(?:自治县|自治旗|林区|特区|新区|县|区|市|旗))")
_YEAR_TAIL = re.compile(r"[_\-\s]*(?:19|20)\d{2}.*$")


def county_name(record: Record, path: str | Path = "", region: str | None = None) -> str:
    """The county a record is about: its org (or the title's) without the region in front and
    without the office after the place name (民政局, 社会救助服务中心); else the file name."""
    title = record.fields.get("title") if isinstance(record.fields.get("title"), str) else ""
    for candidate in (record.org, record.fields.get("name"), _title_org(str(title))):
        if isinstance(candidate, str) and candidate.strip():
            name = place_name(candidate.strip(), region)
            if name:
                return name
    stem = Path(path).stem
    stem = _YEAR_TAIL.sub("", re.sub(r"^\d+[_\-\s]*", "", stem)) or stem
    return stem or "（未命名）"


def place_name(org: str, region: str | None = None) -> str:
    """"平顶山市湛河区民政局" → "湛河区" for region 平顶山市; the region itself → the region;
    "" when the org names no place."""
    rest = org
    if region and rest.startswith(region):
        rest = rest[len(region):]
        if not _COUNTY.match(rest):
            return region
    m = _COUNTY.match(rest)
    return m.group(1) if m else ""  # no place name in it ("社会救助中心", "关于")


def is_region(record: Record, region: str) -> bool:
    """Whether the record is the region's own document: its org names the region, not a county
    of it; or, naming no org, its title speaks for the whole region ("2025年全市…总结")."""
    title = record.fields.get("title")
    title = title if isinstance(title, str) else ""
    for candidate in (record.org, record.fields.get("name"), _title_org(title)):
        if isinstance(candidate, str) and candidate.strip():
            return place_name(candidate.strip(), region) == region
    return bool(region) and f"全{region[-1]}" in title


def _title_org(title: str) -> str | None:
    m = re.match(r"^(.{2,40}?)(?:20\d{2}\s*年)", title)
    return m.group(1).strip() if m else None


# --------------------------------------------------------------------------- values


def county_row(report: Report, region: str | None = None, name: str | None = None) -> CountyRow:
    """The row of core indicators of one checked document."""
    return row_from_record(report.record, report.source.path, region, name)


def row_from_record(record: Record, path: str = "", region: str | None = None,
                    name: str | None = None) -> CountyRow:
    """The row of a record (a stored record from an earlier year works: it has its facts)."""
    facts = resolved_facts(record)
    row = CountyRow(name=name or county_name(record, path, region), paths=[path] if path else [],
                    org=record.org, year=record.year, as_of=record.as_of)
    for column in COLUMNS:
        picked = pick(column, facts, path)
        if picked is not None:
            row.values[column.id] = picked
        before = pick(column, facts, path, qualifiers=frozenset({"previous_year"}))
        if before is not None:
            row.stated_previous[column.id] = before
    fill_totals(row.values)
    fill_totals(row.stated_previous)
    return row


def resolved_facts(record: Record) -> list[Fact]:
    """The record's facts, a generic one ("保障832户1155人") given the indicator named earlier
    in its sentence when the sentences are known."""
    sentences: list[Sentence] = [s for s in record.sentences if isinstance(s, Sentence)]
    out: list[Fact] = []
    cursor = 0
    for fact in record.facts:
        if fact.indicator not in GENERIC or not sentences:
            out.append(fact)
            continue
        found = _subject(fact, sentences, cursor)
        if found is None:
            out.append(fact)
            continue
        indicator, cursor = found
        out.append(replace(fact, indicator=indicator))
    return out


def _subject(fact: Fact, sentences: list[Sentence], cursor: int) -> tuple[str, int] | None:
    for i in range(cursor, len(sentences)):
        s = sentences[i]
        pos = s.text.find(fact.text)
        if pos < 0:
            continue
        for start, end in reversed(s.clauses):
            if end <= pos:
                indicator = indicator_of(s.text[start:end])
                if indicator is not None:
                    return indicator, i
        return None
    return None


def pick(column: Column, facts: list[Fact], path: str = "",
         qualifiers: frozenset[str] | None = None) -> Value | None:
    """The best fact for the column, as a Value in the column's unit; None when no fact fits.
    With `qualifiers`, only facts with one of them count (e.g. the 上年同期 figures)."""
    best: tuple[float, int, Value] | None = None
    ranks = _RANK_FLOW if column.flow else _RANK_STOCK
    for order, fact in enumerate(facts):
        if fact.indicator not in column.indicators:
            continue
        if qualifiers is None and fact.qualifier in _NEVER:
            continue
        if qualifiers is not None and fact.qualifier not in qualifiers:
            continue
        value = _value(column, fact, path)
        if value is None:
            continue
        rank = float(ranks.get(fact.qualifier, 4)) + (0.5 if fact.approx else 0)
        rank += 3 if fact.text.startswith("其中") and \
            indicator_of(fact.text) not in column.indicators else 0
        if best is None or (rank, order) < best[:2]:
            best = (rank, order, value)
    if best is None:
        return None
    chosen = best[2]
    if chosen.qualifier == "after":
        for fact in facts:
            if fact.text == chosen.source and fact.qualifier == "before" \
                    and fact.indicator in column.indicators:
                old = _value(column, fact, path)
                if old is not None:
                    return replace(chosen, before=old.number)
    return chosen


def _value(column: Column, fact: Fact, path: str) -> Value | None:
    for measure in column.measures:
        raw = getattr(fact, measure, None)
        if raw is None or isinstance(raw, bool):
            continue
        number = Decimal(str(raw))
        if number < 0:
            return None
        note = ""
        if measure == "amount_yuan":
            number = number / WAN
        elif measure == "rate_yuan_per_year" and column.unit == "元/人·月":
            number, note = (number / 12).quantize(Decimal("0.01")), "年标准÷12"
        elif measure == "rate_yuan_per_month" and column.unit == "元/人·年":
            number, note = number * 12, "月标准×12"
        return Value(number=number, source=fact.text, path=path, page=fact.page,
                     qualifier=fact.qualifier, tolerance=_tolerance(fact, measure, raw),
                     note=note, approx=fact.approx)
    return None


def _tolerance(fact: Fact, measure: str, raw: float) -> Decimal:
    """Half a unit of the figure's last written digit, in the column's unit (万元 for money)."""
    if measure != "amount_yuan":
        return Decimal(0)
    if "\t" in fact.text:  # a statistics-table cell: "城市低保资金（万元）\t453.10"
        label, cell = fact.text.rsplit("\t", 1)
        scale = Decimal(1) if "万元" in label else Decimal("0.0001")
        return Decimal("0.5") * Decimal(10) ** -decimals(cell.strip()) * scale
    for q in find_quantities(fact.text):
        if q.measure == "amount_yuan" and q.value == Decimal(str(raw)):
            return q.tolerance / WAN
    exponent = (Decimal(str(raw)) / WAN).normalize().as_tuple().exponent
    return Decimal("0.5") * Decimal(10) ** min(int(exponent), 0)


def fill_totals(values: dict[str, Value]) -> None:
    """Add the totals a county does not state but whose parts it does (城市 + 农村)."""
    for column in COLUMNS:
        if column.id in values or not column.parts:
            continue
        for parts in column.parts:
            found = [values.get(p) for p in parts]
            if all(v is not None for v in found):
                stated = [v for v in found if v is not None]
                values[column.id] = Value(
                    number=sum((v.number for v in stated), Decimal(0)),
                    path=stated[0].path, derived_from=parts,
                    tolerance=sum((v.tolerance for v in stated), Decimal(0)),
                    approx=any(v.approx for v in stated))
                break


def merge(rows: list[CountyRow]) -> CountyRow:
    """One row from several documents of the same county (a work summary and a statistics
    report): the first document's stated value wins, later ones fill the gaps."""
    first = rows[0]
    out = CountyRow(name=first.name, org=first.org, year=first.year, as_of=first.as_of)
    for row in rows:
        out.paths.extend(p for p in row.paths if p not in out.paths)
        out.as_of = max(filter(None, (out.as_of, row.as_of)), default=None)
        for target, source in ((out.values, row.values), (out.stated_previous,
                                                          row.stated_previous)):
            for key, value in source.items():
                kept = target.get(key)
                if not value.stated:
                    continue
                if kept is None or not kept.stated:
                    target[key] = value
                elif kept.number != value.number and target is out.values:
                    out.conflicts.append((key, kept, value))
    for target in (out.values, out.stated_previous):
        for key in [k for k, v in target.items() if not v.stated]:
            del target[key]
        fill_totals(target)
    return out
