"""Turns a notice record into the context shared by templates/notice.html and notice.docx.

Everything is decided here, in Python: heading numbers (一、（一）1.（1）), the lines of a long
title, the 2-character indents' runs, the 署名's offset so that it sits centred over the 成文日期,
the size of the 发文机关标志 and the spacing that depends on it. Templates only place strings.

Geometry (GB/T 9704-2012 §5.2 and §7; spec §3.1–3.2), in points unless stated:

- 版心 156 × 225 mm at 37 mm from the top and 28 mm from the left edge; 22 lines of 28
  characters: line pitch 28.95 pt (22 × 28.95 pt = 224.7 mm), character pitch 15.79 pt
  (3号 = 16 pt, letter-spacing −0.21 pt; 28 × 15.79 pt = 156.0 mm).
- A "line" holds a character at its top and 7/8 of a character of space below it (the standard's
  definition of 一行), so the first line's characters start at the top of the 版心 and "空N行"
  leaves N empty lines (N × 28.95 pt) between two elements.
- The 发文机关标志's top edge is 35 mm below the top of the 版心; the 发文字号 two empty lines
  below the 标志; the red rule 4 mm below the 发文字号; the title two empty lines below the
  rule; the 主送机关 one empty line below the title.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from nianbao.forms import notice, plan_task
from nianbao.generate.context import clean_text, one_line
from nianbao.text.dates import zh_date

PITCH = 28.95  # pt, one line
CHAR = 15.79  # pt, one 3号 character with its letter-spacing
DOCX_CHAR = 15.75  # pt, the same in the DOCX (16 pt less 0.25 pt of character spacing)
BODY_PT = 16.0
TITLE_PT = 22.0
TITLE_CHARS = 20  # 2号 characters on one line of the 版心
MARK_MAX_PT = 42.0  # 初号
MARK_WIDTH = 0.94 * 156 / 25.4 * 72  # the 标志 keeps a little air inside the 版心
RULE_MM = 0.5  # the red separator's thickness
# The fonts' vertical metrics: the official faces and their open fallback (the Fandol faces)
# have an ascent and descent of one em together, 0.88 em above the baseline and 0.12 em below,
# as is the ideographic em box. With CSS centring the font's ascent+descent in each line box,
# the em box's top sits EM_TOP(L, S) below the top of a line box L high holding S-point text.
_ASCENT, _DESCENT, _EM_ASCENT = 0.88, 0.12, 0.88
# The 标志's top edge is that of its characters' ink: in FandolSong Bold, the open 小标宋-like
# face, hanzi reach 0.763 em above the baseline, 0.117 em below the em box's top.
_MARK_INK = 0.763


def em_top(line_height: float, size: float) -> float:
    """Distance from the top of a line box to the top of the em box of its characters."""
    return line_height / 2 - size * (_EM_ASCENT - (_ASCENT - _DESCENT) / 2)


# A body line's em box starts this far below its line box: the page's content area starts this
# much above the 版心 (37 mm) so that characters, not line boxes, start at the 版心's top edge.
SHIFT = em_top(PITCH, BODY_PT)


CN_NUMBERS = "一二三四五六七八九十"
_GOOD_BREAK_BEFORE = re.compile(
    r"关于|《|“|的(?:通知|意见|报告|决定|函|批复|请示)|实施方案|工作方案|专项|行动|工作")
_GOOD_BREAK_AFTER = re.compile(
    r"关于|印发|转发|开展|做好|加强|进一步|\d{4}年度?|[省市县区局]|、|，|》|”")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (heading numbers)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def number(level: int, n: int) -> str:
    """The heading number of GB/T 9704-2012 §7.3.3 for level 1–4: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def width(text: str) -> float:
    """Width in characters: a Han character or full-width mark is 1, ASCII is ½."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def title_lines(title: str, max_chars: float = TITLE_CHARS) -> list[str]:
    """A long title broken into balanced lines at word boundaries (GB/T 9704-2012 §7.3.1:
    回行时要做到词意完整，排列对称，长短适宜，间距恰当; a trapezoid or diamond)."""
    title = one_line(title)
    if width(title) <= max_chars:
        return [title]
    count = math.ceil(width(title) / max_chars)
    best: tuple[float, list[str]] | None = None
    candidates = [*_splits(title, count, max_chars), *_splits(title, count + 1, max_chars)]
    for lines in candidates:
        ideal = width(title) / len(lines)
        score = sum(abs(width(line) - ideal) for line in lines) + 5 * (len(lines) - count)
        score += sum(0 if _good_break(title, sum(len(x) for x in lines[:k + 1])) else 20
                     for k in range(len(lines) - 1))
        if best is None or score < best[0]:
            best = (score, lines)
    return best[1] if best else [title]


def _splits(text: str, count: int, max_chars: float) -> Iterable[list[str]]:
    if count == 1:
        if width(text) <= max_chars:
            yield [text]
        return
    for cut in range(1, len(text)):
        head = text[:cut]
        if width(head) > max_chars:
            break
        for rest in _splits(text[cut:], count - 1, max_chars):
            yield [head, *rest]


def _good_break(text: str, at: int) -> bool:
    before, after = text[:at], text[at:]
    return bool(_GOOD_BREAK_BEFORE.match(after)) or any(
        m.end() == len(before) for m in _GOOD_BREAK_AFTER.finditer(before))


def _para(style: str, lead: str = "", text: str = "") -> dict[str, str]:
    """One paragraph: `style` body/h1–h4, the heading part `lead` (its own font), the `text`.
    `alone` marks a heading on a line of its own (kept with the next paragraph)."""
    return {"style": style, "lead": lead, "text": text,
            "alone": "alone" if lead and not text and style != "body" else ""}


def _lines_of(value: Any) -> list[str]:
    return [line.strip() for line in clean_text(value).split("\n") if line.strip()]


def _heading(level: int, n: int, title: str | None, text: str | None) -> list[dict[str, str]]:
    """A numbered heading: alone on its line, or run in ("（一）加强组织领导。" + text)."""
    style = f"h{level}"
    lines = _lines_of(text)
    if title and not lines:
        return [_para(style, number(level, n) + one_line(title))]
    lead = number(level, n) + (one_line(title) + "。" if title else "")
    first, rest = (lines[0], lines[1:]) if lines else ("", [])
    return [_para(style, lead, first)] + [_para("body", "", line) for line in rest]


def body_paragraphs(body: Iterable[Any]) -> list[dict[str, str]]:
    """The 正文: plain paragraphs, and headings numbered by level (deeper counters restart)."""
    out: list[dict[str, str]] = []
    counters = [0, 0, 0, 0, 0]
    for item in body:
        if isinstance(item, Mapping) and item.get("level"):
            level = min(max(int(item["level"]), 1), 4)
            counters[level] += 1
            for deeper in range(level + 1, 5):
                counters[deeper] = 0
            out += _heading(level, counters[level], item.get("title"), item.get("text"))
        else:
            text = item.get("text") if isinstance(item, Mapping) else item
            out += [_para("body", "", line) for line in _lines_of(text)]
    return out


def plan_paragraphs(plan: Mapping[str, Any]) -> list[dict[str, str]]:
    """The 实施方案 after its title: preamble, then 一、… sections with their tasks, phases
    or items."""
    out = [_para("body", "", line) for p in plan.get("preamble") or [] for line in _lines_of(p)]
    for i, section in enumerate(plan.get("sections") or [], 1):
        out.append(_para("h1", number(1, i) + one_line(section.get("heading"))))
        out += [_para("body", "", line) for p in section.get("paragraphs") or []
                for line in _lines_of(p)]
        for k, task in enumerate(section.get("tasks") or [], 1):
            out += _task(k, task)
        for k, phase in enumerate(section.get("phases") or [], 1):
            name = one_line(phase.get("name"))
            period = one_line(phase.get("period"))
            title = f"{name}（{period}）" if period else name
            out += _heading(2, k, title, phase.get("text") or "") if phase.get("text") else \
                [_para("h2", number(2, k) + title + "。")]
        for k, item in enumerate(section.get("items") or [], 1):
            out += _heading(2, k, item.get("title"), item.get("text"))
    return out


def _task(k: int, task: Mapping[str, Any]) -> list[dict[str, str]]:
    out = [_para("h2", number(2, k) + one_line(task.get("title")))]
    out += [_para("body", "", line) for p in task.get("paragraphs") or [] for line in _lines_of(p)]
    owners = "，".join(one_line(o) for o in task.get("owners") or [] if one_line(o))
    deadline = one_line(task.get("deadline"))
    goal = one_line(task.get("goal"))
    goal_label, owners_label, deadline_label, items_label = (
        plan_task().field(name).printed_zh for name in ("goal", "owners", "deadline", "items"))
    if owners:
        bracket = (f"（{owners_label}：{owners}"
                   + (f"；{deadline_label}：{deadline}" if deadline else "") + "）")
        out.append(_para("body", "", f"{goal_label}：{goal}{bracket}" if goal else bracket))
    else:
        if goal:
            out.append(_para("body", "", f"{goal_label}：{goal}"))
        if deadline:
            out.append(_para("body", "", f"{deadline_label}：{deadline}。"))
    items = task.get("items") or []
    if items:
        out.append(_para("body", "", f"{items_label}："))
    for j, item in enumerate(items, 1):
        out += _heading(3, j, item.get("title"), item.get("text"))
    return out


def _signature(names: list[str], date: str, sealed: bool) -> dict[str, Any]:
    """署名 and 成文日期 (GB/T 9704-2012 §7.3.5), as `mode` and right indents.

    - sealed: the date 4 characters from the right, each 署名 centred over the date;
    - unsealed, "sig": the 署名 2 characters from the right, the date on the next line starting
      2 characters right of the 署名's first character;
    - unsealed, "date": when the date would then come closer than 2 characters to the right
      edge, the date 2 characters from the right and the 署名 moved left to keep the 2 characters.

    The HTML template aligns the lines exactly on the widths of the printed text (an invisible
    copy of the other line sets the offset); DOCX gets indents from the estimated widths here."""
    date_w = width(date)
    longest = max((width(n) for n in names), default=0.0)
    before = 2 if sealed else 1  # empty lines between the text and the 署名
    if sealed:
        mode, date_right = "sealed", 4.0
        rights = [max(0.0, date_right + (date_w - width(name)) / 2) for name in names]
    elif 2.0 + longest - 2.0 - date_w >= 2.0:
        mode, date_right = "sig", longest - date_w
        rights = [2.0 + longest - width(name) for name in names]
    else:
        mode, date_right = "date", 2.0
        rights = [2.0 + date_w + 2.0 - width(name) for name in names]
    return {
        "mode": mode,
        "lines": [{"text": name, "right": _pt(chars), "right_twips": _twips(chars),
                   "before_twips": str(round(before * PITCH * 20)) if n == 0 else "0"}
                  for n, (name, chars) in enumerate(zip(names, rights, strict=True))],
        "longest": max(names, key=width, default=""),
        "date": date,
        "date_right": _pt(date_right),
        "date_right_twips": _twips(date_right),
        "sealed": sealed,
        "two": _pt(2.0),
        "four": _pt(4.0),
    }


def _twips(chars: float) -> str:
    """A width in characters as twentieths of a point (DOCX indents, 15.75 pt characters)."""
    return str(round(chars * DOCX_CHAR * 20))


def _pt(chars: float) -> str:
    return f"{chars * CHAR:.2f}pt"


def _mark(issuers: list[str], suffix: str) -> dict[str, Any]:
    """发文机关标志: one line per organ (joint issue: host first), 文件 to the right."""
    longest = max((width(n) for n in issuers), default=1.0)
    total = longest + (width(suffix) + 0.5 if suffix else 0.0)
    size = min(MARK_MAX_PT, math.floor(MARK_WIDTH / total * 2) / 2)
    # The content area starts SHIFT above the 版心 (see templates/css/notice.css) so that the
    # 标志's em box top lands 35 mm below the 版心's top edge.
    top = 35 / 25.4 * 72 + SHIFT - em_top(size, size) - (_EM_ASCENT - _MARK_INK) * size
    # Two empty lines from the 标志's bottom edge to the 发文字号's em box; the 标志's em box
    # hangs em_top(size, size) below its line box (line-height = font size).
    gap = 2 * PITCH - SHIFT + em_top(size, size)
    return {
        "lines": issuers,
        "suffix": suffix,
        "size": f"{size:.1f}pt",
        "half_points": str(round(size * 2)),
        "margin_top": f"{top:.2f}pt",
        "gap": f"{gap:.2f}pt",
    }


def _printed(part: str) -> str:
    """The label the notice prints for a part (附件, 抄送, 印发), from the notice's schema."""
    return notice().field(part).printed_zh


