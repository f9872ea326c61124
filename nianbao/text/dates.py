"""Dates as written in Chinese documents: 2026年3月4日, 2026-03-04, 2026.3.4, 2026/3/4."""

from __future__ import annotations

import datetime as dt
import re

DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日"
    r"|[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2}))"
)


def parse_date(text: str) -> dt.date | None:
    """The single date `text` holds (surrounding words allowed), or None if none or invalid."""
    found = find_dates(text)
    return found[0][1] if len(found) == 1 else None


def find_dates(text: str) -> list[tuple[str, dt.date]]:
    """Every valid date in `text` with the exact substring it came from."""
    out = []
    for m in DATE.finditer(text):
        month = m.group("m1") or m.group("m2")
        day = m.group("d1") or m.group("d2")
        try:
            out.append((m.group(0), dt.date(int(m.group("y")), int(month), int(day))))
        except ValueError:
            continue
    return out


def zh_date(date: dt.date) -> str:
    """2026年3月4日: Arabic numerals, no zero padding (GB/T 9704-2012 §7.3.5.1)."""
    return f"{date.year}年{date.month}月{date.day}日"


# Dates that lost their separators: 自202391日起, 到2023630日, 202312月, 落款 20230915.
_GLUED_DAY = re.compile(r"(?<![\d.])((?:19|20)\d{2})(\d{2,4})\s*日")
_GLUED_MONTH = re.compile(r"(?<![\d.])((?:19|20)\d{2})(\d{1,2})\s*月(?!\d*\s*日)")
_BARE = re.compile(r"(?<![\d.A-Za-z])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
                   r"(?![\d.%A-Za-z])(?!\s*[元人户名次个万亿千件条份项号])")
_NOT_A_DATE_BEFORE = re.compile(r"(?:编号|编码|代码|号码|电话|账号|帐号|卡号|文号|批次|序号|No\.?|NO\.?)"
                                r"[:：\s]*$")


def glued_dates(text: str) -> list[tuple[int, int, list[dt.date]]]:
    """(start, end, likely readings) of every date written without its separators.

    "自202391日起" → 2023-09-01; "2023111日" → 2023-01-11 or 2023-11-01; "20230915" on its own →
    2023-09-15. A run of digits that no valid date explains is not reported here.
    """
    out: list[tuple[int, int, list[dt.date]]] = []
    for m in _GLUED_DAY.finditer(text):
        year, rest = int(m.group(1)), m.group(2)
        readings = [d for i in (1, 2) if (d := _date(year, rest[:i], rest[i:])) is not None]
        if readings:
            out.append((m.start(), m.end(), readings))
    for m in _GLUED_MONTH.finditer(text):
        if 1 <= int(m.group(2)) <= 12:
            out.append((m.start(), m.end(), [dt.date(int(m.group(1)), int(m.group(2)), 1)]))
    for m in _BARE.finditer(text):
        if _NOT_A_DATE_BEFORE.search(text, max(0, m.start() - 8), m.start()):
            continue
        found = _date(int(m.group(1)), m.group(2), m.group(3))
        if found is not None:
            out.append((m.start(), m.end(), [found]))
    return sorted(out)


def _date(year: int, month: str, day: str) -> dt.date | None:
    if not month or not day or len(day) > 2:
        return None
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        return None
