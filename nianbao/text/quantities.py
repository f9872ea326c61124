"""Every statistic in a sentence of a social-assistance document, read exactly.

    >>> for q in find_quantities("保障832户1155人，累计发放救助资金约498.08万元"):
    ...     print(q.text, q.value, q.measure, q.approx)
    832户 832 households False
    1155人 1155 persons False
    约498.08万元 4980800 amount_yuan True

A quantity is a number followed by a unit ("6800户", "1125 人次", "10453余万元", "645元/人·月",
"98%", "百分之九十八"), with the words around it that change its reading: approximation (约 近 逾 超
余 多 左右 上下), comparison (不低于 不超过 超过 低于 以上 以下), period (每人每月 每年), a change (净增
增加 下降 → role "change", negative for decreases) and a before/after pair (由645元提升至697元).

Not quantities, by rule rather than by list:

- a number without a unit (years, table cells, section numbers "1.", document numbers "〔2025〕9号"),
  except percentages and numbers with a scale ("180万");
- dates: 年, 月 and 日 are not units ("2025年12月", "7月6日", "6月底"); durations are ("12个月",
  "24小时", "25个工作日");
- ordinals ("第3批"), codes and phone numbers (a number touching Latin letters, starting with 0, or
  of 11+ digits), the tail of a longer number or fraction ("0731-1234567", "1/3");
- rhetorical counts of slogans: "三个100%", "三个百分之百" (a percentage straight after 个);
- Chinese numerals, unless followed by a statistical unit (户 户次 人 人次 名 元 % 百分点), so
  "一是", "四级联动", "六个到位", "三项机制" are words, not counts (a count of built places after
  a verb of building or having is one: "新建三个救助站", "共有两所敬老院"); and even then not a lone "一"
  ("不落一人", "一户一档", "无一名学生"), not digit-by-digit ("二〇二五", "三四人"), and not
  "X户一…" distributive phrases ("每两户一名网格员").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from nianbao.text.numbers import (
    ARABIC,
    CHINESE,
    CN_DIGITS,
    CN_SCALES,
    CN_UNITS,
    FOLD,
    SCALES,
    decimals,
    parse_chinese,
    tidy,
    to_decimal,
    too_long,
)

Measure = Literal["households", "persons", "person_times", "household_times", "amount_yuan",
                  "rate_yuan_per_month", "rate_yuan_per_year", "percent", "value"]
Op = Literal["ge", "le", "gt", "lt"]
Role = Literal["before", "after", "change"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """One figure: `value` in base units (yuan, persons, households…; 98 for 98%).

    `text` is `source[start:end]`, modifiers included ("约2.13万余人"), change verbs not. `raw` is the
    number as written ("2.13", "一万二千三百", "2-3"), `scale` the 万/亿 written after it, `precision`
    its decimal places and `tolerance` half a unit of its last digit in base units (498.08万元 → 50).
    A range ("2-3个") has `value` = low and `high` = high.
    """

    value: Decimal
    unit: str
    measure: Measure
    start: int
    end: int
    text: str
    raw: str
    scale: str | None = None
    precision: int = 0
    tolerance: Decimal = Decimal("0.5")
    approx: bool = False
    op: Op | None = None
    role: Role | None = None
    high: Decimal | None = None

    @property
    def exact(self) -> bool:
        """A single stated value: not approximate, not a bound, not a range."""
        return not self.approx and self.op is None and self.high is None

    def reading(self) -> dict[str, object]:
        """What the figure says, without where or how it was written."""
        return {"value": self.value, "unit": self.unit, "measure": self.measure,
                "scale": self.scale, "precision": self.precision, "tolerance": self.tolerance,
                "approx": self.approx, "op": self.op, "role": self.role, "high": self.high}


# --- vocabulary -----------------------------------------------------------------------------

_OPS: dict[str, Op] = {
    "不低于": "ge", "不少于": "ge", "不小于": "ge", "至少": "ge", "最少": "ge",
    "最低": "ge", "不超过": "le", "不高于": "le", "不多于": "le", "不大于": "le", "至多": "le",
    "最多": "le", "最高": "le",
    "超过": "gt", "高于": "gt", "多于": "gt", "大于": "gt",
    "低于": "lt", "少于": "lt", "小于": "lt", "不足": "lt", "不到": "lt",
}
_SUFFIX_OPS: dict[str, Op] = {"及以上": "ge", "以上": "ge", "及以下": "le", "以下": "le", "以内": "le"}
#: Approximation words; 约 and 近 also end ordinary words (签约 300户, 节约, 最近 3个月, 附近).
_APPROX = r"大约|接近|将近|(?<![节制预签契公条违集履特邀简隐])约|(?<![最附就亲靠临邻贴远])近|逾|超"
_PERIOD_WORDS: dict[str, tuple[str | None, str]] = {
    "每人每月": ("人", "月"), "每月每人": ("人", "月"), "人均每月": ("人", "月"), "月人均": ("人", "月"),
    "人均月": ("人", "月"), "每户每月": ("户", "月"), "每月每户": ("户", "月"), "每月": (None, "月"),
    "每人每年": ("人", "年"), "每年每人": ("人", "年"), "人均每年": ("人", "年"), "年人均": ("人", "年"),
    "人均年": ("人", "年"), "每户每年": ("户", "年"), "每年每户": ("户", "年"), "每年": (None, "年"),
    "每人每个月": ("人", "月"), "每个月": (None, "月"),  # as people say it (每个月能领到600多元)
}
_COUNT_UNITS: dict[str, tuple[str, Measure]] = {
    "户": ("户", "households"), "人": ("人", "persons"), "名": ("人", "persons"),
    "人次": ("人次", "person_times"), "户次": ("户次", "household_times"), "%": ("%", "percent"),
}
#: Units a Chinese numeral must be followed by to count as a statistic.
_STAT_UNITS = frozenset({"户", "户次", "人", "人次", "名", "元", "%", "百分点", "个百分点", "倍"})
_RATE_MEASURES: dict[str, Measure] = {"月": "rate_yuan_per_month", "年": "rate_yuan_per_year"}
_UNIT_ALIASES = {"个百分点": "百分点", "周岁": "岁", "工作日": "个工作日", "日内": "天"}
_TIME_UNITS = frozenset({"个月", "个季度", "个工作日", "天", "小时", "分钟", "周"})
_OTHER_UNITS = ("个月", "个季度", "个工作日", "工作日", "个百分点", "百分点", "周岁", "批次",
                "平方米", "公斤", "千克", "小时", "分钟", "个", "张", "条", "份", "家", "所", "套",
                "件", "项", "次", "批", "台", "辆", "座", "场", "期", "床", "岁", "倍", "天", "周",
                "斤", "吨", "亩", "‰", "具", "处", "间", "宗", "起", "笔", "对",
                "日内")  # 40日内 (a time limit; 日 alone is a date: 7月6日)


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# --- the pattern (run on FOLD-ed text, so spans are spans of the original) -------------------

_SP = r"[ \t\u00a0]?"  # one optional space: "1125 人次", "2 万份", "超 290 人次"
_MOD = "|".join([_alt(_OPS), _alt(_PERIOD_WORDS), _APPROX])
_CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_SCALES)
_D = "".join(CN_DIGITS)
_D_NO_ONE = _D.replace("一", "").replace("〇", "").replace("零", "")  # 一成不变 is an idiom
_NOT_CHENG = "员本果功立为型绩交效就长品熟全"  # 八成员? 九成新 is fine; 三成本, 五成熟 are not shares
# Characters a quantity can end with: a "-" after one of them is a range dash, not a minus sign.
_ENDS = re.escape("".join({u[-1] for u in _OTHER_UNITS} | set("0123456789元人户次名%)）")))
# 元 with an optional per-unit: 元/人·月, 元/(人·月), 元/人月, 元/月, 元/月/人, 元/人、月, 元/人次,
# 元/户, 元/次 (the division slash ∕ is folded to /).
_DOT = r"[·•・‧.*×/、]?"
_RATE = (rf"[ ]?/[ ]?[(（]?(?:(?P<who>人次|户次|人|户)(?:{_DOT}(?P<per>月|年|天|日))?"
         rf"|(?P<per2>月|年|天|日)(?:{_DOT}(?P<who2>人|户))?|(?P<each>次))[)）]?")

_QUANTITY = re.compile(
    rf"""
    (?P<mods>(?:(?:{_MOD}){_SP}){{0,3}})            # 约 / 不低于 / 每人每月 …, any order
    (?<![0-9A-Za-z._/第×])(?<![0-9][-,，*＊])(?<![0-9][*＊]{{2}})  # not in a number, code, mask
    (?:
        (?:(?<![{_ENDS}])(?P<sign>[-−]))?               # a sign, unless a range dash: 5%-10%
        (?P<ar>{ARABIC})(?![A-Za-z])
        (?:{_SP}[-~～—–至到]{_SP}(?P<ar2>{ARABIC}))?  # a range: 2-3个, 5至10人
      | 百分之(?P<pct>{ARABIC}|{CHINESE}|百)          # 百分之九十八, 百分之百
      | (?<![{_CN_CHARS}])(?P<den>[{_D}十]{{1,3}})分之(?P<num>[{_D}十]{{1,3}})  # 三分之二
      | (?<![{_CN_CHARS}])(?P<tenths>[{_D_NO_ONE}]|十)成(?![{_NOT_CHENG}])  # 八成, 近七成
      | (?<![{_CN_CHARS}每前头])(?P<cn>{CHINESE})     # 两千, 一万二千三百
    )
    {_SP}(?P<mid1>余|多)?(?P<scale>百万|千万|[千万亿])?(?P<mid2>余|多)?{_SP}  # 10453余万, 2.13万余
    (?P<unit>元(?:{_RATE}|(?P<per_after>{_alt(_PERIOD_WORDS)}))?  # 645元/人·月, 300元每人每月
        |人次|户次|人|户|名|%|{_alt(_OTHER_UNITS)})?
    (?P<suffix>左右|上下|{_alt(_SUFFIX_OPS)})?
    """,
    re.VERBOSE,
)
_MOD_WORD = re.compile(_MOD)
_CODE_LIKE = re.compile(r"0[0-9].*|[0-9]{11,}")  # 0731…, 15842869509: codes and phone numbers
_RHETORIC_AFTER = re.compile(rf"{_SP}(?:[0-9]|百分之)")  # "3个100%": a count of slogans
_RHETORIC_BEFORE = re.compile(rf"个{_SP}$")

# Words just before a quantity (searched in a short window ending at its start).
_VERB = "提升|提高|增加|增长|上升|上涨|上调|下调|调整|降低|下降|减少|缩短|延长|扩大|变更|增|降|升|减|变"
_AFTER_LEFT = re.compile(rf"(?:{_VERB})了?(?:至|到|为){_SP}$")  # 提高至697元, 下降至0.26%
_CHANGE_LEFT = re.compile(
    rf"(?P<verb>净增|净减|增加|增长|提高|提升|上升|上涨|上调|下调|减少|下降|降低|缩减|(?<!新)增)了?{_SP}$")
_DECREASE = frozenset({"净减", "减少", "下降", "降低", "缩减", "下调"})
_FROM_LEFT = re.compile(rf"(?:由|从)(?:[^，。；,;:：\s]{{0,8}}的)?{_SP}$")  # 由(原来的)645元
_PAIR_GAP = re.compile(rf"{_SP}(?:(?:{_VERB})了?(?:至|到|为)|至|到){_SP}")  # 由645元【提升至】697元
_RANGE_GAP = re.compile(rf"{_SP}(?:至|到|-|~|～|—|–){_SP}")  # 1万元【到】3万元
_CLAUSE_END = re.compile(r"[。；;，,：:！？!?\n]")
_CLAUSE_PERIOD = re.compile(_alt(_PERIOD_WORDS))
_WINDOW = 12


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with spans into `text` itself."""
    folded = text.translate(FOLD)
    found = [q for m in _QUANTITY.finditer(folded) if (q := _read(m, folded, text)) is not None]
    found = _merge_ranges(found, folded, text)
    found = [_with_role(q, folded) for q in found]
    found = _period_from_clause(found, folded)
    return _pair_changes(found, folded)


