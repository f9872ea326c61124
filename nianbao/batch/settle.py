"""A batch with a store, between its two passes: which of the batch's files for the same
institution, year and kind is current.

The first pass records each file as its worker finishes it, so when a batch holds a correction
and its original (or two edited copies), whichever was stored last would be current. Before the
second pass, `settle` makes that independent of worker timing and file order: the latest by the
document's own date (an annual report's 报送日期), then by path in the inbox, then by sha256
(`nianbao.store.filings.batch_precedence`) is current; filings that earlier runs stored stay
older than every file of this batch. The second pass then checks every file of such a key again,
so that each says where it stands (`store.superseded`, `store.older-version`).
"""

from __future__ import annotations

from collections.abc import Callable

from nianbao.batch.state import Ledger

SINCE = "store-since:"  # ledger meta, + rule set: the store's last filing id before the batch


def since(ledger: Ledger, ruleset: str, store: str, resumed: bool) -> int:
    """The store's last filing id before this batch: noted when the batch starts, kept when a
    run resumes a batch cut short (its filings and this run's are one batch)."""
    from nianbao.store.filings import Store

    noted = ledger.get_meta(SINCE + ruleset) if resumed else None
    if noted is not None:
        return int(noted)
    with Store.open(store) as opened:
        last = opened.last_filing_id()
    ledger.set_meta(SINCE + ruleset, str(last))
    return last


def path_of(ledger: Ledger, ruleset: str) -> Callable[[str], str | None]:
    """sha256 → the path in the inbox of the file with that content checked under `ruleset`
    (a copy's first path, the one that was checked); None for content not in the inbox."""
    def lookup(sha: str) -> str | None:
        row = ledger.db.execute(
            "SELECT min(p.path) FROM paths p JOIN results r ON r.sha256 = p.sha256 "
            "AND r.ruleset = p.ruleset WHERE p.ruleset = ? AND p.sha256 = ? AND r.status = 'ok'",
            (ruleset, sha)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    return lookup


def settle(ledger: Ledger, ruleset: str, store: str, since_id: int,
           ) -> list[tuple[str, str, str]]:
    """Settle the batch's duplicates in the store (`Store.settle_batch`); returns (name, sha256,
    JSON name) of every checked file whose key holds another file of the inbox, to be checked
    again for its note."""
    from nianbao.store.filings import Store

    with Store.open(store) as opened:
        touched = opened.settle_batch(path_of(ledger, ruleset), since_id)
    if not touched:
        return []
    found = []
    for sha in sorted(touched):
        row = ledger.db.execute(
            "SELECT min(p.path), r.json_name FROM results r JOIN paths p ON p.sha256 = r.sha256 "
            "AND p.ruleset = r.ruleset WHERE r.ruleset = ? AND r.sha256 = ? AND r.status = 'ok' "
            "GROUP BY r.sha256", (ruleset, sha)).fetchone()
        if row is not None:
            found.append((row[0], sha, row[1]))
    return found
