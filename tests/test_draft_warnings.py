"""`draft` warns when the work summary is another year's or another place's.

Before, a summary picked by mistake from a folder of many counties' summaries filled
开展业务活动情况 without a word.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.draft import summary_warnings
from nianbao.extract import read
from nianbao.pipeline import check_path, parse
from tests.conftest import ROOT, SEED_000
from tests.test_draft import SUMMARY_2026

BEIHU_2025 = ROOT / "examples" / "counties" / "01_beihu_2025.txt"


def warnings_for(tmp_path: Path, text: str, year: int = 2026) -> list[str]:
    path = tmp_path / "summary.txt"
    path.write_text(text, encoding="utf-8")
    previous = check_path(SEED_000.with_suffix(".txt")).record
    return [en for _, en in summary_warnings(previous, parse(read(path), "work_summary"), year)]


@pytest.mark.parametrize("prefix", ["", "汨罗市", "岳阳市民政局"])
def test_this_institutions_summary_of_this_year_is_silent(tmp_path: Path, prefix: str) -> None:
    assert warnings_for(tmp_path, prefix + SUMMARY_2026) == []


def test_another_year(tmp_path: Path) -> None:
    (warning,) = warnings_for(tmp_path, SUMMARY_2026, year=2027)

    assert "about 2026 but the draft is for 2027" in warning


def test_another_place(tmp_path: Path) -> None:
    (warning,) = warnings_for(tmp_path, "北湖区" + SUMMARY_2026)

    assert "by 北湖区, outside 湖南省岳阳市汨罗市" in warning


def test_the_command_prints_both_and_still_drafts(tmp_path: Path) -> None:
    out = tmp_path / "draft.json"
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "draft", "--previous", str(SEED_000.with_suffix(".txt")),
         "--summary", str(BEIHU_2025), "--year", "2026", "-o", str(out), "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)

    assert result.returncode == 0 and out.exists()
    assert "warning: the work summary is about 2025" in result.stderr
    assert "warning: the work summary is by 北湖区" in result.stderr