# --- one match ------------------------------------------------------------------------------

def _read(m: re.Match[str], folded: str, text: str) -> Quantity | None:
    """The quantity a match holds, or None when the rules above say it is not one."""
    raw, number, scale = _number(m)
    if number is None or _skipped(m, folded, raw):
        return None
    if m.group("den") or m.group("tenths"):
        return _fraction(m, text, number)
    unit, measure, per = _unit(m, folded, scale)
    if unit is None or measure is None:
        return None
    mult = SCALES[scale] if scale else Decimal(1)
    precision = decimals(raw.split("-")[0] if m.group("ar2") else raw)
    approx, op, start = _modifiers(m, unit, per is not None)
    high = to_decimal(m.group("ar2") or "")
    sign = -1 if m.group("sign") else 1
    return Quantity(
        value=tidy(sign * number * mult), unit=unit, measure=measure, start=start, end=m.end(),
        text=text[start:m.end()], raw=raw, scale=scale, precision=precision,
        tolerance=tidy(Decimal("0.5").scaleb(-precision) * mult),
        approx=approx or _rounded_count(unit, scale), op=op,
        high=tidy(high * mult) if high is not None else None,
    )


def _fraction(m: re.Match[str], text: str, number: Decimal) -> Quantity:
    """三分之二 → 0.6667, 八成 → 0.8: a share written in words, kept as a plain value."""
    approx, op, start = _modifiers(m, "", False)
    end = m.end("num") if m.group("den") else m.end("tenths") + 1
    suffix = m.group("suffix")
    if suffix and text[m.end() - len(suffix):m.end()] == suffix and m.group("unit") is None:
        end = m.end()
    return Quantity(value=number, unit="", measure="value", start=start, end=end,
                    text=text[start:end], raw=text[m.start("den") if m.group("den")
                                                  else m.start("tenths"):end],
                    precision=4, tolerance=Decimal("0.00005"), approx=approx, op=op)


