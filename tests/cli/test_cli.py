"""The command line: exit codes, one-line errors, JSON contract, help on every command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from nianbao.cli.main import cli
from tests.conftest import ROOT, SEED_000, SEED_004, nianbao


def test_check_json_is_the_output_contract() -> None:
    result = nianbao("check", str(SEED_000.with_suffix(".txt")), "--format", "json")
    assert result.returncode == 1  # seed 000 has error findings
    data = json.loads(result.stdout)
    assert data["nianbao"] == "1" and data["kind"] == "annual_report"
    assert data["source"]["format"] == "txt" and len(data["source"]["sha256"]) == 64
    assert (data["year"], data["as_of"], data["org"]) == (2025, "2025-12", "汨罗市社会救助服务中心")
    assert data["record"]["net_assets_end_wan"] == 236.18
    rules = {f["rule"] for f in data["findings"]}
    assert {"report.signer-mismatch", "text.foreign-script"} <= rules
    assert "identity.credit-code" not in rules  # the code is valid


def test_check_table_in_chinese_and_english() -> None:
    zh = nianbao("check", str(SEED_004.with_suffix(".txt")))
    en = nianbao("check", str(SEED_004.with_suffix(".txt")), "--lang", "en")
    assert "缺少必填项“统一社会信用代码”" in zh.stdout
    assert "required field missing: unified social credit code" in en.stdout
    assert zh.returncode == en.returncode == 1


@pytest.mark.parametrize("name,data,exit_status,message", [
    ("missing.txt", None, 2, "file not found"),
    ("empty.txt", b"", 2, "file is empty"),
    ("x.numbers", b"1", 2, "unsupported file type"),
    ("noise.pdf", bytes(range(256)) * 4, 2, "PDF"),
    ("noise.docx", bytes(range(256)) * 4, 2, "DOCX"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, name: str, data: bytes | None,
                                          exit_status: int, message: str) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    result = nianbao("check", str(path), "--lang", "en")
    assert result.returncode == exit_status
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_batch_of_files_goes_on_after_a_bad_one(tmp_path: Path) -> None:
    result = nianbao("check", str(tmp_path / "nope.txt"), str(SEED_004.with_suffix(".txt")),
                     "--format", "json")
    assert result.returncode == 2
    assert json.loads(result.stdout.strip())["org"] == "麟游县城乡居民最低生活保障管理中心"


def test_usage_error_exit_2() -> None:
    assert nianbao("check").returncode == 2
    assert nianbao("check", "x.txt", "--format", "yaml").returncode == 2


def test_extract_writes_record_and_never_overwrites_input(tmp_path: Path) -> None:
    src = tmp_path / "r.txt"
    src.write_bytes(SEED_004.with_suffix(".txt").read_bytes())
    out = tmp_path / "r.json"
    assert nianbao("extract", str(src), "-o", str(out)).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["record"]["staff_count"] == 7
    before = src.read_bytes()
    result = nianbao("extract", str(src), "-o", str(src))
    assert result.returncode == 2 and src.read_bytes() == before


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        out.append((prefix + name, command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + name + " "))
    return out


@pytest.mark.parametrize("name,command", _commands(cli))
def test_every_command_has_help(name: str, command: click.Command) -> None:
    assert command.help and len(command.help) > 30, f"{name} lacks help"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} lacks help"


def test_docs_rules_md_is_current() -> None:
    result = nianbao("rules", "--format", "md")
    assert result.stdout == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), \
        "docs/rules.md is stale: run `nianbao rules --format md -o docs/rules.md`"


def test_generate_refuses_errors_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    refused = nianbao("generate", "annual-report", str(SEED_000.with_suffix(".txt")), "-o", str(out),
                      "--lang", "en")
    assert refused.returncode == 1 and not out.exists()
    assert "report.signer-mismatch" in refused.stderr and "--force" in refused.stderr
    forced = nianbao("generate", "annual-report", str(SEED_000.with_suffix(".txt")), "-o", str(out),
                     "--force")
    assert forced.returncode == 0 and out.read_bytes().startswith(b"%PDF")


def test_generate_public_copy_from_a_record_json(tmp_path: Path) -> None:
    record = tmp_path / "rec.json"
    assert nianbao("extract", str(SEED_000.with_suffix(".txt")), "-o", str(record)).returncode == 0
    out = tmp_path / "public.docx"
    result = nianbao("generate", "annual-report", str(record), "-o", str(out), "--public", "--force")
    assert result.returncode == 0
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "汨罗市社会救助服务中心" in text and "傅蔚霞" not in text


def test_generate_never_overwrites_its_input(tmp_path: Path) -> None:
    src = tmp_path / "form.docx"
    src.write_bytes(SEED_004.with_suffix(".docx").read_bytes())
    before = src.read_bytes()
    result = nianbao("generate", "annual-report", str(src), "-o", str(src), "--force", "--lang", "en")
    assert result.returncode == 2 and src.read_bytes() == before
    assert len(result.stderr.strip().splitlines()) == 1


def test_generate_rejects_other_extensions(tmp_path: Path) -> None:
    result = nianbao("generate", "annual-report", str(SEED_004.with_suffix(".txt")), "-o",
                     str(tmp_path / "x.odt"))
    assert result.returncode == 2


def test_summary_rolls_counties_up_and_flags_the_region_total(tmp_path: Path) -> None:
    counties = ROOT / "examples" / "counties"
    inputs = sorted(str(p) for p in counties.glob("0[1-4]_*.txt"))
    result = nianbao("summary", *inputs, "--region", "云川市", "--year", "2025", "--region-report",
                     str(counties / "00_yunchuan_city_2025.txt"), "-o", str(tmp_path / "out"),
                     "--workers", "1")
    assert result.returncode == 1, result.stderr
    assert "rollup.mismatch" in result.stdout and "19578" in result.stdout
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".docx"] * 5 + [".pdf"] * 5
