"""`run_batch`: outputs a reviewer can use, hostile files isolated, and a killed batch resumed.

The hostile files are made here: a zip-bomb .docx, random bytes as .pdf, and two .txt files that
make their worker hang or die through the check function of `tests.batch.misbehaving`: the
batch must turn each into a failure row with its reason and go on.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nianbao.batch import BatchSummary, Ledger, run_batch
from nianbao.batch.state import LEDGER_NAME
from nianbao.batch.task import sentence_around
from nianbao.checks import default_registry, rule, ruleset_version
from nianbao.pipeline import check_path, to_json
from tests.batch.misbehaving import CHECK, LOG_ENV
from tests.conftest import EXAMPLES, ROOT

GOOD_DOCX = ROOT / "tests" / "fixtures" / "readers" / "merged-cells-between-paragraphs.docx"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))


def zip_bomb(path: Path) -> Path:
    body = b"<w:document>" + b" " * (20 * 1024 * 1024) + b"</w:document>"
    with zipfile.ZipFile(GOOD_DOCX) as good, zipfile.ZipFile(path, "w",
                                                              zipfile.ZIP_DEFLATED) as out:
        for info in good.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, good.read(info))
        out.writestr("word/document.xml", body)
    return path


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six examples, a copy of one in a subfolder, and four hostile files."""
    root = tmp_path_factory.mktemp("inbox")
    for path in EXAMPLE_FILES:
        shutil.copy(path, root / path.name)
    (root / "county-b").mkdir()
    shutil.copy(EXAMPLES / "000_miluo_2025.txt", root / "county-b" / "copy-of-miluo.txt")
    hostile = root / "hostile"
    hostile.mkdir()
    zip_bomb(hostile / "zip-bomb.docx")
    (hostile / "random-bytes.pdf").write_bytes(os.urandom(8192))
    (hostile / "hangs.txt").write_bytes(b"NIANBAO-TEST-HANG\n" + (EXAMPLES / "000_miluo_2025.txt")
                                        .read_bytes())
    (hostile / "kills-its-worker.txt").write_bytes(b"NIANBAO-TEST-CRASH\n")
    (root / "notes.md").write_text("not a filing", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def batch(inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchSummary]:
    out = tmp_path_factory.mktemp("out")
    seen: list[Any] = []
    summary = run_batch(inbox, out, workers=2, timeout=15, check=CHECK,
                        progress=lambda p: seen.append((p.done, p.total, p.eta)))
    assert seen[0][:2] == (0, 10) and seen[-1][:2] == (10, 10)  # 11 files, one a copy
    return out, summary


def rows(out: Path) -> list[dict[str, str]]:
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_file_is_accounted_for_and_the_summary_is_one_line(
        batch: tuple[Path, BatchSummary]) -> None:
    _, summary = batch
    assert (summary.files, summary.checked, summary.skipped, summary.copies, summary.failed) == (
        11, 10, 0, 1, 4)
    assert summary.filings_with_errors == 7  # every example (and its copy) has error findings
    assert "\n" not in summary.line() and "\n" not in summary.line("en")
    assert "11 files: 10 checked, 0 already done, 4 failed, 1 copies of another file" in \
        summary.line("en")


def test_hostile_files_become_failure_rows_with_their_reason(
        batch: tuple[Path, BatchSummary]) -> None:
    out, _ = batch
    failed = {r["path"]: r for r in rows(out) if r["status"] == "failed"}
    assert sorted(failed) == ["hostile/hangs.txt", "hostile/kills-its-worker.txt",
                              "hostile/random-bytes.pdf", "hostile/zip-bomb.docx"]
    assert failed["hostile/zip-bomb.docx"]["failure"] == "unreadable-input"
    assert "zip bomb" in failed["hostile/zip-bomb.docx"]["message_en"]
    assert failed["hostile/random-bytes.pdf"]["failure"] == "unreadable-input"
    assert failed["hostile/hangs.txt"]["failure"] == "timeout"
    assert "15 s" in failed["hostile/hangs.txt"]["message_en"]
    assert failed["hostile/kills-its-worker.txt"]["failure"] == "crashed"
    assert "signal 9" in failed["hostile/kills-its-worker.txt"]["message_en"]


def test_one_contract_json_per_filing_equal_to_nianbao_check(
        inbox: Path, batch: tuple[Path, BatchSummary]) -> None:
    out, _ = batch
    written = sorted(p.relative_to(out / "json").as_posix() for p in (out / "json").rglob("*"))
    assert written == sorted([p.name + ".json" for p in EXAMPLE_FILES]
                             + ["county-b", "county-b/copy-of-miluo.txt.json"])
    for path in EXAMPLE_FILES:
        data = json.loads((out / "json" / (path.name + ".json")).read_text(encoding="utf-8"))
        expected = json.loads(to_json(check_path(inbox / path.name).to_dict()))
        assert data["source"]["path"] == str(inbox / path.name)
        assert data == expected  # what `nianbao check --format json` prints for the file
    copy = json.loads((out / "json/county-b/copy-of-miluo.txt.json").read_text(encoding="utf-8"))
    assert copy["source"]["path"] == str(inbox / "county-b" / "copy-of-miluo.txt")


def test_csv_has_a_row_per_finding_with_evidence_and_sentence(
        batch: tuple[Path, BatchSummary]) -> None:
    out, _ = batch
    table = rows(out)
    miluo = [r for r in table if r["path"] == "000_miluo_2025.txt"]
    expected = json.loads((EXAMPLES / "expected/000_miluo_2025.txt.json").read_text("utf-8"))
    assert [r["rule"] for r in miluo] == [f["rule"] for f in expected["findings"]]
    assert miluo[0]["region"] == "湖南省岳阳市汨罗市" and miluo[0]["org"] == "汨罗市社会救助服务中心"
    for fmt in ("txt", "docx", "pdf"):
        linyou = [r for r in table if r["path"] == f"004_linyou_2022.{fmt}"]
        part_sums = [r for r in linyou if r["rule"] == "arith.part-sum"]
        assert len(part_sums) == 2
        for row in part_sums:  # the sentence holds the evidence (a PDF may wrap it: no spaces)
            assert row["evidence"] and "".join(row["evidence"].split()) in "".join(
                row["sentence"].split())
            assert len(row["sentence"]) > len(row["evidence"])
    copy = [r for r in table if r["path"] == "county-b/copy-of-miluo.txt"]
    assert [r["rule"] for r in copy] == [r["rule"] for r in miluo]


def test_xlsx_has_sheets_per_rule_and_filing_with_filters_and_frozen_headers(
        batch: tuple[Path, BatchSummary]) -> None:
    from openpyxl import load_workbook

    out, _ = batch
    book = load_workbook(out / "findings.xlsx")
    names = book.sheetnames
    assert names[:3] == ["汇总 Summary", "文件 Filings", "全部问题 Findings"]
    rules = sorted({r["rule"] for r in rows(out) if r["rule"]})
    assert sorted(n for n in names[3:] if not n[:4].isdigit()) == rules
    per_filing = [n for n in names if n[:4].isdigit()]
    assert len(per_filing) == 11
    findings = book["全部问题 Findings"]
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref.startswith("A1:")
    assert findings.max_row - 1 == sum(1 for r in rows(out) if r["rule"])
    part_sum = book["arith.part-sum"]
    assert part_sum.freeze_panes == "A2" and part_sum.max_row > 1
    filings = list(book["文件 Filings"].iter_rows(min_row=2, values_only=True))
    assert len(filings) == 11
    own = book[per_filing[0]]
    assert own.freeze_panes == "A4" and own.auto_filter.ref.startswith("A3:")


def test_html_embeds_every_filing_with_its_findings_and_works_offline(
        batch: tuple[Path, BatchSummary]) -> None:
    out, _ = batch
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<link" not in page
    start = page.index('<script type="application/json" id="data">') + len(
        '<script type="application/json" id="data">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert data["totals"]["files"] == 11 and data["totals"]["failed"] == 4
    assert {g["region"] for g in data["by_region"]} >= {"湖南省岳阳市汨罗市"}
    by_path = {f["p"]: f for f in data["filings"]}
    csv_rules = [r["rule"] for r in rows(out) if r["path"] == "004_linyou_2022.pdf"]
    assert [x[0] for x in by_path["004_linyou_2022.pdf"]["x"]] == csv_rules
    assert by_path["hostile/hangs.txt"]["s"] == "failed"
    assert any(x[5] for x in by_path["000_miluo_2025.txt"]["x"])  # source sentences


def test_a_rerun_skips_everything_and_keeps_the_outputs(
        inbox: Path, batch: tuple[Path, BatchSummary], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    out, _ = batch
    log = tmp_path / "log"
    monkeypatch.setenv(LOG_ENV, str(log))
    again = run_batch(inbox, out, workers=2, timeout=15, check=CHECK)
    assert not log.exists()  # not one file read again
    assert (again.checked, again.skipped, again.copies, again.failed) == (0, 10, 1, 4)
    assert rows(out)[0].keys() and len(rows(out)) > 11


def test_the_sentence_around_evidence() -> None:
    text = "一、基本情况。全市低保对象832户1155人，累计发放498.08万元；特困人员120人。"
    assert sentence_around(text, "832户1155人") == "全市低保对象832户1155人，累计发放498.08万元；"
    assert sentence_around(text, "不在文中") == ""


def test_the_ruleset_version_changes_with_the_rules() -> None:
    registry = default_registry()
    version = ruleset_version(registry)
    assert version == ruleset_version(default_registry())

    @rule("test.extra", "info", title=("t", "t"), message=("m", "m"))
    def extra(ctx: Any) -> Any:
        return []

    registry.add(extra)

    assert ruleset_version(registry) != version


# --- kill and resume ----------------------------------------------------------------------------

SLOW_INBOX = 14


def slow_inbox(root: Path) -> Path:
    """Text filings, all different (`tests.batch.misbehaving`): the first six take ~0.4 s each,
    the rest 2 s, so that a batch stopped after its first results still has seconds of work
    left however fast the machine (with 0.4 s each, an idle machine once finished all 14
    before the test's Ctrl-C arrived)."""
    text = (EXAMPLES / "004_linyou_2022.txt").read_bytes()
    for i in range(SLOW_INBOX):
        seconds = b"0.4" if i < 6 else b"2.0"
        (root / f"filing-{i:02d}.txt").write_bytes(
            b"NIANBAO-TEST-SLOW:%s %d\n" % (seconds, i) + text)
    return root


def recorded(out: Path) -> set[str]:
    if not (out / LEDGER_NAME).exists():
        return set()
    db = sqlite3.connect(out / LEDGER_NAME, timeout=10)
    try:
        return {p for (p,) in db.execute("SELECT path FROM results")}
    except sqlite3.OperationalError:
        return set()
    finally:
        db.close()


def start_batch(inbox: Path, out: Path, log: Path) -> subprocess.Popen[bytes]:
    code = ("import sys; from nianbao.batch import run_batch; "
            "run_batch(sys.argv[1], sys.argv[2], workers=2, timeout=30, check=sys.argv[3])")
    env = dict(os.environ, **{LOG_ENV: str(log)})
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-c", code, str(inbox), str(out), CHECK], env=env,
                            cwd=ROOT)


def wait_for(out: Path, count: int, proc: subprocess.Popen[bytes]) -> set[str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = recorded(out)
        if len(done) >= count:
            return done
        assert proc.poll() is None, "the batch ended before it could be stopped"
        time.sleep(0.05)
    raise AssertionError("the batch made no progress")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_stopped_batch_resumes_without_redoing_or_losing_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: signal.Signals) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    slow_inbox(inbox)
    out, log = tmp_path / "out", tmp_path / "checked.log"
    proc = start_batch(inbox, out, log)
    wait_for(out, 4, proc)
    proc.send_signal(how)
    proc.wait(30)
    before = recorded(out)
    assert 4 <= len(before) < SLOW_INBOX
    for name in before:  # every recorded result has its JSON
        assert (out / "json" / (name + ".json")).is_file()
    assert not list((out / "json").glob(".*.tmp"))  # no half-written file left behind
    time.sleep(0.5)  # the stopped batch's workers are gone, not still writing
    first_pass = log.read_text(encoding="utf-8").split()

    monkeypatch.setenv(LOG_ENV, str(log))
    summary = run_batch(inbox, out, workers=2, timeout=30, check=CHECK)

    checks = log.read_text(encoding="utf-8").split()
    assert sorted(set(checks)) == [f"filing-{i:02d}.txt" for i in range(SLOW_INBOX)]
    second_pass = checks[len(first_pass):]
    assert not set(second_pass) & before  # nothing recorded before the stop was redone
    assert len(second_pass) == SLOW_INBOX - len(before)
    assert (summary.checked, summary.skipped, summary.failed) == (
        SLOW_INBOX - len(before), len(before), 0)
    assert recorded(out) == set(checks)
    assert len(rows(out)) >= SLOW_INBOX
    with Ledger.in_folder(out) as ledger:
        (count,) = ledger.db.execute("SELECT count(*) FROM results").fetchone()
    assert count == SLOW_INBOX


def test_with_a_store_every_filing_is_recorded_and_the_ledger_key_names_the_store(
        tmp_path: Path) -> None:
    from nianbao.store import Store

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("000_miluo_2025.txt", "004_linyou_2022.txt"):
        shutil.copy(EXAMPLES / name, inbox / name)
    store = tmp_path / "filings.sqlite"
    summary = run_batch(inbox, tmp_path / "out", workers=2, store=str(store))
    plain = run_batch(inbox, tmp_path / "out", workers=2)

    assert (summary.checked, summary.failed) == (2, 0)
    assert summary.ruleset.startswith(plain.ruleset + "+store-")
    assert plain.checked == 2  # a run without the store is not taken as done by one with it
    with Store.open(store) as opened, opened.transaction(read_only=True) as tx:
        assert len(tx.find_institutions("汨罗市社会救助服务中心")) == 1