def _rounded_count(unit: str, scale: str | None) -> bool:
    """2.13万人, 2 万份: a count (not money) given in 万 or 亿 is approximate."""
    return scale is not None and not unit.startswith("元")


def _number(m: re.Match[str]) -> tuple[str, Decimal | None, str | None]:
    """(raw numeral, its value, scale word); a Chinese numeral's final 万/亿 becomes the scale."""
    scale = m.group("scale")
    if m.group("den"):
        den, num = parse_chinese(m.group("den")), parse_chinese(m.group("num"))
        if not den or num is None or num > den:
            return m.group(0), None, None
        return m.group(0), (num / den).quantize(Decimal("0.0001")).normalize(), None
    if m.group("tenths"):
        tenths = parse_chinese(m.group("tenths"))
        return m.group(0), None if tenths is None else tidy(tenths / 10), None
    if m.group("ar"):
        raw = m.group("ar") + (f"-{m.group('ar2')}" if m.group("ar2") else "")
        if too_long(m.group("ar")) or too_long(m.group("ar2") or ""):
            return raw, None, scale
        return raw, to_decimal(m.group("ar")), scale
    raw = m.group("pct") or m.group("cn")
    if raw == "百":
        return raw, Decimal(100), scale
    if raw[0] in "0123456789":
        return raw, None if too_long(raw) else to_decimal(raw), scale
    if scale is None and raw[-1] in CN_SCALES and not any(c in CN_SCALES for c in raw[:-1]):
        raw, scale = raw[:-1], "亿" if raw[-1] in "亿億" else "万"
    return raw, parse_chinese(raw), scale


