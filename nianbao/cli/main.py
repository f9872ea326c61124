"""The `nianbao` command: a thin click layer over the library.

This is the only place that prints or chooses exit codes: 0 no error findings, 1 error findings,
2 usage or unreadable input, 3 internal failure. Every failure is one clear line, no traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nianbao import __version__
from nianbao.checks import Registry, Settings, default_registry, load_settings
from nianbao.cli import output
from nianbao.errors import NianbaoError, UnreadableInput, UsageError
from nianbao.extract import read
from nianbao.model import Finding, Record, Report
from nianbao.pipeline import KINDS, load, parse, to_json
from nianbao.pipeline import check as check_file

if TYPE_CHECKING:
    from nianbao.store.filings import Store

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def lang_option(func: F) -> F:
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default=lambda: os.environ.get("NIANBAO_LANG", "zh"),
        show_default="zh, or $NIANBAO_LANG", help="Language of messages: zh (中文) or en.",
    )(func)


def store_option(func: F) -> F:
    return click.option(
        "--store", default=None, is_flag=False, flag_value="", metavar="PATH|URL",
        help="Filings store: an SQLite path or postgresql://… URL; a bare --store uses "
             "$NIANBAO_STORE or the default path (~/.local/share/nianbao/filings.sqlite).",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config", default=None, metavar="FILE|PACK",
        help="Rule pack: a TOML file or a shipped pack (national, gansu, guizhou) with the "
             "thresholds, severities and disabled rules; default $NIANBAO_CONFIG, else the "
             "national rules.",
    )(func)


def ocr_option(func: F) -> F:
    return click.option(
        "--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
        show_default=True,
        help="auto: recognise scanned pages, images and PDFs whose text layer is garbage; "
             "always: recognise every PDF page; never: refuse what would need OCR (exit 2).",
    )(func)


def kind_option(func: F) -> F:
    return click.option(
        "--kind", type=click.Choice(KINDS), default=None,
        help="Document kind; detected from the wording when not given.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """nianbao (年报): read, check and generate 事业单位法人年度报告书 and social-assistance documents.

    \b
    Typical use:
      nianbao check report.pdf                 readable findings table (中文; --lang en)
      nianbao check report.docx --format json  the output-contract JSON
      nianbao extract report.txt -o rec.json   the structured record only
      nianbao generate annual-report rec.json -o form.pdf
      nianbao generate notice notice.yaml -o notice.pdf
      nianbao check report.pdf --store         keep it and check against earlier years
      nianbao history 12430681593289443F       an institution's years side by side
      nianbao draft --previous 2025.pdf --summary summary.docx --year 2026 -o draft.docx
      nianbao rules                            the rule catalogue

    Exit status: 0 no error findings, 1 error findings, 2 usage or unreadable input,
    3 internal failure.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, readable=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table: readable report; json: the output contract "
              "(one object per file, JSON Lines for several files).")
@click.option("--record/--no-record", "show_record", default=False,
              help="Also show the extracted fields in the table format.")
@store_option
@kind_option
@config_option
@ocr_option
@lang_option
def check(files: tuple[Path, ...], fmt: str, show_record: bool, store: str | None,
          kind: str | None, config: str | None, ocr: str, lang: str) -> None:
    """Check filed documents (.txt .docx .pdf .xlsx, scans as .pdf .png .jpg .tif) or record
    files (.json).

    Each file is read, parsed and checked against every rule (`nianbao rules` lists them).
    A file that cannot be read gets one error line on stderr and the others go on.
    With --store, each filing is kept in the store and checked against the same
    institution's other years (net-assets carry-over, unregistered changes, …).
    """
    status = EXIT_OK
    for _path, report in _reports(files, store, kind, load_settings(config), ocr):
        if isinstance(report, UnreadableInput):
            output.fail(report.message(lang))
            status = max(status, report.exit_status)
            continue
        if fmt == "json":
            click.echo(to_json(report.to_json(), indent=2 if len(files) == 1 else None))
        else:
            click.echo(output.report_table(report, lang, show_record))
        if report.errors:
            status = max(status, EXIT_FINDINGS)
    sys.exit(status)


