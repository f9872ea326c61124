"""Text the CLI prints: the findings table, the rule catalogue, short notices."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from nianbao.checks.registry import Registry
from nianbao.checks.settings import Settings
from nianbao.forms import LABEL_EN, LABEL_ZH
from nianbao.model import CONTRACT_VERSION, Finding, Record, Report, Source
from nianbao.text.controls import visible

SEVERITY = {"zh": {"error": "错误", "warning": "警告", "info": "提示"},
            "en": {"error": "error", "warning": "warning", "info": "info"}}
KIND = {"zh": {"annual_report": "事业单位法人年度报告书", "work_summary": "工作总结",
               "statistics_report": "统计报表", "notice": "通知"},
        "en": {"annual_report": "annual report", "work_summary": "work summary",
               "statistics_report": "statistics report", "notice": "notice"}}
_ORDER = {"error": 0, "warning": 1, "info": 2}


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print text that may carry a document's words (a path, a name, a message): control
    characters are shown, never sent to the terminal."""
    click.echo(visible(text, keep_lines=True), err=err, nl=nl)


def fail(message: str) -> None:
    """The one line on stderr that says why nianbao stopped (or skipped a file)."""
    click.echo(f"nianbao: {visible(message)}", err=True)


def show_click_error(exc: click.ClickException, lang: str = "zh") -> None:
    """click's own usage error as one line (what was wrong, and where the help is), with the file
    names it quotes made safe to print."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "nianbao"
    reason = " ".join(exc.format_message().split())
    if lang == "en":
        fail(f"usage error: {reason} (see {command} --help)")
    else:
        fail(f"用法错误：{reason}（用法见 {command} --help）")


def width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, cols: int) -> str:
    """`text` padded to `cols` display columns, and always followed by at least one space: a
    longer word ("warning" in a column of six) never runs into the next column."""
    return text + " " * max(1, cols - width(text))


def record_envelope(source: Source, record: Record) -> dict[str, Any]:
    """The output contract without findings: what `nianbao extract` prints."""
    return {"nianbao": CONTRACT_VERSION, "source": source.to_dict(), **record.to_dict()}


def report_table(report: Report, lang: str, show_record: bool = False) -> str:
    zh = lang != "en"
    rec = report.record
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in _ORDER}
    sev = SEVERITY["zh" if zh else "en"]
    lines = [f"== {visible(report.source.path)} ==",
             ("类型：{k}  年度：{y}  单位：{o}" if zh else "kind: {k}  year: {y}  org: {o}").format(
                 k=visible(KIND["zh" if zh else "en"].get(rec.kind, str(rec.kind))),
                 y=visible(str(rec.year or "—")), o=visible(str(rec.org or "—")))]
    if show_record and rec.fields:
        labels = LABEL_ZH if zh else LABEL_EN
        for name, value in rec.fields.items():
            text = "—" if value is None else str(value).replace("\n", " ")
            text = visible(text[:70]) + ("…" if len(text) > 70 else "")
            lines.append(f"  {pad(visible(labels.get(name, name)), 30)} {text}")
    lines.append(("发现：错误 {error} 个，警告 {warning} 个，提示 {info} 个" if zh
                  else "findings: {error} errors, {warning} warnings, {info} info").format(**counts))
    for finding in sorted(report.findings, key=lambda f: _ORDER[f.severity]):
        lines.extend(_finding_lines(finding, sev, zh))
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding, sev: dict[str, str], zh: bool) -> list[str]:
    sev_cols = max(width(name) for name in sev.values()) + 2
    head = (f"  {pad(sev[finding.severity], sev_cols)}{pad(visible(finding.rule), 34)}"
            f"{visible(finding.message('zh' if zh else 'en'))}")
    out = [head]
    if finding.evidence:
        evidence = finding.evidence.replace("\n", " ")
        evidence = visible(evidence if len(evidence) <= 120 else evidence[:120]) + (
            "…" if len(evidence) > 120 else "")
        out.append(" " * 8 + ("原文：" if zh else "source: ") + highlight(evidence, finding.params))
    return out


def highlight(text: str, params: dict[str, Any]) -> str:
    """The evidence with the figures the finding used in bold red (plain when not a terminal)."""
    figures = {_plain(v) for v in _values(params)} - {""}
    if not figures:
        return text
    pattern = "|".join(re.escape(f) for f in sorted(figures, key=len, reverse=True))
    return re.sub(rf"(?<![\d.])(?:{pattern})(?![\d])",
                  lambda m: click.style(m.group(0), fg="red", bold=True), text)


def _values(params: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for value in params.values():
        out.extend(value if isinstance(value, list) else [value])
    return [v for v in out if isinstance(v, int | float | Decimal) and not isinstance(v, bool)]


def _plain(value: float | Decimal) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def rules_text(registry: Registry, fmt: str, lang: str, settings: Settings | None = None) -> str:
    """The rule catalogue; with `settings` (a rule pack), its thresholds come first."""
    zh = lang != "en"
    if fmt == "json":
        import json

        return json.dumps([{"id": r.id, "severity": r.severity, "title_zh": r.title_zh,
                            "title_en": r.title_en, "kinds": list(r.kinds), "why": r.doc,
                            "message_zh": r.message_zh, "message_en": r.message_en,
                            "cases": [{"case": name, "message_zh": zh, "message_en": en}
                                      for name, zh, en in r.cases]}
                           for r in registry], ensure_ascii=False, indent=2) + "\n"
    head = settings_lines(settings, fmt) if settings is not None else []
    if fmt == "md":
        return "\n".join(head) + rules_markdown(registry)
    rows = [f"{pad(r.id, 36)}{pad(SEVERITY['zh' if zh else 'en'][r.severity], 8)}"
            f"{r.title_zh if zh else r.title_en}" for r in registry]
    return "\n".join(head + rows) + "\n"


def settings_lines(settings: Settings, fmt: str) -> list[str]:
    """The rule pack's name, thresholds, overridden severities and disabled rules."""
    bullet = "- " if fmt == "md" else "  "
    out = [f"rule pack: {settings.pack}"]
    out += [f"{bullet}{name} = {value}    # {text}" for name, value, text in settings.describe()]
    out += [f"{bullet}severity {rule_id} = {level}" for rule_id, level in settings.severity]
    out += [f"{bullet}disabled {rule_id}" for rule_id in sorted(settings.disabled)]
    return [*out, ""]


