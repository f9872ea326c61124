"""Columns of a statistics table: the role of each header cell (label, unit, code, current,
previous_period, previous_year, cumulative, mom, yoy), what a cell holds (a number, a unit, a
code, a not-applicable mark) and the alignment of a row's cells to the columns by type: the
label, then a unit if it reads as one, then a code if the header has a code column, then the
values in the order of the value columns. `nianbao.extract.grid` finds the tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nianbao.extract.vocabulary import unit_of

VALUE_ROLES = ("current", "previous_period", "previous_year", "cumulative")
CHANGE_ROLES = ("mom", "yoy")

# (role, pattern over a header cell with spaces removed); first match wins.
_ROLE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((r, re.compile(p)) for r, p in (
    ("label", r"^(?:指标名称|指标|项目|名称|项目名称|类别|地区|统计指标|单位名称|指标及单位)$"),
    ("unit", r"^(?:计量)?单位$|^计算单位$"),
    ("code", r"^(?:代码|编码|行次|序号|指标代码)$"),
    ("mom", r"环比|比上月|比上期|较上月"),
    ("yoy", r"同比|比上年|比去年|较上年"),
    ("change", r"增减|增长|增幅|变动|升降|±"),
    ("previous_year", r"上年|去年|同期"),
    ("previous_period", r"上月|上期|上季"),
    ("cumulative", r"累计|^\d{1,2}\s*[—\-–~至到]+\s*\d{1,2}\s*月|全年"),
    ("current", (r"本月|本期|当月|本季|数量|数值|^数据$|^期末|^年末|^金额$|^实际数|^\d{1,2}月份?$"
                r"|^(?:19|20)\d{2}年\d{1,2}月(?:份|末|底)?$|^(?:19|20)\d{2}\.\d{1,2}$|^合计$|^总计$|^人数$"
                r"|^(?:(?:19|20)\d{2}年)?(?:第?[一二三四1-4]|前三)季度$|^(?:19|20)\d{2}年(?:度|末)?$")),
    ("current", r"^(?:户数|人数|人次|户次|金额|资金|支出|支出金额|资金支出|发放金额|救助资金)"
                r"(?:[（(](?:户|人|人次|户次|元|万元|亿元|千元)[)）])?$"),
))
# A value column headed by what it counts (户数 | 人数 | 金额（元） | 资金（万元）): its cells are
# in that column's own unit, whatever the row's unit cell says.
_MEASURE_HEADER = _ROLE_WORDS[-1][1]
# Two counts in one cell under a paired unit (户/人 863/1542).
PAIR = re.compile(r"^(\d[\d,，]*(?:\.\d+)?)\s*/\s*(\d[\d,，]*(?:\.\d+)?)$")
_COLUMN_NUMBER = re.compile(r"^(?:[甲乙丙丁戊己]|\d{1,2}|[A-Z])$")
NUMBER = re.compile(r"^[-−+]?(?:\d[\d,，]*(?:\.\d+)?|\.\d+)(%|(?:万|亿)?(?:户次|人次|户|人|元|个|家|张))?$")
NOT_APPLICABLE = frozenset({"—", "-", "–", "——", "…", "……", "/", "－", "x", "X", "×", "--"})
CODE = re.compile(r"^[A-Z]{0,4}\d{3,12}$")


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    role: str | None  # label unit code current previous_period previous_year cumulative mom yoy



@lru_cache(maxsize=4096)
def header_role(cell: str) -> str | None:
    text = re.sub(r"\s+", "", cell)
    if not text or len(text) > 16:
        return None
    for role, rx in _ROLE_WORDS:
        if rx.search(text):
            return role
    return None


@lru_cache(maxsize=8192)
def is_number(cell: str) -> bool:
    return bool(NUMBER.match(cell.strip()))


def is_value(cell: str) -> bool:
    return is_number(cell) or cell.strip() in NOT_APPLICABLE or bool(PAIR.match(cell.strip()))


def pair_units(cell: str) -> tuple[str, str] | None:
    """The two units of a paired unit cell (户/人, 户/人次), or None."""
    parts = re.sub(r"\s+", "", cell).split("/")
    if len(parts) == 2 and all(unit_of(p) is not None and p != "元" for p in parts):
        return parts[0], parts[1]
    return None


def is_unit(cell: str) -> bool:
    return unit_of(cell) is not None or pair_units(cell) is not None


def column_unit(header: str, money_unit: str | None = None) -> str | None:
    """The unit a value column's header names (户数 → 户, 金额（元） → 元), or None."""
    from nianbao.extract.vocabulary import unit_from_label

    text = re.sub(r"\s+", "", header)
    return unit_from_label(text, money_unit) if _MEASURE_HEADER.match(text) else None


