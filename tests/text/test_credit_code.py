"""GB 32100 credit codes: the spec §2.5 vectors, normalisation, and the check properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.text.credit_code import (
    CHARSET,
    DEPARTMENTS,
    WEIGHTS,
    check_char,
    division,
    is_valid,
    normalise,
    org_check_digit,
    validate,
)

# spec §2.5, valid: both C9 and C18 correct.
VALID = [
    "12430681593289443F",  # seed 000, S=1411
    "12430603MB1A234576",  # MB-prefixed org code, S=1699
    "12110000400002195X",  # check char X (C18=29)
    "12430603MB00003340",  # S mod 31 = 0 -> check 0
    "12430603MB000006XF",  # org-code check digit X (C9=10)
    "51430100MJ0D123441",  # 民政 社会团体
    "12430603MB0000211Y",  # check Y
    "12430603MB0000000F",  # C9 = 11 -> 0
]

# spec §2.5, invalid: (code, [(problem, severity, expected, actual), ...]) in position order.
INVALID = [
    ("12430681593289443E", [("check-char", "error", "F", "E")]),
    ("12430681593289445M", [("org-check-digit", "warning", "3", "5")]),
    (
        "12430681953289443F",
        [("org-check-digit", "warning", "8", "3"), ("check-char", "error", "L", "F")],
    ),
    ("1243068159328944F", [("length", "error", "18", "17")]),
    ("12430681S93289443F", [("charset", "error", CHARSET, "S")]),
    ("12A30681593289443P", [("structure", "error", "6 digits", "A30681")]),
    (
        "12430681593289443f",
        [("lowercase", "warning", "12430681593289443F", "12430681593289443f")],
    ),
]

PAIRS = [dept + cat for dept, (_, _, cats) in DEPARTMENTS.items() for cat in cats]


def summary(code: str, **kwargs: str | None) -> list[tuple[str, str, str | None, str | None]]:
    return [(p.code, p.severity, p.expected, p.actual) for p in validate(code, **kwargs)]


@pytest.mark.parametrize("code", VALID)
def test_valid_vectors_have_no_problem(code: str) -> None:
    assert validate(code, expected_category=None) == []
    assert is_valid(code)


@pytest.mark.parametrize("code, expected", INVALID)
def test_invalid_vectors_give_the_exact_problem(code: str, expected: list[tuple[str, ...]]) -> None:
    assert summary(code) == expected


def test_only_errors_make_a_code_invalid() -> None:
    assert not is_valid("12430681593289443E")
    assert is_valid("12430681593289445M")  # org-code digit: warning only
    assert is_valid("12430681593289443f")  # lowercase: warning only


def test_seed_000_check_values_match_the_worked_example() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert check_char("12430681593289443") == "F"
    assert org_check_digit("59328944") == "3"


def test_org_check_digit_uses_the_gb11714_letter_values() -> None:
    # Reusing the GB 32100 table would give 9 (spec §2.3 pitfall).
    assert org_check_digit("MB1P4Q8R") == "X"


def test_a_non_institution_pair_is_a_warning_for_an_annual_report() -> None:
    assert summary("51430100MJ0D123441") == [("department", "warning", "12", "51")]
    organ = "11430681593289443"
    problems = validate(organ + check_char(organ))
    assert [(p.code, p.severity) for p in problems] == [("department", "warning")]
    assert "机关" in problems[0].details["kind_zh"]
    assert "government organ" in problems[0].details["kind_en"]


def test_an_unknown_department_pair_is_an_error() -> None:
    body = "B1430681593289443"
    assert summary(body + check_char(body)) == [("department", "error", None, "B1")]


def test_problems_say_where_the_code_goes_wrong() -> None:
    (problem,) = validate("12430681593289443E")
    assert (problem.code, problem.expected, problem.actual) == ("check-char", "F", "E")
    (charset,) = validate("12430681S93289443F")
    assert "第9位“S”" in charset.details["where_zh"]
    assert "'S' at position 9" in charset.details["where_en"]


def test_normalise_strips_spaces_hyphens_and_full_width_forms() -> None:
    assert normalise(" 1243 0681-5932 8944-3F ").text == "12430681593289443F"
    assert normalise("１２４３０６８１５９３２８９４４３Ｆ").text == "12430681593289443F"
    assert validate("12430681 59328944-3F") == []


def test_normalise_remembers_lower_case() -> None:
    assert normalise("12430681593289443f") == normalise("12430681593289443f")
    assert normalise("12430681593289443f").lowercase
    assert not normalise("12430681593289443F").lowercase


def test_division_is_positions_3_to_8() -> None:
    assert division("12430681593289443F") == "430681"
    assert division("12 430603 MB1A23457-6") == "430603"


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    pair = draw(st.sampled_from(PAIRS))
    area = draw(st.text("0123456789", min_size=6, max_size=6))
    body = draw(st.text(CHARSET, min_size=8, max_size=8))
    first17 = pair + area + body + org_check_digit(body)
    return first17 + check_char(first17)


@given(valid_codes())
def test_a_generated_valid_code_passes(code: str) -> None:
    assert validate(code, expected_category=None) == []


@given(st.text(CHARSET, min_size=17, max_size=17))
def test_the_computed_check_char_always_satisfies_the_check(first17: str) -> None:
    codes = [p.code for p in validate(first17 + check_char(first17))]
    assert "check-char" not in codes


@given(valid_codes(), st.integers(0, 17), st.sampled_from(CHARSET))
def test_changing_any_one_character_breaks_the_check(code: str, pos: int, new: str) -> None:
    if new == code[pos]:
        return
    changed = code[:pos] + new + code[pos + 1 :]
    problems = validate(changed, expected_category=None)
    assert "check-char" in [p.code for p in problems]
    assert not is_valid(changed)


@given(valid_codes(), st.integers(0, 17), st.sampled_from("IOSVZ*#/.?"))
def test_a_forbidden_character_anywhere_is_an_error(code: str, pos: int, new: str) -> None:
    changed = code[:pos] + new + code[pos + 1 :]
    assert [(p.code, p.severity) for p in validate(changed)] == [("charset", "error")]


@given(st.text(max_size=30))
def test_normalise_is_idempotent_and_validate_never_raises(raw: str) -> None:
    once = normalise(raw).text
    assert normalise(once).text == once
    assert all(p.severity in ("error", "warning") for p in validate(raw))
