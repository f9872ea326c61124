"""The bundled clean record (the tests' sample record, `tests.conftest.clean_fields`): the
README's generate example works on it without --force."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import CLEAN_RECORD, ROOT

CLEAN = CLEAN_RECORD


def test_it_checks_clean_and_generates_without_force(tmp_path: Path) -> None:
    def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "nianbao", *args, "--lang", "en"],
                              capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)

    checked = nianbao("check", str(CLEAN))
    generated = nianbao("generate", "annual-report", str(CLEAN), "-o", str(tmp_path / "f.docx"))

    assert checked.returncode == 0 and "0 errors, 0 warnings, 0 info" in checked.stdout
    assert generated.returncode == 0 and (tmp_path / "f.docx").is_file()