def header_roles(cells: Sequence[str]) -> list[str | None] | None:
    """Roles of a header row's cells, or None when the row is not a statistics header."""
    if len(cells) < 2 or any(is_number(c) for c in cells):
        return None
    roles = [header_role(c) for c in cells]
    values = sum(1 for r in roles if r in VALUE_ROLES or r in CHANGE_ROLES or r == "change")
    anchors = sum(1 for r in roles if r in ("label", "unit", "code"))
    if values >= 1 and (anchors >= 1 or values >= 2) and sum(r is not None for r in roles) >= 2:
        return resolve_changes(_resolve_dates(cells, roles))
    return None


_DATE_HEADER = re.compile(r"^(?:((?:19|20)\d{2})\s*[年.．]\s*)?(\d{1,2})\s*月份?(?:末|底)?$")


def _resolve_dates(cells: Sequence[str], roles: list[str | None]) -> list[str | None]:
    """Columns headed by periods (2025年9月 | 2025年8月 | 2024年9月): the latest is the current
    period, the same month a year before is previous_year, any other previous_period."""
    dates: dict[int, tuple[int, int]] = {}
    for i, cell in enumerate(cells):
        m = _DATE_HEADER.match(re.sub(r"\s+", "", cell))
        if m and roles[i] == "current":
            dates[i] = (int(m.group(1) or 0), int(m.group(2)))
    if len(dates) < 2:
        return roles
    latest = max(dates.values())
    out = list(roles)
    for i, (year, month) in dates.items():
        if (year, month) == latest:
            continue
        out[i] = "previous_year" if month == latest[1] and year == latest[0] - 1 \
            else "previous_period"
    return out


def resolve_changes(roles: list[str | None]) -> list[str | None]:
    """A bare 增减% column compares with the value column before it (上月 → mom, else yoy)."""
    out: list[str | None] = []
    for role in roles:
        if role == "change":
            before = next((r for r in reversed(out) if r in VALUE_ROLES), None)
            role = "mom" if before == "previous_period" else "yoy"
        out.append(role)
    # Without a label column the first column holds the labels.
    if "label" not in out:
        out[0] = "label" if out[0] is None else out[0]
    return out


def is_column_numbers(cells: Sequence[str]) -> bool:
    if any(len(c) > 4 for c in cells):
        return False
    filled = [re.sub(r"\s+", "", c) for c in cells if c.strip()]
    return (len(filled) >= 2 and all(_COLUMN_NUMBER.match(c) for c in filled) and \
        any(not c.isdigit() for c in filled)) or (len(filled) >= 3 and filled == [
            str(i) for i in range(1, len(filled) + 1)])


_HEADER_WORDS = sorted((
    "指标名称", "指标", "项目", "名称", "计量单位", "单位", "代码", "行次", "本月数", "本月", "上月数",
    "上月", "本期数", "本期", "上期数", "上期", "本季", "上季度", "上季", "本年累计", "累计", "上年同期",
    "去年同期", "同期", "数量", "环比(%)", "环比（%）", "环比%", "环比", "同比(%)", "同比（%）", "同比%",
    "同比", "增减(%)", "增减（%）", "增减%", "增长(%)", "增长（%）", "增长%", "甲", "乙", "丙",
), key=len, reverse=True)


