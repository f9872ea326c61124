"""What a document is: its kind, the period its figures stand at (`as_of`) and the body that
issued or reported it (`org`), for every kind.

Kind, in order (statistics.md §4):
1. a notice *about* annual reports (关于开展…年度报告工作的通知, 填写说明) is a `notice`, even though
   it names the form and its labels, unless it carries a filled form (a credit code value);
2. an `annual_report` names 事业单位法人年度报告书 or three of the form's labels anywhere in the
   document, however long the preamble before them (the whole text is searched: one regex pass),
   the labels of its last page counting too (a scan of that page alone is an annual report);
3. a `notice` has a 通知/实施方案 title in its first lines;
4. a grid of indicators with value columns is a `statistics_report` whatever its title, unless
   it is a small table inside a long piece of prose;
5. anything else is a `work_summary`.

`as_of` is the month the figures stand at: the title's or header block's period (2025年9月,
9月份, 2025.09, 三季度 → 09, 1—9月 → 09), else 截至…底 in the text; a whole-year document stands
at December. A publication date (2025年10月10日, 时间：2025-10-10) is not a period.
"""

from __future__ import annotations

import re
from collections import Counter

from nianbao.extract.columns import is_number
from nianbao.extract.grid import find_tables
from nianbao.extract.tables import Table
from nianbao.model import Block, Document

# The form's labels as labels: at a line start or after a cell break, followed by another cell,
# a colon or the line end (not the same words in a sentence of a work summary).
_FORM_LABELS = re.compile(r"(?:^|[\t|])\s*(宗旨和\s*业务范围|开办资金|举办单位|经[费济]来源|网上名称|"
                          r"从业人数)\s*(?=[\t|:：]|$)", re.MULTILINE)
# The labels of the form's last page (资质, 诉讼, 捐赠, the opinions), at a line start, however the
# cell wrapped them (相关资质认可或执 / 业许可证明文件): a scan or a print of that page alone.
_LATER_LABELS = ("相关资质认可", "绩效和受奖惩", "诉讼和受罚", "接受捐赠资助", "接收捐赠资助",
                 "事业单位委托意见", "委托意见", "举办单位意见", "登记管理机关意见")
_FORM_LATER_LABELS = re.compile(
    r"(?:^|[\t|])\s*(" + "|".join(r"\s*".join(label) for label in _LATER_LABELS) + ")",
    re.MULTILINE)
_FORM_TITLE = re.compile(r"^[^\n]{0,20}事业单位法人年度报告书[^\n]{0,20}$", re.MULTILINE)
_CREDIT_VALUE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_NOTICE_TITLE = re.compile(r"^.{0,60}(?:关于.{2,80})?(?:通知|通告|实施方案|填写说明|填报说明|工作方案|的函|复函)\s*$")
_ABOUT_REPORTS = re.compile(r"关于.{0,40}年度报告.{0,20}(?:通知|工作)|填写说明|填报说明|年报工作")
_STATS_TITLE = re.compile(r"统计月报|统计季报|统计年报|月报表|季报表|统计表|报表|统计数据|月报|季报")
_FURNITURE = re.compile(r"^(?:来源|时间|发布时间|阅读|浏览|附件|扫一扫|分享|打印|首页|当前位置|您的位置|"
                        r"您现在的位置|【)")


def is_furniture(text: str) -> bool:
    """A web page's furniture line (breadcrumbs, 来源/发布时间, share and print links)."""
    return bool(_FURNITURE.match(text.strip()))
# The 版头 of a 公文 above its title: 份号, 密级, 紧急程度, the 发文机关标志 (one line per organ of
# a joint issue, and 文件), the 发文字号 (with 签发人). A notice's title follows it.
_MASTHEAD = re.compile(
    r"^(?:\d{6}|(?:绝密|机密|秘密)(?:★.*)?|特急|加急|平急|文件|"
    r"[\u4e00-\u9fff]{2,30}(?:局|厅|委|委员会|办公室|政府|中心|院|部|会)(?:文件)?|"
    r"(?:签发人.{0,20})?[\u4e00-\u9fff]{1,12}\s*[〔﹝［【\[（(]\s*\d{2,4}\s*[〕﹞］】\]）)]\s*第?\s*\d{1,4}\s*号"
    r"(?:\s*签发人.{0,20})?)$"
)


def detect_kind(document: Document) -> str:
    """Which kind of document this is, from its wording and its tables."""
    return classify(document)[0]


def classify(document: Document) -> tuple[str, list[Table] | None]:
    """The document's kind, with its statistics tables when telling the kind needed them (None
    when the wording alone decided), so that the parser need not find them again."""
    text = document.text
    head_blocks = [b for b in document.blocks if b.kind != "page_break"
                   and b.text.strip() and not _FURNITURE.match(b.text.strip())][:8]
    head = "\n".join(b.text for b in head_blocks)
    titled = [b for b in head_blocks if not _MASTHEAD.match(b.text.strip())]
    notice_title = any(_NOTICE_TITLE.match(b.text.strip()) for b in titled[:4]
                       if len(b.text.strip()) <= 90)
    labels = {re.sub(r"\s+", "", m) for m in _FORM_LABELS.findall(text)}
    labels |= {re.sub(r"\s+", "", m) for m in _FORM_LATER_LABELS.findall(text)}
    form = bool(_FORM_TITLE.search(text)) or len(labels) >= 3
    if form and notice_title and not _CREDIT_VALUE.search(text):
        return "notice", None
    if form and not (_ABOUT_REPORTS.search(head) and not _CREDIT_VALUE.search(text)):
        return "annual_report", None
    if notice_title or "实施方案" in head or _ABOUT_REPORTS.search(head):
        return "notice", None
    tables = find_tables(document.blocks)
    return "statistics_report" if _is_statistics(document, head, tables) else "work_summary", tables


def _is_statistics(document: Document, head: str, tables: list[Table]) -> bool:
    value_rows = sum(1 for t in tables for r in t.rows[1:] if _has_value(t, r.cells))
    if value_rows < 2:
        return False
    used = {i for t in tables for i in t.blocks}
    prose = sum(len(b.text) for b in document.blocks if b.index not in used and b.kind != "row")
    table_text = sum(len(b.text) for b in document.blocks if b.index in used)
    title_says = bool(_STATS_TITLE.search(head[:200]))
    return title_says or (value_rows >= 3 and prose <= max(1500, 2 * table_text))


def _has_value(table: object, cells: list[str]) -> bool:
    return sum(1 for c in cells[1:] if is_number(c)) >= 1


# --------------------------------------------------------------------------- as_of

_YM = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:(?:1|一)\s*[—\-–~至到]+\s*)?(\d{1,2})\s*月(?:份)?"
                 r"(?!\s*\d{1,2}\s*日)(?![\d])")
_YM_DOT = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*[.．/\-]\s*(\d{1,2})(?![\d.．/\-]|\s*月\s*\d|\s*日)")
_QUARTER = re.compile(r"((?:19|20)\d{2})?\s*年?\s*(?:第\s*)?(前三|[一二三四1-4])\s*季度")
_HALF = re.compile(r"((?:19|20)\d{2})?\s*年?\s*(上半年|下半年|全年|年度)")
_MONTH_ONLY = re.compile(r"(?<![\d年])(?:(?:1|一)\s*[—\-–~至到]+\s*)?(\d{1,2})\s*月份?(?!\s*\d{1,2}\s*日)(?!\d)")
_UNTIL = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_QUARTER_END = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12, "前三": 9}


def report_year(title: str, text: str) -> int | None:
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    counts = Counter(int(y) for y in _YEAR.findall(text[:8000]))
    return counts.most_common(1)[0][0] if counts else None


