"""Kind detection, period and organisation on the labelled set (tests/fixtures/kinds, made by
make_kinds.py): documents of all four kinds in many shapes and formats.

`python tests/extract/test_kinds.py` prints the confusion table of docs/statistics.md."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nianbao.extract import read
from nianbao.pipeline import KINDS, parse

ROOT = Path(__file__).resolve().parent.parent.parent
LABELS: dict[str, dict[str, str | None]] = json.loads(
    (ROOT / "tests" / "fixtures" / "kinds" / "labels.json").read_text(encoding="utf-8"))


def test_the_labelled_set_is_large_and_covers_every_kind() -> None:
    assert len(LABELS) >= 60
    assert {label["kind"] for label in LABELS.values()} == set(KINDS)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_kind_period_and_org(name: str) -> None:
    label = LABELS[name]
    record = parse(read(ROOT / name))
    assert record.kind == label["kind"]
    if label["as_of"] is not None:
        assert record.as_of == label["as_of"]
    if label["org"] is not None:
        assert record.org == label["org"]


def confusion() -> str:
    """The confusion table (rows: labelled kind, columns: detected kind) as Markdown."""
    counts: Counter[tuple[str, str]] = Counter()
    for name, label in LABELS.items():
        counts[(str(label["kind"]), parse(read(ROOT / name)).kind)] += 1
    lines = ["| labelled \\ detected | " + " | ".join(KINDS) + " |",
             "|---|" + "---|" * len(KINDS)]
    for kind in KINDS:
        lines.append(f"| {kind} | " + " | ".join(str(counts[(kind, k)]) for k in KINDS) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(confusion())
