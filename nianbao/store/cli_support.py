"""What the command line calls for `history`, `draft --store` and `summary --store`.

(`check --store` is `nianbao.pipeline.check(..., store=...)`.)

Plain functions over the library: they return values and raise the library's own errors; the
CLI prints and picks exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from nianbao.checks import xyear
from nianbao.forms import LABEL_EN, LABEL_ZH, LONG_FIELDS
from nianbao.model import Record, Report, plain
from nianbao.pipeline import to_json
from nianbao.store.db import StoreError
from nianbao.store.filings import Institution, Store, StoredFiling, institution_key
from nianbao.store.history import Years

_CELL = 22  # display columns per year, at least
_WIDEST_CELL = 48  # at most: a name or an address whole when the terminal has room
_HEAD = 28  # display columns of the field names, at least
# Fields whose change from one year to the next is worth a mark: the registered items (a
# change needs 变更登记), the code, the online name and the staff count.
_MARKED = frozenset({*xyear.REGISTERED_ITEMS, "credit_code", "online_name", "staff_count"})


class UnknownInstitution(StoreError):
    """No institution in the store matches the code or name asked for."""

    code = "not-found"


# --------------------------------------------------------------------------- history


def _lookup(store: Store, key: str, kind: str) -> tuple[list[Institution], list[StoredFiling]]:
    with store.transaction(read_only=True) as tx:
        found = tx.find_institutions(key)
        if not found:
            shown = key if len(key) <= 60 else key[:59] + "…"  # one line, however long the key
            raise UnknownInstitution(f"存储库中没有单位“{shown}”的报告",
                                     f"no filings of {shown} in the store")
        ids = [i.id for i in found]
        return found, tx.filings_of(ids, kind, current_only=False)


def history_data(store: Store, key: str, kind: str = "annual_report") -> dict[str, Any]:
    """The institution's filings by year: the current one and the ones it superseded."""
    found, all_filings = _lookup(store, key, kind)
    years: dict[int | None, dict[str, Any]] = {}
    for filing in all_filings:
        entry = years.setdefault(filing.year, {"year": filing.year, "current": None,
                                               "superseded": []})
        if filing.is_current and entry["current"] is None:
            entry["current"] = _filing_json(filing)
        else:
            entry["superseded"].append(_filing_json(filing))
    first = found[0]
    return {"institution": {"key": first.key, "credit_code": first.credit_code, "name": first.name},
            "institutions": [{"key": i.key, "credit_code": i.credit_code, "name": i.name}
                             for i in found],
            "kind": kind,
            "years": sorted(years.values(), key=lambda e: (e["year"] is None, e["year"] or 0))}


def history_json(store: Store, key: str, kind: str = "annual_report") -> str:
    return to_json(history_data(store, key, kind))


def _filing_json(filing: StoredFiling) -> dict[str, Any]:
    return {"id": filing.id, "year": filing.year, "source": filing.source.to_dict(),
            "created_at": filing.created_at.isoformat(),
            "checked_at": filing.checked_at.isoformat() if filing.checked_at else None,
            "ruleset_version": filing.ruleset_version, "superseded_by": filing.superseded_by,
            "record": plain(filing.record.fields),
            "findings": [f.to_dict() for f in filing.findings]}


def history_table(store: Store, key: str, lang: str = "zh",
                  kind: str = "annual_report", columns: int = 100) -> str:
    """The years side by side: one column per year, one row per field of the form; a
    registered item, code, online name or staff count that differs from the year before is
    marked with *. The table fills `columns` (the terminal's width): a value is cut with …
    only when its year's column is too narrow for it."""
    zh = lang != "en"
    found, all_filings = _lookup(store, key, kind)
    table = Years.of(f for f in all_filings if f.is_current)
    years = table.years
    first = found[0]
    title = (f"{first.name or '—'}  {first.credit_code or '（无统一社会信用代码）'}" if zh
             else f"{first.name or '-'}  {first.credit_code or '(no credit code)'}")
    labels = LABEL_ZH if zh else LABEL_EN
    head_width = min(max([_HEAD] + [_width(labels.get(n, n)) + 1 for n, _, _ in table.rows()]),
                     max(_HEAD, columns // 3))
    cell = max(_CELL, min(_WIDEST_CELL, (columns - head_width) // max(1, len(years))))
    lines = [title, _pad("年度" if zh else "year", head_width)
             + "".join(_pad(str(y), cell) for y in years)]
    marked = False
    for name, _, values in table.rows():
        cells = []
        for i, (year, (value, previous)) in enumerate(zip(years, values, strict=True)):
            text = _cell(name, value, zh)
            changed = (name in _MARKED and i > 0 and years[i - 1] == year - 1
                       and _differs(previous, value))
            marked = marked or changed
            cells.append(_pad(_fit(("*" if changed else "") + text, cell - 1), cell))
        lines.append(_pad(_fit(labels.get(name, name), head_width - 1), head_width) + "".join(cells))
    counts = [_pad("{}/{}".format(*table.counts(year)), cell) for year in years]
    lines.append(_pad("错误/警告" if zh else "errors/warnings", head_width) + "".join(counts))
    versions = [_pad(str(sum(1 for f in all_filings if f.year == y)), cell) for y in years]
    lines.append(_pad("存入版本数" if zh else "versions stored", head_width) + "".join(versions))
    if marked:
        lines.append("* 登记事项等与上一年度不同" if zh
                     else "* a registered item etc. differs from the year before")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _differs(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    return xyear.comparable(a) != xyear.comparable(b)


def _cell(name: str, value: Any, zh: bool) -> str:
    if value is None:
        return "—"
    if name in LONG_FIELDS:
        text = str(value)
        return f"（{len(text)}字）" if zh else f"({len(text)} chars)"
    if name in ("net_assets_begin_wan", "net_assets_end_wan") and isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value).replace("\n", " ")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, cols: int) -> str:
    if _width(text) <= cols:
        return text
    out = ""
    for char in text:
        if _width(out + char) > cols - 1:
            break
        out += char
    return out + "…"


def _pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - _width(text))


# --------------------------------------------------------------------------- draft


def previous_record(store: Store, key: str, year: int,
                    kind: str = "annual_report") -> Record:
    """The institution's current filing for `year - 1` (the base of next year's draft)."""
    _, all_filings = _lookup(store, key, kind)
    for filing in all_filings:
        if filing.is_current and filing.year == year - 1:
            return filing.record
    stored = sorted({f.year for f in all_filings if f.year is not None})
    raise UnknownInstitution(
        f"存储库中没有“{key}”的{year - 1}年度报告（已有年度：{'、'.join(map(str, stored)) or '无'}）",
        f"no {year - 1} filing of {key} in the store (years stored: "
        f"{', '.join(map(str, stored)) or 'none'})")


# --------------------------------------------------------------------------- summary


def previous_rows(store: Store, reports: Iterable[Report], region: str,
                  year: int) -> dict[str, Any]:
    """Last year's row per county, from the store's filings of the same institutions."""
    from nianbao.rollup import county_row, row_from_record

    previous: dict[str, Any] = {}
    for report in reports:
        name = county_row(report, region).name
        key = institution_key(report.record)
        for rec in store.history(key, kind=report.record.kind) if key else []:
            if rec.year == year - 1:
                previous[name] = row_from_record(rec, region=region, name=name)
    return previous
