"""Real notices print their 发文字号 in several places: under the 发文机关标志, beside 签发人,
under the title (web copies), in brackets after the title. The parser finds it in each and
leaves it out of the title and the 主送机关; a notice whose number is a citation in the text
still has none of its own."""

from __future__ import annotations

import pytest

from nianbao.extract.notice import parse
from nianbao.extract.txt_reader import blocks
from nianbao.model import Document, Record, Source

TITLE = "关于做好2025年度冬春困难群众救助工作的通知"
TAIL = "各市州民政局：\n为保障困难群众基本生活，现就有关工作通知如下。\n一、摸清底数。\n青海省民政厅\n2025年10月20日\n"


def notice(text: str) -> Record:
    return parse(Document(Source("notice.txt", "0" * 64, "txt"), blocks(text)))


@pytest.mark.parametrize("head", [
    f"青海省民政厅文件\n\n{TITLE}\n青民发〔2025〕8号\n\n",          # alone under the title
    f"青海省民政厅文件\n青民发〔2025〕8号\n{TITLE}\n",               # under the 标志
    f"青海省民政厅文件\n\n青民发〔2025〕8号        签发人：李明\n\n{TITLE}\n",  # with 签发人
    f"青海省民政厅文件\n签发人：李明  青民发〔2025〕8号\n{TITLE}\n",  # 签发人 first
    f"{TITLE}\n（青民发〔2025〕8号）\n",                              # bracketed, web copy
    f"{TITLE}\n发文字号：青民发〔2025〕8号\n",                        # labelled
    f"青海省民政厅\n{TITLE}（青民发〔2025〕8号）\n",                  # on the title line
])
def test_the_number_is_found_wherever_it_stands(head: str) -> None:
    record = notice(head + TAIL)
    assert record.fields["doc_number"] == "青民发〔2025〕8号"
    assert record.fields["title"] == TITLE
    assert record.fields["recipients"] == "各市州民政局"
    assert record.fields["date"] == "2025-10-20"
    assert "青民发〔2025〕8号" in record.evidence["doc_number"][0]


def test_a_cited_number_is_not_the_notices_own() -> None:
    """The number of the document a notice forwards, in its first sentence, is not its own."""
    text = (f"青海省民政厅\n{TITLE}\n各市州民政局：\n根据民政部民发〔2025〕3号文件精神，现通知如下。\n"
            "青海省民政厅\n2025年10月20日\n")
    record = notice(text)
    assert record.fields["doc_number"] is None
    assert record.fields["recipients"] == "各市州民政局"


def test_a_sentence_starting_with_a_number_is_not_the_number_line() -> None:
    text = f"{TITLE}\n青民发〔2025〕8号文件已印发，请遵照执行。\n青海省民政厅\n2025年10月20日\n"
    assert notice(text).fields["doc_number"] is None
