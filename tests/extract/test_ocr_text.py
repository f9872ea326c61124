"""What the recogniser writes is tidied into what the typed form would say (no OCR runs here)."""

from __future__ import annotations

import pytest

from nianbao.extract.ocr.page import tidy


@pytest.mark.parametrize(("read", "typed"), [
    ("财政补助 (全额)", "财政补助（全额）"),
    ("救助资金10453余万元,其中", "救助资金10453余万元，其中"),
    ("时间10:30,金额1,200元", "时间10:30，金额1,200元"),
    ("增加293人，\"应保尽保、应救尽救”得到", "增加293人，“应保尽保、应救尽救”得到"),
    ("推行\"政策找人\"、规范服务", "推行“政策找人”、规范服务"),
    ("say \"hi\" now", "say \"hi\" now"),
    ("填表人：傅蔚霞联系电话：", "填表人：傅蔚霞 联系电话："),
])
def test_recognised_text_reads_like_the_typed_form(read: str, typed: str) -> None:
    assert tidy(read) == typed
