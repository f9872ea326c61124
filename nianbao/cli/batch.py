"""`nianbao batch`: every document below an inbox, with a progress bar and one summary line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nianbao.checks import load_settings
from nianbao.cli import output
from nianbao.cli.options import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    config_option,
    lang_option,
    ocr_option,
    store_location,
    store_option,
)


@click.command()
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
                               scheduler=scheduler, store=store_location(store),
                               progress=on_progress, retry_failed=retry_failed,
                               follow_links=follow_links, ocr=ocr,
                               settings=load_settings(config))
        except BatchInterrupted as exc:
            output.fail(exc.message(lang))
            sys.exit(130)
    output.echo(result.line(lang))
    sys.exit(EXIT_INPUT if result.failed else EXIT_FINDINGS if result.filings_with_errors
             else EXIT_OK)
