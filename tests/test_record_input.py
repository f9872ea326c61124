"""A record JSON with hostile numbers or shapes is refused on loading: exit 2, one line, no output.

Before, NaN/Infinity/1e400 loaded as floats, every schema rule crashed on them, `check` exited 0,
`generate` wrote "NaN万元" and the JSON output carried a bare NaN; a 5,000-digit integer, 10**400
and 100,000-deep nesting were internal errors (exit 3).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import UnreadableInput
from nianbao.pipeline import load_record, to_json
from tests.conftest import clean_fields, nianbao


def record_text(amount: str) -> str:
    """A clean record whose 年末净资产 is written as `amount`, verbatim."""
    text = to_json({"kind": "annual_report", "record": clean_fields()})
    return text.replace('"net_assets_end_wan": 48.2', f'"net_assets_end_wan": {amount}')


HOSTILE = {
    "nan": record_text("NaN"),
    "infinity": record_text("Infinity"),
    "minus-infinity": record_text("-Infinity"),
    "1e400": record_text("1e400"),
    "5000-digits": record_text("9" * 5000),
    "10**400": record_text(str(10**400)),
    "1e300": record_text("1e300"),
    "deep-100k": '{"record": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "deep-200": '{"record": {"name": ' + "[" * 200 + "]" * 200 + "}}",
    "year-object": '{"year": {"a": 1}, "record": {"name": "x"}}',
    "bom-then-bad-bytes": "\ufeff",
}


def write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.json"
    if name == "bom-then-bad-bytes":
        path.write_bytes(b"\xef\xbb\xbf{\"record\": \xff\xfe}")
    else:
        path.write_text(HOSTILE[name], encoding="utf-8")
    return path


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_numbers_and_shapes_are_refused_on_loading(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name)
    with pytest.raises(UnreadableInput) as caught:
        load_record(path)

    assert str(path) in caught.value.message_en and str(path) in caught.value.message_zh
    assert "\n" not in caught.value.message_en


@pytest.mark.parametrize("name", ["nan", "5000-digits", "deep-100k"])
def test_check_says_one_line_and_exits_2(tmp_path: Path, name: str) -> None:
    result = nianbao("check", str(write(tmp_path, name)), "--lang", "en")

    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert f"{name}.json" in result.stderr and result.stdout == ""


def test_generate_refuses_a_record_with_nan(tmp_path: Path) -> None:
    out = tmp_path / "form.docx"
    result = nianbao("generate", "annual-report", str(write(tmp_path, "nan")), "-o", str(out),
                     "--force")

    assert result.returncode == 2
    assert "NaN" in result.stderr and not out.exists()


def test_a_clean_record_still_loads_with_exact_amounts(tmp_path: Path) -> None:
    path = tmp_path / "clean.json"
    path.write_text(record_text("48.20"), encoding="utf-8")
    record, _ = load_record(path)

    assert record.fields["net_assets_end_wan"] == Decimal("48.20")
    assert record.fields["staff_count"] == 14


def test_json_output_is_valid_json_whatever_the_numbers() -> None:
    text = to_json({"a": float("nan"), "b": [float("inf")], "c": Decimal("NaN"),
                    "d": Decimal("Infinity"), "e": Decimal("1.5e400"), "f": 1.5})

    assert json.loads(text) == {"a": None, "b": [None], "c": None, "d": None, "e": None,
                                "f": 1.5}
    assert "NaN" not in text and "Infinity" not in text


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300),
                 st.recursive(st.none() | st.booleans() | st.floats() | st.integers()
                              | st.text(max_size=20),
                              lambda kids: st.lists(kids, max_size=4)
                              | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                              max_leaves=20).map(lambda v: json.dumps(v).encode())))
def test_any_bytes_give_a_record_or_one_clear_refusal(tmp_path: Path, data: bytes) -> None:
    from nianbao.generate.notice_input import load_notice

    for name in ("any.json", "any.yaml"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            load_record(path) if name.endswith(".json") else load_notice(path)
        except UnreadableInput as exc:
            assert "\n" not in exc.message_en and str(path) in exc.message_en
