"""The batch ledger: which files are done, under which rule set, with what result.

A SQLite file in the output folder, keyed by (content sha256, rule-set version). A file whose key
is already there is not read again on a rerun, whatever its path or name now. Each result goes in
with its findings in one transaction, after the file's JSON has been written, so a batch that is
killed at any point leaves a ledger that lists exactly the results that are on disk: the rerun
redoes only the files that were in flight.

The ledger also remembers, per run, which paths of the inbox hold which content (`paths`), so
that the reports list every path, identical copies included.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from nianbao.model import Finding, plain

LEDGER_NAME = ".nianbao-batch.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    path TEXT NOT NULL,
    status TEXT NOT NULL,            -- ok | failed
    failure TEXT,                    -- unreadable-input | needs-ocr | timeout | crashed | internal
    reason_zh TEXT,
    reason_en TEXT,
    format TEXT,
    kind TEXT,
    org TEXT,
    credit_code TEXT,
    region TEXT,
    year INTEGER,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    infos INTEGER NOT NULL DEFAULT 0,
    json_name TEXT,
    seconds REAL NOT NULL DEFAULT 0,
    finished_at REAL NOT NULL,
    ocr_pages INTEGER NOT NULL DEFAULT 0,  -- pages read by OCR
    PRIMARY KEY (sha256, ruleset)
);
CREATE TABLE IF NOT EXISTS findings (
    sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    pointer TEXT NOT NULL,
    evidence TEXT NOT NULL,
    sentence TEXT NOT NULL,
    page INTEGER,
    params TEXT NOT NULL,
    PRIMARY KEY (sha256, ruleset, seq)
);
CREATE TABLE IF NOT EXISTS paths (
    ruleset TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    json_name TEXT NOT NULL,
    PRIMARY KEY (ruleset, path)
);
"""


@dataclass(frozen=True)
class FindingRow:
    """One finding as the reports list it: the finding and the whole sentence of the source
    its evidence sits in. The ledger keeps the finding's page, not the rest of its provenance."""

    finding: Finding
    sentence: str = ""

    @property
    def page(self) -> int | None:
        prov = self.finding.provenance
        return prov.page if prov is not None else None


