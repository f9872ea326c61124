"""Shared fixtures: paths to the bundled examples and a fresh rule registry."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from nianbao.checks import Registry, default_registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "annual_report"
SEED_000 = EXAMPLES / "000_miluo_2025"
SEED_004 = EXAMPLES / "004_linyou_2022"
CLEAN_RECORD = EXAMPLES / "clean_record.json"


def nianbao(*args: str, cwd: Path = ROOT, lang: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would (`python -m nianbao ARGS [--lang LANG]`), output
    captured."""
    language = ["--lang", lang] if lang else []
    return subprocess.run([sys.executable, "-m", "nianbao", *args, *language], check=False,
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The failure line of a run that stopped on bad input: exit 2, one line, no traceback."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def registry() -> Registry:
    return default_registry()


def clean_fields() -> dict[str, Any]:
    """A complete, correct annual report: every rule stays silent on it. The one sample record
    of the tests, read from the bundled example (examples/annual_report/clean_record.json) with
    its amounts as Decimal; a fresh copy each call."""
    data = json.loads(CLEAN_RECORD.read_text(encoding="utf-8"), parse_float=Decimal)
    fields: dict[str, Any] = data["record"]
    return fields


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the expected outputs under examples/ (review the diff!).")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
