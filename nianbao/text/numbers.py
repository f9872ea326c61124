"""Numbers as written in Chinese forms, read exactly (Decimal, never float)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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