@dataclass
class FileResult:
    """What the batch learnt about one file: a checked filing or a failure with its reason."""

    path: str
    sha256: str
    status: str  # ok | failed
    failure: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    format: str | None = None
    kind: str | None = None
    org: str | None = None
    credit_code: str | None = None
    region: str | None = None
    year: int | None = None
    json_name: str | None = None
    seconds: float = 0.0
    findings: list[FindingRow] = field(default_factory=list)
    ocr_pages: int = 0  # pages of the file read by OCR

    def count(self, severity: str) -> int:
        return sum(1 for row in self.findings if row.finding.severity == severity)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Ledger:
    """The SQLite ledger in the output folder. One writer: the batch's main process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last commit
        self.db.executescript(_SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(results)")}
        if "ocr_pages" not in columns:  # a ledger written before OCR: same column, added last
            self.db.execute("ALTER TABLE results ADD COLUMN ocr_pages INTEGER NOT NULL DEFAULT 0")
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)",
                            (str(SCHEMA_VERSION),))

    @classmethod
    def in_folder(cls, out: Path) -> Ledger:
        return cls(Path(out) / LEDGER_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.db.execute("ROLLBACK" if exc_type is not None else "COMMIT")

    def transaction(self) -> Ledger._Tx:
        return Ledger._Tx(self.db)

    # --- what is done -------------------------------------------------------------------------

    def done(self, ruleset: str) -> set[str]:
        """The sha256 of every file already done under `ruleset`."""
        rows = self.db.execute("SELECT sha256 FROM results WHERE ruleset = ?", (ruleset,))
        return {sha for (sha,) in rows}

    def forget_failures(self, ruleset: str, failures: Iterable[str]) -> int:
        """Drop failed results of the given kinds (say timeouts) so that they are tried again."""
        kinds = list(failures)
        if not kinds:
            return 0
        marks = ",".join("?" * len(kinds))
        with self.transaction() as db:
            shas = [s for (s,) in db.execute(
                f"SELECT sha256 FROM results WHERE ruleset = ? AND failure IN ({marks})",
                (ruleset, *kinds))]
            db.executemany("DELETE FROM results WHERE sha256 = ? AND ruleset = ?",
                           [(s, ruleset) for s in shas])
        return len(shas)

    def record(self, ruleset: str, result: FileResult) -> None:
        """Store one result and its findings, replacing any earlier one for the same key."""
        with self.transaction() as db:
            db.execute("DELETE FROM findings WHERE sha256 = ? AND ruleset = ?",
                       (result.sha256, ruleset))
            db.execute(
                "INSERT OR REPLACE INTO results VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (result.sha256, ruleset, result.path, result.status, result.failure,
                 result.reason_zh, result.reason_en, result.format, result.kind, result.org,
                 result.credit_code, result.region, result.year, result.count("error"),
                 result.count("warning"), result.count("info"), result.json_name,
                 result.seconds, time.time(), result.ocr_pages),
            )
            db.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [(result.sha256, ruleset, seq, row.finding.rule, row.finding.severity,
                  row.finding.message_zh, row.finding.message_en, row.finding.pointer,
                  row.finding.evidence, row.sentence, row.page,
                  json.dumps(plain(row.finding.params), ensure_ascii=False))
                 for seq, row in enumerate(result.findings)],
            )

    # --- the inbox as seen by this run --------------------------------------------------------

    def set_paths(self, ruleset: str, entries: Iterable[tuple[str, str, str]]) -> int:
        """Replace the (path, sha256, json name) list of the inbox for `ruleset` (streamed from
        `entries`, never held in memory); returns how many paths there are."""
        with self.transaction() as db:
            db.execute("DELETE FROM paths WHERE ruleset = ?", (ruleset,))
            db.executemany("INSERT OR REPLACE INTO paths VALUES (?,?,?,?)",
                           ((ruleset, p, s, j) for p, s, j in entries))
            (count,) = db.execute("SELECT count(*) FROM paths WHERE ruleset = ?",
                                  (ruleset,)).fetchone()
        return int(count)

    def copies(self, ruleset: str) -> int:
        """How many paths of the inbox hold the same content as another path."""
        (count,) = self.db.execute("SELECT count(*) - count(DISTINCT sha256) FROM paths "
                                   "WHERE ruleset = ?", (ruleset,)).fetchone()
        return int(count)

    def inbox_digest(self, ruleset: str) -> str:
        """A digest of the inbox as last set (paths, contents) and of which of them have a
        result: equal digests mean the reports would come out the same."""
        digest = hashlib.sha256(ruleset.encode())
        for path, sha, done in self.db.execute(
                "SELECT p.path, p.sha256, EXISTS (SELECT 1 FROM results r WHERE r.sha256 = "
                "p.sha256 AND r.ruleset = p.ruleset) FROM paths p WHERE p.ruleset = ? "
                "ORDER BY p.path", (ruleset,)):
            digest.update(f"{path}\0{sha}\0{done}\n".encode())
        return digest.hexdigest()

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def plan(self, ruleset: str) -> int:
        """Note what this run has to check: for each content not done under `ruleset`, its
        first path (a copy elsewhere in the inbox is checked once). Returns how many."""
        with self.transaction() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS todo "
                       "(n INTEGER PRIMARY KEY, path TEXT, sha256 TEXT, json_name TEXT)")
            db.execute("DELETE FROM todo")
            db.execute(
                "INSERT INTO todo (path, sha256, json_name) "
                "SELECT min(p.path), p.sha256, min(p.json_name) FROM paths p "
                "WHERE p.ruleset = ? AND NOT EXISTS (SELECT 1 FROM results r "
                "WHERE r.sha256 = p.sha256 AND r.ruleset = p.ruleset) "
                "GROUP BY p.sha256 ORDER BY min(p.path)", (ruleset,))
            (count,) = db.execute("SELECT count(*) FROM todo").fetchone()
        return int(count)

    def todo(self, page: int = 2000) -> Iterator[tuple[str, str, str]]:
        """(path, sha256, json name) of each file `plan` chose, a page at a time: no statement
        stays open while results are recorded."""
        last = 0
        while True:
            rows = self.db.execute("SELECT n, path, sha256, json_name FROM todo WHERE n > ? "
                                   "ORDER BY n LIMIT ?", (last, page)).fetchall()
            if not rows:
                return
            for n, path, sha, json_name in rows:
                last = n
                yield path, sha, json_name

    def results(self, ruleset: str) -> Iterator[FileResult]:
        """Every path of the inbox with its result, in path order (paths not done are left out).

        Streams from the database: a million rows never sit in memory at once."""
        cursor = self.db.execute(
            "SELECT p.path, p.json_name, r.sha256, r.status, r.failure, r.reason_zh, "
            "r.reason_en, r.format, r.kind, r.org, r.credit_code, r.region, r.year, r.seconds, "
            "r.ocr_pages "
            "FROM paths p JOIN results r ON r.sha256 = p.sha256 AND r.ruleset = p.ruleset "
            "WHERE p.ruleset = ? ORDER BY p.path", (ruleset,))
        for row in cursor:
            (path, json_name, sha, status, failure, reason_zh, reason_en, fmt, kind, org,
             credit_code, region, year, seconds, ocr_pages) = row
            findings = [
                FindingRow(Finding.from_dict({
                    "rule": rule, "severity": severity, "message_zh": mzh, "message_en": men,
                    "pointer": pointer, "evidence": evidence, "params": json.loads(params),
                    "provenance": None if page is None else {"page": page}}), sentence)
                for (rule, severity, mzh, men, pointer, evidence, sentence, page, params)
                in self.db.execute(
                    "SELECT rule, severity, message_zh, message_en, pointer, evidence, "
                    "sentence, page, params FROM findings WHERE sha256 = ? AND ruleset = ? "
                    "ORDER BY seq", (sha, ruleset))
            ]
            yield FileResult(path, sha, status, failure, reason_zh, reason_en, fmt, kind, org,
                             credit_code, region, year,
                             json_name if status == "ok" else None, seconds, findings,
                             ocr_pages=ocr_pages)

