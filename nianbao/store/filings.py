"""The filings store: every checked filing, by institution, year and kind, with its history.

    with Store.open("filings.sqlite") as store:          # or "postgresql://…"
        with store.transaction() as tx:
            history = tx.related_history(report.record)   # the institution's other years
            ...                                           # run the checks with that history
            ref = tx.record_filing(report)                # same transaction: all or nothing

A filing is keyed by institution (its 统一社会信用代码 when the code looks valid, else its
normalised name), year and kind. Recording the same source again (same sha256) changes nothing
but the stored findings; a different source for the same key supersedes the current filing,
which stays in the store, marked not current and pointing at its successor.

A batch that stores several files for one key settles them afterwards (`Store.settle_batch`,
`nianbao.store.duplicates`): the current one is the latest by the document's own date, then by
its path in the inbox, then by sha256, whatever order the workers stored them in; filings of
earlier runs stay older than all of them. The store's notes name the other filing by
its source path (relative to the inbox in a batch) and sha256, never by a row id.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from sqlalchemy import Connection, Engine, Row, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from nianbao.model import Finding, Record, Report, Source, plain
from nianbao.store.db import READ_ONLY, StoreError, make_engine, redact, resolve_store
from nianbao.store.schema import LATEST, current_version, filings, institutions, migrate, utcnow
from nianbao.text import credit_code

_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
NAME_PREFIX = "name:"
Status = Literal["new", "unchanged", "superseding", "older"]


# --------------------------------------------------------------------------- keys


def normalise_name(name: str) -> str:
    """A unit name for matching: full-width forms folded (NFKC), all whitespace removed."""
    return "".join(c for c in unicodedata.normalize("NFKC", name) if not c.isspace())


def code_if_valid_looking(raw: object) -> str | None:
    """The normalised credit code when it has the GB 32100 shape (length, character set,
    numeric division); the check character is not required to be right."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    code = credit_code.normalise(raw).text
    return code if _CODE_SHAPE.match(code) else None


def institution_key(record: Record) -> str | None:
    """The store key of the record's institution: the credit code, else ``name:`` + the
    normalised name; None when the record names neither."""
    code = code_if_valid_looking(record.fields.get("credit_code"))
    if code:
        return code
    name = record.fields.get("name") or record.org
    if isinstance(name, str) and normalise_name(name):
        return NAME_PREFIX + normalise_name(name)
    return None


def lookup_key(code_or_name: str) -> str:
    """The key a user's query stands for: a code-shaped query is a code, anything else a name."""
    return code_if_valid_looking(code_or_name) or NAME_PREFIX + normalise_name(code_or_name)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Institution:
    id: int
    key: str
    credit_code: str | None
    name: str | None


@dataclass(frozen=True)
class FilingRef:
    """What recording a filing did: `new` (first for its key), `unchanged` (this source was
    already the current filing), `superseding` (it replaced `superseded`), `older` (this source
    had already been replaced by a later one; nothing changed).

    `replaced` is the source of the filing this one replaced (superseding, and unchanged when it
    had replaced one before), `current` the source of the filing that replaced this one (older)."""

    id: int
    institution: Institution
    year: int | None
    kind: str
    sha256: str
    status: Status
    superseded: int | None = None
    replaced: Source | None = None
    current: Source | None = None


def recording_notes(ref: FilingRef | None, *, again: bool = False,
                    inbox: str | Path | None = None) -> list[Finding]:
    """The info findings that say what recording a filing did (not stored, superseding, older).

    The other filing is named by its source path (relative to `inbox` when it lies there) and
    its sha256: the same store gives the same notes, whatever order its rows were written in.
    `again` (a batch's second pass): the filing is already recorded, and the notes say where it
    stands now: a current filing that replaced another says so again."""
    from nianbao.checks import notes

    if ref is None:
        return [notes.note(notes.not_recorded)]
    replacing = ref.status == "superseding" or (again and ref.status == "unchanged")
    if replacing and ref.replaced is not None:
        return [notes.note(notes.superseded,
                           {"superseded": shown_path(ref.replaced.path, inbox),
                            "superseded_sha256": ref.replaced.sha256},
                           shown={"year": ref.year})]
    if ref.status == "older" and ref.current is not None:
        return [notes.note(notes.older_version,
                           {"current": shown_path(ref.current.path, inbox),
                            "current_sha256": ref.current.sha256},
                           shown={"year": ref.year})]
    return []


def shown_path(path: str, inbox: str | Path | None) -> str:
    """A stored source path as a note shows it: relative to `inbox` (with /) when it lies
    there, else as stored."""
    if inbox is not None:
        try:
            return Path(path).relative_to(inbox).as_posix()
        except ValueError:
            pass
    return path


