"""Cross-year rules: a filing against the same institution's filings of the adjacent years.

`CheckContext.history` holds the institution's other filings from the store. Each rule compares
the record with the report of the year before AND the report of the year after, so a late-filed
earlier year is checked against the later one already in the store. Only consecutive years are
compared: with a year missing in between, a change may have been registered in the missing
report. The findings point into the record being checked (`/record/<field>`); their params name
the field, both years (`previous_year` is the earlier, `year` the later) and both values.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.checks.settings import Settings
from nianbao.forms import LABEL_EN, LABEL_ZH
from nianbao.model import Fact, Provenance, Record
from nianbao.text import credit_code

KINDS = ("annual_report",)

# Registered items of 条例 Art. 8 and how row 5 names them.
REGISTERED_ITEMS: dict[str, str] = {
    "name": r"单位名称|(?<!网上)名称|更名",
    "address": r"住所|地址",
    "purpose_and_scope": r"宗旨|业务范围",
    "legal_representative": r"法定代表人|法人代表",
    "registered_capital_wan": r"开办资金|注册资金|注册资本",
    "funding_source": r"经费来源|经济来源",
    "sponsor": r"举办单位|主管单位",
}
# Things row 5 may report registering that are not registered items of the certificate.
_OTHER_OBJECTS = r"网上名称|域名|章程"
ANY_ITEM = re.compile("|".join((*REGISTERED_ITEMS.values(), _OTHER_OBJECTS)))
_REGISTERED = re.compile(r"变更登记|办理了?[^。；，]{0,30}?变更|已办理|已[^。；，]{0,12}?登记|"
                         r"完成[^。；，]{0,20}?变更|准予变更")
_NEGATED = re.compile(r"未|没有|无需|不需|无须|不涉及|无变更|不存在")
_SENTENCE = re.compile(r"[。；;！!？?\n]")
_CLAUSE = re.compile(r"[，,：:]")

FUNDING = (
    ("full", re.compile(r"全额|全供|财政拨款")),
    ("partial", re.compile(r"差额|财政补贴|差供")),
    ("self", re.compile(r"自理|自收自支|非财政")),
)
STANDARDS = ("dibao_standard_urban", "dibao_standard_rural", "tekun_standard_urban",
             "tekun_standard_rural")
_MEASURES = ("persons", "households", "person_times", "amount_yuan")
_RATE_MEASURES = ("rate_yuan_per_month", "rate_yuan_per_year")
_DECREASE = re.compile(r"减少|下降|减|降低|少")
_YOY = re.compile(r"比去年|比上年|与去年|与上年|较去年|较上年|同比")
_NOT_A_LEVEL = re.compile(r"不低于|不少于|以上|不超过|以下|左右")
_CHANGE = re.compile(r"净增|净减|增加|减少|增长|下降|提高|降低|提升|新增|回升")


# --------------------------------------------------------------------------- helpers


def _year(record: Record) -> int | None:
    year = record.year if record.year is not None else record.fields.get("report_year")
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _code(record: Record) -> str | None:
    raw = record.fields.get("credit_code")
    if not isinstance(raw, str) or not raw.strip():
        return None
    code = credit_code.normalise(raw).text
    return code if len(code) == credit_code.LENGTH else None


def comparable(value: Any) -> str:
    """Text for comparison: full-width folded (NFKC), whitespace, punctuation and markup gone."""
    text = re.sub(r"</?[a-z]+>", "", unicodedata.normalize("NFKC", str(value)))
    return "".join(c for c in text if c.isalnum())


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _pick(history: list[Record], year: int, record: Record) -> Record | None:
    """The history's filing of `year` for this record: the one under the same code first."""
    found = [r for r in history if r.kind == record.kind and _year(r) == year]
    if not found:
        return None
    code = _code(record)
    same = [r for r in found if code and _code(r) == code]
    return (same or found)[0]


def adjacent_pairs(ctx: CheckContext) -> Iterator[tuple[Record, Record]]:
    """(earlier, later) pairs the record belongs to: (year before, record), (record, year after)."""
    year = _year(ctx.record)
    if year is None or not ctx.history:
        return
    before = _pick(ctx.history, year - 1, ctx.record)
    after = _pick(ctx.history, year + 1, ctx.record)
    if before is not None:
        yield before, ctx.record
    if after is not None:
        yield ctx.record, after


