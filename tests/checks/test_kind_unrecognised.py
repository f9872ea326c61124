"""report.kind-unrecognised: a file that is no report at all is not passed as a clean summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import check

ROOT = Path(__file__).resolve().parents[2]


def found(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "file.txt"
    path.write_text(text, encoding="utf-8")
    return [(f.rule, f.message_zh) for f in check(path).findings
            if f.rule == "report.kind-unrecognised"]


@pytest.mark.parametrize("text", ["hello", "会议纪要", "Meeting notes: bring the laptop.\n"
                                  "下午三点开会，地点三楼。请准时到。"])
def test_a_file_with_almost_no_chinese_text_is_questioned(tmp_path: Path, text: str) -> None:
    (finding,) = found(tmp_path, text)
    assert "个汉字" in finding[1] and "是否选错了文件" in finding[1]


def test_chinese_text_about_something_else_is_questioned(tmp_path: Path) -> None:
    text = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。床前明月光，疑是地上霜。举头望明月，低头思故乡。"
    (finding,) = found(tmp_path, text)
    assert "没有一处谈到" in finding[1]


def test_the_bundled_summaries_are_silent() -> None:
    summaries = sorted((ROOT / "examples" / "work_summary").glob("*.txt"))
    assert summaries
    for path in summaries:
        assert not [f for f in check(path).findings if f.rule == "report.kind-unrecognised"]


def test_a_short_real_news_item_is_silent(tmp_path: Path) -> None:
    assert found(tmp_path, "本报讯 近日，青禾县民政局为全县1200户困难群众发放临时救助资金36万元。") == []
