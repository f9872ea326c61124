"""JSON Schema (draft 2020-12) validation of records: the `schema.<keyword>` rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from nianbao import forms
from nianbao.checks.notice import generated, generation_note
from nianbao.checks.public_copy import PERSONAL_FIELDS, is_public_copy
from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.forms import LABEL_EN, LABEL_ZH

SCHEMAS = {"annual_report": "annual_report.schema.json", "notice": "notice.schema.json"}


def validator(kind: str) -> Draft202012Validator:
    return forms.validator(SCHEMAS[kind])


def instance(fields: dict[str, Any]) -> dict[str, Any]:
    """The record as the schema sees it: a null value is an absent value."""
    return {k: v for k, v in fields.items() if v is not None}


def schema_hits(ctx: CheckContext) -> Iterator[tuple[str, Hit]]:
    """(keyword, hit) for every schema violation of the record."""
    if ctx.record.kind not in SCHEMAS:
        return
    public = is_public_copy(ctx)
    # The notice schema describes what the generator needs. A notice read from a document is
    # what it is: a part it lacks (a 填写说明 has no 成文日期) is info there, with a note that
    # generating it needs the part; for the generator's input it stays an error.
    notice = ctx.record.kind == "notice"
    read = notice and not generated(ctx)
    note = generation_note(ctx) if notice else {"then_zh": "", "then_en": ""}
    for error in validator(ctx.record.kind).iter_errors(instance(ctx.record.fields)):
        if error.validator == "required":
            field = str(error.message).split("'")[1]
            path = [field]
        else:
            path = [str(p) for p in error.absolute_path]
            field = path[0] if path else ""
        if public and field in PERSONAL_FIELDS:
            continue  # left out of the 公示 copy by design: report.public-copy says so
        label_zh, label_en = LABEL_ZH.get(field, field), LABEL_EN.get(field, field)
        if notice:
            parts = forms.notice()
            part = parts.field(field) if field in parts.names else None
            label_zh, label_en = (part.label_zh, part.label_en) if part else (field, field)
        evidence = ctx.record.evidence.get(field, ("", None))[0]
        params: dict[str, Any] = {"field": field, "label_zh": label_zh, "label_en": label_en,
                                  "keyword": str(error.validator),
                                  "detail": _short(error.message), **note}
        if error.validator == "maxLength" and isinstance(error.instance, str):
            params |= {"length": len(error.instance), "limit": error.validator_value}
        yield str(error.validator), Hit(
            params=params,
            pointer="/record/" + "/".join(path),
            evidence=evidence,
            severity="info" if read else None,
        )


def _short(text: str, limit: int = 200) -> str:
    """A validator's message quotes the whole value: a megabyte field would be copied into
    every output."""
    return text if len(text) <= limit else text[:limit] + "…"


KEYWORDS: dict[str, tuple[str, str]] = {
    "required": ("缺少必填项“{label_zh}”", "required field missing: {label_en}"),
    "type": ("“{label_zh}”的类型不对：{detail}", "{label_en} has the wrong type: {detail}"),
    "pattern": ("“{label_zh}”的格式不对", "{label_en} is not in the expected format"),
    "minLength": ("“{label_zh}”为空（没有内容请填“无”）", "{label_en} is empty (write 无 if none)"),
    "maxLength": ("“{label_zh}”过长（{length} 字，上限 {limit} 字）",
                  "{label_en} is too long ({length} characters, limit {limit})"),
    "minimum": ("“{label_zh}”不能为负数或过小", "{label_en} is below its minimum"),
    "maximum": ("“{label_zh}”过大", "{label_en} is above its maximum"),
    "enum": ("“{label_zh}”不是允许的取值", "{label_en} is not an allowed value"),
    "format": ("“{label_zh}”不是有效的日期", "{label_en} is not a valid date"),
    "additionalProperties": ("记录中有表格之外的字段：{detail}", "unknown field in record: {detail}"),
}


def _keyword_rule(keyword: str, zh: str, en: str) -> Rule:
    zh, en = zh + "{then_zh}", en + "{then_en}"
    def check(ctx: CheckContext) -> Iterator[Hit]:
        if "schema" not in ctx.cache:
            ctx.cache["schema"] = list(schema_hits(ctx))
        for kw, hit in ctx.cache["schema"]:
            if kw == keyword:
                yield hit

    check.__doc__ = (
        f"JSON Schema `{keyword}` check of the record against schemas/"
        "annual_report.schema.json (draft 2020-12). The schema encodes the official form: every "
        "row is required (write 无 when there is nothing to report), amounts in 万元, dates ISO. "
        "For a notice, schemas/notice.schema.json describes what the generator needs: an error "
        "for its input, info for a notice read from a document (which is what it is)."
    )
    return rule(f"schema.{keyword}", "error", title=(f"表格不符合规范（{keyword}）",
                f"record fails the schema ({keyword})"), message=(zh, en),
                kinds=tuple(SCHEMAS))(check)


RULES: tuple[Rule, ...] = tuple(_keyword_rule(kw, zh, en) for kw, (zh, en) in KEYWORDS.items())
