"""The notice parser's 实施方案 (an attached implementation plan, read as structure).

A plan is a title, a preamble and sections (一、…); a section's subsections are tasks (with
goal, owners, deadline and numbered items), phases (with a period of months) or plain items,
chosen by the section's heading and what the subsections hold.
"""

from __future__ import annotations

import re
from typing import Any

from nianbao.extract.notice_lines import (
    LABEL,
    Geometry,
    Line,
    Para,
    ParseState,
    paragraphs,
    part_words,
    standalone_heading,
)
from nianbao.forms import plan_task
from nianbao.text.cn_dates import find_deadlines, parse_period
from nianbao.text.gongwen import DOC_TYPES, heading_level, split_lead, split_units
from nianbao.text.normalize import squeeze_cjk

_SECTION_KINDS = (
    ("tasks", re.compile(r"重点工作|主要任务|重点任务|工作任务|主要内容|重点内容|工作内容")),
    ("phases", re.compile(r"实施步骤|工作步骤|方法步骤|时间安排|进度安排|实施阶段|步骤安排|工作安排")),
)


def plan_title(text: str) -> bool:
    """Whether a line is the title of a plan (…实施方案)."""
    name = squeeze_cjk(text)
    return 4 <= len(name) <= 60 and name.endswith("方案") and "。" not in name and "《" not in name


def attachment_label(text: str) -> bool:
    """Whether a line is only an attachment label (附件, 附件2)."""
    return bool(re.fullmatch(rf"(?:{part_words('attachments')})\s*\d{{0,2}}", text.strip()))


def parse_plan(lines: list[Line], state: ParseState, geo: Geometry | None) -> dict[str, Any]:
    """The plan's fields: label, title, preamble and sections (with evidence in `state`)."""
    plan: dict[str, Any] = {"label": None, "title": None, "preamble": [], "sections": []}
    k = 0
    if attachment_label(lines[0].text):
        plan["label"] = lines[0].text.replace(" ", "")
        k = 1
    title: list[Line] = []
    for line in lines[k:k + 3]:
        title.append(line)
        if plan_title(line.text) or squeeze_cjk(line.text).endswith(DOC_TYPES):
            break
    else:
        title = title[:1]
    if title:
        plan["title"] = squeeze_cjk("".join(t.text for t in title))
        state.note("plan/title", "\n".join(t.text for t in title), title[0].prov)
    paras = paragraphs(lines[k + len(title):], geo)
    groups: list[tuple[Para, list[Para]]] = []
    for para in paras:
        found = heading_level(para.text)
        if found and found[0] == 1:
            groups.append((para, []))
        elif groups:
            groups[-1][1].append(para)
        else:
            key = f"plan/preamble/{len(plan['preamble'])}"
            plan["preamble"].append(para.text)
            state.note(key, para.source, para.prov)
    for n, (head, body) in enumerate(groups):
        plan["sections"].append(_section(head, body, f"plan/sections/{n}", state))
    return plan


def _section(head: Para, body: list[Para], key: str, state: ParseState) -> dict[str, Any]:
    found = heading_level(head.text)
    assert found is not None
    heading = found[1].rstrip("。.")
    state.note(key, head.source, head.prov)
    section: dict[str, Any] = {"heading": heading, "paragraphs": []}
    subs: list[tuple[Para, list[Para]]] = []
    for para in body:
        level = heading_level(para.text)
        if level and level[0] == 2:
            subs.append((para, []))
        elif subs:
            subs[-1][1].append(para)
        else:
            section["paragraphs"].append(para.text)
    if not subs:
        return section
    kind = next((k for k, pattern in _SECTION_KINDS if pattern.search(heading)), "items")
    if kind == "items" and any(LABEL.match(p.text) for _, ps in subs for p in ps):
        kind = "tasks"
    if kind == "phases" and not any(_PHASE.match(h.text) for h, _ in subs):
        kind = "items"
    build = {"tasks": _task, "phases": _phase, "items": _item}[kind]
    section[kind] = [build(h, ps, f"{key}/{kind}/{n}", state) for n, (h, ps) in enumerate(subs)]
    return section


# A task's labelled parts (工作目标, 责任单位, 完成时限, 工作内容), from the notice's schema.
_GOAL_LABEL = re.compile(rf"^(?:{part_words('goal', plan_task())})\s*[:：]")
_OWNER_WORDS = part_words("owners", plan_task())
_OWNERS = re.compile(rf"[（(]\s*(?:{_OWNER_WORDS})\s*[:：]")
_OWNERS_LINE = re.compile(rf"^(?:{_OWNER_WORDS})\s*[:：]")
_WHEN = re.compile(rf"[；;]\s*(?:{part_words('deadline', plan_task())})\s*[:：]")
# A line of its own names the deadline only by its printed label (时间： alone says too little).
_DEADLINE_LINE = re.compile(rf"^{re.escape(plan_task().field('deadline').printed_zh)}\s*[:：]\s*")
_ITEMS_LABEL = re.compile(rf"(?:{part_words('items', plan_task())})\s*[:：]")


