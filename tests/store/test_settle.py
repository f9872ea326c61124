"""A batch's several filings for one institution, year and kind, settled after they were stored:
the latest by the document's own date is current, then the later path, then sha256; whatever
order they were stored in. Filings of earlier batches stay older."""

from __future__ import annotations

import itertools
from dataclasses import replace

from sqlalchemy import select

from nianbao.model import Report, Source
from nianbao.store import Store
from nianbao.store.duplicates import batch_precedence, document_date
from nianbao.store.filings import recording_notes
from nianbao.store.schema import filings
from tests.store.test_store import store, store_at, synthetic

__all__ = ["store", "store_at"]  # the fixtures, on SQLite and PostgreSQL

# sha256 letter → (報送日期, path in the inbox); the batch's files, listed oldest first by the rule
BATCH = {"u": ("", "z.json"),  # undated: before every dated one
         "p": ("2026-03-01", "b.json"),
         "q": ("2026-03-20", "a.json"),
         "r": ("2026-03-20", "c.json")}  # same date as q, later path: current


def _filing(i: int, letter: str, date: str, path: str) -> Report:
    report = synthetic(i, 2025)
    fields = {k: v for k, v in report.record.fields.items() if k != "submitted_on"}
    if date:
        fields["submitted_on"] = date
    if letter == "r":  # the current one renames the institution
        fields["name"] = f"{fields['name']}（更名）"
    return Report(Source(f"/in/{path}", letter * 64, "json"),
                  replace(report.record, fields=fields))


def _chain(store: Store, i: int) -> tuple[str, list[tuple[str, str | None]]]:
    """The current filing's letter, and each filing's letter with its successor's."""
    with store.transaction(read_only=True) as tx:
        institution = select(filings.c.institution_id).where(
            filings.c.source_path == f"/in/e{i}.json").scalar_subquery()
        rows = tx.conn.execute(select(filings).where(
            filings.c.institution_id == institution)).all()
    letter = {r.id: r.source_sha256[0] for r in rows}
    (current,) = [letter[r.id] for r in rows if r.is_current]
    return current, sorted((letter[r.id], letter.get(r.superseded_by)) for r in rows)


def test_the_batch_rule_orders_by_date_then_path_then_sha256() -> None:
    assert document_date("annual_report", {"submitted_on": "2026-03-04"}) == "2026-03-04"
    assert document_date("annual_report", {"submitted_on": "三月"}) == ""
    assert document_date("work_summary", {"submitted_on": "2026-03-04"}) == ""
    keys = [batch_precedence("annual_report", {"submitted_on": d}, p, s)
            for d, p, s in (("", "z", "9"), ("2026-03-01", "b", "1"), ("2026-03-20", "a", "2"),
                            ("2026-03-20", "a", "3"))]
    assert keys == sorted(keys)


def test_a_batch_settles_the_same_in_any_order(store: Store) -> None:
    orders = list(itertools.permutations(BATCH))[::5]  # 5 of the 24 orders, reversed among them
    assert ("r", "q", "p", "u") in orders or ("u", "p", "q", "r") in orders
    for i, order in enumerate(orders, start=1):
        earlier = _filing(i, "e", "2026-12-31", f"e{i}.json")  # an earlier batch's, dated later
        store.record_filing(earlier)
        since = store.last_filing_id()
        for letter in order:
            store.record_filing(_filing(i, letter, *BATCH[letter]))
        names = {letter * 64: BATCH[letter][1] for letter in BATCH}
        assert store.settle_batch(names.get, since) == set(names)
        assert _chain(store, i) == ("r", [("e", "u"), ("p", "q"), ("q", "r"), ("r", None),
                                          ("u", "p")]), order
        assert store.settle_batch(names.get, since) == set(names)  # settling again changes nothing
        assert _chain(store, i)[0] == "r"
        code = str(synthetic(i, 2025).record.fields["credit_code"])
        institution = store.find_institution(code)
        assert institution is not None and institution.name == f"第{i}社会救助服务中心（更名）"
        # recorded again (the batch's second pass), each says where it stands, by path
        notes = {}
        for letter in BATCH:
            with store.transaction() as tx:
                ref = tx.record_filing(_filing(i, letter, *BATCH[letter]))
            notes[letter] = [(f.rule, f.params) for f in
                             recording_notes(ref, again=True, inbox="/in")]
        assert notes["r"] == [("store.superseded", {"superseded": "a.json",
                                                    "superseded_sha256": "q" * 64})]
        for letter in "upq":
            assert notes[letter] == [("store.older-version", {"current": "c.json",
                                                              "current_sha256": "r" * 64})]


def test_a_single_new_filing_is_left_as_recorded(store: Store) -> None:
    store.record_filing(_filing(40, "p", *BATCH["p"]))
    since = store.last_filing_id()
    store.record_filing(_filing(40, "u", *BATCH["u"]))  # a later batch: undated, still current
    assert store.settle_batch({"u" * 64: "z.json"}.get, since) == set()
    ref = store.record_filing(_filing(40, "u", *BATCH["u"]))
    assert ref is not None and ref.status == "unchanged"
    # outside a batch the other filing is named by the path it was stored under
    assert [(f.rule, f.params) for f in recording_notes(ref, again=True)] == [
        ("store.superseded", {"superseded": "/in/b.json", "superseded_sha256": "p" * 64})]
    assert recording_notes(ref) == []  # a plain check of the same file again says nothing


def test_a_filing_stored_meanwhile_by_another_writer_stays_current(store: Store) -> None:
    since = store.last_filing_id()
    for letter in "rp":
        store.record_filing(_filing(41, letter, *BATCH[letter]))
    store.record_filing(_filing(41, "w", "2026-01-01", "web.json"))  # the web app, meanwhile
    store.settle_batch({"r" * 64: "c.json", "p" * 64: "b.json"}.get, since)
    with store.transaction(read_only=True) as tx:
        rows = {r.source_sha256[0]: r for r in tx.conn.execute(select(filings)).all()
                if r.source_path in ("/in/c.json", "/in/b.json", "/in/web.json")
                and r.institution_id == tx.institution_for(synthetic(41, 2025).record).id}
    assert [k for k, r in rows.items() if r.is_current] == ["w"]
    assert rows["p"].superseded_by == rows["r"].id and rows["r"].superseded_by == rows["w"].id
