"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalise, check, explain.

An 18-character code: registering department (pos 1), organisation category (pos 2), the
registering authority's GB/T 2260 division (pos 3–8), the GB 11714 organisation code (pos 9–17,
pos 17 being its own check digit) and a check character over pos 1–17 (pos 18).

`validate` never raises on bad input; it returns `Problem`s with a stable `code` and the values
that explain it; the `identity.credit-code` rule words them in Chinese and English.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

# GB 32100 code character set, in value order (0..30): digits and letters without I, O, S, V, Z.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
# W_i = 3^(i-1) mod 31 for i = 1..17 (GB 32100 §4.3).
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
# GB 11714-1997 organisation-code weights over the 8 body characters.
ORG_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)
# 机构编制 (1) + 事业单位 (2): what a 事业单位法人年度报告书 should carry.
INSTITUTION = "12"

_HYPHENS = frozenset("-‐‑‒–—―－﹣")
_VALUES = {c: i for i, c in enumerate(CHARSET)}

ProblemCode = Literal[
    "length",
    "charset",
    "structure",
    "check-char",
    "org-check-digit",
    "lowercase",
    "department",
]
ProblemSeverity = Literal["error", "warning"]

# GB 32100 table 1/2 (spec §2.2): department -> (zh, en), categories -> (zh, en).
DEPARTMENTS: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "1": (
        "机构编制",
        "establishment administration",
        {
            "1": ("机关", "government organ"),
            "2": ("事业单位", "public institution"),
            "3": (
                "中央编办直接管理机构编制的群众团体",
                "mass organisation under the central office",
            ),
            "9": ("其他", "other"),
        },
    ),
    "2": (
        "外交",
        "foreign affairs",
        {
            "1": ("外国常住新闻机构", "resident foreign news agency"),
            "9": ("其他", "other"),
        },
    ),
    "3": (
        "司法行政",
        "judicial administration",
        {
            "1": ("律师执业机构", "law firm"),
            "2": ("公证处", "notary office"),
            "3": ("基层法律服务所", "grassroots legal service office"),
            "4": ("司法鉴定机构", "forensic institution"),
            "5": ("仲裁委员会", "arbitration commission"),
            "9": ("其他", "other"),
        },
    ),
    "4": (
        "文化",
        "culture",
        {
            "1": ("外国在华文化中心", "foreign cultural centre in China"),
            "9": ("其他", "other"),
        },
    ),
    "5": (
        "民政",
        "civil affairs",
        {
            "1": ("社会团体", "social organisation"),
            "2": ("民办非企业单位", "private non-enterprise unit"),
            "3": ("基金会", "foundation"),
            "9": ("其他", "other"),
        },
    ),
    "6": (
        "旅游",
        "tourism",
        {
            "1": ("外国旅游部门常驻代表机构", "foreign tourism representative office"),
            "2": ("港澳台地区旅游部门常驻内地代表机构", "HK/Macao/Taiwan tourism office"),
            "9": ("其他", "other"),
        },
    ),
    "7": (
        "宗教",
        "religious affairs",
        {
            "1": ("宗教活动场所", "place of religious activity"),
            "2": ("宗教院校", "religious school"),
            "9": ("其他", "other"),
        },
    ),
    "8": (
        "工会",
        "trade unions",
        {
            "1": ("基层工会", "grassroots trade union"),
            "9": ("其他", "other"),
        },
    ),
    "9": (
        "工商",
        "market regulation",
        {
            "1": ("企业", "enterprise"),
            "2": ("个体工商户", "individual business"),
            "3": ("农民专业合作社", "farmers' cooperative"),
        },
    ),
    "A": (
        "中央军委改革和编制办公室",
        "CMC reform and establishment office",
        {
            "1": ("军队事业单位", "military public institution"),
            "9": ("其他", "other"),
        },
    ),
    "N": (
        "农业",
        "agriculture",
        {
            "1": ("组级集体经济组织", "group-level collective economic organisation"),
            "2": ("村级集体经济组织", "village-level collective economic organisation"),
            "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
            "9": ("其他", "other"),
        },
    ),
    "Y": (
        "其他",
        "other",
        {
            "1": ("其他", "other"),
        },
    ),
}


