"""`generate --clean`: the form without markup and foreign-script left-overs, each removal listed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pdfplumber

from nianbao.generate.clean import Removal, clean_fields
from nianbao.generate.pdf_writer import write_pdf
from tests.conftest import ROOT
from tests.generate.records import RECORD

DIRTY = {**RECORD, "activities": "2025年**重点**工作[bookmark: _Toc1]全部完成。\n"
                                 "請就本報調查之情況，就下列各點發表意見。\n"
                                 "並於期限內將結果報送本會。\n全市城乡低保对象6800户。"}


def test_left_overs_go_and_each_is_listed() -> None:
    cleaned, removals = clean_fields(DIRTY)
    assert cleaned["activities"] == "2025年重点工作全部完成。\n全市城乡低保对象6800户。"
    assert removals == [
        Removal("activities", "請就本報調查之情況，就下列各點發表意見。", "text.foreign-script"),
        Removal("activities", "並於期限內將結果報送本會。", "text.foreign-script"),
        Removal("activities", "**", "text.markup-artefact"),
        Removal("activities", "[bookmark: _Toc1]", "text.markup-artefact"),
    ]
    assert clean_fields(RECORD) == (RECORD, [])  # a clean record is left as it is


def test_cleaned_form_prints_none_of_it(tmp_path: Path) -> None:
    out = write_pdf(clean_fields(DIRTY)[0], tmp_path / "clean.pdf")
    with pdfplumber.open(out) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "重点工作" in text and "**" not in text and "bookmark" not in text
    assert "請就" not in text and "全市城乡低保对象6800户" in text


def test_cli_lists_what_it_removed(tmp_path: Path) -> None:
    source = tmp_path / "dirty.json"
    source.write_text(json.dumps(DIRTY, ensure_ascii=False, default=float), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "nianbao", "generate", "annual-report",
                           str(source), "-o", str(tmp_path / "form.docx"), "--clean", "--force"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "删除（text.foreign-script）：請就本報調查之情況" in done.stderr
    assert "删除（text.markup-artefact）：[bookmark: _Toc1]" in done.stderr
