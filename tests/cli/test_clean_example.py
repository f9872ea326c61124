"""The bundled clean record (the tests' sample record, `tests.conftest.clean_fields`): the
README's generate example works on it without --force."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CLEAN_RECORD, nianbao

CLEAN = CLEAN_RECORD


def test_it_checks_clean_and_generates_without_force(tmp_path: Path) -> None:
    checked = nianbao("check", str(CLEAN), lang="en")
    generated = nianbao("generate", "annual-report", str(CLEAN), "-o", str(tmp_path / "f.docx"),
                        lang="en")

    assert checked.returncode == 0 and "0 errors, 0 warnings, 0 info" in checked.stdout
    assert generated.returncode == 0 and (tmp_path / "f.docx").is_file()