def _skipped(m: re.Match[str], folded: str, raw: str) -> bool:
    """Codes, phone numbers, rhetorical counts and Chinese-numeral words (module docstring)."""
    percent = m.group("pct") is not None or m.group("unit") == "%"
    if percent and _RHETORIC_BEFORE.search(folded, max(0, m.start() - 3), m.start()):
        return True
    if m.group("ar"):
        digits = m.group("ar")
        if m.group("unit") == "日内" and folded[max(0, m.start() - 1):m.start()] == "月":
            return True  # 3月15日内: a date
        if m.group("unit") == "对" and folded[m.end():m.end() + 1].isdigit():
            return True  # 1对1帮扶: a way of working, not 1 couple
        return bool(_CODE_LIKE.fullmatch(digits)) \
            or (m.group("unit") == "个" and bool(_RHETORIC_AFTER.match(folded, m.end())))
    if m.group("cn"):
        unit = (m.group("unit") or "").split("/")[0]
        counted = unit in _STAT_UNITS or (unit in _OTHER_UNITS and unit not in _TIME_UNITS
                                          and _place_valued(raw, 11)) \
            or _facilities(m, folded, unit)  # 一百二十个乡镇, 新建三个救助站
        return (not counted or m.group("cn") == "一"
                or (len(raw) > 1 and all(c in CN_DIGITS for c in raw))
                or folded[m.end():m.end() + 1] == "一")
    return False


_FACILITY_UNITS = frozenset({"个", "所", "家", "座", "处", "间"})
_BUILT_LEFT = re.compile(r"(?:新建|建成|建设|建立|设立|新增|改造|改扩建|提升改造|改造提升|提升|开设|开办|组建|"
                         r"投入使用|共有|设有|拥有|现有)了?[ ]?$")
#: Nouns of places and bodies one builds and counts (救助站, 养老服务中心, 敬老院, 安置点); a
#: slogan's noun (方面, 到位, 确保, 机制, 重点任务) is none of them.
_FACILITY_AFTER = re.compile(r"[^，,。；;：:、\s]{0,8}?(?:站|中心|机构|院|室|食堂|基地|场所|"
                             r"网点|服务点|安置点|救助点|站点|驿站|之家)")


