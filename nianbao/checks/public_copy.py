"""The 公示 copy of an annual report: the published form without the filer's personal data."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checks.registry import CheckContext, Hit, Rule, rule

PERSONAL_FIELDS = ("filler", "phone")
_BLANK = re.compile(r"^[\s_＿*＊×xX—\-/无]*$")
_PUBLIC = re.compile(r"公示")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and bool(_BLANK.match(value)))


def is_public_copy(ctx: CheckContext) -> bool:
    """A published (公示) copy: the 填表人/联系电话 lines are gone or blanked, and either both are
    or the report says it is published (委托…公示, 可对外公示, a 公示 heading)."""
    fields = ctx.record.fields
    missing = [name for name in PERSONAL_FIELDS if _missing(fields.get(name))]
    if ctx.record.kind != "annual_report" or not missing:
        return False
    if len(missing) == len(PERSONAL_FIELDS):
        return True
    text = ctx.document.text if ctx.document is not None else " ".join(
        str(v) for v in fields.values() if isinstance(v, str))
    return bool(_PUBLIC.search(text))


@rule("report.public-copy", "info",
      title=("公示稿省略填表人和联系电话", "public copy without the filer's contact"),
      message=("这是年度报告的公示稿，按规定不公开{labels}，不作缺项处理",
               ("this is the published copy of the report; {labels_en} are left out by design "
               "and not reported as missing")),
      kinds=("annual_report",))
def public_copy(ctx: CheckContext) -> Iterator[Hit]:
    """The copy of an annual report published on the registration authority's site (公示稿)
    leaves out the filer's name and telephone number to protect personal data (《事业单位登记
    管理暂行条例实施细则》on publication of annual reports); reviewers of published reports must
    not count those lines as missing. Said once, as information."""
    if not is_public_copy(ctx):
        return
    missing = [name for name in PERSONAL_FIELDS if _missing(ctx.record.fields.get(name))]
    zh = {"filler": "填表人", "phone": "联系电话"}
    en = {"filler": "the filer's name", "phone": "the phone number"}
    yield Hit({"fields": missing, "labels": "、".join(zh[m] for m in missing),
               "labels_en": " and ".join(en[m] for m in missing)},
              "/record/" + missing[0], "")


RULES: tuple[Rule, ...] = (public_copy,)
