"""The generators' gate: a record with error findings is not generated unless forced.

The same rule for every kind of document: `refuse_on_errors` raises `RefusedToGenerate` naming
the error rules (the notice's message also gives the first three findings, since a notice is
usually typed by hand and its errors are few and specific). `annual_report_input` checks the
annual report a form is generated from.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nianbao.checks import Registry, Settings
from nianbao.errors import RefusedToGenerate, UsageError
from nianbao.model import Finding, Report


def refuse_on_errors(findings: Sequence[Finding], kind: str, *, force: bool = False) -> None:
    """Raise `RefusedToGenerate` when `findings` hold errors, unless `force`."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors or force:
        return
    ids = list(dict.fromkeys(f.rule for f in errors))
    if kind == "notice":
        detail = "；".join(f.message_zh for f in errors[:3])
        detail_en = "; ".join(f.message_en for f in errors[:3])
        raise RefusedToGenerate(
            f"通知有 {len(errors)} 个错误（{'、'.join(ids)}），已拒绝生成：{detail}。"
            "修正后重试，或加 --force 强制生成",
            f"the notice has {len(errors)} error findings ({', '.join(ids)}); not generated: "
            f"{detail_en}. Fix them, or use --force",
        )
    raise RefusedToGenerate(
        f"记录有 {len(errors)} 个错误（{'、'.join(ids)}），已拒绝生成；"
        "用 nianbao check 查看并修正后重试，或加 --force 强制生成",
        f"the record has {len(errors)} error findings ({', '.join(ids)}); "
        "see them with nianbao check and fix them, or use --force",
    )


def annual_report_input(source: Path, *, force: bool = False, registry: Registry | None = None,
                        settings: Settings | None = None) -> Report:
    """The checked annual report to generate a form from (a record .json or a filed document);
    `UsageError` when it is another kind, `RefusedToGenerate` on error findings unless `force`."""
    from nianbao.generate.limits import check_sizes
    from nianbao.pipeline import check, load

    loaded = load(source)
    if loaded.record.kind != "annual_report":
        raise UsageError(f"输入不是年度报告书：{source}", f"input is not an annual report: {source}")
    check_sizes(loaded.record.fields)  # before the rules: a runaway field is refused at once
    report = check(loaded, registry=registry, settings=settings)
    refuse_on_errors(report.findings, "annual_report", force=force)
    return report