def _evidence(ctx: CheckContext, name: str) -> tuple[str, Provenance | None]:
    found = ctx.record.evidence.get(name)
    if found:
        return found[0], found[1]
    value = ctx.record.fields.get(name)
    return ("" if value is None else str(value)), None


def _params(name: str, earlier: Record, later: Record, **extra: Any) -> dict[str, Any]:
    return {"field": name, "label_zh": LABEL_ZH.get(name, name), "label_en": LABEL_EN.get(name, name),
            "previous_year": _year(earlier), "year": _year(later),
            "previous_value": earlier.fields.get(name), "value": later.fields.get(name)} | extra


def declares_registered(change_text: Any, name: str) -> bool:
    """Whether 变更登记执行情况 says the item was registered ("办理了法定代表人变更登记",
    "法定代表人由甲变更为乙，已办理变更登记"), not negated ("未办理…", "无需办理…"). A
    registration declared without naming any item ("按规定办理了变更登记") covers every item."""
    if not isinstance(change_text, str) or not change_text.strip():
        return False
    item = re.compile(REGISTERED_ITEMS[name])
    text = unicodedata.normalize("NFKC", change_text)
    named_any = bool(ANY_ITEM.search(text))
    for sentence in _SENTENCE.split(text):
        clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
        positive = [i for i, c in enumerate(clauses)
                    if _REGISTERED.search(c) and not _NEGATED.search(c)]
        if not positive:
            continue
        if not named_any:
            return True
        mentions = [i for i, c in enumerate(clauses) if item.search(c)]
        if mentions and max(positive) >= min(mentions):
            return True
    return False


def _declared(name: str, earlier: Record, later: Record) -> bool:
    """Declared in the later report, or in the earlier one naming the new value."""
    if declares_registered(later.fields.get("change_registration"), name):
        return True
    before = earlier.fields.get("change_registration")
    new = comparable(later.fields.get(name) or "")
    return bool(new) and new in comparable(before or "") and declares_registered(before, name)


def _funding_class(value: str) -> str | None:
    classes = {label for label, pattern in FUNDING if pattern.search(value)}
    return classes.pop() if len(classes) == 1 else None


def _name_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _changed(name: str, old: Any, new: Any, settings: Settings) -> dict[str, Any] | None:
    """Extra params when the registered item differs between the two reports (a capital
    change: its percentage and the limit it passes), else None."""
    if name == "registered_capital_wan":
        a, b = _decimal(old), _decimal(new)
        if a is None or b is None or a == b:
            return None
        if a == 0:
            return {"change_percent": None}
        change = (b - a) / a
        if abs(change) <= settings.capital_drift:
            return None
        pct = str((change * 100).quantize(Decimal("0.1")))
        limit = f"{(settings.capital_drift * 100).normalize():f}"
        return {"change_percent": pct, "limit": limit}
    if not isinstance(old, str) or not isinstance(new, str):
        return None
    text_a, text_b = comparable(old), comparable(new)
    if not text_a or not text_b or text_a == text_b:
        return None
    if name == "funding_source":
        ca, cb = _funding_class(text_a), _funding_class(text_b)
        if ca is not None and ca == cb:
            return None
    if name == "name" and _name_similarity(text_a, text_b) < settings.name_similar:
        return None  # another unit's name under this code: xyear.identity reports it
    return {}


def _figures(record: Record, indicator: str, measures: tuple[str, ...],
             skip_qualifiers: frozenset[str]) -> dict[str, set[Decimal]]:
    """measure -> the distinct exact values the record states for the indicator's level."""
    out: dict[str, set[Decimal]] = {}
    for fact in record.facts:
        if fact.indicator != indicator or fact.approx or (fact.qualifier in skip_qualifiers):
            continue
        if _NOT_A_LEVEL.search(fact.text or "") or _CHANGE.search(fact.text or ""):
            continue  # a bound or a change ("净增787人") is not the level itself
        for measure in measures:
            value = _decimal(getattr(fact, measure))
            if value is not None:
                out.setdefault(measure, set()).add(value)
    return out


