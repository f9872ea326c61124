"""Work summaries read from PDF: printed lines of one paragraph are joined again."""

from __future__ import annotations

from nianbao.extract.summary import join_wrapped
from nianbao.model import Provenance


def test_wrapped_pdf_lines_join_and_headings_stay() -> None:
    lines = ["城乡低保对象共计保障困难群众一千余户，其中城市低保对象832户", "1155人，农村低保1040户1256人。",
             "二、下一步打算", "继续做好低保扩围工作。"]
    joined = [text for text, _ in join_wrapped([(t, Provenance()) for t in lines])]
    assert joined == ["城乡低保对象共计保障困难群众一千余户，其中城市低保对象832户1155人，农村低保1040户1256人。",
                      "二、下一步打算", "继续做好低保扩围工作。"]