def build_notice_context(record: Mapping[str, Any]) -> dict[str, Any]:
    """The template context for one notice record (see schemas/notice.schema.json)."""
    issuers = [one_line(n) for n in record.get("issuers") or [] if one_line(n)]
    signature = [one_line(n) for n in record.get("signature") or [] if one_line(n)] or issuers
    issuers = issuers or signature
    date = _date(record.get("date"))
    attachments = [one_line(a).rstrip("。.；;，,") for a in record.get("attachments") or []]
    ctx: dict[str, Any] = {
        "mark": _mark(issuers, one_line(record.get("mark_suffix"))),
        # An empty 发文字号 still takes its line, so the rest of the 版头 keeps its place.
        "doc_number": one_line(record.get("doc_number")) or "\u3000",
        "title_lines": title_lines(record.get("title") or ""),
        "title": one_line(record.get("title")),
        "recipients": (one_line(record.get("recipients")) + "：") if record.get("recipients")
        else "",
        "body": body_paragraphs(record.get("body") or []),
        "attachments": [
            {"label": f"{_printed('attachments')}：" if i == 0 else "", "number": f"{i + 1}." if len(attachments) > 1
             else "", "name": name} for i, name in enumerate(attachments)
        ],
        "signature": _signature(signature, zh_date(date) if date else "",
                                record.get("sealed") is not False),
        "note": f"（{one_line(record.get('note'))}）" if record.get("note") else "",
        "plan": None,
        "colophon": _colophon(record.get("colophon")),
        "created": date.isoformat() if date else "",
        "lang": "zh-CN",
    }
    plan = record.get("plan")
    if isinstance(plan, Mapping):
        ctx["plan"] = {
            "label": one_line(plan.get("label")),
            "title_lines": title_lines(plan.get("title") or ""),
            "paragraphs": plan_paragraphs(plan),
        }
    return ctx


