"""The 公示 copy of an annual report: the published form without the filer's personal data."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.forms import LABEL_ZH

PERSONAL_FIELDS = ("filler", "phone")
_BLANK = re.compile(r"^[\s_＿*＊×xX—\-/无]*$")
# A copy marked as the published one: 公示稿/公示版/（公示）, or a title ending in 公示. The 委托
# opinion of every report says 经委托登记管理机构公示…, so the bare word proves nothing.
_PUBLIC = re.compile(r"公示(?:稿|版|本|件|用)|[（(【\[]\s*公示\s*[)）】\]]|(?:报告书?|年报)\s*公示\s*$",
                     re.MULTILINE)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and bool(_BLANK.match(value)))


def is_public_copy(ctx: CheckContext) -> bool:
    """A published (公示) copy: every missing 填表人/联系电话 line is withheld on purpose — its
    label left out of the document altogether or its value masked (****) — or the document
    marks itself as the published copy (公示稿, （公示）, a title ending in 公示). A filing whose
    line is there but blank (联系电话: _____) is incomplete, not public; a record without its
    document (a draft, a JSON record) is never a public copy."""
    fields = ctx.record.fields
    missing = [name for name in PERSONAL_FIELDS if _missing(fields.get(name))]
    if ctx.record.kind != "annual_report" or not missing or ctx.document is None:
        return False
    text = ctx.document.text
    if _PUBLIC.search(text):
        return True
    return all(_withheld(text, LABEL_ZH[name]) for name in missing)


def _withheld(text: str, label: str) -> bool:
    found = re.search(re.escape(label) + r"\s*[:：]?\s*(\S{0,2})", text)
    return found is None or bool(re.match(r"[*＊×]{2}", found.group(1)))


@rule("report.public-copy", "info",
      title=("公示稿省略填表人和联系电话", "public copy without the filer's contact"),
      message=("这是年度报告的公示稿，按规定不公开{labels}，不作缺项处理",
               ("this is the published copy of the report: {labels_en} left out by design, "
               "not reported as missing")),
      kinds=("annual_report",))
def public_copy(ctx: CheckContext) -> Iterator[Hit]:
    """The copy of an annual report published on the registration authority's site (公示稿)
    leaves out the filer's name and telephone number to protect personal data (《事业单位登记
    管理暂行条例实施细则》on publication of annual reports); reviewers of published reports must
    not count those lines as missing. Said once, as information."""
    if not is_public_copy(ctx):
        return
    missing = [name for name in PERSONAL_FIELDS if _missing(ctx.record.fields.get(name))]
    en = {"filler": "the filer's name", "phone": "the phone number"}
    yield Hit({"fields": missing, "labels": "、".join(LABEL_ZH[m] for m in missing),
               "labels_en": " and ".join(en[m] for m in missing)},
              "/record/" + missing[0], "")


RULES: tuple[Rule, ...] = (public_copy,)
