"""The template context of a summary page: every value a ready-to-print string.

One builder per page (`summary_context` for the roll-up, `county_context` for one county) feeds
both the HTML template and the DOCX writer; the templates format nothing and compute nothing.
Numbers are formatted here once, from Decimal: counts and standards with thousands separators,
money in 万元 with two decimals, changes signed with a real minus sign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from nianbao.model import Finding
from nianbao.rollup.indicators import COLUMN, COLUMNS, CountyRow, Value
from nianbao.rollup.summary import Summary, Total

Context = dict[str, Any]

DIBAO = ("urban_households", "urban_persons", "urban_funds", "rural_households",
         "rural_persons", "rural_funds", "dibao_households", "dibao_persons", "dibao_funds")
TEKUN = ("tekun_persons", "tekun_centralized", "tekun_dispersed", "tekun_funds", "temp_cases",
         "temp_funds")
STANDARDS = ("std_dibao_urban", "std_dibao_rural", "std_tekun_urban", "std_tekun_rural")
MINUS = "−"
# Up to this many counties the roll-up's charts come before the tables and have wide bars; a
# province's charts fill pages of their own, so its tables come first.
FEW_COUNTIES = 12


# --------------------------------------------------------------------------- numbers


def fmt(number: Decimal | None, unit: str = "") -> str:
    """19578 → "19,578"; 5870.72 万元 → "5,870.72"; None → "—"."""
    if number is None:
        return "—"
    if unit == "万元":
        text = f"{number.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    elif number == number.to_integral_value():
        text = f"{int(number):,}"
    else:
        text = f"{number.normalize():,f}"
    return text.replace("-", MINUS)


def change(this: Decimal | None, last: Decimal | None, unit: str = "") -> tuple[str, str]:
    """("+65", "+2.9%") for this year against last; ("", "") when either is unknown."""
    if this is None or last is None:
        return "", ""
    delta = this - last
    sign = "+" if delta > 0 else ""
    pct = ""
    if last:
        ratio = (delta / last * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        pct = f"{ratio:+.1f}%".replace("-", MINUS) if ratio else "0.0%"
    return sign + fmt(delta, unit), pct


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _as_of_zh(as_of: str | None) -> str:
    if not as_of:
        return ""
    year, _, month = as_of.partition("-")
    return f"数据截至{year}年{int(month)}月" if month else f"数据截至{year}年"


def _created(summary: Summary, generated: dt.date | None) -> str:
    if generated is not None:
        return generated.isoformat()
    as_of = summary.as_of or f"{summary.year}-12"
    return f"{as_of}-01"


# --------------------------------------------------------------------------- roll-up


def summary_context(summary: Summary, findings: Sequence[Finding] = (),
                    generated: dt.date | None = None) -> Context:
    """The roll-up page: key figures, what to check, charts, the tables, notes and sources."""
    n = len(summary.counties)
    meta = [m for m in (_as_of_zh(summary.as_of), f"{n}个县（市、区）",
                        f"生成日期：{_date_zh(generated)}" if generated else "") if m]
    tables = [
        _county_table(summary, "表1　城乡低保", DIBAO),
        _county_table(summary, "表2　特困人员救助供养与临时救助", TEKUN),
        _county_table(summary, "表3　保障标准（各县执行标准，汇总为最低–最高）", STANDARDS),
    ]
    if summary.has_previous:
        tables.append(_yoy_table(summary))
    return {
        "kind": "rollup",
        "charts_first": n <= FEW_COUNTIES,
        "title": f"{summary.region}{summary.year}年社会救助工作汇总",
        "subtitle": f"各县（市、区）核心指标与全{summary.region[-1:] or '市'}合计",
        "meta": meta,
        "created": _created(summary, generated),
        "highlights": _highlights(summary.totals, summary.previous_totals, summary.year),
        "findings": [{"severity": f.severity, "text": f.message_zh} for f in findings],
        "charts": [],  # filled by the writer with the chart captions and sources
        "tables": tables,
        "notes": _notes(summary),
        "sources": _sources(summary),
        "footer": f"{summary.region}{summary.year}年社会救助工作汇总",
    }


def _highlights(totals: dict[str, Total], previous: dict[str, Total],
                year: int) -> list[Context]:
    def value(column_id: str) -> Decimal | None:
        total = totals.get(column_id)
        return total.value if total is not None else None

    def last(column_id: str) -> Decimal | None:
        total = previous.get(column_id)
        return total.value if total is not None and total.complete else None

    def trend(column_id: str) -> str:
        this, before = value(column_id), last(column_id)
        unit = COLUMN[column_id].unit
        if this is None or before is None:
            return ""
        _, pct = change(this, before, unit)
        if this == before:
            return f"与{year - 1}年持平"
        word = "增加" if this > before else "减少"
        return f"比{year - 1}年{word}{fmt(abs(this - before), unit)}{unit}（{pct}）"

    def span(column_id: str) -> str:
        total = totals.get(column_id)
        if total is None or total.value is None:
            return "—"
        if total.low is None or total.low == total.value:
            return fmt(total.value)
        return f"{fmt(total.low)}–{fmt(total.value)}"

    return [
        {"label": "城乡低保", "value": fmt(value("dibao_persons")), "unit": "人",
         "detail": f"{fmt(value('dibao_households'))}户　资金{fmt(value('dibao_funds'), '万元')}"
                   "万元", "trend": trend("dibao_persons")},
        {"label": "特困人员", "value": fmt(value("tekun_persons")), "unit": "人",
         "detail": f"集中供养{fmt(value('tekun_centralized'))}　分散供养"
                   f"{fmt(value('tekun_dispersed'))}", "trend": trend("tekun_persons")},
        {"label": "临时救助", "value": fmt(value("temp_cases")), "unit": "人次",
         "detail": f"资金{fmt(value('temp_funds'), '万元')}万元", "trend": trend("temp_cases")},
        {"label": "城市低保标准", "value": span("std_dibao_urban"), "unit": "元/人·月",
         "detail": f"农村{span('std_dibao_rural')}元/人·月", "trend": ""},
    ]


def _header(column_ids: Sequence[str]) -> tuple[list[Context], list[Context]]:
    groups: list[Context] = []
    columns: list[Context] = []
    for column_id in column_ids:
        column = COLUMN[column_id]
        if groups and groups[-1]["label"] == column.group_zh:
            groups[-1]["span"] += 1
        else:
            groups.append({"label": column.group_zh, "span": 1})
        unit = "" if column.short_zh == column.unit else f"（{column.unit}）"
        columns.append({"label": column.short_zh, "unit": unit})
    return groups, columns


def _county_table(summary: Summary, title: str, column_ids: Sequence[str]) -> Context:
    groups, columns = _header(column_ids)
    bad = {m.column_id for m in summary.mismatches}
    rows = [{"name": r.name, "cls": "",
             "cells": [{"text": fmt(r.number(c), COLUMN[c].unit),
                        "cls": "missing" if r.number(c) is None else ""} for c in column_ids]}
            for r in summary.counties]
    partial: list[str] = []
    total_cells = []
    for c in column_ids:
        total = summary.totals[c]
        if total.value is None:
            text = "—"
        elif total.low is not None:
            text = fmt(total.low) if total.low == total.value else \
                f"{fmt(total.low)}–{fmt(total.value)}"
        else:
            text = fmt(total.value, COLUMN[c].unit)
        if total.missing and total.value is not None:
            text += "†"
            partial.extend(n for n in total.missing if n not in partial)
        total_cells.append({"text": text, "cls": ""})
    is_range = all(COLUMN[c].combine == "range" for c in column_ids)
    whole = f"全{summary.region[-1:] or '市'}"
    foot = [{"name": f"{whole}范围" if is_range else "合计", "cls": "total", "cells": total_cells}]
    region = summary.region_row
    if region is not None and any(c in region.values and region.values[c].stated
                                  and not is_range for c in column_ids):
        cells = []
        for c in column_ids:
            v = region.values.get(c)
            shown = v is not None and v.stated and not is_range
            # As written: "5870.7万元" stays 5,870.7, so a rounding within tolerance shows.
            cells.append({"text": fmt(v.number) if shown and v else "",
                          "cls": "bad" if c in bad else ""})
        foot.append({"name": f"{summary.region}所述", "cls": "stated", "cells": cells})
    notes = []
    if partial:
        notes.append(f"† 合计未含未报该项的县（市、区）：{'、'.join(partial)}。")
    if any(not v.stated for r in summary.counties for k, v in r.values.items() if k in column_ids):
        notes.append("未单独报告合计的县，合计为其分项之和（城市＋农村，或集中＋分散）。")
    if any(r.number(c) is None for r in summary.counties for c in column_ids):
        notes.append("— 表示材料中未报该项。")
    return {"title": title, "groups": groups, "columns": columns, "rows": rows, "foot": foot,
            "notes": notes, "first": "县（市、区）"}


def _yoy_table(summary: Summary) -> Context:
    y, ly = summary.year, summary.year - 1
    groups = [{"label": "城乡低保人数（人）", "span": 4}, {"label": "城乡低保资金（万元）", "span": 4}]
    columns = [{"label": f"{y}年", "unit": ""}, {"label": f"{ly}年", "unit": ""},
               {"label": "增减", "unit": ""}, {"label": "增幅", "unit": ""}] * 2
    rows = []
    for r in summary.counties:
        cells = []
        for c in ("dibao_persons", "dibao_funds"):
            unit = COLUMN[c].unit
            this, last = r.number(c), summary.previous_number(r.name, c)
            delta, pct = change(this, last, unit)
            cells += [{"text": fmt(this, unit), "cls": ""},
                      {"text": fmt(last, unit), "cls": "missing" if last is None else ""},
                      {"text": delta or "—", "cls": ""}, {"text": pct or "—", "cls": ""}]
        rows.append({"name": r.name, "cls": "", "cells": cells})
    cells = []
    for c in ("dibao_persons", "dibao_funds"):
        unit = COLUMN[c].unit
        total, last_total = summary.totals[c], summary.previous_totals[c]
        last_value = last_total.value if last_total.complete else None
        delta, pct = change(total.value, last_value, unit)
        cells += [{"text": fmt(total.value, unit), "cls": ""},
                  {"text": fmt(last_value, unit), "cls": ""},
                  {"text": delta or "—", "cls": ""}, {"text": pct or "—", "cls": ""}]
    notes = [(f"{ly}年数据取自往年存档材料；无存档的县取其本年材料中的上年同期数，均无则为“—”；"
              f"全{summary.region[-1:] or '市'}上年合计仅在各县均有上年数时给出。")]
    return {"title": f"表4　城乡低保同比（{y}年与{ly}年）", "groups": groups, "columns": columns,
            "rows": rows, "foot": [{"name": "合计", "cls": "total", "cells": cells}],
            "notes": notes, "first": "县（市、区）"}


def _notes(summary: Summary) -> list[str]:
    return [n.zh for n in summary.notes]


def _sources(summary: Summary) -> list[Context]:
    out = [{"name": r.name, "items": [Path(p).name for p in r.paths]} for r in summary.counties]
    if summary.region_row is not None:
        out.append({"name": f"{summary.region}（本级）",
                    "items": [Path(p).name for p in summary.region_row.paths]})
    return out


# --------------------------------------------------------------------------- one county


def county_context(summary: Summary, row: CountyRow,
                   generated: dt.date | None = None) -> Context:
    """One county's page: its key figures, each indicator against last year with its source."""
    previous = summary.previous.get(row.name)
    meta = [m for m in (_as_of_zh(row.as_of), f"{summary.region}所辖",
                        f"生成日期：{_date_zh(generated)}" if generated else "") if m]
    one = {c.id: Total(c.id, row.number(c.id), None, 1) for c in COLUMNS}
    last = {c.id: Total(c.id, previous.number(c.id) if previous else None, None,
                        1 if previous and previous.number(c.id) is not None else 0) for c in COLUMNS}
    rows = []
    for column in COLUMNS:
        if not column.shown:
            continue
        value = row.values.get(column.id)
        before = previous.number(column.id) if previous else None
        this = value.number if value else None
        delta, pct = change(this, before, column.unit)
        rows.append({"label": column.label_zh, "unit": column.unit,
                     "value": fmt(this, column.unit), "last": fmt(before, column.unit),
                     "change": delta or "—", "pct": pct or "—",
                     "source": _source_text(value), "cls": "missing" if value is None else ""})
    return {
        "kind": "county",
        "charts_first": True,
        "title": f"{row.name}{summary.year}年社会救助核心指标",
        "subtitle": f"{summary.region}{summary.year}年社会救助工作汇总·分县页",
        "meta": meta,
        "created": _created(summary, generated),
        "highlights": _highlights(one, last, summary.year),
        "findings": [],
        "charts": [],
        "columns": {"last": f"{summary.year - 1}年", "this": f"{summary.year}年"},
        "indicators": rows,
        "notes": [n.zh for n in summary.notes if n.zh.startswith(row.name)],
        "sources": [{"name": row.name, "items": [Path(p).name for p in row.paths]}],
        "footer": f"{row.name}{summary.year}年社会救助核心指标",
    }


def _source_text(value: Value | None) -> str:
    if value is None:
        return "材料未报"
    if value.derived_from:
        return "＋".join(COLUMN[c].label_zh for c in value.derived_from) + "（计算）"
    text = "“" + value.source.replace("\t", "：").rstrip("。；;，,") + "”"
    if value.before is not None:
        text += f"（调整前{fmt(value.before)}）"
    if value.note:
        text += f"（{value.note}）"
    return text
