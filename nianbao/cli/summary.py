"""`nianbao summary`: counties' summaries and statistics rolled up into the region's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from nianbao.cli import output
from nianbao.cli.options import EXIT_FINDINGS, EXIT_OK, YEAR, lang_option, store_option
from nianbao.errors import UsageError
from nianbao.model import Report
from nianbao.pipeline import check as check_file


@click.command()
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(path_type=Path, readable=False))
@click.option("--region", required=True, help="The region the counties belong to, e.g. 平顶山市.")
@click.option("--year", type=YEAR, required=True, help="The year summarised (YYYY).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="Output folder for the roll-up and every county's page (PDF and DOCX).")
@click.option("--region-report", "region_reports", multiple=True,
              type=click.Path(path_type=Path, readable=False),
              help="The region's own summary or statistics report whose totals are compared "
                   "with the counties (repeatable).")
@click.option("--workers", type=int, default=2, show_default=True,
              help="Processes writing the pages.")
@store_option
@lang_option
def summary(inputs: tuple[Path, ...], region: str, year: int, out: Path,
            region_reports: tuple[Path, ...], workers: int, store: str | None, lang: str) -> None:
    """Roll counties' work summaries and statistics reports up into the region's summary.

    Writes a table of the core indicators per county and the roll-up, with bar charts of 低保
    persons and funds by county (this year against last), as PDF and DOCX, and reports
    rollup.mismatch when the region's own report states a total its counties do not add up to.
    """
    import datetime as dt

    from nianbao.checks.rollup import mismatch_findings
    from nianbao.rollup import build_summary
    from nianbao.rollup.writers import write_all

    reports = [check_file(p) for p in inputs]
    own = [check_file(p) for p in region_reports]
    previous = _previous_rows(reports, region, year, store) if store is not None else None
    rolled = build_summary(reports, region, year, previous, region_reports=own)
    if not rolled.counties:
        raise UsageError("输入中没有可汇总的县（市、区）材料", "no county documents to summarise")
    findings = mismatch_findings(rolled)
    out.mkdir(parents=True, exist_ok=True)
    written = write_all(rolled, out, findings=findings, generated=dt.date.today(),
                        inputs=[*inputs, *region_reports], workers=workers)
    zh = lang != "en"
    for row in rolled.counties:
        output.echo(f"  {row.name}  {len(row.values)} " + ("项指标" if zh else "indicators")
                   + f"  ({', '.join(Path(p).name for p in row.paths)})")
    for note in rolled.notes:
        output.echo(("  注：" if zh else "  note: ") + (note.zh if zh else note.en))
    for finding in findings:
        output.echo(f"  {output.SEVERITY['zh' if zh else 'en'][finding.severity]}  {finding.rule}  "
                   f"{finding.message(lang)}")
    output.echo(f"已写出 {len(written)} 个文件到 {out}" if zh else f"wrote {len(written)} files to {out}")
    sys.exit(EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK)


def _previous_rows(reports: list[Report], region: str, year: int,
                   store: str) -> dict[str, Any]:
    """Last year's row per county, from the store's filings of the same institutions."""
    from nianbao.store.cli_support import previous_rows
    from nianbao.store.db import resolve_store
    from nianbao.store.filings import Store

    with Store.open(resolve_store(store or None), read_only=True) as opened:
        return previous_rows(opened, reports, region, year)
