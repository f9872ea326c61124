"""Each bundled example gives its expected output (examples/annual_report/expected/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nianbao.pipeline import check_path, to_json
from tests.conftest import EXAMPLES

INPUTS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))


def stable(report_json: dict[str, Any]) -> dict[str, Any]:
    """The parts that must not drift: no absolute paths."""
    data = dict(report_json)
    data["source"] = {k: v for k, v in data["source"].items() if k != "path"}
    return data


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_example_gives_expected_output(path: Path, update_golden: bool) -> None:
    actual = json.loads(to_json(stable(check_path(path).to_dict())))
    expected_path = EXAMPLES / "expected" / (path.name + ".json")
    if update_golden:
        expected_path.parent.mkdir(exist_ok=True)
        expected_path.write_text(to_json(actual) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected
