"""Text hygiene rules: placeholders, traditional-script or garbage lines, markup left-overs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.model import Provenance
from nianbao.text.normalize import is_cjk
from nianbao.text.script import TABLE

SIMPLIFIED_ONLY = frozenset(TABLE.values())

_UNIT_OR_PLACE = "户人名元万亿号月日年个项次家所条件份批省市县区乡镇村街社组"
_PLACE = "省市县区乡镇村街社"
# Template placeholders: 〔*〕, XX/xx/××, 20XX, X月X日, ___ inside a sentence; a figure with
# masked digits (8472.X万元, 20xx7人, 3xx61人); a lone X before a unit or a place word (X户,
# 〔2026〕X号, x县民政局); a place name masked by ** or ○○ (湖南省**市, ○○县). An 18-character
# 统一社会信用代码 or 身份证号 may contain X as a digit (1263212371205543X2, …123X): not masked.
_CODE18 = r"(?![0-9A-HJ-NP-RTUWXY]{18}(?![0-9A-Za-z]))"
PLACEHOLDER = re.compile(
    r"[〔\[［【(（]\s*[*＊]\s*[〕\]］】)）]"
    r"|(?<![A-Za-z0-9.])" + _CODE18 + r"(?:\d+\.?[Xx]{1,3}\d*|\d+\.?×{2,3}\d*|[Xx]{1,3}\d+|\d+[*＊]{1,3}\d+)"
    r"(?![A-Za-z0-9])"
    r"|(?<![A-Za-z])(?:20|19)[Xx×]{2}(?![A-Za-z])"
    r"|(?<![A-Za-z0-9])(?:XX|xx|××|ＸＸ)(?![A-Za-z0-9])"
    r"|(?<![A-Za-z])[Xx×]\s*月\s*[Xx×]\s*日"
    r"|_{3,}(?=[\u4e00-\u9fff\d])"
    rf"|(?<![A-Za-z0-9])(?:[Xx]{{1,3}}|×{{2,3}})(?=[{_UNIT_OR_PLACE}])"
    rf"|(?<![一二三四五六七八九十\d])[○〇□]{{2,}}(?=[{_PLACE}])"
)
_NAME_AFTER = re.compile(r"[\u4e00-\u9fff]{2}")
_STARS = re.compile(rf"\*{{2,}}(?=[{_PLACE}])")
MARKUP = re.compile(r"\*\*[^*\n]{1,200}?\*\*|\[bookmark:[^\]]*\]|\{\{[^}]*\}\}|\{%[^%]*%\}")
_GARBAGE = re.compile(r"^[\s\-—–_=~|·.。,，:：;；*#]+$")


def texts(ctx: CheckContext) -> Iterator[tuple[str, str, Provenance | None]]:
    """(pointer, text, provenance) of every line to scan: the document's blocks when there is a
    document, else the record's text fields."""
    if ctx.document is not None:
        for block in ctx.document.blocks:
            for line in block.text.split("\n"):  # a table cell may hold many paragraphs
                if line.strip():
                    yield f"/source/blocks/{block.index}", line, Provenance(block.page, block.index)
        return
    for name, value in ctx.record.fields.items():
        if isinstance(value, str):
            for line in value.split("\n"):
                yield f"/record/{name}", line, None


def window(text: str, start: int, end: int, before: int = 12, after: int = 12) -> str:
    """`text[start:end]` with up to `before`/`after` characters around it, widened so that no
    figure is cut (支出合计3,418.27万元 stays whole)."""
    lo, hi = max(0, start - before), min(len(text), end + after)
    while 0 < lo < len(text) and _in_figure(text[lo - 1]) and _in_figure(text[lo]):
        lo -= 1
    while 0 < hi < len(text) and _in_figure(text[hi - 1]) and _in_figure(text[hi]):
        hi += 1
    return text[lo:hi]


def _in_figure(char: str) -> bool:
    return char.isdigit() or char in ",，."


