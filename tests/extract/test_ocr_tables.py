"""A scanned statistics table: the printed 分县 table under a two-row header, photographed as a
page image, gives the same facts and the same finding as the PDF it was printed from."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from nianbao.pipeline import check_path
from tests.extract.test_statistics_pages import grouped_pdf


def test_a_scanned_table_under_a_merged_header(tmp_path: Path) -> None:
    printed = grouped_pdf(tmp_path / "planted.pdf", planted=3)
    pdf = pdfium.PdfDocument(printed)
    try:
        pdf[0].render(scale=200 / 72, grayscale=True).to_pil().save(tmp_path / "scan.png")
    finally:
        pdf.close()

    scan, text = check_path(tmp_path / "scan.png"), check_path(printed)

    assert scan.record.kind == "statistics_report"
    assert scan.record.as_of == text.record.as_of and scan.record.org == text.record.org
    cells = sorted((f.indicator, f.row, f.column, f.households, f.persons, f.amount_yuan)
                   for f in text.record.facts if f.row is not None)
    assert sorted((f.indicator, f.row, f.column, f.households, f.persons, f.amount_yuan)
                  for f in scan.record.facts if f.row is not None) == cells
    assert [(f.rule, f.params["total"]) for f in scan.findings if f.severity == "error"] == \
        [("table.part-sum", "农村低保人数")]
