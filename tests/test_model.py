"""Every model value survives its JSON form: ``T.from_dict(json(x.to_dict())) == x``, for
generated values and for the real reports of the bundled examples (the five seed documents among
them)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.model import (
    MEASURES,
    Block,
    Fact,
    Finding,
    Provenance,
    Record,
    Report,
    Source,
    json_number,
    plain,
)
from nianbao.pipeline import check_path, to_json
from tests import strategies as model_st
from tests.conftest import ROOT

# Every bundled example: the five seed documents (000–004, as .txt; 000 and 004 also as .docx
# and .pdf), the counties' reports and the record JSON.
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*")
                  if p.suffix in (".txt", ".docx", ".pdf", ".json") and "expected" not in p.parts)


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    """`data` written as the output contract writes it and read back."""
    back = json.loads(to_json(data))
    assert isinstance(back, dict)
    return back


ROUND_TRIPS = settings(max_examples=60, deadline=None)


TYPES: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (Source, model_st.sources()), (Provenance, model_st.provenances()),
    (Block, model_st.blocks()), (Fact, model_st.facts()), (Finding, model_st.findings()),
    (Record, model_st.records()), (Report, model_st.reports())]


@pytest.mark.parametrize(("model", "values"), TYPES, ids=[t.__name__ for t, _ in TYPES])
@ROUND_TRIPS
@given(data=st.data())
def test_round_trip(model: type[Any], values: st.SearchStrategy[Any], data: st.DataObject) -> None:
    value = data.draw(values)
    assert model.from_dict(through_json(value.to_dict())) == value


@ROUND_TRIPS
@given(model_st.facts())
def test_fact_figures_come_back_as_decimal(fact: Fact) -> None:
    back = Fact.from_dict(through_json(fact.to_dict()))
    assert all(isinstance(getattr(back, m), Decimal | None) for m in MEASURES)


@ROUND_TRIPS
@given(model_st.exact_decimals())
def test_a_figure_is_written_as_it_was_read(value: Decimal) -> None:
    """An integer without a point stays an integer in the output (832), a figure with one a
    decimal (490000.0, 498.08); reading the output back gives the same Decimal."""
    written = json.dumps(json_number(value))
    assert ("." in written or "e" in written) == ("." in str(value))
    fact = Fact.from_dict({"indicator": "x", "text": "", "amount_yuan": json.loads(written)})
    assert fact.amount_yuan == value and json.dumps(json_number(fact.amount_yuan)) == written


@given(st.sampled_from(["48.20", "49", "0.5"]))
def test_form_amounts_come_back_as_decimal(text: str) -> None:
    data = {"kind": "annual_report", "record": {"registered_capital_wan": json.loads(text),
                                                "staff_count": 14}}
    record = Record.from_dict(data)
    assert record.fields["registered_capital_wan"] == Decimal(text)
    assert isinstance(record.fields["registered_capital_wan"], Decimal)
    assert record.fields["staff_count"] == 14 and isinstance(record.fields["staff_count"], int)


def test_stored_data_of_the_wrong_shape_is_not_trusted() -> None:
    """A damaged store row gives empty or missing values, never a wrong type."""
    fact = Fact.from_dict({"indicator": "x", "text": "t", "persons": "832人", "page": "3",
                           "approx": "yes"})
    assert (fact.persons, fact.page, fact.approx) == (None, None, False)
    finding = Finding.from_dict({"rule": "r", "severity": "fatal", "params": [1],
                                 "provenance": {"bbox": [1, 2, 3]}})
    assert (finding.severity, finding.params, finding.provenance) == ("info", {}, Provenance())


def as_parsed(record: Record) -> Record:
    """The record without what the parser keeps for the rules only (not in the output)."""
    return replace(record, evidence={}, notes=[], sentences=[], tables=[])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_real_reports_round_trip(path: Path) -> None:
    report = check_path(path)
    data = report.to_dict()
    back = Report.from_dict(through_json(data))
    assert back.to_dict() == data
    assert back.source == report.source
    assert back.record == as_parsed(report.record)
    # A finding's params come back as the JSON values they were written as.
    assert back.findings == [replace(f, params=plain(f.params)) for f in report.findings]
    assert report.record.facts and all(isinstance(getattr(f, m), Decimal | None)
                                       for f in report.record.facts for m in MEASURES)
