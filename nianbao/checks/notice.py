"""Rules for 通知 and their 实施方案 (spec §3.2–3.5), and for 发文字号 cited in any document.

Severity depends on where a record came from. A record read from a document (`ctx.document` is
set) describes a notice that already exists: a missing 发文字号 or 版记 is worth knowing (info),
look-alike brackets are a warning. A record without a document is the input of the generator,
which must produce a complete, correct 公文: the same problems are errors there, and the
generator refuses to write the notice until they are fixed (or forced).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.model import Provenance, Severity, walk_strings
from nianbao.text.cn_dates import find_deadlines, parse_period
from nianbao.text.dates import zh_date
from nianbao.text.gongwen import DOC_NUMBER_LIKE
from nianbao.text.numbers import cn_int

KINDS = ("notice",)
_STOP = "。；！？\n"
# Leading words that are not part of a 机关代字 ("印发了平湛民〔2025〕6号").
_NOT_CODE = re.compile(r"^.*(?:印发|转发|下发|根据|按照|依据|关于|[的了和与及将已并对向以按据照见])")
_MOBILE = re.compile(r"(?<![\d-])1[3-9]\d(?:[ -]?\d{4}){2}(?![\d-])")
_ANNOUNCED = re.compile(
    r"(?P<n>[一二三四五六七八九十两]{1,3}|\d{1,2})\s*(?:个方面|项|大|个)\s*(?:的)?\s*"
    r"(?P<what>重点任务|主要任务|重点工作|工作任务|任务|行动)"
)
_DASHES = re.compile(r"月\s*(?P<dash>[-－–~〜]|——)\s*(?:\d{4}年)?\d")
# Record keys that are not prose: dates and derived values.
_NOT_PROSE = ("/date", "/start", "/end", "/deadlines", "/printed_on")


def generated(ctx: CheckContext) -> bool:
    """True for the generator's input: a notice record that was not read from a document."""
    return ctx.document is None and ctx.record.kind == "notice"


def generation_note(ctx: CheckContext) -> dict[str, str]:
    """For a notice read from a document, where the finding is only info: say that generating
    it needs the missing part (there the same finding is an error and refuses the notice)."""
    if generated(ctx):
        return {"then_zh": "", "then_en": ""}
    return {"then_zh": "；用 nianbao generate notice 重新排版前须补上（否则作为错误拒绝生成，或加 --force）",
            "then_en": "; nianbao generate notice needs it (an error there: it refuses the "
                       "notice unless --force)"}


def _fields(ctx: CheckContext) -> dict[str, Any]:
    return ctx.record.fields


