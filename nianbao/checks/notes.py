"""Findings that come from outside the rule runner, registered so `nianbao rules` and
docs/rules.md list every id a user can see, with their message templates.

The parser notes a report year it had to infer (and a value it cannot read, under the
`unreadable` case of `text.unit` and `text.date-format`); the store says what recording a
filing did.
These rules never fire when the registry runs: the code that knows the case makes the finding
with `note(rule, params)`, from the same templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nianbao.checks.registry import CheckContext, Hit, Rule, rule, stamp
from nianbao.model import Finding


def note(rule: Rule, params: dict[str, Any] | None = None, pointer: str = "",
         shown: dict[str, Any] | None = None, *, case: str = "", evidence: str = "") -> Finding:
    """The finding of `rule` (its message `case`) with `params`; `shown` fills the message only
    (not kept in params)."""
    finding = stamp(rule, Hit({**(params or {}), **(shown or {})}, pointer, evidence, case=case))
    finding.params = dict(params or {})
    return finding


@rule("report.year-inferred", "info", kinds=("annual_report",),
      title=("报告年度按正文推定", "report year inferred from the text"),
      message=("报告书未填写年度，按正文推定为{year}年度",
               "the report year is not filled in; inferred {year} from the text"))
def year_inferred(ctx: CheckContext) -> Iterable[Hit]:
    """A form without its 年度 cannot be filed against a year; the parser takes the year the
    narrative is mostly about, and says so, so that the filer can confirm or correct it."""
    return ()


@rule("store.not-recorded", "info",
      title=("未存入存储库", "not recorded in the store"),
      message=("记录中既无统一社会信用代码也无单位名称，未存入存储库，也无法做跨年度检查",
               "the record has neither a credit code nor a name: not stored, and no "
               "cross-year checks"))
def not_recorded(ctx: CheckContext) -> Iterable[Hit]:
    """A filing is kept by institution (credit code, else name): without either it cannot be
    kept, and the cross-year rules have no history to compare with."""
    return ()


@rule("store.superseded", "info",
      title=("取代此前存入的报告", "replaces an earlier stored filing"),
      message=("已取代存储库中同一单位{year}年度此前存入的报告 {superseded}（保留为历史版本）",
               "replaces the earlier filing for {year} in the store, {superseded} (kept as "
               "history)"))
def superseded(ctx: CheckContext) -> Iterable[Hit]:
    """Another file for the same institution, year and kind is a correction: it becomes the
    current filing and the earlier one stays in the store as history. The earlier one is named
    by its path (in a batch, relative to the inbox) and its sha256 (`superseded_sha256`). Of
    several files for one key in one batch, the latest by the document's own date is current
    (then by path, then sha256); earlier runs' filings are older than all of them."""
    return ()


@rule("store.older-version", "info",
      title=("已被取代的旧版本", "an older, replaced version"),
      message=("该文件是同一单位{year}年度已被更正取代的旧版本（现行版本为 {current}），存储库中的现行版本不变",
               "this file is an older version of the {year} filing, since replaced by {current}; "
               "the store's current filing is unchanged"))
def older_version(ctx: CheckContext) -> Iterable[Hit]:
    """A file that was already replaced by a correction is checked but changes nothing in the
    store: the correction stays current. It is named by its path and sha256 (`current_sha256`),
    as is the older file of a batch that held both."""
    return ()


RULES: tuple[Rule, ...] = (year_inferred, not_recorded, superseded, older_version)
