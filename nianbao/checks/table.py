"""Rules on statistics tables: what the rows of a 民政统计月报/季报 promise each other.

Every value column is checked on its own (this month, last month, last year's period), so an
error in a previous-period column is found too. Near misses within rounding are silent: money
and other decimals tolerate half a unit of the last printed digit per summed item, counts are
exact, rates are compared at their printed precision after the rounding of their inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.extract.columns import VALUE_ROLES, Column
from nianbao.extract.statistics import (
    StatRow,
    StatTable,
    children,
    complete_parts,
    total_parts,
)
from nianbao.extract.vocabulary import identities
from nianbao.model import Provenance

_KINDS = ("statistics_report", "work_summary", "notice")
_COUNTS = frozenset({"households", "persons", "person_times", "value"})
_ROLE_ZH = {"current": "本期", "previous_period": "上期", "previous_year": "上年同期",
            "cumulative": "累计", "mom": "环比", "yoy": "同比"}


def _tables(ctx: CheckContext) -> list[StatTable]:
    return [t for t in ctx.record.tables if isinstance(t, StatTable)]


def _fmt(value: Decimal) -> str:
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@lru_cache(maxsize=8192)
def _decimals(cell: str) -> int:
    digits = re.sub(r"[^\d.]+$", "", cell)
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _half_unit(row: StatRow, index: int) -> Decimal:
    """Half a unit of the cell's last printed digit, in the contract measure (exact counts: 0)."""
    cell = row.cells.get(index, "")
    places = _decimals(cell)
    if places == 0 and row.measure in _COUNTS and (row.unit is None or row.unit.scale == 1):
        return Decimal(0)
    scale = row.unit.scale if row.unit is not None else Decimal(1)
    return Decimal("0.5") * Decimal(10) ** -places * scale


def _scaled(row: StatRow, index: int) -> Decimal:
    scale = row.unit.scale if row.unit is not None else Decimal(1)
    return row.values[index] * scale


def _column(table: StatTable, index: int) -> str:
    header = table.table.columns[index].header
    return header or _ROLE_ZH.get(table.column_role(index) or "", "")


def _where(row: StatRow, index: int | None = None) -> Provenance:
    return Provenance(page=row.row.page, block=row.row.block,
                      cell=None if index is None else index + 1)


def _pointer(ctx: CheckContext, row: StatRow) -> str:
    """The first fact read from the row."""
    index = ctx.cache.get("table.fact-index")
    if index is None:
        index = {}
        for i, fact in enumerate(ctx.record.facts):
            if fact.row is not None:
                index.setdefault((fact.text, fact.row), i)
        ctx.cache["table.fact-index"] = index
    found = index.get((row.row.text, row.row.number))
    return "/facts" if found is None else f"/facts/{found}"


def _value_columns(table: StatTable) -> list[int]:
    return table.columns_with(*VALUE_ROLES)


# --------------------------------------------------------------------------- part sums


@rule("table.part-sum", "error", kinds=_KINDS,
      title=("统计表分项之和与合计不符", "a statistics table's parts do not add up to their total"),
      message=("{total}（{column}）：{expr} = {sum}，{claim_zh}{stated}",
               "{total} ({column}): {expr} = {sum}, {claim_en} {stated}"))
def part_sum(ctx: CheckContext) -> Iterator[Hit]:
    """Child rows that complete a total (numbered breakdown items, 集中 + 分散, 城市 + 农村, the
    rows of a 小计/合计) add up to it in every value column (statistics.md §1; spec.md §4.2
    S1–S3, S14). A 其中 list that names only some parts only bounds its total: their sum may
    not exceed it (S6). Money tolerates half a unit of the last printed digit per summed item
    (MCA: rounding can make parts differ from totals); counts are exact."""
    for table in _tables(ctx):
        checked: set[tuple[int, int]] = set()
        for i, row in enumerate(table.rows):
            if row.kind == "total":
                parts = total_parts(table.rows, i)
                yield from _compare(ctx, table, i, parts, True, checked)
                continue
            parts = [j for j in children(table, i) if table.rows[j].kind == "item"
                     and table.rows[j].measure == row.measure and table.rows[j].values]
            if parts and row.values:
                yield from _compare(ctx, table, i, parts, complete_parts(table, i, parts), checked)
        yield from _identities(ctx, table, checked)
        yield from _group_totals(ctx, table, checked)


