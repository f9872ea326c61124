"""Field sizes: a runaway field is an error in `check` and refused by `generate`, even forced.

Before, a 1 MB address or a 2 MB activities field passed `check` and then kept WeasyPrint busy
for minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.errors import UsageError
from nianbao.generate.context import build_context
from nianbao.generate.limits import max_lengths
from nianbao.pipeline import check_path, to_json
from tests.conftest import ROOT, SEED_000, SEED_004, clean_fields


def record_file(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "record.json"
    path.write_text(to_json({"kind": "annual_report", "record": clean_fields() | changes}),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("field,size", [("address", 100_000), ("activities", 300_000)])
def test_check_reports_a_runaway_field_with_its_length(tmp_path: Path, field: str,
                                                       size: int) -> None:
    report = check_path(record_file(tmp_path, **{field: "院" * size}))
    (finding,) = [f for f in report.findings if f.rule == "schema.maxLength"]

    assert finding.severity == "error"
    assert finding.params["length"] == size and finding.params["limit"] == max_lengths()[field]
    assert f"{size} characters" in finding.message_en
    assert len(json.dumps(finding.params, ensure_ascii=False)) < 1000  # the value is not copied


def test_generate_refuses_a_runaway_field_even_when_forced(tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "generate", "annual-report",
         str(record_file(tmp_path, address="院" * 1_000_000)), "-o", str(out), "--force",
         "--lang", "en"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "address has 1,000,000 characters" in result.stderr
    assert not out.exists()


def test_the_library_refuses_it_too() -> None:
    with pytest.raises(UsageError, match="limit"):
        build_context(clean_fields() | {"activities": "做" * 20_001})


@pytest.mark.parametrize("seed", [SEED_000, SEED_004])
def test_real_filings_are_far_within_the_limits(seed: Path) -> None:
    report = check_path(seed.with_suffix(".txt"))
    fields = report.record.fields
    limits = max_lengths()

    assert "schema.maxLength" not in {f.rule for f in report.findings}
    for name, limit in limits.items():
        value = fields.get(name)
        assert not isinstance(value, str) or len(value) * 3 < limit