def _claims(record: Record) -> Iterator[tuple[int, Fact, str, Decimal]]:
    """(index, fact, measure, signed change) of every exact "比去年增加N人" claim."""
    for i, fact in enumerate(record.facts):
        if fact.qualifier != "yoy" or fact.approx or not _YOY.search(fact.text or ""):
            continue
        for measure in _MEASURES:
            value = _decimal(getattr(fact, measure))
            if value is None:
                continue
            if value > 0 and _DECREASE.search(fact.text or ""):
                value = -value
            yield i, fact, measure, value
            break


# --------------------------------------------------------------------------- rules


@rule("xyear.net-assets-carryover", "error", kinds=KINDS,
      title=("年初净资产与上年年末净资产不一致",
             "opening net assets differ from last year's closing"),
      message=(("{year}年度年初净资产{begin}万元与{previous_year}年度年末净资产"
                "{end}万元不一致（相差{difference}万元）"),
               ("net assets at the start of {year} ({begin} 万元) differ from the "
                "end of {previous_year} ({end} 万元) by {difference} 万元")))
def net_assets_carryover(ctx: CheckContext) -> Iterator[Hit]:
    """净资产年初数 of a year is, by accounting identity, the previous year's 年末数 (spec
    §1.5 A5): the balance sheet carries over. A difference means a wrong figure in one of
    the two reports or an unexplained restatement. Tolerance: half a unit of the coarser
    stated precision (236.2 against 236.18 is rounding, not a finding)."""
    for earlier, later in adjacent_pairs(ctx):
        end = _decimal(earlier.fields.get("net_assets_end_wan"))
        begin = _decimal(later.fields.get("net_assets_begin_wan"))
        if end is None or begin is None:
            continue
        places = min(_places(end), _places(begin))
        if abs(begin - end) <= Decimal(5).scaleb(-places - 1):
            continue
        name = "net_assets_begin_wan" if later is ctx.record else "net_assets_end_wan"
        evidence, prov = _evidence(ctx, name)
        yield Hit({"field": name, "label_zh": LABEL_ZH[name], "label_en": LABEL_EN[name],
                   "year": _year(later), "previous_year": _year(earlier),
                   "begin": begin, "end": end, "value": begin, "previous_value": end,
                   "difference": begin - end},
                  f"/record/{name}", evidence, prov)


@rule("xyear.unregistered-change", "error", kinds=KINDS,
      title=("登记事项变化但未办理变更登记",
             "registered item changed without change registration"),
      message=(("{label_zh}由“{previous_value}”（{previous_year}年度）变为"
                "“{value}”（{year}年度），但{year}年度报告未说明已办理{label_zh}变更登记"),
               ("{label_en} changed from {previous_value} ({previous_year}) to "
                "{value} ({year}), but the {year} report does not say the change was "
                "registered")),
      cases={"capital": (("{label_zh}由“{previous_value}”（{previous_year}年度）变为"
                          "“{value}”（{year}年度）（变动{change_percent}%，超过±{limit}%），"
                          "但{year}年度报告未说明已办理{label_zh}变更登记"),
                         ("{label_en} changed from {previous_value} ({previous_year}) to "
                          "{value} ({year}) ({change_percent}%, beyond ±{limit}%), but the "
                          "{year} report does not say the change was registered"))})
def unregistered_change(ctx: CheckContext) -> Iterator[Hit]:
    """名称, 住所, 宗旨和业务范围, 法定代表人, 开办资金 and 经费来源 are registered items
    (条例 Art. 8), and so is the 举办单位; any change needs 变更登记 (条例 Art. 10; 细则
    Art. 45–48), 开办资金 once it moves more than 20 % either way. An item that differs
    from the previous report while row 5 (变更登记执行情况) does not say it was registered
    is a missing change registration (spec §1.5 A6). A change row 5 declares ("办理了法定
    代表人变更登记") is not reported, nor a difference only in spaces, punctuation or
    full-width forms, nor a renaming of the 经费来源 category (全额拨款 = 财政补助（全额）)."""
    for earlier, later in adjacent_pairs(ctx):
        for name in REGISTERED_ITEMS:
            extra = _changed(name, earlier.fields.get(name), later.fields.get(name),
                             ctx.settings)
            if extra is None or _declared(name, earlier, later):
                continue
            evidence, prov = _evidence(ctx, name)
            yield Hit(_params(name, earlier, later, **extra), f"/record/{name}", evidence, prov,
                      case="capital" if "limit" in extra else "")


