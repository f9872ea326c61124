"""The indicator vocabulary data file is consistent: every measure and unit is one the
contract knows, identities and summary columns name ids the file defines."""

from __future__ import annotations

import pytest

from nianbao.extract.vocabulary import (
    identities,
    lookup,
    normalise_label,
    readable_id,
    summary_columns,
    unit_of,
    vocabulary,
)

MEASURES = {"households", "persons", "person_times", "amount_yuan", "rate_yuan_per_month",
            "rate_yuan_per_year", "percent", "value"}
CORE = {
    "dibao_total", "urban_dibao", "rural_dibao", "tekun_total", "tekun_urban", "tekun_rural",
    "tekun_centralized", "tekun_dispersed", "tekun_centralized_rate", "dibao_edge",
    "rigid_expense_hardship", "low_income_total", "temporary_assistance",
    "temporary_assistance_reserve", "dibao_standard_urban", "dibao_standard_rural",
    "tekun_standard_urban", "tekun_standard_rural", "urban_dibao_avg_benefit",
    "rural_dibao_avg_benefit", "dibao_new", "dibao_exit", "orphans",
    "de_facto_unsupported_children",
}


def _entries() -> set[tuple[str, str, str]]:
    vocab = vocabulary()
    out = {(e.id, e.measure, e.unit) for entries in vocab.exact.values() for e, _ in entries}
    return out | {(p.entry.id, p.entry.measure, p.entry.unit) for p in vocab.patterns}


def test_every_entry_has_a_known_measure_and_unit() -> None:
    for id_, measure, unit in _entries():
        assert measure in MEASURES, id_
        known = unit_of(unit)
        assert known is not None and known.measure in (measure, "value"), (id_, unit)


def test_the_core_ids_of_the_output_contract_are_covered() -> None:
    ids = {e[0] for e in _entries()}
    assert CORE <= ids


def test_identities_and_summary_columns_name_defined_ids() -> None:
    ids = {e[0] for e in _entries()}
    for total, parts in identities():
        assert total in ids and set(parts) <= ids
    columns = {c["id"] for c in summary_columns()}
    for column in summary_columns():
        assert set(column["indicators"]) <= ids
        assert set(column["measures"]) <= MEASURES
        for parts in column.get("parts", ()):
            assert set(parts) <= columns


@pytest.mark.parametrize(("label", "parent", "expected"), [
    ("1.城市低保户数", None, ("urban_dibao", "households")),
    ("（2）城市居民最低生活保障人数（人）", None, ("urban_dibao", "persons")),
    ("其中：当月新增", "urban_dibao", ("dibao_new", "persons")),
    ("城市低保月人均补助水平", None, ("urban_dibao_avg_benefit", "rate_yuan_per_month")),
    ("农村特困人员救助供养支出", None, ("tekun_rural", "amount_yuan")),
    ("集中供养人数", "tekun_total", ("tekun_centralized", "persons")),
])
def test_labels_and_their_variants(label: str, parent: str | None,
                                   expected: tuple[str, str]) -> None:
    entry = lookup(label, parent)
    assert entry is not None and (entry.id, entry.measure) == expected


def test_unknown_labels_keep_a_readable_id() -> None:
    assert normalise_label("（1）城市低保金（万元）") == "城市低保金"
    assert readable_id("城市低保金") == "urban_dibao_payment"
    assert readable_id("流浪乞讨人员救助人次") == "vagrant_assist_assistance_person_times"


@pytest.mark.parametrize(("text", "measure", "scale"), [
    ("元/人、月", "rate_yuan_per_month", 1), ("元∕人·年", "rate_yuan_per_year", 1),
    ("万人", "persons", 10_000), ("亿元", "amount_yuan", 100_000_000), ("（户）", "households", 1),
])
def test_units(text: str, measure: str, scale: int) -> None:
    unit = unit_of(text)
    assert unit is not None and (unit.measure, unit.scale) == (measure, scale)