def _compare(ctx: CheckContext, table: StatTable, total_i: int, parts: list[int],
             complete: bool, checked: set[tuple[int, int]]) -> Iterator[Hit]:
    total = table.rows[total_i]
    rows = [table.rows[j] for j in parts]
    for index in _value_columns(table):
        if index not in total.values or (total_i, index) in checked:
            continue
        present = [r for r in rows if index in r.values]
        if not present or (complete and len(present) < len(rows)):
            continue
        checked.add((total_i, index))
        stated = _scaled(total, index)
        summed = sum((_scaled(r, index) for r in present), Decimal(0))
        tolerance = sum((_half_unit(r, index) for r in present), Decimal(0))
        expr = " + ".join(r.cells[index] for r in present)
        shown_sum = _fmt(sum((r.values[index] * (r.unit.scale if r.unit else 1) /
                              (total.unit.scale if total.unit else 1) for r in present),
                             Decimal(0)))
        column = total.group if total.row.sources and total.group else _column(table, index)
        base = {"total": total.label, "column": column, "expr": expr,
                "sum": shown_sum, "stated": total.cells[index],
                "parts": [r.cells[index] for r in present]}
        if complete and abs(summed - stated) > tolerance:
            yield Hit({**base, "claim_zh": "而表中合计为", "claim_en": "but the table states"},
                      _pointer(ctx, total), total.row.text, _where(total, index))
        elif not complete and summed > stated + tolerance:
            yield Hit({**base, "claim_zh": "其中各项之和超过合计",
                       "claim_en": "more than the total it is part of,"},
                      _pointer(ctx, total), total.row.text, _where(total, index))


def _identities(ctx: CheckContext, table: StatTable,
                checked: set[tuple[int, int]]) -> Iterator[Hit]:
    """城乡 = 城市 + 农村 (and the like) between rows the hierarchy does not relate."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(table.rows):
        if r.kind == "item" and r.values:
            groups.setdefault(r.group, []).append(i)
    for items in groups.values():
        yield from _group_identities(ctx, table, items, checked)


_TOTAL_GROUP = re.compile(r"^(?:合计|总计|小计|全市|全县|全区|全州|全市合计|全县合计|全区合计)$")


def _group_totals(ctx: CheckContext, table: StatTable,
                  checked: set[tuple[int, int]]) -> Iterator[Hit]:
    """A 合计/全市 block of a stacked table against the sum of the other blocks' same rows."""
    keyed: dict[str, dict[tuple[str | None, str | None], int]] = {}
    for i, row in enumerate(table.rows):
        if row.kind == "item" and row.values and row.group:
            keyed.setdefault(row.group, {}).setdefault((row.indicator, row.measure), i)
    totals = [g for g in keyed if _TOTAL_GROUP.match(g)]
    if len(totals) != 1 or len(keyed) < 3:
        return
    total_rows = keyed[totals[0]]
    others = [rows for group, rows in keyed.items() if group != totals[0]]
    for key, total_i in total_rows.items():
        if all(key in rows for rows in others):
            yield from _compare(ctx, table, total_i, [rows[key] for rows in others], True,
                                checked)


