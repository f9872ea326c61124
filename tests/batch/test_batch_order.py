"""A batch with a store gives the same findings whatever the order the files are stored in and
however many workers there are: the cross-year findings are computed after every filing of the
batch is stored."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from nianbao.batch import run_batch

EXAMPLE = Path(__file__).parents[2] / "examples" / "annual_report" / "000_miluo_2025.txt"
NAME = "汨罗市社会救助服务中心"
CODE = "12430681593289443F"

# (institution, code, name, year, legal representative, assets at the start, at the end, staff)
FILINGS = [
    ("a", CODE, NAME, 2023, "邹建波", "200.00", "220.00", "14"),
    ("a", CODE, NAME, 2024, "邹建波", "221.00", "259.90", "14"),  # start ≠ 2023's end
    ("a", CODE, NAME, 2025, "邹建波", "259.90", "236.18", "14"),
    # the same name under another code: its own years, a new representative not registered
    ("b", "12430681593289444G", NAME, 2024, "李明", "100.00", "110.00", "9"),
    ("b", "12430681593289444G", NAME, 2025, "王强", "111.00", "120.00", "9"),
    # a third code of that name, only 2025: its 2024 is one of two others' (a tie to break)
    ("d", "12430681593289446J", NAME, 2025, "邹建波", "300.00", "310.00", "14"),
    ("c", "124306815932894450", "汨罗市殡葬服务中心", 2023, "刘军", "50.00", "60.00", "5"),
    ("c", "124306815932894450", "汨罗市殡葬服务中心", 2024, "刘军", "61.50", "70.00", "5"),
    ("c", "124306815932894450", "汨罗市殡葬服务中心", 2025, "陈红", "70.00", "80.00", "50"),
]


def _document(code: str, name: str, year: int, rep: str, start: str, end: str,
              staff: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(CODE, code).replace(NAME, name).replace("邹建波", rep)
    text = text.replace("(2025) 年度", f"({year}) 年度").replace("2025年", f"{year}年")
    text = text.replace("259.90\t236.18", f"{start}\t{end}")
    return text.replace("从业人数\t14", f"从业人数\t{staff}")


def _inbox(root: Path, order: list[int]) -> Path:
    """The filings under names that sort in `order` (the pool takes them in name order)."""
    inbox = root / "inbox"
    inbox.mkdir()
    for rank, index in enumerate(order):
        inst, code, name, year, rep, start, end, staff = FILINGS[index]
        (inbox / f"{rank:02d}_{inst}{year}.txt").write_text(
            _document(code, name, year, rep, start, end, staff), encoding="utf-8")
    return inbox


def _findings(out: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The findings of every filing, keyed by institution and year (not by file name), from the
    JSON outputs and from findings.csv, sorted."""
    from_json = []
    for path in (out / "json").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        who = path.name.split("_", 1)[1]
        from_json += [(who, f["rule"], f["severity"], f["pointer"], f["message_en"],
                       json.dumps(f.get("params"), sort_keys=True, ensure_ascii=False))
                      for f in data["findings"]]
    with (out / "findings.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    from_csv = [tuple(v for k, v in row.items() if k not in ("path", "json"))
                + (row["path"].split("_", 1)[1],) for row in rows]
    return sorted(from_json), sorted(from_csv)


def test_cross_year_findings_do_not_depend_on_file_order_or_workers(tmp_path: Path) -> None:
    results = []
    forward = list(range(len(FILINGS)))
    shuffled = [4, 8, 1, 5, 0, 7, 3, 6, 2]
    for n, (workers, order) in enumerate(((1, forward), (2, forward[::-1]), (2, shuffled),
                                          (1, shuffled[::-1]))):
        root = tmp_path / f"run{n}"
        root.mkdir()
        inbox = _inbox(root, order)
        summary = run_batch(inbox, root / "out", workers=workers, timeout=30,
                            store=str(root / "filings.sqlite"))
        assert summary.failed == 0
        results.append((_findings(root / "out"), summary.errors, summary.warnings))
    assert results[0] == results[1] == results[2] == results[3]
    json_rows = results[0][0][0]
    xyear = {(who, rule) for who, rule, *_ in json_rows if rule.startswith("xyear.")}
    # the planted carry-over errors are found whichever year was stored first
    assert any(who == "a2024.txt.json" for who, _ in xyear), xyear
    assert any(who == "a2023.txt.json" for who, _ in xyear), xyear
    assert any(who == "c2024.txt.json" for who, _ in xyear), xyear


def test_a_run_stopped_before_the_cross_year_pass_is_finished_by_the_next(tmp_path: Path) -> None:
    import sqlite3

    from nianbao.batch.state import LEDGER_NAME

    inbox, out = _inbox(tmp_path, list(range(len(FILINGS)))), tmp_path / "out"
    store = str(tmp_path / "filings.sqlite")
    full = run_batch(inbox, out, workers=2, timeout=30, store=store)
    findings = _findings(out)
    assert any(row[1].startswith("xyear.") for row in findings[0])
    # as if stopped after the first pass: the cross-year findings of the ledger not there yet
    db = sqlite3.connect(out / LEDGER_NAME)
    with db:
        db.execute("DELETE FROM findings WHERE rule LIKE 'xyear.%'")
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')",
                   (f"cross-year-pending:{full.ruleset}",))
    db.close()
    for path in (out / "json").iterdir():  # and the JSON outputs without them
        data = json.loads(path.read_text(encoding="utf-8"))
        data["findings"] = [f for f in data["findings"] if not f["rule"].startswith("xyear.")]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = run_batch(inbox, out, workers=2, timeout=30, store=store)
    assert again.checked == 0
    assert (again.errors, again.warnings) == (full.errors, full.warnings)
    assert _findings(out) == findings
    rerun = run_batch(inbox, out, workers=2, timeout=30, store=store)  # nothing pending now
    assert (rerun.checked, rerun.errors) == (0, full.errors)


def test_a_new_filing_rechecks_only_the_reports_it_is_compared_with(tmp_path: Path) -> None:
    """A later run that adds one year of one institution checks again only that institution's
    reports (their cross-year findings change), not every report of earlier runs; the findings
    are those of one batch of all the files."""
    old, new = [0, 2, 6, 7], 1  # a2023, a2025, c2023, c2024; then a2024
    root = tmp_path / "incremental"
    root.mkdir()
    inbox = _inbox(root, old)
    out, store = root / "out", str(root / "filings.sqlite")
    run_batch(inbox, out, workers=2, timeout=30, store=store)
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "json").iterdir()}
    inst, code, name, year, rep, start, end, staff = FILINGS[new]
    (inbox / f"99_{inst}{year}.txt").write_text(
        _document(code, name, year, rep, start, end, staff), encoding="utf-8")
    later = run_batch(inbox, out, workers=2, timeout=30, store=store)
    assert later.checked == 1 and later.failed == 0
    touched = {n for n, t in stamps.items() if (out / "json" / n).stat().st_mtime_ns != t}
    assert {n.split("_", 1)[1] for n in touched} == {"a2023.txt.json", "a2025.txt.json"}

    once = tmp_path / "once"
    once.mkdir()
    together = _inbox(once, [*old, new])
    run_batch(together, once / "out", workers=2, timeout=30, store=str(once / "filings.sqlite"))
    assert _findings(out)[0] == _findings(once / "out")[0]
