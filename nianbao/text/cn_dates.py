"""Dates written in Chinese words, and deadlines and periods named in prose.

- `date_line`: a line that is only a date, in digits or in Chinese numerals (a notice's 成文日期:
  "2025年3月4日", "二〇二五年三月四日");
- `find_deadlines`: deadlines in prose ("4月底", "9月5日前", "年底前"), resolved to dates;
- `parse_period`: a period of months ("7月—11月") as (start, end) months.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nianbao.text.numbers import cn_int

CN = "〇零一二三四五六七八九十百两"
_DATE_LINE = re.compile(rf"^(?:(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日|([{CN}]{{4}})年([{CN}]{{1,3}})月"
                        rf"([{CN}]{{1,3}})日)$")
_CN_DIGIT = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def date_line(text: str) -> dt.date | None:
    """The date a line consists of (spaces ignored), or None."""
    m = _DATE_LINE.match(text.replace(" ", ""))
    if not m:
        return None
    if m.group(1):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        year = "".join(str(_CN_DIGIT[c]) if c in _CN_DIGIT else "?" for c in m.group(4))
        mo_, d_ = cn_int(m.group(5)), cn_int(m.group(6))
        if not year.isdigit() or mo_ is None or d_ is None:
            return None
        y, mo, d = int(year), mo_, d_
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


@dataclass(frozen=True)
class Deadline:
    """A deadline named in the text ("4月底", "9月5日前"), resolved to a date."""

    text: str
    date: dt.date
    start: int
    end: int


_DEADLINE = re.compile(
    r"(?<![截到至自从])(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日(?P<before>之?前|以前)"
    r"|(?P<part>底|末|上旬|中旬|下旬)(?:之?前)?)|(?<!\d)年底(?:之?前)?)"
)
_PART_DAY = {"上旬": 10, "中旬": 20}


def find_deadlines(text: str, year: int | None) -> list[Deadline]:
    """Deadlines in `text`: N月底, N月下旬, N月N日前 (with or without a year); a bare month or
    a date without 前 is an event, not a deadline. `year` resolves dates written without one."""
    out: list[Deadline] = []
    for m in _DEADLINE.finditer(text):
        if text[max(0, m.start() - 2): m.start()] in ("截至", "截止", "直至"):
            continue
        y = int(m.group("y")) if m.group("y") else year
        if y is None:
            continue
        try:
            if m.group("m") is None:
                day = dt.date(y, 12, 31)
            elif m.group("d"):
                day = dt.date(y, int(m.group("m")), int(m.group("d")))
            else:
                month = int(m.group("m"))
                part = m.group("part")
                last = (dt.date(y + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
                day = dt.date(y, month, _PART_DAY.get(part, last))
        except ValueError:
            continue
        out.append(Deadline(m.group(0), day, m.start(), m.end()))
    return out


_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月")


def parse_period(period: str, year: int | None) -> tuple[str, str] | None:
    """'7月—11月' → ('2023-07', '2023-11') with year 2023; None when no month is named."""
    months = [(int(y) if y else year, int(m)) for y, m in _MONTH.findall(period)]
    if not months or any(y is None for y, _ in months) or not all(1 <= m <= 12 for _, m in months):
        return None
    (y0, m0), (y1, m1) = months[0], months[-1]
    return f"{y0:04d}-{m0:02d}", f"{y1:04d}-{m1:02d}"