def _facilities(m: re.Match[str], folded: str, unit: str) -> bool:
    """A Chinese-numeral count of built places ("新建三个救助站", "共有两所敬老院"): a verb of
    building or having before it and a facility noun after it; a slogan count ("三个方面重点
    任务", "两个确保") has neither and stays a word."""
    return unit in _FACILITY_UNITS \
        and bool(_BUILT_LEFT.search(folded, max(0, m.start() - 6), m.start())) \
        and bool(_FACILITY_AFTER.match(folded, m.end()))


def _place_valued(raw: str, least: int) -> bool:
    """A Chinese numeral written with 十/百/千/万 and worth at least `least` ("一百二十", not "三")."""
    value = parse_chinese(raw)
    return any(c in CN_UNITS or c in CN_SCALES for c in raw) and value is not None \
        and value >= least


def _unit(m: re.Match[str], folded: str,
          scale: str | None) -> tuple[str | None, Measure | None, tuple[str | None, str] | None]:
    """(normalised unit, measure, (who, period) from a 每人每月-style word or None)."""
    word = m.group("unit")
    if m.group("pct"):
        return "%", "percent", None
    if word is None:  # a bare number counts only with a scale; money if it follows 资金/经费/款
        if scale is None:
            return None, None, None
        money = folded[m.start() - 1:m.start()] in ("金", "费", "款")
        return ("元", "amount_yuan", None) if money else ("", "value", None)
    if word.startswith("元"):
        return _money(m)
    if word in _COUNT_UNITS:
        return (*_COUNT_UNITS[word], None)
    return _UNIT_ALIASES.get(word, word), "value", None


def _money(m: re.Match[str]) -> tuple[str, Measure, tuple[str | None, str] | None]:
    """元 with its period: from a suffix (元/人·月) or a word before the number (每人每月)."""
    who = m.group("who") or m.group("who2")
    period = m.group("per") or m.group("per2")
    per_word = m.group("per_after") or _last_period_word(m.group("mods"))
    if period is None and per_word is not None:
        who_word, period = _PERIOD_WORDS[per_word]
        who = who or who_word
    if m.group("each") or (who and not period):
        return f"元/{who or '次'}", "value", None
    if period is None:
        return "元", "amount_yuan", None
    return _rate_unit(who, period), _rate_measure(period), (who, period)


def _rate_unit(who: str | None, period: str) -> str:
    period = "天" if period == "日" else period
    return f"元/{who}·{period}" if who else f"元/{period}"


def _rate_measure(period: str) -> Measure:
    return _RATE_MEASURES.get(period, "value")


def _last_period_word(mods: str) -> str | None:
    words = [w.group(0) for w in _MOD_WORD.finditer(mods) if w.group(0) in _PERIOD_WORDS]
    return words[-1] if words else None


def _modifiers(m: re.Match[str], unit: str, has_period: bool) -> tuple[bool, Op | None, int]:
    """(approx, op, start): words before the number and after the unit.

    A period word (每月) belongs to the quantity only for money; before "3次" it is dropped.
    """
    start = m.start("mods") + len(m.group("mods"))
    approx, op = bool(m.group("mid1") or m.group("mid2")), None
    words = list(_MOD_WORD.finditer(m.group("mods")))
    for w in reversed(words):
        word = w.group(0)
        if word in _PERIOD_WORDS and not has_period:
            break
        start = m.start("mods") + w.start()
        if word in _OPS:
            op = op or _OPS[word]
        elif word not in _PERIOD_WORDS:
            approx = approx or not (word == "近" and unit in _TIME_UNITS)  # 近3个月: the last 3
    suffix = m.group("suffix")
    if suffix in _SUFFIX_OPS:
        op = _SUFFIX_OPS[suffix]
    elif suffix:
        approx = True
    return approx, op, start


# --- across quantities ----------------------------------------------------------------------

