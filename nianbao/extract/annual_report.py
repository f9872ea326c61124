"""Parser for 事业单位法人年度报告书 (both the current national form and the older layout).

The Document is cut into segments (table cells, lines, label/value pairs on one line); each
segment is a label of the shared label table or a value. Values go to the label waiting for them;
a label printed under its value, a label split over several lines and a missing label before
the activities text are resolved from the form's official order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from nianbao.extract import labels
from nianbao.extract.facts import facts_of, sentences
from nianbao.extract.labels import HEADER, LONG, Label
from nianbao.forms import AMOUNT_FIELDS, FORM_FIELDS, LABEL_ZH, annual_report
from nianbao.model import Block, Document, Fact, Provenance, Record, decimal_of
from nianbao.text.dates import parse_date
from nianbao.text.normalize import squeeze_cjk
from nianbao.text.numbers import parse_amount_wan, parse_int

# The order of the rows on the form, for values whose label is missing or printed below them.
FORM_ORDER = FORM_FIELDS

_YEAR_LINE = re.compile(r"[(（]\s*(\d{4})\s*[)）]\s*年\s*度")
_BLANK = re.compile(r"^[\s_＿\-—.·…/]*$")
_MARKUP = re.compile(r"</?u>|</?b>|</?i>")
# Lines the printed form carries under an opinion for the pen: not part of the opinion.
_FURNITURE = re.compile(
    r"^\s*(?:法定代表人\s*[（(]\s*签[名字章]\s*[)）]\s*[:：]?|(?:举办)?单位\s*[（(]\s*盖章\s*[)）]"
    r"|年\s*月\s*日)[\s_＿]*$", re.MULTILINE)
_SHORT_TEXT = 12  # a line this short may be part of a label split over lines
_COVER_FIELDS = ("name", "legal_representative")


@dataclass
class Segment:
    text: str
    prov: Provenance
    label: Label | None = None
    kind: str = "paragraph"  # paragraph | cell
    row: int = -1  # block index of the row it belongs to


@dataclass
class _State:
    values: dict[str, list[Segment]] = field(default_factory=dict)
    cover: dict[str, Segment] = field(default_factory=dict)
    pending: list[tuple[Label, int]] = field(default_factory=list)  # (label, row of the label)
    current_long: str | None = None
    orphan_before: dict[str, Segment] = field(default_factory=dict)
    last_orphan: Segment | None = None
    in_table: bool = False


def parse(document: Document) -> Record:
    """Parse an annual report; unreadable values become None plus a note, never an exception."""
    segments = _merge_split_labels(list(_segments(document.blocks)))
    state = _State()
    for seg in segments:
        _feed(state, seg)
    _place_values_above_labels(state)
    record = Record(kind="annual_report")
    _fill_fields(record, state)
    _fill_cover(record, state, document)
    record.year = record.fields.get("report_year")
    record.org = record.fields.get("name")
    record.as_of = f"{record.year}-12" if record.year else None
    fill_facts(record)
    return record


_TABLE_FACTS = (("registered_capital_wan", "registered_capital"),
                ("net_assets_begin_wan", "net_assets_begin"), ("net_assets_end_wan", "net_assets_end"))


def _yuan(wan: object) -> Decimal | None:
    """万元 as yuan, written with a decimal point (49 万元 → 490000.0), as the output has always
    written the form's own figures."""
    amount = decimal_of(wan)
    if amount is None and isinstance(wan, str):
        try:
            amount = Decimal(wan.strip())
        except InvalidOperation:
            return None
    if amount is None or not amount.is_finite():
        return None
    amount *= 10000
    return amount.quantize(Decimal("0.1")) if int(amount.as_tuple().exponent) >= 0 else amount


def fill_facts(record: Record) -> None:
    """The form's own figures, then every figure of its prose rows, the activities first (also
    for a record loaded from JSON, which carries no sentences)."""
    for name, indicator in _TABLE_FACTS:
        value = record.fields.get(name)
        if value is not None:
            text, prov = record.evidence.get(name, (str(value), Provenance()))
            record.facts.append(Fact(indicator, text, amount_yuan=_yuan(value), page=prov.page))
    staff = record.fields.get("staff_count")
    if staff is not None:
        text, prov = record.evidence.get("staff_count", (str(staff), Provenance()))
        record.facts.append(Fact("staff_count", text, value=decimal_of(staff), unit="人",
                                 page=prov.page))
    texts = [(record.fields[name], record.evidence.get(name, ("", Provenance()))[1])
             for name in _PROSE_FIELDS if isinstance(record.fields.get(name), str)]
    if texts:
        record.sentences = sentences(texts)
        record.facts.extend(facts_of(record.sentences))


# The form's rows written as prose, whose figures are facts too (接受社会捐赠物资折合3.2万元),
# the activities first; not the two opinions (their only figures are dates).
_PROSE_FIELDS = ("activities", "change_registration", "licenses", "awards_and_litigation",
                 "donations")


