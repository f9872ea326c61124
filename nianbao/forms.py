"""The annual-report form and the notice's parts as data, read from their JSON Schemas.

`schemas/annual_report.schema.json` is the one place the form is described: besides what the
schema validates, its `x-` keywords (which jsonschema ignores) give each field its official
label (`x-label-zh`), English name (`x-label-en`), the printed labels a parser accepts
(`x-variants`, `x-signature`), its section and place on the form (`x-group`, `x-order`) and
whether it is free text (`x-long`); `x-form` lists the sections and the fixed texts. The parser's
label table, the generators' context, the store, the web forms and the docs all read it here.
`schemas/notice.schema.json` names a notice's parts (GB/T 9704-2012) the same way, for its
parser, its generator and the rules' messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from jsonschema import Draft202012Validator

from nianbao.resources import schema_path

SCHEMA = "annual_report.schema.json"
NOTICE_SCHEMA = "notice.schema.json"


@dataclass(frozen=True)
class FormText:
    """A text printed on the form that is not a field's label: a section header or a fixed line."""

    key: str
    label_zh: str
    label_en: str
    variants: tuple[str, ...] = ()  # as printed, for a parser to recognise it
    signature: str = ""  # a regex over a label's matching key, for distorted prints


@dataclass(frozen=True)
class FormField:
    """One field of the record: its schema entry and where and how the form prints it."""

    name: str
    label_zh: str  # the official label (messages, tables)
    label_en: str
    group: str  # the form section (`Form.groups`)
    order: int  # place on the form, 1 first
    variants: tuple[str, ...] = ()
    signature: str = ""
    long: bool = False  # free text: paragraphs in the generated form, shown by length in tables
    layout: str = "short"  # how a parser finds the value: "short" (one value) or "long" (runs on)
    inline: bool = False  # its label may share a line with other labels (the footer)
    unit: str = ""  # 万元 for an amount
    printed_zh: str = ""  # the label the generated form prints in its cell ("" for none)
    required: bool = False
    type: str = ""  # the JSON Schema type
    format: str = ""  # the JSON Schema format (date)
    parts: tuple[FormField, ...] = ()  # the labelled parts of an object (a notice's 版记)
    carried_over: bool = False  # a new year's draft takes it from last year's filing
    hint_zh: str = ""  # what to write, for the filer ({year}, {next}: report year, year after)

    @property
    def amount(self) -> bool:
        return self.unit == "万元"