def _colophon(colophon: Any) -> dict[str, str] | None:
    """版记 rows (GB/T 9704-2012 §7.4): 抄送 ends with 。; the 印发 row holds organ and date."""
    if not isinstance(colophon, Mapping):
        return None
    cc = [one_line(c) for c in colophon.get("cc") or [] if one_line(c)]
    printed = _date(colophon.get("printed_on"))
    printer = one_line(colophon.get("printer"))
    if not cc and not printer and not printed:
        return None
    cc_text = f"{_printed('colophon/cc')}：" + "，".join(cc) + "。" if cc else ""
    return {
        "cc": cc_text,
        "printer": printer,
        "printed_on": zh_date(printed) + _printed("colophon/printed_on") if printed else "",
        "y_emu": str(colophon_top(cc_text) * 635),
        "h_emu": str((DOCX_TEXT_BOTTOM - colophon_top(cc_text)) * 635),
    }


COLOPHON_CHARS = 29  # 4号 characters on a 版记 line (156 mm less one character each side)
DOCX_LINE = 579  # twips: one line of 28.95 pt
DOCX_TEXT_BOTTOM = round(262 / 25.4 * 1440)  # twips from the page's top to the 版心's bottom


def colophon_top(cc: str) -> int:
    """Where the DOCX puts the top of the 版记's text box, in twips from the page's top edge, so
    that its last rule meets the bottom of the 版心 (§7.4): a shape's page position, which Word
    and LibreOffice both honour. Each row is a line high; the 抄送 row as many lines as its
    text takes."""
    rows = (math.ceil(width(cc) / COLOPHON_CHARS) if cc else 0) + 1
    rules = 20  # the thick rule below the last row (1 pt)
    return DOCX_TEXT_BOTTOM - rows * DOCX_LINE - rules


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