@dataclass(frozen=True)
class Normalised:
    """A code as written, cleaned for checking; `lowercase` remembers how it was written."""

    text: str
    lowercase: bool


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a code; `code` is stable and safe to match on; `details` holds
    the further values a message needs (which characters, which kind of unit)."""

    code: ProblemCode
    severity: ProblemSeverity
    expected: str | None
    actual: str | None
    details: dict[str, str] = field(default_factory=dict, hash=False)


def normalise(raw: str) -> Normalised:
    """Strip spaces and hyphens, fold full-width forms (NFKC) and upper-case.

    Codes are copied from certificates and scans with spaces, hyphens (the org-code part is often
    printed `59328944-3`) and full-width digits; those are the same code. Lower case is accepted
    but remembered, since GB 32100 defines upper-case characters only.
    """
    folded = unicodedata.normalize("NFKC", raw)
    kept = "".join(c for c in folded if not c.isspace() and c not in _HYPHENS)
    # Once more after stripping and upper-casing, which can leave composable sequences.
    text = unicodedata.normalize("NFKC", kept.upper())
    return Normalised(text, any(c.islower() for c in kept))


def check_char(first17: str) -> str:
    """The GB 32100 check character (pos 18) for 17 code characters."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = sum(_value(c) * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def org_check_digit(body8: str) -> str:
    """The GB 11714 organisation-code check digit (pos 17) for its 8 body characters.

    GB 11714 values letters A=10 … Z=35 over all 26 letters, unlike GB 32100; reusing the GB 32100
    table here is a known mistake (spec §2.3).
    """
    if len(body8) != len(ORG_WEIGHTS):
        raise ValueError(f"need 8 characters, got {len(body8)}")
    total = sum(_org_value(c) * w for c, w in zip(body8, ORG_WEIGHTS))
    digit = 11 - total % 11
    return {10: "X", 11: "0"}.get(digit, str(digit))


def division(code: str) -> str:
    """Pos 3–8 of the normalised code: the registering authority's GB/T 2260 division code."""
    return normalise(code).text[2:8]


def validate(code: str, *, expected_category: str | None = INSTITUTION) -> list[Problem]:
    """Everything wrong with `code`, errors and warnings, in position order; [] when valid.

    `expected_category` is the pos 1–2 pair the document calls for (`12` = 事业单位 registered
    by a 编办, for an annual report); another known pair is a warning. None skips that check.
    """
    norm = normalise(code)
    problems = [_lowercase(code, norm.text)] if norm.lowercase else []
    text = norm.text
    shape = [p for p in (_length(text), _charset(text)) if p is not None]
    if shape:
        return problems + shape
    checks = (
        _department(text, expected_category),
        _structure(text),
        _org_check(text),
        _check_char(text),
    )
    return problems + [p for p in checks if p is not None]


def is_valid(code: str) -> bool:
    """True when the code has no error-severity problem (warnings allowed)."""
    return not any(p.severity == "error" for p in validate(code, expected_category=None))


def _value(c: str) -> int:
    try:
        return _VALUES[c]
    except KeyError:
        raise ValueError(f"{c!r} is not a GB 32100 code character") from None


def _org_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    raise ValueError(f"{c!r} is not a GB 11714 code character")


def _lowercase(raw: str, upper: str) -> Problem:
    return Problem(
        "lowercase",
        "warning",
        upper,
        raw,
    )


def _length(text: str) -> Problem | None:
    if len(text) == LENGTH:
        return None
    return Problem(
        "length",
        "error",
        str(LENGTH),
        str(len(text)),
    )


def _charset(text: str) -> Problem | None:
    bad = [(i + 1, c) for i, c in enumerate(text) if c not in _VALUES]
    if not bad:
        return None
    where = "、".join(f"第{i}位“{c}”" for i, c in bad)
    where_en = ", ".join(f"{c!r} at position {i}" for i, c in bad)
    return Problem(
        "charset",
        "error",
        CHARSET,
        "".join(c for _, c in bad),
        {"where_zh": where, "where_en": where_en},
    )


def _department(text: str, expected: str | None) -> Problem | None:
    pair = text[:2]
    dept = DEPARTMENTS.get(pair[0])
    if dept is None or pair[1] not in dept[2]:
        return Problem(
            "department",
            "error",
            None,
            pair,
        )
    if expected is None or pair == expected:
        return None
    return _unexpected_department(pair, expected)


def _unexpected_department(pair: str, expected: str) -> Problem:
    dept_zh, dept_en, cats = DEPARTMENTS[pair[0]]
    cat_zh, cat_en = cats[pair[1]]
    want_zh, want_en = _kind_names(expected)
    return Problem(
        "department",
        "warning",
        expected,
        pair,
        {"kind_zh": f"{dept_zh}登记的{cat_zh}", "kind_en": f"{cat_en} registered by {dept_en}",
         "expected_zh": want_zh, "expected_en": want_en},
    )


def _kind_names(pair: str) -> tuple[str, str]:
    dept = DEPARTMENTS.get(pair[:1])
    cat = dept[2].get(pair[1:2]) if dept else None
    if dept is None or cat is None:
        return pair, pair
    return f"{dept[0]}登记的{cat[0]}", f"{cat[1]} registered by {dept[1]}"


def _structure(text: str) -> Problem | None:
    area = text[2:8]
    if area.isdigit():
        return None
    return Problem(
        "structure",
        "error",
        "6 digits",
        area,
    )


def _org_check(text: str) -> Problem | None:
    expected, actual = org_check_digit(text[8:16]), text[16]
    if expected == actual:
        return None
    return Problem(
        "org-check-digit",
        "warning",
        expected,
        actual,
    )


def _check_char(text: str) -> Problem | None:
    expected, actual = check_char(text[:17]), text[17]
    if expected == actual:
        return None
    return Problem(
        "check-char",
        "error",
        expected,
        actual,
    )
