"""Figures damaged in the text: inconsistent units, merged or split numbers, malformed dates."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.checks.text import texts, window
from nianbao.extract.facts import Sentence
from nianbao.text.dates import glued_dates, zh_date
from nianbao.text.quantities import Quantity

_NOUN = re.compile(r"^[的]?([\u4e00-\u9fff]{2,4})")
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_LONG_YEAR = re.compile(r"(?<!\d)(20\d{3,})年")
_ENDS_IN_DIGIT = re.compile(r"\d[\d,.]*$")
_STARTS_WITH_FIGURE = re.compile(r"^[\d,.]*\d*\s*(万|亿)?(户|人次|人|名|元|万元|%)")
#: The case the annual-report parser reports, under `text.unit` or `text.date-format`, for a
#: form value it cannot read (the value becomes null).
UNREADABLE = {"unreadable": ("无法识别“{label}”的值：{value}",
                             "cannot read the value of {field}: {value}")}


@rule("text.unit", "warning",
      title=("同一数字单位前后不一", "one figure with two different units"),
      message=("同一数字{value}先写作“{first}”，后又写作“{second}”，单位前后不一致",
               ("the figure {value} is written as {first} and later as {second}: "
               "inconsistent units")),
      cases=UNREADABLE)
def unit(ctx: CheckContext) -> Iterator[Hit]:
    """户 counts families and 人/名 counts people (spec §4.2 S4); the same number with the
    same noun written once with 户 and once with 名 means one of them is wrong."""
    seen: dict[tuple[str, str], tuple[str, str, Sentence]] = {}
    for s in ctx.record.sentences:
        for q in s.quantities:
            if q.measure not in ("households", "persons") or q.value < 10 or q.approx:
                continue
            noun = _NOUN.match(s.text[q.end:q.end + 5])
            if not noun:
                continue
            key = (str(q.value), noun.group(1)[:2])
            written = s.text[q.start:q.end] + noun.group(1)
            if key in seen and seen[key][0] != q.measure:
                _, first_text, first_s = seen[key]
                yield Hit({"value": str(q.value), "first": first_text, "second": written},
                          "/facts", first_text, first_s.prov)
                continue
            seen.setdefault(key, (q.measure, written, s))


@rule("text.corrupted-number", "warning",
      title=("数字疑似粘连或损坏", "a number looks merged or mangled"),
      message=("“{figure}”看起来是两个数字粘在一起或识别错误（与文中其他数字相比大得不合理）",
               "{figure} looks merged or mangled (implausibly large next to the other figures)"),
      cases={"year": ("“{figure}”看起来是两个数字粘在一起或识别错误（年份与数字粘连）",
                      "{figure} looks merged or mangled (a year merged into the figure)")})
def corrupted_number(ctx: CheckContext) -> Iterator[Hit]:
    """Copying from PDF or OCR merges a year into the next figure ("20230%") or two figures
    into one ("10521989人"); the result is a number no county could report."""
    typical = _typical_counts(ctx.record.sentences)
    years = _document_years(ctx)
    stated: set[tuple[str, Decimal]] = {(q.measure, q.value) for s in ctx.record.sentences
                                        for q in s.quantities}
    for s in ctx.record.sentences:
        for q in s.quantities:
            median = typical.get(q.measure)
            merged_year = _glued_year(s.text, q, years, median, stated)
            huge = median is not None and q.scale is None and q.value >= 10**6 \
                and q.value > 1000 * median
            if (q.measure == "percent" and q.value > 1000) or merged_year or huge:
                yield Hit({"figure": q.text}, "/facts", window(s.text, q.start, q.end, 8, 0),
                          s.prov, case="year" if merged_year else "")


@rule("text.split-number", "warning",
      title=("数字被换行或分页截断", "a number broken by a line or page break"),
      message=("数字在“{before}”与“{after}”之间被换行或分页截断",
               "a number is broken between {before} and {after}"))
def split_number(ctx: CheckContext) -> Iterator[Hit]:
    """A page break or a hard line wrap inside a figure ("共12" / "34人") makes two wrong
    numbers out of one; the reader of the filing sees neither."""
    lines = list(texts(ctx))
    for (pointer, prev, prov), (_, nxt, _) in itertools.pairwise(lines):
        tail, head = _ENDS_IN_DIGIT.search(prev), _STARTS_WITH_FIGURE.match(nxt.strip())
        if tail and head and head.group(0)[0].isdigit():
            before, after = prev[-10:], nxt.strip()[:10]
            yield Hit({"before": before, "after": after}, pointer, before + after, prov)


@rule("text.date-format", "warning",
      title=("日期格式错误", "malformed date"),
      message=("日期“{date}”不存在或格式不对", "the date {date} does not exist or is malformed"),
      cases={"glued": ("日期“{date}”缺少年月日分隔，可能是{reading}",
                       "the date {date} has lost its separators; probably {reading_en}"),
             **UNREADABLE})
def date_format(ctx: CheckContext) -> Iterator[Hit]:
    """Dates are written 2026年3月4日 (GB/T 9704-2012 §7.3.5); a month above 12, a day the
    month does not have or a five-digit year is a typing or OCR error, and a date that lost its
    年/月 ("自202391日起", "落款 20230915") cannot be read with certainty: the finding gives the
    likely reading for the filer to confirm."""
    for pointer, line, prov in texts(ctx):
        for m in _DATE.finditer(line):
            year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
            if not _valid(year, month, int(day) if day else 1):
                yield Hit({"date": m.group(0)}, pointer, m.group(0), prov)
        for m in _LONG_YEAR.finditer(line):
            if not any(start <= m.start() < end for start, end, _ in glued_dates(line)):
                yield Hit({"date": m.group(0)}, pointer, m.group(0), prov)
        for start, end, readings in glued_dates(line):
            zh = "或".join(zh_date(d) if "日" in line[start:end] or len(line[start:end]) == 8
                          else f"{d.year}年{d.month}月" for d in readings)
            en = " or ".join(d.isoformat() for d in readings)
            evidence = window(line, start, end, 4, 4)
            yield Hit({"date": line[start:end], "reading": zh, "reading_en": en},
                      pointer, evidence, prov, case="glued")


_DATE_WORDS = re.compile(r"(?:截至|截止|至|到|于|自|从|在)\s*$")
_COUNTS = ("households", "persons", "person_times")


def _glued_year(text: str, q: Quantity, years: set[int], median: Decimal | None,
                stated: set[tuple[str, Decimal]]) -> bool:
    """A year of the document glued to the figure after it ("截至20231125户", "20231155人" among
    counts in the hundreds). A number that merely starts with 19 or 20 (补贴203415元, 累计发放
    19023451.6元) is an ordinary figure: the year must be one the document is about, and a date
    word stands before it, or the figure is far out of line with the document's counts, or what
    follows the year is a figure the document states elsewhere."""
    digits = q.raw.split(".")[0].replace(",", "").replace("，", "")
    if q.scale is not None or len(digits) < 6 or not digits.isdigit() \
            or int(digits[:4]) not in years or q.measure not in _COUNTS:
        return False
    rest = Decimal(digits[4:].lstrip("0") or "0")
    if rest == 0:
        return False
    date_word = bool(_DATE_WORDS.search(text, max(0, q.start - 3), q.start))
    out_of_line = median is not None and q.value > 100 * median and rest <= 100 * median
    return date_word or out_of_line or (q.measure, rest) in stated


def _document_years(ctx: CheckContext) -> set[int]:
    """The year the document is about, a year either side, and the years its text names."""
    years = {y + d for y in (ctx.record.year,) if y for d in (-1, 0, 1)}
    for s in ctx.record.sentences[:400]:
        years.update(int(m.group(1)) for m in _YEAR_WORD.finditer(s.text))
    return years


_YEAR_WORD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def _typical_counts(sentences: list[Sentence]) -> dict[str, Decimal]:
    """The median household and person count of the document (with at least four figures)."""
    out: dict[str, Decimal] = {}
    for measure in ("households", "persons", "person_times"):
        values = sorted(q.value for s in sentences for q in s.quantities if q.measure == measure)
        if len(values) >= 4:
            out[measure] = values[len(values) // 2]
    return out


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


RULES: tuple[Rule, ...] = (unit, corrupted_number, split_number, date_format)
