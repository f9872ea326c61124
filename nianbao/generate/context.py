"""Turns an annual_report record into the template context shared by the DOCX and HTML forms.

This is the only place values are formatted. Every value in the context is a string ready to
print (or a tuple of paragraph strings for the long rows); templates only place them.

- Amounts are Decimal-formatted: 开办资金 keeps what was given with at least one decimal
  (``49`` → ``49.0万元``), net assets always two decimals (``259.9`` → ``259.90``).
- Dates ``YYYY-MM-DD`` become ``2026年3月4日``.
- Text loses characters that cannot live in a document (control characters other than the
  line break); line breaks split the long rows into paragraphs.
- A null value prints as a blank.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Self

from nianbao.forms import annual_report
from nianbao.generate.limits import check_sizes


def _printed_labels() -> dict[str, str]:
    """The labels the form prints, keyed by record field, and its fixed texts (section headers
    as `<group>_group`): the current national form's (spec §1.3), from the form's schema."""
    form = annual_report()
    labels = {f.name: f.printed_zh for f in form.fields if f.printed_zh}
    labels |= {f"{g.key}_group": g.label_zh for g in form.groups if g.variants}  # printed headers
    labels |= {t.key: t.label_zh for t in form.texts}
    return labels


# Both templates print these exact strings.
LABELS: dict[str, str] = _printed_labels()

# The one-line cells of the form, and its long rows (paragraphs); amounts, counts, the year and
# the date have their own formats below.
LINE_FIELDS = tuple(f.name for f in annual_report().fields
                    if f.type == "string" and not f.long and not f.format and f.group != "meta")
PARAGRAPH_FIELDS = tuple(f.name for f in annual_report().fields if f.long)

BLANK_YEAR = "\u3000\u3000"  # （　　）年度 on a form without a year
BLANK_DATE = "\u3000\u3000年\u3000\u3000月\u3000\u3000日"  # date line left for the pen
CODE_BOXES = 18  # a missing 统一社会信用代码 prints as the form's 18 empty boxes, for the pen

# Characters XML 1.0 cannot carry, and C1 controls; \t and \n are handled separately.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def build_context(record: Mapping[str, Any], *, public: bool = False) -> dict[str, Any]:
    """The template context for one annual report; `public` makes the 公示 copy.

    The 公示 copy leaves 填表人 and 联系电话 blank and carries the mark 公示版. A field over
    the schema's size limit is refused (`nianbao.generate.limits`).
    """
    check_sizes(record)
    ctx: dict[str, Any] = {"labels": dict(LABELS)}
    for key in LINE_FIELDS:
        ctx[key] = one_line(record.get(key))
    for key in PARAGRAPH_FIELDS:
        ctx[key] = paragraphs(record.get(key))
    year = one_line(record.get("report_year"))
    ctx["report_year"] = year or BLANK_YEAR
    capital = format_capital(record.get("registered_capital_wan"))
    ctx["registered_capital"] = f"{capital}万元" if capital else ""
    ctx["net_assets_begin"] = format_net_assets(record.get("net_assets_begin_wan"))
    ctx["net_assets_end"] = format_net_assets(record.get("net_assets_end_wan"))
    ctx["staff_count"] = format_count(record.get("staff_count"))
    submitted = format_date(record.get("submitted_on"))
    ctx["submitted_on"] = submitted
    # A signer's name and a date the filer typed at the end of an opinion go into the form's
    # own 法定代表人（签名） and 年 月 日 lines instead of being printed twice; what is not
    # given stays blank for the pen.
    for key in ("entrust_opinion", "sponsor_opinion"):
        body, signer, date = split_signature(clean_text(record.get(key)).split("\n"))
        ctx[key] = paragraphs("\n".join(body))
        ctx[key.replace("_opinion", "_date")] = date or BLANK_DATE
        if key == "entrust_opinion":
            ctx["entrust_signer"] = signer
    ctx["code_boxes"] = CODE_BOXES
    ctx["created"] = iso_date(record.get("submitted_on"))
    ctx["copy_mark"] = LABELS["public_copy"] if public else ""
    if public:
        ctx["filler"] = ""
        ctx["phone"] = ""
        # The 公示 copy names no one but the legal representative: a filler who signed for
        # them is left out.
        if ctx["entrust_signer"] != ctx["legal_representative"]:
            ctx["entrust_signer"] = ""
    return ctx


_SIGNER_LINE = re.compile(
    r"(?:法定代表人|负责人)\s*(?:[（(]\s*(?:签名|签字|签章)\s*[)）])?\s*[:：]?\s*"
    r"(?P<name>[\u4e00-\u9fff·]{2,6})?")
_SEAL_LINE = re.compile(r"(?:单位|举办单位)?\s*[（(]?\s*(?:盖章|公章)\s*[)）]?")
_DATE_LINE = re.compile(r"(?P<y>\d{4})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*"
                        r"(?P<d>\d{1,2})\s*日?")


# The last of the signature parts typed at the end of the opinion's own line, after a space.
_INLINE_TAIL = re.compile(
    rf"(?<=\S)\s+(?P<part>{_DATE_LINE.pattern}|{_SEAL_LINE.pattern}|{_SIGNER_LINE.pattern})$")


def split_signature(lines: list[str]) -> tuple[list[str], str, str]:
    """(the opinion without its closing signature lines, the signer's name, the date written
    out) from the lines a filer typed at the end of an opinion: 法定代表人 傅蔚霞, 单位（盖章）,
    2026年3月4日 — the form prints these lines itself."""
    body = list(lines)
    signer = date = ""
    while body:
        line = body[-1].strip()
        if m := _SIGNER_LINE.fullmatch(line):
            signer = signer or (m.group("name") or "")
        elif m := _DATE_LINE.fullmatch(line):
            date = date or format_date(f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}")
        elif _SEAL_LINE.fullmatch(line) or not line:
            pass
        elif tail := _INLINE_TAIL.search(line):  # …公示我单位年度报告情况 法定代表人 邹建波 2026年3月4日
            body[-1] = line[:tail.start()]
            body.append(tail.group("part"))
            continue
        else:
            break
        body.pop()
    return body, signer, date


def context_text(ctx: Mapping[str, Any]) -> str:
    """All the text a context puts into a document (labels included), for the glyph check."""
    return "\n".join(_strings(ctx))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def clean_text(value: Any) -> str:
    """`value` as text a document can hold: line breaks as \\n, tabs as spaces, no controls."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _UNPRINTABLE.sub("", text)


