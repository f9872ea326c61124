"""The statistics corpus's workbooks as a web page (GBK, merged cells as rowspan/colspan, inside
a layout table), as CSV and as old binary .xls give what the .xlsx gives: kind, period,
organisation, every planted error and every value cell. Files whose names lie about their
format (an HTML table saved as .xls, a PDF named .txt, RTF named .doc) are read by content."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.extract import read
from nianbao.pipeline import check_path
from tests.fixtures.statistics.make_other_formats import csv_copy, html_copy, single_sheet

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "statistics"
EXPECTED: dict[str, dict[str, object]] = json.loads(
    (CORPUS / "expected.json").read_text(encoding="utf-8"))
WORKBOOKS = sorted(name for name in EXPECTED if name.endswith(".xlsx"))


def outcome(path: Path) -> tuple[object, ...]:
    report = check_path(path)
    record = report.record
    errors = [(f.rule, f.message_zh) for f in report.findings
              if not f.rule.startswith("table.") and f.severity == "error"]
    return (record.kind, record.as_of, record.org,
            sorted(f.rule for f in report.findings if f.rule.startswith("table.")),
            errors, len([f for f in record.facts if f.row is not None]))


def expected(name: str) -> tuple[object, ...]:
    e = EXPECTED[name]
    return (e["kind"], e["as_of"], e["org"], e["findings"], [], e["value_cells"])


@pytest.mark.parametrize("name", WORKBOOKS)
def test_a_web_page_copy_reads_as_the_workbook(tmp_path: Path, name: str) -> None:
    page = html_copy(CORPUS / name, tmp_path / (Path(name).stem + ".html"))
    assert outcome(page) == expected(name)


@pytest.mark.parametrize("name", [n for n in WORKBOOKS if single_sheet(CORPUS / n)])
def test_a_csv_copy_reads_as_the_workbook(tmp_path: Path, name: str) -> None:
    table = csv_copy(CORPUS / name, tmp_path / (Path(name).stem + ".csv"))
    assert outcome(table) == expected(name)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_an_old_xls_reads_as_the_workbook(name: str) -> None:
    assert outcome(CORPUS / "xls" / (Path(name).stem + ".xls")) == expected(name)


def test_an_html_table_saved_as_xls_is_read_as_a_web_page(tmp_path: Path) -> None:
    name = "form_planted.xlsx"
    page = html_copy(CORPUS / name, tmp_path / "export.xls")
    assert outcome(page) == expected(name)


def test_a_pdf_named_txt_and_a_docx_named_doc_are_read_by_content(tmp_path: Path) -> None:
    pdf = shutil.copy(CORPUS / "form_clean.pdf", tmp_path / "form.txt")
    docx = shutil.copy(CORPUS / "form_clean.docx", tmp_path / "form.doc")
    assert read(pdf).source.format == "pdf"
    assert read(docx).source.format == "docx"
    assert outcome(Path(docx)) == expected("form_clean.docx")


def test_rtf_and_tab_separated_text_under_office_names(tmp_path: Path) -> None:
    rtf = tmp_path / "summary.doc"
    rtf.write_bytes(rb"{\rtf1\ansi\ansicpg936 \'c8\'ab\'c4\'ea\'b1\'a3\'d5\'cf 120\'bb\'a7\par}")
    assert [b.text for b in read(rtf).blocks] == ["全年保障 120户"]
    tabbed = tmp_path / "table.xls"
    tabbed.write_text("项目\t户数\t人数\n城市低保\t832\t1500\n", encoding="gbk")
    assert [b.cells for b in read(tabbed).blocks] == [("项目", "户数", "人数"),
                                                      ("城市低保", "832", "1500")]


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_an_old_binary_word_file_says_how_to_read_it(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert ".docx" in caught.value.message_zh and "Word" in caught.value.message_en


def test_a_damaged_xls_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UnreadableInput) as caught:
        read(path)
    assert "broken.xls" in caught.value.message_en


def test_a_table_whose_spans_would_explode_is_refused(tmp_path: Path) -> None:
    cell = '<td rowspan="100" colspan="100">1</td>'
    page = tmp_path / "bomb.html"
    page.write_text("<html><body><table>" + ("<tr>" + cell * 300 + "</tr>") * 100
                    + "</table></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read(page)
    assert "too large" in caught.value.message_en


def test_deeply_nested_markup_is_read_or_refused_in_one_line(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 5000 + "全年保障120户" + "</div>" * 5000
                    + "</body></html>", encoding="utf-8")
    try:
        document = read(page)
    except UnreadableInput as exc:
        assert "deep.html" in exc.message_en
    else:
        assert "全年保障120户" in " ".join(b.text for b in document.blocks)


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
XLS = (CORPUS / "xls" / "form_planted.xls").read_bytes()


@FUZZ
@given(data=st.binary(max_size=2048),
       suffix=st.sampled_from([".html", ".mht", ".rtf", ".csv", ".xls", ".doc"]))
def test_arbitrary_bytes_raise_only_project_errors(data: bytes, suffix: str) -> None:
    only_project_errors(suffix, data)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(XLS) - 1), st.integers(0, 255)),
                      min_size=1, max_size=8))
def test_a_damaged_xls_raises_only_project_errors(edits: list[tuple[int, int]]) -> None:
    data = bytearray(XLS)
    for position, value in edits:
        data[position] = value
    only_project_errors(".xls", bytes(data))


@FUZZ
@given(head=st.sampled_from([b"<html><body><table><tr><td rowspan=", b"{\\rtf1\\ansi ",
                             b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n"]),
       data=st.binary(max_size=1024))
def test_arbitrary_markup_raises_only_project_errors(head: bytes, data: bytes) -> None:
    only_project_errors(".html", head + data)


def only_project_errors(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            read(path)
        except NianbaoError:
            pass
