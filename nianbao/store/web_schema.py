"""The store's tables for the web app (schema version 3): accounts, sessions, API tokens, login
failures, what the web app knows about a filing (who uploaded it, its source file, when it was
submitted), the filer's drafts, the reviewer's decisions and the audit log.

`define(metadata)` builds the tables into a MetaData. The v3 migration calls it on a fresh
MetaData; that is the frozen v3 schema, so a later change is a new migration (v4…) that alters
these tables, never an edit of `define` that v3 would then replay differently.

- ``users``: one account; ``role`` is ``filer`` (sees its ``org``: a 统一社会信用代码),
  ``reviewer`` (sees the institutions registered in its ``region``: a GB/T 2260 division code)
  or ``admin`` (sees everything). Passwords are argon2 hashes; nothing else about them is kept.
- ``sessions``: a signed cookie names a row here (so logging out or disabling an account ends it).
- ``api_tokens``: only the sha256 of a bearer token is kept; the token is shown once.
- ``login_failures``: recent failed logins, for throttling by account name and by address.
- ``filing_files``: the uploaded source (bytes, media type) and its text blocks with page and
  bbox, so the reviewer sees the document without any path reaching the filesystem; also who
  uploaded it, for which institution (``org``) and when it was submitted.
- ``drafts``: the filer's report in progress (fields as JSON), one per institution and year.
- ``decisions``: a reviewer's accept / dismiss / ask-for-correction on one finding of a filing.
- ``audit_log``: who did what, when, with the value before and after.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from nianbao.store.schema import JSONDoc


def define(meta: MetaData) -> dict[str, Table]:
    """The web app's tables, built into `meta`."""
    users = Table(
        "users", meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False, unique=True),
        Column("role", String(20), nullable=False),
        Column("org", String(18), nullable=True, index=True),
        Column("region", String(6), nullable=True),
        Column("password_hash", Text, nullable=False),
        Column("disabled", Boolean, nullable=False, default=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    sessions = Table(
        "sessions", meta,
        Column("id", String(64), primary_key=True),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
        Column("csrf", String(64), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
    )
    api_tokens = Table(
        "api_tokens", meta,
        Column("id", Integer, primary_key=True),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
        Column("token_sha256", String(64), nullable=False, unique=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("revoked", Boolean, nullable=False, default=False),
    )
    login_failures = Table(
        "login_failures", meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False, index=True),
        Column("address", String(64), nullable=False, index=True),
        Column("at", DateTime(timezone=True), nullable=False),
    )
    filing_files = Table(
        "filing_files", meta,
        Column("filing_id", Integer, ForeignKey("filings.id"), primary_key=True),
        Column("org", String(300), nullable=True, index=True),
        Column("uploaded_by", Integer, ForeignKey("users.id"), nullable=True),
        Column("filename", Text, nullable=False),
        Column("media_type", String(100), nullable=False),
        Column("content", LargeBinary, nullable=True),
        Column("blocks", JSONDoc, nullable=False),
        Column("origin", String(20), nullable=False),  # upload | draft
        Column("submitted_at", DateTime(timezone=True), nullable=True),
        Column("errors_confirmed", Boolean, nullable=False, default=False),
    )
    drafts = Table(
        "drafts", meta,
        Column("id", Integer, primary_key=True),
        Column("org", String(18), nullable=False),
        Column("year", Integer, nullable=False),
        Column("fields", JSONDoc, nullable=False),
        Column("updated_by", Integer, ForeignKey("users.id"), nullable=True),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("filing_id", Integer, ForeignKey("filings.id"), nullable=True),
        UniqueConstraint("org", "year", name="uq_drafts_org_year"),
    )
    decisions = Table(
        "decisions", meta,
        Column("id", Integer, primary_key=True),
        Column("filing_id", Integer, ForeignKey("filings.id"), nullable=False),
        Column("finding_key", String(64), nullable=False),
        Column("rule", String(100), nullable=False),
        Column("action", String(20), nullable=False),  # accept | dismiss | ask
        Column("reason", Text, nullable=False, default=""),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Index("ix_decisions_filing", "filing_id", "finding_key"),
    )
    audit_log = Table(
        "audit_log", meta,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
        Column("user_name", String(100), nullable=False),
        Column("action", String(40), nullable=False),
        Column("filing_id", Integer, nullable=True, index=True),
        Column("target", Text, nullable=False, default=""),
        Column("before", JSONDoc, nullable=True),
        Column("after", JSONDoc, nullable=True),
    )
    return {t.name: t for t in (users, sessions, api_tokens, login_failures, filing_files,
                                drafts, decisions, audit_log)}


def create_v3(conn: Connection) -> None:
    """Migration 3: the web app's tables, as released."""
    v3 = MetaData()
    # The filings and users tables the foreign keys point at (not created here).
    Table("filings", v3, Column("id", Integer, primary_key=True))
    define(v3)
    v3.create_all(conn, tables=[t for t in v3.sorted_tables if t.name != "filings"])


web_metadata = MetaData()
Table("filings", web_metadata, Column("id", Integer, primary_key=True))
_tables = define(web_metadata)
users = _tables["users"]
sessions = _tables["sessions"]
api_tokens = _tables["api_tokens"]
login_failures = _tables["login_failures"]
filing_files = _tables["filing_files"]
drafts = _tables["drafts"]
decisions = _tables["decisions"]
audit_log = _tables["audit_log"]