@dataclass(frozen=True)
class Form:
    """The form: its fields in form order, its sections and its fixed texts."""

    fields: tuple[FormField, ...]
    groups: tuple[FormText, ...]
    texts: tuple[FormText, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FormField:
        return self._by_name[name]

    def text(self, key: str) -> FormText:
        return {t.key: t for t in (*self.groups, *self.texts)}[key]

    @cached_property
    def _by_name(self) -> Mapping[str, FormField]:
        """Fields by name; a part of a field as "field/part" (colophon/cc). Kept on the form
        (hashing a frozen form to look it up in a cache walks every field: ~50 µs a call)."""
        index = {f.name: f for f in self.fields}
        index |= {f"{f.name}/{p.name}": p for f in self.fields for p in f.parts}
        return index


@cache
def schema(name: str = SCHEMA) -> Mapping[str, Any]:
    """A record kind's JSON Schema, as read from the package (the annual report's by default)."""
    loaded: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return loaded


@cache
def validator(name: str = SCHEMA) -> Draft202012Validator:
    """A validator of records against a schema (draft 2020-12, formats checked), made once."""
    loaded = schema(name)
    Draft202012Validator.check_schema(loaded)
    return Draft202012Validator(loaded, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def annual_report() -> Form:
    """The annual-report form described by its schema's `x-` keywords."""
    return _form(schema(SCHEMA))


@cache
def notice() -> Form:
    """A notice's parts (发文机关, 发文字号, 标题, … 版记) described by its schema's `x-` keywords."""
    return _form(schema(NOTICE_SCHEMA))


@cache
def plan_task() -> Form:
    """The parts of a 重点工作 in a notice's 实施方案 (工作目标, 责任单位, 完成时限, 工作内容)."""
    return Form(fields=_fields(schema(NOTICE_SCHEMA)["$defs"]["task"]), groups=notice().groups,
                texts=())


def _form(data: Mapping[str, Any]) -> Form:
    form = data["x-form"]
    return Form(fields=_fields(data), groups=tuple(_text(t) for t in form["groups"]),
                texts=tuple(_text(t) for t in form["texts"]))


def _fields(spec: Mapping[str, Any]) -> tuple[FormField, ...]:
    required = set(spec.get("required", ()))
    fields = [_field(name, sub, name in required) for name, sub in spec["properties"].items()
              if "x-label-zh" in sub]
    return tuple(sorted(fields, key=lambda f: f.order))


def _field(name: str, spec: Mapping[str, Any], required: bool) -> FormField:
    long = bool(spec.get("x-long", False))
    kind = spec.get("type", "")
    parts = _fields(spec) if "properties" in spec else ()
    return FormField(
        name=name, label_zh=spec["x-label-zh"], label_en=spec["x-label-en"],
        group=spec["x-group"], order=int(spec["x-order"]),
        variants=tuple(spec.get("x-variants", ())), signature=spec.get("x-signature", ""),
        long=long, layout=spec.get("x-layout", "long" if long else "short"),
        inline=bool(spec.get("x-inline", False)), unit=spec.get("x-unit", ""),
        printed_zh=spec.get("x-print-label-zh", spec["x-label-zh"]), required=required,
        type=kind if isinstance(kind, str) else "", format=spec.get("format", ""), parts=parts,
        carried_over=bool(spec.get("x-carried-over", False)), hint_zh=spec.get("x-hint-zh", ""))


def _text(spec: Mapping[str, Any]) -> FormText:
    return FormText(key=spec["id"], label_zh=spec["x-label-zh"], label_en=spec["x-label-en"],
                    variants=tuple(spec.get("x-variants", ())),
                    signature=spec.get("x-signature", ""))


# Views of the form for the modules that only need names and labels.
ANNUAL_REPORT_FIELDS: tuple[tuple[str, str, str], ...] = tuple(
    (f.name, f.label_zh, f.label_en) for f in annual_report().fields)
FIELD_NAMES = annual_report().names
LABEL_ZH = {f.name: f.label_zh for f in annual_report().fields}
LABEL_EN = {f.name: f.label_en for f in annual_report().fields}
AMOUNT_FIELDS = frozenset(f.name for f in annual_report().fields if f.amount)
# Free-text fields, shown by their length where the short fields are shown whole (the history
# table, the reviewer's comparison of two years).
LONG_FIELDS = frozenset(f.name for f in annual_report().fields if f.long)
# The rows of the printed form (not `layout`, which says which form it was).
FORM_FIELDS = tuple(f.name for f in annual_report().fields if f.group != "meta")


def markdown() -> str:
    """docs/form.md: the form's fields by section and the notice's parts, from the schemas
    (`scripts/form-docs`)."""
    form = annual_report()
    spec = schema(SCHEMA)["properties"]
    lines = ["# The annual-report form", "",
             "Generated from `schemas/annual_report.schema.json` by `scripts/form-docs`; do not "
             "edit by hand.", "The record of an annual report has exactly these keys, in this "
             "order; an absent value is `null`.", "Labels the parser accepts match without "
             "spaces and with either bracket width; a row whose label is distorted is still "
             "found by its pattern.", ""]
    for group in form.groups:
        fields = [f for f in form.fields if f.group == group.key]
        if not fields:
            continue
        lines += [f"## {group.label_zh} ({group.label_en})", "",
                  "| # | key | label | English | value | required | labels accepted | what to write |",
                  "|---|---|---|---|---|---|---|---|"]
        for f in fields:
            accepted = "、".join(f"`{v}`" for v in f.variants) or "—"
            if f.signature:
                accepted += f"; pattern `{f.signature.replace('|', chr(92) + '|')}`"
            lines.append(f"| {f.order} | `{f.name}` | {f.label_zh} | {f.label_en} | "
                         f"{_value_kind(f, spec[f.name])} | {'yes' if f.required else 'no'} | "
                         f"{accepted} | {_hint_md(f)} |")
        lines.append("")
    lines += ["## Fixed texts of the form", "", "| key | text | English | labels accepted |",
              "|---|---|---|---|"]
    for text in (*form.groups, *form.texts):
        if text.variants or text in form.texts:
            accepted = "、".join(f"`{v}`" for v in text.variants) or "—"
            lines.append(f"| `{text.key}` | {text.label_zh} | {text.label_en} | {accepted} |")
    lines += ["", "# The notice's parts", "",
              "From `schemas/notice.schema.json`: the record's keys as GB/T 9704-2012 names the "
              "parts; the labels a parser accepts and the generator prints.", "",
              "| region | key | part | English | labels accepted | printed |",
              "|---|---|---|---|---|---|"]
    regions = {g.key: g.label_zh for g in notice().groups}
    tasks = [(f"plan/sections/*/tasks/*/{p.name}", p) for p in plan_task().fields]
    for part in notice().fields:
        nested = [(f"{part.name}/{p.name}", p) for p in part.parts]
        for key, item in ((part.name, part), *nested, *(tasks if part.name == "plan" else ())):
            accepted = "、".join(f"`{v}`" for v in item.variants) or "—"
            printed = f"`{item.printed_zh}`" if item.variants and item.printed_zh else "—"
            lines.append(f"| {regions[item.group]} | `{key}` | {item.label_zh} | {item.label_en} "
                         f"| {accepted} | {printed} |")
    return "\n".join(lines) + "\n"


def _hint_md(field: FormField) -> str:
    hint = field.hint_zh.replace("{year}", "YYYY").replace("{next}", "YYYY+1")
    carried = "`nianbao draft` takes it from last year" if field.carried_over else ""
    return "；".join(part for part in (hint, carried) if part) or "—"


def _value_kind(field: FormField, spec: Mapping[str, Any]) -> str:
    if field.unit:
        return f"number ({field.unit})"
    if "enum" in spec:
        return " / ".join(f"`{v}`" for v in spec["enum"])
    if field.format == "date":
        return "date (ISO)"
    if field.long:
        return "long text"
    return "integer" if field.type == "integer" else "text"
