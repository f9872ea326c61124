"""Parser for 通知 (notices), with an attached 实施方案 read as structure (spec §3).

A notice is read top to bottom in regions: the 版头 (份号/密级 lines, the 发文机关标志, the
发文字号), the 标题, the 主送机关, the 正文, the 附件说明, the 署名 and 成文日期, the 附注, an
attached 实施方案, and the 版记 (抄送, 印发机关和印发日期). Page numbers (`— 1 —`) are dropped.

Lines broken by the layout are joined into paragraphs again (`nianbao.extract.notice_lines`): the
page-break splits of seed 003 ("（责任单位：" / "社会救助服务中心…", "基本社" / "会保障性支出") are
joined this way. The attached plan is read by `nianbao.extract.notice_plan`; the 公文 vocabulary
(发文字号, heading numbers) is `nianbao.text.gongwen`.

Record fields (schemas/notice.schema.json): issuers, mark_suffix, doc_number, title, recipients,
body, attachments, signature, date, note, colophon, plan. Headings keep their level, not their
number: the generator numbers them again. Evidence keys are JSON Pointers into the fields
without the leading slash ("title", "plan/sections/1/tasks/0/owners").
"""

from __future__ import annotations

import re
from typing import Any

from nianbao.extract.notice_lines import (
    Geometry,
    Line,
    Para,
    ParseState,
    document_lines,
    geometry,
    paragraphs,
    part_words,
    standalone_heading,
)
from nianbao.extract.notice_plan import attachment_label, parse_plan, plan_title
from nianbao.forms import notice
from nianbao.model import Document, Record
from nianbao.text.cn_dates import date_line
from nianbao.text.dates import find_dates
from nianbao.text.gongwen import DOC_NUMBER_LINE, DOC_TYPES, heading_level, split_lead, split_units
from nianbao.text.normalize import squeeze_cjk

KIND = "notice"
_ORGAN = re.compile(
    r"(?:局|厅|委|委员会|办|办公室|政府|中心|院|部|会|处|科|所|站|队|党委|党组|公司|街道|"
    r"镇|乡|社区|村)(?:文件)?$"
)
_PRINT_LINE = re.compile(r"^(?P<printer>.*?)\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*"
                         rf"(?:{part_words('colophon/printed_on')})$")
_CC_WORDS = notice().field("colophon/cc").variants  # 抄送, and 主送 printed in the 版记
_CC_LABEL = re.compile(rf"^(?:{part_words('colophon/cc')})\s*[:：]")
_ATTACHMENTS_LABEL = re.compile(rf"^(?:{part_words('attachments')})\s*[:：]\s*")
_NUMBER_LABEL = part_words("doc_number")  # 发文字号, 文号
_NUMBER = DOC_NUMBER_LINE.pattern.removeprefix("^")
# The 发文字号 line: the number alone, in round brackets, after a label (发文字号：), or with
# 签发人 on the same line (on either side).
_NUMBER_ON_LINE = re.compile(
    r"^(?:签发人\s*[:：]\s*[\u4e00-\u9fff·]{2,6}\s+)?"
    rf"(?:(?:{_NUMBER_LABEL})\s*[:：]\s*)?[（(]?\s*"
    rf"(?P<number>{_NUMBER})\s*[）)]?\s*(?:签发人\s*[:：]\s*[\u4e00-\u9fff·、\s]{{2,30}})?$"
)
_WEB_METADATA = re.compile(
    r"^(?:(?:索引号|主题分类|体裁分类|组配分类|服务对象|发布机构|发文机关|成文日期|发布日期|生效日期|"
    r"废止日期|有效性|标题|名称|发文字号|文号|信息来源|来源|浏览次数|公开方式|公开范围|主题词|"
    r"发布时间|当前位置|您的位置|您现在的位置|字体)\s*[:：]|首页\s*[>＞»/]|【\s*字[体号]|"
    r"[^。，]{0,40}\s[>＞»]\s[^。，]{0,40}$)"
)
_WEB_FOOTER = re.compile(r"^[【\[]?(?:打印本页|打印|关闭窗口|关闭|分享到|扫一扫|上一篇|下一篇|相关链接|"
                         r"返回顶部|收藏)")