def _group_identities(ctx: CheckContext, table: StatTable, items: list[int],
                      checked: set[tuple[int, int]]) -> Iterator[Hit]:
    by_key: dict[tuple[str | None, str | None], list[int]] = {}
    for i in items:
        by_key.setdefault((table.rows[i].indicator, table.rows[i].measure), []).append(i)
    for total_id, members in identities():
        for measure in ("households", "persons", "amount_yuan", "person_times"):
            found = {}
            for member in (total_id, *members):
                matches = by_key.get((member, measure), [])
                if len(matches) != 1:
                    break
                found[member] = matches[0]
            else:
                total_i = found[total_id]
                parts = [found[m] for m in members]
                if any(table.rows[p].parent == total_i for p in parts):
                    continue
                yield from _compare(ctx, table, total_i, parts, True, checked)


# --------------------------------------------------------------------------- change rates


@rule("table.change-rate", "error", kinds=_KINDS,
      title=("统计表增减率与两列数值不符", "a change rate that its two value columns do not give"),
      message=("{label}（{column}）：({now} − {base}) ÷ {base} × 100 = {rate}%，表中为{stated}%",
               ("{label} ({column}): ({now} − {base}) ÷ {base} × 100 = {rate}%, the table "
               "states {stated}%")))
def change_rate(ctx: CheckContext) -> Iterator[Hit]:
    """A 环比 cell is (this period − last period) ÷ last period × 100, a 同比 cell the same
    against the year before (statistics.md §1). Recomputed to the printed precision; the
    rounding of the two value cells is allowed for."""
    for table in _tables(ctx):
        columns = table.table.columns
        for change in (c for c in columns if c.role in ("mom", "yoy")):
            base_role = "previous_period" if change.role == "mom" else "previous_year"
            base_i = _nearest(columns, change.index, (base_role,))
            now_i = _nearest(columns, base_i if base_i is not None else change.index,
                             ("current", "cumulative"))
            if base_i is None or now_i is None:
                continue
            for row in table.rows:
                yield from _rate_hit(ctx, table, row, now_i, base_i, change.index)


def _nearest(columns: list[Column], before: int, roles: tuple[str, ...]) -> int | None:
    left = [c.index for c in columns if c.role in roles and c.index < before]
    if left:
        return left[-1]
    anywhere = [c.index for c in columns if c.role in roles]
    return anywhere[0] if anywhere else None


def _rate_hit(ctx: CheckContext, table: StatTable, row: StatRow, now_i: int, base_i: int,
              change_i: int) -> Iterator[Hit]:
    if row.measure == "percent" or not {now_i, base_i, change_i} <= row.values.keys():
        return
    now, base, stated = row.values[now_i], row.values[base_i], row.values[change_i]
    if base == 0:
        return
    rate = (now - base) / abs(base) * 100
    places = _decimals(row.cells[change_i])
    if abs(rate - stated) <= Decimal("0.5") * Decimal(10) ** -places:
        return
    scale = row.unit.scale if row.unit is not None else Decimal(1)
    h_now, h_base = _half_unit(row, now_i) / scale, _half_unit(row, base_i) / scale
    slack = 100 * (h_now / abs(base) + abs(now) * h_base / (base * base))
    if abs(rate - stated) <= Decimal("0.5") * Decimal(10) ** -places + slack + Decimal("1e-9"):
        return
    shown = rate.quantize(Decimal(10) ** -max(places, 1))
    yield Hit({"label": row.label, "column": _column(table, change_i), "now": row.cells[now_i],
               "base": row.cells[base_i], "rate": f"{shown}", "stated": row.cells[change_i]},
              _pointer(ctx, row), row.row.text, _where(row, change_i))


# --------------------------------------------------------------------------- stock and flows


@rule("table.stock-flow", "warning", kinds=_KINDS,
      title=("期初数加新增减退出不等于期末数", "last stock + new − exits ≠ this stock"),
      message=("{label}：上期{previous} + 新增{new} − 退出{exit} = {expected}，本期为{stated}",
               ("{label}: last period {previous} + new {new} − exits {exit} = {expected}, "
               "this period states {stated}")))
