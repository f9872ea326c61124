"""One very long sentence: read in linear time, or said to be too long; never a hang.

Before, finding each figure's clause and subject scanned every clause of the sentence, so one
sentence of 300 KB took ~14 s, 1 MB ~109 s and 10 MB did not finish.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from nianbao.extract.facts import MAX_SENTENCE_CHARS, Sentence, facts_of, sentences
from nianbao.pipeline import check_path


def one_sentence_file(tmp_path: Path, unit: str, size: int) -> Path:
    path = tmp_path / "long.txt"
    path.write_text("工作总结\n" + unit * (size // len(unit.encode())) + "。\n", encoding="utf-8")
    return path


def test_a_megabyte_sentence_is_reported_not_hung_on(tmp_path: Path) -> None:
    report = check_path(one_sentence_file(tmp_path, "保障对象832户1155人，", 1_000_000))
    found = [f for f in report.findings if f.rule == "text.sentence-too-long"]

    assert len(found) == 1
    assert found[0].severity == "warning"
    assert found[0].params["chars"] > MAX_SENTENCE_CHARS
    assert "not read" in found[0].message_en


def test_a_long_sentence_within_the_limit_keeps_every_figure() -> None:
    unit = "城市低保保障832户1155人，"
    text = unit * (MAX_SENTENCE_CHARS // len(unit))
    facts = facts_of(sentences([(text, None)]))

    assert len(facts) == MAX_SENTENCE_CHARS // len(unit)
    assert {f.indicator for f in facts} == {"urban_dibao"}
    assert {(f.households, f.persons) for f in facts} == {(832, 1155)}


def test_an_earlier_clause_still_gives_the_subject() -> None:
    facts = facts_of(sentences([("城市低保：保障832户1155人，累计发放救助资金498.08万元。", None)]))

    assert [(f.indicator, f.households, f.amount_yuan) for f in facts] == [
        ("urban_dibao", 832, None), ("urban_dibao", None, 4980800)]


def test_the_sentence_under_the_limit_gets_no_finding(tmp_path: Path) -> None:
    report = check_path(one_sentence_file(tmp_path, "保障对象832户1155人，", 3_000))

    assert "text.sentence-too-long" not in {f.rule for f in report.findings}


def _linear_clause_of(s: Sentence, pos: int) -> tuple[int, int]:
    for start, end in s.clauses:
        if start <= pos < end:
            return start, end
    return 0, len(s.text)


@given(st.text(alphabet="低保户，、：（）12", max_size=60), st.integers(min_value=-2, max_value=70))
def test_clause_of_is_the_clause_holding_the_position(text: str, pos: int) -> None:
    s = sentences([(text + "。", None)])
    for sentence in s:
        assert sentence.clause_of(pos) == _linear_clause_of(sentence, pos)
