"""The filings store, on SQLite and on a real PostgreSQL server.

The PostgreSQL cases run against $NIANBAO_TEST_POSTGRES_URL (start one with
`eval "$(scripts/start-postgres)"`). Without it they fail, unless NIANBAO_SKIP_POSTGRES=1 says
explicitly to skip them: a green run never hides an untested backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, inspect, select, text, update

from nianbao.errors import UnreadableInput
from nianbao.model import Finding, Record, Report, Source
from nianbao.pipeline import check
from nianbao.store import Store, StoreError, default_store_path, resolve_store
from nianbao.store.cli_support import (
    UnknownInstitution,
    history_data,
    history_json,
    history_table,
    previous_record,
)
from nianbao.store.db import store_url
from nianbao.store.filings import Transaction, institution_key
from nianbao.store.schema import LATEST, MIGRATIONS, filings, institutions, metadata, schema_version
from nianbao.text.credit_code import check_char, org_check_digit
from tests.conftest import ROOT, SEED_000, clean_fields

SEED_TEXT = SEED_000.with_suffix(".txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- backends


def _postgres_url() -> str:
    url = os.environ.get("NIANBAO_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    if os.environ.get("NIANBAO_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL cases skipped on request (NIANBAO_SKIP_POSTGRES=1)")
    pytest.fail("NIANBAO_TEST_POSTGRES_URL is not set: start a server with "
                '`eval "$(scripts/start-postgres)"`, or set NIANBAO_SKIP_POSTGRES=1 to skip the '
                "PostgreSQL cases explicitly", pytrace=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store location: an SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield str(tmp_path / "filings.sqlite")
        return
    base = store_url(_postgres_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def store(store_at: str) -> Iterator[Store]:
    with Store.open(store_at) as opened:
        yield opened


# --------------------------------------------------------------------------- inputs


def annual_report(folder: Path, name: str, year: int = 2025, **edits: str) -> Path:
    """Seed 000 (2025) as a text file, moved to `year`, with `edits`: for each key of EDITS,
    the new text to put in place of that passage."""
    text = SEED_TEXT
    if year != 2025:
        text = (text.replace("(2025) 年度", f"({year}) 年度").replace("2025年", f"{year}年")
                .replace("2026年3月4日", f"{year + 1}年3月4日"))
    for key, new in edits.items():
        text = text.replace(EDITS[key], new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


EDITS = {
    "begin": "259.90\t236.18", "rep_row": "\t法定代表人\t邹建波", "rep_cover": "法定代表人 邹建波",
    "capital": "49.0 万元", "change": "我单位今年以来未发生变更事项", "staff": "从业人数\t14",
    "dibao": "城乡低保对象6800户14293人",
}


def pair(folder: Path, **later_edits: str) -> tuple[Path, Path]:
    """2024 (year-end net assets 259.90, as 2025 opens with; 293 fewer 低保 persons, as 2025
    claims) and a 2025 with `later_edits`."""
    earlier = annual_report(folder, "2024.txt", 2024, begin="270.00\t259.90",
                            dibao="城乡低保对象6700户14000人")
    return earlier, annual_report(folder, "2025.txt", 2025, **later_edits)


def checked(paths: list[Path], where: str) -> list[Report]:
    with Store.open(where) as store:
        return [check(path, store=store) for path in paths]


def xyear_findings(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.rule.startswith("xyear.")]


def count(store: Store, table: Any = filings, *where: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


# --------------------------------------------------------------------------- the bar


def test_consistent_pair_has_no_cross_year_finding(store_at: str, tmp_path: Path) -> None:
    first, second = checked(list(pair(tmp_path)), store_at)
    assert xyear_findings(first) == [] and xyear_findings(second) == []


def test_wrong_carryover_is_reported(store_at: str, tmp_path: Path) -> None:
    _, later = checked(list(pair(tmp_path, begin="250.00\t236.18")), store_at)
    (finding,) = xyear_findings(later)
    assert finding.rule == "xyear.net-assets-carryover" and finding.severity == "error"
    assert finding.pointer == "/record/net_assets_begin_wan"
    assert finding.params["begin"] == Decimal("250.00")
    assert finding.params["end"] == Decimal("259.9")


def test_unregistered_legal_representative_change_is_reported(store_at: str, tmp_path: Path
                                                              ) -> None:
    paths = pair(tmp_path, rep_row="\t法定代表人\t张三", rep_cover="法定代表人 张三")
    _, later = checked(list(paths), store_at)
    (finding,) = xyear_findings(later)
    assert finding.rule == "xyear.unregistered-change"
    assert finding.pointer == "/record/legal_representative"
    assert (finding.params["previous_value"], finding.params["value"]) == ("邹建波", "张三")
    assert (finding.params["previous_year"], finding.params["year"]) == (2024, 2025)


def test_unregistered_capital_change_is_reported(store_at: str, tmp_path: Path) -> None:
    _, later = checked(list(pair(tmp_path, capital="70.0 万元")), store_at)
    (finding,) = xyear_findings(later)
    assert finding.rule == "xyear.unregistered-change"
    assert finding.params["field"] == "registered_capital_wan"
    assert finding.params["change_percent"] == "42.9"


def test_capital_within_20_percent_is_silent(store_at: str, tmp_path: Path) -> None:
    _, later = checked(list(pair(tmp_path, capital="55.0 万元")), store_at)
    assert xyear_findings(later) == []


def test_change_declared_as_registered_is_silent(store_at: str, tmp_path: Path) -> None:
    paths = pair(tmp_path, rep_row="\t法定代表人\t张三", rep_cover="法定代表人 张三",
                 capital="70.0 万元",
                 change="2025年度按规定办理了法定代表人变更登记（邹建波→张三）和开办资金变更登记")
    _, later = checked(list(paths), store_at)
    assert xyear_findings(later) == []


def test_claim_against_last_year_is_checked(store_at: str, tmp_path: Path) -> None:
    """2025 says "与去年同期相比增加293人"; a 2024 with the same 14293 persons contradicts it."""
    earlier = annual_report(tmp_path, "2024.txt", 2024, begin="270.00\t259.90")
    later = annual_report(tmp_path, "2025.txt")
    _, second = checked([earlier, later], store_at)
    (finding,) = xyear_findings(second)
    assert finding.rule == "xyear.claimed-delta" and finding.severity == "warning"
    assert finding.evidence == "与去年同期相比增加293人"
    assert (finding.params["claimed"], finding.params["actual"]) == (293, 0)


def test_late_filed_earlier_year_is_checked(store_at: str, tmp_path: Path) -> None:
    earlier, later = pair(tmp_path, begin="250.00\t236.18")
    first, second = checked([later, earlier], store_at)
    assert xyear_findings(first) == []  # nothing stored yet
    (finding,) = xyear_findings(second)
    assert finding.rule == "xyear.net-assets-carryover"
    assert finding.pointer == "/record/net_assets_end_wan"
    assert (finding.params["previous_year"], finding.params["year"]) == (2024, 2025)


# --------------------------------------------------------------------------- filings


def test_fresh_store_has_the_current_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(select(func.max(schema_version.c.version))).scalar() == LATEST
        inspector = inspect(conn)
        for table in metadata.sorted_tables:
            reflected = {c["name"] for c in inspector.get_columns(table.name)}
            assert reflected == {c.name for c in table.columns}, table.name
        indexes = {i["name"] for i in inspector.get_indexes("filings")}
        assert {"ix_filings_lookup", "ux_filings_current"} <= indexes


def test_rechecking_the_same_file_is_idempotent(store_at: str, tmp_path: Path) -> None:
    path = annual_report(tmp_path, "2025.txt")
    (first,) = checked([path], store_at)
    (again,) = checked([path], store_at)
    assert first.to_dict() == again.to_dict()
    with Store.open(store_at) as store:
        assert count(store) == 1 and count(store, institutions) == 1


def test_corrected_filing_supersedes_and_history_stays(store_at: str, tmp_path: Path) -> None:
    original = annual_report(tmp_path, "2025.txt", staff="从业人数\t13")
    corrected = annual_report(tmp_path, "2025-corrected.txt")
    (first, second) = checked([original, corrected], store_at)
    assert [f.rule for f in second.findings if f.rule.startswith("store.")] == ["store.superseded"]
    (note,) = [f for f in second.findings if f.rule == "store.superseded"]
    # the replaced file is named by the path it was stored under and its content, not a row id
    assert note.params == {"superseded": str(original),
                           "superseded_sha256": first.source.sha256}
    assert f"{original} (kept as history)" in note.message_en
    with Store.open(store_at) as store:
        assert count(store) == 2 and count(store, filings, filings.c.is_current) == 1
        (current,) = store.history("12430681593289443F")
        assert current.fields["staff_count"] == 14
        data = history_data(store, "12430681593289443F")
        (year,) = data["years"]
        assert year["current"]["source"]["path"].endswith("2025-corrected.txt")
        (old,) = year["superseded"]
        assert old["record"]["staff_count"] == 13
        assert old["superseded_by"] == year["current"]["id"]
    (again,) = checked([original], store_at)  # the old file again: an older version, no change
    assert [(f.rule, f.params) for f in again.findings if f.rule.startswith("store.")] == [
        ("store.older-version", {"current": str(corrected),
                                 "current_sha256": second.source.sha256})]
    with Store.open(store_at) as store:
        assert store.history("12430681593289443F")[0].fields["staff_count"] == 14


def test_history_table_and_json(store_at: str, tmp_path: Path) -> None:
    checked(list(pair(tmp_path, staff="从业人数\t30")), store_at)
    with Store.open(store_at) as store:
        table = history_table(store, "汨罗市 社会救助服务中心", "zh")
        data = json.loads(history_json(store, "12430681593289443F"))
        with pytest.raises(UnknownInstitution):
            history_table(store, "不存在的单位", "zh")
        with pytest.raises(UnknownInstitution) as long_key:
            history_table(store, "某" * 100_000, "zh")
        base = previous_record(store, "12430681593289443F", 2026)
    assert len(long_key.value.message_zh) < 100  # the key is cut: the line stays one line
    header = table.splitlines()[1]
    assert "2024" in header and "2025" in header and header.index("2024") < header.index("2025")
    staff = next(line for line in table.splitlines() if line.startswith("从业人数"))
    assert "14" in staff and "*30" in staff
    assert [y["year"] for y in data["years"]] == [2024, 2025]
    assert data["institution"]["credit_code"] == "12430681593289443F"
    assert base.year == 2025 and base.fields["net_assets_end_wan"] == Decimal("236.18")


def test_history_table_shows_values_whole_when_the_terminal_has_room(store_at: str,
                                                                      tmp_path: Path) -> None:
    checked(list(pair(tmp_path)), store_at)
    with Store.open(store_at) as store:
        wide = history_table(store, "12430681593289443F", "zh", columns=140)
        narrow = history_table(store, "12430681593289443F", "zh", columns=60)
    address = next(line for line in wide.splitlines() if line.startswith("住所"))
    assert "汨罗市城西开发区民政局机关大院内" in address and "…" not in address
    assert "…" in next(line for line in narrow.splitlines() if line.startswith("住所"))
    assert all(line == line.rstrip() for line in wide.splitlines())


def test_filing_without_a_credit_code_is_keyed_by_name(store_at: str, tmp_path: Path) -> None:
    earlier = annual_report(tmp_path, "2024.txt", 2024, begin="270.00\t259.90",
                            dibao="城乡低保对象6700户14000人")
    earlier.write_text(earlier.read_text(encoding="utf-8").replace("12430681593289443F", ""),
                       encoding="utf-8")
    later = annual_report(tmp_path, "2025.txt", begin="250.00\t236.18")
    _, second = checked([earlier, later], store_at)
    assert [f.rule for f in xyear_findings(second)] == ["xyear.net-assets-carryover"]
    with Store.open(store_at) as store:
        assert store.find_institution("汨罗市社会救助服务中心") is not None
        with store.transaction(read_only=True) as tx:
            keys = {i.key for i in tx.find_institutions("汨罗市社会救助服务中心")}
    assert keys == {"12430681593289443F", "name:汨罗市社会救助服务中心"}


def test_unreadable_file_is_yielded_and_the_others_go_on(store_at: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with Store.open(store_at) as store:
        with pytest.raises(UnreadableInput):
            check(missing, store=store)
        assert isinstance(check(annual_report(tmp_path, "2025.txt"), store=store), Report)


# --------------------------------------------------------------------------- safety


def synthetic(i: int, year: int) -> Report:
    """A filing of institution `i` for `year`, with a valid-looking credit code of its own."""
    body = f"{i:08d}"
    first17 = "12430681" + body + org_check_digit(body)
    fields = clean_fields() | {"credit_code": first17 + check_char(first17),
                               "name": f"第{i}社会救助服务中心", "report_year": year}
    record = Record(kind="annual_report", fields=fields, year=year, org=str(fields["name"]))
    return Report(Source(f"synthetic/{i}-{year}.json", f"{i:032d}{year:032d}", "json"), record)


def test_interrupted_ingest_leaves_no_half_filing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        assert tx.record_filing(synthetic(1, 2025)) is not None
        raise RuntimeError("interrupted")
    assert count(store) == 0 and count(store, institutions) == 0


def test_interrupted_check_leaves_no_half_filing(store_at: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    original = Transaction.record_filing

    def interrupted(self: Transaction, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        raise KeyboardInterrupt  # Ctrl-C after the rows were written, before the commit

    monkeypatch.setattr(Transaction, "record_filing", interrupted)
    with pytest.raises(KeyboardInterrupt):
        checked([annual_report(tmp_path, "2025.txt")], store_at)
    monkeypatch.undo()
    with Store.open(store_at) as store:
        assert count(store) == 0 and count(store, institutions) == 0


WORKER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from nianbao.store import Store
from tests.store.test_store import synthetic
where, year, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
with Store.open(where) as store:
    while not go.exists():
        time.sleep(0.01)
    for i in range(200):
        with store.transaction() as tx:
            tx.related_history(synthetic(i, year).record)
            tx.record_filing(synthetic(i, year))
"""


