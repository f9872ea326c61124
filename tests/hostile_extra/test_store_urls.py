"""An SQLite store URL with parameters (`?mode=ro`): one line, exit 2, nothing created. Before,
the driver ignored them (the filing was stored as without them) and SQLAlchemy's warning saying
so went to stderr as a second, Python-internal line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_000, nianbao


@pytest.mark.parametrize("query", ["mode=ro", "mode=ro&uri=true", "cache=shared"])
def test_an_sqlite_url_with_parameters_is_one_line(tmp_path: Path, query: str) -> None:
    url = f"sqlite:///{tmp_path / 'filings.sqlite'}?{query}"
    result = nianbao("check", str(SEED_000.with_suffix(".txt")), "--store", url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"nianbao: SQLite 存储库地址不接受参数：{url}；请只写文件路径"]
    assert list(tmp_path.iterdir()) == []
