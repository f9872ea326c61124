"""Numbers as written in Chinese documents, read exactly (Decimal, never float).

One numeral at a time: Arabic digits with thousands separators ("1,234.5", "1，234"), full-width
digits ("１２３"), an Arabic number with a Chinese scale ("1.2万", "2.13亿"), Chinese numerals
("一万二千三百", "两千", "三百零五", "十二", "九十八点五", financial 壹贰叁), digit-by-digit numerals
("二〇二五") and "百分之九十八". Finding numbers inside prose is `nianbao.text.quantities`' job; the
patterns it needs are exported here so both read numerals the same way.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from nianbao.text.script import TABLE as SIMPLIFIED

# --- the two cell parsers used by the annual-report reader (behaviour unchanged) ----------------

_AMOUNT = re.compile(r"^(?P<sign>[-−])?\s*(?P<num>\d[\d,，]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|亿|万)?$")
_UNIT_TO_WAN = {None: Decimal(1), "万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001"),
                "亿元": Decimal(10000), "亿": Decimal(10000)}
_INT = re.compile(r"^(\d[\d,，]*)\s*(人|名|个|户)?$")


def to_decimal(digits: str) -> Decimal | None:
    try:
        return Decimal(digits.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def parse_amount_wan(text: str) -> Decimal | None:
    """An amount cell in 万元: "49.0 万元", "0.75万元", "259.90", "490000元" → Decimal 万元.

    A bare number is taken as 万元 (the form's unit). None when the text is not one amount.
    """
    m = _AMOUNT.match(text.strip().replace(" ", ""))
    if not m:
        return None
    value = to_decimal(m.group("num"))
    if value is None:
        return None
    value *= _UNIT_TO_WAN[m.group("unit")]
    return -value if m.group("sign") else value


def parse_int(text: str) -> int | None:
    """A count: "14", "14人", "1,234" → int; None otherwise."""
    m = _INT.match(text.strip())
    if not m:
        return None
    value = to_decimal(m.group(1))
    return int(value) if value is not None and value == value.to_integral_value() else None


# --- shared vocabulary ------------------------------------------------------------------------

#: One-to-one character folding, so spans found in the folded text are spans of the original:
#: full-width digits and signs become ASCII, "○" (a common stand-in for "〇") becomes "〇", the
#: division slash "∕" (U+2215) a plain "/", and the traditional forms of the scale and unit
#: characters and the words around figures (萬 億 戶 餘 約 減少 累計) their simplified ones
#: (`nianbao.text.script`), so 236萬人 reads like 236万人.
FOLD = {
    **SIMPLIFIED,
    **str.maketrans(
        {**{chr(0xFF10 + i): str(i) for i in range(10)},
         "％": "%", "．": ".", "－": "-", "／": "/", "∕": "/", "○": "〇", "\u3000": " "}),
}

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "兩": 2, "叁": 3, "肆": 4, "伍": 5,
             "陆": 6, "柒": 7, "捌": 8, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_SCALES = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

#: The most significant digits a numeral may have; longer digit runs are codes, not statistics.
#: Sixteen digits times 亿 stays within Decimal's default 28-digit precision, so reads are exact.
MAX_DIGITS = 16

#: Scale words written after an Arabic number ("1.2万", "5千", "2.13亿") and their multipliers.
SCALES: dict[str, Decimal] = {"千": Decimal(10**3), "万": Decimal(10**4), "百万": Decimal(10**6),
                              "千万": Decimal(10**7), "亿": Decimal(10**8)}

_D = "".join(CN_DIGITS)
_ALL = _D + "".join(CN_UNITS) + "".join(CN_SCALES)

#: An Arabic number (after FOLD): "1,234.5" / "1，234" (groups of exactly three) or "1234.5".
ARABIC = r"[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?"
#: A Chinese numeral: starts with a digit or 十 (never a bare 百/千/万, which start words such as
#: 百姓, 千家万户, 万元户), then digits, units and scales; optional 点 and decimal digits.
CHINESE = rf"[{_D}十拾][{_ALL}]*(?:点[{_D}]+)?"

_ARABIC_FULL = re.compile(rf"(?P<num>{ARABIC})\s*(?P<scale>百万|千万|[千万亿])?")
_CHINESE_FULL = re.compile(CHINESE)


def parse_number(text: str) -> Decimal | None:
    """The value of one numeral, or None if `text` is not exactly one numeral.

    "1,234.5" → 1234.5, "１２３" → 123, "1.2万" → 12000, "2.13亿" → 213000000, "一万二千三百" → 12300,
    "两千" → 2000, "三百零五" → 305, "二〇二五" → 2025, "-3" → -3. A percentage, "百分之九十八" or
    "98%", gives the number of percent (98); the % itself is the quantity layer's business.
    """
    s = text.strip().translate(FOLD)
    negative = s[:1] in ("-", "−", "负")
    s = s[1:].lstrip() if negative else s
    if s.startswith("百分之"):
        s = s[3:]
        s = "100" if s == "百" else s
    elif s.endswith("%"):
        s = s[:-1].rstrip()
    value = _parse_unsigned(s)
    return -value if value is not None and negative else value


def _parse_unsigned(s: str) -> Decimal | None:
    m = _ARABIC_FULL.fullmatch(s)
    if m and too_long(m.group("num")):
        return None
    if m:
        number = Decimal(m.group("num").replace(",", "").replace("，", ""))
        return tidy(number * SCALES[m.group("scale")] if m.group("scale") else number)
    if _CHINESE_FULL.fullmatch(s):
        return parse_chinese(s)
    return None


def parse_chinese(text: str) -> Decimal | None:
    """A Chinese numeral: "一万二千三百" → 12300, "九十八点五" → 98.5; None if malformed ("十十")."""
    whole, _, fraction = text.partition("点")
    integer = _chinese_integer(whole)
    if integer is None or any(c not in CN_DIGITS for c in fraction):
        return None
    digits = "".join(str(CN_DIGITS[c]) for c in fraction)
    return tidy(Decimal(f"{integer}.{digits}")) if digits else Decimal(integer)


def _chinese_integer(s: str) -> int | None:
    """Place-value Chinese integer, or digit-by-digit ("二〇二五") when it has no unit at all."""
    if not s:
        return None
    if all(c in CN_DIGITS for c in s):
        return None if len(s) > MAX_DIGITS else int("".join(str(CN_DIGITS[c]) for c in s))
    return _place_value(s)


def _place_value(s: str) -> int | None:
    """"一亿二千万" → 120000000; trailing "一万二" → 12000 ("二" one place below 万)."""
    total, section, digit = 0, 0, None
    last_unit, last_scale, after_zero = 10**4, 10**9, False
    place = 1  # the place a trailing digit would take
    for c in s:
        if c in CN_DIGITS:
            if digit is not None and not after_zero:
                return None  # two digits in a row ("二五百")
            digit, after_zero = CN_DIGITS[c], CN_DIGITS[c] == 0
        elif c in CN_UNITS:
            unit = CN_UNITS[c]
            if unit >= last_unit or (digit is None and (unit != 10 or section or total)):
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit, place, after_zero = None, unit, unit // 10, False
        else:
            scale = CN_SCALES[c]
            if scale >= last_scale or (section == 0 and digit is None and total == 0):
                return None
            section += digit or 0
            total += section * scale
            section, digit, last_unit, last_scale = 0, None, 10**4, scale
            place, after_zero = scale // 10, False
    if digit is not None:  # "一万二": a digit straight after a unit/scale takes the place below it
        section += digit * (place if s[-2] not in CN_DIGITS else 1)
    return total + section


def too_long(digits: str) -> bool:
    """More than MAX_DIGITS significant digits ("1,234.5" has five)."""
    return len(digits.lstrip("0,，.").replace(",", "").replace("，", "").replace(".", "")) \
        > MAX_DIGITS


def decimals(raw: str) -> int:
    """How many decimal places a numeral is written with: "498.08" → 2, "九十八点五" → 1, "12" → 0."""
    for point in (".", "．", "点"):
        if point in raw:
            return len(raw.rsplit(point, 1)[1])
    return 0


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without exponent notation: 21300.00 → 21300, 322.50 → 322.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def number_text(value: Decimal) -> str:
    """A figure as a message shows it: no exponent, no trailing zeros (21300.00 → 21300,
    1E+2 → 100, 322.50 → 322.5)."""
    return format(value.normalize(), "f")


def cn_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 6 → 6; None when `text` is not a small whole number."""
    if text.isdigit():
        return int(text)
    value = parse_chinese(text)
    return int(value) if value is not None and value == value.to_integral_value() else None


_DIGITS_ZH = "零一二三四五六七八九"


def to_chinese_count(n: int) -> str:
    """A count in Chinese as Word numbers headings (1 → 一, 10 → 十, 12 → 十二, 20 → 二十,
    105 → 一百零五); out of range (below 1, 10,000 and above) in Arabic digits."""
    if not 1 <= n < 10_000:
        return str(n)
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero and out:
                out += "零"
            out += ("" if unit == "十" and not out and digit == 1 else _DIGITS_ZH[digit]) + unit
            zero = False
        else:
            zero = bool(out)
    return out
