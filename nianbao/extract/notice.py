"""Parser for 通知 (notices), with an attached 实施方案 read as structure (spec §3).

A notice is read top to bottom in regions: the 版头 (份号/密级 lines, the 发文机关标志, the
发文字号), the 标题, the 主送机关, the 正文, the 附件说明, the 署名 and 成文日期, the 附注, an
attached 实施方案, and the 版记 (抄送, 印发机关和印发日期). Page numbers (`— 1 —`) are dropped.

Lines broken by the layout are joined into paragraphs again: in a PDF by geometry (a line that
starts at the left edge continues a full line above it; a paragraph's first line is indented two
characters), elsewhere by wording (a line that stops mid-sentence, or inside an open bracket,
continues on the next one unless that one starts a heading or a label). The page-break splits of
seed 003 ("（责任单位：" / "社会救助服务中心…", "基本社" / "会保障性支出") are joined this way.

Record fields (schemas/notice.schema.json): issuers, mark_suffix, doc_number, title, recipients,
body, attachments, signature, date, note, colophon, plan. Headings keep their level, not their
number: the generator numbers them again. Evidence keys are JSON Pointers into the fields
without the leading slash ("title", "plan/sections/1/tasks/0/owners").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nianbao.model import Block, Document, Provenance, Record
from nianbao.text.dates import find_dates
from nianbao.text.normalize import squeeze_cjk
from nianbao.text.numbers import parse_chinese

KIND = "notice"
CN = "〇零一二三四五六七八九十百两"

# 发文字号 as GB/T 9704 wants it (spec §3.2): 机关代字〔YYYY〕N号, U+3014/U+3015.
DOC_NUMBER = re.compile(r"^(?P<org>[\u4e00-\u9fff]{1,12})〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
# Anything that reads as a 发文字号, with any bracket a writer may have used.
DOC_NUMBER_LIKE = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12}?)\s*(?P<open>[〔﹝［【\[（(〖])\s*(?P<year>\d{2}|\d{4})\s*"
    r"(?P<close>[〕﹞］】\]）)〗])\s*(?P<di>第)?\s*(?P<seq>\d{1,4})\s*号"
)
_DOC_NUMBER_LINE = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔﹝［【\[（(〖]\s*(?:\d{2}|\d{4})\s*[〕﹞］】\]）)〗]\s*第?\s*\d{1,4}\s*号"
)
HEADING = {
    1: re.compile(r"^([一二三四五六七八九十百]+)\s*、\s*"),
    2: re.compile(r"^[（(]([一二三四五六七八九十百]+)[）)]\s*"),
    3: re.compile(r"^(\d{1,2})\s*[.．、](?![\d])\s*"),
    4: re.compile(r"^[（(](\d{1,2})[）)]\s*"),
}
DOC_TYPES = ("通知", "通报", "意见", "决定", "报告", "请示", "批复", "函", "纪要", "公告", "通告",
             "方案", "办法", "规定", "细则", "要点", "规划", "决议", "命令", "议案")
_ORGAN = re.compile(
    r"(?:局|厅|委|委员会|办|办公室|政府|中心|院|部|会|处|科|所|站|队|党委|党组|公司|街道|"
    r"镇|乡|社区|村)(?:文件)?$"
)
_DATE_LINE = re.compile(rf"^(?:(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日|([{CN}]{{4}})年([{CN}]{{1,3}})月"
                        rf"([{CN}]{{1,3}})日)$")
_PAGE_NUMBER = re.compile(r"^(?:[-—–－一]\s*\d{1,4}\s*[-—–－一]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)$")
_PRINT_LINE = re.compile(r"^(?P<printer>.*?)\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*印发$")
_SECURITY = re.compile(r"^(?:\d{6}|(?:绝密|机密|秘密)(?:★.*)?|特急|加急|平急)$")
_LABEL = re.compile(r"^(?:工作目标|工作内容|主要内容|责任单位|牵头单位|配合单位|完成时限|时间安排|"
                    r"附件|抄送|主送|联系人)\s*[:：]")
_TERMINAL = "。；！？：:;!?…”’）)】》」』"
_CLOSERS = {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】", "〔": "〕"}
_SECTION_KINDS = (
    ("tasks", re.compile(r"重点工作|主要任务|重点任务|工作任务|主要内容|重点内容|工作内容")),
    ("phases", re.compile(r"实施步骤|工作步骤|方法步骤|时间安排|进度安排|实施阶段|步骤安排|工作安排")),
)
_LEAD_MAX = 25  # a run-in heading ("1.细化实化政策措施。") is at most this long
_STANDALONE_MAX = 40  # a heading alone on its line


# --------------------------------------------------------------------------- shared vocabulary


def cn_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 6 → 6; None when `text` is not a small whole number."""
    if text.isdigit():
        return int(text)
    value = parse_chinese(text)
    return int(value) if value is not None and value == value.to_integral_value() else None