def head_period(lines: list[str], year: int | None) -> tuple[int | None, int] | None:
    """The (year, month) a document's head names as its period, or None."""
    for line in lines:
        if _FURNITURE.match(line.strip()) or (re.search(r"\d{1,2}\s*日", line) and \
                not re.search(r"截[至止]", line)):
            continue
        for rx in (_YM, _YM_DOT):
            m = rx.search(line)
            if m and 1 <= int(m.group(2)) <= 12:
                return int(m.group(1)), int(m.group(2))
        m = _QUARTER.search(line)
        if m:
            return (int(m.group(1)) if m.group(1) else year), _QUARTER_END[m.group(2)]
        m = _MONTH_ONLY.search(line)
        if m and 1 <= int(m.group(1)) <= 12 and year is not None:
            return year, int(m.group(1))
        m = _HALF.search(line)
        if m:
            return (int(m.group(1)) if m.group(1) else year), 6 if m.group(2) == "上半年" else 12
    return None


def report_as_of(document: Document, kind: str, year: int | None) -> str | None:
    """The month the document's figures stand at, as YYYY-MM."""
    lines = _head_lines(document.blocks)
    found = head_period(lines[:1], year)  # the title first
    until = [(int(y), int(m)) for y, m in _UNTIL.findall(document.text) if 1 <= int(m) <= 12]
    if year is not None:
        until = [ym for ym in until if ym[0] == year] or until
    if found is None and kind != "work_summary":
        found = head_period(lines[1:12], year)
    if found is None and until:
        found = max(until)
    if found is None and kind == "work_summary":
        found = head_period(lines[1:4], year)
    if found is not None and found[0] is not None:
        return f"{found[0]}-{found[1]:02d}"
    return f"{year}-12" if year else None


def _head_lines(blocks: list[Block]) -> list[str]:
    return [b.text.strip() for b in blocks[:40] if b.kind != "page_break" and b.text.strip()
            and not _FURNITURE.match(b.text.strip())]


# --------------------------------------------------------------------------- org

_ORG_LABEL = re.compile(r"(?:编制单位|填报单位|填报机关|报送单位|制表单位|统计单位|报告单位|发布单位|发布机关)\s*[：:]\s*"
                        r"([^\s：:，,。;；|]{2,40}?)(?=\s|$|[，,。;；|]|地区|单位负责人|统计负责人|填表人|报出日期)")
