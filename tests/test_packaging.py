"""The built wheel carries the templates and schemas, and finds them once installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_ships_templates_and_schemas(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("nianbao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("nianbao/templates/annual_report.html", "nianbao/templates/annual_report.docx",
                     "nianbao/templates/css/annual_report.css",
                     "nianbao/schemas/annual_report.schema.json", "nianbao/py.typed",
                     "nianbao/templates/notice.html", "nianbao/templates/notice.docx",
                     "nianbao/templates/css/notice.css", "nianbao/schemas/notice.schema.json",
                     "nianbao/templates/county_summary.html", "nianbao/data/indicators.toml",
                     "nianbao/data/packs/national.toml", "nianbao/data/packs/guizhou.toml",
                     "nianbao/cli/main.py"):
        assert required in names, f"{required} missing from the wheel"
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
    # Installed elsewhere, the package finds its resources inside itself.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = ("import nianbao.resources as r; p = r.template_path('annual_report.html'); "
             "print(p); assert p.is_file(); "
             # the form's labels and the notice's parts come from the installed schemas
             "from nianbao.extract import labels; assert labels.match('接收捐赠资助及使用情况'); "
             "import nianbao.forms as f; assert f.notice().field('colophon/cc').variants")
    out = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(target)}, timeout=60)
    assert out.returncode == 0, out.stderr
    assert str(target) in out.stdout
