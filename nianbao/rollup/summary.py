"""A region's summary: one row of core indicators per county, the roll-up, and where the
region's own document disagrees with its counties.

Counts and money are summed over the counties; standards are not (two counties' 低保 standards do
not add up to anything) and roll up as the range min–max. A region total is only compared with
its counties when every county states the figure: a sum over some of them would prove nothing.

Inputs are checked `Report`s. One of them may be the region's own document (its org is the
region, e.g. 平顶山市 for region 平顶山市, or it is passed as `region_reports`); the totals it
states become `Summary.mismatches` when the counties do not add up to them within the rounding of
the stated figures (money: half a unit of each figure's last digit; counts: exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.model import Report
from nianbao.rollup.indicators import (
    COLUMN,
    COLUMNS,
    Column,
    CountyRow,
    Value,
    county_row,
    is_region,
    merge,
)
from nianbao.rollup.stacked import split_stacked


@dataclass(frozen=True)
class Total:
    """One column rolled up: the sum (counts, money) or the range (standards)."""

    column_id: str
    value: Decimal | None = None  # the sum; for a range, the high end
    low: Decimal | None = None  # a range's low end
    counties: int = 0  # how many counties give the figure
    missing: tuple[str, ...] = ()  # the counties that do not

    @property
    def column(self) -> Column:
        return COLUMN[self.column_id]

    @property
    def complete(self) -> bool:
        return not self.missing and self.counties > 0


@dataclass(frozen=True)
class Mismatch:
    """A total the region states that its counties do not add up to."""

    column_id: str
    region: str
    stated: Value
    parts: tuple[tuple[str, Decimal], ...]  # (county, figure) in table order
    total: Decimal
    tolerance: Decimal

    @property
    def column(self) -> Column:
        return COLUMN[self.column_id]

    @property
    def difference(self) -> Decimal:
        return self.total - self.stated.number


@dataclass(frozen=True)
class Note:
    """Something the reader of the summary should know (an input left out, a figure that could
    not be checked), in both languages."""

    zh: str
    en: str


@dataclass
class Summary:
    region: str
    year: int
    counties: list[CountyRow] = field(default_factory=list)
    totals: dict[str, Total] = field(default_factory=dict)
    # Last year's row per county: from the store, else the 上年同期 figures the document states.
    previous: dict[str, CountyRow] = field(default_factory=dict)
    previous_totals: dict[str, Total] = field(default_factory=dict)
    region_row: CountyRow | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def as_of(self) -> str | None:
        """The latest period end the inputs speak of (YYYY-MM)."""
        months = [r.as_of for r in self.counties if r.as_of]
        return max(months) if months else None

    def previous_number(self, county: str, column_id: str) -> Decimal | None:
        row = self.previous.get(county)
        return row.number(column_id) if row is not None else None

    @property
    def has_previous(self) -> bool:
        return any(self.previous_number(r.name, c) is not None for r in self.counties
                   for c in ("dibao_persons", "dibao_funds"))


def build_summary(reports: Iterable[Report], region: str, year: int,
                  previous: Mapping[str, CountyRow] | None = None, *,
                  region_reports: Iterable[Report] = ()) -> Summary:
    """The summary of `region` for `year` from checked county documents.

    `previous` maps a county name to last year's row (e.g. built from the store with
    `row_from_record`). Reports of another year are left out with a note.
    """
    summary = Summary(region=region, year=year)
    groups: dict[str, list[CountyRow]] = {}
    own: list[CountyRow] = []
    own_reports = list(region_reports)
    own_paths = {r.source.path for r in own_reports}
    # A region report also given among the inputs counts once, as the region's.
    # A city report stacking its counties (a block or a sheet per county) counts as theirs.
    inputs = [(piece, False) for r in reports if r.source.path not in own_paths
              for piece in split_stacked(r, region)]
    inputs += [(piece, piece.record.org in (r.record.org, region)) for r in own_reports
               for piece in split_stacked(r, region)]
    for report, is_region_report in inputs:
        record = report.record
        path = report.source.path
        if record.year is not None and record.year != year:
            summary.notes.append(Note(
                f"{path} 是{record.year}年的材料，未计入{year}年汇总",
                f"{path} is about {record.year}, left out of the {year} summary"))
            continue
        if is_region_report or is_region(record, region):
            own.append(county_row(report, region, name=region))
            continue
        row = county_row(report, region)
        groups.setdefault(row.name, []).append(row)
    summary.counties = [merge(rows) for rows in groups.values()]
    summary.region_row = merge(own) if own else None
    for row in summary.counties:
        _note_row(summary, row)
    summary.totals = roll_up(summary.counties)
    summary.previous = _previous(summary.counties, previous or {})
    last_year = [summary.previous[r.name] for r in summary.counties if r.name in summary.previous]
    summary.previous_totals = roll_up(last_year, names=[r.name for r in summary.counties])
    if summary.region_row is not None:
        summary.mismatches = mismatches(summary, summary.notes)
    return summary


def _note_row(summary: Summary, row: CountyRow) -> None:
    if not any(v.stated for v in row.values.values()):
        summary.notes.append(Note(
            f"{row.name}：未读到任何核心指标（{'、'.join(row.paths)}）",
            f"{row.name}: no core indicator found ({', '.join(row.paths)})"))
    for column_id, kept, other in row.conflicts:
        col = COLUMN[column_id]
        summary.notes.append(Note(
            f"{row.name}{col.label_zh}两份材料不一致：{kept.number}（{kept.path}，已采用）与"
            f"{other.number}（{other.path}）",
            f"{row.name} {col.label_en}: {kept.number} ({kept.path}, used) vs {other.number} "
            f"({other.path})"))


def _previous(rows: list[CountyRow], given: Mapping[str, CountyRow]) -> dict[str, CountyRow]:
    out: dict[str, CountyRow] = {}
    for row in rows:
        if row.name in given:
            out[row.name] = given[row.name]
        elif row.stated_previous:
            out[row.name] = CountyRow(name=row.name, paths=list(row.paths), org=row.org,
                                      year=row.year - 1 if row.year else None,
                                      values=dict(row.stated_previous))
    return out


def roll_up(rows: list[CountyRow], names: list[str] | None = None) -> dict[str, Total]:
    """Every column's total over the rows; `names` are the counties expected (for `missing`)."""
    expected = names if names is not None else [r.name for r in rows]
    by_name = {r.name: r for r in rows}
    totals: dict[str, Total] = {}
    for column in COLUMNS:
        numbers = {n: by_name[n].number(column.id) for n in expected if n in by_name}
        given = [v for v in numbers.values() if v is not None]
        missing = tuple(n for n in expected if numbers.get(n) is None)
        if not given:
            totals[column.id] = Total(column.id, missing=missing)
        elif column.combine == "range":
            totals[column.id] = Total(column.id, max(given), min(given), len(given), missing)
        else:
            totals[column.id] = Total(column.id, sum(given, Decimal(0)), None, len(given), missing)
    return totals


def mismatches(summary: Summary, notes: list[Note] | None = None) -> list[Mismatch]:
    """The totals the region's document states that its counties do not add up to."""
    row = summary.region_row
    if row is None or not summary.counties:
        return []
    found: list[Mismatch] = []
    for column in COLUMNS:
        stated = row.values.get(column.id)
        if column.combine != "sum" or stated is None or not stated.stated or stated.approx:
            continue
        parts = [(r.name, r.values.get(column.id)) for r in summary.counties]
        lacking = [name for name, v in parts if v is None]
        if lacking:
            if notes is not None:
                notes.append(Note(
                    f"{summary.region}所述{column.label_zh}无法与各县核对：{'、'.join(lacking)}"
                    "未给出该数",
                    f"{summary.region}'s {column.label_en} cannot be checked: "
                    f"{', '.join(lacking)} do not state it"))
            continue
        values = [(name, v) for name, v in parts if v is not None]
        total = sum((v.number for _, v in values), Decimal(0))
        tolerance = stated.tolerance + sum((v.tolerance for _, v in values), Decimal(0))
        if abs(total - stated.number) > tolerance:
            found.append(Mismatch(column.id, summary.region, stated,
                                  tuple((name, v.number) for name, v in values), total, tolerance))
    return found