_ORG_END = r"(?:民政局|民政厅|民政部|人民政府|办公室|办事处|社会救助服务中心|救助中心|服务中心|管理中心|委员会|局|厅|中心|办)"
_NEWS_SOURCE = re.compile(rf"(?:记者|笔者)?从\s*([^\s，,。]{{2,30}}?{_ORG_END})(?:获悉|了解到|得知)")
_TITLE_ORG = re.compile(rf"^([^\s，,。0-9]{{2,30}}?{_ORG_END})(?=关于|(?:19|20)\d{{2}}|\s|$|[（(])")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[、.．]|^[（(]")
_MARKER_PREFIX = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[、.．]\s*")
_LEAD_IN = re.compile(r"本报讯|记者|通讯员|获悉|据了解|近日")
_SIGNATURE = re.compile(rf"^([^\s，,。0-9：:]{{2,30}}{_ORG_END})$")
# A web page's 来源/发布机构 field naming a body (not a newspaper or a site).
_SOURCE_LABEL = re.compile(rf"(?:来源|信息来源|发布机构|发布部门)\s*[：:]\s*([^\s：:，,。;；|]{{2,30}}?"
                           rf"{_ORG_END})(?=\s|$|[，,。;；|])")
# A body named in a text: a place, then an office of government.
_BODY = re.compile(r"(?:^|(?<=[\s，,。；;：:、（(）)“”在由从向经送至到给与和及]))((?![在由从向经送至到给与和及将对])[\u4e00-\u9fff]{1,12}?(?:自治县|自治州|县|区|市|州|旗|省|镇|乡|街道)"
                   r"[\u4e00-\u9fff]{0,10}?(?:民政局|民政厅|人民政府|事业单位登记管理局|统计局|"
                   r"社会救助服务中心|办事处|局))")
# The first sentence of a news item: 本报讯（记者 …）… up to its first full stop.
_NEWS_LEAD = re.compile(r"本报讯\s*(?:[（(][^）)]{0,40}[）)])?([^。]{0,200})")
_CONTACT = re.compile(r"联系|咨询|电话|地址")


def report_org(document: Document, title: str, current: str | None = None) -> str | None:
    """The issuing or reporting body: 编制单位/填报单位, the title's org, the signing body at
    the end, the body a news item names (记者从…获悉); never a list marker or a news lead-in."""
    title = _MARKER_PREFIX.sub("", title)
    current = _MARKER_PREFIX.sub("", current) if current else current
    text = document.text
    m = _ORG_LABEL.search(text[:20000])
    if m and valid_org(_trim_org(m.group(1))):
        return _trim_org(m.group(1))
    m = _SOURCE_LABEL.search(text[:3000])
    if m and valid_org(m.group(1)) and (not current or m.group(1).startswith(current)):
        return m.group(1)  # 来源：湟中区民政局 under a title naming only 湟中区
    if current and valid_org(current):
        return current
    m = _TITLE_ORG.match(title.strip())
    if m and valid_org(m.group(1)):
        return m.group(1)
    tail = [b.text.strip() for b in document.blocks[-8:] if b.kind == "paragraph"]
    for line in reversed(tail):
        m = _SIGNATURE.match(line)
        if m and valid_org(m.group(1)):
            return m.group(1)
    m = _NEWS_SOURCE.search(text[:3000])
    if m and valid_org(m.group(1)):
        return m.group(1)
    return _news_subject(text) or _issuer_named(document)


def _news_subject(text: str) -> str | None:
    """The body a news item's first sentence is about (本报讯（记者 …）今年以来，X县民政局坚持…):
    the reporting body."""
    m = _NEWS_LEAD.search(text[:3000])
    body = _BODY.search(m.group(1)) if m else None
    return body.group(1) if body and valid_org(body.group(1)) else None


def _issuer_named(document: Document) -> str | None:
    """An unsigned guide's issuer (填写说明 with no signature): the body its contact lines name
    (联系方式：X县民政局…股，电话…), else the one body the text names at least twice."""
    lines = [b.text.strip() for b in document.blocks if b.kind == "paragraph"]
    for line in reversed(lines[-8:]):
        body = _BODY.search(line) if _CONTACT.search(line) else None
        if body and valid_org(body.group(1)):
            return body.group(1)
    counts: Counter[str] = Counter(b for b in _BODY.findall(document.text[:20000]) if valid_org(b))
    top = counts.most_common(2)
    if top and top[0][1] >= 2 and (len(top) == 1 or top[1][1] < top[0][1]):
        return top[0][0]
    return None


_STRONG_END = re.compile(r"民政局|民政厅|民政部|人民政府|社会救助服务中心|救助中心|统计局")
_ANY_END = re.compile(_ORG_END)


def _trim_org(org: str) -> str:
    """Words glued after the body's name (a spam site injected into a copied page) are cut:
    the name ends at its first strong ending (民政局), else at its last ending (中心, 办)."""
    strong = _STRONG_END.search(org)
    if strong:
        return org[:strong.end()]
    ends = list(_ANY_END.finditer(org))
    return org[:ends[-1].end()] if ends else org


def valid_org(org: str) -> bool:
    org = org.strip()
    return 2 <= len(org) <= 40 and not _LIST_MARKER.match(org) and not _LEAD_IN.search(org) \
        and not re.search(r"\d{4}\s*年|[，,。：:]", org)
