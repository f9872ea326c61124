"""Parser for work summaries, statistics reports and the prose of other kinds: the document's
title, org, year and as-of month, its section outline, its sentences and facts."""

from __future__ import annotations

import re
from collections import Counter

from nianbao.extract.facts import facts_of, sentences, unwrap
from nianbao.extract.tables import table_facts
from nianbao.model import Document, Provenance, Record

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d))")
_AS_OF = re.compile(r"截[至止]\s*(20\d{2})\s*年\s*(\d{1,2})\s*月")
_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE_ORG = re.compile(r"^(.{2,40}?)(?:20\d{2}\s*年)")


def parse(document: Document, kind: str) -> Record:
    tabular, used = table_facts(document.blocks)
    # Everything not read as a statistics table is prose, in reading order (bulleted lines
    # with tabs included).
    texts = [(b.text, Provenance(b.page, b.index)) for b in document.blocks
             if b.text.strip() and b.index not in used]
    if document.source.format == "pdf":
        texts = join_wrapped(texts)
    record = Record(kind=kind)
    record.sentences = sentences(texts)
    record.facts = facts_of(record.sentences) + tabular
    title = texts[0][0].strip() if texts else ""
    record.year = _year(title, document.text)
    record.as_of = _as_of(document.text, record.year)
    org = _TITLE_ORG.match(title)
    record.org = org.group(1).strip() if org else None
    record.fields = {"title": title, "outline": [t for t, _ in texts if _HEADING.match(t)][:200]}
    return record


def join_wrapped(texts: list[tuple[str, Provenance]]) -> list[tuple[str, Provenance]]:
    """A PDF gives one block per printed line: join the lines of a paragraph again (the line
    before was long and stopped mid-sentence), so a sentence and its figures stay together."""
    out: list[tuple[str, Provenance]] = []
    for text, prov in texts:
        if out and unwrap(out[-1][0] + "\n" + text).count("\n") == out[-1][0].count("\n"):
            out[-1] = (out[-1][0] + text, out[-1][1])
        else:
            out.append((text, prov))
    return out


def _year(title: str, text: str) -> int | None:
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    counts = Counter(int(y) for y in _YEAR.findall(text[:8000]))
    return counts.most_common(1)[0][0] if counts else None


def _as_of(text: str, year: int | None) -> str | None:
    months = [(int(y), int(m)) for y, m in _AS_OF.findall(text) if 1 <= int(m) <= 12]
    if year is not None:
        months = [ym for ym in months if ym[0] == year] or months
    if months:
        y, m = max(months)
        return f"{y}-{m:02d}"
    return f"{year}-12" if year else None