def stock_flow(ctx: CheckContext) -> Iterator[Hit]:
    """Persons on 低保 at the end of last month, plus this month's new entrants, minus its
    exits, are the persons at the end of this month (动态管理 flows, spec.md §4.1 新增/退出).
    A warning: transfers between areas can also move the stock."""
    for table in _tables(ctx):
        current = table.columns_with("current")
        previous = table.columns_with("previous_period")
        if not current or not previous:
            continue
        now_i, prev_i = current[0], previous[0]
        for i, row in enumerate(table.rows):
            kids = [table.rows[j] for j in children(table, i)]
            new = [k for k in kids if k.kind == "flow_new" and now_i in k.values]
            out = [k for k in kids if k.kind == "flow_exit" and now_i in k.values]
            if len(new) != 1 or len(out) != 1 or not {now_i, prev_i} <= row.values.keys():
                continue
            expected = row.values[prev_i] + new[0].values[now_i] - out[0].values[now_i]
            if expected != row.values[now_i]:
                yield Hit({"label": row.label, "previous": row.cells[prev_i],
                           "new": new[0].cells[now_i], "exit": out[0].cells[now_i],
                           "expected": _fmt(expected), "stated": row.cells[now_i]},
                          _pointer(ctx, row), row.row.text, _where(row, now_i))


# --------------------------------------------------------------------------- averages


_MONTHLY_SPENDING = ("当月", "本月", "月支出", "计划支出")


@rule("table.average-product", "warning", kinds=_KINDS,
      title=("人数×月人均补助与当月支出相差较大", ("persons × average benefit far from the month's "
             "spending")),
      message=(("{persons_label} {persons} × {avg_label} {avg} = {product}万元，{spend_label}为"
               "{spend}万元，相差{gap}%"),
               ("{persons_label} {persons} × {avg_label} {avg} = {product} (10k yuan), but "
               "{spend_label} is {spend}: {gap}% apart")))
def average_product(ctx: CheckContext) -> Iterator[Hit]:
    """Persons on 低保 × the monthly average benefit per person is the month's spending
    (spec.md §4.2 S8). Persons are an end-of-month stock, so only a gap above 10 % is reported,
    as a warning."""
    for table in _tables(ctx):
        current = table.columns_with("current")
        if not current:
            continue
        col = current[0]
        for scope in ("urban", "rural"):
            persons = _one(table, f"{scope}_dibao", "persons", col)
            avg = _one(table, f"{scope}_dibao_avg_benefit", "rate_yuan_per_month", col)
            spend = [r for r in table.rows if r.indicator == f"{scope}_dibao" and
                     r.measure == "amount_yuan" and col in r.values and "累计" not in r.label
                     and any(w in r.label for w in _MONTHLY_SPENDING)]
            if persons is None or avg is None or len(spend) != 1:
                continue
            product = _scaled(persons, col) * _scaled(avg, col)
            stated = _scaled(spend[0], col)
            if stated <= 0:
                continue
            gap = abs(product - stated) / stated * 100
            if gap > 10:
                yield Hit({"persons_label": persons.label, "persons": persons.cells[col]
                           + (persons.unit.text if persons.unit else ""),
                           "avg_label": avg.label, "avg": avg.cells[col],
                           "product": _fmt((product / 10_000).quantize(Decimal("0.1"))),
                           "spend_label": spend[0].label,
                           "spend": _fmt(stated / 10_000), "gap": f"{gap:.1f}"},
                          _pointer(ctx, spend[0]), spend[0].row.text, _where(spend[0], col))


def _one(table: StatTable, indicator: str, measure: str, col: int) -> StatRow | None:
    found = [r for r in table.rows if r.indicator == indicator and r.measure == measure
             and col in r.values and r.kind == "item"]
    return found[0] if len(found) == 1 else None


@rule("table.average-above-standard", "warning", kinds=_KINDS,
      title=("月人均补助水平高于低保标准", "average benefit above the 低保 standard"),
      message=("{label}（{column}）{avg}元高于{standard_label}{standard}元",
               "{label} ({column}) {avg} yuan is above {standard_label} {standard} yuan"))
