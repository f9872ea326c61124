"""One batch's several files for the same institution, year and kind: which one is current.

Recording a filing makes it current (`Transaction.record_filing`): outside a batch, the file
recorded last is the latest submission. A batch's workers record files in whatever order they
finish, so a batch that holds a correction and its original, or two copies with a small edit,
settles them once all are recorded (`settle_batch`): the one `batch_precedence` puts last is
current, whatever the order they were stored in and however many workers there were:

1. the latest document date (`document_date`: an annual report's 报送日期, a notice's 成文日期);
   a file without a readable date is older than any dated one;
2. on the same date, the greater path in the inbox (``2025-v2.pdf`` after ``2025.pdf``);
3. then the greater sha256.

Filings stored before the batch (earlier runs) stay older than every file of the batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, select, update

from nianbao.model import Record
from nianbao.store.schema import filings, institutions

if TYPE_CHECKING:
    from nianbao.store.filings import Transaction

PathOf = Callable[[str], str | None]  # a batch's file's path in the inbox, by sha256

# The field that dates a filing of each kind (the document's own date, YYYY-MM-DD).
DOCUMENT_DATES = {"annual_report": "submitted_on", "notice": "date"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def document_date(kind: str, fields: Mapping[str, Any]) -> str:
    """The date the document gives itself (an annual report's 报送日期, a notice's 成文日期) as
    YYYY-MM-DD; "" when it has none or none readable."""
    name = DOCUMENT_DATES.get(kind)
    value = fields.get(name) if name else None
    text = str(value) if value is not None else ""
    return text if _ISO_DATE.match(text) else ""


def batch_precedence(kind: str, fields: Mapping[str, Any], name: str,
                     sha256: str) -> tuple[str, str, str]:
    """Which of one batch's files for the same institution, year and kind is current: the one
    with the greatest key. By the document's own date (undated files first), then by its path in
    the inbox, then by sha256."""
    return (document_date(kind, fields), name, sha256)


def settle_batch(tx: Transaction, path_of: PathOf, since: int) -> set[str]:
    """Make the order of one batch's filings independent of the order they were stored in.

    `path_of(sha256)` is the path in the inbox of the batch's file with that content (None: not
    a file of the batch); the batch's new filings are those above `since` (`Store.last_filing_id`
    before it began). For each institution, year and kind the batch stored more than one new
    filing for, the one `batch_precedence` puts last becomes current and the others a chain of
    history in that order, after the filing that was current before the batch. Returns the
    sha256 of every filing of the batch whose key holds another file of the batch (their store
    notes may have changed)."""
    touched: set[str] = set()
    for key in _keys_stored_again(tx.conn, since):
        rows = [(r, path) for r in tx.conn.execute(select(
            filings.c.id, filings.c.institution_id, filings.c.year, filings.c.kind,
            filings.c.source_sha256, filings.c.org, filings.c.record).where(*key))
            if (path := path_of(r.source_sha256)) is not None]
        if len(rows) < 2:
            continue
        touched.update(r.source_sha256 for r, _ in rows)
        new = [(r, path) for r, path in rows if r.id > since]
        if len(new) > 1:
            ordered = [r for r, _ in sorted(new, key=lambda item: batch_precedence(
                item[0].kind, dict(item[0].record or {}), item[1], item[0].source_sha256))]
            if _chain(tx.conn, ordered, key):
                _name_from(tx, ordered[-1])
    return touched


def _keys_stored_again(conn: Connection, since: int) -> list[tuple[Any, ...]]:
    """The (institution, year, kind) conditions of every key that got a filing above `since`
    while holding another one (of before or after `since`)."""
    new, other = filings.alias("new"), filings.alias("other")
    same = and_(other.c.institution_id == new.c.institution_id, other.c.year == new.c.year,
                other.c.kind == new.c.kind, other.c.id != new.c.id)
    found = conn.execute(select(new.c.institution_id, new.c.year, new.c.kind).distinct()
                         .join(other, same).where(new.c.id > since,
                                                  new.c.year.is_not(None))).all()
    return [(filings.c.institution_id == i, filings.c.year == y, filings.c.kind == k)
            for i, y, k in sorted(found)]


def _chain(conn: Connection, ordered: list[Any], key: tuple[Any, ...]) -> bool:
    """`ordered` (one key's new filings, oldest first) as the key's latest history: the filing
    current before them is replaced by the first, each by the next, the last current; unless
    another writer stored a filing of the key meanwhile (the web app): that one, submitted later,
    stays current and replaces the last. Returns whether the last is current."""
    ids = [r.id for r in ordered]
    meanwhile = conn.execute(select(filings.c.id).where(
        *key, filings.c.is_current, filings.c.id.not_in(ids))).scalar()
    conn.execute(update(filings).where(filings.c.id.in_(ids)).values(is_current=False))
    conn.execute(update(filings).where(*key, filings.c.superseded_by.in_(ids),
                                       filings.c.id.not_in(ids)).values(superseded_by=ids[0]))
    for older, newer in pairwise(ids):
        conn.execute(update(filings).where(filings.c.id == older).values(superseded_by=newer))
    conn.execute(update(filings).where(filings.c.id == ids[-1]).values(
        is_current=meanwhile is None, superseded_by=meanwhile))
    return meanwhile is None


def _name_from(tx: Transaction, current: Any) -> None:
    """The institution's name as its settled current filing gives it, when that filing is of
    its latest year (as `Transaction.institution_for` does for the filing recorded last)."""
    from nianbao.store.filings import normalise_name

    raw = dict(current.record or {}).get("name") or current.org
    if not isinstance(raw, str) or not raw.strip():
        return
    if tx.is_latest_year(current.institution_id, Record(kind=current.kind, year=current.year)):
        tx.conn.execute(update(institutions).where(institutions.c.id == current.institution_id)
                        .values(name=raw, name_norm=normalise_name(raw)))
