"""Breakdown rows labelled as another programme than the section they complete."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.extract.facts import indicator_of
from nianbao.model import Fact

_MEASURES = ("households", "persons")
_SIDES = ((re.compile(r"城镇|城市|城区"), re.compile(r"农村|乡村")),
          (re.compile(r"集中"), re.compile(r"分散")))
_NAMES = {"dibao": ("低保", "dibao"), "tekun": ("特困供养", "tekun"),
          "dibao_edge": ("低保边缘家庭", "near-dibao families"),
          "rigid_expense_hardship": ("刚性支出困难家庭", "rigid-expense hardship families"),
          "temporary_assistance": ("临时救助", "temporary assistance"),
          "low_income_total": ("低收入人口", "low-income population")}
_LOOKAHEAD = 8  # facts after a total that may be its parts (a table gives one per column)


def family(indicator: str | None) -> str | None:
    """The programme an indicator belongs to: urban_dibao → dibao, tekun_rural → tekun."""
    if not indicator:
        return None
    base = indicator.removesuffix("_change").removesuffix("_urban").removesuffix("_rural")
    if base in ("urban_dibao", "rural_dibao", "dibao_total"):
        return "dibao"
    if base.startswith("tekun_") and base != "tekun_standard":
        return "tekun"
    return base if base in _NAMES else None


@rule("table.label-mismatch", "warning",
      title=("分项标成了另一个救助项目", "a part labelled as another programme"),
      message=(("“{part}”标为{label_zh}，但它与“{other}”相加正好等于{section_zh}合计"
                "（{sums}），应是{section_zh}的分项，标签可能写错"),
               ("\"{part}\" is labelled {label_en} but together with \"{other}\" it makes up the "
                "{section_en} total ({sums}); it is a part of {section_en} and its label is "
                "probably wrong")))
def label_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """Under a section such as 七、最低生活保障边缘家庭, the 城镇 and 农村 rows complete the
    section's total. A row that adds up with its complement to that total but is labelled as
    another programme (城镇低保41户97人 under 低保边缘) is a copy-paste label error: a reader
    would count those families twice, once under each programme."""
    facts = ctx.record.facts
    said: set[str] = set()
    for i, total in enumerate(facts):
        section = family(total.indicator)
        if section is None or not _counted(total) or _side(total.text) is not None:
            continue
        following = [f for f in facts[i + 1:i + 1 + _LOOKAHEAD] if f.qualifier == total.qualifier]
        for a, b in itertools.combinations(following, 2):
            side_a, side_b = _side(a.text), _side(b.text)
            if side_a is None or side_b is None or side_a[0] != side_b[0] or side_a == side_b:
                continue
            if not _completes(total, a, b):
                continue
            labels = [family(indicator_of(f.text)) for f in (a, b)]
            wrong = [f for f, label in zip((a, b), labels, strict=True)
                     if label is not None and label != section]
            if len(wrong) != 1 or any(lab not in (None, section) for f, lab
                                      in zip((a, b), labels, strict=True) if f is not wrong[0]):
                continue
            part = wrong[0]
            other = b if part is a else a
            if part.text in said:
                break
            said.add(part.text)
            label = family(indicator_of(part.text)) or ""
            sums = "，".join(f"{_n(getattr(a, m))}+{_n(getattr(b, m))}={_n(getattr(total, m))}"
                            for m in _MEASURES if _all_have(m, total, a, b))
            yield Hit({"part": part.text, "other": other.text, "sums": sums,
                       "label_zh": _NAMES.get(label, (label, label))[0],
                       "label_en": _NAMES.get(label, (label, label))[1],
                       "section_zh": _NAMES[section][0], "section_en": _NAMES[section][1]},
                      f"/facts/{facts.index(part)}", part.text)
            break


def _counted(fact: Fact) -> bool:
    return any(getattr(fact, m) is not None for m in _MEASURES)


def _side(text: str) -> tuple[int, int] | None:
    """(which partition, which side) the words name: 城镇/农村 or 集中/分散."""
    for k, (first, second) in enumerate(_SIDES):
        a, b = bool(first.search(text)), bool(second.search(text))
        if a != b:
            return k, 0 if a else 1
    return None


def _all_have(measure: str, *facts: Fact) -> bool:
    return all(getattr(f, measure) is not None for f in facts)


def _completes(total: Fact, a: Fact, b: Fact) -> bool:
    shared = [m for m in _MEASURES if _all_have(m, total, a, b)]
    return bool(shared) and all(getattr(a, m) + getattr(b, m) == getattr(total, m) for m in shared)


def _n(value: Decimal | None) -> str:
    return "" if value is None else f"{float(value):g}"


RULES: tuple[Rule, ...] = (label_mismatch,)
