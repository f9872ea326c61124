"""`generate --clean`: the form without what the checks flag as left-overs, and the list of it.

What goes, found by the same rules `check` reports them with, run on the record's text fields:

- markup (`text.markup-artefact`): markdown bold markers ``**…**`` lose their asterisks (the
  words stay); Word bookmarks ``[bookmark: …]`` and template tags ``{{ … }}`` ``{% … %}`` go;
- lines in traditional script or of bare symbols (`text.foreign-script`): the flagged line and
  the rest of its passage (the following lines written without simplified-only characters).

Nothing is removed silently: every removal is returned, for the caller to list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nianbao.checks import text as text_rules
from nianbao.checks.registry import CheckContext
from nianbao.model import Record
from nianbao.text.normalize import is_cjk


@dataclass(frozen=True)
class Removal:
    """One thing taken out: the field, the text removed and the rule that flagged it."""

    field: str
    removed: str
    rule: str


def clean_fields(fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[Removal]]:
    """`fields` without the flagged left-overs, and what was removed, in field order."""
    cleaned = dict(fields)
    removals: list[Removal] = []
    ctx = CheckContext(Record(kind="annual_report", fields=dict(fields)))
    lines: dict[str, set[str]] = {}
    for hit in text_rules.foreign_script.func(ctx):
        if hit.case == "whole-document":
            continue  # a form written wholly in traditional script is not a left-over
        lines.setdefault(_field(hit.pointer), set()).add(hit.evidence)
    for name, flagged in lines.items():
        kept, gone = _drop_passages(str(cleaned[name]).split("\n"), flagged)
        cleaned[name] = "\n".join(kept)
        removals += [Removal(name, line, text_rules.foreign_script.id) for line in gone]
    ctx = CheckContext(Record(kind="annual_report", fields=dict(cleaned)))
    for hit in text_rules.markup_artefact.func(ctx):
        name, markup = _field(hit.pointer), hit.evidence
        value = str(cleaned[name])
        if markup not in value:
            continue
        inner = markup[2:-2] if markup.startswith("**") and markup.endswith("**") else ""
        cleaned[name] = value.replace(markup, inner, 1)
        removals.append(Removal(name, markup if not inner else "**", text_rules.markup_artefact.id))
    return cleaned, removals


def _field(pointer: str) -> str:
    return pointer.removeprefix("/record/")


def _drop_passages(lines: list[str], flagged: set[str]) -> tuple[list[str], list[str]]:
    """Lines without the flagged ones and the traditional-script lines that continue them."""
    kept: list[str] = []
    gone: list[str] = []
    in_passage = False
    for line in lines:
        han = [c for c in line if is_cjk(c)]
        continues = in_passage and bool(han) and not any(
            c in text_rules.SIMPLIFIED_ONLY for c in han) and any(text_rules.not_gb2312(c) for c in han)
        if line in flagged or continues:
            gone.append(line)
            in_passage = True
        else:
            kept.append(line)
            in_passage = False
    return kept, gone
