"""`--year` past any report year: one usage line and exit 2. Before, `status --year
99999999999999999999` ended in an internal error (SQLite cannot hold the number) and `draft`
wrote a draft whose year `check` then refused to load."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_000, nianbao


@pytest.mark.parametrize("year", ["99999999999999999999", "20250", "0", "-1"])
@pytest.mark.parametrize("command", ["draft", "status", "summary"])
def test_a_year_out_of_range_is_one_usage_line(tmp_path: Path, command: str, year: str) -> None:
    text = str(SEED_000.with_suffix(".txt"))
    args = {"draft": ["draft", "--previous", text, "-o", str(tmp_path / "d.json")],
            "status": ["status", "--store", str(tmp_path / "s.sqlite")],
            "summary": ["summary", text, "--region", "汨罗市", "-o", str(tmp_path / "out")],
            }[command]
    result = nianbao(*args, f"--year={year}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"nianbao: 用法错误：Invalid value for '--year': {year} is not in the range "
        f"1900<=x<=2100.（用法见 nianbao {command} --help）"]
    assert not (tmp_path / "d.json").exists() and not (tmp_path / "out").exists()
