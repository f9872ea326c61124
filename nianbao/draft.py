"""The filer's draft of next year's 事业单位法人年度报告书.

`draft(previous, summary, year)` pre-fills what last year's report and this year's work summary
already say, and lists what only the filer can fill in:

- the registration items (《事业单位法人证书》登载事项, 网上名称) are carried over: they change
  only through a 变更登记, which the filer then reports in row 5;
- 净资产年初数 is last year's 年末数 (spec §1.5 A5);
- 开展业务活动情况 is drafted from the work summary in the form's usual order: the business
  done, the social and economic results with their figures, the problems, the plans for next
  year. Sentences are kept as written, with their figures; nothing is computed or invented;
- everything else (year-end net assets, staff count, row 5, licences, awards, donations, the
  two opinions, filler, phone, date) is left empty and listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nianbao.errors import UsageError
from nianbao.extract.annual_report import infer_year
from nianbao.forms import FIELD_NAMES, LABEL_EN, LABEL_ZH, annual_report
from nianbao.model import CONTRACT_VERSION, Record
from nianbao.text.normalize import normalize, squeeze_cjk
from nianbao.text.numbers import to_chinese_count

# Registration items printed on the certificate, plus the code and the registered domain name.
CARRIED = tuple(f.name for f in annual_report().fields if f.carried_over)

SECTIONS = ("business", "results", "problems", "plans")
_NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.+)$")
_PROBLEMS = re.compile(r"存在的?问题|问题与不足|问题和不足|不足之处|不足|短板|薄弱环节|困难和问题|"
                       r"面临的?挑战|差距")
_PLANS = re.compile(r"下一步|下步|工作计划|工作打算|打算|工作思路|思路|展望|明年|来年|努力方向|"
                    r"工作安排")
_RESULTS = re.compile(r"成效|效益|成果|成绩|基本情况|主要指标|主要数据|取得的")
_PLAN_START = re.compile(r"下一步|下步|今后|明年|来年|20\d{2}年(?:将|计划|工作)")
_TITLE = re.compile(r"总结|情况|报告|汇报")
_ARTEFACTS = re.compile(r"\[bookmark:[^\]]*\]|\*\*|</?[a-z]+>")
_BULLETS = re.compile(r"^[\s•·●○■□◆◇▪►\-–—*]+")
_SENTENCE_END = re.compile(r"[。；！？]")
_SUBHEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、]|[一二三四五六七八九十]是)")
_PARAGRAPH_END = frozenset("。；！？：:;!?…”’」』）)")
_BROKEN_MIN = 60
_GENERIC_BUSINESS = re.compile(r"(?:主要)?工作(?:开展)?(?:情况)?|(?:开展)?业务活动(?:开展)?情况|主要做法")



@dataclass
class _Section:
    heading: str | None
    kind: str
    paragraphs: list[str] = field(default_factory=list)
    intro: bool = False  # the text before the first heading


def draft(previous: Record, summary_text: str | None, year: int) -> tuple[dict[str, Any], list[str]]:
    """(fields of the new record, names of the fields the filer must still fill, in form order).

    `previous` is last year's annual report; `summary_text` this year's work summary (None:
    开展业务活动情况 is left to fill too).
    """
    if previous.kind != "annual_report":
        raise UsageError(f"上年报告不是事业单位法人年度报告书（而是 {previous.kind}）",
                         f"the previous filing is not an annual report but {previous.kind}")
    previous_year = previous.year if previous.year is not None else previous.fields.get(
        "report_year")
    if isinstance(previous_year, int) and previous_year >= year:
        raise UsageError(f"上年报告为{previous_year}年度，不早于草稿年度{year}",
                         f"the previous report is for {previous_year}, not before {year}")
    fields: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    for name in CARRIED:
        value = previous.fields.get(name)
        fields[name] = value if value not in ("", None) else None
    fields["report_year"] = year
    fields["layout"] = "current_2014plus"
    if previous_year == year - 1:
        fields["net_assets_begin_wan"] = previous.fields.get("net_assets_end_wan")
    if summary_text and summary_text.strip():
        fields["activities"] = draft_activities(summary_text, year) or None
    to_fill = [name for name in FIELD_NAMES if fields[name] is None]
    return fields, to_fill


def summary_warnings(previous: Record, summary: Record, year: int) -> list[tuple[str, str]]:
    """(zh, en) warnings when the work summary does not look like this institution's summary
    of this year: it is about another year, or it comes from a place outside the division that
    registered the institution (the 3rd–8th characters of its 统一社会信用代码). A wrong file
    picked from a folder of many counties' summaries would otherwise fill 开展业务活动情况 with
    another institution's year, and nothing would say so."""
    out: list[tuple[str, str]] = []
    about = summary.year
    if about is None and summary.fields.get("title"):
        about = summary_year(str(summary.fields["title"]))
    if about is not None and about != year:
        out.append((f"工作总结是{about}年度的，而草稿是{year}年度：请确认没有选错文件",
                    (f"the work summary is about {about} but the draft is for {year}: check "
                     "that it is the right file")))
    code = previous.fields.get("credit_code")
    org = summary.org
    if isinstance(code, str) and len(code) == 18 and isinstance(org, str) and org.strip():
        from nianbao.text.regions import full_name, matches

        if matches(code[2:8], org) is False:
            place = full_name(code[2:8]) or code[2:8]
            name = previous.fields.get("name") or previous.org or code
            out.append((f"工作总结出自“{org}”，不在{name}的登记地{place}：请确认没有选错文件",
                        (f"the work summary is by {org}, outside {place} where {name} is "
                         "registered: check that it is the right file")))
    return out