def _bracket_end(text: str, start: int) -> int:
    """Index just past the bracket that closes the one opening at `start` (or len(text))."""
    depth = 0
    for k in range(start, len(text)):
        if text[k] in "（(":
            depth += 1
        elif text[k] in "）)":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(text)


def _take_owners(text: str) -> tuple[str, list[str], str | None]:
    """('工作目标…', owners, deadline) from text holding '（责任单位：…；完成时限：…）'."""
    m = _OWNERS.search(text)
    if not m:
        return text, [], None
    end = _bracket_end(text, m.start())
    inner = text[m.end(): end - 1 if text[end - 1:end] in "）)" else end]
    deadline = None
    when = _WHEN.search(inner)
    if when:
        deadline = inner[when.end():].strip()
        inner = inner[: when.start()]
    partners = re.split(r"[；;]\s*配合单位\s*[:：]", inner)
    owners = [u for part in partners for u in split_units(part)]
    return (text[: m.start()] + text[end:]).strip(), owners, deadline


def _task(head: Para, body: list[Para], key: str, state: ParseState) -> dict[str, Any]:
    state.note(key, head.source, head.prov)
    found = heading_level(head.text)
    assert found is not None
    title, extra = _title_and_text(head.text, found[1])
    task: dict[str, Any] = {"title": title, "goal": None, "owners": [], "deadline": None,
                            "items": [], "paragraphs": [], "deadlines": []}
    if extra:
        _plain(task, extra, head, f"{key}/owners", state)
    for para in body:
        text = para.text
        if _GOAL_LABEL.match(text):
            goal, owners, deadline = _take_owners(re.sub(r"^\S+?[:：]\s*", "", text, count=1))
            task["goal"] = goal or None
            task["owners"] += owners
            task["deadline"] = deadline or task["deadline"]
            state.note(f"{key}/goal", para.source, para.prov)
            if owners:
                state.note(f"{key}/owners", para.source, para.prov)
        elif _OWNERS.match(text) or _OWNERS_LINE.match(text):
            wrapped = text if _OWNERS.match(text) else f"（{text}）"
            _, owners, deadline = _take_owners(wrapped)
            task["owners"] += owners
            task["deadline"] = deadline or task["deadline"]
            state.note(f"{key}/owners", para.source, para.prov)
        elif _DEADLINE_LINE.match(text):
            task["deadline"] = _DEADLINE_LINE.sub("", text).rstrip("。")
        elif _ITEMS_LABEL.fullmatch(text):
            continue
        elif (level := heading_level(text)) and level[0] == 3:
            lead, rest = split_lead(level[1])
            n = len(task["items"])
            task["items"].append({"title": lead, "text": rest})
            state.note(f"{key}/items/{n}", para.source, para.prov)
        elif task["items"]:
            task["items"][-1]["text"] += "\n" + text
        else:
            _plain(task, text, para, f"{key}/owners", state)
    year = state.year
    texts = [task["goal"] or "", task["deadline"] or ""] + [i["text"] for i in task["items"]]
    task["deadlines"] = [{"text": d.text, "date": d.date.isoformat()}
                         for t in texts for d in find_deadlines(t, year)]
    return task


def _plain(task: dict[str, Any], text: str, para: Para, key: str, state: ParseState) -> None:
    """A task's plain paragraph; a closing '（责任单位：…）' in it names the task's owners
    (the one-paragraph task: '（一）标题。内容。（责任单位：县民政局、县消防救援大队）')."""
    rest, owners, deadline = _take_owners(text)
    if owners:
        task["owners"] += owners
        task["deadline"] = deadline or task["deadline"]
        state.note(key, para.source, para.prov)
        text = rest
    if text:
        task["paragraphs"].append(text)


def _title_and_text(full: str, rest: str) -> tuple[str, str | None]:
    if standalone_heading(full):
        return rest.rstrip("。."), None
    lead, text = split_lead(rest)
    return (lead, text) if lead else (rest, None)


_PHASE = re.compile(
    r"^[（(][一二三四五六七八九十]+[）)]\s*(?P<name>[^（(。]+?)\s*[（(](?P<period>[^（()）]*\d{1,2}\s*月"
    r"[^（()）]*)[）)]\s*[。.]?\s*(?P<text>.*)$"
)


def _phase(head: Para, body: list[Para], key: str, state: ParseState) -> dict[str, Any]:
    state.note(key, head.source, head.prov)
    m = _PHASE.match(head.text)
    if m:
        name, period, text = m.group("name"), m.group("period").replace(" ", ""), m.group("text")
    else:
        found = heading_level(head.text)
        assert found is not None
        name, rest = _title_and_text(head.text, found[1])
        period, text = None, rest or ""
    lines = [t for t in [text, *(p.text for p in body)] if t]
    span = parse_period(period, state.year) if period else None
    return {"name": name, "period": period, "start": span[0] if span else None,
            "end": span[1] if span else None, "text": "\n".join(lines) or None}


def _item(head: Para, body: list[Para], key: str, state: ParseState) -> dict[str, Any]:
    state.note(key, head.source, head.prov)
    found = heading_level(head.text)
    assert found is not None
    title, text = _title_and_text(head.text, found[1])
    lines = [t for t in [text, *(p.text for p in body)] if t]
    return {"title": title, "text": "\n".join(lines) or None}