def _reports(files: tuple[Path, ...], store: str | None, kind: str | None, settings: Settings,
             ocr: str = "auto") -> Iterator[tuple[Path, Report | UnreadableInput]]:
    """(file, its report or the reason it could not be read), with or without a store."""
    registry = default_registry()
    if store is None:
        for path in files:
            yield path, _checked(path, kind, registry, settings, None, ocr)
        return
    from nianbao.store.db import resolve_store
    from nianbao.store.filings import Store

    with Store.open(resolve_store(store or None)) as opened:
        for path in files:
            yield path, _checked(path, kind, registry, settings, opened, ocr)


def _checked(path: Path, kind: str | None, registry: Registry, settings: Settings,
             store: Store | None, ocr: str = "auto") -> Report | UnreadableInput:
    try:
        return check_file(path, registry=registry, settings=settings, store=store, kind=kind,
                          ocr=ocr)
    except UnreadableInput as exc:
        return exc


@cli.command()
@click.argument("key")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table: the years side by side; json: every stored filing.")
@lang_option
def history(key: str, store: str | None, fmt: str, lang: str) -> None:
    """Show an institution's filings year by year, by 统一社会信用代码 or name.

    Reads the store (--store PATH or URL; default $NIANBAO_STORE or the default store path).
    """
    from nianbao.store.cli_support import history_json, history_table
    from nianbao.store.db import resolve_store
    from nianbao.store.filings import Store

    with Store.open(resolve_store(store or None), read_only=True) as opened:
        text = history_json(opened, key) if fmt == "json" else history_table(opened, key, lang)
    output.echo(text.rstrip("\n"))


@cli.command()
@click.option("--previous", type=click.Path(path_type=Path, readable=False), default=None,
              help="Last year's filed report (.txt .docx .pdf or record .json).")
@store_option
@click.option("--institution", default=None,
              help="With --store: the institution's 统一社会信用代码 or name.")
@click.option("--summary", "summary_file", type=click.Path(path_type=Path, readable=False),
              default=None,
              help="This year's work summary: drafts 开展业务活动情况 from it.")
@click.option("--year", type=int, required=True, help="The report year to draft (YYYY).")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="draft.json, draft.docx or draft.pdf.")
@lang_option
def draft(previous: Path | None, store: str | None, institution: str | None,
          summary_file: Path | None, year: int, out: Path, lang: str) -> None:
    """Draft next year's annual report from last year's filing and this year's summary.

    Registration fields are carried over, 年初净资产 is last year's 年末净资产, and the
    activities are drafted from the summary; every field still to fill is listed.
    """
    from nianbao.draft import draft as make_draft
    from nianbao.draft import draft_document, to_fill_details
    from nianbao.generate.atomic import write_atomic

    suffix = out.suffix.lower()
    if suffix not in (".json", ".docx", ".pdf"):
        raise UsageError(f"输出文件须为 .json、.docx 或 .pdf：{out}",
                         f"output must be .json, .docx or .pdf: {out}")
    inputs = [p for p in (previous, summary_file) if p is not None]
    prev = _previous_record(previous, store, institution, year)
    text = None
    if summary_file:
        from nianbao.draft import summary_warnings

        summary_document = read(summary_file)
        text = summary_document.text
        for zh, en in summary_warnings(prev, parse(summary_document, "work_summary"), year):
            output.fail(("warning: " + en) if lang == "en" else "警告：" + zh)
    fields, to_fill = make_draft(prev, text, year)
    if suffix == ".json":
        data = to_json(draft_document(fields, to_fill, year)) + "\n"
        write_atomic(out, data.encode("utf-8"), inputs=inputs)
    elif suffix == ".docx":
        from nianbao.generate.docx_writer import write_docx

        write_docx(fields, out, inputs=inputs)
    else:
        from nianbao.generate.pdf_writer import write_pdf

        write_pdf(fields, out, inputs=inputs)
    label = "label_en" if lang == "en" else "label_zh"
    names = [d[label] for d in to_fill_details(to_fill, year)]
    output.echo(("still to fill: " + "; ".join(names)) if lang == "en"
               else "还需填写：" + "、".join(names), err=True)
    output.echo(output.wrote(out, lang), err=True)


def _previous_record(previous: Path | None, store: str | None, institution: str | None,
                     year: int) -> Record:
    if previous is not None:
        return load(previous).record
    if store is None or not institution:
        raise UsageError("请用 --previous 指定上一年度报告，或用 --store 和 --institution",
                         "give --previous, or --store with --institution")
    from nianbao.store.cli_support import previous_record
    from nianbao.store.db import resolve_store
    from nianbao.store.filings import Store

    with Store.open(resolve_store(store or None), read_only=True) as opened:
        return previous_record(opened, institution, year)


