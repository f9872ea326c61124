"""The `nianbao` command: a thin click layer over the library.

This is the only place that prints or chooses exit codes: 0 no error findings, 1 error findings,
2 usage or unreadable input, 3 internal failure. Every failure is one clear line, no traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from nianbao import __version__
from nianbao.checks import default_registry
from nianbao.cli import output
from nianbao.errors import NianbaoError, RefusedToGenerate, UnreadableInput, UsageError
from nianbao.extract import read
from nianbao.pipeline import KINDS, check_path, parse, to_json

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def lang_option(func: F) -> F:
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default=lambda: os.environ.get("NIANBAO_LANG", "zh"),
        show_default="zh, or $NIANBAO_LANG", help="Language of messages: zh (中文) or en.",
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
      nianbao rules                            the rule catalogue

    Exit status: 0 no error findings, 1 error findings, 2 usage or unreadable input,
    3 internal failure.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table: readable report; json: the output contract "
              "(one object per file, JSON Lines for several files).")
@click.option("--record/--no-record", "show_record", default=False,
              help="Also show the extracted fields in the table format.")
@kind_option
@lang_option
def check(files: tuple[Path, ...], fmt: str, show_record: bool, kind: str | None,
          lang: str) -> None:
    """Check filed documents (.txt .docx .pdf) or record files (.json).

    Each file is read, parsed and checked against every rule (`nianbao rules` lists them).
    A file that cannot be read gets one error line on stderr and the others go on.
    """
    registry = default_registry()
    status = EXIT_OK
    for path in files:
        try:
            report = check_path(path, kind, registry)
        except UnreadableInput as exc:
            click.echo(f"nianbao: {exc.message(lang)}", err=True)
            status = max(status, exc.exit_status)
            continue
        if fmt == "json":
            click.echo(to_json(report.to_json(), indent=2 if len(files) == 1 else None))
        else:
            click.echo(output.report_table(report, lang, show_record))
        if report.errors:
            status = max(status, EXIT_FINDINGS)
    sys.exit(status)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write the JSON here (atomically) instead of printing it.")
@kind_option
@lang_option
def extract(file: Path, out: Path | None, kind: str | None, lang: str) -> None:
    """Extract the structured record of one document, without running the checks.

    Prints the output contract's object (source, kind, year, org, record, facts) as JSON.
    """
    document = read(file)
    record = parse(document, kind)
    data = {k: v for k, v in output.record_envelope(document.source, record).items()}
    text = to_json(data)
    if out is None:
        click.echo(text)
        return
    from nianbao.generate.atomic import write_atomic

    write_atomic(out, (text + "\n").encode("utf-8"), inputs=[file])
    click.echo(output.wrote(out, lang), err=True)


@cli.group()
def generate() -> None:
    """Generate official documents (DOCX or PDF, chosen by the output file's extension)."""


@generate.command("annual-report")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help="Output file: .docx or .pdf.")
@click.option("--public", is_flag=True, help="The 公示 copy: without 填表人 and 联系电话.")
@click.option("--force", is_flag=True, help="Generate even when the record has error findings.")
@lang_option
def annual_report(source: Path, out: Path, public: bool, force: bool, lang: str) -> None:
    """Generate the 事业单位法人年度报告书 form from a record (.json) or a filed document.

    The record is checked first; a record with error findings is refused unless --force.
    """
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise UsageError(f"输出文件须为 .docx 或 .pdf：{out}", f"output must be .docx or .pdf: {out}")
    report = check_path(source)
    if report.record.kind != "annual_report":
        raise UsageError(f"输入不是年度报告书：{source}", f"input is not an annual report: {source}")
    errors = report.errors
    if errors and not force:
        rules = "、".join(dict.fromkeys(f.rule for f in errors))
        raise RefusedToGenerate(
            f"记录有 {len(errors)} 个错误（{rules}），已拒绝生成；"
            "用 nianbao check 查看并修正后重试，或加 --force 强制生成",
            f"the record has {len(errors)} error findings ({rules.replace('、', ', ')}); "
            "see them with nianbao check and fix them, or use --force",
        )
    if suffix == ".docx":
        from nianbao.generate.docx_writer import write_docx as write
    else:
        from nianbao.generate.pdf_writer import write_pdf as write
    write(report.record.fields, out, public=public, inputs=[source])
    click.echo(output.wrote(out, lang), err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table",
              show_default=True, help="table for reading, md for docs/rules.md, json for tools.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of printing.")
@lang_option
def rules(fmt: str, out: Path | None, lang: str) -> None:
    """List every rule: id, severity, what it finds and why it exists."""
    text = output.rules_text(default_registry(), fmt, lang)
    if out is None:
        click.echo(text, nl=False)
        return
    from nianbao.generate.atomic import write_atomic

    write_atomic(out, text.encode("utf-8"))
    click.echo(output.wrote(out, lang), err=True)


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
        click.echo("nianbao: 已中断" if lang != "en" else "nianbao: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NianbaoError as exc:
        click.echo(f"nianbao: {exc.message(lang)}", err=True)
        sys.exit(exc.exit_status)
    except OSError as exc:
        where = f"：{exc.filename}" if exc.filename else ""
        click.echo(f"nianbao: 文件操作失败{where}（{exc.strerror}）" if lang != "en"
                   else f"nianbao: file operation failed {exc.filename or ''} ({exc.strerror})",
                   err=True)
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 3
        click.echo(f"nianbao: 内部错误：{type(exc).__name__}: {exc}" if lang != "en"
                   else f"nianbao: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)
