"""The `nianbao` command: a thin click layer over the library.

The command modules of nianbao/cli/ are the only place that prints or chooses exit codes: 0 no
error findings, 1 error findings, 2 usage or unreadable input, 3 internal failure. Every failure
is one clear line, no traceback. `batch`, `summary` and the web app's commands live in their own
modules (cli/batch.py, cli/summary.py, cli/web.py), hooked in below.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nianbao import __version__
from nianbao.checks import Registry, Settings, default_registry, load_settings
from nianbao.cli import output
from nianbao.cli.options import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    OUTPUT_FILE,
    YEAR,
    config_option,
    kind_option,
    lang_option,
    ocr_option,
    store_option,
)
from nianbao.errors import NianbaoError, UnreadableInput, UsageError
from nianbao.extract import read
from nianbao.model import Finding, Record, Report
from nianbao.pipeline import check as check_file
from nianbao.pipeline import load, parse, to_json

if TYPE_CHECKING:
    from nianbao.store.filings import Store


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
            click.echo(to_json(report.to_dict(), indent=2 if len(files) == 1 else None))
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
        text = (history_json(opened, key) if fmt == "json" else history_table(
            opened, key, lang, columns=shutil.get_terminal_size((100, 24)).columns))
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
@click.option("--year", type=YEAR, required=True, help="The report year to draft (YYYY).")
@click.option("-o", "--output", "out", type=OUTPUT_FILE, required=True,
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
@click.argument("file", type=click.Path(path_type=Path, readable=False))
@click.option("-o", "--output", "out", type=OUTPUT_FILE, default=None,
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
@click.option("-o", "--output", "out", type=OUTPUT_FILE, required=True,
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
@click.option("-o", "--output", "out", type=OUTPUT_FILE, required=True,
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
@click.option("-o", "--output", "out", type=OUTPUT_FILE, default=None,
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


from nianbao.cli import batch as _batch
from nianbao.cli import summary as _summary
from nianbao.cli import web as _web

cli.add_command(_batch.batch)
cli.add_command(_summary.summary)

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
        output.show_click_error(exc, lang)
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
