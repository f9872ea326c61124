"""The README's Python example runs as written (on a bundled report, with a store in tmp)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    shutil.copy(ROOT / "examples" / "annual_report" / "000_miluo_2025.pdf", tmp_path / "report.pdf")
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), scope)
    report = scope["report"]
    assert (tmp_path / "filings.sqlite").exists()
    assert report.record.fields["credit_code"] == "12430681593289443F"  # type: ignore[attr-defined]