@lru_cache(maxsize=1 << 16)  # asked for every character of every line, twice
def not_gb2312(char: str) -> bool:
    """A Han character outside GB 2312: in a simplified document, usually a traditional form."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


@rule("text.placeholder", "error",
      title=("模板占位符未替换", "template placeholder left in"),
      message=("文中留有占位符“{placeholder}”，应填入实际内容",
               "placeholder {placeholder} left in the text; fill in the real value"))
def placeholder(ctx: CheckContext) -> Iterator[Hit]:
    """A document filed with 〔*〕, XX or 20XX left from a template or a redaction states
    nothing about the hidden value; a reviewer must send it back."""
    said: set[str] = set()
    blanks = _template_blocks(ctx)
    for pointer, text, prov in texts(ctx):
        if prov is not None and prov.block in blanks:
            continue
        found = list(PLACEHOLDER.finditer(text)) + _masked_places(text)
        for m in sorted(found, key=lambda m: m.start()):
            name = text[m.start():m.end() + 3]
            if _NAME_AFTER.match(text, m.end()):
                if name in said:
                    continue  # the same masked name again (〔*〕开发区 … 〔*〕开发区)
                said.add(name)
            yield Hit({"placeholder": m.group(0)}, pointer, window(text, m.start(), m.end()), prov)


# A notice's attachments may be blank forms for the recipients to fill (样表, 模板): their ××
# are the form's blanks, not placeholders left in the notice.
_TEMPLATE_TITLE = re.compile(r"样表|表样|模板|式样|范本|参考格式|格式[)）]?$|填写说明|填报说明")
_FILL_IN = re.compile(r"填报单位|填报时间|填报日期|填表人|填表日期|审核人|负责人|联系电话|[(（]\s*盖章\s*[)）]")


def _template_blocks(ctx: CheckContext) -> set[int]:
    """Indexes of the blocks of a notice that are blank forms: after the notice's 成文日期, a
    table row, a line of fill-in labels (填报单位：×× 填报时间：20××年), or anything under an
    attachment titled as a form (样表, 模板, 式样, 参考格式)."""
    if ctx.document is None or ctx.record.kind != "notice":
        return set()
    dated = ctx.record.evidence.get("date")
    after = dated[1].block if dated and dated[1] is not None and dated[1].block is not None else None
    if after is None:
        return set()
    out: set[int] = set()
    in_form = False
    for block in ctx.document.blocks:
        if block.index <= after:
            continue
        text = block.text.strip()
        in_form = in_form or (len(text) <= 60 and bool(_TEMPLATE_TITLE.search(text)))
        if in_form or block.kind == "row" or _FILL_IN.search(text):
            out.add(block.index)
    return out


def _masked_places(text: str) -> list[re.Match[str]]:
    """"**" before a place word masks a name (湖南省**市, **镇) unless it opens or closes a
    Markdown bold pair: it must follow a Han character or digit, or be unpaired on the line."""
    found = list(_STARS.finditer(text))
    inside = [m for m in found if m.start() > 0 and (is_cjk(text[m.start() - 1])
                                                     or text[m.start() - 1].isdigit())]
    unpaired = (text.count("**") - len(inside)) % 2 == 1
    return found if unpaired else inside


@rule("text.foreign-script", "warning",
      title=("繁体字或乱码行", "traditional-script or garbage line"),
      message=("这一行含繁体字（{sample}），可能是扫描识别或复制时夹入的无关文字：{line}",
               "this line has traditional characters ({sample}); probably left over from OCR or "
               "copying: {line}"),
      cases={"symbols": ("这一行只有符号没有文字，可能是扫描识别或复制时夹入的无关文字：{line}",
                         "this line holds only symbols; probably left over from OCR or copying: "
                         "{line}"),
             "whole-document": (
          "全文使用繁体字（如{characters}），报送材料应使用规范简体字：{line}",
          "the whole document is written in traditional script (e.g. {characters}); "
          "filings should use simplified characters: {line}")})
def foreign_script(ctx: CheckContext) -> Iterator[Hit]:
    """Simplified-Chinese filings should not contain lines in traditional characters or
    lines of bare symbols: they are OCR or copy-paste left-overs that the filer did not see
    and that end up in the published report. One finding per passage: consecutive lines in
    traditional script are one copied passage, not one problem per line. A document written
    wholly in traditional script is not a left-over: it gets one informational finding
    saying so (规范汉字: filings use simplified characters)."""
    lines = list(texts(ctx))
    whole = _traditional_document(lines)
    if whole is not None:
        yield whole
        return
    in_passage = False
    for pointer, text, prov in lines:
        han = [c for c in text if is_cjk(c)]
        odd = sorted({c for c in han if not_gb2312(c)})
        traditional = _is_traditional(han, odd)
        if in_passage and (odd or not any(c in SIMPLIFIED_ONLY for c in han)):
            continue  # the passage goes on until a line written in simplified characters
        in_passage = traditional
        if traditional:
            yield Hit({"line": text[:60], "characters": "".join(odd), "sample": "".join(odd[:8])},
                      pointer, text, prov)
        elif _GARBAGE.match(text) and len(text.strip()) >= 2:
            yield Hit({"line": text}, pointer, text, prov, case="symbols")


def _is_traditional(han: list[str], odd: list[str]) -> bool:
    return len(odd) >= 3 and len(odd) >= 0.1 * len(set(han))


#: Share of the lines with Chinese text that must be traditional for the whole document to be.
_WHOLE_SHARE = 0.8
_WHOLE_MIN_LINES = 3


def _traditional_document(lines: list[tuple[str, str, Provenance | None]]) -> Hit | None:
    """One info hit when (nearly) every line of Chinese text is in traditional script."""
    written = traditional = 0
    first: tuple[str, str, Provenance | None] | None = None
    chars: set[str] = set()
    for pointer, text, prov in lines:
        han = [c for c in text if is_cjk(c)]
        odd = sorted({c for c in han if not_gb2312(c)})
        plain = {c for c in han if c in SIMPLIFIED_ONLY}  # 系, 只 are both scripts' forms too
        if not odd and not plain:
            continue  # no character that differs between the scripts: says nothing
        written += 1
        if len(odd) > len(plain):
            traditional += 1
            chars.update(odd)
            if first is None and _is_traditional(han, odd):
                first = (pointer, text, prov)
    if first is None or written < _WHOLE_MIN_LINES or traditional < _WHOLE_SHARE * written:
        return None
    pointer, text, prov = first
    sample = "".join(sorted(chars)[:8])
    return Hit({"line": text[:60], "characters": sample}, pointer, text, prov,
               case="whole-document", severity="info")


@rule("text.markup-artefact", "warning",
      title=("排版标记残留", "markup left in the text"),
      message=("文中残留排版标记“{markup}”", "markup left in the text: {markup}"))
def markup_artefact(ctx: CheckContext) -> Iterator[Hit]:
    """Markdown bold markers, Word bookmarks and template tags copied into a filing print as
    literal symbols on the published report."""
    for pointer, text, prov in texts(ctx):
        masks = {m.start() for m in _masked_places(text)}
        for m in MARKUP.finditer(text):
            if m.start() in masks or m.end() - 2 in masks:
                continue  # a masked place name (**镇 … 湖南省**市): text.placeholder says so
            yield Hit({"markup": m.group(0)[:30]}, pointer, m.group(0)[:80], prov)


RULES: tuple[Rule, ...] = (placeholder, foreign_script, markup_artefact)
