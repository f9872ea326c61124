"""Batch checking: every document below an inbox, in parallel, resumable, with reports.

    from nianbao.batch import run_batch
    summary = run_batch("inbox/", "out/", workers=2)
    print(summary.line())

See `nianbao.batch.run` for how files are isolated and resumed (`nianbao.batch.inputs` lists
the inbox, `nianbao.batch.task` checks one file, `nianbao.batch.pool` runs it in a worker
process), `nianbao.batch.state` for the ledger and `nianbao.batch.reports` for the CSV, XLSX
and HTML reports.
"""

from nianbao.batch.inputs import find_inputs
from nianbao.batch.run import BatchInterrupted, BatchProgress, BatchSummary, run_batch
from nianbao.batch.state import FileResult, FindingRow, Ledger
from nianbao.checks import ruleset_version

__all__ = [
    "BatchInterrupted",
    "BatchProgress",
    "BatchSummary",
    "FileResult",
    "FindingRow",
    "Ledger",
    "find_inputs",
    "ruleset_version",
    "run_batch",
]
