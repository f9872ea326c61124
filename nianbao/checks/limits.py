"""Text past the limits a reader keeps to: said as a finding, never a silent gap or a hang."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.extract.facts import MAX_SENTENCE_CHARS


@rule("text.sentence-too-long", "warning",
      title=("句子过长，未读取其中数字", "a sentence too long to read its figures"),
      message=("有一句长达 {chars} 字（上限 {limit} 字），其中的数字未读取、未核对",
               ("a sentence of {chars} characters (limit {limit}): its figures were not read "
                "or checked")))
def sentence_too_long(ctx: CheckContext) -> Iterator[Hit]:
    """Real prose keeps a sentence to a few hundred characters. A "sentence" of many thousands
    (text without any full stop, a table flattened into one line, or a file made to slow the
    checks down) is not read for figures, since reading costs time in proportion to its length
    for each figure; a reviewer is told so that figures are not assumed checked."""
    for s in ctx.record.sentences:
        if len(s.text) > MAX_SENTENCE_CHARS:
            yield Hit({"chars": len(s.text), "limit": MAX_SENTENCE_CHARS}, "/facts",
                      s.text[:60] + "…", s.prov)


RULES: tuple[Rule, ...] = (sentence_too_long,)