def test_two_processes_write_one_store(store_at: str, tmp_path: Path) -> None:
    """Two writers, the same 200 institutions, one year each: no lost or doubled rows."""
    go = tmp_path / "go"
    Store.open(store_at).close()
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, store_at, str(year), str(go),
                                 str(ROOT)], stderr=subprocess.PIPE, text=True)
               for year in (2024, 2025)]
    time.sleep(0.5)
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    with Store.open(store_at) as store:
        assert count(store) == 400 and count(store, institutions) == 200
        assert count(store, filings, filings.c.is_current) == 400
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert len(store.history(institution_key(synthetic(7, 2024).record) or "")) == 2


def _v1_store(where: str) -> None:
    """A store as version 1 of the code wrote it, with one filing in it."""
    from nianbao.store.db import make_engine

    engine = make_engine(where)
    with engine.begin() as conn:
        schema_version.create(conn)
        MIGRATIONS[0].apply(conn)
        conn.execute(insert(schema_version).values(version=1, description="institutions and "
                                                   "filings", applied_at=_now()))
        conn.execute(text(
            "INSERT INTO institutions (id, key, credit_code, name, name_norm, created_at) "
            "VALUES (1, '12430681593289443F', '12430681593289443F', '汨罗市社会救助服务中心', "
            "'汨罗市社会救助服务中心', :now)"), {"now": _now()})
        record = json.dumps(clean_fields() | {"report_year": 2024, "submitted_on": "2025-03-04",
                                              "net_assets_end_wan": 50.10,
                                              "net_assets_begin_wan": 51.0,
                                              "registered_capital_wan": 49.0}, ensure_ascii=False)
        conn.execute(text(
            "INSERT INTO filings (institution_id, year, kind, source_sha256, source_path, "
            "source_format, org, as_of, record, facts, findings, created_at, is_current) VALUES "
            "(1, 2024, 'annual_report', :sha, '2024.txt', 'txt', '汨罗市社会救助服务中心', "
            "'2024-12', :record, '[]', '[]', :now, :yes)"),
            {"sha": "a" * 64, "record": record, "now": _now(), "yes": True})
    engine.dispose()


