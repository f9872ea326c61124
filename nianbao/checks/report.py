"""Single-report rules of the annual report (spec §1.5 A1–A4, A7, A10–A12)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.text.dates import find_dates

KINDS = ("annual_report",)
_PERSON = r"([\u4e00-\u9fff·]{2,6}?)"
_SIGNER = re.compile(
    r"法定代表人\s*(?:[（(]\s*(?:签字|签名|签章|签字或盖章)\s*[)）]|签字|签名|签章)?\s*[:：]?\s*"
    r"(?:<u>)?\s*"
    + _PERSON + r"(?=\s|<|$|[，。,（(]|\d)"
)


def _field(ctx: CheckContext, name: str) -> Any:
    return ctx.record.fields.get(name)


def _raw(ctx: CheckContext, name: str) -> str:
    return ctx.record.evidence.get(name, ("", None))[0]


def entrust_signer(ctx: CheckContext) -> tuple[str, str] | None:
    """(signer name, the exact source text naming them) from the 委托意见, if it names one."""
    raw = _raw(ctx, "entrust_opinion") or str(_field(ctx, "entrust_opinion") or "")
    m = _SIGNER.search(raw)
    if not m:
        return None
    evidence = raw[m.start(): m.end()]
    rest = raw[m.end():]
    if rest.startswith("</u>"):
        evidence += "</u>"
    return m.group(1), evidence


@rule("report.signer-mismatch", "error", kinds=KINDS,
      title=("法定代表人与签署人不一致", "legal representative differs from the signer"),
      message=("法定代表人为{legal_representative}，但“事业单位委托意见”由{signer}签署",
               ("the legal representative is {legal_representative} but the "
                "entrustment opinion is signed by {signer}")))
def signer_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """The 委托意见 must be signed by the registered 法定代表人 (spec §1.5 A1). A different
    signer means either a wrong signature or an unregistered change of 法定代表人, which
    条例 Art. 10 requires to be registered."""
    rep = _field(ctx, "legal_representative")
    cover = ctx.record.evidence.get("cover:legal_representative")
    if rep and cover and cover[0].replace(" ", "") != rep:
        yield Hit({"legal_representative": rep, "signer": cover[0], "where": "cover"},
                  "/record/legal_representative", cover[0], cover[1])
    found = entrust_signer(ctx)
    if rep and found and found[0] != rep:
        yield Hit({"legal_representative": rep, "signer": found[0], "where": "entrust_opinion"},
                  "/record/entrust_opinion", found[1],
                  ctx.record.evidence.get("entrust_opinion", ("", None))[1])


@rule("report.name-mismatch", "error", kinds=KINDS,
      title=("封面单位名称与登载事项不一致", "cover name differs from the registered name"),
      message=("封面单位名称“{cover}”与登载事项“{name}”不一致",
               "the cover names the unit {cover}, the certificate rows {name}"))
def name_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """The cover's 单位名称 must be the certificate's name, character for character (A2):
    the registration authority matches reports to units by it."""
    name = _field(ctx, "name")
    cover = ctx.record.evidence.get("cover:name")
    if name and cover and cover[0].replace(" ", "") != name:
        yield Hit({"cover": cover[0], "name": name}, "/record/name", cover[0], cover[1])


@rule("report.year-mismatch", "error", kinds=KINDS,
      title=("报告年度与内容或报送日期不符", "report year disagrees with content or date"),
      message=("报告年度为{year}年，但正文主要叙述{content_year}年的工作",
               "the report year is {year} but the text is about {content_year}"),
      cases={"late": ("报送日期{submitted_on}不在{filing_year}年1月1日至{deadline_month}月"
                      "{deadline_day}日之间",
                      "submitted on {submitted_on}, outside 1 January – {deadline_day} "
                      "{deadline_month_en} {filing_year}")})
def year_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    """The report covers the previous calendar year and is filed 1 Jan – 31 Mar of the next
    (条例 Art. 17; 公示办法 2014). A date outside that window is a late or misdated filing;
    a narrative about another year means the wrong year's report was filed (A3, A4)."""
    year = _field(ctx, "report_year")
    if not isinstance(year, int):
        return
    submitted = _field(ctx, "submitted_on")
    date = dt.date.fromisoformat(submitted) if isinstance(submitted, str) else None
    month, day = ctx.settings.submission_deadline_month_day
    if date and not dt.date(year + 1, 1, 1) <= date <= dt.date(year + 1, month, day):
        yield Hit({"year": year, "submitted_on": submitted, "filing_year": year + 1,
                   "deadline_month": month, "deadline_day": day,
                   "deadline_month_en": _MONTHS.get(month, str(month))},
                  "/record/submitted_on", _raw(ctx, "submitted_on"), case="late")
    about = _narrative_year(ctx)
    if about and about[0] != year:
        yield Hit({"year": year, "content_year": about[0]}, "/record/report_year", about[1])


@rule("report.online-name-suffix", "warning", kinds=KINDS,
      title=("网上名称缺少“.公益”后缀", "online name lacks the .公益 suffix"),
      message=("网上名称“{online_name}”不以“.公益”结尾",
               "the online name {online_name} does not end with .公益"))
def online_name_suffix(ctx: CheckContext) -> Iterator[Hit]:
    """事业单位 register a Chinese domain name ending in .公益; the form's 网上名称 row asks
    for it (filling guidance, spec §1.5 A7). A plain unit name means it was not registered
    or not copied."""
    name = _field(ctx, "online_name")
    if name and name not in ("无", "暂无") and not name.endswith(".公益"):
        yield Hit({"online_name": name}, "/record/online_name", _raw(ctx, "online_name"))


