"""One batch holding several files for the same institution and year (a correction and its
original, two copies with a small edit): which one is current in the store, and what every
output says, is the same whatever the file order and the number of workers: the latest by the
report's own 报送日期, then by path in the inbox. A later run is a later submission."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from nianbao.batch import run_batch
from nianbao.store.filings import Store
from nianbao.store.schema import filings, institutions

EXAMPLE = Path(__file__).parents[2] / "examples" / "annual_report" / "000_miluo_2025.txt"
NAME = "汨罗市社会救助服务中心"
CODE = "12430681593289443F"
OTHER = ("124306815932894450", "汨罗市殡葬服务中心")

# label → (code, name, year, 报送日期, net assets at the start, at the end, staff)
FILINGS: dict[str, tuple[str, str, int, str, str, str, str]] = {
    "a2024": (CODE, NAME, 2024, "2025年3月2日", "200.00", "259.90", "14"),
    # a correction dated later than its original: current, whatever the order
    "a2025-orig": (CODE, NAME, 2025, "2026年3月4日", "259.90", "236.18", "13"),
    "a2025-corr": (CODE, NAME, 2025, "2026年3月25日", "259.90", "240.00", "14"),
    "a2026": (CODE, NAME, 2026, "2027年3月1日", "240.00", "250.00", "14"),  # opens at corr's end
    "c2024": (*OTHER, 2024, "2025年3月5日", "50.00", "60.00", "5"),
    # two copies with the same date and a small edit: the later path is current
    "c2025-x": (*OTHER, 2025, "2026年3月10日", "60.00", "70.00", "5"),
    "c2025-y": (*OTHER, 2025, "2026年3月10日", "60.00", "71.00", "5"),
    "c2026": (*OTHER, 2026, "2027年3月10日", "71.00", "80.00", "5"),  # opens at y's end
}
TIED = ("c2025-x", "c2025-y")  # named the same in every run (their paths decide)
CURRENT = {"a2025-corr", "c2025-y"}
OLDER = {"a2025-orig": "a2025-corr", "c2025-x": "c2025-y"}


def _document(label: str) -> str:
    code, name, year, date, start, end, staff = FILINGS[label]
    text = EXAMPLE.read_text(encoding="utf-8").replace("报送日期: 2026年3月4日", "报送日期: DATE")
    text = text.replace(CODE, code).replace(NAME, name)
    text = text.replace("(2025) 年度", f"({year}) 年度").replace("2025年", f"{year}年")
    text = text.replace("2026年3月4日", date).replace("报送日期: DATE", f"报送日期: {date}")
    text = text.replace("259.90\t236.18", f"{start}\t{end}")
    return text.replace("从业人数\t14", f"从业人数\t{staff}")


def _inbox(inbox: Path, order: list[str]) -> dict[str, str]:
    """The filings under names that sort in `order` (the tied copies under their own names);
    returns file name → label."""
    inbox.mkdir(parents=True)
    names = {}
    for rank, label in enumerate(order):
        name = f"{label}.txt" if label in TIED else f"{rank:02d}_{label}.txt"
        (inbox / name).write_text(_document(label), encoding="utf-8")
        names[name] = label
    return names


def _outputs(out: Path) -> dict[str, str]:
    """findings.csv and every contract JSON, as text, by file name."""
    texts = {"findings.csv": (out / "findings.csv").read_text(encoding="utf-8-sig")}
    texts.update({p.name: p.read_text(encoding="utf-8") for p in (out / "json").glob("*.json")})
    return texts


def _by_label(texts: dict[str, str], names: dict[str, str], inbox: Path) -> dict[str, Any]:
    """The outputs with every file named by its label (file names differ between orders)."""
    def plain(text: str) -> str:
        text = text.replace(str(inbox), "INBOX")
        for name, label in sorted(names.items(), key=lambda item: -len(item[0])):
            text = text.replace(name, label)
        return text

    found: dict[str, Any] = {}
    for name, text in texts.items():
        if name == "findings.csv":
            found[name] = sorted(plain(text).splitlines())
        else:
            found[plain(name)] = json.loads(plain(text))
    return found


def _current(store: str) -> set[tuple[str, int, str]]:
    with Store.open(store) as opened, opened.engine.connect() as conn:
        rows = conn.execute(select(institutions.c.key, filings.c.year, filings.c.source_sha256)
                            .join(institutions).where(filings.c.is_current)).all()
    return {(key, year, sha) for key, year, sha in rows}


def _sha(label: str) -> str:
    import hashlib

    return hashlib.sha256(_document(label).encode("utf-8")).hexdigest()


def _store_notes(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f["rule"], f["params"]) for f in data["findings"] if f["rule"].startswith("store.")]


def test_duplicates_in_one_batch_settle_the_same_whatever_the_order(tmp_path: Path) -> None:
    labels = list(FILINGS)
    # forward: the original is named (and with one worker stored) after its correction
    forward = ["a2024", "a2025-corr", "a2025-orig", "a2026", "c2024", *TIED, "c2026"]
    shuffled = ["c2026", "a2025-orig", "c2024", "a2026", "a2024", "a2025-corr", *TIED]
    assert sorted(forward) == sorted(shuffled) == sorted(labels)
    inbox = tmp_path / "inbox"
    names = _inbox(inbox, forward)
    runs = []
    for n, workers in enumerate((1, 2)):  # the same inbox: byte-identical outputs
        store = str(tmp_path / f"store{n}.sqlite")
        summary = run_batch(inbox, tmp_path / f"out{n}", workers=workers, timeout=30, store=store)
        assert summary.failed == 0
        runs.append((_outputs(tmp_path / f"out{n}"), _current(store)))
    assert runs[0] == runs[1]

    other = tmp_path / "other" / "inbox"  # another order and other names, two workers
    other_names = _inbox(other, shuffled)
    store = str(tmp_path / "store2.sqlite")
    assert run_batch(other, tmp_path / "out2", workers=2, timeout=30, store=store).failed == 0
    assert _current(store) == runs[0][1]
    first = _by_label(runs[0][0], names, inbox)
    assert _by_label(_outputs(tmp_path / "out2"), other_names, other) == first

    # the rule's pick is current, and each file of a duplicated year says where it stands
    shas = {sha for _, _, sha in runs[0][1]}
    assert {label for label in labels if _sha(label) in shas} == set(labels) - set(OLDER)
    for old, new in OLDER.items():  # (file names here are labels: see _by_label)
        assert _store_notes(first[f"{old}.json"]) == [
            ("store.older-version", {"current": new, "current_sha256": _sha(new)})]
        assert _store_notes(first[f"{new}.json"]) == [
            ("store.superseded", {"superseded": old, "superseded_sha256": _sha(old)})]
        assert re.search(rf"since replaced by {new};", json.dumps(first[f"{old}.json"]))
    # the next year is compared with the current filing: its opening assets match, no error
    for label in ("a2026", "c2026"):
        rules = [f["rule"] for f in first[f"{label}.json"]["findings"]]
        assert "xyear.net-assets-carryover" not in rules, label
    assert not any(f["params"].get("filing") for data in first.values()
                   if isinstance(data, dict) for f in data["findings"])  # no row ids


def test_a_correction_in_a_later_run_supersedes_whatever_its_date(tmp_path: Path) -> None:
    """Filings of an earlier run are older than anything of a later one, even when the later
    file is dated earlier: it was submitted later."""
    inbox, out, store = tmp_path / "inbox", tmp_path / "out", str(tmp_path / "filings.sqlite")
    _inbox(inbox, ["a2024", "a2025-orig", "a2025-corr"])
    run_batch(inbox, out, workers=2, timeout=30, store=store)
    late = _document("a2024").replace("2025年3月2日", "2025年1月10日").replace(
        "从业人数\t14", "从业人数\t15")
    (inbox / "09_a2024-late.txt").write_text(late, encoding="utf-8")
    again = run_batch(inbox, out, workers=2, timeout=30, store=store)
    assert (again.checked, again.failed) == (1, 0)
    late_sha = __import__("hashlib").sha256(late.encode("utf-8")).hexdigest()
    current = _current(store)
    assert (CODE, 2024, late_sha) in current and (CODE, 2025, _sha("a2025-corr")) in current
    texts = {name: json.loads(text) for name, text in _outputs(out).items()
             if name.endswith(".json")}
    assert _store_notes(texts["09_a2024-late.txt.json"]) == [
        ("store.superseded", {"superseded": "00_a2024.txt", "superseded_sha256": _sha("a2024")})]
    assert _store_notes(texts["00_a2024.txt.json"]) == [
        ("store.older-version", {"current": "09_a2024-late.txt", "current_sha256": late_sha})]
    # the 2025 files keep their places
    assert _store_notes(texts["02_a2025-corr.txt.json"])[0][0] == "store.superseded"
    assert _store_notes(texts["01_a2025-orig.txt.json"])[0][0] == "store.older-version"


def test_two_versions_of_a_notice_settle_by_their_date(tmp_path: Path) -> None:
    """Not only annual reports: of two versions of a notice in one batch, the one with the later
    成文日期 is current (here the one whose name sorts first, so stored first by one worker)."""
    notice = EXAMPLE.parents[1] / "notice" / "003_yunxi_notice.txt"
    text = notice.read_text(encoding="utf-8")
    assert "\n2023年7月6日" in text
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(text, encoding="utf-8")
    (inbox / "b.txt").write_text(text.replace("\n2023年7月6日", "\n2023年7月1日"), "utf-8")
    out = tmp_path / "out"
    assert run_batch(inbox, out, workers=1, timeout=30,
                     store=str(tmp_path / "filings.sqlite")).failed == 0
    notes = {name: _store_notes(json.loads(text)) for name, text in _outputs(out).items()
             if name.endswith(".json")}
    assert [(rule, params["superseded"]) for rule, params in notes["a.txt.json"]] == [
        ("store.superseded", "b.txt")]
    assert [(rule, params["current"]) for rule, params in notes["b.txt.json"]] == [
        ("store.older-version", "a.txt")]
