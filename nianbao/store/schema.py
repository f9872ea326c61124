"""The store's tables and their versioned migrations.

`metadata` describes the current schema; queries use its tables. A store gets there by applying
`MIGRATIONS` in order, all pending ones in a single transaction, each recorded in
`schema_version`. Every migration is frozen once released: a later change is a new migration,
never an edit of an old one, so a store written by any earlier version opens and is brought up
to date, and a store written by a newer version is refused rather than misread.

Tables:

- ``institutions``: one row per institution, keyed by its 统一社会信用代码 (or by its normalised
  name when the filing has no usable code).
- ``filings``: one row per distinct filed document of an institution, year and kind, with the
  source's sha256, the record, facts and findings as JSON. The newest filing of a (institution,
  year, kind) is current (of one batch's several, the one `nianbao.store.duplicates` picks); the
  ones it replaced stay, marked not current and pointing at it.
- ``schema_version``: one row per applied migration.
- v3: the web app's tables (`nianbao.store.web_schema`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    inspect,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from nianbao.store.db import StoreError

# A JSON document: JSONB on PostgreSQL (queryable, compact), JSON text elsewhere.
JSONDoc: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

institutions = Table(
    "institutions", metadata,
    Column("id", Integer, primary_key=True),
    # The credit code when it looks valid, else "name:" + the normalised name.
    Column("key", String(300), nullable=False, unique=True),
    Column("credit_code", String(18), nullable=True, index=True),
    Column("name", Text, nullable=True),
    Column("name_norm", String(300), nullable=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

filings = Table(
    "filings", metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False),
    Column("year", Integer, nullable=True),
    Column("kind", String(40), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("source_path", Text, nullable=False),
    Column("source_format", String(10), nullable=False),
    Column("org", Text, nullable=True),
    Column("as_of", String(10), nullable=True),
    Column("record", JSONDoc, nullable=False),
    Column("facts", JSONDoc, nullable=False),
    Column("findings", JSONDoc, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("superseded_by", Integer, ForeignKey("filings.id"), nullable=True),
    # v2
    Column("ruleset_version", String(80), nullable=False, server_default=""),
    Column("checked_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("institution_id", "year", "kind", "source_sha256", name="uq_filings_source"),
    Index("ix_filings_lookup", "institution_id", "kind", "is_current"),
)
# v2: at most one current filing per institution, year and kind, whatever the writers do.
Index("ux_filings_current", filings.c.institution_id, filings.c.year, filings.c.kind,
      unique=True, sqlite_where=filings.c.is_current == true(),
      postgresql_where=filings.c.is_current == true())


# --------------------------------------------------------------------------- migrations


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_create_tables(conn: Connection) -> None:
    """The first released schema, frozen here as it was."""
    v1 = MetaData()
    Table(
        "institutions", v1,
        Column("id", Integer, primary_key=True),
        Column("key", String(300), nullable=False, unique=True),
        Column("credit_code", String(18), nullable=True, index=True),
        Column("name", Text, nullable=True),
        Column("name_norm", String(300), nullable=True, index=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "filings", v1,
        Column("id", Integer, primary_key=True),
        Column("institution_id", Integer, ForeignKey("institutions.id"), nullable=False),
        Column("year", Integer, nullable=True),
        Column("kind", String(40), nullable=False),
        Column("source_sha256", String(64), nullable=False),
        Column("source_path", Text, nullable=False),
        Column("source_format", String(10), nullable=False),
        Column("org", Text, nullable=True),
        Column("as_of", String(10), nullable=True),
        Column("record", JSONDoc, nullable=False),
        Column("facts", JSONDoc, nullable=False),
        Column("findings", JSONDoc, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("superseded_by", Integer, ForeignKey("filings.id"), nullable=True),
        UniqueConstraint("institution_id", "year", "kind", "source_sha256",
                         name="uq_filings_source"),
        Index("ix_filings_lookup", "institution_id", "kind", "is_current"),
    )
    v1.create_all(conn)


def _v2_ruleset_and_current_index(conn: Connection) -> None:
    """Which rule set produced the stored findings and when; one current filing per key."""
    stamp = DateTime(timezone=True).compile(dialect=conn.dialect)
    conn.execute(text("ALTER TABLE filings ADD COLUMN ruleset_version VARCHAR(80) "
                      "NOT NULL DEFAULT ''"))
    conn.execute(text(f"ALTER TABLE filings ADD COLUMN checked_at {stamp}"))
    conn.execute(text("UPDATE filings SET checked_at = created_at"))
    conn.execute(text("CREATE UNIQUE INDEX ux_filings_current ON filings "
                      "(institution_id, year, kind) WHERE is_current"))


def _v3_web_tables(conn: Connection) -> None:
    """The web app's accounts, sessions, tokens, drafts, decisions and audit log."""
    from nianbao.store.web_schema import create_v3

    create_v3(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "institutions and filings", _v1_create_tables),
    Migration(2, "rule-set version, last check time, one current filing per year",
              _v2_ruleset_and_current_index),
    Migration(3, "web app: users, sessions, tokens, filing files, drafts, decisions, audit log",
              _v3_web_tables),
)
LATEST = MIGRATIONS[-1].version
# Key of the PostgreSQL advisory lock that serialises migrations of one database.
_MIGRATION_LOCK = 0x6E69616E62616F  # "nianbao"


def current_version(conn: Connection) -> int:
    """The store's schema version (0 for an empty database); refuses a foreign database."""
    names = set(inspect(conn).get_table_names())
    if "schema_version" not in names:
        if names:
            raise StoreError(
                "该数据库不是 nianbao 存储库（没有 schema_version 表），未作任何改动",
                "this database is not a nianbao store (no schema_version table); left untouched",
            )
        return 0
    found = conn.execute(select(schema_version.c.version).order_by(
        schema_version.c.version.desc()).limit(1)).scalar()
    return int(found or 0)


def migrate(conn: Connection) -> int:
    """Bring the store up to `LATEST` inside the caller's transaction; returns the version the
    store had before. A store newer than this code is refused, never touched."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    before = current_version(conn)
    if before > LATEST:
        raise StoreError(
            f"存储库的结构版本为 {before}，高于本版 nianbao 支持的 {LATEST}；请升级 nianbao 后再打开",
            f"the store's schema version is {before}, newer than this nianbao supports ({LATEST}); "
            "upgrade nianbao to open it",
        )
    if before == 0:
        schema_version.create(conn, checkfirst=True)
    for migration in MIGRATIONS[before:]:
        migration.apply(conn)
        conn.execute(insert(schema_version).values(
            version=migration.version, description=migration.description, applied_at=utcnow()))
    return before