@rule("report.opinion-incomplete", "error", kinds=KINDS,
      title=("委托意见或举办单位意见不完整", "an opinion block is incomplete"),
      message=("事业单位委托意见没有签署日期", "the entrustment opinion has no date"),
      cases={"entrust-unsigned": ("事业单位委托意见没有法定代表人签名",
                                  "the entrustment opinion is not signed by the legal "
                                  "representative"),
             "sponsor-no-review": ("举办单位意见未说明已经保密审查",
                                   "the sponsor's opinion does not state the secrecy review"),
             "sponsor-undated": ("举办单位意见没有日期", "the sponsor's opinion has no date")})
def opinion_incomplete(ctx: CheckContext) -> Iterator[Hit]:
    """The 委托意见 carries the 法定代表人's signature and a date; the 举办单位意见 states
    the 保密审查 (secrecy review) and a date (公示办法 2014; spec §1.5 A10). Without them the
    report cannot be published."""
    entrust = _field(ctx, "entrust_opinion")
    if entrust and not find_dates(entrust):
        yield _opinion_hit(ctx, "entrust_opinion", "")
    if entrust and not entrust_signer(ctx):
        yield _opinion_hit(ctx, "entrust_opinion", "entrust-unsigned")
    sponsor = _field(ctx, "sponsor_opinion")
    if sponsor and "保密审查" not in sponsor:
        yield _opinion_hit(ctx, "sponsor_opinion", "sponsor-no-review")
    if sponsor and not find_dates(sponsor):
        yield _opinion_hit(ctx, "sponsor_opinion", "sponsor-undated")


@rule("report.capital-drift", "warning", kinds=KINDS,
      title=("开办资金与净资产相差较大", "registered capital far from net assets"),
      message=(("开办资金{capital}万元与年末净资产{net_assets}万元相差{drift}%，"
                "可能需要办理开办资金变更登记"),
               ("registered capital {capital} 万元 and year-end net assets "
                "{net_assets} 万元 differ by {drift}%: a capital change may be due")))
def capital_drift(ctx: CheckContext) -> Iterator[Hit]:
    """开办资金 must be re-registered when it moves by more than 20 % (细则 Art. 45–48), and
    it is usually derived from net-asset items of the balance sheet. A large gap between the
    two is a hint (not proof) that a 开办资金 change is due (spec §1.5 A12)."""
    capital, end = _field(ctx, "registered_capital_wan"), _field(ctx, "net_assets_end_wan")
    if not capital or end is None:
        return
    drift = (Decimal(str(end)) - Decimal(str(capital))) / Decimal(str(capital)) * 100
    if abs(drift) > ctx.settings.capital_drift * 100:
        yield Hit({"capital": str(capital), "net_assets": str(end),
                   "drift": str(drift.quantize(Decimal("0.1")))},
                  "/record/registered_capital_wan", _raw(ctx, "registered_capital_wan"))


@rule("report.activities-outside-scope", "warning", kinds=KINDS,
      title=("业务活动可能超出宗旨和业务范围", "activities may exceed the registered scope"),
      message=("宗旨和业务范围只涉及城镇，开展业务活动情况却{count}次提到农村/乡村工作",
               ("the registered scope is urban only, but the activities mention "
                "rural work {count} times")))
def activities_outside_scope(ctx: CheckContext) -> Iterator[Hit]:
    """Income and activities must serve the registered 宗旨和业务范围 (条例 Art. 15); the
    抽查 checks it (spec §1.5 A11). Heuristic: an urban-only scope with rural work reported."""
    scope, text = _field(ctx, "purpose_and_scope"), _field(ctx, "activities")
    if not scope or not text or not re.search("城镇|城市", scope):
        return
    if re.search("农村|城乡|乡村|五保|特困", scope):
        return
    hits = re.findall("农村|乡村|特困", text)
    if len(hits) >= 3:
        yield Hit({"count": len(hits)}, "/record/activities", scope)


_MONTHS = {1: "January", 2: "February", 3: "March", 4: "April", 5: "May", 6: "June", 7: "July",
           8: "August", 9: "September", 10: "October", 11: "November", 12: "December"}
_NARRATIVE_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*(?:度?工作)?计划|\s*[起以至])")


def _narrative_year(ctx: CheckContext) -> tuple[int, str] | None:
    """(year, the sentence stating it) when the narrative opens with a year other sentences
    confirm: the first `YYYY年` of 变更登记执行情况 or 开展业务活动情况."""
    for name in ("activities", "change_registration"):
        text = _field(ctx, name)
        if not isinstance(text, str):
            continue
        m = _NARRATIVE_YEAR.match(text.strip()[:12]) or _NARRATIVE_YEAR.search(text[:60])
        if m:
            return int(m.group(1)), text.strip()[: m.end() + 20]
    return None


def _opinion_hit(ctx: CheckContext, name: str, case: str) -> Hit:
    raw = _raw(ctx, name)
    return Hit({"field": name}, f"/record/{name}", raw[:80],
               ctx.record.evidence.get(name, ("", None))[1], case=case)


RULES: tuple[Rule, ...] = (signer_mismatch, name_mismatch, year_mismatch, online_name_suffix, opinion_incomplete, capital_drift, activities_outside_scope)
