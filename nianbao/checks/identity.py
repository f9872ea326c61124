"""Identity rules: is the 统一社会信用代码 a valid code, and does it belong where the unit is?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.model import Provenance
from nianbao.text import credit_code, regions

KINDS = ("annual_report",)
POINTER = "/record/credit_code"
REGION_ZH = (
    "统一社会信用代码 {code} 第3–8位登记管理机关行政区划码为 {division}（{division_name}），"
    "与单位名称、住所所写地区不符：{where}"
)
REGION_EN = (
    "credit code {code} carries the registering authority's division {division} "
    "({division_name}), which is not the place named in the unit's name or address: {where}"
)


CODE_ZH = "统一社会信用代码 {code} "
CODE_EN = "unified social credit code {code}: "


@rule(
    "identity.credit-code",
    "error",
    title=("统一社会信用代码无效", "invalid unified social credit code"),
    message=(
        CODE_ZH + "第18位校验码应为 {expected}，实为 {actual}",
        CODE_EN + "position 18 (check character) should be {expected}, is {actual}",
    ),
    cases={
        "length": (
            CODE_ZH + "应为 {expected} 位，实为 {actual} 位",
            CODE_EN + "must have {expected} characters, has {actual}",
        ),
        "charset": (
            CODE_ZH + "含非法字符 {where_zh}（只能用数字和除 I、O、S、V、Z 以外的大写字母）",
            CODE_EN + "has characters outside the GB 32100 set: {where_en} "
            "(digits and A–Z without I O S V Z)",
        ),
        "department": (
            CODE_ZH + "第1–2位“{actual}”不是 GB 32100 规定的登记管理部门和机构类别代码",
            CODE_EN + "positions 1–2 '{actual}' are not a GB 32100 department and category code",
        ),
        "department-unexpected": (
            CODE_ZH + "第1–2位“{actual}”表示{kind_zh}，应为“{expected}”（{expected_zh}）",
            CODE_EN + "positions 1–2 '{actual}' mean a {kind_en}, expected '{expected}' "
            "({expected_en})",
        ),
        "structure": (
            CODE_ZH + "第3–8位登记管理机关行政区划码“{actual}”应为6位数字",
            CODE_EN + "positions 3–8 (registering authority's division code) '{actual}' "
            "must be 6 digits",
        ),
        "org-check-digit": (
            CODE_ZH + "第17位组织机构代码校验码应为 {expected}，实为 {actual}",
            CODE_EN + "position 17 (organisation-code check digit) should be {expected}, "
            "is {actual}",
        ),
        "lowercase": (
            CODE_ZH + "含小写字母；GB 32100 规定使用大写字母",
            CODE_EN + "contains lower-case letters; GB 32100 uses upper case only",
        ),
    },
    kinds=KINDS,
)
def credit_code_rule(ctx: CheckContext) -> Iterator[Hit]:
    """The 统一社会信用代码 must be a well-formed GB 32100-2015 code.

    The code is the unit's lifelong identifier (GB 32100-2015; 国发〔2015〕33号 scheme), printed
    on the 事业单位法人证书 and on the report's cover; the registration authority, our store and
    the cross-year checks key on it, so a mistyped code files the report under another unit or
    under none. GB 32100 fixes the length (18), the character set (no I, O, S, V, Z), the
    department/category pair (pos 1–2), a numeric division (pos 3–8) and the check character
    (pos 18): any of these failing is an error. The GB 11714 organisation-code check digit
    (pos 17) is a warning only, because some early pilot codes break it. An annual report comes
    from a 事业单位 registered by a 编办 (`12`); another known pair (`11` 机关, `52` 民办非企业单位)
    is a warning, and so is lower-case input.
    """
    raw = _code(ctx)
    if raw is None:
        return
    evidence, provenance = _evidence(ctx, raw)
    for problem in credit_code.validate(raw):
        yield Hit(
            params={
                "code": raw,
                "problem": problem.code,
                "expected": problem.expected,
                "actual": problem.actual,
                **problem.details,
            },
            pointer=POINTER,
            evidence=evidence,
            provenance=provenance,
            severity="warning" if problem.severity == "warning" else None,
            case=_case(problem),
        )


def _case(problem: credit_code.Problem) -> str:
    """The message case of `problem`: its code, a known but unexpected pair told apart from an
    unknown one, the check character being the rule's own message."""
    if problem.code == "check-char":
        return ""
    if problem.code == "department" and problem.expected is not None:
        return "department-unexpected"
    return problem.code


@rule(
    "identity.credit-code-region",
    "warning",
    title=(
        "统一社会信用代码的行政区划与单位所在地不符",
        "credit code's region differs from the unit's",
    ),
    message=(REGION_ZH, REGION_EN),
    kinds=KINDS,
)
def credit_code_region_rule(ctx: CheckContext) -> Iterator[Hit]:
    """The code's division (pos 3–8) should be the place named in the unit's name or address.

    GB 32100 puts the GB/T 2260 code of the registering authority's area in pos 3–8. 事业单位 are
    registered level by level (分级登记管理, 《事业单位登记管理暂行条例》), so a county unit
    carries its county (or its city, where the city's authority registered it) and a city unit
    its city. A code whose area is
    elsewhere than the unit's name and address is usually a code copied from another unit. Only
    a clear contradiction counts: an unknown division, or a name and address that name no place,
    give no finding.
    """
    raw = _code(ctx)
    if raw is None or _unreadable_division(raw):
        return
    fields = ctx.record.fields
    name, address = _text(fields.get("name")), _text(fields.get("address"))
    division = credit_code.division(raw)
    if regions.matches(division, name, address) is not False:
        return
    evidence, provenance = _evidence(ctx, raw)
    yield Hit(
        params={
            "code": raw,
            "division": division,
            "division_name": regions.full_name(division) or division,
            "name": name,
            "address": address,
            "where": "；".join(t for t in (name, address) if t),
        },
        pointer=POINTER,
        evidence=evidence,
        provenance=provenance,
    )


def _code(ctx: CheckContext) -> str | None:
    """The record's credit code as text; None when absent or blank (the schema rules say so)."""
    value: Any = ctx.record.fields.get("credit_code")
    if value is None or not str(value).strip():
        return None
    return str(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _unreadable_division(raw: str) -> bool:
    """True when pos 3–8 cannot be read as a division; identity.credit-code reports why."""
    unreadable = {"length", "charset", "structure"}
    return any(p.code in unreadable for p in credit_code.validate(raw, expected_category=None))


def _evidence(ctx: CheckContext, raw: str) -> tuple[str, Provenance | None]:
    found = ctx.record.evidence.get("credit_code")
    if found is None:
        return raw, None
    return found[0], found[1]


RULES: tuple[Rule, ...] = (credit_code_rule, credit_code_region_rule)