def rules_markdown(registry: Registry) -> str:
    """docs/rules.md: generated from the registry, checked current by the tests."""
    out = ["# Rules", "",
           "Generated by `nianbao rules --format md -o docs/rules.md`; do not edit by hand.",
           ("Severity: error (the filing is non-compliant or its numbers are impossible), "
            "warning (a reviewer would ask), info (for the record)."), "",
           "| id | severity | finds | 说明 |", "|---|---|---|---|"]
    out += [f"| `{r.id}` | {r.severity} | {r.title_en} | {r.title_zh} |" for r in registry]
    out.append("")
    for r in registry:
        out += [f"## `{r.id}`", "", f"**{r.severity}** · {r.title_zh} · {r.title_en}"
                + (f" · applies to: {', '.join(r.kinds)}" if r.kinds else ""), "",
                " ".join(r.doc.split()), "",
                f"- zh: {r.message_zh}", f"- en: {r.message_en}"]
        for name, zh, en in r.cases:
            out += [f"- {name} zh: {zh}", f"- {name} en: {en}"]
        out.append("")
    return "\n".join(out)


def removed(field: str, text: str, rule: str, lang: str) -> str:
    """One line of `generate --clean`'s list of what it left out."""
    from nianbao.forms import LABEL_EN, LABEL_ZH

    if lang == "en":
        return f"removed from {LABEL_EN.get(field, field)} ({rule}): {text}"
    return f"已从“{LABEL_ZH.get(field, field)}”删除（{rule}）：{text}"


def wrote(path: Path, lang: str) -> str:
    return f"已写入 {path}" if lang != "en" else f"wrote {path}"
