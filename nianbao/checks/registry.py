"""The rule registry and runner.

A rule is a module-level function declared with `@rule(id, severity, title=…, message=…)`: its
id, message templates and a docstring saying why it exists. The decorator turns the function
into a `Rule`, which can still be called on a `CheckContext` and tested alone. Each rule module
lists its rules in `RULES`; `nianbao.checks.default_registry()` adds them to a `Registry` in an
explicit order. A rule yields bare `Hit`s; the runner stamps the id, severity, messages and
location onto `Finding`s. A rule that raises becomes a `nianbao.rule-crashed` finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from nianbao import __version__
from nianbao.model import Document, Finding, Provenance, Record, Severity


@dataclass
class Settings:
    """Knobs the rules read. Passed in, never global."""

    tekun_standard_ratio: float = 1.3
    # Report-year window: 报送日期 must fall in [Jan 1, last day] of the next year.
    submission_deadline_month_day: tuple[int, int] = (3, 31)


@dataclass
class CheckContext:
    """What a rule sees: the record, the document it came from, and the settings."""

    record: Record
    document: Document | None = None
    settings: Settings = field(default_factory=Settings)
    # The same institution's other filings (earlier and later years), from the store.
    history: list[Record] = field(default_factory=list)
    # Work shared by several rules of one run (e.g. one schema validation for all schema.* rules).
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Hit:
    """A rule's raw result; `params` fill the message templates."""

    params: dict[str, Any] = field(default_factory=dict)
    pointer: str = ""
    evidence: str = ""
    provenance: Provenance | None = None
    severity: Severity | None = None  # overrides the rule's default for this hit


RuleFunc = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    func: RuleFunc
    kinds: tuple[str, ...] = ()  # record kinds it applies to; empty = all

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def __call__(self, ctx: CheckContext) -> Iterable[Hit]:
        return self.func(ctx)


def rule(
    id: str,
    severity: Severity,
    *,
    title: tuple[str, str],
    message: tuple[str, str],
    kinds: tuple[str, ...] = (),
) -> Callable[[RuleFunc], Rule]:
    """Decorator: declare `func` as rule `id` with (zh, en) title and message templates."""

    def declare(func: RuleFunc) -> Rule:
        return Rule(id, severity, *title, *message, func, kinds)

    return declare


class Registry:
    """An ordered set of rules. Build one with `nianbao.checks.default_registry()`."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, *rules: Rule) -> None:
        """Add rules in order; an id may be registered once."""
        for r in rules:
            if r.id in self._rules:
                raise ValueError(f"rule {r.id} registered twice")
            self._rules[r.id] = r

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, id: str) -> Rule:
        return self._rules[id]

    def run(self, ctx: CheckContext) -> list[Finding]:
        """Run every rule that applies to the record's kind; never raises on bad data."""
        findings: list[Finding] = []
        for rule in self:
            if not rule.applies_to(ctx.record.kind):
                continue
            try:
                findings.extend(stamp(rule, hit) for hit in rule.func(ctx))
            except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the others
                findings.append(crashed(rule, exc))
        return findings


def ruleset_version(registry: Registry) -> str:
    """nianbao's version and a digest of the sorted rule ids: which rules produced a result
    (stored with a filing; a batch reuses results of the same rule set)."""
    ids = ",".join(sorted(rule.id for rule in registry))
    return f"{__version__}+{hashlib.sha256(ids.encode()).hexdigest()[:12]}"


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, params: dict[str, Any]) -> str:
    """Fill a message template; a parameter the hit did not give stays as `{name}`."""
    return template.format_map(_Missing(params))


def stamp(rule: Rule, hit: Hit) -> Finding:
    return Finding(
        rule=rule.id,
        severity=hit.severity or rule.severity,
        message_zh=render(rule.message_zh, hit.params),
        message_en=render(rule.message_en, hit.params),
        pointer=hit.pointer,
        evidence=hit.evidence,
        params=hit.params,
        provenance=hit.provenance,
    )


def crashed(rule: Rule, exc: Exception) -> Finding:
    reason = f"{type(exc).__name__}: {exc}"
    return Finding(
        rule="nianbao.rule-crashed",
        severity="warning",
        message_zh=f"规则 {rule.id} 运行出错，未能完成检查：{reason}",
        message_en=f"rule {rule.id} crashed and did not finish: {reason}",
        params={"rule": rule.id, "error": reason},
    )