def _now() -> Any:
    import datetime as dt

    return dt.datetime(2025, 3, 4, tzinfo=dt.UTC)


def test_store_from_an_older_version_is_migrated(store_at: str) -> None:
    _v1_store(store_at)
    with Store.open(store_at) as store:
        assert store.migrated_from == 1
        with store.engine.connect() as conn:
            versions = conn.execute(select(schema_version.c.version)).scalars().all()
            assert versions == [v.version for v in MIGRATIONS]
            row = conn.execute(select(filings)).one()
            assert row.checked_at is not None and row.ruleset_version == ""
        (kept,) = store.history("12430681593289443F")
        assert kept.year == 2024 and kept.fields["net_assets_end_wan"] == Decimal("50.1")
        # The migrated store works: the next year is checked against the kept one.
        later = synthetic(0, 2025)
        later.record.fields |= {"credit_code": "12430681593289443F", "name": "汨罗市社会救助服务中心"}
        assert store.record_filing(later) is not None
    with Store.open(store_at) as again:
        assert again.migrated_from is None and count(again) == 2


def test_store_newer_than_the_code_is_refused(store_at: str) -> None:
    with Store.open(store_at) as store:
        store.record_filing(synthetic(1, 2025))
        with store.engine.begin() as conn:
            conn.execute(insert(schema_version).values(version=LATEST + 1, description="future",
                                                       applied_at=_now()))
    with pytest.raises(StoreError) as caught:
        Store.open(store_at)
    assert f"{LATEST + 1}" in caught.value.message_zh and "upgrade" in caught.value.message_en
    engine = create_engine(store_url(store_at))
    with engine.connect() as conn:  # untouched
        assert conn.execute(select(func.count()).select_from(filings)).scalar() == 1
    engine.dispose()