def one_line(value: Any) -> str:
    """Text for a one-line cell: line breaks become spaces, outer blanks go."""
    return " ".join(part.strip() for part in clean_text(value).split("\n") if part.strip())


class Paragraph(str):
    """One paragraph of a long row; `heading` marks a section heading (一、… （一）…)."""

    heading: bool

    def __new__(cls, text: str, heading: bool = False) -> Self:
        made = super().__new__(cls, text)
        made.heading = heading
        return made


# A line that starts a paragraph of its own: a section heading or a numbered item.
_HEADING = re.compile(r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]")
_ITEM = re.compile(r"\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[①-⑳]")
# A line ending in one of these ends its paragraph; any other line was broken by the layout
# (a page or column break, a narrow cell) and continues on the next.
_PARAGRAPH_END = "。！？；：…!?;:"
_LATIN_TAIL = re.compile(r"[0-9A-Za-z%]$")
_LATIN_HEAD = re.compile(r"^[0-9A-Za-z]")
_LEADING_BLANKS = re.compile(r"^[ \u3000]+")


def is_heading(line: str) -> bool:
    """A section heading: numbered 一、 or （一）, short, and not a sentence that runs on."""
    text = line.strip()
    return bool(_HEADING.match(text)) and len(text) <= 40 and "。" not in text[:-1]


def paragraphs(value: Any) -> tuple[str, ...]:
    """Text for a long row, one string per paragraph; never empty (a cell needs a paragraph).

    Lines are joined into paragraphs again where the source broke a sentence at a page or
    column break: a line that does not end a sentence continues on the next, unless the next
    is a heading or a numbered item. Section headings come out as `Paragraph(heading=True)`;
    a paragraph's own leading blanks go (the form indents the first line itself).
    """
    text = clean_text(value).strip("\n")
    if not text.strip():
        return ("",)
    joined: list[str] = []
    for raw in text.split("\n"):
        line = _LEADING_BLANKS.sub("", raw.rstrip())
        if not line:
            continue
        prev = joined[-1] if joined else None
        if (prev is not None and not prev.endswith(tuple(_PARAGRAPH_END)) and not is_heading(prev)
                and not is_heading(line) and not _ITEM.match(line)):
            gap = " " if _LATIN_TAIL.search(prev) and _LATIN_HEAD.match(line) else ""
            joined[-1] = prev + gap + line
        else:
            joined.append(line)
    return tuple(Paragraph(line, heading=is_heading(line)) for line in joined) or ("",)


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a number or numeric string (floats via their shortest repr)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, (int, Decimal)):
            number = Decimal(value)
        else:
            number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def format_net_assets(value: Any) -> str:
    """Net assets in 万元 with exactly two decimals: 259.9 → '259.90'."""
    number = to_decimal(value)
    if number is None:
        return one_line(value)
    return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def format_capital(value: Any) -> str:
    """开办资金 in 万元 as given, at least one decimal, at most four (one yuan): 49 → '49.0'."""
    number = to_decimal(value)
    if number is None:
        return one_line(value)
    number = number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -1:
        number = number.quantize(Decimal("0.1"))
    return f"{number:f}"


def format_count(value: Any) -> str:
    """A head count: 14 and 14.0 print as '14'."""
    number = to_decimal(value)
    if number is None:
        return one_line(value)
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number:f}"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _ISO_DATE.fullmatch(value.strip())
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def format_date(value: Any) -> str:
    """ISO date → '2026年3月4日' (no zero padding); anything else printed as given."""
    day = _as_date(value)
    if day is None:
        return one_line(value)
    return f"{day.year}年{day.month}月{day.day}日"


def iso_date(value: Any) -> str:
    """'YYYY-MM-DD' for document metadata, or '' when the record has no valid date."""
    day = _as_date(value)
    return day.isoformat() if day else ""
