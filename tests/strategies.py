"""Hypothesis strategies shared by the test suite.

Quantities are generated as the text a writer would put in a report together with the reading a
careful reader takes from it, so parser tests compare against an independent expectation: the
Chinese-numeral writer here is not the parser's inverse, it spells numbers the way documents do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from nianbao.forms import AMOUNT_FIELDS
from nianbao.model import MEASURES, Block, Fact, Finding, Provenance, Record, Report, Source

_CN = "零一二三四五六七八九"
_SCALE_VALUE = {"万": Decimal(10**4), "亿": Decimal(10**8)}


def chinese_integer(n: int, *, liang: bool = False) -> str:
    """How a document spells 0 ≤ n < 10^12: 12300 → 一万二千三百, 305 → 三百零五, 10 → 十.

    With `liang`, 2 before 百/千 is written 两 (两千, 两百), as it often is.
    """
    if n == 0:
        return "零"
    out, gap = "", False
    for value, scale in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += "零"
        out += _section(value, leading=not out) + scale
        gap = False
    return out.replace("二千", "两千").replace("二百", "两百") if liang else out


def _section(n: int, *, leading: bool) -> str:
    """1 ≤ n ≤ 9999 with 零 for inner gaps; a leading 一十 is written 十 (十二, 十万)."""
    out, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + _CN[digit] + unit
        gap = False
    return out[1:] if leading and out.startswith("一十") else out


def fullwidth(text: str) -> str:
    """ASCII digits, % and . as their full-width forms (１２３．５％)."""
    return text.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))


def grouped(number: Decimal, precision: int, separator: str = ",") -> str:
    """Thousands separators: 1234567.5 → "1,234,567.5" (or "1，234，567.5")."""
    return f"{number:,.{precision}f}".replace(",", separator)


def decimals(max_integer: int, max_places: int) -> st.SearchStrategy[tuple[Decimal, int]]:
    """(number, places written) with 0 ≤ number ≤ max_integer."""
    return st.integers(0, max_places).flatmap(
        lambda places: st.tuples(
            st.integers(0, max_integer * 10**places).map(lambda n: Decimal(n).scaleb(-places)),
            st.just(places)))


@dataclass(frozen=True)
class UnitForm:
    """How a unit is written around the number and what it reads as."""

    before: str  # 每人每月 / 百分之
    after: str  # 户 / 万元 handled by `scales` / 元/人·月
    unit: str
    measure: str
    scales: tuple[str, ...] = ("",)
    chinese: bool = True  # Chinese numerals count only before statistical units
    integer: bool = True  # counts are whole unless given in 万


_COUNT_SCALES = ("", "万")
_MONEY_SCALES = ("", "万", "亿")
UNIT_FORMS = (
    UnitForm("", "户", "户", "households", _COUNT_SCALES),
    UnitForm("", "人", "人", "persons", _COUNT_SCALES),
    UnitForm("", "名", "人", "persons"),
    UnitForm("", "人次", "人次", "person_times", _COUNT_SCALES),
    UnitForm("", "户次", "户次", "household_times"),
    *(UnitForm("", u, u, "value", chinese=False) for u in ("个", "张", "条", "份", "家", "所")),
    UnitForm("", "元", "元", "amount_yuan", _MONEY_SCALES, integer=False),
    UnitForm("", "元/人·月", "元/人·月", "rate_yuan_per_month", integer=False),
    UnitForm("", "元/月", "元/月", "rate_yuan_per_month", integer=False),
    UnitForm("", "元/人·年", "元/人·年", "rate_yuan_per_year", integer=False),
    UnitForm("", "元/年", "元/年", "rate_yuan_per_year", integer=False),
    UnitForm("每人每月", "元", "元/人·月", "rate_yuan_per_month", integer=False),
    UnitForm("每人每年", "元", "元/人·年", "rate_yuan_per_year", integer=False),
    UnitForm("", "%", "%", "percent", integer=False),
    UnitForm("百分之", "", "%", "percent"),
)

APPROX_BEFORE = ("约", "近", "大约", "接近", "逾", "超")
APPROX_MIDDLE = ("余", "多")
APPROX_AFTER = ("左右", "上下")
OPS_BEFORE = {"不低于": "ge", "不少于": "ge", "至少": "ge", "不超过": "le", "不高于": "le",
              "超过": "gt", "高于": "gt", "低于": "lt", "不足": "lt"}
OPS_AFTER = {"以上": "ge", "以下": "le"}
NUMERALS = ("arabic", "fullwidth", "grouped", "chinese")

# Words around a quantity that must not change its reading.
CONTEXT_BEFORE = ("", "全市", "其中", "截至目前，累计", "共", "保障")
CONTEXT_AFTER = ("", "。", "，同比持平。", "；", "（含城市）")


@dataclass(frozen=True)
class Case:
    """A quantity as written (`text`) and the reading expected from it."""

    text: str
    value: Decimal
    unit: str
    measure: str
    scale: str | None
    precision: int
    tolerance: Decimal
    approx: bool
    op: str | None

    def reading(self) -> dict[str, object]:
        return {"value": self.value, "unit": self.unit, "measure": self.measure,
                "scale": self.scale, "precision": self.precision, "tolerance": self.tolerance,
                "approx": self.approx, "op": self.op, "role": None, "high": None}


@st.composite
def quantity_cases(draw: st.DrawFn) -> Case:
    """One quantity in any supported unit, numeral style, scale, approximation or bound."""
    form = draw(st.sampled_from(UNIT_FORMS))
    scale = draw(st.sampled_from(form.scales))
    style = draw(st.sampled_from(NUMERALS if form.chinese else NUMERALS[:3]))
    mult = _SCALE_VALUE.get(scale, Decimal(1))
    if style == "chinese":
        top = 100 if form.measure == "percent" else 9999 if scale else 10**8
        number, places = Decimal(draw(st.integers(2, top))), 0
    elif form.measure == "percent":
        number, places = draw(decimals(100, 2))
    else:
        number, places = draw(decimals(9999 if scale else 10**8, 0 if form.integer and not scale
                                       else 2))
    numeral = _write(draw, number, places, style)
    written_in = _chinese_scale(numeral) if style == "chinese" and not scale else None
    if written_in:  # 三万人 is written in 万
        scale, numeral = written_in, numeral[:-1]
        mult, number = _SCALE_VALUE[scale], number / _SCALE_VALUE[scale]
    kind = draw(st.sampled_from(("exact", "approx_before", "approx_middle", "approx_after",
                                 "op_before", "op_after")))
    if form.before == "百分之" and kind == "approx_middle":
        kind = "exact"
    approx = kind.startswith("approx") or (bool(scale) and not form.unit.startswith("元"))
    op, pre, mid, post = _modifier(draw, kind)
    mid_at_end = scale and (style == "chinese" or draw(st.booleans()))  # 三万余人, not 三余万人
    body = (numeral + (scale + mid if mid_at_end else mid + scale) if form.before != "百分之"
            else numeral)
    text = f"{pre}{form.before}{body}{form.after}{post}"
    return Case(text=text, value=_tidy(number * mult), unit=form.unit, measure=form.measure,
                scale=scale or None, precision=places,
                tolerance=_tidy(Decimal("0.5").scaleb(-places) * mult), approx=approx, op=op)


def _write(draw: st.DrawFn, number: Decimal, places: int, style: str) -> str:
    if style == "chinese":
        return chinese_integer(int(number), liang=draw(st.booleans()))
    if style == "grouped":
        return grouped(number, places, draw(st.sampled_from((",", "，"))))
    plain = f"{number:.{places}f}"
    return fullwidth(plain) if style == "fullwidth" else plain


def _chinese_scale(numeral: str) -> str | None:
    """The scale a Chinese numeral ends with, when it is its only scale (三万, not 一亿二千万)."""
    last = numeral[-1]
    return last if last in "万亿" and not any(c in "万亿" for c in numeral[:-1]) else None


def _modifier(draw: st.DrawFn, kind: str) -> tuple[str | None, str, str, str]:
    """(op, words before, word between number and unit, words after)."""
    if kind == "approx_before":
        return None, draw(st.sampled_from(APPROX_BEFORE)), "", ""
    if kind == "approx_middle":
        return None, "", draw(st.sampled_from(APPROX_MIDDLE)), ""
    if kind == "approx_after":
        return None, "", "", draw(st.sampled_from(APPROX_AFTER))
    if kind == "op_before":
        word = draw(st.sampled_from(sorted(OPS_BEFORE)))
        return OPS_BEFORE[word], word, "", ""
    if kind == "op_after":
        word = draw(st.sampled_from(sorted(OPS_AFTER)))
        return OPS_AFTER[word], "", "", word
    return None, "", "", ""


def _tidy(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


#: Text made of the characters quantities are built from, for "never crashes" properties.
quantity_soup = st.text(
    alphabet=st.sampled_from(list("0123456789０１２.,，%％-~至到由提高增减少约余多万亿元人户次名个"
                                  "一二两三十百千零〇第每月年日/·（）() \n")),
    max_size=80)


# --- model values (nianbao.model), for the serialisation round trips ---------------------------

_TEXT = st.text(max_size=12)
_COUNT = st.none() | st.integers(min_value=0, max_value=10**6)


def exact_decimals() -> st.SearchStrategy[Decimal]:
    """Decimals as documents write them: integers of any size, and figures of up to 15
    significant digits with up to 6 places (498.08, 490000.0, -1.11)."""
    integers = st.integers(min_value=-(10**18), max_value=10**18).map(Decimal)
    fractions = st.builds(lambda n, places: Decimal(n).scaleb(-places),
                          st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1),
                          st.integers(min_value=1, max_value=6))
    return integers | fractions


def json_values() -> st.SearchStrategy[object]:
    """What a JSON document holds: None, booleans, integers, finite floats, text, lists, objects."""
    leaves = (st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
              | st.floats(allow_nan=False, allow_infinity=False) | _TEXT)
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=8)


def boxes() -> st.SearchStrategy[tuple[float, float, float, float] | None]:
    coordinate = st.floats(min_value=0, max_value=2000, allow_nan=False)
    return st.none() | st.tuples(coordinate, coordinate, coordinate, coordinate)


def sources() -> st.SearchStrategy[Source]:
    return st.builds(Source, _TEXT, _TEXT, st.sampled_from(["txt", "docx", "pdf", "json"]))


def provenances() -> st.SearchStrategy[Provenance]:
    return st.builds(Provenance, page=_COUNT, block=_COUNT, cell=_COUNT, start=_COUNT,
                     end=_COUNT, bbox=boxes())


def blocks() -> st.SearchStrategy[Block]:
    return st.builds(Block, st.sampled_from(["paragraph", "row", "page_break"]), _TEXT,
                     st.lists(_TEXT, max_size=3).map(tuple), _COUNT,
                     st.integers(min_value=0, max_value=10**5), boxes(),
                     st.lists(st.integers(min_value=1, max_value=5), max_size=3).map(tuple))


def facts() -> st.SearchStrategy[Fact]:
    figure = st.none() | exact_decimals()
    return st.builds(Fact, _TEXT, _TEXT, **dict.fromkeys(MEASURES, figure),
                     unit=st.none() | _TEXT, qualifier=st.none() | _TEXT, approx=st.booleans(),
                     page=_COUNT, row=_COUNT, column=_COUNT)


def findings() -> st.SearchStrategy[Finding]:
    """Findings whose params are JSON values: what a stored finding gives back."""
    return st.builds(Finding, _TEXT, st.sampled_from(["error", "warning", "info"]), _TEXT, _TEXT,
                     pointer=_TEXT, evidence=_TEXT,
                     params=st.dictionaries(_TEXT, json_values(), max_size=4),
                     provenance=st.none() | provenances())


@st.composite
def records(draw: st.DrawFn) -> Record:
    """A record: any JSON fields, with the form's amounts (万元) as Decimals."""
    fields = draw(st.dictionaries(_TEXT.filter(lambda k: k not in AMOUNT_FIELDS), json_values(),
                                  max_size=4))
    for name in sorted(AMOUNT_FIELDS):
        amount = draw(st.none() | exact_decimals())
        if amount is not None:
            fields[name] = amount
    return Record(kind=draw(st.sampled_from(["annual_report", "notice", "work_summary"])),
                  fields=fields, facts=draw(st.lists(facts(), max_size=3)),
                  year=draw(st.none() | st.integers(min_value=1949, max_value=2100)),
                  as_of=draw(st.none() | _TEXT), org=draw(st.none() | _TEXT))


def reports() -> st.SearchStrategy[Report]:
    return st.builds(Report, sources(), records(), st.lists(findings(), max_size=3))