def _merge_ranges(found: list[Quantity], folded: str, text: str) -> list[Quantity]:
    """"1万元到3万元" → one range quantity (not after 由/从, which makes a before/after pair)."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.high is None and q.high is None and prev.unit == q.unit
                and prev.measure == q.measure and not _MOD_WORD.match(folded, q.start)
                and _RANGE_GAP.fullmatch(folded, prev.end, q.start)
                and not _FROM_LEFT.search(folded, max(0, prev.start - _WINDOW), prev.start)):
            out[-1] = replace(prev, end=q.end, text=text[prev.start:q.end], high=q.value,
                              raw=f"{prev.raw}-{q.raw}", approx=prev.approx or q.approx,
                              tolerance=max(prev.tolerance, q.tolerance))
        else:
            out.append(q)
    return out


def _with_role(q: Quantity, folded: str) -> Quantity:
    """提高至697元 → "after"; 净增787人 / 下降3% → "change" (negative for a decrease)."""
    lo = max(0, q.start - _WINDOW)
    if _AFTER_LEFT.search(folded, lo, q.start):
        return replace(q, role="after")
    change = _CHANGE_LEFT.search(folded, lo, q.start)
    if change is None:
        return q
    if change.group("verb") not in _DECREASE:
        return replace(q, role="change")
    high = -abs(q.high) if q.high is not None else None  # 下降 -3% is still a fall of 3%
    return replace(q, role="change", value=-abs(q.value), high=high)


def _period_from_clause(found: list[Quantity], folded: str) -> list[Quantity]:
    """"月人均补差水平由322.5元提高至348.5元": 元 amounts take a period word earlier in the clause."""
    ends = [e.start() for e in _CLAUSE_END.finditer(folded)]
    out = []
    for q in found:
        per_head = q.measure == "value" and q.unit in ("元/人", "元/户")  # 提高至420元/人
        if ((q.measure == "amount_yuan" and q.unit == "元") or per_head) and q.scale is None:
            begin = ends[i - 1] + 1 if (i := bisect.bisect_left(ends, q.start)) else 0
            words = _CLAUSE_PERIOD.findall(folded, begin, q.start)
            if words:
                who, period = _PERIOD_WORDS[words[-1]]
                who = q.unit[2:] if per_head else who
                q = replace(q, unit=_rate_unit(who, period), measure=_rate_measure(period))
        elif q.measure in _COUNTED and q.value != q.value.to_integral_value():
            q = replace(q, measure="value")  # 户均2.3人: an average, not a count of people
        out.append(q)
    return out


_COUNTED = frozenset({"households", "persons", "person_times", "household_times"})


def _pair_changes(found: list[Quantity], folded: str) -> list[Quantity]:
    """由/从 A [提高]至 B → A "before", B "after"; a plain 元 side takes the other side's period."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (_FROM_LEFT.search(folded, max(0, a.start - _WINDOW), a.start)
                and _PAIR_GAP.fullmatch(folded, a.end, b.start)):
            a, b = _same_period(a, b), _same_period(b, a)
            out[i], out[i + 1] = replace(a, role="before"), replace(b, role="after")
    return out


def _same_period(q: Quantity, other: Quantity) -> Quantity:
    if q.unit == "元" and q.measure == "amount_yuan" and other.measure.startswith("rate_"):
        return replace(q, unit=other.unit, measure=other.measure)
    return q


# --- writing --------------------------------------------------------------------------------

_OP_TEXT: dict[Op, str] = {"ge": "不低于", "le": "不超过", "gt": "超过", "lt": "低于"}
_UNIT_TEXT: dict[Measure, str] = {"households": "户", "persons": "人", "person_times": "人次",
                                  "household_times": "户次", "amount_yuan": "元", "percent": "%"}


def format_quantity(q: Quantity) -> str:
    """Canonical text that `find_quantities` reads back to the same `reading()`.

    Arabic digits; "约" for an approximation the scale does not already imply; 不低于/不超过/超过/
    低于 for `op`; 增加/减少 for a change, 调整为 for an "after". A "before" needs its pair and is
    written plain.
    """
    mult = SCALES[q.scale] if q.scale else Decimal(1)
    words = {"change": "减少" if q.value < 0 else "增加", "after": "调整为"}.get(q.role or "", "")
    words += _OP_TEXT[q.op] if q.op else ""
    words += "约" if q.approx and not _rounded_count(q.unit, q.scale) else ""
    sign = "-" if q.value < 0 and q.role != "change" else ""
    number = _mantissa(q.value, mult, q.precision)
    if q.high is not None:
        number += "-" + _mantissa(q.high, mult, q.precision)
    unit = q.unit if q.measure.startswith("rate") else _UNIT_TEXT.get(q.measure, q.unit)
    return f"{words}{sign}{number}{q.scale or ''}{unit}"


def _mantissa(value: Decimal, mult: Decimal, precision: int) -> str:
    return f"{abs(value) / mult:.{max(precision, 0)}f}"