# --------------------------------------------------------------------------- segmentation


def _segments(blocks: list[Block]) -> list[Segment]:
    out: list[Segment] = []
    for block in blocks:
        if block.kind == "page_break":
            continue
        if block.kind == "row":
            for i, cell in enumerate(block.cells):
                if cell.strip():
                    prov = Provenance(page=block.page, block=block.index, cell=i)
                    out.extend(_cell_segments(cell, prov, block.index))
        else:
            prov = Provenance(page=block.page, block=block.index)
            out.extend(_line_segments(block.text, prov))
    return out


# A label's signature also matches the label with its figure after it (年初数（万元） 128.60):
# such a text is split into the label and the figure.
_FIGURE = re.compile(r"-?\d[\d,]*(?:\.\d+)?\s*(?:万元|元|人|名)?")


def _label_with_figure(text: str) -> tuple[Label, str] | None:
    lead = labels.split_leading(text)
    if lead and lead[0].layout != LONG and _FIGURE.fullmatch(lead[1].strip()):
        return lead
    return None


def _cell_segments(cell: str, prov: Provenance, row: int) -> list[Segment]:
    label = labels.match(cell)
    if label and not _label_with_figure(cell):
        return [Segment(cell, prov, label, "cell", row)]
    lead = labels.split_leading(cell)
    if lead and lead[0].layout != LONG and "\n" not in lead[1]:
        head = cell[: len(cell) - len(lead[1])]
        return [Segment(head, prov, lead[0], "cell", row), Segment(lead[1], prov, None, "cell", row)]
    return [Segment(cell, prov, None, "cell", row)]


def _line_segments(text: str, prov: Provenance) -> list[Segment]:
    label = labels.match(text)
    if label and not _label_with_figure(text):
        return [Segment(text, prov, label)]
    if not labels.split_leading(text):
        return [Segment(text, prov)]
    # A label-led line, possibly with more labels on it: "填表人: 傅蔚霞 联系电话: ___".
    found = [(0, labels.split_leading(text)[0])]  # type: ignore[index]
    found += [(pos, lab) for pos, lab in labels.find_inline(text) if pos > 0]
    out: list[Segment] = []
    for i, (pos, label) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        piece = text[pos:end]
        lead = labels.split_leading(piece)
        value = lead[1] if lead else ""
        out.append(Segment(piece[: len(piece) - len(value)], prov, label))
        if value.strip():
            out.append(Segment(value.strip(), prov))
    return out


def _merge_split_labels(segments: list[Segment]) -> list[Segment]:
    """Join a label printed over several short lines ("对《条例》和" / "实施细则有关" / …)."""
    out: list[Segment] = []
    i = 0
    while i < len(segments):
        merged = None
        if _short_line(segments[i]):
            text = segments[i].text
            for j in range(i + 1, min(i + 6, len(segments))):
                if not _short_line(segments[j]):
                    break
                text += segments[j].text
                label = labels.match(text)
                if label:
                    merged = (j, Segment(text, segments[i].prov, label))
        if merged:
            out.append(merged[1])
            i = merged[0] + 1
        else:
            out.append(segments[i])
            i += 1
    return out


def _short_line(seg: Segment) -> bool:
    return seg.label is None and seg.kind == "paragraph" and len(seg.text) <= _SHORT_TEXT


# --------------------------------------------------------------------------- assignment


def _feed(state: _State, seg: Segment) -> None:
    label = seg.label
    if label is not None:
        _feed_label(state, seg, label)
        return
    if _BLANK.match(seg.text) and not state.pending:
        return
    if state.pending:
        lab, _ = state.pending.pop(0)
        state.values.setdefault(lab.field, []).append(seg)
        state.current_long = lab.field if lab.layout == LONG else None
        return
    if state.current_long:
        state.values[state.current_long].append(seg)
        return
    state.last_orphan = seg
    state.values.setdefault("", []).append(seg)


def _feed_label(state: _State, seg: Segment, label: Label) -> None:
    state.current_long = None
    if label.layout == HEADER:
        state.pending.clear()
        if "登载事项" in label.variants[0] or "资产损益" in label.variants[0]:
            state.in_table = True
        state.last_orphan = None
        return
    # Labels waiting in the same table row (a header row such as 年初数 | 年末数) keep waiting;
    # a label from an earlier line whose value never came is dropped.
    state.pending = [(lab, row) for lab, row in state.pending if row == seg.row and row >= 0]
    if state.last_orphan is not None:
        state.orphan_before[label.field] = state.last_orphan
        state.last_orphan = None
    if label.field in _COVER_FIELDS and seg.kind == "paragraph" and not state.in_table:
        label = Label("cover:" + label.field, label.variants)  # the cover's copy, compared later
    if state.values.get(label.field):
        # The same label again (a repeated header, the next page's copy): values already read.
        if label.layout == LONG:
            state.current_long = label.field
        return
    state.pending.append((label, seg.row))