@rule("xyear.identity", "error", kinds=KINDS,
      title=("同一单位的统一社会信用代码或名称前后不一致",
             "the same institution under another code or name"),
      message=("单位名称同为“{unit_name}”，但统一社会信用代码{previous_year}年度为{previous_code}，"
               "{year}年度为{code}",
               "the same name {unit_name} carries credit code {previous_code} in {previous_year} and "
               "{code} in {year}"),
      cases={"name": ("统一社会信用代码{code}在{previous_year}年度属于“{previous_unit_name}”，{year}"
                      "年度却属于“{unit_name}”，且未申报名称变更",
                      "credit code {code} belongs to {previous_unit_name} in {previous_year} but to "
                      "{unit_name} in {year}, with no name change declared")})
def identity(ctx: CheckContext) -> Iterator[Hit]:
    """A unit keeps its 统一社会信用代码 for life (GB 32100; 国发〔2015〕33号), and the
    registration authority matches reports to units by code and name. The same name under
    another code in the adjacent year means one of the codes is wrong (or two registrations
    exist); the same code under an unrelated name, with no name change declared, means the
    code was copied from another unit. (A modest renaming under the same code is an
    unregistered name change: `xyear.unregistered-change`.)"""
    for earlier, later in adjacent_pairs(ctx):
        ca, cb = _code(earlier), _code(later)
        na, nb = comparable(earlier.fields.get("name") or ""), comparable(
            later.fields.get("name") or "")
        if ca and cb and ca != cb and na and na == nb:
            evidence, prov = _evidence(ctx, "credit_code")
            yield Hit(_params("credit_code", earlier, later, unit_name=later.fields.get("name"),
                              previous_code=ca, code=cb),
                      "/record/credit_code", evidence, prov)
        elif (ca and ca == cb and na and nb and na != nb
              and _name_similarity(na, nb) < ctx.settings.name_similar
              and not _declared("name", earlier, later)):
            evidence, prov = _evidence(ctx, "name")
            yield Hit(_params("name", earlier, later, code=ca,
                              previous_unit_name=earlier.fields.get("name"),
                              unit_name=later.fields.get("name")),
                      "/record/name", evidence, prov, case="name")


@rule("xyear.claimed-delta", "warning", kinds=KINDS,
      title=("与去年相比的增减数与上年报告不符",
             "a change versus last year disagrees with last year's report"),
      message=(("{year}年度报告称比去年{direction_zh}{claimed_abs}，但按两年报告"
                "（{previous_year}年度{previous_figure}，{year}年度{figure}）实际"
                "变化为{actual}"),
               ("the {year} report claims a change of {claimed} versus last year, "
                "but the reports give {previous_figure} ({previous_year}) and "
                "{figure} ({year}): a change of {actual}")))
def claimed_delta(ctx: CheckContext) -> Iterator[Hit]:
    """A report that says "与去年同期相比增加293人" makes a claim the previous report can
    confirm: this year's figure minus last year's. The unit answers for the truth of its
    report (条例 Art. 17; 公示办法 2014) and its figures must agree (spec §1.3 row 6).
    Checked only on exact figures read as facts (same indicator and measure, one
    stock in each report); anything approximate is left alone. A report that also counts a
    subset under the same indicator (共排查在保对象394户942人 beside 低保对象14293人) states its
    stock as the largest figure: the subsets are parts of it."""
    skip = frozenset({"yoy", "previous_year", "previous_period", "before", "plan", "mom",
                      "change"})
    for earlier, later in adjacent_pairs(ctx):
        for index, fact, measure, claimed in _claims(later):
            now = _figures(later, fact.indicator, (measure,), skip).get(measure, set())
            then = _figures(earlier, fact.indicator, (measure,), skip).get(measure, set())
            if not now or not then:
                continue
            figure, previous_figure = max(now), max(then)
            actual = figure - previous_figure
            if actual == claimed:
                continue
            pointer = f"/facts/{index}" if later is ctx.record else "/record/activities"
            yield Hit({"field": "activities", "indicator": fact.indicator, "measure": measure,
                       "year": _year(later), "previous_year": _year(earlier),
                       "claimed": claimed, "claimed_abs": abs(claimed),
                       "direction_zh": "减少" if claimed < 0 else "增加",
                       "figure": figure, "previous_figure": previous_figure,
                       "actual": actual, "value": figure, "previous_value": previous_figure},
                      pointer, fact.text)


