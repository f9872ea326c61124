"""A hostile notice YAML/JSON is one clear refusal before it costs time or memory.

Before, a 5.7 KB "billion laughs" YAML took 45 s and 1.2 GB in `generate notice`.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from nianbao.errors import UnreadableInput
from nianbao.extract.structured import BadValue, load_json, load_yaml
from nianbao.generate.notice_input import load_notice
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "notice" / "my_notice.yaml"


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """Each anchor a list of `width` aliases of the one before: width**levels values."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines.append(f"title: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def refused(tmp_path: Path, name: str, text: str) -> UnreadableInput:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        load_notice(path)
    assert str(path) in caught.value.message_en and "\n" not in caught.value.message_en
    return caught.value


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path: Path) -> None:
    tracemalloc.start()
    error = refused(tmp_path, "bomb.yaml", alias_bomb())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert "alias" in error.message_en
    assert peak < 50_000_000  # bytes: the bomb was measured, never expanded


def test_a_self_referring_alias_is_refused(tmp_path: Path) -> None:
    assert "itself" in refused(tmp_path, "loop.yaml", "a: &a [1, *a]\n").message_en


@pytest.mark.parametrize("text,words", [
    ("title: .nan\n", "non-finite"),
    ("title: -.inf\n", "non-finite"),
    ("title: 1.0e+400\n", "non-finite"),
    ("title: " + "9" * 5000 + "\n", "too many digits"),
    ("title: " + "[" * 50_000 + "]" * 50_000 + "\n", "nest"),
])
def test_hostile_yaml_values_are_refused(tmp_path: Path, text: str, words: str) -> None:
    assert words in refused(tmp_path, "bad.yaml", text).message_en


@pytest.mark.parametrize("text,words", [
    ('{"title": NaN}', "non-finite"),
    ('{"title": 1e400}', "out of range"),
    ('{"title": ' + "[" * 50_000 + "]" * 50_000 + "}", "deep"),
])
def test_hostile_json_values_are_refused(tmp_path: Path, text: str, words: str) -> None:
    assert words in refused(tmp_path, "bad.json", text).message_en


def test_a_few_ordinary_anchors_still_load() -> None:
    data = load_yaml("base: &b {org: 民政局}\nfirst: *b\nsecond: *b\n")

    assert data["second"] == {"org": "民政局"}


def test_the_bundled_example_loads_as_before() -> None:
    assert load_yaml(EXAMPLE.read_text(encoding="utf-8")) == yaml.safe_load(
        EXAMPLE.read_text(encoding="utf-8"))


def test_json_numbers_within_limits_are_kept() -> None:
    assert load_json('{"a": 1.5, "b": -3, "c": [1e14]}', decimals=False) == {
        "a": 1.5, "b": -3, "c": [1e14]}
    with pytest.raises(BadValue):
        load_json('{"a": 1e16}')