@dataclass(frozen=True)
class StoredFiling:
    """One row of `filings`, with its record and findings rebuilt."""

    id: int
    institution_id: int
    year: int | None
    kind: str
    source: Source
    record: Record
    findings: list[Finding]
    created_at: dt.datetime
    checked_at: dt.datetime | None
    is_current: bool
    superseded_by: int | None
    ruleset_version: str


# --------------------------------------------------------------------------- the store


class Store:
    """A filings store on SQLAlchemy: an SQLite file or a PostgreSQL database."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        # The schema version the store had when opened, when this opening migrated it.
        self.migrated_from: int | None = None

    @classmethod
    def open(cls, location: str | Path | None = None, *, read_only: bool = False) -> Store:
        """Open (creating or migrating as needed) the store at a path or URL; None means
        ``$NIANBAO_STORE`` or the default path.

        `read_only` (for commands that only read: history, draft, summary): the store must
        exist, is never created or written, and can sit in a read-only folder. A store of an
        older schema is opened for writing once, to bring it up to date."""
        where = resolve_store(location)
        if read_only:
            opened = cls._open_read_only(where)
            if opened is not None:
                return opened
        engine = make_engine(where)
        with _disposed_on_failure(engine, where), engine.begin() as conn:
            before = migrate(conn)
        store = cls(engine, where)
        store.migrated_from = before if 0 < before < LATEST else None
        return store

    @classmethod
    def _open_read_only(cls, where: str) -> Store | None:
        """The store opened read-only, or None when it needs migrating first."""
        engine = make_engine(where, read_only=True)
        with _disposed_on_failure(engine, where), engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            with conn.begin():
                version = current_version(conn)
        if version == 0:
            engine.dispose()
            raise StoreError(f"这不是 nianbao 存储库（是空的）：{redact(where)}",
                             f"not a nianbao store (it is empty): {redact(where)}")
        if version > LATEST:
            engine.dispose()
            raise StoreError(
                f"存储库的结构版本为 {version}，高于本版 nianbao 支持的 {LATEST}；请升级 nianbao 后再打开",
                f"the store's schema version is {version}, newer than this nianbao supports "
                f"({LATEST}); upgrade nianbao to open it")
        if version < LATEST:
            engine.dispose()
            return None
        return cls(engine, where)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Transaction]:
        """One transaction: committed when the block ends normally, rolled back on any
        exception (an interrupted ingest leaves nothing behind)."""
        try:
            with self.engine.connect() as conn:
                if read_only:
                    conn.execution_options(**{READ_ONLY: True})
                with conn.begin():
                    yield Transaction(conn)
        except DBAPIError as exc:  # locked, damaged pages, lost connection, read-only
            raise _unusable(self.location, exc) from exc

    # Single-call conveniences, each in its own transaction.

    def record_filing(self, report: Report, ruleset_version: str = "") -> FilingRef | None:
        with self.transaction() as tx:
            return tx.record_filing(report, ruleset_version)

    def history(self, institution_key: str, kind: str = "annual_report") -> list[Record]:
        with self.transaction(read_only=True) as tx:
            return tx.history(institution_key, kind)

    def find_institution(self, code_or_name: str) -> Institution | None:
        with self.transaction(read_only=True) as tx:
            return tx.find_institution(code_or_name)

    def last_filing_id(self) -> int:
        """The highest filing id so far (0 for none): a batch's filings are those above it."""
        with self.transaction(read_only=True) as tx:
            return int(tx.conn.execute(select(func.max(filings.c.id))).scalar() or 0)

    def settle_batch(self, path_of: Callable[[str], str | None], since: int) -> set[str]:
        """Settle one batch's several filings for the same key, in one transaction: see
        `nianbao.store.duplicates.settle_batch`."""
        from nianbao.store.duplicates import settle_batch

        with self.transaction() as tx:
            return settle_batch(tx, path_of, since)

    def count_filings(self, *, current_only: bool = False) -> int:
        with self.transaction(read_only=True) as tx:
            query = select(func.count()).select_from(filings)
            if current_only:
                query = query.where(filings.c.is_current)
            return int(tx.conn.execute(query).scalar() or 0)


def _unusable(where: str, exc: DBAPIError) -> StoreError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    return StoreError(f"无法使用存储库 {redact(where)}：{reason}",
                      f"cannot use the store {redact(where)}: {reason}")


@contextmanager
def _disposed_on_failure(engine: Engine, where: str) -> Iterator[None]:
    """Opening the store at `where`: on failure the engine is disposed of, and a database
    error becomes a StoreError that says which store and why."""
    try:
        yield
    except StoreError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise _unusable(where, exc) from exc