@rule("xyear.staff-swing", "warning", kinds=KINDS,
      title=("从业人数变化超过一半", "staff count changed by more than half"),
      message=(("从业人数由{previous_value}人（{previous_year}年度）变为{value}人"
                "（{year}年度），一年之间相差一倍以上"),
               ("staff count went from {previous_value} ({previous_year}) to {value} "
                "({year}): one year is less than half the other")))
def staff_swing(ctx: CheckContext) -> Iterator[Hit]:
    """从业人数 counts staff on the establishment roll (spec §1.3 row 4, A8), which moves
    slowly; a change of more than half in one year is usually a wrong figure (all staff of
    the sponsor, temporary workers counted) and a reviewer would ask. Reported when one
    year's figure is less than half the other's (14 → 6, 14 → 29; not 14 → 7 or 14 → 28);
    changes smaller than three persons are left alone."""
    for earlier, later in adjacent_pairs(ctx):
        a, b = earlier.fields.get("staff_count"), later.fields.get("staff_count")
        if not isinstance(a, int) or not isinstance(b, int) or min(a, b) < 0:
            continue
        swing, least = ctx.settings.staff_swing, ctx.settings.staff_swing_min
        if abs(b - a) >= least and Decimal(min(a, b)) < swing * max(a, b):
            evidence, prov = _evidence(ctx, "staff_count")
            yield Hit(_params("staff_count", earlier, later), "/record/staff_count",
                      evidence, prov)


@rule("xyear.standard-decrease", "warning", kinds=KINDS,
      title=("低保或特困供养标准低于上年", "an assistance standard went down"),
      message=(("{indicator_zh}{year}年度为{value}元，低于{previous_year}年度的"
                "{previous_value}元"),
               ("{indicator} is {value} yuan in {year}, below {previous_value} yuan "
                "in {previous_year}")))
def standard_decrease(ctx: CheckContext) -> Iterator[Hit]:
    """低保 and 特困供养 standards are raised or kept, not cut, year on year (《社会救助
    暂行办法》 Art. 10, 14: standards are adjusted with living costs; 特困 standard tied to the
    低保 standard). A lower standard than last year's is almost always a typo or the wrong
    year's figure. Compared only on exact standards read as facts, per measure
    (per month or per year), and only when every figure of this year is below every figure
    of last year."""
    skip = frozenset({"before", "previous_year", "previous_period", "plan", "yoy", "mom"})
    for earlier, later in adjacent_pairs(ctx):
        for indicator in STANDARDS:
            now = _figures(later, indicator, _RATE_MEASURES, skip)
            then = _figures(earlier, indicator, _RATE_MEASURES, skip)
            for measure in _RATE_MEASURES:
                a, b = then.get(measure), now.get(measure)
                if not a or not b or max(b) >= min(a):
                    continue
                text = next((f.text for f in later.facts if f.indicator == indicator), "")
                yield Hit({"field": "facts", "indicator": indicator, "measure": measure,
                           "indicator_zh": _STANDARD_ZH[indicator],
                           "year": _year(later), "previous_year": _year(earlier),
                           "value": max(b), "previous_value": min(a)},
                          "/record/activities", text)


_STANDARD_ZH = {"dibao_standard_urban": "城市低保标准", "dibao_standard_rural": "农村低保标准",
                "tekun_standard_urban": "城市特困供养标准", "tekun_standard_rural": "农村特困供养标准"}


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


RULES: tuple[Rule, ...] = (net_assets_carryover, unregistered_change, identity, claimed_delta, staff_swing, standard_decrease)
