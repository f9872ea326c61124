"""County summaries and the region roll-up (`nianbao summary`).

From checked county documents (work summaries, statistics reports) to one row of core
indicators per county (`indicators`), the region's totals and its disagreements with them
(`summary`), bar charts (`charts`), and the pages as PDF and DOCX (`writers`). The roll-up rule
`rollup.mismatch` lives in `nianbao.checks.rollup`.

    reports = [check_path(p) for p in paths]
    summary = build_summary(reports, "平顶山市", 2025)
    findings = mismatch_findings(summary)
    write_all(summary, out_dir, findings=findings, workers=2)
"""

from __future__ import annotations

from nianbao.rollup.indicators import COLUMNS, Column, CountyRow, Value, county_row, row_from_record
from nianbao.rollup.summary import Mismatch, Note, Summary, Total, build_summary

__all__ = ["COLUMNS", "Column", "CountyRow", "Mismatch", "Note", "Summary", "Total", "Value",
           "build_summary", "county_row", "row_from_record"]