_TITLE_NUMBER = re.compile(rf"[（(]\s*(?P<number>{_NUMBER})\s*[）)]$")
_SECURITY = re.compile(r"^(?:\d{6}|(?:绝密|机密|秘密)(?:★.*)?|特急|加急|平急)$")


def parse(document: Document) -> Record:
    """Parse a notice; a missing part is None (or an empty list), never an exception."""
    lines = document_lines(document)
    geo = geometry(lines)
    record = Record(kind=KIND)
    state = ParseState(record)
    fields: dict[str, Any] = {
        "issuers": [], "mark_suffix": None, "doc_number": None, "title": None,
        "recipients": None, "body": [], "attachments": [], "signature": [], "date": None,
        "note": None, "colophon": None, "plan": None,
    }  # fmt: skip
    record.fields = fields
    lines = _skip_web_metadata(lines, fields, state)
    i = _parse_head(lines, fields, state)
    end = _colophon_start(lines, i)
    _parse_colophon(lines[end:], fields, state)
    rest = lines[i:end]
    date_at = next((k for k, ln in enumerate(rest) if date_line(ln.text)), None)
    if date_at is not None:
        _parse_letter(rest[:date_at + 1], fields, state, geo)
        after = rest[date_at + 1:]
        k = _parse_note(after, fields, state)
        plan_lines = after[k:]
    else:
        plan_at = next((k for k, ln in enumerate(rest) if plan_title(ln.text) or
                        attachment_label(ln.text)), len(rest))
        body = paragraphs(rest[:plan_at], geo)
        fields["body"] = [_body_item(p, f"body/{n}", state) for n, p in enumerate(body)]
        plan_lines = rest[plan_at:]
    if plan_lines:
        fields["plan"] = parse_plan(plan_lines, state, geo)
    if not fields["issuers"] and fields["signature"]:
        fields["issuers"] = list(fields["signature"])
    record.year = state.year
    titled = re.search(r"(20\d{2})\s*年度?", fields["title"] or "")
    if record.year is None and titled:  # an undated 填写说明 of 2025年度…: the year it is about
        record.year = int(titled.group(1))
    record.as_of = fields["date"][:7] if fields["date"] else None
    record.org = fields["issuers"][0] if fields["issuers"] else None
    return record


def _parse_head(lines: list[Line], fields: dict[str, Any], state: ParseState) -> int:
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
    if i < len(lines) and _take_doc_number(lines[i], fields, state):
        i += 1
    title: list[Line] = []
    for line in lines[i:i + 4]:
        if date_line(line.text) or line.text.endswith(("：", ":")):
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
        tail = _TITLE_NUMBER.search(fields["title"])
        if tail and not fields["doc_number"]:
            fields["title"] = fields["title"][:tail.start()]
            fields["doc_number"] = re.sub(r"\s+", "", tail.group("number"))
            state.note("doc_number", tail.group("number"), title[-1].prov)
    if not fields["doc_number"] and i < len(lines) and _take_doc_number(lines[i], fields, state):
        i += 1  # the number under the title, as web copies and some templates print it
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


def _skip_web_metadata(lines: list[Line], fields: dict[str, Any], state: ParseState) -> list[Line]:
    """The lines of a notice copied from a government website without the page around it: the
    breadcrumb and the metadata block above it (索引号：… 发文字号：… 成文日期：…; its
    发文字号 is the notice's) and the buttons below it (打印本页 关闭窗口)."""
    k = 0
    while k < len(lines) and _WEB_METADATA.match(lines[k].text.strip()):
        found = re.search(rf"(?:{_NUMBER_LABEL})\s*[:：]\s*(?P<number>{_NUMBER})", lines[k].text)
        if found and not fields["doc_number"]:
            fields["doc_number"] = re.sub(r"\s+", "", found.group("number"))
            state.note("doc_number", found.group("number"), lines[k].prov)
        k += 1
    end = len(lines)
    while end > k and _WEB_FOOTER.match(lines[end - 1].text.strip()):
        end -= 1  # the page's own buttons and links below the notice
    return lines[k:end]