def _place_values_above_labels(state: _State) -> None:
    """A label that got a value below it AND has an orphan above it, followed by text while the
    next field's label never appears: the orphan is the label's value and the text below belongs
    to the next field on the form (seed layout: change row printed above its label, then the
    activities text without its label)."""
    for name, above in state.orphan_before.items():
        if not name or name not in FORM_ORDER:
            continue
        following = FORM_ORDER[FORM_ORDER.index(name) + 1:]
        nxt = next((f for f in following if labels.BY_FIELD[f].layout == LONG), None)
        below = state.values.get(name, [])
        if not below:
            state.values[name] = [above]
        elif nxt and not state.values.get(nxt) and len(above.text) < len(below[0].text):
            state.values[nxt] = below
            state.values[name] = [above]
        _drop_orphan(state, above)


def _drop_orphan(state: _State, seg: Segment) -> None:
    orphans = state.values.get("", [])
    if seg in orphans:
        orphans.remove(seg)


# --------------------------------------------------------------------------- values


def _fill_fields(record: Record, state: _State) -> None:
    for name in FORM_ORDER:
        segs = state.values.get(name) or []
        if name in _COVER_FIELDS and not segs:
            segs = state.values.get("cover:" + name) or []
        raw = "\n".join(s.text for s in segs).strip()
        record.fields[name] = _convert(name, raw, record) if raw else None
        if segs:
            record.evidence[name] = (raw, segs[0].prov)
    for name in _COVER_FIELDS:
        segs = state.values.get("cover:" + name) or []
        if segs:
            record.evidence["cover:" + name] = (segs[0].text, segs[0].prov)


def _convert(name: str, raw: str, record: Record) -> Any:
    text = _MARKUP.sub("", raw).strip()
    if _BLANK.match(text):
        return None
    if name in AMOUNT_FIELDS:
        return _checked(name, raw, parse_amount_wan(text), record)
    if name == "report_year":  # 2024, 2024年度, （2024）年度
        text = re.sub(r"^[（(]?\s*(\d{4})\s*[)）]?\s*年度?$", r"\1", text)
    field = annual_report().field(name)
    if field.type == "integer":  # 从业人数, 报告年度
        return _checked(name, raw, parse_int(text), record)
    if field.format == "date":  # 报送日期
        parsed = parse_date(text)
        return _checked(name, raw, parsed.isoformat() if parsed else None, record)
    if name in ("credit_code", "phone"):
        return re.sub(r"\s+", "", text)
    if name in ("entrust_opinion", "sponsor_opinion"):
        text = "\n".join(line for line in text.split("\n") if not _FURNITURE.match(line)).strip()
        return text or None
    if field.layout == "long":
        return text
    return squeeze_cjk(text)


def _checked(name: str, raw: str, value: Decimal | int | str | None, record: Record) -> Any:
    if value is None:
        from nianbao.checks.figures import date_format, unit
        from nianbao.checks.notes import note

        record.notes.append(note(date_format if name == "submitted_on" else unit,
                                 {"field": name, "value": raw}, f"/record/{name}",
                                 shown={"label": LABEL_ZH[name]}, case="unreadable",
                                 evidence=raw))
    return value


def _fill_cover(record: Record, state: _State, document: Document) -> None:
    fields = record.fields
    head = "\n".join(b.text for b in document.blocks[:40])
    year_match = _YEAR_LINE.search(head)
    if fields.get("report_year") is None and year_match:
        fields["report_year"] = int(year_match.group(1))
        record.evidence["report_year"] = (year_match.group(0), Provenance())
    cover = bool(year_match) or fields.get("credit_code") is not None or "登记管理局制" in head
    fields["layout"] = "current_2014plus" if cover else "legacy"
    if fields.get("report_year") is None:
        year = infer_year(fields.get("change_registration"), fields.get("activities")) or \
            year_before(fields.get("submitted_on"))
        if year:
            fields["report_year"] = year
            from nianbao.checks.notes import note, year_inferred

            record.notes.append(note(year_inferred, {"year": year}, "/record/report_year"))


_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年(?!度?计划)")


def year_before(submitted_on: object) -> int | None:
    """The year a report sent in the first half of the next year is about (报送日期 2026-03-04 →
    2025: the annual report is due by 31 March, late ones by June); None for any other date."""
    m = re.match(r"((?:19|20)\d{2})-(\d{2})-\d{2}$", str(submitted_on or ""))
    return int(m.group(1)) - 1 if m and 1 <= int(m.group(2)) <= 6 else None


def infer_year(*texts: str | None) -> int | None:
    """The year the narrative is about: the most frequent `YYYY年` in the opening of the texts."""
    counts: Counter[int] = Counter()
    for text in texts:
        if text:
            counts.update(int(y) for y in _YEAR.findall(text[:3000]))
    if not counts:
        return None
    (year, n), *rest = counts.most_common(2) + [(0, 0)]
    return year if n > rest[0][1] else None
