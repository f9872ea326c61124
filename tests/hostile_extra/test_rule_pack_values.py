"""Rule-pack values no rule can use are refused when the pack is read, in one line. Before,
`submission_deadline = "13-45"` made report.year-mismatch crash on every filing (a
nianbao.rule-crashed finding, as for a bug), and `nan` or `inf` thresholds were taken: every
comparison with NaN is false, so the rules that use them silently never fired."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_000, nianbao


@pytest.mark.parametrize(("line", "expected"), [
    ('submission_deadline = "13-45"',
     "submission_deadline must be a day every year has, written \"MM-DD\" (not '13-45')"),
    ('submission_deadline = "02-30"',
     "submission_deadline must be a day every year has, written \"MM-DD\" (not '02-30')"),
    ("tekun_standard_ratio = nan", "tekun_standard_ratio: NaN is not a finite number"),
    ("dibao_edge_multiple = inf", "dibao_edge_multiple: Infinity is not a finite number"),
])
def test_a_value_no_rule_can_use_is_refused(tmp_path: Path, line: str, expected: str) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text(f"[settings]\n{line}\n", encoding="utf-8")
    result = nianbao("check", str(SEED_000.with_suffix(".txt")), "--config", str(pack),
                     lang="en")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr and "rule-crashed" not in result.stdout


def test_a_deadline_every_year_has_is_taken(tmp_path: Path) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text('[settings]\nsubmission_deadline = "06-30"\n', encoding="utf-8")
    result = nianbao("check", str(SEED_000.with_suffix(".txt")), "--config", str(pack),
                     "--format", "json")
    assert result.returncode in (0, 1) and "rule-crashed" not in result.stdout
