"""The indicator vocabulary (nianbao/data/indicators.toml): a row label → indicator id, measure
and unit, and units → measure and exact scale.

The vocabulary is data, read once per process; this module only looks labels up in it. A label
is first normalised (numbering, 其中：, spaces and a bracketed unit removed), then matched against
the entries' exact labels, then against their patterns in file order. An entry with `under`
applies only below a parent row of one of those ids (当月新增 below 城市低保人数). A label that no
entry knows gets a readable id made of the words it contains (城市低保金 → `urban_dibao_payment`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).resolve().parent.parent / "data" / "indicators.toml"


@dataclass(frozen=True)
class Entry:
    """One label meaning: indicator id, the measure it counts, the unit it implies."""

    id: str
    measure: str
    unit: str
    known: bool = True  # False: an id made up from the label's words


@dataclass(frozen=True)
class Unit:
    """A unit as written (万人, 元/人、月) and how a value in it becomes a contract measure."""

    text: str
    measure: str
    scale: Decimal
    approx: bool = False  # values given in 万人/万户 are rounded


@dataclass(frozen=True)
class _Pattern:
    entry: Entry
    rx: re.Pattern[str]
    under: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    exact: dict[str, tuple[tuple[Entry, frozenset[str]], ...]]
    patterns: tuple[_Pattern, ...]
    identities: tuple[tuple[str, tuple[str, ...]], ...]
    words: tuple[tuple[str, str], ...]
    summary_columns: tuple[dict[str, Any], ...] = ()


@cache
def vocabulary(path: Path = _DATA) -> Vocabulary:
    """The vocabulary file, parsed once."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    exact: dict[str, list[tuple[Entry, frozenset[str]]]] = {}
    patterns: list[_Pattern] = []
    for item in data.get("indicator", []):
        entry = Entry(item["id"], item["measure"], item["unit"])
        under = frozenset(item.get("under", ()))
        for label in item.get("labels", ()):
            exact.setdefault(normalise_label(label), []).append((entry, under))
        if item.get("match"):
            patterns.append(_Pattern(entry, re.compile(item["match"]), under))
    identities = tuple((i["total"], tuple(i["parts"])) for i in data.get("identity", []))
    words = tuple(sorted(data.get("words", {}).items(), key=lambda kv: -len(kv[0])))
    return Vocabulary({k: tuple(v) for k, v in exact.items()}, tuple(patterns), identities, words,
                      tuple(data.get("summary_column", ())))


_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）][、.．]?"
    r"|\d{1,2}\s*[.．、](?!\d)|[A-Z]\s*[.．、]|(?:Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|I{1,3}|IV|VI{0,3})\s*[.．、])\s*")
_QIZHONG = re.compile(r"^\s*其中\s*[：:，,]?\s*")
_BRACKET_UNIT = re.compile(r"[（(][^（()）]{1,8}[)）]\s*$")


@lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    """"（1）城市低保金（万元）" → "城市低保金"; "其中：当月新增" → "当月新增"."""
    text = _QIZHONG.sub("", _MARKER.sub("", label))
    text = _QIZHONG.sub("", text)
    text = _BRACKET_UNIT.sub("", text)
    return re.sub(r"\s+", "", text).rstrip("：:")


@lru_cache(maxsize=4096)
def lookup(label: str, parent: str | None = None, measure: str | None = None) -> Entry | None:
    """The entry for a row label, read below a parent row of indicator `parent`; with
    `measure` (from the row's unit) an entry counting that measure is preferred. None when the
    vocabulary does not know the label."""
    vocab = vocabulary()
    key = normalise_label(label)
    candidates = [e for e, under in vocab.exact.get(key, ()) if not under or parent in under]
    if not candidates:
        candidates = [p.entry for p in vocab.patterns
                      if (not p.under or parent in p.under) and p.rx.search(key)]
        if candidates:
            first = candidates[0].id
            candidates = [e for e in candidates if e.id == first]
    if not candidates:
        return None
    if measure is not None:
        for entry in candidates:
            if entry.measure == measure:
                return entry
        return Entry(candidates[0].id, measure, candidates[0].unit)
    return candidates[0]


