"""The annual-report label table, shared by every format.

Each entry maps the printed label of the official form (and its known variants: the older
provincial layout, OCR distortions, spacing) to a record field. Matching works on a key with all
whitespace removed and brackets unified, so `《事业 单位 法人 证书》`, `住 所` and `年初数(万元)` match.
A label no variant names exactly is still recognised by its signature (a regex over the key) when
the text is short and label-like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How a label's value is laid out.
SHORT = "short"  # one value, in the next cell or after the label on the same line
LONG = "long"  # free text that may run over several paragraphs, rows or pages
HEADER = "header"  # a group header that carries no value of its own


@dataclass(frozen=True)
class Label:
    field: str
    variants: tuple[str, ...]
    signature: str = ""  # regex over the key, for distorted labels
    layout: str = SHORT
    zh: str = ""  # the canonical label, for messages


LABELS: tuple[Label, ...] = (
    Label("credit_code", ("统一社会信用代码",), r"^统一社会信用代?码$", zh="统一社会信用代码"),
    Label("report_year", ("报告年度",), zh="报告年度"),
    Label("name", ("单位名称",), zh="单位名称"),
    Label("purpose_and_scope", ("宗旨和业务范围", "宗旨及业务范围"), r"^宗旨.{0,2}业务范围$",
          zh="宗旨和业务范围"),
    Label("address", ("住所",), zh="住所"),
    Label("legal_representative", ("法定代表人",), zh="法定代表人"),
    Label("registered_capital_wan", ("开办资金", "开办资金(万元)"), zh="开办资金"),
    Label("funding_source", ("经费来源", "经济来源"), zh="经费来源"),
    Label("sponsor", ("举办单位",), zh="举办单位"),
    Label("net_assets_begin_wan", ("年初数(万元)", "年初数", "净资产年初数(万元)", "年初净资产(万元)"),
          r"^(净资产)?年初(数|净资产)", zh="净资产年初数"),
    Label("net_assets_end_wan", ("年末数(万元)", "年末数", "净资产年末数(万元)", "年末净资产(万元)"),
          r"^(净资产)?年末(数|净资产)", zh="净资产年末数"),
    Label("online_name", ("网上名称",), zh="网上名称"),
    Label("staff_count", ("从业人数",), zh="从业人数"),
    Label("change_registration", ("对《条例》和实施细则有关变更登记规定的执行情况",),
          r"变更登记.{0,8}执行情况|执行情况.{0,4}变更登记", LONG,
          zh="对《条例》和实施细则有关变更登记规定的执行情况"),
    Label("activities", ("开展业务活动情况",), r"^开展.{0,2}业务活动.{0,2}情况$", LONG,
          zh="开展业务活动情况"),
    Label("licenses", ("相关资质认可或执业许可证明文件及有效期",), r"资质认可|执业许可证", LONG,
          zh="相关资质认可或执业许可证明文件及有效期"),
    Label("awards_and_litigation", ("绩效和受奖惩及诉讼投诉情况",),
          r"(受奖惩|受罚|绩效).{0,6}(诉讼|投诉)", LONG, zh="绩效和受奖惩及诉讼投诉情况"),
    Label("donations", ("接受捐赠资助及使用情况", "接收捐赠资助及使用情况"), r"^接[受收]捐赠", LONG,
          zh="接受捐赠资助及使用情况"),
    Label("entrust_opinion", ("事业单位委托意见",), r"^(事业单位)?委托意见$", LONG,
          zh="事业单位委托意见"),
    Label("sponsor_opinion", ("举办单位意见(含保密审查意见)", "举办单位意见", "举办单位审查意见"),
          r"^举办单位.{0,2}意见", LONG, zh="举办单位意见（含保密审查意见）"),
    Label("filler", ("填表人",), zh="填表人"),
    Label("phone", ("联系电话",), zh="联系电话"),
    Label("submitted_on", ("报送日期",), r"^报送(日期|时间)$", zh="报送日期"),
    # Headers and fixed lines of the form: recognised so they are not taken for values.
    Label("", ("《事业单位法人证书》登载事项", "事业单位法人证书登载事项"), r"法人证书.{0,2}登载事项", HEADER),
    Label("", ("资产损益情况",), r"^资产损益情况$", HEADER),
    Label("", ("净资产合计(所有者权益合计)", "净资产合计"), r"^净资产合计", HEADER),
    Label("", ("事业单位法人年度报告书",), r"^事业单位法人年度报告书?$", HEADER),
    Label("", ("国家事业单位登记管理局制",), r"^国家事业单位登记管理局.?制$", HEADER),
)

BY_FIELD = {label.field: label for label in LABELS if label.field}

_BRACKETS = str.maketrans({"（": "(", "）": ")", "：": ":", "【": "(", "】": ")", "［": "(", "］": ")"})
_SPACE = re.compile(r"\s+")

# Variants, longest first, so that 举办单位意见 wins over 举办单位.
_VARIANTS = sorted(((key, label) for label in LABELS for key in label.variants),
                   key=lambda kv: -len(kv[0]))
_VARIANT_KEYS = [(k.translate(_BRACKETS), label) for k, label in _VARIANTS]
# Labels that may carry their value on the same line ("单位名称 汨罗市…", "填表人: 傅蔚霞").
_SENTENCE_END = re.compile(r"[。；;！？!?]")
MAX_LABEL_CHARS = 40


def key(text: str) -> str:
    """The matching key: no whitespace, ASCII brackets and colon, no trailing colon."""
    return _SPACE.sub("", text).translate(_BRACKETS).rstrip(":")


def match(text: str) -> Label | None:
    """The label `text` is, when the whole text is a label (exactly or by signature)."""
    k = key(text)
    if not k or len(k) > MAX_LABEL_CHARS or _SENTENCE_END.search(k):
        return None
    for variant, label in _VARIANT_KEYS:
        if k == variant:
            return label
    for label in LABELS:
        if label.signature and re.search(label.signature, k):
            return label
    return None


def split_leading(text: str) -> tuple[Label, str] | None:
    """A label at the start of `text` followed by its value: ("单位名称 汨罗市…") → (label, value).

    The label must be followed by a separator (space or colon) in the original text, so a
    sentence that merely begins with a label word is not split.
    """
    stripped = text.strip()
    for variant, label in _VARIANTS:
        pattern = _spaced(variant)
        m = pattern.match(stripped)
        if m and m.end() < len(stripped):
            rest = stripped[m.end():]
            if rest[0] in " \t:：" or stripped[m.end() - 1] in "）)":
                return label, rest.lstrip(" \t:：")
    return None


def _spaced(variant: str) -> re.Pattern[str]:
    """A regex for `variant` allowing whitespace between characters and either bracket style."""
    pattern = _SPACED.get(variant)
    if pattern is None:
        pattern = _SPACED[variant] = re.compile(r"\s*".join(_char_class(c) for c in variant))
    return pattern


_SPACED: dict[str, re.Pattern[str]] = {}
_PAIRS = {"(": "[(（]", ")": "[)）]", ":": "[:：]"}


def _char_class(char: str) -> str:
    return _PAIRS.get(char.translate(_BRACKETS), re.escape(char))


INLINE_FIELDS = frozenset({"filler", "phone", "submitted_on", "staff_count", "legal_representative",
                           "name", "credit_code", "online_name", "report_year"})


def find_inline(text: str) -> list[tuple[int, Label]]:
    """Positions of footer-style labels inside one line ("填表人: 傅蔚霞 联系电话: ___")."""
    found: list[tuple[int, Label]] = []
    for variant, label in _VARIANTS:
        if label.field not in INLINE_FIELDS:
            continue
        for m in _spaced(variant).finditer(text):
            after = text[m.end():m.end() + 1]
            before = text[m.start() - 1:m.start()] if m.start() else " "
            separated = after in (" ", ":", "：", "\t") and before in (" ", "\t", "　")
            if separated and not any(start <= m.start() < start + len(v.variants[0])
                                     for start, v in found):
                found.append((m.start(), label))
    return sorted(found, key=lambda pair: pair[0])
