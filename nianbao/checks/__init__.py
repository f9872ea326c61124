"""Checks: the rule registry and the built-in rule modules.

`default_registry()` builds the standard rule set from an explicit list of modules; nothing is
registered by importing a module.
"""

from __future__ import annotations

from nianbao.checks import (
    arith,
    carryover,
    content,
    figures,
    identity,
    limits,
    notes,
    notice,
    ocr,
    policy,
    programmes,
    public_copy,
    registry,
    report,
    rollup,
    schema,
    table,
    text,
    units,
    xyear,
)
from nianbao.checks.registry import (
    CheckContext,
    Hit,
    Registry,
    Rule,
    rule,
    ruleset_version,
)
from nianbao.checks.settings import Settings, load_settings

RULE_MODULES = (schema, public_copy, identity, report, arith, policy, table, text, figures, content,
                units, programmes, carryover, limits, notice, xyear, rollup, ocr, notes, registry)


def default_registry() -> Registry:
    """Every built-in rule, in the order of `RULE_MODULES` (nianbao.rule-crashed last)."""
    rules = Registry()
    for module in RULE_MODULES:
        rules.add(*module.RULES)
    return rules


__all__ = ["CheckContext", "Hit", "Registry", "Rule", "Settings", "default_registry", "load_settings",
           "rule", "ruleset_version"]
