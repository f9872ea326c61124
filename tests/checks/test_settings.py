"""Settings and rule packs: thresholds, severity overrides and disabled rules from TOML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.checks import CheckContext, Settings, default_registry, load_settings
from nianbao.checks.settings import shipped_packs
from nianbao.cli.main import cli
from nianbao.errors import UsageError
from nianbao.model import Finding, Record
from tests.conftest import clean_fields

LATE = {"submitted_on": "2026-05-10"}  # after 31 March, before 30 June


def findings(settings: Settings, **changes: object) -> list[Finding]:
    record = Record(kind="annual_report", fields=clean_fields() | changes, year=2025)
    return default_registry().run(CheckContext(record, None, settings))


def rules(found: list[Finding]) -> list[str]:
    return [f.rule for f in found]


def test_the_shipped_packs_load_and_national_is_the_default() -> None:
    assert {"national", "gansu", "guizhou"} <= set(shipped_packs())
    assert load_settings("national") == Settings()
    assert load_settings("gansu").dibao_edge_multiple == Decimal("2.0")
    assert load_settings("guizhou").submission_deadline_month_day == (6, 30)


def test_a_provincial_filing_deadline_changes_what_is_late() -> None:
    assert "report.year-mismatch" in rules(findings(Settings(), **LATE))
    assert "report.year-mismatch" not in rules(findings(load_settings("guizhou"), **LATE))


def test_severity_overrides_and_disabled_rules(tmp_path: Path) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text('extends = "national"\n[rules]\ndisabled = ["report.year-mismatch"]\n'
                    '[rules.severity]\n"report.capital-drift" = "error"\n', encoding="utf-8")
    settings = load_settings(pack)
    found = findings(settings, registered_capital_wan=Decimal(100), **LATE)
    assert "report.year-mismatch" not in rules(found)
    (drift,) = [f for f in found if f.rule == "report.capital-drift"]
    assert drift.severity == "error"
    effective = default_registry().configured(settings)
    assert "report.year-mismatch" not in {r.id for r in effective}
    assert effective["report.capital-drift"].severity == "error"


def test_the_capital_drift_threshold_is_one_setting() -> None:
    wide = Settings(capital_drift=Decimal("0.60"))
    assert "report.capital-drift" in rules(findings(Settings(), registered_capital_wan=Decimal(70)))
    assert "report.capital-drift" not in rules(findings(wide, registered_capital_wan=Decimal(70)))


def test_the_config_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_CONFIG", "guizhou")
    assert load_settings().pack == "guizhou"


@pytest.mark.parametrize("text", ['[settings]\nno_such = 1\n', '[settings]\ntekun_standard_ratio = "x"\n',
                                  '[rules.severity]\n"a.b" = "fatal"\n', "not toml ["])
def test_a_bad_pack_is_one_clear_error(tmp_path: Path, text: str) -> None:
    pack = tmp_path / "bad.toml"
    pack.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.toml"):
        load_settings(pack)


def test_rules_with_config_shows_the_effective_set() -> None:
    result = CliRunner().invoke(cli, ["rules", "--config", "guizhou", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("rule pack: guizhou")
    assert "submission_deadline_month_day = 06-30" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("report.capital-drift"))
    assert "info" in line
    assert "nianbao.rule-crashed" in result.output


def test_each_case_of_a_rule_has_its_own_template() -> None:
    late = [f for f in findings(Settings(), **LATE) if f.rule == "report.year-mismatch"]
    assert [f.message_zh for f in late] == ["报送日期2026-05-10不在2026年1月1日至3月31日之间"]
    assert late[0].message_en == "submitted on 2026-05-10, outside 1 January – 31 March 2026"
    other = findings(Settings(), activities="2023年，我中心保障城乡低保对象6800户。",
                     change_registration="2023年度无变更。")
    (about,) = [f for f in other if f.rule == "report.year-mismatch"]
    assert about.message_en == "the report year is 2025 but the text is about 2023"
    rule = default_registry()["report.year-mismatch"]
    assert [name for name, _, _ in rule.cases] == ["late"]