@lru_cache(maxsize=4096)
def readable_id(label: str) -> str:
    """A snake_case id from the words of a label no entry knows: 城市低保金 → urban_dibao_payment.
    Falls back to `indicator` when no word is known."""
    text = normalise_label(label)
    tokens: list[str] = []
    i = 0
    words = vocabulary().words
    while i < len(text):
        for word, token in words:
            if text.startswith(word, i):
                if not tokens or tokens[-1] != token:
                    tokens.append(token)
                i += len(word)
                break
        else:
            i += 1
    return "_".join(tokens) or "indicator"


def summary_columns() -> tuple[dict[str, Any], ...]:
    """The county-summary columns (nianbao.rollup), as the data file gives them."""
    return vocabulary().summary_columns


def identities() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(total id, part ids) whose parts add up to the total (城乡 = 城市 + 农村)."""
    return vocabulary().identities


# --------------------------------------------------------------------------- units

_UNITS: dict[str, tuple[str, Decimal, bool]] = {
    "户": ("households", Decimal(1), False), "人": ("persons", Decimal(1), False),
    "人次": ("person_times", Decimal(1), False), "户次": ("value", Decimal(1), False),
    "万户": ("households", Decimal(10_000), True), "万人": ("persons", Decimal(10_000), True),
    "万人次": ("person_times", Decimal(10_000), True),
    "元": ("amount_yuan", Decimal(1), False), "万元": ("amount_yuan", Decimal(10_000), False),
    "亿元": ("amount_yuan", Decimal(100_000_000), False), "千元": ("amount_yuan", Decimal(1000), False),
    "%": ("percent", Decimal(1), False), "‰": ("value", Decimal(1), False),
    "元/人·月": ("rate_yuan_per_month", Decimal(1), False),
    "元/人·年": ("rate_yuan_per_year", Decimal(1), False),
    "元/人次": ("value", Decimal(1), False),
    "个": ("value", Decimal(1), False), "张": ("value", Decimal(1), False),
    "家": ("value", Decimal(1), False), "所": ("value", Decimal(1), False),
    "次": ("value", Decimal(1), False), "件": ("value", Decimal(1), False),
}
_RATE = re.compile(r"^元\s*[/∕／]\s*(?:人\s*[·.、．•・/∕]?\s*)?([月年])$|^元\s*[/∕／]\s*([月年])\s*[·.、．•・]?\s*人$")


@lru_cache(maxsize=1024)
def unit_of(text: str) -> Unit | None:
    """A unit cell or bracketed unit as a Unit: "元/人、月" → monthly rate; None if unknown."""
    t = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").strip("()")
    t = t.replace("％", "%")
    if t in _UNITS:
        measure, scale, approx = _UNITS[t]
        return Unit(t, measure, scale, approx)
    m = _RATE.match(t)
    if m:
        month = (m.group(1) or m.group(2)) == "月"
        return Unit(t, "rate_yuan_per_month" if month else "rate_yuan_per_year", Decimal(1))
    return None


_LABEL_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"人次$"), "人次"), (re.compile(r"户次$"), "户次"), (re.compile(r"户数$"), "户"),
    (re.compile(r"(?:人数|人员|对象|儿童|孤儿)$"), "人"), (re.compile(r"(?:率|比例|比重)$"), "%"),
    (re.compile(r"(?:支出|资金|经费|金额|补助金|补贴|费)$"), "万元"),
)


def unit_from_label(label: str, money_unit: str | None = None) -> str | None:
    """The unit a label implies when the row gives none: …人数 → 人, …户数 → 户, …支出 → the
    header's money unit (万元 by default in the statistics system)."""
    m = _BRACKET_UNIT.search(label)
    if m and unit_of(m.group(0)) is not None:
        return unit_of(m.group(0)).text  # type: ignore[union-attr]
    key = normalise_label(label)
    for rx, unit in _LABEL_UNITS:
        if rx.search(key):
            return money_unit or unit if unit == "万元" else unit
    return None