def test_a_foreign_database_is_refused(store_at: str) -> None:
    engine = create_engine(store_url(store_at))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE accounts (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreError, match="not a nianbao store"):
        Store.open(store_at)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("this is not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert "notes.sqlite" in caught.value.message_en


def test_at_most_one_current_filing_per_year(store: Store) -> None:
    store.record_filing(synthetic(1, 2025))
    with pytest.raises(Exception, match=r"(?i)unique"), store.transaction() as tx:
        row = tx.conn.execute(select(filings)).one()._asdict()
        row.pop("id")
        tx.conn.execute(insert(filings).values(**row | {"source_sha256": "b" * 64}))
    with store.transaction() as tx:  # marking the old one superseded first is fine
        tx.conn.execute(update(filings).values(is_current=False))
    assert count(store, filings, filings.c.is_current) == 0


# --------------------------------------------------------------------------- where the store is


def test_default_store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NIANBAO_STORE", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_store_path() == tmp_path / ".local/share/nianbao/filings.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data/nianbao/filings.sqlite"
    monkeypatch.setenv("NIANBAO_STORE", str(tmp_path / "bureau.sqlite"))
    assert default_store_path() == tmp_path / "bureau.sqlite"
    assert resolve_store(None) == str(tmp_path / "bureau.sqlite")
    assert resolve_store("other.sqlite") == "other.sqlite"
    monkeypatch.setenv("NIANBAO_STORE", "postgresql://u:p@127.0.0.1/db")
    assert resolve_store(None) == "postgresql://u:p@127.0.0.1/db"
    assert default_store_path() == tmp_path / "data/nianbao/filings.sqlite"


def test_store_urls() -> None:
    assert store_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert store_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"
    assert store_url("a/b.sqlite").database == "a/b.sqlite"
    with pytest.raises(StoreError, match="mysql"):
        store_url("mysql://u:p@h/db")


def test_default_store_is_created_where_documented(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.delenv("NIANBAO_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with Store.open() as store:
        store.record_filing(synthetic(1, 2025))
    assert (tmp_path / "nianbao" / "filings.sqlite").is_file()
