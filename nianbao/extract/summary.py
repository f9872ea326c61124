"""Parser for work summaries, statistics reports and the prose of other kinds: the document's
title, org, year and as-of month, its section outline, its sentences and facts."""

from __future__ import annotations

import re

from nianbao.extract import meta, statistics
from nianbao.extract.facts import facts_of, sentences, unwrap
from nianbao.extract.tables import Table
from nianbao.model import Document, Provenance, Record

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d))")
_TITLE_ORG = re.compile(r"^(.{2,40}?)(?:20\d{2}\s*年)")


def parse(document: Document, kind: str, found: list[Table] | None = None) -> Record:
    """The record of `document`; `found` are its statistics tables when the caller has them
    (from telling the kind), else they are found here."""
    tables = ([statistics.read_table(t) for t in found] if found is not None
              else statistics.read_tables(document.blocks))
    used = {i for t in tables for i in t.table.blocks}
    # Everything not read as a statistics table is prose, in reading order (bulleted lines
    # with tabs included).
    texts = [(b.text, Provenance(b.page, b.index)) for b in document.blocks
             if b.text.strip() and b.index not in used]
    if document.source.format == "pdf":
        texts = join_wrapped(texts)
    record = Record(kind=kind)
    record.sentences = sentences(texts)
    record.facts = facts_of(record.sentences) + statistics.facts(tables)
    record.tables = tables
    title = next((t.strip() for t, _ in texts if not meta.is_furniture(t)), "")
    record.year = meta.report_year(title, document.text)
    record.as_of = meta.report_as_of(document, kind, record.year)
    org = _TITLE_ORG.match(title)
    prefix = re.sub(r"关于$", "", org.group(1).strip()) if org else None
    record.org = meta.report_org(document, title, prefix)
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
