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