def to_fill_details(to_fill: list[str], year: int) -> list[dict[str, str]]:
    """Each field to fill with its labels and a short hint in Chinese."""
    return [{"field": name, "label_zh": LABEL_ZH.get(name, name), "label_en": LABEL_EN.get(name, name),
             "hint_zh": _hint(name).format(year=year, next=year + 1)}
            for name in to_fill]


def _hint(name: str) -> str:
    return annual_report().field(name).hint_zh if name in FIELD_NAMES else ""


def draft_document(fields: dict[str, Any], to_fill: list[str], year: int) -> dict[str, Any]:
    """The draft as a JSON object `nianbao check` reads (the output contract's record, plus the
    list of fields still to fill)."""
    return {"nianbao": CONTRACT_VERSION, "kind": "annual_report", "year": year,
            "as_of": f"{year}-12", "org": fields.get("name"), "record": fields,
            "to_fill": to_fill_details(to_fill, year)}


def summary_year(summary_text: str) -> int | None:
    """The year a work summary is about (from its title and opening), when clear."""
    return infer_year(summary_text[:400])


# --------------------------------------------------------------------------- activities


def draft_activities(summary_text: str, year: int) -> str:
    """开展业务活动情况 from a work summary: its paragraphs, cleaned of copy artefacts and
    regrouped as business → results → problems → plans, each group under the form's usual
    heading. Only the summary's own sentences are used."""
    sections = _classify(_paragraphs(summary_text))
    grouped: dict[str, list[str]] = {kind: [] for kind in SECTIONS}
    intro: list[str] = []
    kept = dict.fromkeys(SECTIONS, 0)  # headings kept under each of the form's headings
    for section in sections:
        if section.intro:
            intro.extend(section.paragraphs)
            continue
        if section.heading:
            # The summary's own heading, one level down: （一）… (a bare line would run into
            # the next when the form reflows its paragraphs); its own （一） items become 1.
            kept[section.kind] += 1
            grouped[section.kind].append(f"（{to_chinese_count(kept[section.kind])}）"
                                         f"{section.heading}")
            grouped[section.kind].extend(_items_one_level_down(section.paragraphs))
            continue
        grouped[section.kind].extend(section.paragraphs)
    headings = {"business": "开展业务活动情况", "results": "取得的社会效益和经济效益",
                "problems": "存在的问题及改进措施", "plans": f"{year + 1}年工作计划"}
    out = list(intro)
    number = 0
    for kind in SECTIONS:
        if grouped[kind]:
            out.append(f"{_NUMERALS[number]}、{headings[kind]}")
            out.extend(grouped[kind])
            number += 1
    return "\n".join(out).strip()