def split_glued_header(text: str) -> list[str] | None:
    """A header whose cells a PDF's text layer glued together ("指标名称单位代码本月数上月数
    环比(%)"), cut at known header words; None unless the words cover the whole line."""
    text = re.sub(r"\s+", "", text)
    out: list[str] = []
    i = 0
    while i < len(text):
        word = next((w for w in _HEADER_WORDS if text.startswith(w, i)), None)
        if word is None:
            return None
        out.append(word)
        i += len(word)
    return out if len(out) >= 3 else None


def align(tokens: list[str], columns: list[Column]) -> tuple[list[str], str | None]:
    """Cells of a row from its tokens, by type: label, unit, code, then values in order."""
    tokens = [t.strip() for t in tokens]
    cells = [""] * len(columns)
    label_i = next((c.index for c in columns if c.role == "label"), 0)
    unit_i = next((c.index for c in columns if c.role == "unit"), None)
    code_i = next((c.index for c in columns if c.role == "code"), None)
    value_cols = [c.index for c in columns if c.index not in (label_i, unit_i, code_i)]
    k = 0
    while k < len(tokens) and not tokens[k]:
        k += 1
    if code_i is not None and code_i < label_i and k < len(tokens) and \
            re.fullmatch(r"\d{1,4}", tokens[k]):
        cells[code_i] = tokens[k]  # 序号 before the label
        k += 1
    label_parts: list[str] = []
    while k < len(tokens) and tokens[k] and not is_value(tokens[k]) \
            and (not is_unit(tokens[k]) or not label_parts):
        label_parts.append(tokens[k])
        k += 1
    cells[label_i] = "".join(label_parts)
    rest = [t for t in tokens[k:] if t]
    fault = None
    if unit_i is not None and rest and is_unit(rest[0]):
        cells[unit_i] = rest.pop(0)
    elif unit_i is not None:
        cells[label_i], cells[unit_i] = _glued_unit(cells[label_i])
    if code_i is not None and not cells[code_i] and rest and CODE.match(rest[0]) and \
            len(rest) > 1 and \
            (len(rest) > len(value_cols) or ("," not in rest[0] and len(rest[0]) >= 4)):
        cells[code_i] = rest.pop(0)
    if any(not is_value(t) for t in rest):
        fault = "non-numeric value"
    if len(rest) > len(value_cols):
        fault = "more values than columns"
    for index, token in zip(_fit(rest, value_cols, columns), rest, strict=False):
        cells[index] = token
    return cells, fault


_COUNT_UNITS = frozenset({"户", "人", "人次", "户次"})


def _fit(values: list[str], value_cols: list[int], columns: list[Column]) -> list[int]:
    """The columns a short row's values go to (a flattened copy leaves empty cells out): in
    order, except that a value with decimals skips a column headed by a count (城市低保 215 402
    98.6 under 户数 | 人数 | 人次 | 资金（万元）: 98.6 is the money, not 人次)."""
    if len(values) >= len(value_cols):
        return value_cols
    out: list[int] = []
    k = 0
    for n, value in enumerate(values):
        while "." in value and len(value_cols) - k > len(values) - n and \
                column_unit(columns[value_cols[k]].header) in _COUNT_UNITS:
            k += 1
        out.append(value_cols[k])
        k += 1
    return out


_GLUED_UNITS = ("元/人、月", "元/人·月", "元/人·年", "元/人、年", "万人次", "人次", "户次", "万人",
                "万户", "万元", "亿元", "户", "人", "个", "%")


def _glued_unit(label: str) -> tuple[str, str]:
    """A unit a PDF glued to the label ("1.城市低保户数户" → "1.城市低保户数", "户")."""
    for unit in _GLUED_UNITS:
        if label.endswith(unit) and len(label) > len(unit) + 1 and (
                len(unit) > 1 or label[-2] in "数次员额"):
            return label[:-len(unit)], unit
    return label, ""
