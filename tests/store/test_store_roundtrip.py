"""A filing read back from the store is the filing that was checked: fields, exact figures and
findings, through the model's own JSON form."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nianbao.model import plain
from nianbao.pipeline import check_path
from nianbao.store import Store
from tests.conftest import EXAMPLES, SEED_000, SEED_004


@pytest.mark.parametrize("seed", [SEED_000, SEED_004], ids=lambda p: p.name)
def test_a_stored_filing_comes_back_unchanged(tmp_path: Path, seed: Path) -> None:
    report = check_path(seed.with_suffix(".txt"))
    with Store.open(tmp_path / "filings.sqlite") as store:
        with store.transaction() as tx:
            ref = tx.record_filing(report)
            assert ref is not None
            (stored,) = tx.filings_of([ref.institution.id])
    expected = replace(report.record, evidence={}, notes=[], sentences=[], tables=[])
    assert stored.record == expected
    assert stored.record.facts == report.record.facts  # exact figures, Decimal and all
    assert stored.source == report.source
    assert stored.findings == [replace(f, params=plain(f.params)) for f in report.findings]


def test_the_record_file_example_survives_the_store(tmp_path: Path) -> None:
    report = check_path(EXAMPLES / "clean_record.json")
    with Store.open(tmp_path / "filings.sqlite") as store:
        with store.transaction() as tx:
            ref = tx.record_filing(report)
            assert ref is not None
            (stored,) = tx.filings_of([ref.institution.id])
    assert stored.record.to_dict() == report.record.to_dict()
    assert stored.record.fields == report.record.fields