@dataclass(frozen=True)
class Deadline:
    """A deadline named in the text ("4月底", "9月5日前"), resolved to a date."""

    text: str
    date: dt.date
    start: int
    end: int


_DEADLINE = re.compile(
    r"(?<![截到至自从])(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日(?P<before>之?前|以前)"
    r"|(?P<part>底|末|上旬|中旬|下旬)(?:之?前)?)|(?<!\d)年底(?:之?前)?)"
)
_PART_DAY = {"上旬": 10, "中旬": 20}


def find_deadlines(text: str, year: int | None) -> list[Deadline]:
    """Deadlines in `text`: N月底, N月下旬, N月N日前 (with or without a year); a bare month or
    a date without 前 is an event, not a deadline. `year` resolves dates written without one."""
    out: list[Deadline] = []
    for m in _DEADLINE.finditer(text):
        if text[max(0, m.start() - 2): m.start()] in ("截至", "截止", "直至"):
            continue
        y = int(m.group("y")) if m.group("y") else year
        if y is None:
            continue
        try:
            if m.group("m") is None:
                day = dt.date(y, 12, 31)
            elif m.group("d"):
                day = dt.date(y, int(m.group("m")), int(m.group("d")))
            else:
                month = int(m.group("m"))
                part = m.group("part")
                last = (dt.date(y + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
                day = dt.date(y, month, _PART_DAY.get(part, last))
        except ValueError:
            continue
        out.append(Deadline(m.group(0), day, m.start(), m.end()))
    return out


_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月")


def parse_period(period: str, year: int | None) -> tuple[str, str] | None:
    """'7月—11月' → ('2023-07', '2023-11') with year 2023; None when no month is named."""
    months = [(int(y) if y else year, int(m)) for y, m in _MONTH.findall(period)]
    if not months or any(y is None for y, _ in months) or not all(1 <= m <= 12 for _, m in months):
        return None
    (y0, m0), (y1, m1) = months[0], months[-1]
    return f"{y0:04d}-{m0:02d}", f"{y1:04d}-{m1:02d}"


def split_units(text: str) -> list[str]:
    """'A、B，各镇（街道、社区）C' → ['A', 'B', '各镇（街道、社区）C']: split at 、，；
    outside brackets."""
    parts: list[str] = []
    depth, current = 0, ""
    for char in text:
        if char in "（(《【〔":
            depth += 1
        elif char in "）)》】〕" and depth:
            depth -= 1
        if char in "、，,；;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip(" 。.") for p in parts if p.strip(" 。.")]


def split_lead(text: str) -> tuple[str | None, str]:
    """'精准评估救助需求。根据…' → ('精准评估救助需求', '根据…'); (None, text) when the first
    sentence is not a short run-in heading."""
    cut = text.find("。")
    if cut <= 0 or cut > _LEAD_MAX or not text[cut + 1:].strip():
        return None, text
    lead = text[:cut]
    if any(c in lead for c in "，；：,;:"):
        return None, text
    return lead, text[cut + 1:].strip()


def heading_level(text: str) -> tuple[int, str] | None:
    """(level, text after the number) for 一、 / （一） / 1. / （1） headings."""
    for level, pattern in HEADING.items():
        m = pattern.match(text)
        if m and text[m.end():].strip():
            return level, text[m.end():]
    return None


# --------------------------------------------------------------------------- lines


@dataclass
class Line:
    text: str
    block: Block

    @property
    def prov(self) -> Provenance:
        return Provenance(page=self.block.page, block=self.block.index, bbox=self.block.bbox)


@dataclass
class Para:
    text: str
    lines: list[Line]

    @property
    def source(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def prov(self) -> Provenance:
        return self.lines[0].prov


@dataclass(frozen=True)
class _Geometry:
    left: float
    right: float
    char: float


def _lines(document: Document) -> list[Line]:
    out: list[Line] = []
    for block in document.blocks:
        if block.kind == "page_break":
            continue
        if block.kind == "row":
            text = " ".join(c.strip() for c in block.cells if c.strip())
        else:
            text = _join_soft_breaks(block.text)
        text = text.strip()
        if text and not _PAGE_NUMBER.match(text.replace(" ", "")):
            out.append(Line(text, block))
    return out


def _join_soft_breaks(text: str) -> str:
    pieces = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for piece in pieces:
        if out and (_is_wide(out[-1]) or _is_wide(piece[0])):
            out += piece
        elif out:
            out += " " + piece
        else:
            out = piece
    return out


def _is_wide(char: str) -> bool:
    return ord(char) > 0x2E80


def _geometry(lines: list[Line]) -> _Geometry | None:
    boxes = [ln.block.bbox for ln in lines if ln.block.bbox is not None]
    if not boxes or len(boxes) < len(lines) // 2:
        return None
    left = Counter(round(b[0]) for b in boxes).most_common(1)[0][0]
    heights = sorted(b[3] - b[1] for b in boxes)
    char = heights[len(heights) // 2] or 16.0
    right = max(b[2] for b in boxes if b[0] >= left - char)
    return _Geometry(float(left), right, char)


def _continues(prev: Line, line: Line, geo: _Geometry | None) -> bool:
    """Whether `line` carries on the paragraph `prev` ends."""
    if _standalone_heading(prev.text) or _starts_structure(line.text):
        return False
    if geo is not None and prev.block.bbox is not None and line.block.bbox is not None:
        full = prev.block.bbox[2] >= geo.right - 1.6 * geo.char
        flush = line.block.bbox[0] <= geo.left + 0.4 * geo.char
        return full and flush
    if _unclosed(prev.text):
        return True
    last = prev.text[-1]
    return last not in _TERMINAL and (last.isalnum() or last in "，、,《“‘（(—")


def _unclosed(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in _CLOSERS.items())


def _starts_structure(text: str) -> bool:
    return bool(heading_level(text) or _LABEL.match(text) or _date_line(text)
                or text.startswith(("（责任单位", "(责任单位", "（牵头单位")))


def _standalone_heading(text: str) -> bool:
    found = heading_level(text)
    if not found:
        return False
    rest = found[1].rstrip("。.")
    return (len(rest) <= _STANDALONE_MAX and not any(c in rest for c in "。；;，,")
            and not _unclosed(rest))


def paragraphs(lines: list[Line], geo: _Geometry | None) -> list[Para]:
    """Lines joined into paragraphs (see the module docstring)."""
    out: list[Para] = []
    for line in lines:
        if out and _continues(out[-1].lines[-1], line, geo):
            out[-1].text += line.text
            out[-1].lines.append(line)
        else:
            out.append(Para(line.text, [line]))
    return out


# --------------------------------------------------------------------------- dates


_CN_DIGIT = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _date_line(text: str) -> dt.date | None:
    m = _DATE_LINE.match(text.replace(" ", ""))
    if not m:
        return None
    if m.group(1):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        year = "".join(str(_CN_DIGIT[c]) if c in _CN_DIGIT else "?" for c in m.group(4))
        mo_, d_ = cn_int(m.group(5)), cn_int(m.group(6))
        if not year.isdigit() or mo_ is None or d_ is None:
            return None
        y, mo, d = int(year), mo_, d_
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


# --------------------------------------------------------------------------- parser


@dataclass
class _Parsed:
    record: Record
    year: int | None = None

    def note(self, key: str, source: str, prov: Provenance) -> None:
        self.record.evidence[key] = (source, prov)


def parse(document: Document) -> Record:
    """Parse a notice; a missing part is None (or an empty list), never an exception."""
    lines = _lines(document)
    geo = _geometry(lines)
    record = Record(kind=KIND)
    state = _Parsed(record)
    fields: dict[str, Any] = {
        "issuers": [], "mark_suffix": None, "doc_number": None, "title": None,
        "recipients": None, "body": [], "attachments": [], "signature": [], "date": None,
        "note": None, "colophon": None, "plan": None,
    }  # fmt: skip
    record.fields = fields
    i = _parse_head(lines, fields, state)
    end = _colophon_start(lines, i)
    _parse_colophon(lines[end:], fields, state)
    rest = lines[i:end]
    date_at = next((k for k, ln in enumerate(rest) if _date_line(ln.text)), None)
    if date_at is not None:
        _parse_letter(rest[:date_at + 1], fields, state, geo)
        after = rest[date_at + 1:]
        k = _parse_note(after, fields, state)
        plan_lines = after[k:]
    else:
        plan_at = next((k for k, ln in enumerate(rest) if _plan_title(ln.text) or
                        _attachment_label(ln.text)), len(rest))
        body = paragraphs(rest[:plan_at], geo)
        fields["body"] = [_body_item(p, f"body/{n}", state) for n, p in enumerate(body)]
        plan_lines = rest[plan_at:]
    if plan_lines:
        fields["plan"] = _parse_plan(plan_lines, state, geo)
    if not fields["issuers"] and fields["signature"]:
        fields["issuers"] = list(fields["signature"])
    record.year = state.year
    record.as_of = fields["date"][:7] if fields["date"] else None
    record.org = fields["issuers"][0] if fields["issuers"] else None
    return record


def _parse_head(lines: list[Line], fields: dict[str, Any], state: _Parsed) -> int:
    i = 0
    while i < len(lines) and _SECURITY.match(lines[i].text.replace(" ", "")):
        i += 1
    marks: list[Line] = []
    while i < len(lines) and len(marks) < 6 and _mark_line(lines[i].text):
        marks.append(lines[i])
        i += 1
    names = [squeeze_cjk(m.text) for m in marks]
    if names:
        suffix = "文件" if any(n == "文件" or n.endswith("文件") for n in names) else None
        fields["mark_suffix"] = suffix
        fields["issuers"] = [n.removesuffix("文件") for n in names if n != "文件"]
        state.note("issuers", "\n".join(m.text for m in marks), marks[0].prov)
    if i < len(lines) and _DOC_NUMBER_LINE.match(lines[i].text):
        m = _DOC_NUMBER_LINE.match(lines[i].text)
        assert m is not None
        fields["doc_number"] = re.sub(r"\s+", "", m.group(0))
        state.note("doc_number", m.group(0), lines[i].prov)
        i += 1
    title: list[Line] = []
    for line in lines[i:i + 4]:
        if _date_line(line.text) or line.text.endswith(("：", ":")):
            break
        title.append(line)
        if squeeze_cjk(line.text).endswith(DOC_TYPES):
            break
    else:
        title = title[:1]
    if title and not squeeze_cjk(title[-1].text).endswith(DOC_TYPES):
        title = title[:1]
    if title:
        fields["title"] = squeeze_cjk("".join(t.text for t in title))
        state.note("title", "\n".join(t.text for t in title), title[0].prov)
        i += len(title)
    recipients: list[Line] = []
    for line in lines[i:i + 3]:
        if "。" in line.text or heading_level(line.text) or _indented(line, lines):
            break
        recipients.append(line)
        if line.text.endswith(("：", ":")):
            fields["recipients"] = "".join(r.text for r in recipients)[:-1].strip()
            state.note("recipients", "\n".join(r.text for r in recipients), recipients[0].prov)
            i += len(recipients)
            break
    return i


def _mark_line(text: str) -> bool:
    name = squeeze_cjk(text)
    return (len(name) <= 40 and "关于" not in name and not _DOC_NUMBER_LINE.match(name)
            and (name == "文件" or bool(_ORGAN.search(name))) and not any(c in name for c in "，。："))


def _indented(line: Line, lines: list[Line]) -> bool:
    """A PDF line indented like a paragraph's first line (the 主送机关 is flush left)."""
    if line.block.bbox is None:
        return False
    lefts = [ln.block.bbox[0] for ln in lines if ln.block.bbox is not None]
    return line.block.bbox[0] > min(lefts) + 8


def _colophon_start(lines: list[Line], start: int) -> int:
    for k in range(start, len(lines)):
        text = lines[k].text.replace(" ", "")
        if text.startswith(("抄送：", "抄送:", "主送：", "主送:")) or _PRINT_LINE.match(text):
            return k
    return len(lines)


def _parse_colophon(lines: list[Line], fields: dict[str, Any], state: _Parsed) -> None:
    if not lines:
        return
    colophon: dict[str, Any] = {"cc": [], "printer": None, "printed_on": None}
    cc_lines: list[Line] = []
    for line in lines:
        text = line.text.strip()
        printed = _PRINT_LINE.match(text)
        if printed:
            colophon["printer"] = squeeze_cjk(printed.group("printer")) or None
            day = find_dates(printed.group("date"))
            colophon["printed_on"] = day[0][1].isoformat() if day else None
            state.note("colophon/printer", text, line.prov)
        elif text.startswith(("抄送", "主送")) or cc_lines:
            cc_lines.append(line)
    if cc_lines:
        raw = "".join(ln.text for ln in cc_lines)
        body = re.sub(r"^(?:抄送|主送)\s*[:：]", "", raw).strip().rstrip("。.")
        colophon["cc"] = split_units(body)
        state.note("colophon/cc", "\n".join(ln.text for ln in cc_lines), cc_lines[0].prov)
    fields["colophon"] = colophon
    state.note("colophon", "\n".join(ln.text for ln in lines), lines[0].prov)


def _parse_letter(lines: list[Line], fields: dict[str, Any], state: _Parsed,
                  geo: _Geometry | None) -> None:
    """正文, 附件说明, 署名 and 成文日期: `lines` ends with the date line."""
    date_line = lines[-1]
    day = _date_line(date_line.text)
    assert day is not None
    fields["date"] = day.isoformat()
    state.year = day.year
    state.note("date", date_line.text, date_line.prov)
    k = len(lines) - 1
    signature: list[Line] = []
    while k > 0 and len(signature) < 4 and _signature_line(lines[k - 1].text):
        k -= 1
        signature.insert(0, lines[k])
    fields["signature"] = [squeeze_cjk(s.text) for s in signature]
    if signature:
        state.note("signature", "\n".join(s.text for s in signature), signature[0].prov)
    body = lines[:k]
    attach_at = next((n for n, ln in enumerate(body) if re.match(r"^附件\s*[:：]", ln.text)), None)
    if attach_at is not None:
        fields["attachments"] = _attachments(body[attach_at:])
        state.note("attachments", "\n".join(ln.text for ln in body[attach_at:]),
                   body[attach_at].prov)
        body = body[:attach_at]
    fields["body"] = [_body_item(p, f"body/{n}", state) for n, p in
                      enumerate(paragraphs(body, geo))]


def _signature_line(text: str) -> bool:
    name = squeeze_cjk(text)
    return 2 <= len(name) <= 40 and not any(c in name for c in "。，；：:;,、") and not heading_level(name)


def _attachments(lines: list[Line]) -> list[str]:
    names: list[str] = []
    for line in lines:
        text = re.sub(r"^附件\s*[:：]\s*", "", line.text.strip())
        m = re.match(r"^(\d{1,2})\s*[.．]\s*", text)
        if m or not names:
            names.append(text[m.end():] if m else text)
        else:
            names[-1] += text  # a long name wrapped onto the next line
    return [n.strip().rstrip("。.；;，,") for n in names if n.strip()]


def _parse_note(lines: list[Line], fields: dict[str, Any], state: _Parsed) -> int:
    """附注: bracketed lines right after the date. Returns how many lines it took."""
    if not lines or not lines[0].text.startswith(("（", "(")):
        return 0
    taken: list[Line] = []
    for line in lines[:4]:
        taken.append(line)
        if line.text.endswith(("）", ")")):
            text = "".join(t.text for t in taken)
            fields["note"] = text[1:-1].strip()
            state.note("note", "\n".join(t.text for t in taken), taken[0].prov)
            return len(taken)
    return 0


def _body_item(para: Para, key: str, state: _Parsed) -> str | dict[str, Any]:
    state.note(key, para.source, para.prov)
    found = heading_level(para.text)
    if not found:
        return para.text
    level, rest = found
    if _standalone_heading(para.text):
        return {"level": level, "title": rest.rstrip("。."), "text": None}
    lead, text = split_lead(rest)
    return {"level": level, "title": lead, "text": text}


# --------------------------------------------------------------------------- 实施方案


def _plan_title(text: str) -> bool:
    name = squeeze_cjk(text)
    return 4 <= len(name) <= 60 and name.endswith("方案") and "。" not in name and "《" not in name


def _attachment_label(text: str) -> bool:
    return bool(re.fullmatch(r"附件\s*\d{0,2}", text.strip()))


def _parse_plan(lines: list[Line], state: _Parsed, geo: _Geometry | None) -> dict[str, Any]:
    plan: dict[str, Any] = {"label": None, "title": None, "preamble": [], "sections": []}
    k = 0
    if _attachment_label(lines[0].text):
        plan["label"] = lines[0].text.replace(" ", "")
        k = 1
    title: list[Line] = []
    for line in lines[k:k + 3]:
        title.append(line)
        if _plan_title(line.text) or squeeze_cjk(line.text).endswith(DOC_TYPES):
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


def _section(head: Para, body: list[Para], key: str, state: _Parsed) -> dict[str, Any]:
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
    if kind == "items" and any(_LABEL.match(p.text) for _, ps in subs for p in ps):
        kind = "tasks"
    if kind == "phases" and not any(_PHASE.match(h.text) for h, _ in subs):
        kind = "items"
    build = {"tasks": _task, "phases": _phase, "items": _item}[kind]
    section[kind] = [build(h, ps, f"{key}/{kind}/{n}", state) for n, (h, ps) in enumerate(subs)]
    return section


_OWNERS = re.compile(r"[（(]\s*(?:责任|牵头)单位\s*[:：]")
_WHEN = re.compile(r"[；;]\s*(?:完成时限|时间)\s*[:：]")


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


def _task(head: Para, body: list[Para], key: str, state: _Parsed) -> dict[str, Any]:
    state.note(key, head.source, head.prov)
    found = heading_level(head.text)
    assert found is not None
    title, extra = _title_and_text(head.text, found[1])
    task: dict[str, Any] = {"title": title, "goal": None, "owners": [], "deadline": None,
                            "items": [], "paragraphs": [extra] if extra else [], "deadlines": []}
    for para in body:
        text = para.text
        if re.match(r"^(?:工作目标|目标任务)\s*[:：]", text):
            goal, owners, deadline = _take_owners(re.sub(r"^\S+?[:：]\s*", "", text, count=1))
            task["goal"] = goal or None
            task["owners"] += owners
            task["deadline"] = deadline or task["deadline"]
            state.note(f"{key}/goal", para.source, para.prov)
            if owners:
                state.note(f"{key}/owners", para.source, para.prov)
        elif _OWNERS.match(text) or re.match(r"^(?:责任|牵头)单位\s*[:：]", text):
            wrapped = text if _OWNERS.match(text) else f"（{text}）"
            _, owners, deadline = _take_owners(wrapped)
            task["owners"] += owners
            task["deadline"] = deadline or task["deadline"]
            state.note(f"{key}/owners", para.source, para.prov)
        elif re.match(r"^完成时限\s*[:：]", text):
            task["deadline"] = re.sub(r"^完成时限\s*[:：]\s*", "", text).rstrip("。")
        elif re.fullmatch(r"(?:工作内容|主要内容|具体措施)\s*[:：]", text):
            continue
        elif (level := heading_level(text)) and level[0] == 3:
            lead, rest = split_lead(level[1])
            n = len(task["items"])
            task["items"].append({"title": lead, "text": rest})
            state.note(f"{key}/items/{n}", para.source, para.prov)
        elif task["items"]:
            task["items"][-1]["text"] += "\n" + text
        else:
            task["paragraphs"].append(text)
    year = state.year
    texts = [task["goal"] or "", task["deadline"] or ""] + [i["text"] for i in task["items"]]
    task["deadlines"] = [{"text": d.text, "date": d.date.isoformat()}
                         for t in texts for d in find_deadlines(t, year)]
    return task


def _title_and_text(full: str, rest: str) -> tuple[str, str | None]:
    if _standalone_heading(full):
        return rest.rstrip("。."), None
    lead, text = split_lead(rest)
    return (lead, text) if lead else (rest, None)


_PHASE = re.compile(
    r"^[（(][一二三四五六七八九十]+[）)]\s*(?P<name>[^（(。]+?)\s*[（(](?P<period>[^（()）]*\d{1,2}\s*月"
    r"[^（()）]*)[）)]\s*[。.]?\s*(?P<text>.*)$"
)


def _phase(head: Para, body: list[Para], key: str, state: _Parsed) -> dict[str, Any]:
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


def _item(head: Para, body: list[Para], key: str, state: _Parsed) -> dict[str, Any]:
    state.note(key, head.source, head.prov)
    found = heading_level(head.text)
    assert found is not None
    title, text = _title_and_text(head.text, found[1])
    lines = [t for t in [text, *(p.text for p in body)] if t]
    return {"title": title, "text": "\n".join(lines) or None}


def walk_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON Pointer, text) of every string in a record's fields, depth first."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk_strings(v, f"{pointer}/{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from walk_strings(v, f"{pointer}/{n}")
