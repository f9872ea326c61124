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
    notice,
    ocr,
    programmes,
    public_copy,
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
    Settings,
    rule,
    ruleset_version,
)

RULE_MODULES = (schema, public_copy, identity, report, arith, table, text, figures, content, units,
                programmes, carryover, limits, notice, xyear, rollup, ocr)


def default_registry() -> Registry:
    registry = Registry()
    for module in RULE_MODULES:
        registry.add(*module.RULES)
    return registry


__all__ = ["CheckContext", "Hit", "Registry", "Rule", "Settings", "default_registry", "rule",
           "ruleset_version"]
