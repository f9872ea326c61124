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
import re
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
        url.port  # noqa: B018 - a bad port or an unclosed "[::1" fails here, not at connect
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"无法识别的存储库地址：{redact(text)}",
                         f"cannot parse the store URL: {redact(text)}") from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if url.query:  # the driver would ignore them with a warning on stderr
            raise StoreError(f"SQLite 存储库地址不接受参数：{redact(text)}；请只写文件路径",
                             f"an SQLite store URL takes no parameters: {redact(text)}; give "
                             "the file path only")
        return url.set(drivername="sqlite+pysqlite")
    raise StoreError(f"不支持的存储库类型 {backend}（支持 SQLite 文件路径或 postgresql:// 地址）",
                     f"unsupported store type {backend} (use an SQLite path or a postgresql:// URL)")


def redact(text: str) -> str:
    """A URL without its password, for messages."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)


def _json_text(value: Any) -> str:
    """Stored JSON keeps Chinese as written (readable with any SQLite or psql client)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(value: str | Path, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """An engine for the store at `value` (path or URL), set up for safe concurrent writing.

    `read_only`: for commands that only read. An SQLite store is opened read-only (never
    created: a mistyped path is an error, and a store in a read-only folder or on read-only
    media can be read); a PostgreSQL session is read-only."""
    url = store_url(value)
    kwargs.setdefault("json_serializer", _json_text)
    if url.get_backend_name() == "sqlite":
        if read_only:
            return _sqlite_read_only_engine(url, str(value), **kwargs)
        return _sqlite_engine(url, **kwargs)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if read_only:  # per transaction, so that options= given in the URL stay as they are
        event.listen(engine, "begin",
                     lambda conn: conn.exec_driver_sql("SET TRANSACTION READ ONLY"))
    return engine


def _sqlite_read_only_engine(url: URL, shown: str, **kwargs: Any) -> Engine:
    database = url.database or ""
    path = Path(database).expanduser().resolve() if database else None
    if path is None or not path.is_file():
        raise StoreError(f"没有这个存储库：{shown}（请检查 --store 或 $NIANBAO_STORE）",
                         f"no store at {shown} (check --store or $NIANBAO_STORE)")
    uri = path.as_uri()

    def connect() -> sqlite3.Connection:
        # mode=ro needs to create the -shm file of a WAL store; on read-only media it cannot,
        # and immutable=1 reads the file as it is.
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)

    engine = create_engine("sqlite+pysqlite://", creator=connect, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect_read_only)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


def _sqlite_on_connect_read_only(dbapi_connection: sqlite3.Connection,
                                 record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


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