def _take_doc_number(line: Line, fields: dict[str, Any], state: ParseState) -> bool:
    """Whether `line` is the 发文字号 line (alone, in brackets, after a 文号 label, or beside
    签发人); records the number when it is."""
    m = _NUMBER_ON_LINE.match(line.text.strip())
    if m is None:
        return False
    fields["doc_number"] = re.sub(r"\s+", "", m.group("number"))
    state.note("doc_number", m.group("number"), line.prov)
    return True


def _mark_line(text: str) -> bool:
    name = squeeze_cjk(text)
    return (len(name) <= 40 and "关于" not in name and not DOC_NUMBER_LINE.match(name)
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
        if text.startswith(tuple(w + c for w in _CC_WORDS for c in "：:")) or _PRINT_LINE.match(text):
            return k
    return len(lines)


def _parse_colophon(lines: list[Line], fields: dict[str, Any], state: ParseState) -> None:
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
        elif text.startswith(_CC_WORDS) or cc_lines:
            cc_lines.append(line)
    if cc_lines:
        raw = "".join(ln.text for ln in cc_lines)
        body = _CC_LABEL.sub("", raw).strip().rstrip("。.")
        colophon["cc"] = split_units(body)
        state.note("colophon/cc", "\n".join(ln.text for ln in cc_lines), cc_lines[0].prov)
    fields["colophon"] = colophon
    state.note("colophon", "\n".join(ln.text for ln in lines), lines[0].prov)


def _parse_letter(lines: list[Line], fields: dict[str, Any], state: ParseState,
                  geo: Geometry | None) -> None:
    """正文, 附件说明, 署名 and 成文日期: `lines` ends with the date line."""
    dated = lines[-1]
    day = date_line(dated.text)
    assert day is not None
    fields["date"] = day.isoformat()
    state.year = day.year
    state.note("date", dated.text, dated.prov)
    k = len(lines) - 1
    signature: list[Line] = []
    while k > 0 and len(signature) < 4 and _signature_line(lines[k - 1].text):
        k -= 1
        signature.insert(0, lines[k])
    # A joint issue may sign on one line: 平安区民政局        平安区财政局.
    fields["signature"] = [name for s in signature for name in _signature_names(s.text)]
    if signature:
        state.note("signature", "\n".join(s.text for s in signature), signature[0].prov)
    body = lines[:k]
    attach_at = next((n for n, ln in enumerate(body) if _ATTACHMENTS_LABEL.match(ln.text)), None)
    if attach_at is not None:
        fields["attachments"] = _attachments(body[attach_at:])
        state.note("attachments", "\n".join(ln.text for ln in body[attach_at:]),
                   body[attach_at].prov)
        body = body[:attach_at]
    fields["body"] = [_body_item(p, f"body/{n}", state) for n, p in
                      enumerate(paragraphs(body, geo))]


def _signature_names(text: str) -> list[str]:
    parts = text.split()
    if len(parts) > 1 and all(_ORGAN.search(part) for part in parts):
        return parts
    return [squeeze_cjk(text)]


def _signature_line(text: str) -> bool:
    name = squeeze_cjk(text)
    return 2 <= len(name) <= 40 and not any(c in name for c in "。，；：:;,、") and not heading_level(name)


def _attachments(lines: list[Line]) -> list[str]:
    names: list[str] = []
    for line in lines:
        text = _ATTACHMENTS_LABEL.sub("", line.text.strip())
        m = re.match(r"^(\d{1,2})\s*[.．]\s*", text)
        if m or not names:
            names.append(text[m.end():] if m else text)
        else:
            names[-1] += text  # a long name wrapped onto the next line
    return [n.strip().rstrip("。.；;，,") for n in names if n.strip()]


def _parse_note(lines: list[Line], fields: dict[str, Any], state: ParseState) -> int:
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


def _body_item(para: Para, key: str, state: ParseState) -> str | dict[str, Any]:
    state.note(key, para.source, para.prov)
    found = heading_level(para.text)
    if not found:
        return para.text
    level, rest = found
    if standalone_heading(para.text):
        return {"level": level, "title": rest.rstrip("。."), "text": None}
    lead, text = split_lead(rest)
    return {"level": level, "title": lead, "text": text}
