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
from dataclasses import dataclass, field, replace
from typing import Any

from nianbao import __version__
from nianbao.checks.settings import Settings
from nianbao.model import Document, Finding, Provenance, Record, Severity


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
    case: str = ""  # which of the rule's named message cases fills the message ("": the default)


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
    # Named message cases (name, zh, en) for a rule that reports different things; a hit picks
    # one with `Hit.case`.
    cases: tuple[tuple[str, str, str], ...] = ()

    def messages(self, case: str = "") -> tuple[str, str]:
        """The (zh, en) templates of `case` (the rule's own message for "")."""
        for name, zh, en in self.cases:
            if name == case:
                return zh, en
        if case:
            raise KeyError(f"rule {self.id} has no message case {case!r}")
        return self.message_zh, self.message_en

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
    cases: dict[str, tuple[str, str]] | None = None,
) -> Callable[[RuleFunc], Rule]:
    """Decorator: declare `func` as rule `id` with (zh, en) title and message templates;
    `cases` names further (zh, en) templates for the different things the rule reports."""

    def declare(func: RuleFunc) -> Rule:
        named = tuple((name, zh, en) for name, (zh, en) in (cases or {}).items())
        return Rule(id, severity, *title, *message, func, kinds, named)

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
        """Run every rule that applies to the record's kind and is not disabled in
        `ctx.settings`, with the severities the settings give; never raises on bad data."""
        findings: list[Finding] = []
        settings = ctx.settings
        for rule in self:
            if not rule.applies_to(ctx.record.kind) or rule.id in settings.disabled:
                continue
            try:
                found = [stamp(rule, hit) for hit in rule.func(ctx)]
            except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the others
                found = [crashed(rule, exc)]
            for finding in found:
                finding.severity = settings.severity_of(finding.rule) or finding.severity
            findings.extend(found)
        return findings

    def configured(self, settings: Settings) -> Registry:
        """The effective rule set under `settings`: disabled rules left out, severities as
        configured (what `nianbao rules --config` lists)."""
        out = Registry()
        out.add(*(replace(r, severity=settings.severity_of(r.id) or r.severity)
                  for r in self if r.id not in settings.disabled))
        return out


def ruleset_version(registry: Registry, settings: Settings | None = None) -> str:
    """nianbao's version and a digest of the sorted rule ids (and of the settings, when they
    are not the defaults): which rules produced a result (stored with a filing; a batch reuses
    results of the same rule set)."""
    ids = ",".join(sorted(rule.id for rule in registry))
    if settings is not None and settings != Settings():
        ids += "|" + repr(settings)
    return f"{__version__}+{hashlib.sha256(ids.encode()).hexdigest()[:12]}"


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, params: dict[str, Any]) -> str:
    """Fill a message template; a parameter the hit did not give stays as `{name}`."""
    return template.format_map(_Missing(params))


def stamp(rule: Rule, hit: Hit) -> Finding:
    """The finding of `rule` for `hit`: the message from the hit's case's templates."""
    zh, en = rule.messages(hit.case)
    return Finding(
        rule=rule.id,
        severity=hit.severity or rule.severity,
        message_zh=render(zh, hit.params),
        message_en=render(en, hit.params),
        pointer=hit.pointer,
        evidence=hit.evidence,
        params=hit.params,
        provenance=hit.provenance,
    )


@rule("nianbao.rule-crashed", "error",
      title=("规则运行出错", "a rule crashed"),
      message=("规则 {rule} 运行出错，未能完成检查：{error}",
               "rule {rule} crashed and did not finish: {error}"))
def rule_crashed(ctx: CheckContext) -> Iterable[Hit]:
    """A rule that raised on this record did not check it: the filing is not known to be
    compliant, so the result is an error (exit status 1) until the rule is fixed. The runner
    reports it; the rule itself never fires."""
    return ()


def crashed(rule: Rule, exc: Exception) -> Finding:
    """The `nianbao.rule-crashed` finding for `rule`, which raised `exc`."""
    reason = f"{type(exc).__name__}: {exc}"
    return stamp(rule_crashed, Hit({"rule": rule.id, "error": reason}))


RULES: tuple[Rule, ...] = (rule_crashed,)