def average_above_standard(ctx: CheckContext) -> Iterator[Hit]:
    """低保 pays the gap between a family's income and the standard, so the average monthly
    benefit per person is not above the standard (spec.md §4.2 S7; 分类施保 top-ups can
    explain an exception, hence a warning)."""
    for table in _tables(ctx):
        for scope in ("urban", "rural"):
            for col in _value_columns(table):
                avg = _one(table, f"{scope}_dibao_avg_benefit", "rate_yuan_per_month", col)
                std = _one(table, f"dibao_standard_{scope}", "rate_yuan_per_month", col)
                if avg is None or std is None:
                    continue
                if _scaled(avg, col) > _scaled(std, col):
                    yield Hit({"label": avg.label, "column": _column(table, col),
                               "avg": avg.cells[col], "standard_label": std.label,
                               "standard": std.cells[col]},
                              _pointer(ctx, avg), avg.row.text, _where(avg, col))


# --------------------------------------------------------------------------- cumulative


@rule("table.cumulative-below-period", "error", kinds=_KINDS,
      title=("累计数小于本期数", "a cumulative cell below the period's own figure"),
      message=("{label}：{cum_column}{cumulative}小于{cur_column}{current}",
               "{label}: {cum_column} {cumulative} is below {cur_column} {current}"))
def cumulative_below_period(ctx: CheckContext) -> Iterator[Hit]:
    """A figure accumulated since 1 January includes this month's, so the 累计 column is not
    below the 本月/本期 column of the same row (民政统计月报 report cumulative spending)."""
    for table in _tables(ctx):
        current, cumulative = table.columns_with("current"), table.columns_with("cumulative")
        if not current or not cumulative:
            continue
        cur_i, cum_i = current[0], cumulative[0]
        for row in table.rows:
            if {cur_i, cum_i} <= row.values.keys() and row.measure != "percent" and \
                    row.values[cum_i] < row.values[cur_i]:
                yield Hit({"label": row.label, "cum_column": _column(table, cum_i),
                           "cumulative": row.cells[cum_i], "cur_column": _column(table, cur_i),
                           "current": row.cells[cur_i]},
                          _pointer(ctx, row), row.row.text, _where(row, cum_i))


# --------------------------------------------------------------------------- layout


# The row faults the table reader records (`tables.Row.fault`), each with its message.
_FAULTS = {
    "more values than columns": ("{label}：数值多于表头的数值列，可能错列（{text}）",
                                 "{label}: more values than the header has value columns: a "
                                 "shifted row ({text})"),
    "non-numeric value": ("{label}：数值列中有非数字内容（{text}）",
                          "{label}: a value column holds text ({text})"),
    "short row": ("{label}：行的单元格少于表头，缺少数值（{text}）",
                  "{label}: the row has fewer cells than the header ({text})"),
}
_UNIT_FAULT = "number in unit column"  # the rule's own message


@rule("table.layout-fault", "warning", kinds=_KINDS,
      title=("统计表行列错位", "a shifted or short row in a statistics table"),
      message=("{label}：单位列中是数字（{text}）", "{label}: a number stands in the unit column ({text})"),
      cases=_FAULTS)
def layout_fault(ctx: CheckContext) -> Iterator[Hit]:
    """A value standing in the unit column, a row with more values than value columns or with
    fewer cells than the header is a layout fault: the figures cannot be tied to their columns
    with confidence, so they are reported rather than guessed (statistics.md §1)."""
    for table in _tables(ctx):
        for row in table.rows:
            fault = row.row.fault
            if fault == _UNIT_FAULT or fault in _FAULTS:
                yield Hit({"label": row.label, "text": row.row.text.replace("\t", " ")},
                          _pointer(ctx, row), row.row.text, _where(row),
                          case="" if fault == _UNIT_FAULT else fault)


RULES: tuple[Rule, ...] = (part_sum, change_rate, stock_flow, average_product,
                           average_above_standard, cumulative_below_period, layout_fault)