def _prose(ctx: CheckContext, *, skip: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(pointer, text) of every prose string in the record."""
    for pointer, text in walk_strings(_fields(ctx)):
        if not any(part in pointer for part in _NOT_PROSE + skip):
            yield "/record" + pointer, text


def _clause(text: str, start: int, end: int, before: int = 30, after: int = 24) -> str:
    """The clause of `text` around [start, end): out to the sentence marks (or an opening
    bracket on the left, a comma well past the match on the right), bounded in length."""
    left = start
    while left > 0 and start - left < before and text[left - 1] not in _STOP:
        left -= 1
        if text[left] in "（(":
            break
    right = end
    while right < len(text) and right - end < after and text[right] not in _STOP:
        if text[right] in "，," and right - end >= 8:
            break
        right += 1
    if right < len(text) and text[right] in "）)" and text[left:right].count("（") > \
            text[left:right].count("）"):
        right += 1
    return text[left:right]


def locate(ctx: CheckContext, *needles: str) -> Provenance | None:
    """Where the first findable needle sits in the document (page, block, offsets)."""
    if ctx.document is None:
        return None
    for needle in needles:
        if not needle:
            continue
        for block in ctx.document.blocks:
            at = block.text.find(needle)
            if at >= 0:
                return Provenance(page=block.page, block=block.index, start=at,
                                  end=at + len(needle), bbox=block.bbox)
    return None


def _evidence(ctx: CheckContext, key: str) -> tuple[str, Provenance | None]:
    found = ctx.record.evidence.get(key)
    return (found[0], found[1]) if found else ("", None)


# --------------------------------------------------------------------------- 发文字号


def doc_number_problems(found: str, year: int | None) -> list[tuple[str, str]]:
    """(zh, en) problems of one 发文字号 as written; empty when it is correct."""
    m = DOC_NUMBER_LIKE.fullmatch(found)
    if m is None:
        return [("不是“机关代字〔年份〕序号号”的形式", "not in the form 代字〔YYYY〕N号")]
    out: list[tuple[str, str]] = []
    if m.group("open") != "〔" or m.group("close") != "〕":
        found = m.group("open") + m.group("close")
        codes = "/".join(f"U+{ord(c):04X}" for c in found)
        out.append((f"年份应使用六角括号〔〕，不是{found}",
                    f"the year must be in 〔〕 (U+3014/U+3015), not {found} ({codes})"))
    if len(m.group("year")) != 4:
        out.append(("年份应标全称（四位）", "the year must be written in full (four digits)"))
    if m.group("di"):
        out.append(("序号前不加“第”字", "no 第 before the sequence number"))
    if m.group("seq").startswith("0"):
        out.append(("序号不编虚位（1不编为01）", "no leading zeros in the sequence number"))
    if year is not None and len(m.group("year")) == 4 and int(m.group("year")) != year:
        out.append((f"年份{m.group('year')}与成文日期的年份{year}不一致",
                    f"the year {m.group('year')} differs from the year of the date, {year}"))
    return out


def corrected(found: str) -> str:
    m = DOC_NUMBER_LIKE.fullmatch(found)
    if m is None:
        return found
    year = m.group("year") if len(m.group("year")) == 4 else "20" + m.group("year")
    return f"{m.group('org')}〔{year}〕{int(m.group('seq'))}号"


def _cited_numbers(text: str) -> Iterator[tuple[str, int, int]]:
    """(发文字号 as written, start, end) in running text; the 代字 is cut at verbs and particles."""
    for m in DOC_NUMBER_LIKE.finditer(text):
        org_end = m.start("org") + len(m.group("org"))
        start = org_end - min(6, len(m.group("org")))
        head = text[start:org_end]
        cut = _NOT_CODE.match(head)
        if cut and cut.end() < len(head):
            start += cut.end()
        yield text[start:m.end()].replace(" ", ""), start, m.end()


def _doc_number_texts(ctx: CheckContext) -> Iterator[tuple[str, str, Provenance | None]]:
    if ctx.document is not None:
        for block in ctx.document.blocks:
            yield f"/source/blocks/{block.index}", block.text, Provenance(block.page, block.index)
        return
    for pointer, text in walk_strings(_fields(ctx)):
        if pointer != "/doc_number":
            yield "/record" + pointer, text, None


# --------------------------------------------------------------------------- rules


@rule("notice.doc-number", "warning",
      title=("发文字号格式不规范", "document number not in the GB/T 9704 form"),
      message=("发文字号“{found}”不规范：{problem_zh}；应为“{expected}”",
               "document number {found}: {problem_en}; write {expected}"))
def doc_number(ctx: CheckContext) -> Iterator[Hit]:
    """GB/T 9704-2012 §7.2.3: 发文字号 = 机关代字 + 年份 + 发文顺序号; the year in full, in
    六角括号 〔〕 (U+3014/U+3015); no 第, no leading zeros. Look-alike brackets (﹝﹞ U+FE5D/
    FE5E, ［］, 【】, ()) print almost the same but break search and citation matching (seed
    001 cites 平湛民﹝2025﹞6号). A cited number follows its title in running text, so the
    whole text is scanned. Warning for documents read; error for a notice to be generated."""
    severity: Severity | None = "error" if generated(ctx) else None
    notice = ctx.record.kind == "notice"
    # The year of the 成文日期 (a read notice's record year may come from its title instead).
    year = (_year(ctx) or (ctx.record.year if generated(ctx) else None)) if notice else None
    number = _fields(ctx).get("doc_number") if notice else None
    if isinstance(number, str) and number:
        problems = doc_number_problems(number, year)
        if problems:
            raw, prov = _evidence(ctx, "doc_number")
            yield _doc_hit(number, problems, "/record/doc_number", raw or number, prov,
                           severity)
    for pointer, text, prov in _doc_number_texts(ctx):
        for found, start, end in _cited_numbers(text):
            problems = doc_number_problems(found, None)
            if not problems or found == number:  # the notice's own number: checked above
                continue
            if prov is not None:
                prov = Provenance(prov.page, prov.block, start=start, end=end)
            yield _doc_hit(found, problems, pointer, text[start:end], prov, severity)


@rule("notice.missing-doc-number", "error", kinds=KINDS,
      title=("缺少发文字号", "no document number"),
      message=("通知没有发文字号（应在发文机关标志下空二行居中编排，如“{example}”）{then_zh}",
               ("the notice has no document number (centred two lines below the "
               "issuer's mark, e.g. {example}){then_en}")))
def missing_doc_number(ctx: CheckContext) -> Iterator[Hit]:
    """条例 Art. 9(2) and GB/T 9704-2012 §7.2.3: every 公文 carries a 发文字号; without it the
    notice cannot be registered, cited or filed (seed 003 has none). Info for a notice read
    from a document (it is what it is), error for a notice to be generated."""
    if _fields(ctx).get("doc_number"):
        return
    raw, prov = _evidence(ctx, "issuers")
    if not raw:
        raw, prov = _evidence(ctx, "title")
    yield Hit({"example": "×民发〔2025〕1号", **generation_note(ctx)}, "/record/doc_number", raw, prov,
              None if generated(ctx) else "info")


@rule("notice.missing-colophon", "error", kinds=KINDS,
      title=("缺少版记（印发机关和印发日期）", "no colophon (printing office and date)"),
      message=("通知没有版记（抄送机关、印发机关和印发日期）{then_zh}",
               "the notice has no colophon (copies to, printing office and date){then_en}"),
      cases={"incomplete": ("版记缺少{missing_zh}{then_zh}",
                            "the colophon lacks {missing_en}{then_en}")})
def missing_colophon(ctx: CheckContext) -> Iterator[Hit]:
    """条例 Art. 9(17) and GB/T 9704-2012 §7.4.3: the 版记 on the last page names the
    印发机关 and the 印发日期 (and 抄送机关 when there are any), between thick rules. A
    notice without it does not say who printed it or when. Info for a notice read from a
    document, error for a notice to be generated."""
    colophon = _fields(ctx).get("colophon") or {}
    missing = [name for name in ("printer", "printed_on") if not colophon.get(name)]
    if not missing:
        return
    zh = {"printer": "印发机关", "printed_on": "印发日期"}
    raw, prov = _evidence(ctx, "colophon")
    if not raw:
        raw, prov = _evidence(ctx, "date")
    yield Hit({"missing": missing, "missing_zh": "和".join(zh[m] for m in missing),
               "missing_en": " and ".join(missing), **generation_note(ctx)},
              "/record/colophon", raw, prov, None if generated(ctx) else "info",
              case="incomplete" if colophon else "")


@rule("notice.date-style", "warning", kinds=KINDS,
      title=("成文日期写法不规范", "date not written the GB/T 9704 way"),
      message=("成文日期“{found}”应写作“{expected}”（阿拉伯数字，年份标全称，月、日不编虚位）",
               ("the date {found} should read {expected} (Arabic numerals, full "
               "year, no zero padding)")))
def date_style(ctx: CheckContext) -> Iterator[Hit]:
    """GB/T 9704-2012 §7.3.5.1: 成文日期 in Arabic numerals, year in full, month and day
    without padding (2023年7月6日). The 1999 edition's 二〇二三年七月六日 and a padded
    2023年07月06日 are out of date since 2012-07-01."""
    date, (raw, prov) = _fields(ctx).get("date"), _evidence(ctx, "date")
    if not isinstance(date, str) or not raw:
        return
    expected = zh_date(dt.date.fromisoformat(date))
    if raw.replace(" ", "") != expected:
        yield Hit({"found": raw, "expected": expected}, "/record/date", raw, prov)


@rule("notice.deadline-before-issue", "warning", kinds=KINDS,
      title=("时限早于成文日期", "deadline before the date of issue"),
      message=("“{deadline}”（{deadline_zh}）早于成文日期{issued_zh}，任务下达时已过期",
               ("{deadline} ({deadline_date}) is before the date of issue {issued}: "
               "the task was overdue when it was set")))
def deadline_before_issue(ctx: CheckContext) -> Iterator[Hit]:
    """条例 Art. 19(3): the measures a 公文 sets must be workable. A deadline that passed
    before the notice was signed cannot be met; usually a date copied from last year's
    plan or a wrong month (seed 003: a 4月底 task in a notice dated 7月6日)."""
    date = _fields(ctx).get("date")
    if not isinstance(date, str):
        return
    issued = dt.date.fromisoformat(date)
    for pointer, text in _prose(ctx):
        for found in find_deadlines(text, issued.year):
            if found.date < issued and _a_task(text, found.start, found.end):
                evidence = _clause(text, found.start, found.end)
                yield Hit({"deadline": found.text, "deadline_date": found.date.isoformat(),
                           "issued": date, "deadline_zh": zh_date(found.date),
                           "issued_zh": zh_date(issued)}, pointer, evidence,
                          locate(ctx, evidence, found.text))


# Deadlines that are not a task set by this notice: next year's (明年3月底前), recurring ones
# (每年3月31日前, 每月5日前), and one an earlier notice set that is reported as met.
_LATER_OR_RECURRING = re.compile(r"(?:明年|次年|来年|下一年|翌年|每年|每月|每季度?|每半年|每周|逐月|年度内)\s*$")
_DONE = re.compile(r"此前|前期|原定|已(?:经|全部|全面|如期|按时|按期)?完成|已于")


def _a_task(text: str, start: int, end: int) -> bool:
    if _LATER_OR_RECURRING.search(text[max(0, start - 6):start]):
        return False
    left = max((text.rfind(c, 0, start) for c in _STOP), default=-1) + 1
    rights = [k for k in (text.find(c, end) for c in _STOP) if k >= 0]
    return not _DONE.search(text[left:min(rights, default=len(text))])


@rule("notice.phase-order", "warning", kinds=KINDS,
      title=("实施步骤时间顺序颠倒", "phases out of chronological order"),
      message=("步骤“{phase}”（{period}）开始于上一步骤“{previous}”（{previous_period}）之前",
               ("phase {phase} ({period}) starts before the previous phase "
               "{previous} ({previous_period})")))
def phase_order(ctx: CheckContext) -> Iterator[Hit]:
    """A 实施方案's 实施步骤 are numbered in the order they happen (spec §3.5): 制定方案 →
    动员部署 → 组织实施 → 总结提升. Phases may overlap (seed 003's 建章立制 runs inside
    组织实施) but a later phase cannot start earlier than the one before it (条例 Art.
    19(3): 结构严谨)."""
    for pointer, phases in _phase_lists(ctx):
        previous: tuple[str, str, str] | None = None
        for n, phase in enumerate(phases):
            span = _span(ctx, phase)
            if span is None:
                continue
            if previous and span[0] < previous[0]:
                raw, prov = _evidence(ctx, f"{pointer[8:]}/{n}")
                yield Hit({"phase": phase.get("name"), "period": phase.get("period"),
                           "previous": previous[1], "previous_period": previous[2]},
                          f"{pointer}/{n}", raw or str(phase.get("period")), prov)
            previous = (span[0], str(phase.get("name")), str(phase.get("period")))


@rule("notice.phase-range", "warning", kinds=KINDS,
      title=("实施步骤的月份区间不规范", "a phase's month range is malformed"),
      message=("步骤“{phase}”的时间“{period}”：结束月份早于开始月份",
               "phase {phase}, period {period}: it ends before it starts"),
      cases={"dash": ("步骤“{phase}”的时间“{period}”：区间应使用一字线“—”，不是“{dash}”",
                      "phase {phase}, period {period}: use the dash — between months, not {dash}")})
def phase_range(ctx: CheckContext) -> Iterator[Hit]:
    """A phase's period reads N月—M月 with N ≤ M and the dash 一字线 “—” (GB/T 15834-2011
    §4.9: a range is joined by the 一字线 or 浪纹线). An end before the start is a typo
    that leaves the phase without a time."""
    for pointer, phases in _phase_lists(ctx):
        for n, phase in enumerate(phases):
            period = str(phase.get("period") or "")
            dash = _DASHES.search(period)
            span = _span(ctx, phase)
            raw, prov = _evidence(ctx, f"{pointer[8:]}/{n}")
            params = {"phase": phase.get("name"), "period": period}
            if dash:
                yield Hit({**params, "dash": dash.group("dash")}, f"{pointer}/{n}/period",
                          raw or period, prov, case="dash")
            if span and span[1] < span[0]:
                yield Hit(params, f"{pointer}/{n}/period", raw or period, prov)


@rule("notice.task-count", "warning", kinds=KINDS,
      title=("任务数与重点工作条目数不符", "announced task count differs from the tasks"),
      message=("文中称“{announced_text}”（{announced}项），但重点工作列有{listed}项",
               ("the text announces {announced} tasks ({announced_text}) but "
               "{listed} are listed")))
def task_count(ctx: CheckContext) -> Iterator[Hit]:
    """条例 Art. 19(6): numbers in a 公文 must be accurate. When the text announces
    “六个方面重点任务” the 重点工作 section must have （一）…（六）; a task added or dropped
    in editing without updating the count leaves the two disagreeing (spec §3.5)."""
    tasks = _tasks(ctx)
    if not tasks:
        return
    listed = len(tasks)
    # A task's own text counts its own things (开展三项行动，即…): only text outside the tasks
    # announces how many tasks there are.
    for pointer, text in _prose(ctx, skip=("/tasks/",)):
        for m in _ANNOUNCED.finditer(text):
            announced = cn_int(m.group("n"))
            if announced is not None and announced != listed:
                evidence = _clause(text, m.start(), m.end(), 12, 6)
                yield Hit({"announced": announced, "announced_text": m.group(0),
                           "listed": listed}, pointer, evidence,
                          locate(ctx, evidence, m.group(0)))


@rule("notice.task-without-owner", "warning", kinds=KINDS,
      title=("重点工作未明确责任单位", "a task has no responsible unit"),
      message=("重点工作“{task}”没有明确责任单位", "task {task} names no responsible unit"))
def task_without_owner(ctx: CheckContext) -> Iterator[Hit]:
    """A 实施方案 assigns every 重点工作 to a 责任单位 (spec §3.5; 条例 Art. 19(3)): a task
    nobody owns is not done and cannot be inspected (督导检查) or reported on."""
    for pointer, task in _task_pointers(ctx):
        if not task.get("owners"):
            raw, prov = _evidence(ctx, pointer[8:])
            yield Hit({"task": task.get("title")}, f"{pointer}/owners",
                      raw or str(task.get("title") or ""), prov)


@rule("notice.personal-phone", "warning", kinds=KINDS,
      title=("正文中有个人手机号码", "a personal mobile number in the text"),
      message=("正文中有个人手机号码{masked}，建议改为办公电话并移至附注（成文日期下一行）",
               ("the text carries a personal mobile number {masked}; use an office "
               "number and move the contact to the note below the date")))
def personal_phone(ctx: CheckContext) -> Iterator[Hit]:
    """A mobile number is personal information (个人信息保护法 Art. 4, 28); a notice is often
    published (政府信息公开条例 Art. 15 protects third parties' personal information). The
    contact person belongs in the 附注 (GB/T 9704-2012 §7.3.7), with an office number."""
    for pointer, text in _prose(ctx, skip=("/note",)):
        for m in _MOBILE.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            evidence = _clause(text, m.start(), m.end(), 16, 1)
            yield Hit({"masked": digits[:3] + "****" + digits[-4:]}, pointer, evidence,
                      locate(ctx, evidence, m.group(0)))


def _doc_hit(found: str, problems: list[tuple[str, str]], pointer: str, evidence: str,
             prov: Provenance | None, severity: Severity | None) -> Hit:
    return Hit({"found": found, "expected": corrected(found),
                "problem_zh": "；".join(zh for zh, _ in problems),
                "problem_en": "; ".join(en for _, en in problems)},
               pointer, evidence, prov, severity)


def _sections(ctx: CheckContext) -> list[dict[str, Any]]:
    plan = _fields(ctx).get("plan")
    if not isinstance(plan, dict):
        return []
    return [s for s in plan.get("sections") or [] if isinstance(s, dict)]


def _phase_lists(ctx: CheckContext) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for n, section in enumerate(_sections(ctx)):
        phases = section.get("phases")
        if isinstance(phases, list):
            yield f"/record/plan/sections/{n}/phases", [p for p in phases if isinstance(p, dict)]


def _task_pointers(ctx: CheckContext) -> Iterator[tuple[str, dict[str, Any]]]:
    for n, section in enumerate(_sections(ctx)):
        for k, task in enumerate(section.get("tasks") or []):
            if isinstance(task, dict):
                yield f"/record/plan/sections/{n}/tasks/{k}", task


def _tasks(ctx: CheckContext) -> list[dict[str, Any]]:
    return [task for _, task in _task_pointers(ctx)]


def _span(ctx: CheckContext, phase: dict[str, Any]) -> tuple[str, str] | None:
    """(start, end) as YYYY-MM: from the period text, else the record's start/end."""
    period = phase.get("period")
    if isinstance(period, str):
        span = parse_period(period, ctx.record.year or _year(ctx))
        if span:
            return span
    start, end = phase.get("start"), phase.get("end")
    return (start, end) if isinstance(start, str) and isinstance(end, str) else None


def _year(ctx: CheckContext) -> int | None:
    date = _fields(ctx).get("date")
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


RULES: tuple[Rule, ...] = (doc_number, missing_doc_number, missing_colophon, date_style, deadline_before_issue, phase_order, phase_range, task_count, task_without_owner, personal_phone)
