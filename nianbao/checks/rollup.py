"""Roll-up rules: a region's stated totals against the sum of its counties.

The rules read a `nianbao.rollup.summary.Summary` from `ctx.cache["summary"]`; they apply to the
record kind `region_summary` only, so in the default rule set they stay silent on every single
document. `mismatch_findings(summary)` runs them on a summary without a registry of one's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.registry import CheckContext, Hit, Registry, Rule, rule
from nianbao.model import Finding, Record
from nianbao.rollup.summary import Mismatch, Summary
from nianbao.text.numbers import number_text

KIND = "region_summary"
_SHOWN_PARTS = 6
MESSAGE_ZH = ("各县（市、区）{label_zh}之和 {expr}={sum_text}{unit}，与{region}所述{stated_text}{unit}"
              "不符（相差{diff_text}{unit}）")
MESSAGE_EN = ("{label_en}: the {count} counties add up to {expr} = {sum_text} {unit_en}, but "
              "{region} states {stated_text} (off by {diff_text})")
UNIT_EN = {"户": "households", "人": "persons", "人次": "person-times", "万元": "×10,000 yuan"}  # a sum over 100 counties shows its first terms, then …


@rule(
    "rollup.mismatch", "error",
    title=("各县数据之和与全市所述总数不符", "counties do not add up to the region's total"),
    message=(MESSAGE_ZH, MESSAGE_EN),
    kinds=(KIND,))
def mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """A region's own summary (全市) must agree with the figures its counties report: the
    city total of 低保 households, persons and funds, 特困 persons and 临时救助 is by
    definition the sum over its counties (民政统计 reports are aggregated upwards county by
    county). Counts must match exactly; money tolerates half a unit of the last stated digit
    of every summed figure, since MCA notes rounding may make parts differ from totals."""
    summary = ctx.cache.get("summary")
    if not isinstance(summary, Summary):
        return
    for m in summary.mismatches:
        yield _hit(m)


def _hit(m: Mismatch) -> Hit:
    column = m.column
    return Hit(
        params={"column": column.id, "label_zh": column.label_zh, "label_en": column.label_en,
                "unit": column.unit, "unit_en": UNIT_EN.get(column.unit, column.unit),
                "region": m.region, "count": len(m.parts),
                "expr": _expr([v for _, v in m.parts]), "sum_text": number_text(m.total),
                "stated_text": number_text(m.stated.number), "diff_text": number_text(abs(m.difference)),
                "difference": float(m.difference),
                "parts": {name: float(v) for name, v in m.parts}, "sum": float(m.total),
                "stated": float(m.stated.number), "tolerance": float(m.tolerance),
                "source": m.stated.path},
        pointer=f"/rollup/{column.id}",
        evidence=m.stated.source,
    )


def _expr(values: list[Decimal]) -> str:
    shown = "+".join(number_text(v) for v in values[:_SHOWN_PARTS])
    return shown + ("+…" if len(values) > _SHOWN_PARTS else "")


def mismatch_findings(summary: Summary) -> list[Finding]:
    """The roll-up findings of a summary, stamped like any rule's."""
    registry = Registry()
    registry.add(*RULES)
    ctx = CheckContext(Record(kind=KIND, org=summary.region, year=summary.year))
    ctx.cache["summary"] = summary
    return registry.run(ctx)


RULES: tuple[Rule, ...] = (mismatch,)