class Transaction:
    """The store's operations inside one open transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ----------------------------------------------------------------- institutions

    def institution_for(self, record: Record) -> Institution | None:
        """The record's institution, created on first sight and locked for this transaction
        (PostgreSQL: row lock; SQLite: the transaction already holds the write lock)."""
        key = institution_key(record)
        if key is None:
            return None
        code = key if not key.startswith(NAME_PREFIX) else None
        raw_name = record.fields.get("name") or record.org
        name = raw_name if isinstance(raw_name, str) and raw_name.strip() else None
        values = {"key": key, "credit_code": code, "name": name,
                  "name_norm": normalise_name(name) if name else None, "created_at": utcnow()}
        dialect = self.conn.dialect.name
        if dialect == "postgresql":
            self.conn.execute(postgresql.insert(institutions).values(**values)
                              .on_conflict_do_nothing(index_elements=["key"]))
        else:
            self.conn.execute(sqlite.insert(institutions).values(**values)
                              .on_conflict_do_nothing(index_elements=["key"]))
        row = self.conn.execute(select(institutions).where(institutions.c.key == key)
                                .with_for_update()).one()
        if name and row.name != name and self.is_latest_year(row.id, record):
            self.conn.execute(update(institutions).where(institutions.c.id == row.id).values(
                name=name, name_norm=normalise_name(name)))
            return Institution(row.id, row.key, row.credit_code, name)
        return Institution(row.id, row.key, row.credit_code, row.name)

    def is_latest_year(self, institution_id: int, record: Record) -> bool:
        """Whether `record` is of the institution's latest year stored (or the first)."""
        latest = self.conn.execute(select(func.max(filings.c.year)).where(
            filings.c.institution_id == institution_id)).scalar()
        return latest is None or (record.year is not None and record.year >= latest)

    def find_institutions(self, code_or_name: str) -> list[Institution]:
        """Institutions a user's query names: by code, or every one whose name matches."""
        query = code_or_name.strip()
        if not query:
            return []
        code = code_if_valid_looking(query)
        if code:
            where = institutions.c.key == code
        else:
            norm = normalise_name(query)
            where = or_(institutions.c.key == NAME_PREFIX + norm, institutions.c.name_norm == norm)
        latest = (select(func.max(filings.c.year)).where(filings.c.institution_id == institutions.c.id)
                  .scalar_subquery())
        rows = self.conn.execute(select(institutions).where(where)
                                 .order_by(latest.desc().nulls_last(), institutions.c.id)).all()
        return [Institution(r.id, r.key, r.credit_code, r.name) for r in rows]

    def find_institution(self, code_or_name: str) -> Institution | None:
        found = self.find_institutions(code_or_name)
        return found[0] if found else None

    # ----------------------------------------------------------------- filings

    def record_filing(self, report: Report, ruleset_version: str = "") -> FilingRef | None:
        """Store a checked filing; idempotent on (institution, year, kind, sha256), superseding
        the current filing of (institution, year, kind) when the source differs. None when the
        record names no institution (no code, no name): it cannot be filed under anyone."""
        record, source = report.record, report.source
        institution = self.institution_for(record)
        if institution is None:
            return None
        now = utcnow()
        findings_json = [f.to_dict() for f in report.findings]
        same_key = and_(filings.c.institution_id == institution.id,
                        filings.c.kind == record.kind, _year_is(record.year))
        existing = self.conn.execute(select(filings.c.id, filings.c.is_current).where(
            same_key, filings.c.source_sha256 == source.sha256)).first()
        if existing is not None:
            if not existing.is_current:
                current = self._source_of(same_key, filings.c.is_current)
                return FilingRef(existing.id, institution, record.year, record.kind,
                                 source.sha256, "older", current=current)
            self.conn.execute(update(filings).where(filings.c.id == existing.id).values(
                findings=findings_json, ruleset_version=ruleset_version, checked_at=now,
                source_path=source.path))
            replaced = self._source_of(filings.c.superseded_by == existing.id)
            return FilingRef(existing.id, institution, record.year, record.kind, source.sha256,
                             "unchanged", replaced=replaced)
        previous, replaced = None, None
        if record.year is not None:
            previous = self.conn.execute(select(filings.c.id).where(
                same_key, filings.c.is_current)).scalar()
            if previous is not None:
                replaced = self._source_of(filings.c.id == previous)
                self.conn.execute(update(filings).where(filings.c.id == previous)
                                  .values(is_current=False))
        new_id = self.conn.execute(filings.insert().values(
            institution_id=institution.id, year=record.year, kind=record.kind,
            source_sha256=source.sha256, source_path=source.path, source_format=source.format,
            org=record.org, as_of=record.as_of, record=plain(record.fields),
            facts=[f.to_dict() for f in record.facts], findings=findings_json,
            created_at=now, checked_at=now, is_current=True, superseded_by=None,
            ruleset_version=ruleset_version,
        ).returning(filings.c.id)).scalar_one()
        if previous is not None:
            self.conn.execute(update(filings).where(filings.c.id == previous)
                              .values(superseded_by=new_id))
            return FilingRef(new_id, institution, record.year, record.kind, source.sha256,
                             "superseding", previous, replaced=replaced)
        return FilingRef(new_id, institution, record.year, record.kind, source.sha256, "new")

    def _source_of(self, *where: Any) -> Source | None:
        """The source of the filing `where` picks (the greatest sha256 should there be two)."""
        row = self.conn.execute(select(filings.c.source_path, filings.c.source_sha256,
                                       filings.c.source_format).where(*where)
                                .order_by(filings.c.source_sha256.desc()).limit(1)).first()
        return None if row is None else Source(row.source_path, row.source_sha256,
                                               row.source_format)

    def history(self, institution_key: str, kind: str = "annual_report") -> list[Record]:
        """The current filings of the institution with this key (code, or ``name:`` + name, or
        a bare name), every year, oldest first."""
        key = institution_key if institution_key.startswith(NAME_PREFIX) else lookup_key(
            institution_key)
        ids = self.conn.execute(select(institutions.c.id).where(institutions.c.key == key)).scalars()
        return [f.record for f in self.filings_of(list(ids), kind)]

    def related_history(self, record: Record) -> list[Record]:
        """What the cross-year rules compare `record` with: the current filings, other years
        only, of its institution and of any institution under the same name (a changed or
        mistyped code), those under the record's own key first."""
        key = institution_key(record)
        if key is None:
            return []
        name = record.fields.get("name") or record.org
        norm = normalise_name(name) if isinstance(name, str) else ""
        where = institutions.c.key == key
        if norm:
            where = or_(where, institutions.c.name_norm == norm,
                        institutions.c.key == NAME_PREFIX + norm)
        rows = self.conn.execute(select(institutions.c.id, institutions.c.key).where(where)).all()
        keys = {r.id: r.key for r in rows}
        own = [r.id for r in rows if r.key == key]
        others = [r.id for r in rows if r.key != key]
        # Within each group by year, institution key and content hash, never by which filing
        # was stored first: the rules' pick of "the" filing of a year must not depend on order.
        found = (sorted(self.filings_of(own, record.kind), key=lambda f: _by_content(f, keys))
                 + sorted(self.filings_of(others, record.kind),
                          key=lambda f: _by_content(f, keys)))
        return [f.record for f in found if f.year is not None and f.year != record.year]

    def filings_of(self, institution_ids: list[int], kind: str | None = None, *,
                   current_only: bool = True) -> list[StoredFiling]:
        """Filings of these institutions, oldest year first (then oldest filing first)."""
        if not institution_ids:
            return []
        query = select(filings).where(filings.c.institution_id.in_(institution_ids))
        if kind is not None:
            query = query.where(filings.c.kind == kind)
        if current_only:
            query = query.where(filings.c.is_current)
        query = query.order_by(filings.c.year.nulls_last(), filings.c.id)
        return [stored_filing(row) for row in self.conn.execute(query)]


def _by_content(filing: StoredFiling, keys: dict[int, str]) -> tuple[int, str, str]:
    return (filing.year if filing.year is not None else 1 << 30,
            keys.get(filing.institution_id, ""), filing.source.sha256)


def _year_is(year: int | None) -> Any:
    return filings.c.year.is_(None) if year is None else filings.c.year == year


def stored_filing(row: Row[Any]) -> StoredFiling:
    """A row of the filings table as a StoredFiling."""
    record = Record.from_dict({"kind": row.kind, "year": row.year, "as_of": row.as_of,
                               "org": row.org, "record": dict(row.record or {}),
                               "facts": row.facts or []})
    return StoredFiling(
        id=row.id, institution_id=row.institution_id, year=row.year, kind=row.kind,
        source=Source(row.source_path, row.source_sha256, row.source_format), record=record,
        findings=[Finding.from_dict(f) for f in row.findings or [] if isinstance(f, dict)],
        created_at=row.created_at, checked_at=row.checked_at, is_current=bool(row.is_current),
        superseded_by=row.superseded_by, ruleset_version=row.ruleset_version or "",
    )