_ITEM_HEADING = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[)）]\s*")


def _items_one_level_down(paragraphs: list[str]) -> list[str]:
    """（一）（二）… items under a heading that is now （一） itself, as 1. 2. …"""
    out, number = [], 0
    for para in paragraphs:
        if _ITEM_HEADING.match(para):
            number += 1
            para = _ITEM_HEADING.sub(f"{number}.", para)
        out.append(para)
    return out


def _paragraphs(text: str) -> list[str]:
    out = []
    for line in normalize(text).split("\n"):
        line = _BULLETS.sub("", _ARTEFACTS.sub("", line)).replace("\t", " ")
        line = squeeze_cjk(re.sub(r"(?<=\d[.．、])\s+", "", line)).strip()
        if line:
            out.append(line)
    if out and len(out[0]) <= 40 and not _SENTENCE_END.search(out[0]) and _TITLE.search(out[0]):
        out = out[1:]  # the summary's title
    return _join_broken_lines(out)


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin a paragraph broken mid-sentence by a page or line break ("…改善困" / "境儿童…")."""
    out: list[str] = []
    for line in lines:
        if (out and len(out[-1]) > _BROKEN_MIN and out[-1][-1] not in _PARAGRAPH_END
                and not _HEADING.match(line) and not _SUBHEADING.match(line)):
            out[-1] += line
        else:
            out.append(line)
    return out


def _kind_of_heading(heading: str) -> str:
    problems, plans = bool(_PROBLEMS.search(heading)), bool(_PLANS.search(heading))
    if problems and plans:
        return "problems+plans"
    if problems:
        return "problems"
    if plans:
        return "plans"
    if _RESULTS.search(heading):
        return "results"
    return "business"


def _classify(paragraphs: list[str]) -> list[_Section]:
    sections = [_Section(None, "business", intro=True)]
    for para in paragraphs:
        m = _HEADING.match(para)
        if m and len(m.group(2)) <= 40:
            heading = m.group(2).strip()
            kind = _kind_of_heading(heading)
            sections.append(_Section(None if _generic(heading, kind) else heading, kind))
            continue
        # A heading run into its text ("三、对标规范引领，扎实推进…"): the text, without the
        # numeral that would clash with the form's own numbering.
        sections[-1].paragraphs.append(m.group(2).strip() if m else para)
    out: list[_Section] = []
    for section in sections:
        if section.kind == "problems+plans":
            out.extend(_split_problems_plans(section))
        elif section.kind == "business":
            out.extend(_lift_paragraphs(section))
        else:
            out.append(section)
    return [s for s in out if s.paragraphs or s.heading]


def _generic(heading: str, kind: str) -> bool:
    """A heading that says no more than the form's own ("存在的问题", "主要工作"): dropped."""
    return len(heading) <= 12 and (kind != "business" or bool(_GENERIC_BUSINESS.fullmatch(heading)))


def _split_problems_plans(section: _Section) -> list[_Section]:
    """A "问题与下一步打算" section: text before the first plan marker is problems, the rest plans."""
    text = "\n".join(section.paragraphs)
    m = _PLAN_START.search(text)
    if not m:
        return [_Section(section.heading, "problems", section.paragraphs)]
    head, tail = text[: m.start()].strip(), text[m.start():].strip()
    problems = _Section(section.heading, "problems", [p for p in head.split("\n") if p.strip()])
    return [problems, _Section(None, "plans", [p for p in tail.split("\n") if p.strip()])]


def _lift_paragraphs(section: _Section) -> list[_Section]:
    """Paragraphs of a business section that open as problems or plans ("存在的问题：…",
    "下一步，…") move to those groups."""
    out = [_Section(section.heading, "business", intro=section.intro)]
    for para in section.paragraphs:
        opening = para[:16]
        if _PROBLEMS.search(opening) and not _PLANS.search(opening):
            kind = "problems"
        elif _PLAN_START.match(para) or opening.startswith(("下一步", "下步", "今后")):
            kind = "plans"
        else:
            kind = "business"
        if out[-1].kind != kind:
            out.append(_Section(None, kind))
        out[-1].paragraphs.append(para)
    return out
