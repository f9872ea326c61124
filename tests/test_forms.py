"""The form as data: the schema's x- keywords are the one description of the form."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from nianbao.extract import labels
from nianbao.forms import LONG_FIELDS, NOTICE_SCHEMA, annual_report, markdown, notice, schema
from nianbao.generate.context import LABELS, PARAGRAPH_FIELDS, context_text
from nianbao.generate.notice_context import build_notice_context
from tests.conftest import ROOT, clean_fields


def test_every_field_has_a_label_a_section_and_a_place() -> None:
    form = annual_report()
    groups = {g.key for g in form.groups}
    assert [f.order for f in form.fields] == list(range(1, len(form.fields) + 1))
    for field in form.fields:
        assert field.label_zh and field.label_en, field.name
        assert field.group in groups, field.name
        assert field.layout in ("short", "long"), field.name
    assert set(form.names) == set(schema()["properties"])


def test_annotations_do_not_change_what_the_schema_accepts() -> None:
    Draft202012Validator.check_schema(dict(schema()))
    validator = Draft202012Validator(dict(schema()))
    record = {k: float(v) if k.endswith("_wan") else v for k, v in clean_fields().items()}
    assert list(validator.iter_errors(record)) == []
    assert [e.validator for e in validator.iter_errors({**record, "extra": 1})] == [
        "additionalProperties"]


def test_parser_and_generator_read_the_same_labels() -> None:
    form = annual_report()
    for field in form.fields:
        if field.variants:
            assert labels.BY_FIELD[field.name].zh == field.label_zh
            assert labels.match(field.variants[0]) is labels.BY_FIELD[field.name]
        if field.printed_zh:
            assert LABELS[field.name] == field.printed_zh
    assert set(PARAGRAPH_FIELDS) == LONG_FIELDS


def test_older_provincial_labels_are_accepted() -> None:
    """Seed 004's layout: 经济来源 for 经费来源, 接收 for 接受 (spec §1.4)."""
    assert labels.match("经济来源") is labels.BY_FIELD["funding_source"]
    assert labels.match("接收捐赠资助及使用情况") is labels.BY_FIELD["donations"]
    assert labels.match("年末数(万元)") is labels.BY_FIELD["net_assets_end_wan"]


def test_docs_form_md_is_current() -> None:
    assert markdown() == (ROOT / "docs" / "form.md").read_text(encoding="utf-8"), \
        "docs/form.md is stale: run scripts/form-docs"


def test_notice_parts_name_the_parser_and_generator_labels() -> None:
    parts = notice()
    assert set(parts.names) == set(schema(NOTICE_SCHEMA)["properties"])
    assert parts.field("colophon/cc").variants == ("抄送", "主送")
    ctx = build_notice_context({"issuers": ["某县民政局"], "title": "关于开展某项工作的通知",
                                "date": "2025-06-01", "attachments": ["实施方案"],
                                "colophon": {"cc": ["县政府办"], "printer": "某县民政局办公室",
                                             "printed_on": "2025-06-01"}})
    text = context_text(ctx)
    for part in ("attachments", "colophon/cc", "colophon/printed_on"):
        assert parts.field(part).printed_zh in text