@cli.command()
@click.argument("inbox", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder: json/ (one contract JSON per filing), findings.csv, "
                   "findings.xlsx, report.html and the resume ledger.")
@store_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds one file may take before it is stopped and reported as failed.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Run on a Dask distributed cluster instead of local processes.")
@click.option("--retry-failed", is_flag=True,
              help="Check again the files that timed out or crashed in an earlier run.")
@click.option("--follow-links", is_flag=True,
              help="Read symbolic links in the inbox too (by default they are not followed: a "
                   "link can lead out of the inbox; each one is listed as not read).")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal).")
@config_option
@ocr_option
@lang_option
def batch(inbox: Path, out: Path, store: str | None, workers: int | None, timeout: float,
          scheduler: str | None, retry_failed: bool, follow_links: bool,
          show_progress: bool | None, config: str | None, ocr: str, lang: str) -> None:
    """Check every .txt/.docx/.pdf/.xlsx and scan image below INBOX into OUT; a rerun resumes
    where it stopped.

    Files already checked under the same rule set (same content) are skipped. A file that
    cannot be read, hangs or crashes its worker becomes a failure row and the batch goes on.
    Prints one summary line. Exit status: 0 no error findings, 1 error findings, 2 some files
    could not be checked, 130 interrupted (rerun to resume).
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from nianbao.batch import BatchInterrupted, BatchProgress, run_batch

    console = Console(stderr=True)
    show = console.is_terminal if show_progress is None else show_progress
    columns = (TextColumn("nianbao batch"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not show, transient=True) as bar:
        task = bar.add_task("batch", total=None, rate="")

        def on_progress(p: BatchProgress) -> None:
            bar.update(task, total=p.total, completed=p.done, rate=f"{p.rate:.1f}/s")

        try:
            result = run_batch(inbox, out, workers=workers, timeout=timeout,
                               scheduler=scheduler, store=_store_location(store),
                               progress=on_progress, retry_failed=retry_failed,
                               follow_links=follow_links, ocr=ocr,
                               settings=load_settings(config))
        except BatchInterrupted as exc:
            output.fail(exc.message(lang))
            sys.exit(130)
    output.echo(result.line(lang))
    sys.exit(EXIT_INPUT if result.failed else EXIT_FINDINGS if result.filings_with_errors
             else EXIT_OK)


def _store_location(store: str | None) -> str | None:
    """None without --store; a bare --store means $NIANBAO_STORE or the default path."""
    if store is None:
        return None
    from nianbao.store.db import resolve_store

    return resolve_store(store or None)



@cli.command()
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(path_type=Path, readable=False))
@click.option("--region", required=True, help="The region the counties belong to, e.g. 平顶山市.")
@click.option("--year", type=int, required=True, help="The year summarised (YYYY).")
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


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write the JSON here (atomically) instead of printing it.")
@kind_option
@ocr_option
@lang_option
def extract(file: Path, out: Path | None, kind: str | None, ocr: str, lang: str) -> None:
    """Extract the structured record of one document, without running the checks.

    Prints the output contract's object (source, kind, year, org, record, facts) as JSON.
    """
    document = read(file, ocr=ocr)
    record = parse(document, kind)
    data = dict(output.record_envelope(document.source, record))
    text = to_json(data)
    if out is None:
        click.echo(text)
        return
    from nianbao.generate.atomic import write_atomic

    write_atomic(out, (text + "\n").encode("utf-8"), inputs=[file])
    output.echo(output.wrote(out, lang), err=True)


@cli.group()
def generate() -> None:
    """Generate official documents (DOCX or PDF, chosen by the output file's extension)."""


@generate.command("annual-report")
@click.argument("source", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="Output file: .docx or .pdf.")
@click.option("--public", is_flag=True, help="The 公示 copy: without 填表人 and 联系电话.")
@click.option("--force", is_flag=True, help="Generate even when the record has error findings.")
@click.option("--clean", is_flag=True,
              help="Leave out what the checks flag as left-overs (markdown **, Word bookmarks, "
                   "traditional-script or garbage lines), listing each removal.")
@lang_option
def annual_report(source: Path, out: Path, public: bool, force: bool, clean: bool,
                  lang: str) -> None:
    """Generate the 事业单位法人年度报告书 form from a record (.json) or a filed document.

    The record is checked first; a record with error findings is refused unless --force.
    """
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise UsageError(f"输出文件须为 .docx 或 .pdf：{out}", f"output must be .docx or .pdf: {out}")
    from nianbao.generate.refusal import annual_report_input

    report = annual_report_input(source, force=force)
    if suffix == ".docx":
        from nianbao.generate.docx_writer import write_docx as write
    else:
        from nianbao.generate.pdf_writer import write_pdf as write
    fields = report.record.fields
    if clean:
        from nianbao.generate.clean import clean_fields

        fields, removals = clean_fields(fields)
        for removal in removals:
            output.echo(output.removed(removal.field, removal.removed, removal.rule, lang),
                        err=True)
        if not removals:
            output.echo("--clean：没有需要清除的内容" if lang != "en" else
                        "--clean: nothing to remove", err=True)
    write(fields, out, public=public, inputs=[source])
    output.echo(output.wrote(out, lang), err=True)


@generate.command("notice")
@click.argument("source", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="Output file: .docx or .pdf.")
@click.option("--force", is_flag=True, help="Generate even without 发文字号 or 版记 (error findings).")
@lang_option
def notice(source: Path, out: Path, force: bool, lang: str) -> None:
    """Generate a 通知 (with an attached 实施方案) in the GB/T 9704-2012 layout.

    SOURCE is a notice YAML/JSON (see examples/notice/my_notice.yaml) or a .txt/.docx/.pdf
    notice to re-typeset.
    """
    if out.suffix.lower() not in (".docx", ".pdf"):
        raise UsageError(f"输出文件须为 .docx 或 .pdf：{out}", f"output must be .docx or .pdf: {out}")
    from nianbao.generate.notice_input import load_notice

    fields = load_notice(source)
    findings: list[Finding] = []
    if out.suffix.lower() == ".pdf":
        from nianbao.generate.notice_pdf import write_notice_pdf

        write_notice_pdf(fields, out, inputs=[source], force=force, findings=findings)
    else:
        from nianbao.generate.notice_docx import write_notice_docx

        write_notice_docx(fields, out, inputs=[source], force=force, findings=findings)
    for finding in findings:
        output.echo(f"{finding.severity}: {finding.rule}: {finding.message(lang)}", err=True)
    output.echo(output.wrote(out, lang), err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table",
              show_default=True, help="table for reading, md for docs/rules.md, json for tools.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of printing.")
@config_option
@lang_option
def rules(fmt: str, out: Path | None, config: str | None, lang: str) -> None:
    """List every rule: id, severity, what it finds and why it exists.

    With --config (or $NIANBAO_CONFIG), the effective set under that rule pack: its
    thresholds, the severities it overrides, without the rules it disables.
    """
    settings = load_settings(config)
    registry = default_registry().configured(settings)
    text = output.rules_text(registry, fmt, lang, settings if settings != Settings() else None)
    if out is None:
        output.echo(text, nl=False)
        return
    from nianbao.generate.atomic import write_atomic

    write_atomic(out, text.encode("utf-8"))
    output.echo(output.wrote(out, lang), err=True)


from nianbao.cli import web as _web

cli.add_command(_web.serve)
cli.add_command(_web.users)
cli.add_command(_web.status)


def _lang_from_argv(argv: list[str]) -> str:
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv):
            return argv[i + 1]
    for arg in argv:
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("NIANBAO_LANG", "zh")


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every failure into one line and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(args)
    # pdfminer logs every oddity of a damaged PDF; the reader turns real problems into one line.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        cli.main(args=args, prog_name="nianbao", standalone_mode=False)
    except SystemExit:
        raise
    except click.exceptions.Abort:
        output.fail("已中断" if lang != "en" else "interrupted")
        sys.exit(130)
    except click.ClickException as exc:
        output.show_click_error(exc)
        sys.exit(exc.exit_code)
    except NianbaoError as exc:
        output.fail(exc.message(lang))
        sys.exit(exc.exit_status)
    except OSError as exc:
        where = f"：{exc.filename}" if exc.filename else ""
        output.fail(f"文件操作失败{where}（{exc.strerror}）" if lang != "en"
                    else f"file operation failed {exc.filename or ''} ({exc.strerror})")
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 3
        output.fail(f"内部错误：{type(exc).__name__}: {exc}" if lang != "en"
                    else f"internal error: {type(exc).__name__}: {exc}")
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)
