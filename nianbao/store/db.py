"""Where the filings store lives and how to connect to it.

A store is named by a path (an SQLite file, the default: embedded, nothing to set up) or by a
database URL (``postgresql://user:pass@host/db`` for a registration bureau's server; ``sqlite:///``
URLs work too). `resolve_store` picks, in order: the value given (``--store``), ``$NIANBAO_STORE``,
then `default_store_path()`.

SQLite connections run in WAL mode with a busy timeout and foreign keys on, and every write
transaction starts with ``BEGIN IMMEDIATE``: two processes writing one file queue for the write
lock instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from nianbao.errors import NianbaoError

ENV_VAR = "NIANBAO_STORE"
BUSY_TIMEOUT_S = 60.0
# Execution option: a transaction that only reads (SQLite: plain BEGIN, no write lock).
READ_ONLY = "nianbao_read_only"


class StoreError(NianbaoError):
    """The store cannot be opened or used: bad URL, not a nianbao store, newer than the code."""

    code = "store"
    exit_status = 2


def default_store_path() -> Path:
    """The default SQLite file: ``$NIANBAO_STORE`` when it is a path, else
    ``$XDG_DATA_HOME/nianbao/filings.sqlite`` (``~/.local/share/nianbao/filings.sqlite``)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env and not is_url(env):
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home) if data_home and Path(data_home).is_absolute() else (
        Path.home() / ".local" / "share")
    return base / "nianbao" / "filings.sqlite"


def resolve_store(value: str | Path | None = None) -> str:
    """The store to use: `value`, else ``$NIANBAO_STORE``, else the default path."""
    if value is not None and str(value).strip():
        return str(value).strip()
    env = os.environ.get(ENV_VAR, "").strip()
    return env or str(default_store_path())


def is_url(value: str) -> bool:
    return "://" in value


def store_url(value: str | Path) -> URL:
    """The SQLAlchemy URL for a path or URL; ``postgresql://`` gets the psycopg (v3) driver."""
    text = str(value).strip()
    if not is_url(text):
        return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StoreError(f"无法识别的存储库地址：{redact(text)}",
                         f"cannot parse the store URL: {redact(text)}") from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url.set(drivername="sqlite+pysqlite")
    raise StoreError(f"不支持的存储库类型 {backend}（支持 SQLite 文件路径或 postgresql:// 地址）",
                     f"unsupported store type {backend} (use an SQLite path or a postgresql:// URL)")


def redact(text: str) -> str:
    """A URL without its password, for messages."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text


def _json_text(value: Any) -> str:
    """Stored JSON keeps Chinese as written (readable with any SQLite or psql client)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(value: str | Path, **kwargs: Any) -> Engine:
    """An engine for the store at `value` (path or URL), set up for safe concurrent writing."""
    url = store_url(value)
    kwargs.setdefault("json_serializer", _json_text)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        parent = Path(database).parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"无法创建存储库目录：{parent}（{exc.strerror}）",
                             f"cannot create the store folder: {parent} ({exc.strerror})") from exc
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
    # The driver's own implicit BEGIN is switched off; `_sqlite_on_begin` emits ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() == "wal":
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint in WAL
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    options: Mapping[str, Any] = conn.get_execution_options()
    conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")
